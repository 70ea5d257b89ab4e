package coverage

import "math/bits"

// The hash used by coverage/show's "hash=" field: murmur3's 32-bit mixing
// steps, applied the way OVS's general-purpose hash functions apply them, so
// that the same set of hit counters gives the same fingerprint as OVS.

func mhashAdd(h, data uint32) uint32 {
	data *= 0xcc9e2d51
	data = bits.RotateLeft32(data, 15)
	data *= 0x1b873593
	h ^= data
	h = bits.RotateLeft32(h, 13)
	return h*5 + 0xe6546b64
}

func mhashFinish(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

func hashFinish(h, final uint32) uint32 { return mhashFinish(h ^ final) }

// hashInt hashes one 32-bit word with a basis.
func hashInt(x, basis uint32) uint32 {
	return hashFinish(mhashAdd(mhashAdd(x, 0), basis), 8)
}

// hashString hashes s's bytes as little-endian 32-bit words, the tail
// zero-padded, then mixes in the length.
func hashString(s string, basis uint32) uint32 {
	h := basis
	n := len(s)
	i := 0
	for ; i+4 <= n; i += 4 {
		h = mhashAdd(h, uint32(s[i])|uint32(s[i+1])<<8|uint32(s[i+2])<<16|uint32(s[i+3])<<24)
	}
	if i < n {
		var w uint32
		for k := 0; i+k < n; k++ {
			w |= uint32(s[i+k]) << (8 * k)
		}
		h = mhashAdd(h, w)
	}
	return hashFinish(h, uint32(n))
}
