package vlog

import (
	"strings"
	"testing"
)

// FuzzSet feeds arbitrary specs to the -v/vlog/set parser and renders a
// message with whatever pattern resulted: neither may panic, and an error
// must leave the levels valid.
func FuzzSet(f *testing.F) {
	for _, s := range []string{
		"", "off", "console:emer", "file:info", "ANY:dbg", "test_mod:file:warn",
		"PATTERN:file:%m", "PATTERN:console:%-10c|%05N|%D{%Y.###}|%d{%s}|%", "FACILITY:local3",
		"FACILITY:", "PATTERN", "console:file", "info:dbg", "foo", "a,b c:d\te",
		"PATTERN:any:%c{%5{%0", "%D{%", "PATTERN:console:%99999999999999999999m",
	} {
		f.Add(s)
	}
	setup(f)
	con := &syncBuffer{}
	SetConsoleWriter(con)
	f.Fuzz(func(t *testing.T, spec string) {
		err := Set(spec)
		if err != nil && err.Error() == "" {
			t.Error("empty error text")
		}
		for d := range nDest {
			if l := testMod.Level(Destination(d)); l < Off || l > Dbg {
				t.Fatalf("level %d after %q", l, spec)
			}
		}
		mustSet(t, "test_mod:console:dbg")
		testMod.Dbg("fuzz %s", spec)
		if strings.Contains(spec, "PATTERN") {
			SetPattern(Console, defaultConsolePattern)
			SetPattern(File, defaultFilePattern)
			SetPattern(Syslog, defaultSyslogPattern)
		}
	})
}
