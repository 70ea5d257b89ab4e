package database

import (
	"sync"
	"testing"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

var (
	fuzzSchemaOnce sync.Once
	fuzzVswitch    *ovsdb.Schema
	fuzzTest       *ovsdb.Schema
)

func fuzzSchemas(t testing.TB) (*ovsdb.Schema, *ovsdb.Schema) {
	fuzzSchemaOnce.Do(func() {
		fuzzVswitch = vswitchSchema(t)
		fuzzTest = loadTestSchema(t)
	})
	return fuzzVswitch, fuzzTest
}

// checkDatums verifies that every stored datum is canonical and fits its
// column's type.
func checkDatums(t *testing.T, db *Database) {
	db.View(func(tx ReadTx) {
		for _, name := range db.Schema().TableNames {
			ts := db.Schema().Tables[name]
			tx.Rows(name, func(row *ovsdb.Row) bool {
				for _, c := range ts.AllColumns[2:] {
					if err := row.Fields[c.Index].Check(&c.Type); err != nil {
						t.Fatalf("%s.%s of %s: %v", name, c.Name, row.UUID, err)
					}
				}
				return true
			})
		}
	})
}

// FuzzTransact runs arbitrary operations on a small Open_vSwitch
// database. Besides not panicking, a transaction must reply with one
// element per operation (plus one for a failed commit), leave only valid
// values behind, and write a record that rebuilds the same database.
func FuzzTransact(f *testing.F) {
	for _, s := range []string{
		`[{"op":"select","table":"Bridge","where":[]}]`,
		`[{"op":"insert","table":"Port","row":{"name":"p1","interfaces":["named-uuid","i"]},"uuid-name":"p"},{"op":"insert","table":"Interface","row":{"name":"p1"},"uuid-name":"i"},{"op":"mutate","table":"Bridge","where":[],"mutations":[["ports","insert",["named-uuid","p"]]]}]`,
		`[{"op":"update","table":"Bridge","where":[["name","==","br0"]],"row":{"ports":["set",[]]}}]`,
		`[{"op":"delete","table":"Bridge","where":[]},{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","delete",["set",[]]],["next_cfg","+=",1]]}]`,
		`[{"op":"wait","table":"Bridge","where":[],"columns":["name"],"until":"==","rows":[{"name":"br0"}],"timeout":0},{"op":"comment","comment":"x"},{"op":"commit","durable":true}]`,
		`[{"op":"insert","table":"Mirror","row":{"name":"m","select_src_port":["set",[["uuid","00000000-0000-0000-0000-000000000001"]]]}}]`,
		`[{"op":"insert","table":"Open_vSwitch","row":{}}]`,
		`{"op":"abort"}`,
		`[1,"x",null,{"op":"assert","lock":"l"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ovsjson.Parse(data)
		if err != nil {
			return
		}
		ops := v.A
		if v.Kind != ovsjson.Array {
			ops = []ovsjson.Value{v}
		}
		vs, _ := fuzzSchemas(t)
		db := newVswitchDB(t, vs)
		before := db.SnapshotAt(time.Unix(0, 0))
		res, c, wait, err := db.Transact(ops, TxnOptions{LockHeld: func(string) bool { return true }})
		if err != nil {
			t.Fatal(err)
		}
		if !wait.IsZero() {
			if !res.IsNull() || c != nil {
				t.Fatalf("pending with result %s", res)
			}
			return
		}
		if res.Kind != ovsjson.Array || (len(res.A) != len(ops) && len(res.A) != len(ops)+1) {
			t.Fatalf("%d operations, reply %s", len(ops), res)
		}
		checkDatums(t, db)
		if c == nil {
			return
		}
		replay := New(vs)
		if err := replay.ApplyFileRecord(before); err != nil {
			t.Fatal(err)
		}
		if rec := c.FileRecord(time.Unix(0, 0)); !rec.IsNull() {
			if err := replay.ApplyFileRecord(rec); err != nil {
				t.Fatalf("replaying %s: %v", rec, err)
			}
		}
		if got, want := dumpDB(t, replay), dumpDB(t, db); got != want {
			t.Fatalf("replayed record gives\n%s\nwant\n%s", got, want)
		}
	})
}

func newVswitchDB(t testing.TB, s *ovsdb.Schema) *Database {
	db := New(s)
	res, _, _ := transact(t, db, `[{'op':'insert','table':'Open_vSwitch','row':{'bridges':['named-uuid','br']}},
		{'op':'insert','table':'Bridge','uuid-name':'br','row':{'name':'br0','ports':['named-uuid','p']}},
		{'op':'insert','table':'Port','uuid-name':'p','row':{'name':'br0','interfaces':['named-uuid','i']}},
		{'op':'insert','table':'Interface','uuid-name':'i','row':{'name':'br0','type':'internal'}},
		{'op':'insert','table':'Mirror','uuid-name':'m','row':{'name':'m0','select_src_port':['named-uuid','p']}},
		{'op':'mutate','table':'Bridge','where':[],'mutations':[['mirrors','insert',['named-uuid','m']]]}]`, TxnOptions{})
	if len(res) == 0 || res[0] != '[' {
		t.Fatal(res)
	}
	return db
}

// FuzzCondition parses and evaluates arbitrary "where" arrays.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		`[["i","<",2]]`, `[["smap","includes",["map",[["k","v"]]]]]`, `[true,false]`,
		`[["_uuid","==",["uuid","aaaaaaaa-0000-0000-0000-000000000001"]]]`, `[["u","==",["named-uuid","x"]]]`,
		`[["iset","excludes",["set",[1,2,3,4,5]]]]`, `[["r",">=",1e300]]`, `[["opt","<",["set",[]]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ovsjson.Parse(data)
		if err != nil {
			return
		}
		_, ts := fuzzSchemas(t)
		db := New(ts)
		transact(t, db, fixture, TxnOptions{})
		tx := newTxn(db)
		for _, names := range []ovsdb.NameResolver{nil, tx.resolve} {
			c, err := ParseCondition(ts.Tables["Root"], v, names)
			if err != nil {
				if _, ok := err.(*ovsdb.Error); !ok {
					t.Fatalf("error of type %T", err)
				}
				continue
			}
			db.View(func(r ReadTx) {
				r.Rows("Root", func(row *ovsdb.Row) bool { c.Eval(row); return true })
			})
		}
	})
}

// FuzzMutation parses and applies arbitrary "mutations" arrays; whatever
// succeeds must leave valid values.
func FuzzMutation(f *testing.F) {
	for _, s := range []string{
		`[["i","+=",5],["r","*=",2],["iset","+=",10],["rset","-=",0.5]]`,
		`[["iset","*=",0]]`, `[["smap","delete",["set",["k"]]]]`, `[["range","insert",["set",[1,2,3]]],["range","*=",-1]]`,
		`[["i","/=",0]]`, `[["iset3","insert",["set",[1,2,3]]]]`, `[["emap","insert",["map",[[1,"x"]]]]]`,
		`[["strong","delete",["uuid","cccccccc-0000-0000-0000-000000000001"]]]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ovsjson.Parse(data)
		if err != nil {
			return
		}
		_, ts := fuzzSchemas(t)
		db := New(ts)
		transact(t, db, fixture, TxnOptions{})
		tx := newTxn(db)
		rs := ts.Tables["Root"]
		ms, err := ParseMutations(rs, v, tx.resolve)
		if err != nil {
			if _, ok := err.(*ovsdb.Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		db.View(func(r ReadTx) {
			r.Rows("Root", func(row *ovsdb.Row) bool {
				orig := row.Clone()
				cp := &ovsdb.Row{UUID: row.UUID, Version: row.Version, Fields: append([]ovsdb.Datum(nil), row.Fields...)}
				if err := applyMutations(cp, ms); err == nil {
					for _, c := range rs.AllColumns[2:] {
						if err := cp.Fields[c.Index].Check(&c.Type); err != nil {
							t.Fatalf("%s after %s: %v", c.Name, v, err)
						}
					}
				}
				for i := range row.Fields {
					if !row.Fields[i].Equal(&orig.Fields[i]) {
						t.Fatalf("mutation changed the committed row's %s", rs.AllColumns[i].Name)
					}
				}
				return true
			})
		})
	})
}

// FuzzApplyFileRecord replays arbitrary records: errors are fine, panics
// and invalid stored values are not.
func FuzzApplyFileRecord(f *testing.F) {
	for _, s := range []string{
		`{"_date":1,"Root":{"aaaaaaaa-0000-0000-0000-000000000001":{"i":3,"smap":["map",[["a","b"]]]}},"_is_diff":true}`,
		`{"Child":{"cccccccc-0000-0000-0000-000000000001":null}}`,
		`{"Root":{"aaaaaaaa-0000-0000-0000-000000000009":{"name":"n","strong":["uuid","cccccccc-0000-0000-0000-000000000002"]}}}`,
		`{"A":{"aaaaaaaa-0000-0000-0000-000000000009":{"s1":["set",[1,2]]}},"_is_diff":true}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ovsjson.Parse(data)
		if err != nil {
			return
		}
		_, ts := fuzzSchemas(t)
		db := New(ts)
		transact(t, db, fixture, TxnOptions{})
		before := dumpDB(t, db)
		if err := db.ApplyFileRecord(v); err != nil {
			if after := dumpDB(t, db); after != before {
				t.Fatalf("failed record %s changed the database", v)
			}
			return
		}
		checkDatums(t, db)
	})
}
