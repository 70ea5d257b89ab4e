package openflow

import (
	"encoding/binary"
	"strconv"
)

// Flow and aggregate statistics: OFPST_FLOW / OFPST_AGGREGATE in 1.0's
// ofp_match form and 1.2+'s OXM form (1.5's replies carry their counters
// as OXS fields), and NXST_FLOW / NXST_AGGREGATE with an NXM match.
// OpenFlow 1.1 is in between, as OVS speaks it: requests carry the fixed
// ofp11_match (stats_match11.go), replies an OXM match; both forms are
// accepted when decoding.

// FlowStatsRequest asks for flow (or, with Aggregate, aggregate)
// statistics of the flows matching Match in TableID (TableAll: every
// table) whose actions output to OutPort (PortNone: any) or group OutGroup
// (GroupAny: any, 1.1+) and whose cookie matches Cookie under CookieMask.
type FlowStatsRequest struct {
	Flags      uint16
	NXM        bool
	Aggregate  bool
	TableID    uint8
	OutPort    uint32
	OutGroup   uint32
	Cookie     uint64
	CookieMask uint64
	Match      Match
}

// NewFlowStatsRequest returns a request for every flow.
func NewFlowStatsRequest() *FlowStatsRequest {
	return &FlowStatsRequest{TableID: TableAll, OutPort: PortNone, OutGroup: GroupAny}
}

func (*FlowStatsRequest) Type() MsgType { return MsgMultipartRequest }

// StatsType is StatsFlow or StatsAggregate.
func (m *FlowStatsRequest) StatsType() StatsType {
	if m.Aggregate {
		return StatsAggregate
	}
	return StatsFlow
}
func (m *FlowStatsRequest) statsFlags() uint16 { return m.Flags }
func (m *FlowStatsRequest) nxStats() bool      { return m.NXM }
func (m *FlowStatsRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *FlowStatsRequest) appendStatsBody(b []byte, v Version) ([]byte, error) {
	switch {
	case m.NXM:
		b = be16(b, uint16(m.OutPort))
		lenAt := len(b)
		b = pad(append(be16(b, 0), m.TableID), 3)
		s := len(b)
		b = AppendNXM(b, &m.Match)
		if m.CookieMask != 0 {
			b = appendCookieNXM(b, m.Cookie, m.CookieMask)
		}
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-s))
		return pad(b, (8-(len(b)-s)%8)%8), nil
	case v == V10:
		if !MatchFits10(&m.Match) || m.CookieMask != 0 {
			return b, OFPBMC_BAD_FIELD
		}
		b = appendMatch10(b, &m.Match)
		return be16(pad(append(b, m.TableID), 1), uint16(m.OutPort)), nil
	case v == V11 && !MatchFits11(&m.Match):
		return b, OFPBMC_BAD_FIELD
	}
	b = pad(append(b, m.TableID), 3)
	b = be32(be32(b, portTo32(m.OutPort)), m.OutGroup)
	b = be64(be64(pad(b, 4), m.Cookie), m.CookieMask)
	if v == V11 {
		return appendMatch11(b, &m.Match), nil
	}
	return appendOXMMatch(b, &m.Match, v), nil
}

func decodeFlowStatsRequest(b []byte, v Version, flags uint16, nx, agg bool) (Message, error) {
	m := &FlowStatsRequest{Flags: flags, NXM: nx, Aggregate: agg, OutGroup: GroupAny}
	switch {
	case nx:
		m.OutPort, m.TableID = uint32(u16(b, 0)), b[4]
		n := int(u16(b, 2))
		if 8+n > len(b) {
			return nil, OFPBRC_BAD_LEN
		}
		nxm, cookie, mask, err := splitCookieNXM(b[8 : 8+n])
		if err != nil {
			return nil, err
		}
		match, err := DecodeNXM(nxm, false)
		if err != nil {
			return nil, err
		}
		m.Match, m.Cookie, m.CookieMask = *match, cookie, mask
		return m, nil
	case v == V10:
		m.Match = *decodeMatch10(b)
		m.TableID, m.OutPort = b[40], uint32(u16(b, 42))
		return m, nil
	}
	m.TableID = b[0]
	p := u32(b, 4)
	if p > 0xffff && p < 0xffffff00 {
		return nil, OFPBRC_BAD_PORT
	}
	m.OutPort, m.OutGroup = portFrom32(p), u32(b, 8)
	m.Cookie, m.CookieMask = u64(b, 16), u64(b, 24)
	if v == V11 && u16(b, 32) == 0 {
		match, err := decodeMatch11(b[32:])
		if err != nil {
			return nil, err
		}
		m.Match = *match
		return m, nil
	}
	match, rest, err := decodeOXMMatch(b[32:], v, false)
	if err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, OFPBRC_BAD_LEN
	}
	m.Match = *match
	return m, nil
}

func (m *FlowStatsRequest) appendStatsText(b []byte, v Version) []byte {
	if m.TableID != TableAll {
		b = strconv.AppendUint(append(b, " table="...), uint64(m.TableID), 10)
	}
	if m.OutPort != PortNone {
		b = appendPort(append(b, " out_port="...), m.OutPort, nil)
	}
	n := len(b)
	if b = m.Match.AppendText(append(b, ' '), nil); len(b) == n+1 {
		b = b[:n]
	}
	return b
}

// FlowStatsReply carries the statistics of a list of flows.
type FlowStatsReply struct {
	Flags uint16
	NXM   bool
	Flows []FlowDump
}

func (*FlowStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*FlowStatsReply) StatsType() StatsType { return StatsFlow }
func (m *FlowStatsReply) statsFlags() uint16 { return m.Flags }
func (m *FlowStatsReply) nxStats() bool      { return m.NXM }
func (m *FlowStatsReply) numEntries() int    { return len(m.Flows) }
func (m *FlowStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *FlowStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Flows {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

// ageWire is NXST_FLOW's age encoding: seconds plus one, 0 unknown.
func ageWire(age int) uint16 {
	if age < 0 {
		return 0
	}
	if age >= 0xffff {
		return 0xffff
	}
	return uint16(age + 1)
}

func (m *FlowStatsReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	f := &m.Flows[i]
	s := len(b)
	var err error
	switch {
	case m.NXM:
		b = pad(append(be16(b, 0), f.TableID), 1)
		b = be32(be32(b, f.DurationSec), f.DurationNsec)
		b = be16(be16(be16(b, f.Priority), f.IdleTimeout), f.HardTimeout)
		lenAt := len(b)
		hardAge := f.HardAge
		if hardAge < 0 {
			// Leaving hard_age out of the text means it equals the duration.
			hardAge = int(f.DurationSec)
		}
		b = be16(be16(be16(b, 0), ageWire(f.IdleAge)), ageWire(hardAge))
		b = be64(be64(be64(b, f.Cookie), f.PacketCount), f.ByteCount)
		ms := len(b)
		b = AppendNXM(b, &f.Match)
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-ms))
		b = pad(b, (8-(len(b)-ms)%8)%8)
		b, err = AppendInstructions(b, f.Actions, V10)
	case v == V10:
		if !MatchFits10(&f.Match) {
			return b[:s], OFPBMC_BAD_FIELD
		}
		b = pad(append(be16(b, 0), f.TableID), 1)
		b = appendMatch10(b, &f.Match)
		b = be32(be32(b, f.DurationSec), f.DurationNsec)
		b = pad(be16(be16(be16(b, f.Priority), f.IdleTimeout), f.HardTimeout), 6)
		b = be64(be64(be64(b, f.Cookie), f.PacketCount), f.ByteCount)
		b, err = AppendInstructions(b, f.Actions, V10)
	case v >= V15:
		b = pad(be16(b, 0), 2)
		b = be16(append(b, f.TableID, 0), f.Priority)
		b = be16(be16(be16(be16(b, f.IdleTimeout), f.HardTimeout), uint16(f.Flags)), f.Importance)
		b = be64(b, f.Cookie)
		b = appendOXMMatch(b, &f.Match, v)
		ss := len(b)
		b = be16(be16(b, 0), 0)
		b = be32(be32(be32(b, oxsDuration), f.DurationSec), f.DurationNsec)
		if f.IdleAge >= 0 {
			b = be32(be32(be32(b, oxsIdleTime), uint32(f.IdleAge)), 0)
		}
		b = be64(be32(b, oxsPacketCount), f.PacketCount)
		b = be64(be32(b, oxsByteCount), f.ByteCount)
		binary.BigEndian.PutUint16(b[ss+2:], uint16(len(b)-ss))
		b = pad(b, (8-(len(b)-ss)%8)%8)
		b, err = AppendInstructions(b, f.Actions, v)
	default:
		b = pad(append(be16(b, 0), f.TableID), 1)
		b = be32(be32(b, f.DurationSec), f.DurationNsec)
		b = be16(be16(be16(b, f.Priority), f.IdleTimeout), f.HardTimeout)
		switch v {
		case V12:
			b = pad(b, 6)
		case V13:
			b = pad(be16(b, uint16(f.Flags)), 4)
		default:
			b = pad(be16(be16(b, uint16(f.Flags)), f.Importance), 2)
		}
		b = be64(be64(be64(b, f.Cookie), f.PacketCount), f.ByteCount)
		b = appendOXMMatch(b, &f.Match, v)
		b, err = AppendInstructions(b, f.Actions, v)
	}
	if err != nil {
		return b[:s], err
	}
	if len(b)-s > 0xffff {
		return b[:s], OFPBRC_BAD_LEN
	}
	binary.BigEndian.PutUint16(b[s:], uint16(len(b)-s))
	return b, nil
}

// OXS (OpenFlow 1.5 statistics fields) headers, class OFPXSC_OPENFLOW_BASIC.
const (
	oxsDuration    = 0x80020008
	oxsIdleTime    = 0x80020208
	oxsFlowCount   = 0x80020604
	oxsPacketCount = 0x80020808
	oxsByteCount   = 0x80020a08
)

// oxsStats is what an ofp_stats carries.
type oxsStats struct {
	durSec, durNsec   uint32
	idle              int
	flows             uint32
	packets, bytesCnt uint64
}

// decodeOXS reads an ofp_stats from the front of b and returns the bytes
// after it and its padding.
func decodeOXS(b []byte) (oxsStats, []byte, error) {
	st := oxsStats{idle: -1}
	if len(b) < 4 {
		return st, nil, OFPBRC_BAD_LEN
	}
	n := int(u16(b, 2))
	padded := (n + 7) &^ 7
	if n < 4 || padded > len(b) {
		return st, nil, OFPBRC_BAD_LEN
	}
	for f := b[4:n]; len(f) > 0; {
		if len(f) < 4 {
			return st, nil, OFPBRC_BAD_LEN
		}
		h := u32(f, 0)
		l := int(h & 0xff)
		if 4+l > len(f) {
			return st, nil, OFPBRC_BAD_LEN
		}
		val := f[4 : 4+l]
		switch {
		case h == oxsDuration:
			st.durSec, st.durNsec = u32(val, 0), u32(val, 4)
		case h == oxsIdleTime:
			st.idle = int(u32(val, 0))
		case h == oxsFlowCount:
			st.flows = u32(val, 0)
		case h == oxsPacketCount:
			st.packets = u64(val, 0)
		case h == oxsByteCount:
			st.bytesCnt = u64(val, 0)
		case h>>16 == 0x8002:
			return st, nil, OFPBRC_BAD_LEN
		}
		f = f[4+l:]
	}
	return st, b[padded:], nil
}

func decodeFlowStatsReply(b []byte, v Version, flags uint16, nx bool) (Message, error) {
	m := &FlowStatsReply{Flags: flags, NXM: nx}
	// Count the entries first so that the slice is allocated once.
	n := 0
	for r := b; len(r) >= 2 && int(u16(r, 0)) >= 2 && int(u16(r, 0)) <= len(r); r = r[u16(r, 0):] {
		n++
	}
	if n > 0 {
		m.Flows = make([]FlowDump, 0, n)
	}
	var slab []Entry // the flows' match entries
	for len(b) > 0 {
		if len(b) < 2 {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 0))
		if n > len(b) || n < 2 {
			return m, OFPBRC_BAD_LEN
		}
		e := b[:n]
		m.Flows = append(m.Flows, FlowDump{IdleAge: -1, HardAge: -1})
		f := &m.Flows[len(m.Flows)-1]
		if err := decodeFlowEntry(f, e, v, nx, &slab); err != nil {
			m.Flows = m.Flows[:len(m.Flows)-1]
			return m, err
		}
		b = b[n:]
	}
	return m, nil
}

func decodeFlowEntry(f *FlowDump, e []byte, v Version, nx bool, slab *[]Entry) error {
	var err error
	switch {
	case nx:
		if len(e) < 48 {
			return OFPBRC_BAD_LEN
		}
		f.TableID = e[2]
		f.DurationSec, f.DurationNsec = u32(e, 4), u32(e, 8)
		f.Priority, f.IdleTimeout, f.HardTimeout = u16(e, 12), u16(e, 14), u16(e, 16)
		ml := int(u16(e, 18))
		if ia := u16(e, 20); ia != 0 {
			f.IdleAge = int(ia) - 1
		}
		if ha := u16(e, 22); ha != 0 && uint32(ha-1) != f.DurationSec {
			f.HardAge = int(ha) - 1
		}
		f.Cookie, f.PacketCount, f.ByteCount = u64(e, 24), u64(e, 32), u64(e, 40)
		padded := (ml + 7) &^ 7
		if 48+padded > len(e) {
			return OFPBRC_BAD_LEN
		}
		if err := f.Match.decodeTLVs(e[48:48+ml], false, slab); err != nil {
			return err
		}
		f.Actions, err = DecodeActions(e[48+padded:], V10)
		return err
	case v == V10:
		if len(e) < 88 {
			return OFPBRC_BAD_LEN
		}
		f.TableID = e[2]
		f.Match = *decodeMatch10(e[4:])
		f.DurationSec, f.DurationNsec = u32(e, 44), u32(e, 48)
		f.Priority, f.IdleTimeout, f.HardTimeout = u16(e, 52), u16(e, 54), u16(e, 56)
		f.Cookie, f.PacketCount, f.ByteCount = u64(e, 64), u64(e, 72), u64(e, 80)
		f.Actions, err = DecodeActions(e[88:], V10)
		return err
	case v >= V15:
		if len(e) < 24 {
			return OFPBRC_BAD_LEN
		}
		f.TableID, f.Priority = e[4], u16(e, 6)
		f.IdleTimeout, f.HardTimeout = u16(e, 8), u16(e, 10)
		f.Flags, f.Importance, f.Cookie = FlowModFlags(u16(e, 12)), u16(e, 14), u64(e, 16)
		rest, err := f.Match.decodeOXMMatch(e[24:], false, slab)
		if err != nil {
			return err
		}
		st, rest, err := decodeOXS(rest)
		if err != nil {
			return err
		}
		f.DurationSec, f.DurationNsec, f.IdleAge = st.durSec, st.durNsec, st.idle
		f.PacketCount, f.ByteCount = st.packets, st.bytesCnt
		f.Actions, err = DecodeInstructions(rest, v)
		return err
	}
	if len(e) < 48 {
		return OFPBRC_BAD_LEN
	}
	f.TableID = e[2]
	f.DurationSec, f.DurationNsec = u32(e, 4), u32(e, 8)
	f.Priority, f.IdleTimeout, f.HardTimeout = u16(e, 12), u16(e, 14), u16(e, 16)
	if v >= V13 {
		f.Flags = FlowModFlags(u16(e, 18))
	}
	if v >= V14 {
		f.Importance = u16(e, 20)
	}
	f.Cookie, f.PacketCount, f.ByteCount = u64(e, 24), u64(e, 32), u64(e, 40)
	if v == V11 && len(e) >= 50 && u16(e, 48) == 0 {
		match, err := decodeMatch11(e[48:])
		if err != nil {
			return err
		}
		f.Match = *match
		f.Actions, err = DecodeInstructions(e[48+match11Len:], v)
		return err
	}
	rest, err := f.Match.decodeOXMMatch(e[48:], false, slab)
	if err != nil {
		return err
	}
	f.Actions, err = DecodeInstructions(rest, v)
	return err
}

func (m *FlowStatsReply) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Flows {
		b = append(b, "\n "...)
		b = m.Flows[i].AppendText(b, nil)
	}
	return b
}

// AggregateStatsReply totals the flows an aggregate request matched.
type AggregateStatsReply struct {
	Flags       uint16
	NXM         bool
	PacketCount uint64
	ByteCount   uint64
	FlowCount   uint32
}

func (*AggregateStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*AggregateStatsReply) StatsType() StatsType { return StatsAggregate }
func (m *AggregateStatsReply) statsFlags() uint16 { return m.Flags }
func (m *AggregateStatsReply) nxStats() bool      { return m.NXM }
func (m *AggregateStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *AggregateStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	if v >= V15 && !m.NXM {
		s := len(b)
		b = be16(be16(b, 0), 0)
		b = be64(be32(b, oxsPacketCount), m.PacketCount)
		b = be64(be32(b, oxsByteCount), m.ByteCount)
		b = be32(be32(b, oxsFlowCount), m.FlowCount)
		binary.BigEndian.PutUint16(b[s+2:], uint16(len(b)-s))
		return pad(b, (8-(len(b)-s)%8)%8), nil
	}
	return pad(be32(be64(be64(b, m.PacketCount), m.ByteCount), m.FlowCount), 4), nil
}

func decodeAggregateReply(b []byte, v Version, flags uint16, nx bool) (Message, error) {
	m := &AggregateStatsReply{Flags: flags, NXM: nx}
	if v >= V15 && !nx {
		st, rest, err := decodeOXS(b)
		if err != nil {
			return nil, err
		}
		if len(rest) != 0 {
			return nil, OFPBRC_BAD_LEN
		}
		m.PacketCount, m.ByteCount, m.FlowCount = st.packets, st.bytesCnt, st.flows
		return m, nil
	}
	m.PacketCount, m.ByteCount, m.FlowCount = u64(b, 0), u64(b, 8), u32(b, 16)
	return m, nil
}

func (m *AggregateStatsReply) appendStatsText(b []byte, _ Version) []byte {
	b = strconv.AppendUint(append(b, " packet_count="...), m.PacketCount, 10)
	b = strconv.AppendUint(append(b, " byte_count="...), m.ByteCount, 10)
	return strconv.AppendUint(append(b, " flow_count="...), uint64(m.FlowCount), 10)
}
