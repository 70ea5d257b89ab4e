package openflow

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strconv"
)

// Queue configuration: OFPT_QUEUE_GET_CONFIG_REQUEST/REPLY, the 1.0-1.3
// way to ask a switch which queues a port has (1.4 replaced it with the
// OFPMP_QUEUE_DESC statistics, QueueDescRequest/QueueDescReply). Both
// replies share QueueDesc and one text form: OVS prints a "port=" line
// whenever the port changes from one queue to the next, and a 1.0-1.3
// reply's queues all carry the port the reply names (the 1.2+ per-queue
// port field is not what OVS prints).

// QueueGetConfigRequest asks for the queues of PortNo (PortAny: all
// ports, 1.1+ only).
type QueueGetConfigRequest struct {
	PortNo uint32
}

// QueueGetConfigReply lists the queues of PortNo.
type QueueGetConfigReply struct {
	PortNo uint32
	Queues []QueueDesc
}

func (*QueueGetConfigRequest) Type() MsgType { return MsgQueueGetConfigRequest }
func (*QueueGetConfigReply) Type() MsgType   { return MsgQueueGetConfigReply }

// Queue property types of 1.0-1.3 (min rate in 1.0 already, max rate
// from 1.2).
const (
	queuePropMinRate = 1
	queuePropMaxRate = 2
	queuePropLen     = 16
)

func (m *QueueGetConfigRequest) appendBody(b []byte, v Version) ([]byte, error) {
	if v == V10 {
		return pad(be16(b, uint16(m.PortNo)), 2), nil
	}
	return pad(be32(b, portTo32Wire(m.PortNo)), 4), nil
}

func (m *QueueGetConfigReply) appendBody(b []byte, v Version) ([]byte, error) {
	if v == V10 {
		b = pad(be16(b, uint16(m.PortNo)), 6)
	} else {
		b = pad(be32(b, portTo32Wire(m.PortNo)), 4)
	}
	for i := range m.Queues {
		q := &m.Queues[i]
		s := len(b)
		b = be32(b, q.QueueID)
		lenAt := s + 4
		switch v {
		case V10, V11:
			b = pad(be16(b, 0), 2)
		default:
			port := q.PortNo
			if port == 0 {
				port = m.PortNo
			}
			b = pad(be16(be32(b, portTo32Wire(port)), 0), 6)
			lenAt = s + 8
		}
		if q.MinRate != QueueRateUnset {
			b = appendQueueProp(b, queuePropMinRate, q.MinRate)
		}
		if q.MaxRate != QueueRateUnset && v >= V12 {
			b = appendQueueProp(b, queuePropMaxRate, q.MaxRate)
		}
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-s))
	}
	return b, nil
}

func appendQueueProp(b []byte, typ, rate uint16) []byte {
	return pad(be16(pad(be16(be16(b, typ), queuePropLen), 4), rate), 6)
}

func decodeQueueGetConfigRequest(b []byte, v Version) (Message, error) {
	if v == V10 {
		if len(b) != 4 {
			return nil, OFPBRC_BAD_LEN
		}
		// 1.0 cannot ask for all ports: OVS refuses every reserved
		// number, OFPP_NONE included.
		p := uint32(u16(b, 0))
		if p >= PortMax {
			return nil, OFPQOFC_BAD_PORT
		}
		return &QueueGetConfigRequest{PortNo: p}, nil
	}
	if len(b) != 8 {
		return nil, OFPBRC_BAD_LEN
	}
	p, err := portFrom32Wire(u32(b, 0))
	if err != nil {
		return nil, err
	}
	if p >= PortMax && p != PortAny {
		return nil, OFPQOFC_BAD_PORT
	}
	return &QueueGetConfigRequest{PortNo: p}, nil
}

func decodeQueueGetConfigReply(b []byte, v Version) (Message, error) {
	if len(b) < 8 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &QueueGetConfigReply{}
	if v == V10 {
		m.PortNo = uint32(u16(b, 0))
	} else {
		p, err := portFrom32Wire(u32(b, 0))
		if err != nil {
			return nil, err
		}
		m.PortNo = p
	}
	hdr, lenAt := 8, 4
	if v >= V12 {
		hdr, lenAt = 16, 8
	}
	for b = b[8:]; len(b) > 0; {
		if len(b) < hdr {
			return nil, OFPBRC_BAD_LEN
		}
		n := int(u16(b, lenAt))
		if n < hdr || n > len(b) {
			return nil, OFPBRC_BAD_LEN
		}
		q := QueueDesc{PortNo: m.PortNo, QueueID: u32(b, 0), MinRate: QueueRateUnset, MaxRate: QueueRateUnset}
		for props := b[hdr:n]; len(props) > 0; {
			if len(props) < 8 {
				return nil, OFPBRC_BAD_LEN
			}
			typ, pl := u16(props, 0), int(u16(props, 2))
			if pl < 8 || pl > len(props) {
				return nil, OFPBRC_BAD_LEN
			}
			switch {
			case typ == queuePropMinRate || typ == queuePropMaxRate && v >= V12:
				if pl < queuePropLen {
					return nil, OFPBRC_BAD_LEN
				}
				if typ == queuePropMinRate {
					q.MinRate = u16(props, 8)
				} else {
					q.MaxRate = u16(props, 8)
				}
			}
			// Other properties (experimenter ones) are skipped, as
			// OVS skips them.
			props = props[pl:]
		}
		m.Queues = append(m.Queues, q)
		b = b[n:]
	}
	return m, nil
}

func (m *QueueGetConfigRequest) appendText(b []byte, _ Version) []byte {
	return appendStatsPort(append(b, " port="...), m.PortNo)
}

func (m *QueueGetConfigReply) appendText(b []byte, _ Version) []byte {
	return appendQueueList(b, m.Queues)
}

// appendQueueList prints queues ordered by port and queue id, as OVS
// does, with a port line whenever the port changes (port 0, the start,
// prints none).
func appendQueueList(b []byte, queues []QueueDesc) []byte {
	qs := slices.Clone(queues)
	slices.SortStableFunc(qs, func(x, y QueueDesc) int {
		if c := cmp.Compare(x.PortNo, y.PortNo); c != 0 {
			return c
		}
		return cmp.Compare(x.QueueID, y.QueueID)
	})
	var port uint32
	for i := range qs {
		q := &qs[i]
		if i == 0 {
			b = append(b, ' ')
		}
		if q.PortNo != port {
			b = append(appendStatsPort(append(b, "port="...), q.PortNo), '\n')
			port = q.PortNo
		}
		b = strconv.AppendUint(append(b, "queue "...), uint64(q.QueueID), 10)
		b = append(b, ':')
		b = appendQueueRate(b, "min_rate", q.MinRate)
		b = appendQueueRate(b, "max_rate", q.MaxRate)
		b = append(b, '\n')
	}
	return b
}

func registerQueueConfigDecoders() {
	decoders[MsgQueueGetConfigRequest] = decodeQueueGetConfigRequest
	decoders[MsgQueueGetConfigReply] = decodeQueueGetConfigReply
}
