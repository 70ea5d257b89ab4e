package flow

import "errors"

// Composition is the inverse of Extract: it builds the frame that OVS's
// flow_compose builds for a flow, which is what `ovs-appctl
// netdev-dummy/receive PORT FLOW` injects and what tests written against OVS
// expect to see on the wire. The bytes follow OVS 3.1 as observed on the real
// switch, not a textbook packet, because captures are compared byte for byte:
//
//   - IPv4 ID 0, no DF; a fragment has MF set and, when it is a later one,
//     offset 100 (800 bytes); a later fragment carries no transport header;
//   - IPv6 fragments get no fragment header (OVS writes none), so their frag
//     bits do not survive a round trip through Extract;
//   - TCP, UDP and ICMP/ICMPv6 echo requests and replies get a 64-byte
//     payload 00 01 .. 3f, except TCP segments with SYN, FIN or RST; other
//     ICMP messages, SCTP, IGMP, ND, ARP and anything else get none;
//   - the transport header follows the IP protocol number alone, as
//     Extract reads it: ICMPv6 inside IPv4 gets the IPv4 pseudo-header;
//   - SCTP's CRC is left zero; IGMP's header is type, code, checksum, zero
//     group;
//   - ARP addresses are written only for requests and replies (opcode 1 or
//     2), for ARP and RARP alike;
//   - ND options follow the target: source link-layer address, then target
//     link-layer address, each only when non-zero; an ICMPv6 NS/NA with a
//     non-zero code has no ND part at all;
//   - an 802.2 frame (EthTypeNone) carries the frame length in its type
//     field.
//
// With an explicit size (ComposeLen, the receive command's --len) the payload
// is zeros filling the frame to that size, the IP lengths and checksums cover
// it, and UDP's length field counts the padding twice, as OVS 3.1's does.

// DefaultPayloadLen is the size of the payload Compose puts after the
// transport headers that get one.
const DefaultPayloadLen = 64

// TCP flag bits (in Key.TCPFlags).
const (
	TCPFin = 0x001
	TCPSyn = 0x002
	TCPRst = 0x004
)

// ErrComposeLen is ComposeLen's error when the requested size is smaller
// than the headers.
var ErrComposeLen = errors.New("packet length smaller than its headers")

// Compose returns the frame for k with OVS's default payload.
func Compose(k *Key) []byte {
	return AppendCompose(make([]byte, 0, 256), k)
}

// AppendCompose appends the frame for k to dst (see Compose).
func AppendCompose(dst []byte, k *Key) []byte {
	b, _ := compose(dst, k, -1)
	return b
}

// ComposeLen returns the frame for k padded with zeros to exactly n bytes.
func ComposeLen(k *Key, n int) ([]byte, error) {
	if n <= 0 || n > 0xffffff {
		return nil, ErrComposeLen
	}
	return compose(make([]byte, 0, n), k, n)
}

// compose writes the frame; size < 0 means the default payload, otherwise
// the total frame size wanted.
func compose(dst []byte, k *Key, size int) ([]byte, error) {
	start := len(dst)
	dst = append(dst, k.EthDst[:]...)
	dst = append(dst, k.EthSrc[:]...)
	for _, v := range k.VLANs {
		if v.TCI&VLANCFI == 0 {
			break
		}
		dst = put16(dst, v.TPID)
		dst = put16(dst, v.TCI&^VLANCFI)
	}
	typeOff := len(dst)
	dst = put16(dst, k.EthType)

	switch k.EthType {
	case EthTypeMPLS, EthTypeMPLSMcast:
		for i := 0; i < mplsCount(k); i++ {
			dst = put32(dst, k.MPLS[i])
		}
		return pad(dst, start, size)
	case EthTypeARP, EthTypeRARP:
		dst = append(dst, 0, 1, 0x08, 0x00, 6, 4, 0, k.NwProto)
		if k.NwProto == 1 || k.NwProto == 2 {
			dst = append(dst, k.ARPSHA[:]...)
			dst = append(dst, k.IPv4Src[:]...)
			dst = append(dst, k.ARPTHA[:]...)
			dst = append(dst, k.IPv4Dst[:]...)
		} else {
			dst = append(dst, make([]byte, 20)...)
		}
		return pad(dst, start, size)
	case EthTypeIP:
		return composeIPv4(dst, start, k, size)
	case EthTypeIPv6:
		return composeIPv6(dst, start, k, size)
	case EthTypeNone:
		dst, err := pad(dst, start, size)
		if err == nil {
			n := len(dst) - start
			dst[typeOff], dst[typeOff+1] = byte(n>>8), byte(n)
		}
		return dst, err
	}
	return pad(dst, start, size)
}

// pad fills the frame with zeros up to size (if size >= 0).
func pad(dst []byte, start, size int) ([]byte, error) {
	if size < 0 {
		return dst, nil
	}
	n := len(dst) - start
	if n > size {
		return dst[:start], ErrComposeLen
	}
	return append(dst, make([]byte, size-n)...), nil
}

func composeIPv4(dst []byte, start int, k *Key, size int) ([]byte, error) {
	l3 := len(dst)
	var frag uint16
	if k.NwFrag&FragAny != 0 {
		frag = 0x2000
		if k.NwFrag&FragLater != 0 {
			frag |= 100
		}
	}
	dst = append(dst, 0x45, k.NwTOS, 0, 0, 0, 0, byte(frag>>8), byte(frag), k.NwTTL, k.NwProto, 0, 0)
	dst = append(dst, k.IPv4Src[:]...)
	dst = append(dst, k.IPv4Dst[:]...)
	l4 := len(dst)
	if k.NwFrag&FragLater == 0 {
		dst = composeL4(dst, k, size < 0)
	}
	dst, err := pad(dst, start, size)
	if err != nil {
		return dst, err
	}
	fixUDPLen(dst, l4, k, size)
	ip := dst[l3:]
	tot := len(dst) - l3
	ip[2], ip[3] = byte(tot>>8), byte(tot)
	c := ^csumFold(csumAdd(0, ip[:20]))
	ip[10], ip[11] = byte(c>>8), byte(c)
	if k.NwFrag&FragLater == 0 {
		var ph [12]byte
		copy(ph[0:], k.IPv4Src[:])
		copy(ph[4:], k.IPv4Dst[:])
		ph[9] = k.NwProto
		l4len := len(dst) - l4
		ph[10], ph[11] = byte(l4len>>8), byte(l4len)
		l4Checksum(dst[l4:], k, ph[:])
	}
	return dst, nil
}

func composeIPv6(dst []byte, start int, k *Key, size int) ([]byte, error) {
	l3 := len(dst)
	dst = put32(dst, 6<<28|uint32(k.NwTOS)<<20|k.IPv6Label&0xfffff)
	dst = append(dst, 0, 0, k.NwProto, k.NwTTL)
	dst = append(dst, k.IPv6Src[:]...)
	dst = append(dst, k.IPv6Dst[:]...)
	l4 := len(dst)
	if k.NwFrag&FragLater == 0 {
		dst = composeL4(dst, k, size < 0)
	}
	dst, err := pad(dst, start, size)
	if err != nil {
		return dst, err
	}
	fixUDPLen(dst, l4, k, size)
	plen := len(dst) - l4
	dst[l3+4], dst[l3+5] = byte(plen>>8), byte(plen)
	if k.NwFrag&FragLater == 0 {
		var ph [40]byte
		copy(ph[0:], k.IPv6Src[:])
		copy(ph[16:], k.IPv6Dst[:])
		ph[34], ph[35] = byte(plen>>8), byte(plen)
		ph[39] = k.NwProto
		l4Checksum(dst[l4:], k, ph[:])
	}
	return dst, nil
}

// composeL4 appends the transport header (checksum zero for now) and, when
// payload is set, the default payload of the protocols that get one.
func composeL4(dst []byte, k *Key, payload bool) []byte {
	withPayload := false
	switch k.NwProto {
	case IPProtoTCP:
		hdr := uint16(5<<12) | k.TCPFlags&0x0fff
		dst = put16(dst, k.TpSrc)
		dst = put16(dst, k.TpDst)
		dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0, byte(hdr>>8), byte(hdr), 0, 0, 0, 0, 0, 0)
		withPayload = k.TCPFlags&(TCPSyn|TCPFin|TCPRst) == 0
	case IPProtoUDP:
		dst = put16(dst, k.TpSrc)
		dst = put16(dst, k.TpDst)
		dst = append(dst, 0, 8, 0, 0)
		withPayload = true
	case IPProtoSCTP:
		dst = put16(dst, k.TpSrc)
		dst = put16(dst, k.TpDst)
		dst = append(dst, 0, 0, 0, 0, 0, 0, 0, 0)
	case IPProtoICMP, IPProtoIGMP:
		dst = append(dst, uint8(k.TpSrc), uint8(k.TpDst), 0, 0, 0, 0, 0, 0)
		withPayload = k.NwProto == IPProtoICMP && k.TpDst == 0 && (k.TpSrc == 0 || k.TpSrc == 8)
	case IPProtoICMPv6:
		dst = append(dst, uint8(k.TpSrc), uint8(k.TpDst), 0, 0, 0, 0, 0, 0)
		if k.TpDst == 0 && (k.TpSrc == NDNeighborSolicit || k.TpSrc == NDNeighborAdvert) {
			dst = append(dst, k.NDTarget[:]...)
			if !isZeroMAC(k.ARPSHA) {
				dst = append(dst, ndOptSourceLL, 1)
				dst = append(dst, k.ARPSHA[:]...)
			}
			if !isZeroMAC(k.ARPTHA) {
				dst = append(dst, ndOptTargetLL, 1)
				dst = append(dst, k.ARPTHA[:]...)
			}
		} else {
			withPayload = k.TpDst == 0 && (k.TpSrc == 128 || k.TpSrc == 129)
		}
	default:
		return dst
	}
	if payload && withPayload {
		for i := 0; i < DefaultPayloadLen; i++ {
			dst = append(dst, byte(i))
		}
	}
	return dst
}

// fixUDPLen sets UDP's length field once the frame has its final size. With
// an explicit size OVS counts the padding twice; that is kept because the
// bytes are the point.
func fixUDPLen(dst []byte, l4 int, k *Key, size int) {
	if k.NwProto != IPProtoUDP || k.NwFrag&FragLater != 0 || len(dst)-l4 < 8 {
		return
	}
	n := len(dst) - l4
	if size >= 0 {
		n += n - 8
	}
	dst[l4+4], dst[l4+5] = byte(n>>8), byte(n)
}

// l4Checksum fills the transport checksum of seg (header plus payload);
// pseudo is the IP pseudo-header, or ignored for ICMP and IGMP.
func l4Checksum(seg []byte, k *Key, pseudo []byte) {
	var off int
	switch k.NwProto {
	case IPProtoTCP:
		if len(seg) < 20 {
			return
		}
		off = 16
	case IPProtoUDP:
		if len(seg) < 8 {
			return
		}
		off = 6
	case IPProtoICMP, IPProtoIGMP:
		if len(seg) < 8 {
			return
		}
		c := ^csumFold(csumAdd(0, seg))
		seg[2], seg[3] = byte(c>>8), byte(c)
		return
	case IPProtoICMPv6:
		if len(seg) < 8 {
			return
		}
		off = 2
	default:
		return
	}
	c := ^csumFold(csumAdd(csumAdd(0, pseudo), seg))
	if c == 0 && k.NwProto == IPProtoUDP {
		c = 0xffff
	}
	seg[off], seg[off+1] = byte(c>>8), byte(c)
}

func csumAdd(sum uint64, b []byte) uint64 {
	for len(b) >= 2 {
		sum += uint64(b[0])<<8 | uint64(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint64(b[0]) << 8
	}
	return sum
}

func csumFold(sum uint64) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}

func put16(b []byte, v uint16) []byte { return append(b, byte(v>>8), byte(v)) }

func put32(b []byte, v uint32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}
