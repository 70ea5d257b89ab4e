package ovsjson

import "math/bits"

// OVS keeps a parsed JSON object's members, a schema's tables and columns,
// a table's rows and a monitor update's rows in hash maps (its shash and
// hmap) and walks them bucket by bucket, so much of what OVS prints or
// checks first follows the map's layout rather than the text. To print and
// report the same things we replay that layout exactly: OVS's 32-bit string
// hash with basis 0, a new node pushed at the head of its bucket's chain,
// and the bucket array grown, once it holds more than two nodes per bucket,
// by re-inserting the nodes bucket by bucket and chain by chain (which
// reverses their relative order within a chain). Removal unlinks a node and
// never shrinks the array. The order depends only on the hashes and on the
// order of insertions and removals.
//
// ovsdb-client, ovsdb-server and ovsdb-tool all need it; it lives here, next
// to the JSON model, because a command may not import another command.

// HashString is OVS's hash of a string with basis 0: murmur3's 32-bit mixing
// of the bytes taken as little-endian words, the tail zero-padded, finished
// with the length.
func HashString(s string) uint32 {
	var h uint32
	n := len(s)
	i := 0
	for ; i+4 <= n; i += 4 {
		h = hashMix(h, uint32(s[i])|uint32(s[i+1])<<8|uint32(s[i+2])<<16|uint32(s[i+3])<<24)
	}
	if i < n {
		var w uint32
		for k := 0; i+k < n; k++ {
			w |= uint32(s[i+k]) << (8 * k)
		}
		h = hashMix(h, w)
	}
	h ^= uint32(n)
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

func hashMix(h, w uint32) uint32 {
	w *= 0xcc9e2d51
	w = bits.RotateLeft32(w, 15)
	w *= 0x1b873593
	h ^= w
	h = bits.RotateLeft32(h, 13)
	return h*5 + 0xe6546b64
}

// hmapMask is the bucket mask OVS picks for n nodes: a power of two minus
// one, at least n/2, never 1.
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

// HashMap replays the bucket layout of one OVS hash map. Nodes are named by
// their insertion index (0, 1, ...; removed nodes keep their index). The
// zero HashMap is empty and ready to use; Reset empties it while keeping
// its storage, so that one HashMap can order many objects without
// allocating.
type HashMap struct {
	heads  []int32 // first node of each bucket, -1 if empty
	spare  []int32 // the previous bucket array, reused by the next growth
	next   []int32
	hashes []uint32
	order  []int
	mask   uint32
	n      int // nodes in the map: inserted minus removed
}

// Reset empties m.
func (m *HashMap) Reset() {
	m.heads = append(m.heads[:0], -1)
	m.next = m.next[:0]
	m.hashes = m.hashes[:0]
	m.mask = 0
	m.n = 0
}

// Len is the number of nodes in m.
func (m *HashMap) Len() int { return m.n }

// Insert adds a node with the given hash and returns its index.
func (m *HashMap) Insert(hash uint32) int {
	if len(m.heads) == 0 {
		m.heads = append(m.heads, -1)
	}
	i := int32(len(m.next))
	m.hashes = append(m.hashes, hash)
	b := hash & m.mask
	m.next = append(m.next, m.heads[b])
	m.heads[b] = i
	m.n++
	if uint32(m.n/2) > m.mask {
		if mask := hmapMask(m.n); mask > m.mask {
			m.grow(mask)
		}
	}
	return int(i)
}

// grow moves every node into a bucket array for mask, walking the old
// buckets in order and each chain from its head, as OVS's resize does.
func (m *HashMap) grow(mask uint32) {
	old := m.heads
	heads := m.spare[:0]
	for range mask + 1 {
		heads = append(heads, -1)
	}
	for _, head := range old {
		for j := head; j >= 0; {
			nx := m.next[j]
			b := m.hashes[j] & mask
			m.next[j] = heads[b]
			heads[b] = j
			j = nx
		}
	}
	m.heads = heads
	m.spare = old
	m.mask = mask
}

// Remove unlinks node i if it is in m. As in OVS, the buckets never shrink.
func (m *HashMap) Remove(i int) {
	if i < 0 || i >= len(m.next) {
		return
	}
	p := &m.heads[m.hashes[i]&m.mask]
	for *p >= 0 {
		if int(*p) == i {
			*p = m.next[i]
			m.n--
			return
		}
		p = &m.next[*p]
	}
}

// Order returns the indexes of the nodes in m in OVS's iteration order.
// The result is m's storage: it stays valid until m is next changed or
// ordered.
func (m *HashMap) Order() []int {
	m.order = m.order[:0]
	for _, head := range m.heads {
		for j := head; j >= 0; j = m.next[j] {
			m.order = append(m.order, int(j))
		}
	}
	return m.order
}

// OrderKeys empties m, inserts keys (distinct, in insertion order) and
// returns their indexes in OVS's iteration order, as Order does: the result
// is m's storage.
func (m *HashMap) OrderKeys(keys []string) []int {
	m.Reset()
	for _, k := range keys {
		m.Insert(HashString(k))
	}
	return m.Order()
}

// HashOrder returns the indexes of keys (distinct, in insertion order) in
// the order OVS iterates a string hash map holding them.
func HashOrder(keys []string) []int {
	var m HashMap
	m.heads = make([]int32, 1, 4)
	m.heads[0] = -1
	m.next = make([]int32, 0, len(keys))
	m.hashes = make([]uint32, 0, len(keys))
	m.order = make([]int, 0, len(keys))
	return m.OrderKeys(keys)
}

// HashOrdered returns v with the members of every object, at any depth and
// inside arrays too, in the order OVS prints them after parsing v: its hash
// map's order, taking the members' current order as the insertion order. A
// repeated member keeps the place of its first occurrence and the value of
// its last, as OVS's parser does.
func HashOrdered(v Value) Value { return hashOrdered(v, -1, true) }

// HashOrderedLevels is HashOrdered for the objects of the first levels
// levels only, not looking into arrays: v's members if v is an object, the
// members of those members' values that are objects, and so on. A file
// record is ordered as OVS applies it with three levels: the record, its
// tables and their rows.
func HashOrderedLevels(v Value, levels int) Value { return hashOrdered(v, levels, false) }

// hashOrdered orders down to levels levels of objects (all of them if levels
// is negative), descending into arrays if arrays is set.
func hashOrdered(v Value, levels int, arrays bool) Value {
	if levels == 0 {
		return v
	}
	switch v.Kind {
	case Array:
		if !arrays {
			return v
		}
		a := make([]Value, len(v.A))
		for i, e := range v.A {
			a[i] = hashOrdered(e, levels, arrays)
		}
		return Value{Kind: Array, A: a}
	case Object:
		keys := make([]string, 0, len(v.O))
		vals := make([]Value, 0, len(v.O))
		var index map[string]int
		if len(v.O) > 8 {
			index = make(map[string]int, len(v.O))
		}
		for _, mb := range v.O {
			j := -1
			if index != nil {
				if k, ok := index[mb.Key]; ok {
					j = k
				}
			} else {
				for k, key := range keys {
					if key == mb.Key {
						j = k
						break
					}
				}
			}
			if j >= 0 {
				vals[j] = mb.Value
				continue
			}
			if index != nil {
				index[mb.Key] = len(keys)
			}
			keys = append(keys, mb.Key)
			vals = append(vals, mb.Value)
		}
		o := make([]Member, len(keys))
		for i, j := range HashOrder(keys) {
			o[i] = Member{Key: keys[j], Value: hashOrdered(vals[j], levels-1, arrays)}
		}
		return Value{Kind: Object, O: o}
	}
	return v
}
