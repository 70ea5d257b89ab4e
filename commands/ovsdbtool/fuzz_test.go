package ovsdbtool

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// FuzzDatabaseFile feeds arbitrary database files to the commands that
// read them: they must report, not crash or hang.
func FuzzDatabaseFile(f *testing.F) {
	for _, name := range []string{"crafted.db", "dates.db", "torn.db", "badsha.db", "refint.db", "badvalue.db", "noversion.db", "cluster.db"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("OVSDB JSON 2 0\n{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		db := filepath.Join(dir, "f.db")
		if err := os.WriteFile(db, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{
			{"-mm", "show-log", db},
			{"db-name", db},
			{"query", db, `["Test",{"op":"select","table":"Root","where":[]}]`},
			{"compact", db, filepath.Join(dir, "out.db")},
			{"transact", db, `["Test",{"op":"insert","table":"Kid","row":{"n":1}}]`},
		} {
			if st, _, _ := runTool(args...); st != 0 && st != 1 {
				t.Fatalf("%v: status %d", args, st)
			}
		}
	})
}

// FuzzTransaction runs arbitrary transactions with query, which reads the
// database without changing it.
func FuzzTransaction(f *testing.F) {
	for _, s := range []string{
		`["Test",{"op":"select","table":"Root","where":[["name","==","r2b"]]}]`,
		`["Test",{"op":"insert","table":"Root","row":{"name":"x","iset":["set",[1]]}}]`,
		`["Test",{"op":"mutate","table":"Root","where":[],"mutations":[["i","+=",1]]}]`,
		`["Test",{"op":"wait","table":"Root","where":[],"columns":["i"],"until":"==","rows":[]}]`,
		`["Test",{"op":"delete","table":"Kid","where":[]}]`,
		`"str"`, `5`, `[`, ``, `{}`,
	} {
		f.Add(s, "")
		f.Add(s, "foo")
	}
	src, err := os.ReadFile("testdata/natural.db")
	if err != nil {
		f.Fatal(err)
	}
	rbac, err := os.ReadFile("testdata/rbac.db")
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	db := filepath.Join(dir, "natural.db")
	if err := os.WriteFile(db, src, 0o600); err != nil {
		f.Fatal(err)
	}
	rdb := filepath.Join(dir, "rbac.db")
	if err := os.WriteFile(rdb, rbac, 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, trans, role string) {
		for _, path := range []string{db, rdb} {
			st, out, _ := runTool("--rbac-role="+role, "query", path, trans)
			switch st {
			case 0:
				if _, err := ovsjson.ParseString(out); err != nil {
					t.Fatalf("query %q printed %q: %v", trans, out, err)
				}
			case 1:
			default:
				t.Fatalf("query %q: status %d", trans, st)
			}
		}
	})
}

// FuzzCompareVersions checks compare-versions on arbitrary versions and
// operators: it answers 0 or 2, or fails with 1, and agrees with itself.
func FuzzCompareVersions(f *testing.F) {
	f.Add("1.2.3", "<", "1.2.4")
	f.Add(" 1. 2.3", "==", "-1.2.3")
	f.Add("99999999999999999999999.0.0", "!=", "1.2")
	f.Fuzz(func(t *testing.T, a, op, b string) {
		st, _, _ := runTool("compare-versions", "--", a, op, b)
		if st < 0 || st > 2 {
			t.Fatalf("status %d", st)
		}
		_, okA := ovsdb.ParseVersion(a)
		_, okB := ovsdb.ParseVersion(b)
		if okA && okB {
			eq, _, _ := runTool("compare-versions", "--", a, "==", b)
			ne, _, _ := runTool("compare-versions", "--", a, "!=", b)
			if eq+ne != 2 {
				t.Fatalf("%q == %q gives %d, != gives %d", a, b, eq, ne)
			}
		}
	})
}
