package ofproto

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sync"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// The bridge between proto/openflow's match model (one entry per OVS
// storage field, big-endian bytes) and the classifier's flow.Flow value and
// mask. Each storage field has exactly one home in flow.Flow, chosen so
// that the semantics agree bit for bit (vlan_tci's CFI bit marks a present
// tag in both, ip_frag's bits are the same, arp_spa lives in IPv4Src as in
// OVS), so conversion in both directions is lossless.

// ErrUnsupportedField is returned for fields the switch cannot match on
// yet (NSH).
type ErrUnsupportedField struct{ Field openflow.FieldID }

func (e ErrUnsupportedField) Error() string {
	if f := openflow.FieldByID(e.Field); f != nil {
		return fmt.Sprintf("field %s is not supported by this switch", f.Name)
	}
	return fmt.Sprintf("field %d is not supported by this switch", e.Field)
}

// fieldSlot reads or writes one storage field of a flow.Flow as
// big-endian bytes.
type fieldSlot struct {
	get func(f *flow.Flow, b []byte)
	set func(f *flow.Flow, b []byte)
}

func u32Slot(p func(f *flow.Flow) *uint32) fieldSlot {
	return fieldSlot{
		get: func(f *flow.Flow, b []byte) { binary.BigEndian.PutUint32(b, *p(f)) },
		set: func(f *flow.Flow, b []byte) { *p(f) = binary.BigEndian.Uint32(b) },
	}
}

func u16Slot(p func(f *flow.Flow) *uint16) fieldSlot {
	return fieldSlot{
		get: func(f *flow.Flow, b []byte) { binary.BigEndian.PutUint16(b, *p(f)) },
		set: func(f *flow.Flow, b []byte) { *p(f) = binary.BigEndian.Uint16(b) },
	}
}

func u8Slot(p func(f *flow.Flow) *uint8) fieldSlot {
	return fieldSlot{
		get: func(f *flow.Flow, b []byte) { b[0] = *p(f) },
		set: func(f *flow.Flow, b []byte) { *p(f) = b[0] },
	}
}

func bytesSlot(p func(f *flow.Flow) []byte) fieldSlot {
	return fieldSlot{
		get: func(f *flow.Flow, b []byte) { copy(b, p(f)) },
		set: func(f *flow.Flow, b []byte) { copy(p(f), b) },
	}
}

// mplsSlot maps one part of the outermost MPLS label stack entry.
func mplsSlot(shift, bits uint) fieldSlot {
	m := uint32(1)<<bits - 1
	return fieldSlot{
		get: func(f *flow.Flow, b []byte) {
			v := f.MPLS[0] >> shift & m
			if len(b) == 4 {
				binary.BigEndian.PutUint32(b, v)
			} else {
				b[0] = byte(v)
			}
		},
		set: func(f *flow.Flow, b []byte) {
			var v uint32
			if len(b) == 4 {
				v = binary.BigEndian.Uint32(b)
			} else {
				v = uint32(b[0])
			}
			f.MPLS[0] = f.MPLS[0]&^(m<<shift) | (v&m)<<shift
		},
	}
}

// slotTable maps each supported storage field to its home in flow.Flow;
// it is built on first use, not at the start of every tool.
var slotTable = sync.OnceValues(func() (map[openflow.FieldID]fieldSlot, []openflow.FieldID) {
	s := map[openflow.FieldID]fieldSlot{
		openflow.FieldPacketType:   u32Slot(func(f *flow.Flow) *uint32 { return &f.PacketType }),
		openflow.FieldRecircID:     u32Slot(func(f *flow.Flow) *uint32 { return &f.RecircID }),
		openflow.FieldDpHash:       u32Slot(func(f *flow.Flow) *uint32 { return &f.DpHash }),
		openflow.FieldConjID:       u32Slot(func(f *flow.Flow) *uint32 { return &f.ConjID }),
		openflow.FieldPktMark:      u32Slot(func(f *flow.Flow) *uint32 { return &f.Mark }),
		openflow.FieldSkbPriority:  u32Slot(func(f *flow.Flow) *uint32 { return &f.Priority }),
		openflow.FieldActsetOutput: u32Slot(func(f *flow.Flow) *uint32 { return &f.ActsetOutput }),
		openflow.FieldTunID: {
			get: func(f *flow.Flow, b []byte) { binary.BigEndian.PutUint64(b, f.TunID) },
			set: func(f *flow.Flow, b []byte) { f.TunID = binary.BigEndian.Uint64(b) },
		},
		openflow.FieldMetadata: {
			get: func(f *flow.Flow, b []byte) { binary.BigEndian.PutUint64(b, f.Metadata) },
			set: func(f *flow.Flow, b []byte) { f.Metadata = binary.BigEndian.Uint64(b) },
		},
		openflow.FieldInPort: {
			get: func(f *flow.Flow, b []byte) { binary.BigEndian.PutUint16(b, uint16(f.OFInPort)) },
			set: func(f *flow.Flow, b []byte) { f.OFInPort = uint32(binary.BigEndian.Uint16(b)) },
		},
		openflow.FieldVlanTCI:   u16Slot(func(f *flow.Flow) *uint16 { return &f.VLANs[0].TCI }),
		openflow.FieldEthSrc:    bytesSlot(func(f *flow.Flow) []byte { return f.EthSrc[:] }),
		openflow.FieldEthDst:    bytesSlot(func(f *flow.Flow) []byte { return f.EthDst[:] }),
		openflow.FieldEthType:   u16Slot(func(f *flow.Flow) *uint16 { return &f.EthType }),
		openflow.FieldMplsLabel: mplsSlot(12, 20),
		openflow.FieldMplsTC:    mplsSlot(9, 3),
		openflow.FieldMplsBOS:   mplsSlot(8, 1),
		openflow.FieldMplsTTL:   mplsSlot(0, 8),
		openflow.FieldIPSrc:     bytesSlot(func(f *flow.Flow) []byte { return f.IPv4Src[:] }),
		openflow.FieldIPDst:     bytesSlot(func(f *flow.Flow) []byte { return f.IPv4Dst[:] }),
		openflow.FieldIPv6Src:   bytesSlot(func(f *flow.Flow) []byte { return f.IPv6Src[:] }),
		openflow.FieldIPv6Dst:   bytesSlot(func(f *flow.Flow) []byte { return f.IPv6Dst[:] }),
		openflow.FieldIPv6Label: u32Slot(func(f *flow.Flow) *uint32 { return &f.IPv6Label }),
		openflow.FieldNwProto:   u8Slot(func(f *flow.Flow) *uint8 { return &f.NwProto }),
		openflow.FieldNwTOS:     u8Slot(func(f *flow.Flow) *uint8 { return &f.NwTOS }),
		openflow.FieldNwTTL:     u8Slot(func(f *flow.Flow) *uint8 { return &f.NwTTL }),
		openflow.FieldIPFrag:    u8Slot(func(f *flow.Flow) *uint8 { return &f.NwFrag }),
		openflow.FieldArpSha:    bytesSlot(func(f *flow.Flow) []byte { return f.ARPSHA[:] }),
		openflow.FieldArpTha:    bytesSlot(func(f *flow.Flow) []byte { return f.ARPTHA[:] }),
		openflow.FieldNdTarget:  bytesSlot(func(f *flow.Flow) []byte { return f.NDTarget[:] }),
		openflow.FieldTpSrc:     u16Slot(func(f *flow.Flow) *uint16 { return &f.TpSrc }),
		openflow.FieldTpDst:     u16Slot(func(f *flow.Flow) *uint16 { return &f.TpDst }),
		openflow.FieldTCPFlags:  u16Slot(func(f *flow.Flow) *uint16 { return &f.TCPFlags }),
	}
	for i := 0; i < 16; i++ {
		i := i
		s[openflow.FieldReg0+openflow.FieldID(i)] = u32Slot(func(f *flow.Flow) *uint32 { return &f.Regs[i] })
	}
	order := make([]openflow.FieldID, 0, len(s))
	for id := range s {
		order = append(order, id)
	}
	slices.Sort(order)
	return s, order
})

// orderedSlot is one slot with its field, in the registry's order: the
// walk OpenFlowMatch makes for every flow a dump reports, without a map
// lookup per field.
type orderedSlot struct {
	id   openflow.FieldID
	slot fieldSlot
}

var orderedSlots = sync.OnceValue(func() []orderedSlot {
	slots, order := slotTable()
	out := make([]orderedSlot, len(order))
	for i, id := range order {
		out[i] = orderedSlot{id, slots[id]}
	}
	return out
})

// FlowMatch converts an OpenFlow match to a classifier value and mask
// (the value already masked).
func FlowMatch(m *openflow.Match) (value, mask flow.Flow, err error) {
	slots, _ := slotTable()
	// The slot functions are called through func values, so whatever is
	// passed to them escapes to the heap: the flows and the field buffer
	// are a pooled scratch, or every flow-mod would leave two flows of
	// garbage behind.
	sc := flowMatchPool.Get().(*matchScratch)
	defer flowMatchPool.Put(sc)
	sc.value, sc.mask = flow.Flow{}, flow.Flow{}
	buf := sc.buf[:]
	for _, e := range m.Entries() {
		s, ok := slots[e.Field]
		if !ok {
			return flow.Flow{}, flow.Flow{}, ErrUnsupportedField{e.Field}
		}
		n := openflow.StorageBytes(e.Field)
		v, mk := buf[:16], buf[16:]
		for i := 0; i < n; i++ {
			mk[i] = e.Mask[i]
			v[i] = e.Value[i] & e.Mask[i]
		}
		s.set(&sc.value, v[:n])
		s.set(&sc.mask, mk[:n])
	}
	if sc.mask.Key.PacketType == ^uint32(0) && sc.value.Key.PacketType == 0 {
		// packet_type=ethernet, which OpenFlow 1.0 matches imply, is
		// true of every packet this switch carries: dropping it makes a
		// flow the same whichever version installed it, as in OVS.
		sc.mask.Key.PacketType = 0
	}
	return sc.value, sc.mask, nil
}

var flowMatchPool = sync.Pool{New: func() any { return new(matchScratch) }}

// OpenFlowMatch converts a classifier value and mask back to an OpenFlow
// match, in the registry's field order.
func OpenFlowMatch(value, mask *flow.Flow) *openflow.Match {
	m := &openflow.Match{}
	fillOpenFlowMatch(m, value, mask, new(matchScratch))
	return m
}

// matchScratch is what converting a flow to an OpenFlow match needs on the
// heap: the slot functions are called through function values, so the
// flows and buffers passed to them escape, and a caller converting many
// flows (a flow dump) allocates one scratch and reuses it.
type matchScratch struct {
	buf         [32]byte // one field's value and mask
	value, mask flow.Flow

	// The fields that fields' mask covers, with their masks: the rules
	// of a dump come subtable by subtable, so consecutive rules mostly
	// have the same mask, and finding its fields means asking every
	// field the switch supports.
	fields       []maskedField
	fieldsMask   flow.Flow
	fieldsCached bool
}

type maskedField struct {
	id   openflow.FieldID
	get  func(f *flow.Flow, b []byte)
	mask [16]byte
}

// fillOpenFlowMatch is OpenFlowMatch into m, reusing m's storage.
func fillOpenFlowMatch(m *openflow.Match, value, mask *flow.Flow, scratch *matchScratch) {
	m.Reset()
	if !scratch.fieldsCached || scratch.fieldsMask != *mask {
		scratch.maskedFields(mask)
	}
	buf := scratch.buf[:]
	for i := range scratch.fields {
		f := &scratch.fields[i]
		n := openflow.StorageBytes(f.id)
		v := buf[:n]
		f.get(value, v)
		e := openflow.Entry{Field: f.id, Mask: f.mask}
		copy(e.Value[:], v)
		m.SetEntry(e)
	}
}

// maskedFields finds the fields mask covers, in the registry's order.
func (sc *matchScratch) maskedFields(mask *flow.Flow) {
	sc.fields = sc.fields[:0]
	sc.fieldsMask, sc.fieldsCached = *mask, true
	buf := sc.buf[:]
	for _, os := range orderedSlots() {
		n := openflow.StorageBytes(os.id)
		mk := buf[:n]
		os.slot.get(mask, mk)
		zero := true
		for _, b := range mk {
			if b != 0 {
				zero = false
				break
			}
		}
		if zero {
			continue
		}
		f := maskedField{id: os.id, get: os.slot.get}
		copy(f.mask[:], mk)
		sc.fields = append(sc.fields, f)
	}
}
