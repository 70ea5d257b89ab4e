package classifier

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/govs/ovs/engine/flow"
)

// testField is a field the random rule sets match on. The set is chosen to
// cover every stage, a flow word that straddles two stages (MPLS[2] and
// IPv4Src share one), and prefix masks.
type testField struct {
	bits int
	set  func(f *flow.Flow, v uint64)
}

var testFields = []testField{
	{32, func(f *flow.Flow, v uint64) { f.InPort = uint32(v) }},
	{32, func(f *flow.Flow, v uint64) { f.Regs[3] = uint32(v) }},
	{64, func(f *flow.Flow, v uint64) { f.Metadata = v }},
	{48, func(f *flow.Flow, v uint64) {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], v)
		copy(f.EthSrc[:], b[2:])
	}},
	{16, func(f *flow.Flow, v uint64) { f.EthType = uint16(v) }},
	{16, func(f *flow.Flow, v uint64) { f.VLANs[0].TCI = uint16(v) }},
	{32, func(f *flow.Flow, v uint64) { f.MPLS[2] = uint32(v) }},
	{32, func(f *flow.Flow, v uint64) { binary.BigEndian.PutUint32(f.IPv4Src[:], uint32(v)) }},
	{32, func(f *flow.Flow, v uint64) { binary.BigEndian.PutUint32(f.IPv4Dst[:], uint32(v)) }},
	{8, func(f *flow.Flow, v uint64) { f.NwProto = uint8(v) }},
	{16, func(f *flow.Flow, v uint64) { f.TpSrc = uint16(v) }},
	{16, func(f *flow.Flow, v uint64) { f.TpDst = uint16(v) }},
	{12, func(f *flow.Flow, v uint64) { f.TCPFlags = uint16(v) }},
}

// gen makes random matches and flows over a small value domain, so that
// rules overlap and flows hit them often.
type gen struct {
	rnd    *rand.Rand
	values [][]uint64 // per field, the values rules and flows draw from
	masks  []flow.Flow
}

func newGen(seed uint64, nMasks, nValues int) *gen {
	g := &gen{rnd: rand.New(rand.NewPCG(seed, seed^0x5555))}
	for _, fd := range testFields {
		vals := make([]uint64, nValues)
		for i := range vals {
			vals[i] = g.rnd.Uint64() & ones(fd.bits)
		}
		// Values that share a prefix make prefix masks interesting.
		if nValues > 2 {
			vals[1] = vals[0] ^ 1
			vals[2] = vals[0] ^ 1<<(fd.bits/2)
		}
		g.values = append(g.values, vals)
	}
	for range nMasks {
		g.masks = append(g.masks, g.randomMask())
	}
	return g
}

func ones(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

func (g *gen) randomMask() flow.Flow {
	var m flow.Flow
	n := g.rnd.IntN(4)
	for range n {
		i := g.rnd.IntN(len(testFields))
		fd := testFields[i]
		bits := fd.bits
		if g.rnd.IntN(3) == 0 {
			bits = 1 + g.rnd.IntN(fd.bits) // prefix
		}
		var cur flow.Flow
		fd.set(&cur, ones(fd.bits)&^ones(fd.bits-bits))
		mw, cw := m.Words(), cur.Words()
		for w := range mw {
			mw[w] |= cw[w]
		}
	}
	return m
}

func (g *gen) randomFlow() flow.Flow {
	var f flow.Flow
	for i, fd := range testFields {
		if g.rnd.IntN(8) == 0 {
			fd.set(&f, g.rnd.Uint64())
		} else {
			fd.set(&f, g.values[i][g.rnd.IntN(len(g.values[i]))])
		}
	}
	// Noise in fields no rule matches on.
	f.NwTTL = uint8(g.rnd.Uint32())
	f.Regs[9] = g.rnd.Uint32()
	return f
}

func (g *gen) randomMatch() Match {
	var m Match
	m.Mask = g.masks[g.rnd.IntN(len(g.masks))]
	f := g.randomFlow()
	m.Flow = maskFlow(&f, &m.Mask)
	return m
}

func maskFlow(f, mask *flow.Flow) flow.Flow {
	var out flow.Flow
	fw, mw, ow := f.Words(), mask.Words(), out.Words()
	for i := range fw {
		ow[i] = fw[i] & mw[i]
	}
	return out
}

// agreeing returns a random flow equal to f on the bits of wc.
func (g *gen) agreeing(f, wc *flow.Flow) flow.Flow {
	r := g.randomFlow()
	fw, ww, rw := f.Words(), wc.Words(), r.Words()
	for i := range rw {
		rw[i] = fw[i]&ww[i] | rw[i]&^ww[i]
	}
	return r
}
