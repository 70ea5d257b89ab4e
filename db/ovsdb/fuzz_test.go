package ovsdb

import (
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

func FuzzParseSchema(f *testing.F) {
	f.Add(VswitchSchemaText())
	f.Add([]byte(`{"name":"x","tables":{"T":{"columns":{"a":{"type":{"key":{"type":"uuid","refTable":"T","refType":"weak"},"min":0,"max":"unlimited"}}},"indexes":[["a"]],"maxRows":3,"isRoot":true}}}`))
	f.Add([]byte(`{"name":"x","version":"1.2.3","tables":{"T":{"columns":{"e":{"type":{"key":{"type":"string","enum":["set",["a","b"]]},"value":{"type":"integer","minInteger":0,"maxInteger":9},"min":0,"max":4}}}}}}`))
	f.Add([]byte(`{"name":"x","tables":{"T":{"columns":{"a":{"type":{"key":{"type":"real","minReal":0.5}}}}}}}`))
	f.Fuzz(func(t *testing.T, text []byte) {
		v, err := ovsjson.Parse(text)
		if err != nil {
			return
		}
		s, err := ParseSchema(v)
		if err != nil {
			_ = err.Error()
			return
		}
		// A schema we accept prints in a form we accept again, unchanged.
		out := s.ToJSON()
		s2, err := ParseSchema(out)
		if err != nil {
			t.Fatalf("reparse of %s: %v", out, err)
		}
		if a, b := out.String(), s2.ToJSON().String(); a != b {
			t.Fatalf("round trip changed schema:\n%s\n%s", a, b)
		}
	})
}

var fuzzTypes = func() []Type {
	v, _ := ovsjson.Parse(VswitchSchemaText())
	s, _ := ParseSchema(v)
	var ts []Type
	for _, tn := range []string{"Bridge", "Interface", "Port"} {
		for _, c := range s.Tables[tn].AllColumns {
			ts = append(ts, c.Type)
		}
	}
	ts = append(ts, setType(TypeReal), mapType(TypeBoolean, TypeReal), NewScalarType(TypeReal))
	return ts
}()

func FuzzDatumFromJSON(f *testing.F) {
	for _, s := range []string{`["map",[["a","b"]]]`, `["set",[1,2,3]]`, `["uuid","01234567-89ab-cdef-0123-456789abcdef"]`,
		`["named-uuid","x"]`, `"secure"`, `1.5`, `true`, `["set",[]]`, `["map",[[1,["uuid","01234567-89ab-cdef-0123-456789abcdef"]]]]`} {
		for i := range fuzzTypes {
			f.Add(uint8(i), []byte(s))
		}
	}
	names := func(name string) (UUID, bool) { return UUID{1}, name != "bad" }
	f.Fuzz(func(t *testing.T, ti uint8, text []byte) {
		ty := &fuzzTypes[int(ti)%len(fuzzTypes)]
		v, err := ovsjson.Parse(text)
		if err != nil {
			return
		}
		d, err := DatumFromJSON(ty, v, names)
		if err != nil {
			_ = err.Error()
			return
		}
		if err := d.Check(ty); err != nil {
			t.Fatalf("%s: parsed datum fails Check: %v", text, err)
		}
		d2, err := DatumFromJSON(ty, d.ToJSON(ty), nil)
		if err != nil || !d2.Equal(&d) {
			t.Fatalf("%s: JSON round trip: %v", text, err)
		}
		d3, err := DatumFromString(ty, d.ToString(ty), nil)
		if err != nil || !d3.Equal(&d) {
			t.Fatalf("%s: string round trip via %q: %v", text, d.ToString(ty), err)
		}
	})
}

func FuzzDatumFromString(f *testing.F) {
	for _, s := range []string{`{a=1, "b c"="d=e"}`, `[1,2 3]`, `1-5`, `"x\u00e9y"`, `b\ c`, `{a=b`, `[secure,standalone]`,
		`"\ud83d\ude00"`, `00000000-0000-0000-0000-000000000000`, `@x`, `{1=2}`, ``, ` `, `1.5e3`} {
		for i := range fuzzTypes {
			f.Add(uint8(i), s)
		}
	}
	names := func(name string) (UUID, bool) { return UUID{2}, name != "bad" }
	f.Fuzz(func(t *testing.T, ti uint8, s string) {
		ty := &fuzzTypes[int(ti)%len(fuzzTypes)]
		d, err := DatumFromString(ty, s, names)
		if err != nil {
			_ = err.Error()
			return
		}
		if err := d.Check(ty); err != nil {
			t.Fatalf("%q: parsed datum fails Check: %v", s, err)
		}
		d2, err := DatumFromString(ty, d.ToString(ty), nil)
		if err != nil || !d2.Equal(&d) {
			t.Fatalf("%q: string round trip via %q: %v", s, d.ToString(ty), err)
		}
		d3, err := DatumFromJSON(ty, d.ToJSON(ty), nil)
		if err != nil || !d3.Equal(&d) {
			t.Fatalf("%q: JSON round trip: %v", s, err)
		}
	})
}
