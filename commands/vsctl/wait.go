package vsctl

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/internal/paths"
)

// noteDelay is how long we wait for ovs-vswitchd before checking whether
// it runs at all.
var noteDelay = 1500 * time.Millisecond

// waitForReload waits until ovs-vswitchd has applied configuration next,
// which it reports by setting cur_cfg. Like OVS it waits for ever (or until
// --timeout's alarm); unlike OVS it says once, early, when there is no
// ovs-vswitchd to wait for.
func (r *runner) waitForReload(ctx context.Context, next int64) {
	curCfg := r.col("Open_vSwitch", "cur_cfg")
	var once sync.Once
	timer := time.AfterFunc(noteDelay, func() {
		if !vswitchdRunning() {
			once.Do(func() {
				fmt.Fprintf(r.s.stderr, "%s: ovs-vswitchd is not running (no live %s); waiting for it to apply the change (use --no-wait to skip waiting)\n",
					program, paths.Pidfile("ovs-vswitchd"))
			})
		}
	})
	defer timer.Stop()
	err := r.idl.WaitUntil(ctx, func() bool {
		t := r.idl.Table("Open_vSwitch")
		for row := range t.Rows() {
			if v, ok := row.Int(curCfg); ok && v >= next {
				return true
			}
		}
		return false
	})
	if err != nil {
		connFatal(r.s.db, r.idl, err)
	}
	r.checkIfaces()
}

// checkIfaces reports the interfaces this run added that ovs-vswitchd
// failed to set up, as OVS does once the reload is done.
func (r *runner) checkIfaces() {
	if len(r.expectIfaces) == 0 {
		return
	}
	t := r.idl.Table("Interface")
	ofport := r.col("Interface", "ofport")
	errCol := r.col("Interface", "error")
	logged := false
	for _, tmp := range r.expectIfaces {
		u, ok := r.txn.InsertedUUID(tmp.UUID)
		if !ok {
			continue
		}
		row := t.Row(u)
		if row == nil {
			continue
		}
		// OVS reports an interface that got no OpenFlow port as well as
		// one that failed (-1), with the error text when there is one.
		if v, ok := row.Int(ofport); ok && v != -1 {
			continue
		}
		name := row.Str(r.col("Interface", "name"))
		if msg := row.Str(errCol); msg != "" {
			fmt.Fprintf(r.s.stderr, "ovs-vsctl: Error detected while setting up '%s': %s.  See ovs-vswitchd log for details.\n", name, msg)
		} else {
			fmt.Fprintf(r.s.stderr, "ovs-vsctl: Error detected while setting up '%s'.  See ovs-vswitchd log for details.\n", name)
		}
		logged = true
	}
	if logged {
		fmt.Fprintf(r.s.stderr, "ovs-vsctl: The default log directory is \"%s\".\n", paths.LogDir())
	}
}

// vswitchdRunning reports whether ovs-vswitchd's pidfile is locked by a
// live process, which is how OVS tells a running daemon from a stale file.
func vswitchdRunning() bool {
	f, err := os.Open(paths.Pidfile("ovs-vswitchd"))
	if err != nil {
		return false
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 0, Len: 0}
	if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
		return false
	}
	return lk.Type != unix.F_UNLCK && lk.Pid > 0 && unix.Kill(int(lk.Pid), 0) == nil
}

var _ = idl.Success
