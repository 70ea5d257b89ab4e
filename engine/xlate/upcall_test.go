package xlate

import (
	"testing"
	"time"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/dpif/userspace"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/mactable"
	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/engine/ofproto"
)

// switchOf wires a userspace datapath, dummy ports and a NORMAL bridge the
// way engine/bridge does.
func switchOf(t testing.TB, n int) (*Handler, []*netdev.Dummy) {
	t.Helper()
	pool := netdev.DefaultPool
	dp := userspace.New("ovs-netdev", pool, netdev.OpenDummy("ovs-netdev", pool))
	t.Cleanup(func() { dp.Close() })
	h := NewHandler(dp)
	br := &Bridge{Name: "br0", OF: ofproto.New("br0", h.Changed), MAC: mactable.New(), Ports: map[uint32]*Port{}}
	var devs []*netdev.Dummy
	for i := 0; i < n; i++ {
		d := netdev.OpenDummy("p"+itoa(i+1), pool)
		no, err := dp.AddPort(d, 0)
		if err != nil {
			t.Fatal(err)
		}
		b := &Bundle{Name: d.Name(), Tag: -1}
		p := &Port{Bridge: br, Name: d.Name(), OFPort: uint32(i + 1), DPPort: no, HasDP: true, Bundle: b}
		b.Ports = []*Port{p}
		br.Ports[p.OFPort] = p
		br.Bundles = append(br.Bundles, b)
		devs = append(devs, d)
	}
	h.SetConfig(NewConfig([]*Bridge{br}))
	return h, devs
}

func recv(d *netdev.Dummy, wait time.Duration) []byte {
	select {
	case f := <-d.Transmitted():
		return f
	case <-time.After(wait):
		return nil
	}
}

func frame(dst, src [6]byte, rest ...byte) []byte {
	f := append(append(dst[:0:0], dst[:]...), src[:]...)
	return append(f, rest...)
}

// Malformed frames are switched at layer 2 or dropped, as OVS does, and
// never take the switch down: a good frame still gets through afterwards.
func TestMalformedFramesThroughTheSwitch(t *testing.T) {
	h, devs := switchOf(t, 2)
	bcast := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	src := mac(1)
	bad := [][]byte{
		{},                                  // empty
		{0xff, 0xff, 0xff},                  // runt
		frame(bcast, src)[:13],              // shorter than an Ethernet header
		frame(bcast, src, 0x08),             // half an ethertype
		frame(bcast, src, 0x08, 0x00, 0x45), // IPv4, header cut
		frame(bcast, src, 0x08, 0x00, 0x4f, 0, 0xff, 0xff, 0, 0, 0, 0, 64, 6),                                 // IHL beyond the frame
		frame(bcast, src, 0x81, 0x00, 0x00),                                                                   // VLAN header cut
		frame(bcast, src, 0x81, 0x00, 0, 1, 0x81, 0x00, 0, 2, 0x81, 0x00, 0, 3, 0x88, 0xa8, 0, 4, 0x81, 0x00), // deep bogus VLAN stack
		frame(bcast, src, 0x86, 0xdd, 0x60, 0, 0, 0, 0xff, 0xff, 0x2c),                                        // IPv6 with a fragment header cut
		frame(bcast, src, 0x08, 0x06, 0, 1),                                                                   // ARP cut
		frame(bcast, src, 0x88, 0x47, 0, 0, 0),                                                                // MPLS cut
		frame(bcast, src, 0x00, 0x10, 0xaa, 0xaa),                                                             // 802.3 length field, LLC cut
	}
	for _, f := range bad {
		if err := devs[0].Inject(f); err != nil {
			t.Fatal(err)
		}
	}
	// Frames with a complete Ethernet header are flooded by NORMAL like
	// any other; shorter ones are dropped. Drain what came out.
	got := 0
	for recv(devs[1], 300*time.Millisecond) != nil {
		got++
	}
	if got == 0 || got > len(bad)-3 {
		t.Fatalf("%d of %d malformed frames forwarded; want the ones with an Ethernet header", got, len(bad))
	}
	good := frame(mac(2), src, 0x08, 0x00, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2)
	if err := devs[0].Inject(good); err != nil {
		t.Fatal(err)
	}
	if recv(devs[1], 2*time.Second) == nil {
		t.Fatal("a good frame was not forwarded after the malformed ones")
	}
	h.Revalidate()
}

// A moved MAC is corrected in installed datapath flows by revalidation.
func TestRevalidationFollowsMovedMAC(t *testing.T) {
	h, devs := switchOf(t, 3)
	a, b := mac(1), mac(2)
	ip := []byte{0x08, 0x00, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	// b announces itself on port 2; a on port 1 sends to b.
	devs[1].Inject(frame([6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, b, ip...))
	for recv(devs[0], 200*time.Millisecond) != nil {
	}
	for recv(devs[2], 50*time.Millisecond) != nil {
	}
	devs[0].Inject(frame(b, a, ip...))
	if recv(devs[1], 2*time.Second) == nil {
		t.Fatal("unicast to a learned MAC did not arrive")
	}
	// b moves to port 3.
	devs[2].Inject(frame([6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, b, ip...))
	for recv(devs[0], 200*time.Millisecond) != nil {
	}
	for recv(devs[1], 50*time.Millisecond) != nil {
	}
	h.Revalidate()
	devs[0].Inject(frame(b, a, ip...))
	if recv(devs[2], 2*time.Second) == nil {
		t.Fatal("traffic did not follow the moved MAC")
	}
	if f := recv(devs[1], 100*time.Millisecond); f != nil {
		t.Fatal("traffic still goes to the old port")
	}
}

// Unused datapath flows expire after max-idle; rules get the traffic of
// the flows derived from them.
func TestIdleExpiryAndRuleStats(t *testing.T) {
	h, devs := switchOf(t, 2)
	h.SetMaxIdle(50)
	ip := []byte{0x08, 0x00, 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	bcast := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	for i := 0; i < 3; i++ {
		devs[0].Inject(frame(bcast, mac(1), ip...))
		if recv(devs[1], 2*time.Second) == nil {
			t.Fatal("broadcast not flooded")
		}
	}
	if n := h.dp.Stats().Flows; n != 1 {
		t.Fatalf("%d datapath flows, want 1", n)
	}
	h.Revalidate() // pushes the flow's statistics to the NORMAL rule
	br := h.Config().Bridges[0]
	var f, wc flow.Flow
	rule := br.OF.Lookup(0, &f, &wc)
	if p, _, _ := rule.Stats(); p != 3 {
		t.Fatalf("NORMAL rule saw %d packets, want 3", p)
	}
	deadline := time.Now().Add(5 * time.Second)
	for h.dp.Stats().Flows != 0 {
		if time.Now().After(deadline) {
			t.Fatal("idle flow never expired")
		}
		time.Sleep(60 * time.Millisecond)
		h.Revalidate()
	}
}

// BenchmarkMissNewMAC is the upcall of bench/switch.sh's new-flows load: a
// broadcast frame from a source MAC never seen before, through NORMAL on a
// three-port bridge. Each miss must learn the MAC and build the flow; the
// allocations are what the garbage collector pays for at 10^4-10^5 new
// flows per second.
func BenchmarkMissNewMAC(b *testing.B) {
	h, _ := switchOf(b, 3)
	var u dpif.Upcall
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		src := [6]byte{2, 7, byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}
		u.Key = flow.Key{InPort: 1, EthType: 0x88b5}
		u.Key.EthSrc, u.Key.EthDst = src, [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
		h.Miss(&u)
	}
}
