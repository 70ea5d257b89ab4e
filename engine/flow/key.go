// Package flow turns packets into flow keys: the fixed-size values that the
// datapath caches and the OpenFlow pipeline classify on.
//
// Key is a plain value type with a fixed layout made of 64-bit words, so that
// copying, comparing (==), masking and hashing it never allocates and never
// walks a variable-length structure. A megaflow mask is a Key too: a set bit in
// the mask means "this bit of the packet matters". Flow is what the OpenFlow
// pipeline sees: the datapath Key plus pipeline state (registers, metadata,
// the OpenFlow in_port) that no packet carries.
//
// Integer fields are kept in host byte order; addresses are kept as the bytes
// on the wire. Fields that share storage do so as in OVS's own flow layout
// (ARP's sender/target protocol addresses live in IPv4Src/IPv4Dst, its opcode
// in NwProto; ND's link-layer addresses live in ARPSHA/ARPTHA; ICMP type and
// code live in TpSrc/TpDst), because OpenFlow defines the fields that way.
package flow

import (
	"math/bits"
	"unsafe"
)

// VLAN is one 802.1Q/802.1ad header. TCI has VLANCFI set when the header is
// present, so that "no VLAN" (TCI 0) and "VLAN 0, priority 0" differ.
type VLAN struct {
	TPID uint16
	TCI  uint16
}

// VLAN TCI bits.
const (
	VLANVIDMask  = 0x0fff
	VLANCFI      = 0x1000 // set in Key.VLANs[i].TCI when the header is present
	VLANPCPMask  = 0xe000
	VLANPCPShift = 13
)

// NwFrag bits.
const (
	FragAny   = 1 << 0 // the packet is an IP fragment
	FragLater = 1 << 1 // ... and not the first one
)

// EthTypeNone is the EthType of an 802.2/802.3 frame without an Ethernet II
// type (OVS calls it FLOW_DL_TYPE_NONE and prints it as 0x05ff).
const EthTypeNone = 0x05ff

// MaxVLANs and MaxMPLS are how deep the key looks into tag stacks; deeper
// tags are left in the payload, as OVS does.
const (
	MaxVLANs = 2
	MaxMPLS  = 3
)

// Key is the datapath flow key. Its size is a multiple of 8 bytes and it has
// no pointers, so it can be viewed as [KeyWords]uint64.
type Key struct {
	// Datapath metadata (not from the packet bytes).
	InPort   uint32 // datapath port number the packet arrived on
	RecircID uint32
	DpHash   uint32
	Mark     uint32 // skb_mark / pkt_mark
	Priority uint32 // skb_priority
	// PacketType is OVS's packet_type, namespace<<16 | type: 0 for an
	// Ethernet frame, the only kind this datapath receives. A megaflow
	// mask sets it to all ones (the datapath always matches it exactly),
	// which is what makes dump-flows print packet_type(ns=0,id=0).
	PacketType uint32

	// Layer 2.
	EthDst  [6]byte
	EthSrc  [6]byte
	EthType uint16 // innermost Ethernet type, after the VLAN headers
	_       uint16
	VLANs   [MaxVLANs]VLAN  // outermost first
	MPLS    [MaxMPLS]uint32 // label stack entries, outermost first, as on the wire

	// Layer 3. IPv4 (and ARP's SPA/TPA) use IPv4Src/IPv4Dst; IPv6 uses
	// IPv6Src/IPv6Dst.
	IPv4Src   [4]byte
	IPv4Dst   [4]byte
	IPv6Src   [16]byte
	IPv6Dst   [16]byte
	IPv6Label uint32 // low 20 bits
	NwProto   uint8  // IP protocol, or the low 8 bits of the ARP opcode
	NwTOS     uint8  // DSCP and ECN, as in the IP header
	NwTTL     uint8  // TTL / hop limit
	NwFrag    uint8  // FragAny | FragLater

	// ARP sender/target hardware addresses, or ND source/target
	// link-layer addresses.
	ARPSHA   [6]byte
	ARPTHA   [6]byte
	NDTarget [16]byte

	// Layer 4. ICMP and ICMPv6 put type in TpSrc and code in TpDst.
	TpSrc    uint16
	TpDst    uint16
	TCPFlags uint16 // low 12 bits of the TCP flags word
	_        uint16
}

// KeyWords is the size of a Key in 64-bit words.
const KeyWords = int(unsafe.Sizeof(Key{}) / 8)

// Words views k as an array of 64-bit words (no copy).
func (k *Key) Words() *[KeyWords]uint64 {
	return (*[KeyWords]uint64)(unsafe.Pointer(k))
}

// Masked returns k with every bit that is clear in mask cleared.
func (k *Key) Masked(mask *Key) Key {
	var out Key
	kw, mw, ow := k.Words(), mask.Words(), out.Words()
	for i := range kw {
		ow[i] = kw[i] & mw[i]
	}
	return out
}

// MatchesMasked reports whether k, masked by mask, equals masked (which must
// already be masked).
func (k *Key) MatchesMasked(mask, masked *Key) bool {
	kw, mw, vw := k.Words(), mask.Words(), masked.Words()
	for i := range kw {
		if kw[i]&mw[i] != vw[i] {
			return false
		}
	}
	return true
}

// Or sets in k every bit set in other (for accumulating wildcards: a mask
// grows as the translation looks at more fields).
func (k *Key) Or(other *Key) {
	kw, ow := k.Words(), other.Words()
	for i := range kw {
		kw[i] |= ow[i]
	}
}

// IsZero reports whether every bit of k is clear.
func (k *Key) IsZero() bool {
	for _, w := range k.Words() {
		if w != 0 {
			return false
		}
	}
	return true
}

// Hash returns a 32-bit hash of the whole key, for the exact-match cache.
func (k *Key) Hash() uint32 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, w := range k.Words() {
		h = mixWord(h, w)
	}
	return finish(h)
}

// HashMasked hashes k masked by mask, visiting only the words listed in
// words (the words where mask is non-zero, see MaskWords), so that a
// megaflow subtable hashes only what it matches on.
func (k *Key) HashMasked(mask *Key, words []uint8) uint32 {
	h := uint64(0x9e3779b97f4a7c15)
	kw, mw := k.Words(), mask.Words()
	for _, i := range words {
		h = mixWord(h, kw[i]&mw[i])
	}
	return finish(h)
}

// MaskWords lists the indexes of the non-zero words of mask.
func (k *Key) MaskWords() []uint8 {
	var out []uint8
	for i, w := range k.Words() {
		if w != 0 {
			out = append(out, uint8(i))
		}
	}
	return out
}

func mixWord(h, w uint64) uint64 {
	h ^= w
	h *= 0xbf58476d1ce4e5b9
	return bits.RotateLeft64(h, 31)
}

func finish(h uint64) uint32 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return uint32(h)
}

// Flow is what the OpenFlow pipeline classifies on: the datapath key plus
// state that exists only during translation. Its layout is fixed-size words
// too, so the OpenFlow classifier can mask and hash it the same way.
type Flow struct {
	Key
	OFInPort     uint32 // OpenFlow port number of Key.InPort (OFPP_* for special ports)
	ConjID       uint32
	Metadata     uint64
	Regs         [16]uint32 // reg0..reg15; xreg N is Regs[2N]<<32|Regs[2N+1]
	ActsetOutput uint32
	_            uint32
	// TunID is the tunnel id (tun_id): 0 for every packet until tunnel
	// ports exist, when it moves into the datapath key.
	TunID uint64
}

// FlowWords is the size of a Flow in 64-bit words.
const FlowWords = int(unsafe.Sizeof(Flow{}) / 8)

// Words views f as an array of 64-bit words (no copy).
func (f *Flow) Words() *[FlowWords]uint64 {
	return (*[FlowWords]uint64)(unsafe.Pointer(f))
}
