package userspace

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// execText runs the datapath actions in text form on frame (as a
// packet-out would) and returns what each port sent.
func execText(t *testing.T, dp *Datapath, devs []*fakeDev, frame []byte, actions string) [][][]byte {
	t.Helper()
	acts, err := dpif.ParseActions(actions, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := netdev.DefaultPool.Get()
	defer netdev.DefaultPool.Put(p)
	p.SetLen(copy(p.Buffer(), frame))
	var k flow.Key
	flow.Extract(p.Data, &k)
	before := make([]int, len(devs))
	for i, d := range devs {
		if d != nil {
			before[i] = len(d.frames())
		}
	}
	if err := dp.Execute(p, &k, acts); err != nil {
		t.Fatal(err)
	}
	out := make([][][]byte, len(devs))
	for i, d := range devs {
		if d != nil {
			out[i] = d.frames()[before[i]:]
		}
	}
	return out
}

func TestExecuteMPLS(t *testing.T) {
	dp, devs := newDP(t, 2)
	frame := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, nil)
	sent := execText(t, dp, devs, frame, "push_mpls(label=5,tc=1,ttl=63,bos=1,eth_type=0x8847),1,set(mpls(label=9,tc=0,ttl=3,bos=1)),2")
	if len(sent[1]) != 1 || len(sent[2]) != 1 {
		t.Fatalf("outputs: %d %d", len(sent[1]), len(sent[2]))
	}
	a, b := sent[1][0], sent[2][0]
	if binary.BigEndian.Uint16(a[12:]) != flow.EthTypeMPLS || binary.BigEndian.Uint32(a[14:]) != 5<<12|1<<9|1<<8|63 {
		t.Fatalf("push_mpls: % x", a[:18])
	}
	if !bytes.Equal(a[18:], frame[14:]) || !bytes.Equal(a[:12], frame[:12]) {
		t.Fatal("push_mpls moved the wrong bytes")
	}
	if binary.BigEndian.Uint32(b[14:]) != 9<<12|1<<8|3 {
		t.Fatalf("set(mpls): % x (the first copy must keep the old entry)", b[:18])
	}
	// Pop it again, behind a VLAN tag too.
	sent = execText(t, dp, devs, a, "pop_mpls(eth_type=0x800),1")
	if !bytes.Equal(sent[1][0], frame) {
		t.Fatalf("pop_mpls:\n% x\nwant\n% x", sent[1][0], frame)
	}
	sent = execText(t, dp, devs, frame, "push_vlan(vid=7,pcp=0),push_mpls(label=1,tc=0,ttl=9,bos=1,eth_type=0x8847),pop_mpls(eth_type=0x800),pop_vlan,1")
	if !bytes.Equal(sent[1][0], frame) {
		t.Fatalf("vlan+mpls round trip:\n% x\nwant\n% x", sent[1][0], frame)
	}
	// Popping a frame without MPLS changes nothing.
	sent = execText(t, dp, devs, frame, "pop_mpls(eth_type=0x800),1")
	if !bytes.Equal(sent[1][0], frame) {
		t.Fatal("pop_mpls of a non-MPLS frame changed it")
	}
}

func TestExecuteCheckPktLenAndClone(t *testing.T) {
	dp, devs := newDP(t, 2)
	small := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, nil)
	big := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, make([]byte, 200))
	acts := "check_pkt_len(size=100,gt(set(eth(src=00:00:00:00:00:07)),1),le(2)),2"
	sent := execText(t, dp, devs, big, acts)
	if len(sent[1]) != 1 || sent[1][0][11] != 7 {
		t.Fatalf("big packet: gt branch not taken: %d", len(sent[1]))
	}
	if len(sent[2]) != 1 || !bytes.Equal(sent[2][0], big) {
		t.Fatal("the action after check_pkt_len saw the branch's rewrite")
	}
	sent = execText(t, dp, devs, small, acts)
	if len(sent[1]) != 0 || len(sent[2]) != 2 {
		t.Fatalf("small packet: %d on 1, %d on 2", len(sent[1]), len(sent[2]))
	}
	sent = execText(t, dp, devs, small, "clone(set(eth(dst=00:00:00:00:00:09)),1),2")
	if sent[1][0][5] != 9 || !bytes.Equal(sent[2][0], small) {
		t.Fatal("clone leaked its rewrite or lost its output")
	}
}

func TestExecuteMeter(t *testing.T) {
	dp, devs := newDP(t, 2)
	frame := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, nil)
	// No meter function: meters pass everything.
	if sent := execText(t, dp, devs, frame, "meter(3),1"); len(sent[1]) != 1 {
		t.Fatal("meter without a decision dropped")
	}
	var seen []uint32
	dp.SetMeterFunc(func(id uint32, now int64, n int) bool {
		seen = append(seen, id)
		return n < 100
	})
	if sent := execText(t, dp, devs, frame, "1,meter(3),2"); len(sent[1]) != 1 || len(sent[2]) != 1 {
		t.Fatal("meter dropped a conforming packet")
	}
	big := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 1, 1, 1}, [4]byte{2, 2, 2, 2}, 1, 2, make([]byte, 200))
	if sent := execText(t, dp, devs, big, "1,meter(3),2"); len(sent[1]) != 1 || len(sent[2]) != 0 {
		t.Fatal("meter did not stop the actions after it")
	}
	if len(seen) != 2 || seen[0] != 3 {
		t.Fatalf("meter ids %v", seen)
	}
	dp.SetMeterFunc(nil)
}
