package ovsdbclient

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// These tests need no OVS installation: their expectations were captured
// from OVS 3.1's ovsdb-client (see testdata/README).

func loadSchema(t testing.TB, file string) *schema {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	v, err := ovsjson.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := parseSchema(v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchemaOrder checks that tables and columns come out in the order
// the real client printed for the same get_schema reply.
func TestSchemaOrder(t *testing.T) {
	s := loadSchema(t, "testdata/vswitch-schema.json")
	var tables, columns strings.Builder
	for _, ts := range s.tables {
		tables.WriteString(ts.Name + "\n")
		for _, col := range s.columns[ts.Name] {
			fmt.Fprintf(&columns, "%s,%s\n", ts.Name, col.Name)
		}
	}
	want, _ := os.ReadFile("testdata/vswitch-list-tables.csv")
	if tables.String() != string(want) {
		t.Errorf("tables:\n%s\nwant:\n%s", tables.String(), want)
	}
	// The golden has a third column, the type, as CSV.
	f, _ := os.Open("testdata/vswitch-list-columns.csv")
	defer f.Close()
	var wantCols strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ",", 3)
		fmt.Fprintf(&wantCols, "%s,%s\n", parts[0], parts[1])
	}
	if columns.String() != wantCols.String() {
		t.Errorf("columns:\n%s\nwant:\n%s", columns.String(), wantCols.String())
	}
}

// TestListColumnsOutput prints list-columns for the captured schema and
// compares it with the real client's CSV.
func TestListColumnsOutput(t *testing.T) {
	s := loadSchema(t, "testdata/vswitch-schema.json")
	var out bytes.Buffer
	c := &client{stdout: bufio.NewWriter(&out), style: table.Style{Format: table.FormatCSV, NoHeadings: true}}
	tbl := &table.Table{Headings: []string{"Table", "Column", "Type"}}
	for _, ts := range s.tables {
		for _, col := range s.columns[ts.Name] {
			tbl.Rows = append(tbl.Rows, []table.Cell{table.Text(ts.Name), table.Text(col.Name), table.JSONCell{Value: col.Type.ToJSON()}})
		}
	}
	c.printTable(tbl)
	c.stdout.Flush()
	want, _ := os.ReadFile("testdata/vswitch-list-columns.csv")
	if out.String() != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

// TestHashOrder checks the replay of OVS's hash map against objects the
// real client parsed and printed back.
func TestHashOrder(t *testing.T) {
	keys := []string{"rows"}
	for i := 0; i < 20; i++ {
		keys = append(keys, fmt.Sprintf("k%02d", i))
	}
	want := strings.Fields("k16 k18 k03 rows k17 k05 k15 k01 k14 k00 k08 k11 k12 k07 k09 k10 k06 k02 k13 k04 k19")
	if got := hashSorted(keys); !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	// Three keys: the order in which they are added decides within a
	// bucket.
	if got := hashSorted([]string{"details", "error", "syntax"}); !slices.Equal(got, []string{"syntax", "details", "error"}) {
		t.Errorf("error object order %v", got)
	}
	if got := hashSorted([]string{"_comment", "_is_diff", "_date"}); !slices.Equal(got, []string{"_date", "_comment", "_is_diff"}) {
		t.Errorf("record order %v", got)
	}
}

// TestBackupRowOrder checks how a row of a select reply is written to a
// backup: parsed (with "_uuid"), "_uuid" deleted, the rest printed. The
// expectations are the real client's output for these two replies.
func TestBackupRowOrder(t *testing.T) {
	var fwd, rev []ovsjson.Member
	for i := 0; i < 20; i++ {
		fwd = append(fwd, ovsjson.M(fmt.Sprintf("c%02d", i), ovsjson.NewInt(int64(i))))
	}
	for i := 19; i >= 0; i-- {
		rev = append(rev, ovsjson.M(fmt.Sprintf("c%02d", i), ovsjson.NewInt(int64(i))))
	}
	uuid := ovsjson.M("_uuid", ovsjson.NewArray(ovsjson.NewString("uuid"), ovsjson.NewString("01234567-89ab-cdef-0123-456789abcdef")))
	fwd = append(fwd, uuid)
	rev = append([]ovsjson.Member{uuid}, rev...)
	for _, tc := range []struct {
		row  []ovsjson.Member
		want string
	}{
		{fwd, "c09 c16 c02 c11 c05 c06 c15 c18 c04 c13 c14 c17 c00 c03 c19 c10 c12 c07 c01 c08"},
		{rev, "c09 c16 c02 c11 c05 c15 c06 c04 c13 c18 c14 c00 c17 c03 c19 c12 c10 c07 c01 c08"},
	} {
		var got []string
		for _, m := range shallowOrder(tc.row).O {
			if m.Key != "_uuid" {
				got = append(got, m.Key)
			}
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("got  %s\nwant %s", strings.Join(got, " "), tc.want)
		}
	}
}

func TestParseJSONText(t *testing.T) {
	// Error texts of the real ovsdb-client for these TRANSACTION
	// arguments.
	for _, tc := range []struct{ in, err string }{
		{"x", "line 0, column 1, byte 1: invalid keyword 'x'"},
		{"[", "line 0, column 1, byte 1: unexpected end of input"},
		{"1", "line 0, column 1, byte 1: syntax error at beginning of input"},
		{`"str"`, "line 0, column 4, byte 4: syntax error at beginning of input"},
		{" 12 ", "line 0, column 3, byte 3: syntax error at beginning of input"},
		{"true", "line 0, column 4, byte 4: syntax error at beginning of input"},
		{"null", "line 0, column 4, byte 4: syntax error at beginning of input"},
		{` "a\"b" x`, "line 0, column 6, byte 6: syntax error at beginning of input"},
		{"\n\n 7", "line 2, column 2, byte 4: syntax error at beginning of input"},
		{`"abc`, "line 0, column 4, byte 4: unexpected end of input in quoted string"},
		{`"\q"`, "line 0, column 3, byte 3: bad escape \\q"},
		{"1.5e", "line 0, column 4, byte 4: exponent must contain at least one digit"},
		{"tru", "line 0, column 3, byte 3: invalid keyword 'tru'"},
		{"[1,,]", "line 0, column 3, byte 3: syntax error expecting value"},
		{"[1,\n,2]", "line 1, column 0, byte 4: syntax error expecting value"},
		{"[1] x", "line 0, column 5, byte 5: invalid keyword 'x'"},
		{"", "line 0, column 0, byte 0: empty input stream"},
		{" ", "line 0, column 1, byte 1: empty input stream"},
		{"[1e999]", "line 0, column 6, byte 6: number outside valid range"},
		{"[-]", "line 0, column 2, byte 2: '-' must be followed by digit"},
		{`["a",{"b":[1,2.5,null]}]`, ""},
		{"{}", ""},
	} {
		v, err := parseJSONText(tc.in)
		if err != tc.err {
			t.Errorf("%q: error %q, want %q", tc.in, err, tc.err)
		}
		if err == "" && v.Kind != ovsjson.Array && v.Kind != ovsjson.Object {
			t.Errorf("%q: parsed to %v", tc.in, v)
		}
	}
	if _, err := parseJSONArg("x"); err == nil || err.Error() != `"x": line 0, column 1, byte 1: invalid keyword 'x'` {
		t.Errorf("parseJSONArg: %v", err)
	}
}

func TestLooksLikeServer(t *testing.T) {
	for s, want := range map[string]bool{
		"unix:/x": true, "tcp:1.2.3.4:5": true, "foo:bar": true, "x:": true, "x y:": true, "Z:": true,
		"a": false, ":x": false, "1:2:3": false, "_x:": false, "é:": false, "": false, "Open_vSwitch": false,
	} {
		if got := looksLikeServer(s); got != want {
			t.Errorf("%q: %v", s, got)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	for s, want := range map[string]uint64{
		"1": 1, " 5": 5, "+3": 3, "010": 10, "4294967295": 4294967295,
		"0": 0, "-1": 0, "1x": 0, " 5 ": 0, "0x10": 0, "": 0, "4294967296": 0, "99999999999": 0, "-": 0,
	} {
		got, ok := parseTimeout(s)
		if ok != (want != 0) || got != want {
			t.Errorf("%q: %d %v", s, got, ok)
		}
	}
}

func TestDefaultDB(t *testing.T) {
	for _, tc := range []struct {
		dbs  []string
		want string
		ok   bool
	}{
		{[]string{"Open_vSwitch", "_Server"}, "Open_vSwitch", true},
		{[]string{"Test", "_Server", "Open_vSwitch"}, "Open_vSwitch", true},
		{[]string{"Test", "_Server"}, "Test", true},
		{[]string{"Test", "Test2", "_Server"}, "", false},
		{[]string{"_Server"}, "", false},
		{nil, "", false},
	} {
		got, ok := defaultDB(tc.dbs)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("%v: %q %v", tc.dbs, got, ok)
		}
	}
}

func TestLooksLikeHeader(t *testing.T) {
	sum := strings.Repeat("0123456789", 4)
	for s, want := range map[string]bool{
		"OVSDB JSON 5 " + sum:      true,
		"OVSDB CLUSTER 5 " + sum:   true,
		"OVSDB JSON 5 abc":         false,
		"OVSDB JSON x " + sum:      false,
		"OVSDB JSON  " + sum:       false,
		"OVSDB JSON 5 " + sum[:39]: false,
		"garbage":                  false,
	} {
		if got := looksLikeHeader(s); got != want {
			t.Errorf("%q: %v", s, got)
		}
	}
}

// TestDumpOrder checks dump's row order: columns other than UUIDs first,
// then the UUID columns, as OVS compares them.
func TestDumpOrder(t *testing.T) {
	s := loadSchema(t, "testdata/vswitch-schema.json")
	ts := s.Tables["Port"]
	cols := []*ovsdb.ColumnSchema{ts.Columns["_uuid"], ts.Columns["interfaces"], ts.Columns["name"]}
	reply, _ := ovsjson.ParseString(`{"rows":[
 {"_uuid":["uuid","4547a5da-8907-47d8-81b0-1dec082b05e8"],"interfaces":["uuid","5dcfee90-73a1-4996-bda6-52277ec40bba"],"name":"p2"},
 {"_uuid":["uuid","0a0adf2c-b7dd-4426-9a1d-e0fcd7082fbe"],"interfaces":["uuid","ac2a82de-c5eb-433c-afb3-dd0da956153d"],"name":"p1"},
 {"_uuid":["uuid","8e16d38c-1b9b-407d-ba86-016fb5e75ffd"],"interfaces":["uuid","ff6a38ca-d0ef-422f-abe5-82b0eb7ae764"],"name":"br0"},
 {"_uuid":["uuid","0e16d38c-1b9b-407d-ba86-016fb5e75ffd"],"interfaces":["uuid","ff6a38ca-d0ef-422f-abe5-82b0eb7ae764"],"name":"br0"}]}`)
	tbl, err := dumpTable(ts, cols, reply)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tbl.Print(&out, &table.Style{})
	// As the real client printed the first three (the fourth ties on
	// name and is then ordered by its UUID).
	want := `Port table
_uuid                                interfaces                             name
------------------------------------ -------------------------------------- ----
0e16d38c-1b9b-407d-ba86-016fb5e75ffd [ff6a38ca-d0ef-422f-abe5-82b0eb7ae764] br0
8e16d38c-1b9b-407d-ba86-016fb5e75ffd [ff6a38ca-d0ef-422f-abe5-82b0eb7ae764] br0
0a0adf2c-b7dd-4426-9a1d-e0fcd7082fbe [ac2a82de-c5eb-433c-afb3-dd0da956153d] p1
4547a5da-8907-47d8-81b0-1dec082b05e8 [5dcfee90-73a1-4996-bda6-52277ec40bba] p2
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}

	// Errors in a reply, in OVS's words.
	for _, tc := range []struct{ reply, err string }{
		{`{"rows":{"a":1},"zzz":2,"error":1}`, `Port table reply is not an object with a "rows" member array: {"rows":{"a":1},"zzz":2,"error":1}`},
		{`{"rows":[1]}`, `row 0 in table Port response is not a JSON object: 1`},
		{`{"rows":[{"name":"x"}]}`, `row 0 in table Port response lacks _uuid column`},
		{`{"rows":[{"_uuid":"zz","name":"x","interfaces":["set",[]]}]}`, `syntax ""zz"": syntax error: expected ["uuid", <string>]`},
	} {
		r, _ := ovsjson.ParseString(tc.reply)
		if _, err := dumpTable(ts, cols, r); err == nil || err.Error() != tc.err {
			t.Errorf("%s: %v, want %s", tc.reply, err, tc.err)
		}
	}
}

// TestPrintUpdates prints monitor updates as the real client printed them.
func TestPrintUpdates(t *testing.T) {
	s := loadSchema(t, "testdata/vswitch-schema.json")
	ts := s.Tables["Bridge"]
	mt := &monitoredTable{ts: ts}
	for _, n := range []string{"name", "ports", "external_ids"} {
		mt.columns = append(mt.columns, ts.Columns[n])
	}
	print := func(v monitorVersion, update string, initial bool, style table.Style) string {
		var out bytes.Buffer
		c := &client{stdout: bufio.NewWriter(&out), style: style}
		u, err := ovsjson.ParseString(update)
		if err != nil {
			t.Fatal(err)
		}
		c.printUpdates(v, []*monitoredTable{mt}, u, initial, time.Date(2026, 11, 23, 10, 47, 17, 94e6, time.UTC))
		c.stdout.Flush()
		return out.String()
	}
	got := print(monitorV1, `{"Bridge":{"8b7a8861-9390-472e-bd12-c3b4bc268b94":{"old":{"external_ids":["map",[]]},"new":{"name":"br1","ports":["uuid","9ae9d5cc-a0a8-45f4-9df3-ae963b222abb"],"external_ids":["map",[["a","b"]]]}}}}`, false, table.Style{})
	want := `row                                  action name ports                                  external_ids
------------------------------------ ------ ---- -------------------------------------- ------------
8b7a8861-9390-472e-bd12-c3b4bc268b94 old                                                {}
                                     new    br1  [9ae9d5cc-a0a8-45f4-9df3-ae963b222abb] {a=b}
`
	if got != want {
		t.Errorf("v1 modify:\n%s\nwant:\n%s", got, want)
	}
	got = print(monitorV2, `{"Bridge":{"8b7a8861-9390-472e-bd12-c3b4bc268b94":{"initial":{"name":"br1","external_ids":["map",[["a","c"],["x","y"]]]}},"5063062c-ab57-4ac4-8584-5a8d5a092f76":{"initial":{"name":"br0"}}}}`, true,
		table.Style{Format: table.FormatCSV, Timestamp: true})
	want = `2026-11-23 10:47:17.094
row,action,name,ports,external_ids
8b7a8861-9390-472e-bd12-c3b4bc268b94,initial,br1,,"{a=c, x=y}"
5063062c-ab57-4ac4-8584-5a8d5a092f76,initial,br0,,
`
	if got != want {
		t.Errorf("v2 initial:\n%s\nwant:\n%s", got, want)
	}
	got = print(monitorV2, `{"Bridge":{"8b7a8861-9390-472e-bd12-c3b4bc268b94":{"delete":null}}}`, false, table.Style{Format: table.FormatJSON})
	want = `{"data":[["8b7a8861-9390-472e-bd12-c3b4bc268b94","delete",null,null,null]],"headings":["row","action","name","ports","external_ids"]}
`
	if got != want {
		t.Errorf("v2 delete:\n%s\nwant:\n%s", got, want)
	}
}
