package openflow

import (
	"strconv"
	"strings"
)

// Version is an OpenFlow wire version number as it appears in the
// header's first byte.
type Version uint8

// The versions this package speaks.
const (
	V10 Version = 0x01
	V11 Version = 0x02
	V12 Version = 0x03
	V13 Version = 0x04
	V14 Version = 0x05
	V15 Version = 0x06
)

// String returns OVS's protocol name for v ("OpenFlow10" ...), or
// "0xNN" for a version this package does not know.
func (v Version) String() string {
	if v >= V10 && v <= V15 {
		return "OpenFlow1" + string(rune('0'+v-1))
	}
	return "0x" + strconv.FormatUint(uint64(v), 16)
}

// Known reports whether v is one of 1.0 to 1.5.
func (v Version) Known() bool { return v >= V10 && v <= V15 }

// dotted is the "1.3" form used in OVS messages such as print-error.
func (v Version) dotted() string { return "1." + string(rune('0'+v-1)) }

// ParseVersion accepts OVS's protocol names (OpenFlow10 ... OpenFlow15,
// case-insensitive as ovs-ofctl -O accepts them).
func ParseVersion(s string) (Version, bool) {
	ls := strings.ToLower(s)
	if len(ls) == 10 && strings.HasPrefix(ls, "openflow1") && ls[9] >= '0' && ls[9] <= '5' {
		return Version(ls[9]-'0') + 1, true
	}
	return 0, false
}

// VersionBitmap has bit n set when version n is allowed, the layout of
// the OpenFlow 1.3+ hello bitmap element and of OVS's
// "protocols" column.
type VersionBitmap uint32

// BitmapOf returns a bitmap holding exactly the given versions.
func BitmapOf(vs ...Version) VersionBitmap {
	var b VersionBitmap
	for _, v := range vs {
		if v < 32 {
			b |= 1 << v
		}
	}
	return b
}

// AllVersions is every version OVS 3.1 speaks.
const AllVersions VersionBitmap = 1<<V10 | 1<<V11 | 1<<V12 | 1<<V13 | 1<<V14 | 1<<V15

// Has reports whether v is in the bitmap.
func (b VersionBitmap) Has(v Version) bool { return v < 32 && b&(1<<v) != 0 }

// Highest returns the highest version in b, or 0 when b is empty.
func (b VersionBitmap) Highest() Version {
	for v := 31; v > 0; v-- {
		if b&(1<<uint(v)) != 0 {
			return Version(v)
		}
	}
	return 0
}

// Lowest returns the lowest version in b (ignoring bit 0), or 0.
func (b VersionBitmap) Lowest() Version {
	for v := 1; v < 32; v++ {
		if b&(1<<uint(v)) != 0 {
			return Version(v)
		}
	}
	return 0
}

// appendList appends the versions as "0x01, 0x04" (OVS's hello text).
func (b VersionBitmap) appendList(dst []byte) []byte {
	first := true
	for v := 0; v < 32; v++ {
		if b&(1<<uint(v)) == 0 {
			continue
		}
		if !first {
			dst = append(dst, ", "...)
		}
		first = false
		dst = append(dst, "0x"...)
		dst = appendHex2(dst, uint8(v))
	}
	return dst
}

// Negotiate applies OVS's rule: the highest version both sides allow.
// ok is false when they share none.
func Negotiate(ours, theirs VersionBitmap) (Version, bool) {
	v := (ours & theirs).Highest()
	return v, v != 0
}

// appendVersionTag appends the " (OF1.3)" tag ofp-print puts after a message
// name for every version but 1.0.
func appendVersionTag(dst []byte, v uint8) []byte {
	switch {
	case v == uint8(V10):
		return dst
	case Version(v).Known():
		return append(append(append(dst, " (OF"...), Version(v).dotted()...), ')')
	default:
		dst = append(dst, " (OF 0x"...)
		return append(appendHex2(dst, v), ')')
	}
}

const hexDigits = "0123456789abcdef"

func appendHex2(dst []byte, v uint8) []byte {
	return append(dst, hexDigits[v>>4], hexDigits[v&15])
}
