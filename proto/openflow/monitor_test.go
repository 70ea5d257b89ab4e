package openflow

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// monitorBody splits a flow monitor statistics message into its version,
// statistics flags and body (after the version's statistics header).
func monitorBody(b []byte) (Version, uint16, []byte, bool) {
	v := Version(b[0])
	reply := b[1] == 0x11 || b[1] == 0x13
	hl := 16
	if v == V10 || v == V13 {
		hl = 24
	}
	return v, u16(b, 10), b[hl:], reply
}

// TestFlowMonitorBodiesMatchOVS decodes the bodies of flow monitor
// requests and replies (testdata/monitor_print.txt: what the real
// ovs-ofctl monitor and ovs-vswitchd exchanged, plus hand-made ones) and
// compares their text with the real ofp-print's, below its title line.
// The statistics framing and title are the statistics layer's.
func TestFlowMonitorBodiesMatchOVS(t *testing.T) {
	bin := realOfctl(t)
	hexes := readLines(t, "testdata/monitor_print.txt")
	wants := ofctlPrintAll(t, bin, hexes)
	for i, h := range hexes {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		want := wants[i]
		title, rest, _ := strings.Cut(want, "\n")
		v, flags, body, reply := monitorBody(b)
		m, err := decodeFlowMonitorBody(body, v, flags, reply)
		if i := strings.Index(title, "***decode error: "); i >= 0 {
			name := strings.TrimSuffix(title[i+len("***decode error: "):], "***")
			if e, ok := err.(ErrorCode); !ok || e.Name() != name {
				t.Errorf("%s: error %v, want %s", h, err, name)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", h, err)
			continue
		}
		got := string(m.(interface {
			appendStatsText([]byte, Version) []byte
		}).appendStatsText(nil, v))
		if got != "" {
			got = got[1:] + "\n"
		}
		if got != rest {
			t.Errorf("%s:\n got: %q\nwant: %q", h, got, rest)
		}
		enc, err := AppendMessage(nil, m, b[0], u32(b, 4))
		if err != nil {
			t.Errorf("%s: encode: %v", h, err)
		} else if !bytes.Equal(enc, b) {
			t.Errorf("re-encode:\n got %x\nwant %s", enc, h)
		}
	}
}

func TestFlowMonitorNotifications(t *testing.T) {
	for _, m := range []Message{&NXFlowMonitorCancel{ID: 5}, &NXFlowMonitorPaused{}, &NXFlowMonitorResumed{}} {
		b := mustEncode(t, m, V10, 3)
		got, _, err := Decode(b)
		if err != nil || got.Type() != m.Type() {
			t.Errorf("%T: %v %v", m, got, err)
		}
		if _, err := Encode(m, uint8(V14), 3); err == nil {
			t.Errorf("%T encoded in 1.4", m)
		}
	}
	b := mustEncode(t, &NXFlowMonitorCancel{ID: 5}, V10, 7)
	if got := Print(b); got != "NXT_FLOW_MONITOR_CANCEL (xid=0x7): id=5\n" {
		t.Errorf("print: %q", got)
	}
}

func FuzzDecodeFlowMonitor(f *testing.F) {
	for _, h := range readLinesF(f, "testdata/monitor_print.txt") {
		if b, err := hex.DecodeString(h); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < 24 {
			return
		}
		for _, v := range []Version{V10, V13, V14} {
			for _, reply := range []bool{false, true} {
				m, err := decodeFlowMonitorBody(b[16:], v, 0, reply)
				if err != nil {
					continue
				}
				_ = m.(interface {
					appendStatsText([]byte, Version) []byte
				}).appendStatsText(nil, v)
				enc, err := AppendMessage(nil, m, uint8(v), 1)
				if err != nil {
					continue
				}
				_, _, body, _ := monitorBody(enc)
				if _, err := decodeFlowMonitorBody(body, v, 0, reply); err != nil {
					t.Fatalf("re-encoded %x does not decode: %v", enc, err)
				}
			}
		}
	})
}

// The notifications are Nicira messages up to OpenFlow 1.2 and ONF
// experimenter messages (1870-1872) in 1.3, as OVS has them; 1.4+ has
// neither (PAUSED and RESUMED are flow updates there).
func TestFlowMonitorNotificationsAgainstOVS(t *testing.T) {
	ofctl := realOfctl(t)
	for _, v := range []Version{V10, V11, V12, V13} {
		for _, m := range []Message{&NXFlowMonitorCancel{ID: 0x1234}, &NXFlowMonitorPaused{}, &NXFlowMonitorResumed{}} {
			b := mustEncode(t, m, v, 3)
			want := runOfctl(t, ofctl, "ofp-print", hex.EncodeToString(b))
			if got := Print(b); got != want || strings.Contains(want, "error") {
				t.Errorf("%x:\n got %q\nwant %q", b, got, want)
			}
			back, _, err := Decode(b)
			if err != nil || back.Type() != m.Type() {
				t.Errorf("%x decodes to %v, %v", b, back, err)
			}
		}
	}
	if _, err := Encode(&NXFlowMonitorPaused{}, uint8(V14), 1); err == nil {
		t.Error("NXT_FLOW_MONITOR_PAUSED encoded in OpenFlow 1.4")
	}
}
