// Package vclock is the process-wide clock of the daemons: the real clock
// until `ovs-appctl time/stop`, after which time stands still and moves only
// by `time/warp`, as OVS's own timeval module does for its test suite.
//
// Everything whose behaviour depends on elapsed time (MAC aging, flow idle
// and hard timeouts, the revalidator's schedule, datapath "used" times) must
// read Now or Monotonic and wait with NewTimer, NewTicker, After or Sleep
// from this package instead of the time package; otherwise a test that stops
// and warps the clock sees a mix of real and virtual time.
//
// Warps also apply while the clock runs (OVS allows that too): the clock is
// the real one plus the sum of all warps. Waiting is done by one goroutine
// that keeps the pending deadlines in a heap and sleeps, in real time, until
// the earliest one is due (never while the clock is stopped); a warp wakes
// it to fire whatever became due. Timers therefore cost nothing while idle
// and the package starts no goroutine until the first one is created.
package vclock

import (
	"container/heap"
	"sync"
	"time"
)

var (
	mu      sync.Mutex
	start   = time.Now()
	stopped bool
	frozen  time.Time     // the real time at Stop
	offset  time.Duration // sum of warps
	timers  timerHeap
	wake    = make(chan struct{}, 1)
	running bool // the timer goroutine exists
)

// Now returns the current time of the clock. It keeps Go's monotonic
// reading, so differences between two results are immune to wall-clock
// steps.
func Now() time.Time {
	mu.Lock()
	defer mu.Unlock()
	return nowLocked()
}

func nowLocked() time.Time {
	if stopped {
		return frozen.Add(offset)
	}
	return time.Now().Add(offset)
}

// Monotonic returns the milliseconds elapsed on the clock since the process
// started (OVS's time_msec, up to its base).
func Monotonic() int64 {
	return int64(Now().Sub(start) / time.Millisecond)
}

// Since returns the clock time elapsed since t.
func Since(t time.Time) time.Duration { return Now().Sub(t) }

// Stop freezes the clock (time/stop). Stopping a stopped clock does nothing.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if !stopped {
		frozen = time.Now()
		stopped = true
	}
	kick()
}

// Stopped reports whether the clock is frozen.
func Stopped() bool {
	mu.Lock()
	defer mu.Unlock()
	return stopped
}

// Warp moves the clock forward by d (negative values are ignored) and fires
// the timers that became due.
func Warp(d time.Duration) {
	if d <= 0 {
		return
	}
	mu.Lock()
	offset += d
	due := fireLocked()
	kick()
	mu.Unlock()
	deliver(due)
}

// WarpSteps advances the clock by total in steps of step (time/warp
// LARGE_MSECS MSECS), letting the receivers of the timers that fire at each
// step take their value before the next step, so that periodic work runs
// once per step as it would have in real time. It returns early only if
// step is not positive.
func WarpSteps(total, step time.Duration) {
	if step <= 0 {
		return
	}
	for total > 0 {
		d := min(step, total)
		mu.Lock()
		offset += d
		due := fireLocked()
		kick()
		mu.Unlock()
		deliver(due)
		settle(due)
		total -= d
	}
}

// settle waits (briefly, in real time) until the channels of the timers
// that just fired have been read, then yields once more so the receivers
// can act on them before time moves again.
func settle(due []*Timer) {
	deadline := time.Now().Add(100 * time.Millisecond)
	for _, t := range due {
		for len(t.c) > 0 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Microsecond)
		}
	}
	if len(due) > 0 {
		time.Sleep(time.Millisecond)
	}
}

// kick wakes the timer goroutine; mu is held.
func kick() {
	select {
	case wake <- struct{}{}:
	default:
	}
}

// A Timer delivers the clock time on C once its duration has passed on the
// clock (a Ticker's timer re-arms itself every period).
type Timer struct {
	C      <-chan time.Time
	c      chan time.Time
	when   time.Time
	period time.Duration
	index  int // in the heap, -1 when not pending
}

// Ticker delivers the clock time on C every period of clock time, dropping
// ticks a slow receiver misses, like time.Ticker.
type Ticker struct {
	C <-chan time.Time
	t *Timer
}

// NewTimer returns a timer that fires after d of clock time.
func NewTimer(d time.Duration) *Timer {
	c := make(chan time.Time, 1)
	t := &Timer{C: c, c: c, index: -1}
	mu.Lock()
	t.when = nowLocked().Add(d)
	addLocked(t)
	mu.Unlock()
	return t
}

// NewTicker returns a ticker with the given period, which must be positive.
func NewTicker(period time.Duration) *Ticker {
	if period <= 0 {
		panic("vclock: non-positive interval for NewTicker")
	}
	t := NewTimer(period)
	mu.Lock()
	t.period = period
	mu.Unlock()
	return &Ticker{C: t.C, t: t}
}

// Stop stops the ticker.
func (tk *Ticker) Stop() { tk.t.Stop() }

// Reset changes the ticker's period and restarts it.
func (tk *Ticker) Reset(period time.Duration) {
	if period <= 0 {
		panic("vclock: non-positive interval for Ticker.Reset")
	}
	mu.Lock()
	tk.t.period = period
	mu.Unlock()
	tk.t.Reset(period)
}

// After is NewTimer(d).C.
func After(d time.Duration) <-chan time.Time { return NewTimer(d).C }

// Sleep blocks until d of clock time has passed.
func Sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	<-After(d)
}

// Stop prevents the timer from firing; it reports whether it was pending.
func (t *Timer) Stop() bool {
	mu.Lock()
	defer mu.Unlock()
	if t.index < 0 {
		return false
	}
	heap.Remove(&timers, t.index)
	return true
}

// Reset makes the timer fire after d from now; it reports whether it was
// pending. As with time.Timer in Go 1.23+, a value not yet received from C
// is discarded.
func (t *Timer) Reset(d time.Duration) bool {
	mu.Lock()
	defer mu.Unlock()
	was := t.index >= 0
	if was {
		heap.Remove(&timers, t.index)
	}
	select {
	case <-t.c:
	default:
	}
	t.when = nowLocked().Add(d)
	addLocked(t)
	return was
}

func addLocked(t *Timer) {
	heap.Push(&timers, t)
	if !running {
		running = true
		go loop()
	}
	if t.index == 0 {
		kick()
	}
}

// fireLocked pops every due timer, re-arming tickers, and returns them; the
// values are sent by deliver without the lock.
func fireLocked() []*Timer {
	var due []*Timer
	now := nowLocked()
	for len(timers) > 0 && !timers[0].when.After(now) {
		t := timers[0]
		if t.period > 0 {
			// A ticker that fell far behind (a big warp) fires once and
			// resumes on its grid past now, as time.Ticker drops ticks.
			for !t.when.After(now) {
				t.when = t.when.Add(t.period)
			}
			heap.Fix(&timers, 0)
		} else {
			heap.Pop(&timers)
		}
		due = append(due, t)
	}
	return due
}

func deliver(due []*Timer) {
	if len(due) == 0 {
		return
	}
	now := Now()
	for _, t := range due {
		select {
		case t.c <- now:
		default:
		}
	}
}

// loop sleeps until the earliest deadline in real time while the clock
// runs, or until kicked.
func loop() {
	var rt *time.Timer
	for {
		mu.Lock()
		due := fireLocked()
		var wait time.Duration = -1
		if len(timers) > 0 && !stopped {
			wait = timers[0].when.Sub(nowLocked())
		}
		mu.Unlock()
		deliver(due)
		if wait < 0 {
			<-wake
			continue
		}
		if rt == nil {
			rt = time.NewTimer(wait)
		} else {
			rt.Reset(wait)
		}
		select {
		case <-rt.C:
		case <-wake:
			rt.Stop()
		}
	}
}

type timerHeap []*Timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when.Before(h[j].when) }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *timerHeap) Push(x any) {
	t := x.(*Timer)
	t.index = len(*h)
	*h = append(*h, t)
}
func (h *timerHeap) Pop() any {
	old := *h
	t := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	t.index = -1
	return t
}
