package openflow

import (
	"encoding/binary"
	"strconv"
)

// Group and meter statistics (OpenFlow 1.1+ and 1.3+). The group and
// meter descriptions reuse the bucket, band and text codecs of group*.go
// and meter*.go.

// GroupStatsRequest asks for the statistics of GroupID (GroupIDAll: all).
type GroupStatsRequest struct {
	Flags   uint16
	GroupID uint32
}

func (*GroupStatsRequest) Type() MsgType        { return MsgMultipartRequest }
func (*GroupStatsRequest) StatsType() StatsType { return StatsGroup }
func (m *GroupStatsRequest) statsFlags() uint16 { return m.Flags }
func (*GroupStatsRequest) nxStats() bool        { return false }
func (m *GroupStatsRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *GroupStatsRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	return pad(be32(b, m.GroupID), 4), nil
}
func (m *GroupStatsRequest) appendStatsText(b []byte, _ Version) []byte {
	return appendGroupIDText(append(b, " group_id="...), m.GroupID)
}

func appendGroupIDText(b []byte, id uint32) []byte {
	switch id {
	case GroupIDAll:
		return append(b, "ALL"...)
	case GroupAny:
		return append(b, "ANY"...)
	}
	return strconv.AppendUint(b, uint64(id), 10)
}

// BucketCounter is one bucket's counters in a group statistics reply.
type BucketCounter struct{ PacketCount, ByteCount uint64 }

// GroupStats is one group's counters; the duration is 1.3+.
type GroupStats struct {
	GroupID                   uint32
	RefCount                  uint32
	PacketCount, ByteCount    uint64
	DurationSec, DurationNsec uint32
	Buckets                   []BucketCounter
}

// GroupStatsReply is OFPST_GROUP reply (dump-group-stats).
type GroupStatsReply struct {
	Flags  uint16
	Groups []GroupStats
}

func (*GroupStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*GroupStatsReply) StatsType() StatsType { return StatsGroup }
func (m *GroupStatsReply) statsFlags() uint16 { return m.Flags }
func (*GroupStatsReply) nxStats() bool        { return false }
func (m *GroupStatsReply) numEntries() int    { return len(m.Groups) }
func (m *GroupStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *GroupStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Groups {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (m *GroupStats) wireLen(v Version) int {
	n := 32
	if v >= V13 {
		n = 40
	}
	return n + 16*len(m.Buckets)
}

func (m *GroupStatsReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	g := &m.Groups[i]
	n := g.wireLen(v)
	if n > 0xffff {
		return b, OFPBRC_BAD_LEN
	}
	b = be32(pad(be16(b, uint16(n)), 2), g.GroupID)
	b = be64(be64(pad(be32(b, g.RefCount), 4), g.PacketCount), g.ByteCount)
	if v >= V13 {
		b = be32(be32(b, g.DurationSec), g.DurationNsec)
	}
	for _, c := range g.Buckets {
		b = be64(be64(b, c.PacketCount), c.ByteCount)
	}
	return b, nil
}

func decodeGroupStatsReply(b []byte, v Version, flags uint16) (Message, error) {
	m := &GroupStatsReply{Flags: flags}
	fixed := 32
	if v >= V13 {
		fixed = 40
	}
	for len(b) > 0 {
		if len(b) < fixed {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 0))
		if n < fixed || n > len(b) || (n-fixed)%16 != 0 {
			return m, OFPBRC_BAD_LEN
		}
		g := GroupStats{GroupID: u32(b, 4), RefCount: u32(b, 8), PacketCount: u64(b, 16), ByteCount: u64(b, 24),
			DurationSec: 0xffffffff, DurationNsec: 0xffffffff}
		if v >= V13 {
			g.DurationSec, g.DurationNsec = u32(b, 32), u32(b, 36)
		}
		g.Buckets = make([]BucketCounter, 0, (n-fixed)/16)
		for o := fixed; o < n; o += 16 {
			g.Buckets = append(g.Buckets, BucketCounter{u64(b, o), u64(b, o+8)})
		}
		m.Groups = append(m.Groups, g)
		b = b[n:]
	}
	return m, nil
}

// partialSuffix is what OVS prints after the last good entry when a
// later one is bad.
func (*GroupStatsReply) partialSuffix() string { return " ***parse error***" }

func (m *GroupStatsReply) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Groups {
		g := &m.Groups[i]
		b = strconv.AppendUint(append(b, "\n group_id="...), uint64(g.GroupID), 10)
		if g.DurationSec != 0xffffffff {
			b = appendDuration(append(b, ",duration="...), g.DurationSec, g.DurationNsec)
		}
		b = strconv.AppendUint(append(b, ",ref_count="...), uint64(g.RefCount), 10)
		b = strconv.AppendUint(append(b, ",packet_count="...), g.PacketCount, 10)
		b = strconv.AppendUint(append(b, ",byte_count="...), g.ByteCount, 10)
		for k, c := range g.Buckets {
			b = strconv.AppendInt(append(b, ",bucket"...), int64(k), 10)
			b = strconv.AppendUint(append(b, ":packet_count="...), c.PacketCount, 10)
			b = strconv.AppendUint(append(b, ",byte_count="...), c.ByteCount, 10)
		}
	}
	return b
}

// GroupDescRequest is OFPST_GROUP_DESC request; only 1.5 carries GroupID.
type GroupDescRequest struct {
	Flags   uint16
	GroupID uint32
}

func (*GroupDescRequest) Type() MsgType        { return MsgMultipartRequest }
func (*GroupDescRequest) StatsType() StatsType { return StatsGroupDesc }
func (m *GroupDescRequest) statsFlags() uint16 { return m.Flags }
func (*GroupDescRequest) nxStats() bool        { return false }
func (m *GroupDescRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *GroupDescRequest) appendStatsBody(b []byte, v Version) ([]byte, error) {
	if v >= V15 {
		return pad(be32(b, m.GroupID), 4), nil
	}
	return b, nil
}
func (m *GroupDescRequest) appendStatsText(b []byte, _ Version) []byte {
	return appendGroupIDText(append(b, " group_id="...), m.GroupID)
}

// GroupDescReply is OFPST_GROUP_DESC reply (dump-groups).
type GroupDescReply struct {
	Flags  uint16
	Groups []GroupDesc
}

func (*GroupDescReply) Type() MsgType        { return MsgMultipartReply }
func (*GroupDescReply) StatsType() StatsType { return StatsGroupDesc }
func (m *GroupDescReply) statsFlags() uint16 { return m.Flags }
func (*GroupDescReply) nxStats() bool        { return false }
func (m *GroupDescReply) numEntries() int    { return len(m.Groups) }
func (m *GroupDescReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *GroupDescReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Groups {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (m *GroupDescReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	g := &m.Groups[i]
	s := len(b)
	b = be32(append(be16(b, 0), byte(g.Type), 0), g.GroupID)
	var err error
	if v >= V15 {
		lenAt := len(b)
		b = pad(be16(b, 0), 6)
		bs := len(b)
		if b, err = appendBuckets(b, g.Buckets, v, int(g.Type)); err != nil {
			return b[:s], err
		}
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-bs))
		if b, err = appendGroupProps(b, &g.Props, v); err != nil {
			return b[:s], err
		}
	} else if b, err = appendBuckets(b, g.Buckets, v, int(g.Type)); err != nil {
		return b[:s], err
	}
	if len(b)-s > 0xffff {
		return b[:s], OFPBRC_BAD_LEN
	}
	binary.BigEndian.PutUint16(b[s:], uint16(len(b)-s))
	return b, nil
}

func decodeGroupDescReply(b []byte, v Version, flags uint16) (Message, error) {
	m := &GroupDescReply{Flags: flags}
	for len(b) > 0 {
		if len(b) < 8 {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 0))
		if n < 8 || n > len(b) {
			return m, OFPBRC_BAD_LEN
		}
		g := GroupDesc{Type: GroupType(b[2]), GroupID: u32(b, 4)}
		var err error
		if v >= V15 {
			if n < 16 {
				return m, OFPBRC_BAD_LEN
			}
			bl := int(u16(b, 8))
			if 16+bl > n {
				return m, OFPGMFC_BAD_BUCKET
			}
			if g.Buckets, err = decodeBuckets(b[16:16+bl], v, g.Type); err != nil {
				return m, err
			}
			if err = decodeGroupProps(b[16+bl:n], &g.Props); err != nil {
				return m, err
			}
		} else if g.Buckets, err = decodeBuckets(b[8:n], v, g.Type); err != nil {
			return m, err
		}
		m.Groups = append(m.Groups, g)
		b = b[n:]
	}
	return m, nil
}

func (m *GroupDescReply) appendStatsText(b []byte, v Version) []byte {
	for i := range m.Groups {
		b = AppendGroupTextVersion(append(b, "\n "...), &m.Groups[i], nil, v)
	}
	return b
}

// GroupFeaturesRequest is OFPST_GROUP_FEATURES request (1.2+).
type GroupFeaturesRequest struct{ Flags uint16 }

func (*GroupFeaturesRequest) Type() MsgType        { return MsgMultipartRequest }
func (*GroupFeaturesRequest) StatsType() StatsType { return StatsGroupFeatures }
func (m *GroupFeaturesRequest) statsFlags() uint16 { return m.Flags }
func (*GroupFeaturesRequest) nxStats() bool        { return false }
func (m *GroupFeaturesRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *GroupFeaturesRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) { return b, nil }

// GroupFeaturesReply is OFPST_GROUP_FEATURES reply: the group types and
// capabilities supported, and per group type (all, select, indirect, fast
// failover) the most groups and the OFPAT_* action bitmap, in the wire
// bits of the version decoded from.
type GroupFeaturesReply struct {
	Flags        uint16
	Types        uint32
	Capabilities uint32
	MaxGroups    [4]uint32
	Actions      [4]uint32
}

func (*GroupFeaturesReply) Type() MsgType        { return MsgMultipartReply }
func (*GroupFeaturesReply) StatsType() StatsType { return StatsGroupFeatures }
func (m *GroupFeaturesReply) statsFlags() uint16 { return m.Flags }
func (*GroupFeaturesReply) nxStats() bool        { return false }
func (m *GroupFeaturesReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *GroupFeaturesReply) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	b = be32(be32(b, m.Types), m.Capabilities)
	for _, x := range m.MaxGroups {
		b = be32(b, x)
	}
	for _, x := range m.Actions {
		b = be32(b, x)
	}
	return b, nil
}

func decodeGroupFeaturesReply(b []byte, flags uint16) *GroupFeaturesReply {
	m := &GroupFeaturesReply{Flags: flags, Types: u32(b, 0), Capabilities: u32(b, 4)}
	for i := 0; i < 4; i++ {
		m.MaxGroups[i], m.Actions[i] = u32(b, 8+4*i), u32(b, 24+4*i)
	}
	return m
}

var groupTypeLongNames = [4]string{"all", "select", "indirect", "fast failover"}

// actionBitNames lists, in the order OVS prints them, the action names
// and their OFPAT bit in 1.1 and in 1.2+ (-1: none).
var actionBitNames = [...]struct {
	name       string
	bit11, bit int8
}{
	{"output", 0, 0}, {"group", 22, 22}, {"set_field", -1, 25},
	{"set_vlan_vid", 1, -1}, {"set_vlan_pcp", 2, -1}, {"strip_vlan", 18, 18}, {"push_vlan", 17, 17},
	{"mod_dl_src", 3, -1}, {"mod_dl_dst", 4, -1}, {"mod_nw_src", 5, -1}, {"mod_nw_dst", 6, -1},
	{"mod_nw_tos", 7, -1}, {"mod_nw_ecn", 8, -1}, {"mod_nw_ttl", 23, 23}, {"mod_tp_src", 9, -1},
	{"mod_tp_dst", 10, -1}, {"dec_ttl", 24, 24}, {"set_mpls_label", 13, -1}, {"set_mpls_tc", 14, -1},
	{"set_mpls_ttl", 15, 15}, {"dec_mpls_ttl", 16, 16}, {"push_mpls", 19, 19}, {"pop_mpls", 20, 20},
	{"set_queue", 21, 21},
}

// appendActionBits prints an OFPAT bitmap as OVS names the actions.
func appendActionBits(b []byte, bits uint32, v Version) []byte {
	for _, a := range actionBitNames {
		bit := a.bit
		if v == V11 {
			bit = a.bit11
		}
		if bit >= 0 && bits&(1<<uint(bit)) != 0 {
			b = append(append(b, ' '), a.name...)
		}
	}
	return b
}

func (m *GroupFeaturesReply) appendStatsText(b []byte, v Version) []byte {
	b = append(b, "\n Group table:\n    Types:  "...)
	b = appendHex0x(b, uint64(m.Types))
	b = append(b, "\n    Capabilities:  "...)
	b = appendHex0x(b, uint64(m.Capabilities))
	b = append(b, '\n')
	for i, name := range groupTypeLongNames {
		if m.Types&(1<<uint(i)) == 0 {
			continue
		}
		b = append(append(append(b, "    "...), name...), " group:\n"...)
		b = appendHex0x(append(b, "       max_groups="...), uint64(m.MaxGroups[i]))
		b = append(b, "\n       actions:"...)
		if n := len(b); len(appendActionBits(b, m.Actions[i], v)) == n {
			b = append(b, " <none>"...)
		} else {
			b = appendActionBits(b, m.Actions[i], v)
		}
		b = append(b, '\n')
	}
	return b
}

// MeterStatsRequest asks for the statistics of MeterID (MeterAll: all).
type MeterStatsRequest struct {
	Flags   uint16
	MeterID uint32
}

func (*MeterStatsRequest) Type() MsgType        { return MsgMultipartRequest }
func (*MeterStatsRequest) StatsType() StatsType { return StatsMeter }
func (m *MeterStatsRequest) statsFlags() uint16 { return m.Flags }
func (*MeterStatsRequest) nxStats() bool        { return false }
func (m *MeterStatsRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *MeterStatsRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	return pad(be32(b, m.MeterID), 4), nil
}
func (m *MeterStatsRequest) appendStatsText(b []byte, _ Version) []byte {
	return appendMeterID(append(b, " meter="...), m.MeterID)
}

// MeterConfigRequest asks for the configuration of MeterID (MeterAll).
type MeterConfigRequest struct {
	Flags   uint16
	MeterID uint32
}

func (*MeterConfigRequest) Type() MsgType        { return MsgMultipartRequest }
func (*MeterConfigRequest) StatsType() StatsType { return StatsMeterConfig }
func (m *MeterConfigRequest) statsFlags() uint16 { return m.Flags }
func (*MeterConfigRequest) nxStats() bool        { return false }
func (m *MeterConfigRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *MeterConfigRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	return pad(be32(b, m.MeterID), 4), nil
}
func (m *MeterConfigRequest) appendStatsText(b []byte, _ Version) []byte {
	return appendMeterID(append(b, " meter="...), m.MeterID)
}

// BandCounter is one band's counters in a meter statistics reply.
type BandCounter struct{ PacketCount, ByteCount uint64 }

// MeterCounters is one meter's counters.
type MeterCounters struct {
	MeterID                    uint32
	FlowCount                  uint32
	PacketInCount, ByteInCount uint64
	DurationSec, DurationNsec  uint32
	Bands                      []BandCounter
}

// MeterStatsReply is OFPST_METER reply (meter-stats).
type MeterStatsReply struct {
	Flags  uint16
	Meters []MeterCounters
}

func (*MeterStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*MeterStatsReply) StatsType() StatsType { return StatsMeter }
func (m *MeterStatsReply) statsFlags() uint16 { return m.Flags }
func (*MeterStatsReply) nxStats() bool        { return false }
func (m *MeterStatsReply) numEntries() int    { return len(m.Meters) }
func (m *MeterStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *MeterStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Meters {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (m *MeterStatsReply) appendEntry(b []byte, i int, _ Version) ([]byte, error) {
	s := &m.Meters[i]
	n := 40 + 16*len(s.Bands)
	if n > 0xffff {
		return b, OFPBRC_BAD_LEN
	}
	b = pad(be16(be32(b, s.MeterID), uint16(n)), 6)
	b = be64(be64(be32(b, s.FlowCount), s.PacketInCount), s.ByteInCount)
	b = be32(be32(b, s.DurationSec), s.DurationNsec)
	for _, c := range s.Bands {
		b = be64(be64(b, c.PacketCount), c.ByteCount)
	}
	return b, nil
}

func decodeMeterStatsReply(b []byte, flags uint16) (Message, error) {
	m := &MeterStatsReply{Flags: flags}
	for len(b) > 0 {
		if len(b) < 40 {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 4))
		if n < 40 || n > len(b) || (n-40)%16 != 0 {
			return m, OFPBRC_BAD_LEN
		}
		s := MeterCounters{MeterID: u32(b, 0), FlowCount: u32(b, 12), PacketInCount: u64(b, 16),
			ByteInCount: u64(b, 24), DurationSec: u32(b, 32), DurationNsec: u32(b, 36)}
		s.Bands = make([]BandCounter, 0, (n-40)/16)
		for o := 40; o < n; o += 16 {
			s.Bands = append(s.Bands, BandCounter{u64(b, o), u64(b, o+8)})
		}
		m.Meters = append(m.Meters, s)
		b = b[n:]
	}
	return m, nil
}

func (m *MeterStatsReply) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Meters {
		s := &m.Meters[i]
		b = append(b, '\n')
		if i > 0 {
			b = append(b, '\n')
		}
		b = appendMeterID(append(b, "meter:"...), s.MeterID)
		b = strconv.AppendUint(append(b, " flow_count:"...), uint64(s.FlowCount), 10)
		b = strconv.AppendUint(append(b, " packet_in_count:"...), s.PacketInCount, 10)
		b = strconv.AppendUint(append(b, " byte_in_count:"...), s.ByteInCount, 10)
		b = appendDuration(append(b, " duration:"...), s.DurationSec, s.DurationNsec)
		b = append(b, " bands:"...)
		for k, c := range s.Bands {
			b = strconv.AppendInt(append(b, '\n'), int64(k), 10)
			b = strconv.AppendUint(append(b, ": packet_count:"...), c.PacketCount, 10)
			b = strconv.AppendUint(append(b, " byte_count:"...), c.ByteCount, 10)
		}
	}
	return b
}

// MeterConfigReply is OFPST_METER_CONFIG reply (dump-meters).
type MeterConfigReply struct {
	Flags  uint16
	Meters []MeterConfig
}

func (*MeterConfigReply) Type() MsgType        { return MsgMultipartReply }
func (*MeterConfigReply) StatsType() StatsType { return StatsMeterConfig }
func (m *MeterConfigReply) statsFlags() uint16 { return m.Flags }
func (*MeterConfigReply) nxStats() bool        { return false }
func (m *MeterConfigReply) numEntries() int    { return len(m.Meters) }
func (m *MeterConfigReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *MeterConfigReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Meters {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (m *MeterConfigReply) appendEntry(b []byte, i int, _ Version) ([]byte, error) {
	c := &m.Meters[i]
	n := 8 + 16*len(c.Bands)
	if n > 0xffff {
		return b, OFPBRC_BAD_LEN
	}
	b = be32(be16(be16(b, uint16(n)), uint16(c.Flags)), c.MeterID)
	return AppendMeterBands(b, c.Bands), nil
}

func decodeMeterConfigReply(b []byte, flags uint16) (Message, error) {
	m := &MeterConfigReply{Flags: flags}
	for len(b) > 0 {
		if len(b) < 8 {
			return m, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 0))
		if n < 8 || n > len(b) {
			return m, OFPBRC_BAD_LEN
		}
		bands, err := DecodeMeterBands(b[8:n])
		if err != nil {
			return m, err
		}
		m.Meters = append(m.Meters, MeterConfig{Flags: MeterFlags(u16(b, 2)), MeterID: u32(b, 4), Bands: bands})
		b = b[n:]
	}
	return m, nil
}

func (m *MeterConfigReply) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Meters {
		b = append(b, '\n')
		if i > 0 {
			b = append(b, '\n')
		}
		b = AppendMeterText(b, &m.Meters[i])
	}
	return b
}

// MeterFeaturesRequest is OFPST_METER_FEATURES request.
type MeterFeaturesRequest struct{ Flags uint16 }

func (*MeterFeaturesRequest) Type() MsgType        { return MsgMultipartRequest }
func (*MeterFeaturesRequest) StatsType() StatsType { return StatsMeterFeatures }
func (m *MeterFeaturesRequest) statsFlags() uint16 { return m.Flags }
func (*MeterFeaturesRequest) nxStats() bool        { return false }
func (m *MeterFeaturesRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *MeterFeaturesRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) { return b, nil }

// MeterFeaturesReply is OFPST_METER_FEATURES reply. BandTypes has bit n
// set for band type n.
type MeterFeaturesReply struct {
	Flags        uint16
	MaxMeter     uint32
	BandTypes    uint32
	Capabilities MeterFlags
	MaxBands     uint8
	MaxColor     uint8
}

func (*MeterFeaturesReply) Type() MsgType        { return MsgMultipartReply }
func (*MeterFeaturesReply) StatsType() StatsType { return StatsMeterFeatures }
func (m *MeterFeaturesReply) statsFlags() uint16 { return m.Flags }
func (*MeterFeaturesReply) nxStats() bool        { return false }
func (m *MeterFeaturesReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *MeterFeaturesReply) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	b = be32(be32(be32(b, m.MaxMeter), m.BandTypes), uint32(m.Capabilities))
	return pad(append(b, m.MaxBands, m.MaxColor), 2), nil
}

func decodeMeterFeaturesReply(b []byte, flags uint16) *MeterFeaturesReply {
	return &MeterFeaturesReply{Flags: flags, MaxMeter: u32(b, 0), BandTypes: u32(b, 4),
		Capabilities: MeterFlags(u32(b, 8)), MaxBands: b[12], MaxColor: b[13]}
}

func (m *MeterFeaturesReply) appendStatsText(b []byte, _ Version) []byte {
	b = strconv.AppendUint(append(b, "\nmax_meter:"...), uint64(m.MaxMeter), 10)
	b = strconv.AppendUint(append(b, " max_bands:"...), uint64(m.MaxBands), 10)
	b = strconv.AppendUint(append(b, " max_color:"...), uint64(m.MaxColor), 10)
	b = append(b, "\nband_types:"...)
	if m.BandTypes&(1<<MeterBandDrop) != 0 {
		b = append(b, " drop"...)
	}
	if m.BandTypes&(1<<MeterBandDSCPRemark) != 0 {
		b = append(b, " dscp_remark"...)
	}
	b = append(b, "\ncapabilities:"...)
	for i, n := range meterFlagNames {
		if m.Capabilities&(1<<uint(i)) != 0 {
			b = append(append(b, ' '), n...)
		}
	}
	return append(b, '\n')
}
