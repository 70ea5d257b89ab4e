package e2e

import (
	"crypto/rand"
	"runtime"

	"encoding/hex"
	"fmt"
	"golang.org/x/sys/unix"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// The switch tests run ovs-vswitchd for real: hosts are network
// namespaces joined to the switch by veth pairs, and the switch itself
// runs in a namespace of its own (its rundir private too), so that several
// switches, ours and Debian's, can run on one machine at once.

// needRoot skips tests that need namespaces when not root.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for network namespaces")
	}
	for _, tool := range []string{"ip", "ping"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
}

func randID() string {
	b := make([]byte, 3)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Switch is one ovsdb-server + ovs-vswitchd pair with hosts around it.
type Switch struct {
	t       *testing.T
	e       *Env
	id      string
	ns      string // the namespace vswitchd runs in
	real    bool   // Debian's daemons instead of ours
	vsctlP  string
	serverP string
	toolP   string
	vswP    string
	hosts   int
}

// newSwitch starts a database and a vswitchd (ours, or Debian's when real
// is set) and removes everything when the test ends.
func newSwitch(t *testing.T, real bool) *Switch {
	t.Helper()
	needRoot(t)
	s := &Switch{t: t, e: newEnv(t), id: randID(), real: real}
	s.ns = "gsw" + s.id
	if real {
		s.vsctlP, s.serverP, s.toolP, s.vswP = oracle(t, "ovs-vsctl"), oracle(t, "ovsdb-server"), oracle(t, "ovsdb-tool"), oracle(t, "ovs-vswitchd")
	} else {
		s.vsctlP, s.serverP, s.toolP, s.vswP = ours("ovs-vsctl"), ours("ovsdb-server"), ours("ovsdb-tool"), ours("ovs-vswitchd")
	}
	s.sh("ip netns add %s && ip -n %s link set lo up", s.ns, s.ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", s.ns).Run() })
	db := filepath.Join(s.e.DBDir, "conf.db")
	schema := []string{}
	if real {
		schema = []string{"/usr/share/openvswitch/vswitch.ovsschema"}
	}
	if r := s.e.run(s.toolP, append([]string{"create", db}, schema...)...); r.Code != 0 {
		t.Fatalf("ovsdb-tool create: %s", r)
	}
	s.startServer()
	s.vsctl("--no-wait", "init")
	s.startVswitchd()
	return s
}

func (s *Switch) startServer() {
	s.t.Helper()
	db := filepath.Join(s.e.DBDir, "conf.db")
	r := s.e.run(s.serverP, db, "--remote=punix:"+filepath.Join(s.e.RunDir, "db.sock"),
		"--detach", "--pidfile", "--log-file", "-vconsole:off")
	if r.Code != 0 {
		s.t.Fatalf("ovsdb-server: %s", r)
	}
	pidfile := filepath.Join(s.e.RunDir, "ovsdb-server.pid")
	s.t.Cleanup(func() { killPidfile(pidfile) })
}

func (s *Switch) stopServer() { killPidfile(filepath.Join(s.e.RunDir, "ovsdb-server.pid")) }

func (s *Switch) startVswitchd() {
	s.t.Helper()
	r := s.e.run("ip", "netns", "exec", s.ns, s.vswP, "unix:"+filepath.Join(s.e.RunDir, "db.sock"),
		"--detach", "--pidfile", "--log-file", "-vconsole:off")
	if r.Code != 0 {
		s.t.Fatalf("ovs-vswitchd: %s", r)
	}
	pidfile := filepath.Join(s.e.RunDir, "ovs-vswitchd.pid")
	s.t.Cleanup(func() { killPidfile(pidfile) })
}

// killVswitchd kills vswitchd hard, as a crash would.
func (s *Switch) killVswitchd() {
	pidfile := filepath.Join(s.e.RunDir, "ovs-vswitchd.pid")
	data, err := os.ReadFile(pidfile)
	if err != nil {
		s.t.Fatal(err)
	}
	s.sh("kill -9 %s", strings.TrimSpace(string(data)))
	for i := 0; i < 100; i++ {
		if exec.Command("kill", "-0", strings.TrimSpace(string(data))).Run() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sh runs a shell command and fails the test if it fails.
func (s *Switch) sh(format string, args ...any) string {
	s.t.Helper()
	cmd := fmt.Sprintf(format, args...)
	out, err := exec.Command("sh", "-c", cmd).CombinedOutput()
	if err != nil {
		s.t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return string(out)
}

// vsctl runs ovs-vsctl against the switch's database.
func (s *Switch) vsctl(args ...string) string {
	s.t.Helper()
	r := s.e.run(s.vsctlP, append([]string{"--timeout=20"}, args...)...)
	if r.Code != 0 {
		s.t.Fatalf("ovs-vsctl %v: %s", args, r)
	}
	return r.Stdout
}

// appctl runs ovs-appctl (ours or Debian's) against the vswitchd.
func (s *Switch) appctl(tool string, args ...string) Result {
	s.t.Helper()
	return s.e.run(tool, append([]string{"-t", "ovs-vswitchd"}, args...)...)
}

// Host is a namespace with one interface, eth0, plugged into the switch.
type Host struct {
	NS, Port, IP string
}

// addHost makes a namespace with address ip (CIDR) on eth0, whose veth
// peer (the switch side) is created in the switch's namespace; it is not
// added to a bridge.
func (s *Switch) addHost(ip string) *Host {
	s.t.Helper()
	s.hosts++
	h := &Host{NS: fmt.Sprintf("gh%s%d", s.id, s.hosts), Port: fmt.Sprintf("v%s%d", s.id, s.hosts), IP: ip}
	s.sh("ip netns add %s", h.NS)
	s.t.Cleanup(func() { exec.Command("ip", "netns", "del", h.NS).Run() })
	s.sh("ip link add %s netns %s type veth peer name eth0 netns %s", h.Port, s.ns, h.NS)
	s.sh("ip -n %s link set lo up && ip -n %s link set eth0 up && ip -n %s addr add %s dev eth0", h.NS, h.NS, h.NS, ip)
	s.sh("ip -n %s link set %s up", s.ns, h.Port)
	return h
}

func addr(ip string) string { return strings.Split(ip, "/")[0] }

// ping reports whether from can reach to within a few seconds.
func (s *Switch) ping(from *Host, to string) bool {
	for i := 0; i < 5; i++ {
		if exec.Command("ip", "netns", "exec", from.NS, "ping", "-c", "1", "-W", "1", addr(to)).Run() == nil {
			return true
		}
	}
	return false
}

// noPing reports that from cannot reach to.
func (s *Switch) noPing(from *Host, to string) bool {
	return exec.Command("ip", "netns", "exec", from.NS, "ping", "-c", "2", "-i", "0.2", "-W", "1", addr(to)).Run() != nil
}

func (s *Switch) mustPing(from *Host, to string) {
	s.t.Helper()
	if !s.ping(from, to) {
		s.t.Fatalf("%s cannot ping %s\n%s", from.NS, to, s.debug())
	}
}

func (s *Switch) debug() string {
	var b strings.Builder
	for _, c := range [][]string{{"fdb/show", "br0"}, {"dpctl/dump-flows"}, {"dpif/show"}} {
		r := s.appctl(ours("ovs-appctl"), c...)
		fmt.Fprintf(&b, "%v:\n%s%s", c, r.Stdout, r.Stderr)
	}
	log, _ := os.ReadFile(filepath.Join(s.e.LogDir, "ovs-vswitchd.log"))
	b.Write(log)
	return b.String()
}

func TestSwitchPingAndTCP(t *testing.T) {
	s := newSwitch(t, false)
	h1, h2 := s.addHost("10.0.0.1/24"), s.addHost("10.0.0.2/24")
	s.vsctl("add-br", "br0", "--", "add-port", "br0", h1.Port, "--", "add-port", "br0", h2.Port)
	s.mustPing(h1, h2.IP)
	s.mustPing(h2, h1.IP)

	// Debian's ovs-ofctl reaches the bridge through its management
	// socket: version negotiation, features and config.
	show := s.e.run(oracle(t, "ovs-ofctl"), "show", "br0")
	dpid := strings.Trim(strings.TrimSpace(s.vsctl("get", "bridge", "br0", "datapath_id")), `"`)
	for _, want := range []string{"OFPT_FEATURES_REPLY (xid=0x2): dpid:" + dpid, "n_tables:254", "(" + h1.Port + "): addr:", "LOCAL(br0): addr:", "miss_send_len=0"} {
		if show.Code != 0 || !strings.Contains(show.Stdout, want) {
			t.Fatalf("ovs-ofctl show br0 lacks %q: %s", want, show)
		}
	}

	if _, err := exec.LookPath("iperf3"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("iperf3 is not installed")
		}
		t.Skip("iperf3 is not installed")
	}
	srv := exec.Command("ip", "netns", "exec", h2.NS, "iperf3", "-s", "-1")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	time.Sleep(300 * time.Millisecond)
	// Offloads stay at the veth defaults: TSO and checksum offload on.
	out, err := exec.Command("ip", "netns", "exec", h1.NS, "iperf3", "-c", addr(h2.IP), "-t", "2", "-J").CombinedOutput()
	if err != nil {
		t.Fatalf("iperf3 TCP through the switch failed: %v\n%s\n%s", err, out, s.debug())
	}
	rate := gbits(string(out))
	if rate <= 0 {
		t.Fatalf("iperf3 moved no data:\n%s", out)
	}
	t.Logf("iperf3 TCP through the switch: %.2f Gbit/s", rate)
	srv.Wait()
}

// gbits pulls the receiver's rate out of iperf3 -J output (0 if absent).
func gbits(js string) float64 {
	i := strings.Index(js, `"sum_received"`)
	if i < 0 {
		return 0
	}
	j := strings.Index(js[i:], `"bits_per_second":`)
	if j < 0 {
		return 0
	}
	rest := js[i+j+len(`"bits_per_second":`):]
	var v float64
	fmt.Sscan(strings.TrimSpace(strings.SplitN(rest, ",", 2)[0]), &v)
	return v / 1e9
}

func TestSwitchVLANs(t *testing.T) {
	s := newSwitch(t, false)
	a10, b10, c20 := s.addHost("10.1.0.1/24"), s.addHost("10.1.0.2/24"), s.addHost("10.1.0.3/24")
	d10, e20 := s.addHost("10.1.0.4/24"), s.addHost("10.1.0.5/24")
	// br0 and br1 joined by a trunk: a veth pair inside the switch's
	// namespace. (This kernel has no 8021q module for VLAN devices, so
	// the far ends of the trunk are access ports of a second bridge.)
	ta, tb := "ta"+s.id, "tb"+s.id
	s.sh("ip -n %s link add %s type veth peer name %s && ip -n %s link set %s up && ip -n %s link set %s up", s.ns, ta, tb, s.ns, ta, s.ns, tb)
	s.vsctl("add-br", "br0",
		"--", "add-port", "br0", a10.Port, "tag=10",
		"--", "add-port", "br0", b10.Port, "tag=10",
		"--", "add-port", "br0", c20.Port, "tag=20",
		"--", "add-port", "br0", ta, "trunks=10,20",
		"--", "add-br", "br1",
		"--", "add-port", "br1", tb,
		"--", "add-port", "br1", d10.Port, "tag=10",
		"--", "add-port", "br1", e20.Port, "tag=20")
	s.mustPing(a10, b10.IP)
	if !s.noPing(a10, c20.IP) {
		t.Fatalf("VLAN 10 reached VLAN 20\n%s", s.debug())
	}
	// The trunk carries both VLANs.
	s.mustPing(a10, d10.IP)
	s.mustPing(c20, e20.IP)
	if !s.noPing(a10, e20.IP) {
		t.Fatalf("VLAN 10 reached VLAN 20 across the trunk\n%s", s.debug())
	}
	// A fake bridge: VLAN 20 of br0 as a bridge of its own, whose
	// internal port gives the switch's namespace a leg in VLAN 20 only.
	s.vsctl("add-br", "vl20", "br0", "20")
	if got := strings.TrimSpace(s.vsctl("br-to-vlan", "vl20")); got != "20" {
		t.Fatalf("br-to-vlan: %q", got)
	}
	s.sh("ip -n %s addr add 10.1.0.20/24 dev vl20 && ip -n %s link set vl20 up", s.ns, s.ns)
	local := &Host{NS: s.ns}
	s.mustPing(local, c20.IP)
	if !s.noPing(local, a10.IP) {
		t.Fatalf("the VLAN 20 fake bridge reached VLAN 10\n%s", s.debug())
	}
	// On the wire, tagged with 802.1Q.
	if _, err := exec.LookPath("tcpdump"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tcpdump is not installed")
		}
		t.Skip("tcpdump is not installed")
	}
	cap := exec.Command("ip", "netns", "exec", s.ns, "tcpdump", "-l", "-e", "-n", "-i", ta, "-c", "4", "icmp")
	var out strings.Builder
	cap.Stdout = &out
	if err := cap.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(700 * time.Millisecond)
	s.ping(a10, d10.IP)
	s.ping(c20, e20.IP)
	done := make(chan error, 1)
	go func() { done <- cap.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cap.Process.Kill()
		<-done
	}
	got := out.String()
	if !strings.Contains(got, "vlan 10") || !strings.Contains(got, "vlan 20") {
		t.Fatalf("trunk capture lacks the 802.1Q tags:\n%s", got)
	}
}

func TestSwitchPatchPortsAndInternalPort(t *testing.T) {
	s := newSwitch(t, false)
	h1, h2 := s.addHost("10.3.0.1/24"), s.addHost("10.3.0.2/24")
	s.vsctl("add-br", "br0", "--", "add-br", "br1",
		"--", "add-port", "br0", h1.Port, "--", "add-port", "br1", h2.Port,
		"--", "add-port", "br0", "pa", "--", "set", "interface", "pa", "type=patch", "options:peer=pb",
		"--", "add-port", "br1", "pb", "--", "set", "interface", "pb", "type=patch", "options:peer=pa")
	s.mustPing(h1, h2.IP)
	// The switch's own namespace reaches h1 through the internal port br0.
	s.sh("ip -n %s addr add 10.3.0.100/24 dev br0 && ip -n %s link set br0 up", s.ns, s.ns)
	local := &Host{NS: s.ns}
	s.mustPing(local, h1.IP)
	s.mustPing(local, h2.IP)

	// `exit` leaves the internal port, address included, for the next
	// vswitchd to pick up, as OVS does; `exit --cleanup` removes it.
	s.exitVswitchd()
	if out := s.sh("ip -n %s addr show dev br0", s.ns); !strings.Contains(out, "10.3.0.100/24") {
		t.Fatalf("br0 lost its address over exit:\n%s", out)
	}
	s.startVswitchd()
	s.mustPing(local, h1.IP)
	s.exitVswitchd("--cleanup")
	if exec.Command("ip", "-n", s.ns, "link", "show", "br0").Run() == nil {
		t.Fatal("exit --cleanup left br0 behind")
	}
}

// exitVswitchd asks vswitchd to exit and waits until it has.
func (s *Switch) exitVswitchd(args ...string) {
	s.t.Helper()
	if r := s.appctl(ours("ovs-appctl"), append([]string{"exit"}, args...)...); r.Code != 0 {
		s.t.Fatalf("exit: %s", r)
	}
	pidfile := filepath.Join(s.e.RunDir, "ovs-vswitchd.pid")
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(pidfile); err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatal("vswitchd did not exit")
}

// openTapIn attaches to (or creates) TAP device name inside namespace ns,
// as a hypervisor does for its guest's NIC.
func openTapIn(ns, name string) (*os.File, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return nil, err
	}
	defer self.Close()
	target, err := os.Open("/run/netns/" + ns)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		return nil, err
	}
	defer unix.Setns(int(self.Fd()), unix.CLONE_NEWNET)
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("TUNSETIFF %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// pump copies frames from one TAP to another until src is closed.
func pump(dst, src *os.File) {
	buf := make([]byte, 65536)
	for {
		n, err := src.Read(buf)
		if err != nil {
			return
		}
		dst.Write(buf[:n])
	}
}

// A KVM-style port: the Port row comes first (plain add-port, as
// ovs-ifup scripts do), the VM's TAP device later; the switch picks it up.
func TestSwitchTapJoinsLater(t *testing.T) {
	s := newSwitch(t, false)
	h1 := s.addHost("10.4.0.1/24")
	s.vsctl("add-br", "br0", "--", "add-port", "br0", h1.Port)
	r := s.e.run(s.vsctlP, "--timeout=20", "add-port", "br0", "vm1")
	if !strings.Contains(r.Stderr, "could not open network device vm1 (No such device)") {
		t.Fatalf("add-port of a missing device: %s", r)
	}
	// The hypervisor creates the TAP and attaches to it; the guest's
	// network stack is a namespace behind a second TAP, joined to the
	// first by copying frames (the "VM").
	vm := &Host{NS: "gvm" + s.id, IP: "10.4.0.2/24"}
	s.sh("ip netns add %s", vm.NS)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", vm.NS).Run() })
	s.sh("ip -n %s tuntap add vm1 mode tap && ip -n %s link set vm1 up", s.ns, s.ns)
	host, err := openTapIn(s.ns, "vm1")
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	guest, err := openTapIn(vm.NS, "eth0")
	if err != nil {
		t.Fatal(err)
	}
	defer guest.Close()
	go pump(host, guest)
	go pump(guest, host)
	s.sh("ip -n %s addr add %s dev eth0 && ip -n %s link set eth0 up && ip -n %s link set lo up", vm.NS, vm.IP, vm.NS, vm.NS)
	ok := false
	for i := 0; i < 50 && !ok; i++ {
		time.Sleep(100 * time.Millisecond)
		ok = strings.TrimSpace(s.vsctl("get", "interface", "vm1", "error")) == "[]"
	}
	if !ok {
		t.Fatalf("tap not picked up\n%s", s.debug())
	}
	s.mustPing(vm, h1.IP)
}

func TestSwitchMovesDeletesRestarts(t *testing.T) {
	s := newSwitch(t, false)
	h1, h2 := s.addHost("10.5.0.1/24"), s.addHost("10.5.0.2/24")
	s.vsctl("add-br", "br0", "--", "add-port", "br0", h1.Port, "--", "add-port", "br0", h2.Port)
	s.mustPing(h1, h2.IP)

	// Re-plug h1 on another port, keeping its MAC: traffic follows.
	mac := strings.TrimSpace(s.sh("ip -n %s -br link show eth0 | awk '{print $3}'", h1.NS))
	newPort := "w" + s.id
	s.sh("ip -n %s link del eth0", h1.NS)
	s.sh("ip link add %s netns %s type veth peer name eth0 netns %s", newPort, s.ns, h1.NS)
	s.sh("ip -n %s link set eth0 address %s && ip -n %s link set eth0 up && ip -n %s addr add %s dev eth0", h1.NS, mac, h1.NS, h1.NS, h1.IP)
	s.sh("ip -n %s link set %s up", s.ns, newPort)
	s.vsctl("add-port", "br0", newPort)
	s.mustPing(h1, h2.IP)
	s.mustPing(h2, h1.IP)

	// del-port stops traffic.
	s.vsctl("del-port", "br0", h2.Port)
	if !s.noPing(h1, h2.IP) {
		t.Fatal("traffic still flows after del-port")
	}
	s.vsctl("add-port", "br0", h2.Port)
	s.mustPing(h1, h2.IP)

	// A crash and a restart: everything comes back from the database.
	s.killVswitchd()
	s.startVswitchd()
	s.mustPing(h1, h2.IP)

	// Without ovsdb-server, forwarding goes on; when it returns,
	// vswitchd reconnects and takes new configuration again.
	s.stopServer()
	s.mustPing(h2, h1.IP)
	s.startServer()
	h3 := s.addHost("10.5.0.3/24")
	s.vsctl("add-port", "br0", h3.Port)
	s.mustPing(h3, h1.IP)
}

// Two switches, each vswitchd in its own namespace with its own rundir.
func TestSeveralSwitches(t *testing.T) {
	s1, s2 := newSwitch(t, false), newSwitch(t, false)
	a, b := s1.addHost("10.6.0.1/24"), s1.addHost("10.6.0.2/24")
	c, d := s2.addHost("10.6.0.1/24"), s2.addHost("10.6.0.2/24")
	s1.vsctl("add-br", "br0", "--", "add-port", "br0", a.Port, "--", "add-port", "br0", b.Port)
	s2.vsctl("add-br", "br0", "--", "add-port", "br0", c.Port, "--", "add-port", "br0", d.Port)
	s1.mustPing(a, b.IP)
	s2.mustPing(c, d.IP)
}

// The real ovs-vsctl show and ovs-appctl fdb/show print the same layout
// for our vswitchd as for Debian's, on the same scenario.
func TestRealToolsSeeSameLayout(t *testing.T) {
	realVsctl, realAppctl := oracle(t, "ovs-vsctl"), oracle(t, "ovs-appctl")
	var shows, fdbs []string
	for _, real := range []bool{false, true} {
		s := newSwitch(t, real)
		h1, h2 := s.addHost("10.7.0.1/24"), s.addHost("10.7.0.2/24")
		if real {
			// Debian's vswitchd needs to be told to use the userspace
			// datapath; ours picks it by itself.
			s.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev")
		} else {
			s.vsctl("add-br", "br0")
		}
		s.vsctl("add-port", "br0", "p1", "--", "set", "interface", "p1", "type=patch", "options:peer=p2",
			"--", "add-port", "br0", "gone")
		// ofport_request: OVS numbers ports in hash order otherwise.
		s.e.run(realVsctl, "--timeout=20", "add-port", "br0", h1.Port, "tag=7", "--", "set", "interface", h1.Port, "ofport_request=5",
			"--", "add-port", "br0", h2.Port, "tag=7", "--", "set", "interface", h2.Port, "ofport_request=6")
		s.mustPing(h1, h2.IP)
		show := s.e.run(realVsctl, "show").Stdout
		show = strings.NewReplacer(h1.Port, "H1", h2.Port, "H2", "        datapath_type: netdev\n", "").Replace(normalizeUUIDs(show))
		shows = append(shows, show)
		fdb := s.appctl(realAppctl, "fdb/show", "br0")
		if fdb.Code != 0 {
			t.Fatalf("fdb/show: %s", fdb)
		}
		fdbs = append(fdbs, macAgeRE.ReplaceAllString(fdb.Stdout, "MAC AGE"))
	}
	if sortLines(shows[0]) != sortLines(shows[1]) {
		t.Errorf("ovs-vsctl show differs:\nours:\n%s\nreal:\n%s", shows[0], shows[1])
	}
	if sortLines(fdbs[0]) != sortLines(fdbs[1]) {
		t.Errorf("fdb/show differs:\nours:\n%s\nreal:\n%s", fdbs[0], fdbs[1])
	}
}

var macAgeRE = regexp.MustCompile(`([0-9a-f]{2}:){5}[0-9a-f]{2} +\d+`)

// sortLines sorts s's lines: OVS prints rows in the hash order of random
// UUIDs, so only the set of lines can be compared.
func sortLines(s string) string {
	lines := strings.Split(s, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Without the kernel module, an explicit datapath_type=system fails as in
// OVS (log and ovs-vsctl's report), while other bridges keep working.
func TestSwitchSystemDatapathFails(t *testing.T) {
	if _, err := os.Stat("/sys/module/openvswitch"); err == nil {
		t.Skip("the kernel has the openvswitch module")
	}
	s := newSwitch(t, false)
	h1, h2 := s.addHost("10.9.0.1/24"), s.addHost("10.9.0.2/24")
	s.vsctl("add-br", "br0", "--", "add-port", "br0", h1.Port, "--", "add-port", "br0", h2.Port)
	r := s.e.run(s.vsctlP, "--timeout=20", "add-br", "brs", "--", "set", "bridge", "brs", "datapath_type=system")
	if r.Code != 0 || !strings.Contains(r.Stderr, "ovs-vsctl: Error detected while setting up 'brs'.  See ovs-vswitchd log for details.") {
		t.Fatalf("add-br with datapath_type=system: %s", r)
	}
	log, _ := os.ReadFile(filepath.Join(s.e.LogDir, "ovs-vswitchd.log"))
	if !strings.Contains(string(log), "|bridge|ERR|failed to create bridge brs: No such file or directory") {
		t.Fatalf("log lacks the failure:\n%s", log)
	}
	s.mustPing(h1, h2.IP)
}
