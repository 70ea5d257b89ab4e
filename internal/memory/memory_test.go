package memory

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

func withReporters(t *testing.T, fns ...func(map[string]uint64)) {
	t.Helper()
	mu.Lock()
	saved := reporters
	reporters = nil
	mu.Unlock()
	for _, fn := range fns {
		Report(fn)
	}
	t.Cleanup(func() {
		mu.Lock()
		reporters = saved
		mu.Unlock()
	})
}

type fakeRegistrar struct {
	fns map[string]func([]string) (string, error)
}

func (r *fakeRegistrar) Register(name, usage string, min, max int, fn func([]string) (string, error)) {
	if usage != "" || min != 0 || max != 0 {
		panic("memory/show takes no arguments")
	}
	r.fns[name] = fn
}

func TestShow(t *testing.T) {
	withReporters(t,
		func(u map[string]uint64) { u["monitors"] = 0; u["cells"] = 20 },
		func(u map[string]uint64) { u["n-weak-refs"] = 0; u["atoms"] = 14 },
	)
	r := &fakeRegistrar{fns: map[string]func([]string) (string, error){}}
	RegisterCommands(r)
	out, err := r.fns["memory/show"](nil)
	// Byte for byte what ovsdb-server 3.1 replies for a small database.
	if want := "atoms:14 cells:20 monitors:0 n-weak-refs:0\n"; out != want || err != nil {
		t.Errorf("got %q, %v; want %q", out, err, want)
	}
}

func TestShowSumsAndEmpty(t *testing.T) {
	withReporters(t)
	if got := Show(); got != "\n" {
		t.Errorf("no reporters: %q", got)
	}
	withReporters(t,
		func(u map[string]uint64) { u["conns"] = 2 },
		func(u map[string]uint64) { u["conns"] = 3; u["b"] = 1 },
	)
	if got := Show(); got != "b:1 conns:5\n" {
		t.Errorf("got %q", got)
	}
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunLogsGrowth(t *testing.T) {
	withReporters(t, func(u map[string]uint64) { u["cells"] = 20; u["atoms"] = 14 })
	buf := &lockedBuf{}
	vlog.SetConsoleWriter(buf)
	vlog.SetPattern(vlog.Console, "%c|%p|%m")
	t.Cleanup(func() {
		vlog.SetConsoleWriter(nil)
		vlog.SetPattern(vlog.Console, "%D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m")
	})
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rss := uint64(6852)
	mu.Lock()
	savedStart, savedFn := startTime, peakRSSFunc
	startTime, nextCheck, lastRSS = t0, time.Time{}, 0
	peakRSSFunc = func() uint64 { return rss }
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		startTime, peakRSSFunc, nextCheck, lastRSS = savedStart, savedFn, time.Time{}, 0
		mu.Unlock()
	})

	Run(t0.Add(5 * time.Second))
	if buf.String() != "" {
		t.Fatalf("reported before 10 s: %q", buf.String())
	}
	Run(t0.Add(10 * time.Second))
	want := "memory|INFO|6852 kB peak resident set size after 10.0 seconds\n" +
		"memory|INFO|atoms:14 cells:20\n"
	if got := buf.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	rss = 10000
	Run(t0.Add(20 * time.Second)) // +46%: not yet
	rss = 10278
	Run(t0.Add(20*time.Second + 500*time.Millisecond)) // within a second: not checked
	Run(t0.Add(310*time.Second + 200*time.Millisecond))
	want += "memory|INFO|peak resident set size grew 50% in last 300.2 seconds, from 6852 kB to 10278 kB\n" +
		"memory|INFO|atoms:14 cells:20\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
