package ovsdb

import "github.com/govs/ovs/proto/ovsjson"

// Row is one row of a table. Fields holds every column by
// ColumnSchema.Index, "_uuid" and "_version" included (indexes 0 and 1),
// so generic code (conditions, selects, indexes) treats all columns alike.
// Get reads those two from UUID and Version, the authoritative copies;
// NewRow, NewRowFrom and SetVersion keep Fields[0] and Fields[1] in step
// for code that indexes Fields directly.
type Row struct {
	UUID    UUID
	Version UUID
	Fields  []Datum
}

// NewRow returns a row of table ts with every column at its default.
// Code that makes many rows of a table keeps DefaultFields(ts) and uses
// NewRowFrom.
func NewRow(ts *TableSchema, uuid UUID) *Row {
	return NewRowFrom(DefaultFields(ts), uuid, ZeroUUID)
}

// DefaultFields returns the Fields of a row of table ts with every column
// at its default, for NewRowFrom. Its datums that hold an element share
// their atoms with every row made from it.
func DefaultFields(ts *TableSchema) []Datum {
	fields := make([]Datum, len(ts.AllColumns))
	for i, c := range ts.AllColumns {
		if i >= 2 {
			fields[i] = DefaultDatum(&c.Type)
		}
	}
	return fields
}

// NewRowFrom returns a row with the given UUID and version whose other
// fields are those of defaults (from DefaultFields). The datums are
// shared, not copied: a row's datums are replaced, never modified in
// place, which is what lets a transaction's copy of a row share the
// committed row's datums too. Shared defaults save a row most of its
// allocations: most columns of a new row are at their default.
func NewRowFrom(defaults []Datum, uuid, version UUID) *Row {
	r := &Row{UUID: uuid, Version: version, Fields: make([]Datum, len(defaults))}
	copy(r.Fields, defaults)
	ids := []Atom{UUIDAtom(uuid), UUIDAtom(version)}
	r.Fields[UUIDColumnIndex] = Datum{Keys: ids[0:1:1]}
	r.Fields[VersionColumnIndex] = Datum{Keys: ids[1:2:2]}
	return r
}

// SetVersion sets the row's version and keeps the "_version" field in step.
func (r *Row) SetVersion(v UUID) {
	r.Version = v
	if len(r.Fields) > VersionColumnIndex {
		r.Fields[VersionColumnIndex] = NewScalarDatum(UUIDAtom(v))
	}
}

// Get returns the value of column c.
func (r *Row) Get(c *ColumnSchema) *Datum {
	switch c.Index {
	case UUIDColumnIndex:
		d := NewScalarDatum(UUIDAtom(r.UUID))
		return &d
	case VersionColumnIndex:
		d := NewScalarDatum(UUIDAtom(r.Version))
		return &d
	}
	return &r.Fields[c.Index]
}

// Clone returns a deep copy of r.
func (r *Row) Clone() *Row {
	c := &Row{UUID: r.UUID, Version: r.Version, Fields: make([]Datum, len(r.Fields))}
	for i := range r.Fields {
		c.Fields[i] = r.Fields[i].Clone()
	}
	return c
}

// ToJSON returns {"column": value, ...} for the given columns, or for all
// user columns when columns is nil. "_uuid" and "_version" appear only when
// asked for.
func (r *Row) ToJSON(ts *TableSchema, columns []*ColumnSchema) ovsjson.Value {
	if columns == nil {
		columns = ts.AllColumns[2:]
	}
	m := make([]ovsjson.Member, len(columns))
	for i, c := range columns {
		m[i] = ovsjson.Member{Key: c.Name, Value: r.Get(c).ToJSON(&c.Type)}
	}
	return ovsjson.NewObject(m...)
}
