package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	dpStatsRE = regexp.MustCompile(`packets:\d+, bytes:\d+, used:[^,]+, (flags:[A-Z.]+, )?`)
)

// TestFinTimeoutAgainstRealOVS sends TCP packets through fin_timeout
// actions on Debian's ovs-vswitchd and ours (dummy ports,
// netdev-dummy/receive) and compares the flow tables: an ACK changes
// nothing, a FIN that a datapath flow carries (noticed when its statistics
// are pushed) and an RST that misses the datapath (noticed at the upcall)
// lower the timeouts; the megaflows match the IP protocol, not the TCP
// flags; and time/warp then expires the flows by their new timeouts.
func TestFinTimeoutAgainstRealOVS(t *testing.T) {
	ofctl, appctl := oracle(t, "ovs-ofctl"), oracle(t, "ovs-appctl")
	const pkt = "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800)," +
		"ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1000,dst=%s),tcp_flags(%s)"
	packet := func(dst, flags string) string {
		return strings.Replace(strings.Replace(pkt, "%s", dst, 1), "%s", flags, 1)
	}
	var dumps [2][]string
	for i, real := range []bool{true, false} {
		d := startDummySwitch(t, real)
		dump := func() string { return normalizeDump(d.run(ofctl, "dump-flows", "br0")) }
		d.run(ofctl, "add-flow", "br0", "priority=5,tcp,tp_dst=80,idle_timeout=60,hard_timeout=120,actions=fin_timeout(hard_timeout=20),output:2")
		d.run(ofctl, "add-flow", "br0", "priority=6,tcp,tp_dst=81,idle_timeout=3,actions=fin_timeout(idle_timeout=5,hard_timeout=10),output:2")
		// The test runs on real time as well as warped time, and a
		// loaded machine can take many seconds per step: nothing may
		// expire by real time alone. Datapath flows would after
		// max-idle (10 s), and a short idle_timeout on a flow that no
		// FIN or RST shortens would too.
		d.run(d.vsctl, "set", "Open_vSwitch", ".", "other_config:max-idle=120000")
		d.run(ofctl, "add-flow", "br0", "priority=7,tcp,tp_dst=82,idle_timeout=60,actions=fin_timeout(idle_timeout=2),output:2")
		d.run(appctl, "netdev-dummy/receive", "p1", packet("80", "ack"))
		d.run(appctl, "netdev-dummy/receive", "p1", packet("82", "ack"))
		// Let the ACKs' megaflows settle and their statistics be
		// pushed: nothing changes.
		time.Sleep(1500 * time.Millisecond)
		dumps[i] = append(dumps[i], dump())
		d.run(appctl, "netdev-dummy/receive", "p1", packet("80", "fin"))
		d.run(appctl, "netdev-dummy/receive", "p1", packet("81", "rst"))
		deadline := time.Now().Add(15 * time.Second)
		for !strings.Contains(dump(), "hard_timeout=20, idle_age=?, priority=5") && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		dumps[i] = append(dumps[i], dump())
		dp := dpStatsRE.ReplaceAllString(d.run(appctl, "dpctl/dump-flows", "--names"), "")
		dumps[i] = append(dumps[i], sortLines(dp))
		// Past the idle timeouts (3, 4), well before the hard one (20).
		d.run(appctl, "time/warp", "4500", "500")
		dumps[i] = append(dumps[i], dump())
		// The reduced hard timeout counts from the flow's creation,
		// whatever time the steps above took.
		d.run(appctl, "time/warp", "20000", "1000")
		dumps[i] = append(dumps[i], dump())
	}
	for k := range dumps[0] {
		t.Logf("real switch, step %d:\n%s", k, dumps[0][k])
		if dumps[0][k] != dumps[1][k] {
			t.Errorf("step %d differs (- real, + ours):\n%s", k, lineDiff(dumps[0][k], dumps[1][k]))
		}
	}
}
