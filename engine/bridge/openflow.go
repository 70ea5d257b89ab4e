package bridge

import (
	"slices"
	"time"

	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/engine/xlate"
	"github.com/govs/ovs/proto/openflow"
)

// ofPortEntry is one port as the OpenFlow side sees it. The list is
// published atomically because OpenFlow connections read it without the
// switch's lock.
type ofPortEntry struct {
	port  openflow.Port
	dev   netdev.Netdev
	since time.Time
}

// publishPorts records the bridge's ports as OpenFlow describes them (for
// features, port-desc and port-stats replies) and tells the controllers
// what changed.
func (br *Bridge) publishPorts() {
	var ps []ofPortEntry
	for _, ifc := range br.ifaces {
		if ifc.OFPort == 0 {
			continue
		}
		p := openflow.Port{PortNo: ifc.OFPort, Name: ifc.Name, Config: ifc.ofConfig}
		if ifc.dev != nil {
			if mac, err := ifc.dev.HWAddr(); err == nil && len(mac) == 6 {
				p.HWAddr = [6]byte(mac)
			}
			admin, link, _ := ifc.dev.LinkState()
			if !admin {
				p.Config |= openflow.PortConfigDown
			}
			if !link {
				p.State |= openflow.PortStateLinkDown
			} else if admin {
				// OpenFlow 1.1+'s "live": usable for fast failover.
				p.State |= openflow.PortStateLive
			}
		}
		if ifc.ofSince.IsZero() {
			ifc.ofSince = time.Now()
		}
		ps = append(ps, ofPortEntry{port: p, dev: ifc.dev, since: ifc.ofSince})
	}
	slices.SortFunc(ps, func(a, b ofPortEntry) int { return int(a.port.PortNo) - int(b.port.PortNo) })
	old := br.ofportList.Swap(&ps)
	br.of.SetIdentity(br.identity())
	if old != nil {
		br.portStatusDiff(*old, ps)
	}
}

// identity is what the bridge's OpenFlow side asks of the rest of it.
func (br *Bridge) identity() ofproto.Identity {
	return ofproto.Identity{
		DatapathID: br.dpid,
		Ports:      br.ofPorts,
		PortStats:  br.portStats,
		PacketOut:  br.packetOut,
		PortMod:    br.portMod,
	}
}

// portStatusDiff sends port-status messages for what changed between two
// port lists (both sorted by number).
func (br *Bridge) portStatusDiff(old, cur []ofPortEntry) {
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || i < len(old) && old[i].port.PortNo < cur[j].port.PortNo:
			br.of.PortStatus(openflow.PortDelete, old[i].port)
			i++
		case i == len(old) || cur[j].port.PortNo < old[i].port.PortNo:
			br.of.PortStatus(openflow.PortAdd, cur[j].port)
			j++
		default:
			if old[i].port != cur[j].port {
				br.of.PortStatus(openflow.PortModify, cur[j].port)
			}
			i++
			j++
		}
	}
}

func (br *Bridge) ofPorts() []openflow.Port {
	p := br.ofportList.Load()
	if p == nil {
		return nil
	}
	out := make([]openflow.Port, len(*p))
	for i, e := range *p {
		out[i] = e.port
	}
	return out
}

// unknownCounter is how OpenFlow reports a counter a port does not keep.
const unknownCounter = ^uint64(0)

// portStats returns the counters of one port, or of all for PortAny.
func (br *Bridge) portStats(no uint32) []openflow.PortStats {
	p := br.ofportList.Load()
	if p == nil {
		return nil
	}
	now := time.Now()
	var out []openflow.PortStats
	for _, e := range *p {
		if no != openflow.PortAny && no != openflow.PortNone && no != e.port.PortNo {
			continue
		}
		st := openflow.PortStats{PortNo: e.port.PortNo,
			RxFrameErr: unknownCounter, RxOverErr: unknownCounter, RxCRCErr: unknownCounter}
		if e.dev != nil {
			if s, err := e.dev.Stats(); err == nil {
				st.RxPackets, st.RxBytes, st.RxErrors, st.RxDropped = s.RxPackets, s.RxBytes, s.RxErrors, s.RxDropped
				st.TxPackets, st.TxBytes, st.TxErrors, st.TxDropped = s.TxPackets, s.TxBytes, s.TxErrors, s.TxDropped
				st.Collisions = s.Collisions
			}
		}
		d := now.Sub(e.since)
		st.DurationSec, st.DurationNsec = uint32(d/time.Second), uint32(d%time.Second)
		out = append(out, st)
	}
	return out
}

// packetOut runs a packet-out through the bridge's pipeline.
func (br *Bridge) packetOut(po *openflow.PacketOut) error {
	h := br.sw.handler
	if h == nil {
		return openflow.OFPBRC_EPERM
	}
	return h.PacketOut(br.Name, po.Data, po.InPort, po.Actions)
}

// portMod applies an OpenFlow port-mod: the config bits under its mask.
// PORT_DOWN also takes the device down where the device can, as OVS does.
func (br *Bridge) portMod(pm *openflow.PortMod) error {
	s := br.sw
	s.mu.Lock()
	defer s.mu.Unlock()
	ifc := br.byOFPort[pm.PortNo]
	if ifc == nil {
		return openflow.OFPPMFC_BAD_PORT
	}
	if ifc.dev != nil {
		if mac, err := ifc.dev.HWAddr(); err == nil && len(mac) == 6 && [6]byte(mac) != pm.HWAddr {
			return openflow.OFPPMFC_BAD_HW_ADDR
		}
	}
	ifc.ofConfig = ifc.ofConfig&^pm.Mask | pm.Config&pm.Mask
	if pm.Mask&openflow.PortConfigDown != 0 && ifc.dev != nil {
		if a, ok := ifc.dev.(interface{ SetAdminState(up bool) error }); ok {
			a.SetAdminState(pm.Config&openflow.PortConfigDown == 0)
		}
	}
	s.publish()
	return nil
}

// packetIn hands a packet the pipeline sent to the controller to its
// bridge's OpenFlow connections. It runs on datapath goroutines, so it
// finds the bridge through the published snapshot, not the switch lock.
func (s *Switch) packetIn(pi *xlate.PacketIn) {
	m := s.ofByName.Load()
	if m == nil {
		return
	}
	of := (*m)[pi.Bridge]
	if of == nil {
		return
	}
	of.SendPacketIn(&pi.PacketIn)
}

// publishOpenFlow records the bridges' OpenFlow switches for packetIn.
func (s *Switch) publishOpenFlow() {
	m := make(map[string]*ofproto.Ofproto, len(s.bridges))
	for name, br := range s.bridges {
		m[name] = br.of
	}
	s.ofByName.Store(&m)
}
