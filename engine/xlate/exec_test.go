package xlate

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// setRules replaces br0's rules with rules (ovs-ofctl syntax).
func setRules(t *testing.T, h *Handler, rules ...string) {
	t.Helper()
	br := h.Config().Bridge("br0")
	del := openflow.NewFlowMod(openflow.FlowDelete)
	del.NXM = true
	if err := br.OF.FlowMod(del); err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		fm, err := openflow.ParseFlow(r, openflow.FlowAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		fm.NXM = true
		if fm.TableID == openflow.TableAll {
			fm.TableID = 0
		}
		if err := br.OF.FlowMod(fm); err != nil {
			t.Fatalf("%s: %v", r, err)
		}
	}
}

// ipv4Frame is a UDP/IPv4 frame from mac(1) to mac(2) with TTL ttl.
func ipv4Frame(ttl byte) []byte {
	f := frame(mac(2), mac(1), 0x08, 0x00)
	ip := []byte{0x45, 0, 0, 28, 0, 0, 0, 0, ttl, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2}
	var s uint32
	for i := 0; i < 20; i += 2 {
		s += uint32(ip[i])<<8 | uint32(ip[i+1])
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	binary.BigEndian.PutUint16(ip[10:], ^uint16(s))
	f = append(f, ip...)
	return append(f, 0, 1, 0, 2, 0, 8, 0, 0)
}

type pinSink struct {
	mu  sync.Mutex
	got []*PacketIn
	c   chan struct{}
}

func newSink(h *Handler) *pinSink {
	s := &pinSink{c: make(chan struct{}, 16)}
	h.SetPacketInHook(func(pi *PacketIn) {
		s.mu.Lock()
		s.got = append(s.got, pi)
		s.mu.Unlock()
		s.c <- struct{}{}
	})
	return s
}

func (s *pinSink) wait(t *testing.T) *PacketIn {
	t.Helper()
	select {
	case <-s.c:
	case <-time.After(2 * time.Second):
		t.Fatal("no packet-in")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.got[len(s.got)-1]
}

// MPLS push on one port, the packet-in of the controller action with the
// pipeline's registers, and the rewritten packet on the wire.
func TestExecuteMPLSAndController(t *testing.T) {
	h, devs := switchOf(t, 3)
	sink := newSink(h)
	setRules(t, h,
		"cookie=0x77,in_port=1,actions=load:0x2a->NXM_NX_REG3[],push_mpls:0x8847,set_mpls_label:5,output:2,controller(reason=action,max_len=200,id=9,userdata=01.02)",
		"in_port=2,actions=pop_mpls:0x0800,output:3")
	pkt := ipv4Frame(64)
	devs[0].Inject(pkt)
	out := recv(devs[1], 2*time.Second)
	if out == nil {
		t.Fatal("nothing on p2")
	}
	if binary.BigEndian.Uint16(out[12:]) != flow.EthTypeMPLS {
		t.Fatalf("not MPLS: % x", out[:20])
	}
	lse := binary.BigEndian.Uint32(out[14:])
	if lse>>12 != 5 || lse&0xff != 64 || lse&0x100 == 0 {
		t.Fatalf("label stack entry %#x", lse)
	}
	if !bytes.Equal(out[18:], pkt[14:]) {
		t.Fatal("payload changed under the MPLS header")
	}
	pi := sink.wait(t)
	if pi.Bridge != "br0" || pi.Reason != openflow.ReasonAction || pi.MaxLen != 200 || pi.ControllerID != 9 ||
		pi.Cookie != 0x77 || pi.Flow.Regs[3] != 0x2a || pi.Flow.OFInPort != 1 || !bytes.Equal(pi.Userdata, []byte{1, 2}) {
		t.Fatalf("packet-in %+v", pi)
	}
	if !bytes.Equal(pi.Packet, out) {
		t.Fatal("packet-in is not the packet as the actions made it")
	}
	// Back the other way: pop restores the original frame.
	devs[1].Inject(out)
	if back := recv(devs[2], 2*time.Second); !bytes.Equal(back, pkt) {
		t.Fatalf("after pop_mpls:\n% x\nwant\n% x", back, pkt)
	}
}

// dec_ttl on TTL 1 sends an invalid_ttl packet-in and nothing else.
func TestInvalidTTLPacketIn(t *testing.T) {
	h, devs := switchOf(t, 2)
	sink := newSink(h)
	setRules(t, h, "in_port=1,actions=dec_ttl,output:2")
	devs[0].Inject(ipv4Frame(1))
	pi := sink.wait(t)
	if pi.Reason != openflow.ReasonInvalidTTL {
		t.Fatalf("reason %d", pi.Reason)
	}
	if f := recv(devs[1], 100*time.Millisecond); f != nil {
		t.Fatal("expired packet forwarded")
	}
	devs[0].Inject(ipv4Frame(9))
	f := recv(devs[1], 2*time.Second)
	if f == nil || f[14+8] != 8 {
		t.Fatalf("TTL not decremented: % x", f)
	}
}

// A table miss goes to the controller (no_match) only when someone
// listens.
func TestTableMiss(t *testing.T) {
	h, devs := switchOf(t, 2)
	setRules(t, h, "in_port=2,actions=output:1")
	cfg := h.Config()
	k := flow.Key{InPort: cfg.Bridge("br0").Ports[1].DPPort, EthType: 0x0800}
	if out := Translate(cfg, h.input(&k, false)); len(out.Actions) != 0 {
		t.Fatalf("miss without controller: %v", out.Actions)
	}
	// An OpenFlow 1.0 controller connects: misses now have somewhere
	// to go.
	ctl, sw := net.Pipe()
	t.Cleanup(func() { ctl.Close() })
	go cfg.Bridge("br0").OF.ServeConn(sw, true)
	hello, _ := openflow.EncodeHello(openflow.BitmapOf(openflow.V10), 1)
	go ctl.Write(hello)
	go io.Copy(io.Discard, ctl)
	for i := 0; !cfg.Bridge("br0").OF.WantsMisses(); i++ {
		if i == 200 {
			t.Fatal("the controller connection never came up")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sink := newSink(h)
	devs[0].Inject(ipv4Frame(64))
	if pi := sink.wait(t); pi.Reason != ReasonImplicitMiss || pi.TableID != 0 {
		t.Fatalf("miss packet-in %+v", pi)
	}
}

// Packet-out: output:TABLE runs the pipeline; plain outputs go straight
// out.
func TestPacketOut(t *testing.T) {
	h, devs := switchOf(t, 3)
	setRules(t, h, "in_port=1,actions=mod_nw_ttl:7,output:3")
	pkt := ipv4Frame(64)
	if err := h.PacketOut("br0", pkt, 1, []openflow.Action{&openflow.Output{Port: openflow.PortTable}}); err != nil {
		t.Fatal(err)
	}
	f := recv(devs[2], 2*time.Second)
	if f == nil || f[14+8] != 7 {
		t.Fatalf("packet-out through the table: % x", f)
	}
	if err := h.PacketOut("br0", pkt, openflow.PortController, []openflow.Action{&openflow.Output{Port: 2}}); err != nil {
		t.Fatal(err)
	}
	if f := recv(devs[1], 2*time.Second); !bytes.Equal(f, pkt) {
		t.Fatalf("packet-out to port 2: % x", f)
	}
	// Packets a packet-out sends to controllers are reason packet_out.
	sink := newSink(h)
	setRules(t, h, "in_port=1,actions=controller")
	if err := h.PacketOut("br0", pkt, 1, []openflow.Action{&openflow.Output{Port: openflow.PortTable}}); err != nil {
		t.Fatal(err)
	}
	if pi := sink.wait(t); pi.Reason != openflow.ReasonPacketOut || pi.Flow.OFInPort != 1 {
		t.Fatalf("packet-out's packet-in: %+v", pi)
	}
	if err := h.PacketOut("nobr", pkt, 1, nil); err == nil {
		t.Fatal("packet-out to a missing bridge")
	}
}

// A meter with a 1 packet/s band lets the first packets of a burst
// through (its bucket holds one second's worth) and drops the rest.
func TestMeterDrops(t *testing.T) {
	h, devs := switchOf(t, 2)
	br := h.Config().Bridge("br0")
	mm, err := openflow.ParseMeterMod("meter=1,pktps,bands=type=drop,rate=1", openflow.MeterAdd)
	if err != nil {
		t.Fatal(err)
	}
	if err := br.OF.MeterMod(mm); err != nil {
		t.Fatal(err)
	}
	fm, err := openflow.ParseFlow("in_port=1,actions=meter:1,output:2", openflow.FlowAdd, nil)
	if err != nil {
		t.Fatal(err)
	}
	fm.TableID = 0
	if err := br.OF.FlowMod(fm); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		devs[0].Inject(ipv4Frame(64))
	}
	n := 0
	for recv(devs[1], 200*time.Millisecond) != nil {
		n++
	}
	if n == 0 || n >= 20 {
		t.Fatalf("%d of 20 packets through a 1 pktps meter", n)
	}
}

// learn adds the flow it describes to the table.
func TestLearnAddsFlow(t *testing.T) {
	h, devs := switchOf(t, 2)
	setRules(t, h, "table=0,in_port=1,actions=learn(table=1,priority=5,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),output:2")
	devs[0].Inject(ipv4Frame(64))
	if recv(devs[1], 2*time.Second) == nil {
		t.Fatal("not forwarded")
	}
	br := h.Config().Bridge("br0")
	var f flow.Flow
	f.EthDst = mac(1)
	var wc flow.Flow
	r := br.OF.Lookup(1, &f, &wc)
	if r == nil || r.Priority != 5 {
		t.Fatalf("learned flow missing: %+v", r)
	}
	if got := openflow.ActionsString(r.Actions()); got != "output:1" {
		t.Fatalf("learned actions %q", got)
	}
}

// A controller flow survives revalidation: translating its masked key
// gives the same actions, cookie included.
func TestControllerFlowRevalidates(t *testing.T) {
	h, devs := switchOf(t, 2)
	sink := newSink(h)
	setRules(t, h, "in_port=1,actions=load:7->NXM_NX_REG0[],controller")
	devs[0].Inject(ipv4Frame(64))
	sink.wait(t)
	h.Changed()
	h.Revalidate()
	n := 0
	h.dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
		n++
		return true
	})
	if n != 1 {
		t.Fatalf("%d flows after revalidation", n)
	}
	devs[0].Inject(ipv4Frame(64))
	if pi := sink.wait(t); pi.Flow.Regs[0] != 7 {
		t.Fatalf("packet-in after revalidation: %+v", pi)
	}
}

// learn's limit stops new flows, and result_dst says so.
func TestLearnLimit(t *testing.T) {
	h, devs := switchOf(t, 2)
	setRules(t, h,
		"table=0,in_port=1,actions=learn(table=1,cookie=0x5,limit=1,result_dst=NXM_NX_REG0[0],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),resubmit(,2)",
		"table=2,reg0=1,actions=output:2")
	br := h.Config().Bridge("br0")
	count := func() int {
		n := 0
		br.OF.Rules(func(r *ofproto.Rule) bool {
			if r.Table == 1 {
				n++
			}
			return true
		})
		return n
	}
	devs[0].Inject(ipv4Frame(64))
	if recv(devs[1], 2*time.Second) == nil || count() != 1 {
		t.Fatalf("first learn: %d flows", count())
	}
	// Another source MAC would be a second flow: refused, reg0[0] = 0.
	f := ipv4Frame(64)
	f[11] = 9
	devs[0].Inject(f)
	if recv(devs[1], 200*time.Millisecond) != nil || count() != 1 {
		t.Fatalf("limit not applied: %d flows", count())
	}
	// The same source again is no new flow.
	devs[0].Inject(ipv4Frame(64))
	if recv(devs[1], 2*time.Second) == nil {
		t.Fatal("relearning an existing flow was refused")
	}
}

// check_pkt_larger through the datapath: one megaflow, two outcomes.
func TestCheckPktLargerEndToEnd(t *testing.T) {
	h, devs := switchOf(t, 3)
	setRules(t, h,
		"in_port=1,actions=check_pkt_larger(100)->NXM_NX_REG0[0],resubmit(,1)",
		"table=1,reg0=1,actions=output:2",
		"table=1,reg0=0,actions=output:3")
	small := ipv4Frame(64)
	big := append(ipv4Frame(64), make([]byte, 200)...)
	for i := 0; i < 2; i++ {
		devs[0].Inject(big)
		if f := recv(devs[1], 2*time.Second); len(f) != len(big) {
			t.Fatalf("big packet %d: got %d bytes on p2", i, len(f))
		}
		devs[0].Inject(small)
		if f := recv(devs[2], 2*time.Second); len(f) != len(small) {
			t.Fatalf("small packet %d: got %d bytes on p3", i, len(f))
		}
	}
}

// Group, bucket and table counters follow the traffic of the datapath
// flows that went through them.
func TestGroupAndTableStats(t *testing.T) {
	h, devs := switchOf(t, 3)
	br := h.Config().Bridge("br0")
	gm, err := openflow.ParseGroupMod("group_id=1,type=all,bucket=output:2,bucket=output:3", openflow.GroupAdd, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := br.OF.GroupMod(gm); err != nil {
		t.Fatal(err)
	}
	setRules(t, h, "in_port=1,actions=group:1")
	_, before, _ := br.OF.TableStats(0)
	for i := 0; i < 3; i++ {
		devs[0].Inject(ipv4Frame(64))
		if recv(devs[1], 2*time.Second) == nil || recv(devs[2], 2*time.Second) == nil {
			t.Fatal("group did not output")
		}
	}
	h.Revalidate()
	if p, _ := br.OF.Group(1).Stats(); p != 3 {
		t.Fatalf("group packets %d", p)
	}
	if _, lookups, matched := br.OF.TableStats(0); lookups-before != 3 || matched < 3 {
		t.Fatalf("table 0: %d lookups, %d matched", lookups-before, matched)
	}
}
