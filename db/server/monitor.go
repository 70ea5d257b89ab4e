package server

import (
	"strconv"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// updateVersion is the notification flavour a monitor was created with.
type updateVersion uint8

const (
	updateV1 updateVersion = iota + 1 // "monitor": "update" with old/new
	updateV2                          // "monitor_cond": "update2"
	updateV3                          // "monitor_cond_since": "update3"
)

func (v updateVersion) method() string {
	switch v {
	case updateV1:
		return "update"
	case updateV2:
		return "update2"
	}
	return "update3"
}

// selectMask is a <monitor-select>: which kinds of change are reported.
type selectMask uint8

const (
	selInitial selectMask = 1 << iota
	selInsert
	selDelete
	selModify
	selAll = selInitial | selInsert | selDelete | selModify
)

// monColumn is a monitored column and the kinds of change it is reported
// for (the select of the request that named it).
type monColumn struct {
	col *ovsdb.ColumnSchema
	sel selectMask
}

// monTable is what one monitor watches in one table. It is immutable once
// built: a condition change builds a new one, so that the publisher can
// read a monitor's tables without locks while a session changes them.
type monTable struct {
	ts   *ovsdb.TableSchema
	cols []monColumn
	sel  selectMask // union of the requests' selects
	cond *monCond

	// The columns reported for each kind of change, derived from cols.
	initial, insert, delete, modify []*ovsdb.ColumnSchema
}

func (mt *monTable) derive() {
	mt.initial, mt.insert, mt.delete, mt.modify = nil, nil, nil, nil
	for _, c := range mt.cols {
		if c.sel&selInitial != 0 {
			mt.initial = append(mt.initial, c.col)
		}
		if c.sel&selInsert != 0 {
			mt.insert = append(mt.insert, c.col)
		}
		if c.sel&selDelete != 0 {
			mt.delete = append(mt.delete, c.col)
		}
		if c.sel&selModify != 0 {
			mt.modify = append(mt.modify, c.col)
		}
	}
}

// monCond is a monitor condition. Unlike a transaction's "where", whose
// clauses must all hold, a monitor condition matches a row that satisfies
// any of its clauses (OVS's IDL builds conditions as such disjunctions);
// an empty condition, or one with a literal true, matches every row.
type monCond struct {
	all     bool
	clauses []database.Clause
	key     string // canonical text, part of the monitor's sharing key
}

var condTrue = &monCond{all: true}

func (c *monCond) match(row *ovsdb.Row) bool {
	if c.all {
		return true
	}
	for i := range c.clauses {
		if c.clauses[i].Eval(row) {
			return true
		}
	}
	return false
}

func parseMonCond(ts *ovsdb.TableSchema, where ovsjson.Value) (*monCond, error) {
	cond, err := database.ParseCondition(ts, where, nil)
	if err != nil {
		return nil, err
	}
	if len(where.A) == 0 {
		return condTrue, nil
	}
	for _, e := range where.A {
		if e.Kind == ovsjson.True {
			return condTrue, nil
		}
	}
	return &monCond{clauses: cond.Clauses, key: jsonKey(where)}, nil
}

// parseMonitorRequests parses the <monitor-requests> (or, for monitor_cond
// and monitor_cond_since, <monitor-cond-requests>) object, with OVS's
// checks and error texts in OVS's order.
func parseMonitorRequests(schema *ovsdb.Schema, v ovsjson.Value, version updateVersion) ([]*monTable, error) {
	if v.Kind != ovsjson.Object {
		return nil, ovsdb.NewSyntaxError(v, "monitor-requests must be object")
	}
	var tables []*monTable
	for _, m := range v.O {
		ts := schema.Tables[m.Key]
		if ts == nil {
			return nil, ovsdb.Errorf(ovsdb.ErrSyntax, "no table named %s", m.Key)
		}
		mt, err := parseTableRequests(ts, m.Value, version)
		if err != nil {
			return nil, err
		}
		replaced := false
		for i := range tables {
			if tables[i].ts == ts {
				tables[i], replaced = mt, true
			}
		}
		if !replaced {
			tables = append(tables, mt)
		}
	}
	return tables, nil
}

func parseTableRequests(ts *ovsdb.TableSchema, v ovsjson.Value, version updateVersion) (*monTable, error) {
	mt := &monTable{ts: ts}
	reqs := []ovsjson.Value{v}
	if v.Kind == ovsjson.Array {
		reqs = v.A
	}
	for _, r := range reqs {
		p := ovsdb.NewObjParser(r, "table %s", ts.Name)
		colsV, hasCols := p.Optional("columns", ovsjson.Array)
		selV, hasSel := p.Optional("select", ovsjson.Object)
		var whereV ovsjson.Value
		hasWhere := false
		if version != updateV1 {
			whereV, hasWhere = p.Optional("where", ovsjson.Array)
		}
		if err := p.Finish(); err != nil {
			return nil, err
		}
		sel := selAll
		if hasSel {
			var err error
			if sel, err = parseSelect(ts, selV); err != nil {
				return nil, err
			}
		}
		var cols []*ovsdb.ColumnSchema
		if hasCols {
			for _, cv := range colsV.A {
				if cv.Kind != ovsjson.String {
					return nil, ovsdb.NewSyntaxError(colsV, "array of column names expected")
				}
				c, ok := ts.Columns[cv.S]
				if !ok {
					return nil, ovsdb.NewSyntaxError(colsV, "%s is not a valid column name", cv.S)
				}
				cols = append(cols, c)
			}
		} else {
			// Every column but _uuid, which is the row's key anyway.
			cols = ts.AllColumns[1:]
		}
		for _, c := range cols {
			for _, have := range mt.cols {
				if have.col == c {
					if !hasCols {
						return nil, ovsdb.Errorf(ovsdb.ErrSyntax, "column %s mentioned more than once", c.Name)
					}
					return nil, ovsdb.NewSyntaxError(colsV, "column %s mentioned more than once", c.Name)
				}
			}
			mt.cols = append(mt.cols, monColumn{col: c, sel: sel})
		}
		mt.sel |= sel
		cond := condTrue
		if hasWhere {
			var err error
			if cond, err = parseMonCond(ts, whereV); err != nil {
				return nil, err
			}
		}
		// The first request's condition is the table's; OVS parses the
		// others' but does not use them.
		if mt.cond == nil {
			mt.cond = cond
		}
	}
	if mt.cond == nil {
		mt.cond = condTrue
	}
	mt.derive()
	return mt, nil
}

func parseSelect(ts *ovsdb.TableSchema, v ovsjson.Value) (selectMask, error) {
	p := ovsdb.NewObjParser(v, "table %s select", ts.Name)
	var sel selectMask
	for _, f := range [...]struct {
		name string
		bit  selectMask
	}{{"initial", selInitial}, {"insert", selInsert}, {"delete", selDelete}, {"modify", selModify}} {
		b, ok := p.Optional(f.name, ovsjson.True, ovsjson.False)
		if !ok || b.Kind == ovsjson.True {
			sel |= f.bit
		}
	}
	if err := p.Finish(); err != nil {
		return 0, err
	}
	return sel, nil
}

// parseCondChange parses monitor_cond_change's <monitor-cond-update-requests>
// against the monitor's current tables and returns the new tables (sharing
// the unchanged ones).
func parseCondChange(schema *ovsdb.Schema, cur []*monTable, v ovsjson.Value) ([]*monTable, error) {
	if v.Kind != ovsjson.Object {
		return nil, ovsdb.NewError(ovsdb.ErrSyntax, "monitor-cond-change-requests must be object")
	}
	tables := append([]*monTable(nil), cur...)
	for _, m := range v.O {
		ts := schema.Tables[m.Key]
		if ts == nil {
			return nil, ovsdb.Errorf(ovsdb.ErrSyntax, "no table named %s", m.Key)
		}
		idx := -1
		for i, mt := range tables {
			if mt.ts == ts {
				idx = i
			}
		}
		if idx < 0 {
			return nil, ovsdb.Errorf(ovsdb.ErrSyntax, "no table named %s in monitor session", m.Key)
		}
		if m.Value.Kind != ovsjson.Array {
			return nil, ovsdb.Errorf(ovsdb.ErrSyntax, "table %s no monitor-cond-change JSON array", m.Key)
		}
		var cond *monCond
		for _, r := range m.Value.A {
			p := ovsdb.NewObjParser(r, "table %s", ts.Name)
			_, hasCols := p.Optional("columns", ovsjson.Array)
			whereV, hasWhere := p.Optional("where", ovsjson.Array)
			if err := p.Finish(); err != nil {
				return nil, err
			}
			if hasCols {
				return nil, ovsdb.NewSyntaxError(r, "changing columns is unsupported")
			}
			// OVS 3.1 crashes on a request without "where"; treat it
			// as the empty (always true) condition.
			c := condTrue
			if hasWhere {
				var err error
				if c, err = parseMonCond(ts, whereV); err != nil {
					return nil, err
				}
			}
			cond = c // the last request wins
		}
		if cond == nil {
			continue // an empty array leaves the condition alone
		}
		nt := *tables[idx]
		nt.cond = cond
		tables[idx] = &nt
	}
	return tables, nil
}

// shapeKeys returns the keys under which monitors share work. The base key
// names what is monitored (tables, columns, selects) and is what
// memory/show counts as a monitor, as OVS counts its shared monitor
// objects. The full key adds the notification version and conditions:
// monitors with equal full keys produce byte-identical updates.
func shapeKeys(version updateVersion, tables []*monTable) (base, full string) {
	var b []byte
	for _, mt := range tables {
		b = append(b, mt.ts.Name...)
		b = append(b, '{')
		b = strconv.AppendUint(b, uint64(mt.sel), 10)
		for _, c := range mt.cols {
			b = append(b, ',')
			b = append(b, c.col.Name...)
			b = append(b, ':')
			b = strconv.AppendUint(b, uint64(c.sel), 10)
		}
		b = append(b, '}')
	}
	base = string(b)
	b = append(b, '|')
	b = strconv.AppendUint(b, uint64(version), 10)
	for _, mt := range tables {
		b = append(b, '|')
		if !mt.cond.all {
			b = append(b, mt.cond.key...)
		}
	}
	return base, string(b)
}

// rowDelta is one row's net change: old is nil for an insertion, new is
// nil for a deletion.
type rowDelta struct {
	uuid     ovsdb.UUID
	old, new *ovsdb.Row
}

// changeSet accumulates the net change of several commits per row, for a
// monitor whose client is not keeping up and for monitor_cond_since. Its
// size is bounded by the number of distinct rows changed, not by the
// number of commits, as OVS's per-monitor change tracking is.
type changeSet struct {
	tables map[*ovsdb.TableSchema]*tableChanges
}

type tableChanges struct {
	index map[ovsdb.UUID]int
	rows  []rowDelta
}

// add merges a commit's changes to the tables in filter (all if nil).
func (cs *changeSet) add(c *database.Commit, filter []*monTable) {
	for i := range c.Changes {
		tc := &c.Changes[i]
		if filter != nil && !watches(filter, tc.Table) {
			continue
		}
		if cs.tables == nil {
			cs.tables = make(map[*ovsdb.TableSchema]*tableChanges)
		}
		t := cs.tables[tc.Table]
		if t == nil {
			t = &tableChanges{index: make(map[ovsdb.UUID]int, len(tc.Rows))}
			cs.tables[tc.Table] = t
		}
		for j := range tc.Rows {
			rc := &tc.Rows[j]
			if k, ok := t.index[rc.UUID]; ok {
				t.rows[k].new = rc.New
				continue
			}
			t.index[rc.UUID] = len(t.rows)
			t.rows = append(t.rows, rowDelta{uuid: rc.UUID, old: rc.Old, new: rc.New})
		}
	}
}

func (cs *changeSet) empty() bool { return len(cs.tables) == 0 }

func watches(tables []*monTable, ts *ovsdb.TableSchema) bool {
	for _, mt := range tables {
		if mt.ts == ts {
			return true
		}
	}
	return false
}

// sameDatum is Datum.Equal with a shortcut for the common case of an
// unchanged column, whose datum a new row version shares with the old one.
func sameDatum(a, b *ovsdb.Datum) bool {
	if len(a.Keys) != len(b.Keys) {
		return false
	}
	if len(a.Keys) > 0 && &a.Keys[0] == &b.Keys[0] && (len(a.Values) == 0 || &a.Values[0] == &b.Values[0]) {
		return true
	}
	return a.Equal(b)
}

// composer writes <table-updates> (version 1) or <table-updates2>.
type composer struct {
	version updateVersion
	buf     []byte
	// State of the object being written.
	anyTable, anyRow bool
	tableName        string
	changed          []*ovsdb.ColumnSchema
}

func (w *composer) reset() {
	w.buf = w.buf[:0]
	w.anyTable, w.anyRow = false, false
}

// beginTable notes the table whose rows follow; its key is written only
// if a row is.
func (w *composer) beginTable(name string) {
	w.tableName = name
	w.anyRow = false
}

func (w *composer) endTable() {
	if w.anyRow {
		w.buf = append(w.buf, '}')
	}
}

func (w *composer) beginRow(u ovsdb.UUID) {
	if !w.anyTable {
		w.buf = append(w.buf, '{')
		w.anyTable = true
	} else if !w.anyRow {
		w.buf = append(w.buf, ',')
	}
	if !w.anyRow {
		w.buf = ovsjson.AppendString(w.buf, w.tableName)
		w.buf = append(w.buf, ":{"...)
		w.anyRow = true
	} else {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, '"')
	w.buf = appendUUID(w.buf, u)
	w.buf = append(w.buf, `":`...)
}

// finish returns the <table-updates>, or nil if no row was written.
func (w *composer) finish() []byte {
	if !w.anyTable {
		return nil
	}
	return append(w.buf, '}')
}

func (w *composer) appendRow(row *ovsdb.Row, cols []*ovsdb.ColumnSchema, skipDefaults bool) {
	w.buf = append(w.buf, '{')
	first := true
	for _, c := range cols {
		d := row.Get(c)
		if skipDefaults && isDefaultDatum(&c.Type, d) {
			continue
		}
		w.buf = appendKey(w.buf, &first, c.Name)
		w.buf = d.AppendJSON(w.buf, &c.Type)
	}
	w.buf = append(w.buf, '}')
}

// initialRow writes a row of a monitor's initial contents.
func (w *composer) initialRow(mt *monTable, row *ovsdb.Row) {
	w.beginRow(row.UUID)
	if w.version == updateV1 {
		w.buf = append(w.buf, `{"new":`...)
		w.appendRow(row, mt.initial, false)
	} else {
		w.buf = append(w.buf, `{"initial":`...)
		w.appendRow(row, mt.initial, true)
	}
	w.buf = append(w.buf, '}')
}

// rowChange writes the update for one row change, if the monitor reports
// it. oldCond and newCond are the conditions the old and new versions are
// judged by; they differ only when a condition changes.
func (w *composer) rowChange(mt *monTable, d *rowDelta, oldCond, newCond *monCond) {
	oldM := d.old != nil && oldCond.match(d.old)
	newM := d.new != nil && newCond.match(d.new)
	switch {
	case !oldM && newM:
		if mt.sel&selInsert == 0 {
			return
		}
		w.beginRow(d.uuid)
		if w.version == updateV1 {
			w.buf = append(w.buf, `{"new":`...)
			w.appendRow(d.new, mt.insert, false)
		} else {
			w.buf = append(w.buf, `{"insert":`...)
			w.appendRow(d.new, mt.insert, true)
		}
		w.buf = append(w.buf, '}')
	case oldM && !newM:
		if mt.sel&selDelete == 0 {
			return
		}
		w.beginRow(d.uuid)
		if w.version == updateV1 {
			w.buf = append(w.buf, `{"old":`...)
			w.appendRow(d.old, mt.delete, false)
			w.buf = append(w.buf, '}')
		} else {
			w.buf = append(w.buf, `{"delete":null}`...)
		}
	case oldM && newM:
		if mt.sel&selModify == 0 || d.old == d.new {
			return
		}
		w.changed = w.changed[:0]
		for _, c := range mt.modify {
			if !sameDatum(d.old.Get(c), d.new.Get(c)) {
				w.changed = append(w.changed, c)
			}
		}
		if len(w.changed) == 0 {
			return
		}
		w.beginRow(d.uuid)
		if w.version == updateV1 {
			w.buf = append(w.buf, `{"new":`...)
			w.appendRow(d.new, mt.modify, false)
			w.buf = append(w.buf, `,"old":`...)
			w.appendRow(d.old, w.changed, false)
			w.buf = append(w.buf, '}')
			return
		}
		w.buf = append(w.buf, `{"modify":{`...)
		first := true
		for _, c := range w.changed {
			w.buf = appendKey(w.buf, &first, c.Name)
			nd := d.new.Get(c)
			if c.Type.Max == 1 {
				w.buf = nd.AppendJSON(w.buf, &c.Type)
			} else {
				diff := d.old.Get(c).Diff(&c.Type, nd)
				w.buf = diff.AppendJSON(w.buf, &c.Type)
			}
		}
		w.buf = append(w.buf, "}}"...)
	}
}

// composeCommit writes the update a commit produces for monitored tables.
func (w *composer) composeCommit(tables []*monTable, c *database.Commit) []byte {
	w.reset()
	for _, mt := range tables {
		if mt.sel&(selInsert|selDelete|selModify) == 0 {
			continue
		}
		for i := range c.Changes {
			tc := &c.Changes[i]
			if tc.Table != mt.ts {
				continue
			}
			w.beginTable(mt.ts.Name)
			for j := range tc.Rows {
				rc := &tc.Rows[j]
				d := rowDelta{uuid: rc.UUID, old: rc.Old, new: rc.New}
				w.rowChange(mt, &d, mt.cond, mt.cond)
			}
			w.endTable()
		}
	}
	return w.finish()
}

// composeChanges writes the update for accumulated changes.
func (w *composer) composeChanges(tables []*monTable, cs *changeSet) []byte {
	w.reset()
	for _, mt := range tables {
		t := cs.tables[mt.ts]
		if t == nil || mt.sel&(selInsert|selDelete|selModify) == 0 {
			continue
		}
		w.beginTable(mt.ts.Name)
		for j := range t.rows {
			w.rowChange(mt, &t.rows[j], mt.cond, mt.cond)
		}
		w.endTable()
	}
	return w.finish()
}
