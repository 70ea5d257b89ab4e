package server

import (
	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

var methodNames = [...]string{updateV1: "monitor", updateV2: "monitor_cond", updateV3: "monitor_cond_since"}

var emptyObject = ovsjson.NewRaw("{}")

// monitor handles monitor, monitor_cond and monitor_cond_since.
func (ss *session) monitor(id, p ovsjson.Value, v updateVersion) {
	d, err := ss.database(p, methodNames[v])
	if err != nil {
		ss.replyError(id, err)
		return
	}
	// OVS ignores extra params of "monitor" (and crashes on too few).
	if n := len(p.A); v == updateV1 && n < 3 || v == updateV2 && n != 3 || v == updateV3 && n != 4 {
		ss.replyError(id, ovsdb.NewSyntaxError(p, "invalid parameters"))
		return
	}
	key := jsonKey(p.A[1])
	if ss.monitors[key] != nil {
		ss.replyError(id, ovsdb.NewSyntaxError(p.A[1], "duplicate monitor ID"))
		return
	}
	schema := d.schema()
	tables, err := parseMonitorRequests(schema, p.A[2], v)
	if err != nil {
		ss.replyError(id, err)
		return
	}
	var since ovsdb.UUID
	if v == updateV3 {
		lt := p.A[3]
		if lt.Kind != ovsjson.String {
			ss.replyError(id, ovsdb.NewSyntaxError(lt, "last-txn-id must be string"))
			return
		}
		var ok bool
		if since, ok = ovsdb.ParseUUID(lt.S); !ok {
			ss.replyError(id, ovsdb.NewSyntaxError(lt, "last-txn-id must be UUID format."))
			return
		}
	}
	m := &monitor{s: ss, d: d, key: key, version: v, id: p.A[1], tables: tables, schema: schema}

	// Take the contents and attach the monitor with no commit in
	// between. Only row pointers are collected while writers wait; rows
	// are immutable, so the encoding happens after they may go on. Until
	// the reply is out, commits pile up in the monitor's pending changes.
	var (
		found bool
		cs    changeSet
		last  ovsdb.UUID
		rows  [][]*ovsdb.Row
	)
	d.wmu.Lock()
	if d.removed.Load() || d.schema() != schema {
		d.wmu.Unlock()
		ss.replyError(id, &ovsdb.Error{Tag: ovsdb.ErrUnknownDatabase,
			Details: methodNames[v] + " request specifies unknown database " + d.name, Syntax: p.String()})
		return
	}
	d.mu.Lock()
	last = d.lastTxn
	if v == updateV3 {
		cs, found = d.changesSince(since, tables)
	}
	d.mu.Unlock()
	if !found {
		rows = snapshot(d.database(), tables)
	}
	d.mu.Lock()
	d.attach(m)
	m.behind = true
	d.mu.Unlock()
	d.wmu.Unlock()
	ss.monitors[key] = m

	w := getComposer()
	w.version = v
	var body []byte
	if found {
		body = w.composeChanges(tables, &cs)
	} else {
		w.reset()
		for i, mt := range tables {
			w.beginTable(mt.ts.Name)
			for _, row := range rows[i] {
				w.initialRow(mt, row)
			}
			w.endTable()
		}
		body = w.finish()
	}
	result := emptyObject
	if body != nil {
		result = ovsjson.NewRaw(string(body))
	}
	putComposer(w)
	if v == updateV3 {
		result = ovsjson.NewArray(ovsjson.NewBool(found), ovsjson.NewString(last.String()), result)
	}
	ss.reply(id, result)
	if ss.congested() {
		ss.anyBehind.Store(true) // run flushes it once the client catches up
	} else {
		ss.flushMonitor(m)
	}
}

// snapshot collects the rows each table's initial contents report.
func snapshot(db *database.Database, tables []*monTable) [][]*ovsdb.Row {
	rows := make([][]*ovsdb.Row, len(tables))
	db.View(func(tx database.ReadTx) {
		for i, mt := range tables {
			if mt.sel&selInitial == 0 {
				continue
			}
			var list []*ovsdb.Row
			tx.Rows(mt.ts.Name, func(row *ovsdb.Row) bool {
				if mt.cond.match(row) {
					list = append(list, row)
				}
				return true
			})
			rows[i] = list
		}
	})
	return rows
}

// condChange handles monitor_cond_change.
func (ss *session) condChange(id, p ovsjson.Value) {
	if len(p.A) != 3 {
		ss.replyError(id, ovsdb.NewSyntaxError(p, "invalid parameters"))
		return
	}
	m := ss.monitors[jsonKey(p.A[0])]
	if m == nil {
		ss.replyError(id, ovsdb.NewSyntaxError(p.A[0], "unknown monitor session"))
		return
	}
	newKey := jsonKey(p.A[1])
	if newKey != m.key && ss.monitors[newKey] != nil {
		ss.replyError(id, ovsdb.NewSyntaxError(p.A[1], "duplicate monitor ID"))
		return
	}
	d := m.d
	tables, err := parseCondChange(m.schema, m.tables, p.A[2])
	if err != nil {
		ss.replyError(id, err)
		return
	}

	d.wmu.Lock()
	d.mu.Lock()
	if m.sh == nil {
		// The database was converted or removed; the monitor is
		// about to be canceled.
		d.mu.Unlock()
		d.wmu.Unlock()
		ss.replyError(id, ovsdb.NewSyntaxError(p.A[0], "unknown monitor session"))
		return
	}
	// What was committed under the old conditions goes out first, under
	// the old id.
	ss.flushMonitorLocked(m)
	w := getComposer()
	w.version = m.version
	w.reset()
	d.database().View(func(tx database.ReadTx) {
		for i, mt := range m.tables {
			nt := tables[i]
			if nt == mt {
				continue
			}
			w.beginTable(nt.ts.Name)
			tx.Rows(nt.ts.Name, func(row *ovsdb.Row) bool {
				rd := rowDelta{uuid: row.UUID, old: row, new: row}
				w.rowChange(nt, &rd, mt.cond, nt.cond)
				return true
			})
			w.endTable()
		}
	})
	d.detachLocked(m)
	m.id = p.A[1]
	m.tables = tables
	d.attach(m)
	if body := w.finish(); body != nil {
		ss.sendUpdate(m, ovsjson.NewRaw(string(body)), d.lastTxn)
	}
	putComposer(w)
	d.mu.Unlock()
	d.wmu.Unlock()

	delete(ss.monitors, m.key)
	m.key = newKey
	ss.monitors[newKey] = m
	ss.reply(id, ovsjson.NewObject())
}

// monitorCancel handles monitor_cancel.
func (ss *session) monitorCancel(id, p ovsjson.Value) {
	if len(p.A) != 1 {
		ss.send(jsonrpc.NewError(errInvalidParameters, id))
		return
	}
	key := jsonKey(p.A[0])
	m := ss.monitors[key]
	if m == nil {
		ss.send(jsonrpc.NewError(errUnknownMonitor, id))
		return
	}
	m.remove()
	delete(ss.monitors, key)
	ss.reply(id, ovsjson.NewObject())
}

// sendUpdate sends a monitor's update notification; raw is the
// <table-updates> (shared by every monitor of a shape).
func (ss *session) sendUpdate(m *monitor, raw ovsjson.Value, txn ovsdb.UUID) {
	var err error
	if m.version == updateV3 {
		err = ss.conn.SendNotify(m.version.method(), m.id, ovsjson.NewString(txn.String()), raw)
	} else {
		err = ss.conn.SendNotify(m.version.method(), m.id, raw)
	}
	if err != nil {
		ss.sendFailed(err)
	}
}

// sendUpdateHeld is sendUpdate with the notification held back until
// the connection's Release (see dbState.publish).
func (ss *session) sendUpdateHeld(m *monitor, raw ovsjson.Value, txn ovsdb.UUID) {
	var err error
	if m.version == updateV3 {
		err = ss.conn.SendNotifyHeld(m.version.method(), m.id, ovsjson.NewString(txn.String()), raw)
	} else {
		err = ss.conn.SendNotifyHeld(m.version.method(), m.id, raw)
	}
	if err != nil {
		ss.sendFailed(err)
	}
}

// flushMonitors sends the changes held back for every monitor of the
// session.
func (ss *session) flushMonitors() {
	if !ss.anyBehind.Swap(false) {
		return
	}
	for _, m := range ss.monitors {
		ss.flushMonitor(m)
	}
}

// flushMonitorsOf flushes the session's monitors of one database.
func (ss *session) flushMonitorsOf(d *dbState) {
	for _, m := range ss.monitors {
		if m.d == d {
			ss.flushMonitor(m)
		}
	}
}

func (ss *session) flushMonitor(m *monitor) {
	m.d.mu.Lock()
	ss.flushMonitorLocked(m)
	m.d.mu.Unlock()
}

// flushMonitorLocked sends what piled up for m while it was behind; m.d.mu
// is held.
func (ss *session) flushMonitorLocked(m *monitor) {
	if !m.behind || m.sh == nil {
		return
	}
	if !m.pending.empty() {
		w := getComposer()
		w.version = m.version
		if body := w.composeChanges(m.tables, &m.pending); body != nil {
			ss.sendUpdate(m, ovsjson.NewRaw(string(body)), m.d.lastTxn)
		}
		putComposer(w)
	}
	m.pending = changeSet{}
	m.behind = false
}

// attach adds m to the shape its tables give it; d.mu is held.
func (d *dbState) attach(m *monitor) {
	base, full := shapeKeys(m.version, m.tables)
	sh := d.shapes[full]
	if sh == nil {
		sh = &shape{key: full, base: base, version: m.version, tables: m.tables}
		d.shapes[full] = sh
	}
	sh.monitors = append(sh.monitors, m)
	m.sh = sh
	// Monitors of one shape share the tables, so the condition objects
	// are the shape's.
	m.tables = sh.tables
}

// detachLocked takes m out of its shape; d.mu is held.
func (d *dbState) detachLocked(m *monitor) {
	sh := m.sh
	if sh == nil {
		return
	}
	for i, x := range sh.monitors {
		if x == m {
			last := len(sh.monitors) - 1
			sh.monitors[i] = sh.monitors[last]
			sh.monitors[last] = nil
			sh.monitors = sh.monitors[:last]
			break
		}
	}
	if len(sh.monitors) == 0 {
		delete(d.shapes, sh.key)
	}
	m.sh = nil
	m.pending = changeSet{}
	m.behind = false
}

// remove detaches m from its database.
func (m *monitor) remove() {
	m.d.mu.Lock()
	m.d.detachLocked(m)
	m.d.mu.Unlock()
}
