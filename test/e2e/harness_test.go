// Package e2e runs the built binary the way users run it: through the tool
// symlinks, with daemons in private run directories, side by side with the
// real Open vSwitch 3.1 from Debian where a test compares the two.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/internal/testbin"
)

// binDir holds the freshly built ovs binary and a symlink per tool.
var binDir string

func TestMain(m *testing.M) {
	dir, err := testbin.Build("../..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Result is what one command did.
type Result struct {
	Stdout, Stderr string
	Code           int
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// Env is a private set of OVS directories for one test.
type Env struct {
	t                          *testing.T
	Dir, RunDir, DBDir, LogDir string
	extra                      []string
}

func newEnv(t *testing.T) *Env {
	t.Helper()
	dir := t.TempDir()
	e := &Env{t: t, Dir: dir, RunDir: filepath.Join(dir, "run"), DBDir: filepath.Join(dir, "db"), LogDir: filepath.Join(dir, "log")}
	for _, d := range []string{e.RunDir, e.DBDir, e.LogDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *Env) environ() []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "OVS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "OVS_RUNDIR="+e.RunDir, "OVS_DBDIR="+e.DBDir, "OVS_LOGDIR="+e.LogDir,
		"OVS_SYSCONFDIR="+e.Dir, "OVS_PKGDATADIR=/usr/share/openvswitch")
	return append(env, e.extra...)
}

// ours returns the path of one of our tools.
func ours(tool string) string { return filepath.Join(binDir, tool) }

// oracle returns the path of Debian's tool, skipping the test when it is not
// installed (failing it in CI, which installs it).
func oracle(t *testing.T, tool string) string {
	t.Helper()
	for _, dir := range []string{"/usr/bin", "/usr/sbin"} {
		p := filepath.Join(dir, tool)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed (make test installs it)", tool)
	}
	t.Skipf("%s is not installed", tool)
	return ""
}

// run runs a program with the test's environment and a timeout.
func (e *Env) run(path string, args ...string) Result {
	e.t.Helper()
	return e.runInput("", path, args...)
}

func (e *Env) runInput(stdin, path string, args ...string) Result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = e.environ()
	cmd.Dir = e.Dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			r.Code = ee.ExitCode()
		} else {
			e.t.Fatalf("%s %v: %v", path, args, err)
		}
	}
	if ctx.Err() != nil {
		e.t.Fatalf("%s %v: timed out\n%s", path, args, r)
	}
	return r
}

var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// normalizeUUIDs replaces each distinct UUID by <0>, <1>, ... in order of
// first appearance, so outputs of two runs compare equal.
func normalizeUUIDs(s string) string {
	seen := map[string]int{}
	return uuidRE.ReplaceAllStringFunc(s, func(u string) string {
		n, ok := seen[u]
		if !ok {
			n = len(seen)
			seen[u] = n
		}
		return fmt.Sprintf("<%d>", n)
	})
}
