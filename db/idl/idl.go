package idl

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

var (
	log = vlog.NewModule("ovsdb_idl")
	// A confused server can produce many bad cells at once.
	badCellRL = vlog.NewRateLimit(5, 5)
)

// Options tune an IDL.
type Options struct {
	// Retry keeps reconnecting forever. Without it the IDL makes one
	// connection attempt and, once that fails or the connection drops,
	// is no longer alive: ovs-vsctl's behaviour without --retry.
	Retry bool
	// ProbeInterval overrides the inactivity probe interval (default:
	// 5 s for tcp remotes, none for unix ones, as in OVS); negative
	// disables probes.
	ProbeInterval time.Duration
	// MinBackoff and MaxBackoff override the waits between reconnection
	// attempts (default 1 s to 8 s).
	MinBackoff, MaxBackoff time.Duration
	// AssumeSchema skips the get_schema exchange: the monitor request
	// goes out at once with the client schema's tables and columns, and
	// only if the server refuses it (it lacks something, or is too old)
	// is its schema fetched and the request made the usual way, with
	// OVS's warnings about what is missing. The vswitch schema is about
	// 100 kB on the wire, which is a noticeable share of a short-lived
	// ovs-vsctl run. Until such a fallback, ServerSchema reports the
	// client schema.
	AssumeSchema bool
}

// ErrClosed is returned by operations on a closed IDL.
var ErrClosed = errors.New("idl: closed")

// ConnectionError says that the IDL could not reach the database and has
// given up. Its text is what ovs-vsctl prints after its program name.
type ConnectionError struct {
	Remote string
	Err    error // the last connection error, nil if not known
}

func (e *ConnectionError) Error() string {
	if e.Err == nil {
		return e.Remote + ": database connection failed"
	}
	return fmt.Sprintf("%s: database connection failed (%s)", e.Remote, stream.Strerror(e.Err))
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// IDL is a replica of one database on a server. See the package
// documentation for which goroutine may call what.
type IDL struct {
	remote string
	schema *ovsdb.Schema
	opts   Options
	tables map[string]*Table
	// tableList is the tables in schema (name) order.
	tableList []*Table

	// mu is held for writing while Run changes the replica; goroutines
	// other than the owner read under RLock.
	mu sync.RWMutex

	// The owner's view, changed only by Run.
	seqno          uint64
	synced         bool // connected and the replica is in sync
	everSynced     bool
	dead           bool
	deadErr        error
	hasLock        bool
	lockContended  bool
	condSeqno      uint64
	resyncNeeded   bool
	started        bool
	registeredSome bool

	// changed is closed and cleared when the seqno changes; cmu guards
	// it so that readers holding RLock can ask for it.
	cmu     sync.Mutex
	changed chan struct{}

	// The queue of work for Run, filled by the connection goroutine.
	qmu   sync.Mutex
	queue []event
	wake  chan struct{}

	// lmu guards the connection state, shared by the connection
	// goroutine and the owner's requests (commits, locks, conditions).
	lmu  sync.Mutex
	conn connState

	sess     *jsonrpc.Session
	monid    ovsjson.Value
	loopDone chan struct{}
	closed   bool
}

// New returns an IDL for the database described by schema (its name
// names the database) on remote ("unix:PATH", "tcp:IP:PORT", or several
// separated by commas). It does nothing until Start; register the tables
// and columns to replicate first.
func New(remote string, schema *ovsdb.Schema, opts Options) *IDL {
	idl := &IDL{
		remote: remote,
		schema: schema,
		opts:   opts,
		tables: make(map[string]*Table, len(schema.Tables)),
		wake:   make(chan struct{}, 1),
	}
	for _, name := range schema.TableNames {
		t := newTable(idl, schema.Tables[name])
		idl.tables[name] = t
		idl.tableList = append(idl.tableList, t)
	}
	idl.conn.init()
	idl.monid = ovsjson.NewArray(ovsjson.NewString("monid"), ovsjson.NewString(schema.Name))
	return idl
}

// Schema returns the client schema given to New.
func (idl *IDL) Schema() *ovsdb.Schema { return idl.schema }

// Remote returns the remote given to New.
func (idl *IDL) Remote() string { return idl.remote }

// Table returns the table called name, or nil if the schema has none.
func (idl *IDL) Table(name string) *Table { return idl.tables[name] }

// Tables returns every table of the schema, in name order.
func (idl *IDL) Tables() []*Table { return idl.tableList }

// Column returns table.column, or nil.
func (idl *IDL) Column(table, column string) *Column {
	t := idl.tables[table]
	if t == nil {
		return nil
	}
	return t.byName[column]
}

func (idl *IDL) lookup(table, column string) (*Table, *Column, error) {
	t := idl.tables[table]
	if t == nil {
		return nil, nil, fmt.Errorf("idl: %s database has no table %q", idl.schema.Name, table)
	}
	if column == "" {
		return t, nil, nil
	}
	c := t.byName[column]
	if c == nil {
		return nil, nil, fmt.Errorf("idl: table %s has no column %q", table, column)
	}
	return t, c, nil
}

var errStarted = errors.New("idl: registration must come before Start")

// Register asks for the rows of table, with the given columns, to be
// replicated. With no columns, only which rows exist is replicated. Once
// anything is registered, only what is registered is replicated; with
// nothing registered at Start, everything is.
func (idl *IDL) Register(table string, columns ...string) error {
	if idl.started {
		return errStarted
	}
	t, _, err := idl.lookup(table, "")
	if err != nil {
		return err
	}
	for _, name := range columns {
		_, c, err := idl.lookup(table, name)
		if err != nil {
			return err
		}
		if c.Schema.Index == ovsdb.VersionColumnIndex {
			return fmt.Errorf("idl: column _version cannot be replicated")
		}
		c.registered = true
	}
	t.registered = true
	idl.registeredSome = true
	return nil
}

// RegisterTable asks for every column of table to be replicated.
func (idl *IDL) RegisterTable(table string) error {
	t, _, err := idl.lookup(table, "")
	if err != nil {
		return err
	}
	return idl.Register(table, t.Schema.ColumnNames...)
}

// Omit keeps table.column out of the replica while still allowing
// transactions to write it: a write-only column, like the statistics
// ovs-vswitchd reports. It takes precedence over Register.
func (idl *IDL) Omit(table, column string) error {
	if idl.started {
		return errStarted
	}
	_, c, err := idl.lookup(table, column)
	if err != nil {
		return err
	}
	c.omitted = true
	return nil
}

// OmitAlert replicates table.column but does not bump the sequence number
// (and so does not wake the owner) when only such columns change: for
// columns the owner writes itself.
func (idl *IDL) OmitAlert(table, column string) error {
	if idl.started {
		return errStarted
	}
	_, c, err := idl.lookup(table, column)
	if err != nil {
		return err
	}
	c.noAlert = true
	return nil
}

// Track makes the given tables (all, if none are named) record changes;
// see Table.Changes and ClearTracked. Call it from the owner goroutine.
func (idl *IDL) Track(tables ...string) error {
	if len(tables) == 0 {
		for _, t := range idl.tableList {
			t.track = true
		}
		return nil
	}
	for _, name := range tables {
		t, _, err := idl.lookup(name, "")
		if err != nil {
			return err
		}
		t.track = true
	}
	return nil
}

// ClearTracked forgets the changes recorded so far: the owner has acted
// on them.
func (idl *IDL) ClearTracked() {
	for _, t := range idl.tableList {
		t.changes = nil
	}
}

// layout fixes which columns are replicated and their slots.
func (idl *IDL) layout() {
	all := !idl.registeredSome
	for _, t := range idl.tableList {
		if all {
			t.registered = true
		}
		t.slots = t.slots[:0]
		for _, c := range t.columns {
			c.slot = -1
			if c.Schema.Index < 2 || c.omitted || !(all || c.registered) {
				continue
			}
			c.slot = len(t.slots)
			t.slots = append(t.slots, c)
		}
	}
}

// Start begins connecting.
func (idl *IDL) Start() {
	if idl.started {
		return
	}
	idl.started = true
	idl.layout()
	sess := jsonrpc.NewSession(idl.remote)
	if !idl.opts.Retry {
		sess.SetMaxTries(0)
	}
	if idl.opts.ProbeInterval < 0 {
		sess.SetProbeInterval(0)
	} else if idl.opts.ProbeInterval > 0 {
		sess.SetProbeInterval(idl.opts.ProbeInterval)
	}
	if idl.opts.MinBackoff > 0 || idl.opts.MaxBackoff > 0 {
		min, max := idl.opts.MinBackoff, idl.opts.MaxBackoff
		if min <= 0 {
			min = stream.DefaultMinBackoff
		}
		if max <= 0 {
			max = stream.DefaultMaxBackoff
		}
		sess.SetBackoff(min, max)
	}
	idl.lmu.Lock()
	idl.sess = sess
	idl.lmu.Unlock()
	idl.loopDone = make(chan struct{})
	go idl.loop(sess)
	sess.Start()
}

// Close disconnects and stops the IDL; transactions still waiting for a
// reply fail with "try again". Call it from the owner goroutine.
func (idl *IDL) Close() error {
	if idl.closed {
		return nil
	}
	idl.closed = true
	if idl.sess != nil {
		idl.sess.Close()
		<-idl.loopDone
	}
	idl.Run()
	idl.lmu.Lock()
	txns := idl.conn.takeTxns()
	idl.lmu.Unlock()
	for _, t := range txns {
		t.finish(Error, ErrClosed)
	}
	idl.dead = true
	idl.deadErr = ErrClosed
	return nil
}

// RLock and RUnlock let goroutines other than the owner read the replica
// while Run is kept from changing it.
func (idl *IDL) RLock()   { idl.mu.RLock() }
func (idl *IDL) RUnlock() { idl.mu.RUnlock() }

// Seqno returns a number that increases whenever the replica's contents
// change (except columns registered with OmitAlert), the connection is
// established or lost, or the lock is acquired or lost.
func (idl *IDL) Seqno() uint64 { return idl.seqno }

// IsConnected reports whether the IDL is connected and its replica in sync
// with the server, as of the last Run.
func (idl *IDL) IsConnected() bool { return idl.synced }

// HasEverConnected reports whether the replica has ever been in sync.
func (idl *IDL) HasEverConnected() bool { return idl.everSynced }

// IsAlive reports whether the IDL still has a connection or will try to
// make one.
func (idl *IDL) IsAlive() bool { return !idl.dead }

// Err returns why the IDL is no longer alive: a *ConnectionError, or
// ErrClosed.
func (idl *IDL) Err() error {
	if !idl.dead {
		return nil
	}
	return idl.deadErr
}

// LastError returns the error of the last failed connection or
// connection attempt, nil if there was none.
func (idl *IDL) LastError() error {
	if idl.sess == nil {
		return nil
	}
	return idl.sess.LastError()
}

// ForceReconnect drops the connection and makes a new one, which reloads
// the replica.
func (idl *IDL) ForceReconnect() {
	if idl.sess != nil {
		idl.sess.ForceReconnect()
	}
}

// Wait returns a channel that becomes readable when Run has work to do.
// Only the owner goroutine should wait on it.
func (idl *IDL) Wait() <-chan struct{} { return idl.wake }

// Run applies what arrived from the server to the replica: updates,
// transaction replies, lock and connection changes. It reports whether the
// sequence number changed. Only the owner goroutine calls it.
func (idl *IDL) Run() bool {
	// Draining under mu keeps events in order even if Run is ever
	// called from two goroutines.
	idl.mu.Lock()
	idl.qmu.Lock()
	evs := idl.queue
	idl.queue = nil
	idl.qmu.Unlock()
	if len(evs) == 0 {
		idl.mu.Unlock()
		return false
	}
	before := idl.seqno
	for i := range evs {
		idl.handle(&evs[i])
		evs[i] = event{}
	}
	idl.mu.Unlock()
	if idl.seqno != before {
		idl.cmu.Lock()
		if idl.changed != nil {
			close(idl.changed)
			idl.changed = nil
		}
		idl.cmu.Unlock()
	}
	if idl.resyncNeeded {
		idl.resyncNeeded = false
		idl.requestResync()
	}
	return idl.seqno != before
}

// Changed returns a channel that is closed when the sequence number next
// changes. Unlike Wait, it may be used by any goroutine, which then reads
// the replica under RLock; the owner must keep calling Run.
func (idl *IDL) Changed() <-chan struct{} {
	idl.cmu.Lock()
	defer idl.cmu.Unlock()
	if idl.changed == nil {
		idl.changed = make(chan struct{})
	}
	return idl.changed
}

// WaitForChange runs the IDL until the sequence number differs from
// seqno. It fails if ctx ends or the IDL dies.
func (idl *IDL) WaitForChange(ctx context.Context, seqno uint64) error {
	return idl.WaitUntil(ctx, func() bool { return idl.seqno != seqno })
}

// WaitUntil runs the IDL until cond, evaluated after every Run that
// changed something (and once at the start), is true. It fails if ctx ends
// or the IDL dies first. ovs-vsctl waits for cur_cfg this way.
func (idl *IDL) WaitUntil(ctx context.Context, cond func() bool) error {
	idl.Run()
	for {
		if cond() {
			return nil
		}
		if idl.dead {
			return idl.deadErr
		}
		select {
		case <-idl.wake:
		case <-ctx.Done():
			return ctx.Err()
		}
		idl.Run()
	}
}

// WaitConnected runs the IDL until its replica is in sync with the
// server.
func (idl *IDL) WaitConnected(ctx context.Context) error {
	return idl.WaitUntil(ctx, idl.IsConnected)
}

// HasLock reports whether the IDL holds the lock set by SetLock.
func (idl *IDL) HasLock() bool { return idl.hasLock }

// IsLockContended reports whether the lock is wanted but another client
// holds it.
func (idl *IDL) IsLockContended() bool { return idl.lockContended }

// CondSeqno returns the number of condition changes the server has
// acknowledged; SetCondition returns the value this reaches once its
// condition is in effect.
func (idl *IDL) CondSeqno() uint64 { return idl.condSeqno }

// push queues an event for Run and wakes the owner.
func (idl *IDL) push(evs ...event) {
	idl.qmu.Lock()
	idl.queue = append(idl.queue, evs...)
	idl.qmu.Unlock()
	select {
	case idl.wake <- struct{}{}:
	default:
	}
}

type evKind uint8

const (
	evUpdate evKind = iota
	evSynced
	evDisconnected
	evDead
	evTxnReply
	evTxnFail
	evLock
	evCondAck
)

// event is one piece of work for Run.
type event struct {
	kind      evKind
	batch     *batch
	txn       *Txn
	msg       *jsonrpc.Message
	status    Status
	err       error
	has       bool
	contended bool
	seqno     uint64
}

func (idl *IDL) handle(ev *event) {
	switch ev.kind {
	case evUpdate:
		alert, err := idl.applyBatch(ev.batch)
		if err != nil {
			log.Warn("%s: %v; reloading", idl.remote, err)
			idl.resyncNeeded = true
		}
		if alert {
			idl.seqno++
		}
	case evSynced:
		idl.synced = true
		idl.everSynced = true
		idl.seqno++
	case evDisconnected:
		if idl.synced || idl.hasLock {
			idl.seqno++
		}
		idl.synced = false
		idl.hasLock = false
		idl.lockContended = false
	case evDead:
		idl.dead = true
		idl.synced = false
		idl.hasLock = false
		idl.deadErr = ev.err
		idl.seqno++
	case evTxnReply:
		ev.txn.processReply(ev.msg)
	case evTxnFail:
		ev.txn.finish(ev.status, ev.err)
	case evLock:
		if idl.hasLock != ev.has || idl.lockContended != ev.contended {
			idl.hasLock = ev.has
			idl.lockContended = ev.contended
			idl.seqno++
		}
	case evCondAck:
		if ev.seqno > idl.condSeqno {
			idl.condSeqno = ev.seqno
			idl.seqno++
		}
	}
}

// GetSchema fetches the schema of database db from remote, for tools that
// replicate a database whose schema they do not embed (the shell, say).
func GetSchema(ctx context.Context, remote, db string) (*ovsdb.Schema, error) {
	nc, err := stream.Dial(ctx, remote)
	if err != nil {
		return nil, &ConnectionError{Remote: remote, Err: err}
	}
	c := jsonrpc.NewConn(nc, remote)
	defer c.Close()
	reply, err := c.Transact(ctx, jsonrpc.NewRequest("get_schema", ovsjson.NewArray(ovsjson.NewString(db))))
	if err != nil {
		return nil, &ConnectionError{Remote: remote, Err: err}
	}
	if reply.Type == jsonrpc.Error {
		if e := errorFromJSON(reply.Error); e != nil {
			return nil, e
		}
		return nil, errors.New(rpcErrorText(reply.Error))
	}
	return ovsdb.ParseSchema(reply.Result)
}
