package ovsdbserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govs/ovs/db/storage"
)

// The end-to-end tests run this test binary as the daemon (see TestMain),
// through a symlink named ovsdb-server, detached with a pidfile and a
// control socket in a temporary directory. Where a test compares with the
// real ovsdb-server (Debian's OVS 3.1), the same steps run against both and
// the outputs are compared with UUIDs normalised.

// needOVS skips the test when the real OVS programs are not installed,
// except under CI=true, where their absence is a failure.
func needOVS(t *testing.T, progs ...string) {
	t.Helper()
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", p)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

// ourServer returns the path of an ovsdb-server that is this test binary.
func ourServer(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), program)
	if err := os.Symlink(exe, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// proc is a daemon started by a test.
type proc struct {
	t       *testing.T
	bin     string
	dir     string
	sock    string // punix remote
	ctl     string // control socket
	pidfile string
	logfile string
}

func pathEnv(dir string) []string {
	return append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir)
}

// startDaemon starts bin on dbs in dir with --detach and waits for it to
// be ready. It is stopped when the test ends.
func startDaemon(t *testing.T, bin, dir string, dbs []string, extra ...string) *proc {
	t.Helper()
	p := &proc{
		t: t, bin: bin, dir: dir,
		sock:    filepath.Join(dir, "db.sock"),
		ctl:     filepath.Join(dir, "ctl"),
		pidfile: filepath.Join(dir, "pid"),
		logfile: filepath.Join(dir, "log"),
	}
	args := append([]string{}, dbs...)
	args = append(args, "--remote=punix:"+p.sock, "--unixctl="+p.ctl, "--pidfile="+p.pidfile,
		"--log-file="+p.logfile, "--detach", "--no-chdir")
	args = append(args, extra...)
	r := runIn(t, dir, bin, args...)
	t.Cleanup(p.stop)
	if r.code != 0 {
		t.Fatalf("%s %q: %s", bin, args, r)
	}
	return p
}

func (p *proc) pid() int {
	b, err := os.ReadFile(p.pidfile)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// stop ends the daemon (and a --monitor process above it) if still
// running: SIGTERM, then SIGKILL if it does not go.
func (p *proc) stop() {
	pid := p.pid()
	if pid <= 0 {
		return
	}
	pids := []int{pid}
	if pp := parentPid(pid); pp > 1 && isOurs(pp, p.bin) {
		pids = append([]int{pp}, pids...)
	}
	for _, id := range pids {
		if isOurs(id, p.bin) {
			syscall.Kill(id, syscall.SIGTERM)
		}
	}
	for _, id := range pids {
		if !waitGone(id, 5*time.Second) {
			syscall.Kill(id, syscall.SIGKILL)
			waitGone(id, 5*time.Second)
		}
	}
}

// isOurs reports whether pid still runs bin (pids get reused).
func isOurs(pid int, bin string) bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return false
	}
	if p, err := exec.LookPath(bin); err == nil {
		bin = p
	}
	want, err := filepath.EvalSymlinks(bin)
	if err != nil {
		want = bin
	}
	return exe == want
}

func parentPid(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(strings.TrimSpace(s[i+1:]), "Z")
}

func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return !alive(pid)
}

// result is what one command did.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// runIn runs a command in dir with OVS's paths pointing there.
func runIn(t *testing.T, dir, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = pathEnv(dir)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("%s %q: %v", name, args, err)
	}
	return r
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normUUIDs replaces UUIDs by <N> in order of first appearance, so that
// two runs that create the same rows compare equal.
type normUUIDs map[string]string

func (m normUUIDs) apply(s string) string {
	return uuidRE.ReplaceAllStringFunc(s, func(u string) string {
		if v, ok := m[u]; ok {
			return v
		}
		v := fmt.Sprintf("<%d>", len(m))
		m[u] = v
		return v
	})
}

// sortedLines normalises every UUID to one token and sorts the lines, for
// outputs whose row order follows the UUIDs.
func sortedLines(s string) string {
	lines := strings.Split(uuidRE.ReplaceAllString(s, "<uuid>"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// pair is the real ovsdb-server and ours, each on a fresh copy of the
// Open_vSwitch database.
type pair struct{ real, ours *proc }

func startPair(t *testing.T, extra ...string) pair {
	t.Helper()
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	bin := ourServer(t)
	var ps [2]*proc
	for i, b := range []string{"ovsdb-server", bin} {
		dir := t.TempDir()
		db := filepath.Join(dir, "conf.db")
		if r := runIn(t, dir, "ovsdb-tool", "create", db, vswitchSchemaPath(t)); r.code != 0 {
			t.Fatalf("ovsdb-tool create: %s", r)
		}
		ps[i] = startDaemon(t, b, dir, []string{db}, extra...)
	}
	return pair{ps[0], ps[1]}
}

// vswitchSchemaPath is the Open_vSwitch schema of the installed OVS.
func vswitchSchemaPath(t *testing.T) string {
	for _, p := range []string{"/usr/share/openvswitch/vswitch.ovsschema", "/usr/local/share/openvswitch/vswitch.ovsschema"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("vswitch.ovsschema not installed")
	}
	t.Skip("vswitch.ovsschema not installed")
	return ""
}

// compare runs the same command against both servers (with %SOCK%
// replaced by each server's socket) and compares exit status and output.
func (pr pair) compare(t *testing.T, nr, no normUUIDs, sorted bool, name string, args ...string) {
	t.Helper()
	var rs [2]result
	for i, p := range []*proc{pr.real, pr.ours} {
		a := make([]string, len(args))
		for j, s := range args {
			a[j] = strings.ReplaceAll(s, "%SOCK%", "unix:"+p.sock)
		}
		r := runIn(t, p.dir, name, a...)
		norm := []normUUIDs{nr, no}[i]
		for _, s := range []*string{&r.stdout, &r.stderr} {
			*s = strings.ReplaceAll(*s, p.sock, "SOCK")
			if sorted {
				*s = sortedLines(*s)
			} else {
				*s = norm.apply(*s)
			}
		}
		rs[i] = r
	}
	if rs[0] != rs[1] {
		t.Errorf("%s %q differs\nreal: %s\nours: %s", name, args, rs[0], rs[1])
	}
}

func TestE2EVsctl(t *testing.T) {
	needOVS(t, "ovs-vsctl")
	pr := startPair(t)
	nr, no := normUUIDs{}, normUUIDs{}
	v := func(args ...string) {
		t.Helper()
		pr.compare(t, nr, no, false, "ovs-vsctl", append([]string{"--db=%SOCK%", "--no-wait"}, args...)...)
	}
	// For listings of several rows, whose order follows the UUIDs.
	vs := func(args ...string) {
		t.Helper()
		pr.compare(t, nr, no, true, "ovs-vsctl", append([]string{"--db=%SOCK%", "--no-wait"}, args...)...)
	}
	v("init")
	v("add-br", "br0")
	v("add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=internal")
	v("set", "Bridge", "br0", "other_config:hwaddr=00:11:22:33:44:55", "external_ids:k=v")
	v("get", "Interface", "p1", "type")
	v("get", "Bridge", "br0", "other_config:hwaddr")
	vs("list", "Bridge")
	vs("--columns=name,type", "list", "Interface")
	vs("find", "Port", "name=p1")
	vs("show")
	v("add-br", "br0")
	v("get", "Bridge", "nosuch", "name")
	v("set", "Bridge", "br0", "nosuchcolumn=1")
	v("del-port", "br0", "p1")
	v("list-ports", "br0")
	v("del-br", "br0")
	v("list-br")
	vs("show")
}

func TestE2EClient(t *testing.T) {
	needOVS(t, "ovsdb-client", "ovs-vsctl")
	pr := startPair(t)
	nr, no := normUUIDs{}, normUUIDs{}
	pr.compare(t, nr, no, false, "ovs-vsctl", "--db=%SOCK%", "--no-wait", "init", "--", "add-br", "br0")
	c := func(sorted bool, args ...string) {
		t.Helper()
		pr.compare(t, nr, no, sorted, "ovsdb-client", args...)
	}
	c(false, "list-dbs", "%SOCK%")
	c(false, "get-schema", "%SOCK%", "Open_vSwitch")
	c(false, "get-schema-version", "%SOCK%")
	// ovsdb-client lists tables and columns in the hash order of the
	// get_schema reply it parsed, whose member order is db/server's (see
	// the report): compare the lists, not their order.
	c(true, "list-tables", "%SOCK%")
	c(true, "list-columns", "%SOCK%", "Open_vSwitch", "Bridge")
	c(true, "dump", "%SOCK%")
	c(true, "dump", "%SOCK%", "_Server")
	c(false, "transact", "%SOCK%",
		`["Open_vSwitch",{"op":"select","table":"Bridge","where":[],"columns":["name","datapath_type"]}]`)
	c(false, "transact", "%SOCK%",
		`["Open_vSwitch",{"op":"insert","table":"Bridge","row":{"name":5}}]`)
	c(false, "transact", "%SOCK%",
		`["Open_vSwitch",{"op":"insert","table":"Flow_Sample_Collector_Set","row":{"id":1,"bridge":["named-uuid","x"]}}]`)
	c(false, "transact", "%SOCK%",
		`["Nope",{"op":"select","table":"Bridge","where":[]}]`)
	c(false, "query", "%SOCK%",
		`["Open_vSwitch",{"op":"delete","table":"Bridge","where":[]}]`)

	// monitor ALL: the initial contents, then one change.
	var outs [2]string
	for i, p := range []*proc{pr.real, pr.ours} {
		outs[i] = monitorAll(t, p)
	}
	if outs[0] != outs[1] {
		t.Errorf("monitor ALL differs\nreal:\n%s\nours:\n%s", outs[0], outs[1])
	}
}

// monitorAll runs "ovsdb-client monitor SOCK ALL", makes a change once the
// initial contents are out, and returns what was printed, normalised.
func monitorAll(t *testing.T, p *proc) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ovsdb-client", "monitor", "unix:"+p.sock, "ALL")
	cmd.Env = pathEnv(p.dir)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	waitFor(t, "monitor initial contents", func() bool { return strings.Contains(out.String(), "br0") })
	if r := runIn(t, p.dir, "ovs-vsctl", "--db=unix:"+p.sock, "--no-wait", "add-br", "brm"); r.code != 0 {
		t.Fatal(r)
	}
	waitFor(t, "monitor update", func() bool { return strings.Count(out.String(), "brm") >= 3 })
	time.Sleep(200 * time.Millisecond)
	return sortedLines(out.String())
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer collects a child's output while the test reads it.
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

func TestE2EAppctl(t *testing.T) {
	needOVS(t, "ovs-appctl")
	pr := startPair(t)
	for _, args := range [][]string{
		{"ovsdb-server/list-dbs"},
		{"ovsdb-server/list-remotes"},
		{"ovsdb-server/compact"},
		{"ovsdb-server/compact", "_Server"},
		{"ovsdb-server/add-remote", "db:Open_vSwitch,Nope,x"},
		{"ovsdb-server/remove-remote", "nope"},
		{"ovsdb-server/remove-db", "_Server"},
		{"ovsdb-server/sync-status"},
		{"ovsdb-server/tlog-set", "Open_vSwitch:Bridge", "on"},
		{"ovsdb-server/tlog-list"},
		{"vlog/set", "ovsdb_server:file:dbg"},
		{"vlog/set", "nonsense"},
		{"memory/show"},
		{"version"},
	} {
		var rs [2]result
		for i, p := range []*proc{pr.real, pr.ours} {
			r := runIn(t, p.dir, "ovs-appctl", append([]string{"-t", p.ctl}, args...)...)
			r.stdout = strings.ReplaceAll(r.stdout, "Open vSwitch) 3.1.0", "GoVS) 0.1.0")
			r.stdout = strings.ReplaceAll(r.stdout, p.sock, "SOCK")
			r.stderr = strings.ReplaceAll(r.stderr, p.ctl, "CTL")
			rs[i] = r
		}
		if rs[0] != rs[1] {
			t.Errorf("ovs-appctl %q differs\nreal: %s\nours: %s", args, rs[0], rs[1])
		}
	}
	p := pr.ours
	r := runIn(t, p.dir, "ovs-appctl", "-t", p.ctl, "list-commands")
	for _, cmd := range []string{"exit", "ovsdb-server/compact", "ovsdb-server/add-db     DB", "vlog/list", "memory/show", "coverage/show"} {
		if !strings.Contains(r.stdout, "  "+cmd) {
			t.Errorf("list-commands lacks %q:\n%s", cmd, r.stdout)
		}
	}
	// vlog/set above made ovsdb_server log to the file at DBG; the
	// console is off since the daemon detached.
	r = runIn(t, p.dir, "ovs-appctl", "-t", p.ctl, "vlog/list")
	if !regexp.MustCompile(`(?m)^ovsdb_server +OFF +INFO +DBG$`).MatchString(r.stdout) {
		t.Errorf("vlog/list: %s", r)
	}
	pid := p.pid()
	r = runIn(t, p.dir, "ovs-appctl", "-t", p.ctl, "exit")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("exit: %s", r)
	}
	if !waitGone(pid, 5*time.Second) {
		t.Fatal("daemon still running after exit")
	}
	for _, f := range []string{p.sock, p.ctl, p.pidfile} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind after exit", f)
		}
	}
}

// TestE2EFileInterop checks that a file written by our server opens in the
// real one and the reverse, compacted or not.
func TestE2EFileInterop(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool", "ovs-vsctl")
	bin := ourServer(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "conf.db")
	if r := runIn(t, dir, "ovsdb-tool", "create", db, vswitchSchemaPath(t)); r.code != 0 {
		t.Fatal(r)
	}
	steps := [][]string{
		{"init", "--", "add-br", "br0"},
		{"add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=internal", "mtu_request=1400"},
		{"set", "Bridge", "br0", "other_config:a=b", "--", "add-br", "br1"},
		{"del-br", "br1", "--", "set", "Port", "p1", "tag=5"},
	}
	var shows []string
	for i, step := range steps {
		// Alternate: even steps in ours, odd ones in the real server,
		// compacting in between, then look with the other one.
		writer, reader := bin, "ovsdb-server"
		if i%2 == 1 {
			writer, reader = reader, writer
		}
		sub := t.TempDir()
		w := startDaemon(t, writer, sub, []string{db})
		if r := runIn(t, sub, "ovs-vsctl", append([]string{"--db=unix:" + w.sock, "--no-wait"}, step...)...); r.code != 0 {
			t.Fatalf("step %d: %s", i, r)
		}
		want := runIn(t, sub, "ovs-vsctl", "--db=unix:"+w.sock, "show").stdout
		if i == 2 {
			runIn(t, sub, "ovs-appctl", "-t", w.ctl, "ovsdb-server/compact")
		}
		w.stop()
		if r := runIn(t, dir, "ovsdb-tool", "show-log", db); r.code != 0 {
			t.Fatalf("ovsdb-tool show-log after step %d: %s", i, r)
		}
		sub2 := t.TempDir()
		rd := startDaemon(t, reader, sub2, []string{db})
		got := runIn(t, sub2, "ovs-vsctl", "--db=unix:"+rd.sock, "show").stdout
		rd.stop()
		if got != want {
			t.Errorf("step %d: written by %s, read by %s:\n%s\nwant:\n%s", i, writer, reader, got, want)
		}
		shows = append(shows, got)
	}
	if !strings.Contains(shows[3], "tag: 5") {
		t.Errorf("last state:\n%s", shows[3])
	}
}

// TestE2ECrashSafety kills the server in the middle of a stream of
// transactions: every transaction whose reply the client got must be in
// the file when the server starts again.
func TestE2ECrashSafety(t *testing.T) {
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	p := startDaemon(t, bin, dir, []string{db})
	acked := streamTransactions(t, p, 150)
	p.stop()
	if len(acked) < 150 {
		t.Fatalf("only %d transactions acknowledged", len(acked))
	}
	p2 := startDaemon(t, bin, t.TempDir(), []string{db})
	present := selectAll(t, p2)
	for _, n := range acked {
		if !present[n] {
			t.Errorf("acknowledged transaction %d lost", n)
		}
	}
}

// streamTransactions sends inserts one after the other and SIGKILLs the
// server once n have been acknowledged, while more are in flight. It
// returns the acknowledged ones.
func streamTransactions(t *testing.T, p *proc, n int) []int {
	t.Helper()
	c := dialJSONRPC(t, p.sock)
	defer c.close()
	var acked []int
	pid := p.pid()
	for i := 0; ; i++ {
		req := fmt.Sprintf(`{"id":%d,"method":"transact","params":["T",{"op":"insert","table":"R","row":{"n":%d}}]}`, i, i)
		if err := c.send(req); err != nil {
			break
		}
		if i == n {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		reply, err := c.recv()
		if err != nil {
			break
		}
		if strings.Contains(reply, `"uuid"`) {
			acked = append(acked, i)
		}
	}
	waitGone(pid, 5*time.Second)
	return acked
}

func selectAll(t *testing.T, p *proc) map[int]bool {
	t.Helper()
	c := dialJSONRPC(t, p.sock)
	defer c.close()
	c.send(`{"id":1,"method":"transact","params":["T",{"op":"select","table":"R","where":[],"columns":["n"]}]}`)
	reply, err := c.recv()
	if err != nil {
		t.Fatal(err)
	}
	present := make(map[int]bool)
	for _, m := range regexp.MustCompile(`"n":(\d+)`).FindAllStringSubmatch(reply, -1) {
		n, _ := strconv.Atoi(m[1])
		present[n] = true
	}
	return present
}

// TestE2ETornTail starts the server on a file whose last record is torn:
// it logs OVS's error, serves what precedes it, and the next write cuts
// the torn record off.
func TestE2ETornTail(t *testing.T) {
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	p := startDaemon(t, bin, dir, []string{db})
	streamTransactionsN(t, p, 1000, 3)
	p.stop()
	st, _ := os.Stat(db)
	fh, err := os.OpenFile(db, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fh.WriteString("OVSDB JSON 200 0123456789012345678901234567890123456789\n{\"_date\":1")
	fh.Close()

	p = startDaemon(t, bin, t.TempDir(), []string{db})
	logText, _ := os.ReadFile(p.logfile)
	want := fmt.Sprintf("|ovsdb_server|ERR|I/O error: %s: error reading 200 bytes starting at offset %d (End of file)\n", db, st.Size()+56)
	if !strings.Contains(string(logText), want) {
		t.Errorf("log lacks %q:\n%s", want, logText)
	}
	if got := selectAll(t, p); len(got) != 3 {
		t.Errorf("rows before the torn record: %v", got)
	}
	streamTransactionsN(t, p, 2000, 1)
	p.stop()
	if _, txns, err := readAllLog(db); err != nil || txns != 4 {
		t.Errorf("file after the next write: %d transactions, %v", txns, err)
	}
}

func streamTransactionsN(t *testing.T, p *proc, base, n int) {
	t.Helper()
	c := dialJSONRPC(t, p.sock)
	defer c.close()
	for i := range n {
		c.send(fmt.Sprintf(`{"id":%d,"method":"transact","params":["T",{"op":"insert","table":"R","row":{"n":%d}}]}`, i, base+i))
		if r, err := c.recv(); err != nil || !strings.Contains(r, "uuid") {
			t.Fatalf("transaction: %q %v", r, err)
		}
	}
}

// TestE2EManagerStatus configures a remote through the Manager table:
// the server listens on it and writes its status back into the row.
func TestE2EManagerStatus(t *testing.T) {
	needOVS(t, "ovs-vsctl", "ovsdb-client")
	bin := ourServer(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "conf.db")
	if r := runIn(t, dir, "ovsdb-tool", "create", db, vswitchSchemaPath(t)); r.code != 0 {
		t.Fatal(r)
	}
	p := startDaemon(t, bin, dir, []string{db}, "--remote=db:Open_vSwitch,Open_vSwitch,manager_options")
	vsctl := func(args ...string) result {
		t.Helper()
		return runIn(t, dir, "ovs-vsctl", append([]string{"--db=unix:" + p.sock, "--no-wait"}, args...)...)
	}
	if r := vsctl("init", "--", "set-manager", "ptcp:0:127.0.0.1"); r.code != 0 {
		t.Fatal(r)
	}
	var port string
	waitFor(t, "bound_port in the Manager status", func() bool {
		r := vsctl("get", "Manager", ".", "status:bound_port")
		port = strings.Trim(strings.TrimSpace(r.stdout), `"`)
		return r.code == 0 && port != ""
	})
	r := runIn(t, dir, "ovsdb-client", "list-dbs", "tcp:127.0.0.1:"+port)
	if r.code != 0 || r.stdout != "Open_vSwitch\n_Server\n" {
		t.Errorf("list-dbs through the managed remote: %s", r)
	}
	st := vsctl("get", "Manager", ".", "status").stdout
	if !strings.Contains(st, `sec_since_connect="0"`) || !strings.Contains(st, `sec_since_disconnect="0"`) {
		t.Errorf("status %s", st)
	}
	if r := vsctl("del-manager"); r.code != 0 {
		t.Fatal(r)
	}
	waitFor(t, "remote deconfigured", func() bool {
		return runIn(t, dir, "ovsdb-client", "list-dbs", "tcp:127.0.0.1:"+port).code != 0
	})
}

// TestE2EPidfileRefused starts a second server with the same pidfile.
func TestE2EPidfileRefused(t *testing.T) {
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	p := startDaemon(t, bin, dir, []string{db})
	db2 := createTestDB(t, t.TempDir())
	r := runIn(t, dir, bin, db2, "--pidfile="+p.pidfile, "--unixctl="+filepath.Join(dir, "ctl2"), "--detach", "--no-chdir")
	want := fmt.Sprintf("ovsdb-server: %s: already running as pid %d, aborting\n", p.pidfile, p.pid())
	if r.code == 0 || !strings.HasSuffix(r.stderr, want) {
		t.Errorf("second instance: %s\nwant stderr ending %q", r, want)
	}
	// The database file is locked too.
	r = runIn(t, dir, bin, db, "--unixctl="+filepath.Join(dir, "ctl3"), "--detach", "--no-chdir")
	if r.code == 0 || !strings.Contains(r.stderr, "ovsdb-server: I/O error: "+db+": failed to lock lockfile (Resource temporarily unavailable)\n") {
		t.Errorf("second server on a locked file: %s", r)
	}
}

// TestE2EDetachBadRemote checks that a detaching server whose remote names
// a database it does not have fails, with OVS's message and status.
func TestE2EDetachBadRemote(t *testing.T) {
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	r := runIn(t, dir, bin, db, "--remote=db:Nope,R,n", "--pidfile="+filepath.Join(dir, "pid"),
		"--unixctl="+filepath.Join(dir, "ctl"), "--detach", "--no-chdir")
	if r.code != 1 || r.stderr != "ovsdb-server: \"db:Nope,R,n\": no database named Nope\n\n" {
		t.Errorf("bad remote: %s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "pid")); err == nil {
		t.Error("pidfile left behind")
	}
}

// TestE2EMonitor checks --monitor: a crashed daemon is restarted, one told
// to exit is not.
func TestE2EMonitor(t *testing.T) {
	needOVS(t, "ovs-appctl")
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	p := startDaemon(t, bin, dir, []string{db}, "--monitor")
	pid := p.pid()
	monitor := parentPid(pid)
	syscall.Kill(pid, syscall.SIGSEGV)
	waitFor(t, "restarted daemon", func() bool {
		n := p.pid()
		return n != 0 && n != pid && alive(n)
	})
	waitFor(t, "restarted daemon's control socket", func() bool {
		return runIn(t, dir, "ovs-appctl", "-t", p.ctl, "version").code == 0
	})
	pid2 := p.pid()
	if r := runIn(t, dir, "ovs-appctl", "-t", p.ctl, "exit"); r.code != 0 {
		t.Fatal(r)
	}
	if !waitGone(pid2, 5*time.Second) || !waitGone(monitor, 5*time.Second) {
		t.Error("daemon or monitor still running after exit")
	}
}

// TestE2ESigterm checks that SIGTERM removes the pidfile and sockets.
func TestE2ESigterm(t *testing.T) {
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	p := startDaemon(t, bin, dir, []string{db}, "--remote=punix:"+filepath.Join(dir, "second.sock"))
	pid := p.pid()
	syscall.Kill(pid, syscall.SIGTERM)
	if !waitGone(pid, 5*time.Second) {
		t.Fatal("still running after SIGTERM")
	}
	for _, f := range []string{p.sock, p.ctl, p.pidfile, filepath.Join(dir, "second.sock")} {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%s left behind", f)
		}
	}
	logText, _ := os.ReadFile(p.logfile)
	if !strings.Contains(string(logText), "|fatal_signal|WARN|terminating with signal 15 (Terminated)\n") {
		t.Errorf("log:\n%s", logText)
	}
}

// TestE2EConvert converts a database online with ovsdb-client: the file is
// rewritten under the new schema with OVS's comment, and the data survive
// a restart.
func TestE2EConvert(t *testing.T) {
	needOVS(t, "ovsdb-client")
	bin := ourServer(t)
	dir := t.TempDir()
	db := createTestDB(t, dir)
	p := startDaemon(t, bin, dir, []string{db})
	streamTransactionsN(t, p, 1000, 2)
	newSchema := filepath.Join(dir, "new.ovsschema")
	text := strings.Replace(testSchema, `"version":"1.0.0"`, `"version":"1.1.0"`, 1)
	text = strings.Replace(text, `"n":{"type":"integer"}`, `"n":{"type":"integer"},"added":{"type":"string"}`, 1)
	if err := os.WriteFile(newSchema, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runIn(t, dir, "ovsdb-client", "convert", "unix:"+p.sock, newSchema); r.code != 0 {
		t.Fatal(r)
	}
	streamTransactionsN(t, p, 2000, 1)
	p.stop()
	schema, txns, err := storage.ReadAll(db)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := schema.Get("version"); v.S != "1.1.0" || len(txns) != 2 {
		t.Fatalf("file after convert: schema %s, %d transactions", v.String(), len(txns))
	}
	if c, _ := txns[0].Get("_comment"); c.S != convertComment {
		t.Errorf("conversion record comment %q", c.S)
	}
	p = startDaemon(t, bin, t.TempDir(), []string{db})
	if got := selectAll(t, p); len(got) != 3 {
		t.Errorf("rows after convert and restart: %v", got)
	}
}
