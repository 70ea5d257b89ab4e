package ofproto

import (
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

// A flow dump bigger than one chunk is still one reply: every message but
// the last has the "more" flag, and together they hold every flow once, each
// with its own match and actions.
func TestFlowStatsChunks(t *testing.T) {
	const n = 3*flowStatsChunk + 17
	o := New("br0", nil)
	if _, err := o.FlowMods(benchFlowMods(t, n)); err != nil {
		t.Fatal(err)
	}
	var rules []*Rule
	o.Flows(&FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny},
		func(r *Rule) bool { rules = append(rules, r); return true })
	for _, c := range []struct {
		v   openflow.Version
		nxm bool
	}{{openflow.V10, true}, {openflow.V10, false}, {openflow.V13, false}, {openflow.V15, false}} {
		v, nxm := c.v, c.nxm
		chunks, err := encodeFlowStats(rules, nxm, v, 7, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		var msgs, more int
		last := false
		for _, b := range chunks {
			for len(b) > 0 {
				one, rest, err := openflow.SplitMessage(b)
				if err != nil {
					t.Fatal(err)
				}
				b = rest
				if last {
					t.Fatalf("%v nxm=%v: a message after the last one", v, nxm)
				}
				m, h, err := openflow.Decode(one)
				if err != nil {
					t.Fatal(err)
				}
				fr, ok := m.(*openflow.FlowStatsReply)
				if !ok || h.Xid != 7 {
					t.Fatalf("%v nxm=%v: got %T xid %d", v, nxm, m, h.Xid)
				}
				msgs++
				if fr.Flags&openflow.StatsMore != 0 {
					more++
				} else {
					last = true
				}
				for i := range fr.Flows {
					f := &fr.Flows[i]
					key := string(f.AppendText(nil, nil))
					if seen[key] {
						t.Fatalf("%v nxm=%v: %s twice", v, nxm, key)
					}
					seen[key] = true
				}
			}
		}
		if len(seen) != n+1 || !last || more != msgs-1 || msgs < 4 {
			t.Fatalf("%v nxm=%v: %d flows in %d messages (%d with more), want %d", v, nxm, len(seen), msgs, more, n+1)
		}
	}
}
