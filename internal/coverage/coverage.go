// Package coverage implements OVS's coverage counters: cheap, always-on event
// counts that `ovs-appctl coverage/show` reports with their average rates over
// the last 5 seconds, minute and hour.
//
// Design: a counter is one atomic increment on the hot path (no per-thread
// shards: Go has no cheap thread-local storage, and contended counters are
// rare enough that a shared cache line is the better trade than a sharded
// sum on every read). The rate history is advanced by Tick, which daemons
// call from their main loop about once a second; there is no background
// goroutine or ticker, so idle processes and tests stay deterministic. Every 5
// seconds Tick records how much each counter grew into a ring of twelve
// 5-second slots (the last minute) and adds it to a ring of sixty
// one-minute slots (the last hour), the same windows OVS reports.
package coverage

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

const (
	interval   = 5 * time.Second
	minSlots   = 12 // 12 × 5 s = one minute
	hourSlots  = 60 // 60 × 1 min = one hour
	maxCatchUp = minSlots * hourSlots
)

// Counter counts occurrences of one event.
type Counter struct {
	name  string
	total atomic.Uint64

	// Rate history, guarded by mu and written only by Tick.
	lastTotal uint64
	min       [minSlots]uint64
	hour      [hourSlots]uint64
}

var (
	mu       sync.Mutex
	counters []*Counter
	byName   = map[string]*Counter{}

	// Tick state, guarded by mu.
	nextRun  time.Time
	minIdx   int // next slot of Counter.min to write
	hourIdx  int // slot of Counter.hour accumulating the current minute
	nMinRuns int // 5-second runs recorded into the current minute
)

// New registers a counter. Counters are meant to be package-level variables;
// registering a name twice returns the first counter, so that two packages
// counting the same event share it. coverage/show lists counters in
// registration order, as OVS does.
func New(name string) *Counter {
	mu.Lock()
	defer mu.Unlock()
	if c, ok := byName[name]; ok {
		return c
	}
	c := &Counter{name: name}
	counters = append(counters, c)
	byName[name] = c
	return c
}

// Name returns the counter's name.
func (c *Counter) Name() string { return c.name }

// Inc counts one event.
func (c *Counter) Inc() { c.total.Add(1) }

// Add counts n events.
func (c *Counter) Add(n uint64) { c.total.Add(n) }

// Total returns the number of events counted so far.
func (c *Counter) Total() uint64 { return c.total.Load() }

// Tick advances the rate history to now. Call it regularly (every second or
// so); it does work only once per 5-second interval. Intervals that passed
// without a Tick are recorded as idle, after the growth since the previous
// Tick is put into the first of them.
func Tick(now time.Time) {
	mu.Lock()
	defer mu.Unlock()
	if nextRun.IsZero() {
		nextRun = now.Add(interval)
		return
	}
	if now.Before(nextRun) {
		return
	}
	n := int(now.Sub(nextRun)/interval) + 1
	if n > maxCatchUp {
		n = maxCatchUp
	}
	nextRun = nextRun.Add(time.Duration(n) * interval)
	if nextRun.Before(now) || n == maxCatchUp {
		nextRun = now.Add(interval)
	}
	for i := 0; i < n; i++ {
		for _, c := range counters {
			var delta uint64
			if i == 0 {
				t := c.total.Load()
				delta = t - c.lastTotal
				c.lastTotal = t
			}
			c.min[minIdx] = delta
			c.hour[hourIdx] += delta
		}
		minIdx = (minIdx + 1) % minSlots
		nMinRuns++
		if nMinRuns == minSlots {
			nMinRuns = 0
			hourIdx = (hourIdx + 1) % hourSlots
			for _, c := range counters {
				c.hour[hourIdx] = 0
			}
		}
	}
}

// Show renders the coverage/show report.
func Show() string {
	mu.Lock()
	defer mu.Unlock()
	totals := make([]uint64, len(counters))
	for i, c := range counters {
		totals[i] = c.total.Load()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=%08x:\n",
		hashHit(totals))
	last := (minIdx + minSlots - 1) % minSlots
	neverHit := 0
	for i, c := range counters {
		if totals[i] == 0 {
			neverHit++
			continue
		}
		var minSum, hourSum uint64
		for _, v := range c.min {
			minSum += v
		}
		for _, v := range c.hour {
			hourSum += v
		}
		fmt.Fprintf(&b, "%-24s %5.1f/sec %9.3f/sec %13.4f/sec   total: %d\n", c.name,
			float64(c.min[last])/5.0, float64(minSum)/60.0, float64(hourSum)/3600.0, totals[i])
	}
	fmt.Fprintf(&b, "%d events never hit\n", neverHit)
	return b.String()
}

// hashHit fingerprints which counters were hit and how they rank, so that
// two coverage reports can be compared at a glance. It follows OVS's scheme:
// counters sorted by total (descending, ties by name), grouped by equal
// totals; each group's starting rank and its names are mixed into a murmur3
// style hash, and the number of groups finishes it. mu must be held.
func hashHit(totals []uint64) uint32 {
	idx := make([]int, len(counters))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool {
		ta, tb := totals[idx[a]], totals[idx[b]]
		if ta != tb {
			return ta > tb
		}
		return counters[idx[a]].name < counters[idx[b]].name
	})
	var h uint32
	groups := 0
	for i := 0; i < len(idx); {
		t := totals[idx[i]]
		if t == 0 {
			break
		}
		groups++
		h = hashInt(uint32(i), h)
		j := i
		for ; j < len(idx) && totals[idx[j]] == t; j++ {
			h = hashString(counters[idx[j]].name, h)
		}
		i = j
	}
	return hashInt(uint32(groups), h)
}

// ReadCounter returns the total of the named counter.
func ReadCounter(name string) (uint64, bool) {
	mu.Lock()
	c, ok := byName[name]
	mu.Unlock()
	if !ok {
		return 0, false
	}
	return c.Total(), true
}

// RegisterCommands registers coverage/show and coverage/read-counter.
func RegisterCommands(r vlog.CommandRegistrar) {
	r.Register("coverage/show", "", 0, 0, func([]string) (string, error) {
		return Show(), nil
	})
	r.Register("coverage/read-counter", "COUNTER", 1, 1, func(args []string) (string, error) {
		v, ok := ReadCounter(args[0])
		if !ok {
			return "", errors.New("No such counter")
		}
		return strconv.FormatUint(v, 10) + "\n", nil
	})
}
