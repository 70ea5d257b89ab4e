package server

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/govs/ovs/db/database"
)

// schemaVariant returns the test schema, changed by edit, as JSON text.
func schemaVariant(t *testing.T, edit func(map[string]any)) string {
	t.Helper()
	text, err := os.ReadFile("testdata/test.ovsschema")
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]any
	if err := json.Unmarshal(text, &s); err != nil {
		t.Fatal(err)
	}
	edit(s)
	out, _ := json.Marshal(s)
	return string(out)
}

func simpleColumns(s map[string]any) map[string]any {
	return s["tables"].(map[string]any)["Simple"].(map[string]any)["columns"].(map[string]any)
}

func TestConvert(t *testing.T) {
	var converted *database.Database
	failHook := false
	ts := startServer(t, Options{Convert: func(db string, c *database.Database) error {
		if failHook {
			return errors.New("test.db.tmp: write failed")
		}
		converted = c
		return nil
	}}, SessionOptions{})
	c := dial(t, ts.sock)
	u := insertUUIDs(t, c.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"a","r":1.5,"i":3}},{"op":"insert","table":"Other","row":{"x":1}}]`))

	bad := schemaVariant(t, func(s map[string]any) { simpleColumns(s)["i"] = map[string]any{"type": "string"} })
	expectError(t, c, "convert", `["Test",`+bad+`]`, `{"syntax":"3","details":"expected string","error":"syntax error"}`)
	enum := schemaVariant(t, func(s map[string]any) {
		simpleColumns(s)["name"] = map[string]any{"type": map[string]any{"key": map[string]any{"type": "string", "enum": []any{"set", []any{"zzz"}}}}}
	})
	expectError(t, c, "convert", `["Test",`+enum+`]`, `{"details":"a is not one of the allowed values ([zzz])","error":"constraint violation"}`)
	expectError(t, c, "convert", `["_Server",`+bad+`]`, `{"details":"new schema name (Test) does not match database name (_Server)","error":"invalid parameters"}`)
	expectError(t, c, "convert", `["Test",{"name":"Test","tables":{"_x":{"columns":{}}}}]`,
		`{"syntax":"{\"name\":\"Test\",\"tables\":{\"_x\":{\"columns\":{}}}}","details":"names beginning with \"_\" are reserved","error":"syntax error"}`)
	expectError(t, c, "convert", `["Test"]`, `{"syntax":"[\"Test\"]","details":"array expected","error":"syntax error"}`)
	expectError(t, c, "convert", `["_Server",{"name":"_Server","tables":{"Database":{"columns":{"name":{"type":"string"}}}}}]`,
		`{"details":"convert operation not allowed on reserved database _Server","error":"not allowed"}`)

	good := schemaVariant(t, func(s map[string]any) {
		s["version"] = "1.2.4"
		cols := simpleColumns(s)
		cols["extra"] = map[string]any{"type": "string"}
		delete(cols, "r")
		s["tables"].(map[string]any)["New"] = map[string]any{"columns": map[string]any{"z": map[string]any{"type": "integer"}}}
	})
	failHook = true
	expectError(t, c, "convert", `["Test",`+good+`]`, `{"details":"test.db.tmp: write failed","error":"I/O error"}`)
	failHook = false

	c.result("set_db_change_aware", `[true]`)
	c.result("monitor_cond", `["Test","m1",{"Simple":[{"columns":["name"]}]}]`)
	srv := c.result("monitor_cond", `["_Server","srv",{"Database":[{"columns":["name","schema"],"where":[["name","==","Test"]]}]}]`)
	if srv.String() == "{}" {
		t.Fatal("no _Server row for Test")
	}
	wid := c.request("transact", `["Test",{"op":"wait","table":"Simple","where":[],"columns":["name"],"until":"==","rows":[]}]`)
	plain := dial(t, ts.sock)
	plain.result("monitor", `["Test","m1",{"Simple":{}}]`)

	equalJSON(t, "convert", c.result("convert", `["Test",`+good+`]`), `{}`)
	if converted == nil || converted.Schema().Version != "1.2.4" {
		t.Fatalf("hook did not get the converted database")
	}
	plain.closed()
	equalJSON(t, "monitor_canceled", nextNotify(t, c, "monitor_canceled"), `["m1"]`)
	m := c.reply(wid)
	equalJSON(t, "canceled", m.Error, `"canceled"`)
	p := nextNotify(t, c, "update2")
	if p.A[0].S != "srv" {
		t.Errorf("_Server update %s", p.String())
	}
	equalJSON(t, "converted data", c.result("transact", `["Test",{"op":"select","table":"Simple","where":[],"columns":["name","i","extra"]},{"op":"select","table":"Other","where":[],"columns":["_uuid","x"]}]`),
		subst(`[{"rows":[{"name":"a","i":3,"extra":""}]},{"rows":[{"_uuid":["uuid","$1"],"x":1}]}]`, u...))
	sch := c.result("get_schema", `["Test"]`)
	if v, _ := sch.Get("version"); v.S != "1.2.4" {
		t.Errorf("get_schema after convert: %s", sch.String())
	}
	// Monitors work on the new schema.
	c.result("monitor_cond", `["Test","m2",{"Simple":[{"columns":["name","extra"]}]}]`)
	c.request("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"b","extra":"e"}}]`)
	p = nextNotify(t, c, "update2")
	tbl, _ := p.A[1].Get("Simple")
	if len(tbl.O) != 1 || tbl.O[0].Value.String() != `{"insert":{"extra":"e","name":"b"}}` {
		t.Errorf("update after convert: %s", p.String())
	}
}
