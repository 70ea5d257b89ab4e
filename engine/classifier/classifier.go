package classifier

import (
	"iter"
	"math"
	"slices"
	"sync/atomic"

	"github.com/govs/ovs/engine/flow"
)

// Match is a flow value and a mask: a packet matches when its flow, masked,
// equals Flow masked. A set mask bit means "this bit matters".
type Match struct {
	Flow flow.Flow
	Mask flow.Flow
}

// Matches reports whether f matches m.
func (m *Match) Matches(f *flow.Flow) bool {
	fw, vw, mw := f.Words(), m.Flow.Words(), m.Mask.Words()
	for i := range fw {
		if (fw[i]^vw[i])&mw[i] != 0 {
			return false
		}
	}
	return true
}

// Covers reports whether every flow that matches other also matches m:
// m's mask is within other's and they agree on m's bits. That is OpenFlow's
// non-strict (loose) match of a flow-mod m against a rule other.
func (m *Match) Covers(other *Match) bool {
	vw, mw := m.Flow.Words(), m.Mask.Words()
	ow, omw := other.Flow.Words(), other.Mask.Words()
	for i := range vw {
		if mw[i]&^omw[i] != 0 || (vw[i]^ow[i])&mw[i] != 0 {
			return false
		}
	}
	return true
}

// Rule is one entry of a classifier. A rule is immutable once inserted, Value
// included (readers use it without synchronisation): to change it, insert a
// replacement with the same match and priority.
type Rule[T any] struct {
	st       *subtable[T]
	vals     []uint64 // the match's value on the subtable's mask words
	dup      atomic.Pointer[Rule[T]]
	add      atomic.Uint64 // first version the rule is visible in
	remove   atomic.Uint64 // first version it is not visible in any more
	priority int32
	hash     uint32
	linked   bool // writer-only: reachable from its subtable's table

	Value T
}

// Priority returns r's priority.
func (r *Rule[T]) Priority() int32 { return r.priority }

// Match returns r's match.
func (r *Rule[T]) Match() Match {
	return Match{Flow: r.MatchValue(), Mask: r.st.mask}
}

// Mask returns r's mask. Every rule with that mask shares it (it is stored
// once, in the subtable): the caller must not change it.
func (r *Rule[T]) Mask() *flow.Flow { return &r.st.mask }

// MatchValue returns r's match value (masked by Mask).
func (r *Rule[T]) MatchValue() flow.Flow {
	var f flow.Flow
	fw := f.Words()
	for j, w := range r.st.words {
		fw[w.idx] |= r.vals[j]
	}
	return f
}

// Matches reports whether f matches r.
func (r *Rule[T]) Matches(f *flow.Flow) bool {
	return r.matchWords(f.Words(), r.st.words)
}

// VisibleIn reports whether r is visible in version v.
func (r *Rule[T]) VisibleIn(v Version) bool {
	return Version(r.add.Load()) <= v && v < Version(r.remove.Load())
}

func (r *Rule[T]) matchWords(fw *[flow.FlowWords]uint64, words []maskWord) bool {
	vals := r.vals
	if len(vals) != len(words) {
		return false
	}
	for j := range words {
		if fw[words[j].idx]&words[j].m != vals[j] {
			return false
		}
	}
	return true
}

// subtable holds the rules that share one mask.
type subtable[T any] struct {
	words   []maskWord
	ends    [numStages]uint8 // ends of the non-empty stages in words
	nStages int
	sets    [numStages - 1]atomic.Pointer[hashSet] // partial hashes of stages 0..nStages-2
	table   atomic.Pointer[ruleTable[T]]

	// Writer-only.
	owner    *Classifier[T]
	mask     flow.Flow
	seq      uint64 // creation order, which orders subtables of equal priority
	nRules   int    // linked rules
	maxPrio  int32  // highest priority among the linked rules
	maxCount int    // how many linked rules have maxPrio (0: recount)
	listed   int32  // maxPrio as published in the lookup list
	inList   bool   // in the published lookup list
}

// listEntry is one subtable in the lookup order, with an upper bound of the
// priority of its rules visible in any version a reader may be using.
type listEntry[T any] struct {
	maxPrio int32
	st      *subtable[T]
}

// Classifier is an OpenFlow table: rules with a match and a priority, and a
// lookup that finds the highest-priority rule matching a flow. See the
// package documentation for the concurrency rules.
type Classifier[T any] struct {
	clock *Clock
	list  atomic.Pointer[[]listEntry[T]] // lookup order, for readers
	count atomic.Int64                   // rules in the writer's view

	// Writer-only.
	byMask    map[flow.Flow]*subtable[T]
	subtables []*subtable[T] // creation order
	seq       uint64
	listDirty bool
	recounts  []*subtable[T] // subtables whose maxCount fell to 0
	inTxn     bool
	pending   []*Rule[T] // removed by a commit, still linked for older readers
	txnCount  int64      // count when the transaction began
	ops       []txnOp[T]
}

type txnOp[T any] struct {
	r      *Rule[T]
	remove bool
}

// New returns an empty classifier whose versions are clock's. With a nil
// clock it gets a clock of its own.
func New[T any](clock *Clock) *Classifier[T] {
	if clock == nil {
		clock = NewClock()
	}
	c := &Classifier[T]{clock: clock, byMask: make(map[flow.Flow]*subtable[T])}
	c.list.Store(new([]listEntry[T]))
	return c
}

// Clock returns the classifier's clock.
func (c *Classifier[T]) Clock() *Clock { return c.clock }

// Count returns how many rules the classifier has, staged changes included.
// Safe to call from any goroutine.
func (c *Classifier[T]) Count() int { return int(c.count.Load()) }

// NumSubtables returns how many distinct masks the linked rules use
// (removed rules that readers may still see included).
func (c *Classifier[T]) NumSubtables() int { return len(c.subtables) }

// Lookup returns the highest-priority rule matching f at the current
// version, or nil, in a read section of its own. See LookupVersion.
func (c *Classifier[T]) Lookup(f, wc *flow.Flow) *Rule[T] {
	s := c.clock.Enter()
	r := c.LookupVersion(s.v, f, wc)
	s.Exit()
	return r
}

// LookupVersion returns the highest-priority rule visible in version v that
// matches f, or nil. If wc is not nil, it ORs into wc every bit of f that
// the outcome depends on: any flow that agrees with f on the bits of wc gets
// the same result. Of two matching rules of the same priority, the one in
// the subtable (mask) that comes first in lookup order wins: subtables are
// ordered by their highest rule priority, then by age (older first).
//
// The caller must be inside a read section of the classifier's clock at
// version v, or be the writer.
func (c *Classifier[T]) LookupVersion(v Version, f, wc *flow.Flow) *Rule[T] {
	list := *c.list.Load()
	fw := f.Words()
	var best *Rule[T]
	bestPrio := int64(math.MinInt64)
	for i := range list {
		e := &list[i]
		if int64(e.maxPrio) <= bestPrio {
			break
		}
		if r := e.st.lookup(v, fw, wc); r != nil && int64(r.priority) > bestPrio {
			best, bestPrio = r, int64(r.priority)
		}
	}
	return best
}

// lookup returns the highest-priority rule of st visible in v that matches
// fw, unwildcarding in wc the mask bits of the stages it examined.
func (st *subtable[T]) lookup(v Version, fw *[flow.FlowWords]uint64, wc *flow.Flow) *Rule[T] {
	words := st.words
	h := uint64(hashSeed)
	i := 0
	for s := 0; s < st.nStages-1; s++ {
		end := int(st.ends[s])
		for ; i < end; i++ {
			h = mix(h, fw[words[i].idx]&words[i].m)
		}
		if !st.sets[s].Load().contains(finish(h)) {
			if wc != nil {
				unwildcard(wc, words[:end])
			}
			return nil
		}
	}
	for ; i < len(words); i++ {
		h = mix(h, fw[words[i].idx]&words[i].m)
	}
	if wc != nil {
		unwildcard(wc, words)
	}
	t := st.table.Load()
	hash := finish(h)
	want := uint64(hash) | slotUsed
	for j := hash & t.mask; ; j = (j + 1) & t.mask {
		s := &t.slots[j]
		e := s.h.Load()
		if e == 0 {
			return nil
		}
		if e != want {
			continue
		}
		r := s.head.Load()
		if r == nil || !r.matchWords(fw, words) {
			continue
		}
		for ; r != nil; r = r.dup.Load() {
			if r.VisibleIn(v) {
				return r
			}
		}
		return nil
	}
}

func unwildcard(wc *flow.Flow, words []maskWord) {
	ww := wc.Words()
	for i := range words {
		ww[words[i].idx] |= words[i].m
	}
}

// view is the version the writer works in: the next one, so that staged
// changes are seen by later changes of the same transaction.
func (c *Classifier[T]) view() Version { return c.clock.next() }

// Insert adds a rule with match m, priority and value, and commits (on the
// clock: anything else staged commits with it). A rule with the same match
// and priority is replaced; it is returned as old.
func (c *Classifier[T]) Insert(m *Match, priority int32, value T) (r, old *Rule[T]) {
	r, old = c.StageInsert(m, priority, value)
	c.clock.Commit()
	return r, old
}

// Remove removes r and commits (anything else staged commits with it). It
// reports false if r was not in the classifier.
func (c *Classifier[T]) Remove(r *Rule[T]) bool {
	ok := c.StageRemove(r)
	c.clock.Commit()
	return ok
}

// StageInsert is Insert without the commit: the rule becomes visible to
// readers at the next Clock.Commit, and so does the removal of the rule it
// replaces; Clock.Abort undoes both.
func (c *Classifier[T]) StageInsert(m *Match, priority int32, value T) (r, old *Rule[T]) {
	next := c.view()
	st := c.byMask[m.Mask]
	if st == nil {
		st = c.newSubtable(&m.Mask)
	}
	r = &Rule[T]{st: st, priority: priority, Value: value}
	r.vals = make([]uint64, len(st.words))
	mw := m.Flow.Words()
	for j, w := range st.words {
		r.vals[j] = mw[w.idx] & w.m
	}
	r.add.Store(uint64(next))
	r.remove.Store(uint64(MaxVersion))

	r.hash = st.hashVals(r.vals)

	c.join()
	s := st.table.Load().chain(r.hash, r.vals)
	if s != nil {
		for x := s.head.Load(); x != nil; x = x.dup.Load() {
			if x.priority == priority && x.VisibleIn(next) {
				old = x
				break
			}
		}
	}
	st.link(r, s)
	c.ops = append(c.ops, txnOp[T]{r: r})
	switch {
	case old == nil:
		c.count.Add(1)
	case Version(old.add.Load()) == next:
		// Staged in this transaction, so never visible: gone at once.
		old.add.Store(uint64(MaxVersion))
		c.unlink(old)
	default:
		old.remove.Store(uint64(next))
		c.ops = append(c.ops, txnOp[T]{r: old, remove: true})
	}
	return r, old
}

// StageRemove is Remove without the commit: r disappears for readers at the
// next Clock.Commit. It reports false if r was not in the classifier (in the
// writer's view, staged changes included).
func (c *Classifier[T]) StageRemove(r *Rule[T]) bool {
	next := c.view()
	if r == nil || r.st == nil || r.st.owner != c || !r.linked || !r.VisibleIn(next) {
		return false
	}
	c.join()
	c.count.Add(-1)
	if Version(r.add.Load()) == next {
		r.add.Store(uint64(MaxVersion))
		c.unlink(r)
		return true
	}
	r.remove.Store(uint64(next))
	c.ops = append(c.ops, txnOp[T]{r: r, remove: true})
	return true
}

// FindExact returns the rule with exactly match m and priority (OpenFlow's
// strict match), in the writer's view, or nil.
func (c *Classifier[T]) FindExact(m *Match, priority int32) *Rule[T] {
	st := c.byMask[m.Mask]
	if st == nil {
		return nil
	}
	next := c.view()
	vals := make([]uint64, len(st.words))
	st.extract(&m.Flow, vals)
	s := st.table.Load().chain(st.hashVals(vals), vals)
	if s == nil {
		return nil
	}
	for x := s.head.Load(); x != nil; x = x.dup.Load() {
		if x.priority == priority && x.VisibleIn(next) {
			return x
		}
	}
	return nil
}

// Rules yields every rule in the writer's view: subtables in creation
// order, rules within one in hash order. Changes made while iterating are
// safe; rules they add may or may not be yielded, rules they remove are not
// yielded after their removal.
func (c *Classifier[T]) Rules() iter.Seq[*Rule[T]] {
	return func(yield func(*Rule[T]) bool) {
		for _, st := range slices.Clone(c.subtables) {
			if !st.each(c, yield) {
				return
			}
		}
	}
}

// Loose yields the rules that match at least as specifically as m (every
// flow they match, m matches too): OpenFlow's non-strict flow-mod match.
// Order and the effect of changes as for Rules.
func (c *Classifier[T]) Loose(m *Match) iter.Seq[*Rule[T]] {
	mf, mm := m.Flow.Words(), m.Mask.Words()
	return func(yield func(*Rule[T]) bool) {
		for _, st := range slices.Clone(c.subtables) {
			sm := st.mask.Words()
			covered, equal := true, true
			for i := range mm {
				if mm[i]&^sm[i] != 0 {
					covered = false
					break
				}
				if mm[i] != sm[i] {
					equal = false
				}
			}
			if !covered {
				continue
			}
			if equal {
				// The flow-mod's mask is this subtable's: at most one chain.
				vals := make([]uint64, len(st.words))
				st.extract(&m.Flow, vals)
				s := st.table.Load().chain(st.hashVals(vals), vals)
				if s == nil {
					continue
				}
				for x := s.head.Load(); x != nil; x = x.dup.Load() {
					if x.linked && x.VisibleIn(c.view()) && !yield(x) {
						return
					}
				}
				continue
			}
			ok := st.each(c, func(r *Rule[T]) bool {
				for j, w := range st.words {
					if r.vals[j]&mm[w.idx] != mf[w.idx]&mm[w.idx]&w.m {
						return true
					}
				}
				return yield(r)
			})
			if !ok {
				return
			}
		}
	}
}

// each yields the rules of st in the writer's view; false if yield stopped.
func (st *subtable[T]) each(c *Classifier[T], yield func(*Rule[T]) bool) bool {
	t := st.table.Load()
	for i := range t.slots {
		for x := t.slots[i].head.Load(); x != nil; x = x.dup.Load() {
			if x.linked && x.VisibleIn(c.view()) && !yield(x) {
				return false
			}
		}
	}
	return true
}

func (c *Classifier[T]) join() {
	if !c.inTxn {
		c.inTxn = true
		c.txnCount = c.count.Load()
		c.clock.join(c)
	}
}

func (c *Classifier[T]) newSubtable(mask *flow.Flow) *subtable[T] {
	st := &subtable[T]{owner: c, mask: *mask, seq: c.seq, maxPrio: math.MinInt32}
	c.seq++
	st.words, st.ends, st.nStages = splitMask(mask)
	for s := 0; s < st.nStages-1; s++ {
		st.sets[s].Store(newHashSet(0))
	}
	st.table.Store(newRuleTable[T](0))
	c.byMask[*mask] = st
	c.subtables = append(c.subtables, st)
	c.listDirty = true
	return st
}

func (st *subtable[T]) extract(f *flow.Flow, vals []uint64) {
	fw := f.Words()
	for j, w := range st.words {
		vals[j] = fw[w.idx] & w.m
	}
}

func (st *subtable[T]) hashVals(vals []uint64) uint32 {
	h := uint64(hashSeed)
	for _, v := range vals {
		h = mix(h, v)
	}
	return finish(h)
}

// stageHashes calls fn with each stage's partial hash of vals.
func (st *subtable[T]) stageHashes(vals []uint64, fn func(s int, h uint32)) {
	h := uint64(hashSeed)
	i := 0
	for s := 0; s < st.nStages-1; s++ {
		for ; i < int(st.ends[s]); i++ {
			h = mix(h, vals[i])
		}
		fn(s, finish(h))
	}
}

// link makes r reachable from st's table (readers still skip it until its
// version comes); s is the chain of r's match, nil if there is none yet.
func (st *subtable[T]) link(r *Rule[T], s *slot[T]) {
	st.stageHashes(r.vals, func(s int, h uint32) {
		set := st.sets[s].Load()
		if n := set.add(h); n != set {
			st.sets[s].Store(n)
		}
	})
	t := st.table.Load()
	if s != nil {
		// Highest priority first, and after rules of equal priority; a
		// reader sees the chain before or after the new link, both fine.
		var prev *Rule[T]
		x := s.head.Load()
		for x != nil && x.priority >= r.priority {
			prev, x = x, x.dup.Load()
		}
		r.dup.Store(x)
		if prev == nil {
			s.head.Store(r)
		} else {
			prev.dup.Store(r)
		}
	} else if n := t.insertChain(r); n != t {
		st.table.Store(n)
	}
	r.linked = true
	st.nRules++
	switch {
	case r.priority > st.maxPrio:
		st.maxPrio, st.maxCount = r.priority, 1
		st.owner.listDirty = true
	case r.priority == st.maxPrio && st.maxCount > 0:
		st.maxCount++
	}
}

// unlink takes r out of its subtable's table. Readers that still stand on
// r follow its dup pointer on; it must already be invisible in every
// version a reader may be using.
func (c *Classifier[T]) unlink(r *Rule[T]) {
	st := r.st
	t := st.table.Load()
	s := t.chain(r.hash, r.vals)
	var prev *Rule[T]
	x := s.head.Load()
	for x != r {
		prev, x = x, x.dup.Load()
	}
	next := r.dup.Load()
	if prev != nil {
		prev.dup.Store(next)
	} else {
		s.head.Store(next)
		if next == nil {
			if n := t.emptied(); n != t {
				st.table.Store(n)
			}
		}
	}
	st.stageHashes(r.vals, func(s int, h uint32) {
		set := st.sets[s].Load()
		if n := set.remove(h); n != set {
			st.sets[s].Store(n)
		}
	})
	r.linked = false
	st.nRules--
	if st.nRules == 0 {
		delete(c.byMask, st.mask)
		c.subtables = slices.DeleteFunc(c.subtables, func(x *subtable[T]) bool { return x == st })
		st.maxPrio, st.maxCount = math.MinInt32, 0
		c.listDirty = true
	} else if r.priority == st.maxPrio && st.maxCount > 0 {
		st.maxCount--
		if st.maxCount == 0 {
			c.recounts = append(c.recounts, st)
		}
	}
}

// recount finds st's highest priority again after its last rule of that
// priority went.
func (st *subtable[T]) recount() {
	st.maxPrio, st.maxCount = math.MinInt32, 0
	t := st.table.Load()
	for i := range t.slots {
		// Chains are sorted: only their first rules can have the maximum.
		for x := t.slots[i].head.Load(); x != nil && x.priority >= st.maxPrio; x = x.dup.Load() {
			if x.priority > st.maxPrio {
				st.maxPrio, st.maxCount = x.priority, 0
			}
			st.maxCount++
		}
	}
}

// publish rebuilds the lookup order if anything changed it.
func (c *Classifier[T]) publish() {
	for _, st := range c.recounts {
		if st.nRules > 0 && st.maxCount == 0 {
			st.recount()
			if st.maxPrio != st.listed {
				c.listDirty = true
			}
		}
	}
	clear(c.recounts)
	c.recounts = c.recounts[:0]
	if !c.listDirty {
		return
	}
	c.listDirty = false
	// Start from the published order, which is nearly right: usually one
	// subtable moved or appeared, so an insertion sort is linear.
	old := *c.list.Load()
	list := make([]listEntry[T], 0, len(c.subtables))
	for _, e := range old {
		if e.st.nRules > 0 {
			list = append(list, listEntry[T]{maxPrio: e.st.maxPrio, st: e.st})
		}
	}
	for _, st := range c.subtables {
		if !st.inList {
			st.inList = true
			list = append(list, listEntry[T]{maxPrio: st.maxPrio, st: st})
		}
	}
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].before(&list[j-1]); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	for i := range list {
		list[i].st.listed = list[i].maxPrio
	}
	c.list.Store(&list)
}

// before orders the lookup list: higher priority first, then older.
func (e *listEntry[T]) before(o *listEntry[T]) bool {
	return e.maxPrio > o.maxPrio || e.maxPrio == o.maxPrio && e.st.seq < o.st.seq
}

func (c *Classifier[T]) prepareCommit() { c.publish() }

func (c *Classifier[T]) finishCommit(v Version) bool {
	for _, op := range c.ops {
		if op.remove && op.r.linked {
			c.pending = append(c.pending, op.r)
		}
	}
	c.endTxn()
	c.publish()
	return len(c.pending) != 0
}

func (c *Classifier[T]) sweep(min Version) bool {
	// Pending rules are in commit order, so removal versions only grow.
	n := 0
	for _, r := range c.pending {
		if Version(r.remove.Load()) > min {
			break
		}
		if r.linked {
			c.unlink(r)
		}
		n++
	}
	if n > 0 {
		c.pending = slices.Delete(c.pending, 0, n)
		c.publish()
	}
	return len(c.pending) != 0
}

func (c *Classifier[T]) abortTxn() {
	next := c.view()
	for i := len(c.ops) - 1; i >= 0; i-- {
		r := c.ops[i].r
		switch {
		case !r.linked:
		case c.ops[i].remove:
			if Version(r.remove.Load()) == next {
				r.remove.Store(uint64(MaxVersion))
			}
		default:
			r.add.Store(uint64(MaxVersion))
			c.unlink(r)
		}
	}
	c.count.Store(c.txnCount)
	c.endTxn()
	c.publish()
}

func (c *Classifier[T]) endTxn() {
	clear(c.ops)
	c.ops = c.ops[:0]
	c.inTxn = false
}
