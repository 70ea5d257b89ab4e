package jsonrpc

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

var (
	log = vlog.NewModule("jsonrpc")
	// Bad peers can send bad messages fast; OVS limits these warnings
	// to 5 a minute.
	badMsgRL = vlog.NewRateLimit(5, 5)
	ioErrRL  = vlog.NewRateLimit(5, 5)
)

// Defaults for a Conn's limits.
const (
	// DefaultMaxMessageSize bounds one received message. OVS has no
	// limit; ours is there so a peer cannot make us buffer without end,
	// and is far above the largest OVSDB messages seen in practice.
	DefaultMaxMessageSize = 1 << 30
	// DefaultMaxBacklog bounds the bytes queued for a peer that does not
	// read. Servers watch Backlog and hold back long before this.
	DefaultMaxBacklog = 1 << 30
)

// ErrBacklog is returned by Send when the peer is so far behind that the
// queue limit would be exceeded; the connection is closed, since a
// message stream with a hole in it is useless. It wraps ENOBUFS.
var ErrBacklog error = backlogError{}

// backlogError is what fmt.Errorf("send queue overflow: %w", ENOBUFS)
// would make, without running fmt at the start of every tool.
type backlogError struct{}

func (backlogError) Error() string { return "send queue overflow: " + syscall.ENOBUFS.Error() }
func (backlogError) Unwrap() error { return syscall.ENOBUFS }

// Conn is one JSON-RPC connection. One goroutine may call Recv (or
// Transact) while any number call Send.
type Conn struct {
	conn net.Conn
	name string
	dec  *ovsjson.Decoder
	rerr error // sticky receive error

	// raw writes to the socket without waiting when it has room; nil
	// for connections that are not plain sockets (TLS, net.Pipe), whose
	// bytes all go through the writer goroutine.
	raw syscall.RawConn
	// rawWrite is the function given to raw.Write (made once, as a
	// closure per write would be an allocation per message); it leaves
	// its results in wrote and wroteErr. All three are used under mu.
	rawWrite func(fd uintptr) bool
	wrote    int
	wroteErr error

	mu sync.Mutex
	// wake tells the writer goroutine there are bytes for it; drained
	// tells Flush that some were written (or the connection failed).
	wake    sync.Cond
	drained sync.Cond
	out     []byte // queued bytes not yet taken by the writer
	spare   []byte
	// direct means the writer goroutine is idle with nothing queued, so
	// a sender may write to the socket itself. It is cleared when a
	// write would block (the rest then goes through the writer, which
	// sets it again once it has written everything), so messages are
	// never reordered.
	direct bool
	// held means c.out ends with messages that wait for Release.
	held       bool
	backlog    int // queued plus being written
	maxBacklog int
	werr       error // sticky send error (or closed)
	closed     bool
	writerDone chan struct{}
}

// NewConn wraps c. name identifies the peer in log messages: the remote
// name for connections we made ("unix:/run/db.sock"), or
// stream.PeerName for accepted ones.
func NewConn(c net.Conn, name string) *Conn {
	jc := &Conn{
		conn:       c,
		name:       name,
		dec:        ovsjson.NewDecoder(c),
		maxBacklog: DefaultMaxBacklog,
		writerDone: make(chan struct{}),
	}
	jc.dec.MaxSize = DefaultMaxMessageSize
	jc.wake.L = &jc.mu
	jc.drained.L = &jc.mu
	if sc, ok := c.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil && nonblocking(raw) {
			jc.raw = raw
			jc.rawWrite = func(fd uintptr) bool {
				jc.wrote, jc.wroteErr = writeNonblocking(fd, jc.out)
				// Never wait for room here: that is the
				// writer goroutine's job.
				return true
			}
			jc.direct = true
		}
	}
	go jc.writer()
	return jc
}

// Name returns the name given to NewConn.
func (c *Conn) Name() string { return c.name }

// NetConn returns the underlying connection.
func (c *Conn) NetConn() net.Conn { return c.conn }

// SetMaxMessageSize bounds the size of one received message (n <= 0: no
// limit). Call it before the first Recv.
func (c *Conn) SetMaxMessageSize(n int) { c.dec.MaxSize = n }

// SetMaxBacklog bounds the bytes queued for sending; see ErrBacklog.
func (c *Conn) SetMaxBacklog(n int) {
	c.mu.Lock()
	c.maxBacklog = n
	c.mu.Unlock()
}

// Send queues m for sending and returns without waiting for the peer. It
// fails only if the connection already failed or was closed, or if the
// queue limit is exceeded.
func (c *Conn) Send(m *Message) error {
	n0, err := c.appendLocking(m)
	if err != nil {
		return err
	}
	return c.queuedLocked(n0)
}

// appendLocking locks c.mu and appends m to the queue, returning where it
// starts; if the connection already failed it unlocks and returns why.
func (c *Conn) appendLocking(m *Message) (n0 int, err error) {
	if log.Enabled(vlog.Dbg) {
		log.Dbg("%s: %s", c.name, m.describe(nil, "send"))
	}
	c.mu.Lock()
	if c.werr != nil {
		err := c.werr
		c.mu.Unlock()
		return 0, err
	}
	n0 = len(c.out)
	c.out = m.AppendJSON(c.out)
	return n0, nil
}

// SendNotify is Send(NewNotify(method, ovsjson.NewArray(params...))) without
// building the message: a server sends one notification per client for
// every change its monitors see, and this way each costs a copy of its
// bytes and nothing else.
func (c *Conn) SendNotify(method string, params ...ovsjson.Value) error {
	return c.sendNotify(false, method, params)
}

// SendNotifyHeld is SendNotify, except that the notification is only
// queued: it goes out with the next message sent without holding, or on
// Release, whichever comes first. A server that fans a commit out to many
// clients uses it to answer the committing client first (its transact
// reply is what paces it) and to write to the others after that.
func (c *Conn) SendNotifyHeld(method string, params ...ovsjson.Value) error {
	return c.sendNotify(true, method, params)
}

// Release sends what SendNotifyHeld queued, if nothing else
// sent it meanwhile, as SendNow sends: at once if the socket has room. A
// server fanning a commit out to many clients thus writes to each of them
// from the committing goroutine, without waking one writer goroutine per
// client.
func (c *Conn) Release() {
	c.mu.Lock()
	if !c.held {
		c.mu.Unlock()
		return
	}
	c.held = false
	if len(c.out) == 0 || c.werr != nil {
		c.mu.Unlock()
		return
	}
	if c.direct {
		c.writeDirectLocked()
		return
	}
	c.wake.Signal()
	c.mu.Unlock()
}

func (c *Conn) sendNotify(hold bool, method string, params []ovsjson.Value) error {
	if log.Enabled(vlog.Dbg) {
		m := NewNotify(method, ovsjson.NewArray(slices.Clone(params)...))
		log.Dbg("%s: %s", c.name, m.describe(nil, "send"))
	}
	c.mu.Lock()
	if c.werr != nil {
		err := c.werr
		c.mu.Unlock()
		return err
	}
	n0 := len(c.out)
	c.out = append(c.out, `{"id":null,"method":`...)
	c.out = ovsjson.AppendString(c.out, method)
	c.out = append(c.out, `,"params":[`...)
	for i := range params {
		if i > 0 {
			c.out = append(c.out, ',')
		}
		c.out = ovsjson.Append(c.out, params[i], 0)
	}
	c.out = append(c.out, "]}"...)
	if hold {
		return c.heldLocked(n0)
	}
	return c.queuedLocked(n0)
}

// heldLocked is queuedLocked for a message to be held back.
func (c *Conn) heldLocked(n0 int) error {
	if !c.overflowLocked(n0) {
		return ErrBacklog
	}
	c.held = true
	c.mu.Unlock()
	return nil
}

// queuedLocked accounts for the message just appended to c.out at n0 (or
// takes it back if it overflows the queue) and unlocks c.mu.
func (c *Conn) queuedLocked(n0 int) error {
	if !c.overflowLocked(n0) {
		return ErrBacklog
	}
	// Whatever was held goes out with this message.
	c.held = false
	// The writer owns the queue until it has written it all.
	c.direct = false
	c.wake.Signal()
	c.mu.Unlock()
	return nil
}

// SendNow is Send, except that the message (with anything held before it)
// is written to the socket at once by the calling goroutine if the socket
// has room and nothing else is queued, instead of by the connection's
// writer goroutine.
//
// Send leaves the writing to the writer goroutine, which then writes
// whatever has piled up in one go: a client with many requests in flight
// gets its replies in batches, and sends its next requests in batches. A
// reply that paces the peer, on the other hand, is better written at once:
// SendNow saves waking the writer (a goroutine handoff, often a kernel
// context switch), and puts the reply on the wire before whatever the
// sender does next.
func (c *Conn) SendNow(m *Message) error {
	n0, err := c.appendLocking(m)
	if err != nil {
		return err
	}
	if !c.overflowLocked(n0) {
		return ErrBacklog
	}
	c.held = false
	if c.direct {
		return c.writeDirectLocked()
	}
	c.wake.Signal()
	c.mu.Unlock()
	return nil
}

// overflowLocked accounts for the message just appended to c.out at n0
// and reports true, or, if it overflows the queue, takes it back, fails
// the connection, unlocks c.mu and reports false.
func (c *Conn) overflowLocked(n0 int) bool {
	n := len(c.out) - n0
	if c.backlog > 0 && c.backlog+n > c.maxBacklog {
		c.out = c.out[:n0]
		c.failLocked(ErrBacklog)
		c.mu.Unlock()
		log.WarnRL(ioErrRL, "%s: send error: %s", c.name, stream.Strerror(ErrBacklog))
		c.conn.Close()
		return false
	}
	c.backlog += n
	return true
}

// writeDirectLocked writes the queue to the socket from the sender's
// goroutine, as far as the socket takes it without waiting, hands what is
// left to the writer goroutine, and unlocks c.mu.
//
// A server that fans each commit out to many clients would otherwise wake
// one writer goroutine per client per commit: a handoff, and often a
// kernel context switch, for a write that almost always completes at once.
// Writing in place costs just the write(2) that had to happen anyway, and
// the writer goroutine (with its queue, the backlog limit and Flush) only
// comes into play for a client whose socket is full.
func (c *Conn) writeDirectLocked() error {
	err := c.raw.Write(c.rawWrite)
	n := c.wrote
	if err == nil {
		err = c.wroteErr
	}
	if n > 0 {
		c.backlog -= n
		c.out = c.out[:copy(c.out, c.out[n:])]
	}
	switch {
	case err == nil && len(c.out) == 0:
		if cap(c.out) > 1<<20 {
			c.out = nil
		}
		c.mu.Unlock()
		return nil
	case err == nil || err == syscall.EAGAIN:
		c.direct = false
		c.wake.Signal()
		c.mu.Unlock()
		return nil
	}
	// As if the writer had failed: the message counts as sent, and the
	// failure shows in the next Send and in the reader.
	c.writeFailedLocked(err)
	return nil
}

// writeNonblocking writes to a socket in non-blocking mode as a raw
// system call, one the scheduler does not see. A write that cannot block
// takes microseconds; announced as a system call it would let the runtime's
// monitor hand the thread's processor to another thread whenever one took
// a little longer (a futex wake-up and a context switch or two), and with
// one processor (the server's GOMAXPROCS) and a write to every monitoring
// client per commit, that happened thousands of times a second.
func writeNonblocking(fd uintptr, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		switch e {
		case 0:
			return int(n), nil
		case syscall.EINTR:
			continue
		}
		return 0, e
	}
}

// nonblocking reports whether raw's descriptor is in non-blocking mode,
// which writeNonblocking needs: a raw system call that blocked would stall
// every goroutine of the processor.
func nonblocking(raw syscall.RawConn) bool {
	ok := false
	err := raw.Control(func(fd uintptr) {
		flags, _, e := syscall.RawSyscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
		ok = e == 0 && flags&syscall.O_NONBLOCK != 0
	})
	return err == nil && ok
}

// writeFailedLocked fails the connection after a write error and unlocks
// c.mu.
func (c *Conn) writeFailedLocked(err error) {
	// A peer that went away is reported by the reader as the end of the
	// stream; only other failures are worth a warning.
	if !c.closed && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
		log.WarnRL(ioErrRL, "%s: send error: %s", c.name, stream.Strerror(err))
	}
	c.failLocked(err)
	c.mu.Unlock()
	c.conn.Close()
}

// Backlog returns the number of bytes queued for sending and not yet
// written to the socket.
func (c *Conn) Backlog() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.backlog
}

func (c *Conn) failLocked(err error) {
	if c.werr == nil {
		c.werr = err
	}
	c.backlog -= len(c.out)
	c.out = nil
	c.direct = false
	c.wake.Broadcast()
	c.drained.Broadcast()
}

func (c *Conn) writer() {
	defer close(c.writerDone)
	c.mu.Lock()
	for {
		for len(c.out) == 0 && c.werr == nil {
			c.wake.Wait()
		}
		if c.werr != nil {
			c.mu.Unlock()
			return
		}
		buf := c.out
		c.out = c.spare[:0]
		c.spare = nil
		c.mu.Unlock()

		_, err := c.conn.Write(buf)

		c.mu.Lock()
		c.backlog -= len(buf)
		if cap(buf) <= 1<<20 {
			c.spare = buf[:0]
		}
		if err != nil {
			c.writeFailedLocked(err)
			return
		}
		if len(c.out) == 0 && c.raw != nil {
			// Caught up: senders may write for themselves again.
			c.direct = true
		}
		c.drained.Broadcast()
	}
}

// Flush waits until everything queued has been written to the socket, the
// connection fails, or ctx ends.
func (c *Conn) Flush(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.drained.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.backlog > 0 && c.werr == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.drained.Wait()
	}
	if c.backlog > 0 {
		return c.werr
	}
	return nil
}

// Close closes the connection at once; queued messages are dropped (use
// Flush first to deliver them).
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.failLocked(net.ErrClosed)
	c.mu.Unlock()
	return c.conn.Close()
}

// Recv reads the next message. It returns io.EOF when the peer closed the
// connection between messages. A malformed message is logged as OVS logs
// it and fails with an error that matches syscall.EPROTO; after any error
// the connection is unusable and Recv keeps returning that error.
func (c *Conn) Recv() (*Message, error) {
	if c.rerr != nil {
		return nil, c.rerr
	}
	m, err := c.recv()
	if err != nil {
		c.rerr = err
		return nil, err
	}
	return m, nil
}

func (c *Conn) recv() (*Message, error) {
	v, err := c.dec.Decode()
	if err != nil {
		var se *ovsjson.SyntaxError
		switch {
		case errors.As(err, &se):
			log.WarnRL(badMsgRL, "%s: error parsing stream: %s", c.name, se.Error())
			return nil, &MessageError{Msg: se.Error()}
		case errors.Is(err, ovsjson.ErrTooLarge):
			log.WarnRL(badMsgRL, "%s: error parsing stream: %s", c.name, err.Error())
			return nil, &MessageError{Msg: err.Error()}
		case err == io.EOF:
			return nil, io.EOF
		case err == io.ErrUnexpectedEOF:
			return nil, err
		}
		c.mu.Lock()
		closed := c.closed
		c.mu.Unlock()
		if !closed && !errors.Is(err, net.ErrClosed) && !errors.Is(err, syscall.ECONNRESET) &&
			!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				log.WarnRL(ioErrRL, "%s: receive error: %s", c.name, stream.Strerror(err))
			}
		}
		return nil, err
	}
	m, err := FromJSON(v)
	if err != nil {
		log.WarnRL(badMsgRL, "%s: received bad JSON-RPC message: %s", c.name, err.Error())
		return nil, err
	}
	if log.Enabled(vlog.Dbg) {
		log.Dbg("%s: %s", c.name, m.describe(nil, "received"))
	}
	return m, nil
}

// Transact sends req and waits for the reply (or error reply) with the
// same id. Echo requests that arrive meanwhile are answered; other
// messages are dropped, so Transact suits simple clients that do one
// thing at a time. It must not run concurrently with Recv. If ctx ends
// first, the connection is left unusable and ctx's error is returned.
func (c *Conn) Transact(ctx context.Context, req *Message) (*Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := c.Send(req); err != nil {
		return nil, err
	}
	for {
		m, err := c.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		switch {
		case (m.Type == Reply || m.Type == Error) && ovsjson.Equal(m.ID, req.ID):
			return m, nil
		case m.IsEchoRequest():
			c.Send(NewReply(m.Params, m.ID))
		}
	}
}
