package table

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/proto/ovsjson"
)

func render(t *testing.T, s *Style, tables ...*Table) string {
	t.Helper()
	var buf bytes.Buffer
	for _, tab := range tables {
		if err := tab.Print(&buf, s); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

func check(t *testing.T, what, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\ngot:\n%s\nwant:\n%s\n(got %q)", what, got, want, got)
	}
}

func TestParseFormatData(t *testing.T) {
	for i, n := range []string{"table", "list", "html", "csv", "json"} {
		f, err := ParseFormat(n)
		if err != nil || f != Format(i) || f.String() != n {
			t.Errorf("ParseFormat(%q) = %v, %v", n, f, err)
		}
	}
	for i, n := range []string{"string", "bare", "json"} {
		d, err := ParseData(n)
		if err != nil || d != Data(i) || d.String() != n {
			t.Errorf("ParseData(%q) = %v, %v", n, d, err)
		}
	}
	for in, want := range map[string]string{
		"xx":    `unknown output format "xx"`,
		"":      `unknown output format ""`,
		"TABLE": `unknown output format "TABLE"`,
		"tab":   `unknown output format "tab"`,
		`a"b\`:  `unknown output format "a"b\"`,
	} {
		if _, err := ParseFormat(in); err == nil || err.Error() != want {
			t.Errorf("ParseFormat(%q) error %v, want %s", in, err, want)
		}
	}
	if _, err := ParseData("Bare"); err == nil || err.Error() != `unknown data format "Bare"` {
		t.Errorf("ParseData error %v", err)
	}
	if Format(9).String() != "format(9)" || Data(-1).String() != "data(-1)" {
		t.Error("String of out-of-range values")
	}
}

func parseStyle(t *testing.T, s Style, args ...string) (Style, error) {
	t.Helper()
	opts := append(Options(), TimestampOption(), getopt.Option{Name: "verbose", Short: 'v', HasArg: getopt.OptionalArgument})
	parsed, _, err := getopt.Parse(args, opts, getopt.Permute)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parsed {
		ok, err := s.HandleOption(p)
		if err != nil {
			return s, err
		}
		if ok != (p.Name != "verbose") {
			t.Errorf("HandleOption(%s) claimed %v", p.Name, ok)
		}
	}
	return s, nil
}

func TestHandleOption(t *testing.T) {
	tests := []struct {
		args []string
		want Style
	}{
		{[]string{"--bare"}, Style{Format: FormatList, Data: DataBare, NoHeadings: true}},
		{[]string{"--bare", "--format=table"}, Style{Format: FormatTable, Data: DataBare, NoHeadings: true}},
		{[]string{"-fcsv", "-d", "json", "-v"}, Style{Format: FormatCSV, Data: DataJSON}},
		{[]string{"--form=html", "--dat=bare", "--pre", "--no-h"}, Style{Format: FormatHTML, Data: DataBare, Pretty: true, NoHeadings: true}},
		{[]string{"--max-column-width=3x", "--timestamp"}, Style{MaxColumnWidth: 3, Timestamp: true}},
		{[]string{"--max-column-width", "x"}, Style{}},
		{[]string{"--max-column-width= -12"}, Style{MaxColumnWidth: -12}},
	}
	for _, tt := range tests {
		got, err := parseStyle(t, Style{}, tt.args...)
		if err != nil || got != tt.want {
			t.Errorf("%q: got %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}

	if _, err := parseStyle(t, Style{}, "--data=xml"); err == nil || err.Error() != `unknown data format "xml"` {
		t.Errorf("bad --data: %v", err)
	}
	if _, err := parseStyle(t, Style{}, "-f", "yaml"); err == nil || err.Error() != `unknown output format "yaml"` {
		t.Errorf("bad --format: %v", err)
	}
	// Parsed without Opt, as a caller might build it by hand.
	var s Style
	if ok, err := s.HandleOption(getopt.Parsed{Name: "f", Arg: "json"}); !ok || err != nil || s.Format != FormatJSON {
		t.Errorf("short name without Opt: %v %v %+v", ok, err, s)
	}
	if ok, _ := s.HandleOption(getopt.Parsed{Name: "columns", Arg: "x"}); ok {
		t.Error("claimed --columns")
	}
}

func TestAtoi(t *testing.T) {
	for in, want := range map[string]int{
		"":                        0,
		"x":                       0,
		"12":                      12,
		"3x":                      3,
		" \t7":                    7,
		"+5":                      5,
		"-5":                      -5,
		"- 5":                     0,
		"99999999999999999999999": int(^uint(0) >> 1),
	} {
		if got := atoi(in); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestZeroRows(t *testing.T) {
	tab := &Table{Headings: []string{"_uuid", "x"}, Caption: "Empty table"}
	for f, want := range map[Format]string{
		FormatTable: "Empty table\n_uuid x\n----- -\n",
		FormatList:  "Empty table\n",
		FormatCSV:   "Empty table\n_uuid,x\n",
		FormatHTML:  "<table border=1>\n    <caption>Empty table</caption>\n  <tr>\n    <th>_uuid</th>\n    <th>x</th>\n  </tr>\n</table>\n",
		FormatJSON:  `{"caption":"Empty table","data":[],"headings":["_uuid","x"]}` + "\n",
	} {
		check(t, f.String(), render(t, &Style{Format: f}, tab), want)
	}
	// A list table with no rows still counts as printed: the next table is
	// separated from it (ovs-vsctl "find ... -- list ...").
	one := &Table{Headings: []string{"name"}, Rows: [][]Cell{{Text("p1")}}}
	check(t, "list after empty", render(t, &Style{Format: FormatList}, &Table{Headings: []string{"name"}}, one),
		"\nname                : p1\n")
}

func TestZeroColumns(t *testing.T) {
	tab := &Table{Rows: [][]Cell{{}, {}}}
	for f, want := range map[Format]string{
		FormatTable: "\n\n\n\n",
		FormatList:  "\n",
		FormatCSV:   "\n\n\n",
		FormatHTML:  "<table border=1>\n  <tr>\n  </tr>\n  <tr>\n  </tr>\n  <tr>\n  </tr>\n</table>\n",
		FormatJSON:  `{"data":[[],[]],"headings":[]}` + "\n",
	} {
		check(t, f.String(), render(t, &Style{Format: f}, tab), want)
	}
}

func TestWidthsCountBytes(t *testing.T) {
	tab := &Table{
		Headings: []string{"n", "v"},
		Rows: [][]Cell{
			{Text("ü"), Text("x")},      // 2 bytes, 1 character
			{Text("日本"), Text("y")},     // 6 bytes, 2 characters, 4 display columns
			{Text("ab"), Text("a\nb ")}, // newline counts; trailing space trimmed
		},
	}
	check(t, "table", render(t, &Style{}, tab),
		"n      v\n------ ----\nü     x\n日本 y\nab     a\nb\n")
	check(t, "truncated", render(t, &Style{NoHeadings: true, MaxColumnWidth: 1}, tab),
		"\xc3 x\n\xe6 y\na a\n")
	// Headings are never truncated and set the minimum width.
	check(t, "heading wins", render(t, &Style{MaxColumnWidth: 1}, &Table{
		Headings: []string{"name"},
		Rows:     [][]Cell{{Text("abcdefgh")}},
	}), "name\n----\nabcd\n")
}

func TestTrailingSpaces(t *testing.T) {
	tab := &Table{
		Headings: []string{"a", "b", "c"},
		Rows: [][]Cell{
			{Text("x"), nil, nil},
			{nil, nil, Text("z")},
			{Text("x \t "), nil, nil},
			{nil, nil, nil},
		},
	}
	check(t, "table", render(t, &Style{}, tab),
		"a    b c\n---- - -\nx\n       z\nx \t\n\n")
	check(t, "list keeps them", render(t, &Style{Format: FormatList, Data: DataBare}, &Table{
		Headings: []string{"a"},
		Rows:     [][]Cell{{nil}},
	}), "a                   : \n")
}

func TestListHeadings(t *testing.T) {
	tab := &Table{
		Headings: []string{"exactly_twenty_chars", "a_column_name_longer_than_twenty", "x"},
		Rows:     [][]Cell{{Text("1"), Text("2"), Text("3")}, {Text("4"), Text("5"), Text("6")}},
	}
	check(t, "list", render(t, &Style{Format: FormatList}, tab),
		"exactly_twenty_chars: 1\na_column_name_longer_than_twenty: 2\nx                   : 3\n\n"+
			"exactly_twenty_chars: 4\na_column_name_longer_than_twenty: 5\nx                   : 6\n")
	check(t, "no headings", render(t, &Style{Format: FormatList, NoHeadings: true}, tab),
		"1\n2\n3\n\n4\n5\n6\n")
}

func TestCSVQuoting(t *testing.T) {
	tab := &Table{
		Headings: []string{"a,b", "c"},
		Rows: [][]Cell{
			{Text("plain text"), Text("a\rb")},
			{Text(`say "hi"`), Text("x\ny")},
			{Text(""), Text(";\t'")},
		},
	}
	check(t, "csv", render(t, &Style{Format: FormatCSV}, tab),
		"\"a,b\",c\nplain text,a\rb\n\"say \"\"hi\"\"\",\"x\ny\"\n,;\t'\n")
}

func TestHTML(t *testing.T) {
	const u = "7b382638-0c08-41df-b947-f45b6be17064"
	tab := &Table{
		Headings: []string{"_uuid", "v"},
		Caption:  "<T&T>",
		Rows: [][]Cell{
			{Text(u), Text("x" + u)},
			{Text("short"), Text(u[:35])},
			{nil, nil},
			{Text(`"é"`), Text(u + u + "\"'\n")},
		},
	}
	want := "<table border=1>\n    <caption>&lt;T&amp;T&gt;</caption>\n" +
		"  <tr>\n    <th>_uuid</th>\n    <th>v</th>\n  </tr>\n" +
		"  <tr>\n    <td><a name=\"" + u + "\">7b382638</a></td>\n    <td>x<a href=\"#" + u + "\">7b382638</a></td>\n  </tr>\n" +
		"  <tr>\n    <td><a name=\"short\">short</a></td>\n    <td>" + u[:35] + "</td>\n  </tr>\n" +
		"  <tr>\n    <td><a name=\"\"></a></td>\n    <td></td>\n  </tr>\n" +
		"  <tr>\n    <td><a name=\"&quot;é&quot;\">&quot;é&quot;</a></td>\n    <td><a href=\"#" + u + "\">7b382638</a><a href=\"#" + u + "\">7b382638</a>&quot;'\n</td>\n  </tr>\n" +
		"</table>\n"
	check(t, "html", render(t, &Style{Format: FormatHTML}, tab), want)
}

func TestDataFormats(t *testing.T) {
	set := lit{s: "[1, 2]", b: "1 2", j: ovsjson.NewArray(ovsjson.NewString("set"), ovsjson.NewArray(ovsjson.NewInt(1), ovsjson.NewInt(2)))}
	obj := JSONCell{ovsjson.NewObject(ovsjson.M("min", ovsjson.NewInt(0)), ovsjson.M("key", ovsjson.NewString("integer")))}
	tab := &Table{
		Headings: []string{"text", "datum", "json", "empty"},
		Rows:     [][]Cell{{Text("t"), set, obj, nil}},
	}
	for d, want := range map[Data]string{
		DataString: "t,\"[1, 2]\",\"{\"\"key\"\":\"\"integer\"\",\"\"min\"\":0}\",\n",
		DataBare:   "t,1 2,\"{\"\"key\"\":\"\"integer\"\",\"\"min\"\":0}\",\n",
		DataJSON:   "t,\"[\"\"set\"\",[1,2]]\",\"{\"\"key\"\":\"\"integer\"\",\"\"min\"\":0}\",\n",
	} {
		check(t, d.String(), render(t, &Style{Format: FormatCSV, Data: d, NoHeadings: true}, tab), want)
	}
	// JSON format ignores --data and --no-headings.
	for _, d := range []Data{DataString, DataBare, DataJSON} {
		check(t, "json "+d.String(), render(t, &Style{Format: FormatJSON, Data: d, NoHeadings: true}, tab),
			`{"data":[["t",["set",[1,2]],{"key":"integer","min":0},null]],"headings":["text","datum","json","empty"]}`+"\n")
	}
	// --pretty leaves JSON inside text tables compact.
	check(t, "pretty table", render(t, &Style{Data: DataJSON, Pretty: true, NoHeadings: true}, tab),
		"t [\"set\",[1,2]] {\"key\":\"integer\",\"min\":0}\n")
}

func TestRowLengths(t *testing.T) {
	tab := &Table{
		Headings: []string{"a", "b"},
		Rows:     [][]Cell{{Text("1")}, {Text("2"), Text("3"), Text("extra")}},
	}
	check(t, "table", render(t, &Style{}, tab), "a b\n- -\n1\n2 3\n")
	check(t, "json", render(t, &Style{Format: FormatJSON}, tab), `{"data":[["1",null],["2","3"]],"headings":["a","b"]}`+"\n")
}

func TestSeparators(t *testing.T) {
	a := &Table{Headings: []string{"n"}, Rows: [][]Cell{{Text("1")}}}
	b := &Table{Headings: []string{"n"}, Rows: [][]Cell{{Text("2")}}, Caption: "B"}
	for f, want := range map[Format]string{
		FormatTable: "n\n-\n1\n\nB\nn\n-\n2\n",
		FormatList:  "n                   : 1\n\nB\nn                   : 2\n",
		FormatCSV:   "n\n1\n\nB\nn\n2\n",
		FormatHTML:  "<table border=1>\n  <tr>\n    <th>n</th>\n  </tr>\n  <tr>\n    <td>1</td>\n  </tr>\n</table>\n<table border=1>\n    <caption>B</caption>\n  <tr>\n    <th>n</th>\n  </tr>\n  <tr>\n    <td>2</td>\n  </tr>\n</table>\n",
		FormatJSON:  `{"data":[["1"]],"headings":["n"]}` + "\n" + `{"caption":"B","data":[["2"]],"headings":["n"]}` + "\n",
	} {
		s := &Style{Format: f}
		check(t, f.String(), render(t, s, a, b), want)
	}
	// The state lives in the Style: a copy made before printing starts afresh.
	s := Style{}
	fresh := s
	render(t, &s, a)
	check(t, "second table", string(a.Append(nil, &s)), "\nn\n-\n1\n")
	check(t, "fresh style", string(a.Append(nil, &fresh)), "n\n-\n1\n")
}

func TestTimestamp(t *testing.T) {
	zone := time.FixedZone("X", -5*3600)
	tab := &Table{
		Headings:  []string{"row"},
		Rows:      [][]Cell{{Text("r")}},
		Caption:   "Simple",
		Timestamp: time.Date(2026, 11, 23, 5, 33, 8, 820999999, zone),
	}
	check(t, "table", render(t, &Style{Timestamp: true}, tab, tab),
		"2026-11-23 10:33:08.820\nSimple\nrow\n---\nr\n\n2026-11-23 10:33:08.820\nSimple\nrow\n---\nr\n")
	check(t, "html", render(t, &Style{Format: FormatHTML, Timestamp: true, NoHeadings: true}, tab),
		"2026-11-23 10:33:08.820\n<table border=1>\n    <caption>Simple</caption>\n  <tr>\n    <td>r</td>\n  </tr>\n</table>\n")
	check(t, "json", render(t, &Style{Format: FormatJSON, Timestamp: true}, tab),
		`{"caption":"Simple","data":[["r"]],"headings":["row"],"time":"2026-11-23 10:33:08.820"}`+"\n")
	check(t, "json pretty", render(t, &Style{Format: FormatJSON, Timestamp: true, Pretty: true}, tab),
		"{\n  \"caption\": \"Simple\",\n  \"data\": [\n    [\n      \"r\"]],\n  \"headings\": [\n    \"row\"],\n  \"time\": \"2026-11-23 10:33:08.820\"}\n")
	// Without --timestamp, or without a time, nothing is added.
	check(t, "off", render(t, &Style{Format: FormatCSV}, tab), "Simple\nrow\nr\n")
	check(t, "no time", render(t, &Style{Format: FormatCSV, Timestamp: true}, &Table{Headings: []string{"row"}}), "row\n")
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestPrintError(t *testing.T) {
	tab := &Table{Headings: []string{"a"}}
	if err := tab.Print(failWriter{}, &Style{}); err == nil || err.Error() != "disk full" {
		t.Errorf("Print error = %v", err)
	}
}

// requireOVS skips a test when the real OVS tool is missing, unless CI
// promises it is installed.
func requireOVS(t *testing.T, prog string) string {
	t.Helper()
	path, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed: %v", prog, err)
		}
		t.Skipf("%s not installed", prog)
	}
	return path
}

// TestAgainstOVSTools compares the help text and the option errors with the
// real tools. Neither needs a database: OVS checks --format and --data while
// parsing options.
func TestAgainstOVSTools(t *testing.T) {
	for _, prog := range []string{"ovs-vsctl", "ovsdb-client"} {
		t.Run(prog, func(t *testing.T) {
			path := requireOVS(t, prog)
			dir := t.TempDir()
			env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_DBDIR="+dir, "OVS_LOGDIR="+dir, "OVS_SYSCONFDIR="+dir)

			cmd := exec.Command(path, "--help")
			cmd.Env = env
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			want := Usage
			if prog == "ovsdb-client" {
				want += TimestampUsage
			}
			if !strings.Contains(string(out), "\n"+want) {
				t.Errorf("%s --help does not contain:\n%s", prog, want)
			}

			for _, arg := range []string{"--format=xx", "--format=", "-fTABLE", "--data=yy", `--data=a"b`} {
				cmd := exec.Command(path, arg, "list-dbs")
				cmd.Env = env
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				err := cmd.Run()
				var exit *exec.ExitError
				if !errors.As(err, &exit) || exit.ExitCode() != 1 {
					t.Errorf("%s %s: %v, want exit status 1", prog, arg, err)
				}
				_, ourErr := parseStyle(t, Style{}, arg)
				if ourErr == nil {
					t.Fatalf("%s accepted", arg)
				}
				if got, want := prog+": "+ourErr.Error()+"\n", stderr.String(); got != want {
					t.Errorf("%s: we say %q, OVS says %q", arg, got, want)
				}
			}
		})
	}
}
