package idl

import (
	"testing"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// FuzzApplyUpdate feeds arbitrary JSON to the replica as update2 (and
// RFC 7047 update) contents, incremental and as a full reload. Whatever
// the server sends, the replica must not panic and must keep only values
// that fit their columns.
func FuzzApplyUpdate(f *testing.F) {
	for _, s := range []string{
		`{"Bridge":{"` + uBr0 + `":{"modify":{"other_config":["map",[["a","5"],["z","1"]]],"flood_vlans":["set",[1,4000]],"fail_mode":["set",[]],"datapath_type":"netdev"}}}}`,
		`{"Bridge":{"` + uBr0 + `":{"modify":{"datapath_type":["set",["","netdev","system"]],"name":["set",[]]}}}}`,
		`{"Bridge":{"` + uBr0 + `":{"delete":null},"` + uBr1 + `":{"insert":{"name":"br1","ports":["set",[["uuid","` + uP0 + `"]]]}}}}`,
		`{"Port":{"` + uP0 + `":{"modify":{"tag":4096,"trunks":["set",[1,1]],"interfaces":["uuid","` + uI0 + `"]}}}}`,
		`{"Interface":{"` + uI0 + `":{"initial":{"name":"i0","ofport":["set",[1,2]],"options":["map",[["k",1]]]}}}}`,
		`{"Open_vSwitch":{"` + uOVS + `":{"modify":{"next_cfg":"x","cur_cfg":5,"bridges":["set",[["uuid","` + uBr0 + `"],["uuid","` + uBr0 + `"]]]}}}}`,
		`{"Bridge":{"` + uBr0 + `":{"old":{"name":"br0"},"new":{"name":"br0","other_config":["map",[]]}}}}`,
		`{"Bridge":{"` + uBr1 + `":{"modify":{"name":"x"}}}}`,
		`{"Nosuch":{},"Bridge":{}}`,
		`{"Bridge":{"` + uBr0 + `":{"modify":{"external_ids":["map",[["a",["uuid","x"]]]]}}}}`,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ovsjson.Parse(data)
		if err != nil {
			return
		}
		for round := 0; round < 4; round++ {
			idl := replica(t)
			idl.Track()
			var b *batch
			if round < 2 {
				b, err = idl.parseTableUpdates2(v)
			} else {
				b, err = idl.parseTableUpdates(v)
			}
			if err != nil {
				continue
			}
			b.reset = round%2 == 1
			idl.push(event{kind: evUpdate, batch: b})
			idl.Run()
			checkReplica(t, idl)
		}
	})
}

// checkReplica verifies that every row fits the schema.
func checkReplica(t *testing.T, idl *IDL) {
	t.Helper()
	for _, tab := range idl.tableList {
		for u, r := range tab.rows {
			if r.UUID != u || r.Table != tab || len(r.fields) != len(tab.slots) {
				t.Fatalf("%s row %s malformed", tab.Name, u)
			}
			for i, c := range tab.slots {
				d := r.slotValue(i)
				if d.Equal(&c.def) {
					continue
				}
				if err := d.Check(&c.Schema.Type); err != nil {
					t.Fatalf("%s.%s of %s: %v", tab.Name, c.Name, u, err)
				}
			}
		}
		for _, c := range tab.Changes() {
			if c.Row() == nil || (c.New != nil && tab.rows[c.UUID()] != c.New) {
				t.Fatalf("%s change %+v inconsistent with the replica", tab.Name, c)
			}
		}
	}
}

// FuzzDecodeDatum checks the allocation-saving cell decoder against
// ovsdb.DatumFromJSON: whatever it accepts, DatumFromJSON must accept
// with the same result.
func FuzzDecodeDatum(f *testing.F) {
	for _, s := range []string{
		`"br0"`, `["set",[]]`, `["set",[3,1,2]]`, `["set",[1,1]]`, `["map",[["b","2"],["a","1"]]]`,
		`["map",[["a","1"],["a","2"]]]`, `["uuid","` + uBr0 + `"]`, `["set",[["uuid","` + uBr0 + `"]]]`,
		`4096`, `1.5`, `true`, `["map",[["k",1]]]`, `["set",["secure"]]`, `"bogus"`,
	} {
		f.Add([]byte(s))
	}
	schema := vswitchSchema(f)
	var cols []*ovsdb.ColumnSchema
	for _, tn := range []string{"Bridge", "Interface", "Port", "Open_vSwitch"} {
		cols = append(cols, schema.Tables[tn].AllColumns[2:]...)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ovsjson.Parse(data)
		if err != nil {
			return
		}
		for _, c := range cols {
			arena := make([]ovsdb.Atom, countAtoms(&c.Type, v))
			fast, ok := decodeDatum(&c.Type, v, &arena)
			slow, err := ovsdb.DatumFromJSON(&c.Type, v, nil)
			if !ok {
				continue
			}
			if err != nil {
				t.Fatalf("%s: fast path accepted %s, DatumFromJSON: %v", c.Name, data, err)
			}
			if !fast.Equal(&slow) {
				t.Fatalf("%s: %s decoded as %v, DatumFromJSON %v", c.Name, data, fast, slow)
			}
		}
	})
}
