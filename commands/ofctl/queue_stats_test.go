package ofctl

import "testing"

// queueStatsSteps cover the queue-stats reply of the switch: queue 0 on
// every port with unknown counters, BAD_QUEUE for any other queue, and
// the port errors, in the versions whose encodings differ.
var queueStatsSteps = []string{
	"queue-stats SW", "queue-stats SW 1", "queue-stats SW 1 0", "queue-stats SW 1 1",
	"queue-stats SW p2 0", "queue-stats SW LOCAL", "queue-stats SW LOCAL 0", "queue-stats SW 9", "queue-stats SW 9 5", "-O OpenFlow13 queue-stats SW 9 0",
	"queue-stats SW ALL 0", "queue-stats SW ANY 5", "queue-stats SW 1 ALL",
	// Port words in any case; the queue as atoi reads it.
	"queue-stats SW any", "queue-stats SW Any all", "queue-stats SW none", "queue-stats SW all 0",
	"queue-stats SW 1 All", "queue-stats SW 1 abc", "queue-stats SW 1 5x", "queue-stats SW 1 0x1",
	"-O OpenFlow13 queue-stats SW", "-O OpenFlow13 queue-stats SW 1 0", "-O OpenFlow13 queue-stats SW 1 7",
	"-O OpenFlow13 queue-stats SW LOCAL", "-O OpenFlow13 queue-stats SW ANY 0",
	"-O OpenFlow15 queue-stats SW", "-O OpenFlow15 queue-stats SW 2 0", "-O OpenFlow15 queue-stats SW 2 3",
	"-O OpenFlow11 queue-stats SW", "-O OpenFlow12 queue-stats SW 1", "-O OpenFlow14 queue-stats SW",
}

// TestQueueStatsAgainstRealOVS checks that both tools agree on the real
// switch.
func TestQueueStatsAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl")
	compareStepList(t, realVswitchd, queueStatsSteps)
}

// TestQueueStatsOurSwitchVersusReal asks the real switch and ours, both
// through the real ovs-ofctl, so that the switch's reply is what is
// compared.
func TestQueueStatsOurSwitchVersusReal(t *testing.T) {
	needOVS(t, "ovs-vswitchd", "ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl")
	releaseBuiltBin(t)
	ours, real := startSwitch(t, oursVswitchd), startSwitch(t, realVswitchd)
	for _, args := range queueStatsSteps {
		st := step{args: args}
		o, r := both(t, func() result { return runTool(t, false, ours, "", st.argv(ours, t)...) },
			func() result { return runTool(t, false, real, "", st.argv(real, t)...) })
		if o != r {
			t.Errorf("ovs-ofctl %s:\nour switch: status %d\n%q%s\nreal switch: status %d\n%q%s", args,
				o.status, o.out, o.err, r.status, r.out, r.err)
		}
	}
}
