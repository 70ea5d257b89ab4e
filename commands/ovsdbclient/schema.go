package ovsdbclient

import (
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// fetchDBs asks the server for its databases.
func (c *client) fetchDBs() ([]string, error) {
	result, err := c.rpc.call("list_dbs", ovsjson.NewArray())
	if err != nil {
		return nil, err
	}
	if result.Kind != ovsjson.Array {
		return nil, fatalf("list_dbs response is not array")
	}
	dbs := make([]string, len(result.A))
	for i, v := range result.A {
		if v.Kind != ovsjson.String {
			return nil, fatalf("list_dbs response %d is not string", i)
		}
		dbs[i] = v.S
	}
	return dbs, nil
}

// schema is a database schema as the server sent it. Besides the parsed
// form it keeps the order OVS's client would hold the tables and columns
// in, since list-tables, list-columns and backup print in that order.
type schema struct {
	*ovsdb.Schema
	raw ovsjson.Value
	// tables in OVS's iteration order.
	tables []*ovsdb.TableSchema
	// columns of each table in OVS's iteration order, "_uuid" and
	// "_version" included.
	columns map[string][]*ovsdb.ColumnSchema
}

func (c *client) fetchSchema(db string) (*schema, error) {
	result, err := c.rpc.call("get_schema", ovsjson.NewArray(ovsjson.NewString(db)))
	if err != nil {
		return nil, err
	}
	return parseSchema(result)
}

func parseSchema(raw ovsjson.Value) (*schema, error) {
	s, err := ovsdb.ParseSchema(raw)
	if err != nil {
		return nil, err
	}
	sc := &schema{Schema: s, raw: raw, columns: make(map[string][]*ovsdb.ColumnSchema)}
	// OVS parses the "tables" object into a hash map (the JSON object),
	// walks that map to fill the schema's own table map, and later walks
	// the latter. Columns go the same way, except that "_uuid" and
	// "_version" enter the table's column map first.
	rawTables, _ := raw.Get("tables")
	for _, name := range hashSorted(hashSorted(objectKeys(rawTables))) {
		ts := s.Tables[name]
		if ts == nil {
			continue
		}
		sc.tables = append(sc.tables, ts)
		rt, _ := rawTables.Get(name)
		rawCols, _ := rt.Get("columns")
		names := append([]string{"_uuid", "_version"}, hashSorted(objectKeys(rawCols))...)
		cols := make([]*ovsdb.ColumnSchema, 0, len(names))
		for _, cn := range hashSorted(uniqueStrings(names)) {
			if col, ok := ts.Columns[cn]; ok {
				cols = append(cols, col)
			}
		}
		sc.columns[name] = cols
	}
	return sc, nil
}

// hashSorted returns keys (distinct, in insertion order) in the order OVS
// iterates a string hash map holding them.
func hashSorted(keys []string) []string {
	out := make([]string, len(keys))
	for i, j := range ovsjson.HashOrder(keys) {
		out[i] = keys[j]
	}
	return out
}

// shallowOrder makes an object of members (distinct names, in insertion
// order) laid out in OVS's hash-map order, leaving the values as they are.
func shallowOrder(members []ovsjson.Member) ovsjson.Value {
	keys := make([]string, len(members))
	for i, m := range members {
		keys[i] = m.Key
	}
	o := make([]ovsjson.Member, len(members))
	for i, j := range ovsjson.HashOrder(keys) {
		o[i] = members[j]
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: o}
}

// objectKeys returns the distinct member names of an object, each at the
// place of its first occurrence.
func objectKeys(v ovsjson.Value) []string {
	keys := make([]string, 0, len(v.O))
	for _, m := range v.O {
		keys = append(keys, m.Key)
	}
	return uniqueStrings(keys)
}

func uniqueStrings(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// table returns the named table.
func (s *schema) table(name string) *ovsdb.TableSchema {
	return s.Tables[name]
}
