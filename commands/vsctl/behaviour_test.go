package vsctl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/govs/ovs/db/idl"
)

// Two processes adding ports to one bridge at once. One adds plain ports,
// which a direct run commits in one blind transaction; the other asks for
// --may-exist, which takes the ordinary way: it may commit against a
// replica made stale by the first, get "try again", recompute and land
// too.
func TestConcurrentAddPort(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	s := startServer(t)
	if r := runVsctl(t, s, true, "--no-wait", "add-br", "br0"); r.status != 0 {
		t.Fatalf("add-br: %+v", r)
	}
	const perProc = 10
	var wg sync.WaitGroup
	for p := 0; p < 2; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perProc; i++ {
				args := []string{"--no-wait", "add-port", "br0", fmt.Sprintf("p%d-%d", p, i)}
				if p == 1 {
					args = append([]string{"--no-wait", "--may-exist"}, args[1:]...)
				}
				if r := runVsctl(t, s, true, args...); r.status != 0 {
					t.Errorf("add-port: %+v", r)
				}
			}
		}()
	}
	wg.Wait()
	r := runVsctl(t, s, true, "--no-wait", "list-ports", "br0")
	got := strings.Fields(r.stdout)
	if len(got) != 2*perProc {
		t.Fatalf("list-ports: got %d ports %v, want %d", len(got), got, 2*perProc)
	}
	if !sort.StringsAreSorted(got) {
		t.Errorf("list-ports output not sorted: %v", got)
	}
}

// A targeted add-port whose replica is stale: another client adds a port
// of the same name, on another bridge, between our load and our commit.
// The targeted run does not verify the bridges' ports, so it is the "wait"
// on which ports bear the name that must make the commit fail with "try
// again"; the second attempt then sees the conflict.
func TestTargetedStaleReplica(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	s := startServer(t)
	if r := runVsctl(t, s, true, "--no-wait", "add-br", "br0", "--", "add-br", "br1"); r.status != 0 {
		t.Fatalf("add-br: %+v", r)
	}
	st := &settings{db: "unix:" + s.sock, ctx: context.Background(), stderr: io.Discard,
		commands: parseCommands([]string{"add-port", "br0", "q1"}, newOptionSet())}
	st.cmdLine = "add-port br0 q1"
	schema := vswitchSchema()
	db := idl.New(st.db, schema, idl.Options{AssumeSchema: true})
	defer db.Close()
	r := &runner{s: st, idl: db, schema: schema, target: targetFor(st.commands)}
	if r.target == nil {
		t.Fatal("add-port not targeted")
	}
	r.prepare()
	r.finishRegistration()
	r.setTargetConditions()
	db.Start()
	if err := db.WaitConnected(st.ctx); err != nil {
		t.Fatal(err)
	}
	if !r.targetComplete() {
		t.Fatal("targeted replica incomplete")
	}
	// Nothing runs the IDL until the attempt commits, so the replica
	// stays as it was before this.
	if r := runVsctl(t, s, true, "--no-wait", "add-port", "br1", "q1"); r.status != 0 {
		t.Fatalf("add-port br1 q1: %+v", r)
	}
	var out bytes.Buffer
	if r.attempt(st.ctx, &out) {
		t.Fatal("stale attempt committed")
	}
	if err := db.WaitUntil(st.ctx, func() bool { return rowNamed(db, "Port", "q1") }); err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			fe, ok := recover().(*fatalError)
			if !ok || fe.msg != "cannot create a port named q1 because a port named q1 already exists on bridge br1" {
				t.Errorf("second attempt: %+v", fe)
			}
		}()
		r.attempt(st.ctx, &out)
	}()
	if r := runVsctl(t, s, true, "--no-wait", "list-ports", "br0"); r.stdout != "" {
		t.Errorf("br0 ports: %q", r.stdout)
	}
}

func rowNamed(db *idl.IDL, table, name string) bool {
	for row := range db.Table(table).Rows() {
		if row.Str(db.Column(table, "name")) == name {
			return true
		}
	}
	return false
}

func TestTargetFor(t *testing.T) {
	parse := func(line string) []*invocation { return parseCommands(strings.Fields(line), newOptionSet()) }
	for _, tc := range []struct {
		line string
		want []string // nil: a full replica
	}{
		{"add-port br0 p1", []string{"br0", "p1"}},
		{"add-port br0 p1 tag=5 -- --may-exist add-br br1", []string{"br0", "p1", "br1"}},
		{"add-br fb br0 10 -- add-port fb p1", []string{"fb", "br0", "p1"}},
		{"add-bond br0 b0 a b lacp=active -- add-port br0 a", []string{"br0", "b0", "a", "b"}},
		{"add-port br0 p1 -- list-br", nil},
		{"del-port p1", nil},
		{"show", nil},
	} {
		tg := targetFor(parse(tc.line))
		switch {
		case tc.want == nil && tg != nil:
			t.Errorf("%s: targeted %v, want a full replica", tc.line, tg.list)
		case tc.want != nil && (tg == nil || !slices.Equal(tg.list, tc.want)):
			t.Errorf("%s: target %v, want %v", tc.line, tg, tc.want)
		}
	}
	var many []string
	for i := 0; i <= maxTargetNames; i++ {
		many = append(many, fmt.Sprintf("add-port br0 p%d", i))
	}
	if tg := targetFor(parse(strings.Join(many, " -- "))); tg != nil {
		t.Errorf("%d names targeted", len(tg.list))
	}
}

// Without --no-wait and without ovs-vswitchd, we say so once, early, and
// keep waiting; --timeout then ends the run with SIGALRM as in OVS.
func TestWaitWithoutVswitchd(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	s := startServer(t)
	if r := runVsctl(t, s, true, "--no-wait", "init"); r.status != 0 {
		t.Fatalf("init: %+v", r)
	}
	r := runVsctl(t, s, true, "-t", "3", "add-br", "br0")
	if r.status != -1 {
		t.Errorf("status %d, want death by signal", r.status)
	}
	if n := strings.Count(r.stderr, "ovs-vswitchd is not running"); n != 1 {
		t.Errorf("note printed %d times; stderr:\n%s", n, r.stderr)
	}
	if !strings.Contains(r.stderr, "--no-wait") || !strings.Contains(r.stderr, "terminating with signal 14 (Alarm clock)") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	// The change itself was committed before the wait.
	if r := runVsctl(t, s, true, "--no-wait", "br-exists", "br0"); r.status != 0 {
		t.Errorf("br-exists after timed-out wait: %+v", r)
	}
}

func TestParseCommandsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing command name (use --help for help)"},
		{[]string{"--"}, "missing command name (use --help for help)"},
		{[]string{"nope"}, "unknown command 'nope'; use --help for help"},
		{[]string{"--x", "list-br"}, "'list-br' command has no '--x' option"},
		{[]string{"--id", "get", "b", "r"}, "missing argument to '--id' option on 'get' command"},
		{[]string{"add-br"}, "'add-br' command requires at least 1 arguments"},
		{[]string{"list-br", "-x"}, "'list-br' command takes at most 0 arguments (note that options must precede command names and follow a \"--\" argument)"},
	} {
		got := fatalText(func() { parseCommands(tc.args, newOptionSet()) })
		if got != tc.want {
			t.Errorf("parseCommands(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
	cmds := parseCommands([]string{"--may-exist", "add-br", "a", "--", "list-br"}, newOptionSet())
	if len(cmds) != 2 || !cmds[0].has("--may-exist") || cmds[1].cmd.name != "list-br" {
		t.Errorf("bad parse: %+v", cmds)
	}
}

func fatalText(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = r.(*fatalError).msg
		}
	}()
	f()
	return ""
}

func TestMatchScore(t *testing.T) {
	r := &runner{schema: vswitchSchema()}
	for in, want := range map[string]string{"b": "Bridge", "br": "Bridge", "open": "Open_vSwitch", "open-vswitch": "Open_vSwitch", "SFLOW": "sFlow", "in": "Interface"} {
		if got := r.getTable(in).Name; got != want {
			t.Errorf("getTable(%q) = %s, want %s", in, got, want)
		}
	}
	if got := fatalText(func() { r.getTable("f") }); got != `multiple table names match "f"` {
		t.Errorf("getTable(f): %q", got)
	}
}

func FuzzColumnKeyValue(f *testing.F) {
	for _, s := range []string{"name=br0", "other_config:a=b", `external_ids:"x y"="z"`, "tag>=5", "a{in}[1,2]", `\"=\\`, ":=", ""} {
		f.Add(s)
	}
	r := &runner{schema: vswitchSchema()}
	ts := r.schema.Tables["Bridge"]
	f.Fuzz(func(t *testing.T, s string) {
		for _, ops := range [][]string{nil, setOperators, findOperators} {
			func() {
				defer func() {
					if e := recover(); e != nil {
						if _, ok := e.(*fatalError); !ok {
							panic(e)
						}
					}
				}()
				r.parseColumnKeyValue(s, ts, ops)
			}()
		}
	})
}

var _ = exec.LookPath

// A direct run commits plain add-port lists, short (a "wait" per name) and
// long (the bridges selected first), and gives up, having written nothing,
// whenever the ordinary run would fail or do something else.
func TestDirectAddPorts(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	s := startServer(t)
	if r := runVsctl(t, s, true, "--no-wait", "add-br", "br0", "--", "add-br", "br1", "--", "add-br", "fb", "br0", "10"); r.status != 0 {
		t.Fatalf("add-br: %+v", r)
	}
	direct := func(line string) bool {
		st := &settings{db: "unix:" + s.sock, ctx: context.Background(), stderr: io.Discard,
			commands: parseCommands(strings.Fields(line), newOptionSet()), cmdLine: line}
		return directAddPorts(st)
	}
	long := func(extra string) string {
		var b strings.Builder
		for i := range maxDirectPorts + 5 {
			fmt.Fprintf(&b, "add-port br1 l%s%d -- ", extra, i)
		}
		return b.String()
	}
	ports := func() string {
		return runVsctl(t, s, true, "--no-wait", "list-ports", "br0").stdout +
			runVsctl(t, s, true, "--no-wait", "list-ports", "br1").stdout +
			runVsctl(t, s, true, "--no-wait", "list-ports", "fb").stdout
	}
	for _, c := range []struct {
		line string
		want bool
	}{
		{"add-port br0 p1", true},
		{"add-port br0 p2 -- add-port br1 p3", true},
		{long("a") + "add-port br0 p4", true},
		{"add-port br0 p1", false},                    // port exists
		{"add-port br1 p5 -- add-port br0 p5", false}, // twice in the list
		{"add-port br0 br1", false},                   // a bridge's name
		{"add-port br0 fb", false},                    // a fake bridge's name
		{"add-port fb p6", false},                     // a fake bridge gets a tagged port
		{"add-port nobr p7", false},                   // no such bridge
		{long("b") + "add-port br0 br1", false},
		{long("c") + "add-port br0 p1", false},
		{long("d") + "add-port fb p8", false},
		{"add-port br0 p9 -- list-br", false}, // not only add-port
		{"add-port br0 p10 tag=5", false},     // settings
	} {
		before := ports()
		if got := direct(c.line); got != c.want {
			t.Errorf("%.60s: direct %v, want %v", c.line, got, c.want)
		}
		if after := ports(); !c.want && after != before {
			t.Errorf("%.60s: failed direct run changed the ports:\n%s\nto\n%s", c.line, before, after)
		} else if c.want && after == before {
			t.Errorf("%.60s: direct run added nothing", c.line)
		}
	}
	if r := runVsctl(t, s, false, "--no-wait", "list-ports", "br1"); !strings.Contains(r.stdout, "la"+fmt.Sprint(maxDirectPorts+4)+"\n") {
		t.Errorf("long list's ports missing from br1: %q", r.stdout)
	}
}
