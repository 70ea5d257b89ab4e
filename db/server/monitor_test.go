package server

import (
	"testing"

	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// expectError checks that a request fails with the given error.
func expectError(t *testing.T, c *client, method, params, want string) {
	t.Helper()
	m := c.call(method, params)
	if m.Type != jsonrpc.Error {
		t.Errorf("%s %s: got %s, want error %s", method, params, m.AppendJSON(nil), want)
		return
	}
	equalJSON(t, method+" "+params, m.Error, want)
}

// nextNotify returns the next queued message, which must be a
// notification of method, and its params.
func nextNotify(t *testing.T, c *client, method string) ovsjson.Value {
	t.Helper()
	m := c.first()
	if m.Type != jsonrpc.Notify || m.Method != method {
		t.Fatalf("want %s notification, got %s", method, m.AppendJSON(nil))
	}
	return m.Params
}

func TestMonitorV1(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	u := insertUUIDs(t, c.result("transact", `["Test",
		{"op":"insert","table":"Simple","row":{"name":"a","i":1,"s":["set",["x","y"]],"m":["map",[["k","v"]]]}},
		{"op":"insert","table":"Simple","row":{"name":"b","i":2}}]`))
	a, b := u[0], u[1]

	equalJSON(t, "initial", c.result("monitor", `["Test",null,{"Simple":{"columns":["name","i","s"]}}]`),
		subst(`{"Simple":{"$1":{"new":{"name":"b","s":["set",[]],"i":2}},"$0":{"new":{"name":"a","s":["set",["x","y"]],"i":1}}}}`, a, b))
	expectError(t, c, "monitor", `["Test",null,{"Simple":{}}]`,
		`{"syntax":"null","details":"duplicate monitor ID","error":"syntax error"}`)
	equalJSON(t, "two requests", c.result("monitor", `["Test","x",{"Simple":[{"columns":["name"],"select":{"initial":false}},{"columns":["i"]}]}]`),
		subst(`{"Simple":{"$1":{"new":{"i":2}},"$0":{"new":{"i":1}}}}`, a, b))

	id := c.request("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","a"]],"row":{"i":5,"s":["set",["y","z"]]}}]`)
	// Both updates precede the reply.
	got := map[string]ovsjson.Value{}
	for range 2 {
		p := nextNotify(t, c, "update")
		got[p.A[0].String()] = p.A[1]
	}
	equalJSON(t, "update null", got["null"],
		subst(`{"Simple":{"$0":{"new":{"name":"a","s":["set",["y","z"]],"i":5},"old":{"s":["set",["x","y"]],"i":1}}}}`, a))
	equalJSON(t, "update x", got[`"x"`],
		subst(`{"Simple":{"$0":{"new":{"name":"a","i":5},"old":{"i":1}}}}`, a))
	if m := c.first(); m.Type != jsonrpc.Reply || !ovsjson.Equal(m.ID, id) {
		t.Fatalf("want reply, got %s", m.AppendJSON(nil))
	}

	// All columns: _version is included, and every column with its
	// default.
	res := c.result("monitor", `["Test","all",{"Simple":{}}]`)
	row, _ := res.Get("Simple")
	ra, _ := row.Get(b)
	nw, _ := ra.Get("new")
	if len(nw.O) != 10 || !nw.Has("_version") || nw.Has("_uuid") {
		t.Errorf("all columns: %s", nw.String())
	}

	equalJSON(t, "cancel", c.result("monitor_cancel", `[null]`), `{}`)
	equalJSON(t, "cancel all", c.result("monitor_cancel", `["all"]`), `{}`)
	expectError(t, c, "monitor_cancel", `[null]`, `"unknown monitor"`)

	// A change to columns nobody monitors sends nothing.
	c.result("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","b"]],"row":{"r":2.5}}]`)
	// Delete: old with the delete columns.
	c.request("transact", `["Test",{"op":"delete","table":"Simple","where":[["name","==","a"]]}]`)
	p := nextNotify(t, c, "update")
	equalJSON(t, "delete", p, subst(`["x",{"Simple":{"$0":{"old":{"name":"a","i":5}}}}]`, a))
	c.first()
	c.quiet()
}

func TestMonitorRequestErrors(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	for _, tc := range []struct{ method, params, want string }{
		{"monitor", `[]`, `{"syntax":"[]","details":"monitor request params must begin with <db-name>","error":"syntax error"}`},
		{"monitor", `["Test"]`, `{"syntax":"[\"Test\"]","details":"invalid parameters","error":"syntax error"}`},
		{"monitor", `["Test",1,2]`, `{"syntax":"2","details":"monitor-requests must be object","error":"syntax error"}`},
		{"monitor", `["Nope",1,{}]`, `{"syntax":"[\"Nope\",1,{}]","details":"monitor request specifies unknown database Nope","error":"unknown database"}`},
		{"monitor", `[1,1,{}]`, `{"syntax":"[1,1,{}]","details":"monitor request params must begin with <db-name>","error":"syntax error"}`},
		{"monitor", `["Test",2,{"Simple":[1]}]`, `{"details":"Parsing table Simple failed: Object expected.","error":"syntax error"}`},
		{"monitor", `["Test",3,{"Simple":{"columns":1}}]`, `{"syntax":"{\"columns\":1}","details":"Parsing table Simple failed: Type mismatch for member 'columns'.","error":"syntax error"}`},
		{"monitor", `["Test",4,{"Simple":{"columns":[1]}}]`, `{"syntax":"[1]","details":"array of column names expected","error":"syntax error"}`},
		{"monitor", `["Test",5,{"Simple":{"select":1}}]`, `{"syntax":"{\"select\":1}","details":"Parsing table Simple failed: Type mismatch for member 'select'.","error":"syntax error"}`},
		{"monitor", `["Test",6,{"Simple":{"select":{"initial":1}}}]`, `{"syntax":"{\"initial\":1}","details":"Parsing table Simple select failed: Type mismatch for member 'initial'.","error":"syntax error"}`},
		{"monitor", `["Test",7,{"Simple":{"select":{"bogus":true}}}]`, `{"syntax":"{\"bogus\":true}","details":"Parsing table Simple select failed: Member 'bogus' is present but not allowed here.","error":"syntax error"}`},
		{"monitor", `["Test",8,{"Simple":{"bogus":1}}]`, `{"syntax":"{\"bogus\":1}","details":"Parsing table Simple failed: Member 'bogus' is present but not allowed here.","error":"syntax error"}`},
		{"monitor", `["Test",9,{"Simple":{"where":[]}}]`, `{"syntax":"{\"where\":[]}","details":"Parsing table Simple failed: Member 'where' is present but not allowed here.","error":"syntax error"}`},
		{"monitor", `["Test",12,[]]`, `{"syntax":"[]","details":"monitor-requests must be object","error":"syntax error"}`},
		{"monitor", `["Test","y",{"Nope":{}}]`, `{"details":"no table named Nope","error":"syntax error"}`},
		{"monitor", `["Test","z",{"Simple":{"columns":["nope"]}}]`, `{"syntax":"[\"nope\"]","details":"nope is not a valid column name","error":"syntax error"}`},
		{"monitor", `["Test","w",{"Simple":{"columns":["name","name"]}}]`, `{"syntax":"[\"name\",\"name\"]","details":"column name mentioned more than once","error":"syntax error"}`},
		{"monitor", `["Test",1,{"Simple":{"columns":["nope"],"select":{"bogus":1}}}]`, `{"syntax":"{\"bogus\":1}","details":"Parsing table Simple select failed: Member 'bogus' is present but not allowed here.","error":"syntax error"}`},
		{"monitor_cond", `["Test",1,{"Simple":{"where":[["nope","==",1]]}}]`, `{"syntax":"[\"nope\",\"==\",1]","details":"No column nope in table Simple.","error":"unknown column"}`},
		{"monitor_cond", `["Test",2,{"Simple":[{"where":[["i","==","x"]]}]}]`, `{"syntax":"\"x\"","details":"expected integer","error":"syntax error"}`},
		{"monitor_cond", `["Test",3,{"Simple":[{"where":1}]}]`, `{"syntax":"{\"where\":1}","details":"Parsing table Simple failed: Type mismatch for member 'where'.","error":"syntax error"}`},
		{"monitor_cond", `["Test",5,{"Simple":[{"where":[1]}]}]`, `{"syntax":"1","details":"Parse error in condition.","error":"syntax error"}`},
		{"monitor_cond", `["Test",6,{"Simple":[{"where":[["i","~",1]]}]}]`, `{"details":"No function named ~.","error":"unknown function"}`},
		{"monitor_cond", `["Test",7,{"Simple":[{"columns":["name"]},{"columns":["name"]}]}]`, `{"syntax":"[\"name\"]","details":"column name mentioned more than once","error":"syntax error"}`},
		{"monitor_cond", `["Test",3,{"Simple":{"columns":["nope"],"where":[["nope","==",1]]}}]`, `{"syntax":"[\"nope\"]","details":"nope is not a valid column name","error":"syntax error"}`},
		{"monitor_cond", `["Test",1,{"Simple":[{"columns":["name"]},{"columns":["i"],"where":[["nope","==",1]]}]}]`, `{"syntax":"[\"nope\",\"==\",1]","details":"No column nope in table Simple.","error":"unknown column"}`},
		{"monitor_cond", `["Nope",1]`, `{"syntax":"[\"Nope\",1]","details":"monitor_cond request specifies unknown database Nope","error":"unknown database"}`},
		{"monitor_cond", `["Test",1]`, `{"syntax":"[\"Test\",1]","details":"invalid parameters","error":"syntax error"}`},
		{"monitor_cond", `[]`, `{"syntax":"[]","details":"monitor_cond request params must begin with <db-name>","error":"syntax error"}`},
		{"monitor_cond", `["Test",13,{"Simple":[{}]},"x"]`, `{"syntax":"[\"Test\",13,{\"Simple\":[{}]},\"x\"]","details":"invalid parameters","error":"syntax error"}`},
		{"monitor_cond_since", `["Test",9,{"Simple":[{}]},"bad"]`, `{"syntax":"\"bad\"","details":"last-txn-id must be UUID format.","error":"syntax error"}`},
		{"monitor_cond_since", `["Test",10,{"Simple":[{}]},1]`, `{"syntax":"1","details":"last-txn-id must be string","error":"syntax error"}`},
		{"monitor_cond_since", `["Test",11,{"Simple":[{}]}]`, `{"syntax":"[\"Test\",11,{\"Simple\":[{}]}]","details":"invalid parameters","error":"syntax error"}`},
		{"monitor_cond_since", `["Test",1,{"Nope":[{}]},"bad"]`, `{"details":"no table named Nope","error":"syntax error"}`},
		{"monitor_cond_change", `[]`, `{"syntax":"[]","details":"invalid parameters","error":"syntax error"}`},
		{"monitor_cond_change", `["x","y",{}]`, `{"syntax":"\"x\"","details":"unknown monitor session","error":"syntax error"}`},
		{"monitor_cond_change", `[1,"c5",{}]`, `{"syntax":"1","details":"unknown monitor session","error":"syntax error"}`},
	} {
		expectError(t, c, tc.method, tc.params, tc.want)
	}
	// "monitor" ignores extra params.
	equalJSON(t, "extra params", c.result("monitor", `["Test","e",{},3,4]`), `{}`)
	expectError(t, c, "monitor_cond", `["Test","e",{}]`, `{"syntax":"\"e\"","details":"duplicate monitor ID","error":"syntax error"}`)
	expectError(t, c, "monitor_cond_since", `["Test","e",{},"bad"]`, `{"syntax":"\"e\"","details":"duplicate monitor ID","error":"syntax error"}`)
	equalJSON(t, "where true/false", c.result("monitor_cond", `["Test",4,{"Simple":[{"where":[true,false]}]}]`), `{}`)
	equalJSON(t, "empty request array", c.result("monitor", `["Test",11,{"Simple":[]}]`), `{}`)
}

func TestMonitorCond(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	u := insertUUIDs(t, c.result("transact", `["Test",
		{"op":"insert","table":"Simple","row":{"name":"a","i":5,"s":["set",["y","z"]],"m":["map",[["k","v"]]]}},
		{"op":"insert","table":"Simple","row":{"name":"b","i":2}}]`))
	a, b := u[0], u[1]

	equalJSON(t, "c1 initial", c.result("monitor_cond", `["Test","c1",{"Simple":[{"columns":["name","i","s","m","oi"],"where":[["i","==",5]]}]}]`),
		subst(`{"Simple":{"$0":{"initial":{"name":"a","m":["map",[["k","v"]]],"i":5,"s":["set",["y","z"]]}}}}`, a))
	res := c.result("monitor_cond", `["Test","c2",{"Simple":[{"where":[["i",">",0]]}]}]`)
	tbl, _ := res.Get("Simple")
	if len(tbl.O) != 2 {
		t.Fatalf("c2 initial: %s", res.String())
	}
	ra, _ := tbl.Get(a)
	ini, _ := ra.Get("initial")
	if !ini.Has("_version") || ini.Has("oi") || ini.Has("b") {
		t.Errorf("c2 initial row skips defaults and has _version: %s", ini.String())
	}

	collect := func(n int) map[string]ovsjson.Value {
		t.Helper()
		got := map[string]ovsjson.Value{}
		for range n {
			p := nextNotify(t, c, "update2")
			upd := p.A[1]
			// Drop _version, which is random.
			for _, tm := range upd.O {
				for _, rm := range tm.Value.O {
					for i := range rm.Value.O {
						body := &rm.Value.O[i].Value
						if body.Kind == ovsjson.Object {
							kept := body.O[:0]
							for _, mm := range body.O {
								if mm.Key != "_version" {
									kept = append(kept, mm)
								}
							}
							body.O = kept
						}
					}
				}
			}
			got[p.A[0].S] = upd
		}
		if m := c.first(); m.Type != jsonrpc.Reply {
			t.Fatalf("want reply, got %s", m.AppendJSON(nil))
		}
		return got
	}

	c.request("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","a"]],"row":{"i":6,"m":["map",[["k","w"],["k2","v2"]]],"oi":["set",[3]]}}]`)
	got := collect(2)
	equalJSON(t, "c2 modify", got["c2"], subst(`{"Simple":{"$0":{"modify":{"m":["map",[["k","w"],["k2","v2"]]],"oi":3,"i":6}}}}`, a))
	equalJSON(t, "c1 delete", got["c1"], subst(`{"Simple":{"$0":{"delete":null}}}`, a))

	c.request("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","b"]],"row":{"i":5}}]`)
	got = collect(2)
	equalJSON(t, "c2 modify b", got["c2"], subst(`{"Simple":{"$0":{"modify":{"i":5}}}}`, b))
	equalJSON(t, "c1 insert b", got["c1"], subst(`{"Simple":{"$0":{"insert":{"name":"b","i":5}}}}`, b))

	c.request("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","b"]],"row":{"oi":7}}]`)
	got = collect(2)
	equalJSON(t, "c1 oi", got["c1"], subst(`{"Simple":{"$0":{"modify":{"oi":7}}}}`, b))
	c.request("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","b"]],"row":{"oi":["set",[]]}}]`)
	got = collect(2)
	equalJSON(t, "c1 oi cleared", got["c1"], subst(`{"Simple":{"$0":{"modify":{"oi":["set",[]]}}}}`, b))

	// Condition change: updates for the new condition, under the new
	// id, before the reply.
	c.request("monitor_cond_change", `["c1","c1b",{"Simple":[{"where":[["i","==",6]]}]}]`)
	p := nextNotify(t, c, "update2")
	equalJSON(t, "cond change", p, subst(`["c1b",{"Simple":{"$1":{"delete":null},"$0":{"insert":{"name":"a","m":["map",[["k","w"],["k2","v2"]]],"oi":3,"i":6,"s":["set",["y","z"]]}}}}]`, a, b))
	if m := c.first(); m.Type != jsonrpc.Reply {
		t.Fatalf("want reply, got %s", m.AppendJSON(nil))
	}
	expectError(t, c, "monitor_cond_change", `["c1","x",{}]`, `{"syntax":"\"c1\"","details":"unknown monitor session","error":"syntax error"}`)
	expectError(t, c, "monitor_cond_change", `["c1b","c2",{}]`, `{"syntax":"\"c2\"","details":"duplicate monitor ID","error":"syntax error"}`)
	for _, tc := range []struct{ params, want string }{
		{`["c1b","c3",[]]`, `{"details":"monitor-cond-change-requests must be object","error":"syntax error"}`},
		{`["c1b","c3",{"Other":[{"where":[]}]}]`, `{"details":"no table named Other in monitor session","error":"syntax error"}`},
		{`["c1b","c3",{"Nope":[{"where":[]}]}]`, `{"details":"no table named Nope","error":"syntax error"}`},
		{`["c1b","c3",{"Simple":[{"columns":["i"]}]}]`, `{"syntax":"{\"columns\":[\"i\"]}","details":"changing columns is unsupported","error":"syntax error"}`},
		{`["c1b","c3",{"Simple":{"where":[]}}]`, `{"details":"table Simple no monitor-cond-change JSON array","error":"syntax error"}`},
		{`["c1b","c3",{"Simple":[{"where":[], "select":{}}]}]`, `{"syntax":"{\"select\":{},\"where\":[]}","details":"Parsing table Simple failed: Member 'select' is present but not allowed here.","error":"syntax error"}`},
		{`["c1b","c3",{"Simple":[{"where":[["nope","==",1]]}]}]`, `{"syntax":"[\"nope\",\"==\",1]","details":"No column nope in table Simple.","error":"unknown column"}`},
		{`["c1b","c3",{"Simple":[1]}]`, `{"details":"Parsing table Simple failed: Object expected.","error":"syntax error"}`},
		{`["c1b","c3"]`, `{"syntax":"[\"c1b\",\"c3\"]","details":"invalid parameters","error":"syntax error"}`},
	} {
		expectError(t, c, "monitor_cond_change", tc.params, tc.want)
	}
	// An empty array leaves the condition alone.
	equalJSON(t, "no-op change", c.result("monitor_cond_change", `["c1b","c1c",{"Simple":[]}]`), `{}`)
	c.request("transact", `["Test",{"op":"delete","table":"Simple","where":[["name","==","a"]]}]`)
	got = collect(2)
	equalJSON(t, "delete c1c", got["c1c"], subst(`{"Simple":{"$0":{"delete":null}}}`, a))
}

func TestMonitorCondDisjunction(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	u := insertUUIDs(t, c.result("transact", `["Test",
		{"op":"insert","table":"Simple","row":{"name":"one","i":1}},
		{"op":"insert","table":"Simple","row":{"name":"two","i":2}},
		{"op":"insert","table":"Simple","row":{"name":"three","i":3}}]`))
	one, two, three := u[0], u[1], u[2]
	for _, tc := range []struct{ reqs, want string }{
		{`[{"columns":["name"],"where":[["i","==",1],["i","==",2]]}]`, `{"Simple":{"$0":{"initial":{"name":"one"}},"$1":{"initial":{"name":"two"}}}}`},
		{`[{"columns":["name"],"where":[["i","==",1],false]}]`, `{"Simple":{"$0":{"initial":{"name":"one"}}}}`},
		{`[{"columns":["name"],"where":[["i","==",1],true]}]`, `{"Simple":{"$0":{"initial":{"name":"one"}},"$1":{"initial":{"name":"two"}},"$2":{"initial":{"name":"three"}}}}`},
		{`[{"columns":["name"],"where":[false]}]`, `{}`},
		// The first request's condition is the table's.
		{`[{"columns":["i"],"where":[["i","==",2]]},{"columns":["name"],"where":[["i","==",1]]}]`, `{"Simple":{"$1":{"initial":{"name":"two","i":2}}}}`},
		{`[{"columns":["i"]},{"columns":["name"],"where":[["i","==",2]]}]`, `{"Simple":{"$0":{"initial":{"name":"one","i":1}},"$1":{"initial":{"name":"two","i":2}},"$2":{"initial":{"name":"three","i":3}}}}`},
		{`[{"columns":["_uuid","name"],"where":[["i","==",3]]}]`, `{"Simple":{"$2":{"initial":{"_uuid":["uuid","$2"],"name":"three"}}}}`},
		{`[{"columns":[],"where":[["i","==",3]]}]`, `{"Simple":{"$2":{"initial":{}}}}`},
	} {
		equalJSON(t, tc.reqs, c.result("monitor_cond", `["Test",`+jsonQuote(tc.reqs)+`,{"Simple":`+tc.reqs+`}]`), subst(tc.want, one, two, three))
	}
	// monitor_cond_change with several requests: the last wins.
	c.result("monitor_cond", `["Test","g",{"Simple":[{"columns":["i"]}]}]`)
	c.request("monitor_cond_change", `["g","g2",{"Simple":[{"where":[["i","==",3]]},{"where":[["i","==",1]]}]}]`)
	equalJSON(t, "last wins", nextNotify(t, c, "update2"), subst(`["g2",{"Simple":{"$1":{"delete":null},"$2":{"delete":null}}}]`, one, two, three))
	c.first()
}

func jsonQuote(s string) string { return ovsjson.NewString(s).String() }
