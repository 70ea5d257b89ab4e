package openflow

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// Message framing and the version-independent message model.
//
// Every message type has one Go type used by all versions; the codec maps
// it to each version's type number (1.0 and 1.1+ number types differently
// from 15 on) or to a Nicira vendor subtype. A type the model does not
// cover yet decodes to an *UnsupportedError carrying the header, so a
// switch can answer it with OFPBRC_BAD_TYPE instead of dropping the
// connection, and new message types slot in by adding one codec entry.

// HeaderLen is the length of the fixed OpenFlow header.
const HeaderLen = 8

// MaxMessageLen is the largest length the 16-bit header field can carry.
const MaxMessageLen = 0xffff

// Header is the fixed header every OpenFlow message starts with.
type Header struct {
	Version uint8
	Type    uint8
	Length  uint16
	Xid     uint32
}

// ParseHeader reads the header from the first 8 bytes of b.
func ParseHeader(b []byte) (Header, bool) {
	if len(b) < HeaderLen {
		return Header{}, false
	}
	return Header{b[0], b[1], binary.BigEndian.Uint16(b[2:]), binary.BigEndian.Uint32(b[4:])}, true
}

func (h Header) append(dst []byte) []byte {
	dst = append(dst, h.Version, h.Type, byte(h.Length>>8), byte(h.Length))
	return binary.BigEndian.AppendUint32(dst, h.Xid)
}

// ErrShortLength is returned by ReadMessage and SplitMessage when a
// header's length field is below the header size: such a stream cannot be
// resynchronised, so the connection must be dropped.
var ErrShortLength = errors.New("OpenFlow message length shorter than header")

// ReadMessage reads one whole message from r into buf (grown as needed)
// and returns it. A length field below 8 is an error: the stream cannot be
// resynchronised after it. io.EOF is returned only between messages.
func ReadMessage(r io.Reader, buf []byte) ([]byte, error) {
	if cap(buf) < HeaderLen {
		buf = make([]byte, 0, 512)
	}
	buf = buf[:HeaderLen]
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint16(buf[2:]))
	if n < HeaderLen {
		return nil, fmt.Errorf("%w (length %d)", ErrShortLength, n)
	}
	if cap(buf) < n {
		nb := make([]byte, n)
		copy(nb, buf)
		buf = nb
	}
	buf = buf[:n]
	if _, err := io.ReadFull(r, buf[HeaderLen:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// SplitMessage splits the first complete message off b. It returns
// (nil, b, nil) when b does not hold a whole message yet, and an error
// when the length field is impossible.
func SplitMessage(b []byte) (msg, rest []byte, err error) {
	if len(b) < HeaderLen {
		return nil, b, nil
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < HeaderLen {
		return nil, b, fmt.Errorf("%w (length %d)", ErrShortLength, n)
	}
	if len(b) < n {
		return nil, b, nil
	}
	return b[:n:n], b[n:], nil
}

// MsgType identifies a message kind independently of version.
type MsgType uint16

// Message types. Nicira extensions have their own entries because their
// bodies differ from the standard ones they resemble.
const (
	MsgInvalid MsgType = iota
	MsgHello
	MsgError
	MsgEchoRequest
	MsgEchoReply
	MsgExperimenter
	MsgFeaturesRequest
	MsgFeaturesReply
	MsgGetConfigRequest
	MsgGetConfigReply
	MsgSetConfig
	MsgPacketIn
	MsgFlowRemoved
	MsgPortStatus
	MsgPacketOut
	MsgFlowMod
	MsgGroupMod
	MsgPortMod
	MsgTableMod
	MsgMultipartRequest
	MsgMultipartReply
	MsgBarrierRequest
	MsgBarrierReply
	MsgQueueGetConfigRequest
	MsgQueueGetConfigReply
	MsgRoleRequest
	MsgRoleReply
	MsgGetAsyncRequest
	MsgGetAsyncReply
	MsgSetAsync
	MsgMeterMod
	MsgRoleStatus
	MsgTableStatus
	MsgRequestForward
	MsgBundleControl
	MsgBundleAddMessage
	MsgControllerStatus
	MsgNXRoleRequest
	MsgNXRoleReply
	MsgNXSetFlowFormat
	MsgNXFlowModTableID
	MsgNXSetPacketInFormat
	MsgNXSetAsyncConfig
	MsgNXPacketIn
	MsgNXPacketIn2
	MsgNXFlowMod
	MsgNXFlowRemoved
	MsgNXFlowMonitorCancel
	MsgNXFlowMonitorPaused
	MsgNXFlowMonitorResumed
	numMsgTypes
)

// Message is one decoded OpenFlow message.
type Message interface{ Type() MsgType }

// Vendor IDs.
const (
	NiciraVendor uint32 = 0x00002320
	ONFVendor    uint32 = 0x4f4e4600
)

// Raw type numbers shared by every version.
const (
	rawHello        = 0
	rawError        = 1
	rawEchoRequest  = 2
	rawEchoReply    = 3
	rawExperimenter = 4
)

// OF1.0 raw types from 12 on, which 1.1 renumbered. (Arrays and slices
// of constants here rather than maps: the linker lays them out, where a
// map literal is built by code at every start of every tool.)
var raw10 = [...]MsgType{
	0: MsgHello, 1: MsgError, 2: MsgEchoRequest, 3: MsgEchoReply, 4: MsgExperimenter,
	5: MsgFeaturesRequest, 6: MsgFeaturesReply, 7: MsgGetConfigRequest, 8: MsgGetConfigReply,
	9: MsgSetConfig, 10: MsgPacketIn, 11: MsgFlowRemoved, 12: MsgPortStatus, 13: MsgPacketOut,
	14: MsgFlowMod, 15: MsgPortMod, 16: MsgMultipartRequest, 17: MsgMultipartReply,
	18: MsgBarrierRequest, 19: MsgBarrierReply, 20: MsgQueueGetConfigRequest,
	21: MsgQueueGetConfigReply,
}

// raw11 lists the 1.1+ types with the first version that has each.
var raw11 = [...]struct {
	t   MsgType
	min Version
	max Version
}{
	{MsgHello, V11, V15}, {MsgError, V11, V15}, {MsgEchoRequest, V11, V15}, {MsgEchoReply, V11, V15},
	{MsgExperimenter, V11, V15}, {MsgFeaturesRequest, V11, V15}, {MsgFeaturesReply, V11, V15},
	{MsgGetConfigRequest, V11, V15}, {MsgGetConfigReply, V11, V15}, {MsgSetConfig, V11, V15},
	{MsgPacketIn, V11, V15}, {MsgFlowRemoved, V11, V15}, {MsgPortStatus, V11, V15},
	{MsgPacketOut, V11, V15}, {MsgFlowMod, V11, V15}, {MsgGroupMod, V11, V15}, {MsgPortMod, V11, V15},
	{MsgTableMod, V11, V15}, {MsgMultipartRequest, V11, V15}, {MsgMultipartReply, V11, V15},
	{MsgBarrierRequest, V11, V15}, {MsgBarrierReply, V11, V15},
	{MsgQueueGetConfigRequest, V11, V13}, {MsgQueueGetConfigReply, V11, V13},
	{MsgRoleRequest, V12, V15}, {MsgRoleReply, V12, V15},
	{MsgGetAsyncRequest, V13, V15}, {MsgGetAsyncReply, V13, V15}, {MsgSetAsync, V13, V15},
	{MsgMeterMod, V13, V15}, {MsgRoleStatus, V14, V15}, {MsgTableStatus, V14, V15},
	{MsgRequestForward, V14, V15}, {MsgBundleControl, V14, V15}, {MsgBundleAddMessage, V14, V15},
	{MsgControllerStatus, V15, V15},
}

// Nicira vendor subtypes.
var nxSubtypes = [...]struct {
	sub uint32
	t   MsgType
}{
	{10, MsgNXRoleRequest}, {11, MsgNXRoleReply}, {12, MsgNXSetFlowFormat},
	{15, MsgNXFlowModTableID}, {16, MsgNXSetPacketInFormat}, {19, MsgNXSetAsyncConfig},
	{17, MsgNXPacketIn}, {30, MsgNXPacketIn2},
	{13, MsgNXFlowMod}, {14, MsgNXFlowRemoved},
}

// nxSubtype returns the message type of Nicira subtype sub.
func nxSubtype(sub uint32) (MsgType, bool) {
	for _, e := range nxSubtypes {
		if e.sub == sub {
			return e.t, true
		}
	}
	return MsgInvalid, false
}

// extMsgs are message types carried as a vendor extension in some
// versions only: OVS's NXT_GROUP_MOD gives 1.0 groups, the ONF extension
// 230 gives 1.3 bundles, and the flow monitor notifications are Nicira
// messages in 1.0-1.2 and ONF ones (1870-1872) in 1.3. name is OVS's name
// for the carrier.
var extMsgs = [...]struct {
	t        MsgType
	min, max Version
	vendor   uint32
	sub      uint32
	name     string
}{
	{MsgGroupMod, V10, V10, NiciraVendor, 31, "NXT_GROUP_MOD"},
	{MsgBundleControl, V13, V13, ONFVendor, 2300, "ONFT_BUNDLE_CONTROL"},
	{MsgBundleAddMessage, V13, V13, ONFVendor, 2301, "ONFT_BUNDLE_ADD_MESSAGE"},
	{MsgNXFlowMonitorCancel, V10, V12, NiciraVendor, 21, "NXT_FLOW_MONITOR_CANCEL"},
	{MsgNXFlowMonitorPaused, V10, V12, NiciraVendor, 22, "NXT_FLOW_MONITOR_PAUSED"},
	{MsgNXFlowMonitorResumed, V10, V12, NiciraVendor, 23, "NXT_FLOW_MONITOR_RESUMED"},
	{MsgNXFlowMonitorCancel, V13, V13, ONFVendor, 1870, "ONFT_FLOW_MONITOR_CANCEL"},
	{MsgNXFlowMonitorPaused, V13, V13, ONFVendor, 1871, "ONFT_FLOW_MONITOR_PAUSED"},
	{MsgNXFlowMonitorResumed, V13, V13, ONFVendor, 1872, "ONFT_FLOW_MONITOR_RESUMED"},
}

// extMsg returns the index in extMsgs carrying t in version v, or -1.
func extMsg(t MsgType, v Version) int {
	for i := range extMsgs {
		if e := &extMsgs[i]; e.t == t && v >= e.min && v <= e.max {
			return i
		}
	}
	return -1
}

type rawEntry struct {
	typ    uint8
	vendor uint32
	nx     uint32
	ok     bool
}

// rawTypes[t][v] is how version v carries t, precomputed on first use so
// that encoding does no searching (and a tool that encodes nothing does not
// build it).
var rawTypes = sync.OnceValue(func() *[numMsgTypes][V15 + 1]rawEntry {
	var tab [numMsgTypes][V15 + 1]rawEntry
	for v := V10; v <= V15; v++ {
		if v == V10 {
			for raw, mt := range raw10 {
				tab[mt][v] = rawEntry{typ: uint8(raw), ok: true}
			}
		} else {
			for raw, e := range raw11 {
				if v >= e.min && v <= e.max {
					tab[e.t][v] = rawEntry{typ: uint8(raw), ok: true}
				}
			}
		}
		for _, e := range nxSubtypes {
			if e.t != MsgNXSetFlowFormat || v == V10 {
				tab[e.t][v] = rawEntry{typ: rawExperimenter, vendor: NiciraVendor, nx: e.sub, ok: true}
			}
		}
		for _, e := range extMsgs {
			if v >= e.min && v <= e.max {
				tab[e.t][v] = rawEntry{typ: rawExperimenter, vendor: e.vendor, nx: e.sub, ok: true}
			}
		}
	}
	return &tab
})

// rawType returns the header type byte (and, for Nicira messages, the
// subtype) that carries t in version v.
func rawType(t MsgType, v Version) (typ uint8, nx uint32, ok bool) {
	if t >= numMsgTypes || !v.Known() {
		return 0, 0, false
	}
	e := rawTypes()[t][v]
	return e.typ, e.nx, e.ok
}

// classify maps a header (and the vendor prefix of an experimenter body)
// to a MsgType.
func classify(h Header, b []byte) (MsgType, uint32, uint32) {
	var t MsgType
	if h.Version == uint8(V10) {
		if int(h.Type) < len(raw10) {
			t = raw10[h.Type]
		}
	} else if int(h.Type) < len(raw11) {
		e := raw11[h.Type]
		if Version(h.Version) >= e.min && (Version(h.Version) <= e.max || !Version(h.Version).Known()) {
			t = e.t
		}
	}
	if t != MsgExperimenter || len(b) < 16 {
		return t, 0, 0
	}
	vendor := binary.BigEndian.Uint32(b[8:])
	sub := binary.BigEndian.Uint32(b[12:])
	if vendor == NiciraVendor {
		// NXT_SET_FLOW_FORMAT only makes sense where 1.0 matches are used.
		if mt, ok := nxSubtype(sub); ok && (mt != MsgNXSetFlowFormat || h.Version == uint8(V10)) {
			return mt, vendor, sub
		}
	}
	for _, e := range extMsgs {
		if e.vendor == vendor && e.sub == sub && Version(h.Version) >= e.min && Version(h.Version) <= e.max {
			return e.t, vendor, sub
		}
	}
	return MsgExperimenter, vendor, sub
}

// UnsupportedError is returned by Decode for a well-framed message whose
// type this package does not model (yet). A switch answers it with
// OFPBRC_BAD_TYPE (or BAD_EXPERIMENTER when Vendor is set).
type UnsupportedError struct {
	Header  Header
	Type    MsgType
	Vendor  uint32
	Subtype uint32
}

func (e *UnsupportedError) Error() string {
	if e.Type == MsgExperimenter {
		return fmt.Sprintf("unsupported OpenFlow experimenter message (version 0x%02x, vendor 0x%x, subtype %d)",
			e.Header.Version, e.Vendor, e.Subtype)
	}
	return fmt.Sprintf("unsupported OpenFlow message type %d (version 0x%02x)", e.Header.Type, e.Header.Version)
}

// Reply is the protocol error a peer should be sent for this message.
func (e *UnsupportedError) Reply() ErrorCode {
	if e.Type == MsgExperimenter {
		if e.Vendor == NiciraVendor {
			return OFPBRC_BAD_SUBTYPE
		}
		return OFPBRC_BAD_VENDOR
	}
	return OFPBRC_BAD_TYPE
}

// Encode serialises m for version v with transaction id xid.
func Encode(m Message, v uint8, xid uint32) ([]byte, error) {
	return AppendMessage(nil, m, v, xid)
}

// AppendMessage is Encode appending to dst.
func AppendMessage(dst []byte, m Message, v uint8, xid uint32) ([]byte, error) {
	ver := Version(v)
	if !ver.Known() {
		return dst, fmt.Errorf("cannot encode OpenFlow version 0x%02x", v)
	}
	typ, nx, ok := rawType(m.Type(), ver)
	if !ok {
		return dst, fmt.Errorf("%s cannot be encoded in %s", msgName(m.Type(), ver), ver)
	}
	start := len(dst)
	dst = Header{Version: v, Type: typ, Xid: xid}.append(dst)
	if nx != 0 {
		dst = binary.BigEndian.AppendUint32(dst, rawTypes()[m.Type()][ver].vendor)
		dst = binary.BigEndian.AppendUint32(dst, nx)
	}
	enc, ok := m.(bodyEncoder)
	if !ok {
		return dst[:start], fmt.Errorf("%s cannot be encoded yet", msgName(m.Type(), ver))
	}
	var err error
	dst, err = enc.appendBody(dst, ver)
	if err != nil {
		return dst[:start], err
	}
	n := len(dst) - start
	if n > MaxMessageLen {
		return dst[:start], fmt.Errorf("%s too long (%d bytes)", msgName(m.Type(), ver), n)
	}
	binary.BigEndian.PutUint16(dst[start+2:], uint16(n))
	return dst, nil
}

type bodyEncoder interface {
	appendBody(dst []byte, v Version) ([]byte, error)
}

// decoders maps a type to its body decoder. body is the message after the
// header (and after the vendor/subtype words for Nicira messages). Each
// file registers the decoders of its messages; registerDecoders calls them
// on the first Decode rather than at init, because every tool of the binary
// links this package and most never decode a message, while a dozen init
// functions cost a dozen code pages faulted in at each start.
var (
	decoders     [numMsgTypes]func(body []byte, v Version) (Message, error)
	decodersOnce sync.Once
)

func registerDecoders() {
	registerBundleDecoders()
	registerErrorDecoders()
	registerFlowModDecoders()
	registerFlowRemovedDecoders()
	registerGroupDecoders()
	registerHelloDecoders()
	registerMeterDecoders()
	registerMonitorDecoders()
	registerAsyncDecoders()
	registerPortDecoders()
	registerSimpleDecoders()
	registerPacketInDecoders()
	registerPacketOutDecoders()
	registerQueueConfigDecoders()
	registerStatsDecoders()
}

// Decode parses one whole message. b must be exactly one message (its
// length field equal to len(b)). Protocol errors are ErrorCode values
// (OFPBRC_BAD_LEN ...); unmodelled types give *UnsupportedError.
func Decode(b []byte) (Message, Header, error) {
	h, ok := ParseHeader(b)
	if !ok || int(h.Length) != len(b) {
		return nil, h, OFPBRC_BAD_LEN
	}
	t, vendor, sub := classify(h, b)
	decodersOnce.Do(registerDecoders)
	if t == MsgInvalid || t == MsgExperimenter || decoders[t] == nil {
		if t == MsgExperimenter && len(b) < 16 {
			return nil, h, OFPBRC_BAD_LEN
		}
		return nil, h, &UnsupportedError{Header: h, Type: t, Vendor: vendor, Subtype: sub}
	}
	body := b[HeaderLen:]
	if vendor != 0 {
		body = b[16:]
	}
	m, err := decoders[t](body, Version(h.Version))
	if hc, ok := m.(headerChecker); ok && err == nil {
		if err = hc.checkHeader(h); err != nil {
			m = nil
		}
	}
	return m, h, err
}

// headerChecker is a decoded message with checks that need its header
// (a bundled message must match its carrier's version and xid).
type headerChecker interface{ checkHeader(Header) error }

var msgNames = [numMsgTypes]string{
	MsgHello: "OFPT_HELLO", MsgError: "OFPT_ERROR", MsgEchoRequest: "OFPT_ECHO_REQUEST",
	MsgEchoReply: "OFPT_ECHO_REPLY", MsgExperimenter: "OFPT_VENDOR",
	MsgFeaturesRequest: "OFPT_FEATURES_REQUEST", MsgFeaturesReply: "OFPT_FEATURES_REPLY",
	MsgGetConfigRequest: "OFPT_GET_CONFIG_REQUEST", MsgGetConfigReply: "OFPT_GET_CONFIG_REPLY",
	MsgSetConfig: "OFPT_SET_CONFIG", MsgPacketIn: "OFPT_PACKET_IN", MsgFlowRemoved: "OFPT_FLOW_REMOVED",
	MsgPortStatus: "OFPT_PORT_STATUS", MsgPacketOut: "OFPT_PACKET_OUT", MsgFlowMod: "OFPT_FLOW_MOD",
	MsgGroupMod: "OFPT_GROUP_MOD", MsgPortMod: "OFPT_PORT_MOD", MsgTableMod: "OFPT_TABLE_MOD",
	MsgMultipartRequest: "OFPST_REQUEST", MsgMultipartReply: "OFPST_REPLY",
	MsgBarrierRequest: "OFPT_BARRIER_REQUEST", MsgBarrierReply: "OFPT_BARRIER_REPLY",
	MsgQueueGetConfigRequest: "OFPT_QUEUE_GET_CONFIG_REQUEST",
	MsgQueueGetConfigReply:   "OFPT_QUEUE_GET_CONFIG_REPLY",
	MsgRoleRequest:           "OFPT_ROLE_REQUEST", MsgRoleReply: "OFPT_ROLE_REPLY",
	MsgGetAsyncRequest: "OFPT_GET_ASYNC_REQUEST", MsgGetAsyncReply: "OFPT_GET_ASYNC_REPLY",
	MsgSetAsync: "OFPT_SET_ASYNC", MsgMeterMod: "OFPT_METER_MOD", MsgRoleStatus: "OFPT_ROLE_STATUS",
	MsgTableStatus: "OFPT_TABLE_STATUS", MsgRequestForward: "OFPT_REQUESTFORWARD",
	MsgBundleControl: "OFPT_BUNDLE_CONTROL", MsgBundleAddMessage: "OFPT_BUNDLE_ADD_MESSAGE",
	MsgControllerStatus: "OFPT_CONTROLLER_STATUS",
	MsgNXRoleRequest:    "NXT_ROLE_REQUEST", MsgNXRoleReply: "NXT_ROLE_REPLY",
	MsgNXSetFlowFormat: "NXT_SET_FLOW_FORMAT", MsgNXFlowModTableID: "NXT_FLOW_MOD_TABLE_ID",
	MsgNXSetPacketInFormat: "NXT_SET_PACKET_IN_FORMAT", MsgNXSetAsyncConfig: "NXT_SET_ASYNC_CONFIG",
	MsgNXPacketIn: "NXT_PACKET_IN", MsgNXPacketIn2: "NXT_PACKET_IN2",
	MsgNXFlowMod: "NXT_FLOW_MOD", MsgNXFlowRemoved: "NXT_FLOW_REMOVED",
	MsgNXFlowMonitorCancel: "NXT_FLOW_MONITOR_CANCEL", MsgNXFlowMonitorPaused: "NXT_FLOW_MONITOR_PAUSED",
	MsgNXFlowMonitorResumed: "NXT_FLOW_MONITOR_RESUMED",
}

// msgName is OVS's name for t as sent in version v.
func msgName(t MsgType, v Version) string {
	switch {
	case t == MsgExperimenter && v != V10:
		return "OFPT_EXPERIMENTER"
	case t == MsgMultipartRequest && v >= V13:
		return "OFPMP_REQUEST"
	case t == MsgMultipartReply && v >= V13:
		return "OFPMP_REPLY"
	case extMsg(t, v) >= 0:
		return extMsgs[extMsg(t, v)].name
	case t < numMsgTypes && msgNames[t] != "":
		return msgNames[t]
	}
	return "MsgType(" + strconv.Itoa(int(t)) + ")"
}

// String returns OVS's 1.0 name for the type.
func (t MsgType) String() string { return msgName(t, V10) }
