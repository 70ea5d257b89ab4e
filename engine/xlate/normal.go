package xlate

import (
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
		return
	}
	pcp := f.VLANs[0].TCI & flow.VLANPCPMask

	learnable := !br.FloodVLANs.Has(vid)
	if learnable && f.EthSrc[0]&1 == 0 {
		if x.in.Learn && br.MAC.Learn(vid, f.EthSrc, inBundle.Name, x.in.Now) {
			x.out.MACChanged = true
		}
		x.out.Cache.Learn = append(x.out.Cache.Learn, Learned{br, vid, f.EthSrc, inBundle.Name})
	}

	if f.EthDst[0]&1 == 0 && learnable {
		if v, ok := br.MAC.Lookup(vid, f.EthDst); ok {
			if out := br.bundle(v.(string)); out != nil && out != inBundle {
				x.normalOutput(out, vid, pcp, false)
			}
			return
		}
	}
	// Flood: broadcast, multicast, unknown unicast.
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
