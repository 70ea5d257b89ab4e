package server

import (
	"testing"

	"github.com/govs/ovs/proto/jsonrpc"
)

func TestLocks(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c1 := dial(t, ts.sock)
	c2 := dial(t, ts.sock)
	c3 := dial(t, ts.sock)

	equalJSON(t, "1 lock", c1.result("lock", `["L"]`), `{"locked":true}`)
	equalJSON(t, "2 lock", c2.result("lock", `["L"]`), `{"locked":false}`)
	expectError(t, c1, "lock", `["L"]`, `{"syntax":"[\"L\"]","details":"must issue \"unlock\" before new \"lock\"","error":"syntax error"}`)
	expectError(t, c2, "steal", `["L"]`, `{"syntax":"[\"L\"]","details":"must issue \"unlock\" before new \"steal\"","error":"syntax error"}`)

	// Only the owner passes "assert".
	equalJSON(t, "assert owner", c1.result("transact", `["Test",{"op":"assert","lock":"L"}]`), `[{}]`)
	equalJSON(t, "assert waiter", c2.result("transact", `["Test",{"op":"assert","lock":"L"}]`),
		`[{"details":"Asserted lock L not held.","error":"not owner"}]`)

	equalJSON(t, "1 unlock", c1.result("unlock", `["L"]`), `{}`)
	equalJSON(t, "2 locked", c2.notification("locked").Params, `["L"]`)

	// Steal: the victim is told and stays in line behind the thief.
	equalJSON(t, "3 steal", c3.result("steal", `["L"]`), `{"locked":true}`)
	equalJSON(t, "2 stolen", c2.notification("stolen").Params, `["L"]`)
	equalJSON(t, "1 lock again", c1.result("lock", `["L"]`), `{"locked":false}`)
	equalJSON(t, "3 unlock", c3.result("unlock", `["L"]`), `{}`)
	equalJSON(t, "2 locked again", c2.notification("locked").Params, `["L"]`)
	c1.quiet()

	// A session that goes away gives up its locks.
	c2.c.Close()
	equalJSON(t, "1 locked after close", c1.notification("locked").Params, `["L"]`)

	infos := ts.Sessions()
	var found bool
	for _, in := range infos {
		if len(in.LocksHeld) == 1 && in.LocksHeld[0] == "L" {
			found = true
		}
	}
	if !found {
		t.Errorf("Sessions: nobody holds L: %+v", infos)
	}

	for _, tc := range []struct{ method, params, want string }{
		{"lock", `[]`, `{"syntax":"[]","details":"lock request params must be <id>","error":"syntax error"}`},
		{"lock", `[1]`, `{"syntax":"[1]","details":"lock request params must be <id>","error":"syntax error"}`},
		{"lock", `["bad name"]`, `{"syntax":"[\"bad name\"]","details":"lock request params must be <id>","error":"syntax error"}`},
		{"lock", `["1x"]`, `{"syntax":"[\"1x\"]","details":"lock request params must be <id>","error":"syntax error"}`},
		{"lock", `["L","x"]`, `{"syntax":"[\"L\",\"x\"]","details":"lock request params must be <id>","error":"syntax error"}`},
		{"steal", `[]`, `{"syntax":"[]","details":"steal request params must be <id>","error":"syntax error"}`},
		{"unlock", `[1]`, `{"syntax":"[1]","details":"unlock request params must be <id>","error":"syntax error"}`},
		{"unlock", `["Q"]`, `{"syntax":"[\"Q\"]","details":"unlock: \"unlock\" without \"lock\" or \"steal\"","error":"syntax error"}`},
	} {
		expectError(t, c3, tc.method, tc.params, tc.want)
	}
	equalJSON(t, "_x", c3.result("lock", `["_x"]`), `{"locked":true}`)
}

func TestReadOnlySession(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{ReadOnly: true})
	c := dial(t, ts.sock)
	equalJSON(t, "read only", c.result("transact", `["Test",{"op":"select","table":"Simple","where":[]},{"op":"insert","table":"Simple","row":{}},{"op":"select","table":"Simple","where":[]}]`),
		`[{"rows":[]},{"details":"insert operation not allowed when database server is in read only mode","error":"not allowed"},null]`)
	equalJSON(t, "mutate", c.result("transact", `["Test",{"op":"mutate","table":"Simple","where":[],"mutations":[]}]`),
		`[{"details":"mutate operation not allowed when database server is in read only mode","error":"not allowed"}]`)
	// Parse errors come first.
	equalJSON(t, "bad table", c.result("transact", `["Test",{"op":"delete","table":"Nope","where":[]}]`),
		`[{"syntax":"{\"op\":\"delete\",\"table\":\"Nope\",\"where\":[]}","details":"Parsing ovsdb operation 1 of 1 failed: No table named Nope.","error":"syntax error"}]`)
	equalJSON(t, "_Server", c.result("transact", `["_Server",{"op":"delete","table":"Database","where":[]}]`),
		`[{"details":"delete operation not allowed when database server is in read only mode","error":"not allowed"}]`)
	for _, method := range []string{"lock", "steal", "unlock"} {
		m := c.call(method, `["x"]`)
		if m.Type != jsonrpc.Error {
			t.Fatalf("%s: %s", method, m.AppendJSON(nil))
		}
		equalJSON(t, method, m.Error, `"lock and unlock methods not allowed, DB server is read only."`)
	}
}
