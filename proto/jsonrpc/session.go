package jsonrpc

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/govs/ovs/internal/stream"
)

// ErrNotConnected is returned by Session.Send while there is no connection.
var ErrNotConnected = errors.New("not connected")

// EventKind says what happened on a session.
type EventKind uint8

const (
	// Connected: a connection is up. Anything sent before (a monitor
	// request, a lock) must be sent again.
	Connected EventKind = iota
	// Received: Msg arrived. Echo requests and replies to our probes are
	// handled by the session and never show up here.
	Received
	// Disconnected: the connection is gone; Err says why (io.EOF:
	// closed by the peer; nil: we dropped it).
	Disconnected
)

func (k EventKind) String() string {
	switch k {
	case Connected:
		return "connected"
	case Received:
		return "received"
	}
	return "disconnected"
}

// Event is one thing that happened on a session.
type Event struct {
	Kind EventKind
	Msg  *Message
	Err  error
	// Seqno identifies the connection the event belongs to; it changes
	// on every connect and disconnect.
	Seqno uint
}

// Session is a JSON-RPC connection that survives its connections: it
// connects to one of its remotes, reconnects with backoff when the
// connection fails, probes an idle connection with echo requests and drops
// it when they go unanswered, and answers the peer's echo requests. What
// happens is reported on the Events channel, in order.
//
// A session made by NewAcceptedSession wraps a connection a server
// accepted: it probes and answers echoes the same way but never
// reconnects; its events channel closes after the Disconnected event.
type Session struct {
	remotes []string
	next    int
	oneShot bool

	mu     sync.Mutex
	fsm    *stream.Reconnect
	conn   *Conn
	remote string // of the current connection or attempt
	// reading is closed by the reader goroutine of the current
	// connection when it exits.
	reading chan struct{}

	// ctx is cancelled by Close; it bounds connection attempts.
	ctx    context.Context
	cancel context.CancelFunc

	events    chan Event
	wake      chan struct{}
	readErr   chan readFailure
	done      chan struct{}
	closeOnce sync.Once
	started   bool
	stopped   chan struct{}
}

type readFailure struct {
	conn *Conn
	err  error
}

// NewSession returns a session for remotes: one connection method, or
// several separated by commas (and optional spaces), which are tried in
// turn. Inactivity probes default to 5 seconds for tcp remotes and are
// off for unix ones, as in OVS. Call Start to begin connecting.
func NewSession(remotes string) *Session {
	var list []string
	for _, r := range strings.Split(remotes, ",") {
		if r = strings.TrimSpace(r); r != "" {
			list = append(list, r)
		}
	}
	if len(list) == 0 {
		list = []string{remotes}
	}
	now := time.Now()
	s := newSession(list, stream.NewReconnect(list[0], now))
	probe := time.Duration(0)
	for _, r := range list {
		if stream.NeedsProbes(r) {
			probe = stream.DefaultProbeInterval
		}
	}
	s.fsm.SetProbeInterval(probe)
	if len(list) > 1 {
		s.fsm.SetBackoffFreeTries(len(list))
	}
	s.fsm.Enable(now)
	return s
}

// NewAcceptedSession wraps a connection accepted by a server. probe is the
// inactivity probe interval (0: none). Call Start to begin reading.
func NewAcceptedSession(c *Conn, probe time.Duration) *Session {
	now := time.Now()
	fsm := stream.NewReconnect(c.Name(), now)
	fsm.SetQuiet(true)
	fsm.SetProbeInterval(probe)
	fsm.SetMaxTries(0)
	fsm.Connected(now)
	s := newSession([]string{c.Name()}, fsm)
	s.oneShot = true
	s.conn = c
	s.remote = c.Name()
	return s
}

func newSession(remotes []string, fsm *stream.Reconnect) *Session {
	ctx, cancel := context.WithCancel(context.Background())
	return &Session{
		ctx:     ctx,
		cancel:  cancel,
		remotes: remotes,
		fsm:     fsm,
		events:  make(chan Event, 16),
		wake:    make(chan struct{}, 1),
		readErr: make(chan readFailure, 1),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
}

// SetProbeInterval changes the inactivity probe interval (0: off).
func (s *Session) SetProbeInterval(d time.Duration) {
	s.mu.Lock()
	s.fsm.SetProbeInterval(d)
	s.mu.Unlock()
	s.poke()
}

// SetBackoff sets the range of waits between connection attempts.
func (s *Session) SetBackoff(min, max time.Duration) {
	s.mu.Lock()
	s.fsm.SetBackoff(min, max)
	s.mu.Unlock()
	s.poke()
}

// SetMaxTries limits the connection attempts (negative: unlimited); once
// they are used up the session stops and closes its events channel.
func (s *Session) SetMaxTries(n int) {
	s.mu.Lock()
	s.fsm.SetMaxTries(n)
	s.mu.Unlock()
}

// Events delivers what happens on the session. It is closed when the
// session stops (Close, or a one-shot session's connection ending).
func (s *Session) Events() <-chan Event { return s.events }

// Start begins connecting (or reading, for an accepted session).
func (s *Session) Start() {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return
	}
	s.started = true
	if s.conn != nil {
		s.reading = make(chan struct{})
		go s.read(s.conn, s.reading, s.fsm.Seqno())
	}
	s.mu.Unlock()
	go s.run()
}

// Send sends m on the current connection.
func (s *Session) Send(m *Message) error {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return ErrNotConnected
	}
	return c.Send(m)
}

// IsConnected reports whether there is a live connection.
func (s *Session) IsConnected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn != nil && s.fsm.IsConnected()
}

// Seqno changes on every connect and disconnect.
func (s *Session) Seqno() uint {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fsm.Seqno()
}

// Name returns the remote of the current connection or attempt.
func (s *Session) Name() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.remote != "" {
		return s.remote
	}
	return s.remotes[0]
}

// Stats reports the reconnection statistics, for status columns.
func (s *Session) Stats() stream.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fsm.Stats(time.Now())
}

// LastError returns the last connection error, or nil.
func (s *Session) LastError() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fsm.LastError()
}

// Backlog returns the bytes queued on the current connection.
func (s *Session) Backlog() int {
	s.mu.Lock()
	c := s.conn
	s.mu.Unlock()
	if c == nil {
		return 0
	}
	return c.Backlog()
}

// ForceReconnect drops the current connection (or attempt) and makes a new
// one.
func (s *Session) ForceReconnect() {
	s.mu.Lock()
	s.fsm.ForceReconnect(time.Now())
	s.mu.Unlock()
	s.poke()
}

// Close stops the session and closes its connection. The events channel
// is closed once the session's goroutines are done.
func (s *Session) Close() error {
	s.mu.Lock()
	started := s.started
	s.started = true // a later Start must not run
	c := s.conn
	s.mu.Unlock()
	s.closeOnce.Do(func() {
		close(s.done)
		s.cancel()
		if !started {
			if c != nil {
				c.Close()
			}
			close(s.events)
			close(s.stopped)
		}
	})
	if c != nil {
		c.Close()
	}
	<-s.stopped
	return nil
}

func (s *Session) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Session) emit(ev Event) bool {
	select {
	case s.events <- ev:
		return true
	case <-s.done:
		return false
	}
}

// run drives the reconnect machine: it is the only goroutine that
// connects and disconnects, so the Connected and Disconnected events it
// emits are in order with each other; it waits for a connection's reader
// to finish before reporting the disconnection, so Received events of a
// connection always come between its Connected and Disconnected.
func (s *Session) run() {
	defer close(s.stopped)
	defer close(s.events)
	defer s.disconnect(nil)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		s.mu.Lock()
		action := s.fsm.Run(now)
		s.mu.Unlock()
		switch action {
		case stream.Connect:
			if !s.connect() {
				return
			}
			continue
		case stream.Disconnect:
			s.disconnect(nil)
		case stream.Probe:
			s.Send(NewEcho())
		}

		s.mu.Lock()
		if !s.fsm.IsEnabled() && s.conn == nil {
			s.mu.Unlock()
			return
		}
		d, ok := s.fsm.Timeout(time.Now())
		s.mu.Unlock()
		if !ok {
			d = time.Hour
		}
		timer.Reset(d)
		select {
		case <-s.done:
			return
		case f := <-s.readErr:
			s.mu.Lock()
			current := f.conn == s.conn
			s.mu.Unlock()
			if current {
				s.disconnect(f.err)
			}
		case <-s.wake:
		case <-timer.C:
		}
	}
}

// connect makes one connection attempt. It returns false if the session
// was closed meanwhile.
func (s *Session) connect() bool {
	s.mu.Lock()
	remote := s.remotes[s.next%len(s.remotes)]
	s.next++
	s.remote = remote
	s.fsm.SetName(remote)
	now := time.Now()
	s.fsm.Connecting(now)
	timeout, _ := s.fsm.Timeout(now)
	s.mu.Unlock()

	ctx, cancel := context.WithTimeout(s.ctx, timeout)
	nc, err := stream.Dial(ctx, remote)
	cancel()
	if s.ctx.Err() != nil {
		if nc != nil {
			nc.Close()
		}
		return false
	}
	now = time.Now()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = nil // logged as "connection attempt timed out"
		}
		s.mu.Lock()
		s.fsm.ConnectFailed(now, err)
		s.mu.Unlock()
		return true
	}
	c := NewConn(nc, remote)
	s.mu.Lock()
	s.conn = c
	s.fsm.Connected(now)
	seq := s.fsm.Seqno()
	s.mu.Unlock()
	if !s.emit(Event{Kind: Connected, Seqno: seq}) {
		return false // run's cleanup closes the connection
	}
	// The reader starts only now, so that nothing received on this
	// connection can overtake its Connected event.
	reading := make(chan struct{})
	s.mu.Lock()
	s.reading = reading
	s.mu.Unlock()
	go s.read(c, reading, seq)
	return true
}

// disconnect drops the current connection, if any, and reports it.
func (s *Session) disconnect(err error) {
	s.mu.Lock()
	c := s.conn
	reading := s.reading
	s.conn = nil
	s.reading = nil
	if c != nil {
		s.fsm.Disconnected(time.Now(), err)
	}
	seq := s.fsm.Seqno()
	s.mu.Unlock()
	if c == nil {
		return
	}
	c.Close()
	if reading != nil {
		<-reading
	}
	s.emit(Event{Kind: Disconnected, Err: err, Seqno: seq})
	// A read failure already queued for this connection is stale now.
	select {
	case f := <-s.readErr:
		if f.conn != c {
			s.readErr <- f
		}
	default:
	}
}

func (s *Session) read(c *Conn, reading chan struct{}, seq uint) {
	defer close(reading)
	for {
		m, err := c.Recv()
		if err != nil {
			select {
			case s.readErr <- readFailure{c, err}:
			case <-s.done:
			}
			return
		}
		// Activity only pushes the probe deadline later, so the run
		// loop need not be woken: its timer finds nothing to do and
		// re-arms.
		s.mu.Lock()
		if s.conn == c {
			s.fsm.Activity(time.Now())
		}
		s.mu.Unlock()
		switch {
		case m.IsEchoRequest():
			c.Send(NewReply(m.Params, m.ID))
			continue
		case m.IsEchoReply():
			continue
		}
		if !s.emit(Event{Kind: Received, Msg: m, Seqno: seq}) {
			return
		}
	}
}
