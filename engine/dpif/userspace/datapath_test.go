package userspace

import (
	"bytes"
	"encoding/binary"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// fakeDev is an in-memory port: Inject queues a frame for Recv, Send
// records copies (or just counts, for benchmarks).
type fakeDev struct {
	name   string
	pool   *netdev.Pool
	feat   netdev.Features
	rx     chan *netdev.Packet
	done   chan struct{}
	once   sync.Once
	count  bool // benchmarks: count, do not record
	nsent  atomic.Uint64
	mu     sync.Mutex
	sent   [][]byte
	vnets  []netdev.VnetHdr
	closed atomic.Bool
}

func newFake(name string) *fakeDev {
	return &fakeDev{name: name, pool: netdev.DefaultPool, rx: make(chan *netdev.Packet, 4096), done: make(chan struct{})}
}

func (d *fakeDev) inject(frame []byte) {
	p := d.pool.Get()
	p.SetLen(copy(p.Buffer(), frame))
	d.rx <- p
}

func (d *fakeDev) Name() string { return d.name }
func (d *fakeDev) Type() string { return "dummy" }
func (d *fakeDev) Recv(b *netdev.Batch) error {
	b.N = 0
	select {
	case p := <-d.rx:
		b.Pkts[0], b.N = p, 1
	case <-d.done:
		return netdev.ErrClosed
	}
	for b.N < netdev.BatchSize {
		select {
		case p := <-d.rx:
			b.Pkts[b.N] = p
			b.N++
		default:
			return nil
		}
	}
	return nil
}
func (d *fakeDev) Send(pkts []*netdev.Packet) error {
	if d.count {
		d.nsent.Add(uint64(len(pkts)))
		return nil
	}
	d.mu.Lock()
	for _, p := range pkts {
		d.sent = append(d.sent, append([]byte(nil), p.Data...))
		d.vnets = append(d.vnets, p.Vnet)
	}
	d.mu.Unlock()
	d.nsent.Add(uint64(len(pkts)))
	return nil
}
func (d *fakeDev) Features() netdev.Features { return d.feat }
func (d *fakeDev) Close() error {
	d.once.Do(func() { close(d.done); d.closed.Store(true) })
	return nil
}
func (d *fakeDev) HWAddr() (net.HardwareAddr, error) { return net.HardwareAddr{2, 0, 0, 0, 0, 1}, nil }
func (d *fakeDev) SetHWAddr(net.HardwareAddr) error  { return nil }
func (d *fakeDev) MTU() (int, error)                 { return 1500, nil }
func (d *fakeDev) SetMTU(int) error                  { return nil }
func (d *fakeDev) Ifindex() int                      { return 0 }
func (d *fakeDev) Stats() (netdev.Stats, error)      { return netdev.Stats{}, nil }
func (d *fakeDev) Status() map[string]string         { return nil }
func (d *fakeDev) LinkState() (bool, bool, uint64)   { return true, true, 0 }
func (d *fakeDev) frames() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.sent...)
}
func (d *fakeDev) waitSent(t testing.TB, n uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for d.nsent.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s: sent %d packets, want %d", d.name, d.nsent.Load(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// Packet building with correct checksums.

func csum(b []byte, sum uint32) uint16 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	return ^fold(sum)
}

func pseudo4(ip []byte, proto uint8, l4len int) uint32 {
	var s uint32
	for i := 12; i < 20; i += 2 {
		s += uint32(binary.BigEndian.Uint16(ip[i:]))
	}
	return s + uint32(proto) + uint32(l4len)
}

var (
	macA = [6]byte{0x50, 0x54, 0, 0, 0, 1}
	macB = [6]byte{0x50, 0x54, 0, 0, 0, 2}
)

// ipv4Frame builds Ethernet+IPv4+TCP/UDP with valid checksums.
func ipv4Frame(proto uint8, src, dst [4]byte, sport, dport uint16, payload []byte) []byte {
	l4len := 8
	if proto == flow.IPProtoTCP {
		l4len = 20
	}
	f := make([]byte, 14+20+l4len+len(payload))
	copy(f[0:6], macB[:])
	copy(f[6:12], macA[:])
	binary.BigEndian.PutUint16(f[12:], flow.EthTypeIP)
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+l4len+len(payload)))
	ip[8], ip[9] = 64, proto
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	binary.BigEndian.PutUint16(ip[10:], csum(ip[:20], 0))
	l4 := ip[20:]
	binary.BigEndian.PutUint16(l4[0:], sport)
	binary.BigEndian.PutUint16(l4[2:], dport)
	copy(l4[l4len:], payload)
	n := l4len + len(payload)
	if proto == flow.IPProtoTCP {
		l4[12] = 5 << 4
		l4[13] = 0x18
		binary.BigEndian.PutUint16(l4[16:], csum(l4[:n], pseudo4(ip, proto, n)))
	} else {
		binary.BigEndian.PutUint16(l4[4:], uint16(n))
		binary.BigEndian.PutUint16(l4[6:], csum(l4[:n], pseudo4(ip, proto, n)))
	}
	return f
}

// checkIPv4 verifies the IPv4 and L4 checksums of a frame.
func checkIPv4(t *testing.T, f []byte) {
	t.Helper()
	ip := f[14:]
	if c := csum(ip[:20], 0); c != 0 {
		t.Errorf("bad IPv4 header checksum (residue %#x)", c)
	}
	n := int(binary.BigEndian.Uint16(ip[2:])) - 20
	if c := csum(ip[20:20+n], pseudo4(ip, ip[9], n)); c != 0 {
		t.Errorf("bad L4 checksum (residue %#x)", c)
	}
}

func newDP(t testing.TB, nports int) (*Datapath, []*fakeDev) {
	t.Helper()
	devs := []*fakeDev{newFake("local")}
	dp := New("ovs-netdev", nil, devs[0])
	for i := 1; i <= nports; i++ {
		d := newFake("p" + string(rune('0'+i)))
		no, err := dp.AddPort(d, 0)
		if err != nil || no != uint32(i) {
			t.Fatalf("AddPort: %d, %v", no, err)
		}
		devs = append(devs, d)
	}
	t.Cleanup(func() { dp.Close() })
	return dp, devs
}

func ethTypeMask() (k, m flow.Key) {
	k.EthType, m.EthType = flow.EthTypeIP, 0xffff
	return
}

func TestForwardInstalledFlow(t *testing.T) {
	dp, devs := newDP(t, 2)
	k, m := ethTypeMask()
	k.InPort = 1
	if err := dp.FlowPut(&k, &m, dpif.Actions{{Type: dpif.ActOutput, Port: 2}}); err != nil {
		t.Fatal(err)
	}
	frame := ipv4Frame(flow.IPProtoUDP, [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}, 1, 2, []byte("hello"))
	for range 3 {
		devs[1].inject(frame)
	}
	devs[2].waitSent(t, 3)
	if got := devs[2].frames()[0]; !bytes.Equal(got, frame) {
		t.Errorf("forwarded frame differs")
	}
	var st dpif.FlowStats
	n := 0
	dp.FlowDump(func(f *dpif.Flow, s dpif.FlowStats) bool { st = s; n++; return true })
	if n != 1 || st.Packets != 3 || st.Bytes != 3*uint64(len(frame)) || st.Used == 0 {
		t.Errorf("flows %d, stats %+v", n, st)
	}
	if s := dp.Stats(); s.Hit != 3 || s.Missed != 0 || s.Flows != 1 || s.Masks != 1 {
		t.Errorf("stats %+v", s)
	}
	// A flow for a port that does not exist is refused, as OVS does.
	k.InPort = 9
	if err := dp.FlowPut(&k, &m, nil); err != ErrBadFlow {
		t.Errorf("FlowPut on unknown port: %v", err)
	}
}

type testHandler struct {
	misses atomic.Int64
	acts   dpif.Actions
	mask   flow.Key
	user   atomic.Int64
	lastUD atomic.Value
}

func (h *testHandler) Miss(u *dpif.Upcall) {
	h.misses.Add(1)
	u.Actions, u.Mask, u.Install = h.acts, h.mask, true
}

func (h *testHandler) Userspace(pkt *netdev.Packet, key *flow.Key, ud []byte) {
	h.user.Add(1)
	h.lastUD.Store(string(ud))
}

func TestMissInstallHit(t *testing.T) {
	dp, devs := newDP(t, 2)
	_, m := ethTypeMask()
	h := &testHandler{acts: dpif.Actions{{Type: dpif.ActOutput, Port: 2}, {Type: dpif.ActUserspace, Userdata: []byte("x")}}, mask: m}
	dp.SetUpcallHandler(h)
	frame := ipv4Frame(flow.IPProtoTCP, [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}, 1000, 80, nil)
	for i := range 4 {
		devs[1].inject(frame)
		devs[2].waitSent(t, uint64(i+1))
	}
	if h.misses.Load() != 1 || h.user.Load() != 4 || h.lastUD.Load() != "x" {
		t.Errorf("misses %d, userspace %d", h.misses.Load(), h.user.Load())
	}
	s := dp.PMDStats()
	if s.Received != 4 || s.Upcalls != 1 || s.EMCHits+s.MegaflowHits != 3 || s.EMCHits < 2 {
		t.Errorf("pmd stats %+v", s)
	}
	dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
		if st.Packets != 3 || st.TCPFlags != 0x18 {
			t.Errorf("flow stats %+v (the upcall packet is not counted)", st)
		}
		if f.Key.InPort != 1 || f.Mask.InPort != 0xffffffff || f.Key.IPv4Src != ([4]byte{}) {
			t.Errorf("flow key %+v mask %+v", f.Key, f.Mask)
		}
		return true
	})
	dp.ClearPMDStats()
	if s := dp.Stats(); s.Hit != 0 || s.Missed != 0 || s.Flows != 1 {
		t.Errorf("after clear: %+v", s)
	}
	// Without a handler the packet is lost.
	dp.SetUpcallHandler(nil)
	other := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, nil)
	binary.BigEndian.PutUint16(other[12:], flow.EthTypeARP)
	devs[1].inject(other)
	waitFor(t, func() bool { return dp.Stats().Lost == 1 })
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestVLANPushPopAndCopies(t *testing.T) {
	dp, devs := newDP(t, 3)
	k, m := ethTypeMask()
	k.InPort = 1
	acts := dpif.Actions{
		{Type: dpif.ActPushVLAN, VLAN: flow.VLAN{TPID: flow.EthTypeVLAN, TCI: 10 | 3<<13 | flow.VLANCFI}},
		{Type: dpif.ActOutput, Port: 2},
		{Type: dpif.ActPopVLAN},
		{Type: dpif.ActOutput, Port: 3},
	}
	if err := dp.FlowPut(&k, &m, acts); err != nil {
		t.Fatal(err)
	}
	frame := ipv4Frame(flow.IPProtoUDP, [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}, 1, 2, nil)
	p := netdev.DefaultPool.Get()
	p.SetLen(copy(p.Buffer(), frame))
	p.Vnet = netdev.VnetHdr{Flags: netdev.VnetHdrFNeedsCsum, CsumStart: 34, CsumOffset: 6}
	devs[2].feat = netdev.Features{Vnet: true}
	dp.mu.Lock()
	dp.byNo[2].feat = devs[2].feat
	dp.byNo[3].feat = netdev.Features{Vnet: true}
	dp.mu.Unlock()
	devs[1].rx <- p
	devs[2].waitSent(t, 1)
	devs[3].waitSent(t, 1)
	tagged := devs[2].frames()[0]
	if len(tagged) != len(frame)+4 || binary.BigEndian.Uint16(tagged[12:]) != 0x8100 ||
		binary.BigEndian.Uint16(tagged[14:]) != 10|3<<13 || !bytes.Equal(tagged[18:], frame[14:]) ||
		!bytes.Equal(tagged[:12], frame[:12]) {
		t.Errorf("tagged frame % x", tagged)
	}
	if v := devs[2].vnets[0]; v.CsumStart != 38 {
		t.Errorf("csum_start after push %d, want 38", v.CsumStart)
	}
	if got := devs[3].frames()[0]; !bytes.Equal(got, frame) {
		t.Errorf("untagged frame % x", got)
	}
	if v := devs[3].vnets[0]; v.CsumStart != 34 {
		t.Errorf("csum_start after pop %d, want 34", v.CsumStart)
	}
}

func TestSetFieldChecksums(t *testing.T) {
	for _, proto := range []uint8{flow.IPProtoTCP, flow.IPProtoUDP} {
		dp, devs := newDP(t, 2)
		k, m := ethTypeMask()
		k.InPort = 1
		set := &dpif.SetField{}
		set.Value.EthType, set.Value.NwProto = flow.EthTypeIP, proto
		set.Value.EthSrc, set.Mask.EthSrc = [6]byte{2, 2, 2, 2, 2, 2}, [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		set.Value.IPv4Src, set.Mask.IPv4Src = [4]byte{192, 168, 7, 9}, [4]byte{0xff, 0xff, 0xff, 0xff}
		set.Value.IPv4Dst, set.Mask.IPv4Dst = [4]byte{172, 16, 0, 0}, [4]byte{0xff, 0xff, 0, 0}
		set.Value.NwTTL, set.Mask.NwTTL = 3, 0xff
		set.Value.NwTOS, set.Mask.NwTOS = 0xb8, 0xfc
		set.Value.TpSrc, set.Mask.TpSrc = 4242, 0xffff
		set.Value.TpDst, set.Mask.TpDst = 53, 0xffff
		if err := dp.FlowPut(&k, &m, dpif.Actions{{Type: dpif.ActOutput, Port: 2}, {Type: dpif.ActSet, Set: set}, {Type: dpif.ActOutput, Port: 2}}); err != nil {
			t.Fatal(err)
		}
		frame := ipv4Frame(proto, [4]byte{10, 0, 0, 1}, [4]byte{10, 1, 2, 3}, 1000, 80, []byte("payload!!"))
		devs[1].inject(frame)
		devs[2].waitSent(t, 2)
		fs := devs[2].frames()
		if !bytes.Equal(fs[0], frame) {
			t.Errorf("first output must see the packet before the set")
		}
		got := fs[1]
		checkIPv4(t, got)
		var key flow.Key
		flow.Extract(got, &key)
		if key.EthSrc != set.Value.EthSrc || key.IPv4Src != set.Value.IPv4Src ||
			key.IPv4Dst != ([4]byte{172, 16, 2, 3}) || key.NwTTL != 3 || key.NwTOS != 0xb8 ||
			key.TpSrc != 4242 || key.TpDst != 53 || key.EthDst != macB {
			t.Errorf("proto %d: rewritten key %+v", proto, key)
		}
	}
}

func TestDeleteUnderTraffic(t *testing.T) {
	dp, devs := newDP(t, 2)
	_, m := ethTypeMask()
	m.IPv4Src = [4]byte{0xff, 0xff, 0xff, 0xff}
	h := &testHandler{acts: dpif.Actions{{Type: dpif.ActOutput, Port: 2}}, mask: m}
	dp.SetUpcallHandler(h)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			devs[1].inject(ipv4Frame(flow.IPProtoUDP, [4]byte{10, 0, byte(i >> 8), byte(i)}, [4]byte{10, 0, 0, 2}, 1, 2, nil))
			if i%64 == 0 {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	go func() { // the revalidator: dump and delete
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
				if f.Key.IPv4Src[3]%2 == 0 {
					dp.FlowDel(f)
				} else {
					f.SetActions(dpif.Actions{{Type: dpif.ActOutput, Port: 2}})
				}
				return true
			})
		}
	}()
	go func() { // dpctl
		defer wg.Done()
		k, m := ethTypeMask()
		k.InPort = 1
		m.IPv4Dst = [4]byte{0xff, 0xff, 0xff, 0xff}
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			k.IPv4Dst = [4]byte{9, 9, 9, byte(i)}
			dp.FlowPut(&k, &m, nil)
			if i%50 == 0 {
				dp.FlowFlush()
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	dp.FlowFlush()
	if s := dp.Stats(); s.Flows != 0 {
		t.Errorf("%d flows after flush", s.Flows)
	}
	n := 0
	dp.FlowDump(func(*dpif.Flow, dpif.FlowStats) bool { n++; return true })
	if n != 0 {
		t.Errorf("dump shows %d flows after flush", n)
	}
	if devs[2].nsent.Load() == 0 {
		t.Error("nothing forwarded")
	}
}

func TestDelPortAndClose(t *testing.T) {
	before := runtime.NumGoroutine()
	devs := []*fakeDev{newFake("local"), newFake("p1"), newFake("p2")}
	dp := New("ovs-netdev", nil, devs[0])
	dp.AddPort(devs[1], 0)
	if no, err := dp.AddPort(devs[2], 7); err != nil || no != 7 {
		t.Fatalf("AddPort 7: %d %v", no, err)
	}
	if _, err := dp.AddPort(newFake("p3"), 7); err != ErrPortInUse {
		t.Errorf("duplicate port number: %v", err)
	}
	k, m := ethTypeMask()
	k.InPort = 7
	dp.FlowPut(&k, &m, dpif.Actions{{Type: dpif.ActOutput, Port: 1}})
	k.InPort = 1
	dp.FlowPut(&k, &m, dpif.Actions{{Type: dpif.ActOutput, Port: 7}})
	if err := dp.DelPort(7); err != nil {
		t.Fatal(err)
	}
	if !devs[2].closed.Load() {
		t.Error("device not closed")
	}
	if s := dp.Stats(); s.Flows != 1 {
		t.Errorf("flows after DelPort: %d", s.Flows)
	}
	if _, ok := dp.PortByName("p2"); ok {
		t.Error("p2 still present")
	}
	if err := dp.DelPort(7); err != ErrNoPort {
		t.Errorf("second DelPort: %v", err)
	}
	// Output to the removed port is a drop, not a crash.
	devs[1].inject(ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, nil))
	waitFor(t, func() bool { return dp.Stats().Hit == 1 })
	ports := dp.Ports()
	if len(ports) != 2 || ports[0].No != 0 || ports[1].Name != "p1" {
		t.Errorf("ports %+v", ports)
	}
	if err := dp.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("goroutines: %d before, %d after Close", before, n)
	}
}

func TestExecute(t *testing.T) {
	dp, devs := newDP(t, 2)
	frame := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, nil)
	p := netdev.DefaultPool.Get()
	p.SetLen(copy(p.Buffer(), frame))
	var k flow.Key
	flow.Extract(p.Data, &k)
	if err := dp.Execute(p, &k, dpif.Actions{{Type: dpif.ActPushVLAN, VLAN: flow.VLAN{TCI: 5 | flow.VLANCFI}}, {Type: dpif.ActOutput, Port: 1}, {Type: dpif.ActOutput, Port: 2}}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Data, frame) {
		t.Error("Execute changed the caller's packet")
	}
	if len(devs[1].frames()) != 1 || len(devs[2].frames()[0]) != len(frame)+4 {
		t.Error("Execute did not output")
	}
}

func TestSoftwareSegmentation(t *testing.T) {
	dp, devs := newDP(t, 2)
	k, m := ethTypeMask()
	k.InPort = 1
	if err := dp.FlowPut(&k, &m, dpif.Actions{{Type: dpif.ActOutput, Port: 2}}); err != nil {
		t.Fatal(err)
	}
	frame := ipv4Frame(flow.IPProtoTCP, [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}, 1000, 80, make([]byte, 3000))
	tcp := frame[34:]
	// A partial checksum holds the pseudo-header sum only.
	ps := fold(pseudo4(frame[14:], flow.IPProtoTCP, len(tcp)))
	binary.BigEndian.PutUint16(tcp[16:], ps)
	p := netdev.DefaultPool.Get()
	p.SetLen(copy(p.Buffer(), frame))
	p.Vnet = netdev.VnetHdr{Flags: netdev.VnetHdrFNeedsCsum, GSOType: netdev.VnetGSOTCPv4, HdrLen: 54, GSOSize: 1000, CsumStart: 34, CsumOffset: 16}
	devs[1].rx <- p
	devs[2].waitSent(t, 3)
	for _, f := range devs[2].frames() {
		if len(f) != 54+1000 {
			t.Errorf("segment of %d bytes", len(f))
		}
		checkIPv4(t, f)
	}
}
