package ofproto

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/proto/openflow"
)

// An ofconn is one OpenFlow connection to the switch: a controller the
// bridge connected to (or accepted on a controller's passive target), or a
// service connection on the management socket (ovs-ofctl).
//
// Requests are handled one at a time on the connection's reader goroutine,
// in arrival order, so a barrier needs no bookkeeping: by the time it is
// read, everything before it has been applied. Every outgoing message goes
// through one writer goroutine and a bounded queue. Replies wait for room
// (a slow reader slows only its own requests); asynchronous messages
// (packet-ins, flow-removed, port-status) never wait: when the queue is
// full they are dropped and counted, so a stuck controller cannot stall the
// datapath that produced them.
type ofconn struct {
	o       *Ofproto
	c       net.Conn
	primary bool   // a controller connection, not a service one
	target  string // the Controller target it belongs to, if any
	v       openflow.Version

	out     chan []byte
	done    chan struct{}
	closing sync.Once
	dropped atomic.Uint64

	// monPaused says the flow monitors are paused until the queue
	// drains; monResuming that a resume is under way (monitor.go).
	monPaused, monResuming atomic.Bool

	lastRx atomic.Int64 // unix nanoseconds of the last message received

	mu        sync.Mutex // guards the protocol state below
	cfg       openflow.SwitchConfig
	role      openflow.Role
	async     openflow.AsyncConfig
	nxm       bool // flow format NXM (NXT_SET_FLOW_FORMAT), for flow-removed
	pinFormat openflow.PacketInFormat
	tableID   bool   // NXT_FLOW_MOD_TABLE_ID: 1.0 flow-mods carry a table
	id        uint16 // controller connection id (NXT_SET_CONTROLLER_ID)
	bundles   map[uint32]*bundle

	// Packet-in rate limit (controller_rate_limit/burst_limit): a token
	// bucket refilled at rate tokens per second up to burst.
	pinRate, pinBurst float64
	pinTokens         float64
	pinLast           time.Time
}

// setRateLimit configures the packet-in token bucket; rate 0 disables
// it. OVS's floor is 100 packets per second and its default burst a
// quarter of the rate (at least 25).
func (oc *ofconn) setRateLimit(rate, burst int) {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if rate <= 0 {
		oc.pinRate = 0
		return
	}
	if rate < 100 {
		rate = 100
	}
	if burst <= 0 {
		burst = rate / 4
	}
	if burst < 25 {
		burst = 25
	}
	oc.pinRate, oc.pinBurst, oc.pinTokens = float64(rate), float64(burst), float64(burst)
	oc.pinLast = time.Now()
}

// admitPacketIn takes a token for one packet-in. Called with mu held.
func (oc *ofconn) admitPacketIn(now time.Time) bool {
	if oc.pinRate == 0 {
		return true
	}
	oc.pinTokens += now.Sub(oc.pinLast).Seconds() * oc.pinRate
	oc.pinLast = now
	if oc.pinTokens > oc.pinBurst {
		oc.pinTokens = oc.pinBurst
	}
	if oc.pinTokens < 1 {
		oc.dropped.Add(1)
		return false
	}
	oc.pinTokens--
	return true
}

// outQueueLen bounds the messages waiting to be written to one connection.
const outQueueLen = 128

// defaultMissSendLen is how much of a missed packet a controller gets
// unless it asks for another amount (OFP_DEFAULT_MISS_SEND_LEN).
const defaultMissSendLen = 128

func newOfconn(o *Ofproto, c net.Conn, primary bool, target string) *ofconn {
	oc := &ofconn{o: o, c: c, primary: primary, target: target,
		out: make(chan []byte, outQueueLen), done: make(chan struct{}),
		role: openflow.RoleEqual}
	if primary {
		oc.cfg.MissSendLen = defaultMissSendLen
	}
	oc.lastRx.Store(time.Now().UnixNano())
	return oc
}

// defaultAsync is the asynchronous-message configuration a connection
// starts with: a primary or equal controller gets packet-ins for misses
// and actions, every port-status and every flow-removed; a secondary gets
// port-status only. Packet-ins for invalid TTLs need the switch config
// flag (1.0-1.2) or an explicit set-async.
func defaultAsync(v openflow.Version) openflow.AsyncConfig {
	var a openflow.AsyncConfig
	pin := uint32(1<<openflow.ReasonNoMatch | 1<<openflow.ReasonAction)
	frr := uint32(0xf) // idle, hard, delete, group delete
	if v >= openflow.V14 {
		pin |= 1<<openflow.ReasonActionSet | 1<<openflow.ReasonGroup | 1<<openflow.ReasonPacketOut
		frr |= 1 << 4 // meter delete
	}
	a.Masks[openflow.AsyncPacketIn][0] = pin
	a.Masks[openflow.AsyncPortStatus][0] = 0x7
	a.Masks[openflow.AsyncPortStatus][1] = 0x7
	a.Masks[openflow.AsyncFlowRemoved][0] = frr
	if v >= openflow.V14 {
		a.Masks[openflow.AsyncRoleStatus][0] = 0x7
		a.Masks[openflow.AsyncTableStatus][0] = 0x3 << 3
		a.Masks[openflow.AsyncRequestForward][0] = 0x3
	}
	return a
}

// run speaks OpenFlow on the connection until it closes: hello, version
// negotiation, then requests. It returns when the peer goes away or the
// switch closes the connection.
func (oc *ofconn) run(allowed openflow.VersionBitmap) error {
	defer oc.close()
	go oc.writer()
	hello, err := openflow.EncodeHello(allowed, 0)
	if err != nil {
		return err
	}
	if !oc.send(hello) {
		return errClosed
	}
	buf := make([]byte, 0, 4096)
	msg, err := openflow.ReadMessage(oc.c, buf)
	if err != nil {
		return err
	}
	v, err := openflow.NegotiateHello(allowed, msg)
	if err != nil {
		var ne *openflow.NegotiationError
		if errors.As(err, &ne) {
			oc.send(ne.Reply)
			logConn.Info("%s: %s", oc.o.Name, ne.Log)
		}
		return err
	}
	oc.mu.Lock()
	oc.v = v
	oc.async = defaultAsync(v)
	oc.mu.Unlock()
	oc.o.cm().register(oc)
	defer oc.o.cm().unregister(oc)
	for {
		// A fresh buffer per message: decoded messages (bundled ones,
		// actions) may keep slices of it.
		msg, err = openflow.ReadMessage(oc.c, nil)
		if err != nil {
			return err
		}
		oc.lastRx.Store(time.Now().UnixNano())
		oc.handle(msg)
	}
}

var errClosed = errors.New("connection closed")

// writer drains the output queue onto the socket.
func (oc *ofconn) writer() {
	for {
		select {
		case b := <-oc.out:
			if _, err := oc.c.Write(b); err != nil {
				oc.close()
				return
			}
			if oc.monPaused.Load() && len(oc.out) == 0 {
				oc.monitorDrained()
			}
		case <-oc.done:
			return
		}
	}
}

// send queues b, waiting for room; false if the connection is closed.
func (oc *ofconn) send(b []byte) bool {
	select {
	case oc.out <- b:
		return true
	case <-oc.done:
		return false
	}
}

// sendEach queues each message of b (a run of encoded messages, such as
// a multipart reply split in parts), waiting for room.
func (oc *ofconn) sendEach(b []byte) {
	for len(b) > 0 {
		one, rest, err := openflow.SplitMessage(b)
		if err != nil || !oc.send(one) {
			return
		}
		b = rest
	}
}

// sendAsync queues b unless the queue is full.
func (oc *ofconn) sendAsync(b []byte) {
	select {
	case oc.out <- b:
	case <-oc.done:
	default:
		oc.dropped.Add(1)
	}
}

func (oc *ofconn) close() {
	oc.closing.Do(func() {
		close(oc.done)
		oc.c.Close()
	})
}

// version returns the negotiated version.
func (oc *ofconn) version() openflow.Version {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.v
}

// wants reports whether the connection takes an asynchronous message of
// the given kind and reason. A service connection takes none unless it set
// a nonzero miss_send_len, as in OVS (that is how "ovs-ofctl monitor"
// subscribes).
func (oc *ofconn) wants(kind openflow.AsyncKind, reason uint8) bool {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if oc.v == 0 {
		return false
	}
	if !oc.primary && oc.cfg.MissSendLen == 0 {
		return false
	}
	i := 0
	if oc.role == openflow.RoleSecond {
		i = 1
	}
	return oc.async.Masks[kind][i]&(1<<reason) != 0
}

// connID is the connection's controller id, which controller(id=N)
// actions select.
func (oc *ofconn) connID() uint16 {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.id
}

// isSecondary reports whether the connection may not change the switch.
func (oc *ofconn) isSecondary() bool {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.role == openflow.RoleSecond
}

// reply encodes m as the answer to the request with header h.
func (oc *ofconn) reply(m openflow.Message, h openflow.Header) {
	b, err := openflow.Encode(m, h.Version, h.Xid)
	if err != nil {
		logConn.Warn("%s: cannot encode reply: %v", oc.o.Name, err)
		return
	}
	oc.send(b)
}

// replyError sends the error reply for request msg.
func (oc *ofconn) replyError(code openflow.ErrorCode, msg []byte) {
	b, err := openflow.EncodeErrorReply(code, msg)
	if err != nil {
		return
	}
	oc.send(b)
}
