package vsctl

import (
	"testing"
)

// catchFatal runs f and returns the message of the fatal error it raised.
func catchFatal(f func()) (msg string, failed bool) {
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(*fatalError)
			if !ok {
				panic(r)
			}
			msg, failed = fe.msg, true
		}
	}()
	f()
	return "", false
}

// The expectations below are what OVS 3.1's ovs-vsctl stores for these
// arguments (checked with the real tool; see the zones scenario).
func TestParseZone(t *testing.T) {
	for in, want := range map[string]int64{
		"zone=1": 1, "zone=015": 13, "zone=0x10": 16, "zone= 16": 16, "zone=14x": 14,
		"zone=+34": 34, "zone=-0x2": -2, "zone=70,3": 70,
		"zone=99999999999999999999": 7766279631452241919,
	} {
		var got int64
		if msg, failed := catchFatal(func() { got = parseZone(in) }); failed || got != want {
			t.Errorf("parseZone(%q) = %d (%s), want %d", in, got, msg, want)
		}
	}
	for _, in := range []string{"zone=x", "zon=3", "3", "zone=", "zone=-"} {
		if msg, failed := catchFatal(func() { parseZone(in) }); !failed || msg != in+": invalid zone (expected zone=ZONE_ID)" {
			t.Errorf("parseZone(%q): %q", in, msg)
		}
	}
}

func TestParsePolicy(t *testing.T) {
	type kv struct {
		k  string
		v  int64
		ok bool
	}
	for in, want := range map[string]kv{
		"icmp_first=30": {"icmp_first", 30, true}, "icmp_first": {"icmp_first", 0, true},
		"icmp_first=abc": {"icmp_first", 0, true}, "icmp_first=5x": {"icmp_first", 5, true},
		"icmp_first=99999999999": {"icmp_first", 1215752191, true}, "icmp_first=4294967295": {"icmp_first", -1, true},
		"icmp_first=2147483648": {"icmp_first", -2147483648, true}, "icmp_first=99999999999999999999": {"icmp_first", -1, true},
		"icmp_first=-5": {"icmp_first", -5, true}, "icmp_first=+7": {"icmp_first", 7, true},
		"icmp_first=0x10": {"icmp_first", 0, true}, "udp_first=010": {"udp_first", 10, true},
		"tcp_close= 5": {"tcp_close", 0, true}, "icmp_first=1 udp_first=2": {"icmp_first", 1, true},
		"icmp_first:5": {"icmp_first", 5, true}, ", tcp_close=6": {"tcp_close", 6, true},
		"udp_first=(7)": {"udp_first", 0, true}, "tcp_syn_sent==1": {"tcp_syn_sent", 0, true},
		"icmp_reply=9=1": {"icmp_reply", 9, true}, "=5": {"", 5, true}, "x=": {"x", 0, true},
		"": {"", 0, false}, " ,": {"", 0, false},
	} {
		k, v, ok := parsePolicy(in)
		if (kv{k, v, ok}) != want {
			t.Errorf("parsePolicy(%q) = %q %d %v, want %+v", in, k, v, ok, want)
		}
	}
}

func TestParseAAArg(t *testing.T) {
	for in, want := range map[string]int64{
		"100": 100, "0x10": 0, "010": 10, "-1": -1, " 8": 8, "9 ": 9, "7y": 7, "+3": 3,
		"99999999999999999999": -1, "18446744073709551615": -1, "-5": -5,
	} {
		var got int64
		if msg, failed := catchFatal(func() { got = parseAAArg(in) }); failed || got != want {
			t.Errorf("parseAAArg(%q) = %d (%s), want %d", in, got, msg, want)
		}
	}
	for _, in := range []string{"x", "", " ", "-x", "+"} {
		if msg, failed := catchFatal(func() { parseAAArg(in) }); !failed || msg != "Invalid argument "+in {
			t.Errorf("parseAAArg(%q): %q", in, msg)
		}
	}
}

// FuzzZoneArgs: the argument parsers of the zone and Auto-Attach commands
// either return or fail with a fatal error; they never panic otherwise.
func FuzzZoneArgs(f *testing.F) {
	for _, s := range []string{"zone=1", "zone=0x", "icmp_first=(9", "a(b(c))", "=", "99999999999999999999", "-", "zone=-0X1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		catchFatal(func() { parseZone(s) })
		catchFatal(func() { parseAAArg(s) })
		parsePolicy(s)
		atoi32(s)
	})
}
