// Package oneshot gives a short-lived client tool of the multi-call binary
// one processor (GOMAXPROCS=1) from the first moments of the process.
//
// Such a tool (ovs-vsctl: connect, one transaction, exit) gains nothing
// from a second P but the cost of handing work between threads and of GC
// workers. Setting GOMAXPROCS in the tool's Main comes too late to be
// cheap: by then the package initialisers of the whole binary have run,
// and if they ran on the P being removed, the runtime hands every span that
// P had cached back to the central lists, faulting in a fresh page for
// each size class (about a hundred page faults, over a millisecond, on a
// VM). The same call made here, before most initialisers run, finds little
// to hand back. Package initialisation order (dependencies first, then
// import path order) puts this package, which needs only os and runtime
// (not even path/filepath, for that reason), ahead of most of the binary's.
//
// The tool is recognised as commands.Main dispatches: by the name the
// binary runs under, or by the first argument of "ovs". A tool's own Main
// still sets GOMAXPROCS (a no-op after this), so that it holds however the
// tool is started.
package oneshot

import (
	"os"
	"runtime"
)

// tools are the short-lived clients that run on one processor.
var tools = [...]string{"ovs-vsctl"}

func init() {
	if Is(os.Args) && os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}

// Is reports whether the command line argv starts one of the short-lived
// client tools: "ovs-vsctl ..." (or "vsctl ..."), or "ovs vsctl ..." (or
// "ovs ovs-vsctl ...").
func Is(argv []string) bool {
	if len(argv) == 0 {
		return false
	}
	name := argv[0]
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			name = name[i+1:]
			break
		}
	}
	if name == "ovs" {
		if len(argv) < 2 {
			return false
		}
		name = argv[1]
	}
	for _, t := range tools {
		if name == t || "ovs-"+name == t {
			return true
		}
	}
	return false
}
