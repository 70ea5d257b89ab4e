package dpif

// PMDStats are the packet-processing counters of a userspace datapath, as
// `ovs-appctl dpif-netdev/pmd-stats-show` prints them. A datapath whose
// ports are polled by ordinary goroutines reports them as one "main thread",
// as OVS does for its non-DPDK ports.
type PMDStats struct {
	Received        uint64 // packets received from ports
	Recirculations  uint64 // extra datapath passes (recirculation)
	EMCHits         uint64 // exact-match cache hits
	MegaflowHits    uint64 // megaflow classifier hits
	SubtableLookups uint64 // subtables searched for the megaflow hits
	Upcalls         uint64 // misses whose upcall succeeded
	LostUpcalls     uint64 // misses whose upcall failed
	OutputBatches   uint64 // Send calls
	OutputPackets   uint64 // packets handed to Send
	BusyNanos       uint64 // time spent processing packets
}

// PMDStatser is implemented by datapaths that have PMDStats.
type PMDStatser interface {
	PMDStats() PMDStats
	// ClearPMDStats zeroes the counters (and the lookup counters of Stats).
	ClearPMDStats()
}
