package database

import (
	"sync"

	"github.com/govs/ovs/db/ovsdb"
)

// Database is an in-memory OVSDB database: committed rows, their unique
// indexes and reference counts. Transactions are executed one at a time
// (Transact serialises writers); readers (View, read-only transactions)
// run in parallel with each other and with the execution phase of a
// writer, and wait only while a commit is being applied.
type Database struct {
	schema *ovsdb.Schema
	tables []*table // schema.TableNames order
	byName map[string]*table

	// wmu serialises writers: Transact with writes, ApplyFileRecord.
	wmu sync.Mutex
	// mu guards the committed state. Writers read it freely while
	// holding wmu and take mu exclusively only to apply a commit.
	mu sync.RWMutex
}

// table is one table's committed state.
type table struct {
	idx    int
	schema *ovsdb.TableSchema
	rows   map[ovsdb.UUID]*rowEntry
	// order lists rows in insertion order, with nil holes left by
	// deletions (compacted when they pile up), so that scans are stable
	// from one call to the next.
	order []*rowEntry
	holes int

	indexes []*uniqueIndex
	refCols []refColumn
	// defaults is a row of the table with every column at its default
	// (ovsdb.DefaultFields), which new rows share.
	defaults []ovsdb.Datum
	// badDefaults lists the columns whose default value violates the
	// column's constraints, so that an insert that leaves them unset fails
	// as it does in OVS.
	badDefaults []*ovsdb.ColumnSchema
}

// rowEntry holds a committed row and the bookkeeping that changes when
// other rows change. The row itself is immutable once committed: commits
// replace it, so readers may keep it.
type rowEntry struct {
	row *ovsdb.Row
	pos int
	// refs counts strong references from other rows (one per atom; a
	// row's references to itself do not count).
	refs int
	// weakFrom counts, per referring row, the weak references to this
	// row, so that deleting it finds the rows to clean up without a scan.
	weakFrom map[rowRef]int
}

// rowRef names a row in some table.
type rowRef struct {
	t *table
	u ovsdb.UUID
}

// refColumn describes a column whose keys or values refer to rows.
type refColumn struct {
	col       *ovsdb.ColumnSchema
	keyRef    *table // nil if keys are not references
	keyWeak   bool
	valRef    *table
	valWeak   bool
	hasWeak   bool
	hasStrong bool
}

// uniqueIndex maps the encoded values of an index's columns to the row.
type uniqueIndex struct {
	cols []*ovsdb.ColumnSchema
	m    map[string]*rowEntry
}

// New returns an empty database with the given schema.
func New(schema *ovsdb.Schema) *Database {
	db := &Database{schema: schema, byName: make(map[string]*table, len(schema.TableNames))}
	for i, name := range schema.TableNames {
		t := &table{idx: i, schema: schema.Tables[name], rows: make(map[ovsdb.UUID]*rowEntry)}
		db.tables = append(db.tables, t)
		db.byName[name] = t
	}
	for _, t := range db.tables {
		ts := t.schema
		t.defaults = ovsdb.DefaultFields(ts)
		for _, cols := range ts.Indexes {
			ix := &uniqueIndex{m: make(map[string]*rowEntry)}
			for _, cn := range cols {
				ix.cols = append(ix.cols, ts.Columns[cn])
			}
			t.indexes = append(t.indexes, ix)
		}
		for _, c := range ts.AllColumns[2:] {
			rc := refColumn{col: c}
			if c.Type.Key.IsRef() {
				rc.keyRef = db.byName[c.Type.Key.RefTable]
				rc.keyWeak = c.Type.Key.RefType == ovsdb.RefWeak
			}
			if c.Type.Value.IsRef() {
				rc.valRef = db.byName[c.Type.Value.RefTable]
				rc.valWeak = c.Type.Value.RefType == ovsdb.RefWeak
			}
			rc.hasWeak = rc.keyRef != nil && rc.keyWeak || rc.valRef != nil && rc.valWeak
			rc.hasStrong = rc.keyRef != nil && !rc.keyWeak || rc.valRef != nil && !rc.valWeak
			if rc.keyRef != nil || rc.valRef != nil {
				t.refCols = append(t.refCols, rc)
			}
			def := ovsdb.DefaultDatum(&c.Type)
			if checkDatumAtoms(&c.Type, &def) != nil {
				t.badDefaults = append(t.badDefaults, c)
			}
		}
	}
	return db
}

// Schema returns the database's schema.
func (db *Database) Schema() *ovsdb.Schema { return db.schema }

// View runs fn with a consistent view of the committed database: no commit
// is applied while fn runs, so fn should be quick. Rows obtained from the
// view are immutable and may be kept after fn returns.
func (db *Database) View(fn func(tx ReadTx)) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	fn(ReadTx{db: db})
}

// ReadTx reads the committed database inside View.
type ReadTx struct{ db *Database }

// Rows calls fn for each row of the named table until fn returns false.
// It does nothing for an unknown table.
func (r ReadTx) Rows(tableName string, fn func(row *ovsdb.Row) bool) {
	t := r.db.byName[tableName]
	if t == nil {
		return
	}
	for _, e := range t.order {
		if e != nil && !fn(e.row) {
			return
		}
	}
}

// Row returns the row of the named table with the given UUID, or nil.
func (r ReadTx) Row(tableName string, uuid ovsdb.UUID) *ovsdb.Row {
	t := r.db.byName[tableName]
	if t == nil {
		return nil
	}
	if e := t.rows[uuid]; e != nil {
		return e.row
	}
	return nil
}

// Count returns the number of rows in the named table.
func (r ReadTx) Count(tableName string) int {
	if t := r.db.byName[tableName]; t != nil {
		return len(t.rows)
	}
	return 0
}

// indexKey encodes row's values of the index's columns.
func (ix *uniqueIndex) key(buf []byte, row *ovsdb.Row) []byte {
	for _, c := range ix.cols {
		buf = appendDatumKey(buf, &c.Type, &row.Fields[c.Index])
	}
	return buf
}

// newRow returns a row of t with every column at its default.
func (t *table) newRow(uuid, version ovsdb.UUID) *ovsdb.Row {
	return ovsdb.NewRowFrom(t.defaults, uuid, version)
}

// insertEntry adds a committed row to t.
func (t *table) insertEntry(row *ovsdb.Row) *rowEntry {
	e := &rowEntry{row: row, pos: len(t.order)}
	t.rows[row.UUID] = e
	t.order = append(t.order, e)
	return e
}

// removeEntry drops a committed row from t.
func (t *table) removeEntry(e *rowEntry) {
	delete(t.rows, e.row.UUID)
	t.order[e.pos] = nil
	t.holes++
}

// compact squeezes the holes out of t.order once they are half of it.
func (t *table) compact() {
	if t.holes < 64 || t.holes*2 < len(t.order) {
		return
	}
	w := 0
	for _, e := range t.order {
		if e != nil {
			e.pos = w
			t.order[w] = e
			w++
		}
	}
	clear(t.order[w:])
	t.order = t.order[:w]
	t.holes = 0
}
