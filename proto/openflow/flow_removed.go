package openflow

import (
	"encoding/binary"
	"strconv"
)

// FlowRemoved tells a controller that a flow left the table. NXM selects
// NXT_FLOW_REMOVED. OpenFlow 1.5 carries the statistics as OXS fields after
// the match; like OVS, the switch sends duration, packet and byte counts
// there (no idle time, no flow count), and a decoder takes whichever OXS
// fields come.
type FlowRemoved struct {
	NXM          bool
	Match        Match
	Cookie       uint64
	Priority     uint16
	Reason       FlowRemovedReason
	TableID      uint8 // TableAll: unknown (OpenFlow 1.0, old NXT_FLOW_REMOVED)
	DurationSec  uint32
	DurationNsec uint32
	IdleTimeout  uint16
	HardTimeout  uint16 // 1.2+
	PacketCount  uint64
	ByteCount    uint64
}

// FlowRemovedReason is OFPRR_*.
type FlowRemovedReason uint8

// Flow removal reasons.
const (
	RemovedIdleTimeout FlowRemovedReason = iota
	RemovedHardTimeout
	RemovedDelete
	RemovedGroupDelete
	RemovedMeterDelete
	RemovedEviction
)

var removedReasonNames = [...]string{"idle", "hard", "delete", "group_delete", "meter_delete", "eviction"}

func (r FlowRemovedReason) String() string {
	if int(r) < len(removedReasonNames) {
		return removedReasonNames[r]
	}
	return strconv.Itoa(int(r))
}

// Type is MsgFlowRemoved, or MsgNXFlowRemoved when NXM is set.
func (m *FlowRemoved) Type() MsgType {
	if m.NXM {
		return MsgNXFlowRemoved
	}
	return MsgFlowRemoved
}

func (m *FlowRemoved) appendBody(b []byte, v Version) ([]byte, error) {
	switch {
	case m.NXM:
		b = be64(b, m.Cookie)
		b = append(be16(b, m.Priority), uint8(m.Reason), m.TableID+1) // 0: unknown
		b = be32(be32(b, m.DurationSec), m.DurationNsec)
		b = be16(b, m.IdleTimeout)
		lenAt := len(b)
		b = be16(b, 0)
		b = be64(be64(b, m.PacketCount), m.ByteCount)
		s := len(b)
		b = AppendNXM(b, &m.Match)
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-s))
		return pad(b, (8-(len(b)-s)%8)%8), nil
	case v == V10:
		if !MatchFits10(&m.Match) {
			return b, OFPBMC_BAD_FIELD
		}
		b = appendMatch10(b, &m.Match)
		b = be64(b, m.Cookie)
		b = pad(append(be16(b, m.Priority), uint8(m.Reason)), 1)
		b = be32(be32(b, m.DurationSec), m.DurationNsec)
		b = pad(be16(b, m.IdleTimeout), 2)
		return be64(be64(b, m.PacketCount), m.ByteCount), nil
	case v == V15:
		b = append(b, m.TableID, uint8(m.Reason))
		b = be16(be16(be16(b, m.Priority), m.IdleTimeout), m.HardTimeout)
		b = be64(b, m.Cookie)
		b = appendOXMMatch(b, &m.Match, v)
		ss := len(b)
		b = be16(be16(b, 0), 0)
		b = be32(be32(be32(b, oxsDuration), m.DurationSec), m.DurationNsec)
		b = be64(be32(b, oxsPacketCount), m.PacketCount)
		b = be64(be32(b, oxsByteCount), m.ByteCount)
		binary.BigEndian.PutUint16(b[ss+2:], uint16(len(b)-ss))
		return pad(b, (8-(len(b)-ss)%8)%8), nil
	case v == V11 || v > V15:
		return b, OFPBRC_BAD_VERSION
	}
	b = be64(b, m.Cookie)
	b = append(be16(b, m.Priority), uint8(m.Reason), m.TableID)
	b = be32(be32(b, m.DurationSec), m.DurationNsec)
	b = be16(be16(b, m.IdleTimeout), m.HardTimeout)
	b = be64(be64(b, m.PacketCount), m.ByteCount)
	return appendOXMMatch(b, &m.Match, v), nil
}

func decodeFlowRemoved(b []byte, v Version) (Message, error) {
	switch {
	case v == V10:
		if len(b) != match10Len+40 {
			return nil, OFPBRC_BAD_LEN
		}
		m := &FlowRemoved{Match: *decodeMatch10(b), TableID: TableAll}
		b = b[match10Len:]
		m.Cookie, m.Priority, m.Reason = u64(b, 0), u16(b, 8), FlowRemovedReason(b[10])
		m.DurationSec, m.DurationNsec, m.IdleTimeout = u32(b, 12), u32(b, 16), u16(b, 20)
		m.PacketCount, m.ByteCount = u64(b, 24), u64(b, 32)
		return m, nil
	case v == V15:
		return decodeFlowRemoved15(b, v)
	case v == V11 || v > V15:
		return nil, OFPBRC_BAD_VERSION
	}
	if len(b) < 40 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &FlowRemoved{Cookie: u64(b, 0), Priority: u16(b, 8), Reason: FlowRemovedReason(b[10]), TableID: b[11]}
	m.DurationSec, m.DurationNsec = u32(b, 12), u32(b, 16)
	m.IdleTimeout, m.HardTimeout = u16(b, 20), u16(b, 22)
	m.PacketCount, m.ByteCount = u64(b, 24), u64(b, 32)
	match, rest, err := decodeOXMMatch(b[40:], v, false)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, OFPBRC_BAD_LEN
	}
	m.Match = *match
	return m, nil
}

// decodeFlowRemoved15 decodes OpenFlow 1.5's layout: the fixed part, the
// match, then the statistics as OXS fields.
func decodeFlowRemoved15(b []byte, v Version) (Message, error) {
	if len(b) < 16 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &FlowRemoved{TableID: b[0], Reason: FlowRemovedReason(b[1]), Priority: u16(b, 2),
		IdleTimeout: u16(b, 4), HardTimeout: u16(b, 6), Cookie: u64(b, 8)}
	match, rest, err := decodeOXMMatch(b[16:], v, false)
	if err != nil {
		return nil, err
	}
	st, rest, err := decodeOXS(rest)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, OFPBRC_BAD_LEN
	}
	m.Match = *match
	m.DurationSec, m.DurationNsec = st.durSec, st.durNsec
	m.PacketCount, m.ByteCount = st.packets, st.bytesCnt
	return m, nil
}

func decodeNXFlowRemoved(b []byte, _ Version) (Message, error) {
	if len(b) < 40 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &FlowRemoved{NXM: true, Cookie: u64(b, 0), Priority: u16(b, 8), Reason: FlowRemovedReason(b[10]), TableID: b[11] - 1}
	m.DurationSec, m.DurationNsec, m.IdleTimeout = u32(b, 12), u32(b, 16), u16(b, 20)
	n := int(u16(b, 22))
	m.PacketCount, m.ByteCount = u64(b, 24), u64(b, 32)
	if 40+n > len(b) {
		return nil, OFPBRC_BAD_LEN
	}
	match, err := DecodeNXM(b[40:40+n], false)
	if err != nil {
		return nil, err
	}
	m.Match = *match
	return m, nil
}

// appendText is the ofp-print body of a flow-removed message.
func (m *FlowRemoved) appendText(b []byte, v Version) []byte {
	b = append(b, ' ')
	if m.Priority != DefaultPriority {
		b = strconv.AppendUint(append(b, "priority="...), uint64(m.Priority), 10)
		b = append(b, ',')
	}
	t := len(b)
	b = m.Match.AppendText(b, nil)
	if len(b) == t && m.Priority != DefaultPriority {
		b = b[:t-1]
	}
	b = append(b, " reason="...)
	b = append(b, m.Reason.String()...)
	if m.TableID != TableAll && (v != V10 || m.NXM) {
		b = strconv.AppendUint(append(b, " table_id="...), uint64(m.TableID), 10)
	}
	if m.Cookie != 0 {
		b = appendHex0x(append(b, " cookie:"...), m.Cookie)
	}
	b = append(b, " duration"...)
	b = appendDuration(b, m.DurationSec, m.DurationNsec)
	b = strconv.AppendUint(append(b, " idle"...), uint64(m.IdleTimeout), 10)
	if m.HardTimeout != 0 {
		b = strconv.AppendUint(append(b, " hard"...), uint64(m.HardTimeout), 10)
	}
	b = strconv.AppendUint(append(b, " pkts"...), m.PacketCount, 10)
	return strconv.AppendUint(append(b, " bytes"...), m.ByteCount, 10)
}

// appendDuration writes OVS's "S[.fraction]s": nanoseconds as nine
// digits with trailing zeros dropped, but never fewer than three.
func appendDuration(b []byte, sec, nsec uint32) []byte {
	b = strconv.AppendUint(b, uint64(sec), 10)
	if nsec != 0 {
		var d [9]byte
		v := nsec
		for i := 8; i >= 0; i-- {
			d[i] = byte('0' + v%10)
			v /= 10
		}
		n := 9
		for n > 3 && d[n-1] == '0' {
			n--
		}
		b = append(append(b, '.'), d[:n]...)
	}
	return append(b, 's')
}

func registerFlowRemovedDecoders() {
	decoders[MsgFlowRemoved] = decodeFlowRemoved
	decoders[MsgNXFlowRemoved] = decodeNXFlowRemoved
}
