package ofproto

import (
	"encoding/binary"

	"github.com/govs/ovs/proto/openflow"
)

// multipartRequest is any statistics (multipart) request.
type multipartRequest interface {
	openflow.Message
	StatsType() openflow.StatsType
}

// Description strings the switch reports in OFPST_DESC, as OVS does.
const (
	descManufacturer = "Nicira, Inc."
	descHardware     = "Open vSwitch"
	descSoftware     = "3.1.0"
	descSerial       = "None"
	descDatapath     = "None"
)

// multipart answers a statistics request. Replies too big for one message
// are split, with the "more" flag on all but the last part.
func (oc *ofconn) multipart(req multipartRequest, h openflow.Header) (openflow.ErrorCode, bool) {
	o := oc.o
	var reply openflow.Message
	switch r := req.(type) {
	case *openflow.DescRequest:
		dp := o.identity().DPDesc
		if dp == "" {
			dp = descDatapath
		}
		reply = &openflow.DescReply{MfrDesc: descManufacturer, HWDesc: descHardware,
			SWDesc: descSoftware, SerialNum: descSerial, DPDesc: dp}
	case *openflow.FlowStatsRequest:
		filter := &FlowFilter{TableID: r.TableID, Match: r.Match, OutPort: r.OutPort,
			OutGroup: r.OutGroup, Cookie: r.Cookie, CookieMask: r.CookieMask}
		now := o.Now()
		if r.Aggregate {
			p, b, n, err := o.Aggregate(filter)
			if err != nil {
				return errorCodeOf(err, openflow.OFPBRC_BAD_STAT), false
			}
			reply = &openflow.AggregateStatsReply{NXM: r.NXM, PacketCount: p, ByteCount: b, FlowCount: n}
			break
		}
		return oc.flowStats(r, filter, now, h)
	case *openflow.TableStatsRequest:
		tr := &openflow.TableStatsReply{}
		for t := 0; t < numTablesAnnounced; t++ {
			active, lookups, matched := o.TableStats(uint8(t))
			tr.Tables = append(tr.Tables, openflow.TableStats{TableID: uint8(t),
				ActiveCount: active, LookupCount: lookups, MatchedCount: matched})
		}
		reply = tr
	case *openflow.PortStatsRequest:
		id := o.identity()
		pr := &openflow.PortStatsReply{}
		if id.PortStats != nil {
			pr.Ports = id.PortStats(r.PortNo)
		}
		reply = pr
	case *openflow.PortDescRequest:
		id := o.identity()
		pr := &openflow.PortDescReply{}
		if id.Ports != nil {
			for _, p := range id.Ports() {
				if r.PortNo == openflow.PortAny || r.PortNo == openflow.PortNone || r.PortNo == p.PortNo {
					pr.Ports = append(pr.Ports, p)
				}
			}
		}
		reply = pr
	case *openflow.QueueStatsRequest:
		// Without QoS every port has just OVS's default queue 0, whose
		// counters the datapath does not keep (all-ones: unknown). OVS
		// walks its port hash, which puts LOCAL first for the usual small
		// port numbers; the rest follow in port-stats order.
		var ports []openflow.PortStats
		if id := o.identity(); id.PortStats != nil {
			ports = id.PortStats(r.PortNo)
		}
		if len(ports) == 0 {
			return openflow.OFPQOFC_BAD_PORT, false
		}
		if r.QueueID != 0 && r.QueueID != openflow.QueueAll {
			return openflow.OFPQOFC_BAD_QUEUE, false
		}
		qr := &openflow.QueueStatsReply{Queues: make([]openflow.QueueStats, 0, len(ports))}
		unknown := openflow.QueueStats{TxBytes: ^uint64(0), TxPackets: ^uint64(0), TxErrors: ^uint64(0),
			DurationSec: ^uint32(0), DurationNsec: ^uint32(0)}
		for pass := 0; pass < 2; pass++ {
			for i := range ports {
				if (ports[i].PortNo == openflow.PortLocal) == (pass == 0) {
					unknown.PortNo = ports[i].PortNo
					qr.Queues = append(qr.Queues, unknown)
				}
			}
		}
		reply = qr
	default:
		if rep, code, ok := oc.multipartMore(req, h); !ok {
			return code, false
		} else {
			reply = rep
		}
	}
	b, err := openflow.AppendMultipartReplies(nil, reply, openflow.Version(h.Version), h.Xid)
	if err != nil {
		logConn.Warn("%s: cannot encode %v reply: %v", o.Name, req.StatsType(), err)
		return openflow.OFPBRC_BAD_STAT, false
	}
	oc.sendEach(b)
	return 0, true
}

// Group and meter capabilities, as OVS 3.1 announces them: every group
// type with chaining, liveness and select weights; the OFPAT_* bitmap of
// actions a bucket may hold (output, the TTL, VLAN, MPLS, queue and group
// actions, set_field); meters with drop bands in kbps or pps, with burst
// and statistics.
const (
	groupTypesAll     = 0xf
	groupCapabilities = 0x7
	groupMaxGroups    = 0xffffff00
	groupActions      = 0x3ff8001
	meterMax          = 0x40000
	meterMaxBands     = 8
)

// multipartMore answers the statistics requests about groups, meters and
// tables' features and descriptions; anything else is a statistics type
// the switch does not know (OFPBRC_BAD_STAT, as OVS answers).
func (oc *ofconn) multipartMore(req multipartRequest, h openflow.Header) (openflow.Message, openflow.ErrorCode, bool) {
	o := oc.o
	now := o.Now()
	v := openflow.Version(h.Version)
	switch r := req.(type) {
	case *openflow.GroupStatsRequest:
		rep := &openflow.GroupStatsReply{}
		o.Groups(func(g *Group) bool {
			if r.GroupID != openflow.GroupIDAll && r.GroupID != g.ID {
				return true
			}
			p, b := g.Stats()
			d := now - g.Created
			gs := openflow.GroupStats{GroupID: g.ID, RefCount: o.GroupRefCount(g.ID), PacketCount: p, ByteCount: b,
				DurationSec: uint32(d / 1000), DurationNsec: uint32(d%1000) * 1000000}
			for i := range g.Buckets {
				bp, bb := g.BucketStats(i)
				gs.Buckets = append(gs.Buckets, openflow.BucketCounter{PacketCount: bp, ByteCount: bb})
			}
			rep.Groups = append(rep.Groups, gs)
			return true
		})
		return rep, 0, true
	case *openflow.GroupDescRequest:
		rep := &openflow.GroupDescReply{}
		o.Groups(func(g *Group) bool {
			if v < openflow.V15 || r.GroupID == openflow.GroupIDAll || r.GroupID == g.ID {
				rep.Groups = append(rep.Groups, g.Desc())
			}
			return true
		})
		return rep, 0, true
	case *openflow.GroupFeaturesRequest:
		rep := &openflow.GroupFeaturesReply{Types: groupTypesAll, Capabilities: groupCapabilities}
		for i := range rep.MaxGroups {
			rep.MaxGroups[i], rep.Actions[i] = groupMaxGroups, groupActions
		}
		return rep, 0, true
	case *openflow.MeterStatsRequest:
		rep := &openflow.MeterStatsReply{}
		flows := o.meterFlowCounts()
		o.Meters(func(m *Meter) bool {
			if r.MeterID != openflow.MeterAll && r.MeterID != m.ID {
				return true
			}
			p, b, bands := m.Stats()
			d := now - m.Created
			mc := openflow.MeterCounters{MeterID: m.ID, FlowCount: flows[m.ID], PacketInCount: p, ByteInCount: b,
				DurationSec: uint32(d / 1000), DurationNsec: uint32(d%1000) * 1000000}
			for _, bc := range bands {
				mc.Bands = append(mc.Bands, openflow.BandCounter{PacketCount: bc[0], ByteCount: bc[1]})
			}
			rep.Meters = append(rep.Meters, mc)
			return true
		})
		return rep, 0, true
	case *openflow.MeterConfigRequest:
		rep := &openflow.MeterConfigReply{}
		o.Meters(func(m *Meter) bool {
			if r.MeterID == openflow.MeterAll || r.MeterID == m.ID {
				rep.Meters = append(rep.Meters, m.Config())
			}
			return true
		})
		return rep, 0, true
	case *openflow.MeterFeaturesRequest:
		return &openflow.MeterFeaturesReply{MaxMeter: meterMax, BandTypes: 1 << openflow.MeterBandDrop,
			Capabilities: openflow.MeterKbps | openflow.MeterPktps | openflow.MeterBurst | openflow.MeterStats,
			MaxBands:     meterMaxBands}, 0, true
	case *openflow.TableFeaturesRequest:
		if len(r.Tables) > 0 {
			// Reconfiguring tables through table-features is not
			// supported, as in OVS.
			return nil, openflow.OFPTFFC_EPERM, false
		}
		rep, err := tableFeatures(v)
		if err != nil {
			return nil, openflow.OFPBRC_BAD_STAT, false
		}
		return rep, 0, true
	case *openflow.TableDescRequest:
		rep := &openflow.TableDescReply{}
		for t := 0; t < numTablesAnnounced; t++ {
			rep.Tables = append(rep.Tables, openflow.TableDesc{TableID: uint8(t), HasEviction: true, EvictionFlags: 7})
		}
		return rep, 0, true
	}
	return nil, openflow.OFPBRC_BAD_STAT, false
}

// meterFlowCounts counts the flows that use each meter.
func (o *Ofproto) meterFlowCounts() map[uint32]uint32 {
	counts := make(map[uint32]uint32)
	o.Rules(func(r *Rule) bool {
		for _, a := range r.Actions() {
			if m, ok := a.(*openflow.Meter); ok {
				counts[m.ID]++
			}
		}
		return true
	})
	return counts
}

// flowStatsChunk is how many flows a flow-statistics reply encodes at a
// time: about 64 KiB of NXST_FLOW, one message's worth.
const flowStatsChunk = 512

// flowStats answers a flow statistics request. The rules are picked under
// the switch's lock (the snapshot a dump must be) and encoded after it is
// released, a chunk at a time through the same few FlowDumps: a dump of
// 100,000 flows held each as a FlowDump with its own match before a byte
// was encoded, which took more memory than the table itself. The chunks
// are sent only when all are encoded, so that a flow the requested version
// cannot express fails the whole request, as before, instead of cutting
// a reply short.
func (oc *ofconn) flowStats(r *openflow.FlowStatsRequest, filter *FlowFilter, now int64, h openflow.Header) (openflow.ErrorCode, bool) {
	o := oc.o
	var rules []*Rule
	if r.TableID == openflow.TableAll {
		// Room for every rule up front: a dump of 100,000 flows
		// would otherwise copy the list over and over as it grows.
		n := 0
		for t := 0; t < numTablesAnnounced; t++ {
			n += o.Count(uint8(t))
		}
		rules = make([]*Rule, 0, n)
	}
	err := o.Flows(filter, func(rule *Rule) bool {
		rules = append(rules, rule)
		return true
	})
	if err != nil {
		return errorCodeOf(err, openflow.OFPBRC_BAD_STAT), false
	}
	out, err := encodeFlowStats(rules, r.NXM, openflow.Version(h.Version), h.Xid, now)
	if err != nil {
		logConn.Warn("%s: cannot encode %v reply: %v", o.Name, r.StatsType(), err)
		return openflow.OFPBRC_BAD_STAT, false
	}
	for _, b := range out {
		if !oc.send(b) {
			break
		}
	}
	return 0, true
}

// encodeFlowStats encodes the flow-statistics reply (NXST_FLOW if nxm)
// for rules at time now, in version v, as chunks of complete messages.
func encodeFlowStats(rules []*Rule, nxm bool, v openflow.Version, xid uint32, now int64) ([][]byte, error) {
	// NXST_FLOW and OpenFlow 1.5's statistics carry the idle and hard
	// ages.
	ages := nxm || v >= openflow.V15
	fr := &openflow.FlowStatsReply{NXM: nxm, Flows: make([]openflow.FlowDump, min(len(rules), flowStatsChunk))}
	scratch := new(matchScratch)
	var out [][]byte
	for i := 0; ; {
		n := min(flowStatsChunk, len(rules)-i)
		fr.Flows = fr.Flows[:n]
		for j := range n {
			rules[i+j].dumpTo(&fr.Flows[j], now, ages, scratch)
		}
		i += n
		b, err := openflow.AppendMultipartReplies(make([]byte, 0, n*160+64), fr, v, xid)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
		if i >= len(rules) {
			return out, nil
		}
		setStatsMore(b)
	}
}

// setStatsMore sets the "more" flag on the last of the multipart replies
// in b: the parts of one reply encoded separately are one reply.
func setStatsMore(b []byte) {
	last := 0
	for off := 0; off+openflow.HeaderLen <= len(b); {
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if n < openflow.HeaderLen {
			return
		}
		last, off = off, off+n
	}
	at := last + openflow.HeaderLen + 2
	binary.BigEndian.PutUint16(b[at:], binary.BigEndian.Uint16(b[at:])|openflow.StatsMore)
}
