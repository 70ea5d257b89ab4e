package ofproto

import (
	"errors"

	"github.com/govs/ovs/engine/classifier"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// Flow table modifications, with OVS 3.1's semantics (checked against the
// real ovs-vswitchd):
//
//   - add replaces a rule with the same match and priority; the new rule
//     is created now, keeps the old packet and byte counts unless it has
//     reset_counts, and keeps the old "last used" time either way (so a
//     replacement does not restart the idle timeout). OpenFlow 1.0 and
//     Nicira flow-mods imply reset_counts on add, and OVS shows the flag.
//   - modify and modify-strict replace the actions of every rule they
//     select, keeping timeouts, flags, creation time and (unless
//     reset_counts) counters; the cookie changes only when the message
//     can carry a new one (OpenFlow 1.0/NXM). When nothing is selected, a
//     message that carries a new cookie adds the flow instead (OpenFlow 1.0
//     and NXM); OpenFlow 1.1+ modifies do nothing.
//   - delete and delete-strict remove the rules they select, and report
//     them to the removed hook with reason DELETE.
//
// Loose selection takes every rule whose match is at least as specific as
// the request's (whatever its priority); strict selection the rule with
// exactly the request's match and priority. Both honour the cookie
// selector, and deletes (not modifies) the out_port/out_group filters.
// Table 255 means every table for modify and delete, is refused for add, and
// table 254 is OVS's internal table, which controllers may not touch.

// legacyFlowMod reports whether fm has OpenFlow 1.0's semantics (it came
// as a 1.0 OFPT_FLOW_MOD or as NXT_FLOW_MOD): reset_counts implied on add,
// and lenient checks of actions against the match.
func legacyFlowMod(fm *openflow.FlowMod, v openflow.Version) bool {
	return fm.NXM || v < openflow.V12
}

// FlowMod applies one flow table modification, as OVS would for fm
// received over OpenFlow 1.3 (or 1.0 when fm.NXM). Connections should use
// FlowModVersion, since some semantics depend on the version. Errors are
// openflow.ErrorCode values.
func (o *Ofproto) FlowMod(fm *openflow.FlowMod) error {
	return o.FlowModVersion(fm, defaultVersion(fm))
}

func defaultVersion(fm *openflow.FlowMod) openflow.Version {
	if fm.NXM {
		return openflow.V10
	}
	return openflow.V13
}

// FlowModVersion applies fm, received in OpenFlow version v. Either all of
// its changes become visible at once, or (on error) none.
func (o *Ofproto) FlowModVersion(fm *openflow.FlowMod, v openflow.Version) error {
	return o.transact(func(now int64, ch *change) error { return o.flowMod(fm, v, now, ch) })
}

// flowModBy is FlowModVersion for a flow-mod received on connection oc
// with xid (flow monitors abbreviate a connection's own changes).
func (o *Ofproto) flowModBy(fm *openflow.FlowMod, v openflow.Version, oc *ofconn, xid uint32) error {
	return o.transactBy(oc, xid, func(now int64, ch *change) error { return o.flowMod(fm, v, now, ch) })
}

// FlowMods applies a batch of flow-mods atomically: lookups see either
// none or all of them, and if one fails, none is applied and failed is its
// index (-1 with a nil error when all succeeded). Bundles and replace-flows
// use it.
func (o *Ofproto) FlowMods(fms []*openflow.FlowMod) (failed int, err error) {
	return o.flowMods(fms, func(fm *openflow.FlowMod) openflow.Version { return defaultVersion(fm) })
}

// FlowModsVersion is FlowMods for flow-mods received in OpenFlow version v.
func (o *Ofproto) FlowModsVersion(fms []*openflow.FlowMod, v openflow.Version) (failed int, err error) {
	return o.flowMods(fms, func(*openflow.FlowMod) openflow.Version { return v })
}

func (o *Ofproto) flowMods(fms []*openflow.FlowMod, version func(*openflow.FlowMod) openflow.Version) (int, error) {
	failed := -1
	err := o.transact(func(now int64, ch *change) error {
		for i, fm := range fms {
			if err := o.flowMod(fm, version(fm), now, ch); err != nil {
				failed = i
				return err
			}
		}
		return nil
	})
	return failed, err
}

// change collects what a transaction did, for the reports after commit.
type change struct {
	removed []removal
	changed bool
	// events are the additions and modifications, for flow monitors
	// (monitor.go), recorded only when watched; by and xid are the
	// connection and request that asked.
	events  []ruleEvent
	watched bool
	by      *ofconn
	xid     uint32
}

// flowMod stages fm. Caller holds o.mu and commits or aborts.
func (o *Ofproto) flowMod(fm *openflow.FlowMod, v openflow.Version, now int64, ch *change) error {
	switch fm.Command {
	case openflow.FlowAdd:
		if fm.TableID == openflow.TableAll {
			return openflow.OFPFMFC_BAD_TABLE_ID
		}
		if fm.TableID == internalTable {
			return openflow.OFPBRC_EPERM
		}
		value, mask, err := flowMatch(&fm.Match)
		if err != nil {
			return err
		}
		flags := fm.Flags
		if legacyFlowMod(fm, v) {
			flags |= openflow.FlowResetCounts
		}
		return o.addFlow(fm, fm.TableID, &value, &mask, flags, v, now, ch)
	case openflow.FlowModify, openflow.FlowModifyStrict:
		if fm.TableID == internalTable {
			return openflow.OFPBRC_EPERM
		}
		value, mask, err := flowMatch(&fm.Match)
		if err != nil {
			return err
		}
		if err := o.checkActions(fm.Actions, &fm.Match, fm.TableID, !legacyFlowMod(fm, v)); err != nil {
			return err
		}
		sel := selector{strict: fm.Command == openflow.FlowModifyStrict, priority: fm.Priority,
			cookie: fm.Cookie, cookieMask: fm.CookieMask, outPort: openflow.PortNone, outGroup: openflow.GroupAny}
		sel.match = classifier.Match{Flow: value, Mask: mask}
		rules := o.selectRules(fm.TableID, &sel, nil)
		if len(rules) == 0 {
			if fm.NewCookie == openflow.CookieUnchanged {
				return nil
			}
			table := fm.TableID
			if table == openflow.TableAll {
				table = 0
			}
			return o.addFlow(fm, table, &value, &mask, fm.Flags, v, now, ch)
		}
		for _, r := range rules {
			nr := o.modified(r, fm, now)
			m := r.cr.Match()
			o.stageInsert(nr, &m)
			ch.noteModified(r, nr)
		}
		ch.changed = true
		return nil
	case openflow.FlowDelete, openflow.FlowDeleteStrict:
		if fm.TableID == internalTable {
			return openflow.OFPBRC_EPERM
		}
		value, mask, err := flowMatch(&fm.Match)
		if err != nil {
			return err
		}
		sel := selector{strict: fm.Command == openflow.FlowDeleteStrict, priority: fm.Priority,
			cookie: fm.Cookie, cookieMask: fm.CookieMask, outPort: fm.OutPort, outGroup: fm.OutGroup}
		sel.match = classifier.Match{Flow: value, Mask: mask}
		for _, r := range o.selectRules(fm.TableID, &sel, nil) {
			if o.stageRemove(r) {
				ch.removed = append(ch.removed, removal{r, openflow.RemovedDelete})
				ch.changed = true
			}
		}
		return nil
	}
	return openflow.OFPFMFC_BAD_COMMAND
}

// flowMatch converts a flow-mod's match, mapping conversion failures to
// the OpenFlow error OVS gives for a field it cannot match.
func flowMatch(m *openflow.Match) (value, mask flow.Flow, err error) {
	value, mask, err = FlowMatch(m)
	if err != nil {
		var code openflow.ErrorCode
		if errors.As(err, &code) {
			return value, mask, code
		}
		return value, mask, openflow.OFPBMC_BAD_FIELD
	}
	return value, mask, nil
}

// addFlow stages a new rule for fm in table.
func (o *Ofproto) addFlow(fm *openflow.FlowMod, table uint8, value, mask *flow.Flow, flags openflow.FlowModFlags, v openflow.Version, now int64, ch *change) error {
	if err := o.checkActions(fm.Actions, &fm.Match, table, !legacyFlowMod(fm, v)); err != nil {
		return err
	}
	r := &Rule{Table: table, Priority: fm.Priority,
		Flags: flags, Importance: fm.Importance,
		IdleTimeout: fm.IdleTimeout, HardTimeout: fm.HardTimeout,
		Created: now, Modified: now, idleFrom: now, prio: int32(fm.Priority)}
	if fm.NewCookie != openflow.CookieUnchanged {
		r.Cookie = fm.NewCookie
	}
	r.SetActions(fm.Actions)
	m := classifier.Match{Flow: *value, Mask: *mask}
	if fm.Flags&openflow.FlowCheckOverlap != 0 && o.overlaps(r, &m) {
		return openflow.OFPFMFC_OVERLAP
	}
	old := o.stageInsert(r, &m)
	if old != nil {
		if flags&openflow.FlowResetCounts == 0 {
			r.packets.Store(old.packets.Load())
			r.bytes.Store(old.bytes.Load())
		}
		r.idleFrom = old.lastUsed()
	} else if err := o.makeRoom(table, r, ch); err != nil {
		return err
	}
	ch.noteAdded(r, old)
	ch.changed = true
	return nil
}

// modified returns the replacement of r that fm's modification makes.
func (o *Ofproto) modified(r *Rule, fm *openflow.FlowMod, now int64) *Rule {
	nr := &Rule{Table: r.Table, Priority: r.Priority, Cookie: r.Cookie,
		Flags: r.Flags, Importance: r.Importance, IdleTimeout: r.IdleTimeout, HardTimeout: r.HardTimeout,
		Created: r.Created, Modified: now, prio: r.prio}
	if fm.NewCookie != openflow.CookieUnchanged {
		nr.Cookie = fm.NewCookie
	}
	nr.SetActions(fm.Actions)
	if fm.Flags&openflow.FlowResetCounts == 0 {
		nr.packets.Store(r.packets.Load())
		nr.bytes.Store(r.bytes.Load())
	}
	nr.used.Store(r.used.Load())
	nr.idleFrom = r.idleFrom
	return nr
}

// overlaps reports whether another visible rule of r's table and priority
// could match a packet that r, with match m, matches (check_overlap). The
// rule r would replace does not count.
func (o *Ofproto) overlaps(r *Rule, m *classifier.Match) bool {
	rv, rm := m.Flow.Words(), m.Mask.Words()
	for cr := range o.tables[r.Table].Rules() {
		x := cr.Value
		if x.hidden || x.Priority != r.Priority {
			continue
		}
		if x.HasMatch(&m.Flow, &m.Mask) {
			continue
		}
		xmatch := x.Match()
		xv, xm := xmatch.Words(), x.Mask().Words()
		disjoint := false
		for i := range rv {
			if (rv[i]^xv[i])&rm[i]&xm[i] != 0 {
				disjoint = true
				break
			}
		}
		if !disjoint {
			return true
		}
	}
	return false
}

// selector is which rules a modify, delete or flow-stats request applies
// to.
type selector struct {
	match      classifier.Match
	strict     bool
	priority   uint16
	cookie     uint64
	cookieMask uint64
	outPort    uint32
	outGroup   uint32
}

func (s *selector) accepts(r *Rule) bool {
	if r.hidden || (r.Cookie^s.cookie)&s.cookieMask != 0 {
		return false
	}
	if s.outPort != openflow.PortNone && !outputsToPort(r.Actions(), s.outPort) {
		return false
	}
	if s.outGroup != openflow.GroupAny && !outputsToGroup(r.Actions(), s.outGroup) {
		return false
	}
	return true
}

// selectRules appends to rules the rules of table (TableAll: every table
// but the internal one) that s selects, in the writer's view. Caller holds
// o.mu.
func (o *Ofproto) selectRules(table uint8, s *selector, rules []*Rule) []*Rule {
	first, last := int(table), int(table)
	if table == openflow.TableAll {
		first, last = 0, internalTable-1
	}
	for t := first; t <= last; t++ {
		c := o.tables[t]
		if c.Count() == 0 {
			continue
		}
		if s.strict {
			if cr := c.FindExact(&s.match, int32(s.priority)); cr != nil && s.accepts(cr.Value) {
				rules = append(rules, cr.Value)
			}
			continue
		}
		for cr := range c.Loose(&s.match) {
			if s.accepts(cr.Value) {
				rules = append(rules, cr.Value)
			}
		}
	}
	return rules
}

// anyAction reports whether fn holds for some action of acts, looking into
// nested action lists (write_actions, clone) as OVS does.
func anyAction(acts []openflow.Action, fn func(openflow.Action) bool) bool {
	for _, a := range acts {
		if fn(a) {
			return true
		}
		switch a := a.(type) {
		case *openflow.WriteActions:
			if anyAction(a.Actions, fn) {
				return true
			}
		case *openflow.Clone:
			if anyAction(a.Actions, fn) {
				return true
			}
		}
	}
	return false
}

// outputsToPort reports whether acts output to port (out_port filters):
// enqueue counts, and the controller action is output to CONTROLLER.
func outputsToPort(acts []openflow.Action, port uint32) bool {
	return anyAction(acts, func(a openflow.Action) bool {
		switch a := a.(type) {
		case *openflow.Output:
			return a.Port == port
		case *openflow.Enqueue:
			return a.Port == port
		case *openflow.Controller:
			return port == openflow.PortController
		}
		return false
	})
}

// outputsToGroup reports whether acts send to group id.
func outputsToGroup(acts []openflow.Action, id uint32) bool {
	return anyAction(acts, func(a openflow.Action) bool {
		g, ok := a.(*openflow.Group)
		return ok && g.ID == id
	})
}

// FlowFilter selects the flows of a flow-statistics or aggregate request:
// TableID (TableAll: every table), a match that rules must be at least as
// specific as (Strict: exactly, with Priority), the out_port and out_group
// filters (PortNone, GroupAny: none) and the cookie selector.
type FlowFilter struct {
	TableID            uint8
	Match              openflow.Match
	Strict             bool
	Priority           uint16
	OutPort, OutGroup  uint32
	Cookie, CookieMask uint64
}

// Flows calls fn for each rule f selects, table by table, until fn returns
// false. Hidden rules are never selected. fn runs with the switch's lock
// held: it must not change the switch.
func (o *Ofproto) Flows(f *FlowFilter, fn func(r *Rule) bool) error {
	value, mask, err := flowMatch(&f.Match)
	if err != nil {
		return err
	}
	sel := selector{match: classifier.Match{Flow: value, Mask: mask}, strict: f.Strict, priority: f.Priority,
		cookie: f.Cookie, cookieMask: f.CookieMask, outPort: f.OutPort, outGroup: f.OutGroup}
	o.mu.Lock()
	defer o.mu.Unlock()
	first, last := int(f.TableID), int(f.TableID)
	if f.TableID == openflow.TableAll {
		first, last = 0, internalTable-1
	}
	for t := first; t <= last; t++ {
		c := o.tables[t]
		if c.Count() == 0 {
			continue
		}
		if sel.strict {
			if cr := c.FindExact(&sel.match, int32(sel.priority)); cr != nil && sel.accepts(cr.Value) {
				if !fn(cr.Value) {
					return nil
				}
			}
			continue
		}
		for cr := range c.Loose(&sel.match) {
			if sel.accepts(cr.Value) && !fn(cr.Value) {
				return nil
			}
		}
	}
	return nil
}

// Aggregate sums the counters of the rules f selects (dump-aggregate).
func (o *Ofproto) Aggregate(f *FlowFilter) (packets, bytes uint64, flows uint32, err error) {
	err = o.Flows(f, func(r *Rule) bool {
		p, b := r.counters()
		packets += p
		bytes += b
		flows++
		return true
	})
	return packets, bytes, flows, err
}
