package xlate

import (
	"strconv"

	"github.com/govs/ovs/engine/flow"
)

// isReserved reports whether mac is one of the IEEE 802.1D reserved
// group addresses (01:80:c2:00:00:0x: STP, LACP, ...), which a bridge must
// not forward.
func isReserved(mac [6]byte) bool {
	return mac[0] == 0x01 && mac[1] == 0x80 && mac[2] == 0xc2 && mac[3] == 0 && mac[4] == 0 && mac[5]&0xf0 == 0
}

// normal is the NORMAL action: an 802.1Q learning switch over the
// bridge's bundles.
func (x *ctx) normal(br *Bridge, inPort *Port) {
	f := &x.flow
	x.wc.EthSrc = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	x.wc.EthDst = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}

	if isReserved(f.EthDst) && !br.ForwardBPDU {
		return
	}
	inBundle := inPort.Bundle
	if inBundle == nil {
		return
	}
	vid, ok := inBundle.inputVLAN(f.VLANs[0].TCI)
	if !ok {
		if x.trace != nil { // trace hook
			x.traceVLANDrop(inBundle, f.VLANs[0].TCI)
		}
		return
	}
	pcp := f.VLANs[0].TCI & flow.VLANPCPMask

	learnable := !br.FloodVLANs.Has(vid)
	if learnable && f.EthSrc[0]&1 == 0 {
		// OVS asks, as it learns, whether the packet is a gratuitous
		// ARP (which must not move a MAC off a bond); what it reads
		// joins the megaflow.
		x.gratuitousARP()
		var gen uint64
		if x.trace != nil && x.in.Learn { // trace hook: a new or moved entry changes the generation
			gen = br.MAC.Generation()
		}
		if x.in.Learn && br.MAC.Learn(vid, f.EthSrc, inBundle.Name, x.in.Now) {
			x.out.MACChanged = true
		}
		if x.trace != nil && x.in.Learn && br.MAC.Generation() != gen { // trace hook
			x.traceNote("-> learned that " + string(flow.AppendMAC(nil, f.EthSrc)) + " is on port " +
				inBundle.Name + " in VLAN " + strconv.Itoa(int(vid)))
		}
		x.out.Cache.Learn = append(x.out.Cache.Learn, Learned{br, vid, f.EthSrc, inBundle.Name})
	}

	if f.EthDst[0]&1 == 0 && learnable {
		if v, ok := br.MAC.Lookup(vid, f.EthDst); ok {
			if out := br.bundle(v.(string)); out != nil && out != inBundle {
				x.traceNote("-> forwarding to learned port") // trace hook
				x.normalOutput(out, vid, pcp, false)
			} else if out != nil {
				x.traceNote("-> learned port is input port, dropping") // trace hook
			}
			return
		}
	}
	// Flood: broadcast, multicast, unknown unicast.
	x.traceNote("-> no learned MAC for destination, flooding") // trace hook
	for _, b := range br.Bundles {
		if b == inBundle || !b.includes(vid) || (b.Protected && inBundle.Protected) {
			continue
		}
		x.normalOutput(b, vid, pcp, true)
	}
}

// normalOutput sends the packet out of bundle b on VLAN vid, tagged or
// not as b's mode says.
func (x *ctx) normalOutput(b *Bundle, vid, pcp uint16, flood bool) {
	p := b.firstPort()
	if p == nil || (flood && p.NoFlood) {
		return
	}
	saved := x.flow.VLANs
	if b.outputTagged(vid) {
		x.flow.VLANs[0] = flow.VLAN{TPID: 0x8100, TCI: flow.VLANCFI | pcp | vid}
		if saved[0].TCI&flow.VLANCFI != 0 {
			x.flow.VLANs[0].TPID = saved[0].TPID
		}
	} else {
		x.flow.VLANs[0] = flow.VLAN{}
		if saved[0].TCI&flow.VLANCFI != 0 {
			// Popping exposes a second tag, if any.
			x.flow.VLANs[0] = saved[1]
		}
	}
	x.toPort(p)
	x.flow.VLANs = saved
}

// gratuitousARP reports whether the packet is a gratuitous ARP (a
// broadcast reply, or a broadcast request for the sender's own address),
// unwildcarding the fields as it reads them.
func (x *ctx) gratuitousARP() bool {
	f := &x.flow
	if f.EthType != flow.EthTypeARP {
		return false
	}
	if f.EthDst != [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		return false
	}
	x.wc.NwProto = 0xff
	switch f.NwProto {
	case 2: // reply
		return true
	case 1: // request
		x.wc.IPv4Src = [4]byte{0xff, 0xff, 0xff, 0xff}
		x.wc.IPv4Dst = [4]byte{0xff, 0xff, 0xff, 0xff}
		return f.IPv4Src == f.IPv4Dst
	}
	return false
}
