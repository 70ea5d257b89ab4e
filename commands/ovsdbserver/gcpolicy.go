package ovsdbserver

import (
	"os"
	"runtime"

	"github.com/govs/ovs/internal/gcpolicy"
)

// The server's memory policy (package gcpolicy explains the why): a
// typical Open_vSwitch database is a few MiB, so the heap gets a fixed
// headroom of 32 MiB above what is live, and an idle server returns the
// garbage of a burst of writes once it has allocated 8 MiB (or a quarter
// of the live heap) since the last time.
var memConfig = gcpolicy.Config{Headroom: 32 << 20, IdleTrimMin: 8 << 20}

// maxProcs is the most threads the server runs Go code on at once.
//
// ovsdb-server shares its host with its clients (ovs-vswitchd, ovs-vsctl,
// controllers' agents), and its work is serial where it matters: one
// writer per database, each commit's updates fanned out in order. Each
// message costs microseconds, so a second thread buys little parallelism
// and costs a cross-thread wakeup (a futex, a context switch) for nearly
// every message handed between goroutines. Measured on 2 CPUs against
// bench/ovsdb.sh's loads, one thread beat two by ~40% in transaction
// throughput and ~8% in monitor fan-out latency. So the server uses half
// the CPUs, at least one and at most maxProcs; GOMAXPROCS in the
// environment overrides it.
const maxProcs = 4

func setProcs() {
	if os.Getenv("GOMAXPROCS") != "" {
		return
	}
	runtime.GOMAXPROCS(min(max(runtime.NumCPU()/2, 1), maxProcs))
}

// startMemPolicy puts the memory policy in force for the process, and the
// thread count (setProcs) with it.
func startMemPolicy() *gcpolicy.Policy {
	setProcs()
	return gcpolicy.Start(memConfig)
}
