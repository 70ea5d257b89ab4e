package ovsjson

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestHashString(t *testing.T) {
	for _, c := range []struct {
		s    string
		want uint32
	}{
		{"", 0},
		{"a", 0x2b038801},
		{"abcd", 0x43ed676a},
		{"abcde", 0x94015d5c},
		{"_uuid", 0xe9e02505},
		{"name", 0xdbaf43f0},
	} {
		if got := HashString(c.s); got != c.want {
			t.Errorf("HashString(%q) = %#08x, want %#08x", c.s, got, c.want)
		}
	}
}

// hashOrderCases are orders the real OVS 3.1 printed (ovsdb-tool show-log,
// ovsdb-client relaying objects) for members inserted in the given order.
var hashOrderCases = []struct{ in, want string }{
	{"name opt iset color weak u r kids eph b smap i", "name opt iset color weak u r kids smap b eph i"},
	{"tags bogus n", "n tags bogus"},
	{"_date Kid Root _is_diff", "_date Root Kid _is_diff"},
	{"name i r", "name r i"},
	{"details error syntax", "syntax details error"},
	{"_comment _is_diff _date", "_date _comment _is_diff"},
	{"rows k00 k01 k02 k03 k04 k05 k06 k07 k08 k09 k10 k11 k12 k13 k14 k15 k16 k17 k18 k19",
		"k16 k18 k03 rows k17 k05 k15 k01 k14 k00 k08 k11 k12 k07 k09 k10 k06 k02 k13 k04 k19"},
	{"", ""},
}

func TestHashOrder(t *testing.T) {
	// One HashMap reused across all cases, largest first, checks that
	// Reset leaves nothing behind.
	var reused HashMap
	for _, c := range slices.Backward(hashOrderCases) {
		keys := strings.Fields(c.in)
		for name, order := range map[string][]int{
			"HashOrder": HashOrder(keys),
			"OrderKeys": reused.OrderKeys(keys),
		} {
			got := make([]string, len(order))
			for i, j := range order {
				got[i] = keys[j]
			}
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s(%s) = %v, want %s", name, c.in, got, c.want)
			}
		}
	}
}

// TestHashMapRemove replays a map of rows keyed by arbitrary hashes, with
// removals, which never shrink the buckets.
func TestHashMapRemove(t *testing.T) {
	var m HashMap
	for h := range uint32(10) {
		if i := m.Insert(h * 0x9e3779b9); i != int(h) {
			t.Fatalf("Insert #%d returned %d", h, i)
		}
	}
	m.Remove(3)
	m.Remove(7)
	m.Remove(0)
	m.Remove(0)  // already gone
	m.Remove(99) // never there
	m.Insert(0x12345678)
	m.Insert(3)
	if m.Len() != 9 {
		t.Errorf("Len = %d, want 9", m.Len())
	}
	if got, want := m.Order(), []int{10, 8, 9, 1, 2, 11, 4, 5, 6}; !slices.Equal(got, want) {
		t.Errorf("Order = %v, want %v", got, want)
	}
	m.Reset()
	if m.Len() != 0 || len(m.Order()) != 0 {
		t.Errorf("after Reset: Len %d, Order %v", m.Len(), m.Order())
	}
}

func TestHashOrdered(t *testing.T) {
	in := `{"z":[{"c":3,"a":2,"b":1}],"details":{"x":1,"y":{"q":1,"p":2,"r":3}},"error":"e","syntax":"s","error":"E"}`
	v, err := ParseString(in)
	if err != nil {
		t.Fatal(err)
	}
	// Every object, inside arrays too; a repeated member keeps its first
	// place and its last value.
	want := `{"syntax":"s","details":{"x":1,"y":{"p":2,"q":1,"r":3}},"error":"E","z":[{"b":1,"a":2,"c":3}]}`
	if got := string(Marshal(HashOrdered(v))); got != want {
		t.Errorf("HashOrdered:\n got %s\nwant %s", got, want)
	}
	// Two levels of objects, arrays left alone.
	want = `{"syntax":"s","details":{"x":1,"y":{"q":1,"p":2,"r":3}},"error":"E","z":[{"c":3,"a":2,"b":1}]}`
	if got := string(Marshal(HashOrderedLevels(v, 2))); got != want {
		t.Errorf("HashOrderedLevels 2:\n got %s\nwant %s", got, want)
	}
	if got := Marshal(HashOrderedLevels(v, 0)); string(got) != string(Marshal(v)) {
		t.Errorf("HashOrderedLevels 0 changed the value: %s", got)
	}
	// A file record as OVS applies it: record, tables, rows.
	rec, err := ParseString(`{"_comment":"c","_is_diff":true,"_date":1,"T":{"u2":{"name":"x","i":1,"r":2},"u1":null,"u3":{"name":"y","i":1,"r":{"b":1,"a":2,"c":3}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"_date":1,"T":{"u3":{"name":"y","r":{"b":1,"a":2,"c":3},"i":1},"u1":null,"u2":{"name":"x","r":2,"i":1}},"_comment":"c","_is_diff":true}`
	if got := string(Marshal(HashOrderedLevels(rec, 3))); got != want {
		t.Errorf("HashOrderedLevels 3:\n got %s\nwant %s", got, want)
	}
}

// FuzzHashOrder: the replayed map holds each key exactly once, and a
// reused HashMap agrees with a fresh one.
func FuzzHashOrder(f *testing.F) {
	f.Add("name version cksum tables")
	f.Add("a b c d e f g h i j k l m n o p q r s t u v w x y z")
	var reused HashMap
	f.Fuzz(func(t *testing.T, s string) {
		keys := slices.Compact(slices.Sorted(slices.Values(strings.Fields(s))))
		order := HashOrder(keys)
		if !slices.Equal(order, reused.OrderKeys(keys)) {
			t.Fatalf("reused map disagrees on %q", keys)
		}
		sorted := slices.Sorted(slices.Values(order))
		for i, j := range sorted {
			if i != j {
				t.Fatalf("not a permutation: %v", order)
			}
		}
	})
}

func BenchmarkHashOrderKeys(b *testing.B) {
	keys := make([]string, 50)
	for i := range keys {
		keys[i] = fmt.Sprintf("column%d", i)
	}
	var m HashMap
	b.ReportAllocs()
	for b.Loop() {
		m.OrderKeys(keys)
	}
}
