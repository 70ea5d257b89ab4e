// Package ofproto is the OpenFlow switch of one bridge: its flow tables
// (rules with priorities, matches, actions and counters in a classifier
// each), and the operations OpenFlow defines on them. It knows nothing of
// packets or datapaths: engine/xlate walks these tables to translate a
// packet, and whoever changes them tells translation through the onChange
// callback so that cached datapath flows get revalidated.
package ofproto

import (
	"sync"

	"github.com/govs/ovs/engine/classifier"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// NumTables is how many flow tables a bridge has (OpenFlow table ids 0 to
// 254, as in OVS).
const NumTables = 255

// Ofproto is one bridge's OpenFlow switch.
type Ofproto struct {
	Name string

	mu       sync.Mutex // serialises writers; lookups take no lock
	clock    *classifier.Clock
	tables   [NumTables]*classifier.Classifier[*Rule]
	onChange func()

	idMu sync.Mutex // guards id and mgmt
	id   Identity
	mgmt *mgmt
}

// New returns a switch whose table 0 holds the default rule
// "priority=0 actions=NORMAL", as a new OVS bridge's does. onChange is
// called after every change to the tables.
func New(name string, onChange func()) *Ofproto {
	o := &Ofproto{Name: name, clock: classifier.NewClock(), onChange: onChange}
	for i := range o.tables {
		o.tables[i] = classifier.New[*Rule](o.clock)
	}
	r := &Rule{Table: 0, Priority: 0}
	r.SetActions([]openflow.Action{openflow.Output{Port: openflow.PortNormal}})
	o.Add(r)
	return o
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

// Add inserts r, replacing a rule with the same table, match and priority
// (which it returns).
func (o *Ofproto) Add(r *Rule) (replaced *Rule) {
	o.mu.Lock()
	m := classifier.Match{Flow: r.Match, Mask: r.Mask}
	_, old := o.tables[r.Table].Insert(&m, int32(r.Priority), r)
	o.mu.Unlock()
	o.changed()
	if old != nil {
		return old.Value
	}
	return nil
}

// Rules calls fn for every rule of every table, in table order.
func (o *Ofproto) Rules(fn func(r *Rule) bool) {
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

// Count returns the number of rules in table.
func (o *Ofproto) Count(table uint8) int { return o.tables[table].Count() }

func (o *Ofproto) changed() {
	if o.onChange != nil {
		o.onChange()
	}
}
