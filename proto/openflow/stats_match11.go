package openflow

import "encoding/binary"

// OpenFlow 1.1's fixed ofp11_match (OFPMT_STANDARD, 88 bytes), as flow
// and aggregate statistics of 1.1 carry it. Unlike 1.0 it has bit masks
// for the Ethernet and IPv4 addresses and the metadata, with 1-bits
// meaning "don't care", and MPLS label and class.

const match11Len = 88

// ofp11_match wildcard bits.
const (
	ofpfw11InPort    = 1 << 0
	ofpfw11DlVlan    = 1 << 1
	ofpfw11DlVlanPCP = 1 << 2
	ofpfw11DlType    = 1 << 3
	ofpfw11NwTos     = 1 << 4
	ofpfw11NwProto   = 1 << 5
	ofpfw11TpSrc     = 1 << 6
	ofpfw11TpDst     = 1 << 7
	ofpfw11MplsLabel = 1 << 8
	ofpfw11MplsTC    = 1 << 9
	ofpfw11All       = 1<<10 - 1
)

// Special dl_vlan values of ofp11_match.
const (
	ofpvid11Any  = 0xfffe // any VLAN, but one must be present
	ofpvid11None = 0xffff // no VLAN
)

// MatchFits11 reports whether m can be carried in an ofp11_match: only
// the fields it has slots for, ports and protocol fields exactly.
func MatchFits11(m *Match) bool {
	for _, e := range m.Entries() {
		switch e.Field {
		case FieldPacketType, FieldInPort, FieldEthSrc, FieldEthDst, FieldIPSrc, FieldIPDst, FieldMetadata:
		case FieldEthType, FieldNwProto, FieldTpSrc, FieldTpDst, FieldMplsLabel, FieldMplsTC:
			if _, ok := exact11(m, e.Field); !ok {
				return false
			}
		case FieldNwTOS:
			if _, mk, _ := m.uint(FieldNwTOS); mk != 0xfc {
				return false
			}
		case FieldVlanTCI:
			if _, _, ok := vlan11(m); !ok {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// vlan11 maps the VLAN TCI match to dl_vlan and dl_vlan_pcp (pcp < 0:
// wildcarded).
func vlan11(m *Match) (vid uint16, pcp int, ok bool) {
	v, mk, has := m.uint(FieldVlanTCI)
	switch {
	case !has || mk == 0:
		return 0, -1, true
	case mk == 0xffff && v == 0:
		return ofpvid11None, -1, true
	case mk == 0x1000 && v&0x1000 != 0:
		return ofpvid11Any, -1, true
	case mk&0x1fff == 0x1fff && v&0x1000 != 0 && (mk&0xe000 == 0 || mk&0xe000 == 0xe000):
		pcp = -1
		if mk&0xe000 != 0 {
			pcp = int(v >> 13)
		}
		return uint16(v & 0xfff), pcp, true
	case mk == 0xf000 && v&0x1000 != 0:
		return ofpvid11Any, int(v >> 13), true
	}
	return 0, 0, false
}

// exact11 is Match.exact for the fields of ofp11_match, where the MPLS
// fields are narrower than their storage.
func exact11(m *Match, id FieldID) (uint64, bool) {
	switch id {
	case FieldMplsLabel, FieldMplsTC:
		v, mk, ok := m.uint(id)
		full := uint64(0xfffff)
		if id == FieldMplsTC {
			full = 7
		}
		return v, ok && mk == full
	}
	return m.exact(id)
}

func invert(dst, src []byte) {
	for i := range dst {
		dst[i] = ^src[i]
	}
}

// appendMatch11 writes m as an ofp11_match; fields it cannot hold are
// dropped (check MatchFits11 first when that matters).
func appendMatch11(b []byte, m *Match) []byte {
	var o [match11Len]byte
	be := binary.BigEndian
	be.PutUint16(o[0:], 0)
	be.PutUint16(o[2:], match11Len)
	w := uint32(ofpfw11All)
	if v, _, ok := m.uint(FieldInPort); ok {
		w &^= ofpfw11InPort
		be.PutUint32(o[4:], portTo32(uint32(v)))
	}
	for i, id := range [...]FieldID{FieldEthSrc, FieldEthDst} {
		at := 12 + 12*i
		if e, ok := m.Get(id); ok {
			copy(o[at:at+6], e.Value[:6])
			invert(o[at+6:at+12], e.Mask[:6])
		} else {
			invert(o[at+6:at+12], make([]byte, 6))
		}
	}
	if vid, pcp, _ := vlan11(m); vid != 0 || pcp >= 0 || m.hasStorage(FieldVlanTCI) {
		if _, mk, _ := m.uint(FieldVlanTCI); mk&0x1fff != 0 {
			w &^= ofpfw11DlVlan
			be.PutUint16(o[36:], vid)
		}
		if pcp >= 0 {
			w &^= ofpfw11DlVlanPCP
			o[38] = uint8(pcp)
		}
	}
	if v, ok := m.exact(FieldEthType); ok {
		w &^= ofpfw11DlType
		be.PutUint16(o[40:], uint16(v))
	}
	if v, mk, ok := m.uint(FieldNwTOS); ok && mk&0xfc == 0xfc {
		w &^= ofpfw11NwTos
		o[42] = uint8(v & 0xfc)
	}
	if v, ok := m.exact(FieldNwProto); ok {
		w &^= ofpfw11NwProto
		o[43] = uint8(v)
	}
	for i, id := range [...]FieldID{FieldIPSrc, FieldIPDst} {
		at := 44 + 8*i
		if e, ok := m.Get(id); ok {
			copy(o[at:at+4], e.Value[:4])
			invert(o[at+4:at+8], e.Mask[:4])
		} else {
			invert(o[at+4:at+8], make([]byte, 4))
		}
	}
	if v, ok := m.exact(FieldTpSrc); ok {
		w &^= ofpfw11TpSrc
		be.PutUint16(o[60:], uint16(v))
	}
	if v, ok := m.exact(FieldTpDst); ok {
		w &^= ofpfw11TpDst
		be.PutUint16(o[62:], uint16(v))
	}
	if v, ok := exact11(m, FieldMplsLabel); ok {
		w &^= ofpfw11MplsLabel
		be.PutUint32(o[64:], uint32(v))
	}
	if v, ok := exact11(m, FieldMplsTC); ok {
		w &^= ofpfw11MplsTC
		o[68] = uint8(v)
	}
	if v, mk, ok := m.uint(FieldMetadata); ok {
		be.PutUint64(o[72:], v)
		be.PutUint64(o[80:], ^mk)
	} else {
		be.PutUint64(o[80:], ^uint64(0))
	}
	be.PutUint32(o[8:], w)
	return append(b, o[:]...)
}

// decodeMatch11 reads an ofp11_match the way OVS does.
func decodeMatch11(b []byte) (*Match, error) {
	be := binary.BigEndian
	if len(b) < match11Len {
		return nil, OFPBRC_BAD_LEN
	}
	if be.Uint16(b) != 0 {
		return nil, OFPBMC_BAD_TYPE
	}
	if be.Uint16(b[2:]) != match11Len {
		return nil, OFPBMC_BAD_LEN
	}
	w := be.Uint32(b[8:])
	m := &Match{}
	m.setUint(FieldPacketType, 0, 0xffffffff)
	if w&ofpfw11InPort == 0 {
		p := be.Uint32(b[4:])
		if p > 0xffff && p < 0xffffff00 {
			return nil, OFPBMC_BAD_VALUE
		}
		m.setUint(FieldInPort, uint64(portFrom32(p)), 0xffff)
	}
	var mask [8]byte
	for i, id := range [...]FieldID{FieldEthSrc, FieldEthDst} {
		at := 12 + 12*i
		invert(mask[:6], b[at+6:at+12])
		if !allZero(mask[:6]) {
			m.SetField(&fields[id], b[at:at+6], mask[:6])
		}
	}
	if w&ofpfw11DlVlan == 0 {
		switch vid := be.Uint16(b[36:]); vid {
		case ofpvid11None:
			m.setUint(FieldVlanTCI, 0, 0xffff)
		case ofpvid11Any:
			v, mk := uint64(0x1000), uint64(0x1000)
			if w&ofpfw11DlVlanPCP == 0 {
				v, mk = v|uint64(b[38]&7)<<13, 0xf000
			}
			m.setUint(FieldVlanTCI, v, mk)
		default:
			v, mk := uint64(vid&0xfff)|0x1000, uint64(0x1fff)
			if w&ofpfw11DlVlanPCP == 0 {
				v, mk = v|uint64(b[38]&7)<<13, 0xffff
			}
			m.setUint(FieldVlanTCI, v, mk)
		}
	}
	if w&ofpfw11DlType == 0 {
		m.setUint(FieldEthType, uint64(be.Uint16(b[40:])), 0xffff)
	}
	if w&ofpfw11NwTos == 0 {
		m.setUint(FieldNwTOS, uint64(b[42]&0xfc), 0xfc)
	}
	if w&ofpfw11NwProto == 0 {
		m.setUint(FieldNwProto, uint64(b[43]), 0xff)
	}
	for i, id := range [...]FieldID{FieldIPSrc, FieldIPDst} {
		at := 44 + 8*i
		invert(mask[:4], b[at+4:at+8])
		if !allZero(mask[:4]) {
			m.setUint(id, beUint(b[at:at+4])&beUint(mask[:4]), beUint(mask[:4]))
		}
	}
	if w&ofpfw11TpSrc == 0 {
		m.setUint(FieldTpSrc, uint64(be.Uint16(b[60:])), 0xffff)
	}
	if w&ofpfw11TpDst == 0 {
		m.setUint(FieldTpDst, uint64(be.Uint16(b[62:])), 0xffff)
	}
	if w&ofpfw11MplsLabel == 0 {
		m.setUint(FieldMplsLabel, uint64(be.Uint32(b[64:])&0xfffff), 0xfffff)
	}
	if w&ofpfw11MplsTC == 0 {
		m.setUint(FieldMplsTC, uint64(b[68]&7), 7)
	}
	if mk := ^be.Uint64(b[80:]); mk != 0 {
		m.setUint(FieldMetadata, be.Uint64(b[72:])&mk, mk)
	}
	m.Normalize()
	return m, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
