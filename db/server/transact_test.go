package server

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

const waitZZ = `["Test",{"op":"wait","table":"Simple","where":[["name","==","zz"]],"columns":["name"],"until":"==","rows":[{"name":"zz"}]%s}]`

func TestWaitAndCancel(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	w := dial(t, ts.sock)

	// A wait with a timeout fails with "timed out" once it has passed:
	// the reply says how long the server waited, which must not be less.
	res := c.result("transact", strings.Replace(waitZZ, "%s", `,"timeout":100`, 1))
	if len(res.A) != 1 {
		t.Fatalf("timeout result %s", res.String())
	}
	if tag, _ := res.A[0].Get("error"); tag.S != "timed out" {
		t.Errorf("timeout result %s", res.String())
	}
	details, _ := res.A[0].Get("details")
	var waited int
	if _, err := fmt.Sscanf(details.S, `"wait" timed out after %d ms`, &waited); err != nil || waited < 100 {
		t.Errorf("timeout details %q: the wait ended before its 100 ms", details.S)
	}
	equalJSON(t, "timeout 0", c.result("transact", strings.Replace(waitZZ, "%s", `,"timeout":0`, 1)),
		`[{"details":"\"where\" clause test failed","error":"timed out"}]`)

	// A wait without timeout completes when another client commits
	// what it waits for; meanwhile the session answers other requests.
	id := c.request("transact", strings.Replace(waitZZ, "%s", "", 1))
	equalJSON(t, "echo while waiting", c.result("echo", `[]`), `[]`)
	dup := &jsonrpc.Message{Type: jsonrpc.Request, Method: "transact", Params: mustJSON(t, `["Test"]`), ID: id}
	c.c.Send(dup)
	m := c.reply(id)
	if m.Type != jsonrpc.Error {
		t.Fatalf("duplicate id: %s", m.AppendJSON(nil))
	}
	equalJSON(t, "duplicate id", m.Error, `{"syntax":"[\"Test\"]","details":"transact: duplicate request ID","error":"syntax error"}`)

	w.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"yy"}}]`)
	w.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"zz"}}]`)
	equalJSON(t, "wait done", c.reply(id).Result, `[{}]`)

	// Cancel: the waiting transaction is answered with "canceled".
	id = c.request("transact", strings.Replace(strings.ReplaceAll(waitZZ, "zz", "qq"), "%s", "", 1))
	c.sync()
	c.c.Send(jsonrpc.NewNotify("cancel", ovsjson.NewArray(id)))
	m = c.reply(id)
	if m.Type != jsonrpc.Error {
		t.Fatalf("cancel: %s", m.AppendJSON(nil))
	}
	equalJSON(t, "canceled", m.Error, `"canceled"`)
	w.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"qq"}}]`)
	c.notify("cancel", `[12345]`)
	c.quiet()
}

func TestTransactUpdatesBeforeReply(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	c.result("monitor", `["Test","m",{"Other":{"columns":["x"]}}]`)
	for i := range 50 {
		id := c.request("transact", `["Test",{"op":"insert","table":"Other","row":{"x":`+itoa(i)+`}}]`)
		if m := c.first(); m.Type != jsonrpc.Notify {
			t.Fatalf("want update before reply, got %s", m.AppendJSON(nil))
		}
		if m := c.first(); m.Type != jsonrpc.Reply || !ovsjson.Equal(m.ID, id) {
			t.Fatalf("want reply, got %s", m.AppendJSON(nil))
		}
	}
}

func itoa(i int) string { return ovsjson.NewInt(int64(i)).String() }

func TestServerDatabase(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	res := c.result("transact", `["_Server",{"op":"select","table":"Database","where":[],"columns":["name","model","connected","leader","cid","sid","index"]}]`)
	rows, _ := res.A[0].Get("rows")
	want := map[string]bool{"Test": true, "_Server": true}
	for _, r := range rows.A {
		name, _ := r.Get("name")
		if !want[name.S] {
			t.Errorf("unexpected row %s", r.String())
		}
		delete(want, name.S)
		equalJSON(t, "row", r, `{"name":"`+name.S+`","model":"standalone","connected":true,"leader":true,"cid":["set",[]],"sid":["set",[]],"index":["set",[]]}`)
	}
	if len(want) != 0 {
		t.Errorf("missing rows %v", want)
	}
	res = c.result("transact", `["_Server",{"op":"select","table":"Database","where":[["name","==","Test"]],"columns":["schema"]}]`)
	rows, _ = res.A[0].Get("rows")
	sch, _ := rows.A[0].Get("schema")
	if want := `{"name":"Test","tables":{"Child":{"columns":{"n":{"type":"integer"}}},"Other":{"columns":{"x":{"type":"integer"}},"indexes":[["x"]],"isRoot":true},"Simple":{"columns":{"b":{"type":"boolean"},"i":{"type":"integer"},"m":{"type":{"key":"string","max":"unlimited","min":0,"value":"string"}},"name":{"type":"string"},"oi":{"type":{"key":"integer","min":0}},"r":{"type":"real"},"ref":{"type":{"key":{"refTable":"Child","type":"uuid"},"max":"unlimited","min":0}},"s":{"type":{"key":"string","max":"unlimited","min":0}},"u":{"type":"uuid"}},"isRoot":true}},"version":"1.2.3"}`; sch.S != want {
		t.Errorf("schema column:\n got %s\nwant %s", sch.S, want)
	}

	for _, tc := range []struct{ ops, want string }{
		{`{"op":"insert","table":"Database","row":{"name":"x","model":"standalone"}}`, `[{"details":"insert operation not allowed on table in reserved database _Server","error":"not allowed"}]`},
		{`{"op":"update","table":"Database","where":[["name","==","zzz"]],"row":{"name":"x"}}`, `[{"details":"update operation not allowed on table in reserved database _Server","error":"not allowed"}]`},
		{`{"op":"insert","table":"Database","row":{"nope":1}}`, `[{"syntax":"{\"nope\":1}","details":"No column nope in table Database.","error":"unknown column"}]`},
		{`{"op":"insert","table":"Database","row":{"name":1}}`, `[{"syntax":"1","details":"expected string","error":"syntax error"}]`},
		{`{"op":"insert","table":"Database","row":{}, "bogus":1}`, `[{"syntax":"{\"bogus\":1,\"op\":\"insert\",\"row\":{},\"table\":\"Database\"}","details":"Parsing ovsdb operation 1 of 1 failed: Member 'bogus' is present but not allowed here.","error":"syntax error"}]`},
		{`{"op":"comment","comment":"hi"}`, `[{}]`},
		{`{"op":"select","table":"Nope","where":[]},{"op":"delete","table":"Database","where":[]}`, `[{"syntax":"{\"op\":\"select\",\"table\":\"Nope\",\"where\":[]}","details":"Parsing ovsdb operation 1 of 2 failed: No table named Nope.","error":"syntax error"},null]`},
		{`{"op":"delete","table":"Database","where":[]},{"op":"select","table":"Database","where":[]}`, `[{"details":"delete operation not allowed on table in reserved database _Server","error":"not allowed"},null]`},
	} {
		equalJSON(t, tc.ops, c.result("transact", `["_Server",`+tc.ops+`]`), tc.want)
	}
}

func TestAddRemoveDatabase(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	aware := dial(t, ts.sock)
	plain := dial(t, ts.sock)
	aware.result("set_db_change_aware", `[true]`)
	init := aware.result("monitor_cond", `["_Server",["a",1],{"Database":[{"columns":["name","model","connected","leader","cid","sid","index"]}]}]`)
	tbl, _ := init.Get("Database")
	if len(tbl.O) != 2 {
		t.Fatalf("initial _Server: %s", init.String())
	}
	aware.result("monitor_cond", `["Test","t1",{"Other":[{}]}]`)
	aware.result("monitor", `["Test","t2",{"Other":{}}]`)
	waitID := aware.request("transact", `["Test",{"op":"wait","table":"Other","where":[],"columns":["x"],"until":"==","rows":[{"x":99}]}]`)
	plain.sync()
	aware.sync()

	if err := ts.RemoveDatabase("Test", "removing Test database by user request"); err != nil {
		t.Fatal(err)
	}
	plain.closed()
	var canceled []string
	for range 2 {
		p := nextNotify(t, aware, "monitor_canceled")
		canceled = append(canceled, p.A[0].String())
	}
	if !(canceled[0] == `"t1"` && canceled[1] == `"t2"` || canceled[0] == `"t2"` && canceled[1] == `"t1"`) {
		t.Errorf("monitor_canceled: %v", canceled)
	}
	m := aware.first()
	if m.Type != jsonrpc.Error || !ovsjson.Equal(m.ID, waitID) {
		t.Fatalf("want canceled transaction, got %s", m.AppendJSON(nil))
	}
	equalJSON(t, "canceled", m.Error, `"canceled"`)
	p := nextNotify(t, aware, "update2")
	upd := p.A[1]
	dbt, _ := upd.Get("Database")
	if len(dbt.O) != 1 || dbt.O[0].Value.String() != `{"delete":null}` {
		t.Errorf("update2 after remove: %s", p.String())
	}
	equalJSON(t, "list_dbs", aware.result("list_dbs", `[]`), `["_Server"]`)
	expectError(t, aware, "transact", `["Test"]`, `{"syntax":"[\"Test\"]","details":"transact request specifies unknown database Test","error":"unknown database"}`)

	plain2 := dial(t, ts.sock)
	plain2.sync()
	if err := ts.AddDatabase(database.New(loadSchema(t, "testdata/test.ovsschema"))); err != nil {
		t.Fatal(err)
	}
	plain2.closed()
	p = nextNotify(t, aware, "update2")
	equalJSON(t, "insert", p.A[1].O[0].Value.O[0].Value, `{"insert":{"connected":true,"leader":true,"model":"standalone","name":"Test"}}`)
	if err := ts.AddDatabase(database.New(loadSchema(t, "testdata/test.ovsschema"))); !errors.Is(err, ErrDuplicate) {
		t.Errorf("AddDatabase twice: %v", err)
	}
	if err := ts.RemoveDatabase("_Server", "x"); err == nil {
		t.Errorf("removed _Server")
	}
}

func TestCommitHook(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	fail := false
	hook := func(db string, c *database.Commit) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("test.db: write failed (No space left on device)")
		}
		seen = append(seen, db+": "+strings.TrimSpace(c.String()))
		return nil
	}
	ts := startServer(t, Options{Commit: hook}, SessionOptions{})
	c := dial(t, ts.sock)
	c.result("monitor", `["Test","m",{"Other":{"columns":["x"]}}]`)
	u := insertUUIDs(t, c.result("transact", `["Test",{"op":"insert","table":"Other","row":{"x":1}}]`))
	nextNotify(t, c, "update")
	mu.Lock()
	if len(seen) != 1 || seen[0] != "Test: insert Other "+u[0] {
		t.Errorf("hook saw %q", seen)
	}
	fail = true
	mu.Unlock()

	res := c.result("transact", `["Test",{"op":"insert","table":"Other","row":{"x":2}},{"op":"update","table":"Other","where":[["x","==",1]],"row":{"x":3}}]`)
	if len(res.A) != 3 {
		t.Fatalf("I/O error result: %s", res.String())
	}
	equalJSON(t, "I/O error", res.A[2], `{"error":"I/O error","details":"test.db: write failed (No space left on device)"}`)
	c.quiet()
	// The failed commit left no trace.
	equalJSON(t, "undone", c.result("transact", `["Test",{"op":"select","table":"Other","where":[],"columns":["x"]}]`), `[{"rows":[{"x":1}]}]`)

	mu.Lock()
	fail = false
	mu.Unlock()
	equalJSON(t, "ovsdb.Error", func() ovsjson.Value {
		ts.opts.Commit = func(string, *database.Commit) error { return ovsdb.NewError("I/O error", "custom") }
		return c.result("transact", `["Test",{"op":"insert","table":"Other","row":{"x":7}}]`)
	}().A[1], `{"error":"I/O error","details":"custom"}`)
}

func TestServerTransact(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	c.result("monitor", `["Test","m",{"Other":{"columns":["x"]}}]`)
	res, err := ts.Transact("Test", []ovsjson.Value{mustJSON(t, `{"op":"insert","table":"Other","row":{"x":42}}`)})
	if err != nil || len(res.A) != 1 {
		t.Fatalf("Transact: %v %s", err, res.String())
	}
	p := nextNotify(t, c, "update")
	if !strings.Contains(p.String(), `"x":42`) {
		t.Errorf("update %s", p.String())
	}
	if _, err := ts.Transact("_Server", nil); err == nil {
		t.Error("Transact on _Server succeeded")
	}
	res, err = ts.Transact("Test", []ovsjson.Value{mustJSON(t, `{"op":"wait","table":"Other","where":[],"columns":["x"],"until":"==","rows":[],"timeout":0}`)})
	if err != nil {
		t.Fatal(err)
	}
	if tag, _ := res.A[0].Get("error"); tag.S != "timed out" {
		t.Errorf("wait: %s", res.String())
	}
	if _, err := ts.Transact("Test", []ovsjson.Value{mustJSON(t, `{"op":"wait","table":"Other","where":[],"columns":["x"],"until":"==","rows":[]}`)}); err == nil {
		t.Error("unsatisfied wait succeeded")
	}
}
