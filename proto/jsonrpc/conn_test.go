package jsonrpc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func captureLogs(t *testing.T, specs ...string) *logCapture {
	t.Helper()
	c := &logCapture{}
	old := vlog.Pattern(vlog.Console)
	vlog.SetConsoleWriter(c)
	vlog.SetPattern(vlog.Console, "%c|%p|%m")
	for _, s := range specs {
		if err := vlog.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	// Rate limits would make the output depend on earlier tests.
	vlogCommands["vlog/disable-rate-limit"](nil)
	t.Cleanup(func() {
		vlog.SetConsoleWriter(io.Discard)
		vlog.SetPattern(vlog.Console, old)
		vlog.Set("console:info")
		vlogCommands["vlog/enable-rate-limit"](nil)
	})
	return c
}

// vlogCommands holds vlog's ovs-appctl commands, which is how a test gets
// at settings (like rate limiting) that vlog exposes only that way.
var vlogCommands = func() map[string]func([]string) (string, error) {
	r := registrar{}
	vlog.RegisterCommands(r)
	return r
}()

type registrar map[string]func([]string) (string, error)

func (r registrar) Register(name, _ string, _, _ int, fn func([]string) (string, error)) {
	r[name] = fn
}

// pipe returns two Conns joined by a unix socket pair, which buffers like
// a real socket (net.Pipe does not).
func pipe(t *testing.T) (*Conn, *Conn) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	conns := make([]*Conn, 2)
	for i, fd := range fds {
		f := os.NewFile(uintptr(fd), "sp")
		nc, err := net.FileConn(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		conns[i] = NewConn(nc, []string{"a", "b"}[i])
	}
	t.Cleanup(func() { conns[0].Close(); conns[1].Close() })
	return conns[0], conns[1]
}

func TestConnSendRecv(t *testing.T) {
	a, b := pipe(t)
	req := NewRequest("transact", ovsjson.NewArray(ovsjson.NewString("Open_vSwitch"), ovsjson.NewReal(1.5), ovsjson.NewInt(2)))
	if err := a.Send(req); err != nil {
		t.Fatal(err)
	}
	if err := a.Send(NewNotify("n", ovsjson.NewArray())); err != nil {
		t.Fatal(err)
	}
	m, err := b.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != Request || m.Method != "transact" || !ovsjson.Equal(m.Params, req.Params) || !ovsjson.Equal(m.ID, req.ID) {
		t.Fatalf("got %s", m.AppendJSON(nil))
	}
	if m.Params.A[1].Kind != ovsjson.Real || m.Params.A[2].Kind != ovsjson.Integer {
		t.Fatal("integer/real distinction lost")
	}
	m, err = b.Recv()
	if err != nil || m.Type != Notify || m.Method != "n" {
		t.Fatalf("got %v %v", m, err)
	}
	a.Close()
	if _, err := b.Recv(); err != io.EOF {
		t.Fatalf("after close: %v", err)
	}
	if err := a.Send(req); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("send after close: %v", err)
	}
}

func TestConnBadInput(t *testing.T) {
	cases := []struct{ in, log string }{
		{`{"method":"x","id":1}`, `jsonrpc|WARN|p: received bad JSON-RPC message: request must have "params"` + "\n"},
		{`[1]`, `jsonrpc|WARN|p: received bad JSON-RPC message: message is not a JSON object` + "\n"},
		{`{"a":tru}`, `jsonrpc|WARN|p: error parsing stream: line 0, column 8, byte 8: invalid keyword 'tru'` + "\n"},
	}
	for _, c := range cases {
		logs := captureLogs(t, "jsonrpc:console:info")
		client, server := net.Pipe()
		conn := NewConn(server, "p")
		go func() { client.Write([]byte(c.in)); client.Close() }()
		_, err := conn.Recv()
		if !errors.Is(err, syscall.EPROTO) || stream.Strerror(err) != "Protocol error" {
			t.Errorf("%s: err %v", c.in, err)
		}
		if _, err2 := conn.Recv(); err2 != err {
			t.Errorf("%s: error not sticky: %v", c.in, err2)
		}
		if got := logs.String(); got != c.log {
			t.Errorf("%s: log %q, want %q", c.in, got, c.log)
		}
		conn.Close()
	}
	// Truncated message.
	client, server := net.Pipe()
	conn := NewConn(server, "p")
	go func() { client.Write([]byte(`{"method":"x"`)); client.Close() }()
	if _, err := conn.Recv(); err != io.ErrUnexpectedEOF {
		t.Errorf("truncated: %v", err)
	}
	conn.Close()

	// Too large.
	client, server = net.Pipe()
	conn = NewConn(server, "p")
	conn.SetMaxMessageSize(100)
	go func() {
		client.Write([]byte(`{"method":"x","params":["` + strings.Repeat("x", 10000) + `"]}`))
		client.Close()
	}()
	if _, err := conn.Recv(); !errors.Is(err, syscall.EPROTO) {
		t.Errorf("too large: %v", err)
	}
	conn.Close()
}

func TestConnTransact(t *testing.T) {
	a, b := pipe(t)
	go func() {
		for {
			m, err := b.Recv()
			if err != nil {
				return
			}
			// Interleave noise the client must skip or answer.
			b.Send(NewNotify("update", ovsjson.NewArray()))
			b.Send(NewReply(ovsjson.NewString("stale"), ovsjson.NewInt(-5)))
			b.Send(NewEcho())
			b.Send(NewReply(ovsjson.NewArray(m.Params.A...), m.ID))
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := NewRequest("x", ovsjson.NewArray(ovsjson.NewInt(42)))
	rep, err := a.Transact(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Type != Reply || rep.Result.String() != "[42]" {
		t.Fatalf("reply %s", rep.AppendJSON(nil))
	}
}

func TestConnTransactCancel(t *testing.T) {
	a, _ := pipe(t)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := a.Transact(ctx, NewRequest("x", ovsjson.NewArray()))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
}

// A peer that does not read: Send keeps returning at once, the backlog
// grows, and the limit closes the connection.
func TestConnBacklog(t *testing.T) {
	a, _ := pipe(t)
	captureLogs(t, "jsonrpc:console:off")
	a.SetMaxBacklog(4 << 20)
	big := NewNotify("x", ovsjson.NewArray(ovsjson.NewString(strings.Repeat("y", 64<<10))))
	var err error
	sent := 0
	for i := 0; i < 1000 && err == nil; i++ {
		err = a.Send(big)
		sent++
	}
	if !errors.Is(err, ErrBacklog) || !errors.Is(err, syscall.ENOBUFS) {
		t.Fatalf("after %d sends: %v", sent, err)
	}
	if got := err.Error(); got != "send queue overflow: no buffer space available" {
		t.Errorf("error text %q", got)
	}
	if sent < 10 {
		t.Fatalf("only %d sends before overflow", sent)
	}
	if err := a.Send(big); !errors.Is(err, ErrBacklog) {
		t.Fatalf("send after overflow: %v", err)
	}
}

func TestConnFlush(t *testing.T) {
	a, b := pipe(t)
	payload := NewNotify("x", ovsjson.NewArray(ovsjson.NewString(strings.Repeat("y", 1<<20))))
	for i := 0; i < 4; i++ {
		a.Send(payload)
	}
	if a.Backlog() == 0 {
		t.Fatal("no backlog with a peer that does not read")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	if err := a.Flush(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("flush with a stuck peer: %v", err)
	}
	cancel()
	go func() {
		for {
			if _, err := b.Recv(); err != nil {
				return
			}
		}
	}()
	ctx, cancel = context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if a.Backlog() != 0 {
		t.Fatalf("backlog %d after flush", a.Backlog())
	}
}

func TestConnDebugLog(t *testing.T) {
	logs := captureLogs(t, "jsonrpc:console:dbg")
	a, b := pipe(t)
	a.Send(&Message{Type: Request, Method: "version", Params: ovsjson.NewArray(), ID: ovsjson.NewInt(1)})
	if _, err := b.Recv(); err != nil {
		t.Fatal(err)
	}
	want := "jsonrpc|DBG|a: send request, method=\"version\", params=[], id=1\n" +
		"jsonrpc|DBG|b: received request, method=\"version\", params=[], id=1\n"
	// Another test's connections (also called a and b) may still be
	// draining and logging while this one runs: keep this test's lines.
	var got strings.Builder
	for _, l := range strings.SplitAfter(logs.String(), "\n") {
		if strings.Contains(l, `method="version"`) {
			got.WriteString(l)
		}
	}
	if got.String() != want {
		t.Fatalf("logs %q, want %q", got.String(), want)
	}
}

// Our Conn against the real ovsdb-server: a request, an echo, and the
// error reply for an unknown method.
func TestConnAgainstRealOVSDB(t *testing.T) {
	sock := startRealOVSDB(t)
	nc, err := stream.Dial(context.Background(), "unix:"+sock)
	if err != nil {
		t.Fatal(err)
	}
	c := NewConn(nc, "unix:"+sock)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rep, err := c.Transact(ctx, NewRequest("list_dbs", ovsjson.NewArray()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Type != Reply || rep.Result.String() != `["Open_vSwitch","_Server"]` {
		t.Fatalf("list_dbs: %s", rep.AppendJSON(nil))
	}
	rep, err = c.Transact(ctx, &Message{Type: Request, Method: "echo", Params: ovsjson.NewArray(ovsjson.NewInt(1)), ID: ovsjson.NewString("e")})
	if err != nil || rep.Result.String() != "[1]" {
		t.Fatalf("echo: %v %v", rep, err)
	}
	rep, err = c.Transact(ctx, NewRequest("nosuch", ovsjson.NewArray()))
	if err != nil || rep.Type != Error || rep.Error.String() != `"unknown method"` {
		t.Fatalf("nosuch: %v %v", rep, err)
	}
}

func needOVS(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", n)
			}
			t.Skipf("%s not installed", n)
		}
	}
}

// startRealOVSDB runs Debian's ovsdb-server on a fresh database and
// returns its socket path.
func startRealOVSDB(t *testing.T) string {
	t.Helper()
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	schema := "/usr/share/openvswitch/vswitch.ovsschema"
	if _, err := os.Stat(schema); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	if out, err := exec.Command("ovsdb-tool", "create", db, schema).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool: %v\n%s", err, out)
	}
	sock := filepath.Join(dir, "db.sock")
	pidfile := filepath.Join(dir, "ovsdb-server.pid")
	cmd := exec.Command("ovsdb-server", "--remote=punix:"+sock, "--unixctl="+filepath.Join(dir, "ctl"),
		"--pidfile="+pidfile, "--detach", "--no-chdir", "--log-file="+filepath.Join(dir, "log"), db)
	cmd.Env = append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-server: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		data, err := os.ReadFile(pidfile)
		if err != nil {
			return
		}
		var pid int
		for _, ch := range strings.TrimSpace(string(data)) {
			pid = pid*10 + int(ch-'0')
		}
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	})
	return sock
}

// TestConnSendNotify checks that SendNotify writes exactly the bytes of the
// notification Send would have written.
func TestConnSendNotify(t *testing.T) {
	a, b := pipe(t)
	params := []ovsjson.Value{ovsjson.NewString("mon"), ovsjson.NewRaw(`{"T":{"u":{"insert":{"x":1}}}}`), ovsjson.NewReal(2.5)}
	want := NewNotify("update2", ovsjson.NewArray(params...)).AppendJSON(nil)
	want = NewNotify("empty", ovsjson.NewArray()).AppendJSON(want)
	if err := a.SendNotify("update2", params...); err != nil {
		t.Fatal(err)
	}
	if err := a.SendNotify("empty"); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.Close()
	got, err := io.ReadAll(b.NetConn())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if err := a.SendNotify("late"); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("send after close: %v", err)
	}
}

// Sending to a socket with room writes in place: no allocation, nothing
// left queued.
func TestConnDirectWriteNoAlloc(t *testing.T) {
	a, _ := pipe(t)
	if !a.direct {
		t.Fatal("a socketpair connection does not write directly")
	}
	id := ovsjson.NewString("m")
	raw := ovsjson.NewRaw(`{"T":{"u":{"modify":{"x":1}}}}`)
	// The peer does not read: 101 small messages fit in its buffer.
	allocs := testing.AllocsPerRun(100, func() {
		if err := a.SendNotifyHeld("update2", id, raw); err != nil {
			t.Fatal(err)
		}
		a.Release()
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per notification", allocs)
	}
	if n := a.Backlog(); n != 0 {
		t.Errorf("backlog %d after sends to a socket with room", n)
	}
}

// Messages keep their order when the socket fills up and the writer
// goroutine takes over, and when it hands back to direct writes.
func TestConnOrderThroughFullSocket(t *testing.T) {
	a, b := pipe(t)
	big := strings.Repeat("y", 32<<10)
	const n = 200
	for i := range n {
		s := ""
		if i%3 == 0 {
			s = big // 64 of these fill any socket buffer
		}
		if err := a.SendNotifyHeld("x", ovsjson.NewInt(int64(i)), ovsjson.NewString(s)); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			a.Release()
		}
	}
	if a.Backlog() == 0 {
		t.Fatal("no backlog with a peer that does not read")
	}
	for i := range 2 * n {
		if i == n {
			// Caught up: later sends are direct again.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := a.Flush(ctx)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if !a.direct {
				t.Error("no direct writes after the writer caught up")
			}
			for j := n; j < 2*n; j++ {
				if j%2 == 0 {
					a.SendNow(NewNotify("x", ovsjson.NewArray(ovsjson.NewInt(int64(j)), ovsjson.NewString(""))))
				} else {
					a.SendNotify("x", ovsjson.NewInt(int64(j)), ovsjson.NewString(""))
				}
			}
		}
		m, err := b.Recv()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if got := m.Params.A[0].I; got != int64(i) {
			t.Fatalf("message %d arrived as number %d", i, got)
		}
	}
}

// A held notification waits for Release, or goes out ahead of the next
// message sent without holding; Release and SendNow write in place.
func TestConnHeld(t *testing.T) {
	a, b := pipe(t)
	a.SendNotifyHeld("held", ovsjson.NewInt(1))
	if a.Backlog() == 0 {
		t.Fatal("held notification not queued")
	}
	a.Release()
	if n := a.Backlog(); n != 0 {
		t.Fatalf("backlog %d after Release", n)
	}
	a.SendNotifyHeld("held", ovsjson.NewInt(2))
	a.SendNow(NewReply(ovsjson.NewInt(3), ovsjson.NewInt(7)))
	if n := a.Backlog(); n != 0 {
		t.Fatalf("backlog %d after SendNow behind a held notification", n)
	}
	a.Release() // nothing left to release
	a.Send(NewReply(ovsjson.NewInt(4), ovsjson.NewInt(8)))
	for want := int64(1); want <= 4; want++ {
		m, err := b.Recv()
		if err != nil {
			t.Fatal(err)
		}
		v := m.Result
		if m.Type == Notify {
			v = m.Params.A[0]
		}
		if v.I != want {
			t.Fatalf("got %s, want message %d", m.AppendJSON(nil), want)
		}
	}
}

// Connections that are not sockets (net.Pipe here, TLS in practice) go
// through the writer goroutine, held notifications included.
func TestConnNotSocket(t *testing.T) {
	x, y := net.Pipe()
	a, b := NewConn(x, "a"), NewConn(y, "b")
	defer a.Close()
	defer b.Close()
	if a.direct {
		t.Fatal("net.Pipe connection writes directly")
	}
	a.SendNotifyHeld("held", ovsjson.NewInt(1))
	a.Release()
	a.SendNotify("x", ovsjson.NewInt(2))
	for want := int64(1); want <= 2; want++ {
		m, err := b.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if m.Params.A[0].I != want {
			t.Fatalf("got %s, want message %d", m.AppendJSON(nil), want)
		}
	}
}
