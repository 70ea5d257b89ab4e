package idl

import (
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// serverSchemaFrom turns a get_schema reply into the server's schema.
// When the server runs the very schema the client was built with (same
// name, version and checksum, and the same tables and columns), the client
// schema is reused instead of being parsed again: parsing the 27 kB
// vswitch schema is a noticeable part of a short-lived ovs-vsctl run, and
// the server's schema is only consulted for which tables and columns it
// has.
func (idl *IDL) serverSchemaFrom(v ovsjson.Value) (*ovsdb.Schema, error) {
	if sameSchema(idl.schema, v) {
		return idl.schema, nil
	}
	return ovsdb.ParseSchema(v)
}

// sameSchema reports whether v, a <database-schema>, names the same
// schema as s, down to its table and column names.
func sameSchema(s *ovsdb.Schema, v ovsjson.Value) bool {
	if s.Cksum == "" || v.Kind != ovsjson.Object {
		return false
	}
	for _, f := range [...]struct{ key, want string }{{"name", s.Name}, {"version", s.Version}, {"cksum", s.Cksum}} {
		got, ok := v.Get(f.key)
		if !ok || got.Kind != ovsjson.String || got.S != f.want {
			return false
		}
	}
	tables, ok := v.Get("tables")
	if !ok || tables.Kind != ovsjson.Object || len(tables.O) != len(s.Tables) {
		return false
	}
	for _, tm := range tables.O {
		ts := s.Tables[tm.Key]
		if ts == nil || tm.Value.Kind != ovsjson.Object {
			return false
		}
		cols, ok := tm.Value.Get("columns")
		if !ok || cols.Kind != ovsjson.Object || len(cols.O) != len(ts.ColumnNames) {
			return false
		}
		for _, cm := range cols.O {
			if c := ts.Columns[cm.Key]; c == nil || c.Index < 2 {
				return false
			}
		}
	}
	return true
}
