package getopt

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// appctlOpts is ovs-appctl 3.1's option table, in its order (the order shows in
// ambiguity messages: `ovs-appctl --=` lists every long option).
var appctlOpts = []Option{
	{"target", 't', RequiredArgument},
	{"execute", 'e', NoArgument},
	{"help", 'h', NoArgument},
	{"option", 'o', NoArgument},
	{"version", 'V', NoArgument},
	{"timeout", 'T', RequiredArgument},
	{"verbose", 'v', OptionalArgument},
	{"log-file", 0, OptionalArgument},
	{"syslog-method", 0, RequiredArgument},
	{"syslog-target", 0, RequiredArgument},
}

// testOpts exercises aliases, short-only and long-only entries.
var testOpts = []Option{
	{"verbose", 'v', OptionalArgument},
	{"version", 'V', NoArgument},
	{"target", 't', RequiredArgument},
	{"", 'a', NoArgument},
	{"", 'b', NoArgument},
	{"all", 0, NoArgument},
	{"allow", 0, RequiredArgument},
	{"color", 'c', OptionalArgument},
	{"colour", 'c', OptionalArgument}, // alias of color
	{"format", 'f', RequiredArgument},
	{"form", 0, NoArgument}, // exact match must beat --format's prefix
}

type want struct {
	opts     []string // "name" or "name=arg" (arg present) per option
	operands []string
	err      string
}

func render(ps []Parsed) []string {
	var out []string
	for _, p := range ps {
		s := p.Name
		if p.HasArg {
			s += "=" + p.Arg
		}
		out = append(out, s)
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		args []string
		mode Mode
		want want
	}{
		{"empty", nil, Permute, want{}},
		{"operands only", []string{"a", "b"}, Permute, want{operands: []string{"a", "b"}}},
		{"lone dash is operand", []string{"-", "-a"}, Permute, want{opts: []string{"a"}, operands: []string{"-"}}},
		{"empty word is operand", []string{"", "-a"}, Permute, want{opts: []string{"a"}, operands: []string{""}}},
		{"long exact", []string{"--verbose"}, Permute, want{opts: []string{"verbose"}}},
		{"long prefix", []string{"--verb"}, Permute, want{opts: []string{"verbose"}}},
		{"long prefix with arg", []string{"--verb=dbg"}, Permute, want{opts: []string{"verbose=dbg"}}},
		{"exact beats prefix", []string{"--form"}, Permute, want{opts: []string{"form"}}},
		{"prefix of exact-matched name", []string{"--for"}, Permute, want{err: "option '--for' is ambiguous; possibilities: '--format' '--form'"}},
		{"all exact vs allow", []string{"--all"}, Permute, want{opts: []string{"all"}}},
		{"al ambiguous", []string{"--al"}, Permute, want{err: "option '--al' is ambiguous; possibilities: '--all' '--allow'"}},
		{"alias prefix not ambiguous", []string{"--col"}, Permute, want{opts: []string{"color"}}},
		{"alias prefix with arg", []string{"--co=always"}, Permute, want{opts: []string{"color=always"}}},
		{"alias exact second", []string{"--colour"}, Permute, want{opts: []string{"colour"}}},
		{"ambiguous lists table order", []string{"--ver"}, Permute, want{err: "option '--ver' is ambiguous; possibilities: '--verbose' '--version'"}},
		{"ambiguous keeps =value", []string{"--ver=3"}, Permute, want{err: "option '--ver=3' is ambiguous; possibilities: '--verbose' '--version'"}},
		{"empty name ambiguous", []string{"--=x"}, Permute, want{err: "option '--=x' is ambiguous; possibilities: '--verbose' '--version' '--target' '--all' '--allow' '--color' '--colour' '--format' '--form'"}},
		{"unrecognized", []string{"--frob"}, Permute, want{err: "unrecognized option '--frob'"}},
		{"unrecognized keeps =value", []string{"--frob=3"}, Permute, want{err: "unrecognized option '--frob=3'"}},
		{"triple dash", []string{"---x"}, Permute, want{err: "unrecognized option '---x'"}},
		{"required =", []string{"--target=foo"}, Permute, want{opts: []string{"target=foo"}}},
		{"required empty =", []string{"--target="}, Permute, want{opts: []string{"target="}}},
		{"required separate", []string{"--target", "foo", "bar"}, Permute, want{opts: []string{"target=foo"}, operands: []string{"bar"}}},
		{"required separate takes dashes", []string{"--tar", "--", "x"}, Permute, want{opts: []string{"target=--"}, operands: []string{"x"}}},
		{"required separate takes option", []string{"--target", "-a"}, Permute, want{opts: []string{"target=-a"}}},
		{"required missing", []string{"--target"}, Permute, want{err: "option '--target' requires an argument"}},
		{"required missing prefix uses full name", []string{"--tar"}, Permute, want{err: "option '--target' requires an argument"}},
		{"noarg with =", []string{"--version=3"}, Permute, want{err: "option '--version' doesn't allow an argument"}},
		{"noarg with = prefix uses full name", []string{"--vers="}, Permute, want{err: "option '--version' doesn't allow an argument"}},
		{"optional none", []string{"--verbose", "dbg"}, Permute, want{opts: []string{"verbose"}, operands: []string{"dbg"}}},
		{"optional empty =", []string{"--verbose="}, Permute, want{opts: []string{"verbose="}}},
		{"short cluster", []string{"-ab"}, Permute, want{opts: []string{"a", "b"}}},
		{"short long name reported", []string{"-V"}, Permute, want{opts: []string{"version"}}},
		{"short glued required", []string{"-tfoo"}, Permute, want{opts: []string{"target=foo"}}},
		{"short separate required", []string{"-t", "foo"}, Permute, want{opts: []string{"target=foo"}}},
		{"short separate required empty", []string{"-t", ""}, Permute, want{opts: []string{"target="}}},
		{"short cluster then required", []string{"-abt", "x", "y"}, Permute, want{opts: []string{"a", "b", "target=x"}, operands: []string{"y"}}},
		{"short cluster glued required", []string{"-atab"}, Permute, want{opts: []string{"a", "target=ab"}}},
		{"short required missing", []string{"-t"}, Permute, want{err: "option requires an argument -- 't'"}},
		{"short required missing in cluster", []string{"-at"}, Permute, want{err: "option requires an argument -- 't'"}},
		{"short optional glued", []string{"-vconsole:dbg"}, Permute, want{opts: []string{"verbose=console:dbg"}}},
		{"short optional alone", []string{"-v", "dbg"}, Permute, want{opts: []string{"verbose"}, operands: []string{"dbg"}}},
		{"short optional eats cluster", []string{"-vab"}, Permute, want{opts: []string{"verbose=ab"}}},
		{"short optional at cluster end", []string{"-av"}, Permute, want{opts: []string{"a", "verbose"}}},
		{"invalid short", []string{"-x"}, Permute, want{err: "invalid option -- 'x'"}},
		{"invalid short after valid", []string{"-ax"}, Permute, want{err: "invalid option -- 'x'"}},
		{"invalid short byte", []string{"-é"}, Permute, want{err: "invalid option -- '\xc3'"}},
		{"short only has no long", []string{"--a"}, Permute, want{err: "option '--a' is ambiguous; possibilities: '--all' '--allow'"}},
		{"dashdash ends", []string{"-a", "--", "-b", "--all"}, Permute, want{opts: []string{"a"}, operands: []string{"-b", "--all"}}},
		{"dashdash after operand", []string{"x", "--", "-b"}, Permute, want{operands: []string{"x", "-b"}}},
		{"second dashdash is operand", []string{"--", "--"}, Permute, want{operands: []string{"--"}}},
		{"permute mixes", []string{"x", "-a", "y", "--all", "z"}, Permute, want{opts: []string{"a", "all"}, operands: []string{"x", "y", "z"}}},
		{"permute error after operand", []string{"x", "--frob"}, Permute, want{err: "unrecognized option '--frob'"}},
		{"require order stops", []string{"-a", "x", "-b"}, RequireOrder, want{opts: []string{"a"}, operands: []string{"x", "-b"}}},
		{"require order stops at dash", []string{"-", "-b"}, RequireOrder, want{operands: []string{"-", "-b"}}},
		{"require order dashdash", []string{"-a", "--", "-b"}, RequireOrder, want{opts: []string{"a"}, operands: []string{"-b"}}},
		{"require order keeps later dashdash", []string{"x", "--", "-b"}, RequireOrder, want{operands: []string{"x", "--", "-b"}}},
		{"require order no error after operand", []string{"x", "--frob"}, RequireOrder, want{operands: []string{"x", "--frob"}}},
		{"require order arg not operand", []string{"-t", "x", "y"}, RequireOrder, want{opts: []string{"target=x"}, operands: []string{"y"}}},
		{"NUL is not short 0", []string{"-\x00"}, Permute, want{err: "invalid option -- '\x00'"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, operands, err := Parse(tc.args, testOpts, tc.mode)
			if tc.want.err != "" {
				var ge *Error
				if !errors.As(err, &ge) {
					t.Fatalf("Parse(%q) error = %v, want *Error %q", tc.args, err, tc.want.err)
				}
				if ge.Msg != tc.want.err || err.Error() != tc.want.err {
					t.Fatalf("Parse(%q) error:\n got %q\nwant %q", tc.args, err.Error(), tc.want.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.args, err)
			}
			if d := cmp.Diff(tc.want.opts, render(ps)); d != "" {
				t.Errorf("Parse(%q) options (-want +got):\n%s", tc.args, d)
			}
			if len(operands) == 0 {
				operands = nil
			}
			if d := cmp.Diff(tc.want.operands, operands); d != "" {
				t.Errorf("Parse(%q) operands (-want +got):\n%s", tc.args, d)
			}
			for _, p := range ps {
				if !pointsInto(p.Opt, testOpts) {
					t.Errorf("Opt %p does not point into the table", p.Opt)
				}
			}
		})
	}
}

func pointsInto(o *Option, table []Option) bool {
	for i := range table {
		if o == &table[i] {
			return true
		}
	}
	return false
}

func TestOptPointsToFirstMatch(t *testing.T) {
	ps, _, err := Parse([]string{"--col", "-c", "--colour"}, testOpts, Permute)
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Opt != &testOpts[7] || ps[1].Opt != &testOpts[7] || ps[2].Opt != &testOpts[8] {
		t.Errorf("Opt pointers: got %v, %v, %v", ps[0].Opt, ps[1].Opt, ps[2].Opt)
	}
}

func TestShortOnlyName(t *testing.T) {
	ps, _, err := Parse([]string{"-b"}, testOpts, Permute)
	if err != nil || len(ps) != 1 || ps[0].Name != "b" || ps[0].Opt != &testOpts[4] {
		t.Fatalf("got %+v, %v", ps, err)
	}
}

func TestPosixlyCorrect(t *testing.T) {
	t.Setenv("POSIXLY_CORRECT", "")
	ps, operands, err := Parse([]string{"-a", "x", "-b"}, testOpts, Permute)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"a"}, render(ps)); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"x", "-b"}, operands); d != "" {
		t.Error(d)
	}
}

func TestParserIncremental(t *testing.T) {
	args := []string{"x", "-a", "y", "-tT", "--", "-b", "z"}
	p := NewParser(args, testOpts, Permute)
	o, ok, err := p.Next()
	if err != nil || !ok || o.Name != "a" {
		t.Fatalf("first Next = %+v %v %v", o, ok, err)
	}
	if d := cmp.Diff([]string{"x"}, p.Operands()); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff([]string{"x", "y", "-tT", "--", "-b", "z"}, p.Remaining()); d != "" {
		t.Errorf("Remaining mid-parse (-want +got):\n%s", d)
	}
	o, ok, err = p.Next()
	if err != nil || !ok || o.Name != "target" || o.Arg != "T" {
		t.Fatalf("second Next = %+v %v %v", o, ok, err)
	}
	if _, ok, err = p.Next(); ok || err != nil {
		t.Fatalf("third Next = %v %v", ok, err)
	}
	want := []string{"x", "y", "-b", "z"}
	if d := cmp.Diff(want, p.Remaining()); d != "" {
		t.Error(d)
	}
	if d := cmp.Diff(want, p.Operands()); d != "" {
		t.Error(d)
	}
	// Exhausted parsers stay exhausted.
	if _, ok, err = p.Next(); ok || err != nil {
		t.Fatalf("Next after end = %v %v", ok, err)
	}
}

func TestParserContinuesAfterError(t *testing.T) {
	p := NewParser([]string{"-xa", "--frob", "--all"}, testOpts, RequireOrder)
	var got []string
	for {
		o, ok, err := p.Next()
		if err != nil {
			got = append(got, "error: "+err.Error())
			continue
		}
		if !ok {
			break
		}
		got = append(got, o.Name)
	}
	want := []string{"error: invalid option -- 'x'", "a", "error: unrecognized option '--frob'", "all"}
	if d := cmp.Diff(want, got); d != "" {
		t.Error(d)
	}
}

func TestSetOptions(t *testing.T) {
	// ovs-vsctl style: global options, then a command with its own options.
	global := []Option{{"dry-run", 0, NoArgument}}
	cmdOpts := []Option{{"may-exist", 0, NoArgument}}
	p := NewParser([]string{"--dry-run", "add-br", "--may-exist", "br0"}, global, RequireOrder)
	if o, ok, err := p.Next(); !ok || err != nil || o.Name != "dry-run" {
		t.Fatalf("Next = %+v %v %v", o, ok, err)
	}
	if _, ok, _ := p.Next(); ok {
		t.Fatal("expected stop at operand")
	}
	rest := p.Remaining()
	p = NewParser(rest[1:], cmdOpts, Permute)
	p.SetOptions(cmdOpts)
	if o, ok, err := p.Next(); !ok || err != nil || o.Name != "may-exist" {
		t.Fatalf("Next = %+v %v %v", o, ok, err)
	}
	// Switching tables mid-cluster applies to the rest of the cluster.
	p = NewParser([]string{"-ab"}, []Option{{"", 'a', NoArgument}}, Permute)
	p.Next()
	p.SetOptions([]Option{{"", 'b', RequiredArgument}})
	if _, _, err := p.Next(); err == nil || err.Error() != "option requires an argument -- 'b'" {
		t.Fatalf("err = %v", err)
	}
}

func TestParseReturnsOptionsBeforeError(t *testing.T) {
	ps, operands, err := Parse([]string{"-a", "x", "--frob", "-b"}, testOpts, Permute)
	if err == nil || operands != nil || len(ps) != 1 || ps[0].Name != "a" {
		t.Fatalf("got %v %v %v", render(ps), operands, err)
	}
}

// TestAgainstOVS compares error texts with the real ovs-appctl and ovs-ofctl, which
// print glibc's message after "program: " and exit before doing anything else.
func TestAgainstOVS(t *testing.T) {
	appctl := lookOVS(t, "ovs-appctl")
	cases := [][]string{
		{"--frob"},
		{"--frob=3"},
		{"--ver"},
		{"--v=x"},
		{"--=x"},
		{"--="},
		{"--syslog"},
		{"--sys=a"},
		{"-t"},
		{"-T"},
		{"-et"},
		{"-tfoo", "-T"},
		{"--target"},
		{"--tar"},
		{"--timeout"},
		{"--tim"},
		{"--help=3"},
		{"--he=3"},
		{"--help="},
		{"--execute=1"},
		{"--o=2"},
		{"--syslog-method"},
		{"-x"},
		{"-ex"},
		{"-é"},
		{"---x"},
		{"-t", "x", "-a"},
		{"--target", "--frob", "-x"},
	}
	for _, args := range cases {
		got := runOVS(t, appctl, args)
		_, _, err := Parse(args, appctlOpts, RequireOrder)
		if err == nil {
			t.Errorf("ovs-appctl %q: we accept, OVS says %q", args, got)
			continue
		}
		if want := "ovs-appctl: " + err.Error() + "\n"; got != want {
			t.Errorf("ovs-appctl %q:\n OVS %q\n us  %q", args, got, want)
		}
	}

	// ovs-ofctl permutes, so an option after a command word is still an option; with
	// POSIXLY_CORRECT it is not (the run then fails later with "unknown command").
	ofctl := lookOVS(t, "ovs-ofctl")
	ofctlOpts := []Option{{"timeout", 't', RequiredArgument}, {"help", 'h', NoArgument}}
	if got := runOVS(t, ofctl, []string{"frob", "--frob"}); got != "ovs-ofctl: unrecognized option '--frob'\n" {
		t.Errorf("ovs-ofctl frob --frob: %q", got)
	}
	if _, _, err := Parse([]string{"frob", "--frob"}, ofctlOpts, Permute); err == nil || err.Error() != "unrecognized option '--frob'" {
		t.Errorf("Parse permute: %v", err)
	}
	t.Setenv("POSIXLY_CORRECT", "1")
	if got := runOVS(t, ofctl, []string{"frob", "--frob"}); strings.Contains(got, "unrecognized") {
		t.Errorf("ovs-ofctl with POSIXLY_CORRECT: %q", got)
	}
	if _, operands, err := Parse([]string{"frob", "--frob"}, ofctlOpts, Permute); err != nil || len(operands) != 2 {
		t.Errorf("Parse with POSIXLY_CORRECT: %v %v", operands, err)
	}
}

// TestMain runs the tests without POSIXLY_CORRECT, which would change Permute.
func TestMain(m *testing.M) {
	os.Unsetenv("POSIXLY_CORRECT")
	os.Exit(m.Run())
}

func lookOVS(t *testing.T, prog string) string {
	path, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed: %v", prog, err)
		}
		t.Skipf("%s not installed", prog)
	}
	return path
}

// runOVS runs an OVS tool with private directories so that nothing it might touch is
// shared, and returns its stderr.
func runOVS(t *testing.T, path string, args []string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(path, args...)
	// glibc prefixes its messages with argv[0] verbatim, not its basename.
	cmd.Args[0] = filepath.Base(path)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir, "OVS_SYSCONFDIR="+dir)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	cmd.Run()
	return stderr.String()
}
