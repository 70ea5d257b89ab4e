package shell

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/commands/appctl"
	"github.com/govs/ovs/commands/vsctl"
	"github.com/govs/ovs/db/ovsdb"
)

// helperEnv makes the test binary act as the ovs binary: "shell ARGS" runs
// Main, "ovs-TOOL ARGS" runs a tool. The shell re-executes it for tools
// and the terminal test runs the shell in it.
const helperEnv = "GOVS_SHELL_TEST_BINARY"

var helperTools = []Tool{
	{Name: "ovs-appctl", Main: appctl.Main},
	{Name: "ovs-vsctl", Main: vsctl.Main},
	{Name: "ovs-testecho", Main: testEcho},
}

// testEcho prints its arguments on stdout, "to stderr" on stderr, and
// exits with status 3.
func testEcho(args []string) int {
	fmt.Println(strings.Join(args[1:], "|"))
	fmt.Fprintln(os.Stderr, "to stderr")
	return 3
}

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) == "1" && len(os.Args) > 1 {
		if os.Args[1] == "shell" {
			os.Exit(Main(os.Args[1:], helperTools))
		}
		for _, t := range helperTools {
			if t.Name == os.Args[1] {
				os.Exit(t.Main(os.Args[1:]))
			}
		}
		fmt.Fprintf(os.Stderr, "test helper: unknown tool %q\n", os.Args[1])
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// needOVS returns the path of a real OVS program, skipping the test when it
// is not installed (failing instead under CI, which installs it).
func needOVS(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed: %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// startServer runs Debian's ovsdb-server on a fresh Open_vSwitch database
// in a temporary directory and returns its remote.
func startServer(t *testing.T) string {
	t.Helper()
	server := needOVS(t, "ovsdb-server")
	tool := needOVS(t, "ovsdb-tool")
	dir := t.TempDir()
	schema := filepath.Join(dir, "vswitch.ovsschema")
	if err := os.WriteFile(schema, ovsdb.VswitchSchemaText(), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "conf.db")
	if out, err := exec.Command(tool, "create", db, schema).CombinedOutput(); err != nil {
		t.Fatalf("ovsdb-tool create: %v\n%s", err, out)
	}
	sock := filepath.Join(dir, "db.sock")
	var logs bytes.Buffer
	cmd := exec.Command(server, "--remote=punix:"+sock,
		"--unixctl="+filepath.Join(dir, "ovsdb-server.ctl"),
		"--pidfile="+filepath.Join(dir, "ovsdb-server.pid"),
		"--no-chdir", "-vconsole:off", db)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case <-exited:
			t.Fatalf("ovsdb-server exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("ovsdb-server did not create %s", sock)
		}
	}
	// The rundir matters to ovs-vsctl only for finding ovs-vswitchd's
	// pidfile; keep it private.
	t.Setenv("OVS_RUNDIR", dir)
	return "unix:" + sock
}

func TestScript(t *testing.T) {
	db := startServer(t)
	script := `vsctl --no-wait add-br br0
vsctl frobnicate
vsctl list-br
ovs-vsctl --no-wait set bridge br0 external_ids:x="a b"
vsctl get bridge br0 external_ids:x
vsctl --no-wait add-br br1 -- set bridge br1 other_config:y='1 2' -- add-port br1 p1
vsctl list-ports br1
vsctl get bridge br1 other_config:y
nosuchtool foo
vsctl --oneline \
  list-br
vsctl br-exists br0
vsctl get bridge br0 'unterminated
`
	var out, errOut bytes.Buffer
	status := Run(strings.NewReader(script), &out, &errOut, nil, Options{DB: db})
	if status != 2 {
		t.Errorf("status %d, want 2 (that of the last command, a syntax error)", status)
	}
	wantOut := "br0\n\"a b\"\np1\n\"1 2\"\nbr0\\nbr1\n"
	if out.String() != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), wantOut)
	}
	wantErr := "ovs-vsctl: unknown command 'frobnicate'; use --help for help\n" +
		"ovs: unknown command \"nosuchtool\" (type \"help\" for the list)\n" +
		"ovs: syntax error: unterminated quote or trailing backslash\n"
	if errOut.String() != wantErr {
		t.Errorf("stderr:\n%s\nwant:\n%s", errOut.String(), wantErr)
	}
}

func TestScriptExit(t *testing.T) {
	var out, errOut bytes.Buffer
	status := Run(strings.NewReader("help\nexit 3\nhelp\n"), &out, &errOut, nil, Options{})
	if status != 3 {
		t.Errorf("status %d, want 3", status)
	}
	if n := strings.Count(out.String(), "Shell commands:"); n != 1 {
		t.Errorf("help ran %d times, want once (exit stops the script):\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "  vsctl ARGS...") {
		t.Errorf("help does not list vsctl:\n%s", out.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr: %s", errOut.String())
	}
}

// TestScriptTool checks that a tool whose output is not the terminal runs
// as a child process with its output, errors and status passed on.
func TestScriptTool(t *testing.T) {
	t.Setenv(helperEnv, "1")
	var out, errOut bytes.Buffer
	tools := []Tool{{Name: "ovs-testecho", Main: func([]string) int {
		t.Error("ran in-process although the output is not a terminal")
		return 0
	}}}
	status := Run(strings.NewReader("testecho a 'b c'\n"), &out, &errOut, tools, Options{Executable: os.Args[0]})
	if status != 3 || out.String() != "a|b c\n" || errOut.String() != "to stderr\n" {
		t.Errorf("status %d, stdout %q, stderr %q", status, out.String(), errOut.String())
	}
}

// TestScriptNoDatabase checks that vsctl lines still run the one-shot tool
// when no session can be opened: --version needs no database, and a
// database that is not there gets ovs-vsctl's own error.
func TestScriptNoDatabase(t *testing.T) {
	t.Setenv(helperEnv, "1")
	db := "unix:" + filepath.Join(t.TempDir(), "nothing.sock")
	var out, errOut bytes.Buffer
	status := Run(strings.NewReader("vsctl --version\nvsctl list-br\n"), &out, &errOut, nil,
		Options{DB: db, Executable: os.Args[0]})
	if status != 1 {
		t.Errorf("status %d, want 1", status)
	}
	if !strings.HasPrefix(out.String(), "ovs-vsctl (") {
		t.Errorf("stdout %q, want the version", out.String())
	}
	if !strings.Contains(errOut.String(), "ovs-vsctl: "+db+": database connection failed") {
		t.Errorf("stderr %q, want the connection error", errOut.String())
	}
}
