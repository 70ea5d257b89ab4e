package ovsdb

import (
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

func TestUUID(t *testing.T) {
	const s = "01234567-89ab-cdef-0123-456789abcdef"
	u, ok := ParseUUID(s)
	if !ok || u.String() != s {
		t.Fatalf("%v %s", ok, u)
	}
	if u2, ok := ParseUUID("01234567-89AB-CDEF-0123-456789ABCDEF"); !ok || u2 != u {
		t.Error("upper case")
	}
	for _, bad := range []string{"", "x", s + "f", s[:35], "01234567+89ab-cdef-0123-456789abcdef", "0123456789ab-cdef-0123-456789abcdef-", "g1234567-89ab-cdef-0123-456789abcdef"} {
		if _, ok := ParseUUID(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if ZeroUUID.String() != "00000000-0000-0000-0000-000000000000" {
		t.Error(ZeroUUID)
	}
	seen := make(map[UUID]bool)
	for i := 0; i < 10000; i++ {
		u := NewUUID()
		if seen[u] {
			t.Fatal("duplicate UUID")
		}
		seen[u] = true
		if u[6]>>4 != 4 || u[8]>>6 != 2 {
			t.Fatalf("%s is not version 4", u)
		}
		if v, ok := ParseUUID(u.String()); !ok || v != u {
			t.Fatal("round trip")
		}
		if UUIDAtom(u).UUID() != u {
			t.Fatal("atom round trip")
		}
	}
}

func TestError(t *testing.T) {
	e := NewSyntaxError(mustJSON(t, `{"b":1,"a":[1,{"x":1,"x":2}]}`), "expected %s", "integer")
	if got, want := e.Error(), `syntax "{"a":[1,{"x":2}],"b":1}": syntax error: expected integer`; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if got := ovsjson.Marshal(e.ToJSON()); string(got) != `{"details":"expected integer","error":"syntax error","syntax":"{\"a\":[1,{\"x\":2}],\"b\":1}"}` {
		t.Errorf("got %s", got)
	}
	c := NewError(ErrConstraint, "too big")
	if c.Error() != "constraint violation: too big" || string(ovsjson.Marshal(c.ToJSON())) != `{"details":"too big","error":"constraint violation"}` {
		t.Error(c)
	}
	if got := NewError(ErrTimedOut, "").Error(); got != "timed out" {
		t.Error(got)
	}
	w := WrapError(c, "while doing %s", "x")
	if w.Error() != "constraint violation: while doing x: too big" || c.Details != "too big" {
		t.Error(w)
	}
	p := NewObjParser(mustJSON(t, `5`), "ovsdb operation %d of %d", 1, 1)
	if err := p.Finish(); err == nil || err.Error() != "syntax error: Parsing ovsdb operation 1 of 1 failed: Object expected." {
		t.Error(err)
	}
	p = NewObjParser(mustJSON(t, `{"op":"insert"}`), "ovsdb operation 1 of 1")
	p.Required("op", ovsjson.String)
	p.Required("table", ovsjson.String)
	if err := p.Finish(); err == nil || err.Error() != `syntax "{"op":"insert"}": syntax error: Parsing ovsdb operation 1 of 1 failed: Required 'table' member is missing.` {
		t.Error(err)
	}
}
