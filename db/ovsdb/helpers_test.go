package ovsdb

import (
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

func mustJSON(t testing.TB, s string) ovsjson.Value {
	t.Helper()
	v, err := ovsjson.ParseString(s)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}

func mustDatum(t testing.TB, ty *Type, s string) Datum {
	t.Helper()
	d, err := DatumFromJSON(ty, mustJSON(t, s), nil)
	if err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return d
}
