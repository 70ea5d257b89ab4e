package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServer starts an ovsdb-server (ours or the real one, by path) on a
// fresh database in e's directories, detached, with the default pidfile and
// control socket, and stops it when the test ends.
func (e *Env) startServer(server, tool string) {
	e.t.Helper()
	db := filepath.Join(e.DBDir, "conf.db")
	if r := e.run(tool, "create", db); r.Code != 0 {
		e.t.Fatalf("ovsdb-tool create: %s", r)
	}
	r := e.run(server, db, "--remote=punix:"+filepath.Join(e.RunDir, "db.sock"),
		"--detach", "--pidfile", "--log-file", "-vconsole:off")
	if r.Code != 0 {
		e.t.Fatalf("ovsdb-server --detach: %s", r)
	}
	pidfile := filepath.Join(e.RunDir, "ovsdb-server.pid")
	e.t.Cleanup(func() { killPidfile(pidfile) })
}

func killPidfile(pidfile string) {
	data, err := os.ReadFile(pidfile)
	if err != nil {
		return
	}
	var pid int
	for _, c := range strings.TrimSpace(string(data)) {
		pid = pid*10 + int(c-'0')
	}
	if p, err := os.FindProcess(pid); err == nil && pid > 0 {
		p.Signal(os.Interrupt)
		for i := 0; i < 50; i++ {
			if _, err := os.Stat(pidfile); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		p.Kill()
	}
}

var logLineRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|\d{5}\|[a-z0-9_]+\|(EMER|ERR|WARN|INFO|DBG)\|`)

// The real ovs-appctl drives our daemon, found by program name through its
// pidfile as OVS does.
func TestRealAppctlAgainstOurDaemon(t *testing.T) {
	appctl := oracle(t, "ovs-appctl")
	e := newEnv(t)
	e.startServer(ours("ovsdb-server"), ours("ovsdb-tool"))

	r := e.run(appctl, "-t", "ovsdb-server", "list-commands")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "The available commands are:\n") {
		t.Fatalf("list-commands: %s", r)
	}
	for _, cmd := range []string{"exit", "vlog/list", "vlog/set", "vlog/reopen", "memory/show", "coverage/show", "ovsdb-server/compact", "ovsdb-server/list-dbs"} {
		if !strings.Contains(r.Stdout, "  "+cmd) {
			t.Errorf("list-commands lacks %s", cmd)
		}
	}
	if r := e.run(appctl, "-t", "ovsdb-server", "version"); r.Code != 0 || r.Stdout != "ovsdb-server (GoVS) 0.1.0\n" {
		t.Errorf("version: %s", r)
	}
	r = e.run(appctl, "-t", "ovsdb-server", "vlog/list")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "                 console    syslog    file\n                 -------    ------    ------\n") {
		t.Errorf("vlog/list: %s", r)
	}

	// vlog/set changes what is written to the log file.
	logFile := filepath.Join(e.LogDir, "ovsdb-server.log")
	if r := e.run(appctl, "-t", "ovsdb-server", "vlog/set", "file:dbg"); r.Code != 0 {
		t.Fatalf("vlog/set: %s", r)
	}
	e.run(ours("ovsdb-client"), "list-dbs", "unix:"+filepath.Join(e.RunDir, "db.sock"))
	if r := e.run(appctl, "-t", "ovsdb-server", "vlog/set", "file:info"); r.Code != 0 {
		t.Fatalf("vlog/set: %s", r)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "|DBG|") {
		t.Errorf("no DBG lines after vlog/set file:dbg:\n%s", data)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !logLineRE.MatchString(line) {
			t.Errorf("log line not in OVS's format: %q", line)
		}
	}
	before := strings.Count(string(data), "|DBG|")
	e.run(ours("ovsdb-client"), "list-dbs", "unix:"+filepath.Join(e.RunDir, "db.sock"))
	data, _ = os.ReadFile(logFile)
	if after := strings.Count(string(data), "|DBG|"); after != before {
		t.Errorf("DBG lines still written after vlog/set file:info (%d -> %d)", before, after)
	}

	// A bad command is an error on stderr with OVS's exit status.
	r = e.run(appctl, "-t", "ovsdb-server", "no/such-command")
	if r.Code != 2 || !strings.Contains(r.Stderr, `"no/such-command" is not a valid command`) {
		t.Errorf("bad command: %s", r)
	}

	pidfile := filepath.Join(e.RunDir, "ovsdb-server.pid")
	if r := e.run(appctl, "-t", "ovsdb-server", "exit"); r.Code != 0 {
		t.Fatalf("exit: %s", r)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(pidfile); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("pidfile still there after exit")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Our ovs-appctl drives the real ovsdb-server and prints what the real
// ovs-appctl prints.
func TestOurAppctlAgainstRealDaemon(t *testing.T) {
	appctl := oracle(t, "ovs-appctl")
	e := newEnv(t)
	e.startServer(oracle(t, "ovsdb-server"), oracle(t, "ovsdb-tool"))
	for _, args := range [][]string{
		{"-t", "ovsdb-server", "list-commands"},
		{"-t", "ovsdb-server", "version"},
		{"-t", "ovsdb-server", "vlog/list"},
		{"-t", "ovsdb-server", "vlog/set", "ANY:file:warn"},
		{"-t", "ovsdb-server", "vlog/set", "bogus"},
		{"-t", "ovsdb-server", "ovsdb-server/list-dbs"},
		{"-t", "ovsdb-server", "no/such-command"},
		{"-t", "no-such-daemon", "version"},
	} {
		want := normalizeTimes(e.run(appctl, args...))
		got := normalizeTimes(e.run(ours("ovs-appctl"), args...))
		if got != want {
			t.Errorf("ovs-appctl %v:\nreal: %s\nours: %s", args, want, got)
		}
	}
}

var logTimeRE = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z\|`)

// normalizeTimes blanks the timestamps of log lines, which differ between
// two runs of the same command.
func normalizeTimes(r Result) Result {
	r.Stdout = logTimeRE.ReplaceAllString(r.Stdout, "TIME|")
	r.Stderr = logTimeRE.ReplaceAllString(r.Stderr, "TIME|")
	return r
}
