// Package classifier is the OpenFlow priority classifier: the rules of one
// OpenFlow table, each a match (flow value plus mask) with a priority, and a
// lookup that finds the highest-priority rule matching a flow while
// recording which bits of the flow it had to look at.
//
// # Tuple space search
//
// Rules with the same mask share a subtable, a hash table keyed by the
// masked flow. A lookup probes subtables in order of the highest priority
// they hold and stops as soon as no remaining subtable can beat the best rule
// found, so a table whose high-priority rules match most traffic costs one or
// two probes. Of two matching rules of equal priority (OpenFlow leaves the
// choice open) the one whose subtable comes first wins: subtables of equal
// highest priority are ordered by age, so the choice is deterministic for a
// given history of changes. Rules with identical match and priority are the
// same OpenFlow flow: inserting one replaces the other.
//
// # Wildcards and staged lookup
//
// LookupVersion ORs into a wildcard mask every bit its answer depends on;
// the datapath installs a megaflow with that mask, so fewer bits mean fewer
// upcalls. A subtable that is probed contributes its mask bits, but not
// necessarily all of them: each subtable walks the flow in stages (pipeline
// metadata and in_port; Ethernet and MPLS; IP and ARP; transport ports, TCP
// flags and the ND target), and keeps for every stage but the last the set
// of partial hashes of its rules over the stages so far. When the packet's
// partial hash is not in the set, no rule of the subtable can match, and only
// the bits of the stages hashed so far are unwildcarded: a flow that agrees
// with the packet on them has the same partial hash and fails the same way.
// A partial hash that is in the set only by collision costs wildcard width,
// never correctness, because a full compare decides the match. Subtables
// skipped because of priority contribute nothing: no flow could change that.
// (OVS also has prefix tries over IP addresses that narrow the unwildcarded
// prefix further; this package does not.)
//
// # Versions and concurrency
//
// Lookups take no lock and never wait. Writers are serialised by the caller
// (ofproto's mutex) and see no lock here either. What keeps them apart is
// versioning, as in OVS: every rule is visible in the versions [added,
// removed) of a Clock that the classifiers of one bridge share. Changes are
// staged at the version after the current one (StageInsert, StageRemove) and
// published together by Clock.Commit, which bumps the version with one atomic
// store, so a bundle, a replace-flows or one flow-mod that touches many rules
// becomes visible at once, in every table at the same instant, and
// Clock.Abort drops them unseen. Insert and Remove are a stage and a commit.
//
// Readers enter a read section (Clock.Enter) that pins a version and look up
// in as many tables as they need at that version. A rule that a commit
// removes stays linked, invisible to new readers, until no read section of an
// older version is open; only then is it unlinked ("swept"). That is what
// lets a reader walk a hash chain or a table that the writer changes under
// it: every rule it may need stays reachable, and everything the writer adds
// meanwhile belongs to a version the reader does not see. Tables therefore
// change in place (O(1) amortised per change) and only growing, shrinking or
// sweeping tombstones swaps in a new table; readers that loaded the old one
// finish on it.
//
// Commit never waits for readers for long: it spins up to 50µs for the read
// sections of older versions to end and then sweeps; if one is still open
// (its goroutine was preempted, say), the removed rules stay linked until a
// later Commit or Clock.Sweep. The writer should call Sweep from its periodic
// work so that an idle table does not keep them (they cost memory and can
// rank their subtable too high, which narrows megaflows); Synchronize waits.
// A commit that had to wait for every reader would stall for a scheduler
// time slice (10ms) whenever the cores are saturated with busy readers.
//
// A read section costs two atomic loads, a compare-and-swap and a store on
// one of 64 slots, each on its own cache line, starting from one chosen by
// the reader's stack address, so readers on different cores rarely share a
// line.
//
// # Memory
//
// A rule stores only the words its mask covers (the subtable knows which),
// not two whole flows; the mask lives once in the subtable. Rule.Match
// rebuilds the full match when ofproto needs it for a dump.
package classifier
