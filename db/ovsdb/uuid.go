package ovsdb

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
)

// UUID is a 128-bit identifier in the byte order of its text form, so that
// comparing the arrays orders UUIDs as OVS orders them (by their text).
type UUID [16]byte

// ZeroUUID is the all-zero UUID, the default value of a uuid column.
var ZeroUUID UUID

const hexLower = "0123456789abcdef"

// String returns the 8-4-4-4-12 lowercase form.
func (u UUID) String() string {
	var b [36]byte
	u.AppendText(b[:0])
	return string(b[:])
}

// AppendText appends u in its 36-character text form.
func (u UUID) AppendText(dst []byte) []byte {
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexLower[c>>4], hexLower[c&15])
	}
	return dst
}

// ParseUUID parses the 8-4-4-4-12 form; hex digits may be in either case.
func ParseUUID(s string) (UUID, bool) {
	var u UUID
	if len(s) != 36 {
		return u, false
	}
	j := 0
	for i := 0; i < 36; {
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if s[i] != '-' {
				return u, false
			}
			i++
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[j] = hi<<4 | lo
		j++
		i += 2
	}
	return u, true
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

// uuidGen hands out random version-4 UUIDs from a buffer of crypto/rand
// bytes: a system call per UUID would dominate bulk inserts, and a seeded
// PRNG would risk collisions between processes started at the same time.
var uuidGen struct {
	sync.Mutex
	buf  [4096]byte
	left int // unused bytes at the end of buf
}

// NewUUID returns a random (version 4, RFC 4122 variant) UUID.
func NewUUID() UUID {
	var u UUID
	uuidGen.Lock()
	if uuidGen.left < 16 {
		// crypto/rand.Read never returns an error since Go 1.24 (it
		// aborts the program if the kernel has no randomness).
		_, _ = rand.Read(uuidGen.buf[:])
		uuidGen.left = len(uuidGen.buf)
	}
	off := len(uuidGen.buf) - uuidGen.left
	copy(u[:], uuidGen.buf[off:off+16])
	uuidGen.left -= 16
	uuidGen.Unlock()
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (u UUID) halves() (hi, lo uint64) {
	return binary.BigEndian.Uint64(u[:8]), binary.BigEndian.Uint64(u[8:])
}

func uuidFromHalves(hi, lo uint64) UUID {
	var u UUID
	binary.BigEndian.PutUint64(u[:8], hi)
	binary.BigEndian.PutUint64(u[8:], lo)
	return u
}
