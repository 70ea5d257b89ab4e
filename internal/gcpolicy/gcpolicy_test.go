package gcpolicy

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

func TestPercentFor(t *testing.T) {
	// ovsdb-server's policy: a fixed headroom for small databases.
	db := Config{Headroom: 32 << 20, Percent: 100}
	// ovs-vswitchd's: half the live heap, at least 16 MiB of it.
	sw := Config{Headroom: 16 << 20, Percent: 50}
	for _, c := range []struct {
		cfg        Config
		live, want int64
	}{
		{db, 0, 800},        // the runtime's 4 MiB floor becomes the headroom
		{db, 1 << 20, 800},  // likewise
		{db, 4 << 20, 800},  // goal 36 MiB
		{db, 16 << 20, 200}, // goal 48 MiB
		{db, 24 << 20, 133}, // goal 56 MiB
		{db, 32 << 20, 100}, // big enough for the default
		{db, 1 << 30, 100},
		{sw, 4 << 20, 400},  // goal 20 MiB
		{sw, 16 << 20, 100}, // goal 32 MiB
		{sw, 32 << 20, 50},  // goal 48 MiB
		{sw, 200 << 20, 50}, // goal 300 MiB
		{Config{}, 1, 100},  // no headroom: the default
		{Config{Percent: 30}, 100 << 20, 30},
	} {
		cfg := c.cfg
		if cfg.Percent == 0 {
			cfg.Percent = 100
		}
		got := cfg.percentFor(c.live)
		if got != c.want {
			t.Errorf("%+v: percentFor(%d MiB) = %d, want %d", c.cfg, c.live>>20, got, c.want)
		}
		// The goal always leaves at least the headroom (or Percent of
		// the live heap) above the live heap.
		want := min(max(c.live*cfg.Percent/100, cfg.Headroom), c.live*cfg.Headroom/runtimeFloor)
		if goal := c.live * (100 + got) / 100; c.live > runtimeFloor && goal < c.live+want-1<<20 {
			t.Errorf("%+v: live %d MiB: goal %d MiB", c.cfg, c.live>>20, goal>>20)
		}
	}
}

// A nil policy (a daemon inside tests) ignores activity, and a kick is not
// lost or duplicated.
func TestNoteActivity(t *testing.T) {
	var nilPolicy *Policy
	nilPolicy.NoteActivity()
	p := &Policy{kick: make(chan struct{}, 1)}
	p.NoteActivity()
	p.NoteActivity()
	if len(p.kick) != 1 || !p.kicked.Load() {
		t.Fatalf("kick queued %d, kicked %v", len(p.kick), p.kicked.Load())
	}
}

// heapLive, read back from the heap goal, agrees with the runtime's own
// count of the live heap (which only runtime/metrics reports) closely
// enough for percentFor, at the runtime's default GOGC and at the ones the
// policies set.
func TestHeapLive(t *testing.T) {
	keep := make([][]byte, 0, 48)
	for range cap(keep) {
		keep = append(keep, make([]byte, 1<<20))
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	for _, gogc := range []int64{50, 100, 400} {
		debug.SetGCPercent(int(gogc))
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(s)
		want := s[0].Value.Uint64()
		got := heapLive(&ms, gogc)
		// Stacks and globals raise the goal (a test binary's are well
		// under a MiB); the division rounds down.
		if got+64<<10 < want || got > want+1<<20 {
			t.Errorf("GOGC=%d: heapLive %d KiB, runtime says %d KiB live", gogc, got>>10, want>>10)
		}
		if all := heapLive(&ms, 0); all != ms.HeapAlloc {
			t.Errorf("GOGC unknown: heapLive %d, want HeapAlloc %d", all, ms.HeapAlloc)
		}
	}
	runtime.KeepAlive(keep)
}
