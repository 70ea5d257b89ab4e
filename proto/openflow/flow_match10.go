package openflow

import "encoding/binary"

// OpenFlow 1.0's fixed ofp_match (40 bytes): a wildcard bitmap and one
// slot per field. It can say much less than a Match: MatchFits10 tells
// whether a match survives the trip, which is what makes OVS choose NXM
// for a flow.

const match10Len = 40

// ofp_match wildcard bits.
const (
	ofpfwInPort   = 1 << 0
	ofpfwDlVlan   = 1 << 1
	ofpfwDlSrc    = 1 << 2
	ofpfwDlDst    = 1 << 3
	ofpfwDlType   = 1 << 4
	ofpfwNwProto  = 1 << 5
	ofpfwTpSrc    = 1 << 6
	ofpfwTpDst    = 1 << 7
	ofpfwNwSrcSh  = 8
	ofpfwNwDstSh  = 14
	ofpfwDlVlanPC = 1 << 20
	ofpfwNwTos    = 1 << 21
	ofpfwAll      = 1<<22 - 1
)

// MatchFits10 reports whether m can be carried in an ofp_match. Layer 3
// and 4 slots exist only for IPv4 (and ARP, whose opcode and addresses
// reuse them), and transport ports only for TCP, UDP and ICMP.
func MatchFits10(m *Match) bool {
	et, _ := m.EthType()
	proto, _ := m.NwProto()
	ip4 := et == EthTypeIPv4
	l3 := ip4 || et == EthTypeARP
	l4 := ip4 && (proto == 6 || proto == 17 || proto == 1)
	for _, e := range m.entries {
		switch e.Field {
		case FieldIPSrc, FieldIPDst, FieldNwProto:
			if !l3 {
				return false
			}
		case FieldNwTOS:
			if !ip4 {
				return false
			}
		case FieldTpSrc, FieldTpDst:
			if !l4 {
				return false
			}
		}
		n := StorageBytes(e.Field)
		v, mk := beUint(e.Value[:n]), beUint(e.Mask[:n])
		switch e.Field {
		case FieldPacketType:
			if v != 0 {
				return false
			}
		case FieldInPort, FieldEthType, FieldNwProto, FieldTpSrc, FieldTpDst:
			if mk != 1<<(8*n)-1 {
				return false
			}
		case FieldEthSrc, FieldEthDst:
			if !allOnes(e.Mask[:6]) {
				return false
			}
		case FieldIPSrc, FieldIPDst:
			if cidrLen(e.Mask[:4]) < 0 {
				return false
			}
		case FieldNwTOS:
			if mk != 0xfc {
				return false
			}
		case FieldVlanTCI:
			switch {
			case v == 0 && mk == 0xffff: // no VLAN
			case mk == 0x1fff || mk == 0xf000 || mk == 0xffff:
				if v&0x1000 == 0 {
					return false
				}
			default:
				return false
			}
		default:
			return false
		}
	}
	return true
}

// appendMatch10 writes m as an ofp_match; fields it cannot hold are
// dropped (callers check MatchFits10 first when that matters).
func appendMatch10(b []byte, m *Match) []byte {
	var o [match10Len]byte
	// An IP address not matched is written as 32 wildcarded bits, as OVS
	// writes it (any count from 32 up means the same).
	w := uint32(ofpfwAll)&^(0x3f<<ofpfwNwSrcSh|0x3f<<ofpfwNwDstSh) | 32<<ofpfwNwSrcSh | 32<<ofpfwNwDstSh
	if v, _, ok := m.uint(FieldInPort); ok {
		w &^= ofpfwInPort
		binary.BigEndian.PutUint16(o[4:], uint16(v))
	}
	if e, ok := m.Get(FieldEthSrc); ok && allOnes(e.Mask[:6]) {
		w &^= ofpfwDlSrc
		copy(o[6:12], e.Value[:6])
	}
	if e, ok := m.Get(FieldEthDst); ok && allOnes(e.Mask[:6]) {
		w &^= ofpfwDlDst
		copy(o[12:18], e.Value[:6])
	}
	if v, mk, ok := m.uint(FieldVlanTCI); ok {
		switch {
		case v == 0 && mk == 0xffff:
			w &^= ofpfwDlVlan
			binary.BigEndian.PutUint16(o[18:], 0xffff)
		default:
			if mk&0x0fff == 0x0fff {
				w &^= ofpfwDlVlan
				binary.BigEndian.PutUint16(o[18:], uint16(v&0xfff))
			}
			if mk&0xe000 == 0xe000 {
				w &^= ofpfwDlVlanPC
				o[20] = uint8(v >> 13)
			}
		}
	}
	if v, _, ok := m.uint(FieldEthType); ok {
		w &^= ofpfwDlType
		binary.BigEndian.PutUint16(o[22:], uint16(v))
	}
	if v, mk, ok := m.uint(FieldNwTOS); ok && mk&0xfc == 0xfc {
		w &^= ofpfwNwTos
		o[24] = uint8(v & 0xfc)
	}
	if v, _, ok := m.uint(FieldNwProto); ok {
		w &^= ofpfwNwProto
		o[25] = uint8(v)
	}
	w = putNw10(o[28:32], m, FieldIPSrc, w, ofpfwNwSrcSh)
	w = putNw10(o[32:36], m, FieldIPDst, w, ofpfwNwDstSh)
	if v, _, ok := m.uint(FieldTpSrc); ok {
		w &^= ofpfwTpSrc
		binary.BigEndian.PutUint16(o[36:], uint16(v))
	}
	if v, _, ok := m.uint(FieldTpDst); ok {
		w &^= ofpfwTpDst
		binary.BigEndian.PutUint16(o[38:], uint16(v))
	}
	binary.BigEndian.PutUint32(o[0:], w)
	return append(b, o[:]...)
}

func putNw10(dst []byte, m *Match, id FieldID, w uint32, shift uint) uint32 {
	e, ok := m.Get(id)
	if !ok {
		return w
	}
	n := cidrLen(e.Mask[:4])
	if n < 0 {
		return w
	}
	copy(dst, e.Value[:4])
	w &^= 0x3f << shift
	return w | uint32(32-n)<<shift
}

// decodeMatch10 reads an ofp_match the way OVS does: wildcarded slots are
// ignored, and fields whose prerequisites the match does not establish
// are dropped.
func decodeMatch10(b []byte) *Match {
	w := binary.BigEndian.Uint32(b)
	m := &Match{}
	m.setUint(FieldPacketType, 0, 0xffffffff)
	if w&ofpfwInPort == 0 {
		m.setUint(FieldInPort, uint64(binary.BigEndian.Uint16(b[4:])), 0xffff)
	}
	if w&ofpfwDlSrc == 0 {
		m.SetField(&fields[FieldEthSrc], b[6:12], nil)
	}
	if w&ofpfwDlDst == 0 {
		m.SetField(&fields[FieldEthDst], b[12:18], nil)
	}
	vid := binary.BigEndian.Uint16(b[18:])
	switch {
	case w&ofpfwDlVlan == 0 && vid == 0xffff:
		m.setUint(FieldVlanTCI, 0, 0xffff)
	default:
		var v, mk uint64
		if w&ofpfwDlVlan == 0 {
			v, mk = uint64(vid&0xfff)|0x1000, 0x1fff
		}
		if w&ofpfwDlVlanPC == 0 {
			v |= uint64(b[20]&7)<<13 | 0x1000
			mk |= 0xf000
		}
		if mk != 0 {
			m.setUint(FieldVlanTCI, v, mk)
		}
	}
	if w&ofpfwDlType == 0 {
		m.setUint(FieldEthType, uint64(binary.BigEndian.Uint16(b[22:])), 0xffff)
	}
	if w&ofpfwNwTos == 0 {
		m.setUint(FieldNwTOS, uint64(b[24]&0xfc), 0xfc)
	}
	if w&ofpfwNwProto == 0 {
		m.setUint(FieldNwProto, uint64(b[25]), 0xff)
	}
	getNw10(m, FieldIPSrc, b[28:32], w>>ofpfwNwSrcSh&0x3f)
	getNw10(m, FieldIPDst, b[32:36], w>>ofpfwNwDstSh&0x3f)
	if w&ofpfwTpSrc == 0 {
		m.setUint(FieldTpSrc, uint64(binary.BigEndian.Uint16(b[36:])), 0xffff)
	}
	if w&ofpfwTpDst == 0 {
		m.setUint(FieldTpDst, uint64(binary.BigEndian.Uint16(b[38:])), 0xffff)
	}
	m.Normalize()
	return m
}

func getNw10(m *Match, id FieldID, v []byte, wild uint32) {
	if wild >= 32 {
		return
	}
	mask := uint64(0xffffffff) << wild & 0xffffffff
	m.setUint(id, beUint(v)&mask, mask)
}
