package ofproto

import (
	"testing"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

func TestMatchRoundTrip(t *testing.T) {
	for _, s := range []string{
		"",
		"in_port=3",
		"tcp,nw_src=10.0.0.0/8,tp_dst=80",
		"dl_vlan=10,dl_src=50:54:00:00:00:01,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
		"reg3=0x5/0xff,metadata=0x7,pkt_mark=0x9",
		"arp,arp_spa=10.0.0.1,arp_op=2,arp_sha=00:11:22:33:44:55",
		"ipv6,ipv6_src=2001:db8::/32,ipv6_label=0x12345",
		"icmp6,icmp_type=135,nd_target=fe80::1,nd_sll=00:11:22:33:44:55",
		"mpls,mpls_label=100,mpls_tc=3,mpls_bos=1",
		"ip,nw_frag=later,nw_tos=8,nw_ttl=64",
		"tcp,tcp_flags=+syn-ack",
		"vlan_tci=0x1000/0x1000",
	} {
		m, err := openflow.ParseMatch(s, nil)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		m.Normalize()
		want := m.String()
		v, mask, err := FlowMatch(m)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		back := OpenFlowMatch(&v, &mask)
		if got := back.String(); got != want {
			t.Errorf("%q: round trip gave %q, want %q", s, got, want)
		}
	}
}

// A packet's flow, extracted by engine/flow, matches the converted match
// exactly when OpenFlow says it should.
func TestMatchAgainstPackets(t *testing.T) {
	m, err := openflow.ParseMatch("tcp,nw_dst=10.0.0.2,tp_dst=80", nil)
	if err != nil {
		t.Fatal(err)
	}
	v, mask, err := FlowMatch(m)
	if err != nil {
		t.Fatal(err)
	}
	var f flow.Flow
	f.EthType, f.NwProto = 0x0800, 6
	f.IPv4Dst = [4]byte{10, 0, 0, 2}
	f.TpDst = 80
	f.TpSrc = 12345
	if !matches(&f, &v, &mask) {
		t.Fatal("packet should match")
	}
	f.TpDst = 81
	if matches(&f, &v, &mask) {
		t.Fatal("packet should not match")
	}
}

func matches(f, v, mask *flow.Flow) bool {
	fw, vw, mw := f.Words(), v.Words(), mask.Words()
	for i := range fw {
		if fw[i]&mw[i] != vw[i] {
			return false
		}
	}
	return true
}
