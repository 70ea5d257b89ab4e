package openflow

import "encoding/binary"

// The fixed-layout match of OpenFlow 1.1 (ofp11_match) on its own, for
// the tool that takes it apart outside a message (ovs-ofctl
// parse-ofp11-match).

// Match11Len is the size of the layout.
const Match11Len = match11Len

// DecodeMatch11Body reads a 1.1 match, ignoring its type and length
// words (which a message decoder checks before it gets here).
func DecodeMatch11Body(b []byte) (*Match, error) {
	if len(b) < match11Len {
		return nil, OFPBRC_BAD_LEN
	}
	var c [match11Len]byte
	copy(c[:], b)
	binary.BigEndian.PutUint16(c[0:], 0)
	binary.BigEndian.PutUint16(c[2:], match11Len)
	return decodeMatch11(c[:])
}

// AppendMatch11 appends m in the 1.1 layout.
func AppendMatch11(b []byte, m *Match) []byte { return appendMatch11(b, m) }
