package openflow

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// flowVersions are the encodings a parsed flow is checked in: 1.0 picks
// NXM when ofp_match cannot hold the flow, as ovs-ofctl does.
var flowVersions = []Version{V10, V12, V13, V14, V15}

func encodeFlowMod(t *testing.T, fm *FlowMod, v Version) ([]byte, bool) {
	t.Helper()
	fm.NXM = v == V10 && !fm.Fits10()
	b, err := Encode(fm, uint8(v), 7)
	return b, err == nil
}

func TestFlowModRoundTrip(t *testing.T) {
	n := 0
	for _, line := range readLines(t, "testdata/flows.txt") {
		for cmd := FlowAdd; cmd <= FlowDeleteStrict; cmd++ {
			s := line
			if cmd >= FlowDelete {
				s, _, _ = strings.Cut(line, "actions")
			}
			fm, err := ParseFlow(s, cmd, nil)
			if err != nil {
				continue
			}
			for _, v := range flowVersions {
				b, ok := encodeFlowMod(t, fm, v)
				if !ok {
					continue
				}
				m, h, err := Decode(b)
				if err != nil {
					t.Errorf("%s %v %q: decode own bytes: %v\n%s", v, cmd, s, err, hex.Dump(b))
					continue
				}
				if h.Xid != 7 {
					t.Errorf("xid %d", h.Xid)
				}
				if d := m.(*FlowMod); v == V10 && !d.NXM && d.Priority == 0xffff && fm.Priority != 0xffff {
					continue // 1.0 ranks exact-match flows highest on decode
				}
				b2, err := Encode(m, uint8(v), 7)
				if err != nil || !bytes.Equal(b, b2) {
					t.Errorf("%s %v %q: re-encode differs (%v)\n%x\n%x", v, cmd, s, err, b, b2)
				}
				n++
			}
		}
	}
	if n < 500 {
		t.Fatalf("only %d round trips", n)
	}
}

func TestParseFlowCommands(t *testing.T) {
	for _, c := range []struct {
		line string
		cmd  FlowModCommand
		err  string
	}{
		{"ip", FlowAdd, "must specify an action"},
		{"ip,actions=drop", FlowDelete, "actions are invalid with specified command"},
		{"cookie=1/1,actions=drop", FlowAdd, "flow additions cannot use a cookie mask"},
		{"out_port=1,actions=drop", FlowAdd, "unknown keyword out_port"},
		{"idle_timeout=5", FlowDelete, "unknown keyword idle_timeout"},
		{"table=256,actions=drop", FlowAdd, `unknown table "256"`},
		{"priority=x,actions=drop", FlowAdd, `invalid priority "x"`},
		{"priority=,actions=drop", FlowAdd, "field priority missing value"},
		{"actions=goto_table:1,output:1", FlowAdd, "invalid instruction ordering: apply_actions must appear before goto_table, for OpenFlow 1.1+ compatibility"},
		{"actions=meter:1,meter:2", FlowAdd, "duplicate meter instruction not allowed, for OpenFlow 1.1+ compatibility"},
		{"out_port=9,out_group=3,cookie=5/0xf,priority=3,ip", FlowDeleteStrict, ""},
		{"cookie=5,ip,actions=drop", FlowModify, ""},
	} {
		fm, err := ParseFlow(c.line, c.cmd, nil)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("%q: err %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.line, err)
		}
		if c.cmd == FlowDeleteStrict && (fm.OutPort != 9 || fm.OutGroup != 3 || fm.Cookie != 5 || fm.CookieMask != 0xf || fm.Priority != 3) {
			t.Errorf("%q: %+v", c.line, fm)
		}
		if c.cmd == FlowModify && (fm.NewCookie != 5 || fm.CookieMask != 0) {
			t.Errorf("%q: %+v", c.line, fm)
		}
	}
}

func TestInstructionsWire(t *testing.T) {
	acts, err := ParseActions("meter:3,output:1,clear_actions,write_actions(output:2),write_metadata:0x5/0xf,goto_table:9", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []Version{V13, V15} {
		b, err := AppendInstructions(nil, acts, v)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeInstructions(b, v)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := ActionsString(back), ActionsString(acts); got != want {
			t.Errorf("%s: %s, want %s", v, got, want)
		}
	}
	// Duplicate instructions and unknown types are protocol errors.
	dup := []byte{0, 5, 0, 8, 0, 0, 0, 0, 0, 5, 0, 8, 0, 0, 0, 0}
	if _, err := DecodeInstructions(dup, V13); err != OFPBIC_DUP_INST {
		t.Errorf("dup: %v", err)
	}
	if _, err := DecodeInstructions([]byte{0, 9, 0, 8, 0, 0, 0, 0}, V13); err != OFPBIC_UNKNOWN_INST {
		t.Errorf("unknown: %v", err)
	}
	if _, err := DecodeInstructions([]byte{0, 1, 0, 8, 0}, V13); err != OFPBIC_BAD_LEN {
		t.Errorf("short: %v", err)
	}
}

func TestFlowDumpText(t *testing.T) {
	m, _ := ParseMatch("ip", nil)
	f := &FlowDump{Cookie: 0x1234, DurationSec: 5, DurationNsec: 120000, TableID: 3, PacketCount: 7,
		ByteCount: 700, IdleTimeout: 10, Flags: FlowSendFlowRem, Importance: 6, IdleAge: -1, HardAge: -1,
		Priority: 5, Match: *m, Actions: []Action{&Output{Port: 1}}}
	want := "cookie=0x1234, duration=5.00012s, table=3, n_packets=7, n_bytes=700, idle_timeout=10, send_flow_rem importance=6, priority=5,ip actions=output:1"
	if got := string(f.AppendText(nil, nil)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f = &FlowDump{Priority: DefaultPriority, IdleAge: 3, HardAge: -1}
	want = "cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, idle_age=3, actions=drop"
	if got := string(f.AppendText(nil, nil)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
