package userspace

import (
	"testing"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// benchPMD returns a datapath with counting ports and a pmd for port 1
// that the benchmark drives directly (no goroutine, no channel).
func benchPMD(b *testing.B, acts dpif.Actions) (*Datapath, *pmd, [][]byte) {
	dp, devs := newDP(b, 2)
	for _, d := range devs {
		d.count = true
	}
	k, m := ethTypeMask()
	k.InPort = 1
	m.IPv4Src = [4]byte{0xff, 0xff, 0xff, 0}
	k.IPv4Src = [4]byte{10, 0, 0, 0}
	if err := dp.FlowPut(&k, &m, acts); err != nil {
		b.Fatal(err)
	}
	frames := make([][]byte, netdev.BatchSize)
	for i := range frames {
		frames[i] = ipv4Frame(flow.IPProtoUDP, [4]byte{10, 0, 0, byte(i)}, [4]byte{10, 0, 0, 200}, uint16(i), 53, make([]byte, 18))
	}
	dp.mu.Lock()
	p := newPMD(dp, dp.byNo[1])
	dp.mu.Unlock()
	return dp, p, frames
}

func fill(m *pmd, frames [][]byte) {
	for i, f := range frames {
		p := m.dp.pool.Get()
		p.SetLen(copy(p.Buffer(), f))
		m.batch.Pkts[i] = p
	}
	m.batch.N = len(frames)
}

func runBatches(b *testing.B, acts dpif.Actions) {
	_, m, frames := benchPMD(b, acts)
	fill(m, frames)
	m.process() // warm the caches
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		fill(m, frames)
		m.process()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(frames)), "ns/pkt")
	if m.emcHits.Load() == 0 {
		b.Fatal("no EMC hits")
	}
}

// BenchmarkEMCHit: a batch of 32 packets of one megaflow, all EMC hits,
// dropped.
func BenchmarkEMCHit(b *testing.B) { runBatches(b, nil) }

// BenchmarkForwardBatch: a batch of 32 EMC hits forwarded to one port.
func BenchmarkForwardBatch(b *testing.B) {
	runBatches(b, dpif.Actions{{Type: dpif.ActOutput, Port: 2}})
}

// BenchmarkMegaflowLookup: a lookup that searches 8 subtables (the hit is
// in the last one).
func BenchmarkMegaflowLookup(b *testing.B) {
	dp, _ := newDP(b, 1)
	var k flow.Key
	k.InPort, k.EthType = 1, flow.EthTypeIP
	for i := 0; i < 8; i++ {
		var m flow.Key
		m.EthType = 0xffff
		m.TpDst = 0xffff
		m.IPv4Src = [4]byte{0xff, 0xff, 0xff, byte(0xff << i)}
		fk := k
		fk.IPv4Src = [4]byte{10, 0, 0, 1}
		fk.TpDst = uint16(100 + i)
		for j := 0; j < 100; j++ { // populate each subtable
			fk.IPv4Dst = [4]byte{1, 1, 1, byte(j)}
			m.IPv4Dst = [4]byte{0xff, 0xff, 0xff, 0xff}
			if err := dp.FlowPut(&fk, &m, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	cls := dp.byNo[1].cls
	probe := k
	probe.IPv4Src = [4]byte{10, 0, 0, 1}
	probe.IPv4Dst = [4]byte{1, 1, 1, 7}
	probe.TpDst = 107
	b.ReportAllocs()
	for b.Loop() {
		if f, _ := cls.lookup(&probe); f == nil {
			b.Fatal("miss")
		}
	}
}
