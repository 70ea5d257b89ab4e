package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestStaticBinary(t *testing.T) {
	if _, err := exec.LookPath("file"); err != nil {
		t.Skip("file(1) not installed")
	}
	out, err := exec.Command("file", "-L", ours("ovs")).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "statically linked") {
		t.Errorf("not static: %s", out)
	}
}

func TestRootDispatch(t *testing.T) {
	e := newEnv(t)
	r := e.run(ours("ovs"), "--version")
	if r.Code != 0 || !strings.HasPrefix(r.Stdout, "ovs (GoVS) ") {
		t.Errorf("ovs --version: %s", r)
	}
	r = e.run(ours("ovs"), "--help")
	if r.Code != 0 || !strings.Contains(r.Stdout, "Available Commands") {
		t.Errorf("ovs --help: %s", r)
	}
	r = e.run(ours("ovs"), "frobnicate")
	if r.Code != 1 || !strings.Contains(r.Stderr, `unknown tool "frobnicate"`) {
		t.Errorf("unknown tool: %s", r)
	}
	tools, _ := os.ReadDir(binDir)
	for _, f := range tools {
		name := f.Name()
		if name == "ovs" {
			continue
		}
		if !strings.Contains(e.run(ours("ovs"), "--help").Stdout, name) {
			t.Errorf("ovs --help does not list %s", name)
		}
		// Each tool answers --version in OVS's form, through its symlink
		// and through "ovs TOOL".
		for _, argv := range [][]string{{ours(name), "--version"}, {ours("ovs"), name, "--version"}} {
			r := e.run(argv[0], argv[1:]...)
			if r.Code != 0 || !strings.HasPrefix(r.Stdout, name+" (GoVS) ") {
				t.Errorf("%v: %s", argv, r)
			}
		}
		if short := strings.TrimPrefix(name, "ovs-"); short != name {
			r := e.run(ours("ovs"), short, "--version")
			if r.Code != 0 || !strings.HasPrefix(r.Stdout, name+" (GoVS) ") {
				t.Errorf("ovs %s --version: %s", short, r)
			}
		}
	}
}
