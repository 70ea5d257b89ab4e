package openflow

import (
	"strconv"
)

// Text form of messages, byte-identical to "ovs-ofctl ofp-print HEX".
// Printing is append-based so the switch can log messages without
// building intermediate strings.

// Print returns the ofp-print text for the bytes b (one message, possibly
// truncated or with trailing bytes, reported the way OVS reports them).
func Print(b []byte) string { return string(AppendPrint(nil, b)) }

// AppendPrint is Print appending to dst.
func AppendPrint(dst []byte, b []byte) []byte {
	switch {
	case len(b) == 0:
		return append(dst, "OpenFlow message is empty\n"...)
	case len(b) < HeaderLen:
		dst = append(dst, "OpenFlow packet too short (only "...)
		dst = strconv.AppendInt(dst, int64(len(b)), 10)
		dst = append(dst, " bytes):\n"...)
		return AppendHexDump(dst, b, 0, true)
	}
	h, _ := ParseHeader(b)
	if int(h.Length) > len(b) {
		dst = appendMsgTitle(dst, h, b)
		dst = append(dst, ":\n(***truncated to "...)
		dst = strconv.AppendInt(dst, int64(len(b)), 10)
		dst = append(dst, " bytes from "...)
		dst = strconv.AppendInt(dst, int64(h.Length), 10)
		dst = append(dst, "***)\n"...)
		return AppendHexDump(dst, b, 0, true)
	}
	if int(h.Length) < len(b) {
		dst = append(dst, "(***only uses "...)
		dst = strconv.AppendInt(dst, int64(h.Length), 10)
		dst = append(dst, " bytes out of "...)
		dst = strconv.AppendInt(dst, int64(len(b)), 10)
		dst = append(dst, "***)\n"...)
		return AppendHexDump(dst, b, 0, true)
	}
	m, _, err := Decode(b)
	if fm, ok := m.(*FlowMod); ok && err == nil {
		err = checkDecodedFlowMod(fm, Version(h.Version))
	}
	if err != nil && isMultipart(h, b) {
		// A statistics message whose header or length OVS rejects
		// before decoding cannot be named.
		if d, ok := appendStatsRawError(dst, b); ok {
			return d
		}
	}
	if err != nil && rawLenFails(h, b) {
		// OVS checks some messages' length before it can name them.
		dst = append(dst, "***decode error: OFPBRC_BAD_LEN***\n"...)
		return AppendHexDump(dst, b, 0, true)
	}
	if ue, ok := err.(*UnsupportedError); ok {
		// OVS cannot name what it cannot classify, so no title line.
		dst = append(dst, "***decode error: "...)
		dst = append(dst, ue.Reply().Name()...)
		dst = append(dst, "***\n"...)
		return AppendHexDump(dst, b, 0, true)
	}
	dst = appendMsgTitle(dst, h, b)
	dst = append(dst, ':')
	if err != nil && isMultipart(h, b) {
		if d, ok := appendStatsDecodeError(dst, b, err); ok {
			return d
		}
	}
	if err != nil {
		if e, ok := err.(ErrorCode); ok {
			dst = append(dst, " ***decode error: "...)
			dst = append(dst, e.Name()...)
			dst = append(dst, "***\n"...)
		} else {
			dst = append(dst, " ***"...)
			dst = append(dst, err.Error()...)
			dst = append(dst, "***\n"...)
		}
		return AppendHexDump(dst, b, 0, true)
	}
	dst = appendBodyText(dst, m, Version(h.Version))
	if dst[len(dst)-1] != '\n' {
		dst = append(dst, '\n')
	}
	return dst
}

// checkDecodedFlowMod makes the check OVS makes of a flow_mod's actions
// against its match whenever it decodes one, to print it too: a flow
// whose actions need fields its match does not provide prints as a
// decode error (with OVS's warning), which is how ovs-ofctl shows that a
// flow it parsed cannot go out in the chosen protocol (mod_nw_ttl
// without "ip" becomes a Nicira load of nw_ttl in OpenFlow 1.0). From
// OpenFlow 1.1 on, OpenFlow (not Nicira) flow_mods are checked strictly.
func checkDecodedFlowMod(fm *FlowMod, v Version) error {
	err := CheckActionPrereqs(fm.Actions, &fm.Match, v >= V11 && !fm.NXM, nil)
	if pe, ok := err.(*PrereqError); ok {
		decodeLog(pe.Module).WarnRL(decodeRL, "%s", pe.Text)
		return pe.ErrorCode()
	}
	return err
}

func appendMsgTitle(dst []byte, h Header, b []byte) []byte {
	t, _, _ := classify(h, b)
	v := Version(h.Version)
	if t == MsgInvalid {
		dst = append(dst, "OFPT_UNKNOWN"...)
	} else if ok := false; t == MsgMultipartRequest || t == MsgMultipartReply {
		if dst, ok = appendStatsMsgTitle(dst, t, h, b); !ok {
			dst = append(dst, msgName(t, v)...)
		}
	} else {
		dst = append(dst, msgName(t, v)...)
	}
	dst = appendVersionTag(dst, h.Version)
	dst = append(dst, " (xid=0x"...)
	dst = strconv.AppendUint(dst, uint64(h.Xid), 16)
	return append(dst, ')')
}

func appendBodyText(dst []byte, m Message, v Version) []byte {
	switch m := m.(type) {
	case StatsMessage:
		return appendStatsText(dst, m, v)
	case *Hello:
		dst = append(dst, "\n version bitmap: "...)
		return m.Versions.appendList(dst)
	case *ErrorMsg:
		dst = append(dst, ' ')
		dst = append(dst, m.Code.Name()...)
		dst = append(dst, '\n')
		if m.Code.IsHelloFailed() {
			return appendPrintable(dst, m.Data)
		}
		return AppendPrint(dst, m.Data)
	case *EchoRequest:
		return appendEchoText(dst, m.Data)
	case *EchoReply:
		return appendEchoText(dst, m.Data)
	case *GetConfigReply:
		return appendConfigText(dst, &m.SwitchConfig)
	case *SetConfig:
		return appendConfigText(dst, &m.SwitchConfig)
	case *RoleRequest:
		return appendRoleText(dst, m)
	case *RoleReply:
		return appendRoleText(dst, (*RoleRequest)(m))
	case *NXRoleRequest:
		return append(append(dst, " role="...), m.Role.String()...)
	case *NXRoleReply:
		return append(append(dst, " role="...), m.Role.String()...)
	case *NXSetFlowFormat:
		dst = append(dst, " format="...)
		switch m.Format {
		case FlowFormatOpenFlow10:
			return append(dst, "openflow10"...)
		case FlowFormatNXM:
			return append(dst, "nxm"...)
		}
		return append(dst, "(unknown)"...)
	case *NXSetPacketInFormat:
		return append(append(dst, " format="...), m.Format.String()...)
	case *FeaturesReply:
		return m.appendText(dst, v)
	case *PortStatus:
		dst = append(dst, ' ')
		dst = append(dst, portReasonNames[m.Reason]...)
		dst = append(dst, ':')
		return m.Port.appendText(dst, v)
	case *PortMod:
		return m.appendText(dst, v)
	case *TableMod:
		return m.appendText(dst, v)
	case *GetAsyncReply:
		return m.appendText(dst, v)
	case *SetAsync:
		return m.appendText(dst, v)
	case *NXSetAsyncConfig:
		return m.appendText(dst, v)
	case *PacketIn:
		return m.appendText(dst, v)
	case *PacketOut:
		return m.appendText(dst, v)
	case *FlowMod:
		return m.appendText(dst, v)
	case *FlowRemoved:
		return m.appendText(dst, v)
	case *GroupMod:
		return m.appendText(dst, v)
	case *MeterMod:
		return m.appendText(dst, v)
	case *BundleControl:
		return m.appendText(dst, v)
	case *BundleAdd:
		return m.appendText(dst, v)
	case *NXFlowMonitorCancel:
		return strconv.AppendUint(append(dst, " id="...), uint64(m.ID), 10)
	case *QueueGetConfigRequest:
		return m.appendText(dst, v)
	case *QueueGetConfigReply:
		return m.appendText(dst, v)
	case *NXFlowModTableID:
		if m.Enable {
			return append(dst, " enable"...)
		}
		return append(dst, " disable"...)
	}
	return dst
}

func appendEchoText(dst, data []byte) []byte {
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(len(data)), 10)
	dst = append(dst, " bytes of payload\n"...)
	return AppendHexDump(dst, data, 0, true)
}

func appendConfigText(dst []byte, c *SwitchConfig) []byte {
	dst = append(dst, " frags="...)
	dst = append(dst, c.Frags.String()...)
	if c.InvalidTTLToController {
		dst = append(dst, " invalid_ttl_to_controller"...)
	}
	dst = append(dst, " miss_send_len="...)
	return strconv.AppendUint(dst, uint64(c.MissSendLen), 10)
}

func appendRoleText(dst []byte, m *RoleRequest) []byte {
	dst = append(dst, " role="...)
	dst = append(dst, m.Role.String()...)
	if m.HasGenerationID {
		dst = append(dst, " generation_id="...)
		dst = strconv.AppendUint(dst, m.GenerationID, 10)
	}
	return dst
}

// appendPrintable writes b with non-printable bytes as C octal escapes,
// OVS's rendering of hello-failed error text.
func appendPrintable(dst, b []byte) []byte {
	for _, c := range b {
		if c >= 0x20 && c < 0x7f {
			dst = append(dst, c)
		} else {
			dst = append(dst, '\\', '0'+c>>6, '0'+c>>3&7, '0'+c&7)
		}
	}
	return dst
}

// AppendHexDump appends OVS's hex dump of b: 16 bytes a line prefixed by
// the offset (starting at ofs), with an ASCII column when ascii is set.
func AppendHexDump(dst, b []byte, ofs uint64, ascii bool) []byte {
	for len(b) > 0 {
		start := int(ofs % 16)
		n := 16 - start
		if n > len(b) {
			n = len(b)
		}
		line := ofs - uint64(start)
		for i := 7; i >= 0; i-- {
			dst = append(dst, hexDigits[line>>(4*uint(i))&15])
		}
		dst = append(dst, ' ', ' ')
		for i := 0; i < start; i++ {
			dst = append(dst, ' ', ' ', ' ')
		}
		for i := 0; i < n; i++ {
			dst = appendHex2(dst, b[i])
			pos := start + i
			if !ascii && i == n-1 {
				break
			}
			if pos == 7 {
				dst = append(dst, '-')
			} else {
				dst = append(dst, ' ')
			}
		}
		if ascii {
			for i := start + n; i < 16; i++ {
				dst = append(dst, ' ', ' ', ' ')
			}
			dst = append(dst, '|')
			for i := 0; i < start; i++ {
				dst = append(dst, ' ')
			}
			for i := 0; i < n; i++ {
				c := b[i]
				if c < 0x20 || c >= 0x7f {
					c = '.'
				}
				dst = append(dst, c)
			}
			for i := start + n; i < 16; i++ {
				dst = append(dst, ' ')
			}
			dst = append(dst, '|')
		}
		dst = append(dst, '\n')
		b = b[n:]
		ofs += uint64(n)
	}
	return dst
}
