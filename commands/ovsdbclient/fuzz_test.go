package ovsdbclient

import (
	"bufio"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// FuzzParseJSONText: command-line JSON never panics, and whatever parses
// is an array or object that ovsjson parses the same way.
func FuzzParseJSONText(f *testing.F) {
	for _, s := range []string{"x", "[", "1", `"str"`, ` "a\"b" x`, "\n\n 7", `"\q"`, "[1,,]", "{}",
		`["Open_vSwitch",{"op":"select","table":"Bridge","where":[]}]`, "", " ", "-", `"`, `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, errText := parseJSONText(s)
		if errText != "" {
			return
		}
		if v.Kind != ovsjson.Array && v.Kind != ovsjson.Object {
			t.Fatalf("%q parsed to a scalar", s)
		}
		w, err := ovsjson.ParseString(s)
		if err != nil || !ovsjson.Equal(v, w) {
			t.Fatalf("%q: %v vs %v (%v)", s, v, w, err)
		}
	})
}

// FuzzPrintUpdates: any update a server sends prints without panicking,
// in every monitor version and format.
func FuzzPrintUpdates(f *testing.F) {
	for _, s := range []string{
		`{"Bridge":{"8b7a8861-9390-472e-bd12-c3b4bc268b94":{"old":{"external_ids":["map",[]]},"new":{"name":"br1"}}}}`,
		`{"Bridge":{"8b7a8861-9390-472e-bd12-c3b4bc268b94":{"initial":{"name":"br1","ports":["set",[]]}}}}`,
		`{"Bridge":{"x":{"delete":null},"y":{"modify":{"name":5}},"z":[]}}`,
		`{"Bridge":[]}`, `[]`, `{"Bridge":{"a":{"new":{"flood_vlans":["set",[1,2,99999]]}}}}`,
	} {
		f.Add(s, uint8(0))
	}
	sc := loadSchema(f, "testdata/vswitch-schema.json")
	ts := sc.Tables["Bridge"]
	mt := &monitoredTable{ts: ts}
	for _, n := range []string{"name", "ports", "external_ids", "flood_vlans", "_version"} {
		mt.columns = append(mt.columns, ts.Columns[n])
	}
	f.Fuzz(func(t *testing.T, s string, opts uint8) {
		v, err := ovsjson.ParseString(s)
		if err != nil {
			return
		}
		c := &client{stdout: bufio.NewWriter(io.Discard)}
		c.style.Format = table.Format(int(opts) % 5)
		c.style.Data = table.Data(int(opts/5) % 3)
		c.style.Timestamp = opts&0x80 != 0
		for _, ver := range []monitorVersion{monitorV1, monitorV2, monitorV3} {
			c.printUpdates(ver, []*monitoredTable{mt, mt}, v, opts&0x40 != 0, time.Unix(0, 0))
		}
	})
}

// FuzzDumpTable: any select reply either makes a table or an error.
func FuzzDumpTable(f *testing.F) {
	for _, s := range []string{
		`{"rows":[{"_uuid":["uuid","4547a5da-8907-47d8-81b0-1dec082b05e8"],"interfaces":["uuid","5dcfee90-73a1-4996-bda6-52277ec40bba"],"name":"p2"}]}`,
		`{"rows":[1]}`, `{"rows":{}}`, `{"rows":[{}]}`, `[]`, `{"rows":[{"name":1,"_uuid":"x"}]}`,
	} {
		f.Add(s)
	}
	sc := loadSchema(f, "testdata/vswitch-schema.json")
	ts := sc.Tables["Port"]
	cols := []*ovsdb.ColumnSchema{ts.Columns["_uuid"], ts.Columns["interfaces"], ts.Columns["name"], ts.Columns["tag"]}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ovsjson.ParseString(s)
		if err != nil {
			return
		}
		tbl, err := dumpTable(ts, cols, v)
		if (tbl == nil) == (err == nil) {
			t.Fatalf("%q: table %v, error %v", s, tbl, err)
		}
		if tbl != nil {
			tbl.Append(nil, &table.Style{})
		}
	})
}

// FuzzHashOrder: the replayed hash map holds each key exactly once.
func FuzzHashOrder(f *testing.F) {
	f.Add("name version cksum tables")
	f.Add("a b c d e f g h i j k l m n o p q r s t u v w x y z")
	f.Fuzz(func(t *testing.T, s string) {
		keys := uniqueStrings(strings.Fields(s))
		order := ovsjson.HashOrder(keys)
		if len(order) != len(keys) {
			t.Fatalf("%d keys, %d in order", len(keys), len(order))
		}
		sorted := slices.Clone(order)
		slices.Sort(sorted)
		for i, j := range sorted {
			if i != j {
				t.Fatalf("not a permutation: %v", order)
			}
		}
	})
}

// FuzzLooksLikeHeader: header recognition never panics and accepts only
// lines with a magic, a decimal length and 40 hex digits.
func FuzzLooksLikeHeader(f *testing.F) {
	f.Add("OVSDB JSON 5 0123456789012345678901234567890123456789")
	f.Add("OVSDB CLUSTER 5 abc")
	f.Fuzz(func(t *testing.T, s string) {
		if looksLikeHeader(s) && !strings.HasPrefix(s, "OVSDB ") {
			t.Fatalf("%q accepted", s)
		}
	})
}
