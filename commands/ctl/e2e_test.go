package ctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/hugetext"
	"github.com/govs/ovs/internal/testbin"
	"github.com/govs/ovs/internal/version"
)

// binDir holds the freshly built binary and one symlink per tool.
var binDir string

func TestMain(m *testing.M) {
	dir, err := testbin.Build(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	executable = func() (string, error) { return filepath.Join(dir, "ovs"), nil }
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// env is a private set of OVS directories for one test.
type env struct {
	t    *testing.T
	dir  string
	vars []string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, dir: dir}
	for _, v := range []string{"run", "log", "db", "etc"} {
		e.vars = append(e.vars, "OVS_"+map[string]string{"run": "RUNDIR", "log": "LOGDIR", "db": "DBDIR", "etc": "SYSCONFDIR"}[v]+"="+dir+"/"+v)
	}
	// Deterministic system type and version, and a place for system-id.conf.
	os.MkdirAll(dir+"/etc/openvswitch", 0o755)
	os.WriteFile(dir+"/etc/openvswitch/system-type.conf", []byte("testtype\n"), 0o644)
	os.WriteFile(dir+"/etc/openvswitch/system-version.conf", []byte("1.2\n"), 0o644)
	t.Cleanup(e.cleanup)
	return e
}

// cleanup stops the daemons, and kills what is left (with its monitor) if
// ovs-ctl could not.
func (e *env) cleanup() {
	e.run(filepath.Join(binDir, "ovs-ctl"), "stop")
	for _, d := range []string{"ovsdb-server", "ovs-vswitchd"} {
		pid, err := readPid(e.dir + "/run/" + d + ".pid")
		if err != nil || !pidExists(pid) {
			continue
		}
		n, _ := strconv.Atoi(pid)
		if ppid := parentPid(n); ppid > 1 && ppid != os.Getpid() {
			syscall.Kill(ppid, syscall.SIGKILL)
		}
		syscall.Kill(n, syscall.SIGKILL)
	}
}

func parentPid(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs a program in the test's directories. A minute is far more than
// any step needs; the limit only keeps a hung step from hanging the test.
func (e *env) run(path string, args ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(os.Environ(), e.vars...)
	cmd.Env = append(cmd.Env, "TERM=dumb")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("%s: %v", path, err)
	}
	return result{out.String(), errb.String(), code}
}

func (e *env) ctl(args ...string) result { return e.run(filepath.Join(binDir, "ovs-ctl"), args...) }

func (e *env) tool(name string, args ...string) string {
	e.t.Helper()
	r := e.run(filepath.Join(binDir, name), args...)
	if r.code != 0 {
		e.t.Fatalf("%s %q: exit %d: %s", name, args, r.code, r.stderr)
	}
	return strings.TrimRight(r.stdout, "\n")
}

func (e *env) pid(daemon string) string {
	e.t.Helper()
	pid, err := readPid(e.dir + "/run/" + daemon + ".pid")
	if err != nil {
		e.t.Fatal(err)
	}
	return pid
}

// wantStderr is what a start prints on standard error: nothing as root,
// nice's complaint otherwise.
func wantStartStderr() string {
	if os.Geteuid() == 0 {
		return ""
	}
	return "nice: cannot set niceness: Permission denied\n"
}

func check(t *testing.T, what string, got result, stdout string, code int) {
	t.Helper()
	if diff := cmp.Diff(stdout, got.stdout); diff != "" {
		t.Errorf("%s: stdout (-want +got):\n%s", what, diff)
	}
	if got.code != code {
		t.Errorf("%s: exit status %d, want %d (stderr %q)", what, got.code, code, got.stderr)
	}
}

func TestStartStatusStop(t *testing.T) {
	e := newEnv(t)
	d := e.dir
	r := e.ctl("--no-ovs-vswitchd", "--system-id=random", "--external-id=k=v", "start")
	check(t, "start", r, d+"/db/conf.db does not exist ... (warning).\n"+
		"Creating empty database "+d+"/db/conf.db.\n"+
		"Starting ovsdb-server.\n"+
		"Configuring Open vSwitch system IDs.\n"+
		"Enabling remote OVSDB managers.\n", 0)
	if r.stderr != wantStartStderr() {
		t.Errorf("start: stderr %q", r.stderr)
	}
	pid := e.pid("ovsdb-server")

	// The daemon's command line is the script's.
	cmdline, _ := os.ReadFile("/proc/" + pid + "/cmdline")
	want := []string{"ovsdb-server", d + "/db/conf.db", "-vconsole:emer", "-vsyslog:err", "-vfile:info",
		"--remote=punix:" + d + "/run/db.sock",
		"--private-key=db:Open_vSwitch,SSL,private_key",
		"--certificate=db:Open_vSwitch,SSL,certificate",
		"--bootstrap-ca-cert=db:Open_vSwitch,SSL,ca_cert",
		"--no-chdir", "--log-file=" + d + "/log/ovsdb-server.log",
		"--pidfile=" + d + "/run/ovsdb-server.pid", "--detach", "--monitor"}
	if diff := cmp.Diff(want, strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")); diff != "" {
		t.Errorf("ovsdb-server command line (-want +got):\n%s", diff)
	}
	if !daemonIsRunningIn(d, "ovsdb-server") {
		t.Errorf("ovsdb-server not running under its name")
	}
	if os.Geteuid() == 0 {
		if n := niceness(t, pid); n != -10 {
			t.Errorf("ovsdb-server niceness %d, want -10", n)
		}
	}

	// The database was initialised.
	id, err := os.ReadFile(d + "/etc/openvswitch/system-id.conf")
	if err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{
		"db_version":             "\"" + version.SchemaVersion + "\"",
		"ovs_version":            "\"" + version.Version + "\"",
		"system_type":            "testtype",
		"system_version":         "\"1.2\"",
		"external_ids:system-id": "\"" + strings.TrimSpace(string(id)) + "\"",
		"external_ids:rundir":    "\"" + d + "/run\"",
		"external_ids:k":         "v",
		"external_ids:hostname":  "",
		"manager_options":        "[]",
	} {
		got := e.tool("ovs-vsctl", "get", "Open_vSwitch", ".", col)
		if want != "" && got != want {
			t.Errorf("%s = %s, want %s", col, got, want)
		}
		if want == "" && got == "" {
			t.Errorf("%s is empty", col)
		}
	}
	if remotes := e.tool("ovs-appctl", "-t", "ovsdb-server", "ovsdb-server/list-remotes"); !strings.Contains(remotes, managerRemote) {
		t.Errorf("remotes lack %s:\n%s", managerRemote, remotes)
	}

	check(t, "status", e.ctl("status"), "ovsdb-server is running with pid "+pid+"\novs-vswitchd is not running\n", 1)
	check(t, "second start", e.ctl("--no-ovs-vswitchd", "--system-id=random", "start"),
		"ovsdb-server is already running.\nEnabling remote OVSDB managers.\n", 0)
	e.tool("ovs-vsctl", "--no-wait", "add-br", "br0")

	check(t, "stop", e.ctl("stop"), "ovs-vswitchd is not running.\nExiting ovsdb-server ("+pid+").\n", 0)
	if pidExists(pid) {
		t.Errorf("ovsdb-server %s still runs", pid)
	}
	if _, err := os.Stat(d + "/run/ovsdb-server.pid"); err == nil {
		t.Errorf("pidfile left behind")
	}
	check(t, "second stop", e.ctl("stop"), "ovs-vswitchd is not running.\novsdb-server is not running.\n", 0)
	check(t, "status", e.ctl("status"), "ovsdb-server is not running\novs-vswitchd is not running\n", 1)

	// A restart keeps the database, --delete-bridges empties it.
	r = e.ctl("--no-ovs-vswitchd", "--system-id=random", "--delete-bridges", "start")
	check(t, "start --delete-bridges", r, "Starting ovsdb-server.\nConfiguring Open vSwitch system IDs.\nEnabling remote OVSDB managers.\n", 0)
	if got := e.tool("ovs-vsctl", "list-br"); got != "" {
		t.Errorf("bridges left: %q", got)
	}
	if got := e.tool("ovs-vsctl", "get", "Open_vSwitch", ".", "external_ids:system-id"); got != "\""+strings.TrimSpace(string(id))+"\"" {
		t.Errorf("system-id changed to %s", got)
	}
}

func daemonIsRunningIn(dir, daemon string) bool {
	pid, err := readPid(dir + "/run/" + daemon + ".pid")
	if err != nil {
		return false
	}
	comm, _ := os.ReadFile("/proc/" + pid + "/comm")
	return strings.TrimSpace(string(comm)) == daemon
}

func niceness(t *testing.T, pid string) int {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	n, _ := strconv.Atoi(f[16]) // field 19 of stat, counted after the command name
	return n
}

func TestConvertsOldDatabase(t *testing.T) {
	e := newEnv(t)
	d := e.dir
	text := string(ovsdb.VswitchSchemaText())
	old := regexp.MustCompile(`"version": *"[^"]*"`).ReplaceAllString(text, `"version": "8.2.0"`)
	if old == text {
		t.Fatal("schema has no version")
	}
	cksum := regexp.MustCompile(`"cksum": *"([0-9]+) `).FindStringSubmatch(text)[1]
	os.MkdirAll(d+"/db", 0o755)
	os.WriteFile(d+"/old.ovsschema", []byte(old), 0o644)
	e.tool("ovsdb-tool", "create", d+"/db/conf.db", d+"/old.ovsschema")

	r := e.ctl("--no-ovs-vswitchd", "--system-id=0f9e8d7c-0000-4000-8000-000000000001", "--no-record-hostname", "start")
	backup := d + "/db/conf.db.backup8.2.0-" + cksum
	check(t, "start", r, "Backing up database to "+backup+".\n"+
		"Compacting database.\n"+
		"Converting database schema.\n"+
		"Starting ovsdb-server.\n"+
		"Configuring Open vSwitch system IDs.\n"+
		"Enabling remote OVSDB managers.\n", 0)
	if got := e.tool("ovs-vsctl", "get", "Open_vSwitch", ".", "external_ids"); got != `{rundir="`+d+`/run", system-id="0f9e8d7c-0000-4000-8000-000000000001"}` {
		t.Errorf("external_ids = %s", got)
	}
	e.ctl("stop")
	if got := e.tool("ovsdb-tool", "db-version", d+"/db/conf.db"); got != version.SchemaVersion {
		t.Errorf("converted database has version %s", got)
	}
	if got := e.tool("ovsdb-tool", "db-version", backup); got != "8.2.0" {
		t.Errorf("backup has version %s", got)
	}
}

func TestStalePidfile(t *testing.T) {
	e := newEnv(t)
	d := e.dir
	os.MkdirAll(d+"/run", 0o755)
	// Above the largest pid_max Linux allows, so never a live process.
	const dead = "4194305"
	os.WriteFile(d+"/run/ovsdb-server.pid", []byte(dead+"\n"), 0o644)
	os.WriteFile(d+"/run/ovsdb-server."+dead+".ctl", nil, 0o644)
	check(t, "status", e.ctl("status"),
		"Pidfile for ovsdb-server ("+d+"/run/ovsdb-server.pid) is stale\novs-vswitchd is not running\n", 1)
	check(t, "stop", e.ctl("stop"), "ovs-vswitchd is not running.\n", 0)
	if _, err := os.Stat(d + "/run/ovsdb-server." + dead + ".ctl"); err == nil {
		t.Errorf("stale control socket left behind")
	}
}

func TestStartFailure(t *testing.T) {
	e := newEnv(t)
	d := e.dir
	os.MkdirAll(d+"/db", 0o755)
	os.WriteFile(d+"/db/bad.db", []byte("garbage\n"), 0o644)
	r := e.ctl("--no-ovs-vswitchd", "--system-id=x", "--db-file="+d+"/db/bad.db", "start")
	check(t, "start", r, "Starting ovsdb-server ... failed!\n", 1)
	if !strings.Contains(r.stderr, "ovsdb-server: ovsdb error: "+d+"/db/bad.db: unexpected file format") {
		t.Errorf("stderr lacks ovsdb-server's reason:\n%s", r.stderr)
	}
}

func TestCommandLine(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{nil, "", "ovs-ctl: missing command name (use --help for help)\n", 1},
		{[]string{"frob"}, "", "ovs-ctl: unknown command \"frob\" (use --help for help)\n", 1},
		{[]string{"start", "stop"}, "", "ovs-ctl: exactly one non-option argument required (use --help for help)\n", 1},
		{[]string{"-x", "status"}, "", "ovs-ctl: unknown option \"-x\" (use --help for help)\n", 1},
		{[]string{"--external-id=foo"}, "", "ovs-ctl: --external-id argument not in the form \"key=value\"\n", 1},
		{[]string{"--bogus", "status"}, "ovsdb-server is not running\novs-vswitchd is not running\n",
			"ovs-ctl: unknown option \"--bogus\" (use --help for help)\n", 1},
		{[]string{"-V"}, version.Line("ovs-ctl") + "\n", "", 0},
		{[]string{"--version", "frob"}, version.Line("ovs-ctl") + "\n", "", 0},
	}
	for _, tt := range tests {
		r := e.ctl(tt.args...)
		if r.stdout != tt.stdout || r.stderr != tt.stderr || r.code != tt.code {
			t.Errorf("ovs-ctl %q: got %q, %q, %d; want %q, %q, %d", tt.args, r.stdout, r.stderr, r.code, tt.stdout, tt.stderr, tt.code)
		}
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := e.ctl(args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "ovs-ctl: ") || !strings.Contains(r.stdout, "--db-file=FILE     database file (default: "+e.dir+"/db/conf.db)") {
			t.Errorf("ovs-ctl %q: exit %d, output:\n%s", args, r.code, r.stdout)
		}
	}
}

// lookReal finds Debian's ovs-ctl, skipping the test without it unless CI
// requires it.
func lookReal(t *testing.T) string {
	const script = "/usr/share/openvswitch/scripts/ovs-ctl"
	_, err := os.Stat(script)
	if err == nil {
		_, err = exec.LookPath("ovsdb-server")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real OVS needed in CI: %v", err)
		}
		t.Skipf("real OVS not installed: %v", err)
	}
	return script
}

// TestAgainstRealScript runs the same sequence with Debian's ovs-ctl and
// with ours and compares what they print and their exit statuses.
func TestAgainstRealScript(t *testing.T) {
	real := lookReal(t)
	if os.Geteuid() != 0 {
		// The script's "install -o root" fails otherwise, with messages
		// of its own on standard error.
		t.Skip("the real ovs-ctl needs root")
	}
	ours := filepath.Join(binDir, "ovs-ctl")
	steps := [][]string{
		{"status"},
		{"--no-ovs-vswitchd", "--system-id=random", "--no-record-hostname", "start"},
		{"status"},
		{"--no-ovs-vswitchd", "--system-id=random", "start"},
		{"--no-ovs-vswitchd", "--no-record-hostname", "restart"},
		{"--bogus", "--no-ovsdb-server", "stop"},
		{"stop"},
		{"stop"},
		{"--no-ovs-vswitchd", "--system-id=x", "--db-file=BAD", "start"},
		{"frob"},
		{},
	}
	pids := regexp.MustCompile(`(pid |\()[0-9]+`)
	transcript := func(program string) (string, string) {
		e := newEnv(t)
		os.MkdirAll(e.dir+"/db", 0o755)
		os.WriteFile(e.dir+"/db/bad.db", []byte("garbage\n"), 0o644)
		var out, cmdline strings.Builder
		for _, step := range steps {
			args := slices.Clone(step)
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "BAD", e.dir+"/db/bad.db")
			}
			r := e.run(program, args...)
			text := pids.ReplaceAllString(r.stdout, "${1}PID")
			text = strings.ReplaceAll(text, e.dir, "DIR")
			errText := strings.ReplaceAll(r.stderr, program, "ovs-ctl")
			errText = strings.ReplaceAll(errText, e.dir, "DIR")
			fmt.Fprintf(&out, "$ ovs-ctl %s\n%s[stderr]\n%s[exit %d]\n", strings.Join(step, " "), text, errText, r.code)
			if len(step) > 1 && step[len(step)-1] == "start" && r.code == 0 && cmdline.Len() == 0 {
				b, _ := os.ReadFile("/proc/" + e.pid("ovsdb-server") + "/cmdline")
				cmdline.WriteString(strings.ReplaceAll(string(b), e.dir, "DIR"))
			}
		}
		return out.String(), cmdline.String()
	}
	wantOut, wantCmd := transcript(real)
	gotOut, gotCmd := transcript(ours)
	if diff := cmp.Diff(wantOut, gotOut); diff != "" {
		t.Errorf("transcript (-real +ours):\n%s", diff)
	}
	if diff := cmp.Diff(wantCmd, gotCmd); diff != "" {
		t.Errorf("ovsdb-server command line (-real +ours):\n%s", diff)
	}
}

// TestBothDaemons starts and stops ovsdb-server and ovs-vswitchd together,
// once the binary carries ovs-vswitchd.
func TestBothDaemons(t *testing.T) {
	if _, err := os.Lstat(filepath.Join(binDir, "ovs-vswitchd")); err != nil {
		t.Skip("this build has no ovs-vswitchd yet")
	}
	e := newEnv(t)
	d := e.dir
	r := e.ctl("--system-id=random", "--no-mlockall", "start")
	check(t, "start", r, d+"/db/conf.db does not exist ... (warning).\n"+
		"Creating empty database "+d+"/db/conf.db.\n"+
		"Starting ovsdb-server.\n"+
		"Configuring Open vSwitch system IDs.\n"+
		"Starting ovs-vswitchd.\n"+
		"Enabling remote OVSDB managers.\n", 0)
	db, sw := e.pid("ovsdb-server"), e.pid("ovs-vswitchd")
	cmdline, _ := os.ReadFile("/proc/" + sw + "/cmdline")
	want := []string{"ovs-vswitchd", "unix:" + d + "/run/db.sock", "-vconsole:emer", "-vsyslog:err", "-vfile:info",
		"--no-chdir", "--log-file=" + d + "/log/ovs-vswitchd.log",
		"--pidfile=" + d + "/run/ovs-vswitchd.pid", "--detach", "--monitor"}
	if diff := cmp.Diff(want, strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")); diff != "" {
		t.Errorf("ovs-vswitchd command line (-want +got):\n%s", diff)
	}
	check(t, "status", e.ctl("status"), "ovsdb-server is running with pid "+db+"\novs-vswitchd is running with pid "+sw+"\n", 0)
	check(t, "stop", e.ctl("stop"), "Exiting ovs-vswitchd ("+sw+").\nExiting ovsdb-server ("+db+").\n", 0)
}

// ovs-ctl start lays the binary out in 2 MB pages when it finds its own
// code in small ones (as after a reboot), so that the daemons it starts,
// and every tool started later, map their code with huge pages.
func TestStartLaysOutText(t *testing.T) {
	scratch := filepath.Join(t.TempDir(), "scratch")
	if err := os.WriteFile(scratch, make([]byte, 3<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := hugetext.Relayout(scratch); errors.Is(err, hugetext.ErrNoHugePages) {
		t.Skip(err)
	} else if err != nil {
		t.Fatal(err)
	}

	// A copy of the binary whose pages are not cached: its first start
	// reads them in the usual small pages.
	bin := t.TempDir()
	exe := filepath.Join(bin, "ovs")
	src, err := os.ReadFile(filepath.Join(binDir, "ovs"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(exe, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(src)
	f.Sync()
	unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED)
	f.Close()
	os.Symlink("ovs", filepath.Join(bin, "ovs-ctl"))
	before := inodeOf(t, exe)

	e := newEnv(t)
	r := e.run(filepath.Join(bin, "ovs-ctl"), "--no-ovs-vswitchd", "--system-id=random", "start")
	if r.code != 0 {
		t.Fatalf("start: exit %d: %s", r.code, r.stderr)
	}
	if inodeOf(t, exe) == before {
		t.Error("the binary was not laid out again")
	}
	if got, _ := os.ReadFile(exe); !bytes.Equal(got, src) {
		t.Error("the binary's contents changed")
	}
	smaps, err := os.ReadFile("/proc/" + e.pid("ovsdb-server") + "/smaps")
	if err != nil {
		t.Fatal(err)
	}
	// The daemon's code mapping (r-xp, from the binary) has 2 MB pages.
	var hdr string
	huge := false
	for _, line := range strings.Split(string(smaps), "\n") {
		if f := strings.Fields(line); len(f) >= 6 && strings.Contains(f[0], "-") {
			hdr = line
			continue
		}
		if strings.Contains(hdr, " r-xp ") && strings.HasSuffix(hdr, exe) && strings.HasPrefix(line, "FilePmdMapped:") {
			huge = strings.Fields(line)[1] != "0"
		}
	}
	if !huge {
		t.Errorf("ovsdb-server's code is not mapped with 2 MB pages:\n%s", smaps)
	}
}

func inodeOf(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}
