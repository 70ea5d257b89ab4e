package ovsdbtool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// These tests run the tool in this process on files in a temporary
// directory and check what it does without the real ovsdb-tool at hand.

// testDir is a temporary working directory with copies of fixtures, and
// default paths inside it.
func testDir(t *testing.T, fixtures ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range fixtures {
		copyFile(t, filepath.Join("testdata", f), filepath.Join(dir, f))
	}
	t.Setenv("OVS_DBDIR", dir)
	t.Setenv("OVS_PKGDATADIR", filepath.Join(dir, "pkg"))
	t.Setenv("OVS_RUNDIR", dir)
	t.Setenv("OVS_LOGDIR", dir)
	t.Chdir(dir)
	return dir
}

// mustRun runs the tool and fails the test unless it exits with status.
func mustRun(t *testing.T, status int, args ...string) (stdout, stderr string) {
	t.Helper()
	st, o, e := runTool(args...)
	if st != status {
		t.Fatalf("ovsdb-tool %s: status %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), st, status, o, e)
	}
	return o, e
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

const selectNames = `["Test",{"op":"select","table":"Root","where":[],"columns":["name","i","iset","smap","kids","weak"]},{"op":"select","table":"Kid","where":[],"columns":["n","tags"]}]`

// contents is the database's rows as query prints them, rows sorted.
func contents(t *testing.T, db string) string {
	t.Helper()
	out, _ := mustRun(t, 0, "query", db, selectNames)
	return canonRows(out)
}

func TestCreateWithEmbeddedSchema(t *testing.T) {
	dir := testDir(t)
	// No schema at the default place: the built-in vswitch schema serves.
	mustRun(t, 0, "create")
	out, _ := mustRun(t, 0, "db-name", filepath.Join(dir, "conf.db"))
	if out != "Open_vSwitch\n" {
		t.Errorf("db-name = %q", out)
	}
	out, _ = mustRun(t, 0, "schema-version")
	if out != "8.3.1\n" {
		t.Errorf("schema-version = %q", out)
	}
	out, _ = mustRun(t, 0, "needs-conversion")
	if out != "no\n" {
		t.Errorf("needs-conversion = %q", out)
	}
	_, errOut := mustRun(t, 1, "create")
	if want := "ovsdb-tool: I/O error: " + dir + "/conf.db: create failed (File exists)\n"; errOut != want {
		t.Errorf("second create: %q, want %q", errOut, want)
	}
}

func TestTransactAppendsOneRecord(t *testing.T) {
	testDir(t, "natural.db")
	_, before, err := storage.ReadAll("natural.db")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := mustRun(t, 0, "transact", "natural.db",
		`["Test",{"op":"insert","table":"Root","row":{"name":"new","iset":["set",[1,2]]}},{"op":"comment","comment":"c1"},{"op":"comment","comment":"c2"}]`)
	if !strings.HasPrefix(out, `[{"uuid":["uuid","`) || !strings.HasSuffix(out, `"]},{},{}]`+"\n") {
		t.Errorf("result %q", out)
	}
	_, after, err := storage.ReadAll("natural.db")
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before)+1 {
		t.Fatalf("%d records, want %d", len(after), len(before)+1)
	}
	rec := after[len(after)-1]
	if c, _ := rec.Get("_comment"); c.S != "c1\nc2" {
		t.Errorf("_comment %v", c)
	}
	root, _ := rec.Get("Root")
	if len(root.O) != 1 || root.O[0].Value.String() != `{"iset":["set",[1,2]],"name":"new"}` {
		t.Errorf("record %v", rec)
	}

	// Nothing to store: no record.
	mustRun(t, 0, "transact", "natural.db", `["Test",{"op":"comment","comment":"x"},{"op":"update","table":"Root","where":[],"row":{"eph":1}}]`)
	mustRun(t, 0, "transact", "natural.db", `["Test",{"op":"insert","table":"Root","row":{"name":"new"}}]`)
	_, again, _ := storage.ReadAll("natural.db")
	if len(again) != len(after) {
		t.Errorf("%d records after transactions that store nothing, want %d", len(again), len(after))
	}
}

func TestQueryWritesNothing(t *testing.T) {
	testDir(t, "natural.db")
	before := readFile(t, "natural.db")
	size := len(before)
	out, _ := mustRun(t, 0, "query", "natural.db", `["Test",{"op":"insert","table":"Root","row":{"name":"q"}}]`)
	want := `{"details":"natural.db: cannot truncate to length ` + itoa(size) + `","error":"I/O error","io-error":"Invalid argument"}]` + "\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("query result %q, want it to end with %q", out, want)
	}
	// A row that garbage collection removes again changes nothing.
	out, _ = mustRun(t, 0, "query", "natural.db", `["Test",{"op":"insert","table":"Kid","row":{"n":5}}]`)
	if strings.Contains(out, "I/O error") {
		t.Errorf("query result %q", out)
	}
	if readFile(t, "natural.db") != before {
		t.Error("query changed the database")
	}
}

func itoa(n int) string { return ovsjson.NewInt(int64(n)).String() }

func TestTransactionStopsTheLog(t *testing.T) {
	testDir(t, "refint.db")
	// Record 2 refers to a row that does not exist: the database ends
	// before it, and the next write cuts it off.
	if got := contents(t, "refint.db"); !strings.Contains(got, `"name":"r1"`) || strings.Contains(got, `"r2"`) || strings.Contains(got, `"r3"`) {
		t.Errorf("contents %s", got)
	}
	mustRun(t, 0, "transact", "refint.db", `["Test",{"op":"insert","table":"Root","row":{"name":"x"}}]`)
	_, txns, err := storage.ReadAll("refint.db")
	if err != nil {
		t.Fatal(err)
	}
	if len(txns) != 2 || !strings.Contains(txns[1].String(), `"name":"x"`) {
		t.Errorf("records after the write: %v", txns)
	}
}

func TestWaitCannotWait(t *testing.T) {
	testDir(t, "natural.db")
	out, _ := mustRun(t, 0, "query", "natural.db", `["Test",{"op":"select","table":"Kid","where":[],"columns":["n"]},{"op":"wait","table":"Kid","where":[],"columns":["n"],"until":"==","rows":[],"timeout":50},{"op":"comment","comment":"x"}]`)
	want := `[{"rows":[{"n":3}]},{"details":"triggers not supported","error":"not supported"},null]` + "\n"
	if canonRows(out) != want {
		t.Errorf("got %s want %s", out, want)
	}
}

func TestRBAC(t *testing.T) {
	testDir(t, "rbac.db")
	before := readFile(t, "rbac.db")
	out, _ := mustRun(t, 0, "--rbac-role=foo", "transact", "rbac.db", `["R",{"op":"select","table":"T","where":[],"columns":["name"]},{"op":"update","table":"T","where":[],"row":{"v":1}},{"op":"select","table":"T","where":[]}]`)
	want := `[{"rows":[{"name":"a"}]},{"details":"RBAC rules for client \"(null)\" role \"foo\" prohibit modification of table \"T\".","error":"permission error"},null]` + "\n"
	if out != want {
		t.Errorf("got %s want %s", out, want)
	}
	if readFile(t, "rbac.db") != before {
		t.Error("a refused transaction changed the database")
	}
	// A malformed operation gets its own error first.
	out, _ = mustRun(t, 0, "--rbac-role=foo", "transact", "rbac.db", `["R",{"op":"mutate","table":"T","where":[],"mutations":[["v","bogus",1]]}]`)
	if want := `[{"details":"No mutator named bogus.","error":"unknown mutator"}]` + "\n"; out != want {
		t.Errorf("got %s want %s", out, want)
	}
	// Without a role, anything goes.
	out, _ = mustRun(t, 0, "--rbac-role=", "transact", "rbac.db", `["R",{"op":"update","table":"T","where":[],"row":{"v":1}}]`)
	if out != `[{"count":1}]`+"\n" {
		t.Errorf("got %s", out)
	}
}

func TestCompact(t *testing.T) {
	testDir(t, "natural.db", "empty.db", "garbage.db", "compacted.db")
	want := contents(t, "natural.db")

	mustRun(t, 0, "compact", "natural.db", "new.db")
	mustRun(t, 0, "compact", "natural.db", "empty.db")
	mustRun(t, 0, "compact", "natural.db", "compacted.db")
	mustRun(t, 0, "compact", "natural.db")
	for _, f := range []string{"new.db", "empty.db", "compacted.db", "natural.db"} {
		if got := contents(t, f); got != want {
			t.Errorf("%s: %s, want %s", f, got, want)
		}
		schema, txns, err := storage.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(txns) != 1 {
			t.Errorf("%s: %d transaction records, want 1", f, len(txns))
		}
		if name, _ := schema.Get("name"); name.S != "Test" {
			t.Errorf("%s: schema %v", f, schema)
		}
		if c, _ := txns[0].Get("_comment"); !strings.HasPrefix(c.S, "compacted by ovsdb-tool ") {
			t.Errorf("%s: comment %v", f, c)
		}
		if txns[0].Has("_is_diff") {
			t.Errorf("%s: compacted record has _is_diff", f)
		}
	}
	// A destination that is neither empty nor a standalone database stays
	// as it was.
	_, errOut := mustRun(t, 1, "compact", "natural.db", "garbage.db")
	if errOut != "ovsdb-tool: ovsdb error: garbage.db: unexpected file format\n" {
		t.Errorf("stderr %q", errOut)
	}
	if readFile(t, "garbage.db") != "{bad" {
		t.Error("garbage.db changed")
	}
	// A failed read leaves no destination behind.
	mustRun(t, 1, "compact", "missing.db", "new2.db")
	if _, err := os.Stat("new2.db"); !os.IsNotExist(err) {
		t.Errorf("new2.db: %v", err)
	}
}

func TestConvert(t *testing.T) {
	testDir(t, "natural.db", "test.ovsschema")
	schema := readFile(t, "test.ovsschema")
	write := func(name, from, to string) {
		if !strings.Contains(schema, from) {
			t.Fatalf("test.ovsschema lacks %q", from)
		}
		if err := os.WriteFile(name, []byte(strings.Replace(schema, from, to, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("drop.ovsschema", `"opt": {"type": {"key": "string", "min": 0, "max": 1}},`, ``)
	write("max.ovsschema", `"isRoot": true,`, `"isRoot": true, "maxRows": 1,`)
	write("enum.ovsschema", `"enum": ["set", ["red", "green", "blue"]]`, `"enum": ["set", ["green", "blue"]]`)

	// Dropping a column keeps everything else.
	want := contents(t, "natural.db")
	mustRun(t, 0, "convert", "natural.db", "drop.ovsschema", "out.db")
	if got := contents(t, "out.db"); got != want {
		t.Errorf("converted: %s, want %s", got, want)
	}
	if out, _ := mustRun(t, 0, "needs-conversion", "out.db", "drop.ovsschema"); out != "no\n" {
		t.Errorf("needs-conversion: %q", out)
	}
	if out, _ := mustRun(t, 0, "needs-conversion", "natural.db", "drop.ovsschema"); out != "yes\n" {
		t.Errorf("needs-conversion: %q", out)
	}

	// A value the new schema rejects is an error, as in OVS.
	before := readFile(t, "natural.db")
	_, errOut := mustRun(t, 1, "convert", "natural.db", "enum.ovsschema")
	if errOut != "ovsdb-tool: constraint violation: red is not one of the allowed values ([blue, green])\n" {
		t.Errorf("stderr %q", errOut)
	}
	// Rows the new schema cannot hold together: OVS would silently write
	// an empty database; this refuses and leaves the database alone.
	_, errOut = mustRun(t, 1, "convert", "natural.db", "max.ovsschema")
	if !strings.Contains(errOut, "constraint violation: transaction causes \"Root\" table to contain 2 rows") {
		t.Errorf("stderr %q", errOut)
	}
	mustRun(t, 1, "convert", "natural.db", "max.ovsschema", "out2.db")
	if _, err := os.Stat("out2.db"); !os.IsNotExist(err) {
		t.Errorf("out2.db: %v", err)
	}
	if readFile(t, "natural.db") != before {
		t.Error("a failed conversion changed the database")
	}

	mustRun(t, 0, "convert", "natural.db", "drop.ovsschema")
	if got := contents(t, "natural.db"); got != want {
		t.Errorf("converted in place: %s, want %s", got, want)
	}
	_, txns, _ := storage.ReadAll("natural.db")
	if len(txns) != 1 || strings.Contains(txns[0].String(), `"opt"`) {
		t.Errorf("records %v", txns)
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, op, b string
		status   int
	}{
		{"1.2.3", "<", "1.2.4", 0}, {"1.2.3", ">", "1.2.4", 2},
		{"1.10.0", ">", "1.9.0", 0}, {" 1. 2.\t3", "==", "1.2.3", 0},
		{"-1.2.3", "==", "4294967295.2.3", 0}, {"4294967296.0.0", "==", "0.0.0", 0},
		{"99999999999999999999999.0.0", "==", "4135583743.0.0", 0},
		{"1.2.3 ", "==", "1.2.3", 1}, {"1.2", "<", "1.2.3", 1}, {"1.2.3", "=", "1.2.3", 1},
	} {
		st, _, _ := runTool("compare-versions", "--", c.a, c.op, c.b)
		if st != c.status {
			t.Errorf("compare-versions %q %s %q: status %d, want %d", c.a, c.op, c.b, st, c.status)
		}
	}
}

func TestHashOrder(t *testing.T) {
	// Orders OVS's show-log printed for these member lists.
	for _, c := range []struct{ in, want string }{
		{"name opt iset color weak u r kids eph b smap i", "name opt iset color weak u r kids smap b eph i"},
		{"tags bogus n", "n tags bogus"},
		{"_date Kid Root _is_diff", "_date Root Kid _is_diff"},
		{"name i r", "name r i"},
		{"", ""},
	} {
		keys := strings.Fields(c.in)
		var got []string
		for _, i := range ovsjson.HashOrder(keys) {
			got = append(got, keys[i])
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("hashOrder(%s) = %v, want %s", c.in, got, c.want)
		}
	}
}

func TestAppendLogDate(t *testing.T) {
	for _, c := range []struct {
		d    int64
		want string
	}{
		{0, "1970-01-01 00:00:00.000"},
		{1795431009309, "2026-11-23 10:50:09.309"},
		{2147483646, "2038-01-19 03:14:06.000"}, // seconds
		{2147483647, "1970-01-25 20:31:23.647"}, // milliseconds
		{-62135596800, "1-01-01 00:00:00.000"},
		{-62198755200, "-1-01-01 00:00:00.000"},
		{9223372036854775807, "292278994-08-17 07:12:55.807"},
		{-9223372036854775808, "1970-01-01 00:00:00.000"},
		{-9223372036854776, "292278994-08-17 07:12:55.616"},
		// OVS crashes on this one (the product wraps to -384 ms).
		{-18446744073709552, "1969-12-31 23:59:59.616"},
	} {
		if got := string(appendLogDate(nil, c.d)); got != c.want {
			t.Errorf("date %d: %s, want %s", c.d, got, c.want)
		}
	}
}

func TestParseTopLevel(t *testing.T) {
	for _, c := range []struct{ in, err string }{
		{`5`, "line 0, column 1, byte 1: syntax error at beginning of input"},
		{` "str"`, "line 0, column 5, byte 5: syntax error at beginning of input"},
		{"\ntrue", "line 1, column 4, byte 5: syntax error at beginning of input"},
		{`1.5e3 x`, "line 0, column 5, byte 5: syntax error at beginning of input"},
		{`tru`, "line 0, column 3, byte 3: invalid keyword 'tru'"},
		{`-`, "line 0, column 1, byte 1: '-' must be followed by digit"},
		{`[1]`, ""},
	} {
		_, err := parseTopLevel(c.in)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.err {
			t.Errorf("parseTopLevel(%q): %q, want %q", c.in, got, c.err)
		}
	}
}

func TestOptions(t *testing.T) {
	out, _ := mustRun(t, 0, "-o")
	want := "--more\n-m \n--rbac-role=ARG\n--cid=ARG\n--election-timer=ARG\n--verbose=[ARG]\n-v [ARG]\n--help\n-h \n--option\n-o \n--version\n-V \n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Error(diff)
	}
	out, _ = mustRun(t, 0, "-V", "--bogus")
	if out != "ovsdb-tool (GoVS) "+strings.Fields(out)[2]+"\n" {
		t.Errorf("-V: %q", out)
	}
	_, errOut := mustRun(t, 1, "--bogus", "-V")
	if errOut != "ovsdb-tool: unrecognized option '--bogus'\n" {
		t.Errorf("stderr %q", errOut)
	}
}
