package jsonrpc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"syscall"
	"time"

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
// message stream with a hole in it is useless.
var ErrBacklog = fmt.Errorf("send queue overflow: %w", syscall.ENOBUFS)

// Conn is one JSON-RPC connection. One goroutine may call Recv (or
// Transact) while any number call Send.
type Conn struct {
	conn net.Conn
	name string
	dec  *ovsjson.Decoder
	rerr error // sticky receive error

	mu         sync.Mutex
	cond       sync.Cond
	out        []byte // queued bytes not yet taken by the writer
	spare      []byte
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
	jc.cond.L = &jc.mu
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
	if log.Enabled(vlog.Dbg) {
		log.Dbg("%s: %s", c.name, m.describe(nil, "send"))
	}
	c.mu.Lock()
	if c.werr != nil {
		err := c.werr
		c.mu.Unlock()
		return err
	}
	n0 := len(c.out)
	c.out = m.AppendJSON(c.out)
	return c.queuedLocked(n0)
}

// SendNotify is Send(NewNotify(method, ovsjson.NewArray(params...))) without
// building the message: a server sends one notification per client for
// every change its monitors see, and this way each costs a copy of its
// bytes and nothing else.
func (c *Conn) SendNotify(method string, params ...ovsjson.Value) error {
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
	return c.queuedLocked(n0)
}

// queuedLocked accounts for the message just appended to c.out at n0 (or
// takes it back if it overflows the queue) and unlocks c.mu.
func (c *Conn) queuedLocked(n0 int) error {
	n := len(c.out) - n0
	if c.backlog > 0 && c.backlog+n > c.maxBacklog {
		c.out = c.out[:n0]
		c.failLocked(ErrBacklog)
		c.mu.Unlock()
		log.WarnRL(ioErrRL, "%s: send error: %s", c.name, stream.Strerror(ErrBacklog))
		c.conn.Close()
		return ErrBacklog
	}
	c.backlog += n
	c.cond.Broadcast()
	c.mu.Unlock()
	return nil
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
	c.cond.Broadcast()
}

func (c *Conn) writer() {
	defer close(c.writerDone)
	c.mu.Lock()
	for {
		for len(c.out) == 0 && c.werr == nil {
			c.cond.Wait()
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
			// A peer that went away is reported by the reader as
			// the end of the stream; only other failures are worth
			// a warning.
			if !c.closed && !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
				log.WarnRL(ioErrRL, "%s: send error: %s", c.name, stream.Strerror(err))
			}
			c.failLocked(err)
			c.mu.Unlock()
			c.conn.Close()
			return
		}
		c.cond.Broadcast()
	}
}

// Flush waits until everything queued has been written to the socket, the
// connection fails, or ctx ends.
func (c *Conn) Flush(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.backlog > 0 && c.werr == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.cond.Wait()
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
