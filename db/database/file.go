package database

import (
	"slices"
	"strconv"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// FileRecord returns the transaction record OVS writes to a standalone
// database file for this commit (ovsdb(5)): "_date" in milliseconds, then
// per table {uuid: row}, where an inserted row lists its columns that do
// not have their default value, a deleted row is null and a modified row
// lists its changed columns, then "_is_diff": true and, if not empty,
// "_comment". In the "_is_diff" form a modified column of a type that
// holds at most one element carries its new value; any other set or map
// carries the difference (the elements added or removed, and for a map
// the pairs whose value changed, with the new value).
//
// Ephemeral columns are not stored. If nothing but ephemeral columns
// changed, there is nothing to write and FileRecord returns null.
func (c *Commit) FileRecord(now time.Time) ovsjson.Value {
	members := make([]ovsjson.Member, 0, len(c.Changes)+3)
	members = append(members, ovsjson.M("_date", ovsjson.NewInt(now.UnixMilli())))
	for _, tc := range c.Changes {
		rows := make([]ovsjson.Member, 0, len(tc.Rows))
		for j := range tc.Rows {
			rc := &tc.Rows[j]
			var v ovsjson.Value
			switch {
			case rc.New == nil:
				v = ovsjson.Value{}
			case rc.Old == nil:
				v = insertedRowJSON(tc.Table, rc.New)
			default:
				var ok bool
				if v, ok = modifiedRowJSON(tc.Table, rc); !ok {
					continue
				}
			}
			rows = append(rows, ovsjson.Member{Key: rc.UUID.String(), Value: v})
		}
		if len(rows) > 0 {
			members = append(members, ovsjson.Member{Key: tc.Table.Name, Value: ovsjson.Value{Kind: ovsjson.Object, O: rows}})
		}
	}
	if len(members) == 1 {
		return ovsjson.Value{}
	}
	members = append(members, ovsjson.M("_is_diff", ovsjson.NewBool(true)))
	if c.Comment != "" {
		members = append(members, ovsjson.M("_comment", ovsjson.NewString(c.Comment)))
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: members}
}

// AppendFileRecord appends the encoding of FileRecord(now) to dst, byte
// for byte what ovsjson.Marshal would write for it, without building the
// record as a JSON value first: the storage log writes one per commit. It
// returns dst unchanged if there is nothing to write.
func (c *Commit) AppendFileRecord(dst []byte, now time.Time) []byte {
	// Room for a typical row up front: a record of thousands of rows
	// would otherwise be copied to ever bigger buffers as it grows.
	rows := 0
	for _, tc := range c.Changes {
		rows += len(tc.Rows)
	}
	dst = slices.Grow(dst, 128*rows+64)
	start := len(dst)
	dst = append(dst, `{"_date":`...)
	dst = strconv.AppendInt(dst, now.UnixMilli(), 10)
	wrote := false
	for _, tc := range c.Changes {
		tableStart := len(dst)
		dst = append(dst, ',')
		dst = ovsjson.AppendString(dst, tc.Table.Name)
		dst = append(dst, ":{"...)
		nrows := 0
		for j := range tc.Rows {
			rc := &tc.Rows[j]
			rowStart := len(dst)
			if nrows > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '"')
			dst = appendUUID(dst, rc.UUID)
			dst = append(dst, `":`...)
			switch {
			case rc.New == nil:
				dst = append(dst, "null"...)
			case rc.Old == nil:
				dst = appendInsertedRow(dst, tc.Table, rc.New)
			default:
				var ok bool
				if dst, ok = appendModifiedRow(dst, tc.Table, rc); !ok {
					dst = dst[:rowStart]
					continue
				}
			}
			nrows++
		}
		if nrows == 0 {
			dst = dst[:tableStart]
			continue
		}
		dst = append(dst, '}')
		wrote = true
	}
	if !wrote {
		return dst[:start]
	}
	dst = append(dst, `,"_is_diff":true`...)
	if c.Comment != "" {
		dst = append(dst, `,"_comment":`...)
		dst = ovsjson.AppendString(dst, c.Comment)
	}
	return append(dst, '}')
}

func appendUUID(dst []byte, u ovsdb.UUID) []byte { return u.AppendText(dst) }

func appendInsertedRow(dst []byte, ts *ovsdb.TableSchema, row *ovsdb.Row) []byte {
	dst = append(dst, '{')
	first := true
	for _, c := range ts.AllColumns[2:] {
		d := &row.Fields[c.Index]
		if c.Ephemeral || isDefault(&c.Type, d) {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = ovsjson.AppendString(dst, c.Name)
		dst = append(dst, ':')
		dst = d.AppendJSON(dst, &c.Type)
	}
	return append(dst, '}')
}

func appendModifiedRow(dst []byte, ts *ovsdb.TableSchema, rc *RowChange) ([]byte, bool) {
	dst = append(dst, '{')
	first := true
	for _, idx := range rc.Changed {
		c := ts.AllColumns[idx]
		if idx < 2 || c.Ephemeral {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = ovsjson.AppendString(dst, c.Name)
		dst = append(dst, ':')
		nd := &rc.New.Fields[idx]
		if c.Type.Max == 1 {
			dst = nd.AppendJSON(dst, &c.Type)
		} else {
			diff := rc.Old.Fields[idx].Diff(&c.Type, nd)
			dst = diff.AppendJSON(dst, &c.Type)
		}
	}
	return append(dst, '}'), !first
}

// isDefault reports whether d is the default value of type t.
func isDefault(t *ovsdb.Type, d *ovsdb.Datum) bool {
	if t.Min == 0 {
		return len(d.Keys) == 0
	}
	var zero ovsdb.Atom
	if len(d.Keys) != 1 || !ovsdb.AtomsEqual(t.Key.Type, d.Keys[0], zero) {
		return false
	}
	return !t.IsMap() || ovsdb.AtomsEqual(t.Value.Type, d.Values[0], zero)
}

func insertedRowJSON(ts *ovsdb.TableSchema, row *ovsdb.Row) ovsjson.Value {
	m := make([]ovsjson.Member, 0, 8)
	for _, c := range ts.AllColumns[2:] {
		d := &row.Fields[c.Index]
		if c.Ephemeral || isDefault(&c.Type, d) {
			continue
		}
		m = append(m, ovsjson.Member{Key: c.Name, Value: d.ToJSON(&c.Type)})
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: m}
}

func modifiedRowJSON(ts *ovsdb.TableSchema, rc *RowChange) (ovsjson.Value, bool) {
	var m []ovsjson.Member
	for _, idx := range rc.Changed {
		c := ts.AllColumns[idx]
		if idx < 2 || c.Ephemeral {
			continue
		}
		nd := &rc.New.Fields[idx]
		var v ovsjson.Value
		if c.Type.Max == 1 {
			v = nd.ToJSON(&c.Type)
		} else {
			diff := rc.Old.Fields[idx].Diff(&c.Type, nd)
			v = diff.ToJSON(&c.Type)
		}
		m = append(m, ovsjson.Member{Key: c.Name, Value: v})
	}
	if m == nil {
		return ovsjson.Value{}, false
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: m}, true
}

// HasFileRecord reports whether the commit changed anything that is
// stored in the database file (that is, anything but ephemeral columns).
func (c *Commit) HasFileRecord() bool {
	for _, tc := range c.Changes {
		for j := range tc.Rows {
			rc := &tc.Rows[j]
			if rc.Old == nil || rc.New == nil {
				return true
			}
			for _, idx := range rc.Changed {
				if idx >= 2 && !tc.Table.AllColumns[idx].Ephemeral {
					return true
				}
			}
		}
	}
	return false
}

// Snapshot returns one record that recreates the current contents, as
// ovsdb-server writes when it compacts a database online: "_date", every
// row as an inserted row, and "_is_diff": true. The caller may add a
// "_comment" member.
func (db *Database) Snapshot() ovsjson.Value { return db.SnapshotAt(time.Now()) }

// SnapshotAt is Snapshot with the given "_date".
func (db *Database) SnapshotAt(now time.Time) ovsjson.Value {
	db.mu.RLock()
	defer db.mu.RUnlock()
	members := make([]ovsjson.Member, 0, len(db.tables)+2)
	members = append(members, ovsjson.M("_date", ovsjson.NewInt(now.UnixMilli())))
	for _, t := range db.tables {
		if len(t.rows) == 0 {
			continue
		}
		rows := make([]ovsjson.Member, 0, len(t.rows))
		for _, e := range t.order {
			if e != nil {
				rows = append(rows, ovsjson.Member{Key: e.row.UUID.String(), Value: insertedRowJSON(t.schema, e.row)})
			}
		}
		members = append(members, ovsjson.Member{Key: t.schema.Name, Value: ovsjson.Value{Kind: ovsjson.Object, O: rows}})
	}
	members = append(members, ovsjson.M("_is_diff", ovsjson.NewBool(true)))
	return ovsjson.Value{Kind: ovsjson.Object, O: members}
}

// ApplyFileRecord replays one transaction record read from a standalone
// database file: the "_is_diff" form OVS 2.15 and later write, or the
// older form in which a modified column carries its whole new value. The
// record is checked like any transaction (referential integrity, garbage
// collection, weak references, limits, indexes), as OVS checks it, and on
// error the database is left unchanged. Errors read as OVS's do, e.g.
// "referential integrity violation: cannot delete ...".
func (db *Database) ApplyFileRecord(rec ovsjson.Value) error {
	if rec.Kind != ovsjson.Object {
		return ovsdb.NewSyntaxError(rec, "object expected")
	}
	db.wmu.Lock()
	defer db.wmu.Unlock()
	isDiff := false
	for i := range rec.O {
		if m := &rec.O[i]; m.Key == "_is_diff" && m.Value.IsBool() {
			isDiff = m.Value.Bool()
		}
	}
	tx := newTxn(db)
	tx.reserveRecord(rec)
	for i := range rec.O {
		m := &rec.O[i]
		switch {
		case m.Key == "_date" && m.Value.IsNumber(),
			m.Key == "_comment",
			m.Key == "_is_diff" && m.Value.IsBool():
			continue
		}
		t := db.byName[m.Key]
		if t == nil {
			return &ovsdb.Error{Tag: "unknown table", Details: "No table named " + m.Key + ".", Syntax: rec.String()}
		}
		if m.Value.Kind != ovsjson.Object {
			return ovsdb.NewSyntaxError(m.Value, "object expected")
		}
		for j := range m.Value.O {
			if err := tx.replayRow(t, m.Value, &m.Value.O[j], isDiff); err != nil {
				return err
			}
		}
	}
	_, err := tx.commit()
	return err
}

// reserveRecord sizes tx for a big record (a snapshot, most likely): it
// counts every row of a table as an insert, which is what a snapshot's rows
// are.
func (tx *txn) reserveRecord(rec ovsjson.Value) {
	var hint []int
	for i := range rec.O {
		m := &rec.O[i]
		if m.Value.Kind != ovsjson.Object || len(m.Value.O) < reserveMin {
			continue
		}
		if t := tx.db.byName[m.Key]; t != nil {
			if hint == nil {
				hint = make([]int, len(tx.db.tables))
			}
			hint[t.idx] += len(m.Value.O)
		}
	}
	if hint != nil {
		tx.reserve(hint, 0)
	}
}

func (tx *txn) replayRow(t *table, tableV ovsjson.Value, rm *ovsjson.Member, isDiff bool) error {
	u, ok := ovsdb.ParseUUID(rm.Key)
	if !ok {
		return ovsdb.NewSyntaxError(tableV, "\"%s\" is not a valid UUID", rm.Key)
	}
	switch rm.Value.Kind {
	case ovsjson.Null:
		if !tx.alive(t, u) {
			return ovsdb.Errorf(ovsdb.ErrSyntax, "transaction deletes row %s that does not exist", u)
		}
		tx.delete(t, u)
		return nil
	case ovsjson.Object:
	default:
		return ovsdb.NewSyntaxError(rm.Value, "row must be JSON object")
	}
	var tr *txnRow
	inserting := !tx.alive(t, u)
	if inserting {
		tt := tx.table(t)
		if tt.rows[u] != nil {
			// Deleted earlier in this record; OVS refuses to resurrect it.
			return ovsdb.Errorf(ovsdb.ErrSyntax, "transaction inserts row %s that was deleted", u)
		}
		tr = tx.newRow()
		*tr = txnRow{tt: tt, uuid: u, new: t.newRow(u, ovsdb.NewUUID())}
		tt.rows[u] = tr
		tt.list = append(tt.list, tr)
		tt.inserted = append(tt.inserted, tr)
	} else {
		tr = tx.modify(t, u)
	}
	for k := range rm.Value.O {
		cm := &rm.Value.O[k]
		c, ok := t.schema.Columns[cm.Key]
		if !ok {
			return &ovsdb.Error{Tag: "unknown column",
				Details: "No column " + cm.Key + " in table " + t.schema.Name + ".", Syntax: rm.Value.String()}
		}
		if c.Index < 2 {
			continue
		}
		if inserting || !isDiff || c.Type.Max == 1 {
			d, err := datumFromJSON(&c.Type, cm.Value, nil)
			if err != nil {
				return err
			}
			tr.new.Fields[c.Index] = d
		} else {
			dt := c.Type
			dt.Min, dt.Max = 0, ovsdb.Unlimited
			diff, err := datumFromJSON(&dt, cm.Value, nil)
			if err != nil {
				return err
			}
			nd := tr.new.Fields[c.Index].Clone()
			if err := nd.ApplyDiff(&c.Type, &diff); err != nil {
				return err
			}
			tr.new.Fields[c.Index] = nd
		}
		tr.touched.add(c.Index)
	}
	return nil
}
