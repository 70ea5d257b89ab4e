package ovsdbserver

import (
	"math/bits"

	"github.com/govs/ovs/proto/ovsjson"
)

// OVS keeps JSON objects and a table's columns in string hash maps and
// walks them in bucket order, so two texts that ovsdb-server logs come out
// in that order: the JSON of a bad record replayed from a file (its
// "syntax" part) and the columns of a transaction log line (tlog). To log
// the same bytes we replay the map: OVS's 32-bit string hash with basis 0,
// a new node pushed at the head of its bucket's chain, and the bucket array
// grown (to hold about two nodes per bucket) by re-inserting the nodes
// bucket by bucket, chain by chain. The order depends only on the keys and
// the order they were inserted in.
//
// ovsdb-tool and ovsdb-client carry the same few lines; a tool may not
// import another tool's package, so this one does too.

// hashOrder returns the indexes of keys (distinct, in insertion order) in
// the order OVS iterates a string hash map holding them.
func hashOrder(keys []string) []int {
	hashes := make([]uint32, len(keys))
	next := make([]int32, len(keys))
	heads := []int32{-1}
	var mask uint32
	for i, k := range keys {
		hashes[i] = hashName(k)
		b := hashes[i] & mask
		next[i] = heads[b]
		heads[b] = int32(i)
		if n := i + 1; uint32(n/2) > mask {
			if nm := hmapMask(n); nm > mask {
				mask = nm
				grown := make([]int32, mask+1)
				for j := range grown {
					grown[j] = -1
				}
				for _, head := range heads {
					for j := head; j >= 0; {
						nx := next[j]
						b := hashes[j] & mask
						next[j] = grown[b]
						grown[b] = j
						j = nx
					}
				}
				heads = grown
			}
		}
	}
	order := make([]int, 0, len(keys))
	for _, head := range heads {
		for j := head; j >= 0; j = next[j] {
			order = append(order, int(j))
		}
	}
	return order
}

// hmapMask is the bucket mask OVS picks for n nodes: a power of two minus
// one, at least n/2, never 1.
func hmapMask(n int) uint32 {
	m := uint32(n / 2)
	m |= m >> 1
	m |= m >> 2
	m |= m >> 4
	m |= m >> 8
	m |= m >> 16
	m |= (m & 1) << 1
	return m
}

// hashName is OVS's hash of a string with basis 0: murmur3's 32-bit mixing
// of the bytes as little-endian words, the tail zero-padded, finished with
// the length.
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

// hashOrdered returns v with the members of its objects, down to depth
// levels (records: the record, its tables, their rows), in OVS's order.
// A repeated member keeps the place of its first occurrence and the value
// of its last, as OVS's parser does.
func hashOrdered(v ovsjson.Value, depth int) ovsjson.Value {
	if v.Kind != ovsjson.Object || depth <= 0 {
		return v
	}
	keys := make([]string, 0, len(v.O))
	vals := make([]ovsjson.Value, 0, len(v.O))
	seen := make(map[string]int, len(v.O))
	for _, m := range v.O {
		if j, ok := seen[m.Key]; ok {
			vals[j] = m.Value
			continue
		}
		seen[m.Key] = len(keys)
		keys = append(keys, m.Key)
		vals = append(vals, m.Value)
	}
	out := make([]ovsjson.Member, 0, len(keys))
	for _, i := range hashOrder(keys) {
		out = append(out, ovsjson.Member{Key: keys[i], Value: hashOrdered(vals[i], depth-1)})
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: out}
}
