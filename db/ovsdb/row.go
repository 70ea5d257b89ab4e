package ovsdb

import "github.com/govs/ovs/proto/ovsjson"

// Row is one row of a table. Fields holds every column by
// ColumnSchema.Index, "_uuid" and "_version" included (indexes 0 and 1),
// so generic code (conditions, selects, indexes) treats all columns alike.
// Get reads those two from UUID and Version, the authoritative copies;
// NewRow and SetVersion keep Fields[0] and Fields[1] in step for code that
// indexes Fields directly.
type Row struct {
	UUID    UUID
	Version UUID
	Fields  []Datum
}

// NewRow returns a row of table ts with every column at its default.
func NewRow(ts *TableSchema, uuid UUID) *Row {
	r := &Row{UUID: uuid, Fields: make([]Datum, len(ts.AllColumns))}
	for i, c := range ts.AllColumns {
		if i >= 2 {
			r.Fields[i] = DefaultDatum(&c.Type)
		}
	}
	r.Fields[UUIDColumnIndex] = NewScalarDatum(UUIDAtom(uuid))
	r.Fields[VersionColumnIndex] = NewScalarDatum(UUIDAtom(ZeroUUID))
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
