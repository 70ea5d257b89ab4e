package vsctl

import (
	"fmt"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Two processes adding ports to one bridge at once: one of them commits
// against a stale replica, gets "try again" from its Verify of the
// bridge's ports, recomputes and lands too.
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
				if r := runVsctl(t, s, true, "--no-wait", "add-port", "br0", fmt.Sprintf("p%d-%d", p, i)); r.status != 0 {
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
