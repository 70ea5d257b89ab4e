package idl

import (
	"testing"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

func TestSameSchema(t *testing.T) {
	parse := func() (ovsjson.Value, *ovsdb.Schema) {
		v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
		if err != nil {
			t.Fatal(err)
		}
		s, err := ovsdb.ParseSchema(v)
		if err != nil {
			t.Fatal(err)
		}
		return v, s
	}
	v, s := parse()
	if !sameSchema(s, v) {
		t.Fatal("the schema differs from itself")
	}
	idl := New("unix:/nonexistent", s, Options{})
	if got, err := idl.serverSchemaFrom(v); err != nil || got != s {
		t.Fatalf("identical schema not reused: %v", err)
	}

	// Any difference in what the IDL consults means a real parse.
	for name, edit := range map[string]func(v *ovsjson.Value){
		"cksum":   func(v *ovsjson.Value) { v.Set("cksum", ovsjson.NewString("1 2")) },
		"version": func(v *ovsjson.Value) { v.Set("version", ovsjson.NewString("9.9.9")) },
		"extra column": func(v *ovsjson.Value) {
			tables, _ := v.Get("tables")
			br, _ := tables.Get("Bridge")
			cols, _ := br.Get("columns")
			cols.Set("zzz", ovsjson.NewObject(ovsjson.M("type", ovsjson.NewString("string"))))
			br.Set("columns", cols)
			tables.Set("Bridge", br)
			v.Set("tables", tables)
		},
		"no table": func(v *ovsjson.Value) {
			tables, _ := v.Get("tables")
			tables.O = tables.O[1:]
			v.Set("tables", tables)
		},
	} {
		v, _ := parse()
		edit(&v)
		if sameSchema(s, v) {
			t.Errorf("%s: schema taken as the same", name)
		}
		got, err := idl.serverSchemaFrom(v)
		if err != nil || got == s {
			t.Errorf("%s: got the client schema (%v)", name, err)
		}
	}
}
