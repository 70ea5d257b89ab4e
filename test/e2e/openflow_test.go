package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testController starts Debian's ovs-testcontroller (a learning-switch
// OpenFlow controller) inside the switch's namespace, listening on port.
func (s *Switch) testController(port string) (stop func()) {
	s.t.Helper()
	tc, err := exec.LookPath("ovs-testcontroller")
	if err != nil {
		if os.Getenv("CI") == "true" {
			s.t.Fatal("ovs-testcontroller is not installed")
		}
		s.t.Skip("ovs-testcontroller is not installed")
	}
	pidfile := filepath.Join(s.e.RunDir, "testcontroller.pid")
	r := s.e.run("ip", "netns", "exec", s.ns, tc, "ptcp:"+port+":127.0.0.1",
		"--detach", "--pidfile="+pidfile, "--log-file="+filepath.Join(s.e.LogDir, "testcontroller.log"),
		"--unixctl="+filepath.Join(s.e.RunDir, "testcontroller.ctl"), "-vconsole:off")
	if r.Code != 0 {
		s.t.Fatalf("ovs-testcontroller: %s", r)
	}
	stop = func() { killPidfile(pidfile) }
	s.t.Cleanup(stop)
	return stop
}

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return cond()
}

// TestControllerSecureThenStandalone drives our bridge from a real
// OpenFlow controller: in fail_mode=secure, traffic flows only through
// what the controller programs; with the controller gone, a standalone
// bridge fails open to NORMAL switching and traffic resumes.
func TestControllerSecureThenStandalone(t *testing.T) {
	s := newSwitch(t, false)
	h1, h2 := s.addHost("10.0.9.1/24"), s.addHost("10.0.9.2/24")
	s.vsctl("add-br", "br0", "--", "set-fail-mode", "br0", "secure",
		"--", "add-port", "br0", h1.Port, "--", "add-port", "br0", h2.Port)
	// Secure, no controller: no flows at all, so nothing passes.
	if out := s.ofctl("dump-flows", "br0"); strings.Contains(out, "actions=") {
		t.Fatalf("secure bridge without controller has flows:\n%s", out)
	}
	if !s.noPing(h1, h2.IP) {
		t.Fatalf("secure bridge forwards without a controller\n%s", s.debug())
	}
	stop := s.testController("16653")
	s.vsctl("set-controller", "br0", "tcp:127.0.0.1:16653", "--",
		"set", "controller", "br0", "inactivity_probe=1000")
	if !waitFor(10*time.Second, func() bool {
		return strings.TrimSpace(s.vsctl("get", "controller", "br0", "is_connected")) == "true"
	}) {
		t.Fatalf("controller never connected\n%s", s.debug())
	}
	s.mustPing(h1, h2.IP)
	// The controller's learning switch installed flows through flow-mods.
	if out := s.ofctl("dump-flows", "br0"); !strings.Contains(out, "actions=output:") {
		t.Fatalf("no controller flows after ping:\n%s", out)
	}
	if role := strings.TrimSpace(s.vsctl("get", "controller", "br0", "role")); role != "other" {
		t.Errorf("role = %s, want other", role)
	}

	// Controller gone: secure keeps forwarding only what is installed,
	// then standalone fails open.
	stop()
	if !waitFor(10*time.Second, func() bool {
		return strings.TrimSpace(s.vsctl("get", "controller", "br0", "is_connected")) == "false"
	}) {
		t.Fatalf("controller still connected after it died\n%s", s.debug())
	}
	s.ofctl("del-flows", "br0")
	if !s.noPing(h1, h2.IP) {
		t.Fatalf("secure bridge forwards with no flows and no controller\n%s", s.debug())
	}
	s.vsctl("set-fail-mode", "br0", "standalone")
	if !waitFor(15*time.Second, func() bool { return s.ping(h1, h2.IP) }) {
		t.Fatalf("standalone bridge did not fail open\n%s", s.debug())
	}
}

// ofctl runs our ovs-ofctl against the switch.
func (s *Switch) ofctl(args ...string) string {
	s.t.Helper()
	r := s.e.run(ours("ovs-ofctl"), args...)
	if r.Code != 0 {
		s.t.Fatalf("ovs-ofctl %v: %s", args, r)
	}
	return r.Stdout
}

// flows replaces the bridge's flows with lines (one add-flows call).
func (s *Switch) flows(lines ...string) {
	s.t.Helper()
	f := filepath.Join(s.e.Dir, "flows.txt")
	if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		s.t.Fatal(err)
	}
	s.ofctl("del-flows", "br0")
	// OpenFlow 1.3, because some of the actions (push_vlan) have no 1.0
	// encoding.
	s.ofctl("-O", "OpenFlow13", "add-flows", "br0", f)
}

// mac returns the MAC address of a host's eth0.
func (s *Switch) mac(h *Host) string {
	s.t.Helper()
	out := s.sh("ip -n %s -o link show eth0", h.NS)
	f := strings.Fields(out[strings.Index(out, "link/ether"):])
	return f[1]
}

// portTx returns the tx packet count ovs-ofctl dump-ports reports for
// OpenFlow port no.
func (s *Switch) portTx(no string) int {
	s.t.Helper()
	out := s.ofctl("dump-ports", "br0", no)
	i := strings.Index(out, "tx pkts=")
	if i < 0 {
		s.t.Fatalf("dump-ports %s: %s", no, out)
	}
	var n int
	fmt.Sscanf(out[i:], "tx pkts=%d", &n)
	return n
}

// TestOpenFlowPipelines forwards real traffic between namespaces through
// flows programmed with ovs-ofctl: plain outputs, drops, resubmits across
// tables, VLAN push and pop, address rewrites, learn, a select group and a
// meter.
func TestOpenFlowPipelines(t *testing.T) {
	s := newSwitch(t, false)
	h1, h2, h3 := s.addHost("10.0.7.1/24"), s.addHost("10.0.7.2/24"), s.addHost("10.0.7.3/24")
	s.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "protocols=OpenFlow10,OpenFlow13,OpenFlow15",
		"--", "add-port", "br0", h1.Port, "--", "set", "interface", h1.Port, "ofport_request=1",
		"--", "add-port", "br0", h2.Port, "--", "set", "interface", h2.Port, "ofport_request=2",
		"--", "add-port", "br0", h3.Port, "--", "set", "interface", h3.Port, "ofport_request=3")

	t.Run("output", func(t *testing.T) {
		s.flows("in_port=1,actions=output:2", "in_port=2,actions=output:1")
		s.mustPing(h1, h2.IP)
		if !s.noPing(h1, h3.IP) {
			t.Fatal("h3 reachable without a flow to it")
		}
	})
	t.Run("drop", func(t *testing.T) {
		s.flows("in_port=1,actions=output:2", "in_port=2,actions=output:1",
			"priority=40000,icmp,nw_dst="+addr(h2.IP)+",actions=drop")
		if !s.noPing(h1, h2.IP) {
			t.Fatal("ping passed a drop flow")
		}
	})
	t.Run("resubmit", func(t *testing.T) {
		s.flows("table=0,actions=resubmit(,1)",
			"table=1,in_port=1,actions=resubmit(,2)", "table=1,in_port=2,actions=output:1",
			"table=2,actions=output:2")
		s.mustPing(h1, h2.IP)
	})
	t.Run("vlan", func(t *testing.T) {
		// Tag on the way in, match the tag in the next table, pop it on
		// the way out: the frame on h2's wire is untagged again.
		s.flows("table=0,in_port=1,actions=mod_vlan_vid:5,resubmit(,1)",
			"table=0,in_port=2,actions=push_vlan:0x8100,set_field:4102->vlan_vid,resubmit(,1)",
			"table=1,dl_vlan=5,in_port=1,actions=strip_vlan,output:2",
			"table=1,dl_vlan=6,in_port=2,actions=pop_vlan,output:1")
		s.mustPing(h1, h2.IP)
	})
	t.Run("rewrite", func(t *testing.T) {
		// h1 talks to a virtual address that the switch maps onto h2.
		const vip, vmac = "10.0.7.100", "02:00:00:00:00:64"
		s.sh("ip -n %s neigh replace %s lladdr %s dev eth0", h1.NS, vip, vmac)
		s.flows("arp,actions=NORMAL",
			"in_port=1,ip,nw_dst="+vip+",actions=mod_nw_dst:"+addr(h2.IP)+",mod_dl_dst:"+s.mac(h2)+",output:2",
			"in_port=2,ip,nw_dst="+addr(h1.IP)+",actions=mod_nw_src:"+vip+",mod_dl_src:"+vmac+",output:1")
		s.mustPing(h1, vip+"/24")
	})
	t.Run("learn", func(t *testing.T) {
		s.flows("table=0,actions=learn(table=1,priority=5,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),resubmit(,1)",
			"table=1,priority=0,actions=FLOOD")
		s.mustPing(h1, h2.IP)
		out := s.ofctl("dump-flows", "br0", "table=1")
		for _, h := range []*Host{h1, h2} {
			if !strings.Contains(out, "dl_dst="+s.mac(h)) {
				t.Fatalf("no learned flow for %s:\n%s", h.NS, out)
			}
		}
	})
	t.Run("mod-port", func(t *testing.T) {
		// Port-mod config bits take effect in forwarding, and are
		// reported back in the port description.
		s.flows("actions=NORMAL")
		s.mustPing(h1, h2.IP)
		s.ofctl("mod-port", "br0", "2", "no-forward")
		if out := s.ofctl("dump-ports-desc", "br0"); !strings.Contains(out, "NO_FWD") {
			t.Fatalf("NO_FWD not reported:\n%s", out)
		}
		if !s.noPing(h1, h2.IP) {
			t.Fatal("ping crossed a no-forward port")
		}
		s.ofctl("mod-port", "br0", "2", "forward")
		s.mustPing(h1, h2.IP)
	})
	t.Run("select-group", func(t *testing.T) {
		s.ofctl("-O", "OpenFlow13", "del-groups", "br0")
		s.ofctl("-O", "OpenFlow13", "add-group", "br0", "group_id=1,type=select,bucket=output:2,bucket=output:3")
		s.flows("in_port=1,udp,actions=group:1", "arp,actions=NORMAL")
		s.sh("ip -n %s neigh replace 10.0.7.99 lladdr 02:00:00:00:00:99 dev eth0", h1.NS)
		tx2, tx3 := s.portTx("2"), s.portTx("3")
		// Many flows (one per ephemeral source port) spread over both
		// buckets.
		s.sh(`ip netns exec %s bash -c 'for i in $(seq 64); do echo x >/dev/udp/10.0.7.99/9; done'`, h1.NS)
		d2, d3 := s.portTx("2")-tx2, s.portTx("3")-tx3
		if d2 == 0 || d3 == 0 || d2+d3 < 32 {
			t.Fatalf("select group did not spread 64 flows: %d to port 2, %d to port 3\n%s", d2, d3, s.debug())
		}
	})
	t.Run("meter", func(t *testing.T) {
		if _, err := exec.LookPath("iperf3"); err != nil {
			t.Skip("iperf3 is not installed")
		}
		s.ofctl("-O", "OpenFlow13", "del-meters", "br0")
		s.ofctl("-O", "OpenFlow13", "add-meter", "br0", "meter=1,kbps,band=type=drop,rate=5000")
		s.flows("arp,actions=NORMAL", "in_port=1,udp,actions=meter:1,output:2",
			"in_port=1,actions=output:2", "in_port=2,actions=output:1")
		srv := exec.Command("ip", "netns", "exec", h2.NS, "iperf3", "-s", "-1")
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		defer srv.Process.Kill()
		time.Sleep(300 * time.Millisecond)
		out, err := exec.Command("ip", "netns", "exec", h1.NS, "iperf3", "-c", addr(h2.IP), "-u", "-b", "50M", "-t", "3", "-J").CombinedOutput()
		if err != nil {
			t.Fatalf("iperf3 UDP: %v\n%s", err, out)
		}
		mbit := gbits(string(out)) * 1000
		t.Logf("50 Mbit/s UDP through a 5 Mbit/s meter: %.2f Mbit/s received", mbit)
		// Without a burst size the band's bucket holds one second of
		// traffic (as in OVS's userspace meters), so over 3 seconds up
		// to 4 seconds' worth may pass: 6.7 Mbit/s on average.
		if mbit < 2 || mbit > 8.5 {
			t.Fatalf("meter let %.2f Mbit/s through, want 5 to 6.7", mbit)
		}
		srv.Wait()
	})
}
