package netdev

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func needRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		tb.Skip("needs ip(8)")
	}
}

var uniqSeq atomic.Uint32

// uniq returns a short name unique to this process and call (Linux
// interface names have at most 15 characters).
func uniq(prefix string) string {
	return fmt.Sprintf("%s%x%x", prefix, os.Getpid()&0xffff, uniqSeq.Add(1))
}

func sh(tb testing.TB, args ...string) string {
	tb.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		tb.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// subnet picks a /24 in 10.200.0.0/13 for this process, so parallel test
// runs of other packages on the machine do not collide.
func subnet(i int) string {
	return fmt.Sprintf("10.%d.%d", 200+(os.Getpid()>>8+i)%8, (os.Getpid()+i*37)%256)
}

func netns(tb testing.TB) string {
	name := uniq("ndns")
	sh(tb, "ip", "netns", "add", name)
	tb.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	return name
}

// vethTo creates a veth pair whose end "inner" is moved to ns ("" keeps
// it here), brought up, and returns the outer end's name (up, IPv6 off so
// the kernel stays quiet on it).
func vethTo(tb testing.TB, ns, addr string) (outer, inner string) {
	outer, inner = uniq("ndo"), uniq("ndi")
	sh(tb, "ip", "link", "add", outer, "type", "veth", "peer", "name", inner)
	tb.Cleanup(func() { exec.Command("ip", "link", "del", outer).Run() })
	os.WriteFile("/proc/sys/net/ipv6/conf/"+outer+"/disable_ipv6", []byte("1"), 0)
	sh(tb, "ip", "link", "set", outer, "up")
	if ns != "" {
		sh(tb, "ip", "link", "set", inner, "netns", ns)
		sh(tb, "ip", "-n", ns, "link", "set", "lo", "up")
		sh(tb, "ip", "-n", ns, "link", "set", inner, "up")
		if addr != "" {
			sh(tb, "ip", "-n", ns, "addr", "add", addr, "dev", inner)
		}
	} else {
		os.WriteFile("/proc/sys/net/ipv6/conf/"+inner+"/disable_ipv6", []byte("1"), 0)
		sh(tb, "ip", "link", "set", inner, "up")
	}
	return outer, inner
}

// forwarder moves packets from one port to another until either closes; it
// calls look on every packet first.
func forward(tb testing.TB, wg *sync.WaitGroup, from, to Netdev, look func(*Packet)) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		var b Batch
		for {
			if err := from.Recv(&b); err != nil {
				if !errors.Is(err, ErrClosed) {
					tb.Errorf("%s: %v", from.Name(), err)
				}
				return
			}
			if look != nil {
				for _, p := range b.Packets() {
					look(p)
				}
			}
			if err := to.Send(b.Packets()); err != nil && !errors.Is(err, ErrClosed) {
				tb.Errorf("%s: %v", to.Name(), err)
			}
			for _, p := range b.Packets() {
				DefaultPool.Put(p)
			}
		}
	}()
}

// link forwards both ways between a and b; Cleanup closes both and waits.
func link(tb testing.TB, a, b Netdev, look func(*Packet)) {
	var wg sync.WaitGroup
	forward(tb, &wg, a, b, look)
	forward(tb, &wg, b, a, look)
	tb.Cleanup(func() {
		a.Close()
		b.Close()
		wg.Wait()
	})
}

// iperf runs an iperf3 server in serverNS (empty: here) and a client in
// clientNS for a second and returns the receiver's bit rate.
func iperf(t *testing.T, serverNS, clientNS, serverAddr string) float64 {
	t.Helper()
	if _, err := exec.LookPath("iperf3"); err != nil {
		t.Log("iperf3 not installed; skipping the TCP throughput check")
		return -1
	}
	port := fmt.Sprint(20000 + os.Getpid()%20000)
	inNS := func(ns string, args ...string) *exec.Cmd {
		if ns != "" {
			args = append([]string{"ip", "netns", "exec", ns}, args...)
		}
		return exec.Command(args[0], args[1:]...)
	}
	srv := inNS(serverNS, "iperf3", "-s", "-1", "-p", port, "-B", serverAddr)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	var out []byte
	var err error
	for try := 0; try < 60; try++ { // a loaded machine may take seconds to start the server
		time.Sleep(100 * time.Millisecond)
		out, err = inNS(clientNS, "iperf3", "-c", serverAddr, "-p", port, "-t", "1", "-J").Output()
		if err == nil || !bytes.Contains(out, []byte("unable to connect")) {
			break
		}
	}
	if err != nil {
		t.Fatalf("iperf3: %v\n%s", err, out)
	}
	var res struct {
		End struct {
			SumReceived struct {
				BitsPerSecond float64 `json:"bits_per_second"`
			} `json:"sum_received"`
		} `json:"end"`
	}
	if !bytes.Contains(out, []byte("sum_received")) || bytes.Contains(out, []byte(`"error"`)) {
		t.Logf("iperf3: %s", out)
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("iperf3 output: %v", err)
	}
	return res.End.SumReceived.BitsPerSecond
}

func ping(t *testing.T, ns, addr string) {
	t.Helper()
	args := []string{"ping", "-c", "3", "-i", "0.2", "-W", "2", addr}
	if ns != "" {
		args = append([]string{"ip", "netns", "exec", ns}, args...)
	}
	sh(t, args...)
}

// inNetns runs fn on an OS thread that has entered network namespace ns;
// the thread is discarded afterwards. Sockets fn opens stay in ns.
func inNetns(t *testing.T, ns string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread() // never unlocked: the thread dies with us
		f, err := os.Open("/run/netns/" + ns)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			t.Error(err)
			return
		}
		fn()
	}()
	<-done
}

// packetSocket opens a plain AF_PACKET socket on ifname with auxdata and a
// receive timeout.
func packetSocket(t *testing.T, ifname string) int {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_AUXDATA, 1)
	unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &unix.Timeval{Sec: 3})
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifi.Index}); err != nil {
		t.Fatal(err)
	}
	return fd
}

// recvTagged waits for the test's 0x88b5 frame and returns its VLAN TCI,
// from the frame or from the auxdata the kernel stripped it into.
func recvTagged(t *testing.T, fd int) uint16 {
	buf := make([]byte, 2048)
	oob := make([]byte, 256)
	for {
		n, oobn, _, _, err := unix.Recvmsg(fd, buf, oob, 0)
		if err != nil {
			t.Errorf("tagged frame not received: %v", err)
			return 0
		}
		p := DefaultPool.Get()
		p.SetLen(copy(p.Buffer(), buf[:n]))
		restoreVLAN(p, oob[:oobn])
		d := p.Data
		if len(d) >= 18 && binary.BigEndian.Uint16(d[12:]) == 0x8100 && binary.BigEndian.Uint16(d[16:]) == 0x88b5 {
			return binary.BigEndian.Uint16(d[14:])
		}
		DefaultPool.Put(p)
	}
}

// TestSystemForwarding joins two namespaces through two system ports and a
// forwarder, with offloads at their defaults: ping, TCP at speed, and a
// VLAN trunk whose tags the kernel strips into metadata on receive.
func TestSystemForwarding(t *testing.T) {
	needRoot(t)
	nsA, nsB := netns(t), netns(t)
	net0, net1 := subnet(0), subnet(1)
	hA, iA := vethTo(t, nsA, net0+".1/24")
	hB, iB := vethTo(t, nsB, net0+".2/24")
	// VLAN subinterfaces need the 8021q module; without it, a raw socket
	// in the namespace sends the tagged frames.
	vlanIf := exec.Command("ip", "-n", nsA, "link", "add", "link", iA, "name", "v10", "type", "vlan", "id", "10").Run() == nil
	if vlanIf {
		sh(t, "ip", "-n", nsB, "link", "add", "link", iB, "name", "v10", "type", "vlan", "id", "10")
		for _, ns := range []string{nsA, nsB} {
			sh(t, "ip", "-n", ns, "link", "set", "v10", "up")
		}
		sh(t, "ip", "-n", nsA, "addr", "add", net1+".1/24", "dev", "v10")
		sh(t, "ip", "-n", nsB, "addr", "add", net1+".2/24", "dev", "v10")
	}
	var rxB int
	inNetns(t, nsB, func() { rxB = packetSocket(t, iB) })
	t.Cleanup(func() { unix.Close(rxB) })

	pA, err := Open(hA, "system", nil)
	if err != nil {
		t.Fatal(err)
	}
	pB, err := Open(hB, "", nil)
	if err != nil {
		pA.Close()
		t.Fatal(err)
	}
	var tagged, gso atomic.Int64
	link(t, pA, pB, func(p *Packet) {
		d := p.Data
		if len(d) >= 16 && binary.BigEndian.Uint16(d[12:]) == 0x8100 && binary.BigEndian.Uint16(d[14:])&0xfff == 10 {
			tagged.Add(1)
		}
		if p.Vnet.GSOType != VnetGSONone {
			if gso.Add(1) <= 20 {
				verifySoftwareOffload(t, p)
			}
		}
	})

	ping(t, nsA, net0+".2")
	if vlanIf {
		ping(t, nsA, net1+".2")
	} else {
		frame := []byte{0x02, 0, 0, 0, 0, 0xbb, 0x02, 0, 0, 0, 0, 0xaa, 0x81, 0x00, 0x20, 0x0a, 0x88, 0xb5}
		frame = append(frame, make([]byte, 60)...)
		inNetns(t, nsA, func() {
			fd := packetSocket(t, iA)
			defer unix.Close(fd)
			if _, err := unix.Write(fd, frame); err != nil {
				t.Error(err)
			}
		})
		if tci := recvTagged(t, rxB); tci&0xfff != 10 {
			t.Errorf("frame arrived in the far namespace with VLAN %d", tci&0xfff)
		}
	}
	if tagged.Load() == 0 {
		t.Error("no VLAN-tagged frame seen on the trunk")
	}
	bps := iperf(t, nsB, nsA, net0+".2")
	t.Logf("TCP through the forwarder: %.2f Gbit/s, %d GSO packets", bps/1e9, gso.Load())
	if bps == 0 {
		t.Error("no TCP throughput")
	}
	st, err := pA.Stats()
	if err != nil || st.RxPackets == 0 || st.TxPackets == 0 {
		t.Errorf("stats %+v, %v", st, err)
	}
}

// verifySoftwareOffload segments a copy of a GSO packet the kernel produced
// and checks every segment's checksums independently.
func verifySoftwareOffload(t *testing.T, p *Packet) {
	q := DefaultPool.Get()
	defer DefaultPool.Put(q)
	q.SetLen(copy(q.Buffer(), p.Data))
	q.Vnet = p.Vnet
	segs, err := Segment(q, DefaultPool, nil)
	if err != nil {
		t.Errorf("Segment of a kernel GSO packet %+v: %v", p.Vnet, err)
		return
	}
	for _, s := range segs {
		l3, et, _ := l3Offset(s.Data)
		v6 := et == 0x86dd
		l4 := l3 + 40
		if !v6 {
			l4 = l3 + int(s.Data[l3]&0xf)*4
			if refCsum(s.Data[l3:l4]) != 0xffff {
				t.Error("bad IPv4 header checksum in a segment")
			}
		}
		checkL4(t, s.Data, l3, l4, v6, 6)
		DefaultPool.Put(s)
	}
	if err := FinishChecksum(q); err != nil {
		t.Error(err)
	}
}

func TestSystemAttributes(t *testing.T) {
	needRoot(t)
	if _, err := Open("ndnone0", "system", nil); !errors.Is(err, unix.ENODEV) {
		t.Fatalf("missing device: %v", err)
	}
	out, _ := vethTo(t, "", "")
	p, err := OpenSystem(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Type() != "system" || p.Name() != out {
		t.Errorf("type %q name %q", p.Type(), p.Name())
	}
	ifi, err := net.InterfaceByName(out)
	if err != nil {
		t.Fatal(err)
	}
	if p.Ifindex() != ifi.Index {
		t.Errorf("ifindex %d, want %d", p.Ifindex(), ifi.Index)
	}
	st := p.Status()
	if st["driver_name"] != "veth" || st["driver_version"] != "1.0" || st["firmware_version"] != "" || len(st) != 3 {
		t.Errorf("status %v", st)
	}
	if a, l, speed := p.LinkState(); !a || !l || speed != 10e9 {
		t.Errorf("link state %v %v %d", a, l, speed)
	}
	mac := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	if err := p.SetHWAddr(mac); err != nil {
		t.Fatal(err)
	}
	if got, err := p.HWAddr(); err != nil || got.String() != mac.String() {
		t.Errorf("MAC %s %v", got, err)
	}
	if err := p.SetMTU(9000); err != nil {
		t.Fatal(err)
	}
	if mtu, err := p.MTU(); mtu != 9000 || err != nil {
		t.Errorf("MTU %d %v", mtu, err)
	}
	sh(t, "ip", "link", "set", out, "down")
	if a, l, _ := p.LinkState(); a || l {
		t.Errorf("down device reports admin %v link %v", a, l)
	}

	// Close wakes a blocked Recv.
	errc := make(chan error, 1)
	go func() {
		var b Batch
		errc <- p.Recv(&b)
	}()
	time.Sleep(20 * time.Millisecond)
	p.Close()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Recv after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not wake Recv")
	}
	if err := p.Send(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close: %v", err)
	}
}

// TestInternalPort gives the host a leg on the switch: an address on the
// internal port's TAP reaches a namespace behind a system port, and TCP
// from the host stack crosses as large segments.
func TestInternalPort(t *testing.T) {
	needRoot(t)
	ns := netns(t)
	n := subnet(2)
	h, _ := vethTo(t, ns, n+".2/24")
	name := uniq("ndint")
	in, err := Open(name, "internal", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("ip", "link", "del", name).Run() })
	if in.Type() != "internal" {
		t.Errorf("type %q", in.Type())
	}
	// As OVS: created down, promiscuous, driver tun.
	if a, _, _ := in.LinkState(); a {
		t.Error("internal device created up")
	}
	if st := in.Status(); st["driver_name"] != "tun" {
		t.Errorf("status %v", st)
	}
	if !strings.Contains(sh(t, "ip", "link", "show", name), "PROMISC") {
		t.Error("internal device not promiscuous")
	}
	sys, err := Open(h, "system", nil)
	if err != nil {
		in.Close()
		t.Fatal(err)
	}
	os.WriteFile("/proc/sys/net/ipv6/conf/"+name+"/disable_ipv6", []byte("1"), 0)
	sh(t, "ip", "addr", "add", n+".1/24", "dev", name)
	sh(t, "ip", "link", "set", name, "up")
	if a, l, speed := in.LinkState(); !a || !l {
		t.Errorf("link state after up: %v %v %d", a, l, speed)
	}
	var gso atomic.Int64
	link(t, in, sys, func(p *Packet) {
		if p.Vnet.GSOType != VnetGSONone {
			gso.Add(1)
		}
	})
	ping(t, "", n+".2")
	bps := iperf(t, ns, "", n+".2")
	t.Logf("TCP host -> internal port -> veth: %.2f Gbit/s, %d GSO packets", bps/1e9, gso.Load())
	if bps == 0 {
		t.Error("no TCP throughput")
	}
	st, err := in.Stats()
	if err != nil || st.RxPackets == 0 || st.TxPackets == 0 {
		t.Errorf("stats %+v %v", st, err)
	}
	in.Close()
	sys.Close()
	if _, err := net.InterfaceByName(name); err == nil {
		t.Error("internal device still exists after Close")
	}
}

// TestTapPort: a tap port on a user's persistent TAP leaves it in place; a
// tap port that had to create its device removes it.
func TestTapPort(t *testing.T) {
	needRoot(t)
	ns := netns(t)
	n := subnet(3)
	h, _ := vethTo(t, ns, n+".2/24")
	name := uniq("ndtap")
	sh(t, "ip", "tuntap", "add", name, "mode", "tap")
	t.Cleanup(func() { exec.Command("ip", "link", "del", name).Run() })
	tp, err := Open(name, "tap", nil)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := Open(h, "system", nil)
	if err != nil {
		tp.Close()
		t.Fatal(err)
	}
	os.WriteFile("/proc/sys/net/ipv6/conf/"+name+"/disable_ipv6", []byte("1"), 0)
	sh(t, "ip", "addr", "add", n+".1/24", "dev", name)
	sh(t, "ip", "link", "set", name, "up")
	link(t, tp, sys, nil)
	ping(t, "", n+".2")
	tp.Close()
	if out := sh(t, "ip", "link", "show", name); strings.Contains(out, "PROMISC") {
		t.Errorf("pre-existing tap left promiscuous: %s", out)
	}

	other := uniq("ndtap")
	tp2, err := OpenTap(other, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { exec.Command("ip", "link", "del", other).Run() })
	if _, err := net.InterfaceByName(other); err != nil {
		t.Fatalf("tap not created: %v", err)
	}
	tp2.Close()
	if _, err := net.InterfaceByName(other); err == nil {
		t.Error("created tap still exists after Close")
	}
}

// udpFrame is a minimal 64-byte frame (60 without FCS) for the packet-rate
// benchmark.
func udpFrame() []byte {
	f, _, _ := testFrame{udp: true}.build(make([]byte, 18))
	return f
}

type vethBench struct {
	tx, rx   *System
	pool     *Pool
	out      [BatchSize]*Packet
	in       Batch
	progress atomic.Uint64
}

func newVethBench(tb testing.TB) *vethBench {
	a, b := vethTo(tb, "", "")
	vb := &vethBench{pool: &Pool{}}
	var err error
	if vb.tx, err = OpenSystem(a, vb.pool); err != nil {
		tb.Fatal(err)
	}
	if vb.rx, err = OpenSystem(b, vb.pool); err != nil {
		vb.tx.Close()
		tb.Fatal(err)
	}
	f := udpFrame()
	for i := range vb.out {
		p := vb.pool.Get()
		p.SetLen(copy(p.Buffer(), f))
		vb.out[i] = p
	}
	// The kernel may drop frames (the per-CPU backlog is shared with
	// everything else on the machine); when a round stalls, send another
	// batch rather than hang.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		last := vb.progress.Load()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if p := vb.progress.Load(); p == last {
				vb.tx.Send(vb.out[:])
			} else {
				last = p
			}
		}
	}()
	tb.Cleanup(func() {
		close(stop)
		<-done
		vb.tx.Close()
		vb.rx.Close()
	})
	return vb
}

// round sends a batch on one end and receives it on the other.
func (vb *vethBench) round(tb testing.TB) {
	if err := vb.tx.Send(vb.out[:]); err != nil {
		tb.Fatal(err)
	}
	for got := 0; got < BatchSize; {
		if err := vb.rx.Recv(&vb.in); err != nil {
			tb.Fatal(err)
		}
		got += vb.in.N
		vb.progress.Add(1)
		for _, p := range vb.in.Packets() {
			vb.pool.Put(p)
		}
	}
}

func TestVethZeroAlloc(t *testing.T) {
	needRoot(t)
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	vb := newVethBench(t)
	vb.round(t) // warm the pool and the spare buffers
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	if n := testing.AllocsPerRun(50, func() { vb.round(t) }); n != 0 {
		t.Errorf("%.2f allocations per batch round trip", n)
	}
	// Drops are not asserted: on a loaded machine the stall watchdog's
	// resends can overrun the socket buffer, which says nothing about
	// allocations.
	if st, _ := vb.tx.Stats(); st.TxDropped != 0 {
		t.Logf("tx dropped %d", st.TxDropped)
	}
}

// BenchmarkVethRecvSend moves batches of 64-byte frames across a veth pair:
// one Send of 32 on one end, Recv until all arrived on the other.
func BenchmarkVethRecvSend(b *testing.B) {
	needRoot(b)
	vb := newVethBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		vb.round(b)
	}
	b.ReportMetric(float64(b.N*BatchSize)/time.Since(start).Seconds(), "pkts/s")
}

func TestParseLinkReplyErrors(t *testing.T) {
	// NLMSG_ERROR with ENODEV.
	msg := make([]byte, 36)
	binary.NativeEndian.PutUint32(msg, 36)
	binary.NativeEndian.PutUint16(msg[4:], unix.NLMSG_ERROR)
	binary.NativeEndian.PutUint32(msg[16:], 0xffffffed) // -ENODEV
	if _, err := parseLinkReply(msg); !errors.Is(err, unix.ENODEV) {
		t.Errorf("got %v", err)
	}
	if _, err := parseLinkReply(msg[:10]); err == nil {
		t.Error("short message accepted")
	}
}

func FuzzParseLinkReply(f *testing.F) {
	if os.Geteuid() == 0 {
		// Seed with a real reply from the kernel.
		if li, err := getLink(1, ""); err == nil && li.index == 1 {
			f.Add(realLoReply())
		}
	}
	f.Add([]byte{20, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		parseLinkReply(b)
	})
}

func realLoReply() []byte {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil
	}
	defer unix.Close(fd)
	req := make([]byte, 32)
	binary.NativeEndian.PutUint32(req, 32)
	binary.NativeEndian.PutUint16(req[4:], unix.RTM_GETLINK)
	binary.NativeEndian.PutUint16(req[6:], unix.NLM_F_REQUEST)
	binary.NativeEndian.PutUint32(req[20:], 1)
	unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK})
	buf := make([]byte, 16384)
	n, _, _ := unix.Recvfrom(fd, buf, 0)
	if n < 0 {
		return nil
	}
	return buf[:n]
}

func FuzzRestoreVLAN(f *testing.F) {
	cm := make([]byte, unix.CmsgSpace(sizeofAuxdata))
	binary.NativeEndian.PutUint64(cm, uint64(unix.CmsgLen(sizeofAuxdata)))
	binary.NativeEndian.PutUint32(cm[8:], unix.SOL_PACKET)
	binary.NativeEndian.PutUint32(cm[12:], unix.PACKET_AUXDATA)
	binary.NativeEndian.PutUint32(cm[unix.CmsgLen(0):], unix.TP_STATUS_VLAN_VALID)
	binary.NativeEndian.PutUint16(cm[unix.CmsgLen(0)+16:], 10)
	f.Add(cm, 60)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 1, 1, 0, 0, 8, 0, 0, 0}, 14)
	f.Fuzz(func(t *testing.T, cmsg []byte, n int) {
		p := DefaultPool.Get()
		defer DefaultPool.Put(p)
		if n < 0 || n > 2000 {
			return
		}
		p.SetLen(n)
		restoreVLAN(p, cmsg)
	})
}

// gsoFrames returns a TCPv4 TSO packet and a UDP USO packet with partial
// checksums, as a guest or the host stack would hand them over.
func gsoFrames(pool *Pool) []*Packet {
	var out []*Packet
	for _, c := range []struct {
		tf  testFrame
		gso uint8
		off uint16
	}{{testFrame{flags: 0x10}, VnetGSOTCPv4, 16}, {testFrame{udp: true, v6: true}, VnetGSOUDPL4, 6}} {
		f, l3, l4 := c.tf.build(payloadOf(9000))
		proto := byte(6)
		if c.tf.udp {
			proto = 17
		}
		binary.BigEndian.PutUint16(f[l4+int(c.off):], pseudoSum(f, l3, l4, c.tf.v6, proto))
		p := pool.Get()
		p.SetLen(copy(p.Buffer(), f))
		p.Vnet = VnetHdr{Flags: VnetHdrFNeedsCsum, GSOType: c.gso, HdrLen: uint16(l4 + 8), GSOSize: 1400, CsumStart: uint16(l4), CsumOffset: c.off}
		out = append(out, p)
	}
	return out
}

// TestSystemGSO: GSO packets leave through a packet socket as one frame
// each and arrive on the veth peer still as one, with their offload state.
func TestSystemGSO(t *testing.T) {
	needRoot(t)
	a, b := vethTo(t, "", "")
	pa, err := OpenSystem(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pa.Close()
	pb, err := OpenSystem(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	pkts := gsoFrames(DefaultPool)
	if err := pa.Send(pkts); err != nil {
		t.Fatal(err)
	}
	if n := pa.txDropped.Load(); n != 0 {
		t.Fatalf("%d GSO packets refused", n)
	}
	got := map[uint8]int{}
	deadline := time.AfterFunc(5*time.Second, func() { pb.Close() })
	defer deadline.Stop()
	var bt Batch
	for len(got) < 2 {
		if err := pb.Recv(&bt); err != nil {
			t.Fatalf("GSO packets did not arrive (%v): %v", got, err)
		}
		for _, p := range bt.Packets() {
			for _, s := range pkts {
				if len(p.Data) == len(s.Data) && bytes.Equal(p.Data[:40], s.Data[:40]) {
					got[p.Vnet.GSOType] = len(p.Data)
				}
			}
		}
	}
	if got[VnetGSOTCPv4] == 0 || got[VnetGSOUDPL4] == 0 {
		t.Errorf("received %v", got)
	}
}

// TestTapGSO: the tun driver takes GSO packets written into it.
func TestTapGSO(t *testing.T) {
	needRoot(t)
	name := uniq("ndint")
	tp, err := OpenInternal(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tp.Close(); exec.Command("ip", "link", "del", name).Run() })
	os.WriteFile("/proc/sys/net/ipv6/conf/"+name+"/disable_ipv6", []byte("1"), 0)
	sh(t, "ip", "link", "set", name, "up")
	if err := tp.Send(gsoFrames(DefaultPool)); err != nil {
		t.Fatal(err)
	}
	if n := tp.txDropped.Load(); n != 0 {
		t.Fatalf("%d GSO packets refused", n)
	}
	st, _ := tp.Stats()
	if st.TxPackets < 2 {
		t.Errorf("tx packets %d", st.TxPackets)
	}

	// Release keeps the device and its configuration; a new open picks it
	// up, and Close of that removes it.
	sh(t, "ip", "addr", "add", subnet(4)+".1/24", "dev", name)
	if err := tp.Release(); err != nil {
		t.Fatal(err)
	}
	out := sh(t, "ip", "addr", "show", name)
	if !strings.Contains(out, subnet(4)+".1/24") {
		t.Fatalf("device lost its address after Release: %s", out)
	}
	tp2, err := OpenInternal(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	tp2.Close()
	if _, err := net.InterfaceByName(name); err == nil {
		t.Error("internal device still exists after Close")
	}
}

// TestSystemOnTap: a TAP device added as a plain (system) port, as KVM
// guests' taps are.
func TestSystemOnTap(t *testing.T) {
	needRoot(t)
	name := uniq("ndtap")
	sh(t, "ip", "tuntap", "add", name, "mode", "tap")
	t.Cleanup(func() { exec.Command("ip", "link", "del", name).Run() })
	p, err := Open(name, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if st := p.Status(); st["driver_name"] != "tun" || st["driver_version"] != "1.6" {
		t.Errorf("status %v", st)
	}
	if _, _, speed := p.LinkState(); speed != 10e9 {
		t.Errorf("speed %d", speed)
	}
}

// TestTapDownDropsBatch: frames for an internal port whose device is down
// are counted as dropped, the whole batch at once, and Send does not fail;
// once the device is up they go through again.
func TestTapDownDropsBatch(t *testing.T) {
	needRoot(t)
	name := uniq("nddown")
	tp, err := OpenInternal(name, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tp.Close(); exec.Command("ip", "link", "del", name).Run() })
	batch := func() []*Packet {
		var pkts []*Packet
		for range 5 {
			p := DefaultPool.Get()
			f := append(bytes.Repeat([]byte{0xff}, 6), 2, 0, 0, 0, 0, 1, 0x88, 0xb5)
			p.SetLen(copy(p.Buffer(), append(f, make([]byte, 46)...)))
			pkts = append(pkts, p)
		}
		return pkts
	}
	if err := tp.Send(batch()); err != nil {
		t.Fatal(err)
	}
	if n := tp.txDropped.Load(); n != 5 {
		t.Fatalf("tx dropped %d while down, want 5", n)
	}
	os.WriteFile("/proc/sys/net/ipv6/conf/"+name+"/disable_ipv6", []byte("1"), 0)
	sh(t, "ip", "link", "set", name, "up")
	if err := tp.Send(batch()); err != nil {
		t.Fatal(err)
	}
	if n := tp.txDropped.Load(); n != 5 {
		t.Fatalf("tx dropped %d after up, want still 5", n)
	}
}
