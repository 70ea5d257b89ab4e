package ctl

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testSettings() settings {
	return settings{
		"SYSTEM_ID": "", "MLOCKALL": "yes", "OVS_VSWITCHD": "yes", "DB_FILE": "/etc/openvswitch/conf.db",
		"OVS_USER": "",
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args     []string
		command  string
		changed  map[string]string
		extra    []string
		warnings []string
		fatal    string
		help     bool
		version  bool
	}{
		{args: []string{"start"}, command: "start"},
		{args: []string{"--system-id=random", "start"}, command: "start", changed: map[string]string{"SYSTEM_ID": "random"}},
		{args: []string{"--no-ovs-vswitchd", "--mlockall", "stop"}, command: "stop", changed: map[string]string{"OVS_VSWITCHD": "no", "MLOCKALL": "yes"}},
		{args: []string{"--ovs-user=a:b", "--db-file=/x=y"}, changed: map[string]string{"OVS_USER": "a:b", "DB_FILE": "/x=y"}},
		// Underscores and capitals reach the same setting as the script's tr(1) does.
		{args: []string{"--system_ID=abc"}, changed: map[string]string{"SYSTEM_ID": "abc"}},
		// A yes/no setting takes any value in the VALUE form, after which
		// the bare forms no longer apply.
		{args: []string{"--mlockall=maybe", "--no-mlockall"}, changed: map[string]string{"MLOCKALL": "maybe"},
			warnings: []string{`ovs-ctl: unknown option "--no-mlockall" (use --help for help)`}},
		// Bare forms need a yes/no setting.
		{args: []string{"--db-file", "--system-id", "--no-system-id", "status"}, command: "status", warnings: []string{
			`ovs-ctl: unknown option "--db-file" (use --help for help)`,
			`ovs-ctl: unknown option "--system-id" (use --help for help)`,
			`ovs-ctl: unknown option "--no-system-id" (use --help for help)`,
		}},
		{args: []string{"--bogus", "--no-bogus", "--bogus=1", "--no-"}, warnings: []string{
			`ovs-ctl: unknown option "--bogus" (use --help for help)`,
			`ovs-ctl: unknown option "--no-bogus" (use --help for help)`,
			`ovs-ctl: unknown option "--bogus=1" (use --help for help)`,
			`ovs-ctl: unknown option "--no-" (use --help for help)`,
		}},
		{args: []string{"--external-id=k=v", "--external-id=a=b=c"}, extra: []string{"external-ids:k=v", "external-ids:a=b=c"}},
		{args: []string{"--external-id=foo", "start"}, fatal: `ovs-ctl: --external-id argument not in the form "key=value"`},
		{args: []string{"-x"}, fatal: `ovs-ctl: unknown option "-x" (use --help for help)`},
		{args: []string{"--"}, fatal: `ovs-ctl: unknown option "--" (use --help for help)`},
		{args: []string{"--X=1"}, fatal: `ovs-ctl: unknown option "--X=1" (use --help for help)`},
		{args: []string{"start", "stop"}, command: "start", fatal: "ovs-ctl: exactly one non-option argument required (use --help for help)"},
		// --help and --version end the parsing where they stand.
		{args: []string{"--bogus", "--help", "-x"}, help: true, warnings: []string{`ovs-ctl: unknown option "--bogus" (use --help for help)`}},
		{args: []string{"-V", "a", "b"}, version: true},
		{args: []string{"start", "-h"}, command: "start", help: true},
	}
	for _, tt := range tests {
		set := testSettings()
		inv := parseArgs("ovs-ctl", tt.args, set)
		want := testSettings()
		for k, v := range tt.changed {
			want[k] = v
		}
		if diff := cmp.Diff(map[string]string(want), map[string]string(inv.set)); diff != "" {
			t.Errorf("%q: settings (-want +got):\n%s", tt.args, diff)
		}
		if inv.command != tt.command || inv.fatal != tt.fatal || inv.help != tt.help || inv.version != tt.version {
			t.Errorf("%q: got command %q fatal %q help %v version %v, want %q %q %v %v", tt.args,
				inv.command, inv.fatal, inv.help, inv.version, tt.command, tt.fatal, tt.help, tt.version)
		}
		if diff := cmp.Diff(tt.warnings, inv.warnings); diff != "" {
			t.Errorf("%q: warnings (-want +got):\n%s", tt.args, diff)
		}
		if diff := cmp.Diff(tt.extra, inv.extraIDs); diff != "" {
			t.Errorf("%q: external ids (-want +got):\n%s", tt.args, diff)
		}
	}
}

func TestVersionGeq(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"3.1.0", "2.5.90", true},
		{"2.5.90", "2.5.90", true},
		{"2.5.0", "2.5.90", false},
		{"2.5", "2.5.90", false},
		{"2.6", "2.5.90", true},
		{"10.0", "9.9.9", true},
		{"0.1.0", "2.5.90", false},
		{"3.1.0-rc1", "3.1.0", true},
		{"x", "2.5.90", false},
	}
	for _, tt := range tests {
		if got := versionGeq(tt.a, tt.b); got != tt.want {
			t.Errorf("versionGeq(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParseShellAssignments(t *testing.T) {
	text := `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
# comment
ID=debian
VERSION_ID='12'
export INSTALLATION_UUID=abc\ def
BAD NAME=1
ESC="a\"b\\c"
TRAIL=x # comment
`
	want := map[string]string{
		"PRETTY_NAME":       "Debian GNU/Linux 12 (bookworm)",
		"ID":                "debian",
		"VERSION_ID":        "12",
		"INSTALLATION_UUID": "abc def",
		"ESC":               `a"b\c`,
		"TRAIL":             "x",
	}
	if diff := cmp.Diff(want, parseShellAssignments(text)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPidExists(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	for pid, want := range map[string]bool{
		self: true, "": false, "self": false, "../1": false, "1 2": false, "99999999999": false,
	} {
		if got := pidExists(pid); got != want {
			t.Errorf("pidExists(%q) = %v, want %v", pid, got, want)
		}
	}
}

func TestReporter(t *testing.T) {
	var b bytes.Buffer
	r := &reporter{out: &b}
	r.success("Starting ovsdb-server")
	r.failure("Starting ovs-vswitchd")
	r.warning("/x/conf.db does not exist")
	r.fancy = true
	r.failure("A")
	r.warning("B")
	want := "Starting ovsdb-server.\n" +
		"Starting ovs-vswitchd ... failed!\n" +
		"/x/conf.db does not exist ... (warning).\n" +
		"A ... \x1b[31mfailed!\x1b[0m\n" +
		"B ... \x1b[33m(warning).\x1b[0m\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNewUUID(t *testing.T) {
	u := newUUID()
	if len(u) != 36 || u[14] != '4' || strings.IndexByte("89ab", u[19]) < 0 || strings.ToLower(u) != u {
		t.Errorf("newUUID() = %q, not a lower-case version 4 UUID", u)
	}
	if newUUID() == u {
		t.Errorf("two calls returned %q", u)
	}
}

func TestQuoteValue(t *testing.T) {
	if got, want := quoteValue(`a"b\c`), `"a\"b\\c"`; got != want {
		t.Errorf("quoteValue = %s, want %s", got, want)
	}
}

func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{"start", "--system-id=random start", "--no-mlockall --mlockall=x", "--external-id=a", "-V", "--no- -- x y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		set := testSettings()
		inv := parseArgs("ovs-ctl", strings.Fields(line), set)
		for k := range inv.set {
			if _, ok := testSettings()[k]; !ok {
				t.Fatalf("%q created setting %q", line, k)
			}
		}
		for _, id := range inv.extraIDs {
			if !strings.HasPrefix(id, "external-ids:") || !strings.Contains(id[len("external-ids:"):], "=") {
				t.Fatalf("%q: bad external id %q", line, id)
			}
		}
	})
}

func FuzzParseShellAssignments(f *testing.F) {
	for _, s := range []string{"ID=debian\nVERSION_ID=\"12\"\n", "A='x", "B=\"\\", "C=a\\ b c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for name := range parseShellAssignments(text) {
			if !isShellName(name) {
				t.Fatalf("bad name %q", name)
			}
		}
	})
}
