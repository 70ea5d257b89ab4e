package openflow

import (
	"encoding/binary"
	"strconv"
)

// Packet-in in its four wire forms. One model type covers them all
// because a switch builds a packet-in once and sends it to controllers
// that asked for different formats (NXT_SET_PACKET_IN_FORMAT); Format
// only picks the framing. The pipeline metadata (in_port, registers,
// metadata, tunnel fields) travels as a Match, as OVS does, so OpenFlow
// 1.0's fixed in_port and 1.2+'s OXM list are the same field here.

// PacketIn is OFPT_PACKET_IN, NXT_PACKET_IN or NXT_PACKET_IN2.
type PacketIn struct {
	Format   PacketInFormat // PacketInStandard, PacketInNXT or PacketInNXT2
	BufferID uint32         // BufferNone: unbuffered
	TotalLen uint32         // length of the whole packet (full_len)
	Reason   uint8          // ReasonNoMatch ...
	TableID  uint8
	Cookie   uint64 // CookieNone when the form has no cookie
	Metadata Match  // pipeline fields; in_port is FieldInPort
	Data     []byte
	// Userdata is the controller action's userdata (NXT_PACKET_IN2 only).
	Userdata []byte
	// Continuation is the opaque NXPINT_CONTINUATION payload
	// (NXT_PACKET_IN2 only), handed back by NXT_RESUME.
	Continuation []byte
}

// CookieNone is the cookie of packet-ins whose form carries none.
const CookieNone uint64 = 0xffffffffffffffff

// Type is the message type the Format frames it as.
func (m *PacketIn) Type() MsgType {
	switch m.Format {
	case PacketInNXT:
		return MsgNXPacketIn
	case PacketInNXT2:
		return MsgNXPacketIn2
	}
	return MsgPacketIn
}

// NXT_PACKET_IN2 property types.
const (
	nxpintPacket       = 0
	nxpintFullLen      = 1
	nxpintBufferID     = 2
	nxpintTableID      = 3
	nxpintCookie       = 4
	nxpintReason       = 5
	nxpintMetadata     = 6
	nxpintUserdata     = 7
	nxpintContinuation = 8
)

func (m *PacketIn) inPort() uint32 {
	if v, _, ok := m.Metadata.uint(FieldInPort); ok {
		return uint32(v)
	}
	return 0
}

func (m *PacketIn) appendBody(dst []byte, v Version) ([]byte, error) {
	switch m.Format {
	case PacketInNXT:
		dst = be32(dst, m.BufferID)
		dst = be16(dst, uint16(m.TotalLen))
		dst = append(dst, m.Reason, m.TableID)
		dst = be64(dst, m.Cookie)
		lenAt := len(dst)
		dst = pad(be16(dst, 0), 6)
		start := len(dst)
		dst = AppendNXM(dst, &m.Metadata)
		binary.BigEndian.PutUint16(dst[lenAt:], uint16(len(dst)-start))
		dst = pad(dst, (8-(len(dst)-start)%8)%8+2)
		return append(dst, m.Data...), nil
	case PacketInNXT2:
		dst = appendProp(dst, nxpintPacket, m.Data, 0)
		dst = appendProp(dst, nxpintFullLen, be32(nil, m.TotalLen), 0)
		if m.BufferID != BufferNone {
			dst = appendProp(dst, nxpintBufferID, be32(nil, m.BufferID), 0)
		}
		if m.TableID != 0 {
			dst = appendProp(dst, nxpintTableID, []byte{m.TableID}, 0)
		}
		if m.Cookie != CookieNone {
			dst = appendProp(dst, nxpintCookie, be64(nil, m.Cookie), 4)
		}
		dst = appendProp(dst, nxpintReason, []byte{m.Reason}, 0)
		if m.Metadata.Len() > 0 {
			dst = appendProp(dst, nxpintMetadata, AppendNXM(nil, &m.Metadata), 0)
		}
		if len(m.Userdata) > 0 {
			dst = appendProp(dst, nxpintUserdata, m.Userdata, 0)
		}
		if len(m.Continuation) > 0 {
			dst = appendProp(dst, nxpintContinuation, m.Continuation, 4)
		}
		return dst, nil
	}
	switch v {
	case V10:
		dst = be32(dst, m.BufferID)
		dst = be16(dst, uint16(m.TotalLen))
		dst = be16(dst, uint16(m.inPort()))
		dst = append(dst, m.Reason, 0)
	case V11:
		dst = be32(dst, m.BufferID)
		p := portTo32Wire(m.inPort())
		dst = be32(be32(dst, p), p)
		dst = be16(dst, uint16(m.TotalLen))
		dst = append(dst, m.Reason, m.TableID)
	default:
		dst = be32(dst, m.BufferID)
		dst = be16(dst, uint16(m.TotalLen))
		dst = append(dst, m.Reason, m.TableID)
		if v >= V13 {
			dst = be64(dst, m.Cookie)
		}
		dst = appendOXMMatch(dst, &m.Metadata, v)
		dst = pad(dst, 2)
	}
	return append(dst, m.Data...), nil
}

// appendProp appends an OpenFlow property: type, length (without the
// trailing padding), prePad zero bytes so that wide values are aligned,
// the value, and padding to 8 bytes.
func appendProp(dst []byte, typ uint16, val []byte, prePad int) []byte {
	n := 4 + prePad + len(val)
	dst = be16(dst, typ)
	dst = be16(dst, uint16(n))
	dst = pad(dst, prePad)
	dst = append(dst, val...)
	return pad(dst, (8-n%8)%8)
}

// nextProp splits the first property off b: its type, its payload
// (without header) and the rest.
func nextProp(b []byte) (typ uint16, val, rest []byte, err error) {
	if len(b) < 4 {
		return 0, nil, nil, OFPBPC_BAD_LEN
	}
	n := int(u16(b, 2))
	padded := (n + 7) &^ 7
	if n < 4 || padded > len(b) {
		return 0, nil, nil, OFPBPC_BAD_LEN
	}
	return u16(b, 0), b[4:n], b[padded:], nil
}

func decodePacketIn(b []byte, v Version) (Message, error) {
	m := &PacketIn{Cookie: CookieNone}
	switch v {
	case V10:
		if len(b) < 10 {
			return nil, OFPBRC_BAD_LEN
		}
		m.BufferID = u32(b, 0)
		m.TotalLen = uint32(u16(b, 4))
		m.Metadata.setUint(FieldInPort, uint64(u16(b, 6)), 0xffff)
		m.Reason = b[8]
		m.Data = b[10:]
	case V11:
		if len(b) < 16 {
			return nil, OFPBRC_BAD_LEN
		}
		m.BufferID = u32(b, 0)
		p, err := portFrom32Wire(u32(b, 4))
		if err != nil {
			return nil, OFPBRC_BAD_PORT
		}
		m.Metadata.setUint(FieldInPort, uint64(p), 0xffff)
		m.TotalLen = uint32(u16(b, 12))
		m.Reason, m.TableID = b[14], b[15]
		m.Data = b[16:]
	default:
		hl := 8
		if v >= V13 {
			hl = 16
		}
		if len(b) < hl {
			return nil, OFPBRC_BAD_LEN
		}
		m.BufferID = u32(b, 0)
		m.TotalLen = uint32(u16(b, 4))
		m.Reason, m.TableID = b[6], b[7]
		if v >= V13 {
			m.Cookie = u64(b, 8)
		}
		md, rest, err := decodeOXMMatch(b[hl:], v, false)
		if err != nil {
			return nil, err
		}
		if len(rest) < 2 {
			return nil, OFPBRC_BAD_LEN
		}
		m.Metadata = *md
		m.Data = rest[2:]
	}
	return m, nil
}

func decodeNXPacketIn(b []byte, _ Version) (Message, error) {
	if len(b) < 24 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &PacketIn{Format: PacketInNXT}
	m.BufferID = u32(b, 0)
	m.TotalLen = uint32(u16(b, 4))
	m.Reason, m.TableID = b[6], b[7]
	m.Cookie = u64(b, 8)
	n := int(u16(b, 16))
	padded := (n + 7) &^ 7
	if 24+padded+2 > len(b) {
		return nil, OFPBRC_BAD_LEN
	}
	md, err := DecodeNXM(b[24:24+n], false)
	if err != nil {
		return nil, err
	}
	m.Metadata = *md
	m.Data = b[24+padded+2:]
	return m, nil
}

func decodeNXPacketIn2(b []byte, _ Version) (Message, error) {
	m := &PacketIn{Format: PacketInNXT2, BufferID: BufferNone, Cookie: CookieNone}
	var seen uint32
	hasLen := false
	for len(b) > 0 {
		typ, val, rest, err := nextProp(b)
		if err != nil {
			return nil, err
		}
		b = rest
		if typ < 32 {
			if seen&(1<<typ) != 0 && typ <= nxpintContinuation {
				return nil, OFPBPC_DUP_TYPE
			}
			seen |= 1 << typ
		}
		switch typ {
		case nxpintPacket:
			m.Data = val
		case nxpintFullLen:
			if len(val) != 4 {
				return nil, OFPBPC_BAD_LEN
			}
			m.TotalLen, hasLen = u32(val, 0), true
		case nxpintBufferID:
			if len(val) != 4 {
				return nil, OFPBPC_BAD_LEN
			}
			m.BufferID = u32(val, 0)
		case nxpintTableID, nxpintReason:
			if len(val) != 1 {
				return nil, OFPBPC_BAD_LEN
			}
			if typ == nxpintTableID {
				m.TableID = val[0]
			} else {
				m.Reason = val[0]
			}
		case nxpintCookie:
			if len(val) != 12 {
				return nil, OFPBPC_BAD_LEN
			}
			m.Cookie = u64(val, 4)
		case nxpintMetadata:
			md, err := DecodeNXM(val, false)
			if err != nil {
				return nil, err
			}
			m.Metadata = *md
		case nxpintUserdata:
			m.Userdata = val
		case nxpintContinuation:
			if len(val) < 4 {
				return nil, OFPBPC_BAD_LEN
			}
			m.Continuation = val[4:]
		}
	}
	if seen&1 == 0 {
		return nil, OFPBRC_BAD_LEN
	}
	if !hasLen {
		m.TotalLen = uint32(len(m.Data))
	}
	return m, nil
}

// appendReason writes OVS's name for a packet-in reason.
func appendReason(dst []byte, r uint8) []byte {
	switch {
	case int(r) < len(reasonNames):
		return append(dst, reasonNames[r]...)
	case r < 8:
		// OVS's own internal reasons, which it never names.
		return dst
	}
	return strconv.AppendUint(dst, uint64(r), 10)
}

func (m *PacketIn) appendText(dst []byte, v Version) []byte {
	dst = append(dst, ' ')
	if m.TableID != 0 {
		dst = append(dst, "table_id="...)
		dst = strconv.AppendUint(dst, uint64(m.TableID), 10)
		dst = append(dst, ' ')
	}
	if m.Cookie != CookieNone {
		dst = append(dst, "cookie=0x"...)
		dst = strconv.AppendUint(dst, m.Cookie, 16)
		dst = append(dst, ' ')
	}
	dst = append(dst, "total_len="...)
	dst = strconv.AppendUint(dst, uint64(m.TotalLen), 10)
	dst = append(dst, ' ')
	dst = m.Metadata.AppendText(dst, nil)
	dst = append(dst, " (via "...)
	dst = appendReason(dst, m.Reason)
	dst = append(dst, ") data_len="...)
	dst = strconv.AppendInt(dst, int64(len(m.Data)), 10)
	if m.BufferID == BufferNone {
		dst = append(dst, " (unbuffered)"...)
	} else {
		dst = append(dst, " buffer="...)
		dst = appendHexPad(dst, uint64(m.BufferID), 8)
	}
	if m.BufferID == BufferNone && int(m.TotalLen) != len(m.Data) {
		// Only an unbuffered packet-in must carry the whole packet.
		dst = append(dst, " (***total_len != data_len***)"...)
	}
	dst = append(dst, '\n')
	if len(m.Userdata) > 0 {
		dst = append(dst, " userdata="...)
		for i, c := range m.Userdata {
			if i > 0 {
				dst = append(dst, '.')
			}
			dst = appendHex2(dst, c)
		}
		dst = append(dst, '\n')
	}
	return AppendPacketSummary(dst, m.Data)
}

func registerPacketInDecoders() {
	decoders[MsgPacketIn] = decodePacketIn
	decoders[MsgNXPacketIn] = decodeNXPacketIn
	decoders[MsgNXPacketIn2] = decodeNXPacketIn2
}
