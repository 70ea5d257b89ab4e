package openflow

import (
	"encoding/binary"
	"strconv"
)

// Flow table modification (OFPT_FLOW_MOD, NXT_FLOW_MOD) and the
// flow-removed notification (OFPT_FLOW_REMOVED, NXT_FLOW_REMOVED).
//
// One FlowMod type serves all three encodings: OpenFlow 1.0's ofp_match,
// Nicira's NXM (any version, chosen with NXM) and 1.2+'s OXM. Cookies
// follow OVS's model because the encodings disagree about them: Cookie and
// CookieMask select the flows a modify or delete applies to, NewCookie is
// the cookie a flow gets (CookieUnchanged: keep it). 1.0 and NXM carry
// NewCookie in the header's cookie field and the selector in the match
// (NXM only); 1.1+ carry the selector in cookie/cookie_mask and only an
// add can set a cookie.

// FlowModCommand is what a flow_mod does.
type FlowModCommand uint8

// Flow mod commands (OFPFC_*).
const (
	FlowAdd FlowModCommand = iota
	FlowModify
	FlowModifyStrict
	FlowDelete
	FlowDeleteStrict
)

var flowModCommandNames = [...]string{"ADD", "MOD", "MOD_STRICT", "DEL", "DEL_STRICT"}

// FlowModFlags are the OFPFF_* flags in OpenFlow 1.3's bit layout; the
// codecs translate for the other versions.
type FlowModFlags uint16

// Flow mod flags.
const (
	FlowSendFlowRem    FlowModFlags = 1 << 0
	FlowCheckOverlap   FlowModFlags = 1 << 1
	FlowResetCounts    FlowModFlags = 1 << 2
	FlowNoPacketCounts FlowModFlags = 1 << 3
	FlowNoByteCounts   FlowModFlags = 1 << 4
)

// validFlags is which flags each version's wire format can carry.
func validFlags(v Version, nxm bool) FlowModFlags {
	switch {
	case v == V10 || nxm:
		return FlowSendFlowRem | FlowCheckOverlap
	case v < V13:
		return FlowSendFlowRem | FlowCheckOverlap | FlowResetCounts
	}
	return FlowSendFlowRem | FlowCheckOverlap | FlowResetCounts | FlowNoPacketCounts | FlowNoByteCounts
}

// Defaults of the optional flow_mod fields.
const (
	CookieUnchanged uint64 = ^uint64(0)
	GroupAny        uint32 = 0xffffffff
	BufferNone      uint32 = 0xffffffff // unbuffered packet
	DefaultPriority uint16 = 0x8000
)

// FlowMod is a flow table modification.
type FlowMod struct {
	// NXM sends the message as NXT_FLOW_MOD with an NXM match.
	NXM         bool
	Command     FlowModCommand
	Match       Match
	Priority    uint16
	Cookie      uint64 // selector value (modify/delete)
	CookieMask  uint64 // selector mask; 0 matches every cookie
	NewCookie   uint64 // cookie to set, or CookieUnchanged
	TableID     uint8  // TableAll: every table (delete/modify)
	IdleTimeout uint16
	HardTimeout uint16
	Importance  uint16 // 1.4+
	BufferID    uint32
	OutPort     uint32 // PortNone: no restriction
	OutGroup    uint32 // GroupAny: no restriction (1.1+)
	Flags       FlowModFlags
	Actions     []Action
}

// NewFlowMod returns a flow_mod with every optional field at its default.
func NewFlowMod(cmd FlowModCommand) *FlowMod {
	fm := &FlowMod{Command: cmd, Priority: DefaultPriority, TableID: TableAll,
		BufferID: BufferNone, OutPort: PortNone, OutGroup: GroupAny, NewCookie: CookieUnchanged}
	if cmd == FlowAdd {
		fm.NewCookie = 0
	}
	return fm
}

// Type is MsgFlowMod, or MsgNXFlowMod when NXM is set.
func (m *FlowMod) Type() MsgType {
	if m.NXM {
		return MsgNXFlowMod
	}
	return MsgFlowMod
}

func (m *FlowMod) wireCookie(v Version) uint64 {
	if v == V10 || m.NXM || m.Command == FlowAdd {
		if m.NewCookie == CookieUnchanged && m.Command == FlowAdd {
			return 0
		}
		// All ones (CookieUnchanged) tells a modify to keep the
		// flows' cookies, as ovs-ofctl sends it.
		return m.NewCookie
	}
	return m.Cookie
}

func (m *FlowMod) appendBody(b []byte, v Version) ([]byte, error) {
	if m.Command > FlowDeleteStrict {
		return b, OFPFMFC_BAD_COMMAND
	}
	flags := m.Flags
	if flags&^validFlags(v, m.NXM) != 0 {
		return b, OFPFMFC_BAD_FLAGS
	}
	switch {
	case m.NXM:
		b = be64(b, m.wireCookie(v))
		cmd := uint16(m.Command)
		if m.TableID != TableAll {
			cmd |= uint16(m.TableID) << 8
		}
		b = be16(be16(be16(be16(b, cmd), m.IdleTimeout), m.HardTimeout), m.Priority)
		b = be32(b, m.BufferID)
		b = be16(be16(b, uint16(m.OutPort)), uint16(flags))
		lenAt := len(b)
		b = pad(be16(b, 0), 6)
		s := len(b)
		b = AppendNXM(b, &m.Match)
		if m.CookieMask != 0 {
			b = appendCookieNXM(b, m.Cookie, m.CookieMask)
		}
		binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-s))
		b = pad(b, (8-(len(b)-s)%8)%8)
		return AppendInstructions(b, m.Actions, V10)
	case v == V10:
		if !MatchFits10(&m.Match) {
			return b, OFPBMC_BAD_FIELD
		}
		b = appendMatch10(b, &m.Match)
		b = be64(b, m.wireCookie(v))
		cmd := uint16(m.Command)
		if m.TableID != TableAll {
			cmd |= uint16(m.TableID) << 8
		}
		b = be16(be16(be16(be16(b, cmd), m.IdleTimeout), m.HardTimeout), m.Priority)
		b = be32(b, m.BufferID)
		b = be16(be16(b, uint16(m.OutPort)), uint16(flags))
		return AppendInstructions(b, m.Actions, V10)
	case v == V11:
		return b, OFPBRC_BAD_VERSION
	}
	b = be64(be64(b, m.wireCookie(v)), m.CookieMask)
	table := m.TableID
	if table == TableAll && m.Command < FlowDelete {
		table = 0
	}
	b = append(b, table, uint8(m.Command))
	b = be16(be16(be16(b, m.IdleTimeout), m.HardTimeout), m.Priority)
	b = be32(b, m.BufferID)
	b = be32(be32(b, portTo32(m.OutPort)), m.OutGroup)
	b = be16(b, uint16(flags))
	if v >= V14 {
		b = be16(b, m.Importance)
	} else {
		b = pad(b, 2)
	}
	b = appendOXMMatch(b, &m.Match, v)
	return AppendInstructions(b, m.Actions, v)
}

// appendOXMMatch appends a whole ofp_match of type OFPMT_OXM, padded.
func appendOXMMatch(b []byte, m *Match, v Version) []byte {
	s := len(b)
	b = be16(be16(b, 1), 0)
	b = AppendOXM(b, m, v)
	binary.BigEndian.PutUint16(b[s+2:], uint16(len(b)-s))
	return pad(b, (8-(len(b)-s)%8)%8)
}

// decodeOXMMatch reads an ofp_match of type OFPMT_OXM from the front of
// b, returning the bytes after it and its padding.
func decodeOXMMatch(b []byte, v Version, strict bool) (*Match, []byte, error) {
	m := &Match{}
	rest, err := m.decodeOXMMatch(b, strict, nil)
	if err != nil {
		return nil, nil, err
	}
	return m, rest, nil
}

// decodeOXMMatch is decodeOXMMatch into m, its entries from slab (see
// Match.decodeTLVs).
func (m *Match) decodeOXMMatch(b []byte, strict bool, slab *[]Entry) ([]byte, error) {
	if len(b) < 4 {
		return nil, OFPBRC_BAD_LEN
	}
	if u16(b, 0) != 1 {
		return nil, OFPBMC_BAD_TYPE
	}
	n := int(u16(b, 2))
	padded := (n + 7) &^ 7
	if n < 4 || padded > len(b) {
		return nil, OFPBMC_BAD_LEN
	}
	if err := m.decodeTLVs(b[4:n], strict, slab); err != nil {
		return nil, err
	}
	return b[padded:], nil
}

// NXM_NX_COOKIE: the flow cookie as a match field of NXT_FLOW_MOD and
// NXST_FLOW requests. It is not a packet field, so it lives here.
const (
	nxmCookie  = 0x00013c08
	nxmCookieW = 0x00013d10
)

func appendCookieNXM(b []byte, cookie, mask uint64) []byte {
	if mask == ^uint64(0) {
		return be64(be32(b, nxmCookie), cookie)
	}
	return be64(be64(be32(b, nxmCookieW), cookie&mask), mask)
}

// splitCookieNXM takes NXM_NX_COOKIE out of an nx_match.
func splitCookieNXM(b []byte) (rest []byte, cookie, mask uint64, err error) {
	rest = b
	for i := 0; i+4 <= len(b); {
		h := u32(b, i)
		n := 4 + int(h&0xff)
		if i+n > len(b) {
			return b, 0, 0, nil // DecodeNXM reports the bad length
		}
		switch h {
		case nxmCookie, nxmCookieW:
			if mask != 0 {
				return nil, 0, 0, OFPBMC_DUP_FIELD
			}
			cookie, mask = u64(b, i+4), ^uint64(0)
			if h == nxmCookieW {
				mask = u64(b, i+12)
				if cookie&^mask != 0 {
					return nil, 0, 0, OFPBMC_BAD_WILDCARDS
				}
			}
			nr := make([]byte, 0, len(rest)-n)
			nr = append(nr, b[:i]...)
			rest = append(nr, b[i+n:]...)
			b = rest
			continue
		}
		i += n
	}
	return rest, cookie, mask, nil
}

func decodeFlowMod(b []byte, v Version) (Message, error) {
	if v == V10 {
		if len(b) < match10Len+24 {
			return nil, OFPBRC_BAD_LEN
		}
		fm := &FlowMod{Match: *decodeMatch10(b), OutGroup: GroupAny, TableID: TableAll}
		exact := u32(b, 0)&ofpfwAll == 0
		b = b[match10Len:]
		fm.NewCookie = u64(b, 0)
		if err := fm.decodeCommon10(b[8:]); err != nil {
			return nil, err
		}
		if exact {
			// OpenFlow 1.0: an exact-match flow outranks every wildcarded one.
			fm.Priority = 0xffff
		}
		acts, err := DecodeActions(b[24:], v)
		if err != nil {
			return nil, err
		}
		if CheckInstructionOrder(acts) != nil {
			return nil, OFPBAC_UNSUPPORTED_ORDER
		}
		fm.Actions = acts
		return fm, nil
	}
	if v == V11 {
		return nil, OFPBMC_BAD_TYPE
	}
	if len(b) < 40 {
		return nil, OFPBRC_BAD_LEN
	}
	fm := &FlowMod{Cookie: u64(b, 0), CookieMask: u64(b, 8), TableID: b[16], NewCookie: CookieUnchanged}
	if b[17] > uint8(FlowDeleteStrict) {
		return nil, OFPFMFC_BAD_COMMAND
	}
	fm.Command = FlowModCommand(b[17])
	if fm.TableID == TableAll && fm.Command < FlowDelete {
		return nil, OFPFMFC_BAD_TABLE_ID
	}
	fm.IdleTimeout, fm.HardTimeout, fm.Priority = u16(b, 18), u16(b, 20), u16(b, 22)
	fm.BufferID = u32(b, 24)
	p := u32(b, 28)
	if p > 0xffff && p < 0xffffff00 {
		return nil, OFPFMFC_BAD_COMMAND
	}
	fm.OutPort = portFrom32(p)
	fm.OutGroup = u32(b, 32)
	raw := FlowModFlags(u16(b, 36))
	if raw&^validFlags(v, false) != 0 {
		return nil, OFPFMFC_BAD_FLAGS
	}
	fm.Flags = raw
	if v >= V14 {
		fm.Importance = u16(b, 38)
	}
	if fm.Command == FlowAdd {
		fm.NewCookie, fm.Cookie, fm.CookieMask = fm.Cookie, 0, 0
	}
	m, rest, err := decodeOXMMatch(b[40:], v, true)
	if err != nil {
		return nil, err
	}
	fm.Match = *m
	if fm.Actions, err = DecodeInstructions(rest, v); err != nil {
		return nil, err
	}
	return fm, nil
}

// decodeCommon10 reads command .. flags, shared by ofp_flow_mod and
// nx_flow_mod.
func (fm *FlowMod) decodeCommon10(b []byte) error {
	cmd := u16(b, 0)
	if cmd&0xff > uint16(FlowDeleteStrict) {
		return OFPFMFC_BAD_COMMAND
	}
	fm.Command = FlowModCommand(cmd)
	if cmd>>8 != 0 {
		fm.TableID = uint8(cmd >> 8)
	}
	fm.IdleTimeout, fm.HardTimeout, fm.Priority = u16(b, 2), u16(b, 4), u16(b, 6)
	fm.BufferID = u32(b, 8)
	fm.OutPort = uint32(u16(b, 12))
	fm.Flags = FlowModFlags(u16(b, 14)) & (FlowSendFlowRem | FlowCheckOverlap)
	if fm.Command == FlowAdd && fm.TableID == TableAll {
		fm.TableID = 0
	}
	return nil
}

func decodeNXFlowMod(b []byte, _ Version) (Message, error) {
	if len(b) < 32 {
		return nil, OFPBRC_BAD_LEN
	}
	fm := &FlowMod{NXM: true, NewCookie: u64(b, 0), OutGroup: GroupAny, TableID: TableAll}
	if err := fm.decodeCommon10(b[8:]); err != nil {
		return nil, err
	}
	n := int(u16(b, 24))
	padded := (n + 7) &^ 7
	if 32+padded > len(b) {
		return nil, OFPBRC_BAD_LEN
	}
	nx, cookie, mask, err := splitCookieNXM(b[32 : 32+n])
	if err != nil {
		return nil, err
	}
	m, err := DecodeNXM(nx, true)
	if err != nil {
		return nil, err
	}
	fm.Match, fm.Cookie, fm.CookieMask = *m, cookie, mask
	if fm.Actions, err = DecodeActions(b[32+padded:], V10); err != nil {
		return nil, err
	}
	// The 1.0 encodings mix instructions into the action list (goto_table
	// travels as resubmit): a switch refuses what 1.1+ could not express.
	if CheckInstructionOrder(fm.Actions) != nil {
		return nil, OFPBAC_UNSUPPORTED_ORDER
	}
	return fm, nil
}

// appendText is the ofp-print body: " ADD table:1 priority=5,tcp ...".
func (m *FlowMod) appendText(b []byte, v Version) []byte {
	b = append(b, ' ')
	if int(m.Command) < len(flowModCommandNames) {
		b = append(b, flowModCommandNames[m.Command]...)
	} else {
		b = strconv.AppendUint(append(b, "cmd:"...), uint64(m.Command), 10)
	}
	// 1.1+ carry OFPTT_ALL on the wire and OVS shows it; 1.0 and NXM
	// have no way to say "all" but leaving the table byte zero.
	if m.TableID != 0 && (m.TableID != TableAll || v != V10 && !m.NXM) {
		b = strconv.AppendUint(append(b, " table:"...), uint64(m.TableID), 10)
	}
	b = appendMatchPriority(b, &m.Match, m.Priority)
	if m.NewCookie != 0 && m.NewCookie != CookieUnchanged {
		b = appendHex0x(append(b, " cookie:"...), m.NewCookie)
	}
	if m.CookieMask != 0 {
		b = appendHex0x(append(b, " cookie:"...), m.Cookie)
		b = appendHex0x(append(b, '/'), m.CookieMask)
	}
	if m.IdleTimeout != 0 {
		b = strconv.AppendUint(append(b, " idle:"...), uint64(m.IdleTimeout), 10)
	}
	if m.HardTimeout != 0 {
		b = strconv.AppendUint(append(b, " hard:"...), uint64(m.HardTimeout), 10)
	}
	if m.Importance != 0 {
		b = strconv.AppendUint(append(b, " importance:"...), uint64(m.Importance), 10)
	}
	if m.BufferID != BufferNone {
		b = appendHex0x(append(b, " buf:"...), uint64(m.BufferID))
	}
	if m.OutPort != PortNone {
		b = appendPort(append(b, " out_port:"...), m.OutPort, nil)
	}
	b = appendFlagNames(b, m.Flags)
	b = append(b, " actions="...)
	return appendActionsOrDrop(b, m.Actions)
}

func appendMatchPriority(b []byte, m *Match, pri uint16) []byte {
	b = append(b, ' ')
	if pri != DefaultPriority {
		b = strconv.AppendUint(append(b, "priority="...), uint64(pri), 10)
		b = append(b, ',')
	}
	t := len(b)
	b = m.AppendText(b, nil)
	if len(b) == t {
		b = b[:t-1] // nothing after the separator
	}
	return b
}

var flowFlagNames = [...]string{"send_flow_rem", "check_overlap", "reset_counts", "no_packet_counts", "no_byte_counts"}

func appendFlagNames(b []byte, f FlowModFlags) []byte {
	for i, n := range flowFlagNames {
		if f&(1<<i) != 0 {
			b = append(append(b, ' '), n...)
		}
	}
	if rest := f &^ (1<<len(flowFlagNames) - 1); rest != 0 {
		b = appendHex0x(append(b, " flags:"...), uint64(rest))
	}
	return b
}

func appendActionsOrDrop(b []byte, acts []Action) []byte {
	if len(acts) == 0 {
		return append(b, "drop"...)
	}
	return AppendActions(b, acts, nil)
}

func registerFlowModDecoders() {
	decoders[MsgFlowMod] = decodeFlowMod
	decoders[MsgNXFlowMod] = decodeNXFlowMod
}

func appendHex0x(b []byte, v uint64) []byte {
	return strconv.AppendUint(append(b, "0x"...), v, 16)
}

// Fits10 reports whether fm can be sent as an OpenFlow 1.0 OFPT_FLOW_MOD
// (rather than NXT_FLOW_MOD): its match fits ofp_match, it selects no
// cookies by mask, its flags exist in 1.0 and its actions touch only
// fields 1.0 can name. This is the cheap part of OVS's "usable
// protocols" reasoning, enough to choose between the two.
func (m *FlowMod) Fits10() bool {
	return MatchFits10(&m.Match) && m.CookieMask == 0 &&
		m.Flags&^validFlags(V10, false) == 0 && !actionsNeedNXM(m.Actions)
}

func actionsNeedNXM(acts []Action) bool {
	for _, a := range acts {
		switch a := a.(type) {
		case *WriteMetadata:
			return true
		case *WriteActions:
			if actionsNeedNXM(a.Actions) {
				return true
			}
		case *Clone:
			if actionsNeedNXM(a.Actions) {
				return true
			}
		case *SetField:
			if !field10(a.Field.store) {
				return true
			}
		case *RegLoad:
			if !field10(a.Dst.Field.store) {
				return true
			}
		case *RegMove:
			if !field10(a.Src.Field.store) || !field10(a.Dst.Field.store) {
				return true
			}
		}
	}
	return false
}

// field10 reports whether ofp_match has a slot for storage field id.
func field10(id FieldID) bool {
	switch id {
	case FieldInPort, FieldEthSrc, FieldEthDst, FieldVlanTCI, FieldEthType,
		FieldNwProto, FieldNwTOS, FieldIPSrc, FieldIPDst, FieldTpSrc, FieldTpDst:
		return true
	}
	return false
}
