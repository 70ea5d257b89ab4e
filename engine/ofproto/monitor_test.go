package ofproto

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/proto/openflow"
)

// monClient is a controller connection to a switch over a pipe.
type monClient struct {
	t *testing.T
	c net.Conn
	v openflow.Version
}

func dialMon(t *testing.T, o *Ofproto, v openflow.Version) *monClient {
	t.Helper()
	c := connect(t, o, v)
	t.Cleanup(func() { c.Close() })
	return &monClient{t: t, c: c, v: v}
}

func (mc *monClient) send(m openflow.Message, xid uint32) {
	mc.t.Helper()
	b, err := openflow.Encode(m, uint8(mc.v), xid)
	if err != nil {
		mc.t.Fatal(err)
	}
	if _, err := mc.c.Write(b); err != nil {
		mc.t.Fatal(err)
	}
}

// read returns the next message, printed as ofp-print would.
func (mc *monClient) read() (openflow.Message, string) {
	mc.t.Helper()
	mc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := openflow.ReadMessage(mc.c, nil)
	if err != nil {
		mc.t.Fatal(err)
	}
	m, _, err := openflow.Decode(b)
	if err != nil {
		mc.t.Fatalf("decode %x: %v", b, err)
	}
	return m, openflow.Print(b)
}

// quiet reports whether nothing arrives for a while.
func (mc *monClient) quiet() bool {
	mc.c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err := openflow.ReadMessage(mc.c, nil)
	return err != nil
}

func watchAll() openflow.FlowMonitor {
	return openflow.FlowMonitor{ID: 1, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny,
		TableID: openflow.TableAll, Flags: openflow.MonitorInitial | openflow.MonitorAdd |
			openflow.MonitorDelete | openflow.MonitorModify | openflow.MonitorActions}
}

func TestMonitorUpdatesInCommitOrder(t *testing.T) {
	o := New("br0", nil)
	mc := dialMon(t, o, openflow.V14)
	mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{watchAll()}}, 7)
	_, s := mc.read()
	if !strings.Contains(s, "(xid=0x7)") || !strings.Contains(s, "event=INITIAL table=0 cookie=0 actions=NORMAL") {
		t.Fatalf("initial reply:\n%s", s)
	}
	if err := o.FlowMod(parseFM(t, openflow.FlowAdd, "priority=5,tcp,actions=output:1")); err != nil {
		t.Fatal(err)
	}
	// A batch that fails is never seen.
	if _, err := o.FlowMods([]*openflow.FlowMod{
		parseFM(t, openflow.FlowAdd, "priority=6,udp,actions=output:1"),
		parseFM(t, openflow.FlowAdd, "table=254,priority=6,udp,actions=output:1"),
	}); err == nil {
		t.Fatal("bad batch applied")
	}
	// A committed batch is one reply, in the order of its changes.
	if _, err := o.FlowMods([]*openflow.FlowMod{
		parseFM(t, openflow.FlowDelete, "tcp"),
		parseFM(t, openflow.FlowAdd, "priority=6,udp,actions=output:2"),
		parseFM(t, openflow.FlowModify, "udp,actions=output:3"),
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"event=ADDED table=0 cookie=0 tcp actions=output:1",
		"event=DELETED reason=delete table=0 cookie=0 tcp actions=output:1\n" +
			" event=ADDED table=0 cookie=0 udp actions=output:2\n" +
			" event=MODIFIED table=0 cookie=0 udp actions=output:3",
	}
	for _, w := range want {
		if _, s := mc.read(); !strings.Contains(s, w) {
			t.Fatalf("got\n%s\nwant %q", s, w)
		}
	}
	// A modify that changes nothing is not reported.
	if err := o.FlowMod(parseFM(t, openflow.FlowModify, "udp,actions=output:3")); err != nil {
		t.Fatal(err)
	}
	if !mc.quiet() {
		t.Fatal("no-op modify reported")
	}
}

func TestMonitorOwnChangesAbbreviated(t *testing.T) {
	o := New("br0", nil)
	mc := dialMon(t, o, openflow.V10)
	w := watchAll()
	w.Flags &^= openflow.MonitorInitial
	mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{w}}, 1)
	mc.read()
	// Two rules deleted by one of our own flow-mods: one ABBREV.
	o.FlowMod(parseFM(t, openflow.FlowAdd, "priority=5,tcp,actions=output:1"))
	mc.read()
	fm := parseFM(t, openflow.FlowDelete, "")
	mc.send(fm, 0x99)
	_, s := mc.read()
	if !strings.HasSuffix(strings.TrimSpace(s), "event=ABBREV xid=0x99") || strings.Count(s, "event=") != 1 {
		t.Fatalf("own delete:\n%s", s)
	}
	// NXT_FLOW_MONITOR_CANCEL stops the updates; a second cancel fails.
	mc.send(&openflow.NXFlowMonitorCancel{ID: 1}, 2)
	mc.send(&openflow.BarrierRequest{}, 3)
	if _, s := mc.read(); !strings.Contains(s, "BARRIER_REPLY") {
		t.Fatalf("cancel answered %s", s)
	}
	o.FlowMod(parseFM(t, openflow.FlowAdd, "priority=5,tcp,actions=output:1"))
	mc.send(&openflow.NXFlowMonitorCancel{ID: 1}, 4)
	if _, s := mc.read(); !strings.Contains(s, "OFPMOFC_UNKNOWN_MONITOR") {
		t.Fatalf("second cancel answered %s", s)
	}
}

func TestMonitorRequestErrors(t *testing.T) {
	o := New("br0", nil)
	mc := dialMon(t, o, openflow.V14)
	w := watchAll()
	mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{w}}, 1)
	mc.read()
	mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{w}}, 2)
	if _, s := mc.read(); !strings.Contains(s, "OFPMOFC_MONITOR_EXISTS") {
		t.Fatalf("duplicate monitor answered %s", s)
	}
	w.ID, w.Command = 9, openflow.MonitorCmdDelete
	mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{w}}, 3)
	if _, s := mc.read(); !strings.Contains(s, "OFPMOFC_UNKNOWN_MONITOR") {
		t.Fatalf("delete of unknown monitor answered %s", s)
	}
	// Modify replaces the monitor: only tcp flows now.
	w.ID, w.Command = 1, openflow.MonitorCmdModify
	w.Flags &^= openflow.MonitorInitial
	w.Match = *mustMatch(t, "tcp")
	mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{w}}, 4)
	mc.read()
	o.FlowMod(parseFM(t, openflow.FlowAdd, "priority=5,udp,actions=output:1"))
	o.FlowMod(parseFM(t, openflow.FlowAdd, "priority=5,tcp,tp_dst=80,actions=output:1"))
	if _, s := mc.read(); !strings.Contains(s, "tcp,tp_dst=80") {
		t.Fatalf("modified monitor reported %s", s)
	}
}

func mustMatch(t *testing.T, s string) *openflow.Match {
	t.Helper()
	m, err := openflow.ParseMatch(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// A connection that does not read gets PAUSED once its queue backs up,
// then, once drained, the flows it missed that still exist and RESUMED.
func TestMonitorPauseResume(t *testing.T) {
	for _, v := range []openflow.Version{openflow.V10, openflow.V13, openflow.V14} {
		t.Run(v.String(), func(t *testing.T) {
			o := New("br0", nil)
			mc := dialMon(t, o, v)
			w := watchAll()
			w.Flags &^= openflow.MonitorInitial
			mc.send(&openflow.FlowMonitorRequest{Monitors: []openflow.FlowMonitor{w}}, 1)
			mc.read()
			const n = 3 * outQueueLen
			for i := 1; i <= n; i++ {
				if err := o.FlowMod(parseFM(t, openflow.FlowAdd, fmt.Sprintf("cookie=%d,priority=%d,tcp,actions=output:1", i, i))); err != nil {
					t.Fatal(err)
				}
			}
			// Flow 1 was reported before the pause: its modification
			// comes on resume. Flow n was added during the pause and is
			// gone by then: nothing about it comes at all.
			o.FlowMod(parseFM(t, openflow.FlowModifyStrict, "priority=1,tcp,actions=output:2"))
			o.FlowMod(parseFM(t, openflow.FlowDeleteStrict, fmt.Sprintf("priority=%d,tcp", n)))
			added := map[string]int{}
			var paused, resumed bool
			var modified string
			for !resumed {
				m, s := mc.read()
				switch m.(type) {
				case *openflow.NXFlowMonitorPaused:
					paused = true
					continue
				case *openflow.NXFlowMonitorResumed:
					resumed = true
					continue
				}
				for _, l := range strings.Split(s, "\n")[1:] {
					switch {
					case strings.Contains(l, "event=PAUSED"):
						paused = true
					case strings.Contains(l, "event=RESUMED"):
						resumed = true
					case strings.Contains(l, "event=ADDED"):
						added[strings.Fields(l)[2]]++
					case strings.Contains(l, "event=MODIFIED"):
						if !paused {
							t.Fatalf("modified before pause: %s", l)
						}
						modified = l
					case strings.TrimSpace(l) != "":
						t.Fatalf("unexpected update %q", l)
					}
				}
			}
			if !paused {
				t.Fatal("RESUMED without PAUSED")
			}
			for i := 1; i < n; i++ {
				if k := fmt.Sprintf("cookie=%#x", i); added[k] != 1 {
					t.Errorf("%s reported %d times", k, added[k])
				}
			}
			if added[fmt.Sprintf("cookie=%#x", n)] != 0 {
				t.Errorf("flow added and deleted during the pause was reported")
			}
			if !strings.Contains(modified, "cookie=0x1 tcp actions=output:2") {
				t.Errorf("missed modification: %q", modified)
			}
			if !mc.quiet() {
				t.Error("more after RESUMED")
			}
		})
	}
}
