package ofproto

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// Lookups running while batches replace one rule by another must always
// find exactly one of them: a batch is never seen half done.
func TestConcurrentLookupDuringFlowMods(t *testing.T) {
	s := newTestSwitch(t)
	toB := []*openflow.FlowMod{
		parseFM(t, openflow.FlowDeleteStrict, "priority=30,tcp,tp_dst=80"),
		parseFM(t, openflow.FlowAdd, "priority=20,tcp,actions=output:2"),
	}
	toA := []*openflow.FlowMod{
		parseFM(t, openflow.FlowDeleteStrict, "priority=20,tcp"),
		parseFM(t, openflow.FlowAdd, "priority=30,tcp,tp_dst=80,actions=output:1"),
	}
	if _, err := s.FlowMods(toA); err != nil {
		t.Fatal(err)
	}
	var f flow.Flow
	f.EthType, f.NwProto, f.TpDst = 0x0800, 6, 80

	var stop atomic.Bool
	var misses, hits atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				var wc flow.Flow
				r := s.Lookup(0, &f, &wc)
				if r == nil {
					misses.Add(1)
					continue
				}
				hits.Add(1)
				if acts := r.Actions(); len(acts) != 1 {
					misses.Add(1)
				}
				r.Credit(1, 64, s.Now())
			}
		}()
	}
	for i := 0; i < 2000; i++ {
		batch := toB
		if i%2 == 1 {
			batch = toA
		}
		if _, err := s.FlowMods(batch); err != nil {
			t.Fatal(err)
		}
		if i%100 == 0 {
			// Dumps and expiry run alongside too.
			s.Flows(&FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny},
				func(r *Rule) bool { r.Dump(s.Now(), true); return true })
			s.Expire(s.Now())
		}
	}
	stop.Store(true)
	wg.Wait()
	if misses.Load() != 0 {
		t.Fatalf("%d lookups saw a half-applied batch (%d hits)", misses.Load(), hits.Load())
	}
	s.Sweep()
}
