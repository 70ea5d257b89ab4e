package unixctl

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

func init() { vlog.SetConsoleWriter(io.Discard) }

func newTestServer(t *testing.T) *Server {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.ctl")
	s, err := NewServer("test-daemon", path)
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve()
	t.Cleanup(func() { s.Close() })
	return s
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func dial(t *testing.T, s *Server) *Client {
	t.Helper()
	c, err := Dial(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestBuiltins(t *testing.T) {
	s := newTestServer(t)
	s.Register("exit", "", 0, 0, func([]string) (string, error) { return "", nil })
	s.Register("ovsdb-server/memory-trim-on-compaction", "on|off", 1, 1, func([]string) (string, error) { return "", nil })
	s.Register("coverage/read-counter", "COUNTER", 1, 1, func([]string) (string, error) { return "", nil })
	c := dial(t, s)
	out, cmdErr, err := c.Call(ctx(t), "list-commands", nil)
	if err != nil || cmdErr != "" {
		t.Fatal(err, cmdErr)
	}
	// Layout as the real ovsdb-server prints it.
	want := "The available commands are:\n" +
		"  coverage/read-counter   COUNTER\n" +
		"  exit                    \n" +
		"  list-commands           \n" +
		"  ovsdb-server/memory-trim-on-compaction on|off\n" +
		"  version                 \n"
	if out != want {
		t.Fatalf("list-commands:\n%q\nwant:\n%q", out, want)
	}
	out, _, err = c.Call(ctx(t), "version", nil)
	if err != nil || out != version.Line("test-daemon")+"\n" {
		t.Fatalf("version %q %v", out, err)
	}
}

func TestErrors(t *testing.T) {
	s := newTestServer(t)
	vlog.RegisterCommands(s)
	s.Register("fail", "", 0, 1, func(args []string) (string, error) {
		if len(args) == 1 {
			return "", errors.New(args[0])
		}
		return "", errors.New("it failed")
	})
	s.Register("two", "A B", 2, 2, func(args []string) (string, error) { return strings.Join(args, "+"), nil })
	c := dial(t, s)
	cases := []struct {
		cmd    string
		args   []string
		out    string
		failed bool
	}{
		{"foo", nil, "\"foo\" is not a valid command (use \"list-commands\" to see a list of valid commands)\n", true},
		{"help", nil, "\"help\" is not a valid command (use \"list-commands\" to see a list of valid commands)\n", true},
		{"version", []string{"x"}, "\"version\" command takes at most 0 arguments\n", true},
		{"two", []string{"x"}, "\"two\" command requires at least 2 arguments\n", true},
		{"two", []string{"x", "y"}, "x+y", false},
		{"fail", nil, "it failed\n", true},
		{"fail", []string{"already\n"}, "already\n", true},
		{"fail", []string{""}, "\n", true},
		{"vlog/set", []string{"a", "b", "c"}, "no destination, level, or module \"a\"\n", true},
	}
	for _, tc := range cases {
		r, err := c.Run(ctx(t), tc.cmd, tc.args)
		if err != nil {
			t.Fatalf("%s: %v", tc.cmd, err)
		}
		if r.Text != tc.out || r.Failed != tc.failed {
			t.Errorf("%s %q: got %q failed=%v, want %q failed=%v", tc.cmd, tc.args, r.Text, r.Failed, tc.out, tc.failed)
		}
	}
}

// rawExchange writes raw bytes to the control socket and returns what the
// server sends back before closing or going quiet.
func rawExchange(t *testing.T, path, in string) (string, bool) {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte(in))
	c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return string(out), err == io.EOF
		}
	}
}

// The server's replies and its reactions to bad input, as the real
// ovsdb-server's control socket behaves.
func TestWireBehaviour(t *testing.T) {
	s := newTestServer(t)
	cases := []struct {
		in     string
		out    string
		closed bool
	}{
		{`{"method":"version","params":[],"id":"abc"}`,
			`{"id":"abc","result":"test-daemon (GoVS) ` + version.Version + `\n","error":null}`, false},
		{`{"method":"version","params":[1],"id":1}`,
			`{"id":1,"error":"\"version\" command takes at most 0 arguments\n"}`, false},
		{`{"method":"list-commands","params":[1],"id":1}`,
			`{"id":1,"error":"\"list-commands\" command takes at most 0 arguments\n"}`, false},
		{`{"method":"version","params":[],"id":1}{"method":"version","params":[],"id":2}`,
			`{"id":1,"result":"test-daemon (GoVS) ` + version.Version + `\n","error":null}` +
				`{"id":2,"result":"test-daemon (GoVS) ` + version.Version + `\n","error":null}`, false},
		{`{"method":"version","params":{},"id":1}`, ``, true},
		{`{"method":"version","id":1}`, ``, true},
		{`{"method":"version","params":[]}`, ``, true}, // notification
		{`{"result":"x","id":1}`, ``, true},
		{`[1,2]`, ``, true},
		{`xyz `, ``, true},
		{"\x00\xff", ``, true},
	}
	for _, tc := range cases {
		out, closed := rawExchange(t, s.Path(), tc.in)
		if out != tc.out || closed != tc.closed {
			t.Errorf("%s:\n got %s closed=%v\nwant %s closed=%v", tc.in, out, closed, tc.out, tc.closed)
		}
	}
	s.Register("x", "", 0, 2, func(a []string) (string, error) { return "", nil })
	out, _ := rawExchange(t, s.Path(), `{"method":"x","params":["a",1],"id":1}`)
	if out != `{"id":1,"error":"\"x\" command has non-string argument\n"}` {
		t.Errorf("non-string: %s", out)
	}
}

// A client sending garbage does not disturb another client in the middle
// of its session.
func TestBadClientDoesNotHurtOthers(t *testing.T) {
	s := newTestServer(t)
	good := dial(t, s)
	if _, _, err := good.Call(ctx(t), "version", nil); err != nil {
		t.Fatal(err)
	}
	bad, err := net.Dial("unix", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	bad.Write([]byte("{\"method\":\"version\",\"params\":[],\"id\":1}\x00garbage{{{{"))
	// A client that never reads its replies.
	stuck, err := net.Dial("unix", s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.Close()
	for i := 0; i < 100; i++ {
		stuck.Write([]byte(`{"method":"list-commands","params":[],"id":1}`))
	}
	for i := 0; i < 5; i++ {
		if out, _, err := good.Call(ctx(t), "version", nil); err != nil || !strings.HasPrefix(out, "test-daemon") {
			t.Fatalf("good client: %q %v", out, err)
		}
	}
	bad.Close()
}

// Commands never run concurrently.
func TestCommandsSerialised(t *testing.T) {
	s := newTestServer(t)
	var running, overlaps atomic.Int32
	s.Register("slow", "", 0, 0, func([]string) (string, error) {
		if running.Add(1) > 1 {
			overlaps.Add(1)
		}
		time.Sleep(2 * time.Millisecond)
		running.Add(-1)
		return "ok", nil
	})
	done := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() {
			c, err := Dial(s.Path())
			if err != nil {
				done <- err
				return
			}
			defer c.Close()
			for j := 0; j < 10; j++ {
				if _, _, err := c.Call(context.Background(), "slow", nil); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for i := 0; i < 4; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if overlaps.Load() != 0 {
		t.Fatalf("%d overlapping commands", overlaps.Load())
	}
}

// A handler that panics fails its command; the server lives on.
func TestHandlerPanic(t *testing.T) {
	s := newTestServer(t)
	s.Register("boom", "", 0, 0, func([]string) (string, error) { panic("kaboom") })
	c := dial(t, s)
	r, err := c.Run(ctx(t), "boom", nil)
	if err != nil || !r.Failed || !strings.Contains(r.Text, "kaboom") {
		t.Fatalf("%+v %v", r, err)
	}
	if out, _, err := c.Call(ctx(t), "version", nil); err != nil || out == "" {
		t.Fatalf("after panic: %q %v", out, err)
	}
}

// "exit": the reply goes out even though the daemon closes the server
// right after the command.
func TestExitReplyDelivered(t *testing.T) {
	s := newTestServer(t)
	exiting := make(chan struct{})
	s.Register("exit", "", 0, 0, func([]string) (string, error) {
		close(exiting)
		time.Sleep(20 * time.Millisecond) // let Close race with the reply
		return "", nil
	})
	c := dial(t, s)
	go func() {
		<-exiting
		s.Close()
	}()
	r, err := c.Run(ctx(t), "exit", nil)
	if err != nil || r.Failed {
		t.Fatalf("%+v %v", r, err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("socket file after Close: %v", err)
	}
	if _, err := c.Run(ctx(t), "version", nil); err == nil {
		t.Fatal("connection survived Close")
	}
}

func TestNewServerPaths(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("OVS_RUNDIR", dir)
	s, err := NewServer("prog", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "prog."+strconv.Itoa(os.Getpid())+".ctl"); s.Path() != want {
		t.Errorf("default path %q, want %q", s.Path(), want)
	}
	s.Close()
	s, err = NewServer("prog", "rel.ctl")
	if err != nil {
		t.Fatal(err)
	}
	if s.Path() != dir+"/rel.ctl" {
		t.Errorf("relative path %q", s.Path())
	}
	s.Close()
	s, err = NewServer("prog", "none")
	if err != nil || s.Path() != "" {
		t.Fatalf("none: %q %v", s.Path(), err)
	}
	s.Serve() // returns at once
	s.Close()

	_, err = NewServer("prog", "/nonexistent/dir/x")
	if err == nil || err.Error() != "/nonexistent/dir/x: could not initialize control socket (No such file or directory)" {
		t.Fatalf("bad path: %v", err)
	}
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("errno: %v", err)
	}
}

func TestDialFailure(t *testing.T) {
	_, err := Dial(filepath.Join(t.TempDir(), "nothing"))
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("%v", err)
	}
}

func needBinary(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// The real ovs-appctl drives our server.
func TestRealAppctlAgainstOurServer(t *testing.T) {
	appctl := needBinary(t, "ovs-appctl")
	s := newTestServer(t)
	vlog.RegisterCommands(s)
	s.Register("exit", "", 0, 0, func([]string) (string, error) { return "", nil })
	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(appctl, append([]string{"-t", s.Path()}, args...)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return stdout.String(), stderr.String(), code
	}
	out, errOut, code := run("list-commands")
	want := "The available commands are:\n" +
		"  exit                    \n" +
		"  list-commands           \n" +
		"  version                 \n" +
		"  vlog/close              \n" +
		"  vlog/disable-rate-limit [module]...\n" +
		"  vlog/enable-rate-limit  [module]...\n" +
		"  vlog/list               \n" +
		"  vlog/list-pattern       \n" +
		"  vlog/reopen             \n" +
		"  vlog/set                {spec | PATTERN:destination:pattern}\n"
	if out != want || errOut != "" || code != 0 {
		t.Errorf("list-commands: %q %q %d", out, errOut, code)
	}
	out, errOut, code = run("version")
	if out != version.Line("test-daemon")+"\n" || errOut != "" || code != 0 {
		t.Errorf("version: %q %q %d", out, errOut, code)
	}
	// OVS 3.1 has no "help" command; neither do we.
	out, errOut, code = run("help")
	if out != "" || code != 2 || errOut != "\"help\" is not a valid command (use \"list-commands\" to see a list of valid commands)\n"+
		"ovs-appctl: "+s.Path()+": server returned an error\n" {
		t.Errorf("help: %q %q %d", out, errOut, code)
	}
	out, errOut, code = run("vlog/set", "nonsense")
	if out != "" || code != 2 || errOut != "no destination, level, or module \"nonsense\"\n"+
		"ovs-appctl: "+s.Path()+": server returned an error\n" {
		t.Errorf("vlog/set: %q %q %d", out, errOut, code)
	}
	if _, errOut, code = run("vlog/list"); code != 0 || errOut != "" {
		t.Errorf("vlog/list: %q %d", errOut, code)
	}
}

// Our client drives the real ovsdb-server's control socket.
func TestOurClientAgainstRealServer(t *testing.T) {
	ctl := startRealOVSDB(t)
	c, err := Dial(ctl)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, cmdErr, err := c.Call(ctx(t), "version", nil)
	if err != nil || cmdErr != "" || !strings.HasPrefix(out, "ovsdb-server (Open vSwitch) ") || !strings.HasSuffix(out, "\n") {
		t.Fatalf("version %q %q %v", out, cmdErr, err)
	}
	out, cmdErr, err = c.Call(ctx(t), "list-commands", nil)
	if err != nil || !strings.Contains(out, "\n  ovsdb-server/add-remote REMOTE\n") || strings.Contains(out, "  help") {
		t.Fatalf("list-commands %q %q %v", out, cmdErr, err)
	}
	_, cmdErr, err = c.Call(ctx(t), "nosuch", []string{"a"})
	if err != nil || cmdErr != "\"nosuch\" is not a valid command (use \"list-commands\" to see a list of valid commands)\n" {
		t.Fatalf("nosuch %q %v", cmdErr, err)
	}
	_, cmdErr, err = c.Call(ctx(t), "coverage/read-counter", nil)
	if err != nil || cmdErr != "\"coverage/read-counter\" command requires at least 1 arguments\n" {
		t.Fatalf("read-counter %q %v", cmdErr, err)
	}
}

func startRealOVSDB(t *testing.T) string {
	t.Helper()
	needBinary(t, "ovsdb-server")
	needBinary(t, "ovsdb-tool")
	schema := "/usr/share/openvswitch/vswitch.ovsschema"
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	if out, err := exec.Command("ovsdb-tool", "create", db, schema).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool: %v\n%s", err, out)
	}
	ctl := filepath.Join(dir, "ctl")
	pidfile := filepath.Join(dir, "pid")
	cmd := exec.Command("ovsdb-server", "--remote=punix:"+filepath.Join(dir, "db.sock"), "--unixctl="+ctl,
		"--pidfile="+pidfile, "--detach", "--no-chdir", "--log-file="+filepath.Join(dir, "log"), db)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-server: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		data, _ := os.ReadFile(pidfile)
		pid := 0
		for _, ch := range strings.TrimSpace(string(data)) {
			pid = pid*10 + int(ch-'0')
		}
		if pid > 0 {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	})
	return ctl
}
