package ovsdbclient

import (
	"github.com/govs/ovs/proto/ovsjson"
)

// The member orders in which OVS builds the JSON of a schema. Printed
// without sorting, an object lists its members in hash-map order, which
// depends on the keys and, when two keys share a bucket, on the order they
// were added; these lists give that order.
var (
	schemaKeyOrder   = []string{"name", "version", "cksum", "tables"}
	tableKeyOrder    = []string{"columns", "isRoot", "maxRows", "indexes"}
	columnKeyOrder   = []string{"type", "ephemeral", "mutable"}
	typeKeyOrder     = []string{"key", "value", "min", "max"}
	baseTypeKeyOrder = []string{"type", "enum", "minInteger", "maxInteger", "minReal", "maxReal",
		"minLength", "maxLength", "refTable", "refType"}
)

// withKeyOrder returns object v with the members named in order first, in
// that order, and the others after them as they were.
func withKeyOrder(v ovsjson.Value, order []string) ovsjson.Value {
	if v.Kind != ovsjson.Object {
		return v
	}
	out := make([]ovsjson.Member, 0, len(v.O))
	for _, k := range order {
		if m, ok := v.Get(k); ok {
			out = append(out, ovsjson.M(k, m))
		}
	}
	for _, m := range v.O {
		if !containsKey(order, m.Key) {
			out = append(out, m)
		}
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: out}
}

func containsKey(list []string, k string) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

// schemaJSON returns the schema as OVS's client writes it unsorted (in a
// backup): built member by member as OVS builds it, then laid out in
// hash-map order.
func (s *schema) schemaJSON() ovsjson.Value {
	v := withKeyOrder(s.ToJSON(), schemaKeyOrder)
	tables, _ := v.Get("tables")
	ordered := make([]ovsjson.Member, 0, len(s.tables))
	for _, ts := range s.tables {
		tj, _ := tables.Get(ts.Name)
		tj = withKeyOrder(tj, tableKeyOrder)
		cols, _ := tj.Get("columns")
		names := make([]string, 0, len(s.columns[ts.Name]))
		for _, col := range s.columns[ts.Name] {
			if col.Name != "_uuid" && col.Name != "_version" {
				names = append(names, col.Name)
			}
		}
		cols = withKeyOrder(cols, names)
		for i := range cols.O {
			cj := withKeyOrder(cols.O[i].Value, columnKeyOrder)
			for j := range cj.O {
				if cj.O[j].Key == "type" {
					cj.O[j].Value = typeJSON(cj.O[j].Value)
				}
			}
			cols.O[i].Value = cj
		}
		tj.Set("columns", cols)
		ordered = append(ordered, ovsjson.M(ts.Name, tj))
	}
	v.Set("tables", ovsjson.Value{Kind: ovsjson.Object, O: ordered})
	return ovsjson.HashOrdered(v)
}

func typeJSON(t ovsjson.Value) ovsjson.Value {
	if t.Kind != ovsjson.Object {
		return t
	}
	t = withKeyOrder(t, typeKeyOrder)
	for i := range t.O {
		if t.O[i].Key == "key" || t.O[i].Key == "value" {
			t.O[i].Value = withKeyOrder(t.O[i].Value, baseTypeKeyOrder)
		}
	}
	return t
}
