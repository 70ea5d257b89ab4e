package openflow

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/govs/ovs/internal/cnum"
)

// The learn action
//
// learn(...) adds or modifies a flow when a packet executes it. The
// model keeps the action as OVS's wire form describes it: the new flow's
// table, priority, timeouts, cookie and flags, and a list of specs, each
// taking Bits bits from a source (a subfield of the packet being
// processed, or an immediate value) to a destination:
//
//   - LearnMatch: the new flow matches Dst exactly against the source
//     bits ("NXM_OF_VLAN_TCI[0..11]", "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]",
//     "eth_type=0x800").
//   - LearnLoad: the new flow gets an action loading the source bits, as
//     they are now, into Dst ("load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]").
//   - LearnOutput: the new flow gets an action outputting to the port
//     number the source bits hold now ("output:NXM_OF_IN_PORT[]").
//
// Executing it is Learn.FlowMod: the switch passes a function returning
// the packet's current value of a field and gets back the flow_mod to
// apply (OFPFC_MODIFY_STRICT, as OVS uses, so learning the same flow again
// refreshes it). fin_idle_timeout and fin_hard_timeout become a
// fin_timeout action in the learned flow; delete_learned, limit and
// result_dst are the flow table's business (the learned flows are
// removed with the learning flow; at most Limit flows are learned and
// whether this one was is written to ResultDst).
//
// On the wire, NXAST_LEARN carries everything but limit and result_dst;
// NXAST_LEARN2 carries those too and OVS uses it only when either is set.

// LearnKind says what a learn spec produces in the learned flow.
type LearnKind uint8

// Learn spec kinds (the NX_LEARN_DST_* values).
const (
	LearnMatch LearnKind = iota
	LearnLoad
	LearnOutput
)

// LearnSpec is one spec of a learn action. The source is Src, or Value
// when Value is non-nil: an immediate of (Bits+7)/8 big-endian bytes.
// Dst is unused for LearnOutput.
type LearnSpec struct {
	Kind  LearnKind
	Bits  int
	Src   Subfield
	Value []byte
	Dst   Subfield
}

// Learn flags (NX_LEARN_F_*): LearnWriteResult is implied by ResultDst
// and never needs setting by hand.
const (
	LearnSendFlowRem   uint16 = 1 << 0
	LearnDeleteLearned uint16 = 1 << 1
	LearnWriteResult   uint16 = 1 << 2
)

// Learn is the learn action.
type Learn struct {
	Table          uint8
	Priority       uint16
	IdleTimeout    uint16
	HardTimeout    uint16
	FinIdleTimeout uint16
	FinHardTimeout uint16
	Cookie         uint64
	Flags          uint16 // LearnSendFlowRem, LearnDeleteLearned
	Limit          uint32 // 0: no limit
	ResultDst      Subfield
	Specs          []LearnSpec
}

func (Learn) action() {}

// NewLearn returns a learn action with OVS's defaults (table 1,
// priority 32768).
func NewLearn() *Learn { return &Learn{Table: 1, Priority: DefaultPriority} }

// bit operations on big-endian byte strings, bit 0 being the least
// significant bit of the last byte.
func getBit(b []byte, i int) bool { return b[len(b)-1-i/8]>>(i%8)&1 != 0 }

func setBit(b []byte, i int, on bool) {
	if on {
		b[len(b)-1-i/8] |= 1 << (i % 8)
	} else {
		b[len(b)-1-i/8] &^= 1 << (i % 8)
	}
}

// copyBits copies n bits from src at bit srcOfs to dst at bit dstOfs.
func copyBits(dst []byte, dstOfs int, src []byte, srcOfs, n int) {
	for i := range n {
		setBit(dst, dstOfs+i, getBit(src, srcOfs+i))
	}
}

// FlowMod turns the learn action into the flow_mod that learning from the
// current packet applies. get returns the packet's value of a field as
// f.Bytes big-endian bytes (the values the packet has at this point of the
// pipeline, earlier actions included).
func (l *Learn) FlowMod(get func(f *Field) (value []byte)) (*FlowMod, error) {
	fm := NewFlowMod(FlowModifyStrict)
	fm.TableID = l.Table
	fm.Priority = l.Priority
	fm.IdleTimeout = l.IdleTimeout
	fm.HardTimeout = l.HardTimeout
	fm.NewCookie = l.Cookie
	if l.Flags&LearnSendFlowRem != 0 {
		fm.Flags |= FlowSendFlowRem
	}
	type acc struct {
		f           *Field
		value, mask []byte
	}
	var matches []acc
	fm.Actions = []Action{}
	for i := range l.Specs {
		s := &l.Specs[i]
		src := make([]byte, (s.Bits+7)/8)
		if s.Value != nil {
			copyBits(src, 0, s.Value, 0, min(s.Bits, 8*len(s.Value)))
		} else {
			if s.Src.Field == nil {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			v := get(s.Src.Field)
			if len(v) != s.Src.Field.Bytes {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			copyBits(src, 0, v, s.Src.Ofs, s.Bits)
		}
		switch s.Kind {
		case LearnMatch:
			f := s.Dst.Field
			if f == nil || f == &fields[FieldTunID] || f.Bytes > 16 {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			j := 0
			for j < len(matches) && matches[j].f != f {
				j++
			}
			if j == len(matches) {
				matches = append(matches, acc{f, make([]byte, f.Bytes), make([]byte, f.Bytes)})
			}
			copyBits(matches[j].value, s.Dst.Ofs, src, 0, s.Bits)
			for k := range s.Bits {
				setBit(matches[j].mask, s.Dst.Ofs+k, true)
			}
		case LearnLoad:
			f := s.Dst.Field
			if f == nil {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			if s.Bits <= 64 && f.Bytes <= 8 {
				var v uint64
				for k := range s.Bits {
					if getBit(src, k) {
						v |= 1 << k
					}
				}
				fm.Actions = append(fm.Actions, &RegLoad{Dst: s.Dst, Value: v})
				break
			}
			value, mask := make([]byte, f.Bytes), make([]byte, f.Bytes)
			copyBits(value, s.Dst.Ofs, src, 0, s.Bits)
			for k := range s.Bits {
				setBit(mask, s.Dst.Ofs+k, true)
			}
			if allOnes(mask) {
				mask = nil
			}
			fm.Actions = append(fm.Actions, &SetField{Field: f, Value: value, Mask: mask})
		case LearnOutput:
			var p uint64
			for k := range min(s.Bits, 32) {
				if getBit(src, k) {
					p |= 1 << k
				}
			}
			fm.Actions = append(fm.Actions, &Output{Port: uint32(p)})
		default:
			return nil, OFPBAC_BAD_ARGUMENT
		}
	}
	for _, m := range matches {
		mask := m.mask
		if allOnes(mask) {
			mask = nil
		}
		fm.Match.SetField(m.f, m.value, mask)
	}
	if l.FinIdleTimeout != 0 || l.FinHardTimeout != 0 {
		fm.Actions = append(fm.Actions, &FinTimeout{Idle: l.FinIdleTimeout, Hard: l.FinHardTimeout})
	}
	return fm, nil
}

// Text.

// strtoull is C's strtoull with base 0 and no error checking: OVS parses
// several learn arguments that way, so "x" is 0 and overflow saturates.
func strtoull(s string) uint64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	s = s[i:]
	base := uint64(10)
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isHex(s[2]):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base = 8
	}
	var n uint64
	for j := 0; j < len(s); j++ {
		var d uint64
		c := s[j]
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case c >= 'a' && c <= 'f':
			d = uint64(c-'a') + 10
		case c >= 'A' && c <= 'F':
			d = uint64(c-'A') + 10
		default:
			return n
		}
		if d >= base {
			return n
		}
		if n > (math.MaxUint64-d)/base {
			return math.MaxUint64
		}
		n = n*base + d
	}
	return n
}

// parseImmediate reads a number of any width ("0x" hex or decimal) into
// (bits+7)/8 big-endian bytes. It reports whether the text was a number
// at all and whether it fits.
func parseImmediate(s string, bits int) (v []byte, isNum, fits bool) {
	v = make([]byte, (bits+7)/8)
	var digits []byte
	if h, ok := strings.CutPrefix(s, "0x"); ok || strings.HasPrefix(s, "0X") {
		if !ok {
			h = s[2:]
		}
		if h == "" {
			return nil, false, false
		}
		for i := 0; i < len(h); i++ {
			if !isHex(h[i]) {
				return nil, false, false
			}
			digits = append(digits, hexVal(h[i]))
		}
		// Nibbles, least significant last.
		for i := range digits {
			d := digits[len(digits)-1-i]
			for k := range 4 {
				if d>>k&1 == 0 {
					continue
				}
				bit := 4*i + k
				if bit >= bits {
					return v, true, false
				}
				setBit(v, bit, true)
			}
		}
		return v, true, true
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return nil, false, false
	}
	for k := range 64 {
		if n>>k&1 != 0 {
			if k >= bits {
				return v, true, false
			}
			setBit(v, k, true)
		}
	}
	return v, true, true
}

func parseLearn(v string, ports PortLookup) ([]Action, error) {
	l := NewLearn()
	for _, arg := range strings.Split(v, ",") {
		if arg == "" {
			continue
		}
		k, val, hasVal := strings.Cut(arg, "=")
		if !hasVal {
			k, val, hasVal = strings.Cut(arg, ":")
			if hasVal && k != "load" && k != "output" {
				k, val, hasVal = arg, "", false
			}
		}
		switch k {
		case "table":
			n, err := strconv.ParseUint(val, 10, 8)
			if err != nil {
				return nil, fmt.Errorf("unknown table \"%s\"", val)
			}
			if n == 255 {
				return nil, fmt.Errorf("%s: table id 255 not valid for `learn' action", v)
			}
			l.Table = uint8(n)
		case "priority":
			l.Priority = uint16(cnum.Atoi(val))
		case "idle_timeout":
			l.IdleTimeout = uint16(cnum.Atoi(val))
		case "hard_timeout":
			l.HardTimeout = uint16(cnum.Atoi(val))
		case "fin_idle_timeout":
			l.FinIdleTimeout = uint16(cnum.Atoi(val))
		case "fin_hard_timeout":
			l.FinHardTimeout = uint16(cnum.Atoi(val))
		case "cookie":
			l.Cookie = strtoull(val)
		case "limit":
			l.Limit = uint32(cnum.Atoi(val))
		case "send_flow_rem":
			l.Flags |= LearnSendFlowRem
		case "delete_learned":
			l.Flags |= LearnDeleteLearned
		case "result_dst":
			sf, err := parseSubfield(val)
			if err != nil {
				return nil, err
			}
			if !sf.Field.Writable() {
				return nil, fmt.Errorf("%s is read-only", val)
			}
			if sf.Bits != 1 {
				return nil, errors.New("result_dst in 'learn' action must be a single bit")
			}
			l.ResultDst = sf
		case "load":
			spec, err := parseLearnLoad(val)
			if err != nil {
				return nil, err
			}
			l.Specs = append(l.Specs, spec)
		case "output":
			sf, err := parseSubfield(val)
			if err != nil {
				return nil, err
			}
			l.Specs = append(l.Specs, LearnSpec{Kind: LearnOutput, Bits: sf.Bits, Src: sf})
		default:
			spec, err := parseLearnMatch(v, arg, k, val, hasVal, ports)
			if err != nil {
				return nil, err
			}
			l.Specs = append(l.Specs, spec)
		}
	}
	return one(l), nil
}

func parseLearnLoad(s string) (LearnSpec, error) {
	spec := LearnSpec{Kind: LearnLoad}
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		num, dst, ok := strings.Cut(s, "->")
		if !ok {
			return spec, fmt.Errorf("load: missing `->' in `%s'", s)
		}
		sf, err := parseSubfield(dst)
		if err != nil {
			return spec, err
		}
		val, isNum, fits := parseImmediate(num, sf.Bits)
		if !isNum {
			return spec, fmt.Errorf("%s: cannot parse integer value", s)
		}
		if !fits {
			return spec, fmt.Errorf("%s: value does not fit into %d bits", s, sf.Bits)
		}
		spec.Bits, spec.Value, spec.Dst = sf.Bits, val, sf
		return spec, nil
	}
	src, rest, err := parseSubfieldPrefix(s, s)
	if err != nil {
		return spec, err
	}
	dstText, ok := strings.CutPrefix(rest, "->")
	if !ok {
		return spec, fmt.Errorf("load: missing `->' in `%s'", s)
	}
	dst, err := parseSubfield(dstText)
	if err != nil {
		return spec, err
	}
	if src.Bits != dst.Bits {
		return spec, fmt.Errorf("%s: source field is %d bits wide but destination is %d bits wide", s, src.Bits, dst.Bits)
	}
	spec.Bits, spec.Src, spec.Dst = src.Bits, src, dst
	return spec, nil
}

// parseLearnMatch parses one match spec arg ("name=val" or a bare
// subfield); errors name the whole learn argument, as OVS's do.
func parseLearnMatch(whole, arg, name, val string, hasVal bool, ports PortLookup) (LearnSpec, error) {
	spec := LearnSpec{Kind: LearnMatch}
	if !hasVal {
		// A bare subfield: match it against its own value.
		sf, rest, err := parseSubfieldPrefix(arg, arg)
		if err != nil || rest != "" {
			return spec, fmt.Errorf("%s: unknown keyword %s", whole, arg)
		}
		spec.Bits, spec.Src, spec.Dst = sf.Bits, sf, sf
		return spec, nil
	}
	var dst Subfield
	wholeField := !strings.Contains(name, "[")
	var f *Field
	if wholeField {
		f = FieldByName(name)
		if f == nil && (name == "tun_id" || name == "tunnel_id") {
			f = &fields[FieldTunID]
		}
		if f == nil {
			return spec, fmt.Errorf("%s: unknown keyword %s", whole, name)
		}
		if f.NXM == 0 && f.OXM == 0 && f.ID != FieldInPort {
			return spec, fmt.Errorf("%s: experimenter OXM field '%s' not supported", whole, name)
		}
		dst = Subfield{Field: f, Bits: f.Bits}
	} else {
		sf, rest, err := parseSubfieldPrefix(name, name)
		if err != nil || rest != "" {
			return spec, fmt.Errorf("%s: unknown keyword %s", whole, name)
		}
		dst = sf
		// A subfield that covers its whole field takes the field's syntax.
		if sf.Ofs == 0 && sf.Bits == sf.Field.Bits {
			wholeField, f = true, sf.Field
		}
	}
	src, rest, serr := parseSubfieldPrefix(val, val)
	if serr == nil && rest != "" {
		serr = errors.New("unexpected input following field syntax")
	}
	if serr == nil {
		if src.Bits != dst.Bits {
			return spec, fmt.Errorf("%s: bit widths of %s (%d) and %s (%d) differ", whole, name, src.Bits, val, dst.Bits)
		}
		spec.Bits, spec.Src, spec.Dst = dst.Bits, src, dst
		return spec, nil
	}
	var ierr error
	if wholeField {
		value, mask, err := parseFieldImmediate(f, val, ports)
		if err == nil && mask != nil {
			err = fmt.Errorf("%s: wildcards not allowed here", val)
		}
		if err == nil {
			imm := make([]byte, (f.Bits+7)/8)
			copyBits(imm, 0, value, 0, f.Bits)
			spec.Bits, spec.Value, spec.Dst = f.Bits, imm, dst
			return spec, nil
		}
		ierr = err
	} else {
		imm, isNum, fits := parseImmediate(val, dst.Bits)
		switch {
		case !isNum:
			ierr = fmt.Errorf("%s: cannot parse integer value", whole)
		case !fits:
			ierr = fmt.Errorf("%s: value %s does not fit into %d bits", whole, val, dst.Bits)
		default:
			spec.Bits, spec.Value, spec.Dst = dst.Bits, imm, dst
			return spec, nil
		}
	}
	return spec, fmt.Errorf("%s: %s value %s cannot be parsed as a subfield (%v) or an immediate value (%v)", whole, name, val, serr, ierr)
}

// parseFieldImmediate parses a whole field's value in the field's own
// syntax; mask is nil unless the text had a real one.
func parseFieldImmediate(f *Field, s string, ports PortLookup) (value, mask []byte, err error) {
	if f == &fields[FieldTunID] {
		n, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: invalid numeric format", s)
		}
		return be64(nil, n), nil, nil
	}
	value, mask, err = ParseFieldValue(f, s, ports)
	if err != nil {
		return nil, nil, err
	}
	if mask != nil && allOnes(mask) {
		mask = nil
	}
	return value, mask, nil
}

func appendLearn(b []byte, l *Learn, names PortNamer) []byte {
	b = strconv.AppendUint(append(b, "learn(table="...), uint64(l.Table), 10)
	num := func(name string, v uint64) {
		if v != 0 {
			b = strconv.AppendUint(append(append(append(b, ','), name...), '='), v, 10)
		}
	}
	num("idle_timeout", uint64(l.IdleTimeout))
	num("hard_timeout", uint64(l.HardTimeout))
	num("fin_idle_timeout", uint64(l.FinIdleTimeout))
	num("fin_hard_timeout", uint64(l.FinHardTimeout))
	if l.Priority != DefaultPriority {
		b = strconv.AppendUint(append(b, ",priority="...), uint64(l.Priority), 10)
	}
	if l.Flags&LearnSendFlowRem != 0 {
		b = append(b, ",send_flow_rem"...)
	}
	if l.Flags&LearnDeleteLearned != 0 {
		b = append(b, ",delete_learned"...)
	}
	if l.Cookie != 0 {
		b = appendHex(append(b, ",cookie="...), l.Cookie)
	}
	num("limit", uint64(l.Limit))
	if l.ResultDst.Field != nil {
		b = appendSubfield(append(b, ",result_dst="...), l.ResultDst)
	}
	for i := range l.Specs {
		b = appendLearnSpec(append(b, ','), &l.Specs[i], names)
	}
	return append(b, ')')
}

// appendBigHex writes v as OVS prints a learn immediate: 0x and the hex
// digits without leading zeros.
func appendBigHex(b []byte, v []byte) []byte {
	const hexd = "0123456789abcdef"
	b = append(b, "0x"...)
	started := false
	for _, c := range v {
		for _, d := range [2]byte{c >> 4, c & 15} {
			if d != 0 || started {
				b = append(b, hexd[d])
				started = true
			}
		}
	}
	if !started {
		return append(b[:len(b)-2], '0')
	}
	return b
}

func appendLearnSpec(b []byte, s *LearnSpec, names PortNamer) []byte {
	switch s.Kind {
	case LearnMatch:
		if s.Value == nil {
			b = appendSubfield(b, s.Dst)
			if s.Src != s.Dst {
				b = appendSubfield(append(b, '='), s.Src)
			}
			return b
		}
		f := s.Dst.Field
		if s.Dst.Ofs == 0 && s.Dst.Bits == f.Bits {
			b = append(append(b, f.Name...), '=')
			full := make([]byte, f.Bytes)
			copyBits(full, 0, s.Value, 0, min(s.Bits, 8*len(s.Value)))
			if f.Format == FormatPort {
				return appendPort(b, uint32(beUint(full)), names)
			}
			return appendFieldValue(b, f, full, nil, names)
		}
		return appendBigHex(append(appendSubfield(b, s.Dst), '='), s.Value)
	case LearnLoad:
		b = append(b, "load:"...)
		if s.Value == nil {
			b = appendSubfield(b, s.Src)
		} else {
			b = appendBigHex(b, s.Value)
		}
		return appendSubfield(append(b, "->"...), s.Dst)
	}
	return appendSubfield(append(b, "output:"...), s.Src)
}

// Wire.

func appendSpecSubfield(b []byte, sf Subfield) []byte {
	return be16(be32(b, fieldHeader(sf.Field)), uint16(sf.Ofs))
}

func appendLearnWire(b []byte, l *Learn) ([]byte, error) {
	start := len(b)
	learn2 := l.Limit != 0 || l.ResultDst.Field != nil
	if learn2 {
		b = nxHdr(b, nxastLearn2)
	} else {
		b = nxHdr(b, nxastLearn)
	}
	flags := l.Flags &^ LearnWriteResult
	if l.ResultDst.Field != nil {
		flags |= LearnWriteResult
	}
	b = be16(be16(be16(b, l.IdleTimeout), l.HardTimeout), l.Priority)
	b = be64(b, l.Cookie)
	b = be16(b, flags)
	b = append(b, l.Table, 0)
	b = be16(be16(b, l.FinIdleTimeout), l.FinHardTimeout)
	if learn2 {
		b = be32(b, l.Limit)
		b = be16(b, uint16(l.ResultDst.Ofs))
		b = pad(b, 2)
		if l.ResultDst.Field != nil {
			b = be32(b, fieldHeader(l.ResultDst.Field))
		}
	}
	for i := range l.Specs {
		s := &l.Specs[i]
		if s.Bits <= 0 || s.Bits > 0x3ff || s.Kind > LearnOutput {
			return b[:start], OFPBAC_BAD_ARGUMENT
		}
		h := uint16(s.Bits) | uint16(s.Kind)<<11
		if s.Value != nil {
			h |= 0x2000
		}
		b = be16(b, h)
		if s.Value != nil {
			imm := make([]byte, 2*((s.Bits+15)/16))
			copyBits(imm, 0, s.Value, 0, min(s.Bits, 8*len(s.Value)))
			b = append(b, imm...)
		} else {
			b = appendSpecSubfield(b, s.Src)
		}
		if s.Kind != LearnOutput {
			b = appendSpecSubfield(b, s.Dst)
		}
	}
	// The spec list ends at a zero header or at the end of the action;
	// fixLen's zero padding provides the former when there is room.
	return fixLen(b, start), nil
}

func decodeLearn(b []byte) (Action, error) {
	if len(b) < 32 {
		return nil, OFPBAC_BAD_LEN
	}
	l := &Learn{
		IdleTimeout: u16(b, 10), HardTimeout: u16(b, 12), Priority: u16(b, 14),
		Cookie: u64(b, 16), Flags: u16(b, 24), Table: b[26],
		FinIdleTimeout: u16(b, 28), FinHardTimeout: u16(b, 30),
	}
	if l.Flags&^(LearnSendFlowRem|LearnDeleteLearned|LearnWriteResult) != 0 || l.Table == 255 {
		return nil, OFPBAC_BAD_ARGUMENT
	}
	p := b[32:]
	if u16(b, 8) == nxastLearn2 {
		if len(p) < 8 {
			return nil, OFPBAC_BAD_LEN
		}
		l.Limit = u32(p, 0)
		ofs := int(u16(p, 4))
		p = p[8:]
		if l.Flags&LearnWriteResult != 0 {
			if len(p) < 4 {
				return nil, OFPBAC_BAD_LEN
			}
			sf, err := decodeSubfield(u32(p, 0), ofs, 1)
			if err != nil {
				return nil, err
			}
			l.ResultDst = sf
			p = p[4:]
		}
	} else if l.Flags&LearnWriteResult != 0 {
		return nil, OFPBAC_BAD_ARGUMENT
	}
	l.Flags &^= LearnWriteResult
	for len(p) >= 2 {
		h := u16(p, 0)
		if h == 0 {
			break
		}
		p = p[2:]
		s := LearnSpec{Bits: int(h & 0x3ff), Kind: LearnKind(h >> 11 & 3)}
		imm := h&0x2000 != 0
		if h&0xc400 != 0 || s.Kind > LearnOutput || s.Bits == 0 || imm && s.Kind == LearnOutput {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		if imm {
			n := 2 * ((s.Bits + 15) / 16)
			if len(p) < n {
				return nil, OFPBAC_BAD_LEN
			}
			s.Value = make([]byte, (s.Bits+7)/8)
			copyBits(s.Value, 0, p[:n], 0, s.Bits)
			p = p[n:]
		} else {
			if len(p) < 6 {
				return nil, OFPBAC_BAD_LEN
			}
			sf, err := decodeSubfield(u32(p, 0), int(u16(p, 4)), s.Bits)
			if err != nil {
				return nil, err
			}
			s.Src = sf
			p = p[6:]
		}
		if s.Kind != LearnOutput {
			if len(p) < 6 {
				return nil, OFPBAC_BAD_LEN
			}
			sf, err := decodeSubfield(u32(p, 0), int(u16(p, 4)), s.Bits)
			if err != nil {
				return nil, err
			}
			s.Dst = sf
			p = p[6:]
		}
		l.Specs = append(l.Specs, s)
	}
	for _, c := range p {
		if c != 0 {
			return nil, OFPBAC_BAD_ARGUMENT
		}
	}
	return l, nil
}
