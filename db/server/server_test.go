package server

import (
	"testing"

	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

func TestBasicMethods(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)

	equalJSON(t, "list_dbs", c.result("list_dbs", `[]`), `["Test","_Server"]`)
	// OVS ignores list_dbs params.
	equalJSON(t, "list_dbs x", c.result("list_dbs", `["x"]`), `["Test","_Server"]`)

	id := c.result("get_server_id", `[]`)
	if id.Kind != ovsjson.String || id.S != ts.ID().String() {
		t.Errorf("get_server_id = %s, want %s", id.String(), ts.ID())
	}
	equalJSON(t, "echo", c.result("echo", `[1,"a",{"b":[]}]`), `[1,"a",{"b":[]}]`)

	m := c.call("bogus", `[]`)
	if m.Type != jsonrpc.Error {
		t.Fatalf("bogus: %s", m.AppendJSON(nil))
	}
	equalJSON(t, "unknown method", m.Error, `"unknown method"`)
	if got := string(m.AppendJSON(nil)); got != `{"id":`+m.ID.String()+`,"error":"unknown method"}` {
		t.Errorf("wire form %s", got)
	}

	sch := c.result("get_schema", `["Test"]`)
	if name, _ := sch.Get("name"); name.S != "Test" {
		t.Errorf("get_schema: %s", sch.String())
	}
	equalJSON(t, "get_schema _Server", c.result("get_schema", `["_Server"]`),
		`{"cksum":"3009684573 744","name":"_Server","tables":{"Database":{"columns":{"cid":{"type":{"key":"uuid","min":0}},"connected":{"type":"boolean"},"index":{"type":{"key":"integer","min":0}},"leader":{"type":"boolean"},"model":{"type":{"key":{"enum":["set",["clustered","relay","standalone"]],"type":"string"}}},"name":{"type":"string"},"schema":{"type":{"key":"string","min":0}},"sid":{"type":{"key":"uuid","min":0}}}}},"version":"1.2.0"}`)

	for _, tc := range []struct{ method, params, want string }{
		{"get_schema", `["nope"]`, `{"syntax":"[\"nope\"]","details":"get_schema request specifies unknown database nope","error":"unknown database"}`},
		{"get_schema", `[]`, `{"syntax":"[]","details":"get_schema request params must begin with <db-name>","error":"syntax error"}`},
		{"get_schema", `[1]`, `{"syntax":"[1]","details":"get_schema request params must begin with <db-name>","error":"syntax error"}`},
		{"transact", `[]`, `{"syntax":"[]","details":"transact request params must begin with <db-name>","error":"syntax error"}`},
		{"transact", `["nope"]`, `{"syntax":"[\"nope\"]","details":"transact request specifies unknown database nope","error":"unknown database"}`},
		{"set_db_change_aware", `[]`, `{"syntax":"[]","details":"set_db_change_aware: true or false parameter expected","error":"syntax error"}`},
		{"set_db_change_aware", `[false,1]`, `{"syntax":"[false,1]","details":"set_db_change_aware: true or false parameter expected","error":"syntax error"}`},
		{"monitor_cancel", `[]`, `"invalid parameters"`},
		{"monitor_cancel", `[null]`, `"unknown monitor"`},
		{"cancel", `[1]`, `"unknown method"`},
	} {
		m := c.call(tc.method, tc.params)
		if m.Type != jsonrpc.Error {
			t.Errorf("%s %s: got %s", tc.method, tc.params, m.AppendJSON(nil))
			continue
		}
		equalJSON(t, tc.method+" "+tc.params, m.Error, tc.want)
	}
	equalJSON(t, "set_db_change_aware", c.result("set_db_change_aware", `[true]`), `{}`)
	equalJSON(t, "empty transact", c.result("transact", `["Test"]`), `[]`)
}
