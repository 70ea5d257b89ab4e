// Package mactable is the MAC learning table of NORMAL switching: which
// port a (VLAN, MAC) pair was last seen on, aged out after a while, bounded
// in size with the least recently used entry evicted first.
//
// It is consulted on datapath misses and by the revalidator, never per
// packet (megaflows carry the decision), so a plain mutex is the right
// tool: contention is bounded by the upcall rate. Port identity is an
// opaque comparable value chosen by the caller (the bridge's port, a
// bundle), so the table knows nothing of OpenFlow.
package mactable

import (
	"container/list"
	"net"
	"sync"
)

// Defaults as in OVS 3.1 (other_config:mac-aging-time, mac-table-size).
const (
	DefaultAgingTime = 300  // seconds
	DefaultSize      = 8192 // entries
	MinAgingTime     = 15   // OVS does not age faster than this
)

// Port identifies where a MAC lives; any comparable value.
type Port any

type key struct {
	vlan uint16
	mac  [6]byte
}

// Entry is one learned address, as fdb/show prints it.
type Entry struct {
	VLAN   uint16
	MAC    net.HardwareAddr
	Port   Port
	Age    int64 // seconds since last seen; meaningless for static entries
	Static bool
}

type entry struct {
	key    key
	port   Port
	used   int64 // time of last refresh, in seconds
	static bool
	elem   *list.Element
}

// Stats are the counters of fdb/stats-show.
type Stats struct {
	Learned, Expired, Evicted, Moved uint64
}

// Table is a MAC learning table. The zero value is not usable; see New.
type Table struct {
	mu      sync.Mutex
	entries map[key]*entry
	lru     list.List // front: least recently used
	aging   int64
	max     int
	statics int
	stats   Stats
	// gen changes whenever a lookup could give a different answer
	// (learned, moved, expired, flushed), so that the revalidator knows
	// datapath flows may be stale.
	gen uint64
	// flooded holds unicast addresses that were looked up and not found
	// (so some datapath flow floods them). Learning an address that is
	// not in it cannot make any installed flow wrong, which spares the
	// revalidator a pass per new host. Bounded: when full, every new
	// address counts as flooded until the table is flushed.
	flooded     map[key]struct{}
	floodedFull bool
}

// maxFlooded bounds Table.flooded.
const maxFlooded = 1 << 16

// New returns an empty table with OVS's default limits.
func New() *Table {
	return &Table{entries: make(map[key]*entry), flooded: make(map[key]struct{}), aging: DefaultAgingTime, max: DefaultSize}
}

// SetLimits sets the aging time in seconds and the maximum number of
// entries, evicting the oldest entries if the table is now too big.
func (t *Table) SetLimits(aging int64, size int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if aging < MinAgingTime {
		aging = MinAgingTime
	}
	if size < 1 {
		size = 1
	}
	t.aging, t.max = aging, size
	for len(t.entries) > t.max {
		if !t.evictOne() {
			break
		}
	}
}

// Limits returns the aging time and the maximum size.
func (t *Table) Limits() (aging int64, size int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.aging, t.max
}

// Generation changes whenever the table's answers may have changed.
func (t *Table) Generation() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.gen
}

// Learn records that mac on vlan was seen on port at time now (seconds).
// It reports whether datapath flows may now be wrong: the address moved,
// or it is new and something flooded it as unknown before (see Lookup).
func (t *Table) Learn(vlan uint16, mac [6]byte, port Port, now int64) bool {
	if mac[0]&1 != 0 { // never learn multicast or broadcast sources
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	k := key{vlan, mac}
	if e, ok := t.entries[k]; ok {
		if e.static {
			return false
		}
		e.used = now
		t.lru.MoveToBack(e.elem)
		if e.port != port {
			e.port = port
			t.stats.Moved++
			t.gen++
			return true
		}
		return false
	}
	for len(t.entries) >= t.max {
		if !t.evictOne() {
			return false
		}
	}
	e := &entry{key: k, port: port, used: now}
	e.elem = t.lru.PushBack(e)
	t.entries[k] = e
	t.stats.Learned++
	t.gen++
	if _, ok := t.flooded[k]; ok || t.floodedFull {
		delete(t.flooded, k)
		return true
	}
	return false
}

// evictOne removes the least recently used dynamic entry.
func (t *Table) evictOne() bool {
	for el := t.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*entry)
		if !e.static {
			t.remove(e)
			t.stats.Evicted++
			return true
		}
	}
	return false
}

func (t *Table) remove(e *entry) {
	t.lru.Remove(e.elem)
	delete(t.entries, e.key)
	if e.static {
		t.statics--
	}
	t.gen++
}

// Lookup returns the port mac on vlan was learned on. A unicast address
// that is not found is remembered as flooded: learning it later must
// revalidate the flows that flood it.
func (t *Table) Lookup(vlan uint16, mac [6]byte) (Port, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := key{vlan, mac}
	if e, ok := t.entries[k]; ok {
		return e.port, true
	}
	if mac[0]&1 == 0 && !t.floodedFull {
		if len(t.flooded) >= maxFlooded {
			t.floodedFull = true
			clear(t.flooded)
		} else {
			t.flooded[k] = struct{}{}
		}
	}
	return nil, false
}

// Refresh marks (vlan, mac) as seen on port at now without learning
// anything new: the revalidator's way of keeping entries alive while
// their traffic runs through datapath flows.
func (t *Table) Refresh(vlan uint16, mac [6]byte, port Port, now int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.entries[key{vlan, mac}]; ok && !e.static && e.port == port {
		e.used = now
		t.lru.MoveToBack(e.elem)
	}
}

// AddStatic adds or replaces a static entry (fdb/add).
func (t *Table) AddStatic(vlan uint16, mac [6]byte, port Port) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := key{vlan, mac}
	if e, ok := t.entries[k]; ok {
		t.remove(e)
	}
	for len(t.entries) >= t.max {
		if !t.evictOne() {
			break
		}
	}
	e := &entry{key: k, port: port, static: true}
	e.elem = t.lru.PushBack(e)
	t.entries[k] = e
	t.statics++
	t.gen++
}

// DeleteStatic removes the static entry (vlan, mac) (fdb/del). It
// reports whether there was one.
func (t *Table) DeleteStatic(vlan uint16, mac [6]byte) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.entries[key{vlan, mac}]; ok && e.static {
		t.remove(e)
		return true
	}
	return false
}

// Expire removes dynamic entries not seen for the aging time.
func (t *Table) Expire(now int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for el := t.lru.Front(); el != nil; {
		next := el.Next()
		e := el.Value.(*entry)
		if !e.static {
			if now-e.used < t.aging {
				break // the rest are younger
			}
			t.remove(e)
			t.stats.Expired++
		}
		el = next
	}
}

// FlushPort removes every entry on port (the port went away).
func (t *Table) FlushPort(port Port) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.entries {
		if e.port == port {
			t.remove(e)
		}
	}
}

// Flush removes every dynamic entry (fdb/flush).
func (t *Table) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, e := range t.entries {
		if !e.static {
			t.remove(e)
		}
	}
	clear(t.flooded)
	t.floodedFull = false
	t.gen++
}

// Entries returns the table in least- to most-recently-used order, as
// fdb/show lists it.
func (t *Table) Entries(now int64) []Entry {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Entry, 0, len(t.entries))
	for el := t.lru.Front(); el != nil; el = el.Next() {
		e := el.Value.(*entry)
		mac := make(net.HardwareAddr, 6)
		copy(mac, e.key.mac[:])
		out = append(out, Entry{VLAN: e.key.vlan, MAC: mac, Port: e.port, Age: now - e.used, Static: e.static})
	}
	return out
}

// Counts returns the number of entries and static entries.
func (t *Table) Counts() (total, static int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries), t.statics
}

// Stats returns the counters.
func (t *Table) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// ClearStats zeroes the counters (fdb/stats-clear).
func (t *Table) ClearStats() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats = Stats{}
}
