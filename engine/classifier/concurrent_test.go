package classifier

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/govs/ovs/engine/flow"
)

// TestConcurrentReadersSeeWholeCommits has one writer move a generation of
// rules between masks, tables and priorities in transactions, with noise
// that grows and shrinks the hash tables, while readers look up. Every reader
// must see exactly one generation in both tables: never a gap (the old rule
// unlinked before the reader was done with its version), never two
// generations mixed.
func TestConcurrentReadersSeeWholeCommits(t *testing.T) {
	k := NewClock()
	c1, c2 := New[int](k), New[int](k)
	masks := []Match{
		matchOf(inPort(1)),
		matchOf(inPort(1), tpDst(80)),
		matchOf(inPort(1), ethType(0x0800), tpDst(80)),
	}
	var f flow.Flow
	f.InPort, f.EthType, f.TpDst = 1, 0x0800, 80
	all := matchOf()
	c1.Insert(&all, 0, -1)
	c2.Insert(&all, 0, -1)
	cur1, _ := c1.Insert(&masks[0], 100, 0)
	cur2, _ := c2.Insert(&masks[0], 100, 0)

	const generations = 1500
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for reader := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(reader), 1))
			last := 0
			for !done.Load() {
				s := k.Enter()
				r1 := c1.LookupVersion(s.Version(), &f, nil)
				var wc flow.Flow
				r2 := c2.LookupVersion(s.Version(), &f, &wc)
				// Noise lookups walk tables being rebuilt.
				var g flow.Flow
				g.InPort, g.TpDst = 2, uint16(rnd.IntN(4000))
				c1.LookupVersion(s.Version(), &g, &wc)
				s.Exit()
				switch {
				case r1 == nil || r2 == nil:
					errs <- fmt.Errorf("no rule at version %d", s.Version())
					return
				case r1.Value < 0 || r2.Value < 0:
					errs <- fmt.Errorf("fell through to the catch-all at version %d", s.Version())
					return
				case r1.Value != r2.Value:
					errs <- fmt.Errorf("generations %d and %d mixed in version %d", r1.Value, r2.Value, s.Version())
					return
				case r1.Value < last:
					errs <- fmt.Errorf("went back from generation %d to %d", last, r1.Value)
					return
				}
				last = r1.Value
				if r := c1.Lookup(&f, nil); r == nil || r.Value < last {
					errs <- fmt.Errorf("Lookup went back to %v", r)
					return
				}
			}
		}()
	}

	rnd := rand.New(rand.NewPCG(7, 7))
	var noise []*Rule[int]
	for gen := 1; gen <= generations; gen++ {
		m := &masks[gen%len(masks)]
		prio := int32(100 + gen%3)
		switch gen % 4 {
		case 0: // One transaction across both tables.
			c1.StageRemove(cur1)
			c2.StageRemove(cur2)
			cur1, _ = c1.StageInsert(m, prio, gen)
			cur2, _ = c2.StageInsert(m, prio, gen)
		case 1: // Replacement by identical match and priority.
			old1, old2 := cur1.Match(), cur2.Match()
			cur1, _ = c1.StageInsert(&old1, cur1.priority, gen)
			cur2, _ = c2.StageInsert(&old2, cur2.priority, gen)
		case 2: // An aborted transaction, then the real one.
			c1.StageRemove(cur1)
			c1.StageInsert(m, 1000, -5)
			k.Abort()
			c1.StageRemove(cur1)
			c2.StageRemove(cur2)
			cur1, _ = c1.StageInsert(m, prio, gen)
			cur2, _ = c2.StageInsert(m, prio, gen)
		case 3: // Higher generation at a higher priority, old one removed.
			n1, _ := c1.StageInsert(m, prio+10, gen)
			n2, _ := c2.StageInsert(m, prio+10, gen)
			c1.StageRemove(cur1)
			c2.StageRemove(cur2)
			cur1, cur2 = n1, n2
		}
		for range rnd.IntN(20) {
			if len(noise) > 0 && rnd.IntN(2) == 0 {
				i := rnd.IntN(len(noise))
				c1.StageRemove(noise[i])
				noise[i] = noise[len(noise)-1]
				noise = noise[:len(noise)-1]
			} else {
				nm := matchOf(inPort(2), tpDst(uint16(rnd.IntN(4000))))
				if rnd.IntN(3) == 0 {
					nm = matchOf(inPort(2), ethType(uint16(rnd.IntN(4000))))
				}
				r, old := c1.StageInsert(&nm, int32(rnd.IntN(5000)), gen)
				if old != nil {
					for i, x := range noise {
						if x == old {
							noise[i] = r
							r = nil
							break
						}
					}
				}
				if r != nil {
					noise = append(noise, r)
				}
			}
		}
		k.Commit()
		select {
		case err := <-errs:
			done.Store(true)
			wg.Wait()
			t.Fatal(err)
		default:
		}
	}
	done.Store(true)
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	if c1.Count() != 2+len(noise) {
		t.Fatalf("count %d, want %d", c1.Count(), 2+len(noise))
	}
	k.Synchronize()
	if len(c1.pending) != 0 || len(c2.pending) != 0 {
		t.Fatal("Synchronize left removed rules linked")
	}
	linked := 0
	for _, st := range c1.subtables {
		linked += st.nRules
	}
	if linked != c1.Count() {
		t.Fatalf("%d rules linked, %d counted", linked, c1.Count())
	}
}
