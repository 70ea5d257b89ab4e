package vlog

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a console writer safe to read while loggers write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testTime is the instant the strftime oracle output was captured at
// (a Monday).
var testTime = time.Date(2026, 11, 23, 10, 39, 40, 861_000_000, time.UTC)

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// setup resets the package's global configuration to OVS's defaults,
// captures the console, fixes the clock, and restores everything when the
// test ends. Tests using it must not run in parallel.
func setup(t testing.TB) (*syncBuffer, *fakeClock) {
	t.Helper()
	reset := func() {
		Close()
		mu.Lock()
		logFilePath = ""
		seq = 0
		patterns = [nDest]*pattern{
			Console: compilePattern(defaultConsolePattern),
			Syslog:  compilePattern(defaultSyslogPattern),
			File:    compilePattern(defaultFilePattern),
		}
		facility = -1
		programName = "test-prog"
		subprogram = ""
		hostname = "testhost"
		pid = 4242
		setSyslogLocked(syslogNull, "")
		syslogMethodChosen = true
		if target != nil {
			target.Close()
			target = nil
		}
		console = nil
		mu.Unlock()
		cfgMu.Lock()
		defaultLevels = [nDest]Level{Info, Info, Info}
		for _, m := range sorted {
			for d := range nDest {
				m.levels[d].Store(int32(Info))
			}
			m.honorRateLimit.Store(true)
			m.updateMaxLocked()
		}
		cfgMu.Unlock()
		SetClock(nil)
	}
	reset()
	t.Cleanup(reset)
	buf := &syncBuffer{}
	SetConsoleWriter(buf)
	clk := &fakeClock{now: testTime}
	SetClock(clk.Now)
	mu.Lock()
	startTime = testTime.Add(-1500 * time.Millisecond)
	mu.Unlock()
	return buf, clk
}
