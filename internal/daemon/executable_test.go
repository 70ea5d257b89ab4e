package daemon

import (
	"os"
	"testing"
)

// A program that starts the multi-call binary with a bare tool name as
// argv[0] (ovs-ctl starting "ovsdb-server") must get this binary
// re-executed, not whatever $PATH holds under that name.
func TestExecutableIgnoresOtherBinaries(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Args[0]
	t.Cleanup(func() { os.Args[0] = saved })
	for _, a0 := range []string{"sh", "/bin/sh", "no-such-program-here"} {
		os.Args[0] = a0
		if got := executable(); got != self {
			t.Errorf("argv[0] %q: executable() = %q, want %q", a0, got, self)
		}
	}
	os.Args[0] = self
	if got := executable(); got != self {
		t.Errorf("argv[0] %q: executable() = %q", self, got)
	}
}
