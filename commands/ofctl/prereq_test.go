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
		// Fields no action may write: move and the like are refused
		// when checked (after the prerequisites), load, set_field and
		// check_pkt_larger when the encoded flow is decoded to print.
		"tcp,actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]", "actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]",
		"ip,actions=move:NXM_NX_REG0[0..1]->NXM_NX_IP_FRAG[]", "actions=move:NXM_NX_REG0[0..15]->NXM_OF_ETH_TYPE[]",
		"actions=move:NXM_OF_ETH_TYPE[]->NXM_NX_REG0[0..15]", "tcp,actions=pop:NXM_NX_TCP_FLAGS[]",
		"actions=learn(load:1->NXM_OF_ETH_TYPE[])", "actions=learn(load:NXM_NX_REG0[]->NXM_NX_DP_HASH[])",
		"actions=learn(NXM_OF_ETH_TYPE[]=NXM_NX_REG0[0..15])",
		"actions=multipath(eth_src,50,modulo_n,1,0,NXM_NX_DP_HASH[])",
		"actions=bundle_load(eth_src,0,hrw,ofport,NXM_NX_DP_HASH[],members:1,2)",
		"actions=learn(limit=10,result_dst=NXM_NX_DP_HASH[0])", "actions=learn(limit=10,result_dst=NXM_NX_DP_HASH[0..1])",
		"actions=clone(move:NXM_NX_REG0[]->NXM_NX_DP_HASH[])", "actions=write_actions(move:NXM_NX_REG0[]->NXM_NX_DP_HASH[])",
		"actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG1[],move:NXM_NX_REG0[]->NXM_NX_DP_HASH[]",
		"tcp,actions=load:1->NXM_NX_TCP_FLAGS[]", "actions=load:1->NXM_NX_TCP_FLAGS[]", "ip,actions=load:1->NXM_NX_IP_FRAG[]",
		"actions=load:1->NXM_OF_ETH_TYPE[]", "actions=load:1->NXM_NX_DP_HASH[]", "actions=load:1->NXM_NX_RECIRC_ID[]",
		"actions=load:1->NXM_NX_CONJ_ID[]", "ip,actions=load:1->NXM_OF_IP_PROTO[]", "actions=load:1->OXM_OF_PACKET_TYPE[]",
		"mpls,actions=load:1->OXM_OF_MPLS_BOS[]", "actions=output:1,load:1->NXM_NX_DP_HASH[]",
		"actions=load:1->NXM_NX_DP_HASH[],load:2->NXM_NX_RECIRC_ID[]",
		"actions=load:1->NXM_NX_DP_HASH[],move:NXM_OF_IP_SRC[]->NXM_NX_REG1[]",
		"actions=check_pkt_larger(100)->NXM_NX_DP_HASH[0]",
		// ct_mark and ct_label are written only inside ct's exec, where
		// nothing else is.
		"actions=set_field:1->ct_mark", "actions=set_field:1->ct_label", "actions=load:1->NXM_NX_CT_MARK[]",
		"actions=load:1->NXM_NX_CT_LABEL[]", "actions=move:NXM_NX_REG0[]->NXM_NX_CT_LABEL[0..31]",
		"ip,actions=clone(set_field:1->ct_mark)", "ip,actions=write_actions(set_field:1->ct_mark)",
		"actions=set_field:1->ct_mark,output:1", "actions=output:1,set_field:1->ct_mark",
		"actions=set_field:1->ct_mark,bogus", "actions=clone(set_field:1->ct_mark),bogus",
		"actions=clone(set_field:1->ct_mark,bogus)", "actions=set_field:1->ct_mark,set_field:1->ip_dscp",
		"actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG0[],set_field:1->ct_mark",
		"actions=learn(load:1->NXM_NX_CT_MARK[])", "actions=pop:NXM_NX_CT_MARK[]",
		"actions=check_pkt_larger(100)->NXM_NX_CT_MARK[0]", "actions=move:NXM_NX_CT_MARK[]->NXM_NX_REG0[]",
		"ip,actions=ct(commit,exec(set_field:1->ct_mark))", "ip,actions=ct(commit,exec(load:1->NXM_NX_CT_MARK[]))",
		"ip,actions=ct(commit,exec(move:NXM_NX_REG0[]->NXM_NX_CT_MARK[]))",
		"ip,actions=ct(commit,exec(move:NXM_NX_CT_MARK[]->NXM_NX_CT_LABEL[0..31]))",
		"ip,actions=ct(commit,exec(move:NXM_NX_REG0[]->NXM_NX_REG1[]))", "ip,actions=ct(commit,exec(load:1->NXM_NX_REG1[]))",
		"ip,actions=ct(commit,exec(set_field:1->reg1))", "ip,actions=ct(commit,exec(set_field:1->tun_id))",
		"ip,actions=ct(commit,exec(output:1))", "ip,actions=ct(commit,exec(clone(set_field:1->ct_mark)))",
		"actions=ct(commit,exec(move:NXM_NX_REG0[]->NXM_NX_CT_MARK[]))",
		// Usable protocols of the actions OpenFlow 1.1+ check against the
		// match, and of mod_vlan_* with and without a tag to rewrite.
		"actions=mod_vlan_vid:5", "dl_vlan=3,actions=mod_vlan_vid:5", "actions=mod_vlan_pcp:5",
		"dl_vlan=3,actions=mod_vlan_pcp:5", "vlan_tci=0x1000/0x1000,actions=mod_vlan_vid:5",
		"dl_vlan=0xffff,actions=mod_vlan_vid:5", "actions=mod_vlan_vid:5,mod_vlan_pcp:3",
		"actions=push_vlan:0x8100,mod_vlan_vid:5", "dl_vlan=3,actions=strip_vlan,mod_vlan_vid:5",
		"actions=clone(mod_vlan_vid:5),mod_vlan_pcp:2", "dl_vlan=3,actions=set_field:0->vlan_tci,mod_vlan_vid:5",
		"actions=mod_nw_ttl:5", "ip,actions=mod_nw_ttl:5", "ipv6,actions=mod_nw_ttl:5",
		"actions=mod_nw_ecn:1", "ip,actions=mod_nw_ecn:1", "actions=mod_nw_tos:4", "ip,actions=mod_nw_tos:4",
		"arp,actions=mod_nw_tos:4", "actions=strip_vlan", "dl_vlan=3,actions=strip_vlan",
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
	for _, f := range []string{"tcp,actions=load:1->NXM_NX_TCP_FLAGS[]", "actions=mod_nw_ttl:5", "actions=mod_nw_ecn:1",
		"ip,actions=ct(commit,exec(set_field:1->ct_mark))", "dl_vlan=3,actions=mod_vlan_vid:5",
		"actions=mod_vlan_vid:5,mod_vlan_pcp:3", "dl_vlan=3,actions=mod_vlan_pcp:5", "actions=dec_ttl",
		"dl_vlan=3,actions=set_field:5->vlan_vid", "dl_vlan=3,actions=set_field:0->vlan_vid",
		"dl_vlan=3,actions=set_field:5/0xf->vlan_vid", "ip,actions=set_field:8/0xff->ip_dscp",
		// Loads wider than 64 bits go out as 64-bit pieces.
		"actions=load:1->NXM_NX_XXREG0[]", "actions=load:1->NXM_NX_XXREG0[0..95]",
		"ip,actions=ct(commit,exec(load:1->NXM_NX_CT_LABEL[]))",
		// mod_tp_* write the matched transport's port field.
		"udp,actions=mod_tp_dst:8080", "sctp,actions=mod_tp_src:1", "udp,actions=clone(mod_tp_dst:1)",
		"udp,actions=write_actions(mod_tp_src:1)", "ip,actions=mod_tp_dst:1"} {
		for _, o := range []string{"-O OpenFlow13", "-O OpenFlow15", "-F nxm", "-O OpenFlow10,OpenFlow13"} {
			cases = append(cases, o+" parse-flow '"+f+"'")
		}
	}
	compareOffline(t, s, cases)
}

// TestSetFieldValueAgainstRealOVS: an OpenFlow 1.2+ set_field whose value
// the field cannot hold is refused when decoded (OFPBAC_BAD_SET_ARGUMENT,
// with OVS's warnings), and so is a vlan_vid without OFPVID_PRESENT
// (0x1000); so are flow_mods whose actions their match does not allow
// (strictly from OpenFlow 1.1 on).
func TestSetFieldValueAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	// An OpenFlow 1.3 flow_mod matching dl_vlan=3 whose apply_actions
	// holds one 16-byte set_field action (OXM header and value given).
	setField := func(oxm string) string {
		return "ofp-print '040e005800000006 0000000000000000 0000000000000000 0000000000008000 ffffffffffffffff " +
			"ffffffff00000000 0001000a80000c02 1003000000000000 0004001800000000 00190010" + oxm + "'"
	}
	var cases []string
	for _, oxm := range []string{"80000c02 00050000 00000000", "80000c02 10050000 00000000", "80000c02 00000000 00000000",
		"80000c02 20050000 00000000", "80000c02 1fff0000 00000000", "80000e01 08000000 00000000",
		"80000e01 07000000 00000000", "80001001 40000000 00000000", "80001201 04000000 00000000",
		"80002203 00100000 00000000", "80000c02 00050001 00000000"} {
		cases = append(cases, setField(oxm))
	}
	// No match, apply_actions with one 8-byte action: dec_ttl, pop_vlan.
	for _, act := range []string{"0018000800000000", "0012000800000000"} {
		cases = append(cases, "ofp-print '040e004800000006 0000000000000000 0000000000000000 0000000000008000 "+
			"ffffffffffffffff ffffffff00000000 0001000400000000 0004001000000000 "+act+"'")
	}
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

// TestBadActionWarningsAgainstRealOVS: an action list that fails to
// decode is logged as OVS logs it: the reason (an unknown type or vendor,
// a field that is not writable, a ct field written outside ct, what ct's
// exec may not hold), then "bad action at offset N" with the list's
// bytes, for a nested list (clone's, ct's) before its outer one.
func TestBadActionWarningsAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	for _, v := range []string{"OpenFlow10", "OpenFlow13"} {
		for _, hex := range []string{
			"000c000800000000", "0063000800000000", "ffff001000002321 0001000000000000",
			"ffff001000002320 00fa000000000000", "ffff001000002320 0000000000000000",
			"ffff001000002320 001e000000000005",
			// clone holding an unknown action, a clone of that, and a
			// load of tcp_flags; ct holding the same, a load of reg0
			// and one of ct_mark.
			"ffff002000002320 002a000000000000 ffff001000002320 00fa000000000000",
			"ffff003000002320 002a000000000000 ffff002000002320 002a000000000000 ffff001000002320 00fa000000000000",
			"ffff002800002320 002a000000000000 ffff001800002320 00070000 00014402 0000000000000001",
			"ffff002800002320 0023000100000000 0000ff0000000000 ffff001000002320 00fa000000000000",
			"ffff003000002320 0023000100000000 0000ff0000000000 ffff001800002320 00070000 00014402 0000000000000001",
			"ffff003000002320 0023000100000000 0000ff0000000000 ffff001800002320 00070000 00010004 0000000000000001",
			"ffff003000002320 0023000100000000 0000ff0000000000 ffff001800002320 00070000 0001d604 0000000000000001",
			// load of ct_mark outside ct, in a clone too.
			"ffff001800002320 00070000 0001d604 0000000000000001",
			"ffff002800002320 002a000000000000 ffff001800002320 00070000 0001d604 0000000000000001",
			// ct_mark written, then an unknown action: the list is
			// decoded before it is checked.
			"ffff001800002320 00070000 0001d604 0000000000000001 ffff001000002320 00fa000000000000",
		} {
			args := []string{"parse-actions", v}
			ours := runTool(t, true, s, hex+"\n", args...)
			real := runTool(t, false, s, hex+"\n", args...)
			if ours != real {
				t.Errorf("parse-actions %s <<< %s:\nours: status %d\n%s%s\nreal: status %d\n%s%s", v, hex,
					ours.status, ours.out, ours.err, real.status, real.out, real.err)
			}
		}
	}
}
