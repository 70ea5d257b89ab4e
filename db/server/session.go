package server

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

var acceptRL = vlog.NewRateLimit(5, 5)

// SessionOptions configure one client connection.
type SessionOptions struct {
	// ProbeInterval is how long the client may stay silent before the
	// server sends an inactivity probe (an echo request), and how long
	// it then has to answer before it is disconnected. Zero disables
	// probing, which is OVS's default for unix sockets; OVS's default for
	// TCP is 5 seconds (stream.DefaultProbeInterval).
	ProbeInterval time.Duration
	// ReadOnly refuses every operation that would change a database, and
	// locks, as OVS does for a remote whose read_only column is true.
	ReadOnly bool
	// Remote labels the remote the connection came in on (e.g.
	// "ptcp:6640"), for Server.Sessions.
	Remote string
}

// session is one client connection. One goroutine (run) handles the
// client's messages in order and owns the session's monitors and waiting
// transactions; a second one only reads. Other goroutines (committers on
// other sessions, the lock manager) reach a session only through send,
// wake and disconnect, which never block.
type session struct {
	srv  *Server
	conn *jsonrpc.Conn
	name string
	opts SessionOptions

	in     chan *jsonrpc.Message
	readOK chan struct{} // closed when the reader stops
	rerr   error         // the reader's error, set before readOK closes
	// lastRecv is when the reader last got a message (Unix nanoseconds).
	lastRecv atomic.Int64

	wakeCh   chan struct{}
	calls    chan func()
	taskMu   sync.Mutex
	tasks    []func()
	quit     chan struct{}
	quitOnce sync.Once
	quitMsg  string // why we disconnect (logged), set before quit closes
	done     chan struct{}
	created  time.Time
	fsmMu    sync.Mutex
	fsm      *stream.Reconnect
	fedRecv  int64 // the lastRecv last given to fsm
	flushing atomic.Bool
	// anyBehind is set when a monitor of the session starts holding
	// changes back.
	anyBehind atomic.Bool
	sendError atomic.Bool
	sendErr   atomic.Pointer[error]

	dbChangeAware atomic.Bool
	locksLost     atomic.Int64

	// Owned by run.
	monitors  map[string]*monitor
	triggers  []*trigger
	waitingOn map[*dbState]bool
	nTrig     atomic.Int64
}

// monitor is one monitor a session created.
type monitor struct {
	s       *session
	d       *dbState
	key     string // jsonKey(id)
	version updateVersion

	// schema is the database schema the monitor was made for.
	schema *ovsdb.Schema

	// Guarded by d.mu: the publisher reads them.
	id      ovsjson.Value
	tables  []*monTable
	sh      *shape
	behind  bool
	pending changeSet
}

// trigger is a transaction waiting for a "wait" to be satisfied.
type trigger struct {
	id    ovsjson.Value
	key   string
	d     *dbState
	ops   []ovsjson.Value
	first time.Time
	until time.Time
	// seq is the database's commit count at the last attempt.
	seq uint64
	// cur is the database contents it was made for; after a "convert"
	// it is canceled rather than run against the new schema.
	cur *dbContents
}

// ServeConn serves one client connection and returns when it ends. The
// connection is closed on return.
func (s *Server) ServeConn(c *jsonrpc.Conn, opts SessionOptions) {
	ss := s.newSession(c, opts)
	if ss == nil {
		c.Close()
		return
	}
	ss.run()
}

// Serve accepts connections from l and serves each with ServeConn until l
// fails or is closed. Accepted connections are named as OVS names them
// (stream.PeerName). It returns nil if l was closed.
func (s *Server) Serve(l net.Listener, opts SessionOptions) error {
	for {
		c, err := l.Accept()
		if err != nil {
			switch {
			case errors.Is(err, net.ErrClosed):
				return nil
			case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE),
				errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.ENOBUFS):
				// Out of descriptors for now: keep listening, as
				// OVS does, once some have been given back.
				log.WarnRL(acceptRL, "accept failed: %s", stream.Strerror(err))
				time.Sleep(100 * time.Millisecond)
				continue
			}
			return err
		}
		go s.ServeConn(jsonrpc.NewConn(c, stream.PeerName(c)), opts)
	}
}

func (s *Server) newSession(c *jsonrpc.Conn, opts SessionOptions) *session {
	now := time.Now()
	ss := &session{
		srv:       s,
		conn:      c,
		name:      c.Name(),
		opts:      opts,
		in:        make(chan *jsonrpc.Message),
		readOK:    make(chan struct{}),
		wakeCh:    make(chan struct{}, 1),
		calls:     make(chan func()),
		quit:      make(chan struct{}),
		done:      make(chan struct{}),
		created:   now,
		monitors:  make(map[string]*monitor),
		waitingOn: make(map[*dbState]bool),
	}
	ss.fsm = stream.NewReconnect(ss.name, now)
	ss.fsm.SetQuiet(true)
	ss.fsm.SetProbeInterval(opts.ProbeInterval)
	ss.fsm.SetMaxTries(0)
	ss.fsm.Connected(now)
	ss.lastRecv.Store(now.UnixNano())
	c.SetMaxBacklog(s.opts.MaxBacklog)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.sessions[ss] = struct{}{}
	return ss
}

func (ss *session) reader() {
	defer close(ss.readOK)
	for {
		m, err := ss.conn.Recv()
		if err != nil {
			ss.rerr = err
			return
		}
		ss.lastRecv.Store(time.Now().UnixNano())
		select {
		case ss.in <- m:
		case <-ss.quit:
			return
		}
	}
}

func (ss *session) run() {
	defer ss.cleanup()
	go ss.reader()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		ss.runTasks()
		now := time.Now()
		if !ss.probe(now) {
			return
		}
		ss.runTriggers(now)
		congested := ss.congested()
		if !congested {
			ss.flushMonitors()
		} else {
			ss.awaitDrain()
		}
		if ss.sendError.Load() {
			return
		}

		in := ss.in
		if congested {
			// Stop reading: the client has to take its replies
			// before it gets to ask for more.
			in = nil
		}
		timer.Reset(ss.nextTimeout(now))
		select {
		case m := <-in:
			if !ss.handle(m) {
				return
			}
		case <-ss.readOK:
			// Handle what the reader delivered before it stopped.
			return
		case fn := <-ss.calls:
			fn()
		case <-ss.wakeCh:
		case <-timer.C:
		case <-ss.quit:
			return
		}
	}
}

// post arranges for fn to run on the session's goroutine, without waiting
// (so that one session may post to another without risk of deadlock).
func (ss *session) post(fn func()) {
	ss.taskMu.Lock()
	ss.tasks = append(ss.tasks, fn)
	ss.taskMu.Unlock()
	ss.wake()
}

func (ss *session) runTasks() {
	ss.taskMu.Lock()
	tasks := ss.tasks
	ss.tasks = nil
	ss.taskMu.Unlock()
	for _, fn := range tasks {
		fn()
	}
}

// call runs fn on the session's goroutine and waits for it, so that fn may
// use what run owns. It returns false, without running fn, if the session
// has ended.
func (ss *session) call(fn func()) bool {
	ran := make(chan struct{})
	select {
	case ss.calls <- func() { fn(); close(ran) }:
		<-ran
		return true
	case <-ss.done:
		return false
	}
}

// probe runs the inactivity probe machine; false means disconnect.
func (ss *session) probe(now time.Time) bool {
	ss.fsmMu.Lock()
	defer ss.fsmMu.Unlock()
	// The reader notes when it last got a message (even one that run has
	// not taken yet, while the session holds back).
	if last := ss.lastRecv.Load(); last != ss.fedRecv {
		ss.fedRecv = last
		ss.fsm.Activity(time.Unix(0, last))
	}
	switch ss.fsm.Run(now) {
	case stream.Probe:
		ss.send(jsonrpc.NewEcho())
	case stream.Disconnect:
		return false
	}
	return true
}

func (ss *session) nextTimeout(now time.Time) time.Duration {
	d := time.Hour
	ss.fsmMu.Lock()
	if t, ok := ss.fsm.Timeout(now); ok && t < d {
		d = t
	}
	ss.fsmMu.Unlock()
	for _, t := range ss.triggers {
		if t.until.IsZero() || t.until.Equal(database.Forever) {
			continue
		}
		if w := t.until.Sub(now); w < d {
			d = max(w, 0)
		}
	}
	return d
}

func (ss *session) cleanup() {
	// Stop the reader if it is still waiting to deliver.
	ss.quitOnce.Do(func() { close(ss.quit) })
	if ss.quitMsg != "" {
		// We are hanging up: what we said last (say, the reply to
		// "convert") should still get out, as it does from OVS, whose
		// sends go straight to the socket.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		ss.conn.Flush(ctx)
		cancel()
	}
	ss.conn.Close()
	<-ss.readOK

	// Log how the connection ended as OVS's reconnect module does (for
	// an accepted connection only a failure shows at the default level).
	err, report := ss.rerr, true
	switch {
	case ss.quitMsg != "":
		err = nil // we hung up, and said why
	case errors.Is(err, net.ErrClosed):
		// The reader stopped because we closed the connection: the
		// session ended for another reason.
		err = nil
		if e := ss.sendErr.Load(); e != nil {
			err = *e
		} else {
			report = false // the probe machine said why
		}
	}
	ss.fsmMu.Lock()
	if report && ss.fsm.IsConnected() {
		ss.fsm.Disconnected(time.Now(), err)
	}
	ss.fsmMu.Unlock()

	for _, m := range ss.monitors {
		m.remove()
	}
	ss.monitors = nil
	for d := range ss.waitingOn {
		d.removeWaiter(ss)
	}
	ss.triggers = nil
	ss.nTrig.Store(0)
	ss.srv.locks.release(ss)

	ss.srv.mu.Lock()
	delete(ss.srv.sessions, ss)
	ss.srv.mu.Unlock()
	close(ss.done)
}

// disconnect makes the session end, logging why. It may be called from
// any goroutine.
func (ss *session) disconnect(reason string) {
	ss.quitOnce.Do(func() {
		log.Info("%s: disconnecting (%s)", ss.name, reason)
		ss.quitMsg = reason
		close(ss.quit)
	})
}

// close ends the session without a log line (the server is shutting down).
func (ss *session) close() { ss.stop("server closing") }

// stop ends the session without a log line.
func (ss *session) stop(reason string) {
	ss.quitOnce.Do(func() {
		ss.quitMsg = reason
		close(ss.quit)
	})
}

func (ss *session) wake() {
	select {
	case ss.wakeCh <- struct{}{}:
	default:
	}
}

func (ss *session) send(m *jsonrpc.Message) {
	if err := ss.conn.Send(m); err != nil {
		ss.sendFailed(err)
	}
}

// sendFailed records the first send error. (A separate function, so that
// the error variable of every send does not move to the heap.)
func (ss *session) sendFailed(err error) {
	if ss.sendError.CompareAndSwap(false, true) {
		ss.sendErr.Store(&err)
		ss.wake()
	}
}

func (ss *session) notify(method string, params ovsjson.Value) {
	ss.send(jsonrpc.NewNotify(method, params))
}

// congested reports whether the client is so far behind in reading that
// the server should hold back.
func (ss *session) congested() bool {
	return ss.conn.Backlog() > congestionThreshold
}

// awaitDrain arranges for the session to be woken once its backlog has
// been written out.
func (ss *session) awaitDrain() {
	if !ss.flushing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-ss.quit:
				cancel()
			case <-ctx.Done():
			}
		}()
		ss.conn.Flush(ctx)
		cancel()
		ss.flushing.Store(false)
		ss.wake()
	}()
}

// handle processes one message; false means disconnect.
func (ss *session) handle(m *jsonrpc.Message) bool {
	switch m.Type {
	case jsonrpc.Request:
		ss.handleRequest(m)
		return true
	case jsonrpc.Notify:
		if m.Method == "cancel" {
			ss.cancel(m.Params)
		}
		return true
	case jsonrpc.Reply:
		if m.IsEchoReply() {
			return true
		}
		log.Warn("%s: received unexpected reply message", ss.name)
		ss.stop("unexpected reply")
		return false
	default:
		log.Warn("%s: received unexpected error message", ss.name)
		ss.stop("unexpected error")
		return false
	}
}

// errUnknownMethod and friends are the plain-string errors OVS replies
// with.
var (
	errUnknownMethod     = ovsjson.NewString("unknown method")
	errInvalidParameters = ovsjson.NewString("invalid parameters")
	errUnknownMonitor    = ovsjson.NewString("unknown monitor")
	errCanceled          = ovsjson.NewString("canceled")
	errReadOnlyLock      = ovsjson.NewString("lock and unlock methods not allowed, DB server is read only.")
)

func (ss *session) reply(id, result ovsjson.Value) {
	ss.send(jsonrpc.NewReply(result, id))
}

// replyNow is reply with jsonrpc.Conn.SendNow (see attempt).
func (ss *session) replyNow(id, result ovsjson.Value) {
	if err := ss.conn.SendNow(jsonrpc.NewReply(result, id)); err != nil {
		ss.sendFailed(err)
	}
}

func (ss *session) replyError(id ovsjson.Value, err error) {
	var v ovsjson.Value
	if e, ok := err.(*ovsdb.Error); ok {
		v = e.ToJSON()
	} else {
		v = ovsdb.NewError(ovsdb.ErrInternal, err.Error()).ToJSON()
	}
	ss.send(jsonrpc.NewError(v, id))
}

func (ss *session) handleRequest(m *jsonrpc.Message) {
	p := m.Params
	switch m.Method {
	case "transact":
		ss.transact(m.ID, p)
	case "monitor":
		ss.monitor(m.ID, p, updateV1)
	case "monitor_cond", "monitor_cond_since":
		if !ss.srv.monitorCondEnabled() {
			ss.send(jsonrpc.NewError(errUnknownMethod, m.ID))
			return
		}
		v := updateV2
		if m.Method == "monitor_cond_since" {
			v = updateV3
		}
		ss.monitor(m.ID, p, v)
	case "monitor_cond_change":
		ss.condChange(m.ID, p)
	case "monitor_cancel":
		ss.monitorCancel(m.ID, p)
	case "get_schema":
		d, err := ss.database(p, "get_schema")
		if err != nil {
			ss.replyError(m.ID, err)
			return
		}
		ss.reply(m.ID, d.schema().ToJSON())
	case "list_dbs":
		names := ss.srv.DatabaseNames()
		a := make([]ovsjson.Value, len(names))
		for i, n := range names {
			a[i] = ovsjson.NewString(n)
		}
		ss.reply(m.ID, ovsjson.NewArray(a...))
	case "lock", "steal", "unlock":
		ss.lock(m.ID, p, m.Method)
	case "echo":
		ss.reply(m.ID, p)
	case "set_db_change_aware":
		if len(p.A) != 1 || !p.A[0].IsBool() {
			ss.replyError(m.ID, ovsdb.NewSyntaxError(p, "set_db_change_aware: true or false parameter expected"))
			return
		}
		ss.dbChangeAware.Store(p.A[0].Bool())
		ss.reply(m.ID, ovsjson.NewObject())
	case "get_server_id":
		ss.reply(m.ID, ovsjson.NewString(ss.srv.id.String()))
	case "convert":
		ss.convert(m.ID, p)
	default:
		ss.send(jsonrpc.NewError(errUnknownMethod, m.ID))
	}
}

// database looks up the database a request's params begin with.
func (ss *session) database(p ovsjson.Value, method string) (*dbState, error) {
	if len(p.A) == 0 || p.A[0].Kind != ovsjson.String {
		return nil, ovsdb.NewSyntaxError(p, "%s request params must begin with <db-name>", method)
	}
	d := ss.srv.lookup(p.A[0].S)
	if d == nil {
		return nil, &ovsdb.Error{Tag: ovsdb.ErrUnknownDatabase,
			Details: method + " request specifies unknown database " + p.A[0].S, Syntax: p.String()}
	}
	return d, nil
}

func (ss *session) lock(id, p ovsjson.Value, method string) {
	if ss.opts.ReadOnly {
		ss.send(jsonrpc.NewError(errReadOnlyLock, id))
		return
	}
	if len(p.A) != 1 || p.A[0].Kind != ovsjson.String || !ovsdb.IsID(p.A[0].S) {
		ss.replyError(id, ovsdb.NewSyntaxError(p, "%s request params must be <id>", method))
		return
	}
	name := p.A[0].S
	lm := ss.srv.locks
	switch method {
	case "lock":
		got, err := lm.lock(ss, name)
		if err != nil {
			ss.replyError(id, err)
			return
		}
		ss.reply(id, ovsjson.NewObject(ovsjson.M("locked", ovsjson.NewBool(got))))
	case "steal":
		if err := lm.steal(ss, name); err != nil {
			ss.replyError(id, err)
			return
		}
		ss.reply(id, ovsjson.NewObject(ovsjson.M("locked", ovsjson.NewBool(true))))
	default:
		if err := lm.unlock(ss, name); err != nil {
			ss.replyError(id, err)
			return
		}
		ss.reply(id, ovsjson.NewObject())
	}
}

// transact handles a "transact" request.
func (ss *session) transact(id, p ovsjson.Value) {
	d, err := ss.database(p, "transact")
	if err != nil {
		ss.replyError(id, err)
		return
	}
	key := jsonKey(id)
	for _, t := range ss.triggers {
		if t.key == key {
			ss.replyError(id, ovsdb.NewSyntaxError(p, "transact: duplicate request ID"))
			return
		}
	}
	now := time.Now()
	t := &trigger{id: id, key: key, d: d, ops: p.A[1:], first: now, cur: d.cur.Load()}
	if ss.attempt(t, now) {
		return
	}
	ss.triggers = append(ss.triggers, t)
	ss.triggersChanged()
}

// attempt tries a transaction once and replies if it completed.
func (ss *session) attempt(t *trigger, now time.Time) bool {
	if t.d.removed.Load() || t.d.cur.Load() != t.cur {
		// cancelDatabase answers it, after canceling the monitors.
		return false
	}
	opts := database.TxnOptions{
		Now:          now,
		FirstAttempt: t.first,
		LockHeld:     func(name string) bool { return ss.srv.locks.held(ss, name) },
	}
	t.seq = t.d.seq.Load()
	res, until := t.d.clientTransact(t.ops, opts, ss.opts.ReadOnly)
	if res.Kind == ovsjson.Null && !until.IsZero() {
		t.until = until
		return false
	}
	// The client's monitors must show the commit before the reply does.
	ss.flushMonitorsOf(t.d)
	if held := t.d.takeHeld(); held != nil {
		// The commit has updates for monitors, held back so that
		// the reply, which the client may be waiting for to send
		// its next transaction, goes first, together with the
		// client's own updates (queued ahead of it), in one write.
		ss.replyNow(t.id, res)
		t.d.releaseHeld(held)
	} else {
		ss.reply(t.id, res)
	}
	return true
}

// runTriggers retries waiting transactions whose database changed or
// whose timeout passed.
func (ss *session) runTriggers(now time.Time) {
	if len(ss.triggers) == 0 {
		return
	}
	kept := ss.triggers[:0]
	for _, t := range ss.triggers {
		due := !t.until.After(now) || t.d.seq.Load() != t.seq
		if due && ss.attempt(t, now) {
			continue
		}
		kept = append(kept, t)
	}
	clear(ss.triggers[len(kept):])
	ss.triggers = kept
	ss.triggersChanged()
}

// triggersChanged keeps the databases' lists of waiting sessions and the
// trigger count in step with ss.triggers.
func (ss *session) triggersChanged() {
	ss.nTrig.Store(int64(len(ss.triggers)))
	for d := range ss.waitingOn {
		ss.waitingOn[d] = false
	}
	for _, t := range ss.triggers {
		if _, ok := ss.waitingOn[t.d]; !ok {
			t.d.addWaiter(ss)
		}
		ss.waitingOn[t.d] = true
	}
	for d, still := range ss.waitingOn {
		if !still {
			d.removeWaiter(ss)
			delete(ss.waitingOn, d)
		}
	}
}

// cancel handles a "cancel" notification: the waiting transaction with the
// given request id is abandoned and answered with a "canceled" error, as
// RFC 7047 section 4.1.4 specifies. (OVS 3.1 drops it without a reply.)
func (ss *session) cancel(p ovsjson.Value) {
	if len(p.A) != 1 {
		return
	}
	key := jsonKey(p.A[0])
	for i, t := range ss.triggers {
		if t.key == key {
			ss.triggers = append(ss.triggers[:i], ss.triggers[i+1:]...)
			ss.triggersChanged()
			ss.send(jsonrpc.NewError(errCanceled, t.id))
			return
		}
	}
}

// dropDatabase runs when d is removed from the server while this
// change-aware session is connected: its monitors of d are canceled
// (monitor_canceled) and its transactions waiting on d answered with
// "canceled", in that order, as OVS does.
func (ss *session) dropDatabase(d *dbState) {
	ss.call(func() { ss.cancelDatabase(d) })
}

// cancelDatabase cancels the session's monitors of d that are no longer
// attached (d was removed or converted) and its transactions waiting on d.
func (ss *session) cancelDatabase(d *dbState) {
	for key, m := range ss.monitors {
		if m.d != d {
			continue
		}
		d.mu.Lock()
		dead := m.sh == nil
		d.mu.Unlock()
		if dead {
			delete(ss.monitors, key)
			ss.notify("monitor_canceled", ovsjson.NewArray(m.id))
		}
	}
	kept := ss.triggers[:0]
	for _, t := range ss.triggers {
		if t.d == d {
			ss.send(jsonrpc.NewError(errCanceled, t.id))
			continue
		}
		kept = append(kept, t)
	}
	clear(ss.triggers[len(kept):])
	ss.triggers = kept
	ss.triggersChanged()
}
