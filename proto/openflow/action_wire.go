package openflow

import "encoding/binary"

// Wire codecs for actions. OpenFlow 1.0 has its own fixed action set;
// 1.2 and later share one (OFPAT_SET_FIELD carrying an OXM TLV); the
// Nicira extensions (vendor 0x2320) fill the gaps in both. OpenFlow 1.1's
// pre-OXM action set is not spoken: AppendActionsWire and DecodeActions
// refuse V11 with OFPBRC_BAD_VERSION.

const nxVendor = 0x2320

// Nicira extension action subtypes.
const (
	nxastResubmit      = 1
	nxastSetQueue      = 4
	nxastPopQueue      = 5
	nxastRegMove       = 6
	nxastRegLoad       = 7
	nxastNote          = 8
	nxastResubmitTable = 14
	nxastOutputReg     = 15
	nxastExit          = 17
	nxastDecTTL        = 18
	nxastFinTimeout    = 19
	nxastController    = 20
	nxastDecTTLCntIDs  = 21
	nxastWriteMetadata = 22
	nxastPushMPLS      = 23
	nxastPopMPLS       = 24
	nxastSetMPLSTTL    = 25
	nxastDecMPLSTTL    = 26
	nxastSetMPLSLabel  = 30
	nxastSetMPLSTC     = 31
	nxastConjunction   = 34
	nxastOutputTrunc   = 39
)

func be16(b []byte, v uint16) []byte { return binary.BigEndian.AppendUint16(b, v) }
func be32(b []byte, v uint32) []byte { return binary.BigEndian.AppendUint32(b, v) }
func be64(b []byte, v uint64) []byte { return binary.BigEndian.AppendUint64(b, v) }

func pad(b []byte, n int) []byte {
	for range n {
		b = append(b, 0)
	}
	return b
}

// fixLen writes the 8-byte aligned length of the action starting at
// start, padding as needed.
func fixLen(b []byte, start int) []byte {
	for (len(b)-start)%8 != 0 {
		b = append(b, 0)
	}
	binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start))
	return b
}

func nxHdr(b []byte, subtype uint16) []byte {
	b = be16(b, 0xffff)
	b = be16(b, 0) // length, fixed by fixLen
	b = be32(b, nxVendor)
	return be16(b, subtype)
}

func ofsNbits(sf Subfield) uint16 { return uint16(sf.Ofs)<<6 | uint16(sf.Bits-1) }

func fieldHeader(f *Field) uint32 {
	code := f.NXM
	if code == 0 && f.ID != FieldInPort {
		code = f.OXM
	}
	return tlvHeader(code, false, f.Bytes)
}

func ofHdr(b []byte, typ uint16) []byte { return be16(be16(b, typ), 0) }

// AppendActionsWire appends the wire form of acts for version v. Actions
// that stand for instructions are an error here (OFPBIC_UNSUP_INST):
// AppendInstructions places them.
func AppendActionsWire(b []byte, acts []Action, v Version) ([]byte, error) {
	if v == V11 || !v.Known() {
		return b, OFPBRC_BAD_VERSION
	}
	var err error
	for _, a := range acts {
		if b, err = appendActionWire(b, a, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func appendActionWire(b []byte, a Action, v Version) ([]byte, error) {
	start := len(b)
	of10 := v == V10
	switch a := a.(type) {
	case *Output:
		if a.MaxLen != 0 && a.Port != PortController {
			b = nxHdr(b, nxastOutputTrunc)
			b = be16(b, uint16(a.Port))
			b = be32(b, uint32(a.MaxLen))
			break
		}
		if of10 {
			b = ofHdr(b, 0)
			b = be16(be16(b, uint16(a.Port)), a.MaxLen)
		} else {
			b = ofHdr(b, 0)
			b = be16(be32(b, portTo32(a.Port)), a.MaxLen)
		}
	case *Controller:
		if a.simple() {
			return appendActionWire(b, &Output{Port: PortController, MaxLen: a.MaxLen}, v)
		}
		if len(a.Userdata) > 0 || a.Pause {
			return b, NXBRC_UNENCODABLE_ERROR
		}
		b = nxHdr(b, nxastController)
		b = be16(be16(b, a.MaxLen), a.ID)
		b = append(b, a.Reason, 0)
	case *Enqueue:
		if !of10 {
			b = ofHdr(b, 21)
			b = be32(b, a.Queue)
			b = fixLen(b, start)
			b, _ = appendActionWire(b, &Output{Port: a.Port}, v)
			return appendActionWire(b, &PopQueue{}, v)
		}
		b = ofHdr(b, 11)
		b = pad(be16(b, uint16(a.Port)), 6)
		b = be32(b, a.Queue)
	case *OutputReg:
		b = nxHdr(b, nxastOutputReg)
		b = be16(b, ofsNbits(a.Src))
		b = be32(b, fieldHeader(a.Src.Field))
		b = pad(be16(b, a.MaxLen), 6)
	case *SetVlanVID:
		if !of10 {
			b = ofHdr(b, 17)
			b = be16(b, 0x8100)
			b = fixLen(b, start)
			return appendActionWire(b, &SetField{Field: &fields[FieldVlanVID], Value: []byte{byte((a.VID | 0x1000) >> 8), byte(a.VID)}}, v)
		}
		b = ofHdr(b, 1)
		b = be16(b, a.VID)
	case *SetVlanPCP:
		if !of10 {
			b = ofHdr(b, 17)
			b = be16(b, 0x8100)
			b = fixLen(b, start)
			return appendActionWire(b, &SetField{Field: &fields[FieldVlanPCP], Value: []byte{a.PCP}}, v)
		}
		b = ofHdr(b, 2)
		b = append(b, a.PCP)
	case *StripVlan:
		if of10 {
			b = ofHdr(b, 3)
		} else {
			b = ofHdr(b, 18)
		}
	case *PushVlan:
		if of10 {
			return b, OFPBAC_BAD_TYPE
		}
		b = be16(ofHdr(b, 17), a.EthType)
	case *PushMPLS:
		if of10 {
			b = nxHdr(b, nxastPushMPLS)
		} else {
			b = ofHdr(b, 19)
		}
		b = be16(b, a.EthType)
	case *PopMPLS:
		if of10 {
			b = nxHdr(b, nxastPopMPLS)
		} else {
			b = ofHdr(b, 20)
		}
		b = be16(b, a.EthType)
	case *SetField:
		if of10 || a.Mask != nil || a.Field.OXM == 0 || a.Field.OXMVersion > v {
			sf, ok := maskSubfield(a)
			if !ok {
				return b, OFPBAC_BAD_SET_MASK
			}
			if of10 {
				switch a.Field.ID {
				case FieldEthSrc:
					return appendActionWire(b, &SetEthSrc{MAC: [6]byte(a.Value)}, v)
				case FieldEthDst:
					return appendActionWire(b, &SetEthDst{MAC: [6]byte(a.Value)}, v)
				}
			}
			val := beUint(a.Value)
			if len(a.Value) > 8 {
				return b, OFPBAC_BAD_SET_LEN
			}
			return appendActionWire(b, &RegLoad{Dst: sf, Value: val >> sf.Ofs}, v)
		}
		b = ofHdr(b, 25)
		b = appendTLV(b, a.Field.OXM, 0, a.Value, nil)
	case *RegLoad:
		b = nxHdr(b, nxastRegLoad)
		b = be16(b, ofsNbits(a.Dst))
		b = be32(b, fieldHeader(a.Dst.Field))
		b = be64(b, a.Value)
	case *RegMove:
		b = nxHdr(b, nxastRegMove)
		b = be16(be16(be16(b, uint16(a.Src.Bits)), uint16(a.Src.Ofs)), uint16(a.Dst.Ofs))
		b = be32(be32(b, fieldHeader(a.Src.Field)), fieldHeader(a.Dst.Field))
	case *SetEthSrc:
		if !of10 {
			return appendActionWire(b, &SetField{Field: &fields[FieldEthSrc], Value: a.MAC[:]}, v)
		}
		b = append(ofHdr(b, 4), a.MAC[:]...)
	case *SetEthDst:
		if !of10 {
			return appendActionWire(b, &SetField{Field: &fields[FieldEthDst], Value: a.MAC[:]}, v)
		}
		b = append(ofHdr(b, 5), a.MAC[:]...)
	case *SetIPv4Src, *SetIPv4Dst, *SetIPDSCP, *SetL4Src, *SetL4Dst, *DecTTL,
		*SetMPLSLabel, *SetMPLSTC, *SetMPLSTTL, *DecMPLSTTL:
		return appendL3Wire(b, a, v)
	case *Resubmit:
		if a.Table == TableCurrent {
			b = nxHdr(b, nxastResubmit)
			b = be16(b, uint16(a.Port))
		} else {
			b = nxHdr(b, nxastResubmitTable)
			b = be16(b, uint16(a.Port))
			b = append(b, a.Table)
		}
	case *WriteMetadata:
		b = pad(nxHdr(b, nxastWriteMetadata), 6)
		b = be64(be64(b, a.Value), a.Mask)
	case *GotoTable:
		if !of10 {
			return b, OFPBIC_UNSUP_INST
		}
		return appendActionWire(b, &Resubmit{Port: PortInPort, Table: a.Table}, v)
	case *WriteActions, *ClearActions, *Meter:
		return b, OFPBIC_UNSUP_INST
	case *Group:
		if of10 {
			return b, OFPBAC_BAD_TYPE
		}
		b = be32(ofHdr(b, 22), a.ID)
	case *SetQueue:
		if of10 {
			b = be32(pad(nxHdr(b, nxastSetQueue), 2), a.Queue)
		} else {
			b = be32(ofHdr(b, 21), a.Queue)
		}
	case *PopQueue:
		b = nxHdr(b, nxastPopQueue)
	case *Exit:
		b = nxHdr(b, nxastExit)
	case *Note:
		b = append(nxHdr(b, nxastNote), a.Data...)
		for len(b)-start < 16 {
			b = append(b, 0)
		}
	case *FinTimeout:
		b = be16(be16(nxHdr(b, nxastFinTimeout), a.Idle), a.Hard)
	case *Conjunction:
		b = nxHdr(b, nxastConjunction)
		b = append(b, a.Clause-1, a.NClauses)
		b = be32(b, a.ID)
	default:
		return b, OFPBAC_BAD_TYPE
	}
	return fixLen(b, start), nil
}

// maskSubfield turns a masked set_field with a contiguous mask into the
// subfield a load writes.
func maskSubfield(a *SetField) (Subfield, bool) {
	if len(a.Value) > 8 {
		return Subfield{Field: a.Field, Bits: a.Field.Bits}, a.Mask == nil
	}
	if a.Mask == nil {
		return Subfield{Field: a.Field, Bits: a.Field.Bits}, true
	}
	m := beUint(a.Mask)
	if m == 0 {
		return Subfield{}, false
	}
	ofs := 0
	for m&1 == 0 {
		m >>= 1
		ofs++
	}
	n := 0
	for m&1 == 1 {
		m >>= 1
		n++
	}
	return Subfield{Field: a.Field, Ofs: ofs, Bits: n}, m == 0
}

func appendL3Wire(b []byte, a Action, v Version) ([]byte, error) {
	start := len(b)
	if v != V10 {
		switch a := a.(type) {
		case *SetMPLSTTL:
			b = append(ofHdr(b, 15), a.TTL)
		case *DecMPLSTTL:
			b = ofHdr(b, 16)
		case *DecTTL:
			if len(a.IDs) == 0 || len(a.IDs) == 1 && a.IDs[0] == 0 {
				b = ofHdr(b, 24)
				break
			}
			return appendDecTTLIDs(b, a)
		case *SetMPLSLabel, *SetMPLSTC:
			v = V10 // only the Nicira form exists
		default:
			return b, OFPBAC_BAD_TYPE
		}
		if v != V10 {
			return fixLen(b, start), nil
		}
	}
	switch a := a.(type) {
	case *SetIPv4Src:
		b = append(ofHdr(b, 6), a.IP[:]...)
	case *SetIPv4Dst:
		b = append(ofHdr(b, 7), a.IP[:]...)
	case *SetIPDSCP:
		b = append(ofHdr(b, 8), a.TOS)
	case *SetL4Src:
		b = be16(ofHdr(b, 9), a.Port)
	case *SetL4Dst:
		b = be16(ofHdr(b, 10), a.Port)
	case *DecTTL:
		if len(a.IDs) == 0 || len(a.IDs) == 1 && a.IDs[0] == 0 {
			b = nxHdr(b, nxastDecTTL)
			break
		}
		return appendDecTTLIDs(b, a)
	case *SetMPLSLabel:
		b = be32(pad(nxHdr(b, nxastSetMPLSLabel), 2), a.Label)
	case *SetMPLSTC:
		b = append(nxHdr(b, nxastSetMPLSTC), a.TC)
	case *SetMPLSTTL:
		b = append(nxHdr(b, nxastSetMPLSTTL), a.TTL)
	case *DecMPLSTTL:
		b = nxHdr(b, nxastDecMPLSTTL)
	}
	return fixLen(b, start), nil
}

func appendDecTTLIDs(b []byte, a *DecTTL) ([]byte, error) {
	start := len(b)
	b = be16(nxHdr(b, nxastDecTTLCntIDs), uint16(len(a.IDs)))
	b = pad(b, 4)
	for _, id := range a.IDs {
		b = be16(b, id)
	}
	return fixLen(b, start), nil
}
