package ofproto

import (
	"testing"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

func TestDefaultRuleAndReplace(t *testing.T) {
	changes := 0
	o := New("br0", func() { changes++ })
	var f, wc flow.Flow
	f.EthType = 0x0800
	r := o.Lookup(0, &f, &wc)
	if r == nil || r.Priority != 0 {
		t.Fatalf("no default rule: %+v", r)
	}
	acts := r.Actions()
	if len(acts) != 1 || openflow.ActionsString(acts) != "NORMAL" {
		t.Fatalf("default actions: %+v", acts)
	}
	if !wc.Key.IsZero() {
		t.Fatalf("a catch-all rule looked at fields: %+v", wc.Key)
	}

	// A more specific rule wins for the packets it matches, and the
	// lookup reports the field it examined.
	hi := &Rule{Table: 0, Priority: 100}
	var hiMatch, hiMask flow.Flow
	hiMatch.EthType, hiMask.EthType = 0x0806, 0xffff
	hi.SetActions(nil)
	if old := o.Add(hi, &hiMatch, &hiMask); old != nil {
		t.Fatal("nothing to replace")
	}
	f.EthType = 0x0806
	wc = flow.Flow{}
	if got := o.Lookup(0, &f, &wc); got != hi {
		t.Fatalf("lookup: %+v", got)
	}
	if wc.EthType != 0xffff {
		t.Fatal("eth_type not unwildcarded")
	}
	// Same match and priority: replaced.
	hi2 := &Rule{Table: 0, Priority: 100}
	if old := o.Add(hi2, &hiMatch, &hiMask); old != hi {
		t.Fatalf("replace returned %+v", old)
	}
	// New's own rules (the default and table 254's) count one change each.
	if o.Count(0) != 2 || changes != 3+len(internalRules) {
		t.Fatalf("count %d, changes %d", o.Count(0), changes)
	}
	n := 0
	o.Rules(func(r *Rule) bool {
		if r.Table == 0 {
			n++
		}
		return true
	})
	if n != 2 {
		t.Fatalf("Rules saw %d", n)
	}
	hi2.Credit(2, 120, 5)
	hi2.Credit(1, 60, 3)
	if p, b, used := hi2.Stats(); p != 3 || b != 180 || used != 5 {
		t.Fatalf("stats %d %d %d", p, b, used)
	}
}
