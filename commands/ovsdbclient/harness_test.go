package ovsdbclient

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The differential tests run the real ovsdb-client and ours side by side
// against one real ovsdb-server and compare what they print. Ours runs as
// this test binary re-executed with envMain set, so that it is a separate
// process exactly like the real one: exit statuses, signals, detaching and
// stdout buffering all behave as they do for users.
const envMain = "GOVS_TEST_OVSDB_CLIENT_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envMain) != "" {
		os.Exit(Main(append([]string{program}, os.Args[1:]...)))
	}
	os.Exit(m.Run())
}

// needOVS skips the test when the real OVS tools are not installed, unless
// CI=true, where they must be.
func needOVS(t *testing.T) {
	t.Helper()
	for _, p := range []string{"ovsdb-server", "ovsdb-tool", "ovsdb-client", "ovs-vsctl", "ovs-appctl"} {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", p)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

// ovsEnv is a private OVS directory layout.
type ovsEnv struct {
	dir  string
	sock string // unix socket of the server, also the default server
}

func (e *ovsEnv) environ() []string {
	env := os.Environ()
	for _, v := range []string{"OVS_RUNDIR", "OVS_DBDIR", "OVS_LOGDIR", "OVS_SYSCONFDIR"} {
		env = append(env, v+"="+e.dir)
	}
	return env
}

func (e *ovsEnv) server() string { return "unix:" + e.sock }

// startServer runs a real ovsdb-server on databases created from schemas,
// with the socket <dir>/db.sock, which is the default server for both
// clients in this environment.
func startServer(t *testing.T, schemas ...string) *ovsEnv {
	t.Helper()
	needOVS(t)
	e := &ovsEnv{dir: t.TempDir()}
	e.sock = filepath.Join(e.dir, "db.sock")
	args := []string{"--remote=punix:" + e.sock, "--unixctl=" + filepath.Join(e.dir, "server.ctl"),
		"--no-chdir", "--log-file=" + filepath.Join(e.dir, "server.log"), "-vconsole:off"}
	for i, schema := range schemas {
		db := filepath.Join(e.dir, fmt.Sprintf("db%d.db", i))
		if out, err := exec.Command("ovsdb-tool", "create", db, schema).CombinedOutput(); err != nil {
			t.Fatalf("ovsdb-tool create: %v\n%s", err, out)
		}
		args = append(args, db)
	}
	cmd := exec.Command("ovsdb-server", args...)
	cmd.Env = e.environ()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	for i := 0; ; i++ {
		if _, err := os.Stat(e.sock); err == nil {
			break
		}
		if i == 500 {
			t.Fatal("ovsdb-server did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return e
}

const vswitchSchema = "/usr/share/openvswitch/vswitch.ovsschema"

func testSchema(t *testing.T) string {
	p, err := filepath.Abs("testdata/test.ovsschema")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// populate fills the Open_vSwitch database with ovs-vsctl and the Test
// database with a transaction, using values that exercise quoting,
// escaping, empty sets and maps, references and non-ASCII text.
func (e *ovsEnv) populate(t *testing.T, vswitch, test bool) {
	t.Helper()
	if vswitch {
		e.vsctl(t, "init", "--", "add-br", "br0", "--", "add-port", "br0", "p1", "--", "add-port", "br0", "p2",
			"--", "set", "bridge", "br0", "external_ids:a=b", `external_ids:q="x y"`, `other_config:bs="a\\b"`,
			"--", "add-br", "br1", "--", "set", "bridge", "br1", "fail_mode=secure", "flood_vlans=1,2,3",
			`external_ids:uni="héllo ✓"`, `external_ids:nl="a\nb"`)
	}
	if test {
		e.realClient(t, "transact", `["Test",
 {"op":"insert","table":"Simple","uuid-name":"a","row":{"name":"alpha","n":42,"r":2.5,"b":true,"s":["set",["x","y z"]],"m":["map",[["k","v"],["sp ace","q\"uote"]]],"opt":7,"color":"red","Upper":1,"u":["uuid","01234567-89ab-cdef-0123-456789abcdef"]}},
 {"op":"insert","table":"Simple","uuid-name":"b","row":{"name":"","n":-1,"r":1e100,"s":"one","Upper":1}},
 {"op":"insert","table":"Simple","row":{"name":"line1\nline2\ttab","n":0,"r":0.1}},
 {"op":"insert","table":"Simple","row":{"name":"<html> & 'q'","n":123456789012,"Upper":-5}},
 {"op":"insert","table":"Empty","row":{"x":"a"}},
 {"op":"insert","table":"Empty","row":{"x":"a"}},
 {"op":"insert","table":"Empty","row":{"x":"b"}},
 {"op":"insert","table":"Link","uuid-name":"l1","row":{"name":"l1","target":["named-uuid","a"],"weak":["set",[["named-uuid","a"],["named-uuid","b"]]]}},
 {"op":"insert","table":"Link","row":{"name":"l2","byNum":["map",[[1,["named-uuid","l1"]]]]}},
 {"op":"insert","table":"Singleton","row":{"cfg":["map",[["x",1],["y",2]]]}}]`)
	}
}

func (e *ovsEnv) vsctl(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("ovs-vsctl", append([]string{"--db=" + e.server(), "--no-wait"}, args...)...)
	cmd.Env = e.environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ovs-vsctl %q: %v\n%s", args, err, out)
	}
}

func (e *ovsEnv) realClient(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("ovsdb-client", append([]string{args[0], e.server()}, args[1:]...)...)
	cmd.Env = e.environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-client %q: %v\n%s", args, err, out)
	}
}

type result struct {
	stdout, stderr string
	status         int
}

// command returns the real client (real true) or ours, set up to run args.
func (e *ovsEnv) command(real bool, args ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if real {
		cmd = exec.Command("ovsdb-client", args...)
		cmd.Env = e.environ()
	} else {
		cmd = exec.Command(os.Args[0], args...)
		cmd.Env = append(e.environ(), envMain+"=1")
	}
	cmd.Dir = e.dir
	return cmd
}

func (e *ovsEnv) run(t *testing.T, real bool, stdin []byte, args ...string) result {
	t.Helper()
	cmd := e.command(real, args...)
	var out, errb bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Errorf("%q: %v", args, err)
		return result{status: -1}
	}
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Errorf("%q timed out", args)
	}
	return result{out.String(), errb.String(), exitStatus(cmd.ProcessState)}
}

// exitStatus is the status a shell reports: 128+N for death by signal N.
func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}

var (
	logTimeRE   = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\|`)
	tableTimeRE = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`)
	dateRE      = regexp.MustCompile(`"_date":\d+`)
	uuidRE      = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
)

// normalize removes what legitimately differs between two runs: log and
// --timestamp times, and the version line.
func normalize(s string) string {
	s = logTimeRE.ReplaceAllString(s, "TIME|")
	s = tableTimeRE.ReplaceAllString(s, "TIMESTAMP")
	return s
}

// compare runs args with both clients, one after the other (some commands
// change the database, and the real ovsdb-server does not survive two
// concurrent conversions), and reports any difference.
func (e *ovsEnv) compare(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	real := e.run(t, true, stdin, args...)
	ours := e.run(t, false, stdin, args...)
	report(t, args, real, ours)
	return ours
}

func report(t *testing.T, args []string, real, ours result) {
	t.Helper()
	if normalize(real.stdout) != normalize(ours.stdout) {
		t.Errorf("%q: stdout differs\nreal:\n%s\nours:\n%s", args, real.stdout, ours.stdout)
	}
	if normalize(real.stderr) != normalize(ours.stderr) {
		t.Errorf("%q: stderr differs\nreal:\n%s\nours:\n%s", args, real.stderr, ours.stderr)
	}
	if real.status != ours.status {
		t.Errorf("%q: exit status %d, real %d", args, ours.status, real.status)
	}
}

// compareAll compares commands that do not change the database, several
// at a time and each client at the same time as the other.
func (e *ovsEnv) compareAll(t *testing.T, cmds [][]string) {
	t.Helper()
	sem := make(chan struct{}, 4)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, args := range cmds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var real, ours result
			var inner sync.WaitGroup
			inner.Add(1)
			go func() {
				defer inner.Done()
				real = e.run(t, true, nil, args...)
			}()
			ours = e.run(t, false, nil, args...)
			inner.Wait()
			mu.Lock()
			defer mu.Unlock()
			report(t, args, real, ours)
		}()
	}
	wg.Wait()
}

// formatOptions are the table option sets the table-printing commands are
// compared with. (The table engine has its own exhaustive tests; these
// check that our cells and layout decisions feed it as OVS's do.)
var formatOptions = [][]string{
	nil,
	{"--format=list"},
	{"--format=csv"},
	{"--format=html"},
	{"--format=json"},
	{"--format=json", "--pretty"},
	{"--data=bare"},
	{"--data=json"},
	{"--format=list", "--data=json"},
	{"--format=csv", "--data=bare", "--no-headings"},
	{"--bare"},
	{"--max-column-width=7"},
}

// someFormats is a smaller set for commands whose cells are all alike.
var someFormats = [][]string{nil, {"--format=json"}, {"--bare"}}

func withOptions(opts []string, args ...string) []string {
	return append(append([]string(nil), opts...), args...)
}

func joinArgs(args []string) string { return strings.Join(args, " ") }
