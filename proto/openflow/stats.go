package openflow

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

// Multipart (statistics) messages: OpenFlow 1.0's OFPT_STATS_REQUEST and
// REPLY, 1.1/1.2's padded form of them, 1.3+'s OFPT_MULTIPART_*, and the
// Nicira vendor statistics NXST_FLOW and NXST_AGGREGATE that ovs-ofctl
// uses whenever a flow needs NXM.
//
// Each statistics kind is its own Go type (DescRequest, FlowStatsReply,
// ...) whose Type() is MsgMultipartRequest or MsgMultipartReply, so the
// message registry sees two types and the statistics layer below it does
// the second dispatch on the stats type. Checking a body's length against
// the kind's fixed part and element size happens before that dispatch,
// as in OVS: a message failing it cannot be named, so ofp-print shows no
// title for it, while errors found inside a well-sized body keep one.
//
// Replies too large for one message are split by AppendMultipartReplies
// exactly where ovs-vswitchd splits them (checked against its replies),
// which matters because dump-flows prints a title per message; decoding
// is per message and the reader concatenates while StatsMore is set.
//
// Nicira statistics are spoken over OpenFlow 1.0 only (OVS answers them
// with OFPBRC_BAD_SUBTYPE in later versions). Flow monitoring
// (monitor_stats.go) rides on this framing as NXST_FLOW_MONITOR in 1.0,
// ONF extension 1870 in 1.3 and OFPMP_FLOW_MONITOR from 1.4.

// StatsType is a multipart type in OpenFlow 1.3's OFPMP numbering, which
// extends 1.0's OFPST numbering.
type StatsType uint16

// Statistics types.
const (
	StatsDesc          StatsType = 0
	StatsFlow          StatsType = 1
	StatsAggregate     StatsType = 2
	StatsTable         StatsType = 3
	StatsPort          StatsType = 4
	StatsQueue         StatsType = 5
	StatsGroup         StatsType = 6
	StatsGroupDesc     StatsType = 7
	StatsGroupFeatures StatsType = 8
	StatsMeter         StatsType = 9
	StatsMeterConfig   StatsType = 10
	StatsMeterFeatures StatsType = 11
	StatsTableFeatures StatsType = 12
	StatsPortDesc      StatsType = 13
	StatsTableDesc     StatsType = 14
	StatsQueueDesc     StatsType = 15
	StatsFlowMonitor   StatsType = 16
	// StatsExperimenter carries vendor statistics (NXST_*).
	StatsExperimenter StatsType = 0xffff
)

// StatsMore is OFPSF_REPLY_MORE / OFPMPF_REPLY_MORE: more replies follow.
const StatsMore uint16 = 1

// PortAny selects every port in port and queue statistics requests; it is
// OFPP_NONE in 1.0 port requests, OFPP_ALL in 1.0 queue requests and
// OFPP_ANY in 1.1+.
const PortAny = PortNone

// QueueAll selects every queue (OFPQ_ALL).
const QueueAll uint32 = 0xffffffff

// Nicira statistics subtypes.
const (
	nxstFlow      = 0
	nxstAggregate = 1
)

var statsNames = [...]string{
	StatsDesc: "DESC", StatsFlow: "FLOW", StatsAggregate: "AGGREGATE", StatsTable: "TABLE",
	StatsPort: "PORT", StatsQueue: "QUEUE", StatsGroup: "GROUP", StatsGroupDesc: "GROUP_DESC",
	StatsGroupFeatures: "GROUP_FEATURES", StatsMeter: "METER", StatsMeterConfig: "METER_CONFIG",
	StatsMeterFeatures: "METER_FEATURES", StatsTableFeatures: "TABLE_FEATURES",
	StatsPortDesc: "PORT_DESC", StatsTableDesc: "TABLE_DESC", StatsQueueDesc: "QUEUE_DESC",
	StatsFlowMonitor: "FLOW_MONITOR",
}

// String is the OFPST_ suffix OVS prints ("FLOW", "PORT_DESC").
func (t StatsType) String() string {
	if int(t) < len(statsNames) {
		return statsNames[t]
	}
	if t == StatsExperimenter {
		return "VENDOR"
	}
	return "StatsType(" + strconv.Itoa(int(t)) + ")"
}

// StatsMessage is implemented by every statistics request and reply.
type StatsMessage interface {
	Message
	StatsType() StatsType
	statsFlags() uint16
	nxStats() bool
}

// statsHdrLen is the length of the statistics header after the OpenFlow
// header: type and flags, padded to 8 from 1.1 on, and 16 for vendor
// statistics in every version.
func statsHdrLen(v Version, nx bool) int {
	switch {
	case nx:
		return 16
	case v == V10:
		return 4
	}
	return 8
}

func appendStatsHdr(b []byte, v Version, t StatsType, flags uint16) []byte {
	b = be16(be16(b, uint16(t)), flags)
	if v != V10 {
		b = pad(b, 4)
	}
	return b
}

// appendNXStatsHdr appends a Nicira statistics header; 1.0 puts its
// padding after the subtype, 1.1+ between flags and vendor.
func appendNXStatsHdr(b []byte, v Version, sub uint32, flags uint16) []byte {
	b = be16(be16(b, uint16(StatsExperimenter)), flags)
	if v == V10 {
		return pad(be32(be32(b, NiciraVendor), sub), 4)
	}
	return be32(be32(pad(b, 4), NiciraVendor), sub)
}

// statsKind identifies a statistics body before it is decoded.
type statsKind struct {
	t     StatsType
	nx    bool   // Nicira vendor statistics
	onf   bool   // ONF extension statistics (1.3 flow monitor)
	sub   uint32 // Nicira subtype
	reply bool
	flags uint16
	body  []byte // after the statistics header
}

// parseStatsHdr reads the statistics header of a multipart body.
func parseStatsHdr(b []byte, v Version, reply bool) (statsKind, error) {
	k := statsKind{reply: reply}
	n := statsHdrLen(v, false)
	if len(b) < n {
		return k, OFPBRC_BAD_LEN
	}
	k.t, k.flags = StatsType(u16(b, 0)), u16(b, 2)
	if k.t == StatsExperimenter {
		if len(b) < 12 {
			return k, OFPBRC_BAD_LEN
		}
		vendOff := 4
		if v != V10 {
			vendOff = 8
		}
		if v == V13 && u32(b, vendOff) == ONFVendor && len(b) >= 16 {
			// OpenFlow 1.3 carries flow monitoring as ONF extension 1870.
			if u32(b, 12) != onfstFlowMonitor {
				return k, &UnsupportedStatsError{Type: k.t, IsReply: reply, Vendor: ONFVendor, Subtype: u32(b, 12), Code: OFPBRC_BAD_SUBTYPE}
			}
			k.onf, k.sub, k.body = true, onfstFlowMonitor, b[16:]
			return k, nil
		}
		if u32(b, vendOff) != NiciraVendor {
			return k, &UnsupportedStatsError{Type: k.t, IsReply: reply, Vendor: u32(b, vendOff), Code: OFPBRC_BAD_VENDOR}
		}
		if v != V10 && !(v <= V12 && len(b) >= 16 && u32(b, 12) == nxstFlowMonitor) {
			// OVS speaks Nicira statistics only over OpenFlow 1.0, but
			// for flow monitoring, which 1.1 and 1.2 do the Nicira way.
			return k, &UnsupportedStatsError{Type: k.t, IsReply: reply, Vendor: NiciraVendor, Code: OFPBRC_BAD_SUBTYPE}
		}
		if len(b) < vendOff+8 {
			return k, OFPBRC_BAD_LEN
		}
		k.nx, k.sub = true, u32(b, vendOff+4)
		if k.sub != nxstFlow && k.sub != nxstAggregate && k.sub != nxstFlowMonitor {
			return k, &UnsupportedStatsError{Type: k.t, IsReply: reply, Vendor: NiciraVendor, Subtype: k.sub, Code: OFPBRC_BAD_STAT}
		}
		if len(b) < 16 {
			return k, OFPBRC_BAD_LEN
		}
		k.body = b[16:]
		return k, nil
	}
	k.body = b[n:]
	return k, nil
}

// rawSize returns the fixed body length and element size of a statistics
// kind in version v (mult 0: exactly fixed bytes), or ok false when the
// version has no such kind.
func (k *statsKind) rawSize(v Version) (fixed, mult int, ok bool) {
	if k.onf || k.nx && k.sub == nxstFlowMonitor {
		return 0, 8, true // monitor_stats.go checks the bodies
	}
	if k.nx {
		if v != V10 {
			return 0, 0, false
		}
		if !k.reply {
			return 8, 8, true
		}
		if k.sub == nxstAggregate {
			return 24, 0, true
		}
		return 0, 8, true
	}
	req := !k.reply
	switch k.t {
	case StatsDesc:
		if req {
			return 0, 0, true
		}
		return 1056, 0, true
	case StatsFlow, StatsAggregate:
		switch {
		case req && v == V10:
			return 44, 0, true
		case req && v == V11:
			return 120, 0, true
		case req:
			return 32, 8, true
		case k.t == StatsFlow:
			return 0, 8, true
		case v >= V15:
			return 0, 8, true
		}
		return 24, 0, true
	case StatsTable:
		if req {
			return 0, 0, true
		}
		switch v {
		case V10:
			return 0, 64, true
		case V11:
			return 0, 88, true
		case V12:
			return 0, 128, true
		}
		return 0, 24, true
	case StatsPort:
		if req {
			return 8, 0, true
		}
		switch {
		case v <= V12:
			return 0, 104, true
		case v == V13:
			return 0, 112, true
		}
		return 0, 8, true
	case StatsQueue:
		if req {
			return 8, 0, true
		}
		switch {
		case v <= V12:
			return 0, 32, true
		case v == V13:
			return 0, 40, true
		}
		return 0, 8, true
	case StatsGroup, StatsGroupDesc:
		switch {
		case v == V10:
			return 0, 0, false
		case !req:
			return 0, 8, true
		case k.t == StatsGroup || v >= V15:
			return 8, 0, true
		}
		return 0, 0, true
	case StatsGroupFeatures:
		switch {
		case v < V12:
			return 0, 0, false
		case req:
			return 0, 0, true
		}
		return 40, 0, true
	case StatsMeter, StatsMeterConfig, StatsMeterFeatures:
		switch {
		case v < V13:
			return 0, 0, false
		case k.t == StatsMeterFeatures && req:
			return 0, 0, true
		case k.t == StatsMeterFeatures:
			return 16, 0, true
		case req:
			return 8, 0, true
		}
		return 0, 8, true
	case StatsFlowMonitor:
		if v < V14 {
			return 0, 0, false
		}
		return 0, 8, true
	case StatsTableFeatures:
		switch {
		case v < V13:
			return 0, 0, false
		case req:
			return 0, 8, true
		}
		return tableFeaturesFixedLen, 8, true
	case StatsTableDesc, StatsQueueDesc:
		switch {
		case v < V14:
			return 0, 0, false
		case !req && k.t == StatsTableDesc:
			return 8, 8, true // OVS wants at least one table
		case !req:
			return 0, 8, true
		case k.t == StatsQueueDesc:
			return 8, 0, true
		}
		return 0, 0, true
	case StatsPortDesc:
		if req {
			if v >= V15 {
				return 8, 0, true
			}
			return 0, 0, true
		}
		switch {
		case v == V10:
			return 0, 48, true
		case v <= V13:
			return 0, 64, true
		}
		return 0, 8, true
	}
	return 0, 0, false
}

// checkStatsRaw parses the statistics header of the multipart message b
// and checks its length the way OVS does before decoding the body. A
// failure here means the message cannot even be named.
func checkStatsRaw(b []byte) (statsKind, error) {
	h, _ := ParseHeader(b)
	t, _, _ := classify(h, b)
	v := Version(h.Version)
	k, err := parseStatsHdr(b[HeaderLen:], v, t == MsgMultipartReply)
	if err != nil {
		return k, err
	}
	fixed, mult, ok := k.rawSize(v)
	if !ok {
		return k, k.unsupported()
	}
	n := len(k.body)
	if n < fixed || (mult == 0 && n != fixed) || (mult != 0 && (n-fixed)%mult != 0) {
		return k, OFPBRC_BAD_LEN
	}
	return k, nil
}

func decodeStatsRequest(b []byte, v Version) (Message, error) { return decodeStats(b, v, false) }
func decodeStatsReply(b []byte, v Version) (Message, error)   { return decodeStats(b, v, true) }

func decodeStats(b []byte, v Version, reply bool) (Message, error) {
	m, err := decodeStatsPartial(b, v, reply)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// appendStatsDecodeError prints a list reply whose body went bad part
// way as OVS does: the entries before the bad one, then the error.
func appendStatsDecodeError(dst, b []byte, err error) ([]byte, bool) {
	code, ok := err.(ErrorCode)
	if !ok {
		return dst, false
	}
	v := Version(b[0])
	m, err2 := decodeStatsPartial(b[HeaderLen:], v, b[1] == rawStatsReplyType(v))
	if m == nil || err2 == nil {
		return dst, false
	}
	if _, list := m.(multipartSplitter); !list {
		return dst, false
	}
	n := len(dst)
	dst = appendStatsText(dst, m.(StatsMessage), v)
	if ps, ok := m.(interface{ partialSuffix() string }); ok {
		dst = append(dst, ps.partialSuffix()...)
	}
	if len(dst) == n {
		dst = append(dst, ' ')
	} else if dst[len(dst)-1] != '\n' {
		dst = append(dst, '\n')
	}
	dst = append(dst, "***decode error: "...)
	dst = append(dst, code.Name()...)
	dst = append(dst, "***\n"...)
	return AppendHexDump(dst, b, 0, true), true
}

func rawStatsReplyType(v Version) uint8 {
	t, _, _ := rawType(MsgMultipartReply, v)
	return t
}

// decodeStatsPartial is decodeStats, except that a list reply that goes
// bad part way comes back with the entries before the bad one.
func decodeStatsPartial(b []byte, v Version, reply bool) (Message, error) {
	k, err := parseStatsHdr(b, v, reply)
	if err != nil {
		return nil, err
	}
	fixed, mult, ok := k.rawSize(v)
	if !ok {
		return nil, k.unsupported()
	}
	n := len(k.body)
	if n < fixed || (mult == 0 && n != fixed) || (mult != 0 && (n-fixed)%mult != 0) {
		return nil, OFPBRC_BAD_LEN
	}
	switch {
	case k.onf:
		return decodeFlowMonitorBody(k.body, v, k.flags, reply)
	case k.nx && k.sub == nxstFlowMonitor, !k.nx && k.t == StatsFlowMonitor:
		return decodeFlowMonitorBody(k.body, v, k.flags, reply)
	}
	if k.nx {
		if reply {
			if k.sub == nxstAggregate {
				return decodeAggregateReply(k.body, v, k.flags, true)
			}
			return decodeFlowStatsReply(k.body, v, k.flags, true)
		}
		return decodeFlowStatsRequest(k.body, v, k.flags, true, k.sub == nxstAggregate)
	}
	switch k.t {
	case StatsDesc:
		if reply {
			return decodeDescReply(k.body, k.flags), nil
		}
		return &DescRequest{Flags: k.flags}, nil
	case StatsFlow, StatsAggregate:
		if reply {
			if k.t == StatsAggregate {
				return decodeAggregateReply(k.body, v, k.flags, false)
			}
			return decodeFlowStatsReply(k.body, v, k.flags, false)
		}
		return decodeFlowStatsRequest(k.body, v, k.flags, false, k.t == StatsAggregate)
	case StatsTable:
		if reply {
			return decodeTableStatsReply(k.body, v, k.flags)
		}
		return &TableStatsRequest{Flags: k.flags}, nil
	case StatsPort:
		if reply {
			return decodePortStatsReply(k.body, v, k.flags)
		}
		return decodePortStatsRequest(k.body, v, k.flags)
	case StatsQueue:
		if reply {
			return decodeQueueStatsReply(k.body, v, k.flags)
		}
		return decodeQueueStatsRequest(k.body, v, k.flags)
	case StatsPortDesc:
		if reply {
			return decodePortDescReply(k.body, v, k.flags)
		}
		return decodePortDescRequest(k.body, v, k.flags)
	case StatsGroup:
		if reply {
			return decodeGroupStatsReply(k.body, v, k.flags)
		}
		return &GroupStatsRequest{Flags: k.flags, GroupID: u32(k.body, 0)}, nil
	case StatsGroupDesc:
		if reply {
			return decodeGroupDescReply(k.body, v, k.flags)
		}
		m := &GroupDescRequest{Flags: k.flags, GroupID: GroupIDAll}
		if v >= V15 {
			m.GroupID = u32(k.body, 0)
		}
		return m, nil
	case StatsGroupFeatures:
		if reply {
			return decodeGroupFeaturesReply(k.body, k.flags), nil
		}
		return &GroupFeaturesRequest{Flags: k.flags}, nil
	case StatsMeter:
		if reply {
			return decodeMeterStatsReply(k.body, k.flags)
		}
		return &MeterStatsRequest{Flags: k.flags, MeterID: u32(k.body, 0)}, nil
	case StatsMeterConfig:
		if reply {
			return decodeMeterConfigReply(k.body, k.flags)
		}
		return &MeterConfigRequest{Flags: k.flags, MeterID: u32(k.body, 0)}, nil
	case StatsMeterFeatures:
		if reply {
			return decodeMeterFeaturesReply(k.body, k.flags), nil
		}
		return &MeterFeaturesRequest{Flags: k.flags}, nil
	case StatsTableFeatures:
		ts, err := decodeTableFeaturesList(k.body, v)
		if reply {
			return &TableFeaturesReply{Flags: k.flags, Tables: ts}, err
		}
		if err != nil {
			return nil, err
		}
		return &TableFeaturesRequest{Flags: k.flags, Tables: ts}, nil
	case StatsTableDesc:
		if reply {
			return decodeTableDescReply(k.body, k.flags)
		}
		return &TableDescRequest{Flags: k.flags}, nil
	case StatsQueueDesc:
		if reply {
			return decodeQueueDescReply(k.body, k.flags)
		}
		p, err := portFrom32Wire(u32(k.body, 0))
		if err != nil {
			return nil, OFPBRC_BAD_PORT
		}
		return &QueueDescRequest{Flags: k.flags, PortNo: p, QueueID: u32(k.body, 4)}, nil
	}
	return nil, k.unsupported()
}

// UnsupportedStatsError is returned by Decode for a statistics message
// of a kind this package (or the version) does not have. A switch answers
// it with Reply(), as OVS does.
type UnsupportedStatsError struct {
	Type    StatsType
	IsReply bool // a reply rather than a request
	Vendor  uint32
	Subtype uint32
	Code    ErrorCode // OFPBRC_BAD_STAT, or BAD_VENDOR/BAD_SUBTYPE for vendor statistics
}

func (e *UnsupportedStatsError) Error() string {
	if e.Type == StatsExperimenter {
		return fmt.Sprintf("unsupported vendor statistics (vendor 0x%x, subtype %d): %s", e.Vendor, e.Subtype, e.Code.Name())
	}
	return fmt.Sprintf("unsupported statistics type %d: %s", uint16(e.Type), e.Code.Name())
}

// Reply is the protocol error a peer should be sent for the message.
func (e *UnsupportedStatsError) Reply() ErrorCode { return e.Code }

func (k *statsKind) unsupported() error {
	e := &UnsupportedStatsError{Type: k.t, IsReply: k.reply, Code: OFPBRC_BAD_STAT}
	if k.nx {
		e.Vendor, e.Subtype = NiciraVendor, k.sub
	}
	return e
}

// statsEncoder is implemented by the statistics types: the body after
// the statistics header.
type statsEncoder interface {
	StatsMessage
	appendStatsBody(b []byte, v Version) ([]byte, error)
}

// appendStats is the appendBody of every statistics message.
func appendStats(b []byte, m statsEncoder, v Version) ([]byte, error) {
	if !statsInVersion(m, v) {
		return b, fmt.Errorf("%s %s cannot be encoded in %s", statsTitle(m), statsDir(m), v)
	}
	s := len(b)
	if m.nxStats() {
		sub := uint32(nxstFlow)
		if m.StatsType() == StatsAggregate {
			sub = nxstAggregate
		}
		b = appendNXStatsHdr(b, v, sub, m.statsFlags())
	} else {
		b = appendStatsHdr(b, v, m.StatsType(), m.statsFlags())
	}
	out, err := m.appendStatsBody(b, v)
	if err != nil {
		return b[:s], err
	}
	return out, nil
}

// statsInVersion reports whether version v has m's statistics kind.
func statsInVersion(m StatsMessage, v Version) bool {
	k := statsKind{t: m.StatsType(), nx: m.nxStats(), reply: m.Type() == MsgMultipartReply}
	if k.nx {
		k.sub = nxstFlow
		if k.t == StatsAggregate {
			k.sub = nxstAggregate
		}
	}
	_, _, ok := k.rawSize(v)
	return ok
}

func statsDir(m Message) string {
	if m.Type() == MsgMultipartReply {
		return "reply"
	}
	return "request"
}

func statsTitle(m StatsMessage) string {
	if m.nxStats() {
		return "NXST_" + m.StatsType().String()
	}
	return "OFPST_" + m.StatsType().String()
}

// appendStatsMsgTitle writes "OFPST_FLOW request" or "NXST_FLOW reply"
// for a multipart message whose statistics header parses.
func appendStatsMsgTitle(dst []byte, t MsgType, h Header, b []byte) ([]byte, bool) {
	k, err := parseStatsHdr(b[HeaderLen:], Version(h.Version), t == MsgMultipartReply)
	if err != nil {
		return dst, false
	}
	switch {
	case k.onf:
		dst = append(dst, "ONFST_FLOW_MONITOR"...)
	case k.nx:
		dst = append(dst, "NXST_"...)
		switch k.sub {
		case nxstAggregate:
			dst = append(dst, "AGGREGATE"...)
		case nxstFlowMonitor:
			dst = append(dst, "FLOW_MONITOR"...)
		default:
			dst = append(dst, "FLOW"...)
		}
	default:
		dst = append(append(dst, "OFPST_"...), k.t.String()...)
	}
	if t == MsgMultipartReply {
		return append(dst, " reply"...), true
	}
	return append(dst, " request"...), true
}

// appendStatsText is the ofp-print body of a statistics message.
func appendStatsText(dst []byte, m StatsMessage, v Version) []byte {
	if f := m.statsFlags(); f != 0 {
		// 1.3 added OFPMPF_REQ_MORE to requests.
		dst = append(dst, " flags="...)
		if f&StatsMore != 0 && (m.Type() == MsgMultipartReply || v >= V13) {
			dst = append(dst, "[more]"...)
			f &^= StatsMore
		}
		if f != 0 {
			dst = append(dst, "[***unknown flags "...)
			dst = appendHexPad(dst, uint64(f), 4)
			dst = append(dst, "***]"...)
		}
	}
	if t, ok := m.(interface {
		appendStatsText(dst []byte, v Version) []byte
	}); ok {
		return t.appendStatsText(dst, v)
	}
	return dst
}

// multipartSplitter is a reply made of a list of entries that may span
// several messages.
type multipartSplitter interface {
	statsEncoder
	numEntries() int
	appendEntry(b []byte, i int, v Version) ([]byte, error)
}

// AppendMultipartReplies appends m as one or more messages of at most
// 64 KiB each, every one but the last flagged StatsMore. Replies that are
// not lists are encoded as a single message.
func AppendMultipartReplies(dst []byte, m Message, v Version, xid uint32) ([]byte, error) {
	sp, ok := m.(multipartSplitter)
	if !ok || !v.Known() {
		return AppendMessage(dst, m, uint8(v), xid)
	}
	if !statsInVersion(sp, v) {
		return dst, fmt.Errorf("%s reply cannot be encoded in %s", statsTitle(sp), v)
	}
	typ, _, ok := rawType(MsgMultipartReply, v)
	if !ok {
		return dst, fmt.Errorf("%s reply cannot be encoded in %s", statsTitle(sp), v)
	}
	orig := len(dst)
	flags := sp.statsFlags()
	begin := func(b []byte) []byte {
		b = Header{Version: uint8(v), Type: typ, Xid: xid}.append(b)
		if sp.nxStats() {
			return appendNXStatsHdr(b, v, nxstFlow, flags)
		}
		return appendStatsHdr(b, v, sp.StatsType(), flags)
	}
	finish := func(b []byte, start int, more bool) {
		binary.BigEndian.PutUint16(b[start+2:], uint16(len(b)-start))
		if more {
			binary.BigEndian.PutUint16(b[start+HeaderLen+2:], flags|StatsMore)
		}
	}
	start := len(dst)
	b := begin(dst)
	hl := len(b) - start
	inMsg := 0
	for i, n := 0, sp.numEntries(); i < n; i++ {
		mark := len(b)
		var err error
		if b, err = sp.appendEntry(b, i, v); err != nil {
			return dst[:orig], err
		}
		if len(b)-start <= MaxMessageLen {
			inMsg++
			continue
		}
		el := len(b) - mark
		if inMsg == 0 || hl+el > MaxMessageLen {
			return dst[:orig], fmt.Errorf("%s reply entry %d too long (%d bytes)", statsTitle(sp), i, el)
		}
		// Move the entry behind a new header.
		b = b[:mark]
		finish(b, start, true)
		start = mark
		if b, err = sp.appendEntry(begin(b), i, v); err != nil {
			return dst[:orig], err
		}
		inMsg = 1
	}
	finish(b, start, false)
	return b, nil
}

func registerStatsDecoders() {
	decoders[MsgMultipartRequest] = decodeStatsRequest
	decoders[MsgMultipartReply] = decodeStatsReply
}

// appendCString appends s in a NUL-padded field of n bytes, truncated to
// leave room for the terminator.
func appendCString(b []byte, s string, n int) []byte {
	if len(s) > n-1 {
		s = s[:n-1]
	}
	b = append(b, s...)
	return pad(b, n-len(s))
}

func isMultipart(h Header, b []byte) bool {
	t, _, _ := classify(h, b)
	return t == MsgMultipartRequest || t == MsgMultipartReply
}

// appendStatsRawError prints a statistics message that fails OVS's
// checks before decoding: OVS cannot name it, so there is no title.
func appendStatsRawError(dst, b []byte) ([]byte, bool) {
	_, err := checkStatsRaw(b)
	var code ErrorCode
	switch e := err.(type) {
	case nil:
		return dst, false
	case ErrorCode:
		code = e
	case *UnsupportedStatsError:
		code = e.Code
	default:
		return dst, false
	}
	dst = append(dst, "***decode error: "...)
	dst = append(dst, code.Name()...)
	dst = append(dst, "***\n"...)
	return AppendHexDump(dst, b, 0, true), true
}
