package classifier

import (
	"math/bits"

	"github.com/govs/ovs/engine/flow"
)

// The lookup in a subtable goes through the flow in stages, from the
// fields that are cheapest to tell apart and most often decisive (pipeline
// metadata, in_port) to the transport ports. Each stage but the last has an
// index of the partial hashes of the rules' values up to that stage; when the
// partial hash of the packet is not in it, no rule of the subtable can match,
// and only the bits of the stages examined so far matter to that outcome.
const (
	stageMetadata = iota
	stageL2
	stageL3
	stageL4
	numStages
)

// stageMasks[s] has the bits of flow.Flow that belong to stage s. Every bit
// belongs to exactly one stage: what is not metadata, L2 or L3 is L4 (so a
// field added to flow.Flow later is still matched on, just late).
var stageMasks = func() (m [numStages]flow.Flow) {
	ones := func(b []byte) {
		for i := range b {
			b[i] = 0xff
		}
	}
	md := &m[stageMetadata]
	md.InPort, md.RecircID, md.DpHash, md.Mark, md.Priority = ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0), ^uint32(0)
	md.OFInPort, md.ConjID, md.Metadata, md.ActsetOutput = ^uint32(0), ^uint32(0), ^uint64(0), ^uint32(0)
	for i := range md.Regs {
		md.Regs[i] = ^uint32(0)
	}

	l2 := &m[stageL2]
	ones(l2.EthDst[:])
	ones(l2.EthSrc[:])
	l2.EthType = 0xffff
	for i := range l2.VLANs {
		l2.VLANs[i] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
	}
	for i := range l2.MPLS {
		l2.MPLS[i] = ^uint32(0)
	}

	l3 := &m[stageL3]
	ones(l3.IPv4Src[:])
	ones(l3.IPv4Dst[:])
	ones(l3.IPv6Src[:])
	ones(l3.IPv6Dst[:])
	l3.IPv6Label = ^uint32(0)
	l3.NwProto, l3.NwTOS, l3.NwTTL, l3.NwFrag = 0xff, 0xff, 0xff, 0xff
	ones(l3.ARPSHA[:])
	ones(l3.ARPTHA[:])

	l4 := m[stageL4].Words()
	for i := range l4 {
		l4[i] = ^(md.Words()[i] | l2.Words()[i] | l3.Words()[i])
	}
	return m
}()

// maskWord is one word of a subtable's mask, restricted to one stage (a
// flow word that straddles two stages appears once per stage).
type maskWord struct {
	m   uint64
	idx uint8
}

// splitMask lists the non-zero words of mask stage by stage; ends[i] is the
// end in words of the i-th non-empty stage, and n is how many there are.
func splitMask(mask *flow.Flow) (words []maskWord, ends [numStages]uint8, n int) {
	mw := mask.Words()
	for s := range stageMasks {
		sw := stageMasks[s].Words()
		start := len(words)
		for i := range mw {
			if m := mw[i] & sw[i]; m != 0 {
				words = append(words, maskWord{m: m, idx: uint8(i)})
			}
		}
		if len(words) > start {
			ends[n] = uint8(len(words))
			n++
		}
	}
	return words, ends, n
}

// Hashing: one multiply-rotate round per word, and a finaliser that folds
// the high bits down and keeps the well-mixed top half of a product, because
// the tables index by the low bits of the result.
const hashSeed = 0x9e3779b97f4a7c15

func mix(h, w uint64) uint64 {
	h ^= w
	h *= 0xbf58476d1ce4e5b9
	return bits.RotateLeft64(h, 31)
}

func finish(h uint64) uint32 {
	h ^= h >> 29
	h *= 0xff51afd7ed558ccd
	return uint32(h >> 32)
}
