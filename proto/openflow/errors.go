package openflow

import (
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
)

// OpenFlow errors.
//
// ErrorCode names one error the way OVS does (OFPBRC_BAD_TYPE,
// NXBRC_NXM_INVALID ...), independent of version. Each version encodes it
// differently: a standard type/code pair, a Nicira vendor error (type
// 0xb0c2 in 1.0/1.1) or an experimenter error (type 0xffff in 1.2+), and
// some errors exist only in some versions. The table is generated from
// the real ovs-ofctl so that names and numbers match it exactly.

// ErrorCode is a version-independent OpenFlow error. The zero value is
// no error. It implements error so decoders can return it directly.
type ErrorCode uint16

type wireError struct {
	vendor uint32
	typ    uint16
	code   uint16
	ok     bool
}

type errorEntry struct {
	name string
	wire [6]wireError
}

type wireKey struct {
	v      Version
	vendor uint32
	typ    uint16
	code   uint16
}

// errorIndexes builds the reverse lookups on first use: every tool of the
// binary links this package, and most never decode an OpenFlow error, so
// the maps are not built at start-up.
var errorIndexes = sync.OnceValues(func() (map[string]ErrorCode, map[wireKey]ErrorCode) {
	errorByName := make(map[string]ErrorCode, len(errorTable))
	errorByWire := make(map[wireKey]ErrorCode, 4*len(errorTable))
	for i := 1; i < len(errorTable); i++ {
		e := &errorTable[i]
		errorByName[e.name] = ErrorCode(i)
		for vi, w := range e.wire {
			if !w.ok {
				continue
			}
			k := wireKey{Version(vi + 1), w.vendor, w.typ, w.code}
			if _, dup := errorByWire[k]; !dup { // OVS decodes to the first name in its order
				errorByWire[k] = ErrorCode(i)
			}
		}
	}
	return errorByName, errorByWire
})

// Error returns OVS's name of the error.
func (e ErrorCode) Error() string { return e.Name() }

// Name returns OVS's name of the error ("OFPBRC_BAD_TYPE").
func (e ErrorCode) Name() string {
	if e == 0 || int(e) >= len(errorTable) {
		return fmt.Sprintf("<invalid OpenFlow error %d>", e)
	}
	return errorTable[e].name
}

// ErrorByName looks an error up by its OVS name.
func ErrorByName(name string) (ErrorCode, bool) {
	byName, _ := errorIndexes()
	e, ok := byName[name]
	return e, ok
}

// Wire returns how version v encodes e: vendor (0 for standard errors),
// type and code. ok is false when v cannot express e.
func (e ErrorCode) Wire(v Version) (vendor uint32, typ, code uint16, ok bool) {
	if e == 0 || int(e) >= len(errorTable) || !v.Known() {
		return 0, 0, 0, false
	}
	w := errorTable[e].wire[v-1]
	return w.vendor, w.typ, w.code, w.ok
}

// ErrorFromWire maps a (version, vendor, type, code) back to an error.
func ErrorFromWire(v Version, vendor uint32, typ, code uint16) (ErrorCode, bool) {
	_, byWire := errorIndexes()
	e, ok := byWire[wireKey{v, vendor, typ, code}]
	return e, ok
}

// IsHelloFailed reports whether e is an OFPET_HELLO_FAILED error, whose
// data is text rather than the offending message.
func (e ErrorCode) IsHelloFailed() bool {
	_, typ, _, ok := e.Wire(V10)
	return ok && typ == 0 && strings.HasPrefix(e.Name(), "OFPHFC_")
}

// PrintErrorText is what "ovs-ofctl print-error NAME" prints for e: one
// line per version that can express it.
func (e ErrorCode) PrintErrorText() string {
	var sb strings.Builder
	for v := V10; v <= V15; v++ {
		vendor, typ, code, ok := e.Wire(v)
		if !ok {
			continue
		}
		vs := "0"
		if vendor != 0 {
			vs = fmt.Sprintf("%#x", vendor)
		}
		fmt.Fprintf(&sb, "OpenFlow %s: vendor %s, type %d, code %d\n", v.dotted(), vs, typ, code)
	}
	return sb.String()
}

// Wire constants for vendor errors.
const (
	nxetVendor        = 0xb0c2 // 1.0/1.1: Nicira vendor error
	ofpetExperimenter = 0xffff // 1.2+: experimenter error
)

// ErrorMsg is OFPT_ERROR. Data is the offending message (or its start)
// for most errors and human-readable text for OFPET_HELLO_FAILED.
type ErrorMsg struct {
	Code ErrorCode
	Data []byte
}

func (*ErrorMsg) Type() MsgType { return MsgError }

// appendBody substitutes NXBRC_UNENCODABLE_ERROR when the error has no
// encoding in the connection's version, as OVS does.
func (m *ErrorMsg) appendBody(dst []byte, v Version) ([]byte, error) {
	vendor, typ, code, ok := m.Code.Wire(v)
	if !ok {
		vendor, typ, code, ok = NXBRC_UNENCODABLE_ERROR.Wire(v)
		if !ok {
			return dst, fmt.Errorf("cannot encode %s for OpenFlow %s", m.Code.Name(), v.dotted())
		}
	}
	switch {
	case vendor == 0:
		dst = binary.BigEndian.AppendUint16(dst, typ)
		dst = binary.BigEndian.AppendUint16(dst, code)
	case v <= V11:
		dst = append(dst, 0xb0, 0xc2, 0, 0)
		dst = binary.BigEndian.AppendUint32(dst, vendor)
		dst = binary.BigEndian.AppendUint16(dst, typ)
		dst = binary.BigEndian.AppendUint16(dst, code)
	default:
		dst = append(dst, 0xff, 0xff)
		dst = binary.BigEndian.AppendUint16(dst, typ)
		dst = binary.BigEndian.AppendUint32(dst, vendor)
	}
	return append(dst, m.Data...), nil
}

func decodeError(b []byte, v Version) (Message, error) {
	if len(b) < 4 {
		return nil, OFPBRC_BAD_LEN
	}
	typ := binary.BigEndian.Uint16(b)
	code := binary.BigEndian.Uint16(b[2:])
	var vendor uint32
	data := b[4:]
	switch {
	case typ == nxetVendor && v <= V11:
		if len(b) < 12 {
			return nil, OFPBRC_BAD_LEN
		}
		vendor = binary.BigEndian.Uint32(b[4:])
		typ = binary.BigEndian.Uint16(b[8:])
		code = binary.BigEndian.Uint16(b[10:])
		data = b[12:]
	case typ == ofpetExperimenter && v >= V12:
		if len(b) < 8 {
			return nil, OFPBRC_BAD_LEN
		}
		typ = code
		code = 0
		vendor = binary.BigEndian.Uint32(b[4:])
		data = b[8:]
	}
	e, ok := ErrorFromWire(v, vendor, typ, code)
	if !ok {
		// OVS reports an unknown error as a badly formed message.
		return nil, OFPBRC_BAD_LEN
	}
	return &ErrorMsg{Code: e, Data: data}, nil
}

// maxErrorData bounds the copy of a request echoed in an error reply so
// the reply always fits the 16-bit length.
const maxErrorData = MaxMessageLen - 32

// EncodeErrorReply builds the error reply OVS sends for request: same
// version and xid, the request echoed as data. It fails like
// "ovs-ofctl encode-error-reply" when request is not a whole message.
func EncodeErrorReply(e ErrorCode, request []byte) ([]byte, error) {
	h, ok := ParseHeader(request)
	if !ok || int(h.Length) != len(request) {
		return nil, fmt.Errorf("Request size inconsistent")
	}
	v := Version(h.Version)
	if !v.Known() {
		v = V15
		if h.Version < uint8(V10) {
			v = V10
		}
	}
	data := request
	if len(data) > maxErrorData {
		data = data[:maxErrorData]
	}
	return Encode(&ErrorMsg{Code: e, Data: data}, uint8(v), h.Xid)
}

func registerErrorDecoders() { decoders[MsgError] = decodeError }
