package xlate

import (
	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// The Nicira extension actions: multipath, bundle, learn, sample,
// check_pkt_larger, mod_nw_ttl, and the ones without a datapath effect
// here. extAction reports true when it consumed the rest of the action
// list (check_pkt_larger translates it itself, once per branch).
func (x *ctx) extAction(br *Bridge, inPort *Port, a openflow.Action, rest []openflow.Action) bool {
	switch a := a.(type) {
	case *openflow.SetIPTTL:
		if isIP(x.flow.EthType) {
			x.wc.NwProto = 0xff
			x.wc.NwTTL = 0xff
			x.flow.NwTTL = a.TTL
		}
	case *openflow.SetIPECN:
		if isIP(x.flow.EthType) {
			x.wc.NwProto = 0xff
			x.wc.NwTOS |= 3
			x.flow.NwTOS = x.flow.NwTOS&^3 | a.ECN&3
		}
	case *openflow.Multipath:
		x.multipath(a)
	case *openflow.Bundle:
		x.bundle(br, inPort, a)
	case *openflow.Learn:
		x.learn(br, a)
	case *openflow.CheckPktLarger:
		x.checkPktLarger(br, inPort, a, rest)
		return true
	case *openflow.Sample:
		// Without IPFIX collectors configured, OVS emits nothing for
		// sample, and so do we.
	case *openflow.SetTunnel, *openflow.CtClear, *openflow.DebugRecirc, *openflow.DebugSlow:
		// No tunnel ports or connection tracker here: tun_id is
		// metadata nothing reads, ct_clear has no state to clear.
	case *openflow.Ct, *openflow.NAT:
		// Without a connection tracker the packet is not committed or
		// recirculated; ct's nested actions only apply to committed
		// connections.
	}
	return false
}

// checkPktLarger translates the rest of the action list twice, once with
// the destination bit set (packet longer than Len) and once clear, into a
// datapath check_pkt_len, as OVS does: the length is not in the flow key,
// so the datapath decides per packet.
func (x *ctx) checkPktLarger(br *Bridge, inPort *Port, a *openflow.CheckPktLarger, rest []openflow.Action) {
	x.commit()
	branch := func(bit uint64) dpif.Actions {
		return x.nested(func() {
			x.loadSubfield(a.Dst, u128{lo: bit})
			x.doActions(br, inPort, rest)
		})
	}
	gt := branch(1)
	le := branch(0)
	x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActCheckPktLen,
		CheckPktLen: &dpif.CheckPktLen{Size: a.Len, Greater: gt, LessEqual: le}})
}

var ones6 = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
var ones4 = [4]byte{0xff, 0xff, 0xff, 0xff}

func ones16() (b [16]byte) {
	for i := range b {
		b[i] = 0xff
	}
	return b
}

// hashFields hashes the fields set fs of the packet with basis, and
// unwildcards what it read. The symmetric sets hash both directions of a
// connection alike.
func (x *ctx) hashFields(fs openflow.HashFields, basis uint16) uint32 {
	f, wc := &x.flow, &x.wc
	h := uint64(basis) * 0x9e3779b97f4a7c15
	mix := func(v uint64) { h = (h ^ v) * 0xbf58476d1ce4e5b9; h ^= h >> 29 }
	sym := func(a, b []byte) {
		// XOR makes the pair order-independent.
		var v uint64
		for i := range a {
			v = v<<8 | uint64(a[i]^b[i])
			if i%8 == 7 {
				mix(v)
				v = 0
			}
		}
		mix(v)
	}
	ip := isIP(f.EthType)
	l3 := func() {
		if f.EthType == flow.EthTypeIP {
			wc.IPv4Src, wc.IPv4Dst = ones4, ones4
			sym(f.IPv4Src[:], f.IPv4Dst[:])
		} else if f.EthType == flow.EthTypeIPv6 {
			wc.IPv6Src, wc.IPv6Dst = ones16(), ones16()
			sym(f.IPv6Src[:], f.IPv6Dst[:])
		}
	}
	ports := func(udp bool) {
		wc.NwProto = 0xff
		mix(uint64(f.NwProto))
		switch f.NwProto {
		case flow.IPProtoUDP:
			if !udp {
				return
			}
		case flow.IPProtoTCP, flow.IPProtoSCTP:
		default:
			return
		}
		wc.TpSrc, wc.TpDst = 0xffff, 0xffff
		mix(uint64(f.TpSrc ^ f.TpDst))
	}
	switch fs {
	case openflow.HashEthSrc:
		wc.EthSrc = ones6
		for _, b := range f.EthSrc {
			mix(uint64(b))
		}
	case openflow.HashSymmetricL4:
		wc.EthSrc, wc.EthDst = ones6, ones6
		sym(f.EthSrc[:], f.EthDst[:])
		wc.VLANs[0].TCI |= flow.VLANVIDMask | flow.VLANCFI
		mix(uint64(f.VLANs[0].TCI & (flow.VLANVIDMask | flow.VLANCFI)))
		mix(uint64(f.EthType))
		if ip {
			l3()
			ports(true)
		}
	case openflow.HashSymmetricL3L4, openflow.HashSymmetricL3L4UDP:
		if ip {
			l3()
			ports(fs == openflow.HashSymmetricL3L4UDP)
		}
	case openflow.HashSymmetricL3:
		if ip {
			l3()
		}
	case openflow.HashNwSrc:
		if f.EthType == flow.EthTypeIP {
			wc.IPv4Src = ones4
			sym(f.IPv4Src[:], make([]byte, 4))
		} else if f.EthType == flow.EthTypeIPv6 {
			wc.IPv6Src = ones16()
			sym(f.IPv6Src[:], make([]byte, 16))
		}
	case openflow.HashNwDst:
		if f.EthType == flow.EthTypeIP {
			wc.IPv4Dst = ones4
			sym(f.IPv4Dst[:], make([]byte, 4))
		} else if f.EthType == flow.EthTypeIPv6 {
			wc.IPv6Dst = ones16()
			sym(f.IPv6Dst[:], make([]byte, 16))
		}
	}
	return uint32(h ^ h>>32)
}

// hash32 mixes a and b into a 32-bit hash.
func hash32(a, b uint32) uint32 {
	h := uint64(a)<<32 | uint64(b)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h)
}

// multipath stores a link number chosen from the packet's hash.
func (x *ctx) multipath(m *openflow.Multipath) {
	h := x.hashFields(m.Fields, m.Basis)
	n := uint32(m.MaxLink) + 1
	var link uint32
	switch m.Algorithm {
	case openflow.MultipathModuloN:
		link = h % n
	case openflow.MultipathHashThreshold:
		link = uint32(uint64(h) * uint64(n) >> 32)
	case openflow.MultipathHRW:
		best := uint32(0)
		for i := uint32(0); i < n; i++ {
			if w := hash32(h, i); i == 0 || w > best {
				best, link = w, i
			}
		}
	case openflow.MultipathIterHash:
		// Rehash until the value, cut to the next power of two, names a
		// link; give up after Arg rounds (or a default of 32).
		mask := uint32(1)
		for mask < n {
			mask <<= 1
		}
		mask--
		tries := m.Arg
		if tries == 0 {
			tries = 32
		}
		link = h % n
		for i, v := uint32(0), h; i < tries; i++ {
			if v&mask < n {
				link = v & mask
				break
			}
			v = hash32(v, i)
		}
	}
	x.loadSubfield(m.Dst, u128{lo: uint64(link)})
}

// live reports whether OpenFlow port no of br can carry traffic.
func live(br *Bridge, no uint32) bool {
	p := br.Ports[no]
	return p != nil && !p.AdminDown && !p.LinkDown
}

// bundle chooses a live member and outputs to it or loads its number.
func (x *ctx) bundle(br *Bridge, inPort *Port, b *openflow.Bundle) {
	chosen := uint32(openflow.PortNone)
	switch b.Algorithm {
	case openflow.BundleActiveBackup:
		for _, m := range b.Members {
			if live(br, uint32(m)) {
				chosen = uint32(m)
				break
			}
		}
	default: // hrw
		n := 0
		for _, m := range b.Members {
			if live(br, uint32(m)) {
				n++
				chosen = uint32(m)
			}
		}
		if n < 2 {
			break // nothing to choose: no hash, no fields in the megaflow
		}
		chosen = uint32(openflow.PortNone)
		h := x.hashFields(b.Fields, b.Basis)
		var best uint32
		for i, m := range b.Members {
			if !live(br, uint32(m)) {
				continue
			}
			if w := hash32(h, uint32(i)); chosen == uint32(openflow.PortNone) || w > best {
				best, chosen = w, uint32(m)
			}
		}
	}
	if b.Dst.Field != nil {
		x.loadSubfield(b.Dst, u128{lo: uint64(chosen)})
		return
	}
	if chosen != uint32(openflow.PortNone) {
		x.output(br, inPort, chosen, 0)
	}
}
