package classifier

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/govs/ovs/engine/flow"
)

// benchMask returns the i-th of a family of typical OpenFlow masks: eth_type
// with IPv4 source and destination prefixes of /16 to /32, the TCP
// destination port on some, in_port on some.
func benchMask(i int) flow.Flow {
	var m flow.Flow
	m.EthType = 0xffff
	src, dst := 16+i%17, 16+(i/17)%17
	binary.BigEndian.PutUint32(m.IPv4Src[:], uint32(ones(32)&^ones(32-src)))
	binary.BigEndian.PutUint32(m.IPv4Dst[:], uint32(ones(32)&^ones(32-dst)))
	if (i/(17*17))%2 == 1 {
		m.NwProto = 0xff
		m.TpDst = 0xffff
	}
	if (i/(2*17*17))%2 == 1 {
		m.InPort = ^uint32(0)
	}
	return m
}

func benchFlow(rnd *rand.Rand) flow.Flow {
	var f flow.Flow
	f.InPort = uint32(rnd.IntN(4))
	f.EthType = 0x0800
	binary.BigEndian.PutUint32(f.IPv4Src[:], rnd.Uint32())
	binary.BigEndian.PutUint32(f.IPv4Dst[:], rnd.Uint32())
	f.NwProto = 6
	f.TpSrc = uint16(rnd.Uint32())
	f.TpDst = uint16(rnd.IntN(1024))
	return f
}

// benchRules makes n distinct rules over nMasks masks with priorities drawn
// from a few hundred values.
func benchRules(n, nMasks int, seed uint64) ([]Match, []int32) {
	rnd := rand.New(rand.NewPCG(seed, 1))
	masks := make([]flow.Flow, nMasks)
	for i := range masks {
		masks[i] = benchMask(i)
	}
	matches := make([]Match, n)
	prios := make([]int32, n)
	for i := range matches {
		f := benchFlow(rnd)
		mask := &masks[i%nMasks]
		matches[i] = Match{Flow: maskFlow(&f, mask), Mask: *mask}
		prios[i] = int32(rnd.IntN(300))
	}
	return matches, prios
}

func BenchmarkInsert100k(b *testing.B) {
	for _, nMasks := range []int{10, 300} {
		b.Run(fmt.Sprintf("masks=%d", nMasks), func(b *testing.B) {
			matches, prios := benchRules(100_000, nMasks, 1)
			var bytesPerRule float64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				c := New[int](nil)
				for i := range matches {
					c.Insert(&matches[i], prios[i], i)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				bytesPerRule = float64(after.HeapAlloc-before.HeapAlloc) / float64(c.Count())
				runtime.KeepAlive(c)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/rule")
			b.ReportMetric(bytesPerRule, "B/rule")
		})
	}
}

// BenchmarkInsert100kBundle inserts 100k rules in one transaction.
func BenchmarkInsert100kBundle(b *testing.B) {
	matches, prios := benchRules(100_000, 300, 1)
	for b.Loop() {
		c := New[int](nil)
		for i := range matches {
			c.StageInsert(&matches[i], prios[i], i)
		}
		c.Clock().Commit()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/100_000, "ns/rule")
}

// BenchmarkReplaceFlows10pct is ovs-ofctl replace-flows on a table of 100k
// rules where 10% differ: 5k rules deleted, 5k added, 5k modified (their
// replacement has new actions), each a flow-mod of its own or all in one
// bundle.
func BenchmarkReplaceFlows10pct(b *testing.B) {
	matches, prios := benchRules(110_000, 300, 2)
	for _, bundle := range []bool{false, true} {
		b.Run(fmt.Sprintf("bundle=%v", bundle), func(b *testing.B) {
			c := New[int](nil)
			rules := make([]*Rule[int], 100_000)
			for i := range rules {
				rules[i], _ = c.Insert(&matches[i], prios[i], i)
			}
			gen := 0
			b.ResetTimer()
			for b.Loop() {
				gen++
				commit := func() {
					if !bundle {
						c.Clock().Commit()
					}
				}
				for i := 0; i < 5000; i++ { // delete
					c.StageRemove(rules[i])
					commit()
				}
				for i := 5000; i < 10000; i++ { // modify
					m := rules[i].Match()
					rules[i], _ = c.StageInsert(&m, rules[i].priority, gen)
					commit()
				}
				for i := 100_000; i < 105_000; i++ { // add
					c.StageInsert(&matches[i], prios[i], i)
					commit()
				}
				c.Clock().Commit()
				b.StopTimer()
				// Put the table back as it was.
				for i := range 5000 {
					rules[i], _ = c.StageInsert(&matches[i], prios[i], i)
				}
				for i := 100_000; i < 105_000; i++ {
					c.StageRemove(c.FindExact(&matches[i], prios[i]))
				}
				c.Clock().Commit()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkLookup measures lookups with wildcard tracking in tables of 10k
// rules spread over 10, 100 or 1000 subtables. "hit" flows match one of the
// rules exactly; "miss" flows match only the priority-0 catch-all, so every
// subtable is probed.
func BenchmarkLookup(b *testing.B) {
	for _, nMasks := range []int{10, 100, 1000} {
		matches, prios := benchRules(10_000, nMasks, 3)
		c := New[int](nil)
		for i := range matches {
			c.Insert(&matches[i], prios[i]+1, i)
		}
		all := Match{}
		c.Insert(&all, 0, -1)
		rnd := rand.New(rand.NewPCG(4, 4))
		hits := make([]flow.Flow, 1024)
		for i := range hits {
			hits[i] = benchFlow(rnd)
			hits[i].Key.Or(&matches[rnd.IntN(len(matches))].Flow.Key)
		}
		misses := make([]flow.Flow, 1024)
		for i := range misses {
			misses[i] = benchFlow(rnd)
			misses[i].InPort = 99
		}
		for _, kind := range []struct {
			name  string
			flows []flow.Flow
		}{{"hit", hits}, {"miss", misses}} {
			b.Run(fmt.Sprintf("subtables=%d/%s", c.NumSubtables(), kind.name), func(b *testing.B) {
				b.ReportAllocs()
				var wc flow.Flow
				i := 0
				for b.Loop() {
					wc = flow.Flow{}
					if c.Lookup(&kind.flows[i&1023], &wc) == nil {
						b.Fatal("no match")
					}
					i++
				}
			})
		}
	}
}

// BenchmarkLookupParallel runs lookups from all cores at once.
func BenchmarkLookupParallel(b *testing.B) {
	matches, prios := benchRules(10_000, 100, 3)
	c := New[int](nil)
	for i := range matches {
		c.Insert(&matches[i], prios[i]+1, i)
	}
	all := Match{}
	c.Insert(&all, 0, -1)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		rnd := rand.New(rand.NewPCG(rand.Uint64(), 5))
		flows := make([]flow.Flow, 256)
		for i := range flows {
			flows[i] = benchFlow(rnd)
		}
		var wc flow.Flow
		i := 0
		for pb.Next() {
			c.Lookup(&flows[i&255], &wc)
			i++
		}
	})
}
