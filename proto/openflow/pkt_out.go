package openflow

import (
	"strconv"
)

// PacketOut is OFPT_PACKET_OUT. InPort is the packet's ingress port for
// the actions (OpenFlow 1.5 carries it in a match; earlier versions as a
// fixed field); BufferID BufferNone means the packet is in Data.
type PacketOut struct {
	BufferID uint32
	InPort   uint32
	Actions  []Action
	Data     []byte
}

func (*PacketOut) Type() MsgType { return MsgPacketOut }

func (m *PacketOut) appendBody(dst []byte, v Version) ([]byte, error) {
	dst = be32(dst, m.BufferID)
	var lenAt int
	switch {
	case v == V10:
		dst = be16(dst, uint16(m.InPort))
		lenAt = len(dst)
		dst = be16(dst, 0)
	case v <= V14:
		dst = be32(dst, portTo32Wire(m.InPort))
		lenAt = len(dst)
		dst = pad(be16(dst, 0), 6)
	default:
		lenAt = len(dst)
		dst = pad(be16(dst, 0), 2)
		var md Match
		md.setUint(FieldInPort, uint64(m.InPort), 0xffff)
		dst = appendOXMMatch(dst, &md, v)
	}
	start := len(dst)
	dst, err := AppendActionsWire(dst, m.Actions, v)
	if err != nil {
		return dst, err
	}
	n := len(dst) - start
	dst[lenAt], dst[lenAt+1] = byte(n>>8), byte(n)
	return append(dst, m.Data...), nil
}

func decodePacketOut(b []byte, v Version) (Message, error) {
	m := &PacketOut{}
	if len(b) < 8 {
		return nil, OFPBRC_BAD_LEN
	}
	m.BufferID = u32(b, 0)
	var n int
	switch {
	case v == V10:
		m.InPort = uint32(u16(b, 4))
		n = int(u16(b, 6))
		b = b[8:]
	case v <= V14:
		if len(b) < 16 {
			return nil, OFPBRC_BAD_LEN
		}
		p, err := portFrom32Wire(u32(b, 4))
		if err != nil {
			return nil, OFPBRC_BAD_PORT
		}
		m.InPort = p
		n = int(u16(b, 8))
		b = b[16:]
	default:
		n = int(u16(b, 4))
		md, rest, err := decodeOXMMatch(b[8:], v, false)
		if err != nil {
			return nil, err
		}
		m.InPort = PortNone
		if p, _, ok := md.uint(FieldInPort); ok {
			m.InPort = uint32(p)
		}
		b = rest
	}
	if n > len(b) {
		return nil, OFPBRC_BAD_LEN
	}
	acts, err := DecodeActions(b[:n], v)
	if err != nil {
		return nil, err
	}
	m.Actions = acts
	m.Data = b[n:]
	return m, nil
}

func (m *PacketOut) appendText(dst []byte, _ Version) []byte {
	dst = append(dst, " in_port="...)
	dst = appendPort(dst, m.InPort, nil)
	dst = append(dst, " actions="...)
	dst = AppendActions(dst, m.Actions, nil)
	if m.BufferID == BufferNone {
		dst = append(dst, " data_len="...)
		dst = strconv.AppendInt(dst, int64(len(m.Data)), 10)
		if len(m.Data) == 0 {
			return append(dst, '\n')
		}
		dst = append(dst, '\n')
		return AppendPacketSummary(dst, m.Data)
	}
	dst = append(dst, " buffer="...)
	return appendHexPad(dst, uint64(m.BufferID), 8)
}

func registerPacketOutDecoders() { decoders[MsgPacketOut] = decodePacketOut }
