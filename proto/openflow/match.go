package openflow

// Entry is one (field, value, mask) triple of a Match. Field is always a
// storage field; Value and Mask hold its big-endian bytes in the first
// StorageBytes(Field) bytes, the value already ANDed with the mask.
type Entry struct {
	Field       FieldID
	Value, Mask [16]byte
}

// Match is an ordered set of entries, one per storage field, sorted by
// FieldID. The zero Match matches every packet.
type Match struct {
	entries []Entry
}

// Ethernet types the prerequisites and the protocol shorthands use.
const (
	EthTypeIPv4  = 0x0800
	EthTypeARP   = 0x0806
	EthTypeRARP  = 0x8035
	EthTypeIPv6  = 0x86dd
	EthTypeMPLS  = 0x8847
	EthTypeMPLSM = 0x8848
	EthTypeNSH   = 0x894f
)

// StorageBytes is the width in bytes of a storage field's entry.
func StorageBytes(id FieldID) int {
	if id >= numStorage {
		return 0
	}
	return int(storageBytes[id])
}

// Entries returns the match's entries in order. The slice is the match's
// own: do not modify it.
func (m *Match) Entries() []Entry { return m.entries }

// Len is the number of matched storage fields.
func (m *Match) Len() int { return len(m.entries) }

func (m *Match) find(id FieldID) (int, bool) {
	lo, hi := 0, len(m.entries)
	for lo < hi {
		mid := (lo + hi) / 2
		if m.entries[mid].Field < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(m.entries) && m.entries[lo].Field == id
}

// Get returns the entry for storage field id.
func (m *Match) Get(id FieldID) (Entry, bool) {
	i, ok := m.find(id)
	if !ok {
		return Entry{}, false
	}
	return m.entries[i], true
}

// Clear stops matching storage field id.
func (m *Match) Clear(id FieldID) {
	if i, ok := m.find(id); ok {
		m.entries = append(m.entries[:i], m.entries[i+1:]...)
	}
}

// SetEntry stores e, replacing any entry for the same field. The value is
// masked; an all-zero mask removes the entry.
func (m *Match) SetEntry(e Entry) {
	n := StorageBytes(e.Field)
	zero := true
	for i := range n {
		e.Value[i] &= e.Mask[i]
		if e.Mask[i] != 0 {
			zero = false
		}
	}
	for i := n; i < 16; i++ {
		e.Value[i], e.Mask[i] = 0, 0
	}
	i, ok := m.find(e.Field)
	switch {
	case zero && ok:
		m.entries = append(m.entries[:i], m.entries[i+1:]...)
	case zero:
	case ok:
		m.entries[i] = e
	default:
		m.entries = append(m.entries, Entry{})
		copy(m.entries[i+1:], m.entries[i:])
		m.entries[i] = e
	}
}

// Equal reports whether two matches match the same packets the same way.
func (m *Match) Equal(o *Match) bool {
	if len(m.entries) != len(o.entries) {
		return false
	}
	for i := range m.entries {
		if m.entries[i] != o.entries[i] {
			return false
		}
	}
	return true
}

// Reset empties m (it then matches every packet), keeping its storage for
// reuse: a switch encoding many flows fills one Match over and over.
func (m *Match) Reset() { m.entries = m.entries[:0] }

// Clone returns an independent copy.
func (m *Match) Clone() *Match {
	return &Match{entries: append([]Entry(nil), m.entries...)}
}

// uint returns a storage field of at most 8 bytes as integers.
func (m *Match) uint(id FieldID) (v, mask uint64, ok bool) {
	e, ok := m.Get(id)
	if !ok {
		return 0, 0, false
	}
	n := StorageBytes(id)
	return beUint(e.Value[:n]), beUint(e.Mask[:n]), true
}

// exact returns the value of a storage field matched exactly.
func (m *Match) exact(id FieldID) (uint64, bool) {
	v, mask, ok := m.uint(id)
	if !ok || mask != ^uint64(0)>>(64-8*StorageBytes(id)) {
		return 0, false
	}
	return v, true
}

func (m *Match) setUint(id FieldID, v, mask uint64) {
	n := StorageBytes(id)
	var e Entry
	e.Field = id
	putBE(e.Value[:n], v)
	putBE(e.Mask[:n], mask)
	m.SetEntry(e)
}

func beUint(b []byte) uint64 {
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v
}

func putBE(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte(v)
		v >>= 8
	}
}

// SetField matches field f against value/mask, each f.Bytes big-endian
// bytes (mask nil means exact). Views write their bits of the storage
// field they belong to, as OVS does: dl_vlan also requires a VLAN header,
// icmp_type matches the whole transport source port, and so on.
func (m *Match) SetField(f *Field, value, mask []byte) {
	if f.store >= FieldVlanTCI && f.store < FieldNSHFlags && !m.hasStorage(FieldPacketType) {
		// A field of the Ethernet frame says the packet is Ethernet, and
		// OVS remembers that even when the field itself is dropped later
		// or fully wildcarded.
		m.setUint(FieldPacketType, 0, 0xffffffff)
	}
	var fullArr [16]byte
	full := fullArr[:f.Bytes]
	if mask == nil {
		for i := range full {
			full[i] = 0xff
		}
		mask = full
	}
	switch {
	case f.ID >= FieldXxreg0:
		for i := range 4 {
			m.setUint(f.store+FieldID(i), beUint(value[4*i:4*i+4]), beUint(mask[4*i:4*i+4]))
		}
		return
	case f.ID >= FieldXreg0:
		for i := range 2 {
			m.setUint(f.store+FieldID(i), beUint(value[4*i:4*i+4]), beUint(mask[4*i:4*i+4]))
		}
		return
	case f.Bytes > 8:
		var e Entry
		e.Field = f.store
		copy(e.Value[:], value)
		copy(e.Mask[:], mask)
		m.SetEntry(e)
		return
	}
	v, mk := beUint(value), beUint(mask)
	bits := uint64(1)<<f.Bits - 1
	v &= bits
	mk &= bits
	switch f.ID {
	case FieldInPortOXM:
		m.setUint(FieldInPort, uint64(portFrom32(uint32(v))), 0xffff)
		return
	case FieldActsetOutput:
		// Stored in the model's 16-bit port space, sent as 32 bits.
		m.setUint(FieldActsetOutput, uint64(portFrom32(uint32(v))), 0xffffffff)
		return
	case FieldDlVlan:
		if beUint(value) == 0xffff {
			m.setUint(FieldVlanTCI, 0, 0xffff)
			return
		}
		m.orVlan(v|0x1000, 0x1fff)
		return
	case FieldDlVlanPCP, FieldVlanPCP:
		m.orVlan(v<<13|0x1000, 0xf000)
		return
	case FieldVlanVID:
		m.orVlan(v, mk)
		return
	case FieldNwTOS:
		m.orBits(FieldNwTOS, v&0xfc, 0xfc)
		return
	case FieldIPDSCP:
		m.orBits(FieldNwTOS, v<<2, 0xfc)
		return
	case FieldIPECN:
		m.orBits(FieldNwTOS, v, 3)
		return
	case FieldArpOp:
		m.setUint(FieldNwProto, v&0xff, 0xff)
		return
	case FieldICMPType, FieldICMPCode, FieldICMPv6Type, FieldICMPv6Code:
		m.setUint(f.store, v, 0xffff)
		return
	}
	m.setUint(f.store, v<<f.shift, mk<<f.shift)
}

func (m *Match) orVlan(v, mask uint64) { m.orBits(FieldVlanTCI, v, mask) }

// orBits replaces the bits under mask in a storage field, keeping the rest.
func (m *Match) orBits(id FieldID, v, mask uint64) {
	ov, om, _ := m.uint(id)
	m.setUint(id, ov&^mask|v&mask, om|mask)
}

// portFrom32 maps an OpenFlow 1.1+ port number to the model's 16 bits.
func portFrom32(p uint32) uint32 {
	if p >= 0xffffff00 {
		return p - 0xffff0000
	}
	return p
}

// portTo32 maps a model port number to OpenFlow 1.1+'s 32 bits.
func portTo32(p uint32) uint32 {
	if p >= PortMax {
		return p + 0xffff0000
	}
	return p
}

// EthType is the Ethernet type the match requires (from eth_type or a
// non-Ethernet packet_type), and whether it requires one.
func (m *Match) EthType() (uint16, bool) {
	if v, ok := m.exact(FieldEthType); ok {
		return uint16(v), true
	}
	if v, ok := m.exact(FieldPacketType); ok && v>>16 == 1 {
		return uint16(v), true
	}
	return 0, false
}

// NwProto is the IP protocol (or ARP opcode) matched exactly, if any.
func (m *Match) NwProto() (uint8, bool) {
	v, ok := m.exact(FieldNwProto)
	return uint8(v), ok
}

// PrereqsMet reports whether field f's prerequisites hold in m.
func (m *Match) PrereqsMet(p Prereq) bool {
	et, hasET := m.EthType()
	isIP := hasET && (et == EthTypeIPv4 || et == EthTypeIPv6)
	proto, hasProto := m.NwProto()
	icmpType := func(t uint64) bool {
		v, ok := m.exact(FieldTpSrc)
		code, _, _ := m.uint(FieldTpDst)
		return ok && v == t && code == 0
	}
	switch p {
	case PrereqNone:
		return true
	case PrereqVLAN:
		_, mask, ok := m.uint(FieldVlanTCI)
		v, _, _ := m.uint(FieldVlanTCI)
		return ok && mask&0x1000 != 0 && v&0x1000 != 0
	case PrereqARP:
		return hasET && (et == EthTypeARP || et == EthTypeRARP)
	case PrereqIPv4:
		return hasET && et == EthTypeIPv4
	case PrereqIPv6:
		return hasET && et == EthTypeIPv6
	case PrereqIP:
		return isIP
	case PrereqMPLS:
		return hasET && (et == EthTypeMPLS || et == EthTypeMPLSM)
	case PrereqTCP:
		return isIP && hasProto && proto == 6
	case PrereqUDP:
		return isIP && hasProto && proto == 17
	case PrereqSCTP:
		return isIP && hasProto && proto == 132
	case PrereqICMPv4:
		return hasET && et == EthTypeIPv4 && hasProto && proto == 1
	case PrereqICMPv6:
		return hasET && et == EthTypeIPv6 && hasProto && proto == 58
	case PrereqND:
		return m.PrereqsMet(PrereqICMPv6) && (icmpType(135) || icmpType(136))
	case PrereqNDSolicit:
		return m.PrereqsMet(PrereqICMPv6) && icmpType(135)
	case PrereqNDAdvert:
		return m.PrereqsMet(PrereqICMPv6) && icmpType(136)
	case PrereqNSH:
		return hasET && et == EthTypeNSH
	}
	return false
}

// storagePrereqMet says whether a storage field is meaningful in m under
// any of the fields that view it.
func (m *Match) storagePrereqMet(id FieldID) bool {
	switch id {
	case FieldMplsLabel, FieldMplsTC, FieldMplsBOS, FieldMplsTTL:
		return m.PrereqsMet(PrereqMPLS)
	case FieldIPSrc, FieldIPDst, FieldNwProto:
		return m.PrereqsMet(PrereqIPv4) || m.PrereqsMet(PrereqARP) || id == FieldNwProto && m.PrereqsMet(PrereqIPv6)
	case FieldIPv6Src, FieldIPv6Dst, FieldIPv6Label:
		return m.PrereqsMet(PrereqIPv6)
	case FieldNwTOS, FieldNwTTL, FieldIPFrag:
		return m.PrereqsMet(PrereqIP)
	case FieldArpSha:
		return m.PrereqsMet(PrereqARP) || m.PrereqsMet(PrereqNDSolicit)
	case FieldArpTha:
		return m.PrereqsMet(PrereqARP) || m.PrereqsMet(PrereqNDAdvert)
	case FieldNdTarget:
		return m.PrereqsMet(PrereqND)
	case FieldTpSrc, FieldTpDst:
		return m.PrereqsMet(PrereqTCP) || m.PrereqsMet(PrereqUDP) || m.PrereqsMet(PrereqSCTP) ||
			m.PrereqsMet(PrereqICMPv4) || m.PrereqsMet(PrereqICMPv6)
	case FieldTCPFlags:
		return m.PrereqsMet(PrereqTCP)
	}
	return true
}

// Normalize drops the entries whose prerequisites the match does not
// establish (tp_dst without a protocol, ...), as OVS does before it
// installs or prints a flow. It reports whether anything was dropped.
func (m *Match) Normalize() bool {
	changed := false
	for {
		again := false
		for i := 0; i < len(m.entries); i++ {
			if !m.storagePrereqMet(m.entries[i].Field) {
				m.entries = append(m.entries[:i], m.entries[i+1:]...)
				i--
				again, changed = true, true
			}
		}
		if !again {
			return changed
		}
	}
}
