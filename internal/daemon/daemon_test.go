package daemon_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/vlog"
)

// The test binary doubles as a fake daemon: with GOVS_DAEMON_TEST_MAIN=1 it
// runs fakeMain instead of the tests. GOVS_DAEMON_TEST_PROG names the
// program (default: the name it was run as).
func TestMain(m *testing.M) {
	if os.Getenv("GOVS_DAEMON_TEST_MAIN") == "1" {
		os.Exit(fakeMain())
	}
	os.Exit(m.Run())
}

// fakeMain is a daemon main as the real daemons write it: parse options,
// Start, listen, Ready, serve. Its socket answers one line per connection:
// "pid" -> the pid, "exit" -> daemon.Exit(0), "crash" -> an unrecovered
// panic.
func fakeMain() int {
	prog := os.Getenv("GOVS_DAEMON_TEST_PROG")
	if prog == "" {
		prog = filepath.Base(os.Args[0])
	}
	vlog.SetProgramName(prog)
	opts := append(daemon.Options(), vlog.Options()...)
	opts = append(opts,
		getopt.Option{Name: "socket", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "fail", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "hang", HasArg: getopt.NoArgument})
	parsed, _, err := getopt.Parse(os.Args[1:], opts, getopt.Permute)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return 1
	}
	var (
		c              daemon.Config
		socket, failed string
		hang           bool
	)
	for _, p := range parsed {
		if ok, err := c.HandleOption(prog, p); ok {
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
				return 1
			}
			continue
		}
		if ok, err := vlog.HandleOption(p); ok {
			if err != nil && !errors.Is(err, vlog.ErrAlreadyLogged) {
				fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
				return 1
			}
			continue
		}
		switch p.Name {
		case "socket":
			socket = p.Arg
		case "fail":
			failed = p.Arg
		case "hang":
			hang = true
		}
	}
	daemon.HandleSignals()
	if err := c.Start(prog); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return 1
	}
	if err := c.DropPrivileges(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", prog, err)
		return 1
	}
	if failed != "" {
		// A fatal error after Start: exit through the hooks, as OVS's
		// exit() runs its atexit handlers (removing the pidfile).
		fmt.Fprintf(os.Stderr, "%s: %s\n", prog, failed)
		daemon.Exit(1)
	}
	if hang {
		select {}
	}
	os.Remove(socket)
	l, err := net.Listen("unix", socket)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %s: could not listen (%v)\n", prog, socket, err)
		return 1
	}
	daemon.AtExit(func() { os.Remove(socket) })
	daemon.Ready()
	for {
		conn, err := l.Accept()
		if err != nil {
			return 1
		}
		line, _ := bufio.NewReader(conn).ReadString('\n')
		switch strings.TrimSpace(line) {
		case "pid":
			fmt.Fprintf(conn, "%d\n", daemon.Pid())
			conn.Close()
		case "exit":
			conn.Close()
			daemon.Exit(0)
		case "env":
			var leaked []string
			for _, kv := range os.Environ() {
				for _, v := range []string{"GOVS_DAEMON_STAGE=", "GOVS_DAEMON_NOTIFY_FD=", "GOVS_DAEMON_USER_SET="} {
					if strings.HasPrefix(kv, v) {
						leaked = append(leaked, kv)
					}
				}
			}
			fmt.Fprintln(conn, strings.Join(leaked, " "))
			conn.Close()
		case "crash":
			var m map[string]int
			m["boom"]++ // nil map write: an unrecovered runtime panic
		default:
			conn.Close()
		}
	}
}

// env is a private run directory and the way to start the fake daemon in it.
type env struct {
	t        *testing.T
	dir      string
	bin      string // the fake daemon's path, named after the tool
	pid      string // pidfile
	sock     string
	extraEnv []string
}

func newEnv(t *testing.T, name string) *env {
	t.Helper()
	dir := t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, name)
	if err := os.Symlink(self, bin); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, dir: dir, bin: bin,
		pid: filepath.Join(dir, "ovsdb-server.pid"), sock: filepath.Join(dir, "sock")}
}

func (e *env) command(args ...string) *exec.Cmd {
	cmd := exec.Command(e.bin, args...)
	cmd.Env = append(os.Environ(), "GOVS_DAEMON_TEST_MAIN=1", "OVS_RUNDIR="+e.dir)
	cmd.Env = append(cmd.Env, e.extraEnv...)
	cmd.Dir = e.dir
	return cmd
}

// run runs the fake daemon to completion (with --detach, until the parent
// exits) and returns its stderr and exit status. Whatever it leaves running
// is killed at the end of the test through the pidfile.
func (e *env) run(args ...string) (string, int) {
	e.t.Helper()
	cmd := e.command(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	e.killAtCleanup()
	err := runWithTimeout(cmd, 10*time.Second)
	status := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			e.t.Fatalf("%v: %v", cmd.Args, err)
		}
		status = ee.ExitCode()
	}
	return stderr.String(), status
}

func runWithTimeout(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	t := time.AfterFunc(d, func() { cmd.Process.Kill() })
	defer t.Stop()
	return cmd.Wait()
}

// killAtCleanup kills the process named by the pidfile and any monitor
// above it when the test ends.
func (e *env) killAtCleanup() {
	e.t.Cleanup(func() {
		pid := readPid(e.pid)
		if pid <= 0 {
			return
		}
		if pp := ppid(pid); pp > 1 && comm(pp) == "monitor" {
			syscall.Kill(pp, syscall.SIGKILL)
		}
		syscall.Kill(pid, syscall.SIGKILL)
	})
}

func readPid(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

func comm(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return strings.TrimSpace(string(b))
}

func ppid(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	n, _ := strconv.Atoi(f[1])
	return n
}

func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return f[0] != "Z"
}

// ask sends cmd to the fake daemon's socket and returns the answer.
func ask(sock, cmd string) (string, error) {
	c, err := net.Dial("unix", sock)
	if err != nil {
		return "", err
	}
	defer c.Close()
	fmt.Fprintln(c, cmd)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(c)
	return strings.TrimSpace(string(b)), err
}

// eventually polls cond for up to 10 seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stripLog removes the timestamp and sequence number of console log lines,
// leaving "module|LEVEL|message".
var logPrefix = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT[0-9:.]+Z\|\d{5}\|`)

func stripLog(s string) string { return logPrefix.ReplaceAllString(s, "") }

func TestDetachReturnsWhenReady(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	stderr, status := e.run("--detach", "--pidfile="+e.pid, "--socket="+e.sock)
	if status != 0 || stderr != "" {
		t.Fatalf("--detach: status %d, stderr %q", status, stderr)
	}
	// The parent returned only after Ready: the socket answers at once.
	got, err := ask(e.sock, "pid")
	if err != nil {
		t.Fatalf("socket not answering right after --detach returned: %v", err)
	}
	pid := readPid(e.pid)
	if got != strconv.Itoa(pid) {
		t.Fatalf("daemon pid %s, pidfile %d", got, pid)
	}
	if c := comm(pid); c != "ovsdb-server" {
		t.Errorf("/proc/%d/comm = %q, want ovsdb-server", pid, c)
	}
	if sid, _ := unix.Getsid(pid); sid != pid {
		t.Errorf("daemon session %d, want its own (%d)", sid, pid)
	}
	if cwd, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid)); cwd != "/" {
		t.Errorf("daemon cwd %q, want / without --no-chdir", cwd)
	}
	if fd0, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/2", pid)); fd0 != "/dev/null" {
		t.Errorf("daemon stderr is %q after Ready, want /dev/null", fd0)
	}
	// The stage variables are gone from the daemon's environment, so
	// programs it runs do not see them.
	if got, _ := ask(e.sock, "env"); got != "" {
		t.Errorf("daemon environment still has %q", got)
	}

	// A second copy is refused with OVS's message, whether detaching or not.
	want := fmt.Sprintf("ovsdb-server: %s: already running as pid %d, aborting\n", e.pid, pid)
	for _, args := range [][]string{
		{"--pidfile=" + e.pid, "--socket=" + e.sock + "2"},
		{"--detach", "--pidfile=" + e.pid, "--socket=" + e.sock + "2"},
	} {
		stderr, status = e.run(args...)
		if status != 1 || stderr != want {
			t.Errorf("%v: status %d, stderr %q; want 1, %q", args, status, stderr, want)
		}
	}
	if _, err := os.Stat(e.pid + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("refused start left %s.tmp behind", e.pid)
	}

	// SIGTERM runs the cleanups (pidfile, socket) and kills with SIGTERM.
	syscall.Kill(pid, syscall.SIGTERM)
	eventually(t, "daemon to die of SIGTERM", func() bool { return !alive(pid) })
	if _, err := os.Stat(e.pid); !os.IsNotExist(err) {
		t.Errorf("pidfile still there after SIGTERM: %v", err)
	}
	if _, err := os.Stat(e.sock); !os.IsNotExist(err) {
		t.Errorf("socket still there after SIGTERM: %v", err)
	}
}

func TestNoChdir(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	if stderr, status := e.run("--detach", "--no-chdir", "--pidfile", "--socket=sock"); status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	// --pidfile without argument and relative --socket resolve in the run dir.
	pid := readPid(e.pid)
	if pid == 0 {
		t.Fatalf("no pidfile at the default place %s", e.pid)
	}
	cwd, _ := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
	if cwd != e.dir {
		t.Errorf("cwd %q with --no-chdir, want %q", cwd, e.dir)
	}
}

func TestForegroundSIGTERMRemovesPidfile(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	cmd := e.command("--pidfile="+e.pid, "--socket="+e.sock)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	eventually(t, "socket", func() bool { _, err := ask(e.sock, "pid"); return err == nil })
	if got := readPid(e.pid); got != cmd.Process.Pid {
		t.Fatalf("pidfile has %d, want %d", got, cmd.Process.Pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("exit %v, want killed by SIGTERM", err)
	}
	if got := stripLog(stderr.String()); got != "fatal_signal|WARN|terminating with signal 15 (Terminated)\n" {
		t.Errorf("stderr %q", got)
	}
	if _, err := os.Stat(e.pid); !os.IsNotExist(err) {
		t.Errorf("pidfile still there: %v", err)
	}
}

func TestStalePidfileTakenOver(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	os.WriteFile(e.pid, []byte("999999\n"), 0o644)
	stderr, status := e.run("--detach", "--pidfile="+e.pid, "--socket="+e.sock)
	if status != 0 || stderr != "" {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	got, _ := ask(e.sock, "pid")
	if got != strconv.Itoa(readPid(e.pid)) {
		t.Errorf("pidfile %d, daemon %s", readPid(e.pid), got)
	}
}

func TestOverwritePidfile(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	if _, status := e.run("--detach", "--pidfile="+e.pid, "--socket="+e.sock); status != 0 {
		t.Fatal("first daemon failed")
	}
	first := readPid(e.pid)
	t.Cleanup(func() { syscall.Kill(first, syscall.SIGKILL) })
	stderr, status := e.run("--detach", "--overwrite-pidfile", "--pidfile="+e.pid, "--socket="+e.sock+"2")
	if status != 0 || stderr != "" {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	second, _ := ask(e.sock+"2", "pid")
	if second != strconv.Itoa(readPid(e.pid)) || second == strconv.Itoa(first) {
		t.Errorf("pidfile %d, first %d, second %s", readPid(e.pid), first, second)
	}
	// The first daemon's exit must not remove the second one's pidfile.
	ask(e.sock, "exit")
	eventually(t, "first daemon to exit", func() bool { return !alive(first) })
	if readPid(e.pid) == 0 {
		t.Error("first daemon removed the pidfile that the second one owns")
	}
}

// lockFile takes a POSIX write lock on path from the test process and
// writes content into it.
func lockFile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(content)
	lk := unix.Flock_t{Type: unix.F_WRLCK}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
}

func TestPidfileErrors(t *testing.T) {
	me := os.Getpid()
	e := newEnv(t, "ovsdb-server")
	cases := []struct {
		name   string
		setup  func(pidfile string)
		stderr string // with %[1]s = pidfile, %[2]d = our pid
	}{
		{"locked by its writer", func(p string) { lockFile(t, p, fmt.Sprintf("%d\n", me)) },
			"ovsdb-server: %[1]s: already running as pid %[2]d, aborting\n"},
		{"locked by another process", func(p string) { lockFile(t, p, "999\n") },
			"daemon_unix|WARN|%[1]s: stale pidfile for pid 999\n being deleted by pid %[2]d\n" +
				"ovsdb-server: %[1]s: pidfile check failed (No such process), aborting\n"},
		{"locked but garbage", func(p string) { lockFile(t, p, "abc") },
			"daemon_unix|WARN|%[1]s: stale pidfile for pid abc being deleted by pid %[2]d\n" +
				"ovsdb-server: %[1]s: pidfile check failed (No such process), aborting\n"},
		{"locked but empty", func(p string) { lockFile(t, p, "") },
			"daemon_unix|WARN|%[1]s: read: unexpected end of file\n" +
				"ovsdb-server: %[1]s: pidfile check failed (No such process), aborting\n"},
		{"a directory", func(p string) { os.Mkdir(p, 0o755) },
			"daemon_unix|WARN|%[1]s: open: Is a directory\n" +
				"ovsdb-server: %[1]s: pidfile check failed (Is a directory), aborting\n"},
		{"tmp locked", func(p string) { lockFile(t, p+".tmp", "") },
			"ovsdb-server: %[1]s.tmp: fcntl(F_SETLK) failed (Resource temporarily unavailable)\n"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(e.dir, fmt.Sprintf("p%d.pid", i))
			tc.setup(p)
			stderr, status := e.run("--detach", "--pidfile="+p, "--socket="+e.sock)
			want := fmt.Sprintf(tc.stderr, p, me)
			if status != 1 || stripLog(stderr) != want {
				t.Errorf("status %d, stderr\n%s\nwant status 1 and\n%s", status, stripLog(stderr), want)
			}
		})
	}
	stderr, status := e.run("--pidfile=/nonexistent/x.pid", "--socket="+e.sock)
	if want := "ovsdb-server: /nonexistent/x.pid.tmp: create failed (No such file or directory)\n"; status != 1 || stderr != want {
		t.Errorf("status %d, stderr %q, want %q", status, stderr, want)
	}
}

func TestDetachChildFailsBeforeReady(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	// The child's own message reaches the user; the parent adds nothing and
	// exits with the child's status.
	stderr, status := e.run("--detach", "--pidfile="+e.pid, "--socket="+e.sock, "--fail=could not open the thing")
	if status != 1 || stderr != "ovsdb-server: could not open the thing\n" {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
	if _, err := os.Stat(e.pid); !os.IsNotExist(err) {
		t.Errorf("failed daemon left its pidfile: %v", err)
	}
}

func TestDetachChildKilledBeforeReady(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	cmd := e.command("--detach", "--pidfile="+e.pid, "--hang")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.killAtCleanup()
	t.Cleanup(func() { cmd.Process.Kill() })
	eventually(t, "pidfile", func() bool { return readPid(e.pid) > 0 })
	syscall.Kill(readPid(e.pid), syscall.SIGKILL)
	cmd.Wait()
	if cmd.ProcessState.ExitCode() != 1 {
		t.Errorf("exit status %d, want 1", cmd.ProcessState.ExitCode())
	}
	want := "daemon_unix|ERR|fork child died before signaling startup (killed (Killed))\n" +
		"ovsdb-server: could not detach from foreground session\n"
	if got := stripLog(stderr.String()); got != want {
		t.Errorf("stderr\n%s\nwant\n%s", got, want)
	}
}

// startMonitored starts the fake daemon with --detach --monitor and returns
// the daemon's and the monitor's pids.
func startMonitored(t *testing.T, e *env, extra ...string) (pid, monitor int) {
	t.Helper()
	args := append([]string{"--detach", "--monitor", "--pidfile=" + e.pid, "--socket=" + e.sock,
		"--log-file=" + filepath.Join(e.dir, "log")}, extra...)
	stderr, status := e.run(args...)
	// Each process (parent, monitor, daemon) reports opening the log file.
	stderr = regexp.MustCompile(`(?m)^vlog\|INFO\|opened log file .*\n`).ReplaceAllString(stripLog(stderr), "")
	if status != 0 || stderr != "" {
		t.Fatalf("status %d, stderr %q", status, stderr)
	}
	pid = readPid(e.pid)
	monitor = ppid(pid)
	t.Cleanup(func() { syscall.Kill(monitor, syscall.SIGKILL) })
	if got, err := ask(e.sock, "pid"); err != nil || got != strconv.Itoa(pid) {
		t.Fatalf("daemon answers %q, %v; pidfile %d", got, err, pid)
	}
	if c := comm(monitor); c != "monitor" {
		t.Fatalf("daemon's parent %d is %q, want the monitor", monitor, c)
	}
	if c := comm(pid); c != "ovsdb-server" {
		t.Errorf("daemon comm %q", c)
	}
	return pid, monitor
}

func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimRight(string(b), "\x00")
}

func waitRestart(t *testing.T, e *env, old int) int {
	t.Helper()
	var pid int
	eventually(t, "restarted daemon", func() bool {
		pid = readPid(e.pid)
		if pid == 0 || pid == old {
			return false
		}
		got, err := ask(e.sock, "pid")
		return err == nil && got == strconv.Itoa(pid)
	})
	return pid
}

func TestMonitorRestartsAfterSEGV(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	pid, monitor := startMonitored(t, e)
	want := fmt.Sprintf("ovsdb-server: monitoring pid %d (healthy)", pid)
	if got := cmdline(monitor); got != want {
		t.Errorf("monitor cmdline %q, want %q", got, want)
	}
	syscall.Kill(pid, syscall.SIGSEGV)
	pid2 := waitRestart(t, e, pid)
	if ppid(pid2) != monitor {
		t.Errorf("new daemon's parent %d, want monitor %d", ppid(pid2), monitor)
	}
	// A Go daemon under --monitor dies of SIGABRT after its crash dump.
	log, _ := os.ReadFile(filepath.Join(e.dir, "log"))
	msg := fmt.Sprintf("1 crashes: pid %d died, killed (Aborted)", pid)
	if !strings.Contains(string(log), "|daemon_unix(monitor)|ERR|"+msg+", restarting\n") {
		t.Errorf("log lacks the restart message:\n%s", log)
	}
	want = fmt.Sprintf("ovsdb-server: monitoring pid %d (%s)", pid2, msg)
	eventually(t, "monitor title", func() bool { return cmdline(monitor) == want })

	// A clean exit ends the monitor too, and removes the pidfile.
	ask(e.sock, "exit")
	eventually(t, "monitor to exit", func() bool { return !alive(monitor) })
	if _, err := os.Stat(e.pid); !os.IsNotExist(err) {
		t.Errorf("pidfile after clean exit: %v", err)
	}
	log, _ = os.ReadFile(filepath.Join(e.dir, "log"))
	if !strings.Contains(string(log), fmt.Sprintf("|daemon_unix(monitor)|INFO|pid %d died, exit status 0, exiting\n", pid2)) {
		t.Errorf("log lacks the exit message:\n%s", log)
	}
}

func TestMonitorRestartsAfterPanic(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	pid, _ := startMonitored(t, e)
	ask(e.sock, "crash")
	waitRestart(t, e, pid)
}

func TestMonitorPassesSIGTERM(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	// --monitor without --detach: the process we start is the monitor.
	cmd := e.command("--monitor", "--pidfile="+e.pid, "--socket="+e.sock)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.killAtCleanup()
	t.Cleanup(func() { cmd.Process.Kill() })
	eventually(t, "socket", func() bool { _, err := ask(e.sock, "pid"); return err == nil })
	pid := readPid(e.pid)
	if ppid(pid) != cmd.Process.Pid {
		t.Fatalf("daemon %d is not the monitor's child", pid)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Errorf("monitor exit: %v, want status 0", err)
	}
	want := "fatal_signal(ovsdb-server)|WARN|terminating with signal 15 (Terminated)\n"
	got := stripLog(stderr.String())
	if !strings.Contains(got, "|WARN|terminating with signal 15 (Terminated)\n") ||
		!strings.Contains(got, fmt.Sprintf("daemon_unix(monitor)|INFO|pid %d died, killed (Terminated), exiting\n", pid)) {
		t.Errorf("stderr\n%s\nwant the daemon's %q and the monitor's exit message", got, want)
	}
	if _, err := os.Stat(e.pid); !os.IsNotExist(err) {
		t.Errorf("pidfile after SIGTERM: %v", err)
	}
}

func TestMonitorInitialCrash(t *testing.T) {
	e := newEnv(t, "ovsdb-server")
	cmd := e.command("--detach", "--monitor", "--pidfile="+e.pid, "--hang")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	e.killAtCleanup()
	t.Cleanup(func() { cmd.Process.Kill() })
	eventually(t, "pidfile", func() bool { return readPid(e.pid) > 0 })
	syscall.Kill(readPid(e.pid), syscall.SIGKILL)
	cmd.Wait()
	want := "daemon_unix(monitor)|ERR|fork child died before signaling startup (killed (Killed))\n" +
		"ovsdb-server: could not initiate process monitoring\n"
	if got := stripLog(stderr.String()); got != want || cmd.ProcessState.ExitCode() != 1 {
		t.Errorf("status %d, stderr\n%s\nwant 1 and\n%s", cmd.ProcessState.ExitCode(), got, want)
	}
}

func TestMultiCallComm(t *testing.T) {
	e := newEnv(t, "ovs")
	e.extraEnv = []string{"GOVS_DAEMON_TEST_PROG=ovsdb-server"}
	if stderr, status := e.run("--detach", "--pidfile="+e.pid, "--socket="+e.sock); status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	pid := readPid(e.pid)
	if c := comm(pid); c != "ovsdb-server" {
		t.Errorf("comm %q, want ovsdb-server", c)
	}
	args := strings.Split(cmdline(pid), "\x00")
	if args[0] != e.bin {
		t.Errorf("argv[0] %q, want %q unchanged", args[0], e.bin)
	}
}

func TestUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("--user needs root")
	}
	if _, err := exec.LookPath("id"); err != nil {
		t.Skip("no id(1)")
	}
	if out, err := exec.Command("id", "-u", "nobody").Output(); err != nil || strings.TrimSpace(string(out)) != "65534" {
		t.Skip("no user nobody with uid 65534")
	}
	// The new user must be able to execute the binary and write the run dir.
	dir, err := os.MkdirTemp("", "govs-daemon-user")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o777)
	self, _ := os.Executable()
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, dir: dir, bin: filepath.Join(dir, "ovsdb-server"),
		pid: filepath.Join(dir, "ovsdb-server.pid"), sock: filepath.Join(dir, "sock")}
	if err := os.WriteFile(e.bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	stderr, status := e.run("--detach", "--user=nobody", "--pidfile="+e.pid, "--socket="+e.sock)
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	pid := readPid(e.pid)
	st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	fields := map[string]string{}
	for _, l := range strings.Split(string(st), "\n") {
		k, v, _ := strings.Cut(l, ":")
		fields[k] = strings.TrimSpace(v)
	}
	for k, want := range map[string]string{
		"Uid": "65534\t65534\t65534\t65534", "Gid": "65534\t65534\t65534\t65534",
		"Groups": "", "CapPrm": "0000000000004400", "CapEff": "0000000000004400",
		"CapBnd": "0000000000000000",
	} {
		if fields[k] != want {
			t.Errorf("%s: %q, want %q", k, fields[k], want)
		}
	}
	var fi unix.Stat_t
	unix.Stat(e.pid, &fi)
	if fi.Uid != 65534 {
		t.Errorf("pidfile owned by uid %d, want the new user", fi.Uid)
	}

	for _, tc := range []struct{ user, want string }{
		{"nosuchuser", "ovsdb-server: (null): user nosuchuser not found, aborting.\n"},
		{"nobody:nosuchgroup", "ovsdb-server: (null): group nosuchgroup not found, aborting.\n"},
		{"nobody:root", "ovsdb-server: (null): Invalid --user option nobody:root (user nobody is not in group root), aborting.\n"},
	} {
		stderr, status := e.run("--user="+tc.user, "--socket="+e.sock+"2")
		if status != 1 || stderr != tc.want {
			t.Errorf("--user=%s: status %d, stderr %q, want %q", tc.user, status, stderr, tc.want)
		}
	}
}

// TestRealOVSAgrees checks that our pidfile lock and the real ovsdb-server's
// are the same lock, each way.
func TestRealOVSAgrees(t *testing.T) {
	real, err := exec.LookPath("ovsdb-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovsdb-server not installed")
		}
		t.Skip("ovsdb-server not installed")
	}
	e := newEnv(t, "ovsdb-server")
	if _, status := e.run("--detach", "--pidfile="+e.pid, "--socket="+e.sock); status != 0 {
		t.Fatal("daemon failed")
	}
	pid := readPid(e.pid)
	cmd := exec.Command(real, "--pidfile="+e.pid, "--unixctl="+filepath.Join(e.dir, "ctl"), filepath.Join(e.dir, "nodb"))
	out, _ := cmd.CombinedOutput()
	want := fmt.Sprintf("ovsdb-server: %s: already running as pid %d, aborting\n", e.pid, pid)
	if string(out) != want || cmd.ProcessState.ExitCode() != 1 {
		t.Errorf("real ovsdb-server: status %d, %q; want 1, %q", cmd.ProcessState.ExitCode(), out, want)
	}
	ask(e.sock, "exit")
	eventually(t, "our daemon to exit", func() bool { return !alive(pid) })

	tool, err := exec.LookPath("ovsdb-tool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovsdb-tool not installed")
		}
		t.Skip("ovsdb-tool not installed")
	}
	schema := filepath.Join(e.dir, "s.ovsschema")
	os.WriteFile(schema, []byte(`{"name":"t","tables":{"T":{"columns":{"a":{"type":"integer"}}}}}`), 0o644)
	db := filepath.Join(e.dir, "db")
	if out, err := exec.Command(tool, "create", db, schema).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool create: %v %s", err, out)
	}
	cmd = exec.Command(real, "--detach", "--no-chdir", "--pidfile="+e.pid,
		"--unixctl="+filepath.Join(e.dir, "ctl"), "--remote=punix:"+filepath.Join(e.dir, "db.sock"), db)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("real ovsdb-server: %v %s", err, out)
	}
	realPid := readPid(e.pid)
	t.Cleanup(func() { syscall.Kill(realPid, syscall.SIGKILL) })
	stderr, status := e.run("--pidfile="+e.pid, "--socket="+e.sock)
	want = fmt.Sprintf("ovsdb-server: %s: already running as pid %d, aborting\n", e.pid, realPid)
	if status != 1 || stderr != want {
		t.Errorf("ours against real: status %d, %q; want 1, %q", status, stderr, want)
	}
	syscall.Kill(realPid, syscall.SIGTERM)
}
