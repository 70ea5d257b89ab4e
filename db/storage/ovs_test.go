package storage

// Differential tests against the real OVS 3.1 tools: files written here must
// be accepted by them, theirs must read here, and damaged files and busy
// locks must be reported with the same words.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/proto/ovsjson"
)

// needOVS skips the test when the real OVS programs are not installed,
// except in CI, which installs them.
func needOVS(t *testing.T, progs ...string) {
	t.Helper()
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed: %v", p, err)
			}
			t.Skipf("%s not installed", p)
		}
	}
}

// ovsTool runs the real ovsdb-tool in dir and returns stdout, stderr and
// the exit status.
func ovsTool(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command("ovsdb-tool", args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("ovsdb-tool %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return out.String(), errb.String(), code
}

// lastLine is the last line of a tool's stderr: its error message after any
// log lines.
func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func writeSchema(t *testing.T, dir string) string {
	p := filepath.Join(dir, "t.ovsschema")
	if err := os.WriteFile(p, []byte(testSchema), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadRealFiles(t *testing.T) {
	needOVS(t, "ovsdb-tool")
	dir := t.TempDir()
	schema := writeSchema(t, dir)
	db := filepath.Join(dir, "real.db")
	if _, e, rc := ovsTool(t, dir, "create", db, schema); rc != 0 {
		t.Fatalf("create: %s", e)
	}
	for i := 1; i <= 3; i++ {
		tx := fmt.Sprintf(`["T",{"op":"insert","table":"t","row":{"n":%d,"s":"r%d"}},{"op":"comment","comment":"c%d"}]`, i, i, i)
		if _, e, rc := ovsTool(t, dir, "transact", db, tx); rc != 0 {
			t.Fatalf("transact: %s", e)
		}
	}
	if _, e, rc := ovsTool(t, dir, "transact", db, `["T",{"op":"update","table":"t","where":[["n","==",2]],"row":{"s":"two"}}]`); rc != 0 {
		t.Fatalf("transact: %s", e)
	}

	check := func(wantTxns int) []ovsjson.Value {
		sch, txns, err := ReadAll(db)
		if err != nil {
			t.Fatal(err)
		}
		if name, _ := sch.Get("name"); name.S != "T" {
			t.Errorf("schema name %v", name)
		}
		if len(txns) != wantTxns {
			t.Fatalf("%d txns, want %d", len(txns), wantTxns)
		}
		for _, tx := range txns {
			if d, ok := tx.Get("_date"); !ok || d.Kind != ovsjson.Integer || d.I < 1_600_000_000_000 {
				t.Errorf("_date in %v", tx)
			}
			if _, ok := tx.Get("t"); !ok {
				t.Errorf("no table in %v", tx)
			}
		}
		return txns
	}
	txns := check(4)
	if c, _ := txns[0].Get("_comment"); c.S != "c1" {
		t.Errorf("comment %v", c)
	}
	if !strings.Contains(txns[3].String(), `"s":"two"`) {
		t.Errorf("update record %v", txns[3])
	}

	// Append to the real file with our writer; OVS reads the result.
	l, err := Open(db, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	readAllValues(t, l)
	if err := l.WriteRecord(mustParse(t, `{"_date":1700000000000,"t":{"1b6a3fe7-1111-4d1b-9e2b-5f7b0d1c2a3e":{"n":42,"s":"ours"}},"_comment":"from go"}`)); err != nil {
		t.Fatal(err)
	}
	if err := l.Commit(true); err != nil {
		t.Fatal(err)
	}
	l.Close()
	out, e, rc := ovsTool(t, dir, "show-log", "-mm", db)
	if rc != 0 || !strings.Contains(out, `record 5: 2023-11-14`) || !strings.Contains(out, `"from go"`) {
		t.Fatalf("show-log after our append (rc %d):\n%s%s", rc, out, e)
	}

	// A file compacted by ovsdb-tool reads too.
	if _, e, rc := ovsTool(t, dir, "compact", db); rc != 0 {
		t.Fatalf("compact: %s", e)
	}
	txns = check(1)
	if c, _ := txns[0].Get("_comment"); !strings.HasPrefix(c.S, "compacted by ovsdb-tool") {
		t.Errorf("compacted record comment %v", c)
	}

	// And the big vswitch schema, if installed.
	const vs = "/usr/share/openvswitch/vswitch.ovsschema"
	if _, err := os.Stat(vs); err == nil {
		vdb := filepath.Join(dir, "conf.db")
		if _, e, rc := ovsTool(t, dir, "create", vdb, vs); rc != 0 {
			t.Fatalf("create: %s", e)
		}
		sch, _, err := ReadAll(vdb)
		if err != nil {
			t.Fatal(err)
		}
		if name, _ := sch.Get("name"); name.S != "Open_vSwitch" {
			t.Errorf("vswitch schema name %v", name)
		}
	}
}

func TestRealToolsReadOurFiles(t *testing.T) {
	needOVS(t, "ovsdb-tool")
	path := newDB(t, 3)
	dir := filepath.Dir(path)
	query := `["T",{"op":"select","table":"t","where":[],"columns":["n"]}]`
	checkRows := func(want ...int) {
		t.Helper()
		out, e, rc := ovsTool(t, dir, "query", path, query)
		if rc != 0 {
			t.Fatalf("query: %s", e)
		}
		v := mustParse(t, out)
		rows, _ := v.A[0].Get("rows")
		if len(rows.A) != len(want) {
			t.Fatalf("query: %s", out)
		}
		for _, n := range want {
			if !strings.Contains(out, fmt.Sprintf(`{"n":%d}`, n)) {
				t.Errorf("query lacks n=%d: %s", n, out)
			}
		}
	}
	out, e, rc := ovsTool(t, dir, "show-log", "-mm", path)
	if rc != 0 || !strings.Contains(out, `record 3: 2023-11-14 22:13:20.003 "txn 3"`) || !strings.Contains(out, `s="row 2"`) {
		t.Fatalf("show-log (rc %d):\n%s%s", rc, out, e)
	}
	checkRows(1, 2, 3)
	if out, _, rc := ovsTool(t, dir, "db-name", path); rc != 0 || out != "T\n" {
		t.Errorf("db-name: %q", out)
	}

	// A compacted file of ours.
	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	readAllValues(t, l)
	snap := `{"_date":1700000000100,"_comment":"compacting database online","_is_diff":true,"t":{"00000002-0000-4000-8000-000000000000":{"n":2,"s":"row 2"},"00000007-0000-4000-8000-000000000000":{"n":7}}}`
	if err := l.Replace([]ovsjson.Value{mustParse(t, testSchema), mustParse(t, snap)}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	checkRows(2, 7)
	if _, e, rc := ovsTool(t, dir, "show-log", path); rc != 0 {
		t.Fatalf("show-log after Replace: %s", e)
	}
}

// TestTornTailMatchesOVS damages files as TestTornTail does and checks that
// the real ovsdb-tool reports the damage with our words and reads what we
// write after it. (ovsdb-tool itself refuses to write to a damaged file;
// ovsdb-server's truncation is compared in TestRealServerTruncates.)
func TestTornTailMatchesOVS(t *testing.T) {
	needOVS(t, "ovsdb-tool")
	for _, tc := range tornCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := newDB(t, 2)
			dir := filepath.Dir(path)
			good := must(os.ReadFile(path))
			damaged := tc.mangle(append([]byte(nil), good...))
			os.WriteFile(path, damaged, 0o640)

			l, err := Open(path, ReadWrite)
			if err != nil {
				t.Fatal(err)
			}
			readAllValues(t, l)
			_, e, rc := ovsTool(t, dir, "show-log", path)
			if want := "ovsdb-tool: " + l.TailError().Error(); rc != 1 || lastLine(e) != want {
				t.Errorf("real show-log (rc %d):\n got %s\nwant %s", rc, lastLine(e), want)
			}
			l.WriteRecord(mustParse(t, txn(3)))
			l.Commit(false)
			l.Close()
			out, e, rc := ovsTool(t, dir, "show-log", path)
			if rc != 0 || !strings.Contains(out, "record 3:") || !strings.Contains(out, `"txn 3"`) {
				t.Fatalf("real show-log after our truncating write (rc %d):\n%s%s", rc, out, e)
			}
		})
	}
}

// startServer runs the real ovsdb-server on path until the test ends and
// waits until it holds the database lock. It returns the socket and a stop
// function.
func startServer(t *testing.T, path string) (string, func()) {
	t.Helper()
	dir := t.TempDir()
	sock := filepath.Join(dir, "db.sock")
	srv := exec.Command("ovsdb-server", "--remote=punix:"+sock,
		"--unixctl="+filepath.Join(dir, "ctl"), "--no-chdir", "-vconsole:off", path)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			srv.Process.Kill()
			srv.Wait()
		}
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(10 * time.Second)
	for lockHolder(path) != srv.Process.Pid {
		if time.Now().After(deadline) {
			t.Fatal("ovsdb-server never locked the database")
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		if _, err := os.Stat(sock); err == nil {
			return sock, stop
		}
		if time.Now().After(deadline) {
			t.Fatal("ovsdb-server never listened")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRealServerTruncates checks that the real ovsdb-server, writing to a
// damaged file, cuts it where we do: at the end of the last good record.
func TestRealServerTruncates(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-client")
	for _, tc := range []tornCase{tornCases[0], tornCases[3], tornCases[6]} {
		t.Run(tc.name, func(t *testing.T) {
			path := newDB(t, 2)
			good := must(os.ReadFile(path))
			os.WriteFile(path, tc.mangle(append([]byte(nil), good...)), 0o640)
			sock, stop := startServer(t, path)
			out, err := exec.Command("ovsdb-client", "transact", "unix:"+sock,
				`["T",{"op":"insert","table":"t","row":{"n":3}}]`).CombinedOutput()
			if err != nil {
				t.Fatalf("ovsdb-client transact: %v\n%s", err, out)
			}
			stop()
			after := must(os.ReadFile(path))
			if !bytes.HasPrefix(after, good) || !bytes.HasPrefix(after[len(good):], []byte("OVSDB JSON ")) {
				t.Fatalf("ovsdb-server left after the good records:\n%q", after[min(len(good), len(after)):])
			}
			if _, txns, err := ReadAll(path); err != nil || len(txns) != 3 {
				t.Fatalf("after ovsdb-server's write: %d txns, %v", len(txns), err)
			}
		})
	}
}

func TestOpenErrorsMatchOVS(t *testing.T) {
	needOVS(t, "ovsdb-tool")
	dir := t.TempDir()
	files := map[string]string{
		"empty.db": "",
		"junk.db":  "hello\n",
		"short.db": "O",
		"foo.db":   "OVSDB FOO 3 " + sha3 + "\n{}\n",
		"cl.db":    "OVSDB CLUSTER 3 " + sha3 + "\n{}\n",
		"ok.db":    "OVSDB JSON 3 " + sha3 + "\n{}\n",
	}
	for name, content := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o640)
	}
	for _, name := range []string{"empty.db", "junk.db", "short.db", "foo.db", "cl.db", "ok.db", "missing.db", "."} {
		_, e, rc := ovsTool(t, dir, "db-is-standalone", name)
		ok, err := IsStandalone(filepath.Join(dir, name))
		switch rc {
		case 0:
			if !ok || err != nil {
				t.Errorf("%s: OVS says standalone, we say %v, %v", name, ok, err)
			}
		case 2:
			if ok || err != nil {
				t.Errorf("%s: OVS says not standalone, we say %v, %v", name, ok, err)
			}
		default:
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("%s: OVS says %q, we say %v", name, e, err)
				continue
			}
			ours := "ovsdb-tool: " + strings.ReplaceAll(se.Error(), filepath.Join(dir, name), name)
			if lastLine(e) != ours {
				t.Errorf("%s:\n OVS: %s\n us:  %s", name, lastLine(e), ours)
			}
		}
	}
	// Standalone commands on a clustered file.
	_, e, _ := ovsTool(t, dir, "transact", "cl.db", `["T"]`)
	_, err := Open(filepath.Join(dir, "cl.db"), ReadWrite)
	if err == nil || lastLine(e) != "ovsdb-tool: "+strings.ReplaceAll(err.Error(), filepath.Join(dir, "cl.db"), "cl.db") {
		t.Errorf("clustered file:\n OVS: %s\n us:  %v", lastLine(e), err)
	}
	// Creating over an existing file.
	_, e, _ = ovsTool(t, dir, "create", "ok.db", writeSchema(t, dir))
	err = Create(filepath.Join(dir, "ok.db"), mustParse(t, testSchema))
	if err == nil || lastLine(e) != "ovsdb-tool: "+strings.ReplaceAll(err.Error(), filepath.Join(dir, "ok.db"), "ok.db") {
		t.Errorf("create existing:\n OVS: %s\n us:  %v", lastLine(e), err)
	}
}

// lockHolder returns the pid holding the lock of the database at path, or 0.
func lockHolder(path string) int {
	f, err := os.Open(LockPath(path))
	if err != nil {
		return 0
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK}
	if unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk) != nil || lk.Type == unix.F_UNLCK {
		return 0
	}
	return int(lk.Pid)
}

func TestLockAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovsdb-tool", "ovsdb-server")
	path := newDB(t, 1)
	dir := filepath.Dir(path)

	_, stop := startServer(t, path)

	_, err := Open(path, ReadWrite)
	if want := "I/O error: " + path + ": failed to lock lockfile (Resource temporarily unavailable)"; err == nil || err.Error() != want {
		t.Fatalf("Open beside ovsdb-server: %v", err)
	}
	if _, _, err := ReadAll(path); err != nil {
		t.Fatalf("read-only beside ovsdb-server: %v", err)
	}
	stop()

	l, err := Open(path, ReadWrite)
	if err != nil {
		t.Fatalf("Open after ovsdb-server exit: %v", err)
	}
	defer l.Close()
	_, e, rc := ovsTool(t, dir, "transact", path, `["T"]`)
	wantWarn := fmt.Sprintf("|lockfile|WARN|%s: cannot lock file because it is already locked by pid %d", LockPath(path), os.Getpid())
	wantErr := "ovsdb-tool: I/O error: " + path + ": failed to lock lockfile (Resource temporarily unavailable)"
	if rc != 1 || !strings.Contains(e, wantWarn) || lastLine(e) != wantErr {
		t.Fatalf("real transact beside us (rc %d):\n%s", rc, e)
	}
	// The real server refuses too.
	out, err := exec.Command("ovsdb-server", "--remote=punix:"+filepath.Join(dir, "db2.sock"),
		"--unixctl="+filepath.Join(dir, "ctl2"), "--no-chdir", path).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "ovsdb-server: I/O error: "+path+": failed to lock lockfile (Resource temporarily unavailable)") {
		t.Fatalf("real ovsdb-server beside us: %v\n%s", err, out)
	}
}
