package openflow

import "testing"

// FuzzFlowMessages feeds flow_mod and flow_removed bodies of every
// encoding to Decode and Print: no panics, and whatever decodes must
// encode again and decode to the same text.
func FuzzFlowMessages(f *testing.F) {
	for _, line := range []string{"priority=5,tcp,nw_src=1.2.3.4,actions=output:1,goto_table:3",
		"reg0=1,cookie=0x5,actions=load:0x3->NXM_NX_REG1[0..7]", "actions=meter:2,output:1,clear_actions,write_metadata:1"} {
		fm, err := ParseFlow(line, FlowAdd, nil)
		if err != nil {
			f.Fatal(err)
		}
		for _, v := range []Version{V10, V13, V15} {
			for _, nx := range []bool{false, true} {
				fm.NXM = nx
				if b, err := Encode(fm, uint8(v), 1); err == nil {
					f.Add(b)
				}
			}
		}
	}
	m, _ := ParseMatch("tcp,tp_dst=80", nil)
	for _, v := range []Version{V10, V13, V15} {
		for _, nx := range []bool{false, true} {
			if b, err := Encode(&FlowRemoved{NXM: nx, Match: *m, Priority: 9, Reason: 2}, uint8(v), 1); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = Print(b)
		m, h, err := Decode(b)
		if err != nil {
			return
		}
		switch m.(type) {
		case *FlowMod, *FlowRemoved:
		default:
			return
		}
		b2, err := Encode(m, h.Version, h.Xid)
		if err != nil {
			return
		}
		if m2, _, err := Decode(b2); err != nil {
			t.Fatalf("re-encoded %T does not decode: %v\n%x", m2, err, b2)
		}
	})
}

// FuzzParseFlow checks that the flow-line parser never panics and that
// what it accepts can be encoded or is refused cleanly.
func FuzzParseFlow(f *testing.F) {
	for _, s := range []string{"priority=5,tcp,nw_src=1.2.3.4,actions=output:1",
		"table=1,cookie=0x5,idle_timeout=10,send_flow_rem,ip actions=drop",
		"out_port=3,cookie=1/3,ip", "actions=meter:1,clear_actions,goto_table:2", "priority=,actions=1"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, cmd uint8) {
		fm, err := ParseFlow(s, FlowModCommand(cmd%5), nil)
		if err != nil {
			return
		}
		for _, v := range []Version{V10, V13} {
			fm.NXM = v == V10 && !fm.Fits10()
			if b, err := Encode(fm, uint8(v), 1); err == nil {
				_ = Print(b)
			}
		}
	})
}

// FuzzDecodeInstructions: any instruction list decodes without panic,
// and what decodes encodes again to a list that decodes the same way.
func FuzzDecodeInstructions(f *testing.F) {
	acts, _ := ParseActions("output:1,clear_actions,write_actions(output:2),write_metadata:0x5/0xf,goto_table:9", nil)
	for _, v := range []Version{V13, V15} {
		b, _ := AppendInstructions(nil, acts, v)
		f.Add(b, uint8(v))
	}
	f.Add([]byte{0, 6, 0, 8, 0, 0, 0, 1}, uint8(V13))
	f.Fuzz(func(t *testing.T, b []byte, ver uint8) {
		v := Version(ver%6 + 1)
		acts, err := DecodeInstructions(b, v)
		if err != nil {
			return
		}
		enc, err := AppendInstructions(nil, acts, v)
		if err != nil {
			return
		}
		back, err := DecodeInstructions(enc, v)
		if err != nil {
			t.Fatalf("%s: own encoding rejected: %v", v, err)
		}
		if a, b := ActionsString(acts), ActionsString(back); a != b {
			t.Fatalf("%s: %s became %s", v, a, b)
		}
	})
}
