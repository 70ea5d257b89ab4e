package storage

import (
	"bytes"
	"crypto/sha1"
	"math"
	"strconv"
)

// Magic is the first word of every record header in a standalone database
// file; ClusterMagic is that of a clustered (Raft) file.
const (
	Magic        = "OVSDB JSON"
	ClusterMagic = "OVSDB CLUSTER"
)

// maxHeaderLine is the longest header line OVS reads; longer lines are cut
// here (and so fail to parse), and error messages quote at most this much.
const maxHeaderLine = 127

const magicPrefix = "OVSDB "

type header struct {
	magic  string // Magic, ClusterMagic or "" for another (unknown) magic
	length uint64
	sha1   [sha1.Size]byte
}

// headerLine trims a line read from the file (including its '\n', if any) to
// what OVS's line reader sees: at most maxHeaderLine bytes, ending at the
// first NUL.
func headerLine(line []byte) []byte {
	if len(line) > maxHeaderLine {
		line = line[:maxHeaderLine]
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	return line
}

// parseHeader parses "<magic> <length> <sha1>\n", with OVS's exact
// leniencies and strictness: the magic is "OVSDB " and one more word; the
// length is read as C's strtoull reads it (leading white space, a sign, a
// negative value wrapping around) and must be neither 0 nor the overflow
// value; then exactly one space, 40 hex digits of either case, and the
// newline straight after.
func parseHeader(line []byte) (h header, ok bool) {
	if !bytes.HasPrefix(line, []byte(magicPrefix)) {
		return h, false
	}
	sp := bytes.IndexByte(line[len(magicPrefix):], ' ')
	if sp < 0 {
		return h, false
	}
	end := len(magicPrefix) + sp
	switch string(line[:end]) {
	case Magic:
		h.magic = Magic
	case ClusterMagic:
		h.magic = ClusterMagic
	}
	rest := line[end+1:]
	n, rest, ok := strtoull(rest)
	if !ok || n == 0 || n == math.MaxUint64 {
		return h, false
	}
	h.length = n
	if len(rest) != 1+2*sha1.Size+1 || rest[0] != ' ' || rest[len(rest)-1] != '\n' {
		return h, false
	}
	for i := range h.sha1 {
		hi, ok1 := unhex(rest[1+2*i])
		lo, ok2 := unhex(rest[2+2*i])
		if !ok1 || !ok2 {
			return h, false
		}
		h.sha1[i] = hi<<4 | lo
	}
	return h, true
}

// headerMagicText is how OVS quotes a header line it could not parse: a line
// that starts like a header is shown up to the end of its magic, anything
// else in full.
func headerMagicText(line []byte) string {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	if bytes.HasPrefix(line, []byte(magicPrefix)) {
		if i := bytes.IndexByte(line[len(magicPrefix):], ' '); i >= 0 {
			return string(line[:len(magicPrefix)+i])
		}
	}
	return string(line)
}

// strtoull parses an unsigned decimal number as C's strtoull(s, &end, 10)
// does. ok is false when there are no digits or the value overflows (C then
// returns ULLONG_MAX, which parseHeader rejects anyway).
func strtoull(s []byte) (n uint64, rest []byte, ok bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	overflow := false
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		d := uint64(s[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			overflow = true
		}
		n = n*10 + d
		i++
	}
	if i == start || overflow {
		return 0, s, false
	}
	if neg {
		n = -n
	}
	return n, s[i:], true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendHeader appends the header for a record whose body (JSON plus its
// newline) is n bytes long with the given SHA-1.
func appendHeader(dst []byte, n int, sum []byte) []byte {
	dst = append(dst, Magic...)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(n), 10)
	dst = append(dst, ' ')
	for _, b := range sum {
		dst = append(dst, hexDigits[b>>4], hexDigits[b&15])
	}
	return append(dst, '\n')
}

const hexDigits = "0123456789abcdef"
