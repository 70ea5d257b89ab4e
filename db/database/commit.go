package database

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/govs/ovs/db/ovsdb"
)

// Commit describes what a successful transaction changed. Its rows are
// immutable and may be kept.
type Commit struct {
	// Changes lists, per table in schema order, the rows the transaction
	// inserted, modified or deleted (including rows deleted by garbage
	// collection and rows whose weak references were cleaned up).
	Changes []TableChange
	// Durable is set when a "commit" operation asked for durability.
	Durable bool
	// Comment is the transaction's "comment" operations joined as OVS
	// joins them for the "_comment" member of the log record.
	Comment string

	schema *ovsdb.Schema
}

// TableChange is what a commit did to one table.
type TableChange struct {
	Table *ovsdb.TableSchema
	Rows  []RowChange
}

// RowChange is one changed row. Old is nil for an insertion, New nil for
// a deletion. For a modification, Changed lists the indexes (into
// Table.AllColumns, ascending) of the columns whose value changed,
// including _version (index 1); it is nil otherwise.
type RowChange struct {
	UUID    ovsdb.UUID
	Old     *ovsdb.Row
	New     *ovsdb.Row
	Changed []int
}

// rowsTouched is the number of rows the transaction has touched so far.
func (tx *txn) rowsTouched() int {
	n := 0
	for _, tt := range tx.touched {
		n += len(tt.list)
	}
	return n
}

// forEachRef calls fn for every reference of the given strength in d.
func (rc *refColumn) forEachRef(d *ovsdb.Datum, weak bool, fn func(target *table, u ovsdb.UUID)) {
	if rc.keyRef != nil && rc.keyWeak == weak {
		for i := range d.Keys {
			fn(rc.keyRef, d.Keys[i].UUID())
		}
	}
	if rc.valRef != nil && rc.valWeak == weak {
		for i := range d.Values {
			fn(rc.valRef, d.Values[i].UUID())
		}
	}
}

// diffStrongRefs calls fn with -1 for each strong reference in od that is
// not in nd and +1 for each in nd that is not in od (either may be nil).
// Datums are sorted by key, so a merge finds the difference in one pass:
// adding a port to a bridge with a thousand ports costs one reference
// update, not two thousand.
func (rc *refColumn) diffStrongRefs(od, nd *ovsdb.Datum, fn func(target *table, u ovsdb.UUID, d int)) {
	keyRef := rc.keyRef != nil && !rc.keyWeak
	valRef := rc.valRef != nil && !rc.valWeak
	emit := func(d *ovsdb.Datum, i, delta int, key, val bool) {
		if key {
			fn(rc.keyRef, d.Keys[i].UUID(), delta)
		}
		if val {
			fn(rc.valRef, d.Values[i].UUID(), delta)
		}
	}
	var o, n ovsdb.Datum
	if od != nil {
		o = *od
	}
	if nd != nil {
		n = *nd
	}
	kt := rc.col.Type.Key.Type
	i, j := 0, 0
	for i < len(o.Keys) || j < len(n.Keys) {
		c := 0
		switch {
		case i == len(o.Keys):
			c = 1
		case j == len(n.Keys):
			c = -1
		default:
			c = ovsdb.CompareAtoms(kt, o.Keys[i], n.Keys[j])
		}
		switch {
		case c < 0:
			emit(&o, i, -1, keyRef, valRef)
			i++
		case c > 0:
			emit(&n, j, 1, keyRef, valRef)
			j++
		default:
			if valRef && o.Values[i] != n.Values[j] {
				emit(&o, i, -1, false, true)
				emit(&n, j, 1, false, true)
			}
			i++
			j++
		}
	}
}

func riError(format string, args ...any) error {
	return ovsdb.Errorf(ovsdb.ErrReferentialIntegrity, format, args...)
}

// columnChanged reports whether a modified row's column differs.
func (tr *txnRow) columnChanged(idx int) bool {
	return tr.touched.has(idx) && !tr.old.row.Fields[idx].Equal(&tr.new.Fields[idx])
}

// commit checks the transaction against the rules that hold between rows
// (referential integrity, garbage collection, row limits, weak references,
// unique indexes), in the order OVS applies them so that the error
// reported for a transaction breaking several rules is OVS's, and then
// applies it. A transaction that changes nothing returns a nil Commit.
func (tx *txn) commit() (*Commit, error) {
	deltas := make(map[rowRef]int, tx.rowsTouched())

	// Strong references added by the transaction must point at rows that
	// exist. A row the transaction deletes still counts as existing here;
	// the next check reports it, as OVS does.
	for _, tt := range tx.touched {
		t := tt.t
		for _, tr := range tt.list {
			for i := range t.refCols {
				rc := &t.refCols[i]
				if !rc.hasStrong {
					continue
				}
				idx := rc.col.Index
				var od, nd *ovsdb.Datum
				if tr.old != nil {
					od = &tr.old.row.Fields[idx]
				}
				if tr.new != nil {
					nd = &tr.new.Fields[idx]
				}
				if od != nil && nd != nil && !tr.columnChanged(idx) {
					continue
				}
				self := rowRef{t, tr.uuid}
				var err error
				rc.diffStrongRefs(od, nd, func(target *table, u ovsdb.UUID, d int) {
					r := rowRef{target, u}
					if r == self {
						return
					}
					deltas[r] += d
					if d > 0 && err == nil && !tx.existed(target, u) {
						err = riError("Table %s column %s row %s references nonexistent row %s in table %s.",
							t.schema.Name, rc.col.Name, tr.uuid, u, target.schema.Name)
					}
				})
				if err != nil {
					return nil, err
				}
			}
		}
	}

	// A row deleted on purpose must no longer be referred to.
	for _, tt := range tx.touched {
		for _, tr := range tt.list {
			if tr.old != nil && tr.new == nil {
				if n := tr.old.refs + deltas[rowRef{tt.t, tr.uuid}]; n > 0 {
					return nil, riError("cannot delete %s row %s because of %d remaining reference(s)",
						tt.t.schema.Name, tr.uuid, n)
				}
			}
		}
	}

	tx.collectGarbage(deltas)

	for _, tt := range tx.touched {
		if tt.t.schema.MaxRows == ovsdb.Unlimited {
			continue
		}
		n := len(tt.t.rows)
		for _, tr := range tt.list {
			switch {
			case tr.old == nil && tr.new != nil:
				n++
			case tr.old != nil && tr.new == nil:
				n--
			}
		}
		if n > tt.t.schema.MaxRows {
			return nil, ovsdb.Errorf(ovsdb.ErrConstraint,
				"transaction causes \"%s\" table to contain %d rows, greater than the schema-defined limit of %d row(s)",
				tt.t.schema.Name, n, tt.t.schema.MaxRows)
		}
	}

	if err := tx.dropWeakRefs(); err != nil {
		return nil, err
	}
	if err := tx.checkIndexes(); err != nil {
		return nil, err
	}
	c := tx.buildCommit()
	if c != nil {
		tx.apply(c, deltas)
	}
	return c, nil
}

// collectGarbage deletes rows of non-root tables that nothing refers to
// any more, and what only they referred to. Counting references (rather
// than tracing from the roots) is OVS's rule: a cycle of unreferenced rows
// survives, a row that refers only to itself does not.
func (tx *txn) collectGarbage(deltas map[rowRef]int) {
	n := 0
	for _, tt := range tx.touched {
		if !tt.t.schema.IsRoot {
			n += len(tt.list)
		}
	}
	work := make([]rowRef, 0, n)
	for _, tt := range tx.touched {
		if tt.t.schema.IsRoot {
			continue
		}
		for _, tr := range tt.list {
			if tr.new != nil {
				work = append(work, rowRef{tt.t, tr.uuid})
			}
		}
	}
	var dropped []rowRef
	for r, d := range deltas {
		if d < 0 && !r.t.schema.IsRoot {
			dropped = append(dropped, r)
		}
	}
	// Map order is random; sort so that the commit lists rows the same
	// way every time.
	slices.SortFunc(dropped, func(a, b rowRef) int {
		if c := cmp.Compare(a.t.idx, b.t.idx); c != 0 {
			return c
		}
		return slices.Compare(a.u[:], b.u[:])
	})
	work = append(work, dropped...)
	for len(work) > 0 {
		r := work[0]
		work = work[1:]
		if r.t.schema.IsRoot {
			continue
		}
		row := tx.get(r.t, r.u)
		if row == nil {
			continue
		}
		n := deltas[r]
		if e := r.t.rows[r.u]; e != nil {
			n += e.refs
		}
		if n != 0 {
			continue
		}
		tx.delete(r.t, r.u)
		for i := range r.t.refCols {
			rc := &r.t.refCols[i]
			if !rc.hasStrong {
				continue
			}
			rc.forEachRef(&row.Fields[rc.col.Index], false, func(target *table, u ovsdb.UUID) {
				if tr := (rowRef{target, u}); tr != r {
					deltas[tr]--
					work = append(work, tr)
				}
			})
		}
	}
}

// dropWeakRefs removes weak references to rows that do not exist after
// the transaction, from the rows the transaction wrote and from committed
// rows that referred to rows it deleted (including rows deleted by garbage
// collection, which OVS 3.1 itself overlooks until the database is
// reloaded).
func (tx *txn) dropWeakRefs() error {
	var referrers []rowRef
	for _, tt := range tx.touched {
		for _, tr := range tt.list {
			if tr.old == nil || tr.new != nil || len(tr.old.weakFrom) == 0 {
				continue
			}
			for r := range tr.old.weakFrom {
				referrers = append(referrers, r)
			}
		}
	}
	slices.SortFunc(referrers, func(a, b rowRef) int {
		if c := cmp.Compare(a.t.idx, b.t.idx); c != 0 {
			return c
		}
		return slices.Compare(a.u[:], b.u[:])
	})
	for _, r := range referrers {
		if tx.alive(r.t, r.u) {
			tx.modify(r.t, r.u)
		}
	}
	for _, tt := range tx.touched {
		t := tt.t
		for _, tr := range tt.list {
			if tr.new == nil {
				continue
			}
			for i := range t.refCols {
				rc := &t.refCols[i]
				if rc.hasWeak {
					if err := tx.dropWeakColumn(t, tr, rc); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

func (tx *txn) dropWeakColumn(t *table, tr *txnRow, rc *refColumn) error {
	idx := rc.col.Index
	d := &tr.new.Fields[idx]
	dangling := func(i int) bool {
		if rc.keyRef != nil && rc.keyWeak && !tx.alive(rc.keyRef, d.Keys[i].UUID()) {
			return true
		}
		return rc.valRef != nil && rc.valWeak && !tx.alive(rc.valRef, d.Values[i].UUID())
	}
	first := -1
	for i := range d.Keys {
		if dangling(i) {
			first = i
			break
		}
	}
	if first < 0 {
		return nil
	}
	isMap := rc.col.Type.IsMap()
	nd := ovsdb.Datum{Keys: slices.Clone(d.Keys[:first])}
	if isMap {
		nd.Values = slices.Clone(d.Values[:first])
	}
	removed, zero := 0, false
	for i := first; i < len(d.Keys); i++ {
		if !dangling(i) {
			nd.Keys = append(nd.Keys, d.Keys[i])
			if isMap {
				nd.Values = append(nd.Values, d.Values[i])
			}
			continue
		}
		removed++
		if rc.keyRef != nil && rc.keyWeak && d.Keys[i].UUID() == ovsdb.ZeroUUID ||
			rc.valRef != nil && rc.valWeak && d.Values[i].UUID() == ovsdb.ZeroUUID {
			zero = true
		}
	}
	if len(nd.Keys) < rc.col.Type.Min {
		where := ""
		if tr.old == nil {
			where = " (inserted within this transaction)"
		}
		if zero {
			return ovsdb.Errorf(ovsdb.ErrConstraint,
				"Weak reference column \"%s\" in \"%s\" row %s%s contained all-zeros UUID (probably as the default value for this column) but deleting this value caused a constraint volation because this column is not allowed to be empty.",
				rc.col.Name, t.schema.Name, tr.uuid, where)
		}
		return ovsdb.Errorf(ovsdb.ErrConstraint,
			"Deletion of %d weak reference(s) to deleted (or never-existing) rows from column \"%s\" in \"%s\" row %s%s caused this column to become empty, but constraints on this column disallow an empty column.",
			removed, rc.col.Name, t.schema.Name, tr.uuid, where)
	}
	if isMap && len(nd.Keys) == 0 {
		nd.Values = nil
	}
	tr.new.Fields[idx] = nd
	tr.touched.add(idx)
	return nil
}

// checkIndexes enforces the tables' unique indexes on the rows the
// transaction wrote.
func (tx *txn) checkIndexes() error {
	for _, tt := range tx.touched {
		if len(tt.t.indexes) == 0 {
			continue
		}
		for _, ix := range tt.t.indexes {
			seen := make(map[string]*txnRow, len(tt.list))
			for _, tr := range tt.list {
				if tr.new == nil {
					continue
				}
				tx.keyBuf = ix.key(tx.keyBuf[:0], tr.new)
				if other := seen[string(tx.keyBuf)]; other != nil {
					return indexError(tt.t, ix, other, nil, tr)
				}
				seen[string(tx.keyBuf)] = tr
				if e := ix.m[string(tx.keyBuf)]; e != nil && e.row.UUID != tr.uuid && tt.rows[e.row.UUID] == nil {
					return indexError(tt.t, ix, tr, e, nil)
				}
			}
		}
	}
	return nil
}

func indexValues(ix *uniqueIndex, row *ovsdb.Row) string {
	vals := make([]string, len(ix.cols))
	for i, c := range ix.cols {
		vals[i] = row.Fields[c.Index].ToString(&c.Type)
	}
	return englishList(vals)
}

// indexError reports two rows with the same index values. The second row
// is either another row the transaction wrote (tr2) or an untouched
// committed row (e).
func indexError(t *table, ix *uniqueIndex, tr1 *txnRow, e *rowEntry, tr2 *txnRow) error {
	names := make([]string, len(ix.cols))
	for i, c := range ix.cols {
		names[i] = "\"" + c.Name + "\""
	}
	colWord := "column "
	if len(names) > 1 {
		colWord = "columns "
	}
	describe := func(tr *txnRow) string {
		if tr.old == nil {
			return "was inserted by this transaction"
		}
		return "had the following index values before the transaction: " + indexValues(ix, tr.old.row)
	}
	var second string
	var secondUUID ovsdb.UUID
	if tr2 != nil {
		second, secondUUID = describe(tr2), tr2.uuid
	} else {
		second, secondUUID = "existed in the database before this transaction and was not modified by the transaction", e.row.UUID
	}
	return ovsdb.Errorf(ovsdb.ErrConstraint,
		"Transaction causes multiple rows in \"%s\" table to have identical values (%s) for index on %s%s.  First row, with UUID %s, %s.  Second row, with UUID %s, %s.",
		t.schema.Name, indexValues(ix, tr1.new), colWord, englishList(names),
		tr1.uuid, describe(tr1), secondUUID, second)
}

// buildCommit lists the transaction's net changes, or returns nil if
// there are none.
func (tx *txn) buildCommit() *Commit {
	var changes []TableChange
	for _, tt := range tx.tables {
		if tt == nil {
			continue
		}
		var rows []RowChange
		for _, tr := range tt.list {
			if rows == nil {
				rows = make([]RowChange, 0, len(tt.list))
			}
			switch {
			case tr.old == nil && tr.new == nil:
			case tr.old == nil:
				rows = append(rows, RowChange{UUID: tr.uuid, New: tr.new})
			case tr.new == nil:
				rows = append(rows, RowChange{UUID: tr.uuid, Old: tr.old.row})
			default:
				var changed []int
				for _, c := range tt.t.schema.AllColumns[2:] {
					if tr.columnChanged(c.Index) {
						if changed == nil {
							changed = append(changed, ovsdb.VersionColumnIndex)
						}
						changed = append(changed, c.Index)
					}
				}
				if changed != nil {
					rows = append(rows, RowChange{UUID: tr.uuid, Old: tr.old.row, New: tr.new, Changed: changed})
				}
			}
		}
		if len(rows) > 0 {
			changes = append(changes, TableChange{Table: tt.t.schema, Rows: rows})
		}
	}
	if changes == nil {
		return nil
	}
	return &Commit{Changes: changes, Durable: tx.durable, Comment: string(tx.comment), schema: tx.db.schema}
}

// apply installs a checked commit into the database.
func (tx *txn) apply(c *Commit, deltas map[rowRef]int) {
	db := tx.db
	db.mu.Lock()
	defer db.mu.Unlock()
	for i := range c.Changes {
		t := db.byName[c.Changes[i].Table.Name]
		if tt := tx.tables[t.idx]; tt != nil && len(tt.inserted) > 0 {
			t.order = slices.Grow(t.order, len(tt.inserted))
		}
		for j := range c.Changes[i].Rows {
			rc := &c.Changes[i].Rows[j]
			switch {
			case rc.Old == nil:
				t.insertEntry(rc.New)
			case rc.New != nil:
				t.rows[rc.UUID].row = rc.New
			}
		}
	}
	for r, d := range deltas {
		if d != 0 {
			if e := r.t.rows[r.u]; e != nil {
				e.refs += d
			}
		}
	}
	for i := range c.Changes {
		t := db.byName[c.Changes[i].Table.Name]
		for j := range c.Changes[i].Rows {
			rc := &c.Changes[i].Rows[j]
			updateWeakFrom(t, rc)
		}
		if len(t.indexes) > 0 {
			updateIndexes(t, c.Changes[i].Rows, &tx.keyBuf)
		}
		for j := range c.Changes[i].Rows {
			if rc := &c.Changes[i].Rows[j]; rc.New == nil {
				t.removeEntry(t.rows[rc.UUID])
			}
		}
		t.compact()
	}
}

// updateWeakFrom keeps the weak-reference back pointers in step with a
// changed row.
func updateWeakFrom(t *table, rc *RowChange) {
	src := rowRef{t, rc.UUID}
	for i := range t.refCols {
		col := &t.refCols[i]
		if !col.hasWeak {
			continue
		}
		idx := col.col.Index
		if rc.Old != nil && rc.New != nil && !slices.Contains(rc.Changed, idx) {
			continue
		}
		if rc.Old != nil {
			col.forEachRef(&rc.Old.Fields[idx], true, func(target *table, u ovsdb.UUID) {
				if e := target.rows[u]; e != nil && e.weakFrom != nil {
					if e.weakFrom[src]--; e.weakFrom[src] <= 0 {
						delete(e.weakFrom, src)
					}
				}
			})
		}
		if rc.New != nil {
			col.forEachRef(&rc.New.Fields[idx], true, func(target *table, u ovsdb.UUID) {
				if e := target.rows[u]; e != nil {
					if e.weakFrom == nil {
						e.weakFrom = make(map[rowRef]int)
					}
					e.weakFrom[src]++
				}
			})
		}
	}
}

// updateIndexes moves changed rows' entries in t's unique indexes. All old
// entries go before any new one is added, so rows may swap values.
func updateIndexes(t *table, rows []RowChange, buf *[]byte) {
	for _, ix := range t.indexes {
		for j := range rows {
			rc := &rows[j]
			if rc.Old == nil {
				continue
			}
			*buf = ix.key((*buf)[:0], rc.Old)
			if e := ix.m[string(*buf)]; e != nil && e.row.UUID == rc.UUID {
				delete(ix.m, string(*buf))
			}
		}
		for j := range rows {
			rc := &rows[j]
			if rc.New == nil {
				continue
			}
			*buf = ix.key((*buf)[:0], rc.New)
			ix.m[string(*buf)] = t.rows[rc.UUID]
		}
	}
}

// String describes the commit briefly, for logs and test failures.
func (c *Commit) String() string {
	var b strings.Builder
	for _, tc := range c.Changes {
		for _, rc := range tc.Rows {
			kind := "modify"
			if rc.Old == nil {
				kind = "insert"
			} else if rc.New == nil {
				kind = "delete"
			}
			fmt.Fprintf(&b, "%s %s %s\n", kind, tc.Table.Name, rc.UUID)
		}
	}
	return b.String()
}
