package ovsdbclient

import (
	"encoding/binary"
	"math/bits"

	"github.com/govs/ovs/proto/ovsjson"
)

// OVS keeps JSON objects, schemas' tables and columns, and monitor updates
// in string hash tables, and ovsdb-client prints several of them in the
// order it iterates those tables: list-tables, list-columns, the rows of a
// monitor update, the members of a backup file and of errors relayed from
// the server. To print the same bytes we replay the table: the same 32-bit
// string hash, the same bucket count growth and the same chain order.
// The order depends only on the keys and on the order they were inserted.

// hashString is OVS's hash of a string with basis 0: a Murmur3-style mix
// of the bytes taken as little-endian 32-bit words, the last one padded
// with zeros, finished with the length.
func hashString(s string) uint32 {
	var h uint32
	n := len(s)
	for len(s) >= 4 {
		h = hashMix(h, uint32(s[0])|uint32(s[1])<<8|uint32(s[2])<<16|uint32(s[3])<<24)
		s = s[4:]
	}
	if len(s) > 0 {
		var tail [4]byte
		copy(tail[:], s)
		h = hashMix(h, binary.LittleEndian.Uint32(tail[:]))
	}
	return hashFinish(h ^ uint32(n))
}

func hashMix(h, w uint32) uint32 {
	w *= 0xcc9e2d51
	w = bits.RotateLeft32(w, 15)
	w *= 0x1b873593
	h ^= w
	h = bits.RotateLeft32(h, 13)
	return h*5 + 0xe6546b64
}

func hashFinish(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// hashTable replays the bucket structure of OVS's hash map. Nodes are
// identified by their insertion index. A new node goes to the head of its
// bucket's chain; once there are more than two nodes per bucket the bucket
// array grows to the next power of two that holds about two per bucket (at
// least four buckets), re-inserting the nodes bucket by bucket, chain by
// chain, which reverses their relative order within a chain.
type hashTable struct {
	heads  []int32 // first node of each bucket, -1 if empty
	next   []int32
	hashes []uint32
	mask   uint32
	n      int // nodes in the table (inserted minus removed)
}

func newHashTable(capacity int) *hashTable {
	return &hashTable{
		heads:  []int32{-1},
		next:   make([]int32, 0, capacity),
		hashes: make([]uint32, 0, capacity),
	}
}

func (t *hashTable) insert(hash uint32) {
	i := int32(len(t.next))
	t.hashes = append(t.hashes, hash)
	b := hash & t.mask
	t.next = append(t.next, t.heads[b])
	t.heads[b] = i
	t.n++
	if uint32(t.n/2) > t.mask {
		t.grow(t.n)
	}
}

func (t *hashTable) grow(n int) {
	mask := uint32(n / 2)
	mask |= mask >> 1
	mask |= mask >> 2
	mask |= mask >> 4
	mask |= mask >> 8
	mask |= mask >> 16
	mask |= (mask & 1) << 1
	if mask <= t.mask {
		return
	}
	heads := make([]int32, mask+1)
	for i := range heads {
		heads[i] = -1
	}
	for _, head := range t.heads {
		for i := head; i >= 0; {
			nx := t.next[i]
			b := t.hashes[i] & mask
			t.next[i] = heads[b]
			heads[b] = i
			i = nx
		}
	}
	t.heads = heads
	t.mask = mask
}

// remove unlinks node i; as in OVS, removal never shrinks the buckets.
func (t *hashTable) remove(i int) {
	b := t.hashes[i] & t.mask
	p := &t.heads[b]
	for *p >= 0 {
		if int(*p) == i {
			*p = t.next[i]
			t.n--
			return
		}
		p = &t.next[*p]
	}
}

// order returns the insertion indexes in iteration order.
func (t *hashTable) order() []int {
	out := make([]int, 0, len(t.next))
	for _, head := range t.heads {
		for i := head; i >= 0; i = t.next[i] {
			out = append(out, int(i))
		}
	}
	return out
}

// hashOrder returns the indexes of keys (given in insertion order, without
// duplicates) in the order OVS iterates a string hash map holding them.
func hashOrder(keys []string) []int {
	t := newHashTable(len(keys))
	for _, k := range keys {
		t.insert(hashString(k))
	}
	return t.order()
}

// hashSorted returns keys in OVS's iteration order.
func hashSorted(keys []string) []string {
	out := make([]string, len(keys))
	for i, j := range hashOrder(keys) {
		out[i] = keys[j]
	}
	return out
}

// ovsOrder returns v with the members of every object in the order OVS
// prints them after parsing v: its hash-map order, taking the members'
// current order as the insertion order. A repeated member keeps the place
// of its first occurrence and the value of its last, as in OVS's parser.
func ovsOrder(v ovsjson.Value) ovsjson.Value {
	switch v.Kind {
	case ovsjson.Array:
		a := make([]ovsjson.Value, len(v.A))
		for i, e := range v.A {
			a[i] = ovsOrder(e)
		}
		return ovsjson.Value{Kind: ovsjson.Array, A: a}
	case ovsjson.Object:
		keys := make([]string, 0, len(v.O))
		vals := make([]ovsjson.Value, 0, len(v.O))
		var index map[string]int
		if len(v.O) > 8 {
			index = make(map[string]int, len(v.O))
		}
		for _, m := range v.O {
			j := -1
			if index != nil {
				if k, ok := index[m.Key]; ok {
					j = k
				}
			} else {
				for k, key := range keys {
					if key == m.Key {
						j = k
						break
					}
				}
			}
			if j >= 0 {
				vals[j] = m.Value
				continue
			}
			if index != nil {
				index[m.Key] = len(keys)
			}
			keys = append(keys, m.Key)
			vals = append(vals, m.Value)
		}
		o := make([]ovsjson.Member, len(keys))
		for i, j := range hashOrder(keys) {
			o[i] = ovsjson.Member{Key: keys[j], Value: ovsOrder(vals[j])}
		}
		return ovsjson.Value{Kind: ovsjson.Object, O: o}
	}
	return v
}

// shallowOrder makes an object of members (distinct names, in insertion
// order) laid out in OVS's hash-map order, leaving the values as they are.
func shallowOrder(members []ovsjson.Member) ovsjson.Value {
	keys := make([]string, len(members))
	for i, m := range members {
		keys[i] = m.Key
	}
	o := make([]ovsjson.Member, len(members))
	for i, j := range hashOrder(keys) {
		o[i] = members[j]
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: o}
}
