// Package userspace is the userspace datapath (OVS's dpif-netdev): it
// receives batches of packets from netdev ports, finds their megaflows and
// executes the flows' actions, asking the upcall handler (ofproto) about
// packets no flow matches.
//
// # Data path
//
// Every port has one receive goroutine (OVS calls them PMD threads). For a
// batch it extracts each packet's flow.Key, looks it up in the goroutine's
// exact-match cache (8192 entries: full key compare, entries point at live
// flows) and then in the port's megaflow classifier: one subtable per
// distinct mask, each hashing only the mask's non-zero words, searched in
// order of recent hits. A packet that misses both goes to
// UpcallHandler.Miss on the same goroutine; the flow it asks for is
// installed (up to the flow limit) and the packet is executed with the
// handler's actions. Packets of one batch that hit the same flow are
// executed together, and outputs are queued per port so that each port gets
// one Send per batch. Packets come from the pool and go back to it; clones
// are made only when an output is followed by a modification. Nothing on
// this path locks or allocates once the caches are warm.
//
// # Concurrency
//
// Megaflows always match in_port exactly, so each port's goroutine owns
// the classifier of the flows for its port, like OVS's per-PMD dpcls; the
// exact-match cache is private to it too. Other goroutines (dpctl's
// FlowPut, the revalidator's FlowDel and SetActions, FlowFlush, DelPort)
// change the tables under Datapath.mu, which only writers, dumpers and the
// upcall install path take. Readers never lock:
//
//   - a subtable is a hash table of bucket chains whose heads and links are
//     atomic pointers: a writer inserts by publishing a new head, removes by
//     storing around the node, and grows by publishing a new array of fresh
//     nodes; a reader that stands on an unlinked node still walks on from
//     it. The garbage collector is the grace period of this RCU scheme, so
//     nothing is freed under a reader;
//   - the subtable list is an immutable slice behind an atomic pointer,
//     replaced by writers (and by the owner when it re-ranks subtables,
//     under the lock taken with TryLock about once a second);
//   - a removed flow is marked dead (atomic) before it is unlinked, and
//     both the classifier and the exact-match cache treat a dead flow as a
//     miss, so a deleted flow stops matching at once even while a cache
//     entry still points at it; the owner overwrites such entries lazily;
//   - actions are replaced through dpif.Flow.SetActions (atomic pointer),
//     so a batch finishes with the actions it loaded;
//   - flow and port counters are atomics written only by the owning
//     goroutine and read by dumps; the port table used for outputs is an
//     immutable array behind an atomic pointer.
//
// Removing a port marks its goroutine stopped, closes the device (which
// wakes Recv) and waits for the goroutine to end; the flows on the port are
// removed first, and installs from a late upcall are refused.
package userspace
