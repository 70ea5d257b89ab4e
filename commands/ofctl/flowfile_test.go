package ofctl

import (
	"os"
	"path/filepath"
	"testing"
)

// TestFlowFileOrderAgainstRealOVS: the commands that both connect and
// read a flow file do so in OVS's order. replace-flows asks the switch for
// its ports (then its tables) before it opens FILE, so a missing switch is
// what it reports even when FILE is missing or bad, FILE may name ports,
// and a missing FILE is worded "open", not "open failed". diff-flows
// reads its sources in turn; add-flows and the single-flow commands
// connect first.
func TestFlowFileOrderAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	for name, text := range map[string]string{"bad": "actions=bogus\n", "good": "actions=drop\n",
		"named": "in_port=p1,actions=drop\n"} {
		if err := os.WriteFile(filepath.Join(s.dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compareOffline(t, s, []string{
		"replace-flows br0 bad", "replace-flows br0 nofile", "replace-flows br0 good", "replace-flows br0 -",
		"-O OpenFlow13 replace-flows br0 bad", "--bundle replace-flows br0 nofile",
		"diff-flows br0 bad", "diff-flows bad br0", "diff-flows br0 nofile", "diff-flows nofile br0",
		"diff-flows good named", "add-flows br0 bad", "add-flows br0 nofile", "--bundle add-flows br0 nofile",
		"mod-flows br0 actions=bogus", "del-flows br0 actions=bogus", "add-flow br0 actions=bogus",
		"del-flows br0 bogus=1", "dump-flows br0 bogus=1", "add-groups br0 nofile", "bundle br0 nofile",
	})
}

// TestFlowFileSwitchAgainstRealOVS is the same with a switch there.
func TestFlowFileSwitchAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl")
	a, b := startSwitch(t, realVswitchd), startSwitch(t, realVswitchd)
	for _, s := range []*testSwitch{a, b} {
		for name, text := range map[string]string{"bad": "actions=bogus\n", "empty": "",
			"named": "priority=5,in_port=p1,actions=drop\npriority=6,in_port=p2,actions=output:p3\n"} {
			if err := os.WriteFile(filepath.Join(s.dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []string{
		"replace-flows br0 named", "--no-stats --sort dump-flows br0", "replace-flows br0 bad",
		"replace-flows br0 nofile", "-O OpenFlow13 replace-flows br0 nofile", "diff-flows br0 named",
		"diff-flows named br0", "add-flows br0 empty", "-O OpenFlow14 --bundle add-flows br0 empty",
		"replace-flows br0 empty", "--no-stats dump-flows br0",
	}
	for _, st := range steps {
		ours, real := both(t, func() result { return runTool(t, true, a, "", splitArgs(st)...) },
			func() result { return runTool(t, false, b, "", splitArgs(st)...) })
		if ours != real {
			t.Errorf("ovs-ofctl %s:\nours: status %d\n%s%s\nreal: status %d\n%s%s", st,
				ours.status, ours.out, ours.err, real.status, real.out, real.err)
		}
	}
}

// TestUnwritableLoadAgainstSwitches: a load into a field no action may
// write (which ovs-ofctl sends: it refuses only when it decodes the flow
// to print it) is refused by the switch with OFPBAC_BAD_SET_ARGUMENT, and
// ovs-ofctl prints the error, whose data it cannot decode, with the
// warnings decoding it gave. Our switch must answer as OVS's does.
func TestUnwritableLoadAgainstSwitches(t *testing.T) {
	needOVS(t, "ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl")
	steps := []string{
		"add-flow SW 'tcp,actions=load:1->NXM_NX_TCP_FLAGS[]'",
		"-O OpenFlow13 add-flow SW 'tcp,actions=load:1->NXM_NX_TCP_FLAGS[]'",
		"-O OpenFlow15 add-flow SW 'tcp,actions=load:1->NXM_NX_TCP_FLAGS[]'",
		"add-flow SW 'actions=check_pkt_larger(100)->NXM_NX_IP_FRAG[0]'",
		"add-flow SW 'actions=output:1,load:1->NXM_NX_DP_HASH[]'",
		"add-flow SW 'tcp,actions=move:NXM_NX_REG0[0..11]->NXM_NX_TCP_FLAGS[]'",
		"add-flow SW 'ip,actions=ct(commit,exec(set_field:1->ct_mark))'",
		"-O OpenFlow13 add-flow SW 'priority=3,dl_vlan=3,actions=mod_vlan_vid:5,mod_vlan_pcp:2'",
		"-O OpenFlow13 add-flow SW 'priority=4,actions=mod_vlan_vid:5,mod_vlan_pcp:2'",
		// OVS's ovs-ofctl writes set_field:5->vlan_vid without
		// OFPVID_PRESENT, which its switch refuses.
		"-O OpenFlow13 add-flow SW 'priority=5,dl_vlan=3,actions=set_field:5->vlan_vid'",
		"-O OpenFlow13 add-flow SW 'priority=6,dl_vlan=3,actions=set_field:4101->vlan_vid'",
		"-O OpenFlow13 --no-stats --sort dump-flows SW", "--no-stats --sort dump-flows SW",
	}
	t.Run("real", func(t *testing.T) { compareStepList(t, realVswitchd, steps) })
	t.Run("ours", func(t *testing.T) {
		releaseBuiltBin(t)
		compareStepList(t, oursVswitchd, steps)
	})
}
