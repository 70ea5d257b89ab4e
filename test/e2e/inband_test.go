package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestInBandRulesAgainstOVS configures controllers and managers on our
// switch and on Debian's and compares the hidden rules bridge/dump-flows
// shows: in-band control (controllers' and managers' addresses, the local
// port's ARP and DHCP), out-of-band and disable-in-band turning it off, and
// the table-254 rules every bridge has. The targets are loopback addresses
// nobody listens on.
func TestInBandRulesAgainstOVS(t *testing.T) {
	ovsctl, ofctl := oracle(t, "ovs-appctl"), oracle(t, "ovs-ofctl")
	sw := [2]*dummySwitch{startDummySwitch(t, true), startDummySwitch(t, false)}
	appctl := [2]string{ovsctl, ours("ovs-appctl")}
	dump := func(i int) string {
		d := sw[i]
		return normalizeDump("\n" + d.run(appctl[i], "-t", "ovs-vswitchd", "bridge/dump-flows", "br0"))
	}
	steps := []struct {
		name string
		args []string
	}{
		{"local MAC", []string{"set", "bridge", "br0", "other-config:hwaddr=02:00:00:00:00:0a"}},
		{"manager", []string{"set-manager", "tcp:127.0.0.2:6640", "ptcp:16641:127.0.0.1"}},
		{"controllers", []string{"set-controller", "br0", "tcp:127.0.0.3", "ssl:127.0.0.4:1234",
			"unix:/nonexistent", "ptcp:16655:127.0.0.1", "tcp:[::1]:6653"}},
		{"one controller", []string{"set-controller", "br0", "tcp:127.0.0.3:16653"}},
		{"out-of-band", []string{"set", "controller", "br0", "connection_mode=out-of-band"}},
		{"in-band", []string{"set", "controller", "br0", "connection_mode=in-band"}},
		{"disable-in-band", []string{"set", "bridge", "br0", "other-config:disable-in-band=true"}},
		{"enable again", []string{"remove", "bridge", "br0", "other-config", "disable-in-band"}},
		{"no manager", []string{"del-manager"}},
		{"no controller", []string{"del-controller", "br0"}},
	}
	for _, st := range steps {
		for i := range sw {
			sw[i].run(sw[i].vsctl, append([]string{"--timeout=30"}, st.args...)...)
		}
		// Both switches apply configuration as it arrives; give the
		// slower one a moment rather than sleeping a fixed time.
		var want, got string
		for deadline := time.Now().Add(10 * time.Second); ; {
			want, got = dump(0), dump(1)
			if want == got || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if want != got {
			t.Fatalf("after %s, bridge/dump-flows differs (-OVS +ours):\n%s", st.name, lineDiff(want, got))
		}
		if st.name == "local MAC" {
			// Table 254 answers an explicit dump, in every version.
			for _, v := range []string{"OpenFlow10", "OpenFlow13", "OpenFlow15"} {
				want = normalizeDump(sw[0].run(ofctl, "-O", v, "dump-flows", "br0", "table=254"))
				got = normalizeDump(sw[1].run(ofctl, "-O", v, "dump-flows", "br0", "table=254"))
				if want != got || !strings.Contains(got, "reg0=0x1 actions=controller(reason=)") {
					t.Fatalf("dump-flows table=254 (%s) differs (-OVS +ours):\n%s", v, lineDiff(want, got))
				}
			}
		}
		if st.name == "controllers" && !strings.Contains(got, "priority=180007,tcp,nw_dst=127.0.0.3,tp_dst=6653") {
			t.Fatalf("after %s, no in-band rule for the controller:\n%s", st.name, got)
		}
	}
}
