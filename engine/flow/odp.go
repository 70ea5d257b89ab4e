package flow

import "strconv"

// The datapath flow syntax: what `ovs-appctl dpctl/dump-flows` prints for a
// megaflow of the userspace datapath, and what `dpctl/add-flow` reads.
//
// OVS produces this text by serialising the flow into netlink attributes
// (key and mask separately) and printing the attributes. We print straight
// from Key, but reproduce every rule that the detour through netlink
// implies, because scripts compare these lines:
//
//   - attributes appear in netlink order: skb_priority, skb_mark, ct_*,
//     recirc_id, dp_hash, in_port, packet_type, eth, VLAN (eth_type with the
//     TPID, vlan, encap(...) around the rest), eth_type, L3, L4;
//   - without Verbose an attribute whose mask is all zero is left out, and so
//     is each field inside an attribute whose mask is zero;
//   - tcp_flags() exists when the key or the mask has a flag bit, and its
//     value is printed under the mask (OVS shows tcp_flags(0/0) for a SYN
//     packet whose megaflow ignores the flags);
//   - the key is printed as given, not masked: a verbose dump shows the
//     packet's value over a zero mask ("src=10.0.0.1/0.0.0.0");
//   - which attributes exist follows the key, not the mask (an ICMP key
//     gets icmp(), a later fragment gets no L4 attribute at all);
//   - an 802.2 frame (EthType below 0x600) has no eth_type in the key but an
//     exact one in the mask, printed "eth_type(0/0xffff)";
//   - numbers keep OVS's per-field bases: ports, TTLs and protocols in
//     decimal with hex masks, TOS, labels and metadata in hex.
//
// This Key has no conntrack fields, so the verbose form prints ct_state,
// ct_zone, ct_mark and ct_label as fully wildcarded zeros, which is what OVS
// prints for a flow that does not use conntrack; the parser accepts them
// only in that form.

// FormatOptions controls AppendODP.
type FormatOptions struct {
	// Verbose prints every field, wildcarded or not (dump-flows -m).
	Verbose bool
	// PortName, when set, names the exactly matched in_port (dump-flows
	// --names, which -m implies); unknown ports print as numbers.
	PortName func(port uint32) (string, bool)
	// VLANLimit is how many VLAN headers the datapath parses (vswitchd's
	// other_config:vlan-limit, 1 by default there); 0 means MaxVLANs.
	// It must be the limit the keys were extracted with.
	VLANLimit int
}

type odpWriter struct {
	b       []byte
	verbose bool
}

// sep starts an attribute: a comma unless at the start of the output or
// right after an opening parenthesis.
func (w *odpWriter) sep() {
	if n := len(w.b); n > 0 && w.b[n-1] != '(' {
		w.b = append(w.b, ',')
	}
}

func (w *odpWriter) chomp() {
	if n := len(w.b); n > 0 && w.b[n-1] == ',' {
		w.b = w.b[:n-1]
	}
}

func appendHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	b = append(b, '0', 'x')
	return strconv.AppendUint(b, v, 16)
}

// field appends "name=value[/mask]," for an integer field printed in decimal
// (hex=false) or %#x (hex=true), with the mask always in %#x.
func (w *odpWriter) field(name string, v, m, full uint64, hex bool) {
	if m == 0 && !w.verbose {
		return
	}
	w.b = append(w.b, name...)
	w.b = append(w.b, '=')
	if hex {
		w.b = appendHex(w.b, v)
	} else {
		w.b = strconv.AppendUint(w.b, v, 10)
	}
	if m != full {
		w.b = append(w.b, '/')
		w.b = appendHex(w.b, m)
	}
	w.b = append(w.b, ',')
}

func (w *odpWriter) mac(name string, v, m [6]byte) {
	if m == ([6]byte{}) && !w.verbose {
		return
	}
	w.b = append(w.b, name...)
	w.b = append(w.b, '=')
	w.b = AppendMAC(w.b, v)
	if m != [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		w.b = append(w.b, '/')
		w.b = AppendMAC(w.b, m)
	}
	w.b = append(w.b, ',')
}

func (w *odpWriter) ip4(name string, v, m [4]byte) {
	if m == ([4]byte{}) && !w.verbose {
		return
	}
	w.b = append(w.b, name...)
	w.b = append(w.b, '=')
	w.b = AppendIPv4(w.b, v)
	if m != [4]byte{0xff, 0xff, 0xff, 0xff} {
		w.b = append(w.b, '/')
		w.b = AppendIPv4(w.b, m)
	}
	w.b = append(w.b, ',')
}

var allOnes16 = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

func (w *odpWriter) ip6(name string, v, m [16]byte) {
	if m == ([16]byte{}) && !w.verbose {
		return
	}
	w.b = append(w.b, name...)
	w.b = append(w.b, '=')
	w.b = AppendIPv6(w.b, v)
	if m != allOnes16 {
		w.b = append(w.b, '/')
		w.b = AppendIPv6(w.b, m)
	}
	w.b = append(w.b, ',')
}

// frag prints the fragment enumeration; OVS cannot express a partial mask
// of it and says so in the output.
func (w *odpWriter) frag(v, m uint8) {
	m &= FragAny | FragLater
	switch m {
	case 0:
		return
	case FragAny | FragLater:
		w.b = append(w.b, "frag="...)
		switch {
		case v&FragLater != 0:
			w.b = append(w.b, "later"...)
		case v&FragAny != 0:
			w.b = append(w.b, "first"...)
		default:
			w.b = append(w.b, "no"...)
		}
	default:
		odpMask := uint64(0xfc)
		if m&FragAny != 0 {
			odpMask |= 1
		}
		if m&FragLater != 0 {
			odpMask |= 2
		}
		w.b = append(w.b, "error: partial mask not supported for frag ("...)
		w.b = appendHex(w.b, odpMask)
		w.b = append(w.b, ')')
	}
	w.b = append(w.b, ',')
}

// scalar prints a one-value attribute such as skb_mark(0x7/0xf).
func (w *odpWriter) scalar(name string, v, m, full uint64) {
	if m == 0 && !w.verbose {
		return
	}
	w.sep()
	w.b = append(w.b, name...)
	w.b = append(w.b, '(')
	w.b = appendHex(w.b, v)
	if m != full {
		w.b = append(w.b, '/')
		w.b = appendHex(w.b, m)
	}
	w.b = append(w.b, ')')
}

// open starts attribute name unless non-verbose output would leave it out
// because its whole mask is zero.
func (w *odpWriter) open(name string, wildcard bool) bool {
	if wildcard && !w.verbose {
		return false
	}
	w.sep()
	w.b = append(w.b, name...)
	w.b = append(w.b, '(')
	return true
}

func (w *odpWriter) close() {
	w.chomp()
	w.b = append(w.b, ')')
}

func isVLANType(t uint16) bool { return t == EthTypeVLAN || t == EthTypeVLAN8021AD }

// mplsCount is how many label stack entries the key holds: up to and
// including the first with the bottom-of-stack bit, or all of them.
func mplsCount(k *Key) int {
	for i, l := range k.MPLS {
		if l&mplsBOS != 0 {
			return i + 1
		}
	}
	return MaxMPLS
}

var tcpFlagNames = [...]string{"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"}

func appendTCPFlags(b []byte, v uint16) []byte {
	if v == 0 {
		return append(b, '0')
	}
	first := true
	for i := 0; i < 16; i++ {
		bit := uint16(1) << i
		if v&bit == 0 {
			continue
		}
		if !first {
			b = append(b, '|')
		}
		first = false
		if i < len(tcpFlagNames) {
			b = append(b, tcpFlagNames[i]...)
		} else {
			b = appendHex(b, uint64(bit))
		}
	}
	return b
}

func appendTCPFlagsMasked(b []byte, v, m uint16) []byte {
	if m == 0 {
		return append(b, "0/0"...)
	}
	for i := 0; i < 16; i++ {
		bit := uint16(1) << i
		if m&bit == 0 {
			continue
		}
		if v&bit != 0 {
			b = append(b, '+')
		} else {
			b = append(b, '-')
		}
		if i < len(tcpFlagNames) {
			b = append(b, tcpFlagNames[i]...)
		} else {
			b = appendHex(b, uint64(bit))
		}
	}
	return b
}

// vlan prints one VLAN TCI the way OVS does: vid and pcp appear when
// verbose or when either the value or the mask is non-zero (so a wildcarded
// PCP of a tagged packet still shows as pcp=3/0x0), cfi=0 only for a key
// without the CFI bit.
func (w *odpWriter) vlan(tci, mask uint16) {
	if w.verbose || tci&VLANVIDMask != 0 || mask&VLANVIDMask != 0 {
		w.b = append(w.b, "vid="...)
		w.b = strconv.AppendUint(w.b, uint64(tci&VLANVIDMask), 10)
		if mask&VLANVIDMask != VLANVIDMask {
			w.b = append(w.b, "/0x"...)
			w.b = strconv.AppendUint(w.b, uint64(mask&VLANVIDMask), 16)
		}
		w.b = append(w.b, ',')
	}
	if w.verbose || tci>>VLANPCPShift != 0 || mask>>VLANPCPShift != 0 {
		w.b = append(w.b, "pcp="...)
		w.b = strconv.AppendUint(w.b, uint64(tci>>VLANPCPShift), 10)
		if mask>>VLANPCPShift != 7 {
			w.b = append(w.b, "/0x"...)
			w.b = strconv.AppendUint(w.b, uint64(mask>>VLANPCPShift), 16)
		}
		w.b = append(w.b, ',')
	}
	if tci&VLANCFI == 0 {
		w.b = append(w.b, "cfi=0,"...)
	}
}

// AppendODP appends the datapath flow text of the megaflow (key, mask) to
// dst, as `ovs-appctl dpctl/dump-flows` prints it for the userspace
// datapath (with -m when opt.Verbose).
func AppendODP(dst []byte, key, mask *Key, opt FormatOptions) []byte {
	w := odpWriter{b: dst, verbose: opt.Verbose}
	start := len(dst)
	w.scalar("skb_priority", uint64(key.Priority), uint64(mask.Priority), 0xffffffff)
	w.scalar("skb_mark", uint64(key.Mark), uint64(mask.Mark), 0xffffffff)
	if w.verbose {
		w.sep()
		w.b = append(w.b, "ct_state(0/0),ct_zone(0/0),ct_mark(0/0),ct_label(0/0)"...)
	}
	w.scalar("recirc_id", uint64(key.RecircID), uint64(mask.RecircID), 0xffffffff)
	w.scalar("dp_hash", uint64(key.DpHash), uint64(mask.DpHash), 0xffffffff)
	if mask.InPort != 0 || w.verbose {
		w.sep()
		w.b = append(w.b, "in_port("...)
		name, named := "", false
		if opt.PortName != nil && mask.InPort == 0xffffffff {
			name, named = opt.PortName(key.InPort)
		}
		if named {
			w.b = append(w.b, name...)
		} else {
			w.b = strconv.AppendUint(w.b, uint64(key.InPort), 10)
			if mask.InPort != 0xffffffff {
				w.b = append(w.b, '/')
				w.b = appendHex(w.b, uint64(mask.InPort))
			}
		}
		w.b = append(w.b, ')')
	}
	if w.open("packet_type", mask.PacketType == 0) {
		w.field("ns", uint64(key.PacketType>>16), uint64(mask.PacketType>>16), 0xffff, false)
		w.field("id", uint64(key.PacketType&0xffff), uint64(mask.PacketType&0xffff), 0xffff, true)
		w.close()
	}
	if w.open("eth", mask.EthSrc == [6]byte{} && mask.EthDst == [6]byte{}) {
		w.mac("src", key.EthSrc, mask.EthSrc)
		w.mac("dst", key.EthDst, mask.EthDst)
		w.close()
	}

	depth := 0
	var encapStart [MaxVLANs]int
	stop := false
	limit := opt.VLANLimit
	if limit <= 0 || limit > MaxVLANs {
		limit = MaxVLANs
	}
	for depth < limit {
		tpid := key.VLANs[depth].TPID
		tci := key.VLANs[depth].TCI
		if tci == 0 {
			if !isVLANType(key.EthType) {
				break
			}
			tpid = key.EthType
		}
		w.sep()
		w.b = append(w.b, "eth_type(0x"...)
		w.b = append(w.b, hexDigits[tpid>>12], hexDigits[tpid>>8&15], hexDigits[tpid>>4&15], hexDigits[tpid&15])
		w.b = append(w.b, ')')
		mtci := mask.VLANs[depth].TCI
		if w.open("vlan", mtci == 0) {
			w.vlan(tci, mtci)
			w.close()
		}
		w.sep()
		encapStart[depth] = len(w.b)
		w.b = append(w.b, "encap("...)
		depth++
		if tci == 0 {
			stop = true
			break
		}
	}
	if !stop {
		appendODPInner(&w, key, mask)
	}
	for depth > 0 {
		depth--
		if !w.verbose && len(w.b) == encapStart[depth]+len("encap(") {
			// Nothing inside is matched: OVS leaves the encap out.
			w.b = w.b[:encapStart[depth]]
			w.chomp()
			continue
		}
		w.b = append(w.b, ')')
	}
	if len(w.b) > start && w.b[start] == ',' {
		w.b = append(w.b[:start], w.b[start+1:]...)
	}
	return w.b
}

// appendODPInner prints everything after the VLAN headers.
func appendODPInner(w *odpWriter, key, mask *Key) {
	if key.EthType < ethTypeMin {
		if mask.EthType != 0 {
			w.sep()
			w.b = append(w.b, "eth_type(0/0x"...)
			m := mask.EthType
			w.b = append(w.b, hexDigits[m>>12], hexDigits[m>>8&15], hexDigits[m>>4&15], hexDigits[m&15])
			w.b = append(w.b, ')')
		}
		return
	}
	if mask.EthType != 0 || w.verbose {
		w.sep()
		t, m := key.EthType, mask.EthType
		w.b = append(w.b, "eth_type(0x"...)
		w.b = append(w.b, hexDigits[t>>12], hexDigits[t>>8&15], hexDigits[t>>4&15], hexDigits[t&15])
		if m != 0xffff {
			w.b = append(w.b, "/0x"...)
			w.b = append(w.b, hexDigits[m>>12], hexDigits[m>>8&15], hexDigits[m>>4&15], hexDigits[m&15])
		}
		w.b = append(w.b, ')')
	}
	fragMask := mask.NwFrag & (FragAny | FragLater)
	switch key.EthType {
	case EthTypeIP:
		wild := mask.IPv4Src == [4]byte{} && mask.IPv4Dst == [4]byte{} && mask.NwProto == 0 &&
			mask.NwTOS == 0 && mask.NwTTL == 0 && fragMask == 0
		if w.open("ipv4", wild) {
			w.ip4("src", key.IPv4Src, mask.IPv4Src)
			w.ip4("dst", key.IPv4Dst, mask.IPv4Dst)
			w.field("proto", uint64(key.NwProto), uint64(mask.NwProto), 0xff, false)
			w.field("tos", uint64(key.NwTOS), uint64(mask.NwTOS), 0xff, true)
			w.field("ttl", uint64(key.NwTTL), uint64(mask.NwTTL), 0xff, false)
			w.frag(key.NwFrag, mask.NwFrag)
			w.close()
		}
	case EthTypeIPv6:
		wild := mask.IPv6Src == [16]byte{} && mask.IPv6Dst == [16]byte{} && mask.IPv6Label&0xfffff == 0 &&
			mask.NwProto == 0 && mask.NwTOS == 0 && mask.NwTTL == 0 && fragMask == 0
		if w.open("ipv6", wild) {
			w.ip6("src", key.IPv6Src, mask.IPv6Src)
			w.ip6("dst", key.IPv6Dst, mask.IPv6Dst)
			w.field("label", uint64(key.IPv6Label), uint64(mask.IPv6Label), 0xfffff, true)
			w.field("proto", uint64(key.NwProto), uint64(mask.NwProto), 0xff, false)
			w.field("tclass", uint64(key.NwTOS), uint64(mask.NwTOS), 0xff, true)
			w.field("hlimit", uint64(key.NwTTL), uint64(mask.NwTTL), 0xff, false)
			w.frag(key.NwFrag, mask.NwFrag)
			w.close()
		}
	case EthTypeARP, EthTypeRARP:
		wild := mask.IPv4Src == [4]byte{} && mask.IPv4Dst == [4]byte{} && mask.NwProto == 0 &&
			mask.ARPSHA == [6]byte{} && mask.ARPTHA == [6]byte{}
		if w.open("arp", wild) {
			w.ip4("sip", key.IPv4Src, mask.IPv4Src)
			w.ip4("tip", key.IPv4Dst, mask.IPv4Dst)
			w.field("op", uint64(key.NwProto), uint64(mask.NwProto), 0xff, false)
			w.mac("sha", key.ARPSHA, mask.ARPSHA)
			w.mac("tha", key.ARPTHA, mask.ARPTHA)
			w.close()
		}
		return
	case EthTypeMPLS, EthTypeMPLSMcast:
		n := mplsCount(key)
		wild, exact := true, true
		for i := 0; i < n; i++ {
			if mask.MPLS[i] != 0 {
				wild = false
			}
			if mask.MPLS[i] != 0xffffffff {
				exact = false
			}
		}
		if w.open("mpls", wild) {
			for i := 0; i < n; i++ {
				v, m := key.MPLS[i], mask.MPLS[i]
				w.b = append(w.b, "label="...)
				w.b = strconv.AppendUint(w.b, uint64(v>>12), 10)
				if !exact {
					w.b = append(w.b, "/0x"...)
					w.b = strconv.AppendUint(w.b, uint64(m>>12), 16)
				}
				w.b = append(w.b, ",tc="...)
				w.b = strconv.AppendUint(w.b, uint64(v>>9&7), 10)
				if !exact {
					w.b = append(w.b, '/')
					w.b = strconv.AppendUint(w.b, uint64(m>>9&7), 16)
				}
				w.b = append(w.b, ",ttl="...)
				w.b = strconv.AppendUint(w.b, uint64(v&0xff), 10)
				if !exact {
					w.b = append(w.b, "/0x"...)
					w.b = strconv.AppendUint(w.b, uint64(m&0xff), 16)
				}
				w.b = append(w.b, ",bos="...)
				w.b = strconv.AppendUint(w.b, uint64(v>>8&1), 10)
				if !exact {
					w.b = append(w.b, '/')
					w.b = strconv.AppendUint(w.b, uint64(m>>8&1), 16)
				}
				w.b = append(w.b, ',')
			}
			w.close()
		}
		return
	default:
		return
	}

	if key.NwFrag&FragLater != 0 {
		return
	}
	ports := func(name string) {
		if w.open(name, mask.TpSrc == 0 && mask.TpDst == 0) {
			w.field("src", uint64(key.TpSrc), uint64(mask.TpSrc), 0xffff, false)
			w.field("dst", uint64(key.TpDst), uint64(mask.TpDst), 0xffff, false)
			w.close()
		}
	}
	icmp := func(name string) {
		if w.open(name, mask.TpSrc&0xff == 0 && mask.TpDst&0xff == 0) {
			w.field("type", uint64(key.TpSrc&0xff), uint64(mask.TpSrc&0xff), 0xff, false)
			w.field("code", uint64(key.TpDst&0xff), uint64(mask.TpDst&0xff), 0xff, false)
			w.close()
		}
	}
	switch key.NwProto {
	case IPProtoTCP:
		ports("tcp")
		v, m := key.TCPFlags&0x0fff, mask.TCPFlags&0x0fff
		if (v != 0 || m != 0) && w.open("tcp_flags", m == 0) {
			v &= m
			if m == 0x0fff {
				w.b = appendTCPFlags(w.b, v)
			} else {
				w.b = appendTCPFlagsMasked(w.b, v, m)
			}
			w.b = append(w.b, ')')
		}
	case IPProtoUDP:
		ports("udp")
	case IPProtoSCTP:
		ports("sctp")
	case IPProtoICMP:
		if key.EthType == EthTypeIP {
			icmp("icmp")
		}
	case IPProtoICMPv6:
		if key.EthType != EthTypeIPv6 {
			return
		}
		icmp("icmpv6")
		if key.TpDst == 0 && (key.TpSrc == NDNeighborSolicit || key.TpSrc == NDNeighborAdvert) {
			wild := mask.NDTarget == [16]byte{} && mask.ARPSHA == [6]byte{} && mask.ARPTHA == [6]byte{}
			if w.open("nd", wild) {
				w.ip6("target", key.NDTarget, mask.NDTarget)
				w.mac("sll", key.ARPSHA, mask.ARPSHA)
				w.mac("tll", key.ARPTHA, mask.ARPTHA)
				w.close()
			}
		}
	}
}
