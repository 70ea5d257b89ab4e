package classifier

import (
	"sync/atomic"
)

// Both hash tables below use open addressing with linear probing, are
// changed by one writer and probed by any number of readers without locks:
//
//   - A slot goes from empty to used and never back (a deleted entry leaves a
//     tombstone), so a probe that reaches an empty slot has seen every slot an
//     entry could be in.
//   - Growing, shrinking or sweeping tombstones builds a new table and swaps
//     it in; readers that loaded the old one finish on it. That is safe
//     because of versioning: a reader loads the table after it read its
//     version, so the old table holds every rule visible to it; changes made
//     after the swap are staged for a newer version or remove rules that no
//     active reader can see (Clock.Commit waits for that).
//   - Neither table is ever full: the writer rebuilds before the used slots,
//     tombstones included, exceed 3/4 of the table.

const minTableSize = 8

// tableSize is the smallest power of two that holds live entries at most
// half full.
func tableSize(live int) int {
	n := minTableSize
	for n < 2*live {
		n <<= 1
	}
	return n
}

// hashSet is a stage index: the partial hashes of a subtable's rules, each
// with a count of the rules that have it. Entries pack hash<<32 | count;
// 0 is an empty slot, count 0 a tombstone. Hash 0 is stored as 1.
type hashSet struct {
	e          []atomic.Uint64
	mask       uint32
	used, live int // writer-only
}

func newHashSet(live int) *hashSet {
	n := tableSize(live)
	return &hashSet{e: make([]atomic.Uint64, n), mask: uint32(n - 1)}
}

// contains reports whether some rule may have partial hash h.
func (s *hashSet) contains(h uint32) bool {
	if h == 0 {
		h = 1
	}
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.e[i].Load()
		if e == 0 {
			return false
		}
		if uint32(e>>32) == h {
			return uint32(e) != 0
		}
	}
}

// add counts one more rule with partial hash h and returns the set to use
// from now on (s itself, or a rebuilt copy that the caller must publish).
func (s *hashSet) add(h uint32) *hashSet {
	if h == 0 {
		h = 1
	}
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.e[i].Load()
		if e == 0 {
			break
		}
		if uint32(e>>32) == h {
			if uint32(e) == 0 {
				s.live++
			}
			s.e[i].Store(e + 1)
			return s
		}
	}
	if (s.used+1)*4 > len(s.e)*3 {
		s = s.rebuild(s.live + 1)
	}
	s.put(uint64(h)<<32 | 1)
	s.used++
	s.live++
	return s
}

// remove counts one rule fewer with partial hash h, which must be there,
// and returns the set to use from now on.
func (s *hashSet) remove(h uint32) *hashSet {
	if h == 0 {
		h = 1
	}
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.e[i].Load()
		if e == 0 {
			panic("classifier: stage index lost a hash")
		}
		if uint32(e>>32) == h {
			s.e[i].Store(e - 1)
			if uint32(e) == 1 {
				s.live--
				if len(s.e) > minTableSize && s.live*8 < len(s.e) {
					return s.rebuild(s.live)
				}
			}
			return s
		}
	}
}

// put stores a new entry in the first free slot of its probe sequence.
func (s *hashSet) put(e uint64) {
	for i := uint32(e>>32) & s.mask; ; i = (i + 1) & s.mask {
		if s.e[i].Load() == 0 {
			s.e[i].Store(e)
			return
		}
	}
}

// rebuild copies the live entries into a new set sized for live entries.
func (s *hashSet) rebuild(live int) *hashSet {
	n := newHashSet(live)
	for i := range s.e {
		if e := s.e[i].Load(); uint32(e) != 0 {
			n.put(e)
			n.used++
			n.live++
		}
	}
	return n
}

// slot is one entry of a ruleTable: the hash of a match and the chain of
// rules with that match, highest priority first. h is hash|1<<32 once the
// slot has been used, 0 before; a nil head after that is a tombstone.
type slot[T any] struct {
	h    atomic.Uint64
	head atomic.Pointer[Rule[T]]
}

// ruleTable maps a subtable's masked values to the rules matching exactly
// them. Live counts the chains, not the rules.
type ruleTable[T any] struct {
	slots      []slot[T]
	mask       uint32
	used, live int // writer-only
}

func newRuleTable[T any](live int) *ruleTable[T] {
	n := tableSize(live)
	return &ruleTable[T]{slots: make([]slot[T], n), mask: uint32(n - 1)}
}

const slotUsed = 1 << 32

// chain returns the slot holding the rules whose values are vals, or nil.
// Writer and readers alike.
func (t *ruleTable[T]) chain(h uint32, vals []uint64) *slot[T] {
	want := uint64(h) | slotUsed
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		e := s.h.Load()
		if e == 0 {
			return nil
		}
		if e == want {
			if r := s.head.Load(); r != nil && equalVals(r.vals, vals) {
				return s
			}
		}
	}
}

// insertChain puts r at the head of a new chain; the caller knows that no
// chain for r's values exists. Returns the table to use from now on.
func (t *ruleTable[T]) insertChain(r *Rule[T]) *ruleTable[T] {
	want := uint64(r.hash) | slotUsed
	var tomb *slot[T]
	for i := r.hash & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		e := s.h.Load()
		if e == 0 {
			break
		}
		if tomb == nil && s.head.Load() == nil {
			tomb = s
		}
	}
	if tomb != nil {
		// The head is stored last: a reader that sees it sees its hash.
		tomb.h.Store(want)
		tomb.head.Store(r)
		t.live++
		return t
	}
	if (t.used+1)*4 > len(t.slots)*3 {
		t = t.rebuild(t.live + 1)
	}
	t.put(want, r)
	t.used++
	t.live++
	return t
}

// emptied records that the chain in s lost its last rule (the caller stored
// nil in its head) and returns the table to use from now on.
func (t *ruleTable[T]) emptied() *ruleTable[T] {
	t.live--
	if len(t.slots) > minTableSize && t.live*8 < len(t.slots) {
		return t.rebuild(t.live)
	}
	return t
}

func (t *ruleTable[T]) put(h uint64, r *Rule[T]) {
	for i := uint32(h) & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.h.Load() == 0 {
			s.head.Store(r)
			s.h.Store(h)
			return
		}
	}
}

func (t *ruleTable[T]) rebuild(live int) *ruleTable[T] {
	n := newRuleTable[T](live)
	for i := range t.slots {
		s := &t.slots[i]
		if r := s.head.Load(); r != nil {
			n.put(s.h.Load(), r)
			n.used++
			n.live++
		}
	}
	return n
}

func equalVals(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
