package idl

import (
	"fmt"
	"slices"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// monitorMethod is a generation of OVSDB's monitor request. A connection
// starts with the newest and falls back when the server says "unknown
// method", as OVS's IDL does.
type monitorMethod uint8

const (
	methodMonitor monitorMethod = iota // RFC 7047 monitor, "update"
	methodCond                         // monitor_cond, "update2"
	methodSince                        // monitor_cond_since, "update3"
)

func (m monitorMethod) String() string {
	switch m {
	case methodSince:
		return "monitor_cond_since"
	case methodCond:
		return "monitor_cond"
	}
	return "monitor"
}

type phase uint8

const (
	phaseIdle phase = iota
	phaseSchemaRequested
	phaseMonitorRequested
	phaseMonitoring
)

type reqKind uint8

const (
	reqSchema reqKind = iota
	reqMonitor
	reqCondChange
	reqLock
	reqUnlock
	reqTxn
)

// request is what a request we sent was for.
type request struct {
	kind      reqKind
	txn       *Txn
	name      string // lock name
	condSeqno uint64
	method    monitorMethod
	// assumed: a monitor request sent without asking for the schema
	// (Options.AssumeSchema).
	assumed bool
}

// connState is the protocol state, guarded by IDL.lmu.
type connState struct {
	phase  phase
	seqno  uint // session seqno of the current connection
	method monitorMethod
	reqs   map[int64]request

	serverSchema *ovsdb.Schema
	// monitorCols is the "columns" of each table's monitor request.
	monitorCols map[*Table]ovsjson.Value
	// lastTxnID is the id of the last transaction reflected in the
	// replica, for monitor_cond_since (zero: none, reload everything).
	lastTxnID ovsdb.UUID
	// fullReload: the replica went wrong; only a complete copy will do,
	// whatever transaction ids arrive meanwhile.
	fullReload bool

	lockName  string
	lockSteal bool

	conds        map[*Table][]Clause
	condWanted   uint64 // bumped by every SetCondition
	condSent     uint64 // the conditions last sent
	condAcked    uint64 // the conditions the replica was filtered by
	condInFlight bool
	warnedNoCond bool

	// protoErr is why the last connection was given up on the
	// protocol level (the server lacks our database, say).
	protoErr error

	// nResumed counts monitor_cond_since replies that continued from
	// lastTxnID instead of sending everything.
	nResumed int

	// assumeRefused: a monitor request made with Options.AssumeSchema
	// was refused, so this IDL asks for the schema from now on.
	assumeRefused bool
}

func (c *connState) init() {
	c.reqs = make(map[int64]request)
	c.conds = make(map[*Table][]Clause)
}

// takeTxns removes and returns the transactions awaiting replies.
func (c *connState) takeTxns() []*Txn {
	var txns []*Txn
	for id, r := range c.reqs {
		if r.kind == reqTxn {
			txns = append(txns, r.txn)
			delete(c.reqs, id)
		}
	}
	// Fail them in the order they were sent.
	slices.SortFunc(txns, func(a, b *Txn) int { return int(a.reqID - b.reqID) })
	return txns
}

// monitorID is the <json-value> naming our monitor, the one OVS's IDL
// uses: ["monid", <db-name>].
func (idl *IDL) monitorID() ovsjson.Value { return idl.monid }

// send sends a request and remembers what it was for. lmu is held.
func (idl *IDL) send(method string, params ovsjson.Value, r request) (int64, bool) {
	m := jsonrpc.NewRequest(method, params)
	if err := idl.sess.Send(m); err != nil {
		return 0, false
	}
	idl.conn.reqs[m.ID.I] = r
	return m.ID.I, true
}

// loop is the connection goroutine: it follows the session's events,
// drives the protocol and turns what arrives into work for Run.
func (idl *IDL) loop(sess *jsonrpc.Session) {
	defer close(idl.loopDone)
	for ev := range sess.Events() {
		switch ev.Kind {
		case jsonrpc.Connected:
			idl.onConnected(ev.Seqno)
		case jsonrpc.Disconnected:
			idl.onDisconnected()
		case jsonrpc.Received:
			idl.onMessage(ev.Msg)
		}
	}
	idl.lmu.Lock()
	txns := idl.conn.takeTxns()
	idl.conn.phase = phaseIdle
	err := idl.conn.protoErr
	idl.lmu.Unlock()
	if err == nil {
		err = sess.LastError()
	}
	evs := failEvents(txns)
	evs = append(evs, event{kind: evDead, err: &ConnectionError{Remote: idl.remote, Err: err}})
	idl.push(evs...)
}

func failEvents(txns []*Txn) []event {
	evs := make([]event, 0, len(txns)+1)
	for _, t := range txns {
		evs = append(evs, event{kind: evTxnFail, txn: t, status: TryAgain})
	}
	return evs
}

func (idl *IDL) onConnected(seqno uint) {
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	c := &idl.conn
	clear(c.reqs)
	c.phase = phaseSchemaRequested
	c.seqno = seqno
	c.method = methodSince
	c.condInFlight = false
	if idl.opts.AssumeSchema && !c.assumeRefused {
		c.serverSchema = idl.schema
		c.monitorCols = idl.monitorColumns(idl.schema)
		idl.sendMonitor(true)
	} else {
		idl.send("get_schema", ovsjson.NewArray(ovsjson.NewString(idl.schema.Name)), request{kind: reqSchema})
	}
	if c.lockName != "" {
		idl.sendLock()
	}
}

// sendLock asks for the lock. lmu is held.
func (idl *IDL) sendLock() {
	c := &idl.conn
	method := "lock"
	if c.lockSteal {
		method = "steal"
		c.lockSteal = false
	}
	idl.send(method, ovsjson.NewArray(ovsjson.NewString(c.lockName)), request{kind: reqLock, name: c.lockName})
}

func (idl *IDL) onDisconnected() {
	idl.lmu.Lock()
	c := &idl.conn
	txns := c.takeTxns()
	clear(c.reqs)
	c.phase = phaseIdle
	c.condInFlight = false
	idl.lmu.Unlock()
	evs := failEvents(txns)
	evs = append(evs, event{kind: evDisconnected})
	idl.push(evs...)
}

// resync drops the connection and reloads everything on the next one:
// the replica can no longer be trusted to match the server.
func (idl *IDL) requestResync() {
	idl.lmu.Lock()
	idl.conn.lastTxnID = ovsdb.UUID{}
	idl.conn.fullReload = true
	sess := idl.sess
	idl.lmu.Unlock()
	if sess != nil {
		sess.ForceReconnect()
	}
}

func (idl *IDL) onMessage(m *jsonrpc.Message) {
	switch m.Type {
	case jsonrpc.Notify, jsonrpc.Request:
		idl.onNotify(m)
	case jsonrpc.Reply, jsonrpc.Error:
		if m.ID.Kind != ovsjson.Integer {
			return
		}
		idl.lmu.Lock()
		r, ok := idl.conn.reqs[m.ID.I]
		delete(idl.conn.reqs, m.ID.I)
		idl.lmu.Unlock()
		if ok {
			idl.onReply(m, r)
		}
	}
}

func (idl *IDL) onNotify(m *jsonrpc.Message) {
	params := m.Params.A
	switch m.Method {
	case "update", "update2", "update3":
		if len(params) < 2 || !ovsjson.Equal(params[0], idl.monitorID()) {
			return
		}
		var (
			b      *batch
			err    error
			txnID  ovsdb.UUID
			hasTxn bool
		)
		switch m.Method {
		case "update":
			b, err = idl.parseTableUpdates(params[1])
		case "update2":
			b, err = idl.parseTableUpdates2(params[1])
		case "update3":
			if len(params) < 3 {
				err = fmt.Errorf("update3 has %d parameters", len(params))
				break
			}
			txnID, err = parseUUIDString(params[1])
			hasTxn = true
			if err == nil {
				b, err = idl.parseTableUpdates2(params[2])
			}
		}
		idl.lmu.Lock()
		if idl.conn.phase != phaseMonitoring {
			idl.lmu.Unlock()
			return
		}
		if err != nil {
			idl.lmu.Unlock()
			log.Warn("%s: received bad %s: %v; reloading", idl.remote, m.Method, err)
			idl.requestResync()
			return
		}
		if hasTxn {
			idl.conn.lastTxnID = txnID
		}
		idl.push(event{kind: evUpdate, batch: b})
		idl.lmu.Unlock()
	case "locked", "stolen":
		if len(params) != 1 || params[0].Kind != ovsjson.String {
			return
		}
		idl.lmu.Lock()
		if params[0].S == idl.conn.lockName {
			if m.Method == "locked" {
				idl.push(event{kind: evLock, has: true})
			} else {
				log.Info("%s: lock %s stolen by another client", idl.remote, params[0].S)
				idl.push(event{kind: evLock, has: false, contended: true})
			}
		}
		idl.lmu.Unlock()
	case "monitor_canceled":
		log.Info("%s: server canceled monitor, reloading", idl.remote)
		idl.requestResync()
	}
}

func (idl *IDL) onReply(m *jsonrpc.Message, r request) {
	switch r.kind {
	case reqSchema:
		idl.onSchemaReply(m)
	case reqMonitor:
		idl.onMonitorReply(m, r)
	case reqCondChange:
		idl.lmu.Lock()
		defer idl.lmu.Unlock()
		c := &idl.conn
		c.condInFlight = false
		if m.Type == jsonrpc.Error {
			log.Warn("%s: monitor_cond_change failed: %s", idl.remote, m.Error.String())
			// The condition did not take; try again on a fresh
			// connection.
			c.lastTxnID = ovsdb.UUID{}
			c.fullReload = true
			idl.sess.ForceReconnect()
			return
		}
		c.condAcked = r.condSeqno
		idl.push(event{kind: evCondAck, seqno: r.condSeqno})
		if c.condWanted != c.condSent {
			idl.sendCondChange()
		}
	case reqLock:
		if m.Type != jsonrpc.Reply {
			log.Warn("%s: lock request failed: %s", idl.remote, m.Error.String())
			return
		}
		locked, _ := m.Result.Get("locked")
		idl.lmu.Lock()
		if r.name == idl.conn.lockName {
			idl.push(event{kind: evLock, has: locked.Bool(), contended: !locked.Bool()})
		}
		idl.lmu.Unlock()
	case reqTxn:
		idl.push(event{kind: evTxnReply, txn: r.txn, msg: m})
	}
}

func (idl *IDL) onSchemaReply(m *jsonrpc.Message) {
	var schema *ovsdb.Schema
	var err error
	if m.Type == jsonrpc.Error {
		err = fmt.Errorf("%s", rpcErrorText(m.Error))
	} else {
		schema, err = idl.serverSchemaFrom(m.Result)
	}
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	if idl.conn.phase != phaseSchemaRequested {
		return
	}
	if err != nil {
		log.Warn("%s: error getting %s schema: %v", idl.remote, idl.schema.Name, err)
		idl.conn.protoErr = err
		idl.sess.ForceReconnect()
		return
	}
	idl.conn.serverSchema = schema
	idl.conn.monitorCols = idl.monitorColumns(schema)
	idl.sendMonitor(false)
}

// monitorColumns returns, for each registered table the server has, the
// "columns" to ask for: the registered ones the server has, with OVS's
// complaint about the others.
func (idl *IDL) monitorColumns(server *ovsdb.Schema) map[*Table]ovsjson.Value {
	m := make(map[*Table]ovsjson.Value)
	for _, t := range idl.tableList {
		if !t.registered {
			continue
		}
		st := server.Tables[t.Name]
		if st == nil {
			log.Warn("%s database lacks %s table (database needs upgrade?)", idl.schema.Name, t.Name)
			continue
		}
		cols := make([]ovsjson.Value, 0, len(t.slots))
		for _, col := range t.slots {
			if st.Columns[col.Name] == nil {
				log.Warn("%s table in %s database lacks %s column (database needs upgrade?)", t.Name, idl.schema.Name, col.Name)
				continue
			}
			cols = append(cols, ovsjson.NewString(col.Name))
		}
		m[t] = ovsjson.NewArray(cols...)
	}
	return m
}

// rpcErrorText renders a JSON-RPC error value: an OVSDB error object as
// "tag: details" (its "syntax" is only our own request quoted back),
// anything else as JSON.
func rpcErrorText(v ovsjson.Value) string {
	if v.Kind == ovsjson.String {
		return v.S
	}
	if e := errorFromJSON(v); e != nil {
		e.Syntax = ""
		return e.Error()
	}
	return v.String()
}

// sendMonitor sends the monitor request for the current method; assumed
// says that the server's schema was not asked for. lmu is held.
func (idl *IDL) sendMonitor(assumed bool) {
	c := &idl.conn
	c.phase = phaseMonitorRequested
	var reqs []ovsjson.Member
	for _, t := range idl.tableList {
		cols, ok := c.monitorCols[t]
		if !ok {
			continue
		}
		req := []ovsjson.Member{ovsjson.M("columns", cols)}
		if cls, ok := c.conds[t]; ok && c.method != methodMonitor {
			req = append(req, ovsjson.M("where", clausesJSON(t, cls)))
		}
		reqs = append(reqs, ovsjson.M(t.Name, ovsjson.NewArray(ovsjson.NewObject(req...))))
	}
	params := []ovsjson.Value{ovsjson.NewString(idl.schema.Name), idl.monitorID(), ovsjson.NewObject(reqs...)}
	if c.method == methodSince {
		last := c.lastTxnID
		if c.fullReload || c.condAcked != c.condWanted {
			// The replica was filtered by other conditions: changes
			// since last would miss rows the new ones select.
			last = ovsdb.UUID{}
		}
		params = append(params, ovsjson.NewString(last.String()))
	}
	if c.method == methodMonitor && len(c.conds) > 0 && !c.warnedNoCond {
		log.Warn("%s: server does not support monitor_cond, replicating whole tables", idl.remote)
		c.warnedNoCond = true
	}
	c.condSent = c.condWanted
	idl.send(c.method.String(), ovsjson.NewArray(params...), request{kind: reqMonitor, method: c.method, condSeqno: c.condWanted, assumed: assumed})
}

func isUnknownMethod(v ovsjson.Value) bool {
	if v.Kind == ovsjson.String {
		return v.S == "unknown method"
	}
	e, _ := v.Get("error")
	return e.Kind == ovsjson.String && e.S == "unknown method"
}

func (idl *IDL) onMonitorReply(m *jsonrpc.Message, r request) {
	if m.Type == jsonrpc.Error {
		idl.lmu.Lock()
		defer idl.lmu.Unlock()
		c := &idl.conn
		if c.phase != phaseMonitorRequested {
			return
		}
		if r.assumed {
			// The server's schema differs from ours (or the server
			// predates monitor_cond_since): do it the long way,
			// which says what is missing.
			c.assumeRefused = true
			c.phase = phaseSchemaRequested
			c.method = methodSince
			idl.send("get_schema", ovsjson.NewArray(ovsjson.NewString(idl.schema.Name)), request{kind: reqSchema})
			return
		}
		if isUnknownMethod(m.Error) && r.method > methodMonitor {
			c.method = r.method - 1
			idl.sendMonitor(false)
			return
		}
		log.Warn("%s: %s request failed: %s", idl.remote, r.method, rpcErrorText(m.Error))
		c.protoErr = fmt.Errorf("%s", rpcErrorText(m.Error))
		idl.sess.ForceReconnect()
		return
	}
	var (
		b     *batch
		err   error
		found bool
		last  ovsdb.UUID
	)
	switch r.method {
	case methodMonitor:
		b, err = idl.parseTableUpdates(m.Result)
	case methodCond:
		b, err = idl.parseTableUpdates2(m.Result)
	case methodSince:
		res := m.Result.A
		if m.Result.Kind != ovsjson.Array || len(res) != 3 || !res[0].IsBool() {
			err = fmt.Errorf("monitor_cond_since reply is not [found, last-txn-id, updates]")
			break
		}
		found = res[0].Bool()
		if last, err = parseUUIDString(res[1]); err == nil {
			b, err = idl.parseTableUpdates2(res[2])
		}
	}
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	c := &idl.conn
	if c.phase != phaseMonitorRequested {
		return
	}
	if err != nil {
		log.Warn("%s: bad %s reply: %v", idl.remote, r.method, err)
		c.lastTxnID = ovsdb.UUID{}
		c.fullReload = true
		idl.sess.ForceReconnect()
		return
	}
	b.reset = !found
	if found {
		c.nResumed++
	} else {
		c.fullReload = false
	}
	if r.method == methodSince {
		c.lastTxnID = last
	} else {
		c.lastTxnID = ovsdb.UUID{}
	}
	c.phase = phaseMonitoring
	c.protoErr = nil
	c.condAcked = r.condSeqno
	idl.push(event{kind: evUpdate, batch: b}, event{kind: evSynced}, event{kind: evCondAck, seqno: r.condSeqno})
	if c.method != methodMonitor && c.condWanted != c.condSent {
		idl.sendCondChange()
	}
}

// sendCondChange sends the current conditions of every monitored table.
// lmu is held.
func (idl *IDL) sendCondChange() {
	c := &idl.conn
	var reqs []ovsjson.Member
	for _, t := range idl.tableList {
		if _, ok := c.monitorCols[t]; !ok {
			continue
		}
		where := ovsjson.NewArray(ovsjson.NewBool(true))
		if cls, ok := c.conds[t]; ok {
			where = clausesJSON(t, cls)
		}
		reqs = append(reqs, ovsjson.M(t.Name, ovsjson.NewArray(ovsjson.NewObject(ovsjson.M("where", where)))))
	}
	id := idl.monitorID()
	c.condSent = c.condWanted
	if _, ok := idl.send("monitor_cond_change", ovsjson.NewArray(id, id, ovsjson.NewObject(reqs...)), request{kind: reqCondChange, condSeqno: c.condWanted}); ok {
		c.condInFlight = true
	}
}

// SetCondition replaces the condition that selects which rows of table are
// replicated: rows matching any of the clauses. No clauses means every
// row. It returns the CondSeqno value at which the new condition is in
// effect in the replica. Servers too old for monitor_cond ignore
// conditions.
func (idl *IDL) SetCondition(table string, clauses ...Clause) (uint64, error) {
	t, _, err := idl.lookup(table, "")
	if err != nil {
		return 0, err
	}
	for i := range clauses {
		if err := checkClause(t, &clauses[i]); err != nil {
			return 0, err
		}
	}
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	c := &idl.conn
	if len(clauses) == 0 {
		delete(c.conds, t)
	} else {
		c.conds[t] = slices.Clone(clauses)
	}
	c.condWanted++
	seq := c.condWanted
	if c.phase == phaseMonitoring {
		switch {
		case c.method == methodMonitor:
			if !c.warnedNoCond {
				log.Warn("%s: server does not support monitor_cond, replicating whole tables", idl.remote)
				c.warnedNoCond = true
			}
			c.condSent, c.condAcked = seq, seq
			idl.push(event{kind: evCondAck, seqno: seq})
		case !c.condInFlight:
			idl.sendCondChange()
		}
	}
	return seq, nil
}

// SetLock asks the server for the lock called name (none, if name is
// empty, releasing any held), now and after every reconnection. HasLock
// and IsLockContended follow the server's answers; transactions fail with
// NotLocked while the lock is set but not held.
func (idl *IDL) SetLock(name string) { idl.setLock(name, false) }

// StealLock takes the lock called name from whoever holds it ("steal"),
// then keeps it like SetLock.
func (idl *IDL) StealLock(name string) { idl.setLock(name, true) }

func (idl *IDL) setLock(name string, steal bool) {
	idl.lmu.Lock()
	c := &idl.conn
	changed := c.lockName != name
	if changed || steal {
		connected := c.phase != phaseIdle && idl.sess != nil
		if connected && changed && c.lockName != "" {
			idl.send("unlock", ovsjson.NewArray(ovsjson.NewString(c.lockName)), request{kind: reqUnlock})
		}
		c.lockName = name
		c.lockSteal = steal
		if connected && name != "" {
			idl.sendLock()
		}
	}
	idl.lmu.Unlock()
	if changed {
		idl.mu.Lock()
		if idl.hasLock || idl.lockContended {
			idl.seqno++
		}
		idl.hasLock, idl.lockContended = false, false
		idl.mu.Unlock()
	}
}

// LockName returns the name given to SetLock.
func (idl *IDL) LockName() string {
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	return idl.conn.lockName
}

// ServerSchema returns the schema the server reported on the current or
// last connection, nil before the first.
func (idl *IDL) ServerSchema() *ovsdb.Schema {
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	return idl.conn.serverSchema
}

// ServerHasColumn reports whether the server's schema has table.column
// (or, with column "", table). It is false before the first connection.
func (idl *IDL) ServerHasColumn(table, column string) bool {
	s := idl.ServerSchema()
	if s == nil {
		return false
	}
	t := s.Tables[table]
	if t == nil {
		return false
	}
	return column == "" || t.Columns[column] != nil
}

// sendTxn sends a transaction if the replica is in sync on a live
// connection.
func (idl *IDL) sendTxn(t *Txn, params ovsjson.Value) bool {
	idl.lmu.Lock()
	defer idl.lmu.Unlock()
	c := &idl.conn
	if idl.sess == nil || c.phase != phaseMonitoring || idl.sess.Seqno() != c.seqno {
		return false
	}
	id, ok := idl.send("transact", params, request{kind: reqTxn, txn: t})
	t.reqID = id
	return ok
}

func parseUUIDString(v ovsjson.Value) (ovsdb.UUID, error) {
	if v.Kind != ovsjson.String {
		return ovsdb.UUID{}, fmt.Errorf("transaction id is not a string")
	}
	u, ok := ovsdb.ParseUUID(v.S)
	if !ok {
		return u, fmt.Errorf("bad transaction id %q", v.S)
	}
	return u, nil
}
