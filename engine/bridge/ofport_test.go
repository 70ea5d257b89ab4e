package bridge

import (
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func TestOFPortAssignment(t *testing.T) {
	br := &Bridge{byOFPort: map[uint32]*Iface{}}
	ifc := func(want uint32) *Iface { return &Iface{wantOFPort: want} }
	a, b, c := ifc(0), ifc(0), ifc(5)
	br.assignOFPort(a)
	br.assignOFPort(b)
	br.assignOFPort(c)
	if a.OFPort != 1 || b.OFPort != 2 || c.OFPort != 5 {
		t.Fatalf("got %d %d %d", a.OFPort, b.OFPort, c.OFPort)
	}
	// A request for a taken number falls back to the lowest free one.
	d := ifc(2)
	br.assignOFPort(d)
	if d.OFPort != 3 {
		t.Fatalf("taken request got %d", d.OFPort)
	}
	// Freed numbers are reused, lowest first.
	br.releaseOFPort(a)
	e := ifc(0)
	br.assignOFPort(e)
	if e.OFPort != 1 || a.OFPort != 0 {
		t.Fatalf("reuse got %d (released %d)", e.OFPort, a.OFPort)
	}
	// Reassigning an interface to a new request frees its old number.
	b.wantOFPort = 9
	br.assignOFPort(b)
	if b.OFPort != 9 || br.byOFPort[2] != nil {
		t.Fatalf("moved to %d, old slot %v", b.OFPort, br.byOFPort[2])
	}
	l := ifc(0)
	br.setLocal(l)
	if l.OFPort != openflow.PortLocal || br.byOFPort[openflow.PortLocal] != l {
		t.Fatal("local port")
	}
	f := ifc(0)
	br.assignOFPort(f)
	if f.OFPort != 2 {
		t.Fatalf("after moves got %d, want 2", f.OFPort)
	}
}
