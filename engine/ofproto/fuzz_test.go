package ofproto

import (
	"strings"
	"testing"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// FuzzFlowMods applies flow-mods built from controller input (one per
// line: a command letter and a flow in ovs-ofctl syntax) and checks that
// the switch never panics, that failed flow-mods change nothing, and that
// what Flows reports agrees with the table counts and with lookups.
func FuzzFlowMods(f *testing.F) {
	f.Add("a priority=5,tcp,actions=output:1\nm tcp,actions=output:2\nd priority=5,tcp")
	f.Add("a table=3,priority=1,check_overlap,actions=goto_table:2\na priority=1,ip,actions=group:1")
	f.Add("a priority=7,udp,idle_timeout=1,actions=drop\nM priority=7,udp,actions=output:in_port\nD priority=7,udp")
	f.Add("a priority=1,tcp,actions=set_field:80->tcp_dst\na priority=1,actions=dec_ttl\nd out_port=1")
	f.Fuzz(func(t *testing.T, in string) {
		o := New("br0", nil)
		var now int64
		o.SetClock(func() int64 { return now })
		for _, line := range strings.Split(in, "\n") {
			if len(line) < 2 {
				continue
			}
			cmd := map[byte]openflow.FlowModCommand{'a': openflow.FlowAdd, 'm': openflow.FlowModify,
				'M': openflow.FlowModifyStrict, 'd': openflow.FlowDelete, 'D': openflow.FlowDeleteStrict}[line[0]]
			fm, err := openflow.ParseFlow(line[2:], cmd, nil)
			if err != nil {
				continue
			}
			if cmd == openflow.FlowAdd && fm.TableID == openflow.TableAll {
				fm.TableID = 0
			}
			before := o.Count(0)
			if err := o.FlowModVersion(fm, openflow.Version(1+line[1]%6)); err != nil {
				if o.Count(0) != before {
					t.Fatalf("failed flow-mod %q changed table 0", line)
				}
			}
			now += 700
			o.Expire(now)
		}
		for table := 0; table < NumTables; table++ {
			n := 0
			o.Flows(&FlowFilter{TableID: uint8(table), OutPort: openflow.PortNone, OutGroup: openflow.GroupAny},
				func(r *Rule) bool {
					n++
					// The rule's own match finds it or a rule of at
					// least its priority.
					var wc flow.Flow
					match := r.Match()
					got := o.Lookup(r.Table, &match, &wc)
					if got == nil || got.ClassifierPriority() < r.ClassifierPriority() {
						t.Fatalf("lookup of %v found %v", r.OpenFlowMatch(), got)
					}
					return true
				})
			if n != o.Count(uint8(table)) {
				t.Fatalf("table %d: Flows saw %d of %d rules", table, n, o.Count(uint8(table)))
			}
		}
	})
}
