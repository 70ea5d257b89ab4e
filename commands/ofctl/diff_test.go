package ofctl

import (
	"bytes"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

// replace-flows keys a flow by its match's bytes. A flow read from a
// file and the same flow read back from a switch must get the same key
// in every protocol, or replace-flows would rewrite flows that did not
// change.
func TestFlowKeyFileMatchesSwitch(t *testing.T) {
	flows := []string{
		"table=1,priority=100,ip,nw_src=10.0.1.2,actions=output:1",
		"priority=101,tcp,nw_dst=10.0.1.3,tp_dst=80,actions=mod_vlan_vid:3,output:2",
		"priority=102,udp,nw_src=172.16.1.2,nw_dst=10.0.1.0/24,actions=drop",
		"dl_vlan=7,dl_src=02:00:00:01:02:01,actions=output:4",
		"vlan_tci=0x1000/0x1000,actions=output:1",
		"in_port=3,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop",
		"arp,arp_spa=10.0.0.1,arp_op=2,actions=NORMAL",
		"ipv6,ipv6_src=2001:db8::1/64,actions=output:1",
		"icmp6,icmp_type=135,nd_target=fe80::1,actions=output:2",
		"reg0=5,reg3=0x10/0xf0,actions=output:1",
		"tcp,tcp_flags=+syn-ack,actions=output:1",
		"ip,nw_tos=16,nw_ecn=1,nw_ttl=4,actions=output:1",
		"metadata=0x5/0xff,tun_id=0x10,actions=output:1",
		"mpls,mpls_label=5,actions=output:1",
		"ip,nw_frag=later,actions=output:1",
		"icmp,icmp_type=8,icmp_code=0,actions=output:1",
		"priority=30,arp,cookie=0x42,actions=output:1",
		"priority=95,icmp,actions=drop",
		"ipv6,actions=drop",
		"actions=output:1",
	}
	protos := []struct {
		v  openflow.Version
		nx bool
	}{{openflow.V10, true}, {openflow.V13, false}, {openflow.V15, false}}
	for _, s := range flows {
		fm, err := openflow.ParseFlow(s, openflow.FlowAdd, nil)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		table := fm.TableID
		if table == openflow.TableAll {
			table = 0
		}
		want := appendFlowKey(nil, table, fm.Priority, &fm.Match)
		for _, p := range protos {
			r := &openflow.FlowStatsReply{NXM: p.nx, Flows: []openflow.FlowDump{{
				TableID: table, Priority: fm.Priority, Match: fm.Match, Actions: fm.Actions, IdleAge: -1, HardAge: -1,
			}}}
			b, err := openflow.Encode(r, uint8(p.v), 1)
			if err != nil {
				t.Fatalf("%s in %v: %v", s, p.v, err)
			}
			m, _, err := openflow.Decode(b)
			if err != nil {
				t.Fatalf("%s in %v: decode: %v", s, p.v, err)
			}
			f := &m.(*openflow.FlowStatsReply).Flows[0]
			if got := appendFlowKey(nil, f.TableID, f.Priority, &f.Match); !bytes.Equal(got, want) {
				t.Errorf("%s in %v (nxm %v): key %x, file gives %x", s, p.v, p.nx, got, want)
			}
		}
	}
}

func TestFlowTableSame(t *testing.T) {
	tab := newFlowTable()
	for side, s := range []string{"priority=5,ip,actions=output:1", "priority=5,ip,actions=output:1"} {
		fm, err := openflow.ParseFlow(s, openflow.FlowAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		tab.add(side, 0, fm.Priority, &fm.Match, flowVersion{actions: fm.Actions, cookie: uint64(side)})
	}
	if len(tab.order) != 1 {
		t.Fatalf("%d entries, want 1", len(tab.order))
	}
	e := tab.order[0]
	if tab.same(e) {
		t.Error("versions with different cookies compare equal")
	}
	e.ver[1].cookie = 0
	if !tab.same(e) {
		t.Error("equal versions compare different")
	}
	fm, _ := openflow.ParseFlow("actions=output:2", openflow.FlowAdd, nil)
	e.ver[1].actions = fm.Actions
	if tab.same(e) {
		t.Error("versions with different actions compare equal")
	}
}
