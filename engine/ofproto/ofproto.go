// Package ofproto is the OpenFlow switch of one bridge: its flow tables
// (rules with priorities, matches, actions and counters in a classifier
// each), its groups and meters, and the operations OpenFlow defines on them,
// with the semantics of Open vSwitch 3.1 (which the real ovs-vswitchd was
// run to confirm). It knows nothing of packets or datapaths: engine/xlate
// walks these tables to translate a packet, and whoever changes them tells
// translation through the onChange callback so that cached datapath flows
// get revalidated.
//
// # Concurrency
//
// Lookups (xlate, on every upcall and revalidation) take no lock; writers
// (flow-mods, group-mods, expiry) are serialised by one mutex. The tables
// share one classifier clock, so that a flow-mod that touches many rules, or
// a batch of flow-mods (a bundle, replace-flows), is staged and becomes
// visible in one version: a lookup sees all of it or none of it, and a batch
// that fails is aborted unseen. For the same reason a modification never
// edits a published rule: it stages a replacement with the same match and
// priority, as OVS does. Group and meter changes are staged in the same
// transaction (idTable), so a bundle's groups and flows appear together.
//
// # Connections
//
// The connection manager (connmgr.go, ofconn.go, controller.go) speaks
// OpenFlow for the bridge: the management socket, the Controller targets
// with reconnection and probes, roles, asynchronous messages (packet-ins,
// flow-removed, port-status) and fail-open. Each connection handles its
// requests in order on one goroutine, so barriers need no bookkeeping, and
// writes go through a bounded queue that never blocks the datapath.
//
// # Time
//
// Rules keep times in milliseconds of the bridge's clock (SetClock), which
// must be the datapath's clock, because the revalidator credits rules with
// the datapath's "last used" times and idle timeouts compare the two.
package ofproto

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/engine/classifier"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// NumTables is how many flow tables a bridge has (OpenFlow table ids 0 to
// 254, as in OVS).
const NumTables = 255

// internalTable is the table OVS keeps for itself: controllers may not
// change it (OFPBRC_EPERM), and table-wide operations skip it.
const internalTable = NumTables - 1

// tableCounters are one table's lookup statistics, on a cache line of
// their own because translation threads bump them concurrently.
type tableCounters struct {
	lookups, matched atomic.Uint64
	_                [48]byte
}

// Ofproto is one bridge's OpenFlow switch.
type Ofproto struct {
	Name string

	mu       sync.Mutex // serialises writers; lookups take no lock
	clk      *classifier.Clock
	tables   [NumTables]*classifier.Classifier[*Rule]
	counters [NumTables]tableCounters
	hidden   [NumTables]int // hidden rules per table (writer-only)
	onChange func()

	now       atomic.Pointer[func() int64]
	start     time.Time
	onRemoved func(r *Rule, reason openflow.FlowRemovedReason)

	// expirable holds the visible rules with a timeout (writer-only);
	// staged and unstaged are the current transaction's changes to the
	// tables, applied to it when the transaction commits.
	expirable map[*Rule]struct{}
	staged    []*Rule
	unstaged  []*Rule

	tableCfg map[uint8]*TableConfig // writer-only

	groups idTable[Group]
	meters idTable[Meter]

	mon monitorHub // flow monitors (monitor.go)

	idMu sync.Mutex // guards id and mgmt
	id   Identity
	mgmt *mgmt

	// missWanted says that some connection would take a packet-in for a
	// table miss; without one, translation drops misses in the datapath
	// instead of slow-pathing them.
	missWanted atomic.Bool
}

// New returns a switch whose table 0 holds the default rule
// "priority=0 actions=NORMAL", as a new OVS bridge's does. onChange is
// called after every change to the tables.
func New(name string, onChange func()) *Ofproto {
	o := &Ofproto{Name: name, clk: classifier.NewClock(), onChange: onChange,
		start: time.Now(), expirable: make(map[*Rule]struct{})}
	for i := range o.tables {
		o.tables[i] = classifier.New[*Rule](o.clk)
	}
	o.groups.init()
	o.meters.init()
	r := &Rule{Table: 0, Priority: 0}
	r.SetActions([]openflow.Action{&openflow.Output{Port: openflow.PortNormal}})
	var all flow.Flow
	o.Add(r, &all, &all)
	o.addInternalRules()
	return o
}

// Now returns the bridge's clock in milliseconds: the one set with
// SetClock, or milliseconds since New.
func (o *Ofproto) Now() int64 {
	if p := o.now.Load(); p != nil {
		return (*p)()
	}
	return int64(time.Since(o.start) / time.Millisecond)
}

// SetClock makes now the bridge's clock (the datapath's, or a test's).
// Nil restores the default.
func (o *Ofproto) SetClock(now func() int64) {
	if now == nil {
		o.now.Store(nil)
		return
	}
	o.now.Store(&now)
}

// SetRemovedHook sets the function told about every rule that leaves the
// tables other than by replacement: deleted by a flow-mod, a group or meter
// deletion, expired or evicted. It runs after the change is visible, without
// the switch's lock held, so it may call back into the switch. Whether a
// FLOW_REMOVED goes out is its decision (the rule's Flags say whether the
// controller asked for one).
func (o *Ofproto) SetRemovedHook(fn func(r *Rule, reason openflow.FlowRemovedReason)) {
	o.mu.Lock()
	o.onRemoved = fn
	o.mu.Unlock()
}

// Lookup returns the highest-priority rule of table that matches f, and
// ORs into wc the bits of f the decision depended on. Safe for concurrent
// use with writers.
func (o *Ofproto) Lookup(table uint8, f, wc *flow.Flow) *Rule {
	if int(table) >= NumTables {
		return nil
	}
	cr := o.tables[table].Lookup(f, wc)
	if cr == nil {
		return nil
	}
	return cr.Value
}

// TableHit adds to table's statistics: lookups made in it and how many of
// them found a rule. Translation calls it; it costs two atomic adds.
func (o *Ofproto) TableHit(table uint8, lookups, matched uint64) {
	if int(table) >= NumTables {
		return
	}
	c := &o.counters[table]
	c.lookups.Add(lookups)
	if matched != 0 {
		c.matched.Add(matched)
	}
}

// TableStats returns table's active rule count (hidden rules left out) and
// its lookup statistics.
func (o *Ofproto) TableStats(table uint8) (active uint32, lookups, matched uint64) {
	if int(table) >= NumTables {
		return 0, 0, 0
	}
	o.mu.Lock()
	n := o.tables[table].Count() - o.hidden[table]
	o.mu.Unlock()
	c := &o.counters[table]
	return uint32(n), c.lookups.Load(), c.matched.Load()
}

// Add inserts r with the given match (value, masked by mask) as it is (no
// checks, no flow-mod semantics), replacing a rule with the same table,
// match and priority, which it returns. It is for rules built by the switch
// itself; controllers' rules come through FlowMod.
func (o *Ofproto) Add(r *Rule, value, mask *flow.Flow) (replaced *Rule) {
	m := classifier.Match{Mask: *mask}
	mw, vw := m.Flow.Words(), value.Words()
	for i, x := range mask.Words() {
		mw[i] = vw[i] & x
	}
	o.mu.Lock()
	r.prio = int32(r.Priority)
	if r.Modified == 0 {
		r.Modified = r.Created
	}
	r.idleFrom = r.Created
	old := o.stageInsert(r, &m)
	o.commit()
	o.mu.Unlock()
	o.changed()
	return old
}

// AddHidden installs a rule that controllers cannot see or change, above
// every OpenFlow priority (priority > 65535), as OVS does for fail-open's
// NORMAL rule and in-band control: lookups find it, flow-mods, flow dumps
// and aggregates do not.
func (o *Ofproto) AddHidden(table uint8, priority int32, match, mask flow.Flow, acts []openflow.Action) *Rule {
	if int(table) >= NumTables {
		return nil
	}
	now := o.Now()
	r := &Rule{Table: table, Priority: 0xffff, Created: now, Modified: now, idleFrom: now, prio: priority, hidden: true}
	m := classifier.Match{Mask: mask}
	mw, vw := m.Flow.Words(), match.Words()
	for i, x := range mask.Words() {
		mw[i] = vw[i] & x
	}
	r.SetActions(acts)
	o.mu.Lock()
	if old := o.stageInsert(r, &m); old == nil {
		o.hidden[table]++
	}
	o.commit()
	o.mu.Unlock()
	o.changed()
	return r
}

// RemoveHidden removes a rule AddHidden returned. Removing it twice, or nil,
// does nothing.
func (o *Ofproto) RemoveHidden(r *Rule) {
	if r == nil || !r.hidden {
		return
	}
	o.mu.Lock()
	ok := o.stageRemove(r)
	if ok {
		o.hidden[r.Table]--
		o.commit()
	}
	o.mu.Unlock()
	if ok {
		o.changed()
	}
}

// Rules calls fn for every rule controllers can see, table by table, until
// fn returns false.
func (o *Ofproto) Rules(fn func(r *Rule) bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, t := range o.tables {
		for cr := range t.Rules() {
			if !cr.Value.hidden && !fn(cr.Value) {
				return
			}
		}
	}
}

// AllRules is Rules with hidden rules included (ovs-appctl
// bridge/dump-flows).
func (o *Ofproto) AllRules(fn func(r *Rule) bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, t := range o.tables {
		for cr := range t.Rules() {
			if !fn(cr.Value) {
				return
			}
		}
	}
}

// Count returns the number of rules in table, hidden ones included.
func (o *Ofproto) Count(table uint8) int {
	if int(table) >= NumTables {
		return 0
	}
	return o.tables[table].Count()
}

// Sweep lets the tables free rules removed while a lookup was using them;
// call it from periodic work (the classifier's commit usually does it).
func (o *Ofproto) Sweep() {
	o.mu.Lock()
	o.clk.Sweep()
	o.mu.Unlock()
}

// stageInsert stages r with match m (its value already masked) in its
// table and returns the rule it replaces. Caller holds o.mu.
func (o *Ofproto) stageInsert(r *Rule, m *classifier.Match) *Rule {
	cr, old := o.tables[r.Table].StageInsert(m, r.prio, r)
	r.cr = cr
	o.staged = append(o.staged, r)
	if old == nil {
		return nil
	}
	o.unstaged = append(o.unstaged, old.Value)
	return old.Value
}

// stageRemove stages r's removal. Caller holds o.mu.
func (o *Ofproto) stageRemove(r *Rule) bool {
	if r.cr == nil || !o.tables[r.Table].StageRemove(r.cr) {
		return false
	}
	o.unstaged = append(o.unstaged, r)
	return true
}

// commit publishes the staged changes. Caller holds o.mu.
func (o *Ofproto) commit() {
	// Groups and meters first: a flow made visible may use them, and a
	// flow removed with a deleted group goes in the same step.
	o.groups.commit()
	o.meters.commit()
	o.clk.Commit()
	for _, r := range o.unstaged {
		delete(o.expirable, r)
	}
	for _, r := range o.staged {
		if (r.IdleTimeout != 0 || r.HardTimeout != 0) && r.cr.VisibleIn(o.clk.Current()) {
			o.expirable[r] = struct{}{}
		}
	}
	clear(o.staged)
	clear(o.unstaged)
	o.staged, o.unstaged = o.staged[:0], o.unstaged[:0]
}

// abort drops the staged changes. Caller holds o.mu.
func (o *Ofproto) abort() {
	o.groups.abort()
	o.meters.abort()
	o.clk.Abort()
	clear(o.staged)
	clear(o.unstaged)
	o.staged, o.unstaged = o.staged[:0], o.unstaged[:0]
}

// transact runs fn with the switch locked and its changes staged. If fn
// fails, none of them becomes visible; otherwise they are published at
// once, and the removed flows reported after the lock is released (the
// hook may call back into the switch). now is the switch's clock at the
// start, one time for everything fn does.
func (o *Ofproto) transact(fn func(now int64, ch *change) error) error {
	return o.transactBy(nil, 0, fn)
}

// transactBy is transact for a change requested on connection by with
// xid, which flow monitors report to it in abbreviated form.
func (o *Ofproto) transactBy(by *ofconn, xid uint32, fn func(now int64, ch *change) error) error {
	ch := change{by: by, xid: xid}
	o.mu.Lock()
	ch.watched = o.mon.watched()
	if err := fn(o.Now(), &ch); err != nil {
		o.abort()
		o.mu.Unlock()
		return err
	}
	o.commit()
	o.monitorCommit(&ch)
	hook := o.onRemoved
	o.mu.Unlock()
	o.report(hook, ch.removed, ch.changed)
	return nil
}

func (o *Ofproto) changed() {
	if o.onChange != nil {
		o.onChange()
	}
}

// removal is a rule that left the tables, to be reported once the change
// is committed and the lock released.
type removal struct {
	r      *Rule
	reason openflow.FlowRemovedReason
}

// report calls the removed hook for each removal and onChange once if
// changed. Caller does not hold o.mu.
func (o *Ofproto) report(hook func(*Rule, openflow.FlowRemovedReason), rs []removal, changed bool) {
	if changed {
		o.changed()
	}
	if hook == nil {
		return
	}
	for _, x := range rs {
		hook(x.r, x.reason)
	}
}
