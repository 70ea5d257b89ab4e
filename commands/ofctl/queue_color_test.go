package ofctl

import (
	"testing"
)

// The commands and options of issue 6 (queue-get-config, --color,
// parse-ofp11-match) against the real ovs-ofctl: offline, and on a pair
// of switches (both real, then both ours) driven one by each tool.

func TestQueueColorOfflineAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	dir := s.dir
	for _, c := range []struct{ args, stdin string }{
		// Queue configuration messages of every version.
		{"ofp-print '0115 0028 00000001 0001 000000000000 00000007 0018 0000 0001 0010 00000000 01f4 000000000000'", ""},
		{"ofp-print '0115 0030 00000001 0001 000000000000 00000007 0018 0000 0001 0010 00000000 07d0 000000000000 00000008 0008 0000'", ""},
		{"ofp-print '0317 0040 00000001 00000001 00000000 00000007 00000001 0030 000000000000 0001 0010 00000000 0064 000000000000 0002 0010 00000000 ffff 000000000000'", ""},
		{"ofp-print '0217 0028 00000001 00000001 00000000 00000007 0018 0000 0001 0010 00000000 0064 000000000000'", ""},
		{"ofp-print '0417 0040 00000001 ffffffff 00000000 00000000 00000002 0010 000000000000 00000000 00000001 0010 000000000000 00000005 00000001 0010 000000000000'", ""},
		{"ofp-print '0114 000c 00000001 0001 0000'", ""}, {"ofp-print '0114 000c 00000001 ffff 0000'", ""},
		{"ofp-print '0114 000c 00000001 fffe 0000'", ""}, {"ofp-print '0416 0010 00000001 ffffffff 00000000'", ""},
		{"ofp-print '0416 0010 00000001 fffffffe 00000000'", ""}, {"ofp-print '0115 0010 00000001 0001 000000000000'", ""},
		{"ofp-print '0115 0018 00000001 0001 000000000000 00000007 0018 0000'", ""},
		{"ofp-print '0513 0010 00000001 000f 0000 00000000'", ""},
		{"ofp-print '0513 0050 00000001 000f 0000 00000000 00000002 00000002 0010 000000000000 00000001 00000003 0010 000000000000 00000002 00000001 0010 000000000000 00000000 00000009 0010 000000000000'", ""},
		// Codec nits: pop_vlan from 1.1+, unknown counters, 1.1 buckets.
		{"parse-actions OpenFlow11", "0012000800000000\n"}, {"parse-actions OpenFlow10", "0003000800000000\n"},
		{"ofp-print '04130048000000010001000000000000 0038000000000001000000020005000000000000 00000000 0000000000000000 ffffffffffffffff ffffffffffffffff 0001000400000000'", ""},
		{"-O OpenFlow11 parse-group group_id=1,type=all,bucket=mod_vlan_vid:5,output:1", ""},
		{"-O OpenFlow11 parse-group group_id=1,type=all,bucket=mod_nw_src:1.2.3.4,mod_dl_dst:00:00:00:00:00:01,output:1", ""},
		{"-O OpenFlow11 parse-group group_id=1,type=select,bucket=weight:3,mod_tp_dst:80,dec_ttl,output:1,bucket=strip_vlan,mod_nw_tos:8,set_queue:3,output:2", ""},
		{"ofp-print '020f0038 00000001 0000 00 00 00000001 0028 0000 ffffffff ffffffff 00000000 0001000800050000 0000 0010 00000001 ffff 000000000000'", ""},
		// parse-ofp11-match.
		{"parse-ofp11-match", "0000 0058 00000000 000003ff 000000000000 ffffffffffff 000000000000 ffffffffffff 0000 00 00 0800 00 00 00000000 ffffffff 00000000 ffffffff 0000 0000 00000000 00 000000 0000000000000000 ffffffffffffffff\n# c\n\n" +
			"0001 0050 00000001 000003f6 000000000000 ffffffffffff 000000000000 ffffffffffff 0000 00 00 0800 00 00 00000000 ffffffff 00000000 ffffffff 0000 0000 00000000 00 000000 0000000000000000 ffffffffffffffff\n" +
			"0000 0058 00000003 00000000 0a0b0c0d0e0f 000000000000 010203040506 00000000ffff 0005 03 00 0800 04 06 0a000001 000000ff c0a80001 00000000 0050 0016 00000000 00 000000 0000000000001234 0000000000000000\n" +
			"0000 0058 00000003 00000000 0a0b0c0d0e0f 000000000000 010203040506 00000000ffff fffe 03 00 8847 04 06 0a000001 000000ff c0a80001 00000000 0050 0016 00012345 05 000000 0000000000001234 ffffffffffff0000\n"},
		{"parse-ofp11-match", "0000 0058 00010000 000003f6 000000000000 ffffffffffff 000000000000 ffffffffffff 0000 00 00 0800 00 00 00000000 ffffffff 00000000 ffffffff 0000 0000 00000000 00 000000 0000000000000000 ffffffffffffffff\n"},
		{"parse-ofp11-match", "0000\n"}, {"parse-ofp11-match", "zz\n"}, {"parse-ofp11-match x", ""},
		// Colour.
		{"--color=always parse-flow 'table=3,idle_timeout=5,cookie=0x5,priority=7,arp,arp_op=1,send_flow_rem,actions=NORMAL'", ""},
		{"--color=always parse-flow 'tcp,nw_src=10.0.0.0/8,tp_dst=80,actions=output:1,mod_dl_src:00:00:00:00:00:07,resubmit(,2),load:1->NXM_NX_REG0[],strip_vlan,dec_ttl,controller(reason=no_match,max_len=10)'", ""},
		{"--color=always -O OpenFlow13 parse-flow 'ip,actions=set_field:1->reg0,group:1,pop_queue,note:01.02,drop'", ""},
		{"--color=always parse-flow 'ip,actions=ct(commit,force,zone=3,nat(dst=10.0.0.1),exec(load:1->NXM_NX_CT_LABEL[0])),learn(table=1,idle_timeout=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_NX_REG0[]->NXM_NX_REG1[]),bundle(eth_src,0,hrw,ofport,members:1,2),dec_ttl(1,2),output(port=1,max_len=100),check_pkt_larger(100)->NXM_NX_REG0[0]'", ""},
		{"--color=always parse-flow 'ip,actions=drop'", ""}, {"--color=never parse-flow 'ip,actions=drop'", ""},
		{"--color parse-flow 'ip,actions=drop'", ""},
	} {
		ours := runTool(t, true, s, c.stdin, splitArgs(c.args)...)
		real := runTool(t, false, s, c.stdin, splitArgs(c.args)...)
		if ours != real {
			t.Errorf("ovs-ofctl %s <<< %q:\nours: status %d\n%q%s\nreal: status %d\n%q%s", c.args, c.stdin,
				ours.status, ours.out, ours.err, real.status, real.out, real.err)
		}
	}
	// OVS_COLORS changes the palette; bad entries are ignored.
	for _, env := range []string{"sp=4:vl=5:pr=6:le=7:dr=1;2;3", "ac=32:pm=abc:xx=1", "garbage"} {
		es := &testSwitch{dir: dir, env: append(append([]string(nil), s.env...), "OVS_COLORS="+env)}
		args := splitArgs("--color=always parse-flow 'priority=5,ip,in_port=1,actions=output:1,resubmit(,2),strip_vlan,learn(table=1)'")
		ours, real := runTool(t, true, es, "", args...), runTool(t, false, es, "", args...)
		if ours != real {
			t.Errorf("OVS_COLORS=%s:\nours: %q\nreal: %q", env, ours.out, real.out)
		}
	}
}

// queueSteps run on a fresh pair of switches.
var queueSteps = []string{
	"queue-get-config SW", "-O OpenFlow11 queue-get-config SW", "-O OpenFlow12 queue-get-config SW",
	"-O OpenFlow13 queue-get-config SW", "-O OpenFlow14 queue-get-config SW", "-O OpenFlow15 queue-get-config SW 2",
	"queue-get-config SW 1", "queue-get-config SW p2 7", "-O OpenFlow13 queue-get-config SW p1",
	"queue-get-config SW 9", "-O OpenFlow13 queue-get-config SW LOCAL", "queue-get-config SW LOCAL",
	"-O OpenFlow14 queue-get-config SW 1 5", "-O OpenFlow14 queue-get-config SW any all",
	"-O OpenFlow14 queue-get-config SW 1 0x5", "-O OpenFlow14 queue-get-config SW 9",
	"queue-get-config SW p9", "queue-get-config SW 1 2 3", "queue-get-config SW none", "queue-stats SW p9",
	"add-flow SW priority=5,ip,nw_src=10.0.0.1,actions=output:1,mod_dl_src:00:00:00:00:00:07,resubmit(,2),load:1->NXM_NX_REG0[]",
	"--color=always --no-stats dump-flows SW", "--color=always --no-stats --sort dump-flows SW",
	"--color=always -O OpenFlow13 --no-stats dump-flows SW",
}

func TestQueueConfigAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl")
	compareStepList(t, realVswitchd, queueSteps)
}

func TestQueueConfigAgainstOurVswitchd(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl")
	releaseBuiltBin(t)
	compareStepList(t, oursVswitchd, queueSteps)
}
