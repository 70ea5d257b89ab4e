package openflow

import (
	"encoding/hex"
	"testing"
)

// TestPacketPrintMatchesOVS prints hand-built packet-in and packet-out
// messages (testdata/pkt_print.txt, one hex message a line) with both
// the real ovs-ofctl and Print.
func TestPacketPrintMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	for _, h := range readLines(t, "testdata/pkt_print.txt") {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		want := runOfctl(t, bin, "ofp-print", h)
		if got := Print(b); got != want {
			t.Errorf("ofp-print %s:\n got: %q\nwant: %q", h, got, want)
		}
	}
}
