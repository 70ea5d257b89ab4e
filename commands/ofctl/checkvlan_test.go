package ofctl

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestCheckVLANAgainstRealOVS compares check-vlan with the real tool on
// the interesting TCIs (no tag, any tag, CFI alone, PCP alone, value bits
// outside the mask) and on a fixed pseudo-random sample.
func TestCheckVLANAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	cases := []string{
		"check-vlan", "check-vlan 1", "check-vlan 1 2 3", "check-vlan x y", "check-vlan 0x 0xg",
		"check-vlan ' +0x10' 0X1fff", "check-vlan -- -1 -2", "check-vlan 12345678 0xffff",
	}
	for _, p := range [][2]uint16{
		{0, 0}, {0x1000, 0xffff}, {0x1001, 0x1fff}, {0xffff, 0xffff}, {0x0fff, 0x1fff}, {0, 0xffff},
		{0x1000, 0x1000}, {5, 5}, {0x10, 0xffff}, {0xe000, 0xe000}, {0x2000, 0xefff}, {0x1001, 0x0fff},
		{0, 0x1000}, {0xffff, 0x0fff}, {0x1005, 0xefff}, {0x3000, 0x3000}, {0x1fff, 0x1000},
		{0x4096, 0x4096}, {0xe000, 0x1000}, {0xe005, 0xffff}, {0x1234, 0xf0f0}, {0x2000, 0},
	} {
		cases = append(cases, fmt.Sprintf("check-vlan 0x%x 0x%x", p[0], p[1]))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		cases = append(cases, fmt.Sprintf("check-vlan %x %x", r.IntN(1<<16), r.IntN(1<<16)))
	}
	compareOffline(t, s, cases)
}

func TestParseHexUlong(t *testing.T) {
	for in, want := range map[string]uint16{
		"": 0, "x": 0, "0x": 0, "0xg": 0, "10": 0x10, "0X1fff": 0x1fff, "  +ab": 0xab,
		"-1": 0xffff, "-0x2": 0xfffe, "12345678": 0x5678, "ffffffffffffffffff": 0xffff, "1z2": 1,
	} {
		if got := parseHexUlong(in); got != want {
			t.Errorf("parseHexUlong(%q) = %#x, want %#x", in, got, want)
		}
	}
}
