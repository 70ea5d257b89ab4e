package ofproto

import (
	"slices"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func TestReduceTimeouts(t *testing.T) {
	s := newTestSwitch(t)
	s.now = 0
	s.mustMod(t, openflow.FlowAdd, "priority=1,tcp,idle_timeout=60,hard_timeout=120,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=2,tcp,idle_timeout=3,actions=drop")
	s.mustMod(t, openflow.FlowAdd, "priority=3,tcp,actions=drop")
	r1 := s.rule(t, 0, 1, "tcp")
	r1.Credit(4, 400, 500)

	s.now = 1000
	s.ReduceTimeouts(r1, 0, 10)
	s.ReduceTimeouts(s.rule(t, 0, 2, "tcp"), 5, 10)
	s.ReduceTimeouts(s.rule(t, 0, 3, "tcp"), 0, 0)
	// The replaced rule is gone from the table: reducing it again does
	// nothing.
	s.ReduceTimeouts(r1, 1, 1)
	got := []uint16{}
	for _, p := range []uint16{1, 2, 3} {
		r := s.rule(t, 0, p, "tcp")
		got = append(got, r.IdleTimeout, r.HardTimeout)
	}
	if want := []uint16{60, 10, 3, 10, 0, 0}; !slices.Equal(got, want) {
		t.Fatalf("timeouts %v, want %v", got, want)
	}
	r := s.rule(t, 0, 1, "tcp")
	if p, b, used := r.Stats(); p != 4 || b != 400 || used != 500 || r.Created != 0 || r.Modified != 0 {
		t.Fatalf("replacement lost state: %d %d %d %d %d", p, b, used, r.Created, r.Modified)
	}
	// The hard timeout counts from the last modify, not the reduction.
	if n := s.Expire(9999); n != 1 || !slices.Equal(s.removed, []string{"2:idle"}) {
		t.Fatalf("at 10s: %d %v", n, s.removed)
	}
	if n := s.Expire(10000); n != 1 || !slices.Equal(s.removed, []string{"2:idle", "1:hard"}) {
		t.Fatalf("at 10s: %d %v", n, s.removed)
	}
}
