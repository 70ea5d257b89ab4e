package ofproto

import (
	"net"
	"os"
	"sync"

	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
)

var logConn = vlog.NewModule("connmgr")

// Switch-wide constants a features reply announces.
const (
	// capabilities (OFPC_*), as OVS announces them: flow, table, port
	// and queue statistics, plus ARP match on IP in 1.0 and group
	// statistics from 1.1 on.
	capabilities10 = 0x1 | 0x2 | 0x4 | 0x40 | 0x80
	capabilities11 = 0x1 | 0x2 | 0x4 | 0x8 | 0x40
	// numTablesAnnounced: table 255 is reserved, so OVS announces 254.
	numTablesAnnounced = 254
	// actions10: the OpenFlow 1.0 actions bitmap OVS sends (every
	// standard action).
	actions10 = 0xfff
)

// Identity is what the OpenFlow side needs from the rest of the bridge,
// supplied by engine/bridge. Nil functions mean "not available": the
// request that needs one gets the error OVS gives for an unsupported
// operation.
type Identity struct {
	DatapathID uint64
	// DPDesc is the description dump-desc reports (other-config:dp-desc).
	DPDesc string
	Ports  func() []openflow.Port
	// PortStats returns the counters of one port (openflow.PortAny: all).
	PortStats func(port uint32) []openflow.PortStats
	// PacketOut runs a packet-out's actions on its packet.
	PacketOut func(po *openflow.PacketOut) error
	// PortMod changes a port's OpenFlow config bits.
	PortMod func(pm *openflow.PortMod) error
}

// mgmt is the bridge's connection manager: the management socket, the
// controllers and every live OpenFlow connection, whichever way it came.
type mgmt struct {
	o *Ofproto

	mu    sync.Mutex
	conns map[*ofconn]struct{}
	lns   []*listener

	// generation is the role-request generation id the switch last
	// accepted (OpenFlow 1.2's stale-request check).
	generation    uint64
	hasGeneration bool

	ctl    controllers
	inBand inBand
}

// A listener accepts OpenFlow connections on a passive target.
type listener struct {
	ln      net.Listener
	path    string // unix socket to remove on close
	primary bool
	target  string
	wg      sync.WaitGroup
}

// SetIdentity sets what the OpenFlow side reports about the bridge.
func (o *Ofproto) SetIdentity(id Identity) {
	o.idMu.Lock()
	o.id = id
	o.idMu.Unlock()
}

func (o *Ofproto) identity() Identity {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	return o.id
}

// cm returns the connection manager, creating it on first use.
func (o *Ofproto) cm() *mgmt {
	o.idMu.Lock()
	defer o.idMu.Unlock()
	if o.mgmt == nil {
		o.mgmt = &mgmt{o: o, conns: make(map[*ofconn]struct{})}
		o.SetRemovedHook(o.flowRemoved)
	}
	return o.mgmt
}

// ListenMgmt opens the bridge's management socket (OVS's
// <rundir>/<bridge>.mgmt), where ovs-ofctl talks to the bridge, and serves
// it until Close.
func (o *Ofproto) ListenMgmt(path string) error {
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	o.cm().serveListener(&listener{ln: ln, path: path, target: "punix:" + path})
	return nil
}

// serveListener accepts connections on l until it is closed.
func (m *mgmt) serveListener(l *listener) {
	m.mu.Lock()
	m.lns = append(m.lns, l)
	m.mu.Unlock()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			c, err := l.ln.Accept()
			if err != nil {
				return
			}
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				oc := newOfconn(m.o, c, l.primary, l.target)
				oc.run(m.o.allowedVersions())
			}()
		}
	}()
}

func (l *listener) close() {
	l.ln.Close()
	if l.path != "" {
		os.Remove(l.path)
	}
}

// register and unregister track live, negotiated connections.
func (m *mgmt) register(oc *ofconn) {
	m.mu.Lock()
	m.conns[oc] = struct{}{}
	m.mu.Unlock()
	m.missesChanged()
}

func (m *mgmt) unregister(oc *ofconn) {
	m.mu.Lock()
	delete(m.conns, oc)
	m.mu.Unlock()
	m.o.monitorDrop(oc)
	m.missesChanged()
	m.ctl.connectionChanged(m)
	// A connection's open bundles die with it.
	oc.mu.Lock()
	oc.bundles = nil
	oc.mu.Unlock()
}

// missesChanged recomputes whether any connection wants table-miss
// packet-ins (a controller, or a service connection such as "ovs-ofctl
// monitor" that set a miss_send_len, speaking OpenFlow 1.0-1.2) and, when
// that changes, has the datapath's flows revalidated.
func (m *mgmt) missesChanged() {
	want := false
	m.each(func(oc *ofconn) {
		oc.mu.Lock()
		if oc.v != 0 && oc.v < openflow.V13 && (oc.primary || oc.cfg.MissSendLen > 0) {
			want = true
		}
		oc.mu.Unlock()
	})
	if m.o.missWanted.Swap(want) != want {
		m.o.changed()
	}
}

// WantsMisses reports whether table misses have a controller to go to.
// Lock-free, for translation.
func (o *Ofproto) WantsMisses() bool { return o.missWanted.Load() }

// each calls fn for every live connection.
func (m *mgmt) each(fn func(oc *ofconn)) {
	m.mu.Lock()
	list := make([]*ofconn, 0, len(m.conns))
	for oc := range m.conns {
		list = append(list, oc)
	}
	m.mu.Unlock()
	for _, oc := range list {
		fn(oc)
	}
}

// Close stops the management socket, the controllers and every
// connection.
func (o *Ofproto) Close() {
	o.idMu.Lock()
	m := o.mgmt
	o.idMu.Unlock()
	if m == nil {
		return
	}
	m.ctl.stop()
	m.mu.Lock()
	lns := m.lns
	m.lns = nil
	m.mu.Unlock()
	for _, l := range lns {
		l.close()
	}
	m.each(func(oc *ofconn) { oc.close() })
	for _, l := range lns {
		l.wg.Wait()
	}
}

// broadcast sends an asynchronous message to every connection that wants
// it, built for that connection (formats differ: NXM flow-removed, for
// one). These messages are rare, so each is simply encoded per connection.
func (m *mgmt) broadcast(kind openflow.AsyncKind, reason uint8, msg func(oc *ofconn) openflow.Message) {
	m.each(func(oc *ofconn) {
		if !oc.wants(kind, reason) {
			return
		}
		mm := msg(oc)
		v := oc.version()
		b, err := openflow.Encode(mm, uint8(v), 0)
		if err != nil {
			logConn.Dbg("%s: cannot encode %v for %s: %v", m.o.Name, mm.Type(), v, err)
			return
		}
		oc.sendAsync(b)
	})
}

// PortStatus tells the controllers that a port was added, deleted or
// changed.
func (o *Ofproto) PortStatus(reason openflow.PortReason, p openflow.Port) {
	o.cm().broadcast(openflow.AsyncPortStatus, uint8(reason), func(*ofconn) openflow.Message {
		return &openflow.PortStatus{Reason: reason, Port: p}
	})
}

// ServeConn speaks OpenFlow on an already-open connection until it
// closes, as a controller connection (primary) or a service one: for
// callers that own the transport, such as in-process controllers and
// tests.
func (o *Ofproto) ServeConn(c net.Conn, primary bool) error {
	oc := newOfconn(o, c, primary, "")
	return oc.run(o.allowedVersions())
}
