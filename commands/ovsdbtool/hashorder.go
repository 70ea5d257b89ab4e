package ovsdbtool

import "math/bits"

// hashOrder returns the indexes of keys (distinct member names of one JSON
// object, in the order they appear in the text) in the order OVS iterates
// that object. OVS parses objects into a hash table of names ("shash") and
// walks its buckets, so what show-log prints follows the table's layout
// rather than the file. The layout is reproduced exactly: the hash is the
// murmur3-based string hash OVS uses for names (basis 0), a new node goes
// at the head of its bucket's chain, and the table doubles as OVS's does
// when it holds more than two nodes per bucket, re-inserting nodes bucket
// by bucket. It was checked against OVS's own show-log on random objects.
//
// scratch is reused across calls to avoid allocation; the result aliases it.
func hashOrder(keys []string, scratch *hashScratch) []int {
	n := len(keys)
	s := scratch
	s.hash = s.hash[:0]
	s.next = s.next[:0]
	for _, k := range keys {
		s.hash = append(s.hash, hashName(k))
		s.next = append(s.next, -1)
	}
	mask := uint32(0)
	s.buckets = append(s.buckets[:0], -1)
	for i := range n {
		b := s.hash[i] & mask
		s.next[i] = s.buckets[b]
		s.buckets[b] = int32(i)
		if count := i + 1; uint32(count/2) > mask {
			if nm := hmapMask(count); nm > mask {
				mask = nm
				s.rehash(mask)
			}
		}
	}
	s.order = s.order[:0]
	for _, head := range s.buckets {
		for j := head; j >= 0; j = s.next[j] {
			s.order = append(s.order, int(j))
		}
	}
	return s.order
}

// hashScratch holds hashOrder's working storage.
type hashScratch struct {
	hash    []uint32
	next    []int32
	buckets []int32
	tmp     []int32
	order   []int
}

// rehash moves every node into a bucket array for mask, walking the old
// buckets in order and each chain from its head, as OVS's resize does.
func (s *hashScratch) rehash(mask uint32) {
	old := append(s.tmp[:0], s.buckets...)
	s.tmp = old
	s.buckets = s.buckets[:0]
	for range mask + 1 {
		s.buckets = append(s.buckets, -1)
	}
	for _, head := range old {
		for j := head; j >= 0; {
			next := s.next[j]
			b := s.hash[j] & mask
			s.next[j] = s.buckets[b]
			s.buckets[b] = j
			j = next
		}
	}
}

// hmapMask is the bucket mask OVS picks for a table of n nodes: a power of
// two minus one, at least n/2, and never 1.
func hmapMask(n int) uint32 {
	m := uint64(n / 2)
	m |= m >> 1
	m |= m >> 2
	m |= m >> 4
	m |= m >> 8
	m |= m >> 16
	m |= m >> 32
	m |= (m & 1) << 1
	return uint32(m)
}

// hashName is OVS's hash of a string with basis 0: murmur3's 32-bit mixing
// over the bytes as little-endian words, the tail zero-padded, finished
// with the length.
func hashName(s string) uint32 {
	var h uint32
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
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

func mhashAdd(h, data uint32) uint32 {
	data *= 0xcc9e2d51
	data = bits.RotateLeft32(data, 15)
	data *= 0x1b873593
	h ^= data
	h = bits.RotateLeft32(h, 13)
	return h*5 + 0xe6546b64
}
