package ofproto

import (
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/govs/ovs/proto/openflow"
)

// connect runs a service connection to o over a pipe and completes the
// hello exchange in version v.
func connect(t testing.TB, o *Ofproto, v openflow.Version) net.Conn {
	t.Helper()
	sw, peer := net.Pipe()
	oc := newOfconn(o, sw, false, "")
	go oc.run(openflow.AllVersions)
	hello, _ := openflow.EncodeHello(openflow.BitmapOf(v), 1)
	peer.SetDeadline(time.Now().Add(5 * time.Second))
	// A pipe write waits for the reader, and the switch reads our hello
	// while it writes its own: write from a goroutine, and wait for it
	// so that nothing we send later can overtake the hello.
	wrote := make(chan struct{})
	go func() { peer.Write(hello); close(wrote) }()
	if _, err := openflow.ReadMessage(peer, nil); err != nil {
		t.Fatalf("no hello from the switch: %v", err)
	}
	<-wrote
	return peer
}

// roundTrip sends msg and returns the next message the switch sends.
func roundTrip(t testing.TB, c net.Conn, msg []byte) []byte {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	go c.Write(msg)
	reply, err := openflow.ReadMessage(c, nil)
	if err != nil {
		t.Fatalf("no reply: %v", err)
	}
	return reply
}

// FuzzOfconn sends one arbitrary (well-framed) message on a connection:
// the switch may answer with an error or a reply, but it must not crash,
// and the connection must still answer an echo request afterwards.
func FuzzOfconn(f *testing.F) {
	fm, err := openflow.ParseFlow("in_port=1,actions=output:2", openflow.FlowAdd, nil)
	if err != nil {
		f.Fatal(err)
	}
	for v := openflow.V10; v <= openflow.V15; v++ {
		if b, err := openflow.Encode(fm, uint8(v), 7); err == nil {
			f.Add(b)
		}
		if b, err := openflow.Encode(&openflow.FlowStatsRequest{TableID: openflow.TableAll, OutPort: openflow.PortNone,
			OutGroup: openflow.GroupAny}, uint8(v), 8); err == nil {
			f.Add(b)
		}
		mon := &openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{{ID: 1, OutPort: openflow.PortNone,
			OutGroup: openflow.GroupAny, TableID: openflow.TableAll, Flags: openflow.MonitorInitial | openflow.MonitorAdd}}}
		if b, err := openflow.Encode(mon, uint8(v), 9); err == nil {
			f.Add(b)
		}
		if b, err := openflow.Encode(&openflow.NXFlowMonitorCancel{ID: 1}, uint8(v), 10); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte{4, 14, 0, 8, 0, 0, 0, 1})
	f.Add([]byte{1, 4, 0, 16, 0, 0, 0, 1, 0, 0, 0x23, 0x20, 0, 0, 0, 99})
	f.Fuzz(func(t *testing.T, msg []byte) {
		if len(msg) < openflow.HeaderLen || len(msg) > 4096 {
			return
		}
		msg = append([]byte(nil), msg...)
		v := openflow.Version(msg[0])
		if !v.Known() {
			v = openflow.V13
		}
		msg[0] = uint8(v)
		binary.BigEndian.PutUint16(msg[2:], uint16(len(msg)))
		if msg[1] == 0 { // a second hello is legal but answers nothing
			msg[1] = 2
		}
		o := New("br0", func() {})
		defer o.Close()
		c := connect(t, o, v)
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		echo, _ := openflow.Encode(&openflow.EchoRequest{Data: []byte("alive")}, uint8(v), 0xabcdef)
		go func() {
			c.Write(msg)
			c.Write(echo)
		}()
		for {
			reply, err := openflow.ReadMessage(c, nil)
			if err != nil {
				t.Fatalf("connection lost after %x: %v", msg, err)
			}
			if h, _ := openflow.ParseHeader(reply); h.Xid == 0xabcdef {
				if m, _, err := openflow.Decode(reply); err != nil || m.Type() != openflow.MsgEchoReply {
					t.Fatalf("echo answered with %x", reply)
				}
				return
			}
		}
	})
}

func TestFlowModAndDumpOverConnection(t *testing.T) {
	o := New("br0", func() {})
	defer o.Close()
	for _, v := range []openflow.Version{openflow.V10, openflow.V13, openflow.V15} {
		c := connect(t, o, v)
		fm, err := openflow.ParseFlow("priority=7,in_port=3,actions=output:2", openflow.FlowAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		fm.TableID = 0
		add, err := openflow.Encode(fm, uint8(v), 1)
		if err != nil {
			t.Fatal(err)
		}
		barrier, _ := openflow.Encode(&openflow.BarrierRequest{}, uint8(v), 2)
		reply := roundTrip(t, c, append(add, barrier...))
		if m, _, _ := openflow.Decode(reply); m == nil || m.Type() != openflow.MsgBarrierReply {
			t.Fatalf("%s: flow-mod answered %s", v, openflow.Print(reply))
		}
		req, _ := openflow.Encode(&openflow.FlowStatsRequest{TableID: openflow.TableAll,
			OutPort: openflow.PortNone, OutGroup: openflow.GroupAny}, uint8(v), 3)
		reply = roundTrip(t, c, req)
		m, _, err := openflow.Decode(reply)
		if err != nil {
			t.Fatalf("%s: %v: %s", v, err, openflow.Print(reply))
		}
		fr, ok := m.(*openflow.FlowStatsReply)
		if !ok || len(fr.Flows) != 2 {
			t.Fatalf("%s: want 2 flows, got %s", v, openflow.Print(reply))
		}
		// A flow-mod to a table that does not exist is refused.
		fm.TableID = 254
		fm.Command = openflow.FlowAdd
		bad, _ := openflow.Encode(fm, uint8(v), 4)
		if v == openflow.V10 {
			c.Close()
			continue
		}
		reply = roundTrip(t, c, bad)
		if m, _, _ := openflow.Decode(reply); m == nil || m.Type() != openflow.MsgError {
			t.Fatalf("%s: flow-mod to table 254 answered %s", v, openflow.Print(reply))
		}
		c.Close()
	}
}
