package ovsdbserver

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// The server's memory policy. Go's collector, left at its defaults, fits
// ovsdb-server badly at both ends of its life:
//
//   - A typical Open_vSwitch database is a few MiB, and GOGC=100 then
//     collects every few MiB of allocation: under a stream of small
//     transactions the collector (and the scavenger returning and
//     re-faulting the same pages) took a third of the server's CPU time.
//     So the heap is given a fixed headroom of gcHeadroom bytes above what
//     is live, or GOGC's 100% when that is more: GOGC is raised to
//     gcHeadroom/live while the database is small, and a big database gets
//     the default.
//   - After a burst of writes (a bridge full of ports being created) the
//     heap holds up to the headroom in garbage, and an idle process keeps
//     it resident for minutes. OVS, whose memory is malloc's, gives most
//     of it back at once. So when the server has gone quiet after
//     allocating more than idleTrimMin (or a quarter of the live heap,
//     whichever is larger) it collects and returns the free memory to the
//     kernel once (debug.FreeOSMemory). That costs one collection per
//     burst, never more than one per quarter-heap of allocation, and
//     nothing while the server is busy.
//
// GOGC or GOMEMLIMIT in the environment mean the operator has chosen:
// then the headroom is left alone (the idle trim still runs).
const (
	gcHeadroom  = 32 << 20
	idleTrimMin = 8 << 20
	// idlePeriod is how long the process must allocate almost nothing
	// before it counts as idle.
	idlePeriod = 250 * time.Millisecond
	// idleAlloc is the allocation per idlePeriod that still counts as
	// idle (timers, probes, a stray echo).
	idleAlloc = 256 << 10
)

type memPolicy struct {
	kick    chan struct{}
	kicked  atomic.Bool
	percent atomic.Int64 // the GOGC last set, 0 if the policy does not set it
}

var (
	memPolicyOnce sync.Once
	theMemPolicy  *memPolicy
)

// maxProcs is the most threads the server runs Go code on at once.
//
// ovsdb-server shares its host with its clients (ovs-vswitchd, ovs-vsctl,
// controllers' agents), and its work is serial where it matters: one
// writer per database, each commit's updates fanned out in order. Each
// message costs microseconds, so a second thread buys little parallelism
// and costs a cross-thread wakeup (a futex, a context switch) for nearly
// every message handed between goroutines. Measured on 2 CPUs against
// bench/ovsdb.sh's loads, one thread beat two by ~40% in transaction
// throughput and ~8% in monitor fan-out latency. So the server uses half
// the CPUs, at least one and at most maxProcs; GOMAXPROCS in the
// environment overrides it.
const maxProcs = 4

func setProcs() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	runtime.GOMAXPROCS(min(max(runtime.NumCPU()/2, 1), maxProcs))
}

// startMemPolicy puts the policy in force for the process (once), and the
// thread count (setProcs) with it.
func startMemPolicy() *memPolicy {
	memPolicyOnce.Do(func() {
		setProcs()
		p := &memPolicy{kick: make(chan struct{}, 1)}
		if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
			p.percent.Store(100)
			p.adjust()
			armGCHook(p)
		}
		go p.trimLoop()
		theMemPolicy = p
	})
	return theMemPolicy
}

// armGCHook makes p.adjust run after the next collection, and again after
// each one after that: the sentinel becomes garbage at once, so its
// cleanup runs once the collector has noticed.
func armGCHook(p *memPolicy) {
	runtime.AddCleanup(new([64]byte), func(p *memPolicy) {
		p.adjust()
		armGCHook(p)
	}, p)
}

// adjust sets GOGC so that the next heap goal is the live heap plus at
// least gcHeadroom.
func (p *memPolicy) adjust() {
	pct := gcPercentFor(int64(readMetric("/gc/heap/live:bytes")))
	old := p.percent.Load()
	// Small moves are not worth telling the runtime about.
	if old == 0 || pct*10 > old*9 && pct*9 < old*10 {
		return
	}
	p.percent.Store(pct)
	debug.SetGCPercent(int(pct))
}

// gcPercentFor returns the GOGC that gives a heap of live bytes a goal of
// at least live+gcHeadroom.
func gcPercentFor(live int64) int64 {
	if live >= gcHeadroom {
		return 100
	}
	// The runtime's own floor (4 MiB at GOGC=100) scales with GOGC too:
	// past gcHeadroom/4MiB it alone would exceed the headroom.
	return min(gcHeadroom*100/max(live, 1), gcHeadroom*100/(4<<20))
}

// noteActivity tells the policy that the server is doing work (it is
// called for each commit), so that it looks for the next idle moment.
func (p *memPolicy) noteActivity() {
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

func (p *memPolicy) trimLoop() {
	var trimmedAt uint64 // total allocation at the last trim
	for range p.kick {
		for {
			before := readMetric("/gc/heap/allocs:bytes")
			time.Sleep(idlePeriod)
			if readMetric("/gc/heap/allocs:bytes")-before < idleAlloc {
				break
			}
		}
		// Commits from now on start a new burst.
		p.kicked.Store(false)
		total := readMetric("/gc/heap/allocs:bytes")
		live := readMetric("/gc/heap/live:bytes")
		if total-trimmedAt >= max(idleTrimMin, live/4) {
			debug.FreeOSMemory()
			trimmedAt = readMetric("/gc/heap/allocs:bytes")
		}
	}
}

func readMetric(name string) uint64 {
	s := [1]metrics.Sample{{Name: name}}
	metrics.Read(s[:])
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
