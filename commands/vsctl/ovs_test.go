package vsctl

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The differential test runs each scenario twice, each time against a
// fresh real ovsdb-server: once with OVS's ovs-vsctl, once with ours, and
// compares stdout, stderr and exit status of every step after normalising
// what legitimately differs (UUIDs, log timestamps).

func needOVS(t *testing.T, bins ...string) {
	t.Helper()
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", b)
			}
			t.Skipf("%s not installed", b)
		}
	}
}

// server is a real ovsdb-server on a private socket.
type server struct {
	dir, sock string
	cmd       *exec.Cmd
}

func schemaFile(t *testing.T, dir string) string {
	p := filepath.Join(dir, "vswitch.ovsschema")
	if err := os.WriteFile(p, vswitchSchemaTextForTest(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func startServer(t *testing.T) *server {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "conf.db")
	out, err := exec.Command("ovsdb-tool", "create", db, schemaFile(t, dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("ovsdb-tool create: %v: %s", err, out)
	}
	s := &server{dir: dir, sock: filepath.Join(dir, "db.sock")}
	s.cmd = exec.Command("ovsdb-server", db, "--remote=punix:"+s.sock,
		"--unixctl="+filepath.Join(dir, "ctl"), "--no-chdir", "-vconsole:off", "-vfile:off")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	})
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(s.sock); err == nil {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("ovsdb-server did not start")
	return nil
}

type result struct {
	stdout, stderr string
	status         int
}

// runVsctl runs ovs-vsctl (real if ours is false) with args.
func runVsctl(t *testing.T, s *server, ours bool, args ...string) result {
	t.Helper()
	var cmd *exec.Cmd
	full := append([]string{"--db=unix:" + s.sock}, args...)
	if ours {
		cmd = exec.Command(os.Args[0], full...)
		cmd.Env = append(os.Environ(), "GOVS_VSCTL_MAIN=1")
	} else {
		cmd = exec.Command("ovs-vsctl", full...)
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "OVS_RUNDIR="+s.dir, "OVS_LOGDIR="+s.dir, "OVS_DBDIR="+s.dir)
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	st := 0
	if ee, ok := err.(*exec.ExitError); ok {
		st = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{so.String(), se.String(), st}
}

var (
	uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	logRE  = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|\d{5}\|`)
)

// normalizer numbers UUIDs in order of appearance across a scenario.
type normalizer map[string]string

func (n normalizer) norm(s string) string {
	s = logRE.ReplaceAllString(s, "TIME|N|")
	return uuidRE.ReplaceAllStringFunc(s, func(u string) string {
		if v, ok := n[u]; ok {
			return v
		}
		v := fmt.Sprintf("<%d>", len(n))
		n[u] = v
		return v
	})
}

// step is one invocation. sorted compares output lines as a sorted list
// (row order follows UUIDs, which differ between runs); noUUID replaces
// every UUID by one placeholder (their numbering then depends on order).
type step struct {
	args   string
	sorted bool
}

func splitArgs(s string) []string {
	var args []string
	var cur strings.Builder
	in := false
	quote := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'':
			quote = c
			in = true
		case c == ' ':
			if in {
				args = append(args, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		args = append(args, cur.String())
	}
	return args
}

func sortLines(s string) string {
	lines := strings.Split(s, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func runScenario(t *testing.T, steps []step) {
	var res [2][]result
	var wg sync.WaitGroup
	for i, ours := range []bool{false, true} {
		wg.Add(1)
		s := startServer(t)
		go func() {
			defer wg.Done()
			for _, st := range steps {
				res[i] = append(res[i], runVsctl(t, s, ours, splitArgs(st.args)...))
			}
		}()
	}
	wg.Wait()
	nr, no := normalizer{}, normalizer{}
	for j, st := range steps {
		want, got := res[0][j], res[1][j]
		wo, ws := nr.norm(want.stdout), nr.norm(want.stderr)
		gotO, gotS := no.norm(got.stdout), no.norm(got.stderr)
		if st.sorted {
			wo, gotO = sortLines(uuidRE.ReplaceAllString(want.stdout, "U")), sortLines(uuidRE.ReplaceAllString(got.stdout, "U"))
		}
		if wo != gotO || ws != gotS || want.status != got.status {
			t.Errorf("step %d: ovs-vsctl %s\nOVS:  status %d\nstdout:\n%s\nstderr:\n%s\nours: status %d\nstdout:\n%s\nstderr:\n%s",
				j, st.args, want.status, wo, ws, got.status, gotO, gotS)
		}
	}
}
