package idl

import (
	"iter"
	"maps"
	"slices"

	"github.com/govs/ovs/db/ovsdb"
)

// Table is one table of the replica.
type Table struct {
	Name   string
	Schema *ovsdb.TableSchema

	idl *IDL
	// columns lists every column by ovsdb.ColumnSchema.Index, "_uuid"
	// and "_version" included.
	columns []*Column
	byName  map[string]*Column
	// slots lists the replicated columns in the order of Row fields.
	slots []*Column
	// registered: the table's rows are replicated (possibly with no
	// columns at all, which still tells which rows exist).
	registered bool

	rows map[ovsdb.UUID]*Row

	track   bool
	changes map[ovsdb.UUID]*Change
}

// Column is one column of a table, a handle for reading rows and writing
// transactions.
type Column struct {
	Name   string
	Schema *ovsdb.ColumnSchema
	Table  *Table

	// slot is the column's index in Row fields, or -1 when it is not
	// replicated.
	slot       int
	registered bool
	omitted    bool // write-only: never replicated
	noAlert    bool // replicated, but changes do not bump the seqno
	// def is the column's default value, shared by every row that does
	// not set the column (the server omits such cells).
	def ovsdb.Datum
}

// Type returns the column's type.
func (c *Column) Type() *ovsdb.Type { return &c.Schema.Type }

// Replicated reports whether the column's values are kept in the replica.
// It is meaningful once Start has been called.
func (c *Column) Replicated() bool { return c.slot >= 0 || c.Schema.Index == ovsdb.UUIDColumnIndex }

// Default returns the column's default value. The result must not be
// modified.
func (c *Column) Default() ovsdb.Datum { return c.def }

func newTable(idl *IDL, ts *ovsdb.TableSchema) *Table {
	t := &Table{
		Name:    ts.Name,
		Schema:  ts,
		idl:     idl,
		columns: make([]*Column, len(ts.AllColumns)),
		byName:  make(map[string]*Column, len(ts.AllColumns)),
		rows:    make(map[ovsdb.UUID]*Row),
	}
	// One block for the table's columns: every tool builds the whole
	// schema's tables at start, most of them never used.
	cols := make([]Column, len(ts.AllColumns))
	for i, cs := range ts.AllColumns {
		c := &cols[i]
		*c = Column{Name: cs.Name, Schema: cs, Table: t, slot: -1, def: ovsdb.DefaultDatum(&cs.Type)}
		t.columns[i] = c
		t.byName[cs.Name] = c
	}
	return t
}

// Column returns the column called name, or nil if the client schema has
// no such column.
func (t *Table) Column(name string) *Column { return t.byName[name] }

// Columns returns the table's columns in schema order ("_uuid" and
// "_version" first).
func (t *Table) Columns() []*Column { return t.columns }

// Registered reports whether the table's rows are replicated.
func (t *Table) Registered() bool { return t.registered }

// Len returns the number of rows in the replica.
func (t *Table) Len() int { return len(t.rows) }

// Row returns the row with the given UUID, or nil.
func (t *Table) Row(u ovsdb.UUID) *Row { return t.rows[u] }

// Rows iterates over the rows in no particular order.
func (t *Table) Rows() iter.Seq[*Row] { return maps.Values(t.rows) }

// SortedRows returns the rows ordered by UUID, for output that must not
// depend on map order.
func (t *Table) SortedRows() []*Row {
	rows := slices.Collect(maps.Values(t.rows))
	slices.SortFunc(rows, func(a, b *Row) int { return compareUUID(a.UUID, b.UUID) })
	return rows
}

func compareUUID(a, b ovsdb.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Row is one row of a table. Rows in the replica are immutable: an update
// replaces the Row with a new one, so a *Row stays a consistent snapshot.
// Rows returned by a Txn belong to it and reflect its writes.
type Row struct {
	UUID  ovsdb.UUID
	Table *Table
	// fields holds the replicated columns, by Column.slot; nil stands
	// for the column's default, so that the many columns a big table
	// leaves at their defaults cost a pointer each.
	fields []*ovsdb.Datum
	// txn is the transaction that owns this row, nil for replica rows.
	txn *Txn
}

// Get returns the value of column c (of the row's table). A column that is
// not replicated reads as its default. The datum belongs to the row (or is
// shared by every row) and must not be modified.
func (r *Row) Get(c *Column) *ovsdb.Datum {
	if c.slot >= 0 && c.slot < len(r.fields) && c.Table == r.Table {
		if d := r.fields[c.slot]; d != nil {
			return d
		}
		return &c.def
	}
	if c.Schema.Index == ovsdb.UUIDColumnIndex {
		d := ovsdb.NewScalarDatum(ovsdb.UUIDAtom(r.UUID))
		return &d
	}
	return &c.def
}

// Field returns the value of the column called name; an unknown column
// reads as an empty datum.
func (r *Row) Field(name string) *ovsdb.Datum {
	c := r.Table.byName[name]
	if c == nil {
		return &ovsdb.Datum{}
	}
	return r.Get(c)
}

// Str returns the first element of a string column, or "".
func (r *Row) Str(c *Column) string {
	d := r.Get(c)
	if len(d.Keys) == 0 {
		return ""
	}
	return d.Keys[0].Str()
}

// Int returns the first element of an integer column, and whether there is
// one.
func (r *Row) Int(c *Column) (int64, bool) {
	d := r.Get(c)
	if len(d.Keys) == 0 {
		return 0, false
	}
	return d.Keys[0].Int(), true
}

// Bool returns the first element of a boolean column, or false.
func (r *Row) Bool(c *Column) bool {
	d := r.Get(c)
	return len(d.Keys) > 0 && d.Keys[0].Bool()
}

// UUIDs returns the elements of a uuid column (references to other rows).
func (r *Row) UUIDs(c *Column) []ovsdb.UUID {
	d := r.Get(c)
	us := make([]ovsdb.UUID, len(d.Keys))
	for i, a := range d.Keys {
		us[i] = a.UUID()
	}
	return us
}

// MapValue looks key up in a string-keyed, string-valued map column such
// as other_config or external_ids.
func (r *Row) MapValue(c *Column, key string) (string, bool) {
	d := r.Get(c)
	if len(d.Values) == 0 {
		return "", false
	}
	i, ok := d.Find(ovsdb.TypeString, ovsdb.StringAtom(key))
	if !ok {
		return "", false
	}
	return d.Values[i].Str(), true
}

// ChangeKind says how a tracked row changed.
type ChangeKind uint8

const (
	Inserted ChangeKind = iota
	Modified
	Deleted
)

func (k ChangeKind) String() string {
	switch k {
	case Inserted:
		return "inserted"
	case Modified:
		return "modified"
	}
	return "deleted"
}

// Change is what happened to one row of a tracked table since changes were
// last cleared: Old is the row as it was then (nil if it was inserted
// since), New the row now (nil if it has been deleted).
type Change struct {
	Old, New *Row
	// changed has a bit per slot for the columns whose value differs.
	changed []uint64
}

// Kind says whether the row was inserted, modified or deleted.
func (c *Change) Kind() ChangeKind {
	switch {
	case c.Old == nil:
		return Inserted
	case c.New == nil:
		return Deleted
	}
	return Modified
}

// Row returns the current row, or the last version of a deleted one.
func (c *Change) Row() *Row {
	if c.New != nil {
		return c.New
	}
	return c.Old
}

// UUID returns the row's UUID.
func (c *Change) UUID() ovsdb.UUID { return c.Row().UUID }

// ColumnChanged reports whether col's value changed. Every column of an
// inserted or deleted row counts as changed.
func (c *Change) ColumnChanged(col *Column) bool {
	if c.Old == nil || c.New == nil {
		return true
	}
	return col.slot >= 0 && bitTest(c.changed, col.slot)
}

// Columns returns the replicated columns whose value changed.
func (c *Change) Columns() []*Column {
	t := c.Row().Table
	var cols []*Column
	for _, col := range t.slots {
		if c.ColumnChanged(col) {
			cols = append(cols, col)
		}
	}
	return cols
}

// Changes returns the tracked changes to the table since they were last
// cleared, ordered by UUID. It is empty unless the table is tracked.
func (t *Table) Changes() []*Change {
	if len(t.changes) == 0 {
		return nil
	}
	cs := slices.Collect(maps.Values(t.changes))
	slices.SortFunc(cs, func(a, b *Change) int { return compareUUID(a.UUID(), b.UUID()) })
	return cs
}

// Change returns the tracked change to row u, or nil.
func (t *Table) Change(u ovsdb.UUID) *Change { return t.changes[u] }

// Tracked reports whether the table records changes.
func (t *Table) Tracked() bool { return t.track }

func bitTest(b []uint64, i int) bool { return i/64 < len(b) && b[i/64]&(1<<(i%64)) != 0 }

func bitSet(b []uint64, i int) []uint64 {
	for i/64 >= len(b) {
		b = append(b, 0)
	}
	b[i/64] |= 1 << (i % 64)
	return b
}

// record notes a row going from old to new (either may be nil) in the
// table's change log. changed lists the slots whose value differs, for a
// modification.
func (t *Table) record(old, new *Row, changed []uint64) {
	if !t.track {
		return
	}
	u := rowUUID(old, new)
	c := t.changes[u]
	if c == nil {
		if t.changes == nil {
			t.changes = make(map[ovsdb.UUID]*Change)
		}
		t.changes[u] = &Change{Old: old, New: new, changed: slices.Clone(changed)}
		return
	}
	switch {
	case c.Old == nil && new == nil:
		// Inserted and deleted since the last clear: nothing to report.
		delete(t.changes, u)
	case c.New == nil && new != nil:
		// Deleted, then back (a full resync can do that): compare with
		// what was there before.
		c.New = new
		c.changed = diffFields(c.Old, new, c.changed[:0])
	default:
		c.New = new
		for i, w := range changed {
			for i >= len(c.changed) {
				c.changed = append(c.changed, 0)
			}
			c.changed[i] |= w
		}
	}
}

func rowUUID(a, b *Row) ovsdb.UUID {
	if a != nil {
		return a.UUID
	}
	return b.UUID
}

// slotValue returns the value in slot i of r.
func (r *Row) slotValue(i int) *ovsdb.Datum {
	if d := r.fields[i]; d != nil {
		return d
	}
	return &r.Table.slots[i].def
}

// diffFields appends to dst a bit per slot whose values differ.
func diffFields(a, b *Row, dst []uint64) []uint64 {
	clear(dst)
	for i := range a.fields {
		if i < len(b.fields) && a.fields[i] != b.fields[i] && !a.slotValue(i).Equal(b.slotValue(i)) {
			dst = bitSet(dst, i)
		}
	}
	return dst
}
