package ovsdbserver

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain lets the test binary be the daemon: the end-to-end tests run it
// through a symlink named ovsdb-server (which is also what --detach and
// --monitor re-execute), so no separate build is needed.
func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == program {
		os.Exit(Main(os.Args))
	}
	os.Exit(m.Run())
}
