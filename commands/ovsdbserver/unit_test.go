package ovsdbserver

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

func setPaths(t *testing.T) {
	t.Helper()
	t.Setenv("OVS_RUNDIR", "/RUN")
	t.Setenv("OVS_LOGDIR", "/LOG")
	t.Setenv("OVS_DBDIR", "/DB")
}

func TestHelp(t *testing.T) {
	setPaths(t)
	want, err := os.ReadFile("testdata/help.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	_, status, done := parseOptions([]string{"--help"}, &out, &errw)
	if !done || status != 0 || errw.Len() != 0 {
		t.Fatalf("--help: done=%v status=%d stderr=%q", done, status, errw.String())
	}
	if d := cmp.Diff(string(want), out.String()); d != "" {
		t.Errorf("help (-OVS +ours):\n%s", d)
	}
}

func TestOptions(t *testing.T) {
	setPaths(t)
	for _, tc := range []struct {
		args   []string
		status int
		done   bool
		stdout string
		stderr string
		dbs    []string
	}{
		{args: []string{"-V"}, done: true, stdout: "ovsdb-server (GoVS) 0.1.0\n"},
		{args: []string{"--ver"}, status: 1, done: true,
			stderr: "ovsdb-server: option '--ver' is ambiguous; possibilities: '--version' '--verbose'\n"},
		{args: []string{"--p=x"}, status: 1, done: true,
			stderr: "ovsdb-server: option '--p=x' is ambiguous; possibilities: '--pidfile' '--peer-ca-cert' '--private-key'\n"},
		{args: []string{"--no=x"}, status: 1, done: true,
			stderr: "ovsdb-server: option '--no=x' is ambiguous; possibilities: '--no-self-confinement' '--no-chdir' '--no-dbs'\n"},
		{args: []string{"--s"}, status: 1, done: true,
			stderr: "ovsdb-server: option '--s' is ambiguous; possibilities: '--syslog-method' '--syslog-target' '--ssl-protocols' '--ssl-ciphers'\n"},
		{args: []string{"--bogus"}, status: 1, done: true, stderr: "ovsdb-server: unrecognized option '--bogus'\n"},
		{args: []string{"-o"}, status: 1, done: true, stderr: "ovsdb-server: invalid option -- 'o'\n"},
		{args: []string{"--remote"}, status: 1, done: true, stderr: "ovsdb-server: option '--remote' requires an argument\n"},
		{args: []string{"--monitor=x"}, status: 1, done: true, stderr: "ovsdb-server: option '--monitor' doesn't allow an argument\n"},
		{args: []string{"-vfoo"}, status: 1, done: true,
			stderr: "ovsdb-server: processing \"foo\": no destination, level, or module \"foo\"\n"},
		{args: nil, dbs: []string{"/DB/conf.db"}},
		{args: []string{"--no-dbs"}, dbs: nil},
		{args: []string{"a.db", "b.db", "a.db", "--no-dbs"}, dbs: []string{"a.db", "b.db"}},
	} {
		var out, errw bytes.Buffer
		o, status, done := parseOptions(tc.args, &out, &errw)
		if status != tc.status || done != tc.done || out.String() != tc.stdout || errw.String() != tc.stderr {
			t.Errorf("%q: status %d done %v stdout %q stderr %q, want %d %v %q %q",
				tc.args, status, done, out.String(), errw.String(), tc.status, tc.done, tc.stdout, tc.stderr)
			continue
		}
		if !done && !slicesEqual(o.dbs, tc.dbs) {
			t.Errorf("%q: dbs %q, want %q", tc.args, o.dbs, tc.dbs)
		}
	}
	vlog.SetLevel(nil, -1, vlog.Info)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOptionsRecorded(t *testing.T) {
	setPaths(t)
	var out, errw bytes.Buffer
	o, _, done := parseOptions([]string{"--remote=punix:x", "--remote", "db:A,B,C", "--run", "true",
		"-p", "db:A,SSL,k", "--certificate=c", "-C", "none", "--bootstrap-ca-cert=b", "--ssl-protocols=TLSv1.2",
		"--ssl-ciphers=HIGH", "--disable-file-column-diff", "--unixctl=none", "--pidfile", "--detach", "x.db"}, &out, &errw)
	if done {
		t.Fatalf("stopped: %s", errw.String())
	}
	if !slicesEqual(o.remotes, []string{"punix:x", "db:A,B,C"}) || o.runCmd == nil || *o.runCmd != "true" ||
		!o.noDiff || o.unixctl != "none" || !o.daemon.Detach || o.daemon.Pidfile != "/RUN/ovsdb-server.pid" ||
		!slicesEqual(o.dbs, []string{"x.db"}) {
		t.Errorf("options not recorded: %+v", o)
	}
	if got := o.ssl.dbRefs(); !slicesEqual(got, []string{"db:A,SSL,k"}) {
		t.Errorf("SSL db: options %q", got)
	}
}

func TestParseDBRef(t *testing.T) {
	for _, tc := range []struct{ in, db, table, column, err string }{
		{in: "db:A,B,C", db: "A", table: "B", column: "C"},
		{in: "db:,A,,B,C", db: "A", table: "B", column: "C"},
		{in: "db:A,B,C,D", db: "A", table: "B", column: "C"},
		{in: "db:A,B", err: "\"db:A,B\": invalid syntax\n"},
		{in: "db:", err: "\"db:\": invalid syntax\n"},
		{in: "db:,,,", err: "\"db:,,,\": invalid syntax\n"},
	} {
		ref, err := parseDBRef(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || ref.db != tc.db || ref.table != tc.table || ref.column != tc.column {
			t.Errorf("%q: %+v %v", tc.in, ref, err)
		}
	}
}

func FuzzParseDBRef(f *testing.F) {
	for _, s := range []string{"db:A,B,C", "db:", "db:,,a,,b,c,d", "db:A,B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, err := parseDBRef(s)
		if err == nil && (ref.db == "" || ref.table == "" || ref.column == "" ||
			strings.Contains(ref.db+ref.table+ref.column, ",")) {
			t.Errorf("%q: bad parse %+v", s, ref)
		}
		if err != nil && !strings.HasSuffix(err.Error(), ": invalid syntax\n") {
			t.Errorf("%q: unexpected error %v", s, err)
		}
	})
}

// vswitchRecord is the schema record Debian's ovsdb-tool writes.
func vswitchRecord(t testing.TB) (ovsjson.Value, *ovsdb.Schema) {
	t.Helper()
	text, err := os.ReadFile("testdata/vswitch-schema-record.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ovsjson.Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := ovsdb.ParseSchema(v)
	if err != nil {
		t.Fatal(err)
	}
	return v, schema
}

func TestTlogColumnOrder(t *testing.T) {
	rec, schema := vswitchRecord(t)
	var tl tlogState
	tl.addDatabase(schema, rec)
	want, err := os.ReadFile("testdata/tlog-bridge.txt")
	if err != nil {
		t.Fatal(err)
	}
	ts := schema.Tables["Bridge"]
	row := ovsdb.NewRow(ts, ovsdb.NewUUID())
	for _, col := range ts.AllColumns[2:] {
		row.Fields[col.Index] = ovsdb.DefaultDatum(&col.Type)
	}
	row.Fields[ts.Columns["name"].Index] = ovsdb.NewScalarDatum(ovsdb.StringAtom("br0"))
	row.Fields[ts.Columns["ports"].Index] = ovsdb.NewSetDatum(ovsdb.TypeUUID, ovsdb.UUIDAtom(ovsdb.NewUUID()))
	got := tlogLine("Bridge", "inserted", tl.tables["Open_vSwitch"]["Bridge"].columns, row)
	got = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f-]{27}`).ReplaceAllString(got, "U")
	if got != strings.TrimSuffix(string(want), "\n") {
		t.Errorf("tlog line:\n got %s\nwant %s", got, want)
	}
}

func TestTlogSetList(t *testing.T) {
	rec, schema := vswitchRecord(t)
	var tl tlogState
	tl.addDatabase(schema, rec)
	for _, tc := range []struct{ table, arg, err string }{
		{"foo", "on", "invalid DB:TABLE argument"},
		{"Foo:Bridge", "maybe", "invalid command argument"},
		{"Foo:Bridge", "on", "no such database"},
		{"Open_vSwitch:Foo", "on", "no such table"},
		{":Bridge", "on", "invalid DB:TABLE argument"},
		{"a:b:c", "on", "invalid DB:TABLE argument"},
		{"Open_vSwitch:Bridge", "ON", ""},
		{"Open_vSwitch::Port", "on", ""},
		{"Open_vSwitch:Port", "Off", ""},
	} {
		err := tl.set(tc.table, tc.arg)
		if (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("set %q %q: %v, want %q", tc.table, tc.arg, err, tc.err)
		}
	}
	list := tl.list()
	if !strings.HasPrefix(list, "database        table                       logging\n"+
		"--------        -----                       -------\n"+
		"Open_vSwitch     \n"+
		"                AutoAttach                  OFF\n"+
		"                Bridge                      ON\n") {
		t.Errorf("tlog-list:\n%s", list)
	}
	if !strings.Contains(list, "                Port                        OFF\n") {
		t.Errorf("tlog-list:\n%s", list)
	}
}

func FuzzTlogSet(f *testing.F) {
	rec, schema := vswitchRecord(f)
	for _, s := range []string{"Open_vSwitch:Bridge", "a:b:c", ":", "Open_vSwitch::Port"} {
		f.Add(s, "on")
	}
	f.Fuzz(func(t *testing.T, table, arg string) {
		var tl tlogState
		tl.addDatabase(schema, rec)
		if err := tl.set(table, arg); err == nil {
			if !strings.Contains(tl.list(), " ON\n") && strings.EqualFold(arg, "on") {
				t.Errorf("%q %q accepted but nothing is on", table, arg)
			}
		}
	})
}

// testSchema is a small schema whose rows survive garbage collection.
const testSchema = `{"name":"T","version":"1.0.0","tables":{
 "R":{"columns":{"n":{"type":"integer"},"s":{"type":{"key":"string","min":0,"max":"unlimited"}},
   "e":{"type":"string","ephemeral":true}},"isRoot":true}}}`

func createTestDB(t *testing.T, dir string) string {
	t.Helper()
	v, err := ovsjson.ParseString(testSchema)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "t.db")
	if err := storage.Create(path, v); err != nil {
		t.Fatal(err)
	}
	return path
}

func insertOp(n int) []ovsjson.Value {
	return []ovsjson.Value{ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("insert")),
		ovsjson.M("table", ovsjson.NewString("R")),
		ovsjson.M("row", ovsjson.NewObject(ovsjson.M("n", ovsjson.NewInt(int64(n))))),
	)}
}

func mustTransact(t *testing.T, db *database.Database, ops []ovsjson.Value) *database.Commit {
	t.Helper()
	res, c, _, err := db.Transact(ops, database.TxnOptions{})
	if err != nil || c == nil {
		t.Fatalf("transact: %v %s", err, res.String())
	}
	return c
}

func countRows(db *database.Database) int {
	n := 0
	db.View(func(tx database.ReadTx) { n = tx.Count("R") })
	return n
}

func TestDBFileWriteReplayCompact(t *testing.T) {
	logs := captureLog(t)
	dir := t.TempDir()
	path := createTestDB(t, dir)
	f, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		c := mustTransact(t, f.db, insertOp(i))
		if err := f.write(c, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Only an ephemeral column changes: nothing is written.
	before := f.log.Offset()
	c := mustTransact(t, f.db, []ovsjson.Value{ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("update")),
		ovsjson.M("table", ovsjson.NewString("R")),
		ovsjson.M("where", ovsjson.NewArray()),
		ovsjson.M("row", ovsjson.NewObject(ovsjson.M("e", ovsjson.NewString("x"))))),
	})
	if err := f.write(c, time.Now()); err != nil || f.log.Offset() != before {
		t.Errorf("ephemeral change written: %v, %d -> %d", err, before, f.log.Offset())
	}
	if f.cstate.TxnsSinceSnapshot != 5 {
		t.Errorf("txns since snapshot %d", f.cstate.TxnsSinceSnapshot)
	}
	if err := f.compact("user request"); err != nil {
		t.Fatal(err)
	}
	c = mustTransact(t, f.db, insertOp(5))
	if err := f.write(c, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.close()

	schema, txns, err := storage.ReadAll(path)
	if err != nil {
		t.Fatal(err)
	}
	if name, _ := schema.Get("name"); name.S != "T" || len(txns) != 2 {
		t.Fatalf("file has schema %s and %d transactions", name.String(), len(txns))
	}
	if cm, _ := txns[0].Get("_comment"); cm.S != compactComment {
		t.Errorf("compacted record comment %q", cm.S)
	}
	g, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	if n := countRows(g.db); n != 6 {
		t.Errorf("replayed %d rows, want 6", n)
	}
	// The lock is held: a second open in this process fails.
	if _, err := openDBFile(path); err == nil {
		t.Error("second open of a locked file succeeded")
	}
	if !strings.Contains(logs.String(), "ovsdb_server|INFO|compacting T database by user request\n") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestDBFileTornTail(t *testing.T) {
	dir := t.TempDir()
	path := createTestDB(t, dir)
	f, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := mustTransact(t, f.db, insertOp(1))
	if err := f.write(c, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.close()
	good, _ := os.Stat(path)
	fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	fh.WriteString("OVSDB JSON 200 0123456789012345678901234567890123456789\n{\"_date\":1")
	fh.Close()

	logs := captureLog(t)
	g, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	// The offset is the body's, after the 56-byte header that was read.
	want := "ovsdb_server|ERR|I/O error: " + path + ": error reading 200 bytes starting at offset " +
		strconv.FormatInt(good.Size()+56, 10) + " (End of file)\n"
	if got := logs.String(); got != want {
		t.Errorf("log %q, want %q", got, want)
	}
	if countRows(g.db) != 1 {
		t.Error("row before the torn record lost")
	}
	c = mustTransact(t, g.db, insertOp(2))
	if err := g.write(c, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, txns, err := storage.ReadAll(path); err != nil || len(txns) != 2 {
		t.Errorf("after the next write: %d transactions, %v", len(txns), err)
	}
}

type logBuffer struct{ bytes.Buffer }

// captureLog sends console log lines, without their time and sequence
// number, to a buffer for the rest of the test.
func captureLog(t *testing.T) *logBuffer {
	t.Helper()
	var b logBuffer
	old := vlog.Pattern(vlog.Console)
	vlog.SetPattern(vlog.Console, "%c|%p|%m")
	vlog.SetConsoleWriter(&b.Buffer)
	t.Cleanup(func() {
		vlog.SetConsoleWriter(os.Stderr)
		vlog.SetPattern(vlog.Console, old)
	})
	return &b
}

func TestReplaySkipsBadRecords(t *testing.T) {
	dir := t.TempDir()
	path := createTestDB(t, dir)
	f, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := mustTransact(t, f.db, insertOp(1))
	f.write(c, time.Now())
	var uuid string
	f.db.View(func(tx database.ReadTx) {
		tx.Rows("R", func(r *ovsdb.Row) bool { uuid = r.UUID.String(); return false })
	})
	for _, rec := range []string{
		`{"_date":1,"Foo":{}}`,
		`{"_date":1,"R":{"zzz":null}}`,
		`{"_date":1.5}`,
		`{"_date":1,"R":{"` + uuid + `":{"n":"x"}}}`,
		`{"_date":2,"R":{"` + uuid + `":{"n":7}}}`,
	} {
		if err := f.log.WriteRaw([]byte(rec)); err != nil {
			t.Fatal(err)
		}
	}
	f.close()
	logs := captureLog(t)
	g, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	want := `ovsdb_server|ERR|syntax "{"Foo":{},"_date":1}": unknown table: No table named Foo.
ovsdb_server|ERR|syntax "{"zzz":null}": syntax error: "zzz" is not a valid UUID
ovsdb_server|ERR|syntax "{"_date":1.5}": unknown table: No table named _date.
ovsdb_server|ERR|syntax ""x"": syntax error: expected integer
`
	if got := logs.String(); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	g.db.View(func(tx database.ReadTx) {
		tx.Rows("R", func(r *ovsdb.Row) bool {
			if n := r.Fields[g.db.Schema().Tables["R"].Columns["n"].Index].Keys[0].Int(); n != 7 {
				t.Errorf("record after the bad ones not applied: n=%d", n)
			}
			return true
		})
	})
}

func FuzzReplayRecord(f *testing.F) {
	for _, s := range []string{`{"_date":1,"R":{}}`, `{"_date":1.5,"Foo":1}`, `{"R":{"zzz":null}}`, `[]`, `{"_is_diff":true}`} {
		f.Add(s)
	}
	v, err := ovsjson.ParseString(testSchema)
	if err != nil {
		f.Fatal(err)
	}
	schema, err := ovsdb.ParseSchema(v)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := ovsjson.ParseString(s)
		if err != nil || rec.Kind != ovsjson.Object {
			return
		}
		db := database.New(schema)
		db.ReplayFileRecord(rec)
	})
}

func TestWholeRecord(t *testing.T) {
	dir := t.TempDir()
	path := createTestDB(t, dir)
	f, err := openDBFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	f.noDiff = true
	ops := insertOp(1)
	ops[0].O[2].Value.Set("s", ovsjson.NewArray(ovsjson.NewString("set"), ovsjson.NewArray(ovsjson.NewString("a"))))
	f.write(mustTransact(t, f.db, ops), time.Now())
	c := mustTransact(t, f.db, []ovsjson.Value{ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("mutate")),
		ovsjson.M("table", ovsjson.NewString("R")),
		ovsjson.M("where", ovsjson.NewArray()),
		ovsjson.M("mutations", ovsjson.NewArray(ovsjson.NewArray(ovsjson.NewString("s"), ovsjson.NewString("insert"), ovsjson.NewString("b")))),
	)})
	rec := wholeRecord(c, c.FileRecord(time.Now()))
	if rec.Has("_is_diff") {
		t.Errorf("record keeps _is_diff: %s", rec.String())
	}
	if !strings.Contains(rec.String(), `"s":["set",["a","b"]]`) {
		t.Errorf("modified set not written whole: %s", rec.String())
	}
}

func TestStatusMessage(t *testing.T) {
	for _, tc := range []struct{ cmd, want string }{
		{"exit 3", "exit status 3"},
		{"kill -9 $$", "killed (Killed)"},
		{"kill -TERM $$", "killed (Terminated)"},
	} {
		err := exec.Command("/bin/sh", "-c", tc.cmd).Run()
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s: %v", tc.cmd, err)
		}
		if got := statusMessage(ee.ProcessState); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.cmd, got, tc.want)
		}
	}
	if got := signalText(syscall.SIGSEGV); got != "Segmentation fault" {
		t.Errorf("SIGSEGV: %q", got)
	}
}
