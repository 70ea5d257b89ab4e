package openflow

import (
	"encoding/binary"
	"sort"
	"strconv"
	"strings"
)

// Switch description, table, port, port description and queue statistics.

// DescRequest is OFPST_DESC request.
type DescRequest struct{ Flags uint16 }

func (*DescRequest) Type() MsgType        { return MsgMultipartRequest }
func (*DescRequest) StatsType() StatsType { return StatsDesc }
func (m *DescRequest) statsFlags() uint16 { return m.Flags }
func (*DescRequest) nxStats() bool        { return false }
func (m *DescRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *DescRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) { return b, nil }

// DescReply describes the switch (ovs-ofctl dump-desc).
type DescReply struct {
	Flags                                      uint16
	MfrDesc, HWDesc, SWDesc, SerialNum, DPDesc string
}

func (*DescReply) Type() MsgType        { return MsgMultipartReply }
func (*DescReply) StatsType() StatsType { return StatsDesc }
func (m *DescReply) statsFlags() uint16 { return m.Flags }
func (*DescReply) nxStats() bool        { return false }
func (m *DescReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *DescReply) appendStatsBody(b []byte, _ Version) ([]byte, error) {
	b = appendCString(b, m.MfrDesc, 256)
	b = appendCString(b, m.HWDesc, 256)
	b = appendCString(b, m.SWDesc, 256)
	b = appendCString(b, m.SerialNum, 32)
	return appendCString(b, m.DPDesc, 256), nil
}

func decodeDescReply(b []byte, flags uint16) *DescReply {
	return &DescReply{Flags: flags, MfrDesc: parseName(b[:256]), HWDesc: parseName(b[256:512]),
		SWDesc: parseName(b[512:768]), SerialNum: parseName(b[768:800]), DPDesc: parseName(b[800:1056])}
}

func (m *DescReply) appendStatsText(b []byte, _ Version) []byte {
	b = append(append(b, "\nManufacturer: "...), m.MfrDesc...)
	b = append(append(b, "\nHardware: "...), m.HWDesc...)
	b = append(append(b, "\nSoftware: "...), m.SWDesc...)
	b = append(append(b, "\nSerial Num: "...), m.SerialNum...)
	return append(append(b, "\nDP Description: "...), m.DPDesc...)
}

// TableStatsRequest is OFPST_TABLE request.
type TableStatsRequest struct{ Flags uint16 }

func (*TableStatsRequest) Type() MsgType        { return MsgMultipartRequest }
func (*TableStatsRequest) StatsType() StatsType { return StatsTable }
func (m *TableStatsRequest) statsFlags() uint16 { return m.Flags }
func (*TableStatsRequest) nxStats() bool        { return false }
func (m *TableStatsRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *TableStatsRequest) appendStatsBody(b []byte, _ Version) ([]byte, error) { return b, nil }

// TableStats is one table's statistics. 1.3+ carry only TableID and the
// counters; 1.0 to 1.2 also describe the table's capabilities as bitmaps
// in their own version's layout, which the model keeps as sent.
type TableStats struct {
	TableID      uint8
	ActiveCount  uint32
	LookupCount  uint64
	MatchedCount uint64
	// 1.0 to 1.2 only.
	Name                           string
	MaxEntries                     uint32
	Config                         uint32 // 1.1+
	Wildcards                      uint64 // 1.0 ofp_flow_wildcards, 1.1 OFPFW11_*, 1.2 OXM bitmap
	Match                          uint64 // 1.1 OFPFW11_* bits, 1.2 OXM bitmap
	Instructions                   uint32 // 1.1+
	WriteActions                   uint32 // 1.1+
	ApplyActions                   uint32 // 1.1+
	WriteSetFields, ApplySetFields uint64 // 1.2
	MetadataMatch, MetadataWrite   uint64 // 1.2
}

// TableStatsReply is OFPST_TABLE reply.
type TableStatsReply struct {
	Flags  uint16
	Tables []TableStats
}

func (*TableStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*TableStatsReply) StatsType() StatsType { return StatsTable }
func (m *TableStatsReply) statsFlags() uint16 { return m.Flags }
func (*TableStatsReply) nxStats() bool        { return false }
func (m *TableStatsReply) numEntries() int    { return len(m.Tables) }
func (m *TableStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *TableStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	for i := range m.Tables {
		b, _ = m.appendEntry(b, i, v)
	}
	return b, nil
}

func (m *TableStatsReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	t := &m.Tables[i]
	switch v {
	case V10:
		b = appendCString(pad(append(b, t.TableID), 3), t.Name, 32)
		b = be32(be32(be32(b, uint32(t.Wildcards)), t.MaxEntries), t.ActiveCount)
	case V11:
		b = appendCString(pad(append(b, t.TableID), 7), t.Name, 32)
		b = be32(be32(be32(b, uint32(t.Wildcards)), uint32(t.Match)), t.Instructions)
		b = be32(be32(be32(b, t.WriteActions), t.ApplyActions), t.Config)
		b = be32(be32(b, t.MaxEntries), t.ActiveCount)
	case V12:
		b = appendCString(pad(append(b, t.TableID), 7), t.Name, 32)
		b = be64(be64(b, t.Match), t.Wildcards)
		b = be32(be32(b, t.WriteActions), t.ApplyActions)
		b = be64(be64(b, t.WriteSetFields), t.ApplySetFields)
		b = be64(be64(b, t.MetadataMatch), t.MetadataWrite)
		b = be32(be32(b, t.Instructions), t.Config)
		b = be32(be32(b, t.MaxEntries), t.ActiveCount)
	default:
		b = be32(pad(append(b, t.TableID), 3), t.ActiveCount)
	}
	return be64(be64(b, t.LookupCount), t.MatchedCount), nil
}

func decodeTableStatsReply(b []byte, v Version, flags uint16) (Message, error) {
	_, size, _ := (&statsKind{t: StatsTable, reply: true}).rawSize(v)
	m := &TableStatsReply{Flags: flags}
	if len(b) > 0 {
		m.Tables = make([]TableStats, 0, len(b)/size)
	}
	for ; len(b) >= size; b = b[size:] {
		t := TableStats{TableID: b[0]}
		switch v {
		case V10:
			t.Name = parseName(b[4:36])
			t.Wildcards, t.MaxEntries, t.ActiveCount = uint64(u32(b, 36)), u32(b, 40), u32(b, 44)
		case V11:
			t.Name = parseName(b[8:40])
			t.Wildcards, t.Match, t.Instructions = uint64(u32(b, 40)), uint64(u32(b, 44)), u32(b, 48)
			t.WriteActions, t.ApplyActions, t.Config = u32(b, 52), u32(b, 56), u32(b, 60)
			t.MaxEntries, t.ActiveCount = u32(b, 64), u32(b, 68)
		case V12:
			t.Name = parseName(b[8:40])
			t.Match, t.Wildcards = u64(b, 40), u64(b, 48)
			t.WriteActions, t.ApplyActions = u32(b, 56), u32(b, 60)
			t.WriteSetFields, t.ApplySetFields = u64(b, 64), u64(b, 72)
			t.MetadataMatch, t.MetadataWrite = u64(b, 80), u64(b, 88)
			t.Instructions, t.Config = u32(b, 96), u32(b, 100)
			t.MaxEntries, t.ActiveCount = u32(b, 104), u32(b, 108)
		default:
			t.ActiveCount = u32(b, 4)
		}
		t.LookupCount, t.MatchedCount = u64(b, size-16), u64(b, size-8)
		m.Tables = append(m.Tables, t)
	}
	return m, nil
}

// appendStatsText prints table statistics as OVS does: a table equal to
// the one before it (counters and features) is a "ditto" line, runs of
// them one "tables A...B: ditto" line, and features equal to the
// previous table's are "(same features)". OpenFlow 1.3+
// carry no features; 1.0's are its max_entries and wildcards. The richer
// 1.1 and 1.2 features (config, instructions, actions, set-fields,
// matching) are not printed yet: only their counters are.
func (m *TableStatsReply) appendStatsText(b []byte, v Version) []byte {
	sameFeatures := func(x, y *TableStats) bool {
		// Everything but the identity and the counters.
		p, q := *x, *y
		p.TableID, p.Name, p.ActiveCount, p.LookupCount, p.MatchedCount = 0, "", 0, 0, 0
		q.TableID, q.Name, q.ActiveCount, q.LookupCount, q.MatchedCount = 0, "", 0, 0, 0
		return v >= V13 || p == q
	}
	same := func(x, y *TableStats) bool {
		return x.ActiveCount == y.ActiveCount && x.LookupCount == y.LookupCount &&
			x.MatchedCount == y.MatchedCount && sameFeatures(x, y)
	}
	run := newDittoRun()
	for i := range m.Tables {
		t := &m.Tables[i]
		var done bool
		if b, done = run.head(b, t.TableID, t.Name, i > 0 && same(t, &m.Tables[i-1])); done {
			continue
		}
		b = strconv.AppendUint(append(b, "\n    active="...), uint64(t.ActiveCount), 10)
		b = strconv.AppendUint(append(b, ", lookup="...), t.LookupCount, 10)
		b = strconv.AppendUint(append(b, ", matched="...), t.MatchedCount, 10)
		b = append(b, '\n')
		if v == V10 {
			b = appendTableFeatures10(b, t, i, m.Tables, sameFeatures)
		}
	}
	return run.flush(b)
}

func appendTableName(b []byte, name string) []byte {
	if name == "" {
		return b
	}
	return append(append(append(b, " (\""...), name...), "\")"...)
}

// dittoRun prints tables the way OVS's table statistics and table
// features texts do: a table equal to the one before it (what counts as
// equal is the caller's) says "ditto"; unnamed ones in a row gather into
// one "tables A...B: ditto" line, printed when the next table is or at
// the end (flush).
type dittoRun struct{ first, last int }

func newDittoRun() dittoRun { return dittoRun{-1, -1} }

// head appends the heading of table id, or takes it into the pending
// run; done says the table needs nothing more (it was a ditto).
func (r *dittoRun) head(b []byte, id uint8, name string, dup bool) (_ []byte, done bool) {
	if dup && name == "" {
		if r.first < 0 {
			r.first = int(id)
		}
		r.last = int(id)
		return b, true
	}
	b = r.flush(b)
	b = strconv.AppendUint(append(b, "\n  table "...), uint64(id), 10)
	b = appendTableName(b, name)
	b = append(b, ':')
	if dup {
		return append(b, " ditto"...), true
	}
	return b, false
}

// flush appends the pending run of unnamed dittos, if any.
func (r *dittoRun) flush(b []byte) []byte {
	switch {
	case r.first < 0:
		return b
	case r.first == r.last:
		b = strconv.AppendInt(append(b, "\n  table "...), int64(r.first), 10)
	default:
		b = strconv.AppendInt(append(b, "\n  tables "...), int64(r.first), 10)
		b = strconv.AppendInt(append(b, "..."...), int64(r.last), 10)
	}
	r.first = -1
	return append(b, ": ditto\n"...)
}

// wildcards10 lists OpenFlow 1.0's wildcard bits in OVS's field order.
var wildcards10 = [...]struct {
	name string
	bits uint32
}{{"in_port", 1 << 0}, {"eth_src", 1 << 2}, {"eth_dst", 1 << 3}, {"eth_type", 1 << 4},
	{"vlan_vid", 1 << 1}, {"vlan_pcp", 1 << 20}, {"ip_src", 0x3f << 8}, {"ip_dst", 0x3f << 14},
	{"nw_proto", 1 << 5}, {"nw_tos", 1 << 21}, {"tcp_src", 1 << 6}, {"tcp_dst", 1 << 7}}

// appendTableFeatures10 prints a 1.0 table's max_entries and the fields
// its wildcards allow to match, relative to the table before it.
func appendTableFeatures10(b []byte, t *TableStats, i int, ts []TableStats, same func(x, y *TableStats) bool) []byte {
	if i > 0 && same(t, &ts[i-1]) {
		return append(b, "    (same features)\n"...)
	}
	if t.MaxEntries != 0 {
		b = strconv.AppendUint(append(b, "    max_entries="...), uint64(t.MaxEntries), 10)
		b = append(b, '\n')
	}
	if i > 0 && t.Wildcards == ts[i-1].Wildcards {
		return append(b, "    (same matching)\n"...)
	}
	var names []string
	for _, w := range wildcards10 {
		if uint32(t.Wildcards)&w.bits != 0 {
			names = append(names, w.name)
		}
	}
	if len(names) == 0 {
		return b
	}
	b = append(b, "    matching:\n      exact match or wildcard:"...)
	return append(appendFieldNameGroups(b, names), '\n')
}

// appendFieldNameGroups prints field names the way OVS abbreviates runs
// sharing a prefix: "eth_{src,dst,type}".
func appendFieldNameGroups(b []byte, names []string) []byte {
	prefix := func(s string) string {
		if k := strings.IndexByte(s, '_'); k >= 0 {
			return s[:k+1]
		}
		return s
	}
	for i := 0; i < len(names); {
		p := prefix(names[i])
		j := i + 1
		for j < len(names) && p != names[i] && prefix(names[j]) == p {
			j++
		}
		b = append(b, ' ')
		if j-i == 1 {
			b = append(b, names[i]...)
		} else {
			b = append(append(b, p...), '{')
			for k := i; k < j; k++ {
				if k > i {
					b = append(b, ',')
				}
				b = append(b, names[k][len(p):]...)
			}
			b = append(b, '}')
		}
		i = j
	}
	return b
}

// PortStatsRequest asks for the statistics of PortNo (PortAny: all).
type PortStatsRequest struct {
	Flags  uint16
	PortNo uint32
}

func (*PortStatsRequest) Type() MsgType        { return MsgMultipartRequest }
func (*PortStatsRequest) StatsType() StatsType { return StatsPort }
func (m *PortStatsRequest) statsFlags() uint16 { return m.Flags }
func (*PortStatsRequest) nxStats() bool        { return false }
func (m *PortStatsRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *PortStatsRequest) appendStatsBody(b []byte, v Version) ([]byte, error) {
	if v == V10 {
		return pad(be16(b, uint16(m.PortNo)), 6), nil
	}
	return pad(be32(b, portTo32Wire(m.PortNo)), 4), nil
}

func decodePortStatsRequest(b []byte, v Version, flags uint16) (Message, error) {
	m := &PortStatsRequest{Flags: flags}
	if v == V10 {
		m.PortNo = uint32(u16(b, 0))
		return m, nil
	}
	p, err := portFrom32Wire(u32(b, 0))
	if err != nil {
		return nil, OFPBRC_BAD_PORT
	}
	m.PortNo = p
	return m, nil
}

func (m *PortStatsRequest) appendStatsText(b []byte, _ Version) []byte {
	return appendStatsPort(append(b, " port_no="...), m.PortNo)
}

// appendStatsPort prints a port number in a statistics request, where
// OVS calls the wildcard ANY.
func appendStatsPort(b []byte, p uint32) []byte {
	if p == PortAny {
		return append(b, "ANY"...)
	}
	return appendPortNo(b, p)
}

// StatsUnknown is the value of a counter the switch does not keep.
const StatsUnknown = ^uint64(0)

// PortStats is one port's counters; StatsUnknown marks counters the
// switch does not keep, and DurationSec 0xffffffff an unknown duration
// (always so before 1.3).
type PortStats struct {
	PortNo                                   uint32
	RxPackets, TxPackets, RxBytes, TxBytes   uint64
	RxDropped, TxDropped, RxErrors, TxErrors uint64
	RxFrameErr, RxOverErr, RxCRCErr          uint64
	Collisions                               uint64
	DurationSec, DurationNsec                uint32
	// RFC2819 holds the size-bucketed counters of OVS's 1.4+ experimenter
	// property, in wire order; nil when the port has none.
	RFC2819 []uint64
	// Custom are OVS's named custom counters (1.4+).
	Custom []CustomStat
}

// CustomStat is one named counter of a port's custom statistics.
type CustomStat struct {
	Name  string
	Value uint64
}

// PortStatsReply is OFPST_PORT reply (ovs-ofctl dump-ports).
type PortStatsReply struct {
	Flags uint16
	Ports []PortStats
}

func (*PortStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*PortStatsReply) StatsType() StatsType { return StatsPort }
func (m *PortStatsReply) statsFlags() uint16 { return m.Flags }
func (*PortStatsReply) nxStats() bool        { return false }
func (m *PortStatsReply) numEntries() int    { return len(m.Ports) }
func (m *PortStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *PortStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	var err error
	for i := range m.Ports {
		if b, err = m.appendEntry(b, i, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

// OVS's experimenter id for its port statistics properties.
const (
	intelVendor     = 0x0000aa01
	intelRFC2819    = 1
	intelCustom     = 2
	numRFC2819Stats = 21
)

func (m *PortStatsReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	p := &m.Ports[i]
	s := len(b)
	switch {
	case v == V10:
		b = pad(be16(b, uint16(p.PortNo)), 6)
	case v <= V13:
		b = pad(be32(b, portTo32Wire(p.PortNo)), 4)
	default:
		b = be32(pad(be16(b, 0), 2), portTo32Wire(p.PortNo))
		b = be32(be32(b, p.DurationSec), p.DurationNsec)
	}
	for _, c := range [...]uint64{p.RxPackets, p.TxPackets, p.RxBytes, p.TxBytes,
		p.RxDropped, p.TxDropped, p.RxErrors, p.TxErrors} {
		b = be64(b, c)
	}
	if v <= V13 {
		b = be64(be64(be64(be64(b, p.RxFrameErr), p.RxOverErr), p.RxCRCErr), p.Collisions)
		if v == V13 {
			b = be32(be32(b, p.DurationSec), p.DurationNsec)
		}
		return b, nil
	}
	b = be16(be16(b, 0), 40)
	b = be64(be64(be64(be64(pad(b, 4), p.RxFrameErr), p.RxOverErr), p.RxCRCErr), p.Collisions)
	if p.RFC2819 != nil {
		b = be32(be32(be32(be16(be16(b, 0xffff), 16+8*numRFC2819Stats), intelVendor), intelRFC2819), 0)
		for k := 0; k < numRFC2819Stats; k++ {
			c := StatsUnknown
			if k < len(p.RFC2819) {
				c = p.RFC2819[k]
			}
			b = be64(b, c)
		}
	}
	if len(p.Custom) > 0 {
		ps := len(b)
		b = be32(be32(be16(be16(b, 0xffff), 0), intelVendor), intelCustom)
		b = be16(pad(b, 2), uint16(len(p.Custom)))
		for _, c := range p.Custom {
			name := c.Name
			if len(name) > 255 {
				name = name[:255]
			}
			b = be64(append(append(b, byte(len(name))), name...), c.Value)
		}
		if len(b)-ps > 0xffff {
			return b[:s], OFPBRC_BAD_LEN
		}
		binary.BigEndian.PutUint16(b[ps+2:], uint16(len(b)-ps))
		b = pad(b, (8-(len(b)-ps)%8)%8)
	}
	if len(b)-s > 0xffff {
		return b[:s], OFPBRC_BAD_LEN
	}
	binary.BigEndian.PutUint16(b[s:], uint16(len(b)-s))
	return b, nil
}

func decodePortStatsReply(b []byte, v Version, flags uint16) (Message, error) {
	m := &PortStatsReply{Flags: flags}
	for len(b) > 0 {
		p, n, err := decodePortStats(b, v)
		if err != nil {
			return m, err
		}
		m.Ports = append(m.Ports, p)
		b = b[n:]
	}
	return m, nil
}

func decodePortStats(b []byte, v Version) (PortStats, int, error) {
	p := PortStats{DurationSec: 0xffffffff, DurationNsec: 0xffffffff}
	var c []byte
	n := 0
	switch {
	case v == V10:
		p.PortNo, c, n = uint32(u16(b, 0)), b[8:], 104
	case v <= V13:
		pn, err := portFrom32Wire(u32(b, 0))
		if err != nil {
			return p, 0, OFPBRC_BAD_PORT
		}
		p.PortNo, c, n = pn, b[8:], 104
		if v == V13 {
			p.DurationSec, p.DurationNsec, n = u32(b, 104), u32(b, 108), 112
		}
	default:
		if len(b) < 80 {
			return p, 0, OFPBRC_BAD_LEN
		}
		n = int(u16(b, 0))
		if n < 80 || n > len(b) {
			return p, 0, OFPBRC_BAD_LEN
		}
		pn, err := portFrom32Wire(u32(b, 4))
		if err != nil {
			return p, 0, OFPBRC_BAD_PORT
		}
		p.PortNo, p.DurationSec, p.DurationNsec, c = pn, u32(b, 8), u32(b, 12), b[16:]
		p.RxFrameErr, p.RxOverErr, p.RxCRCErr, p.Collisions = StatsUnknown, StatsUnknown, StatsUnknown, StatsUnknown
	}
	p.RxPackets, p.TxPackets, p.RxBytes, p.TxBytes = u64(c, 0), u64(c, 8), u64(c, 16), u64(c, 24)
	p.RxDropped, p.TxDropped, p.RxErrors, p.TxErrors = u64(c, 32), u64(c, 40), u64(c, 48), u64(c, 56)
	if v <= V13 {
		p.RxFrameErr, p.RxOverErr, p.RxCRCErr, p.Collisions = u64(c, 64), u64(c, 72), u64(c, 80), u64(c, 88)
		return p, n, nil
	}
	for props := b[80:n]; len(props) > 0; {
		if len(props) < 4 {
			return p, 0, OFPBRC_BAD_LEN
		}
		typ, pl := u16(props, 0), int(u16(props, 2))
		if pl < 4 || pl > len(props) {
			return p, 0, OFPBRC_BAD_LEN
		}
		pb := props[:pl]
		switch typ {
		case 0:
			if pl != 40 {
				return p, 0, OFPBRC_BAD_LEN
			}
			p.RxFrameErr, p.RxOverErr, p.RxCRCErr, p.Collisions = u64(pb, 8), u64(pb, 16), u64(pb, 24), u64(pb, 32)
		case 0xffff:
			if err := p.decodeExperimenterProp(pb); err != nil {
				return p, 0, err
			}
		}
		adv := (pl + 7) &^ 7
		if adv > len(props) {
			adv = len(props)
		}
		props = props[adv:]
	}
	return p, n, nil
}

func (p *PortStats) decodeExperimenterProp(pb []byte) error {
	if len(pb) < 12 || u32(pb, 4) != intelVendor {
		return nil
	}
	switch u32(pb, 8) {
	case intelRFC2819:
		if len(pb) != 16+8*numRFC2819Stats {
			return OFPBRC_BAD_LEN
		}
		p.RFC2819 = make([]uint64, numRFC2819Stats)
		for k := range p.RFC2819 {
			p.RFC2819[k] = u64(pb, 16+8*k)
		}
	case intelCustom:
		if len(pb) < 16 {
			return OFPBRC_BAD_LEN
		}
		cnt := int(u16(pb, 14))
		rest := pb[16:]
		p.Custom = make([]CustomStat, 0, min(cnt, len(rest)/9))
		for k := 0; k < cnt; k++ {
			if len(rest) < 1 {
				return OFPBRC_BAD_LEN
			}
			nl := int(rest[0])
			if len(rest) < 1+nl+8 {
				return OFPBRC_BAD_LEN
			}
			p.Custom = append(p.Custom, CustomStat{Name: string(rest[1 : 1+nl]), Value: u64(rest, 1+nl)})
			rest = rest[1+nl+8:]
		}
	}
	return nil
}

func appendCounter(b []byte, name string, c uint64) []byte {
	b = append(b, name...)
	if c == StatsUnknown {
		return append(b, '?')
	}
	return strconv.AppendUint(b, c, 10)
}

// rfc2819Names lists the size-bucketed counters by line, with their
// wire index.
var rfc2819Rx = [...]struct {
	i    int
	name string
}{{0, "1_to_64_packets="}, {1, "65_to_127_packets="}, {2, "128_to_255_packets="},
	{3, "256_to_511_packets="}, {4, "512_to_1023_packets="}, {5, "1024_to_1522_packets="},
	{6, "1523_to_max_packets="}, {15, "broadcast_packets="}, {17, "undersized_errors="},
	{18, "oversize_errors="}, {19, "rx_fragmented_errors="}, {20, "rx_jabber_errors="}}

var rfc2819Tx = [...]struct {
	i    int
	name string
}{{7, "1_to_64_packets="}, {8, "65_to_127_packets="}, {9, "128_to_255_packets="},
	{10, "256_to_511_packets="}, {11, "512_to_1023_packets="}, {12, "1024_to_1522_packets="},
	{13, "1523_to_max_packets="}, {14, "multicast_packets="}, {16, "broadcast_packets="}}

func (p *PortStats) appendText(b []byte) []byte {
	b = append(b, "  port "...)
	if PortName(p.PortNo) == "" && p.PortNo < 10 {
		b = append(b, ' ')
	}
	b = appendPortNo(b, p.PortNo)
	b = appendCounter(append(b, ": rx "...), "pkts=", p.RxPackets)
	b = appendCounter(append(b, ", "...), "bytes=", p.RxBytes)
	b = appendCounter(append(b, ", "...), "drop=", p.RxDropped)
	b = appendCounter(append(b, ", "...), "errs=", p.RxErrors)
	b = appendCounter(append(b, ", "...), "frame=", p.RxFrameErr)
	b = appendCounter(append(b, ", "...), "over=", p.RxOverErr)
	b = appendCounter(append(b, ", "...), "crc=", p.RxCRCErr)
	b = appendCounter(append(b, "\n           tx "...), "pkts=", p.TxPackets)
	b = appendCounter(append(b, ", "...), "bytes=", p.TxBytes)
	b = appendCounter(append(b, ", "...), "drop=", p.TxDropped)
	b = appendCounter(append(b, ", "...), "errs=", p.TxErrors)
	b = appendCounter(append(b, ", "...), "coll=", p.Collisions)
	b = append(b, '\n')
	if p.DurationSec != 0xffffffff {
		b = append(b, "           duration="...)
		b = appendDuration(b, p.DurationSec, p.DurationNsec)
		b = append(b, '\n')
	}
	if len(p.RFC2819) == numRFC2819Stats {
		for _, line := range [...]struct {
			label string
			rx    bool
		}{{"rx", true}, {"tx", false}} {
			names := rfc2819Tx[:]
			if line.rx {
				names = rfc2819Rx[:]
			}
			n := len(b)
			b = append(append(append(b, "           "...), line.label...), " rfc2819 "...)
			any := false
			for _, f := range names {
				if c := p.RFC2819[f.i]; c != StatsUnknown {
					b = append(strconv.AppendUint(append(b, f.name...), c, 10), ", "...)
					any = true
				}
			}
			if !any {
				b = b[:n]
				continue
			}
			b = append(b, '\n')
		}
	}
	if len(p.Custom) > 0 {
		b = append(b, "           CUSTOM Statistics"...)
		for k, c := range p.Custom {
			if k%3 == 0 {
				b = append(b, "\n                      "...)
			} else {
				b = append(b, ' ')
			}
			b = append(append(b, c.Name...), '=')
			b = append(strconv.AppendUint(b, c.Value, 10), ',')
		}
		b = append(b, '\n')
	}
	return b
}

func (m *PortStatsReply) appendStatsText(b []byte, _ Version) []byte {
	b = strconv.AppendInt(append(b, ' '), int64(len(m.Ports)), 10)
	b = append(b, " ports\n"...)
	for i := range m.Ports {
		b = m.Ports[i].appendText(b)
	}
	return b
}

// PortDescRequest is OFPST_PORT_DESC request; only 1.5 carries PortNo.
type PortDescRequest struct {
	Flags  uint16
	PortNo uint32
}

func (*PortDescRequest) Type() MsgType        { return MsgMultipartRequest }
func (*PortDescRequest) StatsType() StatsType { return StatsPortDesc }
func (m *PortDescRequest) statsFlags() uint16 { return m.Flags }
func (*PortDescRequest) nxStats() bool        { return false }
func (m *PortDescRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *PortDescRequest) appendStatsBody(b []byte, v Version) ([]byte, error) {
	if v >= V15 {
		return pad(be32(b, portTo32Wire(m.PortNo)), 4), nil
	}
	return b, nil
}

func decodePortDescRequest(b []byte, v Version, flags uint16) (Message, error) {
	m := &PortDescRequest{Flags: flags, PortNo: PortAny}
	if v >= V15 {
		p, err := portFrom32Wire(u32(b, 0))
		if err != nil {
			return nil, OFPBRC_BAD_PORT
		}
		m.PortNo = p
	}
	return m, nil
}

func (m *PortDescRequest) appendStatsText(b []byte, _ Version) []byte {
	return appendStatsPort(append(b, " port="...), m.PortNo)
}

// PortDescReply is OFPST_PORT_DESC reply (ovs-ofctl dump-ports-desc).
type PortDescReply struct {
	Flags uint16
	Ports []Port
}

func (*PortDescReply) Type() MsgType        { return MsgMultipartReply }
func (*PortDescReply) StatsType() StatsType { return StatsPortDesc }
func (m *PortDescReply) statsFlags() uint16 { return m.Flags }
func (*PortDescReply) nxStats() bool        { return false }
func (m *PortDescReply) numEntries() int    { return len(m.Ports) }
func (m *PortDescReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *PortDescReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	for i := range m.Ports {
		b = m.Ports[i].append(b, v)
	}
	return b, nil
}
func (m *PortDescReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	return m.Ports[i].append(b, v), nil
}

func decodePortDescReply(b []byte, v Version, flags uint16) (Message, error) {
	m := &PortDescReply{Flags: flags}
	for len(b) > 0 {
		p, n, err := decodePort(b, v)
		if err != nil {
			return m, err
		}
		m.Ports = append(m.Ports, *p)
		b = b[n:]
	}
	return m, nil
}

func (m *PortDescReply) appendStatsText(b []byte, v Version) []byte {
	b = append(b, '\n')
	ports := append([]Port(nil), m.Ports...)
	sort.SliceStable(ports, func(i, j int) bool { return ports[i].PortNo < ports[j].PortNo })
	for i := range ports {
		b = ports[i].appendText(b, v)
	}
	return b
}

// QueueStatsRequest asks for the statistics of QueueID (QueueAll) on
// PortNo (PortAny).
type QueueStatsRequest struct {
	Flags   uint16
	PortNo  uint32
	QueueID uint32
}

func (*QueueStatsRequest) Type() MsgType        { return MsgMultipartRequest }
func (*QueueStatsRequest) StatsType() StatsType { return StatsQueue }
func (m *QueueStatsRequest) statsFlags() uint16 { return m.Flags }
func (*QueueStatsRequest) nxStats() bool        { return false }
func (m *QueueStatsRequest) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}

func (m *QueueStatsRequest) appendStatsBody(b []byte, v Version) ([]byte, error) {
	if v == V10 {
		p := uint16(m.PortNo)
		if m.PortNo == PortAny {
			p = uint16(PortAll)
		}
		return be32(pad(be16(b, p), 2), m.QueueID), nil
	}
	return be32(be32(b, portTo32Wire(m.PortNo)), m.QueueID), nil
}

func decodeQueueStatsRequest(b []byte, v Version, flags uint16) (Message, error) {
	m := &QueueStatsRequest{Flags: flags, QueueID: u32(b, 4)}
	if v == V10 {
		m.PortNo = uint32(u16(b, 0))
		if m.PortNo == PortAll {
			m.PortNo = PortAny
		}
		return m, nil
	}
	p, err := portFrom32Wire(u32(b, 0))
	if err != nil {
		return nil, OFPBRC_BAD_PORT
	}
	m.PortNo = p
	return m, nil
}

func (m *QueueStatsRequest) appendStatsText(b []byte, _ Version) []byte {
	b = appendStatsPort(append(b, " port="...), m.PortNo)
	return appendQueueID(append(b, " queue="...), m.QueueID)
}

func appendQueueID(b []byte, q uint32) []byte {
	if q == QueueAll {
		return append(b, "ALL"...)
	}
	return strconv.AppendUint(b, uint64(q), 10)
}

// QueueStats is one queue's counters; DurationSec 0xffffffff is unknown
// (always so before 1.3).
type QueueStats struct {
	PortNo                       uint32
	QueueID                      uint32
	TxBytes, TxPackets, TxErrors uint64
	DurationSec, DurationNsec    uint32
}

// QueueStatsReply is OFPST_QUEUE reply (ovs-ofctl queue-stats).
type QueueStatsReply struct {
	Flags  uint16
	Queues []QueueStats
}

func (*QueueStatsReply) Type() MsgType        { return MsgMultipartReply }
func (*QueueStatsReply) StatsType() StatsType { return StatsQueue }
func (m *QueueStatsReply) statsFlags() uint16 { return m.Flags }
func (*QueueStatsReply) nxStats() bool        { return false }
func (m *QueueStatsReply) numEntries() int    { return len(m.Queues) }
func (m *QueueStatsReply) appendBody(b []byte, v Version) ([]byte, error) {
	return appendStats(b, m, v)
}
func (m *QueueStatsReply) appendStatsBody(b []byte, v Version) ([]byte, error) {
	for i := range m.Queues {
		b, _ = m.appendEntry(b, i, v)
	}
	return b, nil
}

func (m *QueueStatsReply) appendEntry(b []byte, i int, v Version) ([]byte, error) {
	q := &m.Queues[i]
	switch {
	case v == V10:
		b = pad(be16(b, uint16(q.PortNo)), 2)
	case v >= V14:
		b = pad(be16(b, 48), 6)
		fallthrough
	default:
		b = be32(b, portTo32Wire(q.PortNo))
	}
	b = be64(be64(be64(be32(b, q.QueueID), q.TxBytes), q.TxPackets), q.TxErrors)
	if v >= V13 {
		b = be32(be32(b, q.DurationSec), q.DurationNsec)
	}
	return b, nil
}

func decodeQueueStatsReply(b []byte, v Version, flags uint16) (Message, error) {
	m := &QueueStatsReply{Flags: flags}
	for len(b) > 0 {
		q := QueueStats{DurationSec: 0xffffffff, DurationNsec: 0xffffffff}
		e, n := b, 32
		switch {
		case v == V10:
			q.PortNo = uint32(u16(e, 0))
		case v >= V14:
			if len(b) < 48 {
				return m, OFPBRC_BAD_LEN
			}
			n = int(u16(b, 0))
			if n < 48 || n > len(b) {
				return m, OFPBRC_BAD_LEN
			}
			e = b[8:]
			fallthrough
		default:
			p, err := portFrom32Wire(u32(e, 0))
			if err != nil {
				return m, OFPBRC_BAD_PORT
			}
			q.PortNo = p
		}
		q.QueueID, q.TxBytes, q.TxPackets, q.TxErrors = u32(e, 4), u64(e, 8), u64(e, 16), u64(e, 24)
		if v >= V13 {
			q.DurationSec, q.DurationNsec = u32(e, 32), u32(e, 36)
			if v == V13 {
				n = 40
			}
		}
		m.Queues = append(m.Queues, q)
		b = b[n:]
	}
	return m, nil
}

func (m *QueueStatsReply) appendStatsText(b []byte, _ Version) []byte {
	b = strconv.AppendInt(append(b, ' '), int64(len(m.Queues)), 10)
	b = append(b, " queues\n"...)
	for i := range m.Queues {
		q := &m.Queues[i]
		b = appendPortNo(append(b, "  port "...), q.PortNo)
		b = strconv.AppendUint(append(b, " queue "...), uint64(q.QueueID), 10)
		b = appendCounter(append(b, ": "...), "bytes=", q.TxBytes)
		b = appendCounter(append(b, ", "...), "pkts=", q.TxPackets)
		b = appendCounter(append(b, ", "...), "errors=", q.TxErrors)
		b = append(b, ", duration="...)
		if q.DurationSec == 0xffffffff {
			b = append(b, '?')
		} else {
			b = appendDuration(b, q.DurationSec, q.DurationNsec)
		}
		b = append(b, '\n')
	}
	return b
}
