package openflow

import "encoding/binary"

// Wire codecs for actions. OpenFlow 1.0 has its own fixed action set;
// 1.1 has another (header rewrites as fixed actions, no set_field); 1.2
// and later share one (OFPAT_SET_FIELD carrying an OXM TLV, 1.5 adding
// masked set_field and copy_field); the Nicira extensions (vendor 0x2320)
// fill the gaps in all of them. Where one model action has several wire
// forms the encoder picks OVS's: a load is NXAST_REG_LOAD before 1.5 and a
// (masked) set_field in 1.5, mod_nw_src is OFPAT_SET_NW_SRC in 1.0 and 1.1
// and a set_field in 1.2+, set_tunnel is NXAST_SET_TUNNEL(64) before 1.2
// and set_field tun_id after, a controller action with userdata, pause
// or a meter is NXAST_CONTROLLER2, and so on; the oracle test feeds our
// bytes to ovs-ofctl parse-actions, which re-encodes them, to hold this.

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

// oxmFieldHeader is the header OpenFlow's own actions (copy_field) use
// for f: the OXM one when version v has it, else the NXM one.
func oxmFieldHeader(f *Field, v Version) uint32 {
	if f.OXM != 0 && f.OXMVersion <= v {
		return tlvHeader(f.OXM, false, f.Bytes)
	}
	return fieldHeader(f)
}

func ofHdr(b []byte, typ uint16) []byte { return be16(be16(b, typ), 0) }

// AppendActionsWire appends the wire form of acts for version v. Actions
// that stand for instructions are an error here (OFPBIC_UNSUP_INST):
// AppendInstructions places them.
func AppendActionsWire(b []byte, acts []Action, v Version) ([]byte, error) {
	if !v.Known() {
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

// appendActionWire appends one action, refusing one too long for the
// 16-bit length field (a huge note, bundle or nested list).
func appendActionWire(b []byte, a Action, v Version) ([]byte, error) {
	start := len(b)
	b, err := appendActionWire1(b, a, v)
	if err == nil && len(b)-start > 0xfff8 {
		return b[:start], OFPBAC_BAD_LEN
	}
	return b, err
}

func appendActionWire1(b []byte, a Action, v Version) ([]byte, error) {
	if v == V11 {
		if b, ok, err := appendOF11(b, a); ok {
			return b, err
		}
	}
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
		if a.controller2() {
			return appendController2(b, a), nil
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
			if !a.NoPush && !a.VLANPresent {
				b = ofHdr(b, 17)
				b = be16(b, 0x8100)
				b = fixLen(b, start)
			}
			return appendActionWire(b, &SetField{Field: &fields[FieldVlanVID], Value: []byte{byte((a.VID | 0x1000) >> 8), byte(a.VID)}}, v)
		}
		b = ofHdr(b, 1)
		b = be16(b, a.VID)
	case *SetVlanPCP:
		if !of10 {
			if !a.NoPush && !a.VLANPresent {
				b = ofHdr(b, 17)
				b = be16(b, 0x8100)
				b = fixLen(b, start)
			}
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
			// OpenFlow 1.0's set_vlan_vid and set_vlan_pcp push a tag
			// when there is none, so the push itself has no encoding: it
			// is implied by the set that follows it, as OVS writes it.
			return b, nil
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
		if a.Field == &fields[FieldTunID] && a.Mask == nil {
			return appendExtWire(b, &SetTunnel{ID: beUint(a.Value), SetField: true}, v)
		}
		if v >= V15 || !of10 && a.Mask == nil {
			// 1.2+ carry an unmasked set_field (1.5 a masked one too) as
			// OFPAT_SET_FIELD, with the field's NXM header when it has no
			// OXM one in this version.
			code := a.Field.NXM
			if a.Field.OXM != 0 && a.Field.OXMVersion <= v {
				code = a.Field.OXM
			}
			if (code != 0 || a.Field.ID == FieldInPort) && a.Field.Experimenter == 0 {
				b = ofHdr(b, ofpatSetField)
				b = appendTLV(b, code, 0, a.Value, a.Mask)
				break
			}
		}
		if of10 {
			// OVS writes the fields OpenFlow 1.0 has an action for with
			// that action, from the value alone, even when masked.
			switch a.Field.ID {
			case FieldEthSrc:
				return appendActionWire(b, &SetEthSrc{MAC: [6]byte(a.Value)}, v)
			case FieldEthDst:
				return appendActionWire(b, &SetEthDst{MAC: [6]byte(a.Value)}, v)
			case FieldVlanVID:
				return appendActionWire(b, &SetVlanVID{VID: uint16(beUint(a.Value)) & 0xfff}, v)
			case FieldDlVlanPCP, FieldVlanPCP:
				return appendActionWire(b, &SetVlanPCP{PCP: uint8(beUint(a.Value)) & 7}, v)
			case FieldVlanTCI:
				tci := uint16(beUint(a.Value))
				if tci&0x1000 == 0 {
					return appendActionWire(b, &StripVlan{}, v)
				}
				b, _ = appendActionWire(b, &SetVlanVID{VID: tci & 0xfff}, v)
				return appendActionWire(b, &SetVlanPCP{PCP: uint8(tci >> 13)}, v)
			case FieldIPSrc:
				return appendActionWire(b, &SetIPv4Src{IP: [4]byte(a.Value)}, v)
			case FieldIPDst:
				return appendActionWire(b, &SetIPv4Dst{IP: [4]byte(a.Value)}, v)
			case FieldIPDSCP:
				return appendActionWire(b, &SetIPDSCP{TOS: a.Value[0] << 2}, v)
			case FieldNwTOS:
				return appendActionWire(b, &SetIPDSCP{TOS: a.Value[0] &^ 3}, v)
			case FieldTpSrc, FieldUDPSrc:
				return appendActionWire(b, &SetL4Src{Port: uint16(beUint(a.Value))}, v)
			case FieldTpDst, FieldUDPDst:
				return appendActionWire(b, &SetL4Dst{Port: uint16(beUint(a.Value))}, v)
			}
		}
		if v >= V15 {
			return b, OFPBAC_BAD_SET_TYPE
		}
		return appendSetFieldLoads(b, a, v)
	case *RegLoad:
		if v >= V15 && a.Dst.Field.Experimenter == 0 {
			return appendActionWire(b, regLoadSetField(a), v)
		}
		if a.Dst.Bits > 64 {
			// NXAST_REG_LOAD carries 64 bits at most: OVS writes a
			// wider load as 64-bit pieces, the upper ones zero (the
			// model's value has 64 bits).
			lo, hi := *a, RegLoad{Dst: a.Dst}
			lo.Dst.Bits = 64
			hi.Dst.Ofs, hi.Dst.Bits = a.Dst.Ofs+64, a.Dst.Bits-64
			b, err := appendActionWire(b, &lo, v)
			if err != nil {
				return b, err
			}
			return appendActionWire(b, &hi, v)
		}
		b = nxHdr(b, nxastRegLoad)
		b = be16(b, ofsNbits(a.Dst))
		b = be32(b, fieldHeader(a.Dst.Field))
		b = be64(b, a.Value)
	case *RegMove:
		if v >= V15 {
			b = ofHdr(b, ofpat15CopyField)
			b = be16(be16(be16(b, uint16(a.Src.Bits)), uint16(a.Src.Ofs)), uint16(a.Dst.Ofs))
			b = pad(b, 2)
			b = be32(be32(b, oxmFieldHeader(a.Src.Field, v)), oxmFieldHeader(a.Dst.Field, v))
			break
		}
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
			b = be32(pad(nxHdr(b, nxastGroup), 2), a.ID)
			break
		}
		b = be32(ofHdr(b, 22), a.ID)
	case *Clone:
		b = pad(nxHdr(b, nxastClone), 6)
		var err error
		for _, x := range a.Actions {
			if b, err = appendActionWire(b, x, v); err != nil {
				return b[:start], err
			}
		}
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
		return appendExtWire(b, a, v)
	}
	return fixLen(b, start), nil
}

// regLoadSetField is the set_field OpenFlow 1.5 writes for a load: the
// subfield becomes a mask over the whole field.
func regLoadSetField(a *RegLoad) *SetField {
	f := a.Dst.Field
	n := f.Bytes
	value, mask := make([]byte, n), make([]byte, n)
	var v [8]byte
	for i := range 8 {
		v[7-i] = byte(a.Value >> (8 * i))
	}
	copyBits(value, a.Dst.Ofs, v[:], 0, min(a.Dst.Bits, 64))
	for k := range a.Dst.Bits {
		setBit(mask, a.Dst.Ofs+k, true)
	}
	if a.Dst.Ofs == 0 && a.Dst.Bits == 8*n {
		mask = nil
	}
	return &SetField{Field: f, Value: value, Mask: mask}
}

// appendController2 writes NXAST_CONTROLLER2 with the properties that
// differ from their defaults, in OVS's order.
func appendController2(b []byte, c *Controller) []byte {
	start := len(b)
	b = pad(nxHdr(b, nxastController2), 6)
	prop := func(typ uint16, n int) {
		b = be16(be16(b, typ), uint16(4+n))
	}
	end := func() {
		for (len(b)-start)%8 != 0 {
			b = append(b, 0)
		}
	}
	if c.MaxLen != 0xffff {
		b = be16(be16(be16(b, 0), 8), c.MaxLen)
		end()
	}
	if c.ID != 0 {
		b = be16(be16(be16(b, 1), 8), c.ID)
		end()
	}
	if c.Reason != ReasonAction {
		prop(2, 1)
		b = append(b, c.Reason)
		end()
	}
	if len(c.Userdata) > 0 {
		prop(3, len(c.Userdata))
		b = append(b, c.Userdata...)
		end()
	}
	if c.Pause {
		prop(4, 0)
		end()
	}
	if c.MeterID != 0 {
		prop(5, 4)
		b = be32(b, c.MeterID)
		end()
	}
	return fixLen(b, start)
}

// appendSetFieldLoads writes a set_field as loads, the way OVS does where
// set_field cannot carry it: one NXAST_REG_LOAD per contiguous run of mask
// bits, runs split every 64 bits, low bits first.
func appendSetFieldLoads(b []byte, a *SetField, v Version) ([]byte, error) {
	start := len(b)
	n := a.Field.Bits
	if len(a.Value) != a.Field.Bytes || a.Mask != nil && len(a.Mask) != len(a.Value) {
		return b, OFPBAC_BAD_SET_LEN
	}
	inMask := func(i int) bool { return a.Mask == nil || getBit(a.Mask, i) }
	any := false
	var err error
	for i := 0; i < n; {
		if !inMask(i) {
			i++
			continue
		}
		run := 0
		for i+run < n && run < 64 && inMask(i+run) {
			run++
		}
		var val uint64
		for k := range run {
			if getBit(a.Value, i+k) {
				val |= 1 << k
			}
		}
		if b, err = appendActionWire(b, &RegLoad{Dst: Subfield{Field: a.Field, Ofs: i, Bits: run}, Value: val}, v); err != nil {
			return b[:start], err
		}
		any = true
		i += run
	}
	if !any {
		return b, OFPBAC_BAD_SET_MASK
	}
	return b, nil
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
		case *SetIPv4Src:
			return appendActionWire(b, &SetField{Field: &fields[FieldIPSrc], Value: a.IP[:]}, v)
		case *SetIPv4Dst:
			return appendActionWire(b, &SetField{Field: &fields[FieldIPDst], Value: a.IP[:]}, v)
		case *SetIPDSCP:
			return appendActionWire(b, &SetField{Field: &fields[FieldIPDSCP], Value: []byte{a.TOS >> 2}}, v)
		case *SetL4Src:
			return appendActionWire(b, &SetField{Field: l4Field(a.Proto, FieldTpSrc), Value: be16(nil, a.Port)}, v)
		case *SetL4Dst:
			return appendActionWire(b, &SetField{Field: l4Field(a.Proto, FieldTpDst), Value: be16(nil, a.Port)}, v)
		case *SetMPLSLabel:
			return appendActionWire(b, &SetField{Field: &fields[FieldMplsLabel], Value: be32(nil, a.Label)}, v)
		case *SetMPLSTC:
			return appendActionWire(b, &SetField{Field: &fields[FieldMplsTC], Value: []byte{a.TC}}, v)
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

// l4Field is the set_field target of mod_tp_src/dst for IP protocol
// proto: tcp (id is FieldTpSrc or FieldTpDst), udp or sctp.
func l4Field(proto uint8, id FieldID) *Field {
	switch proto {
	case 17:
		id += FieldUDPSrc - FieldTpSrc
	case 132:
		id += FieldSCTPSrc - FieldTpSrc
	}
	return &fields[id]
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
