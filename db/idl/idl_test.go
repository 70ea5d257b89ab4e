package idl

import (
	"strings"
	"sync"
	"testing"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

var (
	schemaOnce sync.Once
	schemaVal  *ovsdb.Schema
)

func vswitchSchema(t testing.TB) *ovsdb.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
		if err != nil {
			panic(err)
		}
		schemaVal, err = ovsdb.ParseSchema(v)
		if err != nil {
			panic(err)
		}
	})
	return schemaVal
}

// offlineIDL returns an IDL that never connects, laid out as Start would,
// for feeding updates by hand.
func offlineIDL(t testing.TB, register func(*IDL)) *IDL {
	t.Helper()
	idl := New("unix:/nonexistent", vswitchSchema(t), Options{})
	if register != nil {
		register(idl)
	}
	idl.layout()
	idl.started = true
	return idl
}

// feed2 applies a <table-updates2> (reset: as a full copy) through Run.
func feed2(t testing.TB, idl *IDL, reset bool, text string) {
	t.Helper()
	v, err := ovsjson.ParseString(text)
	if err != nil {
		t.Fatal(err)
	}
	b, err := idl.parseTableUpdates2(v)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	b.reset = reset
	idl.push(event{kind: evUpdate, batch: b})
	idl.Run()
}

const (
	uBr0 = "11111111-1111-4111-8111-111111111111"
	uBr1 = "22222222-2222-4222-8222-222222222222"
	uOVS = "33333333-3333-4333-8333-333333333333"
	uP0  = "44444444-4444-4444-8444-444444444444"
	uI0  = "55555555-5555-4555-8555-555555555555"
)

func mustUUID(s string) ovsdb.UUID {
	u, ok := ovsdb.ParseUUID(s)
	if !ok {
		panic(s)
	}
	return u
}

func str(d *ovsdb.Datum, c *Column) string { return d.ToString(c.Type()) }

func TestApplyUpdate2(t *testing.T) {
	idl := offlineIDL(t, nil)
	idl.Track()
	br := idl.Table("Bridge")
	name, oc, fv, fm, dpt := br.Column("name"), br.Column("other_config"), br.Column("flood_vlans"), br.Column("fail_mode"), br.Column("datapath_type")
	feed2(t, idl, true, `{"Bridge":{"`+uBr0+`":{"initial":{"name":"br0","other_config":["map",[["a","1"],["b","2"]]],"flood_vlans":["set",[1,2,3]],"fail_mode":"secure"}}},
		"Open_vSwitch":{"`+uOVS+`":{"initial":{"bridges":["uuid","`+uBr0+`"]}}}}`)
	if br.Len() != 1 {
		t.Fatalf("%d bridges", br.Len())
	}
	r := br.Row(mustUUID(uBr0))
	if got := str(r.Get(oc), oc); got != `{a="1", b="2"}` {
		t.Errorf("other_config %s", got)
	}
	if got := r.Str(dpt); got != "" {
		t.Errorf("datapath_type default %q", got)
	}
	if v, ok := r.MapValue(oc, "b"); !ok || v != "2" {
		t.Errorf("MapValue b = %q %v", v, ok)
	}
	ch := br.Changes()
	if len(ch) != 1 || ch[0].Kind() != Inserted {
		t.Fatalf("changes %v", ch)
	}
	idl.ClearTracked()
	seq := idl.Seqno()

	// The diffs ovsdb-server sends: maps and sets as differences,
	// columns of at most one value as the new value.
	feed2(t, idl, false, `{"Bridge":{"`+uBr0+`":{"modify":{"other_config":["map",[["a","5"],["b","2"],["c","3"]]],"flood_vlans":["set",[1,4]],"fail_mode":["set",[]],"datapath_type":"netdev"}}}}`)
	r2 := br.Row(mustUUID(uBr0))
	if r2 == r {
		t.Fatal("row modified in place")
	}
	if got := str(r.Get(oc), oc); got != `{a="1", b="2"}` {
		t.Errorf("old row changed: %s", got)
	}
	for _, c := range []struct {
		col  *Column
		want string
	}{{oc, `{a="5", c="3"}`}, {fv, `[2, 3, 4]`}, {fm, `[]`}, {dpt, `netdev`}, {name, `br0`}} {
		if got := str(r2.Get(c.col), c.col); got != c.want {
			t.Errorf("%s = %s, want %s", c.col.Name, got, c.want)
		}
	}
	if idl.Seqno() == seq {
		t.Error("seqno did not change")
	}
	ch = br.Changes()
	if len(ch) != 1 || ch[0].Kind() != Modified || ch[0].Old != r || ch[0].New != r2 {
		t.Fatalf("changes %+v", ch)
	}
	if ch[0].ColumnChanged(name) || !ch[0].ColumnChanged(oc) || !ch[0].ColumnChanged(fm) {
		t.Errorf("changed columns %v", ch[0].Columns())
	}
	// A scalar sent as a two-element difference also works.
	feed2(t, idl, false, `{"Bridge":{"`+uBr0+`":{"modify":{"datapath_type":["set",["netdev","system"]]}}}}`)
	if got := br.Row(mustUUID(uBr0)).Str(dpt); got != "system" {
		t.Errorf("datapath_type %q", got)
	}
	// An optional column's old value, sent as a difference, empties it.
	feed2(t, idl, false, `{"Bridge":{"`+uBr0+`":{"modify":{"fail_mode":"standalone"}}}}`)
	feed2(t, idl, false, `{"Bridge":{"`+uBr0+`":{"modify":{"fail_mode":"standalone"}}}}`)
	if got := br.Row(mustUUID(uBr0)).Get(fm).Len(); got != 0 {
		t.Errorf("fail_mode has %d values", got)
	}
	// A scalar cannot be emptied.
	feed2(t, idl, false, `{"Bridge":{"`+uBr0+`":{"modify":{"datapath_type":["set",[]]}}}}`)
	if got := br.Row(mustUUID(uBr0)).Str(dpt); got != "system" {
		t.Errorf("datapath_type %q", got)
	}

	idl.ClearTracked()
	feed2(t, idl, false, `{"Bridge":{"`+uBr0+`":{"delete":null}}}`)
	if br.Len() != 0 {
		t.Fatal("row not deleted")
	}
	ch = br.Changes()
	if len(ch) != 1 || ch[0].Kind() != Deleted || ch[0].Old == nil {
		t.Fatalf("changes %+v", ch)
	}
	// Inserted then deleted before the changes are cleared: nothing.
	idl.ClearTracked()
	feed2(t, idl, false, `{"Bridge":{"`+uBr1+`":{"insert":{"name":"br1"}}}}`)
	feed2(t, idl, false, `{"Bridge":{"`+uBr1+`":{"delete":null}}}`)
	if ch := br.Changes(); len(ch) != 0 {
		t.Errorf("changes %+v", ch)
	}
}

func TestResetIsDiff(t *testing.T) {
	idl := offlineIDL(t, func(idl *IDL) { idl.Register("Bridge", "name", "other_config") })
	idl.Track("Bridge")
	br := idl.Table("Bridge")
	feed2(t, idl, true, `{"Bridge":{"`+uBr0+`":{"initial":{"name":"br0"}},"`+uBr1+`":{"initial":{"name":"br1"}}}}`)
	idl.ClearTracked()
	r0 := br.Row(mustUUID(uBr0))
	uBr2 := "66666666-6666-4666-8666-666666666666"
	feed2(t, idl, true, `{"Bridge":{"`+uBr0+`":{"initial":{"name":"br0"}},"`+uBr2+`":{"initial":{"name":"br2","other_config":["map",[["x","y"]]]}}}}`)
	if br.Row(mustUUID(uBr0)) != r0 {
		t.Error("unchanged row replaced")
	}
	kinds := map[string]ChangeKind{}
	for _, c := range br.Changes() {
		kinds[c.Row().Str(br.Column("name"))] = c.Kind()
	}
	want := map[string]ChangeKind{"br1": Deleted, "br2": Inserted}
	if len(kinds) != len(want) || kinds["br1"] != Deleted || kinds["br2"] != Inserted {
		t.Errorf("changes %v, want %v", kinds, want)
	}
	// Open_vSwitch was not registered and has no rows.
	if idl.Table("Open_vSwitch").Registered() || idl.Table("Open_vSwitch").Len() != 0 {
		t.Error("unregistered table replicated")
	}
}

func TestRegisterSubset(t *testing.T) {
	idl := offlineIDL(t, func(idl *IDL) {
		if err := idl.Register("Bridge", "name"); err != nil {
			t.Fatal(err)
		}
		if err := idl.Register("Open_vSwitch"); err != nil {
			t.Fatal(err)
		}
		if err := idl.Register("Bridge", "nosuch"); err == nil {
			t.Error("unknown column registered")
		}
		if err := idl.Register("Nosuch"); err == nil {
			t.Error("unknown table registered")
		}
	})
	br := idl.Table("Bridge")
	if len(br.slots) != 1 || !br.Column("name").Replicated() || br.Column("ports").Replicated() {
		t.Fatalf("slots %v", br.slots)
	}
	if len(idl.Table("Open_vSwitch").slots) != 0 || !idl.Table("Open_vSwitch").Registered() {
		t.Fatal("Open_vSwitch should be rows-only")
	}
	if idl.Table("Port").Registered() {
		t.Fatal("Port registered")
	}
	// Columns not asked for are dropped; tables not asked for too.
	feed2(t, idl, true, `{"Bridge":{"`+uBr0+`":{"initial":{"name":"br0","ports":["uuid","`+uP0+`"]}}},
		"Open_vSwitch":{"`+uOVS+`":{"initial":{"next_cfg":5}}},
		"Port":{"`+uP0+`":{"initial":{"name":"p0"}}}}`)
	r := br.Row(mustUUID(uBr0))
	if len(r.fields) != 1 || r.Str(br.Column("name")) != "br0" {
		t.Errorf("row fields %v", r.fields)
	}
	if d := r.Get(br.Column("ports")); d.Len() != 0 {
		t.Errorf("unreplicated column reads %v", d)
	}
	if got := r.Get(br.Column("_uuid")); got.Keys[0].UUID() != r.UUID {
		t.Error("_uuid column")
	}
	if idl.Table("Port").Len() != 0 || idl.Table("Open_vSwitch").Len() != 1 {
		t.Error("wrong tables replicated")
	}
}

func TestOmitAlert(t *testing.T) {
	idl := offlineIDL(t, func(idl *IDL) {
		idl.OmitAlert("Open_vSwitch", "cur_cfg")
		idl.Omit("Interface", "statistics")
	})
	idl.Track()
	if idl.Column("Interface", "statistics").Replicated() {
		t.Fatal("omitted column replicated")
	}
	feed2(t, idl, true, `{"Open_vSwitch":{"`+uOVS+`":{"initial":{"next_cfg":1}}}}`)
	seq := idl.Seqno()
	feed2(t, idl, false, `{"Open_vSwitch":{"`+uOVS+`":{"modify":{"cur_cfg":1}}}}`)
	if idl.Seqno() != seq {
		t.Error("omit-alert column bumped seqno")
	}
	c := idl.Table("Open_vSwitch").Change(mustUUID(uOVS))
	if c == nil || !c.ColumnChanged(idl.Column("Open_vSwitch", "cur_cfg")) {
		t.Error("omit-alert change not tracked")
	}
	feed2(t, idl, false, `{"Open_vSwitch":{"`+uOVS+`":{"modify":{"next_cfg":2}}}}`)
	if idl.Seqno() == seq {
		t.Error("seqno did not change")
	}
}

func TestBadCellsAndRows(t *testing.T) {
	idl := offlineIDL(t, nil)
	br := idl.Table("Bridge")
	// A value of the wrong type leaves the default, as OVS does.
	feed2(t, idl, true, `{"Bridge":{"`+uBr0+`":{"initial":{"name":7,"fail_mode":"bogus","datapath_type":"netdev"}}}}`)
	r := br.Row(mustUUID(uBr0))
	if r.Str(br.Column("name")) != "" || r.Get(br.Column("fail_mode")).Len() != 0 || r.Str(br.Column("datapath_type")) != "netdev" {
		t.Errorf("row %v", r.fields)
	}
	for _, bad := range []string{
		`[]`,
		`{"Bridge":[]}`,
		`{"Bridge":{"not-a-uuid":{"insert":{}}}}`,
		`{"Bridge":{"` + uBr0 + `":{"insert":{},"delete":null}}}`,
		`{"Bridge":{"` + uBr0 + `":{"frobnicate":{}}}}`,
		`{"Bridge":{"` + uBr0 + `":{"modify":[]}}}`,
	} {
		v, _ := ovsjson.ParseString(bad)
		if _, err := idl.parseTableUpdates2(v); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	// Modifying a row we do not have calls for a reload.
	v, _ := ovsjson.ParseString(`{"Bridge":{"` + uBr1 + `":{"modify":{"name":"x"}}}}`)
	b, err := idl.parseTableUpdates2(v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := idl.applyBatch(b); err == nil {
		t.Error("modify of a missing row accepted")
	}
}

func TestParseTableUpdatesV1(t *testing.T) {
	idl := offlineIDL(t, nil)
	br := idl.Table("Bridge")
	oc := br.Column("other_config")
	v, _ := ovsjson.ParseString(`{"Bridge":{"` + uBr0 + `":{"new":{"name":"br0","other_config":["map",[["a","1"]]]}}}}`)
	b, err := idl.parseTableUpdates(v)
	if err != nil {
		t.Fatal(err)
	}
	b.reset = true
	idl.applyBatch(b)
	v, _ = ovsjson.ParseString(`{"Bridge":{"` + uBr0 + `":{"old":{"other_config":["map",[["a","1"]]]},"new":{"name":"br0","other_config":["map",[["b","2"]]]}}}}`)
	b, err = idl.parseTableUpdates(v)
	if err != nil {
		t.Fatal(err)
	}
	idl.applyBatch(b)
	if got := str(br.Row(mustUUID(uBr0)).Get(oc), oc); got != `{b="2"}` {
		t.Errorf("other_config %s", got)
	}
	v, _ = ovsjson.ParseString(`{"Bridge":{"` + uBr0 + `":{"old":{"name":"br0"}}}}`)
	b, _ = idl.parseTableUpdates(v)
	idl.applyBatch(b)
	if br.Len() != 0 {
		t.Error("not deleted")
	}
}

// replica returns an offline IDL holding an Open_vSwitch row, bridge br0
// with port p0 and interface i0.
func replica(t testing.TB) *IDL {
	idl := offlineIDL(t, nil)
	feed2(t, idl, true, `{"Open_vSwitch":{"`+uOVS+`":{"initial":{"bridges":["uuid","`+uBr0+`"],"next_cfg":4}}},
		"Bridge":{"`+uBr0+`":{"initial":{"name":"br0","ports":["uuid","`+uP0+`"],"other_config":["map",[["a","1"]]]}}},
		"Port":{"`+uP0+`":{"initial":{"name":"p0","interfaces":["uuid","`+uI0+`"]}}},
		"Interface":{"`+uI0+`":{"initial":{"name":"i0"}}}}`)
	return idl
}

func TestTxnEncode(t *testing.T) {
	idl := replica(t)
	br, port, iface, ovs := idl.Table("Bridge"), idl.Table("Port"), idl.Table("Interface"), idl.Table("Open_vSwitch")
	b0 := br.Row(mustUUID(uBr0))
	txn := idl.NewTxn()
	txn.Verify(b0, br.Column("ports"))
	txn.Verify(b0, br.Column("other_config"))
	txn.SetKey(b0, br.Column("external_ids"), ovsdb.StringAtom("k"), ovsdb.StringAtom("v"))
	txn.AddToSet(b0, br.Column("flood_vlans"), ovsdb.NewSetDatum(ovsdb.TypeInteger, ovsdb.IntegerAtom(7)))
	txn.Set(b0, br.Column("other_config"), ovsdb.NewStringMap(map[string]string{"a": "1"})) // no-op
	txn.Set(b0, br.Column("datapath_type"), ovsdb.NewScalarDatum(ovsdb.StringAtom("netdev")))
	i1 := txn.Insert(iface)
	txn.Set(i1, iface.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("i1")))
	p1 := txn.Insert(port)
	txn.Set(p1, port.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("p1")))
	txn.Set(p1, port.Column("interfaces"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(i1.UUID)))
	txn.AddToSet(b0, br.Column("ports"), ovsdb.NewScalarDatum(ovsdb.UUIDAtom(p1.UUID)))
	txn.Delete(idl.Table("Interface").Row(mustUUID(uI0)))
	txn.Increment(ovs.Row(mustUUID(uOVS)), ovs.Column("next_cfg"), false)
	txn.AddComment("ovs-vsctl: %s", "add-port br0 p1")
	txn.SetDryRun()
	if err := txn.Err(); err != nil {
		t.Fatal(err)
	}
	params, ok := txn.encode()
	if !ok {
		t.Fatal("nothing to do")
	}
	got := string(ovsjson.Marshal(params))
	iname := "row" + strings.ReplaceAll(i1.UUID.String(), "-", "_")
	pname := "row" + strings.ReplaceAll(p1.UUID.String(), "-", "_")
	where := func(u string) string { return `"where":[["_uuid","==",["uuid","` + u + `"]]]` }
	want := `["Open_vSwitch",` +
		`{"op":"wait","timeout":0,"table":"Bridge",` + where(uBr0) + `,"columns":["ports","other_config"],"until":"==","rows":[{"ports":["uuid","` + uP0 + `"],"other_config":["map",[["a","1"]]]}]},` +
		`{"op":"update","table":"Bridge",` + where(uBr0) + `,"row":{"datapath_type":"netdev"}},` +
		`{"op":"mutate","table":"Bridge",` + where(uBr0) + `,"mutations":[["external_ids","delete",["set",["k"]]],["external_ids","insert",["map",[["k","v"]]]],["flood_vlans","insert",["set",[7]]],["ports","insert",["set",[["named-uuid","` + pname + `"]]]]]},` +
		`{"op":"insert","table":"Interface","uuid-name":"` + iname + `","row":{"name":"i1"}},` +
		`{"op":"insert","table":"Port","uuid-name":"` + pname + `","row":{"name":"p1","interfaces":["named-uuid","` + iname + `"]}},` +
		`{"op":"delete","table":"Interface",` + where(uI0) + `},` +
		`{"op":"mutate","table":"Open_vSwitch",` + where(uOVS) + `,"mutations":[["next_cfg","+=",1]]},` +
		`{"op":"select","table":"Open_vSwitch",` + where(uOVS) + `,"columns":["next_cfg"]},` +
		`{"op":"comment","comment":"ovs-vsctl: add-port br0 p1"},` +
		`{"op":"abort"}]`
	if got != want {
		t.Errorf("encode:\n got %s\nwant %s", got, want)
	}

	// The transaction's view of the database.
	if v := txn.Get(b0, br.Column("flood_vlans")); str(v, br.Column("flood_vlans")) != "[7]" {
		t.Errorf("view flood_vlans %v", v)
	}
	if v := txn.Get(b0, br.Column("ports")); v.Len() != 2 {
		t.Errorf("view ports %v", v)
	}
	if b0.Get(br.Column("ports")).Len() != 1 {
		t.Error("replica row changed by a transaction")
	}
	if txn.Row(iface, mustUUID(uI0)) != nil {
		t.Error("deleted row visible")
	}
	n := 0
	for r := range txn.Rows(port) {
		n++
		_ = r
	}
	if n != 2 {
		t.Errorf("%d ports in view", n)
	}

	// The reply of a dry run: everything, then "aborted".
	i1Real, p1Real := "77777777-7777-4777-8777-777777777777", "88888888-8888-4888-8888-888888888888"
	reply := `[{},{"count":1},{"count":1},{"uuid":["uuid","` + i1Real + `"]},{"uuid":["uuid","` + p1Real + `"]},{"count":1},{"count":1},{"rows":[{"next_cfg":5}]},{},{"error":"aborted","details":"aborted by request"}]`
	res, _ := ovsjson.ParseString(reply)
	txn.status = Incomplete
	txn.processReply(&jsonrpc.Message{Type: jsonrpc.Reply, Result: res})
	if txn.Status() != Success {
		t.Fatalf("status %v err %v", txn.Status(), txn.Err())
	}
	if u, ok := txn.InsertedUUID(p1.UUID); !ok || u.String() != p1Real {
		t.Errorf("inserted uuid %v %v", u, ok)
	}
	if v, ok := txn.IncrementValue(); !ok || v != 5 {
		t.Errorf("increment %d %v", v, ok)
	}
	select {
	case <-txn.Done():
	default:
		t.Error("Done not closed")
	}
}

func TestTxnReplyStatus(t *testing.T) {
	idl := replica(t)
	br := idl.Table("Bridge")
	b0 := br.Row(mustUUID(uBr0))
	for _, c := range []struct {
		reply  string
		rpcErr bool
		status Status
		err    string
	}{
		{`[{"error":"timed out","details":"\"where\" clause test failed"}]`, false, TryAgain, ""},
		{`[{"count":1},{"error":"not owner"}]`, false, NotLocked, ""},
		{`[{"count":1},{"error":"constraint violation","details":"too many"}]`, false, Error, "constraint violation: too many"},
		{`[{"count":1}]`, false, Success, ""},
		{`[]`, false, Error, "ovsdb error: reply has 0 operation results for 1 operations"},
		{`{"error":"unknown database","details":"no"}`, true, Error, "unknown database: no"},
		{`"unknown method"`, true, Error, "unknown method"},
		{`{}`, false, Error, "reply to transaction is not an array"},
	} {
		txn := idl.NewTxn()
		txn.Set(b0, br.Column("datapath_type"), ovsdb.NewScalarDatum(ovsdb.StringAtom("netdev")))
		if _, ok := txn.encode(); !ok {
			t.Fatal("nothing to do")
		}
		txn.status = Incomplete
		v, err := ovsjson.ParseString(c.reply)
		if err != nil {
			t.Fatal(err)
		}
		m := &jsonrpc.Message{Type: jsonrpc.Reply, Result: v}
		if c.rpcErr {
			m = &jsonrpc.Message{Type: jsonrpc.Error, Error: v}
		}
		txn.processReply(m)
		if txn.Status() != c.status {
			t.Errorf("%s: status %v, want %v", c.reply, txn.Status(), c.status)
		}
		if got := ""; txn.Err() != nil || c.err != "" {
			if txn.Err() != nil {
				got = txn.Err().Error()
			}
			if got != c.err {
				t.Errorf("%s: err %q, want %q", c.reply, got, c.err)
			}
		}
	}
}

func TestTxnMisuse(t *testing.T) {
	idl := replica(t)
	br := idl.Table("Bridge")
	b0 := br.Row(mustUUID(uBr0))
	for name, build := range map[string]func(*Txn){
		"immutable": func(txn *Txn) {
			txn.Set(b0, br.Column("name"), ovsdb.NewScalarDatum(ovsdb.StringAtom("x")))
		},
		"bad value": func(txn *Txn) {
			txn.Set(b0, br.Column("fail_mode"), ovsdb.NewScalarDatum(ovsdb.StringAtom("bogus")))
		},
		"wrong table": func(txn *Txn) {
			txn.Set(b0, idl.Column("Port", "tag"), ovsdb.Datum{})
		},
		"deleted": func(txn *Txn) {
			txn.Delete(b0)
			txn.Set(b0, br.Column("datapath_type"), ovsdb.NewScalarDatum(ovsdb.StringAtom("x")))
		},
		"increment string": func(txn *Txn) {
			txn.Increment(b0, br.Column("datapath_type"), true)
		},
	} {
		txn := idl.NewTxn()
		build(txn)
		if txn.Err() == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if st := txn.CommitAsync(); st != Error {
			t.Errorf("%s: status %v", name, st)
		}
	}
	// Nothing to do: not sent at all.
	txn := idl.NewTxn()
	txn.Verify(b0, br.Column("ports"))
	txn.Set(b0, br.Column("other_config"), *b0.Get(br.Column("other_config")))
	if st := txn.CommitAsync(); st != Unchanged {
		t.Errorf("no-op transaction: %v", st)
	}
	// Offline: the transaction cannot be sent.
	txn = idl.NewTxn()
	txn.Set(b0, br.Column("datapath_type"), ovsdb.NewScalarDatum(ovsdb.StringAtom("netdev")))
	if st := txn.CommitAsync(); st != TryAgain {
		t.Errorf("offline transaction: %v", st)
	}
	txn = idl.NewTxn()
	txn.Abort()
	if txn.Status() != Aborted || txn.Status().String() != "aborted" {
		t.Errorf("abort: %v", txn.Status())
	}
}

func TestConditionJSON(t *testing.T) {
	idl := offlineIDL(t, nil)
	br := idl.Table("Bridge")
	cls := []Clause{
		Equal("name", ovsdb.NewScalarDatum(ovsdb.StringAtom("br0"))),
		Includes("flood_vlans", ovsdb.NewSetDatum(ovsdb.TypeInteger, ovsdb.IntegerAtom(1), ovsdb.IntegerAtom(2))),
		Constant(false),
	}
	for i := range cls {
		if err := checkClause(br, &cls[i]); err != nil {
			t.Fatal(err)
		}
	}
	got := clausesJSON(br, cls).String()
	want := `[["name","==","br0"],["flood_vlans","includes",["set",[1,2]]],false]`
	if got != want {
		t.Errorf("got %s want %s", got, want)
	}
	if _, err := idl.SetCondition("Bridge", Equal("nosuch", ovsdb.Datum{})); err == nil {
		t.Error("condition on unknown column accepted")
	}
	if _, err := idl.SetCondition("Bridge", Clause{Column: "name", Function: "~", Value: ovsdb.Datum{}}); err == nil {
		t.Error("unknown function accepted")
	}
}

func TestWaitRowsEncode(t *testing.T) {
	idl := replica(t)
	port, br := idl.Table("Port"), idl.Table("Bridge")
	txn := idl.NewTxn()
	txn.WaitRows(port, []Clause{Equal("name", ovsdb.NewScalarDatum(ovsdb.StringAtom("p0")))}, []ovsdb.UUID{mustUUID(uP0)})
	txn.WaitRows(port, []Clause{Equal("fake_bridge", ovsdb.NewScalarDatum(ovsdb.BoolAtom(true))), Equal("name", ovsdb.NewScalarDatum(ovsdb.StringAtom("x")))}, nil)
	txn.Set(br.Row(mustUUID(uBr0)), br.Column("datapath_type"), ovsdb.NewScalarDatum(ovsdb.StringAtom("netdev")))
	params, ok := txn.encode()
	if !ok || txn.Err() != nil {
		t.Fatal("nothing to do", txn.Err())
	}
	got := string(ovsjson.Marshal(params))
	want := `["Open_vSwitch",` +
		`{"op":"wait","timeout":0,"table":"Port","where":[["name","==","p0"]],"columns":["_uuid"],"until":"==","rows":[{"_uuid":["uuid","` + uP0 + `"]}]},` +
		`{"op":"wait","timeout":0,"table":"Port","where":[["fake_bridge","==",true],["name","==","x"]],"columns":["_uuid"],"until":"==","rows":[]},` +
		`{"op":"update","table":"Bridge","where":[["_uuid","==",["uuid","` + uBr0 + `"]]],"row":{"datapath_type":"netdev"}}]`
	if got != want {
		t.Errorf("encode:\n got %s\nwant %s", got, want)
	}

	for _, cl := range []Clause{Constant(true), Equal("nosuch", ovsdb.NewScalarDatum(ovsdb.StringAtom("x")))} {
		txn := idl.NewTxn()
		txn.WaitRows(port, []Clause{cl}, nil)
		if txn.Err() == nil {
			t.Errorf("WaitRows with %+v accepted", cl)
		}
	}
}
