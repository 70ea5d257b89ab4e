package openflow

import (
	"encoding/binary"
	"strconv"
	"sync"

	"github.com/govs/ovs/internal/vlog"
)

// DecodeActions decodes a list of actions of version v. Bad input gives
// an ErrorCode (OFPBAC_BAD_LEN, OFPBAC_BAD_TYPE, ...), never a panic.
//
// A bad action is logged as OVS logs it (in ovs-ofctl's stderr and in the
// switch's log alike): its reason first when OVS gives one (an unknown
// type, a field that is not writable, a conntrack field written outside
// ct), then "bad action at offset N" with the list's bytes, nested lists
// (clone's, ct's) before the lists holding them. The modules are
// registered on first use, so that tools which never decode actions do
// not list them.
func DecodeActions(b []byte, v Version) ([]Action, error) {
	acts, off, err := decodeActionList(b, v)
	if err != nil {
		return nil, reportBadAction(b, off, err)
	}
	return acts, nil
}

// reportBadAction logs the failure to decode the action at off in list b
// and returns its error code.
func reportBadAction(b []byte, off int, err error) error {
	code, ok := err.(ErrorCode)
	if pe, isPrereq := err.(*PrereqError); isPrereq {
		if pe.Text != "" {
			decodeLog(pe.Module).WarnRL(decodeRL, "%s", pe.Text)
		}
		code, ok = pe.ErrorCode(), true
	}
	if !ok {
		return err
	}
	if off < 0 {
		return code
	}
	// The whole list is dumped, as OVS does; its log dumps end a line
	// that stops after the eighth byte with the '-' that would have
	// followed it.
	dump := AppendHexDump(nil, b, 0, false)
	dump = dump[:len(dump)-1]
	if len(b)%16 == 8 {
		dump = append(dump, '-')
	}
	decodeLog("ofp_actions").WarnRL(decodeRL, "bad action at offset %s (%s):\n%s", strconv.Itoa(off), code.Name(), dump)
	return code
}

var (
	decodeModules = sync.OnceValues(func() (*vlog.Module, *vlog.Module) {
		return vlog.NewModule("ofp_actions"), vlog.NewModule("meta_flow")
	})
	// decodeRL limits the warnings as OVS's does: a burst, then a few a
	// minute, so that a controller sending bad flows cannot flood the log.
	decodeRL = vlog.NewRateLimit(1, 5)
)

func decodeLog(module string) *vlog.Module {
	ofpActions, metaFlow := decodeModules()
	if module == "meta_flow" {
		return metaFlow
	}
	return ofpActions
}

// decodeActionList is DecodeActions without the logging, for the lists
// nested in other actions (clone's): the warning names the outermost
// action. off is where the bad action starts (-1: none does).
func decodeActionList(b []byte, v Version) (acts []Action, off int, err error) {
	if !v.Known() {
		return nil, -1, OFPBRC_BAD_VERSION
	}
	// Count first so that the list is allocated once (a flow dump
	// decodes a list per flow).
	n := 0
	for r := b; len(r) >= 8 && int(u16(r, 2)) >= 8 && int(u16(r, 2)) <= len(r); r = r[u16(r, 2):] {
		n++
	}
	acts = make([]Action, 0, n)
	for start := len(b); len(b) > 0; {
		off = start - len(b)
		if len(b) < 8 {
			return nil, off, OFPBAC_BAD_LEN
		}
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, off, OFPBAC_BAD_LEN
		}
		a, err := decodeAction(b[:n], v)
		if err != nil {
			return nil, off, err
		}
		acts = append(acts, a)
		b = b[n:]
	}
	if err := checkCtWrites(acts); err != nil {
		return nil, -1, err
	}
	return acts, -1, nil
}

// checkCtWrites refuses a decoded list, other than ct's exec list, that
// writes ct_mark or ct_label. OVS checks this once the list is decoded
// (so a bad action anywhere in it is reported instead), and logs no "bad
// action" for it, though a list holding this one (a clone's) does.
func checkCtWrites(acts []Action) error {
	for _, a := range acts {
		if writesCtField(a) {
			return &PrereqError{Module: "ofp_actions", Text: "cannot set CT fields outside of ct action", Code: OFPBAC_BAD_SET_ARGUMENT}
		}
	}
	return nil
}

// writesCtField reports whether a is a set_field, load or move into
// ct_mark or ct_label.
func writesCtField(a Action) bool {
	f := writtenField(a)
	return f == &ctMarkField || f == &ctLabelField
}

// writableDst refuses a load, set_field or check_pkt_larger into a field
// no action may write (move and the like are refused by the checks made
// after decoding, CheckActionPrereqs, as OVS does).
func writableDst(module string, f *Field) error {
	if !f.Writable() {
		return notWritable(module, f)
	}
	return nil
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

// decodeAction decodes one action (b is exactly its bytes). An action of
// a type or vendor the version does not know gets OVS's reason, which the
// outermost list logs before its "bad action" warning.
func decodeAction(b []byte, v Version) (Action, error) {
	a, err := decodeActionBody(b, v)
	var text string
	switch {
	case err == nil:
		return a, nil
	case err == OFPBAC_BAD_TYPE:
		text = "unknown " + v.String() + " action for vendor 0 and type " + strconv.Itoa(int(u16(b, 0)))
	case err == OFPBAC_BAD_VENDOR && len(b) >= 8:
		text = "OpenFlow action has unknown vendor 0x" + strconv.FormatUint(uint64(u32(b, 4)), 16)
	case err == OFPBAC_BAD_VENDOR_TYPE && len(b) >= 10:
		text = "unknown " + v.String() + " action for vendor 0x" + strconv.FormatUint(uint64(u32(b, 4)), 16) +
			" and type " + strconv.Itoa(int(u16(b, 8)))
	default:
		return nil, err
	}
	return nil, &PrereqError{Module: "ofp_actions", Text: text, Code: err.(ErrorCode)}
}

func decodeActionBody(b []byte, v Version) (Action, error) {
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
	if err := writableDst("ofp_actions", f); err != nil {
		return nil, err
	}
	// The value must be one the field can hold; a vlan_vid written
	// from OpenFlow 1.2 on also carries OFPVID_PRESENT (0x1000), since
	// set_field cannot remove a tag.
	if !setFieldValueValid(f, value) || f.ID == FieldVlanVID && value[0]&0x10 == 0 {
		text := appendFieldValue([]byte("Invalid value for set field "+f.Name+": "), f, value, nil, nil)
		return nil, &PrereqError{Module: "ofp_actions", Text: string(text), Code: OFPBAC_BAD_SET_ARGUMENT}
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
	case nxastPushMPLS, nxastPopMPLS, nxastSetMPLSTTL, nxastDecMPLSTTL, nxastSetMPLSLabel, nxastSetMPLSTC:
		if v != V10 {
			// OpenFlow 1.1 gave these standard actions; OVS knows the
			// Nicira ones only in 1.0.
			return nil, OFPBAC_BAD_VENDOR_TYPE
		}
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
		if err := writableDst("meta_flow", dst.Field); err != nil {
			return nil, err
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
		// OVS reports a bad action in a clone's list as in any list,
		// before the clone itself is reported.
		inner, err := DecodeActions(b[16:], v)
		if code, ok := err.(ErrorCode); ok {
			// Already explained: no reason of the clone's own.
			return nil, &PrereqError{Code: code}
		}
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
