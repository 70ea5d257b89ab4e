package ovsdbtool

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/govs/ovs/internal/version"
)

// golden is one command's outcome as the real ovsdb-tool 3.1 gave it (see
// testdata/README).
type golden struct {
	name   string
	args   []string
	status int
	stdout string
	stderr string
}

// readGolden reads testdata/cases and testdata/golden.txt.
func readGolden(t *testing.T) []golden {
	t.Helper()
	cases, err := os.ReadFile("testdata/cases")
	if err != nil {
		t.Fatal(err)
	}
	args := make(map[string][]string)
	var order []string
	for _, line := range strings.Split(strings.TrimSuffix(string(cases), "\n"), "\n") {
		name, a, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("testdata/cases: bad line %q", line)
		}
		args[name] = strings.Fields(a)
		order = append(order, name)
	}
	data, err := os.ReadFile("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	header := regexp.MustCompile(`^#### (\S+) exit=(\d+) stdout=(\d+) stderr=(\d+)\n`)
	byName := make(map[string]golden)
	for len(data) > 0 {
		m := header.FindSubmatch(data)
		if m == nil {
			t.Fatalf("testdata/golden.txt: bad header at %q", data[:min(len(data), 60)])
		}
		data = data[len(m[0]):]
		status, _ := strconv.Atoi(string(m[2]))
		no, _ := strconv.Atoi(string(m[3]))
		ne, _ := strconv.Atoi(string(m[4]))
		g := golden{name: string(m[1]), args: args[string(m[1])], status: status,
			stdout: string(data[:no]), stderr: string(data[no : no+ne])}
		data = data[no+ne+1:]
		byName[g.name] = g
	}
	out := make([]golden, 0, len(order))
	for _, name := range order {
		g, ok := byName[name]
		if !ok {
			t.Fatalf("testdata/golden.txt has no case %s", name)
		}
		out = append(out, g)
	}
	return out
}

// setGoldenEnv gives the default paths gen.sh ran the real tool with.
func setGoldenEnv(t *testing.T) {
	t.Setenv("OVS_DBDIR", "/nonexistent/db")
	t.Setenv("OVS_PKGDATADIR", "/nonexistent/pkg")
	t.Setenv("OVS_LOGDIR", "/nonexistent/log")
	t.Setenv("OVS_RUNDIR", t.TempDir())
	t.Setenv("OVS_SYSCONFDIR", "/nonexistent")
}

// runTool runs ovsdb-tool in this process.
func runTool(args ...string) (status int, stdout, stderr string) {
	var o, e bytes.Buffer
	status = run(args, &o, &e)
	return status, o.String(), e.String()
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	// The lines of OVS's help and list-commands about clustered databases,
	// which this implementation does not provide.
	clusterHelpRE = regexp.MustCompile(`(?m)^ *(\[--election-timer=ms\] create-cluster|    create clustered|\[--cid=UUID\] join-cluster|    join clustered|db-cid|db-sid|db-local-address|cluster-to-standalone|      standalone DB when|        revived|create-cluster  |join-cluster  |check-cluster  ).*\n`)
)

// deviations are the goldens this implementation departs from on purpose,
// with what it gives instead.
var deviations = map[string]golden{
	// Without a schema file at the default place, the vswitch schema built
	// into the binary serves.
	"args-schema-name": {stdout: "Open_vSwitch\n"},
	// show-log on a clustered database is not provided.
	"show-log-cluster":    {status: 1, stderr: "ovsdb-tool: ovsdb error: cluster.db: cannot apply this operation to clustered database file\n"},
	"show-log-m-cluster":  {status: 1, stderr: "ovsdb-tool: ovsdb error: cluster.db: cannot apply this operation to clustered database file\n"},
	"show-log-mm-cluster": {status: 1, stderr: "ovsdb-tool: ovsdb error: cluster.db: cannot apply this operation to clustered database file\n"},
}

func init() {
	// The commands for clustered databases are unknown here.
	for _, c := range []string{"create-cluster a b c", "db-cid a", "check-cluster a", "cluster-to-standalone a b"} {
		name, _, _ := strings.Cut(c, " ")
		deviations["args-"+strings.ReplaceAll(c, " ", "_")] = golden{status: 1,
			stderr: "ovsdb-tool: unknown command '" + name + "'; use --help for help\n"}
	}
}

// expected adapts a golden to the differences this implementation keeps on
// purpose: its own name and version, no clustered commands.
func (g golden) expected() (stdout, stderr string) {
	if d, ok := deviations[g.name]; ok {
		return d.stdout, d.stderr
	}
	stdout, stderr = g.stdout, g.stderr
	stdout = strings.ReplaceAll(stdout, "ovsdb-tool (Open vSwitch) 3.1.0", version.Line(program))
	stdout = clusterHelpRE.ReplaceAllString(stdout, "")
	return stdout, stderr
}

// TestGolden runs every read-only command that gen.sh ran with the real
// ovsdb-tool, on the same files, and compares status, stdout and stderr.
// Only UUIDs that a transaction makes up on the spot are masked.
func TestGolden(t *testing.T) {
	goldens := readGolden(t)
	setGoldenEnv(t)
	t.Chdir("testdata")
	before := fixtures(t)
	t.Cleanup(func() {
		after := fixtures(t)
		if diff := cmp.Diff(before, after); diff != "" {
			t.Errorf("read-only commands changed the fixtures (-before +after):\n%s", diff)
		}
	})
	for _, g := range goldens {
		t.Run(g.name, func(t *testing.T) {
			status, stdout, stderr := runTool(g.args...)
			wantOut, wantErr := g.expected()
			if strings.HasPrefix(g.name, "query-") || strings.HasPrefix(g.name, "rbac") {
				stdout, wantOut = maskNewUUIDs(stdout, g.args), maskNewUUIDs(wantOut, g.args)
			}
			wantStatus := g.status
			if d, ok := deviations[g.name]; ok {
				wantStatus = d.status
			}
			if status != wantStatus || stdout != wantOut || stderr != wantErr {
				t.Errorf("ovsdb-tool %s:\nstatus %d, want %d\nstdout diff (-want +got):\n%s\nstderr diff (-want +got):\n%s",
					strings.Join(g.args, " "), status, wantStatus, cmp.Diff(wantOut, stdout), cmp.Diff(wantErr, stderr))
			}
		})
	}
}

// maskNewUUIDs hides the UUIDs of rows a transaction inserted (and row
// versions), which differ on every run; UUIDs in the fixture files stay.
func maskNewUUIDs(s string, args []string) string {
	var known []byte
	for _, a := range args {
		if data, err := os.ReadFile(a); err == nil {
			known = append(known, data...)
		}
	}
	return uuidRE.ReplaceAllStringFunc(s, func(u string) string {
		if bytes.Contains(known, []byte(u)) {
			return u
		}
		return "<uuid>"
	})
}

// fixtures returns the fixture directory's files (lock files included,
// which read-only commands must not create) by name, with a digest each.
func fixtures(t *testing.T) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]string)
	for _, e := range entries {
		data, err := os.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	return out
}
