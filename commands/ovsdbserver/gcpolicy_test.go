package ovsdbserver

import "testing"

func TestGCPercentFor(t *testing.T) {
	for _, c := range []struct{ live, want int64 }{
		{0, 800},        // the runtime's 4 MiB floor becomes the headroom
		{1 << 20, 800},  // likewise
		{4 << 20, 800},  // goal 36 MiB
		{16 << 20, 200}, // goal 48 MiB
		{24 << 20, 133}, // goal 56 MiB
		{32 << 20, 100}, // big enough for the default
		{1 << 30, 100},
	} {
		if got := gcPercentFor(c.live); got != c.want {
			t.Errorf("gcPercentFor(%d MiB) = %d, want %d", c.live>>20, got, c.want)
		}
		// The goal always leaves at least the headroom (or the
		// default's doubling) above the live heap.
		if goal := c.live * (100 + gcPercentFor(c.live)) / 100; c.live > 4<<20 && goal < c.live+min(c.live, gcHeadroom)-1<<20 {
			t.Errorf("live %d MiB: goal %d MiB", c.live>>20, goal>>20)
		}
	}
}

// TestMemPolicyNoteActivity checks that a nil policy (the server inside
// tests) ignores activity and that a kick is not lost or duplicated.
func TestMemPolicyNoteActivity(t *testing.T) {
	var nilPolicy *memPolicy
	nilPolicy.noteActivity()
	p := &memPolicy{kick: make(chan struct{}, 1)}
	p.noteActivity()
	p.noteActivity()
	if len(p.kick) != 1 || !p.kicked.Load() {
		t.Fatalf("kick queued %d, kicked %v", len(p.kick), p.kicked.Load())
	}
}
