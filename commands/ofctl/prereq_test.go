package ofctl

import (
	"os"
	"path/filepath"
	"testing"
)

// TestActionPrereqsAgainstRealOVS: flows whose actions use fields their
// match (as the earlier actions leave it) does not provide are refused at
// parse time, with OVS's warning, module and exit status; the flows that
// do provide them are accepted.
func TestActionPrereqsAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	dir := s.dir
	files := map[string]string{
		"bad":  "ip,actions=drop\n\n# comment\nactions=set_field:1->tcp_dst\n",
		"ct":   "ip,actions=drop\nactions=ct(commit)\n",
		"good": "ip,actions=drop\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flows := []string{
		// set_field and load: "set_field F" under ofp_actions.
		"actions=set_field:1->tcp_dst", "ip,actions=set_field:1->tcp_dst", "tcp,actions=move:NXM_NX_REG0[0..15]->NXM_OF_TCP_DST[]",
		"actions=load:1->NXM_OF_TCP_DST[]", "actions=enqueue:1:2,load:1->NXM_OF_TCP_SRC[]",
		"actions=set_field:1->ip_dscp", "actions=set_field:1->arp_op", "actions=set_field:1->icmp_type",
		"ipv6,actions=set_field:::1->ipv6_src", "ip,actions=set_field:::1->ipv6_src",
		"icmp6,icmp_type=135,actions=set_field:::1->nd_target", "icmp6,actions=set_field:::1->nd_target",
		"udp,actions=set_field:1->udp_src,set_field:1->tcp_src",
		"actions=resubmit(,2),set_field:1->tcp_dst,output:1",
		// VLAN fields need a tag: matched, pushed, or set through vlan_tci.
		"ip,actions=set_field:5->vlan_vid", "ip,actions=set_field:5->vlan_pcp", "ip,actions=load:5->OXM_OF_VLAN_VID[]",
		"actions=set_field:5->vlan_vid", "dl_vlan=3,actions=set_field:5->vlan_vid",
		"vlan_tci=0x1000/0x1000,actions=set_field:5->vlan_vid", "vlan_tci=0x0005/0x0fff,actions=set_field:5->vlan_vid",
		"actions=strip_vlan,set_field:5->vlan_vid", "dl_vlan=3,actions=strip_vlan,set_field:5->vlan_vid",
		"dl_vlan=3,actions=pop_vlan,set_field:5->vlan_vid", "actions=push_vlan:0x8100,pop_vlan,set_field:5->vlan_vid",
		"actions=mod_vlan_vid:5,set_field:5->vlan_pcp", "dl_vlan=3,actions=load:5->OXM_OF_VLAN_PCP[]",
		"dl_vlan=3,actions=set_field:0->vlan_tci,set_field:5->vlan_vid",
		"actions=load:1->NXM_OF_VLAN_TCI[12],set_field:5->vlan_vid",
		"dl_vlan=3,actions=load:0->NXM_OF_VLAN_TCI[12],set_field:5->vlan_vid",
		"actions=load:0x1005->NXM_OF_VLAN_TCI[],load:1->OXM_OF_VLAN_PCP[]",
		"actions=move:OXM_OF_VLAN_PCP[]->NXM_NX_REG0[0..2]",
		// MPLS push and pop change the Ethernet type later actions see.
		"actions=set_field:5->mpls_label", "mpls,actions=pop_mpls:0x0800,set_field:1->tcp_dst",
		"ip,actions=push_mpls:0x8847,set_field:1.2.3.4->ip_src",
		// move, output, push/pop, multipath, bundle_load: meta_flow's
		// "source field" and "destination field".
		"actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]", "actions=move:NXM_NX_REG0[]->NXM_OF_IP_SRC[]",
		"ip,actions=move:NXM_NX_REG0[]->NXM_OF_IP_SRC[]",
		"actions=output:NXM_OF_IP_SRC[0..15]", "actions=output:NXM_NX_REG0[0..15]",
		"actions=push:NXM_OF_IP_SRC[]", "actions=pop:NXM_OF_IP_SRC[]",
		"actions=multipath(eth_src,50,modulo_n,1,0,NXM_OF_IP_SRC[])",
		"actions=bundle_load(eth_src,0,hrw,ofport,NXM_OF_IP_SRC[],members:1,2)",
		"actions=check_pkt_larger(100)->NXM_OF_IP_SRC[0]",
		// learn: copied fields against the flow, matched and loaded ones
		// against the learned flow as its immediates build it.
		"actions=learn(NXM_OF_IP_SRC[]=NXM_OF_IP_DST[])", "actions=learn(load:NXM_OF_IP_SRC[]->NXM_NX_REG0[])",
		"actions=learn(load:NXM_NX_REG0[]->NXM_OF_IP_SRC[])", "ip,actions=learn(load:NXM_NX_REG0[]->NXM_OF_IP_SRC[])",
		"actions=learn(eth_type=0x800,load:NXM_NX_REG0[]->NXM_OF_IP_SRC[])",
		"actions=learn(eth_type=0x800,NXM_OF_IP_SRC[]=NXM_NX_REG0[])", "actions=learn(NXM_OF_IP_SRC[]=NXM_NX_REG0[])",
		"actions=learn(output:NXM_OF_IP_SRC[])", "ip,actions=learn(NXM_OF_IP_SRC[])",
		"ip,actions=learn(eth_type=0x800,NXM_OF_IP_SRC[])", "actions=learn(ip_src=1.2.3.4)",
		"actions=learn(eth_type=0x800,load:1->NXM_OF_TCP_DST[])",
		"actions=learn(eth_type=0x800,nw_proto=6,load:1->NXM_OF_TCP_DST[])",
		"actions=learn(limit=10,result_dst=NXM_OF_IP_SRC[0])",
		// Nested actions.
		"actions=clone(set_field:1->tcp_dst)", "actions=write_actions(set_field:1->tcp_dst)",
		// ct needs IP (and its ALG's transport; nat the flow's IP version),
		// refused without a warning.
		"actions=ct(commit)", "ipv6,actions=ct(table=1)", "actions=ct(nat)", "ip,actions=ct(nat)",
		"ip,actions=ct(commit,alg=ftp)", "tcp,actions=ct(commit,alg=ftp)",
		"ip,actions=ct(commit,alg=tftp)", "udp,actions=ct(commit,alg=tftp)",
		"ip,actions=ct(commit,nat(src=::1))", "actions=ct(commit,exec(set_field:1->ct_mark))",
		// Strict checks only narrow the protocols.
		"actions=dec_ttl", "actions=mod_nw_src:1.2.3.4",
		// set_field: read-only fields by the name given, values beyond
		// the field refused, and the protocols an exact match on the
		// field allows.
		"tcp,actions=set_field:1->tcp_flags", "ip,actions=set_field:1->nw_frag", "ip,actions=set_field:1->ip_frag",
		"actions=set_field:1->ct_zone", "actions=set_field:1->dl_type", "actions=set_field:1->eth_type",
		"ip,actions=set_field:3->ip_proto", "actions=set_field:1->skb_priority", "actions=set_field:1->dp_hash",
		"actions=set_field:1->recirc_id",
		"ip,actions=set_field:9->nw_tos", "ip,actions=set_field:8->nw_tos", "ip,actions=set_field:64->ip_dscp",
		"ip,actions=set_field:63->ip_dscp", "ip,actions=set_field:4->ip_ecn", "ip,actions=set_field:3->ip_ecn",
		"actions=set_field:0x2000->vlan_vid", "actions=set_field:8->vlan_pcp", "dl_vlan=1,actions=set_field:0x1fff->vlan_vid",
		"mpls,actions=set_field:0x100000->mpls_label", "mpls,actions=set_field:0xfffff->mpls_label",
		"mpls,actions=set_field:8->mpls_tc", "mpls,actions=set_field:1->mpls_tc",
		"ipv6,actions=set_field:0x100000->ipv6_label", "ipv6,actions=set_field:1->ipv6_label",
		"actions=set_field:1->tun_id", "actions=set_field:1->metadata", "actions=set_field:1->in_port_oxm",
		"actions=set_field:1->in_port", "arp,actions=set_field:1.2.3.4->arp_spa", "arp,actions=set_field:3->arp_op",
		"icmp,actions=set_field:1->icmp_type", "sctp,actions=set_field:1->sctp_src", "actions=set_field:1->xreg0",
		"dl_vlan=1,actions=set_field:3->vlan_vid", "mpls,mpls_label=1,actions=drop", "mpls,mpls_tc=1,actions=drop",
	}
	var cases []string
	for _, f := range flows {
		cases = append(cases, "parse-flow '"+f+"'")
	}
	cases = append(cases,
		"-O OpenFlow13 parse-flow 'actions=set_field:1->tcp_dst'",
		"-O OpenFlow13 parse-flow 'dl_vlan=3,actions=pop_vlan,set_field:5->vlan_vid'",
		"-O OpenFlow13 parse-flow 'actions=write_actions(set_field:1->tcp_dst)'",
		// The warning's module is OVS's, so that -v can silence it.
		"-vofp_actions:off parse-flow 'actions=set_field:1->tcp_dst'",
		"-vmeta_flow:off parse-flow 'actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]'",
		"-vofp_actions:off parse-flow 'actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[]'",
		// Every command that parses flows; files name the line.
		"parse-flows bad", "parse-flows ct", "add-flows br0 bad", "add-flows br0 ct",
		"add-flow br0 'actions=set_field:1->tcp_dst'", "mod-flows br0 'actions=set_field:1->tcp_dst'",
		"--bundle add-flow br0 'actions=set_field:1->tcp_dst'",
		"diff-flows bad good", "diff-flows good bad", "-vofp_actions:off add-flows br0 bad",
	)
	compareOffline(t, s, cases)
}

// TestSetFieldOF10AgainstRealOVS: OpenFlow 1.0 and NXM flow-mods carry a
// set_field of a field that 1.0 has an action for as that action (the
// value alone, mask or not); vlan_tci becomes mod_vlan_vid and
// mod_vlan_pcp, or strip_vlan when the value has no CFI bit.
func TestSetFieldOF10AgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	compareOffline(t, s, []string{
		"parse-flow 'actions=set_field:0x1005->vlan_tci'", "parse-flow 'ip,actions=set_field:0x1005->vlan_tci'",
		"parse-flow 'actions=set_field:0xf005->vlan_tci'", "parse-flow 'actions=set_field:0->vlan_tci'",
		"parse-flow 'actions=set_field:0x0005/0x0fff->vlan_tci'", "parse-flow 'actions=set_field:0x1005/0x1000->vlan_tci'",
		"parse-flow 'actions=set_field:0x1005->vlan_tci,set_field:5->vlan_vid'",
		"-O OpenFlow13 parse-flow 'ip,actions=set_field:0x1005->vlan_tci'",
		"parse-flow 'tcp,actions=set_field:1/0xff->tcp_dst'", "parse-flow 'tcp,actions=set_field:1->tcp_src'",
		"parse-flow 'udp,actions=set_field:1->udp_dst'", "parse-flow 'udp,actions=set_field:1->udp_src'",
		"parse-flow 'tcp,actions=mod_tp_dst:1,set_field:1->tcp_dst'",
		"parse-flow 'ip,actions=set_field:1.2.3.4->ip_src'", "parse-flow 'ip,actions=set_field:1.2.3.4->ip_dst'",
		"parse-flow 'ip,actions=set_field:1.2.3.4/255.255.0.0->ip_src'",
		"-F nxm parse-flow 'ip,actions=set_field:1.2.3.4->ip_src'",
		"-O OpenFlow13 parse-flow 'ip,actions=set_field:1.2.3.4->ip_src'",
		"parse-flow 'actions=set_field:00:00:00:00:00:01/ff:ff:ff:ff:ff:00->eth_src'",
		"parse-flow 'dl_vlan=1,actions=set_field:5/0xf->vlan_vid'",
		"parse-flow 'ip,actions=set_field:8->nw_tos'", "parse-flow 'ip,actions=set_field:8->ip_dscp'",
		"parse-flow 'mpls,actions=pop_mpls:0x0800,set_field:1.2.3.4->ip_src'",
		"parse-flow 'ip,actions=clone(push_mpls:0x8847),set_field:1.2.3.4->ip_src'",
	})
}
