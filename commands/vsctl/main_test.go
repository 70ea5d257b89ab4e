package vsctl

import (
	"os"
	"testing"
)

// TestMain lets the test binary act as ovs-vsctl when GOVS_VSCTL_MAIN is
// set, so that tests (and the differential test) can run it as a program.
func TestMain(m *testing.M) {
	if os.Getenv("GOVS_VSCTL_MAIN") == "1" {
		os.Exit(Main(append([]string{program}, os.Args[1:]...)))
	}
	os.Exit(m.Run())
}
