// Package gcpolicy is a daemon's memory policy: how much garbage Go's
// collector lets the heap carry, and when free memory goes back to the
// kernel. Go's collector, left at its defaults, fits the daemons badly at
// both ends of their lives:
//
//   - A small heap (a typical Open_vSwitch database is a few MiB) is
//     collected every few MiB of allocation at GOGC=100: under a stream of
//     small transactions the collector, and the scavenger returning and
//     re-faulting the same pages, took a third of ovsdb-server's CPU time.
//     So the heap may be given a fixed headroom (Config.Headroom) above
//     what is live, by raising GOGC while the live heap is small.
//   - A big heap (ovs-vswitchd with 100,000 OpenFlow rules) at GOGC=100
//     may grow to twice what is live, and all of it stays resident: OVS,
//     whose memory is malloc's, holds little more than its live data. So a
//     big heap may be given less than GOGC's 100% (Config.Percent).
//   - After a burst of work (a bridge full of ports being created, a table
//     of flows being loaded) the heap holds up to the goal in garbage, and
//     an idle process keeps it resident for minutes. So when the process
//     has gone quiet after allocating more than IdleTrimMin (or a quarter
//     of the live heap, whichever is larger) it collects and returns the
//     free memory to the kernel once (debug.FreeOSMemory). That costs one
//     collection per burst, never more than one per quarter-heap of
//     allocation, and nothing while the process is busy.
//
// GOGC or GOMEMLIMIT in the environment mean the operator has chosen: then
// GOGC is left alone (the idle trim still runs).
//
// The heap figures come from runtime.ReadMemStats, not runtime/metrics,
// although only the latter reports the live heap: every tool of the binary
// links this package, and runtime/metrics' initialisation alone cost each
// short-lived ovs-vsctl most of a millisecond of its start-up. The live
// heap is worked back from the heap goal instead (see heapLive);
// ReadMemStats stops the world for some microseconds, which at one call per
// collection and one per idle poll is noise beside the collections.
package gcpolicy

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config is a daemon's policy.
type Config struct {
	// Headroom is the least garbage the heap may carry above the live
	// heap: GOGC is raised above Percent while the live heap is so small
	// that Percent would give less. 0 raises nothing.
	Headroom int64
	// Percent is the GOGC for a heap big enough for the headroom not to
	// matter; 0 means 100, the runtime's default.
	Percent int64
	// IdleTrimMin is the least allocation since the last trim that makes
	// an idle process trim.
	IdleTrimMin uint64
}

const (
	// idlePeriod is how long the process must allocate almost nothing
	// before it counts as idle.
	idlePeriod = 250 * time.Millisecond
	// idleAlloc is the allocation per idlePeriod that still counts as
	// idle (timers, probes, a stray echo).
	idleAlloc = 256 << 10
	// runtimeFloor is the smallest heap goal at GOGC=100: the runtime
	// scales it with GOGC too.
	runtimeFloor = 4 << 20
)

// Policy is the policy in force. The zero of *Policy (nil) ignores
// activity, which is what a daemon run inside tests uses.
type Policy struct {
	cfg     Config
	kick    chan struct{}
	kicked  atomic.Bool
	percent atomic.Int64 // the GOGC last set, 0 if the policy does not set it
	// envPercent is GOGC from the environment when the policy does not
	// set it and nothing else moves the heap goal (no GOMEMLIMIT), 0 if
	// the goal cannot be read back into a live heap.
	envPercent int64
}

var (
	once    sync.Once
	started *Policy
)

// Start puts cfg in force for the process and returns the policy. Only the
// first call's cfg counts: a process has one collector.
func Start(cfg Config) *Policy {
	once.Do(func() {
		if cfg.Percent <= 0 {
			cfg.Percent = 100
		}
		p := &Policy{cfg: cfg, kick: make(chan struct{}, 1)}
		gogc, limit := os.Getenv("GOGC"), os.Getenv("GOMEMLIMIT")
		if gogc == "" && limit == "" {
			p.percent.Store(100)
			p.adjust()
			armGCHook(p)
		} else if n, err := strconv.ParseInt(gogc, 10, 64); err == nil && n > 0 && limit == "" {
			p.envPercent = n
		}
		go p.trimLoop()
		started = p
	})
	return started
}

// armGCHook makes p.adjust run after the next collection, and again after
// each one after that: the sentinel becomes garbage at once, so its
// cleanup runs once the collector has noticed.
func armGCHook(p *Policy) {
	runtime.AddCleanup(new([64]byte), func(p *Policy) {
		p.adjust()
		armGCHook(p)
	}, p)
}

// adjust sets GOGC for the live heap.
func (p *Policy) adjust() {
	old := p.percent.Load()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	pct := p.cfg.percentFor(int64(heapLive(&ms, old)))
	// Small moves are not worth telling the runtime about.
	if old == 0 || pct*10 > old*9 && pct*9 < old*10 {
		return
	}
	p.percent.Store(pct)
	debug.SetGCPercent(int(pct))
}

// percentFor returns the GOGC that gives a heap of live bytes a goal of
// live plus Percent, or plus Headroom if that is more.
func (c Config) percentFor(live int64) int64 {
	pct := max(c.Percent, 1)
	if c.Headroom == 0 || live*pct/100 >= c.Headroom {
		return pct
	}
	// The runtime's own floor scales with GOGC: past
	// Headroom/runtimeFloor it alone would exceed the headroom.
	return max(min(c.Headroom*100/max(live, 1), c.Headroom*100/runtimeFloor), pct)
}

// NoteActivity tells the policy that the process is doing work (ovsdb-server
// calls it for each commit, ovs-vswitchd for each change to its flow
// tables), so that it looks for the next idle moment. It costs an atomic
// load while a burst goes on.
func (p *Policy) NoteActivity() {
	if p == nil || p.kicked.Load() {
		return
	}
	if p.kicked.CompareAndSwap(false, true) {
		select {
		case p.kick <- struct{}{}:
		default:
		}
	}
}

func (p *Policy) trimLoop() {
	var ms runtime.MemStats
	read := func() *runtime.MemStats {
		runtime.ReadMemStats(&ms)
		return &ms
	}
	var trimmedAt uint64 // total allocation at the last trim
	for range p.kick {
		for {
			before := read().TotalAlloc
			time.Sleep(idlePeriod)
			if read().TotalAlloc-before < idleAlloc {
				break
			}
		}
		// Activity from now on starts a new burst.
		p.kicked.Store(false)
		read()
		gogc := p.percent.Load()
		if gogc == 0 {
			gogc = p.envPercent
		}
		if ms.TotalAlloc-trimmedAt >= max(p.cfg.IdleTrimMin, heapLive(&ms, gogc)/4) {
			debug.FreeOSMemory()
			trimmedAt = read().TotalAlloc
		}
	}
}

// heapLive estimates from ms the heap the last collection found live.
// The runtime sets the next collection's goal (NextGC) at the live heap
// plus gogc percent of it, plus gogc percent of the goroutine stacks and
// globals, which next to a heap big enough for the policy to care are
// small: so NextGC*100/(100+gogc) is the live heap, a little over. Where
// the runtime raised the goal to its floor (4 MiB at GOGC=100) or for its
// sweeper, the estimate is too high, but then the heap is small and
// percentFor gives the same answer for any live heap under the floor. The
// live heap is never more than what is allocated (HeapAlloc), which is
// also the answer when gogc is unknown (0): an upper bound, live plus the
// garbage not yet collected.
func heapLive(ms *runtime.MemStats, gogc int64) uint64 {
	if gogc <= 0 {
		return ms.HeapAlloc
	}
	return min(ms.NextGC*100/uint64(100+gogc), ms.HeapAlloc)
}
