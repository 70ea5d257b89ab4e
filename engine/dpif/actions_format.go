package dpif

// Datapath actions in the text form of `ovs-appctl dpctl/dump-flows`
// ("actions:push_vlan(vid=10,pcp=0),2,set(eth(src=...)),3").
//
// OVS prints actions from their netlink encoding; a set action there names
// one header (eth, ipv4, tcp, ...). Our ActSet is a masked rewrite of the
// whole key, so the formatter splits it into one set() per header, in the
// order OVS's translation would emit them, and decides which header the
// shared key fields belong to from the (unmasked) EthType and NwProto of
// SetField.Value: the translation fills Value from the packet's flow, so
// those fields say what the packet is. The userspace datapath rewrites with
// masked sets, so only the fields under the mask are printed, a field with a
// full mask without "/mask", as OVS prints its set_masked actions.

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/govs/ovs/engine/flow"
)

// AppendActions appends the text form of acts to dst. portName, when not
// nil, names output ports (dump-flows --names); ports it does not know are
// printed as numbers.
func AppendActions(dst []byte, acts Actions, portName func(port uint32) (string, bool)) []byte {
	if len(acts) == 0 {
		return append(dst, "drop"...)
	}
	for i := range acts {
		if i > 0 {
			dst = append(dst, ',')
		}
		a := &acts[i]
		switch a.Type {
		case ActOutput:
			if portName != nil {
				if name, ok := portName(a.Port); ok {
					dst = append(dst, name...)
					continue
				}
			}
			dst = strconv.AppendUint(dst, uint64(a.Port), 10)
		case ActPushVLAN:
			dst = append(dst, "push_vlan("...)
			if a.VLAN.TPID != 0 && a.VLAN.TPID != flow.EthTypeVLAN {
				dst = append(dst, "tpid=0x"...)
				dst = strconv.AppendUint(dst, uint64(a.VLAN.TPID), 16)
				dst = append(dst, ',')
			}
			dst = append(dst, "vid="...)
			dst = strconv.AppendUint(dst, uint64(a.VLAN.TCI&flow.VLANVIDMask), 10)
			dst = append(dst, ",pcp="...)
			dst = strconv.AppendUint(dst, uint64(a.VLAN.TCI>>flow.VLANPCPShift), 10)
			if a.VLAN.TCI&flow.VLANCFI == 0 {
				dst = append(dst, ",cfi=0"...)
			}
			dst = append(dst, ')')
		case ActPopVLAN:
			dst = append(dst, "pop_vlan"...)
		case ActSet:
			dst = appendSet(dst, a.Set)
		case ActUserspace:
			dst = append(dst, "userspace(pid=0"...)
			if c, ok := DecodeControllerCookie(a.Userdata); ok {
				dst = append(dst, ',')
				dst = c.AppendText(dst)
			} else if len(a.Userdata) > 0 {
				dst = append(dst, ",userdata("...)
				dst = hex.AppendEncode(dst, a.Userdata)
				dst = append(dst, ')')
			}
			dst = append(dst, ')')
		case ActPushMPLS:
			dst = append(dst, "push_mpls("...)
			dst = appendLSE(dst, a.MPLS)
			dst = append(dst, ",eth_type=0x"...)
			dst = strconv.AppendUint(dst, uint64(a.EthType), 16)
			dst = append(dst, ')')
		case ActPopMPLS:
			dst = append(dst, "pop_mpls(eth_type=0x"...)
			dst = strconv.AppendUint(dst, uint64(a.EthType), 16)
			dst = append(dst, ')')
		case ActMeter:
			dst = append(dst, "meter("...)
			dst = strconv.AppendUint(dst, uint64(a.Meter), 10)
			dst = append(dst, ')')
		case ActClone:
			dst = append(dst, "clone("...)
			dst = AppendActions(dst, a.Clone, portName)
			dst = append(dst, ')')
		case ActCheckPktLen:
			c := a.CheckPktLen
			if c == nil {
				c = &CheckPktLen{}
			}
			dst = append(dst, "check_pkt_len(size="...)
			dst = strconv.AppendUint(dst, uint64(c.Size), 10)
			dst = append(dst, ",gt("...)
			dst = AppendActions(dst, c.Greater, portName)
			dst = append(dst, "),le("...)
			dst = AppendActions(dst, c.LessEqual, portName)
			dst = append(dst, "))"...)
		default:
			dst = append(dst, "unknown("...)
			dst = strconv.AppendUint(dst, uint64(a.Type), 10)
			dst = append(dst, ')')
		}
	}
	return dst
}

// setWriter prints the fields of one set(attr(...)) action.
type setWriter struct {
	b     []byte
	first bool
}

func (w *setWriter) name(n string) {
	if !w.first {
		w.b = append(w.b, ',')
	}
	w.first = false
	w.b = append(w.b, n...)
	w.b = append(w.b, '=')
}

// dec prints a decimal field with a hex mask (OVS's ports, TTLs, types).
func (w *setWriter) dec(n string, v, m, full uint64) {
	if m == 0 {
		return
	}
	w.name(n)
	w.b = strconv.AppendUint(w.b, v, 10)
	if m != full {
		w.b = append(w.b, "/0x"...)
		w.b = strconv.AppendUint(w.b, m, 16)
	}
}

// hexf prints a field in C's %#x (TOS, labels, metadata).
func (w *setWriter) hexf(n string, v, m, full uint64) {
	if m == 0 {
		return
	}
	w.name(n)
	w.b = appendCHex(w.b, v)
	if m != full {
		w.b = append(w.b, '/')
		w.b = appendCHex(w.b, m)
	}
}

func appendCHex(b []byte, v uint64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	b = append(b, "0x"...)
	return strconv.AppendUint(b, v, 16)
}

func (w *setWriter) mac(n string, v, m [6]byte) {
	if m == ([6]byte{}) {
		return
	}
	w.name(n)
	w.b = flow.AppendMAC(w.b, v)
	if m != ([6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) {
		w.b = append(w.b, '/')
		w.b = flow.AppendMAC(w.b, m)
	}
}

func (w *setWriter) ip4(n string, v, m [4]byte) {
	if m == ([4]byte{}) {
		return
	}
	w.name(n)
	w.b = flow.AppendIPv4(w.b, v)
	if m != ([4]byte{0xff, 0xff, 0xff, 0xff}) {
		w.b = append(w.b, '/')
		w.b = flow.AppendIPv4(w.b, m)
	}
}

func (w *setWriter) ip6(n string, v, m [16]byte) {
	if m == ([16]byte{}) {
		return
	}
	w.name(n)
	w.b = flow.AppendIPv6(w.b, v)
	if !allOnes(m[:]) {
		w.b = append(w.b, '/')
		w.b = flow.AppendIPv6(w.b, m)
	}
}

func allOnes(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func (w *setWriter) open(attr string) {
	w.b = append(w.b, "set("...)
	w.b = append(w.b, attr...)
	w.b = append(w.b, '(')
	w.first = true
}

func (w *setWriter) close() { w.b = append(w.b, "))"...) }

// SetHeader is the header a group of key fields of a set action belongs to.
type setHeader uint8

const (
	hdrIPv4 setHeader = iota
	hdrIPv6
	hdrARP
)

// l3Of says which L3 header the L3 fields of a set action rewrite.
func l3Of(s *SetField) setHeader {
	switch s.Value.EthType {
	case flow.EthTypeIPv6:
		return hdrIPv6
	case flow.EthTypeARP, flow.EthTypeRARP:
		return hdrARP
	case flow.EthTypeIP:
		return hdrIPv4
	}
	m := &s.Mask
	if !isZero(m.IPv6Src[:]) || !isZero(m.IPv6Dst[:]) || m.IPv6Label != 0 {
		return hdrIPv6
	}
	if !isZero(m.ARPSHA[:]) || !isZero(m.ARPTHA[:]) {
		return hdrARP
	}
	return hdrIPv4
}

func appendSet(dst []byte, s *SetField) []byte {
	if s == nil {
		return append(dst, "set()"...)
	}
	w := setWriter{b: dst}
	v, m := &s.Value, &s.Mask
	n := 0
	sep := func() {
		if n > 0 {
			w.b = append(w.b, ',')
		}
		n++
	}
	if m.Priority != 0 {
		sep()
		w.b = append(w.b, "set(skb_priority("...)
		w.b = appendCHex(w.b, uint64(v.Priority))
		if m.Priority != 0xffffffff {
			w.b = append(w.b, '/')
			w.b = appendCHex(w.b, uint64(m.Priority))
		}
		w.b = append(w.b, "))"...)
	}
	if m.Mark != 0 {
		sep()
		w.b = append(w.b, "set(skb_mark("...)
		w.b = appendCHex(w.b, uint64(v.Mark))
		if m.Mark != 0xffffffff {
			w.b = append(w.b, '/')
			w.b = appendCHex(w.b, uint64(m.Mark))
		}
		w.b = append(w.b, "))"...)
	}
	if m.MPLS[0] != 0 {
		sep()
		w.b = append(w.b, "set(mpls("...)
		w.b = appendLSE(w.b, v.MPLS[0])
		if m.MPLS[0] != 0xffffffff {
			w.b = append(w.b, '/')
			w.b = appendLSE(w.b, m.MPLS[0])
		}
		w.b = append(w.b, "))"...)
	}
	if m.EthSrc != ([6]byte{}) || m.EthDst != ([6]byte{}) {
		sep()
		w.open("eth")
		w.mac("src", v.EthSrc, m.EthSrc)
		w.mac("dst", v.EthDst, m.EthDst)
		w.close()
	}
	l3 := l3Of(s)
	switch l3 {
	case hdrIPv4:
		if m.IPv4Src != ([4]byte{}) || m.IPv4Dst != ([4]byte{}) || m.NwTOS != 0 || m.NwTTL != 0 {
			sep()
			w.open("ipv4")
			w.ip4("src", v.IPv4Src, m.IPv4Src)
			w.ip4("dst", v.IPv4Dst, m.IPv4Dst)
			w.hexf("tos", uint64(v.NwTOS), uint64(m.NwTOS), 0xff)
			w.dec("ttl", uint64(v.NwTTL), uint64(m.NwTTL), 0xff)
			w.close()
		}
	case hdrIPv6:
		if !isZero(m.IPv6Src[:]) || !isZero(m.IPv6Dst[:]) || m.IPv6Label != 0 || m.NwTOS != 0 || m.NwTTL != 0 {
			sep()
			w.open("ipv6")
			w.ip6("src", v.IPv6Src, m.IPv6Src)
			w.ip6("dst", v.IPv6Dst, m.IPv6Dst)
			w.hexf("label", uint64(v.IPv6Label), uint64(m.IPv6Label&0xfffff), 0xfffff)
			w.hexf("tclass", uint64(v.NwTOS), uint64(m.NwTOS), 0xff)
			w.dec("hlimit", uint64(v.NwTTL), uint64(m.NwTTL), 0xff)
			w.close()
		}
	case hdrARP:
		if m.IPv4Src != ([4]byte{}) || m.IPv4Dst != ([4]byte{}) || m.NwProto != 0 ||
			m.ARPSHA != ([6]byte{}) || m.ARPTHA != ([6]byte{}) {
			sep()
			w.open("arp")
			w.ip4("sip", v.IPv4Src, m.IPv4Src)
			w.ip4("tip", v.IPv4Dst, m.IPv4Dst)
			w.dec("op", uint64(v.NwProto), uint64(m.NwProto), 0xff)
			w.mac("sha", v.ARPSHA, m.ARPSHA)
			w.mac("tha", v.ARPTHA, m.ARPTHA)
			w.close()
		}
	}
	if m.TpSrc != 0 || m.TpDst != 0 {
		sep()
		switch v.NwProto {
		case flow.IPProtoUDP:
			w.open("udp")
		case flow.IPProtoSCTP:
			w.open("sctp")
		case flow.IPProtoICMP:
			w.open("icmp")
		case flow.IPProtoICMPv6:
			w.open("icmpv6")
		default:
			w.open("tcp")
		}
		if v.NwProto == flow.IPProtoICMP || v.NwProto == flow.IPProtoICMPv6 {
			w.dec("type", uint64(v.TpSrc), uint64(m.TpSrc&0xff), 0xff)
			w.dec("code", uint64(v.TpDst), uint64(m.TpDst&0xff), 0xff)
		} else {
			w.dec("src", uint64(v.TpSrc), uint64(m.TpSrc), 0xffff)
			w.dec("dst", uint64(v.TpDst), uint64(m.TpDst), 0xffff)
		}
		w.close()
	}
	if l3 == hdrIPv6 && (!isZero(m.NDTarget[:]) || m.ARPSHA != ([6]byte{}) || m.ARPTHA != ([6]byte{})) {
		sep()
		w.open("nd")
		w.ip6("target", v.NDTarget, m.NDTarget)
		w.mac("sll", v.ARPSHA, m.ARPSHA)
		w.mac("tll", v.ARPTHA, m.ARPTHA)
		w.close()
	}
	if n == 0 {
		// Nothing under the mask: name the header the value describes, as
		// OVS prints an empty masked set ("set(ipv4())").
		attr := "eth"
		switch {
		case v.NwProto != 0 && v.EthType == 0:
			attr = map[uint8]string{flow.IPProtoUDP: "udp", flow.IPProtoSCTP: "sctp", flow.IPProtoICMP: "icmp", flow.IPProtoICMPv6: "icmpv6"}[v.NwProto]
			if attr == "" {
				attr = "tcp"
			}
		case v.EthType != 0:
			attr = [...]string{hdrIPv4: "ipv4", hdrIPv6: "ipv6", hdrARP: "arp"}[l3]
		}
		w.b = append(w.b, "set("...)
		w.b = append(w.b, attr...)
		w.b = append(w.b, "())"...)
	}
	return w.b
}

// appendLSE prints an MPLS label stack entry as OVS does:
// "label=L,tc=T,ttl=N,bos=B".
func appendLSE(b []byte, lse uint32) []byte {
	b = append(b, "label="...)
	b = strconv.AppendUint(b, uint64(lse>>12), 10)
	b = append(b, ",tc="...)
	b = strconv.AppendUint(b, uint64(lse>>9&7), 10)
	b = append(b, ",ttl="...)
	b = strconv.AppendUint(b, uint64(lse&0xff), 10)
	b = append(b, ",bos="...)
	b = strconv.AppendUint(b, uint64(lse>>8&1), 10)
	return b
}

// ControllerCookie is what a userspace() action that sends packets to
// OpenFlow controllers carries: the packet-in's parameters, and the id of
// the frozen translation state (registers, metadata, table, rule) that
// the handler keeps so it can rebuild the packet-in when the packet comes
// up. It travels in Action.Userdata in a fixed 24-byte encoding of our own
// (OVS's cookie layout is an internal of its C datapath); the text form is
// OVS's, "controller(reason=1,dont_send=0,...)".
type ControllerCookie struct {
	Reason       uint8
	DontSend     bool
	Continuation bool
	RecircID     uint32
	RuleCookie   uint64
	ControllerID uint16
	MaxLen       uint16
}

// controllerCookieType marks Userdata as a ControllerCookie (OVS's
// USER_ACTION_COOKIE_CONTROLLER).
const controllerCookieType = 5

// ControllerCookieLen is the size of an encoded ControllerCookie.
const ControllerCookieLen = 24

// Append appends c's encoding to b.
func (c *ControllerCookie) Append(b []byte) []byte {
	var flags byte
	if c.DontSend {
		flags |= 1
	}
	if c.Continuation {
		flags |= 2
	}
	b = append(b, 0, controllerCookieType, c.Reason, flags)
	b = binary.BigEndian.AppendUint32(b, c.RecircID)
	b = binary.BigEndian.AppendUint64(b, c.RuleCookie)
	b = binary.BigEndian.AppendUint16(b, c.ControllerID)
	b = binary.BigEndian.AppendUint16(b, c.MaxLen)
	return append(b, 0, 0, 0, 0)
}

// DecodeControllerCookie reads userdata written by Append.
func DecodeControllerCookie(b []byte) (ControllerCookie, bool) {
	if len(b) != ControllerCookieLen || b[0] != 0 || b[1] != controllerCookieType || b[3]&^3 != 0 ||
		binary.BigEndian.Uint32(b[20:]) != 0 {
		return ControllerCookie{}, false
	}
	return ControllerCookie{
		Reason:       b[2],
		DontSend:     b[3]&1 != 0,
		Continuation: b[3]&2 != 0,
		RecircID:     binary.BigEndian.Uint32(b[4:]),
		RuleCookie:   binary.BigEndian.Uint64(b[8:]),
		ControllerID: binary.BigEndian.Uint16(b[16:]),
		MaxLen:       binary.BigEndian.Uint16(b[18:]),
	}, true
}

// AppendText appends c as OVS prints it inside userspace().
func (c *ControllerCookie) AppendText(b []byte) []byte {
	b01 := func(v bool) byte {
		if v {
			return '1'
		}
		return '0'
	}
	b = append(b, "controller(reason="...)
	b = strconv.AppendUint(b, uint64(c.Reason), 10)
	b = append(b, ",dont_send="...)
	b = append(b, b01(c.DontSend))
	b = append(b, ",continuation="...)
	b = append(b, b01(c.Continuation))
	b = append(b, ",recirc_id="...)
	b = strconv.AppendUint(b, uint64(c.RecircID), 10)
	b = append(b, ",rule_cookie="...)
	b = appendCHex(b, c.RuleCookie)
	b = append(b, ",controller_id="...)
	b = strconv.AppendUint(b, uint64(c.ControllerID), 10)
	b = append(b, ",max_len="...)
	b = strconv.AppendUint(b, uint64(c.MaxLen), 10)
	return append(b, ')')
}
