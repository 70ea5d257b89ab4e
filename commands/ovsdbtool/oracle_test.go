package ovsdbtool

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govs/ovs/proto/ovsjson"
)

// The oracle tests run the real ovsdb-tool and this one side by side, each
// in its own copy of the same files, and compare what they print; then each
// tool reads the files the other wrote. They need OVS 3.1's ovsdb-tool.

func realTool(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ovsdb-tool")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ovsdb-tool not found: %v", err)
		}
		t.Skip("ovsdb-tool (Open vSwitch 3.1) not installed")
	}
	return path
}

// side is one tool with its own working directory. The real tool runs as
// a process; ours runs in this process (spawning it too would double the
// cost of these tests for nothing: each run starts from scratch anyway).
type side struct {
	name string
	dir  string
	real string // path of the real tool; "" for ours
}

type outcome struct {
	Status         int
	Stdout, Stderr string
}

func (s *side) env() []string {
	return []string{"OVS_DBDIR=" + s.dir + "/dbdir", "OVS_PKGDATADIR=" + s.dir + "/pkg",
		"OVS_RUNDIR=" + s.dir + "/run", "OVS_LOGDIR=" + s.dir + "/log", "OVS_SYSLOG_METHOD=null"}
}

// run runs the tool in dir (s.dir if empty).
func (s *side) run(t *testing.T, dir string, args ...string) outcome {
	t.Helper()
	if dir == "" {
		dir = s.dir
	}
	if s.real == "" {
		for _, kv := range s.env() {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chdir(dir); err != nil {
			t.Fatal(err)
		}
		defer os.Chdir(wd)
		status, o, e := runTool(args...)
		return outcome{status, normalize(o, dir), normalize(e, dir)}
	}
	cmd := exec.Command(s.real, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), s.env()...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	status := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("%s %v: %v", s.name, args, err)
		}
		status = ee.ExitCode()
	}
	return outcome{status, normalize(o.String(), dir), normalize(e.String(), dir)}
}

var (
	shortUUIDRE = regexp.MustCompile(`(insert row |row |\()[0-9a-f]{8}\b`)
	logDateRE   = regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}`)
	vlogTimeRE  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|\d{5}\|`)
	pidRE       = regexp.MustCompile(`pid \d+`)
	byToolRE    = regexp.MustCompile(`by ovsdb-tool \d+\.\d+\.\d+`)
)

// normalize masks what differs from run to run: UUIDs, dates, process IDs,
// the working directory, and the version named in "compacted by" comments.
func normalize(s, dir string) string {
	s = strings.ReplaceAll(s, dir, "<DIR>")
	s = uuidRE.ReplaceAllString(s, "<U>")
	s = shortUUIDRE.ReplaceAllString(s, "$1<u>")
	s = logDateRE.ReplaceAllString(s, "<D>")
	// Log lines: time and serial number (which counts on across runs
	// when our tool runs in this process).
	s = vlogTimeRE.ReplaceAllString(s, "<T>|<N>|")
	s = pidRE.ReplaceAllString(s, "pid N")
	return byToolRE.ReplaceAllString(s, "by ovsdb-tool <V>")
}

// canonShowLog sorts what show-log prints inside each record: the order of
// tables, rows and columns follows the member order of the file, which each
// implementation writes its own way (readers do not depend on it).
func canonShowLog(s string) string {
	var out []string
	var blocks []string
	var cur []string
	flushBlock := func() {
		if cur != nil {
			slices.Sort(cur[1:])
			blocks = append(blocks, strings.Join(cur, "\n"))
			cur = nil
		}
	}
	flush := func() {
		flushBlock()
		slices.Sort(blocks)
		out = append(out, blocks...)
		blocks = nil
	}
	for _, line := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(line, "  table "):
			flushBlock()
			cur = []string{line}
		case strings.HasPrefix(line, "    ") && cur != nil:
			cur = append(cur, line)
		default:
			flush()
			out = append(out, line)
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// canonRows sorts the rows of "select" results, whose order follows each
// implementation's hash tables.
func canonRows(s string) string {
	v, err := ovsjson.ParseString(s)
	if err != nil || v.Kind != ovsjson.Array {
		return s
	}
	for _, r := range v.A {
		if rows, ok := r.Get("rows"); ok && rows.Kind == ovsjson.Array {
			slices.SortFunc(rows.A, func(a, b ovsjson.Value) int { return strings.Compare(a.String(), b.String()) })
		}
	}
	return v.String() + "\n"
}

func canon(args []string, o outcome) outcome {
	for _, a := range args {
		switch a {
		case "show-log":
			o.Stdout = canonShowLog(o.Stdout)
		case "query", "transact":
			o.Stdout = canonRows(o.Stdout)
		}
	}
	return o
}

// pair is the two tools, each in a copy of the same directory.
type pair struct {
	real, ours *side
}

func newPair(t *testing.T, fixtures ...string) *pair {
	t.Helper()
	p := &pair{
		real: &side{name: "real", dir: t.TempDir(), real: realTool(t)},
		ours: &side{name: "ours", dir: t.TempDir()},
	}
	for _, s := range []*side{p.real, p.ours} {
		for _, d := range []string{"dbdir", "pkg", "run", "log"} {
			if err := os.Mkdir(filepath.Join(s.dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range fixtures {
			copyFile(t, filepath.Join("testdata", f), filepath.Join(s.dir, f))
		}
	}
	return p
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o640); err != nil {
		t.Fatal(err)
	}
}

// writeFile puts the same file in both directories.
func (p *pair) writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	for _, s := range []*side{p.real, p.ours} {
		if err := os.WriteFile(filepath.Join(s.dir, name), data, 0o640); err != nil {
			t.Fatal(err)
		}
	}
}

// same runs args with both tools and wants the same outcome.
func (p *pair) same(t *testing.T, args ...string) {
	t.Helper()
	want := canon(args, p.real.run(t, "", args...))
	got := canon(args, p.ours.run(t, "", args...))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ovsdb-tool %s: (-real +ours)\n%s", strings.Join(args, " "), diff)
	}
}

// crossRead has each tool read the files both tools wrote: the real tool
// must see in our files what it sees in its own, and the other way round.
func (p *pair) crossRead(t *testing.T, args ...string) {
	t.Helper()
	for _, reader := range []*side{p.real, p.ours} {
		onReal := canon(args, reader.run(t, p.real.dir, args...))
		onOurs := canon(args, reader.run(t, p.ours.dir, args...))
		if diff := cmp.Diff(onReal, onOurs); diff != "" {
			t.Errorf("%s ovsdb-tool %s: (-file written by real +by ours)\n%s", reader.name, strings.Join(args, " "), diff)
		}
	}
}

const selectAll = `["Test",{"op":"select","table":"Root","where":[],"columns":["name","i","r","b","u","opt","iset","smap","kids","weak","color","eph"]},{"op":"select","table":"Kid","where":[],"columns":["n","tags"]}]`

func TestOracleCreate(t *testing.T) {
	p := newPair(t, "test.ovsschema", "scalar.ovsschema", "notables.ovsschema", "natural.db")
	vs, err := os.ReadFile("/usr/share/openvswitch/vswitch.ovsschema")
	if err != nil {
		t.Skip(err)
	}
	for _, args := range [][]string{
		{"create", "new.db", "test.ovsschema"},
		{"create", "new.db", "test.ovsschema"},
		{"create", "natural.db", "test.ovsschema"},
		{"create", "x.db", "missing.ovsschema"},
		{"create", "x.db", "scalar.ovsschema"},
		{"create", "x.db", "notables.ovsschema"},
		{"create", "/nonexistent/x.db", "test.ovsschema"},
		{"db-name", "new.db"}, {"db-version", "new.db"}, {"db-cksum", "new.db"},
		{"-mm", "show-log", "new.db"},
		{"query", "new.db", selectAll},
		{"create"}, // the default schema is missing: OVS fails, we use ours
	} {
		if len(args) == 1 {
			continue
		}
		p.same(t, args...)
	}
	p.crossRead(t, "-mm", "show-log", "new.db")
	p.crossRead(t, "query", "new.db", selectAll)

	// The defaults, with a default schema in place.
	for _, s := range []*side{p.real, p.ours} {
		if err := os.WriteFile(filepath.Join(s.dir, "pkg", "vswitch.ovsschema"), vs, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.same(t, "create")
	p.same(t, "create")
	p.same(t, "db-name")
	p.same(t, "db-version")
	p.same(t, "schema-cksum")
	p.same(t, "needs-conversion")
	p.crossRead(t, "show-log", "dbdir/conf.db")
	p.same(t, "transact", `["Open_vSwitch",{"op":"insert","table":"Open_vSwitch","row":{"next_cfg":1}}]`)
	p.same(t, "query", `["Open_vSwitch",{"op":"select","table":"Open_vSwitch","where":[],"columns":["next_cfg","cur_cfg"]}]`)
	p.crossRead(t, "-mm", "show-log", "dbdir/conf.db")
}

func TestOracleTransact(t *testing.T) {
	p := newPair(t, "natural.db", "refint.db", "torn.db", "badvalue.db", "cluster.db", "rbac.db")
	u1 := "11111111-1111-1111-1111-111111111111"
	steps := []string{
		`["Test",{"op":"insert","table":"Kid","row":{"n":10,"tags":["set",["p","q"]]},"uuid-name":"k"},{"op":"insert","table":"Root","row":{"name":"n1","i":1,"r":0.5,"u":["uuid","` + u1 + `"],"kids":["named-uuid","k"],"smap":["map",[["x","y"]]]}},{"op":"comment","comment":"insert\tn1"}]`,
		`["Test",{"op":"update","table":"Root","where":[["name","==","n1"]],"row":{"i":2,"iset":["set",[5,6]],"smap":["map",[["x","z"],["w","v"]]]}}]`,
		`["Test",{"op":"mutate","table":"Root","where":[["name","==","n1"]],"mutations":[["iset","delete",["set",[5]]],["r","*=",4],["smap","insert",["map",[["new","1"]]]]]}]`,
		`["Test",{"op":"update","table":"Root","where":[["name","==","n1"]],"row":{"eph":5}}]`,
		`["Test",{"op":"update","table":"Root","where":[["name","==","n1"]],"row":{"kids":["set",[]]}}]`,
		`["Test",{"op":"update","table":"Root","where":[["name","==","n1"]],"row":{"name":"n2"}},{"op":"comment","comment":"a"},{"op":"comment","comment":"b"}]`,
		`["Test",{"op":"insert","table":"Root","row":{"name":"n3","kids":["uuid","` + u1 + `"]}}]`,
		`["Test",{"op":"insert","table":"Kid","row":{"n":99}}]`,
		`["Test",{"op":"delete","table":"Root","where":[["name","==","n2"]]}]`,
		`["Test",{"op":"wait","table":"Root","where":[],"columns":["name"],"until":"==","rows":[],"timeout":100}]`,
		`["Test",{"op":"select","table":"Root","where":[],"columns":["name"]},{"op":"commit","durable":true}]`,
		`["Test",{"op":"comment","comment":"nothing"}]`,
		`["Test",{"op":"insert","table":"Root","row":{"name":"n4"}},{"op":"abort"}]`,
		`not json`, `["Other"]`, `{}`,
	}
	for _, tr := range steps {
		p.same(t, "transact", "natural.db", tr)
		p.same(t, "-mm", "show-log", "natural.db")
		p.same(t, "query", "natural.db", selectAll)
	}
	p.crossRead(t, "-mm", "show-log", "natural.db")
	p.crossRead(t, "query", "natural.db", selectAll)

	// A record that fails as a transaction ends the log; the next write
	// cuts it off there.
	p.same(t, "query", "refint.db", `["Test",{"op":"insert","table":"Root","row":{"name":"x"}}]`)
	p.same(t, "transact", "refint.db", `["Test",{"op":"select","table":"Root","where":[],"columns":["name"]}]`)
	p.same(t, "-mm", "show-log", "refint.db")
	p.same(t, "transact", "refint.db", `["Test",{"op":"insert","table":"Root","row":{"name":"x"}}]`)
	p.same(t, "-mm", "show-log", "refint.db")
	p.crossRead(t, "-mm", "show-log", "refint.db")

	for _, f := range []string{"torn.db", "badvalue.db", "cluster.db", "missing.db", "/nonexistent/x.db"} {
		p.same(t, "transact", f, `["Test",{"op":"insert","table":"Root","row":{"name":"x"}}]`)
	}
	p.same(t, "show-log", "torn.db")

	for _, role := range []string{"--rbac-role=foo", "--rbac-role=", "--rbac-role=superuser"} {
		p.same(t, role, "transact", "rbac.db", `["R",{"op":"insert","table":"T","row":{"name":"b"}}]`)
		p.same(t, role, "transact", "rbac.db", `["R",{"op":"update","table":"T","where":[],"row":{"v":3}}]`)
		p.same(t, "-mm", "show-log", "rbac.db")
	}
	p.crossRead(t, "-mm", "show-log", "rbac.db")
}

func TestOracleCompact(t *testing.T) {
	p := newPair(t, "natural.db", "compacted.db", "crafted.db", "refint.db", "torn.db", "cluster.db",
		"garbage.db", "empty.db", "noversion.db", "badvalue.db")
	p.same(t, "compact", "natural.db", "new.db")
	p.crossRead(t, "-mm", "show-log", "new.db")
	p.crossRead(t, "query", "new.db", selectAll)
	p.same(t, "compact", "natural.db", "new.db") // over a database
	p.crossRead(t, "-mm", "show-log", "new.db")
	p.same(t, "compact", "natural.db", "empty.db")
	p.crossRead(t, "-mm", "show-log", "empty.db")
	for _, dst := range []string{"garbage.db", "cluster.db", "/nonexistent/x.db"} {
		p.same(t, "compact", "natural.db", dst)
	}
	for _, f := range []string{"missing.db", "torn.db", "crafted.db", "cluster.db", "garbage.db", "badvalue.db"} {
		p.same(t, "compact", f, "out-"+f)
		p.same(t, "compact", f)
	}
	for _, f := range []string{"natural.db", "compacted.db", "refint.db", "noversion.db"} {
		p.same(t, "compact", f)
		p.crossRead(t, "-mm", "show-log", f)
		p.crossRead(t, "query", f, selectAll)
		p.same(t, "transact", f, `["Test",{"op":"insert","table":"Root","row":{"name":"after"}}]`)
		p.crossRead(t, "-mm", "show-log", f)
	}
}

// schemaVariant writes test.ovsschema changed by edit as name in both
// directories.
func (p *pair) schemaVariant(t *testing.T, name string, edit func(tables *ovsjson.Value)) {
	t.Helper()
	data, err := os.ReadFile("testdata/test.ovsschema")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ovsjson.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range v.O {
		if v.O[i].Key == "tables" {
			edit(&v.O[i].Value)
		}
	}
	p.writeFile(t, name, ovsjson.Append(nil, v, ovsjson.Pretty))
}

// member returns a pointer to the member of object v at path.
func member(t *testing.T, v *ovsjson.Value, path ...string) *ovsjson.Value {
	t.Helper()
	for _, k := range path {
		found := false
		for i := range v.O {
			if v.O[i].Key == k {
				v, found = &v.O[i].Value, true
				break
			}
		}
		if !found {
			t.Fatalf("no member %q", k)
		}
	}
	return v
}

func mustJSON(t *testing.T, s string) ovsjson.Value {
	t.Helper()
	v, err := ovsjson.ParseString(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func setColumn(t *testing.T, tables *ovsjson.Value, table, column, def string) {
	t.Helper()
	member(t, tables, table, "columns").Set(column, mustJSON(t, def))
}

func TestOracleConvert(t *testing.T) {
	p := newPair(t, "natural.db", "compacted.db", "crafted.db", "torn.db", "cluster.db", "garbage.db",
		"test.ovsschema", "scalar.ovsschema", "badversion.ovsschema")
	drop := func(table, column string) func(*ovsjson.Value) {
		return func(tables *ovsjson.Value) {
			cols := member(t, tables, table, "columns")
			cols.O = slices.DeleteFunc(cols.O, func(m ovsjson.Member) bool { return m.Key == column })
		}
	}
	variants := map[string]func(*ovsjson.Value){
		"drop-column": drop("Root", "opt"),
		"int-to-string": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "i", `{"type":"string"}`)
		},
		"set-smaller": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "iset", `{"type":{"key":"integer","min":0,"max":2}}`)
		},
		"enum": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "color", `{"type":{"key":{"type":"string","enum":["set",["green","blue"]]},"min":0,"max":1}}`)
		},
		"new-column": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "newcol", `{"type":{"key":"integer","value":"string","min":0,"max":"unlimited"}}`)
		},
		"new-table": func(v *ovsjson.Value) {
			v.Set("New", mustJSON(t, `{"columns":{"x":{"type":"integer"}}}`))
		},
		"int-to-real": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "i", `{"type":"real"}`)
		},
		"real-to-int": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "r", `{"type":"integer"}`)
		},
		"optional-to-required": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "opt", `{"type":"string"}`)
		},
		"range": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "iset", `{"type":{"key":{"type":"integer","maxInteger":2},"min":0,"max":"unlimited"}}`)
		},
		"no-ref": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "kids", `{"type":{"key":{"type":"uuid"},"min":0,"max":"unlimited"}}`)
		},
		"weak-ref": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "kids", `{"type":{"key":{"type":"uuid","refTable":"Kid","refType":"weak"},"min":0,"max":"unlimited"}}`)
		},
		"scalar-to-set": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "name", `{"type":{"key":"string","min":0,"max":"unlimited"}}`)
		},
		"bool-to-int": func(v *ovsjson.Value) {
			setColumn(t, v, "Root", "b", `{"type":"integer"}`)
		},
		"min-length": func(v *ovsjson.Value) {
			setColumn(t, v, "Kid", "tags", `{"type":{"key":{"type":"string","minLength":2},"min":0,"max":3}}`)
		},
		"index": func(v *ovsjson.Value) {
			member(t, v, "Root").Set("indexes", mustJSON(t, `[["i"]]`))
		},
		"drop-table": func(v *ovsjson.Value) {
			v.O = slices.DeleteFunc(v.O, func(m ovsjson.Member) bool { return m.Key == "Kid" })
			drop("Root", "kids")(v)
			drop("Root", "weak")(v)
		},
	}
	names := make([]string, 0, len(variants))
	for name, edit := range variants {
		p.schemaVariant(t, name+".ovsschema", edit)
		names = append(names, name)
	}
	slices.Sort(names)
	convert := func(db, name string) {
		s := name + ".ovsschema"
		out := name + "-" + db
		p.same(t, "needs-conversion", db, s)
		p.same(t, "convert", db, s, out)
		p.crossRead(t, "-mm", "show-log", out)
	}
	for _, name := range names {
		convert("natural.db", name)
	}
	for _, name := range []string{"drop-column", "no-ref", "scalar-to-set"} {
		convert("compacted.db", name)
	}
	p.crossRead(t, "needs-conversion", "drop-column-natural.db", "drop-column.ovsschema")
	p.crossRead(t, "query", "no-ref-natural.db", selectAll)
	for _, args := range [][]string{
		{"convert", "missing.db", "test.ovsschema"},
		{"convert", "natural.db", "missing.ovsschema"},
		{"convert", "natural.db", "scalar.ovsschema"},
		{"convert", "natural.db", "badversion.ovsschema"},
		{"convert", "torn.db", "test.ovsschema", "out.db"},
		{"convert", "cluster.db", "test.ovsschema"},
		{"convert", "natural.db", "test.ovsschema", "garbage.db"},
		{"convert", "natural.db", "test.ovsschema", "/nonexistent/x.db"},
		{"convert", "missing.db", "test.ovsschema", "/nonexistent/x.db"},
		{"convert", "crafted.db", "drop-column.ovsschema"},
		{"convert", "natural.db", "drop-column.ovsschema"},
		{"convert", "compacted.db", "new-table.ovsschema"},
	} {
		p.same(t, args...)
	}
	p.crossRead(t, "-mm", "show-log", "natural.db")
	p.crossRead(t, "-mm", "show-log", "compacted.db")
	p.same(t, "needs-conversion", "natural.db", "drop-column.ovsschema")
	p.same(t, "needs-conversion", "natural.db", "test.ovsschema")
}

// TestOracleLocked checks the messages for a database a server holds.
func TestOracleLocked(t *testing.T) {
	server, err := exec.LookPath("ovsdb-server")
	if err != nil {
		realTool(t) // skips or fails as for the tool
		t.Skip("ovsdb-server not installed")
	}
	p := newPair(t, "natural.db", "test.ovsschema")
	for _, s := range []*side{p.real, p.ours} {
		cmd := exec.Command(server, "--remote=punix:"+s.dir+"/run/db.sock", "--unixctl="+s.dir+"/run/ctl",
			"--no-chdir", "-vconsole:off", s.dir+"/natural.db")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		deadline := time.Now().Add(10 * time.Second)
		for {
			if _, err := os.Stat(s.dir + "/run/db.sock"); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("ovsdb-server did not start")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	p.same(t, "transact", "natural.db", `["Test"]`)
	p.same(t, "compact", "natural.db")
	p.same(t, "convert", "natural.db", "test.ovsschema")
	p.same(t, "query", "natural.db", `["Test",{"op":"select","table":"Kid","where":[],"columns":["n"]}]`)
	p.same(t, "compact", "natural.db", "copy.db")
	p.crossRead(t, "-mm", "show-log", "copy.db")
}
