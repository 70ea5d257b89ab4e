package ovsjson

import (
	"errors"
	"testing"
)

func TestScan(t *testing.T) {
	var elems []string
	err := Elements([]byte(` [ 1 , "a,]" ,{"x":[1,{"]":2}]} , [ ], true,-2.5e3 ] `), func(e []byte) error {
		elems = append(elems, string(e))
		return nil
	})
	want := []string{`1`, `"a,]"`, `{"x":[1,{"]":2}]}`, `[ ]`, `true`, `-2.5e3`}
	if err != nil || len(elems) != len(want) {
		t.Fatalf("Elements: %q, %v", elems, err)
	}
	for i := range want {
		if elems[i] != want[i] {
			t.Errorf("element %d: %q, want %q", i, elems[i], want[i])
		}
	}
	var names, values []string
	err = Members([]byte(`{"id":7, "r\u00e9sult" : [{"uuid":["uuid","x"]}],"id":null}`), func(n string, v []byte) error {
		names = append(names, n)
		values = append(values, string(v))
		return nil
	})
	if err != nil || len(names) != 3 || names[1] != "résult" || values[1] != `[{"uuid":["uuid","x"]}]` || values[2] != "null" {
		t.Fatalf("Members: %q %q, %v", names, values, err)
	}
	if err := Elements([]byte(`[]`), func([]byte) error { t.Fatal("element of []"); return nil }); err != nil {
		t.Errorf("empty array: %v", err)
	}
	stop := errors.New("stop")
	n := 0
	if err := Elements([]byte(`[1,2,3]`), func([]byte) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("fn's error: %v after %d", err, n)
	}
	for _, bad := range []string{``, `{}`, `[1 2]`, `[1,]`, `[,1]`, `[1`, `[[1]`, `["a]`, `[1] x`, `[1]]`, `[:]`} {
		if err := Elements([]byte(bad), func([]byte) error { return nil }); err == nil {
			t.Errorf("Elements accepted %q", bad)
		}
	}
	for _, bad := range []string{`[]`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a":1`, `{"\x01":1}`} {
		if err := Members([]byte(bad), func(string, []byte) error { return nil }); err == nil {
			t.Errorf("Members accepted %q", bad)
		}
	}
}

// FuzzScan checks that scanning never panics, and that whatever parses
// scans into parts that parse to the same elements and members.
func FuzzScan(f *testing.F) {
	for _, s := range []string{`[1,"a",{"b":[2]},[]]`, `{"id":1,"result":[{"uuid":["uuid","x"]},{}],"error":null}`, `{"a":1,"a":2}`, `["\"]",5]`, `[{]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var parts [][]byte
		var names []string
		errE := Elements(data, func(e []byte) error { parts = append(parts, e); return nil })
		errM := Members(data, func(n string, v []byte) error {
			names = append(names, n)
			parts = append(parts, v)
			return nil
		})
		v, err := Parse(data)
		if err != nil {
			return
		}
		switch v.Kind {
		case Array:
			if errE != nil || errM == nil || len(parts) != len(v.A) {
				t.Fatalf("array %s: Elements %v, Members %v, %d parts", data, errE, errM, len(parts))
			}
			for i, p := range parts {
				if e, err := Parse(p); err != nil || !Equal(e, v.A[i]) {
					t.Fatalf("element %d of %s scans as %q", i, data, p)
				}
			}
		case Object:
			if errM != nil || errE == nil {
				t.Fatalf("object %s: Elements %v, Members %v", data, errE, errM)
			}
			for i, p := range parts {
				// The last of a repeated name is the one that counts.
				if w, _ := v.Get(names[i]); !isLast(names, i) {
					continue
				} else if e, err := Parse(p); err != nil || !Equal(e, w) {
					t.Fatalf("member %q of %s scans as %q", names[i], data, p)
				}
			}
		}
	})
}

func isLast(names []string, i int) bool {
	for _, n := range names[i+1:] {
		if n == names[i] {
			return false
		}
	}
	return true
}
