package userspace

import (
	"encoding/binary"
	"hash/crc32"
	"sync"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// Header rewriting for push_vlan, pop_vlan and set, with the incremental
// checksum updates of RFC 1624. A packet whose L4 checksum the sender left
// to offload (VnetHdrFNeedsCsum) carries only the pseudo-header sum in the
// checksum field, uncomplemented; address changes must still reach it, port
// changes must not (the ports are summed later with the payload).

// castagnoli is SCTP's CRC table, made when an SCTP packet is first
// rewritten rather than at the start of every tool of the binary.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

// pushVLAN inserts a VLAN header after the MAC addresses. It fails when the
// frame is too short or the headroom is used up.
func pushVLAN(p *netdev.Packet, v flow.VLAN) bool {
	if len(p.Data) < 12 || p.Push(4) == nil {
		return false
	}
	d := p.Data
	copy(d[0:12], d[4:16])
	tpid := v.TPID
	if tpid == 0 {
		tpid = flow.EthTypeVLAN
	}
	binary.BigEndian.PutUint16(d[12:], tpid)
	binary.BigEndian.PutUint16(d[14:], v.TCI&^flow.VLANCFI)
	shiftOffload(p, 4)
	return true
}

// popVLAN removes the outermost VLAN header, if there is one.
func popVLAN(p *netdev.Packet) {
	d := p.Data
	if len(d) < 18 {
		return
	}
	if t := binary.BigEndian.Uint16(d[12:]); t != flow.EthTypeVLAN && t != flow.EthTypeVLAN8021AD {
		return
	}
	copy(d[4:16], d[0:12])
	p.Pull(4)
	shiftOffload(p, -4)
}

// shiftOffload moves the offload offsets with the headers.
func shiftOffload(p *netdev.Packet, n int) {
	v := &p.Vnet
	if v.Flags&netdev.VnetHdrFNeedsCsum != 0 && int(v.CsumStart)+n >= 0 {
		v.CsumStart = uint16(int(v.CsumStart) + n)
	}
	if v.GSOType != netdev.VnetGSONone && int(v.HdrLen)+n >= 0 {
		v.HdrLen = uint16(int(v.HdrLen) + n)
	}
}

// csumSum adds b as big-endian 16-bit words (b has even length).
func csumSum(sum uint32, b []byte) uint32 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	return sum
}

func csumNotSum(sum uint32, b []byte) uint32 {
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(^(uint16(b[i])<<8 | uint16(b[i+1])))
	}
	return sum
}

func fold(sum uint32) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}

// updateCsum adjusts the checksum at field for old bytes becoming new.
// partial says the field holds an uncomplemented pseudo-header sum.
func updateCsum(field []byte, old, new []byte, partial, udp bool) {
	c := binary.BigEndian.Uint16(field)
	if udp && c == 0 && !partial {
		return // UDP over IPv4 without a checksum
	}
	var s uint32
	if partial {
		s = uint32(c)
	} else {
		s = uint32(^c)
	}
	s = csumNotSum(s, old)
	s = csumSum(s, new)
	r := fold(s)
	if !partial {
		r = ^r
		if udp && r == 0 {
			r = 0xffff
		}
	}
	binary.BigEndian.PutUint16(field, r)
}

// maskedSet writes v over d under m and reports whether d changed; old gets
// the previous bytes.
func maskedSet(d, v, m, old []byte) bool {
	copy(old, d)
	changed := false
	for i := range d {
		n := d[i]&^m[i] | v[i]&m[i]
		if n != d[i] {
			d[i] = n
			changed = true
		}
	}
	return changed
}

// l4Csum returns the transport checksum field of the packet described by
// k and l, and whether it is a UDP one; nil when there is none to update.
func l4Csum(d []byte, k *flow.Key, l flow.Layers) (field []byte, udp bool) {
	if l.L4 == 0 || k.NwFrag&flow.FragLater != 0 {
		return nil, false
	}
	off := int(l.L4)
	switch k.NwProto {
	case flow.IPProtoTCP:
		off += 16
	case flow.IPProtoUDP:
		off += 6
		udp = k.EthType == flow.EthTypeIP
	case flow.IPProtoICMP, flow.IPProtoICMPv6:
		off += 2
	default:
		return nil, false
	}
	if off+2 > len(d) {
		return nil, false
	}
	return d[off : off+2], udp
}

// setFields applies a masked rewrite; k is scratch space for re-parsing
// the packet (earlier actions may have moved its headers).
func setFields(p *netdev.Packet, s *dpif.SetField, k *flow.Key) {
	if s == nil {
		return
	}
	d := p.Data
	v, m := &s.Value, &s.Mask
	var old [16]byte
	if len(d) >= 12 {
		maskedSet(d[0:6], v.EthDst[:], m.EthDst[:], old[:])
		maskedSet(d[6:12], v.EthSrc[:], m.EthSrc[:], old[:])
	}
	if m.MPLS[0] != 0 {
		setMPLS(d, v.MPLS[0], m.MPLS[0])
	}
	// Anything beyond Ethernet needs the current header offsets.
	if m.IPv4Src == ([4]byte{}) && m.IPv4Dst == ([4]byte{}) && m.IPv6Src == ([16]byte{}) &&
		m.IPv6Dst == ([16]byte{}) && m.IPv6Label == 0 && m.NwProto == 0 && m.NwTOS == 0 &&
		m.NwTTL == 0 && m.ARPSHA == ([6]byte{}) && m.ARPTHA == ([6]byte{}) &&
		m.NDTarget == ([16]byte{}) && m.TpSrc == 0 && m.TpDst == 0 {
		return
	}
	*k = flow.Key{}
	l := flow.Extract(d, k)
	if l.L3 == 0 {
		return
	}
	partial := p.Vnet.Flags&netdev.VnetHdrFNeedsCsum != 0
	switch k.EthType {
	case flow.EthTypeIP:
		setIPv4(d, l, k, v, m, partial)
	case flow.EthTypeIPv6:
		setIPv6(d, l, k, v, m, partial)
	case flow.EthTypeARP, flow.EthTypeRARP:
		a := d[l.L3:]
		if len(a) < 28 {
			return
		}
		if m.NwProto != 0 {
			a[7] = a[7]&^m.NwProto | v.NwProto&m.NwProto
		}
		maskedSet(a[8:14], v.ARPSHA[:], m.ARPSHA[:], old[:])
		maskedSet(a[14:18], v.IPv4Src[:], m.IPv4Src[:], old[:])
		maskedSet(a[18:24], v.ARPTHA[:], m.ARPTHA[:], old[:])
		maskedSet(a[24:28], v.IPv4Dst[:], m.IPv4Dst[:], old[:])
		return
	default:
		return
	}
	setL4(d, l, k, v, m, partial)
}

func setIPv4(d []byte, l flow.Layers, k *flow.Key, v, m *flow.Key, partial bool) {
	ip := d[l.L3:]
	if len(ip) < 20 {
		return
	}
	csum := ip[10:12]
	l4, udp := l4Csum(d, k, l)
	if k.NwProto == flow.IPProtoICMP {
		l4 = nil // no pseudo-header in ICMP's checksum
	}
	var old [4]byte
	if maskedSet(ip[12:16], v.IPv4Src[:], m.IPv4Src[:], old[:]) {
		updateCsum(csum, old[:], ip[12:16], false, false)
		if l4 != nil {
			updateCsum(l4, old[:], ip[12:16], partial, udp)
		}
	}
	if maskedSet(ip[16:20], v.IPv4Dst[:], m.IPv4Dst[:], old[:]) {
		updateCsum(csum, old[:], ip[16:20], false, false)
		if l4 != nil {
			updateCsum(l4, old[:], ip[16:20], partial, udp)
		}
	}
	if m.NwTOS != 0 {
		copy(old[:2], ip[0:2])
		ip[1] = ip[1]&^m.NwTOS | v.NwTOS&m.NwTOS
		updateCsum(csum, old[:2], ip[0:2], false, false)
	}
	if m.NwTTL != 0 {
		copy(old[:2], ip[8:10])
		ip[8] = ip[8]&^m.NwTTL | v.NwTTL&m.NwTTL
		updateCsum(csum, old[:2], ip[8:10], false, false)
	}
}

func setIPv6(d []byte, l flow.Layers, k *flow.Key, v, m *flow.Key, partial bool) {
	ip := d[l.L3:]
	if len(ip) < 40 {
		return
	}
	l4, _ := l4Csum(d, k, l)
	var old [16]byte
	if maskedSet(ip[8:24], v.IPv6Src[:], m.IPv6Src[:], old[:]) && l4 != nil {
		updateCsum(l4, old[:], ip[8:24], partial, false)
	}
	if maskedSet(ip[24:40], v.IPv6Dst[:], m.IPv6Dst[:], old[:]) && l4 != nil {
		updateCsum(l4, old[:], ip[24:40], partial, false)
	}
	if m.NwTOS != 0 || m.IPv6Label != 0 {
		w := binary.BigEndian.Uint32(ip)
		tcM, tcV := uint32(m.NwTOS)<<20, uint32(v.NwTOS)<<20
		lM, lV := m.IPv6Label&0xfffff, v.IPv6Label&0xfffff
		w = w&^tcM | tcV&tcM
		w = w&^lM | lV&lM
		binary.BigEndian.PutUint32(ip, w)
	}
	if m.NwTTL != 0 {
		ip[7] = ip[7]&^m.NwTTL | v.NwTTL&m.NwTTL
	}
}

func setL4(d []byte, l flow.Layers, k *flow.Key, v, m *flow.Key, partial bool) {
	if l.L4 == 0 || k.NwFrag&flow.FragLater != 0 {
		return
	}
	t := d[l.L4:]
	var old [16]byte
	csum, udp := l4Csum(d, k, l)
	switch k.NwProto {
	case flow.IPProtoTCP, flow.IPProtoUDP:
		if len(t) < 4 || m.TpSrc == 0 && m.TpDst == 0 {
			return
		}
		copy(old[:4], t[:4])
		sp := binary.BigEndian.Uint16(t)&^m.TpSrc | v.TpSrc&m.TpSrc
		dp := binary.BigEndian.Uint16(t[2:])&^m.TpDst | v.TpDst&m.TpDst
		binary.BigEndian.PutUint16(t, sp)
		binary.BigEndian.PutUint16(t[2:], dp)
		if csum != nil && !partial {
			updateCsum(csum, old[:4], t[:4], false, udp)
		}
	case flow.IPProtoSCTP:
		if len(t) < 12 || m.TpSrc == 0 && m.TpDst == 0 {
			return
		}
		sp := binary.BigEndian.Uint16(t)&^m.TpSrc | v.TpSrc&m.TpSrc
		dp := binary.BigEndian.Uint16(t[2:])&^m.TpDst | v.TpDst&m.TpDst
		binary.BigEndian.PutUint16(t, sp)
		binary.BigEndian.PutUint16(t[2:], dp)
		binary.LittleEndian.PutUint32(t[8:], 0)
		binary.LittleEndian.PutUint32(t[8:], crc32.Checksum(t, castagnoli()))
	case flow.IPProtoICMP, flow.IPProtoICMPv6:
		if len(t) < 4 {
			return
		}
		if m.TpSrc != 0 || m.TpDst != 0 {
			copy(old[:2], t[:2])
			t[0] = t[0]&^uint8(m.TpSrc) | uint8(v.TpSrc)&uint8(m.TpSrc)
			t[1] = t[1]&^uint8(m.TpDst) | uint8(v.TpDst)&uint8(m.TpDst)
			if csum != nil && !partial {
				updateCsum(csum, old[:2], t[:2], false, false)
			}
		}
		if k.NwProto == flow.IPProtoICMPv6 && (t[0] == flow.NDNeighborSolicit || t[0] == flow.NDNeighborAdvert) {
			setND(t, v, m, csum, partial)
		}
	}
}

// setND rewrites a Neighbor Discovery target and link-layer options.
func setND(t []byte, v, m *flow.Key, csum []byte, partial bool) {
	if len(t) < 24 {
		return
	}
	var old [16]byte
	fix := func(b []byte) {
		if csum != nil && !partial {
			updateCsum(csum, old[:len(b)], b, false, false)
		}
	}
	if maskedSet(t[8:24], v.NDTarget[:], m.NDTarget[:], old[:]) {
		fix(t[8:24])
	}
	for o := t[24:]; len(o) >= 8; {
		n := int(o[1]) * 8
		if n == 0 || n > len(o) {
			return
		}
		switch o[0] {
		case 1:
			if maskedSet(o[2:8], v.ARPSHA[:], m.ARPSHA[:], old[:]) {
				// The option starts on an 8-byte boundary, so the MAC
				// at offset 2 is 16-bit aligned.
				fix(o[2:8])
			}
		case 2:
			if maskedSet(o[2:8], v.ARPTHA[:], m.ARPTHA[:], old[:]) {
				fix(o[2:8])
			}
		}
		o = o[n:]
	}
}

// ethTypeOffset returns the offset of the Ethernet type field that follows
// the MAC addresses and any VLAN headers; MPLS headers go right after it.
func ethTypeOffset(d []byte) int {
	off := 12
	for off+6 <= len(d) {
		t := binary.BigEndian.Uint16(d[off:])
		if t != flow.EthTypeVLAN && t != flow.EthTypeVLAN8021AD {
			break
		}
		off += 4
	}
	return off
}

func isMPLS(t uint16) bool { return t == flow.EthTypeMPLS || t == flow.EthTypeMPLSMcast }

// pushMPLS inserts label stack entry lse after the L2 headers and makes
// ethType the frame's type. It fails when the frame is too short or the
// headroom is used up.
func pushMPLS(p *netdev.Packet, lse uint32, ethType uint16) bool {
	off := ethTypeOffset(p.Data)
	if off+2 > len(p.Data) || p.Push(4) == nil {
		return false
	}
	d := p.Data
	copy(d[0:off], d[4:4+off])
	binary.BigEndian.PutUint16(d[off:], ethType)
	binary.BigEndian.PutUint32(d[off+2:], lse)
	shiftOffload(p, 4)
	return true
}

// popMPLS removes the outermost label stack entry, if the frame has one,
// and makes ethType the frame's type.
func popMPLS(p *netdev.Packet, ethType uint16) {
	d := p.Data
	off := ethTypeOffset(d)
	if off+6 > len(d) || !isMPLS(binary.BigEndian.Uint16(d[off:])) {
		return
	}
	copy(d[4:4+off], d[0:off])
	p.Pull(4)
	binary.BigEndian.PutUint16(p.Data[off:], ethType)
	shiftOffload(p, -4)
}

// setMPLS rewrites the outermost label stack entry under mask.
func setMPLS(d []byte, v, m uint32) {
	off := ethTypeOffset(d)
	if off+6 > len(d) || !isMPLS(binary.BigEndian.Uint16(d[off:])) {
		return
	}
	lse := binary.BigEndian.Uint32(d[off+2:])
	binary.BigEndian.PutUint32(d[off+2:], lse&^m|v&m)
}
