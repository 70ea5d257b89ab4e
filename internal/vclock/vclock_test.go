package vclock

import (
	"testing"
	"time"
)

// reset puts the clock back to real time between tests (the package state
// is process-wide by design).
func reset(t *testing.T) {
	t.Helper()
	mu.Lock()
	stopped, offset = false, 0
	for _, tm := range timers {
		tm.index = -1
	}
	timers = nil
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		stopped, offset = false, 0
		mu.Unlock()
	})
}

func TestRunningClockFollowsRealTime(t *testing.T) {
	reset(t)
	a := time.Now()
	n := Now()
	b := time.Now()
	if n.Before(a) || n.After(b) {
		t.Fatalf("Now %v not within [%v, %v]", n, a, b)
	}
	Warp(time.Hour)
	if d := Now().Sub(time.Now()); d < 59*time.Minute {
		t.Fatalf("warp while running moved the clock by %v", d)
	}
}

func TestStopAndWarp(t *testing.T) {
	reset(t)
	Stop()
	if !Stopped() {
		t.Fatal("not stopped")
	}
	t0, m0 := Now(), Monotonic()
	time.Sleep(5 * time.Millisecond)
	if !Now().Equal(t0) || Monotonic() != m0 {
		t.Fatal("stopped clock moved")
	}
	Warp(1500 * time.Millisecond)
	if got := Now().Sub(t0); got != 1500*time.Millisecond {
		t.Fatalf("warped by %v", got)
	}
	if got := Monotonic() - m0; got != 1500 {
		t.Fatalf("monotonic moved %d ms", got)
	}
	Warp(-time.Second)
	if got := Now().Sub(t0); got != 1500*time.Millisecond {
		t.Fatalf("negative warp moved the clock: %v", got)
	}
	Stop() // idempotent
	if got := Now().Sub(t0); got != 1500*time.Millisecond {
		t.Fatalf("second Stop moved the clock: %v", got)
	}
}

func TestTimerFiresOnlyOnWarpWhenStopped(t *testing.T) {
	reset(t)
	Stop()
	tm := NewTimer(time.Second)
	select {
	case <-tm.C:
		t.Fatal("timer fired on a stopped clock")
	case <-time.After(20 * time.Millisecond):
	}
	Warp(999 * time.Millisecond)
	select {
	case <-tm.C:
		t.Fatal("timer fired early")
	case <-time.After(10 * time.Millisecond):
	}
	Warp(time.Millisecond)
	select {
	case v := <-tm.C:
		if !v.Equal(Now()) {
			t.Fatalf("timer value %v, clock %v", v, Now())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("timer did not fire after the warp")
	}
	if tm.Stop() {
		t.Fatal("Stop of a fired timer reported pending")
	}
}

func TestTimerRunsInRealTime(t *testing.T) {
	reset(t)
	select {
	case <-After(10 * time.Millisecond):
	case <-time.After(5 * time.Second):
		t.Fatal("timer on the running clock did not fire")
	}
	Sleep(time.Millisecond)
}

func TestTimerStopReset(t *testing.T) {
	reset(t)
	Stop()
	tm := NewTimer(time.Second)
	if !tm.Stop() {
		t.Fatal("pending timer not reported pending")
	}
	Warp(2 * time.Second)
	select {
	case <-tm.C:
		t.Fatal("stopped timer fired")
	case <-time.After(10 * time.Millisecond):
	}
	if tm.Reset(time.Second) {
		t.Fatal("Reset of a stopped timer reported pending")
	}
	Warp(time.Second)
	select {
	case <-tm.C:
	case <-time.After(5 * time.Second):
		t.Fatal("reset timer did not fire")
	}
}

func TestTickerAndWarpSteps(t *testing.T) {
	reset(t)
	Stop()
	tk := NewTicker(time.Second)
	defer tk.Stop()
	got := make(chan int)
	go func() {
		n := 0
		for {
			select {
			case <-tk.C:
				n++
			case got <- n:
				return
			}
		}
	}()
	// Ten steps of one second: the ticker fires at every step.
	WarpSteps(10*time.Second, time.Second)
	time.Sleep(20 * time.Millisecond)
	if n := <-got; n != 10 {
		t.Fatalf("ticker fired %d times over 10 one-second steps", n)
	}
	// One big warp: a single tick, the rest dropped.
	for len(tk.C) > 0 {
		<-tk.C
	}
	Warp(time.Minute)
	select {
	case <-tk.C:
	case <-time.After(5 * time.Second):
		t.Fatal("ticker did not fire after a big warp")
	}
	select {
	case <-tk.C:
		t.Fatal("ticker fired twice for one warp")
	case <-time.After(10 * time.Millisecond):
	}
}

func TestWarpStepsBadStep(t *testing.T) {
	reset(t)
	Stop()
	t0 := Now()
	WarpSteps(time.Second, 0)
	if !Now().Equal(t0) {
		t.Fatal("zero step moved the clock")
	}
}
