package ovsjson

import (
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// Flags select how Append lays out its output.
type Flags uint8

const (
	// Sort writes object members in byte order of their keys, as OVS's
	// tools print JSON.
	Sort Flags = 1 << iota
	// Pretty indents as OVS's --pretty does: every array element and
	// object member on its own line, two spaces a level, closing brackets
	// straight after the last element.
	Pretty
)

// Append appends the encoding of v to dst and returns the extended slice.
func Append(dst []byte, v Value, flags Flags) []byte {
	return appendValue(dst, v, flags, 0)
}

// Marshal returns the compact, unsorted encoding of v: what goes on a wire.
func Marshal(v Value) []byte { return Append(nil, v, 0) }

func appendValue(dst []byte, v Value, flags Flags, depth int) []byte {
	switch v.Kind {
	case Null:
		return append(dst, "null"...)
	case False:
		return append(dst, "false"...)
	case True:
		return append(dst, "true"...)
	case Integer:
		return strconv.AppendInt(dst, v.I, 10)
	case Real:
		return AppendReal(dst, v.F)
	case String:
		return AppendString(dst, v.S)
	case Raw:
		return append(dst, v.S...)
	case Array:
		dst = append(dst, '[')
		for i := range v.A {
			if i > 0 {
				dst = append(dst, ',')
			}
			if flags&Pretty != 0 {
				dst = newline(dst, depth+1)
			}
			dst = appendValue(dst, v.A[i], flags, depth+1)
		}
		return append(dst, ']')
	case Object:
		dst = append(dst, '{')
		if flags&Pretty != 0 {
			dst = newline(dst, depth+1)
		}
		members := v.O
		if flags&Sort != 0 && !sort.SliceIsSorted(members, func(i, j int) bool { return members[i].Key < members[j].Key }) {
			members = append([]Member(nil), members...)
			sort.Slice(members, func(i, j int) bool { return members[i].Key < members[j].Key })
		}
		for i := range members {
			if i > 0 {
				dst = append(dst, ',')
				if flags&Pretty != 0 {
					dst = newline(dst, depth+1)
				}
			}
			dst = AppendString(dst, members[i].Key)
			dst = append(dst, ':')
			if flags&Pretty != 0 {
				dst = append(dst, ' ')
			}
			dst = appendValue(dst, members[i].Value, flags, depth+1)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

func newline(dst []byte, depth int) []byte {
	dst = append(dst, '\n')
	for i := 0; i < depth; i++ {
		dst = append(dst, ' ', ' ')
	}
	return dst
}

// AppendReal formats f as OVS does: "%.15g", with zero printed as "0" and
// non-finite values (which JSON cannot carry) as 0.
func AppendReal(dst []byte, f float64) []byte {
	if f == 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, '0')
	}
	return strconv.AppendFloat(dst, f, 'g', 15, 64)
}

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string the way OVS writes it: only '"',
// '\\' and control characters are escaped; "/" and non-ASCII UTF-8 pass
// through unchanged. Invalid UTF-8 is replaced with U+FFFD so the output is
// always valid JSON.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += size
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
