package ofproto

import (
	"github.com/govs/ovs/proto/openflow"
)

// internalRules are the rules OVS keeps in its internal table 254 on every
// bridge. OVS's translation resubmits there for its own purposes (a
// register 0 value picks: 1 send the miss to the controller, 2 and 3 drop;
// a packet back from recirculation without state is dropped). Our
// translation never resubmits there itself, but the rules are part of what
// a bridge shows — `dump-flows table=254` and bridge/dump-flows list them,
// and tools that compare a switch's tables expect them — and a controller's
// resubmit(,254) reaches them as it would in OVS. Controllers cannot change
// table 254 (flow-mods get EPERM) and dumps of all tables skip it.
var internalRules = []struct {
	priority uint16
	match    string
	actions  []openflow.Action
}{
	{2, "recirc_id=0", nil},
	{0, "reg0=0x1", []openflow.Action{&openflow.Controller{MaxLen: 0xffff, Reason: ReasonImplicitMiss}}},
	{0, "reg0=0x2", nil},
	{0, "reg0=0x3", nil},
}

func (o *Ofproto) addInternalRules() {
	now := o.Now()
	for _, ir := range internalRules {
		m, err := openflow.ParseMatch(ir.match, nil)
		if err != nil {
			panic("internal rule " + ir.match + ": " + err.Error())
		}
		value, mask, err := FlowMatch(m)
		if err != nil {
			panic("internal rule " + ir.match + ": " + err.Error())
		}
		r := &Rule{Table: internalTable, Priority: ir.priority, Created: now}
		r.SetActions(ir.actions)
		o.Add(r, &value, &mask)
	}
}
