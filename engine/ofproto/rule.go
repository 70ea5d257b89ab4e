package ofproto

import (
	"sync/atomic"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// Rule is one OpenFlow flow entry. The match and actions never change
// after the rule is published (a modification installs a new action list
// atomically); the counters are updated by the revalidator.
type Rule struct {
	Table    uint8
	Priority uint16
	Match    flow.Flow // already masked by Mask
	Mask     flow.Flow
	Cookie   uint64

	IdleTimeout, HardTimeout uint16
	Created                  int64 // milliseconds, datapath clock

	actions atomic.Pointer[[]openflow.Action]

	packets, bytes atomic.Uint64
	used           atomic.Int64 // milliseconds of the last hit, 0 when never
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
