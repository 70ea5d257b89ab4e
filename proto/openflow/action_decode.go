package openflow

import "encoding/binary"

// DecodeActions decodes a list of actions of version v. Bad input gives
// an ErrorCode (OFPBAC_BAD_LEN, OFPBAC_BAD_TYPE, ...), never a panic.
func DecodeActions(b []byte, v Version) ([]Action, error) {
	if !v.Known() {
		return nil, OFPBRC_BAD_VERSION
	}
	// Count first so that the list is allocated once (a flow dump
	// decodes a list per flow).
	n := 0
	for r := b; len(r) >= 8 && int(u16(r, 2)) >= 8 && int(u16(r, 2)) <= len(r); r = r[u16(r, 2):] {
		n++
	}
	acts := make([]Action, 0, n)
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, OFPBAC_BAD_LEN
		}
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, OFPBAC_BAD_LEN
		}
		a, err := decodeAction(b[:n], v)
		if err != nil {
			return nil, err
		}
		acts = append(acts, a)
		b = b[n:]
	}
	return acts, nil
}

func u16(b []byte, i int) uint16 { return binary.BigEndian.Uint16(b[i:]) }
func u32(b []byte, i int) uint32 { return binary.BigEndian.Uint32(b[i:]) }
func u64(b []byte, i int) uint64 { return binary.BigEndian.Uint64(b[i:]) }

// need reports OFPBAC_BAD_LEN unless the action is exactly n bytes.
func need(b []byte, n int) error {
	if len(b) != n {
		return OFPBAC_BAD_LEN
	}
	return nil
}

func decodeAction(b []byte, v Version) (Action, error) {
	typ := u16(b, 0)
	if typ == 0xffff {
		return decodeNX(b, v)
	}
	if v == V10 {
		switch typ {
		case 0:
			return plainOutput(uint32(u16(b, 4)), u16(b, 6)), nil
		case 1:
			if u16(b, 4) > 4095 {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			return &SetVlanVID{VID: u16(b, 4)}, nil
		case 2:
			if b[4] > 7 {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			return &SetVlanPCP{PCP: b[4]}, nil
		case 3:
			return &StripVlan{}, nil
		case 4, 5:
			if err := need(b, 16); err != nil {
				return nil, err
			}
			if typ == 4 {
				return &SetEthSrc{MAC: [6]byte(b[4:10])}, nil
			}
			return &SetEthDst{MAC: [6]byte(b[4:10])}, nil
		case 6:
			return &SetIPv4Src{IP: [4]byte(b[4:8])}, nil
		case 7:
			return &SetIPv4Dst{IP: [4]byte(b[4:8])}, nil
		case 8:
			if b[4]&3 != 0 {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			return &SetIPDSCP{TOS: b[4]}, nil
		case 9:
			return &SetL4Src{Port: u16(b, 4)}, nil
		case 10:
			return &SetL4Dst{Port: u16(b, 4)}, nil
		case 11:
			if err := need(b, 16); err != nil {
				return nil, err
			}
			return &Enqueue{Port: uint32(u16(b, 4)), Queue: u32(b, 12)}, nil
		}
		return nil, OFPBAC_BAD_TYPE
	}
	if v == V11 {
		if a, ok, err := decodeOF11(b); ok {
			return a, err
		}
	}
	switch typ {
	case 0:
		if err := need(b, 16); err != nil {
			return nil, err
		}
		p := u32(b, 4)
		if p > 0xffff && p < 0xffffff00 {
			return nil, OFPBAC_BAD_OUT_PORT
		}
		return plainOutput(portFrom32(p), u16(b, 8)), nil
	case 15:
		return &SetMPLSTTL{TTL: b[4]}, nil
	case 16:
		return &DecMPLSTTL{}, nil
	case 17:
		et := u16(b, 4)
		if et != 0x8100 && et != 0x88a8 {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		return &PushVlan{EthType: et}, nil
	case 18:
		return &StripVlan{Pop: true}, nil
	case 19:
		return &PushMPLS{EthType: u16(b, 4)}, nil
	case 20:
		return &PopMPLS{EthType: u16(b, 4)}, nil
	case 21:
		return &SetQueue{Queue: u32(b, 4)}, nil
	case 22:
		return &Group{ID: u32(b, 4)}, nil
	case ofpatSetNwTTL:
		return &SetIPTTL{TTL: b[4]}, nil
	case 24:
		return &DecTTL{}, nil
	case ofpatSetField:
		return decodeSetField(b[4:], v)
	case ofpat15CopyField:
		if v < V15 {
			break
		}
		if err := need(b, 24); err != nil {
			return nil, err
		}
		n := int(u16(b, 4))
		src, err := decodeSubfield(u32(b, 12), int(u16(b, 6)), n)
		if err != nil {
			return nil, err
		}
		dst, err := decodeSubfield(u32(b, 16), int(u16(b, 8)), n)
		if err != nil {
			return nil, err
		}
		return &RegMove{Src: src, Dst: dst}, nil
	}
	return nil, OFPBAC_BAD_TYPE
}

func decodeSetField(b []byte, v Version) (Action, error) {
	if len(b) < 4 {
		return nil, OFPBAC_BAD_SET_LEN
	}
	h := u32(b, 0)
	if h>>16 == oxmExp {
		return nil, OFPBAC_BAD_SET_TYPE
	}
	f := actionFieldByHeader(h &^ 0x1ff)
	if f == nil || f.Experimenter != 0 || h&^0x1ff == f.OXM && f.OXMVersion > v {
		return nil, OFPBAC_BAD_SET_TYPE
	}
	masked := h&0x100 != 0
	n := int(h & 0xff)
	want := f.Bytes
	if masked {
		want *= 2
	}
	if n != want || 4+n > len(b) || masked && v < V15 {
		return nil, OFPBAC_BAD_SET_LEN
	}
	for _, c := range b[4+n:] {
		if c != 0 {
			return nil, OFPBAC_BAD_SET_ARGUMENT
		}
	}
	value := b[4 : 4+f.Bytes]
	if f == &fields[FieldTunID] && !masked {
		return &SetTunnel{ID: u64(value, 0), SetField: true}, nil
	}
	sf := &SetField{Field: f, Value: append([]byte(nil), value...)}
	if masked {
		sf.Mask = append([]byte(nil), b[4+f.Bytes:4+n]...)
		if allOnes(sf.Mask) {
			sf.Mask = nil
		}
	}
	return sf, nil
}

func decodeSubfield(h uint32, ofs, bits int) (Subfield, error) {
	f := actionFieldByHeader(h &^ 0x1ff)
	if f == nil || f.Experimenter != 0 {
		return Subfield{}, OFPBAC_BAD_ARGUMENT
	}
	if ofs+bits > f.Bits || bits == 0 {
		return Subfield{}, OFPBAC_BAD_ARGUMENT
	}
	return Subfield{Field: f, Ofs: ofs, Bits: bits}, nil
}

func decodeNX(b []byte, v Version) (Action, error) {
	if len(b) < 16 {
		return nil, OFPBAC_BAD_LEN
	}
	if u32(b, 4) != nxVendor {
		return nil, OFPBAC_BAD_VENDOR
	}
	switch u16(b, 8) {
	case nxastResubmit:
		return &Resubmit{Port: uint32(u16(b, 10)), Table: TableCurrent}, nil
	case nxastResubmitTable:
		r := &Resubmit{Port: uint32(u16(b, 10)), Table: b[12]}
		if r.Port == PortInPort && r.Table == TableCurrent {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		return r, nil
	case nxastSetQueue:
		return &SetQueue{Queue: u32(b, 12)}, nil
	case nxastPopQueue:
		return &PopQueue{}, nil
	case nxastRegMove:
		if err := need(b, 24); err != nil {
			return nil, err
		}
		n := int(u16(b, 10))
		src, err := decodeSubfield(u32(b, 16), int(u16(b, 12)), n)
		if err != nil {
			return nil, err
		}
		dst, err := decodeSubfield(u32(b, 20), int(u16(b, 14)), n)
		if err != nil {
			return nil, err
		}
		return &RegMove{Src: src, Dst: dst}, nil
	case nxastRegLoad:
		if err := need(b, 24); err != nil {
			return nil, err
		}
		on := u16(b, 10)
		dst, err := decodeSubfield(u32(b, 12), int(on>>6), int(on&63)+1)
		if err != nil {
			return nil, err
		}
		val := u64(b, 16)
		if dst.Bits < 64 && val>>dst.Bits != 0 {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		return &RegLoad{Dst: dst, Value: val}, nil
	case nxastNote:
		return &Note{Data: append([]byte(nil), b[10:]...)}, nil
	case nxastOutputReg:
		if err := need(b, 24); err != nil {
			return nil, err
		}
		on := u16(b, 10)
		src, err := decodeSubfield(u32(b, 12), int(on>>6), int(on&63)+1)
		if err != nil {
			return nil, err
		}
		return &OutputReg{Src: src, MaxLen: u16(b, 16)}, nil
	case nxastExit:
		return &Exit{}, nil
	case nxastDecTTL:
		return &DecTTL{}, nil
	case nxastDecTTLCntIDs:
		n := int(u16(b, 10))
		if 16+2*n > len(b) {
			return nil, OFPBAC_BAD_LEN
		}
		d := &DecTTL{IDs: make([]uint16, n)}
		for i := range n {
			d.IDs[i] = u16(b, 16+2*i)
		}
		return d, nil
	case nxastFinTimeout:
		return &FinTimeout{Idle: u16(b, 10), Hard: u16(b, 12)}, nil
	case nxastController:
		c := &Controller{MaxLen: u16(b, 10), ID: u16(b, 12), Reason: b[14]}
		if c.simple() {
			return &Output{Port: PortController, MaxLen: c.MaxLen}, nil
		}
		return c, nil
	case nxastController2:
		return decodeController2(b)
	case nxastGroup:
		return &Group{ID: u32(b, 12)}, nil
	case nxastClone:
		inner, err := DecodeActions(b[16:], v)
		if err != nil {
			return nil, err
		}
		return &Clone{Actions: inner}, nil
	case nxastWriteMetadata:
		if err := need(b, 32); err != nil {
			return nil, err
		}
		return &WriteMetadata{Value: u64(b, 16), Mask: u64(b, 24)}, nil
	case nxastPushMPLS:
		return &PushMPLS{EthType: u16(b, 10)}, nil
	case nxastPopMPLS:
		return &PopMPLS{EthType: u16(b, 10)}, nil
	case nxastSetMPLSTTL:
		return &SetMPLSTTL{TTL: b[10]}, nil
	case nxastDecMPLSTTL:
		return &DecMPLSTTL{}, nil
	case nxastSetMPLSLabel:
		return &SetMPLSLabel{Label: u32(b, 12)}, nil
	case nxastSetMPLSTC:
		return &SetMPLSTC{TC: b[10]}, nil
	case nxastConjunction:
		c := &Conjunction{Clause: b[10] + 1, NClauses: b[11], ID: u32(b, 12)}
		if c.NClauses < 2 || c.NClauses > 64 || c.Clause > c.NClauses || c.Clause == 0 {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		return c, nil
	case nxastOutputTrunc:
		ml := u32(b, 12)
		if ml > 0xffff || ml == 0 {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		return &Output{Port: uint32(u16(b, 10)), MaxLen: uint16(ml)}, nil
	}
	return decodeNXExt(b, v)
}

// decodeController2 reads NXAST_CONTROLLER2's properties.
func decodeController2(b []byte) (Action, error) {
	c := &Controller{MaxLen: 0xffff, Reason: ReasonAction}
	p := b[16:]
	for len(p) > 0 {
		if len(p) < 4 {
			return nil, OFPBAC_BAD_LEN
		}
		typ, n := u16(p, 0), int(u16(p, 2))
		padded := (n + 7) &^ 7
		if n < 4 || padded > len(p) {
			return nil, OFPBAC_BAD_LEN
		}
		val := p[4:n]
		switch typ {
		case 0, 1:
			if len(val) != 2 && len(val) != 4 {
				return nil, OFPBAC_BAD_LEN
			}
			if typ == 0 {
				c.MaxLen = u16(val, 0)
			} else {
				c.ID = u16(val, 0)
			}
		case 2:
			if len(val) != 1 {
				return nil, OFPBAC_BAD_LEN
			}
			c.Reason = val[0]
		case 3:
			c.Userdata = append([]byte(nil), val...)
		case 4:
			c.Pause = true
		case 5:
			if len(val) != 4 {
				return nil, OFPBAC_BAD_LEN
			}
			c.MeterID = u32(val, 0)
		default:
			return nil, OFPBAC_BAD_ARGUMENT
		}
		p = p[padded:]
	}
	if c.simple() {
		return &Output{Port: PortController, MaxLen: c.MaxLen}, nil
	}
	return c, nil
}

// plainOutput is OFPAT_OUTPUT's action. Its max_len means something only
// for the controller port (how much of the packet to send); for any other
// port OVS ignores it, so it must not turn into a truncation (which only
// NXAST_OUTPUT_TRUNC asks for).
func plainOutput(port uint32, maxLen uint16) *Output {
	if port != PortController {
		maxLen = 0
	}
	return &Output{Port: port, MaxLen: maxLen}
}
