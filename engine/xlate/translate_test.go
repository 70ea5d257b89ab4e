package xlate

import (
	"testing"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/mactable"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// testBridge builds a bridge whose port i (1-based) has datapath port
// 10+i and the bundle settings given.
func testBridge(name string, bundles ...*Bundle) *Bridge {
	br := &Bridge{Name: name, OF: ofproto.New(name, nil), MAC: mactable.New(), Ports: map[uint32]*Port{}}
	for i, b := range bundles {
		p := &Port{Bridge: br, Name: b.Name, OFPort: uint32(i + 1), DPPort: uint32(11 + i), HasDP: true, Bundle: b}
		b.Ports = []*Port{p}
		br.Ports[p.OFPort] = p
		br.Bundles = append(br.Bundles, b)
	}
	return br
}

func mac(b byte) [6]byte { return [6]byte{0x50, 0x54, 0, 0, 0, b} }

func key(inDP uint32, src, dst [6]byte, tci uint16) flow.Key {
	k := flow.Key{InPort: inDP, EthSrc: src, EthDst: dst, EthType: 0x0800}
	if tci != 0 {
		k.VLANs[0] = flow.VLAN{TPID: 0x8100, TCI: tci | flow.VLANCFI}
	}
	return k
}

func access(name string, tag int) *Bundle { return &Bundle{Name: name, Mode: Access, Tag: tag} }
func trunk(name string) *Bundle           { return &Bundle{Name: name, Mode: Trunk, Tag: -1} }

func run(cfg *Config, k flow.Key) *Output {
	return Translate(cfg, &Input{Key: k, Learn: true, Now: 1})
}

func outputs(acts dpif.Actions) []string {
	var s []string
	for _, a := range acts {
		switch a.Type {
		case dpif.ActOutput:
			s = append(s, string(rune('0'+a.Port-10)))
		case dpif.ActPushVLAN:
			s = append(s, "push"+itoa(int(a.VLAN.TCI&flow.VLANVIDMask)))
		case dpif.ActPopVLAN:
			s = append(s, "pop")
		}
	}
	return s
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func eq(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNormalVLANs(t *testing.T) {
	br := testBridge("br0", access("a10", 10), access("b10", 10), access("c20", 20), trunk("t"))
	cfg := NewConfig([]*Bridge{br})
	bcast := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

	// Broadcast from access port 1 (VLAN 10): to port 2 untagged, to
	// the trunk tagged 10, never to VLAN 20.
	out := run(cfg, key(11, mac(1), bcast, 0))
	if got := outputs(out.Actions); !eq(got, []string{"2", "push10", "4"}) {
		t.Fatalf("flood from VLAN 10 access port: %v", got)
	}
	// Tagged frame on an access port: dropped.
	if out := run(cfg, key(11, mac(1), bcast, 5)); len(out.Actions) != 0 {
		t.Fatalf("tagged frame on access port forwarded: %v", outputs(out.Actions))
	}
	// From the trunk tagged 20: to port 3 untagged only.
	out = run(cfg, key(14, mac(4), bcast, 20))
	if got := outputs(out.Actions); !eq(got, []string{"pop", "3"}) {
		t.Fatalf("flood from trunk VLAN 20: %v", got)
	}
	// Learned: mac(1) is on port 1 VLAN 10; unicast from the trunk on
	// VLAN 10 goes only there, untagged.
	out = run(cfg, key(14, mac(4), mac(1), 10))
	if got := outputs(out.Actions); !eq(got, []string{"pop", "1"}) {
		t.Fatalf("unicast to learned MAC: %v", got)
	}
	// Same MAC on VLAN 20 is unknown: flood within VLAN 20.
	out = run(cfg, key(14, mac(4), mac(1), 20))
	if got := outputs(out.Actions); !eq(got, []string{"pop", "3"}) {
		t.Fatalf("unicast on other VLAN: %v", got)
	}
	// No hairpin: to a MAC learned on the input port, nothing.
	run(cfg, key(12, mac(2), bcast, 0))
	if out := run(cfg, key(12, mac(9), mac(2), 0)); len(out.Actions) != 0 {
		t.Fatalf("hairpin: %v", outputs(out.Actions))
	}
	// The megaflow must match on what NORMAL decided on.
	m := out.Mask
	if m.EthSrc != [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} || m.EthDst != m.EthSrc || m.InPort != ^uint32(0) || m.VLANs[0].TCI != 0xffff {
		t.Fatalf("mask too wide: %+v", m)
	}
	if m.IPv4Src != [4]byte{} || m.TpSrc != 0 {
		t.Fatalf("mask too narrow: %+v", m)
	}
}

func TestNormalMoveAndReserved(t *testing.T) {
	br := testBridge("br0", trunk("p1"), trunk("p2"), trunk("p3"))
	cfg := NewConfig([]*Bridge{br})
	out := run(cfg, key(11, mac(1), mac(2), 0))
	if out.MACChanged {
		t.Fatal("learning an address no flow floods invalidated flows")
	}
	if got := outputs(out.Actions); !eq(got, []string{"2", "3"}) {
		t.Fatalf("unknown unicast: %v", got)
	}
	// mac(2) was just flooded as unknown: learning it must revalidate.
	if out := run(cfg, key(12, mac(2), mac(9), 0)); !out.MACChanged {
		t.Fatal("learning a flooded address did not invalidate flows")
	}
	// mac(1) moves to port 3.
	if out := run(cfg, key(13, mac(1), mac(2), 0)); !out.MACChanged {
		t.Fatal("move not reported")
	}
	if out := run(cfg, key(12, mac(2), mac(1), 0)); !eq(outputs(out.Actions), []string{"3"}) {
		t.Fatalf("after move: %v", outputs(out.Actions))
	}
	// STP's group address is not forwarded.
	stp := [6]byte{0x01, 0x80, 0xc2, 0, 0, 0}
	if out := run(cfg, key(11, mac(1), stp, 0)); len(out.Actions) != 0 {
		t.Fatalf("reserved multicast forwarded: %v", outputs(out.Actions))
	}
}

func TestPatchPorts(t *testing.T) {
	br0 := testBridge("br0", trunk("p1"))
	br1 := testBridge("br1", trunk("q1"))
	// A patch pair: no datapath ports.
	pa := &Port{Bridge: br0, Name: "pa", OFPort: 2, Bundle: &Bundle{Name: "pa", Tag: -1}}
	pb := &Port{Bridge: br1, Name: "pb", OFPort: 2, Bundle: &Bundle{Name: "pb", Tag: -1}}
	pa.Bundle.Ports, pb.Bundle.Ports = []*Port{pa}, []*Port{pb}
	pa.Peer, pb.Peer = pb, pa
	br0.Ports[2], br1.Ports[2] = pa, pb
	br0.Bundles = append(br0.Bundles, pa.Bundle)
	br1.Bundles = append(br1.Bundles, pb.Bundle)
	cfg := NewConfig([]*Bridge{br0, br1})
	// From br0's p1 (dp 11) a broadcast reaches br1's q1 (dp 11 too in
	// this test's numbering, so use distinct numbers).
	br1.Ports[1].DPPort = 21
	cfg = NewConfig([]*Bridge{br0, br1})
	out := run(cfg, key(11, mac(1), [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0))
	if len(out.Actions) != 1 || out.Actions[0].Port != 21 {
		t.Fatalf("patch flood: %+v", out.Actions)
	}
	// br1 learned mac(1) on its patch port.
	if p, ok := br1.MAC.Lookup(0, mac(1)); !ok || p.(string) != "pb" {
		t.Fatalf("peer bridge did not learn: %v %v", p, ok)
	}
}

func patchPair(a, b *Bridge, an, bn string, no uint32) {
	pa := &Port{Bridge: a, Name: an, OFPort: no, Bundle: &Bundle{Name: an, Tag: -1}}
	pb := &Port{Bridge: b, Name: bn, OFPort: no, Bundle: &Bundle{Name: bn, Tag: -1}}
	pa.Bundle.Ports, pb.Bundle.Ports = []*Port{pa}, []*Port{pb}
	pa.Peer, pb.Peer = pb, pa
	a.Ports[no], b.Ports[no] = pa, pb
	a.Bundles = append(a.Bundles, pa.Bundle)
	b.Bundles = append(b.Bundles, pb.Bundle)
}

func TestPatchLoopEnds(t *testing.T) {
	br0 := testBridge("br0", trunk("p1"))
	br1 := testBridge("br1")
	patchPair(br0, br1, "pa", "pb", 2)
	patchPair(br0, br1, "pc", "pd", 3)
	cfg := NewConfig([]*Bridge{br0, br1})
	out := run(cfg, key(11, mac(1), [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0))
	if len(out.Actions) > 2*maxDepth {
		t.Fatalf("loop produced %d actions", len(out.Actions))
	}
}

func TestUnknownPortDrops(t *testing.T) {
	cfg := NewConfig(nil)
	out := run(cfg, key(99, mac(1), mac(2), 0))
	if len(out.Actions) != 0 || out.Mask.InPort != ^uint32(0) {
		t.Fatalf("unknown port: %+v", out)
	}
}

// A two-table pipeline: table 0 tags the packet in a register and
// rewrites the source MAC, table 1 outputs by the register.
func TestPipelineActions(t *testing.T) {
	br := testBridge("br0", trunk("p1"), trunk("p2"), trunk("p3"))
	cfg := NewConfig([]*Bridge{br})
	add := func(table uint8, prio uint16, match, actions string) {
		t.Helper()
		m, err := openflow.ParseMatch(match, nil)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := openflow.ParseActions(actions, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, mk, err := ofproto.FlowMatch(m)
		if err != nil {
			t.Fatal(err)
		}
		r := &ofproto.Rule{Table: table, Priority: prio}
		r.SetActions(acts)
		br.OF.Add(r, &v, &mk)
	}
	add(0, 10, "in_port=1", "load:0x3->NXM_NX_REG0[],mod_dl_src:02:00:00:00:00:99,resubmit(,1)")
	add(1, 10, "reg0=3", "output:3")
	add(1, 5, "", "drop")
	out := run(cfg, key(11, mac(1), mac(2), 0))
	if len(out.Actions) != 2 || out.Actions[0].Type != dpif.ActSet || out.Actions[1].Port != 13 {
		t.Fatalf("actions: %+v", out.Actions)
	}
	if out.Actions[0].Set.Value.EthSrc != [6]byte{2, 0, 0, 0, 0, 0x99} {
		t.Fatalf("set: %+v", out.Actions[0].Set)
	}
	if out.Mask.EthSrc != [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		t.Fatal("rewritten field not in the megaflow mask")
	}
	// From port 2 nothing matches in table 0 but the NORMAL rule.
	if out := run(cfg, key(12, mac(2), [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0)); len(out.Actions) != 2 {
		t.Fatalf("NORMAL from port 2: %+v", out.Actions)
	}
	// push_vlan + set vlan_vid, then output.
	add(0, 20, "in_port=3", "push_vlan:0x8100,set_field:4105->vlan_vid,output:1")
	out = run(cfg, key(13, mac(3), mac(1), 0))
	if len(out.Actions) != 2 || out.Actions[0].Type != dpif.ActPushVLAN || out.Actions[0].VLAN.TCI&flow.VLANVIDMask != 9 {
		t.Fatalf("push_vlan: %+v", out.Actions)
	}
}
