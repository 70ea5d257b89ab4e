package openflow

import (
	"math/bits"
	"net/netip"
	"strconv"
)

// PortNamer gives the name to print for a port number, or "" to print
// the number. It may be nil.
type PortNamer func(port uint32) string

// String formats the match as `ovs-ofctl dump-flows` does.
func (m *Match) String() string { return string(m.AppendText(nil, nil)) }

// AppendText appends the match in OVS's normalised flow syntax: fields in
// OVS's order, protocol shorthands folded in ("tcp" for dl_type=0x0800,
// nw_proto=6), views chosen by value (dl_vlan rather than vlan_tci when
// it says the same), values masked and masks omitted when exact.
func (m *Match) AppendText(b []byte, names PortNamer) []byte {
	start := len(b)
	q := newMatchQuery(m)
	sep := func() {
		if len(b) > start {
			b = append(b, ',')
		}
	}
	kv := func(name string) {
		sep()
		b = append(b, name...)
		b = append(b, '=')
	}

	et, hasET := m.EthType()
	proto, hasProto := m.NwProto()
	pt, ptMask, hasPT := q.uint(FieldPacketType)
	nonEth := hasPT && ptMask == 0xffffffff && pt != 0

	for _, id := range []FieldID{FieldPktMark, FieldRecircID, FieldDpHash, FieldConjID, FieldSkbPriority, FieldActsetOutput} {
		if v, mk, ok := q.uint(id); ok {
			f := &fields[id]
			kv(f.Name)
			b = appendInt(b, f, v, mk, 4, names)
		}
	}
	if nonEth {
		kv("packet_type")
		b = append(b, '(')
		b = strconv.AppendUint(b, pt>>16, 10)
		b = append(b, ',')
		if pt>>16 <= 1 { // an Ethernet type
			b = appendHex(b, pt&0xffff)
		} else {
			b = strconv.AppendUint(b, pt&0xffff, 10)
		}
		b = append(b, ')')
	}
	folded, protoFolded := false, false
	_, hasEthType := q.exact(FieldEthType)
	if _, _, ok := q.uint(FieldRecircID); ok && hasEthType && !nonEth {
		// After recirculation the packet type is no longer implied.
		sep()
		b = append(b, "eth"...)
	}
	if hasEthType && !nonEth {
		for _, sh := range shorthands {
			if sh.EthType != et || sh.Name == "ipv4" || sh.Name == "ip4" {
				continue
			}
			if sh.Proto == 0 && (!hasProto || sh.EthType != EthTypeIPv4 && sh.EthType != EthTypeIPv6 || !isShorthandProto(proto)) ||
				sh.Proto != 0 && hasProto && sh.Proto == proto {
				sep()
				b = append(b, sh.Name...)
				folded, protoFolded = true, sh.Proto != 0
				break
			}
		}
	}
	for id := FieldReg0; id <= FieldReg15; id++ {
		if v, mk, ok := q.uint(id); ok {
			kv(fields[id].Name)
			b = appendInt(b, &fields[id], v, mk, 4, names)
		}
	}
	if v, mk, ok := q.uint(FieldTunID); ok {
		kv("tun_id")
		b = appendInt(b, &fields[FieldTunID], v, mk, 8, names)
	}
	if v, mk, ok := q.uint(FieldMetadata); ok {
		kv("metadata")
		b = appendInt(b, &fields[FieldMetadata], v, mk, 8, names)
	}
	if v, _, ok := q.uint(FieldInPort); ok {
		kv("in_port")
		b = appendPort(b, uint32(v), names)
	}
	if v, mk, ok := q.uint(FieldVlanTCI); ok {
		switch {
		case mk == 0x1fff && v&0x1000 != 0:
			kv("dl_vlan")
			b = strconv.AppendUint(b, v&0xfff, 10)
		case mk == 0xf000 && v&0x1000 != 0:
			kv("dl_vlan_pcp")
			b = strconv.AppendUint(b, v>>13, 10)
		case mk == 0xffff && v&0x1000 != 0:
			kv("dl_vlan")
			b = strconv.AppendUint(b, v&0xfff, 10)
			kv("dl_vlan_pcp")
			b = strconv.AppendUint(b, v>>13, 10)
		default:
			kv("vlan_tci")
			b = appendHexPad(b, v, 4)
			if mk != 0xffff {
				b = append(b, '/')
				b = appendHexPad(b, mk, 4)
			}
		}
	}
	for i, id := range [2]FieldID{FieldEthSrc, FieldEthDst} {
		if e, ok := q.get(id); ok {
			kv([2]string{"dl_src", "dl_dst"}[i])
			b = appendEthernet(b, e.Value[:6])
			if !allOnes(e.Mask[:6]) {
				b = append(b, '/')
				b = appendEthernet(b, e.Mask[:6])
			}
		}
	}
	if !folded && !nonEth {
		if v, _, ok := q.uint(FieldEthType); ok {
			kv("dl_type")
			b = appendHexPad(b, v, 4)
		}
	}
	for id := FieldNSHFlags; id <= FieldNSHC4; id++ {
		v, mk, ok := q.uint(id)
		if !ok {
			continue
		}
		if id >= FieldNSHC1 {
			// OVS prints the context headers only for MD type 1.
			if md, ok := q.exact(FieldNSHMdtype); !ok || md != 1 {
				continue
			}
		}
		if id >= FieldNSHC1 {
			// OVS prints the context headers only for MD type 1.
			if md, ok := q.exact(FieldNSHMdtype); !ok || md != 1 {
				continue
			}
		}
		f := &fields[id]
		kv(f.Name)
		full := uint64(1)<<f.Bits - 1
		switch {
		case id == FieldNSHFlags && mk != full:
			b = appendHexPad(b, v, 2)
			b = append(b, '/')
			b = appendHexPad(b, mk, 2)
		case f.Format == FormatHex:
			b = append(b, "0x"...)
			b = strconv.AppendUint(b, v, 16)
			if mk != full {
				b = append(b, "/0x"...)
				b = strconv.AppendUint(b, mk, 16)
			}
		default:
			b = strconv.AppendUint(b, v, 10)
		}
	}
	isARP := hasET && (et == EthTypeARP || et == EthTypeRARP)
	for _, id := range []FieldID{FieldIPv6Src, FieldIPv6Dst} {
		if e, ok := q.get(id); ok {
			kv(fields[id].Name)
			b = appendIPv6(b, e.Value, e.Mask)
		}
	}
	if v, mk, ok := q.uint(FieldIPv6Label); ok {
		kv("ipv6_label")
		b = appendHexPad(b, v, 5)
		if mk != 0xfffff {
			b = append(b, '/')
			b = appendHexPad(b, mk, 5)
		}
	}
	for i, id := range [2]FieldID{FieldIPSrc, FieldIPDst} {
		if e, ok := q.get(id); ok {
			name := [2]string{"nw_src", "nw_dst"}[i]
			if isARP {
				name = [2]string{"arp_spa", "arp_tpa"}[i]
			}
			kv(name)
			b = appendIPv4(b, e.Value[:4], e.Mask[:4])
		}
	}
	if !protoFolded {
		if v, _, ok := q.uint(FieldNwProto); ok {
			if isARP {
				kv("arp_op")
			} else {
				kv("nw_proto")
			}
			b = strconv.AppendUint(b, v, 10)
		}
	}
	if v, mk, ok := q.uint(FieldNwTOS); ok {
		if mk&0xfc != 0 {
			kv("nw_tos")
			b = strconv.AppendUint(b, v&0xfc, 10)
		}
		if mk&3 != 0 {
			kv("nw_ecn")
			b = strconv.AppendUint(b, v&3, 10)
		}
	}
	if v, _, ok := q.uint(FieldNwTTL); ok {
		kv("nw_ttl")
		b = strconv.AppendUint(b, v, 10)
	}
	for _, id := range []FieldID{FieldMplsLabel, FieldMplsTC, FieldMplsTTL, FieldMplsBOS} {
		if v, _, ok := q.uint(id); ok {
			kv(fields[id].Name)
			b = strconv.AppendUint(b, v, 10)
		}
	}
	if v, mk, ok := q.uint(FieldIPFrag); ok {
		kv("nw_frag")
		named := false
		for _, fr := range fragNames {
			if uint64(fr.value) == v && uint64(fr.mask) == mk {
				b = append(b, fr.name...)
				named = true
				break
			}
		}
		if !named {
			b = appendInt(b, &fields[FieldIPFrag], v, mk, 1, names)
		}
	}
	for _, id := range []FieldID{FieldArpSha, FieldArpTha} {
		if !isARP {
			continue
		}
		if e, ok := q.get(id); ok {
			kv(fields[id].Name)
			b = appendEthernet(b, e.Value[:6])
			if !allOnes(e.Mask[:6]) {
				b = append(b, '/')
				b = appendEthernet(b, e.Mask[:6])
			}
		}
	}
	icmp := hasProto && (et == EthTypeIPv4 && proto == 1 || et == EthTypeIPv6 && proto == 58)
	for i, id := range [2]FieldID{FieldTpSrc, FieldTpDst} {
		if v, mk, ok := q.uint(id); ok {
			switch {
			case icmp:
				kv([2]string{"icmp_type", "icmp_code"}[i])
				b = appendInt(b, &fields[FieldICMPType], v, mk|0xff00, 2, names)
			default:
				kv([2]string{"tp_src", "tp_dst"}[i])
				b = appendInt(b, &fields[id], v, mk, 2, names)
			}
		}
	}
	if e, ok := q.get(FieldNdTarget); ok {
		kv("nd_target")
		b = appendIPv6(b, e.Value, e.Mask)
	}
	if et == EthTypeIPv6 {
		for i, id := range [2]FieldID{FieldArpSha, FieldArpTha} {
			if e, ok := q.get(id); ok {
				kv([2]string{"nd_sll", "nd_tll"}[i])
				b = appendEthernet(b, e.Value[:6])
				if !allOnes(e.Mask[:6]) {
					b = append(b, '/')
					b = appendEthernet(b, e.Mask[:6])
				}
			}
		}
	}
	if v, mk, ok := q.uint(FieldTCPFlags); ok {
		kv("tcp_flags")
		b = appendTCPFlags(b, uint16(v), uint16(mk))
	}
	return b
}

// matchQuery answers the formatter's many lookups, most of them for
// fields the match does not have, with a bit test before the search.
type matchQuery struct {
	m       *Match
	present uint64 // bit i: storage field i is matched
}

// A storage field must fit in matchQuery's bitmap.
var _ [64 - numStorage]struct{}

func newMatchQuery(m *Match) matchQuery {
	q := matchQuery{m: m}
	for i := range m.entries {
		q.present |= 1 << m.entries[i].Field
	}
	return q
}

func (q *matchQuery) has(id FieldID) bool { return id < numStorage && q.present&(1<<id) != 0 }

func (q *matchQuery) uint(id FieldID) (v, mask uint64, ok bool) {
	if !q.has(id) {
		return 0, 0, false
	}
	return q.m.uint(id)
}

func (q *matchQuery) get(id FieldID) (Entry, bool) {
	if !q.has(id) {
		return Entry{}, false
	}
	return q.m.Get(id)
}

func (q *matchQuery) exact(id FieldID) (uint64, bool) {
	if !q.has(id) {
		return 0, false
	}
	return q.m.exact(id)
}

func isShorthandProto(p uint8) bool { return p == 1 || p == 6 || p == 17 || p == 132 || p == 58 }

// appendInt writes an integer field: decimal or hex by the field's
// format, with "/mask" when not exact (hex both, as OVS does).
func appendInt(b []byte, f *Field, v, mk uint64, n int, names PortNamer) []byte {
	full := ^uint64(0) >> (64 - 8*n)
	if f.Format == FormatPort {
		return appendPort(b, uint32(v), names)
	}
	if mk == full {
		if f.Format == FormatDecimal {
			return strconv.AppendUint(b, v, 10)
		}
		return appendHex(b, v)
	}
	b = appendHex(b, v)
	b = append(b, '/')
	return appendHex(b, mk)
}

// appendHex writes %#x: "0" for zero, 0x-prefixed otherwise.
func appendHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	b = append(b, "0x"...)
	return strconv.AppendUint(b, v, 16)
}

func appendHexPad(b []byte, v uint64, width int) []byte {
	b = append(b, "0x"...)
	s := strconv.FormatUint(v, 16)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// portText is how flow syntax prints a reserved port: OVS calls the
// "no port" number ANY there.
func portText(p uint32) string {
	if p == PortNone {
		return "ANY"
	}
	return PortName(p)
}

func appendPort(b []byte, p uint32, names PortNamer) []byte {
	if n := portText(p); n != "" {
		return append(b, n...)
	}
	if names != nil {
		if n := names(p); n != "" {
			return append(b, n...)
		}
	}
	return strconv.AppendUint(b, uint64(p), 10)
}

func appendEthernet(b []byte, e []byte) []byte {
	const hexd = "0123456789abcdef"
	for i, c := range e {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexd[c>>4], hexd[c&15])
	}
	return b
}

func allOnes(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}

// cidrLen returns the prefix length if mask is a CIDR mask, else -1.
func cidrLen(mask []byte) int {
	n := 0
	for _, c := range mask {
		if c == 0xff {
			n += 8
			continue
		}
		l := bits.LeadingZeros8(^c)
		if c<<l != 0 {
			return -1
		}
		n += l
		break
	}
	for _, c := range mask[(n+7)/8:] {
		if c != 0 {
			return -1
		}
	}
	return n
}

func appendIPv4(b []byte, v, mk []byte) []byte {
	b = netip.AddrFrom4([4]byte(v)).AppendTo(b)
	if n := cidrLen(mk); n == 32 {
		return b
	} else if n >= 0 {
		b = append(b, '/')
		return strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, '/')
	return netip.AddrFrom4([4]byte(mk)).AppendTo(b)
}

func appendIPv6(b []byte, v, mk [16]byte) []byte {
	b = netip.AddrFrom16(v).AppendTo(b)
	if n := cidrLen(mk[:]); n == 128 {
		return b
	} else if n >= 0 {
		b = append(b, '/')
		return strconv.AppendInt(b, int64(n), 10)
	}
	b = append(b, '/')
	return netip.AddrFrom16(mk).AppendTo(b)
}

func appendTCPFlags(b []byte, v, mk uint16) []byte {
	name := func(i int) string {
		if i < len(tcpFlagNames) {
			return tcpFlagNames[i]
		}
		return "[" + strconv.FormatUint(1<<i, 16) + "]"
	}
	if mk == 0x0fff || mk == 0xffff {
		if v == 0 {
			return append(b, '0')
		}
		first := true
		for i := range 12 {
			if v&(1<<i) != 0 {
				if !first {
					b = append(b, '|')
				}
				b = append(b, name(i)...)
				first = false
			}
		}
		return b
	}
	for i := range 12 {
		if mk&(1<<i) == 0 {
			continue
		}
		if v&(1<<i) != 0 {
			b = append(b, '+')
		} else {
			b = append(b, '-')
		}
		b = append(b, name(i)...)
	}
	return b
}
