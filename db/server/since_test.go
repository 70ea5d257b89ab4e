package server

import (
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

const zeroUUID = "00000000-0000-0000-0000-000000000000"

func TestMonitorCondSinceWithoutHistory(t *testing.T) {
	// As OVS 3.1 does for standalone databases.
	ts := startServer(t, Options{TxnHistory: -1}, SessionOptions{})
	c := dial(t, ts.sock)
	a := insertUUIDs(t, c.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"b","i":5}}]`))[0]
	equalJSON(t, "since zero", c.result("monitor_cond_since", `["Test","s1",{"Simple":[{"columns":["name","i"]}]},"`+zeroUUID+`"]`),
		subst(`[false,"`+zeroUUID+`",{"Simple":{"$0":{"initial":{"i":5,"name":"b"}}}}]`, a))
	c.request("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","b"]],"row":{"i":11}}]`)
	equalJSON(t, "update3", nextNotify(t, c, "update3"),
		subst(`["s1","`+zeroUUID+`",{"Simple":{"$0":{"modify":{"i":11}}}}]`, a))
	c.first()
	equalJSON(t, "since unknown", c.result("monitor_cond_since", `["Test","s2",{"Simple":[{"columns":["name","i"]}]},"11111111-0000-0000-0000-000000000000"]`),
		subst(`[false,"`+zeroUUID+`",{"Simple":{"$0":{"initial":{"i":11,"name":"b"}}}}]`, a))
}

func TestMonitorCondSinceHistory(t *testing.T) {
	ts := startServer(t, Options{TxnHistory: 3}, SessionOptions{})
	c := dial(t, ts.sock)
	res := c.result("monitor_cond_since", `["Test","s",{"Simple":[{"columns":["name","i"],"where":[["i","<",10]]}]},"`+zeroUUID+`"]`)
	if len(res.A) != 3 || res.A[0].Kind != ovsjson.False || res.A[1].S == zeroUUID {
		t.Fatalf("first monitor_cond_since: %s", res.String())
	}
	equalJSON(t, "empty db", res.A[2], `{}`)
	loaded := res.A[1].S

	// A client that saw the database as loaded is up to date.
	c2 := dial(t, ts.sock)
	equalJSON(t, "up to date", c2.result("monitor_cond_since", `["Test","s",{"Simple":[{"columns":["name","i"]}]},"`+loaded+`"]`),
		`[true,"`+loaded+`",{}]`)

	u := insertUUIDs(t, c.result("transact", `["Test",
		{"op":"insert","table":"Simple","row":{"name":"a","i":1}},
		{"op":"insert","table":"Simple","row":{"name":"b","i":2}}]`))
	a, b := u[0], u[1]
	p := nextNotify(t, c, "update3")
	txn1 := p.A[1].S
	if txn1 == zeroUUID || txn1 == loaded {
		t.Fatalf("update3 txn id %s", txn1)
	}
	equalJSON(t, "update3 insert", p, subst(`["s","`+txn1+`",{"Simple":{"$0":{"insert":{"name":"a","i":1}},"$1":{"insert":{"name":"b","i":2}}}}]`, a, b))

	// The client goes away after txn1; meanwhile: a modified, b
	// modified out of the condition, c inserted and deleted, d inserted.
	c.c.Close()
	w := dial(t, ts.sock)
	w.result("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","a"]],"row":{"i":3}}]`)
	w.result("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","b"]],"row":{"i":20}}]`)
	w.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"c","i":4}}]`)
	w.result("transact", `["Test",{"op":"delete","table":"Simple","where":[["name","==","c"]]}]`)
	// History holds 3 commits: txn1 has just been pushed out...
	c3 := dial(t, ts.sock)
	res = c3.result("monitor_cond_since", `["Test","s",{"Simple":[{"columns":["name","i"],"where":[["i","<",10]]}]},"`+txn1+`"]`)
	if res.A[0].Kind != ovsjson.False {
		t.Fatalf("txn1 should have left the history: %s", res.String())
	}
	equalJSON(t, "full contents", res.A[2], subst(`{"Simple":{"$0":{"initial":{"name":"a","i":3}}}}`, a))
	latest := res.A[1].S

	// ...but a client that saw the first update after txn1 catches up.
	c4 := dial(t, ts.sock)
	res = c4.result("monitor_cond_since", `["Test","s",{"Simple":[{"columns":["name","i"],"where":[["i","<",10]]}]},"`+latest+`"]`)
	equalJSON(t, "nothing new", res, `[true,"`+latest+`",{}]`)

	d := insertUUIDs(t, w.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"d","i":5}}]`))[0]
	w.result("transact", `["Test",{"op":"update","table":"Simple","where":[["name","==","a"]],"row":{"i":30}}]`)
	c5 := dial(t, ts.sock)
	res = c5.result("monitor_cond_since", `["Test","s",{"Simple":[{"columns":["name","i"],"where":[["i","<",10]]}]},"`+latest+`"]`)
	if res.A[0].Kind != ovsjson.True || res.A[1].S == latest {
		t.Fatalf("catch up: %s", res.String())
	}
	equalJSON(t, "changes since", res.A[2], subst(`{"Simple":{"$0":{"insert":{"name":"d","i":5}},"$1":{"delete":null}}}`, d, a))
}
