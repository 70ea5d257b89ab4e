package table

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/proto/ovsjson"
)

// The golden files are outputs of the real ovs-vsctl and ovsdb-client (see
// testdata/README). Each scenario directory holds one command's output in
// many styles; testdata/cases lists every file with the table options it
// was produced with.
//
// The tables to print are rebuilt from four of those outputs: the JSON
// format gives each cell's JSON form, CSV with --data=string, bare and json
// gives its other forms. Every golden, those four included, is then printed
// again from the rebuilt tables and compared byte for byte. That the cells
// come from one format and are checked in all others is what makes the test
// meaningful: widths, padding, trimming, quoting, escaping, separators,
// captions and timestamps all have to come out as OVS lays them out.

// lit is a datum cell whose forms are the literal texts OVS printed.
type lit struct {
	s, b string
	j    ovsjson.Value
}

func (l lit) String() string      { return l.s }
func (l lit) Bare() string        { return l.b }
func (l lit) JSON() ovsjson.Value { return l.j }

type goldenCase struct {
	file string   // relative to testdata
	args []string // table options given to the real tool
}

func readCases(t *testing.T) map[string][]goldenCase {
	t.Helper()
	data, err := os.ReadFile("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	byScenario := make(map[string][]goldenCase)
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		file, opts, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("testdata/cases: bad line %q", line)
		}
		scen, _, _ := strings.Cut(file, "/")
		byScenario[scen] = append(byScenario[scen], goldenCase{file, strings.Fields(opts)})
	}
	return byScenario
}

func readGolden(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// csvReader reads back the CSV the real tools wrote, guided by the table
// structure already known from the JSON output.
type csvReader struct {
	t    *testing.T
	name string
	s    string
}

func (r *csvReader) expect(prefix string) {
	r.t.Helper()
	if !strings.HasPrefix(r.s, prefix) {
		r.t.Fatalf("%s: expected %q, found %.40q", r.name, prefix, r.s)
	}
	r.s = r.s[len(prefix):]
}

func (r *csvReader) record(n int) []string {
	r.t.Helper()
	fields := make([]string, 0, n)
	for {
		var f strings.Builder
		if strings.HasPrefix(r.s, `"`) {
			i := 1
			for {
				j := strings.IndexByte(r.s[i:], '"')
				if j < 0 {
					r.t.Fatalf("%s: unterminated quoted field", r.name)
				}
				f.WriteString(r.s[i : i+j])
				i += j + 1
				if i < len(r.s) && r.s[i] == '"' {
					f.WriteByte('"')
					i++
					continue
				}
				break
			}
			r.s = r.s[i:]
		} else {
			j := strings.IndexAny(r.s, ",\n")
			if j < 0 {
				r.t.Fatalf("%s: unterminated record", r.name)
			}
			f.WriteString(r.s[:j])
			r.s = r.s[j:]
		}
		fields = append(fields, f.String())
		if r.s == "" {
			r.t.Fatalf("%s: unterminated record", r.name)
		}
		c := r.s[0]
		r.s = r.s[1:]
		if c == '\n' {
			break
		}
	}
	if len(fields) != n {
		r.t.Fatalf("%s: record has %d fields, want %d: %q", r.name, len(fields), n, fields)
	}
	return fields
}

// readCSV returns the cell texts of every table in a CSV golden.
func readCSV(t *testing.T, name string, shape []*Table) [][][]string {
	t.Helper()
	r := &csvReader{t: t, name: name, s: readGolden(t, name)}
	var out [][][]string
	for i, tab := range shape {
		if i > 0 {
			r.expect("\n")
		}
		if tab.Caption != "" {
			r.expect(tab.Caption + "\n")
		}
		if h := r.record(len(tab.Headings)); !cmp.Equal(h, tab.Headings) {
			t.Fatalf("%s: headings %q, want %q", name, h, tab.Headings)
		}
		rows := make([][]string, len(tab.Rows))
		for j := range rows {
			rows[j] = r.record(len(tab.Headings))
		}
		out = append(out, rows)
	}
	if r.s != "" {
		t.Fatalf("%s: trailing data %.40q", name, r.s)
	}
	return out
}

// loadScenario rebuilds the tables a scenario's command printed.
func loadScenario(t *testing.T, scen string) []*Table {
	t.Helper()
	var tables []*Table
	jsonName := scen + "/json-string"
	for _, line := range strings.Split(strings.TrimSuffix(readGolden(t, jsonName), "\n"), "\n") {
		v, err := ovsjson.ParseString(line)
		if err != nil {
			t.Fatalf("%s: %v", jsonName, err)
		}
		tab := &Table{}
		if c, ok := v.Get("caption"); ok {
			tab.Caption = c.S
		}
		h, _ := v.Get("headings")
		for _, x := range h.A {
			tab.Headings = append(tab.Headings, x.S)
		}
		data, _ := v.Get("data")
		for _, row := range data.A {
			cells := make([]Cell, len(row.A))
			for i := range row.A {
				cells[i] = lit{j: row.A[i]}
			}
			tab.Rows = append(tab.Rows, cells)
		}
		tables = append(tables, tab)
	}

	strs := readCSV(t, scen+"/csv-string", tables)
	bares := readCSV(t, scen+"/csv-bare", tables)
	jsons := readCSV(t, scen+"/csv-json", tables)
	for i, tab := range tables {
		for r, row := range tab.Rows {
			for c := range row {
				j := row[c].JSON()
				s, b, jt := strs[i][r][c], bares[i][r][c], jsons[i][r][c]
				switch {
				case j.Kind == ovsjson.Null && s == "" && b == "" && jt == "":
					row[c] = nil
				case j.Kind == ovsjson.String && s == j.S && b == j.S && jt == j.S:
					row[c] = Text(j.S)
				default:
					row[c] = lit{s: s, b: b, j: j}
				}
			}
		}
	}
	return tables
}

func styleFromArgs(t *testing.T, scen string, args []string) Style {
	t.Helper()
	var s Style
	if strings.HasPrefix(scen, "vsctl-") {
		s.Format = FormatList // ovs-vsctl's default
	}
	opts := append(Options(), TimestampOption())
	parsed, operands, err := getopt.Parse(args, opts, getopt.Permute)
	if err != nil || len(operands) != 0 {
		t.Fatalf("parsing %q: %v %q", args, err, operands)
	}
	for _, p := range parsed {
		ok, err := s.HandleOption(p)
		if !ok || err != nil {
			t.Fatalf("option %s: %v, %v", p.Name, ok, err)
		}
	}
	return s
}

var timestampLine = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$`)

func TestGolden(t *testing.T) {
	cases := readCases(t)
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for scen, list := range cases {
		t.Run(scen, func(t *testing.T) {
			tables := loadScenario(t, scen)
			for _, gc := range list {
				t.Run(strings.TrimPrefix(gc.file, scen+"/"), func(t *testing.T) {
					want := readGolden(t, gc.file)
					s := styleFromArgs(t, scen, gc.args)
					if s.Timestamp {
						// The timestamps are the times of the real
						// run: take them back from the output.
						stamps := timestampLine.FindAllString(want, -1)
						if len(stamps) != len(tables) {
							t.Fatalf("%d timestamps for %d tables", len(stamps), len(tables))
						}
						for i, ts := range stamps {
							tm, err := time.Parse("2006-01-02 15:04:05.000", ts)
							if err != nil {
								t.Fatal(err)
							}
							tables[i].Timestamp = tm.Add(999 * time.Microsecond) // truncated, not rounded
						}
						defer func() {
							for _, tab := range tables {
								tab.Timestamp = time.Time{}
							}
						}()
					}
					var buf bytes.Buffer
					for _, tab := range tables {
						if err := tab.Print(&buf, &s); err != nil {
							t.Fatal(err)
						}
					}
					if got := buf.String(); got != want {
						t.Errorf("%s %q differs from the real tool (-want +got):\n%s",
							gc.file, gc.args, cmp.Diff(strings.SplitAfter(want, "\n"), strings.SplitAfter(got, "\n")))
					}
				})
			}
		})
	}
}

// TestGoldenFacts pins down, on the goldens themselves, the format facts the
// package doc states, so that a regenerated golden set that contradicts them
// is noticed.
func TestGoldenFacts(t *testing.T) {
	// Bytes, not characters: `"brüüü"` is 7 characters, 10 bytes, and sets
	// the width of the name column.
	tbl := readGolden(t, "vsctl-cols/table-string")
	if !strings.HasPrefix(tbl, "name       _uuid") {
		t.Errorf("name column is not 10 bytes wide:\n%.40s", tbl)
	}
	// --max-column-width can cut inside a UTF-8 sequence.
	if !strings.Contains(readGolden(t, "vsctl-cols/table-width5-bare-noheadings"), "brü\xc3") {
		t.Errorf("expected a cut UTF-8 sequence")
	}
	// CSV leaves a lone carriage return unquoted.
	if !strings.Contains(readGolden(t, "vsctl-cols/csv-bare"), ",k=\r\t\x01\x7f'`é;&#<>,") {
		t.Errorf("expected an unquoted carriage return")
	}
	// HTML links UUIDs inside strings.
	if !strings.Contains(readGolden(t, "vsctl-cols/html-bare"), `u1=see <a href="#7b382638-0c08-41df-b947-f45b6be17064">7b382638</a> here`) {
		t.Errorf("expected a linked UUID")
	}
	// An empty cell is null in JSON but nothing in table output, even with
	// --data=json.
	if !strings.Contains(readGolden(t, "client-monitor/json-json"), `"old",null,`) ||
		!strings.Contains(readGolden(t, "client-monitor/table-json"), "\n                                     new ") {
		t.Errorf("expected empty cells")
	}
}

func ExampleTable_Print() {
	s := Style{Format: FormatTable}
	t := &Table{
		Headings: []string{"name", "ports"},
		Rows: [][]Cell{
			{Text("br0"), JSONCell{ovsjson.NewArray(ovsjson.NewString("set"), ovsjson.NewArray())}},
			{Text("brüüü"), nil},
		},
		Caption: "Bridge table",
	}
	t.Print(os.Stdout, &s)
	s.Format = FormatCSV
	t.Print(os.Stdout, &s)
	fmt.Println("--")
	// Output:
	// Bridge table
	// name     ports
	// -------- ----------
	// br0      ["set",[]]
	// brüüü
	//
	// Bridge table
	// name,ports
	// br0,"[""set"",[]]"
	// brüüü,
	// --
}
