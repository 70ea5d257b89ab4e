package idl

import (
	"fmt"
	"math/bits"
	"slices"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// A batch is one monitor reply or update notification, converted to
// datums by the connection goroutine, ready for Run to swap into the
// replica.
type batch struct {
	// reset: the batch is a complete copy of the monitored data; rows
	// it lacks are gone.
	reset  bool
	tables []tableBatch
}

type tableBatch struct {
	t    *Table
	rows []rowUpdate
}

type rowOp uint8

const (
	opInsert rowOp = iota // "initial", "insert", or RFC 7047 "new" alone
	opModify
	opDelete
)

type rowUpdate struct {
	uuid ovsdb.UUID
	op   rowOp
	// fields is the whole new row, by slot (opInsert).
	fields []*ovsdb.Datum
	// cells are the changed columns (opModify).
	cells []cell
}

// cell is one column of a "modify": the new value, an update2 diff to
// apply to the old one, or, for a column of at most one element, either.
type cell struct {
	slot  int
	kind  cellKind
	value ovsdb.Datum
}

type cellKind uint8

const (
	cellNew cellKind = iota
	cellDiff
	cellMaxOne
)

func (idl *IDL) badCell(t *Table, u ovsdb.UUID, c *Column, err error) {
	log.WarnRL(badCellRL, "%s: error parsing column %s in row "+"%s of table %s: %v", idl.remote, c.Name, u, t.Name, err)
}

// parseTableUpdates2 converts a <table-updates2> object (update2, update3
// and the replies to monitor_cond and monitor_cond_since).
func (idl *IDL) parseTableUpdates2(v ovsjson.Value) (*batch, error) {
	return idl.parseUpdates(v, "2", func(t *Table, u ovsdb.UUID, ru ovsjson.Value) (rowUpdate, error) {
		if ru.Kind != ovsjson.Object || len(ru.O) != 1 {
			return rowUpdate{}, fmt.Errorf("<row-update2> for row %s of table %s does not have exactly one member", u, t.Name)
		}
		op := &ru.O[0]
		switch op.Key {
		case "initial", "insert":
			fields, err := idl.parseRow(t, u, op.Value)
			return rowUpdate{uuid: u, op: opInsert, fields: fields}, err
		case "delete":
			return rowUpdate{uuid: u, op: opDelete}, nil
		case "modify":
			cells, err := idl.parseModify(t, u, op.Value, true)
			return rowUpdate{uuid: u, op: opModify, cells: cells}, err
		}
		return rowUpdate{}, fmt.Errorf("unknown <row-update2> member %q", op.Key)
	})
}

// parseTableUpdates converts an RFC 7047 <table-updates> object (monitor
// replies and "update" notifications).
func (idl *IDL) parseTableUpdates(v ovsjson.Value) (*batch, error) {
	return idl.parseUpdates(v, "", func(t *Table, u ovsdb.UUID, ru ovsjson.Value) (rowUpdate, error) {
		if ru.Kind != ovsjson.Object {
			return rowUpdate{}, fmt.Errorf("<row-update> for row %s of table %s is not an object", u, t.Name)
		}
		oldv, hasOld := ru.Get("old")
		newv, hasNew := ru.Get("new")
		hasOld = hasOld && oldv.Kind != ovsjson.Null
		hasNew = hasNew && newv.Kind != ovsjson.Null
		switch {
		case hasNew && !hasOld:
			fields, err := idl.parseRow(t, u, newv)
			return rowUpdate{uuid: u, op: opInsert, fields: fields}, err
		case hasNew:
			cells, err := idl.parseModify(t, u, newv, false)
			return rowUpdate{uuid: u, op: opModify, cells: cells}, err
		case hasOld:
			return rowUpdate{uuid: u, op: opDelete}, nil
		}
		return rowUpdate{}, fmt.Errorf("<row-update> for row %s of table %s has neither \"old\" nor \"new\"", u, t.Name)
	})
}

// parseUpdates walks the tables and rows of a <table-updates> (suffix "")
// or <table-updates2> (suffix "2") object, keeping only registered tables
// and converting each row with row.
func (idl *IDL) parseUpdates(v ovsjson.Value, suffix string, row func(t *Table, u ovsdb.UUID, ru ovsjson.Value) (rowUpdate, error)) (*batch, error) {
	if v.Kind != ovsjson.Object {
		return nil, fmt.Errorf("<table-updates%s> is not an object", suffix)
	}
	b := &batch{tables: make([]tableBatch, 0, len(v.O))}
	for i := range v.O {
		tm := &v.O[i]
		t := idl.tables[tm.Key]
		if t == nil || !t.registered {
			// Not something we asked for: nothing to keep.
			continue
		}
		if tm.Value.Kind != ovsjson.Object {
			return nil, fmt.Errorf("<table-update%s> for table %s is not an object", suffix, t.Name)
		}
		rows := tm.Value.O
		tb := tableBatch{t: t, rows: make([]rowUpdate, 0, len(rows))}
		for j := range rows {
			u, ok := ovsdb.ParseUUID(rows[j].Key)
			if !ok {
				return nil, fmt.Errorf("%q is not a valid UUID", rows[j].Key)
			}
			ru, err := row(t, u, rows[j].Value)
			if err != nil {
				return nil, err
			}
			tb.rows = append(tb.rows, ru)
		}
		b.tables = append(b.tables, tb)
	}
	return b, nil
}

// parseRow converts a whole <row>: columns it omits have their default.
// A cell that does not parse is logged and left at its default, as OVS
// does, so that one odd value (a newer server's enum, say) does not stop
// replication.
//
// The row's datums and atoms are carved out of one allocation each: a
// table of thousands of rows then costs a few allocations per row rather
// than one or two per cell.
func (idl *IDL) parseRow(t *Table, u ovsdb.UUID, v ovsjson.Value) ([]*ovsdb.Datum, error) {
	if v.Kind != ovsjson.Object {
		return nil, fmt.Errorf("<row> for row %s of table %s is not an object", u, t.Name)
	}
	if len(t.slots) == 0 {
		return nil, nil
	}
	nCells, nAtoms := 0, 0
	for i := range v.O {
		if c := t.byName[v.O[i].Key]; c != nil && c.slot >= 0 {
			nCells++
			nAtoms += countAtoms(&c.Schema.Type, v.O[i].Value)
		}
	}
	fields := make([]*ovsdb.Datum, len(t.slots))
	cells := make([]ovsdb.Datum, 0, nCells)
	arena := make([]ovsdb.Atom, nAtoms)
	for i := range v.O {
		m := &v.O[i]
		c := t.byName[m.Key]
		if c == nil || c.slot < 0 {
			continue
		}
		d, ok := decodeDatum(&c.Schema.Type, m.Value, &arena)
		if !ok {
			var err error
			if d, err = ovsdb.DatumFromJSON(&c.Schema.Type, m.Value, nil); err != nil {
				idl.badCell(t, u, c, err)
				continue
			}
		}
		if d.Len() == 0 && c.def.Len() == 0 {
			continue
		}
		cells = append(cells, d)
		fields[c.slot] = &cells[len(cells)-1]
	}
	return fields, nil
}

// countAtoms returns how many atoms decodeDatum will take for v.
func countAtoms(t *ovsdb.Type, v ovsjson.Value) int {
	if elems, ok := datumElems(t, v); ok {
		if t.IsMap() {
			return 2 * len(elems)
		}
		return len(elems)
	}
	return 1
}

// datumElems returns the elements of an ["set", [...]] or ["map", [...]]
// value of type t, or false for a bare atom (or something malformed).
func datumElems(t *ovsdb.Type, v ovsjson.Value) ([]ovsjson.Value, bool) {
	if v.Kind != ovsjson.Array || len(v.A) != 2 || v.A[0].Kind != ovsjson.String || v.A[1].Kind != ovsjson.Array {
		return nil, false
	}
	if t.IsMap() {
		return v.A[1].A, v.A[0].S == "map"
	}
	return v.A[1].A, v.A[0].S == "set"
}

// decodeDatum is ovsdb.DatumFromJSON for well-formed input, taking its
// atoms from *arena. It returns false for anything it does not accept,
// and the caller then asks DatumFromJSON for the verdict and the error.
func decodeDatum(t *ovsdb.Type, v ovsjson.Value, arena *[]ovsdb.Atom) (ovsdb.Datum, bool) {
	isMap := t.IsMap()
	elems, isSet := datumElems(t, v)
	n := 1
	if isSet {
		n = len(elems)
	} else if isMap {
		return ovsdb.Datum{}, false
	}
	need := n
	if isMap {
		need = 2 * n
	}
	if n < t.Min || n > t.Max || len(*arena) < need {
		return ovsdb.Datum{}, false
	}
	a := *arena
	d := ovsdb.Datum{Keys: a[:n:n]}
	if isMap {
		d.Values = a[n : 2*n : 2*n]
	}
	if !isSet {
		k, ok := decodeAtom(&t.Key, v)
		if !ok {
			return ovsdb.Datum{}, false
		}
		d.Keys[0] = k
	} else {
		for i := range elems {
			e := elems[i]
			if isMap {
				if e.Kind != ovsjson.Array || len(e.A) != 2 {
					return ovsdb.Datum{}, false
				}
				k, ok1 := decodeAtom(&t.Key, e.A[0])
				val, ok2 := decodeAtom(&t.Value, e.A[1])
				if !ok1 || !ok2 {
					return ovsdb.Datum{}, false
				}
				d.Keys[i], d.Values[i] = k, val
				continue
			}
			k, ok := decodeAtom(&t.Key, e)
			if !ok {
				return ovsdb.Datum{}, false
			}
			d.Keys[i] = k
		}
		if n > 1 && d.Sort(t) != nil {
			return ovsdb.Datum{}, false
		}
	}
	*arena = a[need:]
	return d, true
}

func decodeAtom(b *ovsdb.BaseType, v ovsjson.Value) (ovsdb.Atom, bool) {
	a, err := ovsdb.AtomFromJSON(b.Type, v, nil)
	if err != nil {
		return a, false
	}
	if b.HasConstraints() && b.CheckAtom(a) != nil {
		return a, false
	}
	return a, true
}

// parseModify converts the changed columns of a "modify" (update2 diffs
// when diffs is true, RFC 7047 new values otherwise).
func (idl *IDL) parseModify(t *Table, u ovsdb.UUID, v ovsjson.Value, diffs bool) ([]cell, error) {
	if v.Kind != ovsjson.Object {
		return nil, fmt.Errorf("<row> for row %s of table %s is not an object", u, t.Name)
	}
	cells := make([]cell, 0, len(v.O))
	for i := range v.O {
		m := &v.O[i]
		c := t.byName[m.Key]
		if c == nil || c.slot < 0 {
			continue
		}
		ct := &c.Schema.Type
		if !diffs {
			d, err := ovsdb.DatumFromJSON(ct, m.Value, nil)
			if err != nil {
				idl.badCell(t, u, c, err)
				continue
			}
			cells = append(cells, cell{slot: c.slot, kind: cellNew, value: d})
			continue
		}
		dt := ct.DiffType()
		d, err := ovsdb.DatumFromJSON(&dt, m.Value, nil)
		if err != nil {
			idl.badCell(t, u, c, err)
			continue
		}
		kind := cellDiff
		if ct.Max == 1 {
			// ovsdb-server sends a column of at most one element as
			// its new value, not as a difference: see modifyRow.
			kind = cellMaxOne
		}
		cells = append(cells, cell{slot: c.slot, kind: kind, value: d})
	}
	return cells, nil
}

// applyBatch applies b to the replica and the change logs. It reports
// whether anything that alerts changed, and an error if the batch did not
// fit the replica (which then needs a reload).
func (idl *IDL) applyBatch(b *batch) (alert bool, err error) {
	if b.reset {
		return idl.applyReset(b), nil
	}
	for ti := range b.tables {
		t := b.tables[ti].t
		rows := b.tables[ti].rows
		for i := range rows {
			ru := &rows[i]
			switch ru.op {
			case opInsert:
				nr := &Row{UUID: ru.uuid, Table: t, fields: ru.fields}
				old := t.rows[ru.uuid]
				if old == nil {
					t.rows[ru.uuid] = nr
					t.record(nil, nr, nil)
					alert = true
					continue
				}
				changed := diffFields(old, nr, nil)
				if !anyBit(changed) {
					continue
				}
				t.rows[ru.uuid] = nr
				t.record(old, nr, changed)
				alert = alert || t.alerts(changed)
			case opDelete:
				old := t.rows[ru.uuid]
				if old == nil {
					continue
				}
				delete(t.rows, ru.uuid)
				t.record(old, nil, nil)
				alert = true
			case opModify:
				old := t.rows[ru.uuid]
				if old == nil {
					if err == nil {
						err = fmt.Errorf("cannot modify missing row %s in table %s", ru.uuid, t.Name)
					}
					continue
				}
				nr, changed := idl.modifyRow(old, ru.cells)
				if nr == nil {
					continue
				}
				t.rows[ru.uuid] = nr
				t.record(old, nr, changed)
				alert = alert || t.alerts(changed)
			}
		}
	}
	return alert, err
}

// modifyRow returns old with cells applied, and the slots that changed;
// nil if nothing did. The new row shares the unchanged datums.
func (idl *IDL) modifyRow(old *Row, cells []cell) (*Row, []uint64) {
	t := old.Table
	var nf []*ovsdb.Datum
	var changed []uint64
	for i := range cells {
		c := &cells[i]
		col := t.slots[c.slot]
		cur := old.slotValue(c.slot)
		if nf != nil && nf[c.slot] != nil {
			cur = nf[c.slot]
		}
		kind := c.kind
		if kind == cellMaxOne {
			// The new value, as ovsdb-server sends such columns;
			// but two elements can only be a difference (old and
			// new), and one element equal to the old value can only
			// be the difference that empties the column.
			switch n := len(c.value.Keys); {
			case n == 2 || n == 1 && cur.Equal(&c.value):
				kind = cellDiff
			case n > 2 || n < col.Schema.Type.Min:
				idl.badCell(t, old.UUID, col, fmt.Errorf("%d values for a column of at most one", n))
				continue
			default:
				kind = cellNew
			}
		}
		var d *ovsdb.Datum
		if kind == cellDiff {
			if len(c.value.Keys) == 0 {
				continue
			}
			nd := *cur
			if err := nd.ApplyDiff(&col.Schema.Type, &c.value); err != nil {
				idl.badCell(t, old.UUID, col, err)
				continue
			}
			d = &nd
		} else {
			if cur.Equal(&c.value) {
				continue
			}
			// A copy, so that the row does not keep the whole
			// batch's cells alive.
			nd := c.value
			d = &nd
		}
		if nf == nil {
			nf = slices.Clone(old.fields)
		}
		nf[c.slot] = d
		changed = bitSet(changed, c.slot)
	}
	if nf == nil {
		return nil, nil
	}
	return &Row{UUID: old.UUID, Table: t, fields: nf}, changed
}

// applyReset replaces the contents of every replicated table with the
// rows of b, recording only real differences, so that a reload after a
// reconnection looks to trackers like the changes made meanwhile.
func (idl *IDL) applyReset(b *batch) (alert bool) {
	fresh := make(map[*Table]map[ovsdb.UUID]*Row, len(b.tables))
	for ti := range b.tables {
		t := b.tables[ti].t
		rows := b.tables[ti].rows
		m := fresh[t]
		if m == nil {
			m = make(map[ovsdb.UUID]*Row, len(rows))
			fresh[t] = m
		}
		for i := range rows {
			ru := &rows[i]
			if ru.op != opInsert {
				continue
			}
			nr := &Row{UUID: ru.uuid, Table: t, fields: ru.fields}
			old := t.rows[ru.uuid]
			switch {
			case old == nil:
				t.record(nil, nr, nil)
				alert = true
			default:
				changed := diffFields(old, nr, nil)
				if !anyBit(changed) {
					nr = old
					break
				}
				t.record(old, nr, changed)
				alert = alert || t.alerts(changed)
			}
			m[ru.uuid] = nr
		}
	}
	for _, t := range idl.tableList {
		if !t.registered {
			continue
		}
		m := fresh[t]
		for u, old := range t.rows {
			if _, ok := m[u]; !ok {
				t.record(old, nil, nil)
				alert = true
			}
		}
		if m == nil {
			m = make(map[ovsdb.UUID]*Row)
		}
		t.rows = m
	}
	return alert
}

func anyBit(b []uint64) bool {
	for _, w := range b {
		if w != 0 {
			return true
		}
	}
	return false
}

// alerts reports whether a change to the given slots should bump the
// sequence number.
func (t *Table) alerts(changed []uint64) bool {
	for i, w := range changed {
		for w != 0 {
			bit := bits.TrailingZeros64(w)
			w &^= 1 << bit
			if slot := i*64 + bit; slot < len(t.slots) && !t.slots[slot].noAlert {
				return true
			}
		}
	}
	return false
}
