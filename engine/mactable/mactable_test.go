package mactable

import "testing"

func m(b byte) [6]byte { return [6]byte{2, 0, 0, 0, 0, b} }

func TestLearnMoveExpireEvict(t *testing.T) {
	tb := New()
	if tb.Learn(1, m(7), "p1", 0) {
		t.Fatal("a new address nobody flooded invalidates nothing")
	}
	if _, ok := tb.Lookup(1, m(1)); ok {
		t.Fatal("found before learning")
	}
	if !tb.Learn(1, m(1), "p1", 0) {
		t.Fatal("learning a flooded address not reported")
	}
	if tb.Learn(1, m(1), "p1", 5) {
		t.Fatal("refresh reported as change")
	}
	if !tb.Learn(1, m(1), "p2", 6) || tb.Stats().Moved != 1 {
		t.Fatal("move not reported")
	}
	if p, ok := tb.Lookup(1, m(1)); !ok || p != "p2" {
		t.Fatalf("lookup: %v %v", p, ok)
	}
	if _, ok := tb.Lookup(2, m(1)); ok {
		t.Fatal("VLANs are separate tables")
	}
	if tb.Learn(1, [6]byte{1, 0, 0, 0, 0, 1}, "p1", 0) {
		t.Fatal("learned a multicast source")
	}
	tb.Expire(6 + DefaultAgingTime - 1)
	if _, ok := tb.Lookup(1, m(1)); !ok {
		t.Fatal("expired too early")
	}
	tb.Expire(6 + DefaultAgingTime)
	if _, ok := tb.Lookup(1, m(1)); ok || tb.Stats().Expired != 2 {
		t.Fatal("not expired")
	}
	tb.SetLimits(60, 2)
	tb.Learn(1, m(1), "p1", 10)
	tb.Learn(1, m(2), "p1", 11)
	tb.Learn(1, m(1), "p1", 12) // m(1) now most recent
	tb.Learn(1, m(3), "p1", 13) // evicts m(2)
	if _, ok := tb.Lookup(1, m(2)); ok || tb.Stats().Evicted != 1 {
		t.Fatal("LRU entry not evicted")
	}
	es := tb.Entries(13)
	if len(es) != 2 || es[0].MAC[5] != 1 || es[1].MAC[5] != 3 || es[0].Age != 1 {
		t.Fatalf("entries: %+v", es)
	}
	tb.AddStatic(5, m(9), "p3")
	tb.Flush()
	if total, static := tb.Counts(); total != 1 || static != 1 {
		t.Fatalf("flush kept %d entries, %d static", total, static)
	}
	if !tb.DeleteStatic(5, m(9)) || tb.DeleteStatic(5, m(9)) {
		t.Fatal("DeleteStatic")
	}
}
