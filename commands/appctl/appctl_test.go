package appctl

import (
	"bytes"
	"errors"
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

	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

// The test binary doubles as ovs-appctl, so that our tool runs as its own
// process (fresh log serial numbers and request ids, a real exit status,
// a real death by signal) exactly like the binary it is compared with.
func TestMain(m *testing.M) {
	if os.Getenv("GOVS_APPCTL_TEST_MAIN") == "1" {
		os.Exit(Main(append([]string{"ovs-appctl"}, os.Args[1:]...)))
	}
	os.Exit(m.Run())
}

type result struct {
	stdout, stderr string
	code           int
	signal         syscall.Signal
}

var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

func execute(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	// glibc's getopt messages start with argv[0]; run both tools under
	// the same plain name.
	cmd.Args[0] = "ovs-appctl"
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: timestamp.ReplaceAllString(stderr.String(), "TIME")}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.signal = ws.Signal()
		}
	case err != nil:
		t.Fatal(err)
	}
	return r
}

func ours(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return execute(t, os.Args[0], append([]string{"GOVS_APPCTL_TEST_MAIN=1"}, env...), args...)
}

func realAppctl(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("ovs-appctl")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovs-appctl not installed")
		}
		t.Skip("ovs-appctl not installed")
	}
	return p
}

// lockPidfile writes a pidfile holding content and locks it from this
// process, as a running daemon does.
func lockPidfile(t *testing.T, path, content string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := f.WriteString(content); err != nil {
		t.Fatal(err)
	}
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk); err != nil {
		t.Fatal(err)
	}
}

// startRealOVSDB runs Debian's ovsdb-server in rundir with its default
// pidfile and control socket, so that "-t ovsdb-server" finds it.
func startRealOVSDB(t *testing.T, rundir string) {
	t.Helper()
	for _, b := range []string{"ovsdb-server", "ovsdb-tool"} {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", b)
			}
			t.Skipf("%s not installed", b)
		}
	}
	db := filepath.Join(rundir, "x.db")
	if out, err := exec.Command("ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema").CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool: %v\n%s", err, out)
	}
	cmd := exec.Command("ovsdb-server", "--remote=punix:"+filepath.Join(rundir, "db.sock"),
		"--pidfile", "--detach", "--no-chdir", "--log-file="+filepath.Join(rundir, "log"), db)
	cmd.Env = append(os.Environ(), "OVS_RUNDIR="+rundir, "OVS_LOGDIR="+rundir, "OVS_DBDIR="+rundir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-server: %v\n%s", err, out)
	}
	t.Cleanup(func() {
		data, _ := os.ReadFile(filepath.Join(rundir, "ovsdb-server.pid"))
		if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && pid > 0 {
			syscall.Kill(pid, syscall.SIGTERM)
		}
	})
}

// Differential test: the same command lines through the real ovs-appctl
// and ours, against the real ovsdb-server, our unixctl server, and
// various broken targets. Output and status must be identical.
func TestSameAsRealAppctl(t *testing.T) {
	real := realAppctl(t)
	rundir := t.TempDir()
	env := []string{"OVS_RUNDIR=" + rundir}
	startRealOVSDB(t, rundir)
	realCtl := ""
	if data, err := os.ReadFile(filepath.Join(rundir, "ovsdb-server.pid")); err == nil {
		realCtl = filepath.Join(rundir, "ovsdb-server."+strings.TrimSpace(string(data))+".ctl")
	}

	// Our own daemon, found by name through a pidfile locked by this
	// process.
	lockPidfile(t, filepath.Join(rundir, "govsd.pid"), strconv.Itoa(os.Getpid())+"\n")
	srv, err := unixctl.NewServer("govsd", filepath.Join(rundir, "govsd."+strconv.Itoa(os.Getpid())+".ctl"))
	if err != nil {
		t.Fatal(err)
	}
	vlog.RegisterCommands(srv)
	srv.Register("echo-args", "[ARG]...", 0, 10, func(args []string) (string, error) {
		return strings.Join(args, "|") + "\n", nil
	})
	srv.Register("fail", "", 0, 0, func([]string) (string, error) { return "", errors.New("it failed") })
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })

	// Broken pidfiles.
	os.WriteFile(filepath.Join(rundir, "unlocked.pid"), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644)
	os.WriteFile(filepath.Join(rundir, "empty.pid"), nil, 0o644)
	lockPidfile(t, filepath.Join(rundir, "other.pid"), "999999\n")
	lockPidfile(t, filepath.Join(rundir, "garbage.pid"), "abc\n")
	lockPidfile(t, filepath.Join(rundir, "noctl.pid"), " "+strconv.Itoa(os.Getpid())+"xyz\n")

	cases := [][]string{
		{},
		{"-o"},
		{"--option"},
		{"--options"},
		{"-x"},
		{"--target"},
		{"-t"},
		{"-t", "ovsdb-server"},
		{"--timeout=abc", "version"},
		{"-T", "0", "version"},
		{"-T", "-1", "version"},
		{"-T", "1.5", "version"},
		{"-T", "4294967296", "version"},
		{"-T", "5 ", "version"},
		{"-T", "", "version"},
		{"-vnonsense", "version"},
		{"version"},
		{"-e", "version"},
		{"--execute"},
		{"-t", "nosuch", "version"},
		{"-t", "rel/x", "version"},
		{"-t", "/nonexistent/x", "version"},
		{"-t", "unlocked", "version"},
		{"-t", "empty", "version"},
		{"-t", "other", "version"},
		{"-t", "garbage", "version"},
		{"-t", "noctl", "version"},
		{"-vconsole:dbg", "-t", "unlocked", "version"},
		{"-T", " 5", "-t", "/nonexistent/x", "version"},
		// The real ovsdb-server, by name and by socket.
		{"-t", "ovsdb-server", "version"},
		{"-t", "ovsdb-server", "list-commands"},
		{"-t", "ovsdb-server", "vlog/list"},
		{"-t", "ovsdb-server", "vlog/set", "jsonrpc:file:dbg"},
		{"-t", "ovsdb-server", "vlog/set", "nonsense"},
		{"-t", "ovsdb-server", "vlog/set", "-x"},
		{"-t", "ovsdb-server", "nosuch"},
		{"-t", "ovsdb-server", "version", "extra"},
		{"-t", "ovsdb-server", "coverage/read-counter"},
		{"-t", "ovsdb-server", "--", "version"},
		{"-T", "10", "--target=" + realCtl, "ovsdb-server/list-dbs"},
		{"--tar=" + realCtl, "ovsdb-server/get-active-ovsdb-server"},
		// Our daemon, by name.
		{"-t", "govsd", "list-commands"},
		{"-t", "govsd", "echo-args", "a", "b c", "-x", "--y"},
		{"-t", "govsd", "fail"},
		{"-t", "govsd", "vlog/set", "a", "b", "c"},
		{"-t", "govsd", "help"},
	}
	for _, args := range cases {
		want := execute(t, real, env, args...)
		got := ours(t, env, args...)
		if got != want {
			t.Errorf("ovs-appctl %q:\n got stdout %q\n     stderr %q\n     status %d\nwant stdout %q\n     stderr %q\n     status %d",
				args, got.stdout, got.stderr, got.code, want.stdout, want.stderr, want.code)
		}
	}
}

// A fake daemon that answers with whatever we like, to check the client's
// handling of odd replies against the real ovs-appctl's.
func fakeServer(t *testing.T, reply func(id string) string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	idRE := regexp.MustCompile(`"id":(\d+)`)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				buf := make([]byte, 4096)
				var got []byte
				for {
					c.SetReadDeadline(time.Now().Add(5 * time.Second))
					n, err := c.Read(buf)
					got = append(got, buf[:n]...)
					if m := idRE.FindSubmatch(got); m != nil && bytes.HasSuffix(got, []byte("}")) {
						c.Write([]byte(reply(string(m[1]))))
						return
					}
					if err != nil {
						return
					}
				}
			}(c)
		}
	}()
	return path
}

func TestOddRepliesLikeRealAppctl(t *testing.T) {
	real := realAppctl(t)
	replies := []string{
		`{"id":ID,"result":"hello\n","error":null}`,
		`{"id":ID,"result":"no newline","error":null}`,
		`{"id":ID,"result":"","error":null}`,
		`{"id":ID,"result":null,"error":"bad\n"}`,
		`{"id":ID,"error":"no newline"}`,
		`{"id":ID,"error":""}`,
		`{"id":ID,"error":{"x":1}}`,
		`{"id":ID,"result":{"x":1},"error":null}`,
		`{"id":ID,"result":[1],"error":null}`,
		`{"id":ID,"result":3,"error":null}`,
		`{"id":ID,"result":3.5,"error":null}`,
		`{"id":ID,"result":true,"error":null}`,
		`{"id":ID,"error":1}`,
		`{"id":ID,"error":[1]}`,
		`{"id":ID,"result":"x","method":"m"}`,
		`{"id":99,"result":"wrong id"}`,
		`{"method":"echo","params":[],"id":"e"}{"id":ID,"result":"after echo"}`,
		`{"id":null,"method":"note","params":[]}{"id":ID,"result":"after notification"}`,
		`[]`,
	}
	for _, rep := range replies {
		rep := rep
		path := fakeServer(t, func(id string) string { return strings.ReplaceAll(rep, "ID", id) })
		args := []string{"-t", path, "cmd", "arg"}
		want := execute(t, real, nil, args...)
		got := ours(t, nil, args...)
		if got != want {
			t.Errorf("reply %s:\n got stdout %q stderr %q status %d\nwant stdout %q stderr %q status %d",
				rep, got.stdout, got.stderr, got.code, want.stdout, want.stderr, want.code)
		}
	}
}

// --timeout kills the process with SIGALRM after logging it, as OVS does.
func TestTimeoutKillsWithSIGALRM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hang.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept and never answer
		}
	}()
	got := ours(t, nil, "-T", "1", "-t", path, "version")
	if got.signal != syscall.SIGALRM || got.stdout != "" ||
		got.stderr != "TIME|00001|fatal_signal|WARN|terminating with signal 14 (Alarm clock)\n" {
		t.Fatalf("got %+v", got)
	}
}

func TestVersionAndHelp(t *testing.T) {
	got := ours(t, nil, "-V")
	if got != (result{stdout: version.Line("ovs-appctl") + "\n"}) {
		t.Errorf("-V: %+v", got)
	}
	if got := ours(t, nil, "--version", "foo"); got.stdout != version.Line("ovs-appctl")+"\n" || got.code != 0 {
		t.Errorf("--version foo: %+v", got)
	}
	got = ours(t, nil, "-h", "-t", "x")
	if got.code != 0 || got.stderr != "" || !strings.HasPrefix(got.stdout, "ovs-appctl, ") ||
		!strings.Contains(got.stdout, "usage: ovs-appctl [TARGET] COMMAND [ARG...]\n") ||
		!strings.Contains(got.stdout, "  -t, --target=TARGET") || !strings.Contains(got.stdout, "--timeout=SECS") {
		t.Errorf("-h: %+v", got)
	}
}

// In-process runs, for the paths the differential test covers only when
// the real binaries are installed.
func TestRunInProcess(t *testing.T) {
	rundir := t.TempDir()
	t.Setenv("OVS_RUNDIR", rundir)
	var logs bytes.Buffer
	vlog.SetConsoleWriter(&logs)
	t.Cleanup(func() { vlog.SetConsoleWriter(io.Discard) })

	srv, err := unixctl.NewServer("mydaemon", filepath.Join(rundir, "mydaemon.ctl"))
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	defer srv.Close()

	runIt := func(args ...string) (string, string, int) {
		var stdout, stderr bytes.Buffer
		logs.Reset()
		code := run(append([]string{"ovs-appctl"}, args...), &stdout, &stderr)
		return stdout.String(), stderr.String() + timestamp.ReplaceAllString(logs.String(), "TIME"), code
	}
	out, errOut, code := runIt("-t", srv.Path(), "version")
	if out != version.Line("mydaemon")+"\n" || errOut != "" || code != 0 {
		t.Errorf("version: %q %q %d", out, errOut, code)
	}
	out, errOut, code = runIt("-t", srv.Path(), "nosuch")
	if out != "" || code != 2 || errOut != "\"nosuch\" is not a valid command (use \"list-commands\" to see a list of valid commands)\n"+
		"ovs-appctl: "+srv.Path()+": server returned an error\n" {
		t.Errorf("nosuch: %q %q %d", out, errOut, code)
	}
	_, errOut, code = runIt("version")
	if code != 1 || !strings.HasPrefix(errOut, "ovs-appctl: cannot read pidfile \""+rundir+"/ovs-vswitchd.pid\" (No such file or directory)\n") ||
		!strings.Contains(errOut, "|daemon_unix|WARN|"+rundir+"/ovs-vswitchd.pid: open: No such file or directory\n") {
		t.Errorf("default target: %q %d", errOut, code)
	}
	_, errOut, code = runIt("-t", "/nonexistent/sock", "version")
	if code != 1 || !strings.HasPrefix(errOut, "ovs-appctl: cannot connect to \"/nonexistent/sock\" (No such file or directory)\n") ||
		!strings.Contains(errOut, "|unixctl|WARN|failed to connect to /nonexistent/sock\n") {
		t.Errorf("no socket: %q %d", errOut, code)
	}
	out, _, code = runIt("-o")
	if code != 0 || !strings.HasPrefix(out, "--target=ARG\n-t ARG\n--execute\n-e \n--help\n-h \n--option\n-o \n--version\n-V \n--timeout=ARG\n-T ARG\n--verbose=[ARG]\n-v [ARG]\n") {
		t.Errorf("-o: %q", out)
	}
	_, errOut, code = runIt("-T", "0", "version")
	if code != 1 || errOut != "ovs-appctl: value 0 on -T or --timeout is invalid\n" {
		t.Errorf("-T 0: %q", errOut)
	}
	_, errOut, code = runIt()
	if code != 1 || errOut != "ovs-appctl: at least one non-option argument is required (use --help for help)\n" {
		t.Errorf("no args: %q", errOut)
	}
}

// A daemon found by name: <rundir>/NAME.pid, locked by the daemon (this
// test process), names the socket <rundir>/NAME.PID.ctl.
func TestTargetByName(t *testing.T) {
	rundir := t.TempDir()
	env := []string{"OVS_RUNDIR=" + rundir}
	pid := strconv.Itoa(os.Getpid())
	srv, err := unixctl.NewServer("govsd", filepath.Join(rundir, "govsd."+pid+".ctl"))
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	defer srv.Close()
	lockPidfile(t, filepath.Join(rundir, "govsd.pid"), pid+"\n")
	if got := ours(t, env, "-t", "govsd", "version"); got != (result{stdout: version.Line("govsd") + "\n"}) {
		t.Errorf("by name: %+v", got)
	}
	// Unlocked: stale.
	os.WriteFile(filepath.Join(rundir, "stale.pid"), []byte(pid+"\n"), 0o644)
	got := ours(t, append(env, "OVS_RUNDIR="+rundir), "-vconsole:dbg", "-t", "stale", "version")
	if got.code != 1 || got.stderr != "TIME|00001|daemon_unix|DBG|"+rundir+"/stale.pid: pid file is stale\n"+
		"ovs-appctl: cannot read pidfile \""+rundir+"/stale.pid\" (No such process)\n" {
		t.Errorf("stale: %+v", got)
	}
	// Locked by a process other than the one it names.
	lockPidfile(t, filepath.Join(rundir, "other.pid"), "999999\n")
	got = ours(t, env, "-t", "other", "version")
	if got.code != 1 || got.stderr != "TIME|00001|daemon_unix|WARN|"+rundir+"/other.pid: stale pidfile for pid 999999\n being deleted by pid "+pid+"\n"+
		"ovs-appctl: cannot read pidfile \""+rundir+"/other.pid\" (No such process)\n" {
		t.Errorf("other: %+v", got)
	}
}

func TestParseTimeout(t *testing.T) {
	for s, want := range map[string]uint64{"5": 5, " 5": 5, "+5": 5, "05": 5, "4294967295": 4294967295} {
		if got, ok := parseTimeout(s); !ok || got != want {
			t.Errorf("parseTimeout(%q) = %d, %v", s, got, ok)
		}
	}
	for _, s := range []string{"", "0", "-1", "1.5", "5 ", "4294967296", "+-5", "abc", "0x10", " "} {
		if _, ok := parseTimeout(s); ok {
			t.Errorf("parseTimeout(%q) accepted", s)
		}
	}
}

func TestLeadingInt(t *testing.T) {
	for s, want := range map[string]int{"123\n": 123, " 42xyz": 42, "abc": 0, "": 0, "-5": -5, "99999999999999": 0} {
		if got := leadingInt(s); got != want {
			t.Errorf("leadingInt(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestOptionTable(t *testing.T) {
	var b bytes.Buffer
	getopt.PrintOptions(&b, []getopt.Option{{Name: "a", Short: 'a', HasArg: getopt.OptionalArgument}, {Short: 'b'}, {Name: "c"}})
	if b.String() != "--a=[ARG]\n-a [ARG]\n-b \n--c\n" {
		t.Errorf("%q", b.String())
	}
}
