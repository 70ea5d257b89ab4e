package server

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// dbState is one database the server hosts, with what the server keeps
// about it: commit order, recent history, monitors and waiting
// transactions.
type dbState struct {
	srv  *Server
	name string
	// cur is the database and its schema; "convert" replaces both.
	cur atomic.Pointer[dbContents]
	// reserved is set for _Server, which clients may read but not write.
	reserved bool
	// row is this database's row in _Server's Database table.
	row ovsdb.UUID

	// wmu serialises writing transactions together with their
	// persistence and publication, so that the log, the history and
	// every monitor see commits in the same order.
	wmu sync.Mutex

	// mu guards everything below, and the pending state of every monitor
	// on this database.
	mu sync.Mutex
	// lastTxn identifies the latest commit (for monitor_cond_since).
	lastTxn ovsdb.UUID
	// history holds the most recent commits, oldest first; histBase
	// identifies the state before the oldest of them.
	history  []histEntry
	histBase ovsdb.UUID
	// shapes groups monitors that produce identical updates.
	shapes map[string]*shape
	// waiters are the sessions with transactions waiting on this database.
	waiters map[*session]struct{}
	// held are the connections with monitor updates queued by publish
	// that wait for release.
	held []*jsonrpc.Conn

	// seq counts commits; a waiting transaction is retried when it moves.
	seq     atomic.Uint64
	removed atomic.Bool
}

type dbContents struct {
	db     *database.Database
	schema *ovsdb.Schema
}

func (d *dbState) database() *database.Database { return d.cur.Load().db }
func (d *dbState) schema() *ovsdb.Schema        { return d.cur.Load().schema }

type histEntry struct {
	txn    ovsdb.UUID
	commit *database.Commit
}

// shape is a set of monitors with equal tables, columns, selects,
// conditions and update version: one update per commit serves them all.
type shape struct {
	key, base string
	version   updateVersion
	tables    []*monTable
	monitors  []*monitor
}

func newDBState(srv *Server, db *database.Database) *dbState {
	d := &dbState{
		srv:     srv,
		name:    db.Schema().Name,
		shapes:  make(map[string]*shape),
		waiters: make(map[*session]struct{}),
	}
	d.cur.Store(&dbContents{db: db, schema: db.Schema()})
	if srv.historyLen > 0 {
		// The state a database is loaded in gets an identity too, so a
		// client that saw it and reconnects before any change is told
		// its data is current.
		d.lastTxn = ovsdb.NewUUID()
		d.histBase = d.lastTxn
	}
	return d
}

// isReadOnly reports whether a transaction's operations cannot write, so
// that it need not wait for writers (the database makes the same call).
func isReadOnly(ops []ovsjson.Value) bool {
	for i := range ops {
		op, _ := ops[i].Get("op")
		if op.Kind != ovsjson.String {
			return false
		}
		switch op.S {
		case "select", "wait", "comment", "assert", "abort", "commit":
		default:
			return false
		}
	}
	return true
}

// writingOp returns the index and name of the first operation that would
// write, if any.
func writingOp(ops []ovsjson.Value) (int, string, bool) {
	for i := range ops {
		op, _ := ops[i].Get("op")
		if op.Kind != ovsjson.String {
			continue
		}
		switch op.S {
		case "insert", "update", "mutate", "delete":
			return i, op.S, true
		}
	}
	return 0, "", false
}

// clientTransact runs a client's transaction, refusing writes to _Server
// and writes from read-only sessions with OVS's "not allowed" errors.
func (d *dbState) clientTransact(ops []ovsjson.Value, opts database.TxnOptions, readOnly bool) (ovsjson.Value, time.Time) {
	if readOnly || d.reserved {
		if k, op, ok := writingOp(ops); ok {
			var why string
			if readOnly {
				why = op + " operation not allowed when database server is in read only mode"
			} else {
				why = op + " operation not allowed on table in reserved database " + d.name
			}
			return d.refuse(ops, k, opts, why)
		}
	}
	return d.transact(ops, opts)
}

// refuse answers a transaction whose operation k may not write. OVS
// parses an operation completely before it notices that it may not run,
// so a malformed operation k gets its parse error, not "not allowed"; and
// the operations before it run as usual. To get exactly that, the
// operations up to k run followed by an "abort", which makes sure nothing
// is committed, and operation k's success is then replaced by the refusal.
func (d *dbState) refuse(ops []ovsjson.Value, k int, opts database.TxnOptions, why string) (ovsjson.Value, time.Time) {
	abort := ovsjson.NewObject(ovsjson.M("op", ovsjson.NewString("abort")))
	var probe []ovsjson.Value
	if k+1 < len(ops) {
		// Operations after the abort are never looked at, and parse
		// errors still say "operation k of len(ops)".
		probe = append([]ovsjson.Value(nil), ops...)
		probe[k+1] = abort
	} else {
		probe = append(append([]ovsjson.Value(nil), ops...), abort)
	}
	res, _, until, err := d.database().Transact(probe, opts)
	if err != nil {
		return txnErrorResult(err), time.Time{}
	}
	if res.Kind == ovsjson.Null {
		return res, until
	}
	out := make([]ovsjson.Value, len(ops))
	copy(out, res.A[:min(k+1, len(res.A))])
	if k < len(res.A) && opSucceeded(res.A[k]) {
		out[k] = ovsdb.NewError("not allowed", why).ToJSON()
	}
	if len(probe) > len(ops) {
		// The extra abort shows in "Parsing ovsdb operation k of n"
		// messages; say what the client sent.
		from := fmt.Sprintf(" of %d failed", len(probe))
		to := fmt.Sprintf(" of %d failed", len(ops))
		for i := range out {
			if det, ok := out[i].Get("details"); ok && strings.HasPrefix(det.S, "Parsing ovsdb operation ") {
				out[i].Set("details", ovsjson.NewString(strings.Replace(det.S, from, to, 1)))
			}
		}
	}
	return ovsjson.NewArray(out...), time.Time{}
}

// opSucceeded reports whether an operation's result is a success: an
// object without an "error" member, or an insert's result, which
// database.Transact gives as Raw text.
func opSucceeded(v ovsjson.Value) bool {
	return v.Kind == ovsjson.Raw || v.Kind == ovsjson.Object && !v.Has("error")
}

func (d *dbState) addWaiter(ss *session) {
	d.mu.Lock()
	d.waiters[ss] = struct{}{}
	d.mu.Unlock()
}

func (d *dbState) removeWaiter(ss *session) {
	d.mu.Lock()
	delete(d.waiters, ss)
	d.mu.Unlock()
}

// transact runs one attempt of a transaction. A nil result with a
// non-zero waitUntil means a "wait" is not yet satisfied.
func (d *dbState) transact(ops []ovsjson.Value, opts database.TxnOptions) (ovsjson.Value, time.Time) {
	if isReadOnly(ops) {
		res, _, until, err := d.database().Transact(ops, opts)
		if err != nil {
			return txnErrorResult(err), time.Time{}
		}
		return res, until
	}
	d.wmu.Lock()
	defer d.wmu.Unlock()
	if d.removed.Load() {
		return ovsjson.NewArray(ovsdb.NewError(ovsdb.ErrIO, "database "+d.name+" is being removed").ToJSON()), time.Time{}
	}
	res, commit, until, err := d.database().Transact(ops, opts)
	if err != nil {
		return txnErrorResult(err), time.Time{}
	}
	if commit != nil {
		if err := d.persist(commit); err != nil {
			res.A = append(res.A, ioErrorJSON(err))
			return res, time.Time{}
		}
		d.publish(commit)
	}
	return res, until
}

// persist hands a commit to the server's commit hook. If the hook fails,
// the commit is undone so that the database stays as its file has it.
func (d *dbState) persist(c *database.Commit) error {
	hook := d.srv.opts.Commit
	if hook == nil || d.reserved {
		return nil
	}
	err := hook(d.name, c)
	if err == nil {
		return nil
	}
	log.Err("%s: %v", d.name, err)
	if uerr := d.database().ApplyFileRecord(undoRecord(c)); uerr != nil {
		log.Err("%s: could not undo transaction after storage failure: %v", d.name, uerr)
	}
	return err
}

func ioErrorJSON(err error) ovsjson.Value {
	if e, ok := err.(*ovsdb.Error); ok {
		return e.ToJSON()
	}
	return ovsdb.NewError(ovsdb.ErrIO, err.Error()).ToJSON()
}

func txnErrorResult(err error) ovsjson.Value {
	return ovsjson.NewArray(ioErrorJSON(err))
}

// undoRecord returns a database file record that reverses c: inserted rows
// deleted, deleted rows inserted again with their old contents, modified
// columns given back their old values.
func undoRecord(c *database.Commit) ovsjson.Value {
	members := []ovsjson.Member{ovsjson.M("_date", ovsjson.NewInt(time.Now().UnixMilli()))}
	for _, tc := range c.Changes {
		rows := make([]ovsjson.Member, 0, len(tc.Rows))
		for j := range tc.Rows {
			rc := &tc.Rows[j]
			var v ovsjson.Value
			switch {
			case rc.Old == nil:
				v = ovsjson.Value{}
			case rc.New == nil:
				v = rc.Old.ToJSON(tc.Table, nil)
			default:
				m := make([]ovsjson.Member, 0, len(rc.Changed))
				for _, idx := range rc.Changed {
					if idx < 2 {
						continue
					}
					col := tc.Table.AllColumns[idx]
					m = append(m, ovsjson.M(col.Name, rc.Old.Fields[idx].ToJSON(&col.Type)))
				}
				v = ovsjson.NewObject(m...)
			}
			rows = append(rows, ovsjson.Member{Key: rc.UUID.String(), Value: v})
		}
		members = append(members, ovsjson.M(tc.Table.Name, ovsjson.NewObject(rows...)))
	}
	return ovsjson.NewObject(members...)
}

// publish records a commit in the history and queues its updates. It runs
// with d.wmu held, so commits are published in commit order. The updates
// are held back (jsonrpc.Conn.SendNotifyHeld) until release: the
// committing session's reply carries its own monitors' updates out ahead
// of it, in one write, and only then are the other clients written to.
// The committing client, whose next request waits for that reply, thus
// gets it first, and the server writes the other clients' updates while
// the request is on its way, instead of idling for the round trip after
// them; it is also what OVS does, answering the committer before it
// flushes the other sessions' monitors.
func (d *dbState) publish(c *database.Commit) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seq.Add(1)
	txn := d.lastTxn
	if n := d.srv.historyLen; n > 0 {
		txn = ovsdb.NewUUID()
		d.lastTxn = txn
		if len(d.history) == n {
			d.histBase = d.history[0].txn
			copy(d.history, d.history[1:])
			d.history[n-1] = histEntry{}
			d.history = d.history[:n-1]
		}
		d.history = append(d.history, histEntry{txn: txn, commit: c})
	}
	w := getComposer()
	defer putComposer(w)
	for _, sh := range d.shapes {
		composed := false
		var raw ovsjson.Value
		for _, m := range sh.monitors {
			if m.behind || m.s.congested() {
				m.pending.add(c, m.tables)
				m.behind = true
				m.s.anyBehind.Store(true)
				m.s.wake()
				continue
			}
			if !composed {
				w.version = sh.version
				if b := w.composeCommit(sh.tables, c); b != nil {
					raw = ovsjson.NewRaw(string(b))
				}
				composed = true
			}
			if raw.Kind == ovsjson.Raw {
				m.s.sendUpdateHeld(m, raw, txn)
				d.held = append(d.held, m.s.conn)
			}
		}
	}
	for s := range d.waiters {
		s.wake()
	}
}

// release sends the monitor updates publish held back. Whoever runs a
// transaction calls it once the reply is out (or at once if there is no
// one to reply to).
func (d *dbState) release() { d.releaseHeld(d.takeHeld()) }

// takeHeld takes the connections publish held updates on, for
// releaseHeld; nil if there are none.
func (d *dbState) takeHeld() []*jsonrpc.Conn {
	d.mu.Lock()
	held := d.held
	if len(held) == 0 {
		d.mu.Unlock()
		return nil
	}
	d.held = nil
	d.mu.Unlock()
	return held
}

func (d *dbState) releaseHeld(held []*jsonrpc.Conn) {
	if len(held) == 0 {
		return
	}
	for i, c := range held {
		c.Release()
		held[i] = nil
	}
	if cap(held) <= 1024 {
		d.mu.Lock()
		if d.held == nil {
			d.held = held[:0]
		}
		d.mu.Unlock()
	}
}

// changesSince merges the commits after txn, or reports that txn is not in
// the history.
func (d *dbState) changesSince(txn ovsdb.UUID, tables []*monTable) (cs changeSet, found bool) {
	if txn == (ovsdb.UUID{}) || d.srv.historyLen <= 0 {
		return cs, false
	}
	if txn == d.lastTxn {
		return cs, true
	}
	if txn == d.histBase {
		for _, h := range d.history {
			cs.add(h.commit, tables)
		}
		return cs, true
	}
	for i, h := range d.history {
		if h.txn == txn {
			for _, later := range d.history[i+1:] {
				cs.add(later.commit, tables)
			}
			return cs, true
		}
	}
	return cs, false
}

var composers = sync.Pool{New: func() any { return new(composer) }}

func getComposer() *composer { return composers.Get().(*composer) }

func putComposer(w *composer) {
	if cap(w.buf) > 1<<20 {
		w.buf = nil
	}
	composers.Put(w)
}
