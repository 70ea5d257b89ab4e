package storage

import (
	"testing"
	"time"
)

func TestShouldCompact(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	base := CompactionState{SnapshotSize: 6 << 20, TxnsSinceSnapshot: 100, LastSnapshot: t0}
	big := int64(13 << 20) // over 2x and over 10 MB
	for _, c := range []struct {
		name string
		st   func(CompactionState) CompactionState
		size int64
		at   time.Duration
		want bool
	}{
		{"grown, old enough, enough commits", nil, big, 11 * time.Minute, true},
		{"too soon", nil, big, 9 * time.Minute, false},
		{"too few commits", func(s CompactionState) CompactionState { s.TxnsSinceSnapshot = 99; return s }, big, time.Hour, false},
		{"not doubled", nil, 12 << 20, time.Hour, false},
		{"doubled but small", func(s CompactionState) CompactionState { s.SnapshotSize = 1 << 20; return s }, 9 << 20, time.Hour, false},
		{"exactly 10 MB and more than doubled", func(s CompactionState) CompactionState { s.SnapshotSize = 1 << 20; return s }, 10 << 20, time.Hour, true},
		{"a day passed, small file", nil, 7 << 20, 24 * time.Hour, true},
		{"a day passed, few commits", func(s CompactionState) CompactionState { s.TxnsSinceSnapshot = 5; return s }, big, 25 * time.Hour, false},
		{"explicit NextMin respected", func(s CompactionState) CompactionState { s.NextMin = t0.Add(15 * time.Minute); return s }, big, 12 * time.Minute, false},
	} {
		st := base
		if c.st != nil {
			st = c.st(st)
		}
		if got := ShouldCompact(st, c.size, t0.Add(c.at)); got != c.want {
			t.Errorf("%s: ShouldCompact = %v", c.name, got)
		}
	}
}

func TestCompactionSchedule(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 50 {
		st := NewCompactionState(1<<20, 0, t0)
		if d := st.NextMin.Sub(t0); d < 10*time.Minute || d >= 20*time.Minute {
			t.Fatalf("NextMin after %v", d)
		}
		if st.NextMax != t0.Add(24*time.Hour) {
			t.Fatalf("NextMax %v", st.NextMax)
		}
		st.Postpone(t0.Add(time.Hour))
		if d := st.NextMin.Sub(t0.Add(time.Hour)); d < time.Minute || d >= 2*time.Minute {
			t.Fatalf("postponed NextMin after %v", d)
		}
		if st.NextMax != t0.Add(24*time.Hour) || st.SnapshotSize != 1<<20 {
			t.Fatal("Postpone changed more than NextMin")
		}
	}
}
