package ovsdb

import (
	"bufio"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

func datumTestSchema(t testing.TB) *TableSchema {
	t.Helper()
	s, err := ParseSchemaFile("testdata/datum-test.ovsschema")
	if err != nil {
		t.Fatal(err)
	}
	return s.Tables["T"]
}

// TestDatumJSONOracle replays testdata/datum-json.jsonl: values inserted
// into a real ovsdb-server, with the error object it returned or the value
// as its select printed it.
func TestDatumJSONOracle(t *testing.T) {
	ts := datumTestSchema(t)
	f, err := os.Open("testdata/datum-json.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		v := mustJSON(t, sc.Text())
		col, in, ok, want := ts.Columns[v.A[0].S], v.A[1].S, v.A[2].Bool(), v.A[3].S
		d, err := DatumFromJSON(&col.Type, mustJSON(t, in), nil)
		switch {
		case ok && err != nil:
			t.Errorf("%s=%s: unexpected error %v", col.Name, in, err)
		case ok:
			if got := ovsjson.Append(nil, d.ToJSON(&col.Type), ovsjson.Sort); string(got) != want {
				t.Errorf("%s=%s: got %s want %s", col.Name, in, got, want)
			}
			if err := d.Check(&col.Type); err != nil {
				t.Errorf("%s=%s: Check: %v", col.Name, in, err)
			}
		case err == nil:
			t.Errorf("%s=%s: accepted, want %s", col.Name, in, want)
		default:
			e, isErr := err.(*Error)
			if !isErr {
				t.Errorf("%s=%s: error %T is not *Error", col.Name, in, err)
				continue
			}
			if got := ovsjson.Append(nil, e.ToJSON(), ovsjson.Sort); string(got) != want {
				t.Errorf("%s=%s:\n got %s\nwant %s", col.Name, in, got, want)
			}
		}
		n++
	}
	if n < 80 {
		t.Fatalf("only %d cases", n)
	}
}

func TestNamedUUID(t *testing.T) {
	ts := datumTestSchema(t)
	u := ts.Columns["u"]
	v := mustJSON(t, `["named-uuid","x"]`)
	// Without a resolver, named-uuid is not allowed (OVS's text).
	_, err := DatumFromJSON(&u.Type, v, nil)
	if e, ok := err.(*Error); !ok || e.Details != `expected ["uuid", <string>]` || e.Syntax != `["named-uuid","x"]` {
		t.Errorf("got %v", err)
	}
	want := NewUUID()
	d, err := DatumFromJSON(&u.Type, v, func(name string) (UUID, bool) { return want, name == "x" })
	if err != nil || d.Keys[0].UUID() != want {
		t.Errorf("got %v %v", d, err)
	}
	_, err = DatumFromJSON(&u.Type, mustJSON(t, `["named-uuid","1x"]`), func(string) (UUID, bool) { return want, true })
	if e, ok := err.(*Error); !ok || e.Details != "named-uuid string is not a valid <id>" {
		t.Errorf("got %v", err)
	}
	_, err = DatumFromJSON(&u.Type, mustJSON(t, `["named-uuid","y"]`), func(string) (UUID, bool) { return want, false })
	if err == nil {
		t.Error("unresolved name accepted")
	}
}

func TestDefaultDatum(t *testing.T) {
	ts := datumTestSchema(t)
	for col, want := range map[string]string{
		"i": "0", "r": "0", "b": "false", "s": `""`, "u": `["uuid","00000000-0000-0000-0000-000000000000"]`,
		"si": `["set",[]]`, "m": `["map",[]]`, "opt": `["set",[]]`, "s3": `""`,
	} {
		c := ts.Columns[col]
		d := DefaultDatum(&c.Type)
		if got := ovsjson.Marshal(d.ToJSON(&c.Type)); string(got) != want {
			t.Errorf("%s: %s want %s", col, got, want)
		}
	}
}

func TestCompareAtoms(t *testing.T) {
	if CompareAtoms(TypeInteger, IntegerAtom(-1), IntegerAtom(1)) >= 0 ||
		CompareAtoms(TypeReal, RealAtom(-1.5), RealAtom(0.5)) >= 0 ||
		CompareAtoms(TypeBoolean, BoolAtom(false), BoolAtom(true)) >= 0 ||
		CompareAtoms(TypeString, StringAtom("B"), StringAtom("a")) >= 0 ||
		CompareAtoms(TypeString, StringAtom("z"), StringAtom("é")) >= 0 ||
		CompareAtoms(TypeString, StringAtom("a"), StringAtom("a")) != 0 {
		t.Error("order")
	}
	// UUIDs order as their text does.
	var us []UUID
	var texts []string
	for i := 0; i < 200; i++ {
		u := NewUUID()
		us = append(us, u)
		texts = append(texts, u.String())
	}
	slices.SortFunc(us, func(a, b UUID) int { return CompareAtoms(TypeUUID, UUIDAtom(a), UUIDAtom(b)) })
	slices.Sort(texts)
	for i := range us {
		if us[i].String() != texts[i] {
			t.Fatal("uuid order differs from text order")
		}
	}
}

func setType(k AtomicType) Type {
	return Type{Key: NewBaseType(k), Value: NewBaseType(TypeVoid), Min: 0, Max: Unlimited}
}

func mapType(k, v AtomicType) Type {
	return Type{Key: NewBaseType(k), Value: NewBaseType(v), Min: 0, Max: Unlimited}
}

func TestSetAlgebra(t *testing.T) {
	st := setType(TypeInteger)
	a := mustDatum(t, &st, `["set",[1,3,5,7]]`)
	b := mustDatum(t, &st, `["set",[2,3,7,9]]`)
	u := a.Clone()
	u.Union(&st, &b)
	if got := u.ToString(&st); got != "[1, 2, 3, 5, 7, 9]" {
		t.Errorf("union %s", got)
	}
	s := a.Clone()
	s.Subtract(&st, &b)
	if got := s.ToString(&st); got != "[1, 5]" {
		t.Errorf("subtract %s", got)
	}
	if got := a.ToString(&st); got != "[1, 3, 5, 7]" {
		t.Errorf("clone shared storage: %s", got)
	}

	mt := mapType(TypeString, TypeString)
	m := mustDatum(t, &mt, `["map",[["a","1"],["b","2"],["c","3"]]]`)
	ins := mustDatum(t, &mt, `["map",[["a","9"],["d","4"]]]`)
	mu := m.Clone()
	mu.Union(&mt, &ins) // RFC 7047 insert: existing keys keep their value
	if got := mu.ToString(&mt); got != `{a="1", b="2", c="3", d="4"}` {
		t.Errorf("map insert %s", got)
	}
	// Delete by key+value: only exact pairs go.
	del := mustDatum(t, &mt, `["map",[["a","9"],["b","2"]]]`)
	md := m.Clone()
	md.Subtract(&mt, &del)
	if got := md.ToString(&mt); got != `{a="1", c="3"}` {
		t.Errorf("map delete pairs %s", got)
	}
	// Delete by key: a set of keys.
	kt := setType(TypeString)
	keys := mustDatum(t, &kt, `["set",["a","c","z"]]`)
	mk := m.Clone()
	mk.Subtract(&mt, &keys)
	if got := mk.ToString(&mt); got != `{b="2"}` {
		t.Errorf("map delete keys %s", got)
	}
	if i, ok := m.Find(TypeString, StringAtom("b")); !ok || i != 1 {
		t.Error("find")
	}
	if i, ok := m.Find(TypeString, StringAtom("bb")); ok || i != 2 {
		t.Error("find missing")
	}
	if !m.Contains(&mt, StringAtom("b"), StringAtom("2")) || m.Contains(&mt, StringAtom("b"), StringAtom("3")) {
		t.Error("contains")
	}
}

// TestDiff checks the diff form against what OVS wrote in its log for the
// same change (an "_is_diff" record): map a=1,b=2,c=3 -> a=1,b=9,d=4 was
// recorded as b=9,c=3,d=4, and set 1,2,3 -> 2,3,4 as 1,4.
func TestDiff(t *testing.T) {
	mt := mapType(TypeString, TypeString)
	old := mustDatum(t, &mt, `["map",[["a","1"],["b","2"],["c","3"]]]`)
	nw := mustDatum(t, &mt, `["map",[["a","1"],["b","9"],["d","4"]]]`)
	diff := old.Diff(&mt, &nw)
	if got := ovsjson.Marshal(diff.ToJSON(&mt)); string(got) != `["map",[["b","9"],["c","3"],["d","4"]]]` {
		t.Errorf("map diff %s", got)
	}
	applied := old.Clone()
	if err := applied.ApplyDiff(&mt, &diff); err != nil || !applied.Equal(&nw) {
		t.Errorf("apply map diff: %v %s", err, applied.ToString(&mt))
	}

	st := setType(TypeInteger)
	so := mustDatum(t, &st, `["set",[1,2,3]]`)
	sn := mustDatum(t, &st, `["set",[2,3,4]]`)
	sd := so.Diff(&st, &sn)
	if got := ovsjson.Marshal(sd.ToJSON(&st)); string(got) != `["set",[1,4]]` {
		t.Errorf("set diff %s", got)
	}
	if err := so.ApplyDiff(&st, &sd); err != nil || !so.Equal(&sn) {
		t.Errorf("apply set diff: %v %s", err, so.ToString(&st))
	}

	// A scalar's diff holds both values, so it is read with DiffType.
	it := NewScalarType(TypeInteger)
	a, b := NewScalarDatum(IntegerAtom(5)), NewScalarDatum(IntegerAtom(7))
	d := a.Diff(&it, &b)
	dt := it.DiffType()
	if got := ovsjson.Marshal(d.ToJSON(&dt)); string(got) != `["set",[5,7]]` {
		t.Errorf("scalar diff %s", got)
	}
	rd, err := DatumFromJSON(&dt, d.ToJSON(&dt), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.ApplyDiff(&it, &rd); err != nil || !a.Equal(&b) {
		t.Errorf("apply scalar diff: %v %v", err, a)
	}
	// A diff that would break the type's size limits is refused.
	empty := Datum{}
	if err := empty.ApplyDiff(&it, &rd); err == nil {
		t.Error("size error not caught")
	}
	same := b.Diff(&it, &b)
	if same.Len() != 0 {
		t.Error("diff of equal datums not empty")
	}
}

// TestDiffRandom checks ApplyDiff(old, Diff(old, new)) == new on random maps
// and sets.
func TestDiffRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	mt := Type{Key: NewBaseType(TypeInteger), Value: NewBaseType(TypeInteger), Min: 0, Max: Unlimited}
	st := setType(TypeInteger)
	gen := func(isMap bool) Datum {
		var d Datum
		n := r.IntN(12)
		for i := 0; i < n; i++ {
			d.Keys = append(d.Keys, IntegerAtom(int64(r.IntN(16))))
			if isMap {
				d.Values = append(d.Values, IntegerAtom(int64(r.IntN(3))))
			}
		}
		ty := &st
		if isMap {
			ty = &mt
		}
		sortDatum(&d, ty)
		// drop duplicates
		var out Datum
		for i := range d.Keys {
			if i > 0 && d.Keys[i] == d.Keys[i-1] {
				continue
			}
			out.Keys = append(out.Keys, d.Keys[i])
			if isMap {
				out.Values = append(out.Values, d.Values[i])
			}
		}
		return out
	}
	for i := 0; i < 2000; i++ {
		isMap := i%2 == 0
		ty := &st
		if isMap {
			ty = &mt
		}
		a, b := gen(isMap), gen(isMap)
		d := a.Diff(ty, &b)
		c := a.Clone()
		if err := c.ApplyDiff(ty, &d); err != nil || !c.Equal(&b) {
			t.Fatalf("%s + diff %s = %s, want %s (%v)", a.ToString(ty), d.ToString(ty), c.ToString(ty), b.ToString(ty), err)
		}
		if err := c.Check(ty); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDatumCompareEqual(t *testing.T) {
	st := setType(TypeInteger)
	a := mustDatum(t, &st, `["set",[1,2]]`)
	b := mustDatum(t, &st, `["set",[1,3]]`)
	c := mustDatum(t, &st, `5`)
	if a.Compare(&st, &b) >= 0 || b.Compare(&st, &a) <= 0 || a.Compare(&st, &a) != 0 || c.Compare(&st, &a) >= 0 {
		t.Error("compare")
	}
	if a.Equal(&b) || !a.Equal(&a) {
		t.Error("equal")
	}
	var e1, e2 Datum
	e2.Values = []Atom{}
	if !e1.Equal(&e2) {
		t.Error("empty map and empty set datums differ")
	}
}

func TestDatumCheck(t *testing.T) {
	ts := datumTestSchema(t)
	si := ts.Columns["si"]
	bad := Datum{Keys: []Atom{IntegerAtom(2), IntegerAtom(1)}}
	if bad.Check(&si.Type) == nil {
		t.Error("unsorted accepted")
	}
	rng := ts.Columns["rng"]
	d := NewScalarDatum(IntegerAtom(11))
	if err := d.Check(&rng.Type); err == nil || err.Error() != "constraint violation: 11 is not in the valid range 0 to 10 (inclusive)" {
		t.Errorf("got %v", err)
	}
	s3 := ts.Columns["s3"]
	empty := Datum{}
	if empty.Check(&s3.Type) == nil {
		t.Error("too few accepted")
	}
}

func TestRowToJSON(t *testing.T) {
	ts := datumTestSchema(t)
	u := NewUUID()
	r := NewRow(ts, u)
	v := NewUUID()
	r.SetVersion(v)
	r.Fields[ts.Columns["i"].Index] = NewScalarDatum(IntegerAtom(-5))
	got := ovsjson.Append(nil, r.ToJSON(ts, []*ColumnSchema{ts.Columns["_uuid"], ts.Columns["_version"], ts.Columns["i"], ts.Columns["m"]}), ovsjson.Sort)
	want := `{"_uuid":["uuid","` + u.String() + `"],"_version":["uuid","` + v.String() + `"],"i":-5,"m":["map",[]]}`
	if string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	all := r.ToJSON(ts, nil)
	if len(all.O) != len(ts.ColumnNames) || all.Has("_uuid") {
		t.Error("default columns")
	}
	c := r.Clone()
	c.Fields[ts.Columns["i"].Index] = NewScalarDatum(IntegerAtom(1))
	if r.Get(ts.Columns["i"]).Keys[0].Int() != -5 {
		t.Error("clone shares fields")
	}
}

func TestAppendJSONMatchesToJSON(t *testing.T) {
	ts := datumTestSchema(t)
	f, err := os.Open("testdata/datum-json.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v := mustJSON(t, sc.Text())
		col := ts.Columns[v.A[0].S]
		d, err := DatumFromJSON(&col.Type, mustJSON(t, v.A[1].S), nil)
		if err != nil {
			continue
		}
		want := ovsjson.Append(nil, d.ToJSON(&col.Type), 0)
		if got := d.AppendJSON(nil, &col.Type); string(got) != string(want) {
			t.Errorf("%s: AppendJSON %s, ToJSON %s", col.Name, got, want)
		}
	}
}

func TestConstructors(t *testing.T) {
	mt := mapType(TypeString, TypeString)
	m := NewStringMap(map[string]string{"z": "1", "a": "2"})
	if got := m.ToString(&mt); got != `{a="2", z="1"}` || m.Check(&mt) != nil {
		t.Error(got)
	}
	if sm := m.StringMap(); len(sm) != 2 || sm["a"] != "2" {
		t.Error(sm)
	}
	st := setType(TypeInteger)
	s := NewSetDatum(TypeInteger, IntegerAtom(3), IntegerAtom(1), IntegerAtom(3))
	if got := s.ToString(&st); got != "[1, 3]" {
		t.Error(got)
	}
}
