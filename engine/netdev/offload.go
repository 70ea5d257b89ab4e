package netdev

// Software fallback for checksum and segmentation offload.
//
// Packets keep their offload state (VnetHdr) across the switch; only when
// the output port's Features cannot take it does the datapath call
// FinishChecksum or Segment. Both work in place on pool buffers and allocate
// nothing else, since a TCP stream through a dummy or otherwise limited port
// would otherwise allocate per packet.
//
// The packet headers are trusted only as far as they are checked: every
// offset taken from the VnetHdr or the frame is bounds-checked, because a
// VnetHdr can come from a guest or from a fuzzer.

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrBadOffload is wrapped by the errors of FinishChecksum and Segment when
// a packet's offload header does not fit the frame.
var ErrBadOffload = errors.New("bad offload header")

// maxSegments bounds how many frames Segment produces from one packet; a
// 64 KiB TCP segment at the smallest sensible MSS needs well under this, and
// a bogus GSO size must not drain the pool.
const maxSegments = 1024

// csumAdd adds b, as big-endian 16-bit words, to a one's-complement running
// sum (kept unfolded in 64 bits). b is taken to start on an even offset of
// the checksummed area.
func csumAdd(sum uint64, b []byte) uint64 {
	for len(b) >= 32 {
		w0 := binary.BigEndian.Uint64(b)
		w1 := binary.BigEndian.Uint64(b[8:])
		w2 := binary.BigEndian.Uint64(b[16:])
		w3 := binary.BigEndian.Uint64(b[24:])
		sum += w0>>32 + w0&0xffffffff + w1>>32 + w1&0xffffffff +
			w2>>32 + w2&0xffffffff + w3>>32 + w3&0xffffffff
		b = b[32:]
	}
	for len(b) >= 4 {
		sum += uint64(binary.BigEndian.Uint32(b))
		b = b[4:]
	}
	if len(b) >= 2 {
		sum += uint64(binary.BigEndian.Uint16(b))
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

// FinishChecksum computes a partial L4 checksum (VnetHdrFNeedsCsum) in
// software and marks the checksum as valid instead.
func FinishChecksum(p *Packet) error {
	v := &p.Vnet
	if v.Flags&VnetHdrFNeedsCsum == 0 {
		return nil
	}
	start, off := int(v.CsumStart), int(v.CsumOffset)
	if start >= len(p.Data) || off+2 > len(p.Data)-start {
		return fmt.Errorf("checksum start %d offset %d in a %d-byte frame: %w", start, off, len(p.Data), ErrBadOffload)
	}
	// By convention the checksum field already holds the pseudo-header
	// sum, so summing from start covers everything.
	c := ^csumFold(csumAdd(0, p.Data[start:]))
	if c == 0 && off == 6 {
		c = 0xffff // UDP sends a computed zero as all-ones
	}
	binary.BigEndian.PutUint16(p.Data[start+off:], c)
	v.Flags = v.Flags&^VnetHdrFNeedsCsum | VnetHdrFDataValid
	return nil
}

// l3Offset skips the Ethernet header and up to two VLAN tags.
func l3Offset(d []byte) (off int, ethType uint16, ok bool) {
	if len(d) < 14 {
		return 0, 0, false
	}
	off, ethType = 14, binary.BigEndian.Uint16(d[12:])
	for i := 0; i < 2 && (ethType == 0x8100 || ethType == 0x88a8); i++ {
		if len(d) < off+4 {
			return 0, 0, false
		}
		ethType = binary.BigEndian.Uint16(d[off+2:])
		off += 4
	}
	return off, ethType, true
}

// gsoLayout is where the headers of a GSO packet are.
type gsoLayout struct {
	l3, l4, hdr int
	v4          bool
	proto       uint8
	mss         int
}

func parseGSO(p *Packet) (gsoLayout, error) {
	var g gsoLayout
	d := p.Data
	gso := p.Vnet.GSOType &^ VnetGSOECN
	var wantProto uint8
	switch gso {
	case VnetGSOTCPv4, VnetGSOTCPv6:
		wantProto = 6
	case VnetGSOUDPL4:
		wantProto = 17
	case VnetGSONone:
		return g, fmt.Errorf("packet is not a GSO packet: %w", ErrBadOffload)
	default:
		return g, fmt.Errorf("unsupported GSO type %d: %w", p.Vnet.GSOType, ErrBadOffload)
	}
	g.mss = int(p.Vnet.GSOSize)
	if g.mss == 0 {
		return g, fmt.Errorf("GSO size 0: %w", ErrBadOffload)
	}
	l3, ethType, ok := l3Offset(d)
	if !ok {
		return g, fmt.Errorf("truncated Ethernet header: %w", ErrBadOffload)
	}
	g.l3 = l3
	switch {
	case ethType == 0x0800 && gso != VnetGSOTCPv6:
		if len(d) < l3+20 || d[l3]>>4 != 4 {
			return g, fmt.Errorf("bad IPv4 header: %w", ErrBadOffload)
		}
		ihl := int(d[l3]&0xf) * 4
		if ihl < 20 || len(d) < l3+ihl {
			return g, fmt.Errorf("bad IPv4 header length: %w", ErrBadOffload)
		}
		if binary.BigEndian.Uint16(d[l3+6:])&0x3fff != 0 {
			return g, fmt.Errorf("GSO packet is an IPv4 fragment: %w", ErrBadOffload)
		}
		g.v4, g.proto, g.l4 = true, d[l3+9], l3+ihl
	case ethType == 0x86dd && gso != VnetGSOTCPv4:
		if len(d) < l3+40 || d[l3]>>4 != 6 {
			return g, fmt.Errorf("bad IPv6 header: %w", ErrBadOffload)
		}
		g.proto, g.l4 = d[l3+6], l3+40
		if g.proto != wantProto && p.Vnet.Flags&VnetHdrFNeedsCsum != 0 && int(p.Vnet.CsumStart) > g.l4 {
			// Extension headers: the checksum start says where the
			// transport header is.
			g.proto, g.l4 = wantProto, int(p.Vnet.CsumStart)
		}
	default:
		return g, fmt.Errorf("GSO type %d on ethertype 0x%04x: %w", p.Vnet.GSOType, ethType, ErrBadOffload)
	}
	if g.proto != wantProto {
		return g, fmt.Errorf("GSO type %d on IP protocol %d: %w", p.Vnet.GSOType, g.proto, ErrBadOffload)
	}
	if wantProto == 6 {
		if len(d) < g.l4+20 {
			return g, fmt.Errorf("truncated TCP header: %w", ErrBadOffload)
		}
		thl := int(d[g.l4+12]>>4) * 4
		if thl < 20 {
			return g, fmt.Errorf("bad TCP header length: %w", ErrBadOffload)
		}
		g.hdr = g.l4 + thl
	} else {
		g.hdr = g.l4 + 8
	}
	if len(d) <= g.hdr {
		return g, fmt.Errorf("GSO packet without payload: %w", ErrBadOffload)
	}
	if g.hdr-g.l3+min(g.mss, len(d)-g.hdr) > 0xffff {
		return g, fmt.Errorf("GSO size %d too large: %w", g.mss, ErrBadOffload)
	}
	if n := (len(d) - g.hdr + g.mss - 1) / g.mss; n > maxSegments {
		return g, fmt.Errorf("GSO size %d gives %d segments: %w", g.mss, n, ErrBadOffload)
	}
	return g, nil
}

// Segment splits the GSO packet p (TCP over IPv4 or IPv6, or UDP with
// VnetGSOUDPL4) into frames of at most GSOSize payload bytes taken from
// pool, with IP lengths, IPv4 identifications, TCP sequence numbers and
// flags, and all checksums made right, and appends them to out. p is left
// unchanged and still owned by the caller. With cap(out) large enough,
// nothing but pool packets is allocated. On error nothing is appended.
func Segment(p *Packet, pool *Pool, out []*Packet) ([]*Packet, error) {
	g, err := parseGSO(p)
	if err != nil {
		return out, err
	}
	d := p.Data
	payload := len(d) - g.hdr
	nseg := (payload + g.mss - 1) / g.mss
	hdr := d[:g.hdr]

	var pseudo uint64 // addresses and protocol; the length goes per segment
	var ipID uint16
	if g.v4 {
		pseudo = csumAdd(0, d[g.l3+12:g.l3+20])
		ipID = binary.BigEndian.Uint16(d[g.l3+4:])
	} else {
		pseudo = csumAdd(0, d[g.l3+8:g.l3+40])
	}
	pseudo += uint64(g.proto)
	var seq uint32
	var tcpFlags uint8
	if g.proto == 6 {
		seq = binary.BigEndian.Uint32(d[g.l4+4:])
		tcpFlags = d[g.l4+13]
	}

	for i := 0; i < nseg; i++ {
		lo := g.hdr + i*g.mss
		hi := min(lo+g.mss, len(d))
		q := pool.Get()
		buf := q.Buffer()
		n := copy(buf, hdr)
		n += copy(buf[n:], d[lo:hi])
		q.SetLen(n)
		q.InPort, q.Hash = p.InPort, p.Hash
		s := q.Data

		if g.v4 {
			ip := s[g.l3:]
			binary.BigEndian.PutUint16(ip[2:], uint16(n-g.l3))
			binary.BigEndian.PutUint16(ip[4:], ipID+uint16(i))
			ip[10], ip[11] = 0, 0
			ihl := int(ip[0]&0xf) * 4
			binary.BigEndian.PutUint16(ip[10:], ^csumFold(csumAdd(0, ip[:ihl])))
		} else {
			binary.BigEndian.PutUint16(s[g.l3+4:], uint16(n-g.l3-40))
		}
		l4 := s[g.l4:]
		sum := pseudo + uint64(len(l4))
		if g.proto == 6 {
			binary.BigEndian.PutUint32(l4[4:], seq+uint32(i*g.mss))
			f := tcpFlags
			if i > 0 {
				f &^= 0x80 // CWR only on the first segment
			}
			if i < nseg-1 {
				f &^= 0x01 | 0x08 // FIN and PSH only on the last
			}
			l4[13] = f
			l4[16], l4[17] = 0, 0
			binary.BigEndian.PutUint16(l4[16:], ^csumFold(csumAdd(sum, l4)))
		} else {
			binary.BigEndian.PutUint16(l4[4:], uint16(len(l4)))
			l4[6], l4[7] = 0, 0
			c := ^csumFold(csumAdd(sum, l4))
			if c == 0 {
				c = 0xffff
			}
			binary.BigEndian.PutUint16(l4[6:], c)
		}
		q.Vnet = VnetHdr{Flags: VnetHdrFDataValid}
		out = append(out, q)
	}
	return out, nil
}
