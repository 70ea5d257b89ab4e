package openflow

import (
	"encoding/binary"
	"fmt"
)

// Hello and version negotiation.
//
// A hello carries the sender's highest version in its header and, from
// 1.3 on, an optional bitmap element listing every version it allows.
// Like OVS, the encoder omits the element when the header version alone
// says the same thing (every version from 1.0 up to it), so hellos to old
// peers stay 8 bytes.

// Hello is OFPT_HELLO.
type Hello struct {
	// Versions the sender allows.
	Versions VersionBitmap
	// Explicit is true when the decoded hello carried a bitmap element
	// (rather than implying "the header version and all earlier ones").
	Explicit bool
}

func (*Hello) Type() MsgType { return MsgHello }

const helloElemVersionBitmap = 1

// impliedBitmap is what a hello without a bitmap element means.
func impliedBitmap(v uint8) VersionBitmap {
	if v >= 31 {
		return ^VersionBitmap(1)
	}
	return VersionBitmap(1)<<(v+1) - 2
}

// NewHello returns the hello OVS sends when it allows versions: the
// header version is the highest one.
func NewHello(versions VersionBitmap) *Hello { return &Hello{Versions: versions} }

// EncodeHello encodes h with the header version set to its highest
// allowed version, which is how a hello must be sent.
func EncodeHello(versions VersionBitmap, xid uint32) ([]byte, error) {
	v := versions.Highest()
	if !v.Known() {
		return nil, fmt.Errorf("no OpenFlow version to send hello with")
	}
	return Encode(NewHello(versions), uint8(v), xid)
}

func (m *Hello) appendBody(dst []byte, v Version) ([]byte, error) {
	if m.Versions == 0 || m.Versions == impliedBitmap(uint8(v)) {
		return dst, nil
	}
	dst = binary.BigEndian.AppendUint16(dst, helloElemVersionBitmap)
	dst = binary.BigEndian.AppendUint16(dst, 8)
	return binary.BigEndian.AppendUint32(dst, uint32(m.Versions)), nil
}

func decodeHello(b []byte, v Version) (Message, error) {
	h := &Hello{Versions: impliedBitmap(uint8(v))}
	// Elements are parsed leniently, as hellos must be: a peer from the
	// future may send element types we do not know.
	for len(b) >= 4 {
		typ := binary.BigEndian.Uint16(b)
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n < 4 || n > len(b) {
			break
		}
		if typ == helloElemVersionBitmap && n >= 8 {
			bm := VersionBitmap(binary.BigEndian.Uint32(b[4:]))
			if bm != 0 {
				h.Versions = bm
				h.Explicit = true
			}
		}
		adv := (n + 7) &^ 7
		if adv > len(b) {
			break
		}
		b = b[adv:]
	}
	return h, nil
}

// peerVersionText is how OVS describes the peer's versions in the
// negotiation failure text.
func peerVersionText(h *Hello, hdrVersion uint8) string {
	if !h.Explicit && hdrVersion > uint8(V10) {
		return fmt.Sprintf("version 0x%02x and earlier", hdrVersion)
	}
	return versionsText(h.Versions)
}

func versionsText(b VersionBitmap) string {
	word := "versions "
	if b&(b-1) == 0 {
		word = "version "
	}
	return word + string(b.appendList(nil))
}

// NegotiationError is the result of a failed negotiation: Reply is the
// OFPHFC_INCOMPATIBLE error to send and Log is OVS's warning text.
type NegotiationError struct {
	Reply []byte
	Log   string
}

func (e *NegotiationError) Error() string { return e.Log }

// NegotiateHello applies OVS's rule to a received hello (the whole
// message): the highest version both allow. On failure it returns a
// *NegotiationError whose Reply is the error message OVS sends, in the
// peer's highest version with xid 0.
func NegotiateHello(ours VersionBitmap, peer []byte) (Version, error) {
	m, h, err := Decode(peer)
	if err != nil {
		return 0, err
	}
	hello, ok := m.(*Hello)
	if !ok {
		return 0, fmt.Errorf("received %s instead of OFPT_HELLO", msgName(m.Type(), Version(h.Version)))
	}
	if v, ok := Negotiate(ours, hello.Versions); ok {
		return v, nil
	}
	ev := hello.Versions.Highest()
	if !ev.Known() {
		ev = ours.Highest()
		if !ev.Known() {
			ev = V10
		}
	}
	text := fmt.Sprintf("We support %s, you support %s, no common versions.",
		versionsText(ours), peerVersionText(hello, h.Version))
	reply, err := Encode(&ErrorMsg{Code: OFPHFC_INCOMPATIBLE, Data: []byte(text)}, uint8(ev), 0)
	if err != nil {
		return 0, err
	}
	return 0, &NegotiationError{
		Reply: reply,
		Log: fmt.Sprintf("version negotiation failed (we support %s, peer supports %s)",
			versionsText(ours), peerVersionText(hello, h.Version)),
	}
}

func registerHelloDecoders() { decoders[MsgHello] = decodeHello }
