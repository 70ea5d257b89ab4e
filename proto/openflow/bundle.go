package openflow

// Bundles: OFPT_BUNDLE_CONTROL and OFPT_BUNDLE_ADD_MESSAGE (1.4+) and the
// ONF extension 230 that gives OpenFlow 1.3 the same two messages
// (ONFT_BUNDLE_CONTROL, ONFT_BUNDLE_ADD_MESSAGE) with the same bodies.
//
// BundleAdd keeps the inner message as bytes, whole: a switch must check
// and store it before it decides to decode it, and ofp-print shows it
// with its own header. Decoding checks what OVS checks on receipt (same
// version and xid as the carrier, a message type bundles may hold), so a
// decoded BundleAdd is one a switch may queue.

// BundleCtrlType is OFPBCT_*.
type BundleCtrlType uint16

// Bundle control types.
const (
	BundleOpenRequest BundleCtrlType = iota
	BundleOpenReply
	BundleCloseRequest
	BundleCloseReply
	BundleCommitRequest
	BundleCommitReply
	BundleDiscardRequest
	BundleDiscardReply
)

var bundleCtrlNames = [...]string{"OPEN_REQUEST", "OPEN_REPLY", "CLOSE_REQUEST", "CLOSE_REPLY",
	"COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY"}

// String is OVS's name for the control type ("" for an unknown one, as
// ofp-print shows it).
func (t BundleCtrlType) String() string {
	if int(t) < len(bundleCtrlNames) {
		return bundleCtrlNames[t]
	}
	return ""
}

// BundleFlags are OFPBF_*.
type BundleFlags uint16

// Bundle flags.
const (
	BundleAtomic  BundleFlags = 1
	BundleOrdered BundleFlags = 2
)

// BundleControl opens, closes, commits or discards a bundle, or answers
// one of those. The control type is CtrlType because Type is the Message
// method.
type BundleControl struct {
	BundleID uint32
	CtrlType BundleCtrlType
	Flags    BundleFlags
}

// BundleAdd adds Msg, one whole OpenFlow message of the same version and
// xid as the BundleAdd, to bundle BundleID.
type BundleAdd struct {
	BundleID uint32
	Flags    BundleFlags
	Msg      []byte
}

// Type is MsgBundleControl (ONFT_BUNDLE_CONTROL in OpenFlow 1.3).
func (*BundleControl) Type() MsgType { return MsgBundleControl }

// Type is MsgBundleAddMessage (ONFT_BUNDLE_ADD_MESSAGE in OpenFlow 1.3).
func (*BundleAdd) Type() MsgType { return MsgBundleAddMessage }

func (m *BundleControl) appendBody(b []byte, _ Version) ([]byte, error) {
	b = be32(b, m.BundleID)
	b = be16(b, uint16(m.CtrlType))
	return be16(b, uint16(m.Flags)), nil
}

func (m *BundleAdd) appendBody(b []byte, v Version) ([]byte, error) {
	h, ok := ParseHeader(m.Msg)
	if !ok || int(h.Length) != len(m.Msg) {
		return b, OFPBFC_MSG_BAD_LEN
	}
	if h.Version != uint8(v) {
		return b, OFPBFC_BAD_VERSION
	}
	b = be32(b, m.BundleID)
	b = pad(b, 2)
	b = be16(b, uint16(m.Flags))
	return append(b, m.Msg...), nil
}

// bundleRawLenError is the length check OVS makes before it can name a
// bundle message (the control message is 8 bytes long, then 8-byte
// aligned properties); a message failing it is printed without a title.
func bundleRawLenError(t MsgType, body []byte) error {
	if t == MsgBundleControl && (len(body) < 8 || len(body)%8 != 0) {
		return OFPBRC_BAD_LEN
	}
	if t == MsgBundleAddMessage && len(body) < 8 {
		return OFPBRC_BAD_LEN
	}
	return nil
}

func decodeBundleControl(b []byte, _ Version) (Message, error) {
	if err := bundleRawLenError(MsgBundleControl, b); err != nil {
		return nil, err
	}
	// Properties (b[8:]) are experimenter-only and ignored, as by OVS.
	return &BundleControl{BundleID: u32(b, 0), CtrlType: BundleCtrlType(u16(b, 4)), Flags: BundleFlags(u16(b, 6))}, nil
}

func decodeBundleAdd(b []byte, v Version) (Message, error) {
	if err := bundleRawLenError(MsgBundleAddMessage, b); err != nil {
		return nil, err
	}
	m := &BundleAdd{BundleID: u32(b, 0), Flags: BundleFlags(u16(b, 6))}
	inner := b[8:]
	h, ok := ParseHeader(inner)
	if !ok || int(h.Length) < HeaderLen || int(h.Length) > len(inner) {
		return nil, OFPBFC_MSG_BAD_LEN
	}
	m.Msg = inner[:h.Length:h.Length]
	return m, nil
}

// checkHeader applies the checks that need the carrier's header: the inner
// message has the same version and xid and is one bundles may hold.
func (m *BundleAdd) checkHeader(outer Header) error {
	h, _ := ParseHeader(m.Msg)
	if h.Version != outer.Version {
		return OFPBFC_BAD_VERSION
	}
	if h.Xid != outer.Xid {
		return OFPBFC_MSG_BAD_XID
	}
	inner, _, err := Decode(m.Msg)
	if err != nil {
		return OFPBFC_MSG_UNSUP
	}
	switch inner.(type) {
	case *FlowMod, *GroupMod, *PortMod, *PacketOut:
		return nil
	}
	return OFPBFC_MSG_UNSUP
}

func appendBundleFlags(b []byte, f BundleFlags) []byte {
	if f == 0 {
		return append(b, '0')
	}
	sep := false
	for i, n := range [...]string{"atomic", "ordered"} {
		if f&(1<<i) != 0 {
			if sep {
				b = append(b, ' ')
			}
			b = append(b, n...)
			sep = true
		}
	}
	if rest := f &^ 3; rest != 0 {
		if sep {
			b = append(b, ' ')
		}
		b = appendHex0x(b, uint64(rest))
	}
	return b
}

// appendBundleID prints like C's "%#"PRIx32: "0" or "0x1f".
func appendBundleID(b []byte, id uint32) []byte {
	if id == 0 {
		return append(b, '0')
	}
	return appendHex0x(b, uint64(id))
}

func (m *BundleControl) appendText(b []byte, _ Version) []byte {
	b = appendBundleID(append(b, "\n bundle_id="...), m.BundleID)
	b = append(append(b, " type="...), m.CtrlType.String()...)
	return appendBundleFlags(append(b, " flags="...), m.Flags)
}

func (m *BundleAdd) appendText(b []byte, _ Version) []byte {
	b = appendBundleID(append(b, "\n bundle_id="...), m.BundleID)
	b = appendBundleFlags(append(b, " flags="...), m.Flags)
	b = append(b, '\n')
	return AppendPrint(b, m.Msg)
}

func registerBundleDecoders() {
	decoders[MsgBundleControl] = decodeBundleControl
	decoders[MsgBundleAddMessage] = decodeBundleAdd
}
