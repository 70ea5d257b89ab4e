package stream

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

// logCapture routes vlog's console output into a buffer with a pattern
// that leaves out the volatile parts (time, serial number).
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) take() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.buf.String()
	l.buf.Reset()
	return s
}

func captureLogs(t *testing.T, spec string) *logCapture {
	t.Helper()
	c := &logCapture{}
	oldPattern := vlog.Pattern(vlog.Console)
	vlog.SetConsoleWriter(c)
	vlog.SetPattern(vlog.Console, "%c|%p|%m")
	if err := vlog.Set(spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		vlog.SetConsoleWriter(io.Discard)
		vlog.SetPattern(vlog.Console, oldPattern)
		vlog.Set("console:info")
	})
	return c
}

func lines(s ...string) string {
	if len(s) == 0 {
		return ""
	}
	return strings.Join(s, "\n") + "\n"
}

var t0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func expectRun(t *testing.T, r *Reconnect, now time.Time, want Action) {
	t.Helper()
	if got := r.Run(now); got != want {
		t.Fatalf("Run(%v) = %v, want %v (state %v)", now.Sub(t0), got, want, r.State())
	}
}

func expectTimeout(t *testing.T, r *Reconnect, now time.Time, want time.Duration) {
	t.Helper()
	got, ok := r.Timeout(now)
	if !ok || got != want {
		t.Fatalf("Timeout(%v) = %v, %v; want %v", now.Sub(t0), got, ok, want)
	}
}

// The sequence "ovs-vsctl --retry --db=unix:/nonexistent" logs with the
// real OVS: backoff 1, 2, 4, then 8 seconds with logging suppressed.
func TestReconnectBackoffLikeOVS(t *testing.T) {
	logs := captureLogs(t, "reconnect:console:dbg")
	const name = "unix:/tmp/nonexistent"
	r := NewReconnect(name, at(0))
	if r.State() != Void {
		t.Fatalf("initial state %v", r.State())
	}
	expectRun(t, r, at(0), None)
	if _, ok := r.Timeout(at(0)); ok {
		t.Fatal("VOID machine has a timeout")
	}
	r.Enable(at(0))
	expectRun(t, r, at(0), Connect)
	r.ConnectFailed(at(0), syscall.ENOENT)
	want := lines(
		"reconnect|DBG|"+name+": entering BACKOFF",
		"reconnect|INFO|"+name+": connecting...",
		"reconnect|DBG|"+name+": entering CONNECTING",
		"reconnect|INFO|"+name+": connection attempt failed (No such file or directory)",
		"reconnect|DBG|"+name+": entering BACKOFF",
	)
	if got := logs.take(); got != want {
		t.Fatalf("logs:\n%s\nwant:\n%s", got, want)
	}
	expectTimeout(t, r, at(0), time.Second)
	expectRun(t, r, at(0.999), None)
	expectRun(t, r, at(1), Connect)
	r.Connecting(at(1))
	r.ConnectFailed(at(1), syscall.ENOENT)
	want = lines(
		"reconnect|INFO|"+name+": connecting...",
		"reconnect|DBG|"+name+": entering CONNECTING",
		"reconnect|INFO|"+name+": connection attempt failed (No such file or directory)",
		"reconnect|INFO|"+name+": waiting 2 seconds before reconnect",
		"reconnect|DBG|"+name+": entering BACKOFF",
	)
	if got := logs.take(); got != want {
		t.Fatalf("logs:\n%s\nwant:\n%s", got, want)
	}
	expectTimeout(t, r, at(1), 2*time.Second)
	expectRun(t, r, at(3), Connect)
	r.ConnectFailed(at(3), syscall.ENOENT)
	if got := logs.take(); !strings.Contains(got, "waiting 4 seconds before reconnect") {
		t.Fatalf("logs:\n%s", got)
	}
	expectRun(t, r, at(7), Connect)
	r.ConnectFailed(at(7), syscall.ENOENT)
	want = lines(
		"reconnect|INFO|"+name+": connecting...",
		"reconnect|DBG|"+name+": entering CONNECTING",
		"reconnect|INFO|"+name+": connection attempt failed (No such file or directory)",
		"reconnect|INFO|"+name+": continuing to reconnect in the background but suppressing further logging",
		"reconnect|DBG|"+name+": entering BACKOFF",
	)
	if got := logs.take(); got != want {
		t.Fatalf("logs:\n%s\nwant:\n%s", got, want)
	}
	expectTimeout(t, r, at(7), 8*time.Second)
	expectRun(t, r, at(15), Connect)
	r.ConnectFailed(at(15), syscall.ENOENT)
	want = lines(
		"reconnect|DBG|"+name+": entering CONNECTING",
		"reconnect|DBG|"+name+": entering BACKOFF",
	)
	if got := logs.take(); got != want {
		t.Fatalf("suppressed logs:\n%s\nwant:\n%s", got, want)
	}
	expectTimeout(t, r, at(15), 8*time.Second)
	st := r.Stats(at(16))
	if st.AttemptedConnections != 5 || st.SuccessfulConnections != 0 || st.IsConnected ||
		st.SinceConnect != -1 || st.SinceDisconnect != -1 || st.State != Backoff || st.StateElapsed != time.Second {
		t.Fatalf("stats %+v", st)
	}
	if r.LastError() != syscall.ENOENT {
		t.Fatalf("last error %v", r.LastError())
	}

	// A successful connection that then carries traffic resets the
	// backoff to the minimum when it drops.
	expectRun(t, r, at(23), Connect)
	r.Connecting(at(23))
	r.Connected(at(23.5))
	if got := logs.take(); got != lines(
		"reconnect|DBG|"+name+": entering CONNECTING",
		"reconnect|INFO|"+name+": connected",
		"reconnect|DBG|"+name+": entering ACTIVE") {
		t.Fatalf("logs:\n%s", got)
	}
	r.Activity(at(40))
	r.Disconnected(at(41), io.EOF)
	if got := logs.take(); got != lines(
		"reconnect|INFO|"+name+": connection closed by peer",
		"reconnect|DBG|"+name+": entering BACKOFF") {
		t.Fatalf("logs:\n%s", got)
	}
	if r.Backoff() != time.Second {
		t.Fatalf("backoff after a good connection: %v", r.Backoff())
	}
	st = r.Stats(at(42))
	if st.SinceConnect != 18500*time.Millisecond || st.SinceDisconnect != time.Second ||
		st.TotalConnected != 17500*time.Millisecond || st.SuccessfulConnections != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestReconnectProbes(t *testing.T) {
	logs := captureLogs(t, "reconnect:console:dbg")
	const name = "tcp:127.0.0.1:6640"
	r := NewReconnect(name, at(0))
	r.Enable(at(0))
	expectRun(t, r, at(0), Connect)
	r.Connecting(at(0))
	expectTimeout(t, r, at(0), time.Second) // connect timeout: max(1s, backoff)
	r.Connected(at(0.5))
	logs.take()
	seq := r.Seqno()
	expectTimeout(t, r, at(0.5), 5*time.Second)
	r.Activity(at(2))
	expectTimeout(t, r, at(2), 5*time.Second)
	expectRun(t, r, at(6.9), None)
	expectRun(t, r, at(7.01), Probe)
	if r.State() != Idle || !r.IsConnected() {
		t.Fatalf("state %v after probe", r.State())
	}
	if got := logs.take(); got != lines(
		"reconnect|DBG|"+name+": idle 5010 ms, sending inactivity probe",
		"reconnect|DBG|"+name+": entering IDLE") {
		t.Fatalf("logs:\n%s", got)
	}
	// An answer brings it back to ACTIVE with a fresh interval.
	r.Activity(at(8))
	if r.State() != Active {
		t.Fatalf("state %v after activity", r.State())
	}
	expectTimeout(t, r, at(8), 5*time.Second)
	expectRun(t, r, at(13), Probe)
	expectRun(t, r, at(17.9), None)
	expectRun(t, r, at(18), Disconnect)
	r.Disconnected(at(18), nil)
	if got := logs.take(); got != lines(
		"reconnect|DBG|"+name+": entering ACTIVE",
		"reconnect|DBG|"+name+": idle 5000 ms, sending inactivity probe",
		"reconnect|DBG|"+name+": entering IDLE",
		"reconnect|ERR|"+name+": no response to inactivity probe after 5 seconds, disconnecting",
		"reconnect|INFO|"+name+": connection dropped",
		"reconnect|DBG|"+name+": entering BACKOFF") {
		t.Fatalf("logs:\n%s", got)
	}
	if r.Seqno() == seq {
		t.Fatal("seqno did not change on disconnect")
	}
	// Traffic lasted longer than the (zero) backoff: start over at 1s.
	expectTimeout(t, r, at(18), time.Second)

	// Probing disabled: an idle connection has no deadline.
	r.SetProbeInterval(0)
	expectRun(t, r, at(19), Connect)
	r.Connected(at(19))
	if _, ok := r.Timeout(at(19)); ok {
		t.Fatal("timeout with probes disabled")
	}
	expectRun(t, r, at(1000), None)
	r.SetProbeInterval(10 * time.Millisecond)
	if r.ProbeInterval() != time.Second {
		t.Fatalf("probe interval %v, want raised to 1s", r.ProbeInterval())
	}
}

func TestReconnectQuietAndErrors(t *testing.T) {
	logs := captureLogs(t, "reconnect:console:info")
	r := NewReconnect("unix#3", at(0))
	r.SetQuiet(true)
	r.Enable(at(0))
	r.Connected(at(0))
	r.Disconnected(at(1), syscall.ECONNRESET)
	// Dropped with an error is a warning even for a quiet machine.
	if got := logs.take(); got != lines("reconnect|WARN|unix#3: connection dropped (Connection reset by peer)") {
		t.Fatalf("logs:\n%s", got)
	}
	// A connect timeout.
	expectRun(t, r, at(2), Connect)
	r.SetQuiet(false)
	r.Connecting(at(2))
	expectRun(t, r, at(2.5), None)
	expectRun(t, r, at(3), Disconnect)
	r.ConnectFailed(at(3), nil)
	if got := logs.take(); got != lines(
		"reconnect|INFO|unix#3: connecting...",
		"reconnect|INFO|unix#3: connection attempt timed out",
		"reconnect|INFO|unix#3: waiting 2 seconds before reconnect") {
		t.Fatalf("logs:\n%s", got)
	}
}

func TestReconnectMaxTriesAndForce(t *testing.T) {
	captureLogs(t, "reconnect:console:off")
	r := NewReconnect("x", at(0))
	r.SetMaxTries(1)
	r.Enable(at(0)) // uses the only try
	r.ConnectFailed(at(0), syscall.ECONNREFUSED)
	if r.State() != Void {
		t.Fatalf("state %v with tries exhausted", r.State())
	}
	if r.IsEnabled() {
		t.Fatal("enabled with tries exhausted")
	}
	r.Enable(at(1))
	if r.State() != Void {
		t.Fatal("Enable with no tries left must do nothing")
	}

	r = NewReconnect("y", at(0))
	r.Enable(at(0))
	r.Connected(at(0))
	r.ForceReconnect(at(1))
	if r.State() != Reconnecting {
		t.Fatalf("state %v", r.State())
	}
	expectRun(t, r, at(1), Disconnect)
	r.Disconnected(at(1), nil)
	if r.State() != Backoff {
		t.Fatalf("state %v", r.State())
	}
	r.Disable(at(2))
	expectRun(t, r, at(100), None)

	// Backoff-free tries: several remotes tried back to back.
	r = NewReconnect("z", at(0))
	r.SetBackoffFreeTries(3)
	r.Enable(at(0))
	for i := 0; i < 2; i++ {
		expectRun(t, r, at(0), Connect)
		r.ConnectFailed(at(0), syscall.ECONNREFUSED)
		expectTimeout(t, r, at(0), 0)
	}
	expectRun(t, r, at(0), Connect)
	r.ConnectFailed(at(0), syscall.ECONNREFUSED)
	expectTimeout(t, r, at(0), time.Second)

	r.SetBackoff(2*time.Second, time.Second)
	if r.MinBackoff() != 2*time.Second || r.MaxBackoff() != 2*time.Second {
		t.Fatalf("backoff %v..%v", r.MinBackoff(), r.MaxBackoff())
	}
}

func TestReconnectPassive(t *testing.T) {
	logs := captureLogs(t, "reconnect:console:info")
	r := NewReconnect("ptcp:6640", at(0))
	r.SetPassive(true, at(0))
	r.Enable(at(0))
	expectRun(t, r, at(0), Connect)
	r.Listening(at(0))
	if r.State() != Listening {
		t.Fatalf("state %v", r.State())
	}
	expectRun(t, r, at(100), None)
	r.ListenError(at(100), syscall.EADDRINUSE)
	if got := logs.take(); got != lines(
		"reconnect|INFO|ptcp:6640: listening...",
		"reconnect|WARN|ptcp:6640: error listening for connections (Address already in use)") {
		t.Fatalf("logs:\n%s", got)
	}
	if r.State() != Backoff || r.Backoff() != time.Second {
		t.Fatalf("state %v backoff %v", r.State(), r.Backoff())
	}
}

func TestStateNames(t *testing.T) {
	want := map[State]string{Void: "VOID", Backoff: "BACKOFF", Connecting: "CONNECTING",
		Active: "ACTIVE", Idle: "IDLE", Reconnecting: "RECONNECT", Listening: "LISTENING"}
	for s, n := range want {
		if s.String() != n {
			t.Errorf("%d.String() = %q, want %q", s, s.String(), n)
		}
	}
}
