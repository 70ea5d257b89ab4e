package cnum

import (
	"strconv"
	"strings"
	"testing"
)

// What glibc's strtol and atoi return for the same strings.
func TestStrtolAtoi(t *testing.T) {
	for _, c := range []struct {
		s    string
		l    int64
		atoi int32
	}{
		{"", 0, 0},
		{"x", 0, 0},
		{"0x10", 0, 0},
		{"  \t\n42abc", 42, 42},
		{"+7", 7, 7},
		{"-7", -7, -7},
		{"- 7", 0, 0},
		{"2147483648", 2147483648, -2147483648},
		{"4294967297", 4294967297, 1},
		{"9223372036854775807", 1<<63 - 1, -1},
		{"9223372036854775808", 1<<63 - 1, -1},
		{"99999999999999999999999", 1<<63 - 1, -1},
		{"-9223372036854775808", -1 << 63, 0},
		{"-99999999999999999999999", -1 << 63, 0},
		// ofp-parse-pcap's port arguments, as the real tool reads them.
		{" \t+6633x", 6633, 6633},
		{"4294973929", 4294973929, 6633},
		{"-4294960663", -4294960663, 6633},
		{"-9223372036854775807", -1<<63 + 1, 1},
	} {
		if got := Strtol(c.s); got != c.l {
			t.Errorf("Strtol(%q) = %d, want %d", c.s, got, c.l)
		}
		if got := Atoi(c.s); got != c.atoi {
			t.Errorf("Atoi(%q) = %d, want %d", c.s, got, c.atoi)
		}
	}
}

// FuzzStrtol checks Strtol against strconv on the digits strtol takes.
func FuzzStrtol(f *testing.F) {
	for _, s := range []string{"1234\n", " 12x", "abc", "", "-5", "+", "4294967296", "\t\n 9", "-9223372036854775809"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Strtol(s)
		if int32(got) != Atoi(s) {
			t.Fatal("Atoi is not Strtol cut to 32 bits")
		}
		trim := strings.TrimLeft(s, " \t\n\v\f\r")
		sign := ""
		if trim != "" && (trim[0] == '+' || trim[0] == '-') {
			sign, trim = trim[:1], trim[1:]
		}
		end := 0
		for end < len(trim) && trim[end] >= '0' && trim[end] <= '9' {
			end++
		}
		want, err := strconv.ParseInt(sign+"0"+trim[:end], 10, 64)
		if err != nil { // out of range: strconv saturates as strtol does
			if got != want {
				t.Fatalf("Strtol(%q) = %d, want saturation at %d", s, got, want)
			}
			return
		}
		if got != want {
			t.Errorf("Strtol(%q) = %d, want %d", s, got, want)
		}
	})
}
