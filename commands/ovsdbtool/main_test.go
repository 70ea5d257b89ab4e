package ovsdbtool

import (
	"os"
	"testing"
)

// TestMain lets the test binary act as ovsdb-tool when re-executed with
// OVSDBTOOL_AS_TOOL=1, so that tests can run it as a separate process
// beside the real one and compare the two.
func TestMain(m *testing.M) {
	if os.Getenv("OVSDBTOOL_AS_TOOL") == "1" {
		os.Exit(Main(append([]string{program}, os.Args[1:]...)))
	}
	os.Exit(m.Run())
}
