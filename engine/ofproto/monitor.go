package ofproto

import (
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/govs/ovs/engine/classifier"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// Flow monitors ("ovs-ofctl monitor br0 watch:"): a connection registers
// monitors with NXST_FLOW_MONITOR, ONFST_FLOW_MONITOR (1.3) or
// OFPMP_FLOW_MONITOR (1.4+), gets the flows they select at once (unless
// !initial), and then an update for every committed change to a flow they
// select, as OVS 3.1 sends them.
//
// Updates are computed at commit, with the switch's lock still held, so
// connections see committed changes only, in commit order; each commit
// goes out as one reply per connection. A connection's own changes are
// abbreviated to one ABBREV update carrying the flow-mod's xid, unless its
// monitor asked for "own".
//
// Flow control follows OVS: when a connection's send queue is backed up,
// the switch sends PAUSED and stops sending updates, except deletions of
// flows the connection already knows about; it remembers which flows were
// added or modified meanwhile. When the writer has drained the queue, those
// flows that still exist go out as ADDED or MODIFIED updates, then RESUMED.
// The queue is counted in messages, not OVS's 128 kB, because that is how
// our per-connection queue is bounded.

// monitorPauseAt is the send-queue backlog (messages) at which a
// connection's flow monitors pause.
const monitorPauseAt = outQueueLen / 2

// monitorHub holds every connection's flow monitors. Its lock is taken
// with the switch's lock held (commit), never the other way round.
type monitorHub struct {
	mu    sync.Mutex
	conns map[*ofconn]*connMonitors
	// n is len(conns), readable without mu: transactions record
	// changes for monitors only when some connection has them.
	n atomic.Int32
}

// watched reports whether any connection has flow monitors. Registration
// happens with the switch's lock held, so a transaction that reads it
// with the lock held sees every monitor registered before it.
func (h *monitorHub) watched() bool { return h.n.Load() > 0 }

// connMonitors is one connection's monitors and flow-control state.
type connMonitors struct {
	monitors map[uint32]*flowMonitor
	// initial counts initial replies being sent: updates committed
	// meanwhile wait in held so that they follow the reply.
	initial int
	held    [][]byte
	paused  bool
	// missed are the flows added (true) or modified (false) while
	// paused that the monitors select.
	missed map[*Rule]bool
}

// flowMonitor is one registered monitor, with its match converted.
type flowMonitor struct {
	openflow.FlowMonitor
	value, mask flow.Flow
}

// ruleEvent is an addition or modification a transaction made, for the
// monitors. nRemoved is how many removals the transaction had staged
// before it, so that updates go out in the order the changes were made.
type ruleEvent struct {
	r, old   *Rule // old: the rule r replaced, if any
	event    openflow.FlowUpdateEvent
	oldActs  []openflow.Action // the replaced actions, if they changed
	nRemoved int
}

// noteAdded records that r was staged by an add (replacing old, if any).
func (ch *change) noteAdded(r, old *Rule) {
	if !ch.watched {
		return
	}
	ev := ruleEvent{r: r, old: old, event: openflow.FlowUpdateAdded, nRemoved: len(ch.removed)}
	if old != nil && !reflect.DeepEqual(old.Actions(), r.Actions()) {
		ev.oldActs = old.Actions()
	}
	ch.events = append(ch.events, ev)
}

// noteModified records that nr replaced r by a modify. As in OVS, a modify
// that changes neither the actions nor the cookie is not reported.
func (ch *change) noteModified(r, nr *Rule) {
	if !ch.watched {
		return
	}
	same := reflect.DeepEqual(r.Actions(), nr.Actions())
	if same && r.Cookie == nr.Cookie {
		return
	}
	ev := ruleEvent{r: nr, old: r, event: openflow.FlowUpdateModified, nRemoved: len(ch.removed)}
	if !same {
		ev.oldActs = r.Actions()
	}
	ch.events = append(ch.events, ev)
}

// selects reports whether m watches r for an event with flag ev:
// the table, the out_port and out_group filters (met by the current or,
// for a change of actions, the old actions) and the match, which r's must
// be at least as specific as.
func (m *flowMonitor) selects(r *Rule, ev openflow.FlowMonitorFlags, oldActs []openflow.Action) bool {
	if m.Flags&ev == 0 || m.TableID != openflow.TableAll && m.TableID != r.Table {
		return false
	}
	if m.OutPort != openflow.PortNone && !outputsToPort(r.Actions(), m.OutPort) &&
		(oldActs == nil || !outputsToPort(oldActs, m.OutPort)) {
		return false
	}
	if m.OutGroup != openflow.GroupAny && !outputsToGroup(r.Actions(), m.OutGroup) &&
		(oldActs == nil || !outputsToGroup(oldActs, m.OutGroup)) {
		return false
	}
	rmatch := r.Match()
	rv, rm := rmatch.Words(), r.Mask().Words()
	mv, mm := m.value.Words(), m.mask.Words()
	for i := range mm {
		if mm[i]&^rm[i] != 0 || (rv[i]^mv[i])&mm[i] != 0 {
			return false
		}
	}
	return true
}

// monitorFlags is the union of the flags of cm's monitors that watch r
// for ev.
func (cm *connMonitors) flags(r *Rule, ev openflow.FlowMonitorFlags, oldActs []openflow.Action) openflow.FlowMonitorFlags {
	var f openflow.FlowMonitorFlags
	for _, m := range cm.monitors {
		if m.selects(r, ev, oldActs) {
			f |= m.Flags
		}
	}
	return f
}

// flowUpdate describes r for an update.
func flowUpdate(r *Rule, ev openflow.FlowUpdateEvent, reason openflow.FlowRemovedReason, withActions bool) openflow.FlowUpdate {
	u := openflow.FlowUpdate{Event: ev, TableID: r.Table, Priority: r.Priority,
		IdleTimeout: r.IdleTimeout, HardTimeout: r.HardTimeout, Cookie: r.Cookie,
		Match: *r.OpenFlowMatch()}
	if ev == openflow.FlowUpdateDeleted {
		u.Reason = uint8(reason)
	}
	if withActions {
		u.Actions = r.Actions()
	}
	return u
}

// monitorCommit sends the flow monitors the updates for the changes ch
// describes, just committed. Caller holds o.mu.
func (o *Ofproto) monitorCommit(ch *change) {
	h := &o.mon
	if !h.watched() || len(ch.events) == 0 && len(ch.removed) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.conns) == 0 {
		return
	}
	// The flows ch both added and removed (only a bundle can).
	var added map[*Rule]bool
	if len(ch.removed) > 0 {
		for _, e := range ch.events {
			if e.event == openflow.FlowUpdateAdded {
				if added == nil {
					added = make(map[*Rule]bool)
				}
				added[e.r] = true
			}
		}
	}
	for oc, cm := range h.conns {
		if len(cm.monitors) == 0 {
			continue
		}
		var ups []openflow.FlowUpdate
		abbrev := false
		report := func(r, old *Rule, ev openflow.FlowUpdateEvent, reason openflow.FlowRemovedReason, oldActs []openflow.Action) {
			if r.Hidden() {
				return
			}
			flag := openflow.MonitorAdd
			switch ev {
			case openflow.FlowUpdateDeleted:
				flag = openflow.MonitorDelete
			case openflow.FlowUpdateModified:
				flag = openflow.MonitorModify
			}
			if cm.paused {
				// Only deletions of flows the controller knew of
				// before the pause go out; the rest is caught up on
				// resume.
				switch ev {
				case openflow.FlowUpdateDeleted:
					added, ok := cm.missed[r]
					delete(cm.missed, r)
					if ok && added {
						return
					}
				default:
					if cm.flags(r, flag, oldActs) == 0 {
						return
					}
					added := ev == openflow.FlowUpdateAdded
					if old != nil {
						if was, ok := cm.missed[old]; ok {
							added = added || was
							delete(cm.missed, old)
						}
					}
					cm.missed[r] = added
					return
				}
			}
			f := cm.flags(r, flag, oldActs)
			if f == 0 {
				return
			}
			if f&openflow.MonitorOwn != 0 || oc != ch.by || cm.paused {
				ups = append(ups, flowUpdate(r, ev, reason, f&openflow.MonitorActions != 0))
			} else if !abbrev {
				ups = append(ups, openflow.FlowUpdate{Event: openflow.FlowUpdateAbbrev, Xid: ch.xid})
				abbrev = true
			}
		}
		// A flow added and deleted again in one change (a bundle) is
		// reported added but, as OVS does, not deleted.
		deleted := func(x removal) {
			if !added[x.r] {
				report(x.r, nil, openflow.FlowUpdateDeleted, x.reason, nil)
			}
		}
		done := 0
		for _, e := range ch.events {
			for ; done < e.nRemoved && done < len(ch.removed); done++ {
				deleted(ch.removed[done])
			}
			report(e.r, e.old, e.event, 0, e.oldActs)
		}
		for ; done < len(ch.removed); done++ {
			deleted(ch.removed[done])
		}
		if len(ups) > 0 {
			cm.deliver(oc, ups)
		}
	}
}

// deliver queues a reply with updates for oc, pausing the monitors first
// if its queue is backed up. Caller holds the hub's lock.
func (cm *connMonitors) deliver(oc *ofconn, ups []openflow.FlowUpdate) {
	v := oc.version()
	b, err := openflow.AppendMultipartReplies(nil, &openflow.FlowMonitorReply{Updates: ups}, v, 0)
	if err != nil {
		logConn.Dbg("%s: cannot encode flow updates for %s: %v", oc.o.Name, v, err)
		return
	}
	if cm.initial > 0 {
		cm.held = append(cm.held, b)
		return
	}
	if !cm.paused && len(oc.out) >= monitorPauseAt {
		cm.pause(oc, v)
	}
	sendAll(oc, b)
}

// pause sends PAUSED and starts remembering what the connection misses.
func (cm *connMonitors) pause(oc *ofconn, v openflow.Version) {
	cm.paused = true
	cm.missed = make(map[*Rule]bool)
	oc.monPaused.Store(true)
	if b, err := encodePauseResume(v, openflow.FlowUpdatePaused); err == nil {
		oc.sendAsync(b)
	}
}

// encodePauseResume encodes PAUSED or RESUMED: a flow update from
// OpenFlow 1.4 on, a Nicira (ONF in 1.3) message before.
func encodePauseResume(v openflow.Version, ev openflow.FlowUpdateEvent) ([]byte, error) {
	if v >= openflow.V14 {
		return openflow.Encode(&openflow.FlowMonitorReply{Updates: []openflow.FlowUpdate{{Event: ev}}}, uint8(v), 0)
	}
	var m openflow.Message = &openflow.NXFlowMonitorPaused{}
	if ev == openflow.FlowUpdateResumed {
		m = &openflow.NXFlowMonitorResumed{}
	}
	return openflow.Encode(m, uint8(v), 0)
}

// sendAll queues each message of b without waiting.
func sendAll(oc *ofconn, b []byte) {
	for len(b) > 0 {
		one, rest, err := openflow.SplitMessage(b)
		if err != nil {
			return
		}
		oc.sendAsync(one)
		b = rest
	}
}

// monitorDrained is called by oc's writer when its queue is empty while
// the monitors are paused: it catches the connection up and resumes them.
// It runs on its own goroutine because it needs the switch's lock and
// queues messages that the writer must drain.
func (oc *ofconn) monitorDrained() {
	if !oc.monResuming.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer oc.monResuming.Store(false)
		oc.o.monitorResume(oc)
	}()
}

// monitorResume sends oc the flows its paused monitors missed that still
// exist, then RESUMED.
func (o *Ofproto) monitorResume(oc *ofconn) {
	o.mu.Lock()
	defer o.mu.Unlock()
	h := &o.mon
	h.mu.Lock()
	defer h.mu.Unlock()
	cm := h.conns[oc]
	if cm == nil || !cm.paused {
		oc.monPaused.Store(false)
		return
	}
	var ups []openflow.FlowUpdate
	cur := o.clk.Current()
	for r, added := range cm.missed {
		if r.cr == nil || !r.cr.VisibleIn(cur) {
			continue
		}
		flag, ev := openflow.MonitorModify, openflow.FlowUpdateModified
		if added {
			flag, ev = openflow.MonitorAdd, openflow.FlowUpdateAdded
		}
		if f := cm.flags(r, flag, nil); f != 0 {
			ups = append(ups, flowUpdate(r, ev, 0, f&openflow.MonitorActions != 0))
		}
	}
	v := oc.version()
	if len(ups) > 0 {
		if b, err := openflow.AppendMultipartReplies(nil, &openflow.FlowMonitorReply{Updates: ups}, v, 0); err == nil {
			sendAll(oc, b)
		}
	}
	if b, err := encodePauseResume(v, openflow.FlowUpdateResumed); err == nil {
		oc.sendAsync(b)
	}
	cm.paused, cm.missed = false, nil
	oc.monPaused.Store(false)
}

// monitorDrop forgets a closed connection's monitors.
func (o *Ofproto) monitorDrop(oc *ofconn) {
	o.mon.mu.Lock()
	delete(o.mon.conns, oc)
	o.mon.n.Store(int32(len(o.mon.conns)))
	o.mon.mu.Unlock()
}

// flowMonitorRequest adds, modifies or deletes oc's monitors as req asks
// and replies with the flows the new monitors select (those with the
// initial flag). All of req applies, or (on error) none of it.
func (oc *ofconn) flowMonitorRequest(req *openflow.FlowMonitorRequest, hdr openflow.Header) (openflow.ErrorCode, bool) {
	o := oc.o
	h := &o.mon
	o.mu.Lock()
	h.mu.Lock()
	cm := h.conns[oc]
	next := make(map[uint32]*flowMonitor)
	if cm != nil {
		for id, m := range cm.monitors {
			next[id] = m
		}
	}
	var added []*flowMonitor
	for i := range req.Monitors {
		fm := &req.Monitors[i]
		_, exists := next[fm.ID]
		switch fm.Command {
		case openflow.MonitorCmdDelete:
			if !exists {
				return oc.monitorFail(openflow.OFPMOFC_UNKNOWN_MONITOR)
			}
			delete(next, fm.ID)
			continue
		case openflow.MonitorCmdModify:
			if !exists {
				return oc.monitorFail(openflow.OFPMOFC_UNKNOWN_MONITOR)
			}
		case openflow.MonitorCmdAdd:
			if exists {
				return oc.monitorFail(openflow.OFPMOFC_MONITOR_EXISTS)
			}
		default:
			return oc.monitorFail(openflow.OFPMOFC_BAD_COMMAND)
		}
		if fm.TableID != openflow.TableAll && int(fm.TableID) >= NumTables {
			return oc.monitorFail(openflow.OFPBRC_BAD_TABLE_ID)
		}
		value, mask, err := flowMatch(&fm.Match)
		if err != nil {
			return oc.monitorFail(errorCodeOf(err, openflow.OFPBMC_BAD_FIELD))
		}
		m := &flowMonitor{FlowMonitor: *fm, value: value, mask: mask}
		next[fm.ID] = m
		added = append(added, m)
	}
	if cm == nil {
		cm = &connMonitors{}
		if h.conns == nil {
			h.conns = make(map[*ofconn]*connMonitors)
		}
		h.conns[oc] = cm
		h.n.Store(int32(len(h.conns)))
	}
	cm.monitors = next
	ups := o.initialUpdates(added)
	cm.initial++
	h.mu.Unlock()
	o.mu.Unlock()

	b, err := openflow.AppendMultipartReplies(nil, &openflow.FlowMonitorReply{Updates: ups}, openflow.Version(hdr.Version), hdr.Xid)
	if err != nil {
		logConn.Warn("%s: cannot encode flow monitor reply: %v", o.Name, err)
	}
	oc.sendEach(b)

	h.mu.Lock()
	cm.initial--
	if cm.initial == 0 {
		for _, m := range cm.held {
			sendAll(oc, m)
		}
		cm.held = nil
	}
	h.mu.Unlock()
	return 0, true
}

// monitorFail releases the locks flowMonitorRequest holds and fails with
// code.
func (oc *ofconn) monitorFail(code openflow.ErrorCode) (openflow.ErrorCode, bool) {
	oc.o.mon.mu.Unlock()
	oc.o.mu.Unlock()
	return code, false
}

// initialUpdates lists the flows the monitors with the initial flag
// select, each once, with the union of the flags of the monitors that
// select it. Caller holds o.mu.
func (o *Ofproto) initialUpdates(ms []*flowMonitor) []openflow.FlowUpdate {
	var rules []*Rule
	flags := make(map[*Rule]openflow.FlowMonitorFlags)
	for _, m := range ms {
		if m.Flags&openflow.MonitorInitial == 0 {
			continue
		}
		sel := selector{match: classifier.Match{Flow: m.value, Mask: m.mask},
			outPort: m.OutPort, outGroup: m.OutGroup}
		for _, r := range o.selectRules(m.TableID, &sel, nil) {
			if _, seen := flags[r]; !seen {
				rules = append(rules, r)
			}
			flags[r] |= m.Flags
		}
	}
	ups := make([]openflow.FlowUpdate, 0, len(rules))
	for _, r := range rules {
		ups = append(ups, flowUpdate(r, openflow.FlowUpdateInitial, 0, flags[r]&openflow.MonitorActions != 0))
	}
	return ups
}

// flowMonitorCancel deletes one of oc's monitors (NXT_FLOW_MONITOR_CANCEL).
func (oc *ofconn) flowMonitorCancel(id uint32) (openflow.ErrorCode, bool) {
	h := &oc.o.mon
	h.mu.Lock()
	defer h.mu.Unlock()
	cm := h.conns[oc]
	if cm == nil || cm.monitors[id] == nil {
		return openflow.OFPMOFC_UNKNOWN_MONITOR, false
	}
	delete(cm.monitors, id)
	return 0, true
}
