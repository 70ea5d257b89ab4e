package userspace

import (
	"sync/atomic"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
)

// dpFlow is an installed megaflow with its counters. The counters are
// written only by the goroutine of the port the flow belongs to and read by
// dumps, so they are atomics without contention.
type dpFlow struct {
	dpif.Flow
	dead     atomic.Bool
	packets  atomic.Uint64
	bytes    atomic.Uint64
	used     atomic.Int64
	tcpFlags atomic.Uint32

	st *subtable // owner subtable; changed only under Datapath.mu
}

func (f *dpFlow) stats() dpif.FlowStats {
	return dpif.FlowStats{
		Packets:  f.packets.Load(),
		Bytes:    f.bytes.Load(),
		Used:     f.used.Load(),
		TCPFlags: uint16(f.tcpFlags.Load()),
	}
}

// node is one entry of a subtable bucket chain. Nodes are immutable except
// next, which a writer changes to unlink the following node; a reader that
// already stands on an unlinked node still finds the rest of the chain
// through it, and the garbage collector frees it once no reader does. This
// is RCU with the GC as the grace period.
type node struct {
	f    *dpFlow
	hash uint32
	next atomic.Pointer[node]
}

type buckets struct {
	b    []atomic.Pointer[node]
	mask uint32
}

// subtable holds the flows that share one mask.
type subtable struct {
	mask  flow.Key
	words []uint8 // non-zero words of mask
	tab   atomic.Pointer[buckets]
	n     int    // flows in the table; under Datapath.mu
	hits  uint64 // lookups that hit here since the last ranking; owner goroutine only
}

func newSubtable(mask *flow.Key) *subtable {
	st := &subtable{mask: *mask, words: mask.MaskWords()}
	st.tab.Store(&buckets{b: make([]atomic.Pointer[node], 16), mask: 15})
	return st
}

// lookup finds the live flow matching key (lock-free; any goroutine).
func (st *subtable) lookup(key *flow.Key) *dpFlow {
	h := key.HashMasked(&st.mask, st.words)
	t := st.tab.Load()
	kw, mw := key.Words(), st.mask.Words()
outer:
	for n := t.b[h&t.mask].Load(); n != nil; n = n.next.Load() {
		if n.hash != h {
			continue
		}
		fw := n.f.Key.Words()
		for _, i := range st.words {
			if kw[i]&mw[i] != fw[i] {
				continue outer
			}
		}
		if !n.f.dead.Load() {
			return n.f
		}
	}
	return nil
}

// find returns the flow with exactly this masked key, dead or alive (writers
// only).
func (st *subtable) find(masked *flow.Key) *node {
	h := masked.HashMasked(&st.mask, st.words)
	t := st.tab.Load()
	for n := t.b[h&t.mask].Load(); n != nil; n = n.next.Load() {
		if n.hash == h && n.f.Key == *masked {
			return n
		}
	}
	return nil
}

// insert links f in (writers only, under Datapath.mu).
func (st *subtable) insert(f *dpFlow) {
	t := st.tab.Load()
	if st.n >= len(t.b)*2 {
		t = st.grow(t)
	}
	n := &node{f: f, hash: f.Key.HashMasked(&st.mask, st.words)}
	head := &t.b[n.hash&t.mask]
	n.next.Store(head.Load())
	head.Store(n)
	st.n++
	f.st = st
}

// grow publishes a table twice as large built from fresh nodes, so readers
// still walking the old chains are not disturbed.
func (st *subtable) grow(old *buckets) *buckets {
	t := &buckets{b: make([]atomic.Pointer[node], len(old.b)*2), mask: uint32(len(old.b)*2 - 1)}
	for i := range old.b {
		for n := old.b[i].Load(); n != nil; n = n.next.Load() {
			c := &node{f: n.f, hash: n.hash}
			head := &t.b[c.hash&t.mask]
			c.next.Store(head.Load())
			head.Store(c)
		}
	}
	st.tab.Store(t)
	return t
}

// remove unlinks f (writers only, under Datapath.mu).
func (st *subtable) remove(f *dpFlow) bool {
	t := st.tab.Load()
	h := f.Key.HashMasked(&st.mask, st.words)
	prev := &t.b[h&t.mask]
	for n := prev.Load(); n != nil; n = n.next.Load() {
		if n.f == f {
			prev.Store(n.next.Load())
			st.n--
			return true
		}
		prev = &n.next
	}
	return false
}

// each calls fn for every flow in the table (writers only).
func (st *subtable) each(fn func(f *dpFlow)) {
	t := st.tab.Load()
	for i := range t.b {
		for n := t.b[i].Load(); n != nil; n = n.next.Load() {
			fn(n.f)
		}
	}
}

// classifier is the megaflow table of one input port: the subtables in the
// order the port's goroutine searches them. The slice is replaced, never
// changed in place.
type classifier struct {
	subtables atomic.Pointer[[]*subtable]
}

func newClassifier() *classifier {
	c := &classifier{}
	c.subtables.Store(&[]*subtable{})
	return c
}

// lookup searches the subtables in rank order; it returns the flow and how
// many subtables it searched.
func (c *classifier) lookup(key *flow.Key) (*dpFlow, int) {
	sts := *c.subtables.Load()
	for i, st := range sts {
		if f := st.lookup(key); f != nil {
			st.hits++
			return f, i + 1
		}
	}
	return nil, len(sts)
}

// subtableFor returns the subtable for mask, creating it (writers only).
func (c *classifier) subtableFor(mask *flow.Key) *subtable {
	sts := *c.subtables.Load()
	for _, st := range sts {
		if st.mask == *mask {
			return st
		}
	}
	st := newSubtable(mask)
	n := make([]*subtable, len(sts)+1)
	copy(n, sts)
	n[len(sts)] = st
	c.subtables.Store(&n)
	return st
}

// dropSubtable removes an empty subtable (writers only).
func (c *classifier) dropSubtable(st *subtable) {
	sts := *c.subtables.Load()
	n := make([]*subtable, 0, len(sts))
	for _, s := range sts {
		if s != st {
			n = append(n, s)
		}
	}
	c.subtables.Store(&n)
}

// rank reorders the subtables by hits since the last ranking, most hit
// first (owner goroutine, holding Datapath.mu).
func (c *classifier) rank() {
	sts := *c.subtables.Load()
	if len(sts) < 2 {
		for _, st := range sts {
			st.hits = 0
		}
		return
	}
	n := make([]*subtable, len(sts))
	copy(n, sts)
	// Insertion sort: few subtables, and stable so ties keep their order.
	for i := 1; i < len(n); i++ {
		for j := i; j > 0 && n[j].hits > n[j-1].hits; j-- {
			n[j], n[j-1] = n[j-1], n[j]
		}
	}
	for _, st := range n {
		st.hits = 0
	}
	c.subtables.Store(&n)
}
