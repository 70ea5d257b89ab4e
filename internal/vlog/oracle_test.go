package vlog

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// realOVS starts Debian's ovsdb-server 3.1 on a throwaway database and
// returns a function running the real ovs-appctl against it. It skips the
// test if the binaries are missing, unless CI=true.
func realOVS(t *testing.T) func(args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	var bins []string
	for _, b := range []string{"ovsdb-server", "ovsdb-tool", "ovs-appctl"} {
		p, err := exec.LookPath(b)
		if err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", b)
			}
			t.Skipf("%s not installed", b)
		}
		bins = append(bins, p)
	}
	dir := t.TempDir()
	schema := filepath.Join(dir, "s.ovsschema")
	os.WriteFile(schema, []byte(`{"name":"T","version":"1.0.0","tables":{"t":{"columns":{"c":{"type":"integer"}}}}}`), 0o644)
	db := filepath.Join(dir, "t.db")
	if out, err := exec.Command(bins[1], "create", db, schema).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool create: %v\n%s", err, out)
	}
	ctl := filepath.Join(dir, "ctl")
	srv := exec.Command(bins[0], db, "--unixctl="+ctl, "--no-chdir", "-vconsole:off",
		"--remote=punix:"+filepath.Join(dir, "db.sock"), "--pidfile="+filepath.Join(dir, "pid"))
	srv.Env = append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_LOGDIR="+dir, "OVS_DBDIR="+dir)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Process.Kill()
		srv.Wait()
	})
	for i := 0; ; i++ {
		if _, err := os.Stat(ctl); err == nil {
			break
		}
		if i > 500 {
			t.Fatal("ovsdb-server did not create its control socket")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return func(args ...string) (string, string, bool) {
		cmd := exec.Command(bins[2], append([]string{"-t", ctl}, args...)...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		return o.String(), e.String(), err == nil
	}
}

// TestAgainstRealOVS runs the same vlog/set specs through the real daemon
// and through Set, and compares outcomes, error texts and resulting patterns.
func TestAgainstRealOVS(t *testing.T) {
	appctl := realOVS(t)
	setup(t)
	for _, m := range []string{"reconnect", "jsonrpc", "stream", "unixctl"} {
		NewModule(m)
	}
	for _, spec := range []string{
		"foo", "ANY:nope", "console:warning", "console:debug", "console:DBG", "console:file",
		"info:dbg", "reconnect:jsonrpc", "PATTERN", "PATTERN:", "PATTERN:bogus:%m",
		"FACILITY", "FACILITY:", "FACILITY:bogus", "FACILITY:local1:x", "FACILITY::local2",
		"FACILITY:LOCAL7", "any", "ANY:ANY:ANY", "console,info", "console info", "reconnect",
		"::", "", "off", "console:off:info", "console:PATTERN:x", "Reconnect:FILE:Warn",
		"PATTERN:console:a:b:c", "PATTERN : console : x", "PATTERN,,file,%m|%c",
		"PATTERN:any:%p", "pattern:SYSLOG:%m",
	} {
		_, stderr, ok := appctl("vlog/set", spec)
		err := Set(spec)
		if ok != (err == nil) {
			t.Errorf("vlog/set %q: real ok=%v, ours err=%v", spec, ok, err)
			continue
		}
		if err != nil {
			realMsg, _, _ := strings.Cut(stderr, "\n")
			if realMsg != err.Error() {
				t.Errorf("vlog/set %q: real %q, ours %q", spec, realMsg, err.Error())
			}
		}
		if strings.HasPrefix(strings.ToUpper(spec), "PATTERN") {
			out, _, _ := appctl("vlog/list-pattern")
			if got := ListPattern(); got != out {
				t.Errorf("after %q: list-pattern real\n%s\nours\n%s", spec, out, got)
			}
		}
	}
	// Levels of shared modules, row by row.
	appctl("vlog/set", "info")
	mustSet(t, "info")
	for _, spec := range []string{"console:off", "reconnect:file:warn", "jsonrpc:syslog:off", "stream:err", "unixctl:console:emer"} {
		appctl("vlog/set", spec)
		mustSet(t, spec)
	}
	realList, _, _ := appctl("vlog/list")
	ours := List()
	ourRows := map[string]string{}
	for _, l := range strings.Split(ours, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			ourRows[f[0]] = l
		}
	}
	for i, l := range strings.Split(strings.TrimSuffix(realList, "\n"), "\n") {
		f := strings.Fields(l)
		if i < 2 {
			if want := strings.Split(ours, "\n")[i]; l != want {
				t.Errorf("header line %d: real %q, ours %q", i+1, l, want)
			}
			continue
		}
		if o, ok := ourRows[f[0]]; ok && o != l {
			t.Errorf("vlog/list row: real %q, ours %q", l, o)
		}
	}
}
