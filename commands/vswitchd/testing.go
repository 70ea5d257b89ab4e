package vswitchd

// The ovs-appctl commands that OVS's own test suite drives the switch with:
// time/stop and time/warp (always there, as in OVS) and netdev-dummy/*
// (with --enable-dummy).

import (
	"errors"
	"sync"
	"time"

	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/internal/cnum"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/internal/vclock"
)

var errInvalidMsecs = errors.New("invalid MSECS")

// registerTimeCommands registers time/stop and time/warp. Commands run with
// the switch locked (the unixctl server's locker); time/warp lets go of it
// while time moves so that whatever the warp makes due (MAC aging, flow
// timeouts, the revalidator) can run before it replies, as OVS's main loop
// does between warp steps.
func registerTimeCommands(ctl *unixctl.Server, locked sync.Locker) {
	ctl.Register("time/stop", "", 0, 0, func([]string) (string, error) {
		vclock.Stop()
		return "", nil
	})
	ctl.Register("time/warp", "[large_msecs] msecs", 1, 2, func(args []string) (string, error) {
		total, step, err := parseWarp(args)
		if err != nil {
			return "", err
		}
		locked.Unlock()
		vclock.WarpSteps(total, step)
		locked.Lock()
		return "warped\n", nil
	})
}

// parseWarp reads time/warp's arguments as OVS does: MSECS must be
// positive, LARGE_MSECS not negative; with one argument the warp is one
// step of MSECS. Numbers are read as C reads them (cnum) but saturate at
// the int range, where glibc's atoi would wrap: OVS warps for
// 99999999999999999999, which atoi would make -1.
func parseWarp(args []string) (total, step time.Duration, err error) {
	msecs := warpMsecs(args[len(args)-1])
	if msecs <= 0 {
		return 0, 0, errInvalidMsecs
	}
	step = time.Duration(msecs) * time.Millisecond
	if len(args) == 1 {
		return step, step, nil
	}
	large := warpMsecs(args[0])
	if large < 0 {
		return 0, 0, errInvalidMsecs
	}
	return time.Duration(large) * time.Millisecond, step, nil
}

func warpMsecs(s string) int64 { return min(max(cnum.Strtol(s), -1<<31), 1<<31-1) }

// registerDummyCommands registers the netdev-dummy/* commands.
func registerDummyCommands(ctl *unixctl.Server) {
	ctl.Register("netdev-dummy/receive", "name [--qid queue_id] packet|flow [--len packet_len]", 2, int(^uint(0)>>1), netdev.DummyReceive)
	ctl.Register("netdev-dummy/set-admin-state", "[netdev] up|down", 1, 2, netdev.DummySetAdminState)
	ctl.Register("netdev-dummy/conn-state", "[netdev]", 0, 1, netdev.DummyConnState)
}
