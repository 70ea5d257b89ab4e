package ofproto

import (
	"github.com/govs/ovs/engine/classifier"
)

// ReduceTimeouts is what a fin_timeout action does when a TCP FIN or RST
// goes through rule r: each of r's timeouts that idle or hard (when
// nonzero) would lower, or that is zero, becomes that value, as in OVS.
// Rules are immutable once published, so r is replaced by a copy with the
// new timeouts (counters, creation, modification and last-use times kept:
// the hard timeout still counts from the last modify). A rule no longer in
// its table is left alone. Flow monitors do not hear of it, as in OVS.
func (o *Ofproto) ReduceTimeouts(r *Rule, idle, hard uint16) {
	if r == nil || r.Hidden() || idle == 0 && hard == 0 {
		return
	}
	o.mu.Lock()
	ni, nh := reduceTimeout(idle, r.IdleTimeout), reduceTimeout(hard, r.HardTimeout)
	if r.cr == nil || !r.cr.VisibleIn(o.clk.Current()) || ni == r.IdleTimeout && nh == r.HardTimeout {
		o.mu.Unlock()
		return
	}
	nr := &Rule{Table: r.Table, Priority: r.Priority, Cookie: r.Cookie,
		Flags: r.Flags, Importance: r.Importance, IdleTimeout: ni, HardTimeout: nh,
		Created: r.Created, Modified: r.Modified, idleFrom: r.idleFrom, prio: r.prio}
	nr.SetActions(r.Actions())
	nr.packets.Store(r.packets.Load())
	nr.bytes.Store(r.bytes.Load())
	nr.used.Store(r.used.Load())
	m := classifier.Match{Flow: r.Match(), Mask: *r.Mask()}
	o.stageInsert(nr, &m)
	o.commit()
	o.mu.Unlock()
	o.changed()
}

// reduceTimeout is the timeout t becomes under a fin_timeout of max.
func reduceTimeout(max, t uint16) uint16 {
	if max != 0 && (t == 0 || t > max) {
		return max
	}
	return t
}
