package bridge

import (
	"testing"

	"github.com/govs/ovs/engine/flow"
)

// testSwitch is a Switch with one bridge and no datapath: enough for the
// argument handling, which must answer in OVS's words before anything
// is translated.
func testSwitch() *Switch {
	return &Switch{bridges: map[string]*Bridge{"br0": {Name: "br0", ifaces: map[string]*Iface{
		"p1": {Name: "p1", OFPort: 1},
	}}}}
}

func TestTraceArgErrors(t *testing.T) {
	s := testSwitch()
	for _, c := range []struct {
		args      []string
		packetOut bool
		want      string
	}{
		{[]string{"nobr", "in_port=1"}, false, "nobr: unknown bridge"},
		{[]string{"br0", "in_port=1,foo=1"}, false, "Bad openflow flow syntax: in_port=1,foo=1: unknown field foo"},
		{[]string{"br0", "in_port=1,udp,tp_dst=80"}, false, "Bad openflow flow syntax: in_port=1,udp,tp_dst=80: prerequisites not met for setting tp_dst"},
		{[]string{"in_port=1"}, false, "syntax error at in_port=1 (or the bridge name was omitted)"},
		{[]string{"foo", "in_port(1)"}, false, "Cannot find the datapath"},
		{[]string{"in_port(1)"}, false, "no OpenFlow port for datapath port 1"},
		{[]string{"br0", "in_port=1", "-foo"}, false, "-foo: unknown option"},
		{[]string{"br0", "in_port=1", "--ct-next"}, false, "Missing argument for option --ct-next"},
		{[]string{"br0", "in_port=1", "--ct-next", "trk,foo"}, false, "foo: unknown connection tracking state flag"},
		{[]string{"br0", "in_port=1", "00112233"}, false, "Packet data too short for Ethernet"},
		{[]string{"br0", "in_port=1", "0011zz"}, false, "Trailing garbage in packet data"},
		{[]string{"br0", "in_port=1", "a", "b"}, false, "too many arguments"},
		{[]string{"br0", "in_port=1", "-generate", "001122334455"}, false, "Syntax error"},
		{[]string{"br0", "in_port=1"}, true, "syntax error at br0 (or the bridge name was omitted)"},
		{[]string{"br0", "in_port=1", "foo"}, true, "unknown action foo"},
		{[]string{"-consistent", "br0", "in_port=1", "mod_nw_dst:1.1.1.1"}, true, "Bad actions: OFPBAC_MATCH_INCONSISTENT"},
	} {
		_, err := s.parseTrace(c.args, c.packetOut)
		if err == nil || err.Error() != c.want {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestTraceArgs(t *testing.T) {
	s := testSwitch()
	ta, err := s.parseTrace([]string{"br0", "in_port=p1,tcp,nw_dst=10.0.0.1,tp_dst=80", "--ct-next", "trk,est", "-generate"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if ta.bridge != "br0" || !ta.generate || ta.flow.OFInPort != 1 || ta.flow.NwProto != flow.IPProtoTCP ||
		ta.flow.TpDst != 80 || ta.flow.IPv4Dst != [4]byte{10, 0, 0, 1} {
		t.Fatalf("parsed %+v", ta)
	}
	// A packet replaces the flow's packet fields and keeps its metadata.
	pkt := "00000000000200000000000108004500001c0000000040110000010203040506070803e8000700080000"
	ta, err = s.parseTrace([]string{"br0", "in_port=1,reg3=5", pkt}, false)
	if err != nil {
		t.Fatal(err)
	}
	if ta.packet == nil || ta.flow.Regs[3] != 5 || ta.flow.OFInPort != 1 || ta.flow.NwProto != flow.IPProtoUDP || ta.flow.TpDst != 7 {
		t.Fatalf("parsed %+v", ta.flow)
	}
	ta, err = s.parseTrace([]string{"-consistent", "br0", "in_port=1,ip", "mod_nw_dst:1.1.1.1,output:2"}, true)
	if err != nil || len(ta.actions) != 2 {
		t.Fatalf("%v %+v", err, ta)
	}
}

// Flows print as OVS prints them in a trace (strings from OVS 3.1).
func TestTraceFlowText(t *testing.T) {
	var f flow.Flow
	f.OFInPort = 1
	f.EthType, f.NwProto = flow.EthTypeIP, flow.IPProtoTCP
	f.IPv4Src, f.IPv4Dst = [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}
	f.TpDst = 80
	want := "tcp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=1.2.3.4,nw_dst=5.6.7.8,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0"
	if got := string(appendTraceFlow(nil, &f)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	f.VLANs[0] = flow.VLAN{TPID: flow.EthTypeVLAN, TCI: flow.VLANCFI | 10}
	f.IPv4Dst = [4]byte{10, 0, 0, 9}
	want = "tcp,in_port=1,dl_vlan=10,dl_vlan_pcp=0,vlan_tci1=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=1.2.3.4,nw_dst=10.0.0.9,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0"
	if got := string(appendTraceFlow(nil, &f)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var g flow.Flow
	g.OFInPort = 3
	g.EthType = flow.EthTypeIP
	g.NwProto = flow.IPProtoTCP
	g.Regs[1], g.Mark = 5, 7
	g.IPv4Src, g.IPv4Dst = [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}
	g.TpDst = 5
	want = "pkt_mark=0x7,tcp,reg1=0x5,in_port=3,vlan_tci=0x0000,dl_src=00:00:00:00:00:00,dl_dst=00:00:00:00:00:00,nw_src=1.2.3.4,nw_dst=5.6.7.8,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=5,tcp_flags=0"
	if got := string(appendTraceFlow(nil, &g)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var mask flow.Key
	mask.InPort, mask.RecircID, mask.PacketType, mask.EthType = ^uint32(0), ^uint32(0), ^uint32(0), 0xffff
	mask.NwFrag, mask.NwProto = flow.FragAny|flow.FragLater, 0xff
	mask.IPv4Dst = [4]byte{0xff, 0xff, 0xff, 0xff}
	mask.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
	want = "recirc_id=0,eth,tcp,in_port=1,nw_dst=5.6.7.8,nw_frag=no"
	f.VLANs[0], f.IPv4Dst = flow.VLAN{}, [4]byte{5, 6, 7, 8}
	if got := string(appendMegaflow(nil, &f, &mask)); got != want {
		t.Errorf("megaflow got  %s\nwant %s", got, want)
	}
}

// FuzzTraceArgs: no command line makes the trace parser panic.
func FuzzTraceArgs(f *testing.F) {
	for _, s := range []string{
		"br0 in_port=1,tcp,tp_dst=80",
		"in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800)",
		"br0 in_port=1 --ct-next trk,est -generate",
		"br0 in_port=1 000000000002000000000001080045",
		"-consistent br0 in_port=1,ip mod_nw_dst:1.1.1.1",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	s := testSwitch()
	f.Fuzz(func(t *testing.T, line string, packetOut bool) {
		args := splitFields(line)
		ta, err := s.parseTrace(args, packetOut)
		if err == nil && ta == nil {
			t.Fatal("no result and no error")
		}
	})
}

func splitFields(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		} else if start < 0 {
			start = i
		}
	}
	return out
}
