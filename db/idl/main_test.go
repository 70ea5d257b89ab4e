package idl

import (
	"flag"
	"os"
	"testing"

	"github.com/govs/ovs/internal/vlog"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// Reconnection chatter only helps when looking at a test with -v.
	if !testing.Verbose() {
		vlog.Set("console:off")
	}
	os.Exit(m.Run())
}
