package ovsdbserver

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/db/server"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
)

// defaultDSCP is the DSCP OVS puts on its OVSDB connections unless a
// remote's row says otherwise.
const defaultDSCP = 48

// remoteOptions configure one remote: the defaults for a remote named on
// the command line, or what the columns of its row say for one read from
// the database.
type remoteOptions struct {
	// probe is the inactivity probe interval; 0 disables probing.
	probe      time.Duration
	maxBackoff time.Duration // 0: the default
	readOnly   bool
	dscp       int
}

func defaultRemoteOptions(name string) remoteOptions {
	o := remoteOptions{dscp: defaultDSCP}
	if stream.NeedsProbes(name) {
		o.probe = stream.DefaultProbeInterval
	}
	return o
}

// remoteKind says how a remote is driven.
type remoteKind uint8

const (
	// kindListener: a passive remote with a valid name. It listens (or
	// retries listening on every reconfiguration, logging each failure,
	// as OVS does) and serves every connection it accepts.
	kindListener remoteKind = iota
	// kindFSM: an active remote, or a passive one whose name cannot be
	// opened. A reconnect machine connects (or tries to listen), backs
	// off after failures and serves the one connection it makes.
	kindFSM
	// kindDisabled: an SSL remote; there is no SSL stream to open.
	kindDisabled
)

// remote is one open remote.
type remote struct {
	s    *ovsdbServer
	name string
	kind remoteKind

	mu     sync.Mutex
	opts   remoteOptions
	closed bool

	// kindListener
	ln    net.Listener
	port  int // bound TCP port, 0 for punix
	conns map[net.Conn]struct{}

	// kindFSM
	fsm      *stream.Reconnect
	dialName string
	cur      *watchedConn // the live connection, if any
	forced   bool         // ovsdb-server/reconnect asked for a new connection
	poke     chan struct{}
	cancel   context.CancelFunc
	done     chan struct{}
}

func isSSL(name string) bool {
	return strings.HasPrefix(name, "ssl:") || strings.HasPrefix(name, "pssl:")
}

// newRemote opens a remote. It never fails: a remote that cannot be
// opened now is retried as OVS retries it.
func (s *ovsdbServer) newRemote(name string, opts remoteOptions) *remote {
	r := &remote{s: s, name: name, opts: opts}
	r.dialName = stream.WithDefaultPort(name, stream.OVSDBPort)
	if isSSL(name) {
		r.kind = kindDisabled
		logJSONRPC.Err("%s: SSL is not supported, ignoring this remote", name)
		return r
	}
	if stream.IsPassive(name) {
		// As in OVS, a passive name is first opened as a listener; only
		// one that cannot be parsed at all goes to a reconnect machine
		// (which logs its attempts); a listener that fails for another
		// reason is retried on every reconfiguration.
		ln, err := stream.Listen(r.dialName)
		var ne *stream.NameError
		if err == nil || !errors.As(err, &ne) || ne.Err != syscall.EAFNOSUPPORT {
			r.kind = kindListener
			r.conns = make(map[net.Conn]struct{})
			if err != nil {
				logJSONRPC.ErrRL(listenRL, "%s: listen failed: %s", r.name, stream.Strerror(err))
			} else {
				r.serveListener(ln)
			}
			return r
		}
	}
	r.kind = kindFSM
	now := time.Now()
	r.fsm = stream.NewReconnect(name, now)
	r.fsm.SetBackoff(0, opts.maxBackoff)
	// The session probes the live connection; the machine only connects
	// and backs off.
	r.fsm.SetProbeInterval(0)
	r.fsm.SetPassive(stream.IsPassive(name), now)
	r.fsm.Enable(now)
	r.poke = make(chan struct{}, 1)
	r.done = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.runFSM(ctx)
	return r
}

// listen retries listening, for a listener remote that is not listening.
func (r *remote) listen() {
	r.mu.Lock()
	if r.closed || r.ln != nil || r.kind != kindListener {
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	ln, err := stream.Listen(r.dialName)
	if err != nil {
		logJSONRPC.ErrRL(listenRL, "%s: listen failed: %s", r.name, stream.Strerror(err))
		return
	}
	r.serveListener(ln)
}

func (r *remote) serveListener(ln net.Listener) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		ln.Close()
		return
	}
	r.ln = ln
	if a, ok := ln.Addr().(*net.TCPAddr); ok {
		r.port = a.Port
	}
	r.mu.Unlock()
	r.s.trackListener(ln, true)
	go r.accept(ln)
}

func (r *remote) accept(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			r.mu.Lock()
			closed := r.closed
			r.mu.Unlock()
			if closed {
				return
			}
			// Out of descriptors and the like: wait, as OVS's poll
			// loop would, rather than spin.
			logJSONRPC.WarnRL(acceptRL, "%s: accept failed: %s", r.name, stream.Strerror(err))
			time.Sleep(100 * time.Millisecond)
			continue
		}
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			c.Close()
			return
		}
		opts := r.opts
		r.conns[c] = struct{}{}
		r.mu.Unlock()
		setDSCP(c, opts.dscp)
		go func() {
			r.s.srv.ServeConn(jsonrpc.NewConn(c, stream.PeerName(c)), server.SessionOptions{
				ProbeInterval: opts.probe,
				ReadOnly:      opts.readOnly,
				Remote:        r.name,
			})
			r.mu.Lock()
			delete(r.conns, c)
			r.mu.Unlock()
		}()
	}
}

// runFSM drives an active remote (or a passive one that cannot listen):
// connect, serve the connection until it ends, back off, again.
func (r *remote) runFSM(ctx context.Context) {
	defer close(r.done)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		r.mu.Lock()
		if r.closed {
			r.mu.Unlock()
			return
		}
		now := time.Now()
		switch r.fsm.Run(now) {
		case stream.Connect:
			timeout := max(time.Second, r.fsm.Backoff())
			r.mu.Unlock()
			if r.fsm.IsPassive() {
				r.tryListen(ctx)
			} else {
				r.connect(ctx, timeout)
			}
			continue
		case stream.Disconnect:
			r.fsm.Disconnected(now, nil)
		}
		d, ok := r.fsm.Timeout(now)
		r.mu.Unlock()
		if !ok {
			d = time.Hour
		}
		timer.Reset(d)
		select {
		case <-ctx.Done():
			return
		case <-r.poke:
		case <-timer.C:
		}
	}
}

func (r *remote) connect(ctx context.Context, timeout time.Duration) {
	dctx, cancel := context.WithTimeout(ctx, timeout)
	c, err := stream.Dial(dctx, r.dialName)
	cancel()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		if c != nil {
			c.Close()
		}
		return
	}
	now := time.Now()
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = nil // timed out
		}
		r.fsm.ConnectFailed(now, err)
		r.mu.Unlock()
		return
	}
	r.fsm.Connected(now)
	opts := r.opts
	wc := &watchedConn{Conn: c}
	wc.lastRead.Store(now.UnixNano())
	r.cur = wc
	r.mu.Unlock()

	setDSCP(c, opts.dscp)
	r.s.srv.ServeConn(jsonrpc.NewConn(wc, r.name), server.SessionOptions{
		ProbeInterval: opts.probe,
		ReadOnly:      opts.readOnly,
		Remote:        r.name,
	})

	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur = nil
	if r.closed {
		return
	}
	now = time.Now()
	r.fsm.Activity(time.Unix(0, wc.lastRead.Load()))
	readErr := wc.err()
	switch {
	case r.forced:
		// OVS's machine was told to reconnect while connected, and
		// calls what follows a timed-out attempt.
		r.forced = false
		r.fsm.Disconnected(now, nil)
	case errors.Is(readErr, io.EOF):
		r.fsm.Disconnected(now, io.EOF)
	case readErr != nil:
		r.fsm.Disconnected(now, readErr)
	default:
		// The session ended the connection itself (a protocol error,
		// an unanswered probe) and said why already. The machine must
		// not say it again, but what it says about the next attempt
		// is still wanted: say that here, as the machine would have.
		before := r.fsm.Backoff()
		r.fsm.SetQuiet(true)
		r.fsm.Disconnected(now, nil)
		r.fsm.SetQuiet(false)
		after, maxB := r.fsm.Backoff(), r.fsm.MaxBackoff()
		switch {
		case after == maxB && before < maxB:
			logReconnect.Info("%s: continuing to reconnect in the background but suppressing further logging", r.name)
		case after > before && after < maxB && before >= r.fsm.MinBackoff():
			logReconnect.Info("%s: waiting %.3g seconds before reconnect", r.name, after.Seconds())
		}
	}
}

// tryListen is the attempt of a passive remote driven by a machine: one
// whose name does not parse, which fails as OVS's does, or (should the
// name become valid) one that listens and serves until the listener fails.
func (r *remote) tryListen(ctx context.Context) {
	ln, err := stream.Listen(r.dialName)
	r.mu.Lock()
	now := time.Now()
	if err != nil || r.closed {
		if err == nil {
			ln.Close()
		} else if !r.closed {
			r.fsm.ConnectFailed(now, err)
		}
		r.mu.Unlock()
		return
	}
	r.fsm.Connecting(now)
	r.fsm.Listening(now)
	r.ln = ln
	if r.conns == nil {
		r.conns = make(map[net.Conn]struct{})
	}
	r.mu.Unlock()
	r.s.trackListener(ln, true)
	r.accept(ln)
	r.s.trackListener(ln, false)
	r.mu.Lock()
	r.ln = nil
	if !r.closed {
		r.fsm.ListenError(time.Now(), nil)
	}
	r.mu.Unlock()
}

// setOptions applies new options to an open remote. New connections get
// them; a live active connection keeps its probe interval until it ends.
func (r *remote) setOptions(opts remoteOptions) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.opts = opts
	if r.fsm != nil {
		r.fsm.SetBackoff(0, opts.maxBackoff)
	}
}

// forceReconnect makes an active remote drop its connection and connect
// again (ovsdb-server/reconnect). The caller disconnects the sessions.
func (r *remote) forceReconnect() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fsm == nil || r.closed {
		return
	}
	if r.cur != nil {
		r.forced = true
	}
	r.fsm.ForceReconnect(time.Now())
	select {
	case r.poke <- struct{}{}:
	default:
	}
}

// close stops the remote and drops its connections, silently: the caller
// logs that the remote was deconfigured.
func (r *remote) close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	ln := r.ln
	r.ln = nil
	conns := make([]net.Conn, 0, len(r.conns))
	for c := range r.conns {
		conns = append(conns, c)
	}
	cur := r.cur
	r.mu.Unlock()

	if ln != nil {
		ln.Close()
		r.s.trackListener(ln, false)
	}
	for _, c := range conns {
		c.Close()
	}
	if cur != nil {
		cur.Close()
	}
	if r.cancel != nil {
		r.cancel()
		<-r.done
	}
}

// status is what the remote's row gets in its "status" and
// "is_connected" columns, as OVS fills them in.
func (r *remote) status(now time.Time, sessions []server.SessionInfo) (map[string]string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := make(map[string]string)
	switch r.kind {
	case kindDisabled:
		st["state"] = stream.Void.String()
		return st, false
	case kindListener:
		n := 0
		for i := range sessions {
			if sessions[i].Remote == r.name {
				n++
			}
		}
		// OVS reports these two as zero for every listening remote.
		st["sec_since_connect"] = "0"
		st["sec_since_disconnect"] = "0"
		if r.ln != nil && r.port != 0 {
			st["bound_port"] = strconv.Itoa(r.port)
		}
		if n > 1 {
			st["n_connections"] = strconv.Itoa(n)
		}
		return st, n > 0
	}
	stats := r.fsm.Stats(now)
	st["state"] = stats.State.String()
	if stats.SinceConnect >= 0 {
		st["sec_since_connect"] = strconv.Itoa(int(stats.SinceConnect / time.Second))
	}
	if stats.SinceDisconnect >= 0 {
		st["sec_since_disconnect"] = strconv.Itoa(int(stats.SinceDisconnect / time.Second))
	}
	if stats.IsConnected {
		for i := range sessions {
			si := &sessions[i]
			if si.Remote != r.name {
				continue
			}
			if len(si.LocksHeld) > 0 {
				st["locks_held"] = strings.Join(si.LocksHeld, " ")
			}
			if len(si.LocksWaiting) > 0 {
				st["locks_waiting"] = strings.Join(si.LocksWaiting, " ")
			}
		}
	}
	return st, stats.IsConnected
}

// watchedConn is an active remote's socket as its session sees it. It
// notes when data last arrived (the machine's activity, which decides
// whether the next backoff starts over) and how reading ended. A read
// error other than the end of the stream reaches the session as the end
// of the stream: the remote's machine logs it, once, as OVS does.
type watchedConn struct {
	net.Conn
	lastRead atomic.Int64
	mu       sync.Mutex
	readErr  error
}

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.lastRead.Store(time.Now().UnixNano())
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		c.mu.Lock()
		if c.readErr == nil {
			c.readErr = err
		}
		c.mu.Unlock()
		if !errors.Is(err, io.EOF) {
			err = io.EOF
		}
	}
	return n, err
}

func (c *watchedConn) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readErr
}

// setDSCP marks a TCP connection's packets with dscp, as OVS does for its
// OVSDB connections.
func setDSCP(c net.Conn, dscp int) {
	tc, ok := c.(*net.TCPConn)
	if !ok || dscp < 0 || dscp > 63 {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	v6 := false
	if a, ok := tc.LocalAddr().(*net.TCPAddr); ok && a.IP.To4() == nil {
		v6 = true
	}
	raw.Control(func(fd uintptr) {
		if v6 {
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IPV6, unix.IPV6_TCLASS, dscp<<2)
		} else {
			unix.SetsockoptInt(int(fd), unix.IPPROTO_IP, unix.IP_TOS, dscp<<2)
		}
	})
}
