package openflow

import (
	"encoding/hex"
	"sync"
	"testing"
)

// ofctlPrintAll runs the real "ovs-ofctl ofp-print" on each hex message,
// a few at a time: the corpus is large and each run is a process start.
func ofctlPrintAll(t *testing.T, bin string, hexes []string) []string {
	out := make([]string, len(hexes))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, h := range hexes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			out[i] = runOfctl(t, bin, "ofp-print", h)
			<-sem
		}()
	}
	wg.Wait()
	return out
}

// TestGroupMeterBundlePrintMatchesOVS prints group, meter and bundle
// messages (testdata/group_print.txt: messages the real ovs-ofctl sent,
// captured on the wire, plus hand-made malformed ones) with both the real
// ovs-ofctl and Print.
func TestGroupMeterBundlePrintMatchesOVS(t *testing.T) {
	bin := realOfctl(t)
	hexes := readLines(t, "testdata/group_print.txt")
	wants := ofctlPrintAll(t, bin, hexes)
	for i, h := range hexes {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := Print(b), wants[i]; got != want {
			t.Errorf("ofp-print %s:\n got: %q\nwant: %q", h, got, want)
		}
	}
}

// TestGroupMeterEncodePrintAgainstOVS encodes parsed groups and meters in
// every version and has the real ovs-ofctl print our bytes: it must
// accept them and describe them exactly as Print does.
func TestGroupMeterEncodePrintAgainstOVS(t *testing.T) {
	bin := realOfctl(t)
	var msgs [][]byte
	for _, tc := range groupWireVectors {
		gm, err := ParseGroupMod(tc.text, tc.cmd, nil)
		if err != nil {
			t.Fatal(err)
		}
		for v := V10; v <= V15; v++ {
			if b, err := Encode(gm, uint8(v), 9); err == nil {
				msgs = append(msgs, b)
			}
		}
	}
	for _, tc := range meterWireVectors {
		mm, err := ParseMeterMod(tc.text, tc.cmd)
		if err != nil {
			t.Fatal(err)
		}
		for v := V13; v <= V15; v++ {
			msgs = append(msgs, mustEncode(t, mm, v, 3))
		}
	}
	for v := V13; v <= V15; v++ {
		msgs = append(msgs, mustEncode(t, &BundleControl{BundleID: 0x1234, CtrlType: BundleCloseReply, Flags: BundleOrdered}, v, 4))
	}
	hexes := make([]string, len(msgs))
	for i, b := range msgs {
		hexes[i] = hex.EncodeToString(b)
	}
	wants := ofctlPrintAll(t, bin, hexes)
	for i, b := range msgs {
		h := hexes[i]
		if got, want := Print(b), wants[i]; got != want {
			t.Errorf("ofp-print %s:\n got: %q\nwant: %q", h, got, want)
		}
	}
}
