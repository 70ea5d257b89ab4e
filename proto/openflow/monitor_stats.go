package openflow

import (
	"encoding/binary"
	"strconv"
)

// Flow monitor statistics: what "ovs-ofctl monitor br0 watch:" asks for
// and the updates that answer it. Three encodings carry the same model:
// Nicira's NXST_FLOW_MONITOR (OpenFlow 1.0, NXM match, 1.0 actions), the
// ONF extension 1870 of OpenFlow 1.3 (ONFST_FLOW_MONITOR: the Nicira
// layout with an OXM ofp_match and instructions) and OpenFlow 1.4's
// OFPMP_FLOW_MONITOR (its own layout, out_group and a command).
//
// The statistics framing (header, multipart splitting, the title OVS
// prints) is the statistics layer's; this file provides the bodies:
// decodeFlowMonitorBody for the body after the statistics header and the
// FlowMonitorRequest / FlowMonitorReply message types.

// FlowMonitorFlags are the model's NXFMF_* bits; 1.4 maps them to its
// OFPFMF_* bits (Actions is OFPFMF_INSTRUCTIONS, Own OFPFMF_ONLY_OWN).
type FlowMonitorFlags uint16

// Flow monitor flags.
const (
	MonitorInitial FlowMonitorFlags = 1 << iota
	MonitorAdd
	MonitorDelete
	MonitorModify
	MonitorActions
	MonitorOwn
)

var monitorFlagNames = [...]string{"initial", "add", "delete", "modify", "actions", "own"}

// Flow monitor commands (1.4's OFPFMC_*; the other encodings only add).
const (
	MonitorCmdAdd    uint8 = 0
	MonitorCmdModify uint8 = 1
	MonitorCmdDelete uint8 = 2
)

// FlowMonitor is one monitor of a request. OutPort is a model port
// (PortNone: any), OutGroup GroupAny for any, TableID TableAll for all.
type FlowMonitor struct {
	ID       uint32
	Flags    FlowMonitorFlags
	OutPort  uint32
	OutGroup uint32 // 1.4+
	TableID  uint8
	Command  uint8 // 1.4+
	Match    Match
}

// FlowUpdateEvent is the kind of a flow update.
type FlowUpdateEvent uint8

// Flow update events. The Nicira and ONF encodings report Initial as
// Added and have no Paused/Resumed (those are separate messages there).
const (
	FlowUpdateInitial FlowUpdateEvent = iota
	FlowUpdateAdded
	FlowUpdateDeleted
	FlowUpdateModified
	FlowUpdateAbbrev
	FlowUpdatePaused
	FlowUpdateResumed
)

var flowUpdateNames = [...]string{"INITIAL", "ADDED", "DELETED", "MODIFIED", "ABBREV", "PAUSED", "RESUMED"}

// FlowUpdate is one update of a reply. Xid is Abbrev's: the xid of the
// controller's own flow_mod that caused it. Reason (OFPRR_*) is Deleted's.
type FlowUpdate struct {
	Event       FlowUpdateEvent
	Reason      uint8
	TableID     uint8
	Priority    uint16
	IdleTimeout uint16
	HardTimeout uint16
	Cookie      uint64
	Match       Match
	Actions     []Action
	Xid         uint32
}

// FlowMonitorRequest asks for flow updates.
type FlowMonitorRequest struct {
	Flags    uint16 // statistics flags
	Monitors []FlowMonitor
}

// FlowMonitorReply carries flow updates.
type FlowMonitorReply struct {
	Flags   uint16 // statistics flags (StatsMore)
	Updates []FlowUpdate
}

// Type is MsgMultipartRequest.
func (*FlowMonitorRequest) Type() MsgType { return MsgMultipartRequest }

// Type is MsgMultipartReply.
func (*FlowMonitorReply) Type() MsgType { return MsgMultipartReply }

// StatsType is StatsFlowMonitor.
func (*FlowMonitorRequest) StatsType() StatsType { return StatsFlowMonitor }

// StatsType is StatsFlowMonitor.
func (*FlowMonitorReply) StatsType() StatsType { return StatsFlowMonitor }

func (m *FlowMonitorRequest) statsFlags() uint16 { return m.Flags }
func (m *FlowMonitorReply) statsFlags() uint16   { return m.Flags }

// nxStats is false: the vendor framing depends on the version and is
// written by appendBody itself.
func (*FlowMonitorRequest) nxStats() bool { return false }
func (*FlowMonitorReply) nxStats() bool   { return false }

const (
	nxstFlowMonitor  = 2
	onfstFlowMonitor = 1870
)

// appendMonitorStatsHdr writes the statistics header that carries flow
// monitor bodies in version v.
func appendMonitorStatsHdr(b []byte, v Version, flags uint16) ([]byte, error) {
	switch {
	case v <= V12:
		return appendNXStatsHdr(b, v, nxstFlowMonitor, flags), nil
	case v == V13:
		b = be16(be16(b, uint16(StatsExperimenter)), flags)
		return be32(be32(pad(b, 4), ONFVendor), onfstFlowMonitor), nil
	case v >= V14 && v.Known():
		return appendStatsHdr(b, v, StatsFlowMonitor, flags), nil
	}
	return b, OFPBRC_BAD_VERSION
}

func (m *FlowMonitorRequest) appendBody(b []byte, v Version) ([]byte, error) {
	b, err := appendMonitorStatsHdr(b, v, m.Flags)
	if err != nil {
		return b, err
	}
	for i := range m.Monitors {
		fm := &m.Monitors[i]
		if fm.Flags&^(1<<len(monitorFlagNames)-1) != 0 {
			return b, OFPMOFC_BAD_FLAGS
		}
		switch {
		case v <= V12:
			b = be32(b, fm.ID)
			b = be16(b, uint16(fm.Flags))
			b = be16(b, uint16(fm.OutPort))
			at := len(b)
			b = be16(b, 0)
			b = append(b, fm.TableID, 0, 0, 0, 0, 0)
			s := len(b)
			b = AppendNXM(b, &fm.Match)
			binary.BigEndian.PutUint16(b[at:], uint16(len(b)-s))
			b = pad(b, (8-(len(b)-s)%8)%8)
		case v == V13:
			b = be32(b, fm.ID)
			b = be16(b, uint16(fm.Flags))
			at := len(b)
			b = be16(b, 0)
			b = be32(b, portTo32(fm.OutPort))
			b = append(b, fm.TableID, 0, 0, 0)
			s := len(b)
			b = appendOXMMatch(b, &fm.Match, v)
			binary.BigEndian.PutUint16(b[at:], u16(b, s+2))
		default:
			b = be32(b, fm.ID)
			b = be32(b, portTo32(fm.OutPort))
			b = be32(b, fm.OutGroup)
			b = be16(b, uint16(flags14(fm.Flags)))
			b = append(b, fm.TableID, fm.Command)
			b = appendOXMMatch(b, &fm.Match, v)
		}
	}
	return b, nil
}

// flags14 maps model flags to OpenFlow 1.4's OFPFMF_* (own moves up one
// bit past OFPFMF_NO_ABBREV, which OVS does not accept).
func flags14(f FlowMonitorFlags) uint16 {
	w := uint16(f & (MonitorOwn - 1))
	if f&MonitorOwn != 0 {
		w |= 0x40
	}
	return w
}

func flagsFrom14(w uint16) (FlowMonitorFlags, bool) {
	if w&^0x5f != 0 {
		return 0, false
	}
	f := FlowMonitorFlags(w & 0x1f)
	if w&0x40 != 0 {
		f |= MonitorOwn
	}
	return f, true
}

// nxEvent and event14 are the wire numbers of events.
func nxEvent(e FlowUpdateEvent) (uint16, bool) {
	switch e {
	case FlowUpdateInitial, FlowUpdateAdded:
		return 0, true
	case FlowUpdateDeleted:
		return 1, true
	case FlowUpdateModified:
		return 2, true
	case FlowUpdateAbbrev:
		return 3, true
	}
	return 0, false
}

func (m *FlowMonitorReply) appendBody(b []byte, v Version) ([]byte, error) {
	b, err := appendMonitorStatsHdr(b, v, m.Flags)
	if err != nil {
		return b, err
	}
	for i := range m.Updates {
		if b, err = appendFlowUpdate(b, &m.Updates[i], v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func appendFlowUpdate(b []byte, u *FlowUpdate, v Version) ([]byte, error) {
	start := len(b)
	b = be16(b, 0)
	var err error
	if v >= V14 {
		if u.Event > FlowUpdateResumed {
			return b[:start], NXBRC_FM_BAD_EVENT
		}
		b = be16(b, uint16(u.Event))
		switch u.Event {
		case FlowUpdateAbbrev:
			b = be32(b, u.Xid)
		case FlowUpdatePaused, FlowUpdateResumed:
			b = pad(b, 4)
		default:
			b = append(b, u.TableID, u.Reason)
			b = be16(be16(be16(b, u.IdleTimeout), u.HardTimeout), u.Priority)
			b = pad(b, 4)
			b = be64(b, u.Cookie)
			b = appendOXMMatch(b, &u.Match, v)
			if b, err = AppendInstructions(b, u.Actions, v); err != nil {
				return b[:start], err
			}
		}
		binary.BigEndian.PutUint16(b[start:], uint16(len(b)-start))
		return b, nil
	}
	ev, ok := nxEvent(u.Event)
	if !ok {
		return b[:start], NXBRC_FM_BAD_EVENT
	}
	b = be16(b, ev)
	if u.Event == FlowUpdateAbbrev {
		b = be32(b, u.Xid)
		binary.BigEndian.PutUint16(b[start:], uint16(len(b)-start))
		return b, nil
	}
	b = be16(b, uint16(u.Reason))
	b = be16(be16(be16(b, u.Priority), u.IdleTimeout), u.HardTimeout)
	at := len(b)
	b = be16(b, 0)
	b = append(b, u.TableID, 0)
	b = be64(b, u.Cookie)
	s := len(b)
	if v <= V12 {
		b = AppendNXM(b, &u.Match)
		binary.BigEndian.PutUint16(b[at:], uint16(len(b)-s))
		b = pad(b, (8-(len(b)-s)%8)%8)
		b, err = AppendActionsWire(b, u.Actions, v)
	} else {
		b = appendOXMMatch(b, &u.Match, v)
		binary.BigEndian.PutUint16(b[at:], u16(b, s+2))
		b, err = AppendInstructions(b, u.Actions, v)
	}
	if err != nil {
		return b[:start], err
	}
	binary.BigEndian.PutUint16(b[start:], uint16(len(b)-start))
	return b, nil
}

// decodeFlowMonitorBody decodes the body after the statistics header of
// a flow monitor request or reply of version v (the Nicira layout in 1.0,
// ONF's in 1.3, OpenFlow's from 1.4).
func decodeFlowMonitorBody(b []byte, v Version, flags uint16, reply bool) (Message, error) {
	if reply {
		m := &FlowMonitorReply{Flags: flags, Updates: []FlowUpdate{}}
		for len(b) > 0 {
			u, n, err := decodeFlowUpdate(b, v)
			if err != nil {
				return nil, err
			}
			m.Updates = append(m.Updates, u)
			b = b[n:]
		}
		return m, nil
	}
	m := &FlowMonitorRequest{Flags: flags, Monitors: []FlowMonitor{}}
	for len(b) > 0 {
		fm := FlowMonitor{OutGroup: GroupAny}
		var rest []byte
		switch {
		case v <= V12:
			if len(b) < 16 {
				return nil, OFPBRC_BAD_LEN
			}
			fm.ID, fm.Flags, fm.OutPort = u32(b, 0), FlowMonitorFlags(u16(b, 4)), uint32(u16(b, 6))
			ml := int(u16(b, 8))
			fm.TableID = b[10]
			padded := (ml + 7) &^ 7
			if 16+padded > len(b) {
				return nil, OFPBRC_BAD_LEN
			}
			mt, err := DecodeNXM(b[16:16+ml], true)
			if err != nil {
				return nil, err
			}
			fm.Match = *mt
			rest = b[16+padded:]
		case v == V13:
			if len(b) < 16 {
				return nil, OFPBRC_BAD_LEN
			}
			fm.ID, fm.Flags = u32(b, 0), FlowMonitorFlags(u16(b, 4))
			fm.OutPort, fm.TableID = portFrom32(u32(b, 8)), b[12]
			mt, r, err := decodeOXMMatch(b[16:], v, true)
			if err != nil {
				return nil, err
			}
			fm.Match, rest = *mt, r
		default:
			if len(b) < 16 {
				return nil, OFPBRC_BAD_LEN
			}
			fm.ID, fm.OutPort, fm.OutGroup = u32(b, 0), portFrom32(u32(b, 4)), u32(b, 8)
			f, ok := flagsFrom14(u16(b, 12))
			if !ok {
				return nil, OFPMOFC_BAD_FLAGS
			}
			fm.Flags, fm.TableID, fm.Command = f, b[14], b[15]
			mt, r, err := decodeOXMMatch(b[16:], v, true)
			if err != nil {
				return nil, err
			}
			fm.Match, rest = *mt, r
		}
		if fm.Flags&^(1<<len(monitorFlagNames)-1) != 0 ||
			fm.Command != MonitorCmdDelete && fm.Flags&(MonitorAdd|MonitorDelete|MonitorModify) == 0 {
			return nil, OFPMOFC_BAD_FLAGS
		}
		m.Monitors = append(m.Monitors, fm)
		b = rest
	}
	return m, nil
}

func decodeFlowUpdate(b []byte, v Version) (FlowUpdate, int, error) {
	var u FlowUpdate
	if len(b) < 4 {
		return u, 0, OFPBRC_BAD_LEN
	}
	n := int(u16(b, 0))
	if n < 4 || n > len(b) || n%8 != 0 {
		return u, 0, OFPBRC_BAD_LEN
	}
	b = b[:n]
	ev := u16(b, 2)
	var err error
	if v >= V14 {
		if ev > uint16(FlowUpdateResumed) {
			return u, 0, NXBRC_FM_BAD_EVENT
		}
		u.Event = FlowUpdateEvent(ev)
		switch u.Event {
		case FlowUpdateAbbrev, FlowUpdatePaused, FlowUpdateResumed:
			if n != 8 {
				return u, 0, OFPBRC_BAD_LEN
			}
			if u.Event == FlowUpdateAbbrev {
				u.Xid = u32(b, 4)
			}
			return u, n, nil
		}
		if n < 32 {
			return u, 0, OFPBRC_BAD_LEN
		}
		u.TableID, u.Reason = b[4], b[5]
		u.IdleTimeout, u.HardTimeout, u.Priority = u16(b, 6), u16(b, 8), u16(b, 10)
		u.Cookie = u64(b, 16)
		mt, rest, err := decodeOXMMatch(b[24:], v, true)
		if err != nil {
			return u, 0, err
		}
		u.Match = *mt
		if u.Actions, err = DecodeInstructions(rest, v); err != nil {
			return u, 0, err
		}
		return u, n, nil
	}
	switch ev {
	case 0:
		u.Event = FlowUpdateAdded
	case 1:
		u.Event = FlowUpdateDeleted
	case 2:
		u.Event = FlowUpdateModified
	case 3:
		if n != 8 {
			return u, 0, OFPBRC_BAD_LEN
		}
		u.Event, u.Xid = FlowUpdateAbbrev, u32(b, 4)
		return u, n, nil
	default:
		return u, 0, NXBRC_FM_BAD_EVENT
	}
	if n < 24 {
		return u, 0, OFPBRC_BAD_LEN
	}
	u.Reason = uint8(u16(b, 4))
	u.Priority, u.IdleTimeout, u.HardTimeout = u16(b, 6), u16(b, 8), u16(b, 10)
	ml := int(u16(b, 12))
	u.TableID = b[14]
	u.Cookie = u64(b, 16)
	var rest []byte
	if v <= V12 {
		padded := (ml + 7) &^ 7
		if 24+padded > n {
			return u, 0, OFPBRC_BAD_LEN
		}
		mt, err := DecodeNXM(b[24:24+ml], true)
		if err != nil {
			return u, 0, err
		}
		u.Match, rest = *mt, b[24+padded:]
		u.Actions, err = DecodeActions(rest, v)
	} else {
		mt, r, err := decodeOXMMatch(b[24:], v, true)
		if err != nil {
			return u, 0, err
		}
		u.Match = *mt
		u.Actions, err = DecodeInstructions(r, v)
		if err != nil {
			return u, 0, err
		}
	}
	if err != nil {
		return u, 0, err
	}
	return u, n, nil
}

func appendMonitorFlags(b []byte, f FlowMonitorFlags) []byte {
	sep := false
	for i, n := range monitorFlagNames {
		if f&(1<<i) != 0 {
			if sep {
				b = append(b, ',')
			}
			b, sep = append(b, n...), true
		}
	}
	return b
}

func (m *FlowMonitorRequest) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Monitors {
		fm := &m.Monitors[i]
		b = strconv.AppendUint(append(b, "\n id="...), uint64(fm.ID), 10)
		if fm.Command == MonitorCmdDelete {
			b = append(b, " command=delete"...)
			continue
		}
		b = appendMonitorFlags(append(b, " flags="...), fm.Flags)
		if fm.OutPort != PortNone {
			b = appendPort(append(b, " out_port="...), fm.OutPort, nil)
		}
		if fm.OutGroup != GroupAny {
			b = strconv.AppendUint(append(b, " out_group="...), uint64(fm.OutGroup), 10)
		}
		if fm.TableID != TableAll {
			b = strconv.AppendUint(append(b, " table="...), uint64(fm.TableID), 10)
		}
		if fm.Match.Len() > 0 {
			b = fm.Match.AppendText(append(b, ' '), nil)
		}
	}
	return b
}

func (m *FlowMonitorReply) appendStatsText(b []byte, _ Version) []byte {
	for i := range m.Updates {
		u := &m.Updates[i]
		b = append(append(b, "\n event="...), flowUpdateNames[u.Event]...)
		switch u.Event {
		case FlowUpdateAbbrev:
			b = appendHex0x(append(b, " xid="...), uint64(u.Xid))
			continue
		case FlowUpdatePaused, FlowUpdateResumed:
			continue
		case FlowUpdateDeleted:
			b = append(b, " reason="...)
			if int(u.Reason) < len(removedReasonNames) {
				b = append(b, removedReasonNames[u.Reason]...)
			} else {
				b = strconv.AppendUint(b, uint64(u.Reason), 10)
			}
		}
		b = strconv.AppendUint(append(b, " table="...), uint64(u.TableID), 10)
		if u.IdleTimeout != 0 {
			b = strconv.AppendUint(append(b, " idle_timeout="...), uint64(u.IdleTimeout), 10)
		}
		if u.HardTimeout != 0 {
			b = strconv.AppendUint(append(b, " hard_timeout="...), uint64(u.HardTimeout), 10)
		}
		b = append(b, " cookie="...)
		if u.Cookie == 0 {
			b = append(b, '0')
		} else {
			b = appendHex0x(b, u.Cookie)
		}
		b = u.Match.AppendText(append(b, ' '), nil)
		if len(u.Actions) > 0 {
			if b[len(b)-1] != ' ' {
				b = append(b, ' ')
			}
			b = AppendActions(append(b, "actions="...), u.Actions, nil)
		}
	}
	// OVS trims the space an update with neither match nor actions
	// leaves, but only at the very end.
	if n := len(b); n > 0 && b[n-1] == ' ' {
		b = b[:n-1]
	}
	return b
}
