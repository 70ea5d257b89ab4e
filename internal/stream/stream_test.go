package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

func TestVerify(t *testing.T) {
	t.Setenv("OVS_RUNDIR", "/run/x")
	ok := []string{
		"unix:/a/b", "unix:rel", "unix:",
		"tcp:127.0.0.1:6640", "tcp:[::1]:1", "tcp:localhost:6640", "tcp:127.0.0.1:+1",
		"tcp:127.0.0.1: 1", "tcp:127.0.0.1:010", "tcp:[fe80::1%eth0]:6653",
		"punix:/x", "ptcp:0", "ptcp:6640:127.0.0.1", "ptcp:1:[::1]", "ptcp:0:[::1", "ptcp:0:localhost",
	}
	for _, n := range ok {
		if err := Verify(n); err != nil {
			t.Errorf("Verify(%q) = %v", n, err)
		}
	}
	bad := []struct{ name, reason string }{
		{"foo:bar", ""},
		{"nonsense:1:2", ""},
		{"ssl:127.0.0.1:6640", ""},
		{"pssl:6640", ""},
		{"db.sock", ""},
		{"tcp:127.0.0.1", `127.0.0.1: port must be specified`},
		{"tcp:::1:1", `::1:1: port must be specified`},
		{"tcp:[::1]", `[::1]: port must be specified`},
		{"tcp:[::1", `[::1: port must be specified`},
		{"tcp:[::1]x", `[::1]x: port must be specified`},
		{"tcp:1.2.3.4:5:6", `1.2.3.4:5:6: port must be specified`},
		{"tcp:127.0.0.1:99999", `127.0.0.1:99999: bad port number "99999"`},
		{"tcp:127.0.0.1:abc", `127.0.0.1:abc: bad port number "abc"`},
		{"tcp:127.0.0.1:-5", `127.0.0.1:-5: bad port number "-5"`},
		{"tcp:127.0.0.1:0x10", `127.0.0.1:0x10: bad port number "0x10"`},
		{"tcp:127.0.0.1:1x", `127.0.0.1:1x: bad port number "1x"`},
		{"ptcp:abc", `abc: bad port number "abc"`},
		{"ptcp:99999", `99999: bad port number "99999"`},
		{"ptcp:-1", `-1: bad port number "-1"`},
		{"ptcp:0:::1", `0:::1: port must be specified`},
		{"ptcp:0:127.0.0.1:5", `0:127.0.0.1:5: port must be specified`},
	}
	for _, c := range bad {
		err := Verify(c.name)
		var ne *NameError
		if !errors.As(err, &ne) {
			t.Errorf("Verify(%q) = %v, want a NameError", c.name, err)
			continue
		}
		if ne.Reason != c.reason {
			t.Errorf("Verify(%q) reason %q, want %q", c.name, ne.Reason, c.reason)
		}
		if !errors.Is(err, syscall.EAFNOSUPPORT) {
			t.Errorf("Verify(%q) errno %v", c.name, ne.Err)
		}
		if got := Strerror(err); got != "Address family not supported by protocol" {
			t.Errorf("Strerror(Verify(%q)) = %q", c.name, got)
		}
	}
	// A passive address that does not resolve: OVS says "try again".
	if err := Verify("ptcp:0:"); !errors.Is(err, syscall.EAGAIN) || Strerror(err) != "Resource temporarily unavailable" {
		t.Errorf("Verify(ptcp:0:) = %v", err)
	}
}

func TestParsePaths(t *testing.T) {
	t.Setenv("OVS_RUNDIR", "/run/x")
	for name, want := range map[string]string{
		"unix:/a/b":  "/a/b",
		"unix:rel":   "/run/x/rel",
		"punix:db":   "/run/x/db",
		"punix:/abs": "/abs",
	} {
		tg, err := parse(name)
		if err != nil || tg.path != want {
			t.Errorf("parse(%q).path = %q, %v; want %q", name, tg.path, err, want)
		}
	}
}

func TestActivePassive(t *testing.T) {
	for name, want := range map[string][2]bool{
		"unix:x": {true, false}, "tcp:1.2.3.4:5": {true, false},
		"punix:x": {false, true}, "ptcp:0": {false, true},
		"ssl:1.2.3.4:5": {false, false}, "foo": {false, false}, "": {false, false},
	} {
		if IsActive(name) != want[0] || IsPassive(name) != want[1] {
			t.Errorf("%q: active %v passive %v, want %v", name, IsActive(name), IsPassive(name), want)
		}
	}
	if NeedsProbes("unix:x") || !NeedsProbes("tcp:1.2.3.4:5") || NeedsProbes("punix:x") || !NeedsProbes("ptcp:1") {
		t.Error("NeedsProbes")
	}
}

func TestWithDefaultPort(t *testing.T) {
	logs := captureLogs(t, "stream:console:info")
	cases := []struct{ in, out string }{
		{"tcp:1.2.3.4", "tcp:1.2.3.4:6640"},
		{"tcp:host", "tcp:host:6640"},
		{"tcp:", "tcp::6640"},
		{"tcp:127.0.0.1:", "tcp:127.0.0.1::6640"},
		{"tcp::5", "tcp::5:6640"},
		{"tcp:1.2.3.4:5", "tcp:1.2.3.4:5"},
		{"tcp:[::1]", "tcp:[::1]"}, // three fields already, as OVS counts
		{"tcp:::1:1", "tcp:::1:1"},
		{"ptcp:", "ptcp:6640"},
		{"ptcp::127.0.0.1", "ptcp:6640:127.0.0.1"},
		{"ptcp:1", "ptcp:1"},
		{"unix:x", "unix:x"},
		{"punix:", "punix:"},
	}
	for _, c := range cases {
		if got := WithDefaultPort(c.in, OVSDBPort); got != c.out {
			t.Errorf("WithDefaultPort(%q) = %q, want %q", c.in, got, c.out)
		}
	}
	got := logs.take()
	if n := strings.Count(got, "stream|WARN|The default OVSDB port number has changed from 6632 to 6640\n"); n != 5 {
		t.Errorf("%d warnings:\n%s", n, got)
	}
	WithDefaultPort("tcp:1.2.3.4", OpenFlowPort)
	if got := logs.take(); got != "stream|WARN|The default OpenFlow port number has changed from 6633 to 6653\n" {
		t.Errorf("logs %q", got)
	}
	WithDefaultPort("tcp:1.2.3.4", 1234)
	if got := logs.take(); got != "" {
		t.Errorf("logs %q", got)
	}
}

func TestStrerror(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{syscall.ENOENT, "No such file or directory"},
		{syscall.ECONNREFUSED, "Connection refused"},
		{syscall.EAFNOSUPPORT, "Address family not supported by protocol"},
		{syscall.EPROTO, "Protocol error"},
		{syscall.ESRCH, "No such process"},
		{io.EOF, "End of file"},
		{fmt.Errorf("wrapped: %w", io.EOF), "End of file"},
		{&net.OpError{Op: "dial", Net: "unix", Err: os.NewSyscallError("connect", syscall.ENOENT)}, "No such file or directory"},
		{context.DeadlineExceeded, "Connection timed out"},
		{errors.New("plain"), "plain"},
		{nil, "Success"},
	}
	for _, c := range cases {
		if got := Strerror(c.err); got != c.want {
			t.Errorf("Strerror(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	if Errno(&net.OpError{Err: os.NewSyscallError("x", syscall.EPIPE)}) != syscall.EPIPE {
		t.Error("Errno")
	}
}

func TestUnixDialListen(t *testing.T) {
	logs := captureLogs(t, "stream_unix:console:dbg")
	dir := t.TempDir()
	t.Setenv("OVS_RUNDIR", dir)
	path := filepath.Join(dir, "s.sock")

	// A stale file is replaced.
	if err := os.WriteFile(path, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := Listen("punix:s.sock") // relative to the rundir
	if err != nil {
		t.Fatal(err)
	}
	if l.Addr().String() != path {
		t.Errorf("Addr %q", l.Addr())
	}
	ctx := context.Background()
	done := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			done <- err.Error()
			return
		}
		defer c.Close()
		name := PeerName(c)
		c.Write([]byte("hi"))
		done <- name
	}()
	c, err := Dial(ctx, "unix:"+path)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "hi" {
		t.Fatalf("read %q %v", buf, err)
	}
	c.Close()
	if name := <-done; !strings.HasPrefix(name, "unix#") {
		t.Errorf("peer name %q", name)
	}
	l.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket file left behind: %v", err)
	}

	_, err = Dial(ctx, "unix:"+path)
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("dial missing socket: %v", err)
	}
	if got := logs.take(); got != "stream_unix|DBG|"+path+": connection failed (No such file or directory)\n" {
		t.Errorf("logs %q", got)
	}

	_, err = Listen("punix:" + filepath.Join(dir, "no/such/dir/x"))
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("listen in missing dir: %v", err)
	}
	if got := logs.take(); got != "stream_unix|ERR|"+filepath.Join(dir, "no/such/dir/x")+": binding failed: No such file or directory\n" {
		t.Errorf("logs %q", got)
	}
}

// A successor that took over the socket path keeps its socket when the
// predecessor closes.
func TestUnixCloseKeepsSuccessorSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	l1, err := Listen("punix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := Listen("punix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	l1.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("successor's socket removed: %v", err)
	}
	c, err := Dial(context.Background(), "unix:"+path)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	l2.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket left: %v", err)
	}
}

func TestUnixLongPath(t *testing.T) {
	dir := t.TempDir()
	long := dir
	for len(long) < 150 {
		long = filepath.Join(long, "a-rather-long-directory-name")
	}
	if err := os.MkdirAll(long, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(long, "sock")
	l, err := Listen("punix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Close()
		}
	}()
	c, err := Dial(context.Background(), "unix:"+path)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	l.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("long-path socket left behind: %v", err)
	}
}

func TestTCPDialListen(t *testing.T) {
	logs := captureLogs(t, "socket_util:console:info")
	l, err := Listen("ptcp:0:127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if got := logs.take(); got != fmt.Sprintf("socket_util|INFO|0:127.0.0.1: listening on port %d\n", port) {
		t.Errorf("logs %q", got)
	}
	names := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			names <- err.Error()
			return
		}
		names <- PeerName(c)
		c.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, fmt.Sprintf("tcp:127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	local := c.LocalAddr().(*net.TCPAddr)
	if got, want := <-names, fmt.Sprintf("tcp:127.0.0.1:%d", local.Port); got != want {
		t.Errorf("peer name %q, want %q", got, want)
	}
	c.Close()

	// The port is taken now.
	_, err = Listen(fmt.Sprintf("ptcp:%d:127.0.0.1", port))
	if !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("listen on a used port: %v", err)
	}
	if got := logs.take(); got != fmt.Sprintf("socket_util|ERR|%d:127.0.0.1: bind: Address already in use\n", port) {
		t.Errorf("logs %q", got)
	}
	l.Close()
	_, err = Dial(ctx, fmt.Sprintf("tcp:127.0.0.1:%d", port))
	if !errors.Is(err, syscall.ECONNREFUSED) || Strerror(err) != "Connection refused" {
		t.Fatalf("dial closed port: %v", err)
	}
}

func TestDialBadNamesLog(t *testing.T) {
	logs := captureLogs(t, "socket_util:console:info")
	if err := vlog.Set("stream_tcp:console:info"); err != nil {
		t.Fatal(err)
	}
	_, err := Dial(context.Background(), "tcp:127.0.0.1:abc")
	if !errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Fatalf("err %v", err)
	}
	want := "socket_util|ERR|127.0.0.1:abc: bad port number \"abc\"\n" +
		"stream_tcp|ERR|tcp:127.0.0.1:abc: connect: Address family not supported by protocol\n"
	if got := logs.take(); got != want {
		t.Errorf("logs:\n%s\nwant:\n%s", got, want)
	}
	_, err = Dial(context.Background(), "foo:bar")
	if !errors.Is(err, syscall.EAFNOSUPPORT) || logs.take() != "" {
		t.Fatalf("err %v", err)
	}
	_, err = Listen("ptcp:1x")
	if !errors.Is(err, syscall.EAFNOSUPPORT) {
		t.Fatalf("err %v", err)
	}
	if got := logs.take(); got != "socket_util|ERR|1x: bad port number \"1x\"\n" {
		t.Errorf("logs %q", got)
	}
}
