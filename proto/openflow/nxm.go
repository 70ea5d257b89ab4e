package openflow

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Decoding errors are the package's ErrorCode values, so a switch can
// send them back to the controller as they are.
var (
	errBadLen       error = OFPBMC_BAD_LEN
	errBadField     error = OFPBMC_BAD_FIELD
	errBadMask      error = OFPBMC_BAD_MASK
	errBadValue     error = OFPBMC_BAD_VALUE
	errBadWildcards error = OFPBMC_BAD_WILDCARDS
	errBadPrereq    error = OFPBMC_BAD_PREREQ
	errDupField     error = OFPBMC_DUP_FIELD
)

// header builds a TLV header for a field code.
func tlvHeader(code uint32, masked bool, payload int) uint32 {
	h := code | uint32(payload)
	if masked {
		h |= 1 << 8
	}
	return h
}

func appendTLV(b []byte, code, exp uint32, value, mask []byte) []byte {
	n := len(value)
	if mask != nil {
		n *= 2
	}
	if exp != 0 {
		n += 4
	}
	h := tlvHeader(code, mask != nil, n)
	b = append(b, byte(h>>24), byte(h>>16), byte(h>>8), byte(h))
	if exp != 0 {
		b = append(b, byte(exp>>24), byte(exp>>16), byte(exp>>8), byte(exp))
	}
	b = append(b, value...)
	if mask != nil {
		b = append(b, mask...)
	}
	return b
}

// encoder writes one match as NXM (oxm false) or as OXM for version.
type encoder struct {
	b       []byte
	oxm     bool
	version Version
	m       *Match
}

// code picks the header for f: NXM first in nx_match, OXM first (when the
// version has it) in oxm_match.
func (e *encoder) code(f *Field) (uint32, uint32) {
	if e.oxm && f.OXM != 0 && f.OXMVersion <= e.version {
		return f.OXM, 0
	}
	switch f.ID {
	case FieldActsetOutput:
		return onfActsetOutput, onfExp
	case FieldTCPFlags:
		if e.oxm && e.version >= V13 {
			return onfTCPFlags, onfExp
		}
	}
	if f.NXM != 0 || f.ID == FieldInPort {
		return f.NXM, f.Experimenter
	}
	return f.OXM, 0
}

// onfActsetOutput is the experimenter-class header of actset_output.
// onfTCPFlags is the experimenter-class header OpenFlow 1.3 and 1.4 use
// for tcp_flags: class<<16 | field<<9, as every OXM header (constants, so
// that no init code writes them).
const (
	onfActsetOutput = oxmExp<<16 | 43<<9
	onfTCPFlags     = oxmExp<<16 | 42<<9
)

// put writes field f with the storage bits v/mk (already shifted down).
func (e *encoder) put(f *Field, v, mk uint64) {
	if mk == 0 {
		return
	}
	var vb, mb [8]byte
	n := f.Bytes
	putBE(vb[:n], v)
	full := ^uint64(0) >> (64 - 8*n)
	if f.Bits < 64 {
		full &= 1<<f.Bits - 1
	}
	code, exp := e.code(f)
	if mk&full == full || !f.Maskable {
		e.b = appendTLV(e.b, code, exp, vb[:n], nil)
		return
	}
	putBE(mb[:n], mk)
	e.b = appendTLV(e.b, code, exp, vb[:n], mb[:n])
}

func (e *encoder) putStorage(f *Field, id FieldID) {
	if ent, ok := e.m.Get(id); ok {
		n := StorageBytes(id)
		if n > 8 {
			code, exp := e.code(f)
			if allOnes(ent.Mask[:n]) {
				e.b = appendTLV(e.b, code, exp, ent.Value[:n], nil)
			} else {
				e.b = appendTLV(e.b, code, exp, ent.Value[:n], ent.Mask[:n])
			}
			return
		}
		e.put(f, beUint(ent.Value[:n]), beUint(ent.Mask[:n]))
	}
}

// AppendNXM appends m as an nx_match: a list of NXM TLVs in OVS's order,
// using OXM headers only for fields NXM lacks.
func AppendNXM(b []byte, m *Match) []byte {
	e := encoder{b: b, m: m}
	e.encode()
	return e.b
}

// AppendOXM appends m as the TLV list of an oxm_match for the OpenFlow
// version given (V12...V15); the caller adds the
// ofp_match header and padding.
func AppendOXM(b []byte, m *Match, version Version) []byte {
	e := encoder{b: b, m: m, oxm: true, version: version}
	e.encode()
	return e.b
}

func (e *encoder) encode() {
	m := e.m
	et, hasET := m.EthType()
	proto, hasProto := m.NwProto()
	// Ethernet is implied by any Ethernet header field.
	l2 := m.hasStorage(FieldEthType) || m.hasStorage(FieldEthSrc) || m.hasStorage(FieldEthDst) || m.hasStorage(FieldVlanTCI)
	if v, mk, ok := m.uint(FieldPacketType); ok && !(v == 0 && l2) {
		e.put(&fields[FieldPacketType], v, mk)
	}
	for _, id := range [3]FieldID{FieldDpHash, FieldRecircID, FieldConjID} {
		e.putStorage(&fields[id], id)
	}
	if v, _, ok := m.uint(FieldActsetOutput); ok {
		e.put(&fields[FieldActsetOutput], uint64(portTo32(uint32(v))), 0xffffffff)
	}
	if v, mk, ok := m.uint(FieldInPort); ok {
		if e.oxm {
			e.put(&fields[FieldInPortOXM], uint64(portTo32(uint32(v))), 0xffffffff)
		} else {
			e.put(&fields[FieldInPort], v, mk)
		}
	}
	e.putStorage(&fields[FieldEthSrc], FieldEthSrc)
	e.putStorage(&fields[FieldEthDst], FieldEthDst)
	if v, _, ok := m.uint(FieldEthType); ok {
		e.put(&fields[FieldEthType], v, 0xffff)
	}
	if v, mk, ok := m.uint(FieldVlanTCI); ok {
		if e.oxm {
			e.putVlanOXM(v, mk)
		} else {
			e.put(&fields[FieldVlanTCI], v, mk)
		}
	}
	if hasET && (et == EthTypeMPLS || et == EthTypeMPLSM) {
		e.putStorage(&fields[FieldMplsTC], FieldMplsTC)
		e.putStorage(&fields[FieldMplsBOS], FieldMplsBOS)
		e.putStorage(&fields[FieldMplsTTL], FieldMplsTTL)
		e.putStorage(&fields[FieldMplsLabel], FieldMplsLabel)
	}
	for id := FieldNSHFlags; id <= FieldNSHC4; id++ {
		e.putStorage(&fields[id], id)
	}
	isIP := hasET && (et == EthTypeIPv4 || et == EthTypeIPv6)
	if isIP {
		if et == EthTypeIPv4 {
			e.putStorage(&fields[FieldIPSrc], FieldIPSrc)
			e.putStorage(&fields[FieldIPDst], FieldIPDst)
		} else {
			e.putStorage(&fields[FieldIPv6Src], FieldIPv6Src)
			e.putStorage(&fields[FieldIPv6Dst], FieldIPv6Dst)
		}
		e.putStorage(&fields[FieldIPFrag], FieldIPFrag)
		if v, mk, ok := m.uint(FieldNwTOS); ok {
			if mk&0xfc != 0 {
				if e.oxm {
					e.put(&fields[FieldIPDSCP], v>>2, 0xff)
				} else {
					e.put(&fields[FieldNwTOS], v&0xfc, 0xff)
				}
			}
			if mk&3 != 0 {
				e.put(&fields[FieldIPECN], v&3, 0xff)
			}
		}
		e.putStorage(&fields[FieldNwTTL], FieldNwTTL)
		if et == EthTypeIPv6 {
			e.putStorage(&fields[FieldIPv6Label], FieldIPv6Label)
		}
		if v, _, ok := m.uint(FieldNwProto); ok {
			e.put(&fields[FieldNwProto], v, 0xff)
		}
		if hasProto {
			e.encodeL4(et, proto)
		}
	}
	if hasET && (et == EthTypeARP || et == EthTypeRARP) {
		if v, _, ok := m.uint(FieldNwProto); ok {
			e.put(&fields[FieldArpOp], v, 0xffff)
		}
		e.putStorage(&fields[FieldArpSpa], FieldIPSrc)
		e.putStorage(&fields[FieldArpTpa], FieldIPDst)
		e.putStorage(&fields[FieldArpSha], FieldArpSha)
		e.putStorage(&fields[FieldArpTha], FieldArpTha)
	}
	e.putStorage(&fields[FieldTunID], FieldTunID)
	if e.oxm && e.version >= V15 {
		e.putXregs()
	} else {
		for id := FieldReg0; id <= FieldReg15; id++ {
			e.putStorage(&fields[id], id)
		}
	}
	e.putStorage(&fields[FieldPktMark], FieldPktMark)
	e.putStorage(&fields[FieldMetadata], FieldMetadata)
}

func (e *encoder) encodeL4(et uint16, proto uint8) {
	m := e.m
	var src, dst *Field
	switch {
	case proto == 6:
		src, dst = &fields[FieldTpSrc], &fields[FieldTpDst]
	case proto == 17:
		src, dst = &fields[FieldUDPSrc], &fields[FieldUDPDst]
	case proto == 132:
		src, dst = &fields[FieldSCTPSrc], &fields[FieldSCTPDst]
	case proto == 1 && et == EthTypeIPv4:
		src, dst = &fields[FieldICMPType], &fields[FieldICMPCode]
	case proto == 58 && et == EthTypeIPv6:
		src, dst = &fields[FieldICMPv6Type], &fields[FieldICMPv6Code]
	default:
		return
	}
	if v, mk, ok := m.uint(FieldTpSrc); ok {
		e.put(src, v, mk)
	}
	if v, mk, ok := m.uint(FieldTpDst); ok {
		e.put(dst, v, mk)
	}
	if proto == 6 {
		e.putStorage(&fields[FieldTCPFlags], FieldTCPFlags)
	}
	if proto == 58 && et == EthTypeIPv6 {
		e.putStorage(&fields[FieldNdTarget], FieldNdTarget)
		if m.PrereqsMet(PrereqNDSolicit) {
			e.putStorage(&fields[FieldNdSll], FieldArpSha)
		}
		if m.PrereqsMet(PrereqNDAdvert) {
			e.putStorage(&fields[FieldNdTll], FieldArpTha)
		}
	}
}

// putVlanOXM expresses vlan_tci as OXM's VLAN_VID (with OFPVID_PRESENT
// as the CFI bit) and VLAN_PCP.
func (e *encoder) putVlanOXM(v, mk uint64) {
	if mk&0x1fff != 0 {
		e.put(&fields[FieldVlanVID], v&0x1fff, mk&0x1fff)
	}
	if mk&0xe000 == 0xe000 && (mk&0x1000 == 0 || v&0x1000 != 0) {
		e.put(&fields[FieldVlanPCP], v>>13, 0xff)
	}
}

func (m *Match) hasStorage(id FieldID) bool { _, ok := m.find(id); return ok }

// DecodeNXM decodes an nx_match TLV list. Strict decoding (what a switch
// does with a controller's flow_mod) rejects fields whose prerequisites
// are not met with OFPBMC_BAD_PREREQ; loose decoding drops them.
func DecodeNXM(b []byte, strict bool) (*Match, error) { return decodeTLVs(b, strict, 0) }

// DecodeOXM decodes the TLV list of an oxm_match (without the ofp_match
// header) sent with the given OpenFlow version.
func DecodeOXM(b []byte, version Version, strict bool) (*Match, error) {
	return decodeTLVs(b, strict, version)
}

type tlv struct {
	f           *Field
	value, mask []byte
}

// nextTLV splits the first TLV off b.
func nextTLV(b []byte) (t tlv, hdr uint32, rest []byte, err error) {
	if len(b) < 4 {
		return t, 0, nil, errBadLen
	}
	hdr = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	n := int(hdr & 0xff)
	if n == 0 || len(b) < 4+n {
		return t, hdr, nil, errBadLen
	}
	payload, rest := b[4:4+n], b[4+n:]
	masked := hdr&(1<<8) != 0
	code := hdr &^ 0x1ff
	var f *Field
	if hdr>>16 == oxmExp {
		if len(payload) < 4 {
			return t, hdr, nil, errBadLen
		}
		exp := uint32(payload[0])<<24 | uint32(payload[1])<<16 | uint32(payload[2])<<8 | uint32(payload[3])
		payload = payload[4:]
		switch {
		case exp == onfExp && code == onfActsetOutput:
			f = &fields[FieldActsetOutput]
		case exp == onfExp && code == onfTCPFlags:
			f = &fields[FieldTCPFlags]
		case exp == nshExp:
			f = nshFieldByHeader(code)
		}
	} else {
		f = fieldByHeader(code)
	}
	if f == nil {
		return t, hdr, rest, errBadField
	}
	w := f.Bytes
	if masked {
		w *= 2
	}
	if len(payload) != w {
		return t, hdr, nil, errBadLen
	}
	t.f, t.value = f, payload[:f.Bytes]
	if masked {
		t.mask = payload[f.Bytes:]
	}
	return t, hdr, rest, nil
}

func decodeTLVs(b []byte, strict bool, version Version) (*Match, error) {
	m := &Match{}
	if err := m.decodeTLVs(b, strict, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// maxTLVEntries bounds the entries a TLV list of n bytes decodes to: a
// TLV takes at least 5 bytes, and the first Ethernet field adds the
// packet type.
func maxTLVEntries(n int) int { return n/5 + 1 }

// entrySlab is how many entries a slab holds: a few hundred flows' worth.
const entrySlab = 1024

// decodeTLVs decodes into m, replacing what it held. With a slab, the
// entries are carved from *slab (the flows of a reply share a few
// allocations instead of one each); the match's slice is then capped at
// its length, so that a later SetEntry copies it out instead of
// overwriting the next flow's entries.
func (m *Match) decodeTLVs(b []byte, strict bool, slab *[]Entry) error {
	var first *Entry // the slab's first free entry, when decoding into it
	k := maxTLVEntries(len(b))
	if slab != nil {
		if cap(*slab)-len(*slab) < k {
			*slab = make([]Entry, 0, max(k, entrySlab))
		}
		s := *slab
		m.entries = s[len(s) : len(s) : len(s)+k]
		first = &s[:len(s)+1][len(s)]
	} else {
		m.entries = make([]Entry, 0, k)
	}
	for len(b) > 0 {
		t, _, rest, err := nextTLV(b)
		if err == errBadField && rest != nil && !strict {
			b = rest
			continue
		}
		if err != nil {
			return err
		}
		b = rest
		if err := m.applyTLV(t, strict); err != nil {
			return err
		}
	}
	if !strict {
		m.Normalize()
	}
	if first != nil {
		n := len(m.entries)
		if n == 0 || &m.entries[0] == first {
			// Still in the slab (an xxreg can make the list outgrow it).
			*slab = (*slab)[:len(*slab)+n]
		}
		m.entries = m.entries[:n:n]
	}
	return nil
}

func (m *Match) applyTLV(t tlv, strict bool) error {
	f := t.f
	if t.mask != nil {
		if !f.Maskable {
			return errBadMask
		}
		for i := range t.value {
			if t.value[i]&^t.mask[i] != 0 {
				return errBadWildcards
			}
		}
	}
	if f.Bytes <= 8 && f.Bits < 64 {
		if beUint(t.value)>>f.Bits != 0 && f.ID != FieldInPortOXM && f.ID != FieldArpOp {
			return errBadValue
		}
	}
	if f.ID == FieldInPortOXM || f.ID == FieldActsetOutput {
		p := uint32(beUint(t.value))
		if p >= PortMax && p < 0xffffff00 {
			return errBadValue
		}
	}
	switch f.ID {
	case FieldNwTOS:
		if t.value[0]&3 != 0 {
			return errBadValue
		}
	case FieldArpOp:
		if t.value[0] != 0 {
			return errBadValue
		}
	}
	// Loose decoding checks prerequisites once, at the end, so a field
	// may come before the one that makes it meaningful.
	if strict && !m.PrereqsMet(f.Prereq) {
		return errBadPrereq
	}
	if !m.viewWild(f) {
		return errDupField
	}
	m.SetField(f, t.value, t.mask)
	return nil
}

// viewWild reports whether none of the storage bits f would set are
// matched yet.
func (m *Match) viewWild(f *Field) bool {
	switch {
	case f.ID >= FieldXxreg0:
		for i := range FieldID(4) {
			if m.hasStorage(f.store + i) {
				return false
			}
		}
		return true
	case f.ID >= FieldXreg0:
		return !m.hasStorage(f.store) && !m.hasStorage(f.store+1)
	}
	_, mk, ok := m.uint(f.store)
	if !ok {
		return true
	}
	var bits uint64
	switch f.ID {
	case FieldNwTOS, FieldIPDSCP:
		bits = 0xfc
	case FieldIPECN:
		bits = 3
	case FieldVlanVID:
		bits = 0x1fff
	case FieldVlanPCP:
		bits = 0xe000
	default:
		return false
	}
	return mk&bits == 0
}

// FormatNXM writes a TLV list the way `ovs-ofctl parse-nx-match` does:
// "NXM_OF_ETH_TYPE(0800), NXM_NX_REG0_W(00000005/000000ff)".
func FormatNXM(b []byte) (string, error) {
	var sb strings.Builder
	for len(b) > 0 {
		t, hdr, rest, err := nextTLV(b)
		if err != nil {
			return "", err
		}
		if sb.Len() > 0 {
			sb.WriteString(", ")
		}
		name := t.f.NXMName
		switch hdr >> 16 {
		case nxmOF, nxmNX:
		case oxmExp:
			switch t.f.ID {
			case FieldActsetOutput:
				name = "ONFOXM_ET_ACTSET_OUTPUT"
			case FieldTCPFlags:
				name = "ONFOXM_ET_TCP_FLAGS"
			}
		default:
			name = t.f.OXMName
		}
		sb.WriteString(name)
		if t.mask != nil {
			sb.WriteString("_W")
		}
		sb.WriteByte('(')
		sb.WriteString(hex.EncodeToString(t.value))
		if t.mask != nil {
			sb.WriteByte('/')
			sb.WriteString(hex.EncodeToString(t.mask))
		}
		sb.WriteByte(')')
		b = rest
	}
	if sb.Len() == 0 {
		return "<any>", nil
	}
	return sb.String(), nil
}

// ParseNXM reads the text form FormatNXM writes (names with hex values,
// separated by commas or spaces) back into TLV bytes.
func ParseNXM(s string) ([]byte, error) {
	var b []byte
	for {
		s = strings.TrimLeft(s, ", \t\r\n")
		if s == "" {
			return b, nil
		}
		open := strings.IndexByte(s, '(')
		if open < 0 {
			return nil, fmt.Errorf("%s: missing ( at end of nx_match", s)
		}
		name := s[:open]
		end := strings.IndexByte(s[open:], ')')
		if end < 0 {
			return nil, fmt.Errorf("%s: missing ) following field %s", s, name)
		}
		body := s[open+1 : open+end]
		s = s[open+end+1:]
		masked := strings.HasSuffix(name, "_W")
		base := strings.TrimSuffix(name, "_W")
		f, code, exp := fieldByWireName(base)
		if f == nil {
			return nil, fmt.Errorf("%s: unknown field", name)
		}
		vs, ms, hasMask := strings.Cut(body, "/")
		if hasMask != masked {
			return nil, fmt.Errorf("%s: mask syntax does not match field %s", body, name)
		}
		value, err := hex.DecodeString(vs)
		if err != nil || len(value) != f.Bytes {
			return nil, fmt.Errorf("%s: expected %d bytes of hex for %s", vs, f.Bytes, name)
		}
		var mask []byte
		if masked {
			mask, err = hex.DecodeString(ms)
			if err != nil || len(mask) != f.Bytes {
				return nil, fmt.Errorf("%s: expected %d bytes of hex for %s", ms, f.Bytes, name)
			}
		}
		b = appendTLV(b, code, exp, value, mask)
	}
}

// nshFieldByHeader finds the NSH field whose experimenter header is code:
// ten of them, so a scan beats keeping a map.
func nshFieldByHeader(code uint32) *Field {
	for id := FieldNSHFlags; id <= FieldNSHC4; id++ {
		if fields[id].NXM == code {
			return &fields[id]
		}
	}
	return nil
}

func fieldByWireName(name string) (*Field, uint32, uint32) {
	switch name {
	case "ONFOXM_ET_ACTSET_OUTPUT":
		return &fields[FieldActsetOutput], onfActsetOutput, onfExp
	case "ONFOXM_ET_TCP_FLAGS":
		return &fields[FieldTCPFlags], onfTCPFlags, onfExp
	}
	for i := range fields {
		f := &fields[i]
		if f.NXMName == name && f.NXMName != "" {
			return f, f.NXM, f.Experimenter
		}
		if f.OXMName == name && f.OXMName != "" {
			return f, f.OXM, 0
		}
	}
	return nil, 0, 0
}

// putXregs writes the registers as OpenFlow 1.5's 64-bit packet
// registers, two 32-bit registers to each.
func (e *encoder) putXregs() {
	for i := range FieldID(8) {
		hv, hm, hok := e.m.uint(FieldReg0 + 2*i)
		lv, lm, lok := e.m.uint(FieldReg0 + 2*i + 1)
		if !hok && !lok {
			continue
		}
		e.put(&fields[FieldXreg0+i], hv<<32|lv, hm<<32|lm)
	}
}
