package database

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

func transact(t testing.TB, db *Database, ops string, opts TxnOptions) (string, *Commit, time.Time) {
	t.Helper()
	res, c, wait, err := db.Transact(mustParse(t, q(ops)).A, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !wait.IsZero() {
		return "", nil, wait
	}
	return res.String(), c, wait
}

func fixtureDB(t testing.TB) *Database {
	db := New(loadTestSchema(t))
	if res, _, _ := transact(t, db, fixture, TxnOptions{}); strings.Contains(res, "error") {
		t.Fatal(res)
	}
	return db
}

func TestWait(t *testing.T) {
	db := fixtureDB(t)
	first := time.Unix(1000, 0)
	unsat := `[{'op':'insert','table':'Root','row':{'name':'w'}},{'op':'wait','table':'Root','where':[['name','==','x']],'columns':['name'],'until':'==','rows':[{'name':'z'}],'timeout':1000}]`

	res, c, wait := transact(t, db, unsat, TxnOptions{Now: first.Add(10 * time.Millisecond), FirstAttempt: first})
	if res != "" || c != nil || !wait.Equal(first.Add(time.Second)) {
		t.Fatalf("pending wait: %q %v %v", res, c, wait)
	}
	if n := countRows(db, "Root"); n != 2 {
		t.Fatalf("pending transaction changed the database: %d rows", n)
	}
	res, c, _ = transact(t, db, unsat, TxnOptions{Now: first.Add(1234 * time.Millisecond), FirstAttempt: first})
	if want := `[{"uuid":["uuid",`; !strings.HasPrefix(res, want) ||
		!strings.HasSuffix(res, `{"details":"\"wait\" timed out after 1234 ms","error":"timed out"}]`) || c != nil {
		t.Fatalf("expired wait: %s", res)
	}
	_, _, wait = transact(t, db, `[{'op':'wait','table':'Root','where':[],'columns':['name'],'until':'==','rows':[]}]`, TxnOptions{})
	if wait != Forever {
		t.Fatalf("wait without timeout: %v", wait)
	}
	res, _, _ = transact(t, db, `[{'op':'wait','table':'Root','where':[['name','==','x']],'columns':['name'],'until':'==','rows':[{'name':'x'}]}]`, TxnOptions{})
	if res != `[{}]` {
		t.Fatalf("satisfied wait: %s", res)
	}
}

func countRows(db *Database, table string) int {
	n := 0
	db.View(func(tx ReadTx) { n = tx.Count(table) })
	return n
}

func TestAssert(t *testing.T) {
	db := New(loadTestSchema(t))
	held := func(name string) bool { return name == "mine" }
	for _, tc := range []struct{ lock, want string }{
		{"mine", `[{}]`},
		{"theirs", `[{"details":"Asserted lock theirs not held.","error":"not owner"}]`},
	} {
		res, _, _ := transact(t, db, `[{'op':'assert','lock':'`+tc.lock+`'}]`, TxnOptions{LockHeld: held})
		if res != tc.want {
			t.Errorf("assert %s: %s, want %s", tc.lock, res, tc.want)
		}
	}
}

func TestCommitContents(t *testing.T) {
	db := fixtureDB(t)
	var old *ovsdb.Row
	db.View(func(tx ReadTx) { old = tx.Row("Root", ovsdb.UUID(mustUUID(r1))) })

	_, c, _ := transact(t, db, `[{'op':'comment','comment':'a'},{'op':'comment','comment':'b'},{'op':'commit','durable':true},
		{'op':'update','table':'Root','where':[['name','==','x']],'row':{'i':5,'eph':3,'name':'x'}},
		{'op':'mutate','table':'Root','where':[['name','==','x']],'mutations':[['strong','delete',`+uu(c1)+`]]}]`, TxnOptions{})
	if c == nil || !c.Durable || c.Comment != "a\nb" {
		t.Fatalf("commit %+v", c)
	}
	ts := db.Schema().Tables["Root"]
	var kinds []string
	for _, tc := range c.Changes {
		for _, rc := range tc.Rows {
			switch {
			case rc.Old == nil:
				kinds = append(kinds, "insert "+tc.Table.Name)
			case rc.New == nil:
				kinds = append(kinds, "delete "+tc.Table.Name+" "+rc.UUID.String())
			default:
				var cols []string
				for _, i := range rc.Changed {
					cols = append(cols, ts.AllColumns[i].Name)
				}
				kinds = append(kinds, "modify "+tc.Table.Name+" "+strings.Join(cols, ","))
				if rc.Old != old {
					t.Errorf("Old is not the committed row")
				}
				if rc.New.Version == old.Version || rc.New.Fields[1].Keys[0].UUID() != rc.New.Version {
					t.Errorf("version not renewed")
				}
			}
		}
	}
	// The garbage-collected child and the weak reference to it are part
	// of the commit.
	want := "delete Child " + c1 + "|modify Root _version,eph,i,strong,weak"
	if got := strings.Join(kinds, "|"); got != want {
		t.Errorf("changes %s, want %s", got, want)
	}
	if old.Fields[ts.Columns["i"].Index].Keys[0].Int() != 1 {
		t.Errorf("committed row was modified in place")
	}

	// Ephemeral-only changes reach monitors but not the file.
	_, c, _ = transact(t, db, `[{'op':'update','table':'Root','where':[],'row':{'eph':9}}]`, TxnOptions{})
	if c == nil || c.HasFileRecord() || !c.FileRecord(time.Now()).IsNull() {
		t.Errorf("ephemeral-only commit: %v", c)
	}
	// No-op updates and comments commit nothing.
	_, c, _ = transact(t, db, `[{'op':'update','table':'Root','where':[],'row':{'eph':9}},{'op':'comment','comment':'x'}]`, TxnOptions{})
	if c != nil {
		t.Errorf("no-op commit: %v", c)
	}
}

func mustUUID(s string) ovsdb.UUID {
	u, ok := ovsdb.ParseUUID(s)
	if !ok {
		panic(s)
	}
	return u
}

func TestView(t *testing.T) {
	db := fixtureDB(t)
	var names []string
	var x *ovsdb.Row
	db.View(func(tx ReadTx) {
		tx.Rows("Child", func(row *ovsdb.Row) bool {
			names = append(names, row.Fields[db.Schema().Tables["Child"].Columns["name"].Index].Keys[0].Str())
			return true
		})
		x = tx.Row("Root", mustUUID(r1))
		if tx.Row("Root", mustUUID(c1)) != nil || tx.Row("Nope", mustUUID(r1)) != nil || tx.Count("Nope") != 0 {
			t.Error("lookup of a missing row found something")
		}
		tx.Rows("Nope", func(*ovsdb.Row) bool { t.Error("rows in unknown table"); return true })
	})
	if strings.Join(names, ",") != "c1,c2,c3" || x == nil {
		t.Fatalf("view: %v %v", names, x)
	}
	transact(t, db, `[{'op':'delete','table':'Root','where':[]}]`, TxnOptions{})
	if countRows(db, "Child") != 0 || countRows(db, "Root") != 0 {
		t.Error("delete did not collect children")
	}
	if x.Fields[db.Schema().Tables["Root"].Columns["name"].Index].Keys[0].Str() != "x" {
		t.Error("a kept row changed after its deletion")
	}
}

// TestConcurrency runs readers alongside writers; run with -race.
func TestConcurrency(t *testing.T) {
	db := fixtureDB(t)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				db.View(func(tx ReadTx) {
					n := 0
					tx.Rows("Idx", func(*ovsdb.Row) bool { n++; return true })
					if n != tx.Count("Idx") {
						t.Errorf("count %d, rows %d", tx.Count("Idx"), n)
					}
				})
				res, _, _, _ := db.Transact(mustParse(t, q(`[{'op':'select','table':'Root','where':[],'columns':['i']}]`)).A, TxnOptions{})
				if strings.Contains(res.String(), "error") {
					t.Error(res)
				}
			}
		}()
	}
	for i := 0; i < 200; i++ {
		transact(t, db, fmt.Sprintf(`[{'op':'insert','table':'Idx','row':{'a':'%d'}},{'op':'delete','table':'Idx','where':[['a','==','%d']]},{'op':'mutate','table':'Root','where':[],'mutations':[['i','+=',1]]}]`, i, i-1), TxnOptions{})
	}
	close(stop)
	wg.Wait()
	res, _, _ := transact(t, db, `[{'op':'select','table':'Root','where':[['name','==','y']],'columns':['i']},{'op':'select','table':'Idx','where':[],'columns':['a']}]`, TxnOptions{})
	if res != `[{"rows":[{"i":202}]},{"rows":[{"a":"199"}]}]` {
		t.Errorf("after concurrent writes: %s", res)
	}
}

func TestParseCondition(t *testing.T) {
	schema := loadTestSchema(t)
	ts := schema.Tables["Root"]
	db := fixtureDB(t)
	var x, y *ovsdb.Row
	db.View(func(tx ReadTx) { x, y = tx.Row("Root", mustUUID(r1)), tx.Row("Root", mustUUID(r2)) })
	for _, tc := range []struct {
		cond       string
		x, y       bool
		isT, isF   bool
		err        string
		withNames  bool
		namesError bool
	}{
		{cond: `[]`, x: true, y: true, isT: true},
		{cond: `[true]`, x: true, y: true, isT: true},
		{cond: `[false]`, isF: true},
		{cond: `[true,['i','>',1]]`, y: true},
		{cond: `[['_uuid','==',` + uu(r1) + `]]`, x: true},
		{cond: `[['_uuid','==',` + uu(r1) + `],['i','==',2]]`},
		{cond: `[['r','>=',1.5],['iset','includes',['set',[1,2]]],['smap','excludes',['map',[['k','w']]]]]`, x: true},
		{cond: `[['opt','!=',1],['opt','excludes',1]]`, x: true, y: true},
		{cond: `[['u','==',['named-uuid','a']]]`, err: `syntax "["named-uuid","a"]": syntax error: expected ["uuid", <string>]`},
		{cond: `{}`, err: `syntax "{}": syntax error: Parse error in condition.`},
	} {
		c, err := ParseCondition(ts, mustParse(t, q(tc.cond)), nil)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: error %v, want %s", tc.cond, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.cond, err)
			continue
		}
		if c.Eval(x) != tc.x || c.Eval(y) != tc.y || c.IsTrue() != tc.isT || c.IsFalse() != tc.isF {
			t.Errorf("%s: x %v y %v true %v false %v", tc.cond, c.Eval(x), c.Eval(y), c.IsTrue(), c.IsFalse())
		}
	}
}

func TestMulOverflow(t *testing.T) {
	// Measured against ovsdb-server 3.1 (see mulOverflows).
	const max, min = math.MaxInt64, math.MinInt64
	for _, tc := range []struct {
		x, y int64
		err  bool
	}{
		{1, max, true}, {max, 1, true}, {1, 1 << 62, true}, {1, 1<<62 - 1, false}, {2, 1<<62 - 1, true},
		{3, 3, false}, {-1, max, false}, {1, min, false}, {3037000499, 3037000499, false},
		{3037000500, 3037000500, true}, {1 << 31, 1<<32 - 1, true}, {1 << 32, 1<<31 - 1, false},
		{-1, -4294967296, true}, {-1, -2147483649, false}, {-3, -3, false}, {0, max, false},
		{2, 1 << 61, false}, {-2, 1 << 62, false}, {-2, 1<<62 + 1, true}, {min, -1, false}, // wraps to min, as in OVS
		{5, min / 5, false}, {5, min/5 - 1, true},
	} {
		if got := mulOverflows(tc.x, tc.y); got != tc.err {
			t.Errorf("%d * %d: overflow %v, want %v", tc.x, tc.y, got, tc.err)
		}
	}
}

func TestTypeEnglish(t *testing.T) {
	schema := loadTestSchema(t)
	for _, tc := range []struct{ table, col, want string }{
		{"Root", "i", "integer"}, {"Root", "u", "uuid"}, {"Root", "opt", "set of up to 1 integers"},
		{"Root", "iset", "set of integers"}, {"Root", "iset3", "set of up to 3 integers"},
		{"Root", "strong", "set of uuids"}, {"Root", "smap", "map of (string, string) pairs"},
		{"Strict", "iset2", "set of 1 to 3 integers"}, {"A", "s1", "set of 1 or more integers"},
		{"A", "m0", "map of up to 4 (integer, string) pairs"}, {"A", "m1", "map of 1 to 4 (integer, string) pairs"},
		{"A", "m2", "map of 1 or more (integer, string) pairs"}, {"A", "m3", "map of 1 to 1 (integer, string) pairs"},
	} {
		if got := typeEnglish(&schema.Tables[tc.table].Columns[tc.col].Type); got != tc.want {
			t.Errorf("%s.%s: %q, want %q", tc.table, tc.col, got, tc.want)
		}
	}
	for _, tc := range []struct {
		in   []string
		want string
	}{{nil, ""}, {[]string{"a"}, "a"}, {[]string{"a", "b"}, "a and b"}, {[]string{"a", "b", "c"}, "a, b, and c"}} {
		if got := englishList(tc.in); got != tc.want {
			t.Errorf("englishList(%q) = %q", tc.in, got)
		}
	}
}

func vswitchSchema(t testing.TB) *ovsdb.Schema {
	v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
	if err != nil {
		t.Fatal(err)
	}
	s, err := ovsdb.ParseSchema(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// vswitchDB returns an Open_vSwitch database with one bridge, and the
// bridge's UUID.
func vswitchDB(t testing.TB) (*Database, string) {
	db := New(vswitchSchema(t))
	res, _, _ := transact(t, db, `[{'op':'insert','table':'Open_vSwitch','row':{'bridges':['named-uuid','br']}},
		{'op':'insert','table':'Bridge','uuid-name':'br','row':{'name':'br0','ports':['named-uuid','p']}},
		{'op':'insert','table':'Port','uuid-name':'p','row':{'name':'br0','interfaces':['named-uuid','i']}},
		{'op':'insert','table':'Interface','uuid-name':'i','row':{'name':'br0','type':'internal'}}]`, TxnOptions{})
	if strings.Contains(res, "error") {
		t.Fatal(res)
	}
	var br string
	db.View(func(tx ReadTx) {
		tx.Rows("Bridge", func(row *ovsdb.Row) bool { br = row.UUID.String(); return false })
	})
	return db, br
}

func addPortOps(br string, n int) []ovsjson.Value {
	name := fmt.Sprintf("p%d", n)
	v, err := ovsjson.ParseString(q(`[{'op':'insert','table':'Interface','uuid-name':'i','row':{'name':'` + name + `'}},
		{'op':'insert','table':'Port','uuid-name':'p','row':{'name':'` + name + `','interfaces':['named-uuid','i']}},
		{'op':'mutate','table':'Bridge','where':[['_uuid','==',['uuid','` + br + `']]],'mutations':[['ports','insert',['named-uuid','p']]]},
		{'op':'mutate','table':'Open_vSwitch','where':[],'mutations':[['next_cfg','+=',1]]},
		{'op':'select','table':'Open_vSwitch','where':[],'columns':['next_cfg']},
		{'op':'comment','comment':'ovs-vsctl: ovs-vsctl add-port br0 ` + name + `'}]`))
	if err != nil {
		panic(err)
	}
	return v.A
}

func TestVswitch(t *testing.T) {
	db, br := vswitchDB(t)
	var res string
	var c *Commit
	for i := 0; i < 20; i++ {
		res, c, _, _ := db.Transact(addPortOps(br, i), TxnOptions{})
		if !strings.HasSuffix(res.String(), fmt.Sprintf(`{"rows":[{"next_cfg":%d}]},{}]`, i+1)) || c == nil {
			t.Fatalf("add-port: %s", res)
		}
	}
	dup, _, _, _ := db.Transact(addPortOps(br, 3), TxnOptions{})
	if res := dup.String(); !strings.Contains(res, `\"Interface\" table to have identical values (p3) for index on column \"name\"`) {
		t.Errorf("duplicate port name: %s", res)
	}
	// del-port: the port and its interface are garbage.
	res, c, _ = transact(t, db, `[{'op':'mutate','table':'Bridge','where':[],'mutations':[['ports','delete',['set',[]]]]}]`, TxnOptions{})
	if c != nil || res != `[{"count":1}]` {
		t.Errorf("no-op mutate: %s %v", res, c)
	}
	var p5 string
	db.View(func(tx ReadTx) {
		ps := db.Schema().Tables["Port"]
		tx.Rows("Port", func(row *ovsdb.Row) bool {
			if row.Fields[ps.Columns["name"].Index].Keys[0].Str() == "p5" {
				p5 = row.UUID.String()
			}
			return true
		})
	})
	_, c, _ = transact(t, db, `[{'op':'mutate','table':'Bridge','where':[],'mutations':[['ports','delete',['uuid','`+p5+`']]]}]`, TxnOptions{})
	if c == nil || countRows(db, "Port") != 20 || countRows(db, "Interface") != 20 {
		t.Errorf("del-port: %d ports, %d interfaces", countRows(db, "Port"), countRows(db, "Interface"))
	}
	if rec := c.FileRecord(time.Unix(1, 0)).String(); !strings.Contains(rec, `"Port":{"`+p5+`":null}`) || !strings.Contains(rec, `"ports":["uuid","`+p5+`"]`) {
		t.Errorf("del-port record: %s", rec)
	}
}

func TestReadOnlyDetection(t *testing.T) {
	for _, tc := range []struct {
		ops  string
		want bool
	}{
		{`[]`, true},
		{`[{'op':'select'},{'op':'wait'},{'op':'comment'},{'op':'assert'},{'op':'abort'},{'op':'commit'}]`, true},
		{`[{'op':'select'},{'op':'insert'}]`, false},
		{`[{'op':1}]`, false},
		{`[1]`, false},
	} {
		if got := readOnly(mustParse(t, q(tc.ops)).A); got != tc.want {
			t.Errorf("%s: %v", tc.ops, got)
		}
	}
}

// bigPortsTxn returns a transaction of n ports, each inserted before the
// interface it names (a forward reference to a "uuid-name"), all added to
// the bridge: past reserveMin operations, Transact sizes itself first.
func bigPortsTxn(n int, extra string) string {
	var b strings.Builder
	b.WriteString("[")
	var refs []string
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"op":"insert","table":"Port","uuid-name":"p%d","row":{"name":"q%d","interfaces":["named-uuid","i%d"]}},`, i, i, i)
		fmt.Fprintf(&b, `{"op":"insert","table":"Interface","uuid-name":"i%d","row":{"name":"q%d"}},`, i, i)
		refs = append(refs, fmt.Sprintf(`["named-uuid","p%d"]`, i))
	}
	b.WriteString(extra)
	fmt.Fprintf(&b, `{"op":"mutate","table":"Bridge","where":[],"mutations":[["ports","insert",["set",[%s]]]]}]`, strings.Join(refs, ","))
	return b.String()
}

func TestBigTransaction(t *testing.T) {
	db, _ := vswitchDB(t)
	const n = 70 // more rows per table than reserveMin
	res, c, _, _ := db.Transact(mustParse(t, bigPortsTxn(n, "")).A, TxnOptions{})
	if c == nil || len(res.A) != 2*n+1 {
		t.Fatalf("transaction failed: %.300s", res.String())
	}
	// Each result names its row, and each port refers to the interface
	// inserted after it.
	ifaces := map[string]string{} // interface name -> uuid
	db.View(func(tx ReadTx) {
		tx.Rows("Interface", func(row *ovsdb.Row) bool {
			ifaces[row.Fields[db.Schema().Tables["Interface"].Columns["name"].Index].Keys[0].Str()] = row.UUID.String()
			return true
		})
	})
	for i := 0; i < n; i++ {
		want := fmt.Sprintf(`{"uuid":["uuid","%s"]}`, ifaces[fmt.Sprintf("q%d", i)])
		if got := res.A[2*i+1].String(); got != want {
			t.Fatalf("result %d: %s, want %s", 2*i+1, got, want)
		}
	}
	if rec := c.FileRecord(time.Unix(1, 0)).String(); !strings.Contains(rec, `"interfaces":["uuid","`+ifaces["q7"]+`"]`) {
		t.Errorf("port q7 does not refer to its interface: %.300s", rec)
	}
	if countRows(db, "Port") != n+1 || countRows(db, "Interface") != n+1 {
		t.Errorf("%d ports, %d interfaces", countRows(db, "Port"), countRows(db, "Interface"))
	}

	// A snapshot of that many rows replays (sized up front too) to the
	// same contents.
	snap := db.SnapshotAt(time.Unix(1, 0))
	db2 := New(db.Schema())
	if err := db2.ApplyFileRecord(snap); err != nil {
		t.Fatal(err)
	}
	if a, b := db2.SnapshotAt(time.Unix(1, 0)).String(), snap.String(); a != b {
		t.Errorf("replayed snapshot differs")
	}

	// A repeated "uuid-name" fails its operation, with nothing written.
	res, c, _, _ = db.Transact(mustParse(t, bigPortsTxn(n, `{"op":"insert","table":"Interface","uuid-name":"i3","row":{"name":"dup"}},`)).A, TxnOptions{})
	if c != nil || len(res.A) != 2*n+2 || !strings.Contains(res.A[2*n].String(), `"error":"duplicate uuid-name"`) || res.A[2*n+1].Kind != ovsjson.Null {
		t.Errorf("duplicate uuid-name: %.200s", res.A[2*n:])
	}
	if countRows(db, "Port") != n+1 {
		t.Errorf("failed transaction wrote %d ports", countRows(db, "Port")-n-1)
	}
}

// TestSharedDefaults checks that rows sharing their table's default datums
// never see each other's writes.
func TestSharedDefaults(t *testing.T) {
	db, _ := vswitchDB(t)
	// Interfaces live as long as a port of a bridge refers to them.
	ports := `{'op':'insert','table':'Port','uuid-name':'p','row':{'name':'p','interfaces':['set',[['named-uuid','a'],['named-uuid','b'],['named-uuid','c']]]}},
		{'op':'mutate','table':'Bridge','where':[],'mutations':[['ports','insert',['named-uuid','p']]]}`
	res, c, _ := transact(t, db, `[{'op':'insert','table':'Interface','uuid-name':'a','row':{'name':'a'}},
		{'op':'insert','table':'Interface','uuid-name':'b','row':{'name':'b'}},
		{'op':'update','table':'Interface','where':[['name','==','a']],'row':{'type':'internal'}},
		{'op':'mutate','table':'Interface','where':[['name','==','b']],'mutations':[['ofport_request','insert',['set',[7]]]]},
		{'op':'insert','table':'Interface','uuid-name':'c','row':{'name':'c'}},`+ports+`]`, TxnOptions{})
	if c == nil {
		t.Fatal(res)
	}
	res, _, _ = transact(t, db, `[{'op':'select','table':'Interface','where':[['name','!=','br0']],'columns':['name','type','ofport_request']}]`, TxnOptions{})
	if want := `[{"rows":[{"name":"a","ofport_request":["set",[]],"type":"internal"},{"name":"b","ofport_request":7,"type":""},{"name":"c","ofport_request":["set",[]],"type":""}]}]`; res != want {
		t.Errorf("got %s\nwant ...%s", res, want)
	}
}
