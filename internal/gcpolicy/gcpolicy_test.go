package gcpolicy

import "testing"

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
