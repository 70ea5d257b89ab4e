package vsctl

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSession runs several command lines over one connection, as the
// interactive shell does, including errors and an expiring --timeout,
// and checks the session keeps working after each.
func TestSession(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	srv := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := OpenSession(ctx, "unix:"+srv.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	run := func(want int, args ...string) (string, string) {
		t.Helper()
		var out, errb bytes.Buffer
		if got := s.Run(args, &out, &errb); got != want {
			t.Fatalf("%q: status %d, want %d; stderr %q", args, got, want, errb.String())
		}
		return out.String(), errb.String()
	}
	run(0, "--no-wait", "add-br", "br0")
	run(0, "--no-wait", "add-port", "br0", "p1", "--", "add-port", "br0", "p2")
	if out, _ := run(0, "list-ports", "br0"); out != "p1\np2\n" {
		t.Errorf("list-ports: %q", out)
	}
	if _, e := run(1, "--no-wait", "add-port", "br0", "p1"); e != "ovs-vsctl: cannot create a port named p1 because a port named p1 already exists on bridge br0\n" {
		t.Errorf("duplicate add-port: %q", e)
	}
	run(0, "--no-wait", "--may-exist", "add-port", "br0", "p1")
	if out, _ := run(0, "--format=csv", "--columns=name", "list", "Bridge"); out != "name\nbr0\n" {
		t.Errorf("list Bridge: %q", out)
	}
	if _, e := run(1, "frobnicate"); e != "ovs-vsctl: unknown command 'frobnicate'; use --help for help\n" {
		t.Errorf("unknown command: %q", e)
	}
	start := time.Now()
	if _, e := run(142, "-t", "1", "wait-until", "Bridge", "br9"); !strings.Contains(e, "|fatal_signal|WARN|terminating with signal 14 (Alarm clock)\n") {
		t.Errorf("timeout: %q", e)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("timeout took %v", d)
	}
	run(0, "--no-wait", "add-port", "br0", "p3")
	if got := s.BridgeNames(); !slices.Equal(got, []string{"br0"}) {
		t.Errorf("BridgeNames: %q", got)
	}
	if got := s.PortNames(); !slices.Equal(got, []string{"br0", "p1", "p2", "p3"}) {
		t.Errorf("PortNames: %q", got)
	}
	if got := s.InterfaceNames(); !slices.Equal(got, []string{"br0", "p1", "p2", "p3"}) {
		t.Errorf("InterfaceNames: %q", got)
	}
	// Another command line's --db gets a connection of its own.
	if _, e := run(1, "--db=unix:"+srv.dir+"/nonexistent", "list-br"); !strings.Contains(e, "database connection failed") {
		t.Errorf("other --db: %q", e)
	}
	if out, _ := run(0, "list-br"); out != "br0\n" {
		t.Errorf("list-br: %q", out)
	}
}

func TestSessionOpenFails(t *testing.T) {
	_, err := OpenSession(context.Background(), "unix:"+t.TempDir()+"/none")
	if err == nil || !strings.HasSuffix(err.Error(), "/none: database connection failed (No such file or directory)") {
		t.Fatalf("got %v", err)
	}
}

func TestStaticNames(t *testing.T) {
	for _, want := range []string{"add-br", "add-port", "list", "wait-until"} {
		if !slices.Contains(CommandNames(), want) {
			t.Errorf("CommandNames lacks %s", want)
		}
	}
	for _, want := range []string{"--db=", "--no-wait", "--timeout=", "--oneline"} {
		if !slices.Contains(GlobalOptionNames(), want) {
			t.Errorf("GlobalOptionNames lacks %s: %q", want, GlobalOptionNames())
		}
	}
	if slices.Contains(GlobalOptionNames(), "--may-exist") {
		t.Error("GlobalOptionNames has a command option")
	}
	if !slices.Contains(TableNames(), "Bridge") {
		t.Error("TableNames lacks Bridge")
	}
	if c := ColumnNames("bridge"); !slices.Contains(c, "ports") || slices.Contains(c, "_uuid") {
		t.Errorf("ColumnNames(bridge): %q", c)
	}
	if ColumnNames("nope") != nil {
		t.Error("ColumnNames of unknown table")
	}
}

// TestSessionReconnects: a session whose server went away reports the
// lost connection for the command that finds it gone and reconnects for
// the next one.
func TestSessionReconnects(t *testing.T) {
	needOVS(t, "ovsdb-server", "ovsdb-tool")
	srv := startServer(t)
	s, err := OpenSession(context.Background(), "unix:"+srv.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	if st := s.Run([]string{"--no-wait", "add-br", "br0"}, &out, &errb); st != 0 {
		t.Fatalf("add-br: %d %s", st, errb.String())
	}
	srv.cmd.Process.Kill()
	srv.cmd.Wait()
	os.Remove(srv.sock)
	srv.cmd = exec.Command(srv.cmd.Path, srv.cmd.Args[1:]...)
	if err := srv.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(srv.sock); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The socket file exists a moment before the server listens on it,
	// so a refused connection may still be the restart in progress.
	ok := false
	for i := 0; i < 50 && !ok; i++ {
		out.Reset()
		errb.Reset()
		ok = s.Run([]string{"list-br"}, &out, &errb) == 0
		if !ok {
			time.Sleep(50 * time.Millisecond)
		}
	}
	if !ok || out.String() != "br0\n" {
		t.Fatalf("after restart: %q %q", out.String(), errb.String())
	}
}
