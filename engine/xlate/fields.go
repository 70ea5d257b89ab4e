package xlate

import (
	"math/bits"
	"sync"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// Reading and writing OpenFlow fields and subfields of a flow.Flow. Every
// field, views included (vlan_vid, ip_dscp, tcp_src...), has one storage
// home in flow.Flow, which ofproto's match conversion knows; a field's
// place there is found once, by converting an all-ones match of it, and
// kept: a mask over flow.Flow plus the shift of the field's bits in it.

// u128 is a field value of up to 128 bits.
type u128 struct{ hi, lo uint64 }

func (a u128) shl(n int) u128 {
	switch {
	case n <= 0:
		return a
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{a.lo << (n - 64), 0}
	}
	return u128{a.hi<<n | a.lo>>(64-n), a.lo << n}
}

func (a u128) shr(n int) u128 {
	switch {
	case n <= 0:
		return a
	case n >= 128:
		return u128{}
	case n >= 64:
		return u128{0, a.hi >> (n - 64)}
	}
	return u128{a.hi >> n, a.lo>>n | a.hi<<(64-n)}
}

func (a u128) and(b u128) u128 { return u128{a.hi & b.hi, a.lo & b.lo} }

// ones128 has the low n bits set.
func ones128(n int) u128 {
	return u128{^uint64(0), ^uint64(0)}.shr(128 - n)
}

// fromBytes reads big-endian bytes (at most 16).
func fromBytes(b []byte) u128 {
	var v u128
	for _, c := range b {
		v = v.shl(8)
		v.lo |= uint64(c)
	}
	return v
}

// putBytes writes v as len(b) big-endian bytes.
func putBytes(b []byte, v u128) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(v.lo)
		v = v.shr(8)
	}
}

// fieldPlace is where a field lives in flow.Flow.
type fieldPlace struct {
	ok    bool
	mask  flow.Flow // all the field's bits
	store openflow.FieldID
	shift int // the field's bit 0 within its storage field
	sbyte int // width of the storage field
}

var places sync.Map // *openflow.Field -> *fieldPlace

// entryOf returns the entry of a one-field match that holds f itself
// (SetField adds packet_type for Ethernet fields).
func entryOf(m *openflow.Match) (openflow.Entry, bool) {
	var found openflow.Entry
	n := 0
	for _, e := range m.Entries() {
		if e.Field != openflow.FieldPacketType {
			found = e
			n++
		}
	}
	return found, n == 1
}

func placeOf(f *openflow.Field) *fieldPlace {
	if p, ok := places.Load(f); ok {
		return p.(*fieldPlace)
	}
	p := &fieldPlace{}
	var ones, one, zero [16]byte
	for i := range ones {
		ones[i] = 0xff
	}
	n := f.Bytes
	if n <= 16 && n > 0 {
		one[n-1] = 1
		var m, m1, m0 openflow.Match
		m.SetField(f, ones[:n], ones[:n])
		m1.SetField(f, one[:n], ones[:n])
		m0.SetField(f, zero[:n], ones[:n])
		e, ok := entryOf(&m)
		e1, ok1 := entryOf(&m1)
		e0, ok0 := entryOf(&m0)
		if _, mask, err := ofproto.FlowMatch(&m); ok && ok1 && ok0 && err == nil {
			p.ok, p.mask, p.store = true, mask, e.Field
			p.sbyte = openflow.StorageBytes(e.Field)
			if e.Field != f.ID {
				// A view: where its bit 0 lands in the storage field.
				d := fromBytes(e1.Value[:p.sbyte])
				z := fromBytes(e0.Value[:p.sbyte])
				d = u128{d.hi ^ z.hi, d.lo ^ z.lo}
				p.shift = bits.TrailingZeros64(d.lo)
				if d.lo == 0 {
					p.shift = 64 + bits.TrailingZeros64(d.hi)
				}
			}
		}
	}
	places.Store(f, p)
	return p
}

// readField returns the value of field f in fl.
func readField(fl *flow.Flow, f *openflow.Field) u128 {
	switch {
	case f.ID >= openflow.FieldXxreg0 && f.ID < openflow.FieldXxreg0+4:
		r := fl.Regs[4*int(f.ID-openflow.FieldXxreg0):]
		return u128{uint64(r[0])<<32 | uint64(r[1]), uint64(r[2])<<32 | uint64(r[3])}
	case f.ID >= openflow.FieldXreg0 && f.ID < openflow.FieldXreg0+8:
		r := fl.Regs[2*int(f.ID-openflow.FieldXreg0):]
		return u128{lo: uint64(r[0])<<32 | uint64(r[1])}
	}
	p := placeOf(f)
	if !p.ok {
		return u128{}
	}
	m := ofproto.OpenFlowMatch(fl, &p.mask)
	e, ok := m.Get(p.store)
	if !ok {
		return u128{}
	}
	return fromBytes(e.Value[:p.sbyte]).shr(p.shift).and(ones128(f.Bits))
}

// readSubfield returns sf's bits of fl and unwildcards them in wc.
func readSubfield(fl, wc *flow.Flow, sf openflow.Subfield) u128 {
	if sf.Field == nil || sf.Bits <= 0 {
		return u128{}
	}
	v := readField(fl, sf.Field).shr(sf.Ofs).and(ones128(sf.Bits))
	writeSubfieldBits(wc, sf, ones128(sf.Bits), true)
	return v
}

// writeSubfieldBits writes value into bits [Ofs, Ofs+Bits) of sf's field
// in fl: replacing them (or, when or is true, ORing them in, for masks).
func writeSubfieldBits(fl *flow.Flow, sf openflow.Subfield, value u128, or bool) {
	f := sf.Field
	if f == nil || sf.Bits <= 0 || f.Bytes > 16 {
		return
	}
	n := f.Bytes
	var v, m [16]byte
	mask := ones128(sf.Bits).shl(sf.Ofs)
	putBytes(v[:n], value.and(ones128(sf.Bits)).shl(sf.Ofs))
	putBytes(m[:n], mask)
	var mt openflow.Match
	mt.SetField(f, v[:n], m[:n])
	fv, fm, err := ofproto.FlowMatch(&mt)
	if err != nil {
		return
	}
	w, vw, mw := fl.Words(), fv.Words(), fm.Words()
	for i := range w {
		if or {
			w[i] |= vw[i]
		} else {
			w[i] = w[i]&^mw[i] | vw[i]&mw[i]
		}
	}
}
