package vswitchd

import "github.com/govs/ovs/internal/gcpolicy"

// The switch's memory policy (package gcpolicy explains the why). Most of a
// busy switch's heap is its flow tables, which live long: at GOGC=100 a
// table of 100,000 rules let the heap, and the resident size, grow to twice
// the live data, where OVS holds little more than its live data. So a big
// heap may carry garbage of half its live size (GOGC=50), with 16 MiB of
// headroom at least so that a small switch is not collected every few
// hundred KiB of allocation; and a switch that has gone quiet after loading
// or changing a lot (at least 8 MiB, or a quarter of the live heap) returns
// the garbage to the kernel once.
//
// The switch's work comes from many places (OpenFlow connections, the
// database, upcalls, timers), so instead of hooking each of them the main
// loop's once-a-second tick asks the policy to look for the next idle
// moment: the trim only happens after enough allocation, so a quiet switch
// pays a metrics read per tick.
var memConfig = gcpolicy.Config{Headroom: 16 << 20, Percent: 50, IdleTrimMin: 8 << 20}
