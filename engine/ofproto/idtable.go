package ofproto

import (
	"maps"
	"slices"
	"sync/atomic"
)

// idTable is the group table or the meter table: a copy-on-write map from
// id to an immutable entry. Lookups (per packet translation) load it
// without a lock; writers, holding the switch's lock, stage a new map that
// becomes visible when the transaction commits, together with the flow
// table changes of the same transaction (a bundle that adds a group and
// the flows using it shows both at once, or neither).
type idTable[T any] struct {
	m      atomic.Pointer[map[uint32]*T]
	staged map[uint32]*T // nil: nothing staged
}

func (t *idTable[T]) init() { t.m.Store(&map[uint32]*T{}) }

// get returns the published entry id, or nil. Lock-free.
func (t *idTable[T]) get(id uint32) *T { return (*t.m.Load())[id] }

// each calls fn for every published entry in id order until fn returns
// false.
func (t *idTable[T]) each(fn func(*T) bool) {
	m := *t.m.Load()
	for _, id := range slices.Sorted(maps.Keys(m)) {
		if !fn(m[id]) {
			return
		}
	}
}

// current is the map as the transaction in progress sees it. Writers only.
func (t *idTable[T]) current() map[uint32]*T {
	if t.staged != nil {
		return t.staged
	}
	return *t.m.Load()
}

// put and remove change the staged map (copying the published one first).
func (t *idTable[T]) put(id uint32, v *T) {
	t.stage()
	t.staged[id] = v
}

func (t *idTable[T]) remove(ids ...uint32) {
	t.stage()
	for _, id := range ids {
		delete(t.staged, id)
	}
}

func (t *idTable[T]) stage() {
	if t.staged == nil {
		t.staged = maps.Clone(*t.m.Load())
	}
}

// commit publishes the staged map; abort forgets it.
func (t *idTable[T]) commit() {
	if t.staged != nil {
		m := t.staged
		t.m.Store(&m)
		t.staged = nil
	}
}

func (t *idTable[T]) abort() { t.staged = nil }
