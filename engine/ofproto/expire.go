package ofproto

import (
	"github.com/govs/ovs/proto/openflow"
)

// Expire removes the rules whose timeouts have passed at time now (the
// bridge's clock, milliseconds) and reports them to the removed hook, all
// in one change. As in OVS, the hard timeout counts from the last add or
// modify of the flow, and the idle timeout from the last packet the flow
// carried (or its creation, if none); a modify does not restart the idle
// timeout, and neither does an add that replaces the flow. It returns how
// many rules expired. Being periodic, it also lets the tables free the
// rules earlier changes removed while lookups were using them.
func (o *Ofproto) Expire(now int64) int {
	o.mu.Lock()
	o.clk.Sweep()
	if len(o.expirable) == 0 {
		o.mu.Unlock()
		return 0
	}
	var rs []removal
	for r := range o.expirable {
		reason, ok := r.expired(now)
		if !ok {
			continue
		}
		if o.stageRemove(r) {
			rs = append(rs, removal{r, reason})
		}
	}
	if len(rs) == 0 {
		o.mu.Unlock()
		return 0
	}
	o.commit()
	o.monitorCommit(&change{removed: rs})
	hook := o.onRemoved
	o.mu.Unlock()
	o.report(hook, rs, true)
	return len(rs)
}

// expired reports whether r has timed out at now, and why. When both
// timeouts have passed, the hard one is reported, as OVS does.
func (r *Rule) expired(now int64) (openflow.FlowRemovedReason, bool) {
	if r.HardTimeout != 0 && now >= r.Modified+int64(r.HardTimeout)*1000 {
		return openflow.RemovedHardTimeout, true
	}
	if r.IdleTimeout != 0 && now >= r.lastUsed()+int64(r.IdleTimeout)*1000 {
		return openflow.RemovedIdleTimeout, true
	}
	return 0, false
}

// NextExpiry returns the earliest time at which a rule could expire if it
// carries no more packets, or -1 when no rule has a timeout: when the
// caller's timer should next call Expire.
func (o *Ofproto) NextExpiry() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	next := int64(-1)
	for r := range o.expirable {
		t := int64(-1)
		if r.HardTimeout != 0 {
			t = r.Modified + int64(r.HardTimeout)*1000
		}
		if r.IdleTimeout != 0 {
			if i := r.lastUsed() + int64(r.IdleTimeout)*1000; t < 0 || i < t {
				t = i
			}
		}
		if next < 0 || t < next {
			next = t
		}
	}
	return next
}

// TableConfig is a flow table's configuration from the database's
// Flow_Table row (or an OpenFlow 1.4 table-mod's eviction flag).
type TableConfig struct {
	Name string
	// Limited says FlowLimit caps the number of flows the table holds
	// (hidden ones aside).
	Limited   bool
	FlowLimit int
	// Evict: when an add would exceed the limit, evict a flow instead of
	// refusing with OFPFMFC_TABLE_FULL (overflow_policy=evict).
	Evict bool
	// Groups are the fields whose values divide the flows into eviction
	// groups; the largest group gives up a flow first.
	Groups []openflow.Subfield
}

// SetTableConfig configures table. Lowering a limit does not remove flows
// already there, as in OVS; the next add finds the table full.
func (o *Ofproto) SetTableConfig(table uint8, c TableConfig) {
	if int(table) >= NumTables {
		return
	}
	c.Groups = append([]openflow.Subfield(nil), c.Groups...)
	o.mu.Lock()
	if o.tableCfg == nil {
		o.tableCfg = make(map[uint8]*TableConfig)
	}
	o.tableCfg[table] = &c
	o.mu.Unlock()
}

// TableConfig returns table's configuration.
func (o *Ofproto) TableConfig(table uint8) TableConfig {
	o.mu.Lock()
	defer o.mu.Unlock()
	if c := o.tableCfg[table]; c != nil {
		return *c
	}
	return TableConfig{}
}

// makeRoom is called after an add staged a new flow (not a replacement)
// in table: if that took the table over its limit, it evicts a flow or
// fails with OFPFMFC_TABLE_FULL. Caller holds o.mu.
func (o *Ofproto) makeRoom(table uint8, added *Rule, ch *change) error {
	c := o.tableCfg[table]
	if c == nil || !c.Limited || o.tables[table].Count()-o.hidden[table] <= c.FlowLimit {
		return nil
	}
	if !c.Evict {
		return openflow.OFPFMFC_TABLE_FULL
	}
	victim := o.evictionVictim(table, c, added)
	if victim == nil || !o.stageRemove(victim) {
		return openflow.OFPFMFC_TABLE_FULL
	}
	ch.removed = append(ch.removed, removal{victim, openflow.RemovedEviction})
	return nil
}

// evictionVictim chooses the flow to evict as ovs-vswitchd.conf.db(5)
// describes: only flows with a timeout; from the largest eviction groups;
// of those, the least important; of those, the one that expires soonest.
func (o *Ofproto) evictionVictim(table uint8, c *TableConfig, added *Rule) *Rule {
	type cand struct {
		r   *Rule
		key string
	}
	var cands []cand
	sizes := make(map[string]int)
	for cr := range o.tables[table].Rules() {
		r := cr.Value
		if r.hidden || r == added || r.IdleTimeout == 0 && r.HardTimeout == 0 {
			continue
		}
		k := evictionKey(r, c.Groups)
		sizes[k]++
		cands = append(cands, cand{r, k})
	}
	largest := 0
	for _, n := range sizes {
		largest = max(largest, n)
	}
	var best *Rule
	var bestExp int64
	for _, x := range cands {
		if sizes[x.key] != largest {
			continue
		}
		exp := x.r.expiry()
		if best == nil || x.r.Importance < best.Importance || x.r.Importance == best.Importance && exp < bestExp {
			best, bestExp = x.r, exp
		}
	}
	return best
}

// expiry is when r would expire if it carried no more packets.
func (r *Rule) expiry() int64 {
	t := int64(-1)
	if r.HardTimeout != 0 {
		t = r.Modified + int64(r.HardTimeout)*1000
	}
	if r.IdleTimeout != 0 {
		if i := r.lastUsed() + int64(r.IdleTimeout)*1000; t < 0 || i < t {
			t = i
		}
	}
	return t
}

// evictionKey is the values of the eviction group fields in r's match
// (zero where it does not match on them). A field that is a view of part
// of another (vlan_vid of vlan_tci) counts as not matched: eviction groups
// are an approximation in OVS too.
func evictionKey(r *Rule, groups []openflow.Subfield) string {
	if len(groups) == 0 {
		return ""
	}
	m := r.OpenFlowMatch()
	var key []byte
	for _, sf := range groups {
		if sf.Field == nil {
			continue
		}
		var v [16]byte
		if e, ok := m.Get(sf.Field.ID); ok {
			copy(v[:], e.Value[:])
		}
		key = append(key, v[:]...)
		key = append(key, byte(sf.Ofs), byte(sf.Bits))
	}
	return string(key)
}
