package xlate

import (
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// LearnedFlow is a flow_mod a learn action made from a datapath flow's
// packets: the revalidator applies it again while the flow carries
// traffic, so that the learned flow stays (and comes back after a timeout)
// as long as packets that teach it keep coming, as OVS does.
type LearnedFlow struct {
	OF      *ofproto.Ofproto
	FlowMod *openflow.FlowMod
}

// learn builds the flow_mod l makes of the packet and applies it. The
// megaflow must hold the source bits exactly, since another packet of the
// same megaflow would learn something else.
func (x *ctx) learn(br *Bridge, l *openflow.Learn) {
	for i := range l.Specs {
		s := &l.Specs[i]
		if s.Value == nil && s.Src.Field != nil {
			readSubfield(&x.flow, &x.wc, openflow.Subfield{Field: s.Src.Field, Ofs: s.Src.Ofs, Bits: s.Bits})
		}
	}
	fm, err := l.FlowMod(func(f *openflow.Field) []byte {
		b := make([]byte, f.Bytes)
		putBytes(b, readField(&x.flow, f))
		return b
	})
	if err != nil {
		return
	}
	// Nicira semantics: a modify that selects nothing adds the flow.
	fm.NXM = true
	x.out.Cache.Learns = append(x.out.Cache.Learns, LearnedFlow{br.OF, fm})
	if x.trace != nil { // trace hook
		x.traceLearn(fm)
	}
	ok := withinLimit(br, l, fm)
	if ok && x.in.Learn {
		ok = br.OF.FlowMod(fm) == nil
	}
	if l.ResultDst.Field != nil { // LearnWriteResult is implied by ResultDst
		bit := uint64(0)
		if ok {
			bit = 1
		}
		x.loadSubfield(l.ResultDst, u128{lo: bit})
	}
}

// withinLimit applies learn's limit: a new flow may join its table only
// while fewer than Limit flows there carry the learn's cookie; changing a
// flow already learned is always allowed.
func withinLimit(br *Bridge, l *openflow.Learn, fm *openflow.FlowMod) bool {
	if l.Limit == 0 {
		return true
	}
	match, mask, err := ofproto.FlowMatch(&fm.Match)
	if err != nil {
		return false
	}
	n, exists := uint32(0), false
	br.OF.Rules(func(r *ofproto.Rule) bool {
		if r.Table != l.Table {
			return true
		}
		if r.Priority == fm.Priority && r.HasMatch(&match, &mask) {
			exists = true
			return false
		}
		if r.Cookie == l.Cookie {
			n++
		}
		return true
	})
	return exists || n < l.Limit
}
