package openflow

import (
	"encoding/binary"
	"strconv"
)

// Table and queue descriptions (OpenFlow 1.4+): OFPMP_TABLE_DESC
// (dump-table-desc) and OFPMP_QUEUE_DESC (queue-get-config).

// TableDescRequest is OFPST_TABLE_DESC request.
type TableDescRequest struct{ Flags uint16 }

func (*TableDescRequest) Type() MsgType        { return MsgMultipartRequest }
func (*TableDescRequest) StatsType() StatsType { return StatsTableDesc }
func (m *TableDescRequest) statsFlags() uint16 { return m.Flags }
func (*TableDescRequest) nxStats() bool        { return false }
func (m *TableDescRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *TableDescRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) { return b, nil }

// Table config bits of OpenFlow 1.4 (OFPTC14_*).
const (
	tableConfigEvictionBit = 4
	tableConfigVacancyBit  = 8
)

// TableDesc describes one table: its OFPTC_* config, and the eviction
// and vacancy properties when the switch sent them.
type TableDesc struct {
	TableID       uint8
	Config        uint32
	HasEviction   bool
	EvictionFlags uint32 // OFPTMPEF14_*: OTHER 1, IMPORTANCE 2, LIFETIME 4
	HasVacancy    bool
	VacancyDown   uint8 // percent
	VacancyUp     uint8
	Vacancy       uint8
}

// TableDescReply is OFPST_TABLE_DESC reply.
type TableDescReply struct {
	Flags  uint16
	Tables []TableDesc
}

func (*TableDescReply) Type() MsgType        { return MsgMultipartReply }
func (*TableDescReply) StatsType() StatsType { return StatsTableDesc }
func (m *TableDescReply) statsFlags() uint16 { return m.Flags }
func (*TableDescReply) nxStats() bool        { return false }
func (m *TableDescReply) numEntries() int    { return len(m.Tables) }
func (m *TableDescReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *TableDescReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	for i := range m.Tables {
		b, _ = m.appendEntry(b, i, v)
	}
	return b, nil
}

func (m *TableDescReply) appendEntry(b []byte, i int, _ Version) ([]byte, error) {
	t := &m.Tables[i]
	s := len(b)
	b = be32(pad(append(be16(b, 0), t.TableID), 1), t.Config)
	if t.HasEviction {
		b = be32(be16(be16(b, 2), 8), t.EvictionFlags)
	}
	if t.HasVacancy {
		b = append(be16(be16(b, 3), 8), t.VacancyDown, t.VacancyUp, t.Vacancy, 0)
	}
	binary.BigEndian.PutUint16(b[s:], uint16(len(b)-s))
	return b, nil
}

func decodeTableDescReply(b []byte, flags uint16) (Message, error) {
	m := &TableDescReply{Flags: flags}
	for len(b) > 0 {
		if len(b) < 8 {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 0))
		if n < 8 || n > len(b) {
			return m, OFPBRC_BAD_LEN
		}
		t := TableDesc{TableID: b[2], Config: u32(b, 4)}
		for props := b[8:n]; len(props) > 0; {
			if len(props) < 4 {
				return m, OFPBPC_BAD_LEN
			}
			typ, pl := u16(props, 0), int(u16(props, 2))
			if pl < 4 || pl > len(props) {
				return m, OFPBPC_BAD_LEN
			}
			switch typ {
			case 2:
				if pl != 8 {
					return m, OFPBPC_BAD_LEN
				}
				t.HasEviction, t.EvictionFlags = true, u32(props, 4)
			case 3:
				if pl != 8 {
					return m, OFPBPC_BAD_LEN
				}
				t.HasVacancy, t.VacancyDown, t.VacancyUp, t.Vacancy = true, props[4], props[5], props[6]
			}
			props = props[min((pl+7)&^7, len(props)):]
		}
		m.Tables = append(m.Tables, t)
		b = b[n:]
	}
	return m, nil
}

var evictionFlagNames = [...]string{"OTHER", "IMPORTANCE", "LIFETIME"}

func (m *TableDescReply) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Tables {
		t := &m.Tables[i]
		b = strconv.AppendUint(append(b, "\n  table "...), uint64(t.TableID), 10)
		b = append(b, ":\n   eviction="...)
		if t.Config&tableConfigEvictionBit != 0 {
			b = append(b, "on"...)
		} else {
			b = append(b, "off"...)
		}
		b = append(b, " eviction_flags="...)
		switch {
		case !t.HasEviction:
			b = append(b, "(default)"...)
		case t.EvictionFlags == 0:
			b = append(b, '0')
		default:
			first := true
			for k, n := range evictionFlagNames {
				if t.EvictionFlags&(1<<uint(k)) != 0 {
					if !first {
						b = append(b, '|')
					}
					first = false
					b = append(b, n...)
				}
			}
			if rest := t.EvictionFlags &^ 7; rest != 0 {
				if !first {
					b = append(b, '|')
				}
				b = appendHex0x(b, uint64(rest))
			}
		}
		b = append(b, "\n   vacancy="...)
		if t.Config&tableConfigVacancyBit == 0 || !t.HasVacancy {
			b = append(b, "off\n"...)
			continue
		}
		b = strconv.AppendUint(append(b, "on vacancy_down="...), uint64(t.VacancyDown), 10)
		b = strconv.AppendUint(append(b, "% vacancy_up="...), uint64(t.VacancyUp), 10)
		b = strconv.AppendUint(append(b, "% vacancy="...), uint64(t.Vacancy), 10)
		b = append(b, "%\n"...)
	}
	return b
}

// QueueDescRequest asks for the description of QueueID (QueueAll) on
// PortNo (PortAny).
type QueueDescRequest struct {
	Flags   uint16
	PortNo  uint32
	QueueID uint32
}

func (*QueueDescRequest) Type() MsgType        { return MsgMultipartRequest }
func (*QueueDescRequest) StatsType() StatsType { return StatsQueueDesc }
func (m *QueueDescRequest) statsFlags() uint16 { return m.Flags }
func (*QueueDescRequest) nxStats() bool        { return false }
func (m *QueueDescRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *QueueDescRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	return be32(be32(b, portTo32Wire(m.PortNo)), m.QueueID), nil
}

func (m *QueueDescRequest) appendStatsText(b []byte, _ Version) []byte {
	b = appendStatsPort(append(b, " port="...), m.PortNo)
	if m.QueueID != QueueAll {
		b = strconv.AppendUint(append(b, " queue="...), uint64(m.QueueID), 10)
	}
	return b
}

// QueueRateUnset marks a queue rate the switch did not report.
const QueueRateUnset uint16 = 0xffff

// QueueDesc describes one queue; rates are in tenths of a percent of the
// port speed, above 1000 meaning disabled, QueueRateUnset absent.
type QueueDesc struct {
	PortNo  uint32
	QueueID uint32
	MinRate uint16
	MaxRate uint16
}

// QueueDescReply is OFPST_QUEUE_DESC reply.
type QueueDescReply struct {
	Flags  uint16
	Queues []QueueDesc
}

func (*QueueDescReply) Type() MsgType        { return MsgMultipartReply }
func (*QueueDescReply) StatsType() StatsType { return StatsQueueDesc }
func (m *QueueDescReply) statsFlags() uint16 { return m.Flags }
func (*QueueDescReply) nxStats() bool        { return false }
func (m *QueueDescReply) numEntries() int    { return len(m.Queues) }
func (m *QueueDescReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *QueueDescReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	for i := range m.Queues {
		b, _ = m.appendEntry(b, i, v)
	}
	return b, nil
}

func (m *QueueDescReply) appendEntry(b []byte, i int, _ Version) ([]byte, error) {
	q := &m.Queues[i]
	s := len(b)
	b = pad(be16(be32(be32(b, portTo32Wire(q.PortNo)), q.QueueID), 0), 6)
	if q.MinRate != QueueRateUnset {
		b = pad(be16(be16(be16(b, 1), 8), q.MinRate), 2)
	}
	if q.MaxRate != QueueRateUnset {
		b = pad(be16(be16(be16(b, 2), 8), q.MaxRate), 2)
	}
	binary.BigEndian.PutUint16(b[s+8:], uint16(len(b)-s))
	return b, nil
}

func decodeQueueDescReply(b []byte, flags uint16) (Message, error) {
	m := &QueueDescReply{Flags: flags}
	for len(b) > 0 {
		if len(b) < 16 {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 8))
		if n < 16 || n > len(b) {
			return m, OFPBRC_BAD_LEN
		}
		p, err := portFrom32Wire(u32(b, 0))
		if err != nil {
			return m, OFPBRC_BAD_PORT
		}
		q := QueueDesc{PortNo: p, QueueID: u32(b, 4), MinRate: QueueRateUnset, MaxRate: QueueRateUnset}
		for props := b[16:n]; len(props) > 0; {
			if len(props) < 4 {
				return m, OFPBPC_BAD_LEN
			}
			typ, pl := u16(props, 0), int(u16(props, 2))
			if pl < 4 || pl > len(props) {
				return m, OFPBPC_BAD_LEN
			}
			if typ == 1 || typ == 2 {
				if pl != 8 {
					return m, OFPBPC_BAD_LEN
				}
				if typ == 1 {
					q.MinRate = u16(props, 4)
				} else {
					q.MaxRate = u16(props, 4)
				}
			}
			props = props[min((pl+7)&^7, len(props)):]
		}
		m.Queues = append(m.Queues, q)
		b = b[n:]
	}
	return m, nil
}

func appendQueueRate(b []byte, name string, r uint16) []byte {
	if r == QueueRateUnset {
		return b
	}
	b = append(append(append(b, ' '), name...), ':')
	if r > 1000 {
		return append(b, "(disabled)"...)
	}
	b = strconv.AppendUint(b, uint64(r/10), 10)
	b = strconv.AppendUint(append(b, '.'), uint64(r%10), 10)
	return append(b, '%')
}

// appendStatsText lists the queues in the order received (see
// appendQueueList).
func (m *QueueDescReply) appendStatsText(b []byte, _ Version) []byte {
	return appendQueueList(b, m.Queues)
}
