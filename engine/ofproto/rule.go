package ofproto

import (
	"sync/atomic"

	"github.com/govs/ovs/engine/classifier"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// Rule is one OpenFlow flow entry. Once published its match, priority,
// cookie, flags and timeouts never change: a modification stages a
// replacement rule (carrying the counters over) so that a batch of changes
// becomes visible at once. The actions can be swapped atomically (SetActions)
// for rules the switch builds itself; the counters are updated by the
// revalidator.
//
// The match is not stored here: the classifier keeps it, compressed to the
// words its mask covers, with the mask shared by every rule of the same
// mask (Match and Mask read it back). Two whole flows per rule were 480 of
// a rule's ~650 bytes, and a switch with 100,000 flows is mostly rules.
type Rule struct {
	Table    uint8
	Priority uint16
	Cookie   uint64

	Flags                    openflow.FlowModFlags
	Importance               uint16
	IdleTimeout, HardTimeout uint16
	// Created and Modified are milliseconds of the bridge's clock: when
	// the flow was added, and when its actions were last set by an add
	// or a modify (the hard timeout counts from Modified, as in OVS).
	Created, Modified int64

	// idleFrom is when the idle timeout started counting if no packet
	// came since: creation, or the old rule's last use for a replacement.
	idleFrom int64

	prio   int32 // classifier priority: Priority, or above 65535 if hidden
	hidden bool
	cr     *classifier.Rule[*Rule]

	actions atomic.Pointer[[]openflow.Action]

	packets, bytes atomic.Uint64
	used           atomic.Int64 // milliseconds of the last hit, 0 when never
}

// Match returns the rule's match value (masked by Mask). It is only known
// once the rule has been added to a table.
func (r *Rule) Match() flow.Flow {
	if r.cr == nil {
		return flow.Flow{}
	}
	return r.cr.MatchValue()
}

// Mask returns the rule's mask, shared with every rule of its table that
// has the same one: the caller must not change it. The mask of a rule not
// yet added to a table is all-wildcards.
func (r *Rule) Mask() *flow.Flow {
	if r.cr == nil {
		return &catchAll
	}
	return r.cr.Mask()
}

var catchAll flow.Flow

// Matches reports whether the packet (or masked value) f matches r.
func (r *Rule) Matches(f *flow.Flow) bool {
	if r.cr == nil {
		return true
	}
	return r.cr.Matches(f)
}

// HasMatch reports whether r's match is value (masked by mask) and mask.
func (r *Rule) HasMatch(value, mask *flow.Flow) bool {
	return *r.Mask() == *mask && r.Matches(value)
}

// Actions returns the rule's current actions.
func (r *Rule) Actions() []openflow.Action {
	if p := r.actions.Load(); p != nil {
		return *p
	}
	return nil
}

// SetActions replaces the rule's actions.
func (r *Rule) SetActions(a []openflow.Action) { r.actions.Store(&a) }

// Hidden reports whether r is a hidden rule (AddHidden).
func (r *Rule) Hidden() bool { return r.hidden }

// ClassifierPriority is r's priority in the classifier: Priority, or the
// priority above 65535 a hidden rule was given.
func (r *Rule) ClassifierPriority() int32 {
	if r.hidden {
		return r.prio
	}
	return int32(r.Priority)
}

// Credit adds traffic that datapath flows derived from the rule carried.
func (r *Rule) Credit(packets, bytes uint64, used int64) {
	if packets == 0 {
		return
	}
	r.packets.Add(packets)
	r.bytes.Add(bytes)
	for {
		old := r.used.Load()
		if used <= old || r.used.CompareAndSwap(old, used) {
			return
		}
	}
}

// Stats returns the rule's counters.
func (r *Rule) Stats() (packets, bytes uint64, used int64) {
	return r.packets.Load(), r.bytes.Load(), r.used.Load()
}

// lastUsed is when the rule last carried a packet, or when it was
// created if it never did: what the idle timeout and idle_age count from.
// A rule that replaced another inherits the other's.
func (r *Rule) lastUsed() int64 {
	return max(r.used.Load(), r.idleFrom)
}

// counters returns the packet and byte counts. no_packet_counts and
// no_byte_counts are advice a software switch does not need: OVS keeps and
// reports the counters anyway.
func (r *Rule) counters() (packets, bytes uint64) {
	return r.packets.Load(), r.bytes.Load()
}

// duration splits the milliseconds since t into seconds and nanoseconds.
func duration(now, t int64) (sec, nsec uint32) {
	d := now - t
	if d < 0 {
		d = 0
	}
	return uint32(d / 1000), uint32(d%1000) * 1000000
}

// OpenFlowMatch returns the rule's match in the OpenFlow model.
func (r *Rule) OpenFlowMatch() *openflow.Match {
	m := &openflow.Match{}
	s := new(matchScratch)
	s.value = r.Match()
	fillOpenFlowMatch(m, &s.value, r.Mask(), s)
	return m
}

// Dump describes the rule as a flow-statistics reply does at time now.
// idle_age and hard_age (seconds since last use and last modification) are
// only in Nicira's NXST_FLOW replies, so they are -1 unless nxm.
func (r *Rule) Dump(now int64, nxm bool) openflow.FlowDump {
	var d openflow.FlowDump
	r.dumpTo(&d, now, nxm, new(matchScratch))
	return d
}

// dumpTo is Dump into d, reusing d's match storage and scratch: a dump of
// many flows fills the same few FlowDumps over and over.
func (r *Rule) dumpTo(d *openflow.FlowDump, now int64, nxm bool, scratch *matchScratch) {
	m := d.Match
	*d = openflow.FlowDump{
		Cookie:      r.Cookie,
		TableID:     r.Table,
		IdleTimeout: r.IdleTimeout,
		HardTimeout: r.HardTimeout,
		Flags:       r.Flags,
		Importance:  r.Importance,
		IdleAge:     -1,
		HardAge:     -1,
		Priority:    r.Priority,
		Actions:     r.Actions(),
	}
	scratch.value = r.Match()
	fillOpenFlowMatch(&m, &scratch.value, r.Mask(), scratch)
	d.Match = m
	d.DurationSec, d.DurationNsec = duration(now, r.Created)
	d.PacketCount, d.ByteCount = r.counters()
	if nxm {
		d.IdleAge = ageSeconds(now, r.lastUsed())
		d.HardAge = ageSeconds(now, r.Modified)
	}
}

func ageSeconds(now, t int64) int {
	if now <= t {
		return 0
	}
	return int((now - t) / 1000)
}

// Removed builds the FLOW_REMOVED message content for r leaving the table
// at time now for reason.
func (r *Rule) Removed(now int64, reason openflow.FlowRemovedReason) *openflow.FlowRemoved {
	fr := &openflow.FlowRemoved{
		Match:       *r.OpenFlowMatch(),
		Cookie:      r.Cookie,
		Priority:    r.Priority,
		Reason:      reason,
		TableID:     r.Table,
		IdleTimeout: r.IdleTimeout,
		HardTimeout: r.HardTimeout,
	}
	fr.DurationSec, fr.DurationNsec = duration(now, r.Created)
	fr.PacketCount, fr.ByteCount = r.counters()
	return fr
}
