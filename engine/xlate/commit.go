package xlate

import (
	"unsafe"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
)

// Committing: turning the difference between the pipeline's view of the
// packet (x.flow) and what the emitted actions have made of it
// (x.committed) into datapath actions, just before something looks at the
// packet (an output, a trip to userspace). OVS emits one set() per header
// in a fixed order (Ethernet, L3, L4, ND, then MPLS and VLAN changes, then
// skb_priority and skb_mark), each masked to the bits translation
// unwildcarded in the changed fields, so that the action holds for every
// packet of the megaflow; we do the same.

// kfield is one rewritable field of flow.Key, located by offset so that a
// group of fields can be compared and masked bytewise.
type kfield struct{ off, size uintptr }

var zk flow.Key

func kf(p unsafe.Pointer, size uintptr) kfield {
	return kfield{uintptr(p) - uintptr(unsafe.Pointer(&zk)), size}
}

// The field groups, one per set() header.
var (
	grpEth  = []kfield{kf(unsafe.Pointer(&zk.EthSrc), 6), kf(unsafe.Pointer(&zk.EthDst), 6)}
	grpIPv4 = []kfield{kf(unsafe.Pointer(&zk.IPv4Src), 4), kf(unsafe.Pointer(&zk.IPv4Dst), 4),
		kf(unsafe.Pointer(&zk.NwTOS), 1), kf(unsafe.Pointer(&zk.NwTTL), 1)}
	grpIPv6 = []kfield{kf(unsafe.Pointer(&zk.IPv6Src), 16), kf(unsafe.Pointer(&zk.IPv6Dst), 16),
		kf(unsafe.Pointer(&zk.IPv6Label), 4), kf(unsafe.Pointer(&zk.NwTOS), 1), kf(unsafe.Pointer(&zk.NwTTL), 1)}
	grpARP = []kfield{kf(unsafe.Pointer(&zk.IPv4Src), 4), kf(unsafe.Pointer(&zk.IPv4Dst), 4),
		kf(unsafe.Pointer(&zk.NwProto), 1), kf(unsafe.Pointer(&zk.ARPSHA), 6), kf(unsafe.Pointer(&zk.ARPTHA), 6)}
	grpL4       = []kfield{kf(unsafe.Pointer(&zk.TpSrc), 2), kf(unsafe.Pointer(&zk.TpDst), 2)}
	grpND       = []kfield{kf(unsafe.Pointer(&zk.NDTarget), 16), kf(unsafe.Pointer(&zk.ARPSHA), 6), kf(unsafe.Pointer(&zk.ARPTHA), 6)}
	grpPriority = []kfield{kf(unsafe.Pointer(&zk.Priority), 4)}
	grpMark     = []kfield{kf(unsafe.Pointer(&zk.Mark), 4)}
)

const keySize = unsafe.Sizeof(flow.Key{})

func keyBytes(k *flow.Key) *[keySize]byte { return (*[keySize]byte)(unsafe.Pointer(k)) }

// mplsOp is a push or pop of an MPLS header the pipeline did and the
// datapath has not seen yet.
type mplsOp struct {
	push    bool
	ethType uint16
}

func isMPLS(t uint16) bool { return t == flow.EthTypeMPLS || t == flow.EthTypeMPLSMcast }

func isIP(t uint16) bool { return t == flow.EthTypeIP || t == flow.EthTypeIPv6 }

// commit emits the datapath actions that make the packet look like the
// pipeline's view of it.
func (x *ctx) commit() {
	c := &x.committed
	x.commitGroup(grpEth)
	mplsDone := false
	if isMPLS(c.EthType) && !isMPLS(x.flow.EthType) {
		// Make the packet a non-MPLS one before its L3 header is
		// rewritten.
		x.commitMPLS()
		mplsDone = true
	}
	switch c.EthType {
	case flow.EthTypeIP:
		x.commitGroup(grpIPv4)
	case flow.EthTypeIPv6:
		x.commitGroup(grpIPv6)
	case flow.EthTypeARP, flow.EthTypeRARP:
		x.commitGroup(grpARP)
	}
	if isIP(c.EthType) {
		icmp := c.NwProto == flow.IPProtoICMP || c.NwProto == flow.IPProtoICMPv6
		switch c.NwProto {
		case flow.IPProtoTCP, flow.IPProtoUDP, flow.IPProtoSCTP, flow.IPProtoICMP, flow.IPProtoICMPv6:
			// The header a set rewrites comes from the protocol.
			if x.commitGroup(grpL4) {
				x.wc.NwProto = 0xff
				if icmp {
					// ICMP's type and code are one datapath header.
					x.wc.TpSrc, x.wc.TpDst = 0xffff, 0xffff
				}
			}
		}
		if c.EthType == flow.EthTypeIPv6 && c.NwProto == flow.IPProtoICMPv6 &&
			(c.TpSrc == flow.NDNeighborSolicit || c.TpSrc == flow.NDNeighborAdvert) {
			if x.commitGroup(grpND) {
				x.wc.TpSrc, x.wc.TpDst = 0xffff, 0xffff
			}
		}
	}
	if !mplsDone {
		x.commitMPLS()
	}
	x.commitVLAN()
	x.commitGroup(grpPriority)
	x.commitGroup(grpMark)
}

// commitGroup emits one masked set for the fields of g that differ between
// the pipeline and the packet, and reports whether it did.
func (x *ctx) commitGroup(g []kfield) bool {
	fb, cb, wb := keyBytes(&x.flow.Key), keyBytes(&x.committed), keyBytes(&x.wc.Key)
	var set *dpif.SetField
	for _, f := range g {
		a, b := fb[f.off:f.off+f.size], cb[f.off:f.off+f.size]
		if string(a) == string(b) {
			continue
		}
		if set == nil {
			set = &dpif.SetField{}
		}
		vb, mb := keyBytes(&set.Value), keyBytes(&set.Mask)
		w := wb[f.off : f.off+f.size]
		zero := true
		for _, m := range w {
			if m != 0 {
				zero = false
				break
			}
		}
		for i := uintptr(0); i < f.size; i++ {
			m := byte(0xff)
			if !zero {
				m = w[i]
			}
			mb[f.off+i] = m
			vb[f.off+i] = a[i] & m
		}
		copy(b, a)
	}
	if set == nil {
		return false
	}
	// What the packet is, so that the set names its header.
	set.Value.EthType = x.committed.EthType
	set.Value.NwProto = x.committed.NwProto
	x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActSet, Set: set})
	return true
}

// commitMPLS emits the pending MPLS pushes and pops and then a rewrite of
// the outermost label stack entry if it still differs.
func (x *ctx) commitMPLS() {
	c := &x.committed
	pushes := 0
	for _, op := range x.mplsOps {
		if op.push {
			pushes++
		}
	}
	for _, op := range x.mplsOps {
		if op.push {
			pushes--
			lse := x.flow.MPLS[min(pushes, flow.MaxMPLS-1)]
			x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPushMPLS, MPLS: lse, EthType: op.ethType})
			c.MPLS[2], c.MPLS[1], c.MPLS[0] = c.MPLS[1], c.MPLS[0], lse
			c.EthType = op.ethType
		} else {
			x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPopMPLS, EthType: op.ethType})
			c.MPLS[0], c.MPLS[1], c.MPLS[2] = c.MPLS[1], c.MPLS[2], 0
			c.EthType = op.ethType
		}
	}
	x.mplsOps = x.mplsOps[:0]
	// What the queue does not explain (a clone or a group bucket undid
	// the pipeline's push or pop after the datapath saw it) is
	// reconciled from the two states.
	f := &x.flow.Key
	switch {
	case isMPLS(c.EthType) && !isMPLS(f.EthType):
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPopMPLS, EthType: f.EthType})
		c.MPLS[0], c.MPLS[1], c.MPLS[2] = c.MPLS[1], c.MPLS[2], 0
		c.EthType = f.EthType
	case !isMPLS(c.EthType) && isMPLS(f.EthType):
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPushMPLS, MPLS: f.MPLS[0], EthType: f.EthType})
		c.MPLS[2], c.MPLS[1], c.MPLS[0] = c.MPLS[1], c.MPLS[0], f.MPLS[0]
		c.EthType = f.EthType
	}
	if isMPLS(c.EthType) && c.MPLS[0] != x.flow.MPLS[0] {
		// OVS rewrites the whole entry; the entry is in the mask whole
		// (see setMPLS), so this holds for the megaflow.
		set := &dpif.SetField{}
		set.Value.MPLS[0], set.Mask.MPLS[0] = x.flow.MPLS[0], ^uint32(0)
		set.Value.EthType = c.EthType
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActSet, Set: set})
		c.MPLS[0] = x.flow.MPLS[0]
	}
}

func (x *ctx) commitVLAN() {
	c := &x.committed
	f := &x.flow.Key
	if f.VLANs[0] == c.VLANs[0] {
		return
	}
	tagged := func(v flow.VLAN) bool { return v.TCI&flow.VLANCFI != 0 }
	push := func(v flow.VLAN) {
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPushVLAN, VLAN: v})
		c.VLANs[1], c.VLANs[0] = c.VLANs[0], v
	}
	pop := func() {
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPopVLAN})
		c.VLANs[0], c.VLANs[1] = c.VLANs[1], flow.VLAN{}
	}
	switch {
	case tagged(f.VLANs[0]) && tagged(c.VLANs[0]) && f.VLANs[1] == c.VLANs[0]:
		// A new tag over the current one.
		push(f.VLANs[0])
	case tagged(c.VLANs[0]) && f.VLANs[0] == c.VLANs[1]:
		// The outer tag removed.
		pop()
	default:
		// The outer tag replaced (or added, or removed).
		if tagged(c.VLANs[0]) {
			pop()
		}
		if tagged(f.VLANs[0]) {
			push(f.VLANs[0])
		}
	}
}
