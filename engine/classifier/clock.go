package classifier

import (
	"runtime"
	"slices"
	"sync/atomic"
	"time"
	"unsafe"
)

// Version numbers the states of a set of classifiers. A rule is visible in
// the versions [added, removed) of its life.
type Version uint64

// MaxVersion is the removal version of a rule that has not been removed.
const MaxVersion Version = ^Version(0)

// readSlots is how many read sections a Clock tracks at once; a reader
// past that many waits for one to end. Each slot has its own cache line, and
// readers start probing at a slot chosen by their stack address, so readers
// on different cores rarely touch the same line.
const (
	readSlotBits = 6
	readSlots    = 1 << readSlotBits
)

// readSlot holds 1 + the version of the read section using it, 0 if free.
type readSlot struct {
	v atomic.Uint64
	_ [56]byte
}

// participant is a classifier with staged changes or with removed rules
// still linked.
type participant interface {
	// prepareCommit publishes whatever readers of the next version need
	// to find the staged rules (new subtables, raised priorities).
	prepareCommit()
	// finishCommit records the rules the new version v removed, to be
	// unlinked by sweep; it reports whether there are any.
	finishCommit(v Version) bool
	// abortTxn undoes every staged change.
	abortTxn()
	// sweep unlinks the removed rules that no reader can see any more,
	// those removed in min or earlier; it reports whether some are left.
	sweep(min Version) bool
}

// Clock is the version counter shared by a set of classifiers (typically
// all the OpenFlow tables of one bridge), so that one Commit makes staged
// changes in all of them visible at once, and one read section sees all of
// them at the same version.
//
// Readers call Enter, look up at the section's Version as often as they
// like (one packet's whole trip through the pipeline, say), then Exit. A
// read section takes no lock: it is two loads, a compare-and-swap and a store
// on a slot that is mostly private to the reader's core. Writers are
// serialised by the caller; Commit, Abort, Sweep and Synchronize belong to
// the writer.
type Clock struct {
	cur      atomic.Uint64
	_        [56]byte
	slots    [readSlots]readSlot
	touched  []participant // writer-only: classifiers with staged changes
	sweepers []participant // writer-only: classifiers with removed rules still linked
}

// NewClock returns a clock at version 0.
func NewClock() *Clock { return new(Clock) }

// Current returns the version that new readers see.
func (k *Clock) Current() Version { return Version(k.cur.Load()) }

// ReadSection is a reader's hold on one version: rules visible in it stay
// reachable until Exit.
type ReadSection struct {
	v    Version
	slot *atomic.Uint64
}

// Enter starts a read section at the current version. It does not block
// unless more than 64 sections are open at once.
func (k *Clock) Enter() ReadSection {
	// The address of a local variable tells goroutines apart (each has its
	// own stack), which spreads concurrent readers over the slots without
	// any per-goroutine state.
	var marker byte
	p := uint64(uintptr(unsafe.Pointer(&marker)))
	i := (p >> 10) * 0x9e3779b97f4a7c15 >> (64 - readSlotBits)
	v := k.cur.Load()
	var slot *atomic.Uint64
	for tries := 0; ; tries++ {
		slot = &k.slots[i].v
		if slot.Load() == 0 && slot.CompareAndSwap(0, v+1) {
			break
		}
		i = (i + 1) % readSlots
		if tries%readSlots == readSlots-1 {
			runtime.Gosched()
		}
	}
	// Look again after publishing: a writer that published a newer version
	// before our slot store may have missed the slot, so move to the newer
	// version (sweeping relies on this).
	for {
		v2 := k.cur.Load()
		if v2 == v {
			return ReadSection{v: Version(v), slot: slot}
		}
		v = v2
		slot.Store(v + 1)
	}
}

// Version is the version the section reads.
func (s ReadSection) Version() Version { return s.v }

// Exit ends the section.
func (s ReadSection) Exit() { s.slot.Store(0) }

// oldest returns the oldest version an open read section reads, or
// MaxVersion if none is open.
func (k *Clock) oldest() Version {
	min := MaxVersion
	for i := range k.slots {
		if v := k.slots[i].v.Load(); v != 0 && Version(v-1) < min {
			min = Version(v - 1)
		}
	}
	return min
}

// join registers p in the open transaction.
func (k *Clock) join(p participant) { k.touched = append(k.touched, p) }

// next is the version that the open transaction will publish; writers see
// the classifiers as of this version (their own staged changes included).
func (k *Clock) next() Version { return Version(k.cur.Load()) + 1 }

// sweepSpin is how long Commit waits for the read sections of older
// versions to end so that it can unlink the rules it removed. Sections are
// short, so this is usually enough; when it is not (a reader was preempted),
// the rules stay linked, invisible, until a later Commit or Sweep.
const sweepSpin = 50 * time.Microsecond

// Commit publishes every change staged since the last Commit or Abort, in
// every classifier of this clock, as one new version.
func (k *Clock) Commit() {
	if len(k.touched) == 0 {
		return
	}
	for _, p := range k.touched {
		p.prepareCommit()
	}
	next := Version(k.cur.Load() + 1)
	k.cur.Store(uint64(next))
	for _, p := range k.touched {
		if p.finishCommit(next) && !slices.Contains(k.sweepers, p) {
			k.sweepers = append(k.sweepers, p)
		}
	}
	clear(k.touched)
	k.touched = k.touched[:0]
	if len(k.sweepers) != 0 {
		start := time.Now()
		for !k.Sweep() && time.Since(start) < sweepSpin {
		}
	}
}

// Abort undoes every change staged since the last Commit or Abort. Readers
// never saw them.
func (k *Clock) Abort() {
	for i := len(k.touched) - 1; i >= 0; i-- {
		k.touched[i].abortTxn()
	}
	clear(k.touched)
	k.touched = k.touched[:0]
}

// Sweep unlinks the removed rules that no open read section can see any
// more, without waiting, and reports whether none are left. Commit sweeps;
// a writer that may go idle after a commit whose sweep could not finish
// should call Sweep now and then (removed rules left linked cost memory and
// may rank their subtable too high, which narrows megaflows).
func (k *Clock) Sweep() bool {
	if len(k.sweepers) == 0 {
		return true
	}
	min := k.oldest()
	k.sweepers = slices.DeleteFunc(k.sweepers, func(p participant) bool { return !p.sweep(min) })
	return len(k.sweepers) == 0
}

// Synchronize waits until every removed rule is unlinked: until the read
// sections of the versions before the last commit have ended.
func (k *Clock) Synchronize() {
	for spin := 0; !k.Sweep(); spin++ {
		if spin < 100 {
			runtime.Gosched()
		} else {
			time.Sleep(50 * time.Microsecond)
		}
	}
}
