package xlate

import (
	"slices"
	"sync"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// maxDepth bounds patch-port hops and resubmits, as OVS does, so a loop
// of patch ports ends in a drop instead of a stack overflow.
const maxDepth = 64

// Input is what to translate.
type Input struct {
	Key flow.Key
	// Learn lets NORMAL update MAC tables and learn actions change flow
	// tables (false when revalidating).
	Learn bool
	// Now is the time in seconds, for MAC learning.
	Now int64
	// NowMs is the datapath clock in milliseconds.
	NowMs int64
	// Recirc keeps the frozen states that packets for controllers refer
	// to; without one their cookies carry recirc_id 0.
	Recirc *Recirc
	// Controllers says that packet-ins have somewhere to go: a table miss
	// then sends the packet to the controllers (reason no_match) instead
	// of dropping it.
	Controllers bool
	// Meters gives OpenFlow meters their datapath ids; without one meter
	// instructions have no datapath effect.
	Meters *MeterIDs
}

// Output is the result of a translation.
type Output struct {
	Actions dpif.Actions
	Mask    flow.Key
	Cache   *Cache
	// MACChanged: a MAC table answer changed, so other datapath flows
	// may now be wrong.
	MACChanged bool
}

// Cache records what a datapath flow's translation depended on, so that
// the revalidator can credit its traffic to the OpenFlow rules it went
// through and keep its source MAC learned while packets use the flow.
type Cache struct {
	Rules []*ofproto.Rule
	Learn []Learned
	// Recirc lists the frozen states the flow's actions refer to.
	Recirc []uint32
	// Learned flows: redone when the flow's traffic is credited, so that
	// their timeouts restart as in OVS.
	Learns []LearnedFlow
	// Groups the flow's packets go through, for their counters.
	Groups []GroupUse
	// Tables the flow's packets are looked up in, for table statistics.
	Tables []TableUse
	// Fins are the fin_timeout actions the flow's packets go through:
	// a TCP FIN or RST among them lowers their rules' timeouts.
	Fins []FinTimeout
}

// FinTimeout is one fin_timeout action of rule Rule of bridge OF.
type FinTimeout struct {
	OF         *ofproto.Ofproto
	Rule       *ofproto.Rule
	Idle, Hard uint16
}

// TableUse is one flow table lookup a datapath flow's packets stand for.
type TableUse struct {
	OF      *ofproto.Ofproto
	Table   uint8
	Matched bool
}

// Learned is one MAC learning a flow's packets would refresh.
type Learned struct {
	Bridge *Bridge
	VLAN   uint16
	MAC    [6]byte
	Bundle string
}

type ctx struct {
	cfg *Config
	in  *Input
	out *Output

	flow      flow.Flow // the packet as the pipeline has made it so far
	committed flow.Key  // the packet as the emitted actions have made it
	wc        flow.Flow // bits looked at
	depth     int

	rule    *ofproto.Rule // the rule whose actions are running
	tableID uint8
	exit    bool // exit action: stop translating
	// packetOut: the translation is of a packet-out, where output:TABLE
	// means "run the pipeline".
	packetOut bool

	actset  []openflow.Action // the OpenFlow 1.1+ action set
	mplsOps []mplsOp

	// trace records the translation for ofproto/trace (trace.go); nil
	// outside traces, and every hook checks that first.
	trace *tracer

	// The input and output of a pooled context (getCtx): kept with it so
	// that a translation allocates neither, and the output's action
	// buffer is reused from one translation to the next.
	inBuf  Input
	outBuf Output
}

// ctxPool holds translation contexts for the upcall and revalidation
// paths, which translate once per new datapath flow. A context with its
// input and output is over a kilobyte: allocating one per miss made
// garbage collection a third of the switch's cost of setting up a flow.
var ctxPool = sync.Pool{New: func() any { return new(ctx) }}

// getCtx returns a cleared pooled context for cfg whose input is x.inBuf,
// to be filled in by the caller before x.init. Its output's Cache is
// cache (which the caller may keep); everything else in the output is
// valid only until putCtx.
func getCtx(cfg *Config, cache *Cache) *ctx {
	x := ctxPool.Get().(*ctx)
	acts := x.outBuf.Actions[:0]
	*x = ctx{cfg: cfg}
	x.outBuf.Actions = acts
	x.outBuf.Cache = cache
	x.in, x.out = &x.inBuf, &x.outBuf
	return x
}

// putCtx returns x to the pool, dropping what it points at so that a
// pooled context keeps no rules, packets or caches alive.
func putCtx(x *ctx) {
	acts := x.outBuf.Actions
	clear(acts)
	*x = ctx{}
	x.outBuf.Actions = acts[:0]
	ctxPool.Put(x)
}

// Translate runs in through cfg's pipeline.
func Translate(cfg *Config, in *Input) *Output {
	x := newCtx(cfg, in)
	x.run()
	return x.out
}

// run translates the packet arriving on its datapath port.
func (x *ctx) run() {
	port := x.cfg.PortByDP(x.in.Key.InPort)
	if port != nil && !port.NoReceive {
		x.bridgeInput(port)
	}
	x.out.Mask = x.wc.Key
}

func newCtx(cfg *Config, in *Input) *ctx {
	x := &ctx{cfg: cfg, in: in, out: &Output{Cache: &Cache{}}}
	x.init()
	return x
}

// init starts the translation of x.in: the packet as it arrived, and
// the bits every megaflow matches.
func (x *ctx) init() {
	in := x.in
	x.flow.Key = in.Key
	x.committed = in.Key
	// Always matched: the datapath distinguishes these anyway, and a
	// megaflow that ignored the input port would mix ports up.
	x.wc.InPort = ^uint32(0)
	x.wc.RecircID = ^uint32(0)
	x.wc.PacketType = ^uint32(0)
	x.wc.EthType = 0xffff
	if isIP(in.Key.EthType) {
		// Fragments are handled apart (OVS's frag handling), so
		// every IP megaflow says whether it is one.
		x.wc.NwFrag = flow.FragAny | flow.FragLater
	}
}

// bridgeInput runs the packet through port's bridge as if it arrived on
// port.
func (x *ctx) bridgeInput(port *Port) {
	x.flow.OFInPort = port.OFPort
	x.pipeline(port.Bridge, port)
}

// pipeline runs the packet through br's tables from table 0, then its
// action set.
func (x *ctx) pipeline(br *Bridge, inPort *Port) {
	x.table(br, inPort, 0, true)
	x.exit = false
	if len(x.actset) > 0 {
		if x.trace != nil { // trace hook
			x.trace.pad(x.trace.ind - 4)
			x.trace.b = append(x.trace.b, "--. Executing action set:\n"...)
		}
		x.runActionSet(br, inPort)
	}
}

// table looks the packet up in table id of br and runs the rule found.
// Resubmits, goto_table and patch ports all come through here, so the
// depth bound stops every kind of loop. miss says what a table miss does:
// send to the controllers (the pipeline's own lookups) or nothing
// (resubmit).
func (x *ctx) table(br *Bridge, inPort *Port, id uint8, miss bool) {
	if x.depth >= maxDepth {
		return
	}
	x.depth++
	defer func() { x.depth-- }()
	savedRule, savedTable := x.rule, x.tableID
	defer func() { x.rule, x.tableID = savedRule, savedTable }()
	x.tableID = id
	rule := br.OF.Lookup(id, &x.flow, &x.wc)
	if rule != nil && conjOnly(rule.Actions()) {
		rule = x.conjunction(br, id)
	}
	x.out.Cache.Tables = append(x.out.Cache.Tables, TableUse{br.OF, id, rule != nil})
	// A port with NO_PACKET_IN sends no table misses to controllers.
	missToController := miss && x.in.Controllers && br.OF.WantsMisses() && (inPort == nil || !inPort.NoPacketIn)
	if x.trace != nil { // trace hook
		x.traceTable(id, rule, missToController)
	}
	if rule == nil {
		x.rule = nil
		if missToController {
			x.controller(br, ReasonImplicitMiss, 0xffff, 0, nil)
		}
		return
	}
	x.rule = rule
	x.out.Cache.Rules = append(x.out.Cache.Rules, rule)
	x.doActions(br, inPort, rule.Actions())
}

func (x *ctx) doActions(br *Bridge, inPort *Port, acts []openflow.Action) {
	for i, a := range acts {
		if x.exit {
			return
		}
		if x.trace != nil { // trace hook
			x.traceAction(a)
		}
		switch a := a.(type) {
		case *openflow.Output:
			x.output(br, inPort, a.Port, a.MaxLen)
		case openflow.Output:
			x.output(br, inPort, a.Port, a.MaxLen)
		case *openflow.Controller:
			x.controller(br, a.Reason, a.MaxLen, a.ID, a.Userdata)
		case *openflow.Enqueue:
			x.wc.Priority = ^uint32(0)
			saved := x.flow.Priority
			x.flow.Priority = a.Queue
			x.output(br, inPort, a.Port, 0)
			x.flow.Priority = saved
		case *openflow.SetQueue:
			x.wc.Priority = ^uint32(0)
			x.flow.Priority = a.Queue
		case *openflow.PopQueue:
			x.wc.Priority = ^uint32(0)
			x.flow.Priority = x.in.Key.Priority
		case *openflow.OutputReg:
			port := readSubfield(&x.flow, &x.wc, a.Src)
			x.output(br, inPort, uint32(port.lo), a.MaxLen)
		case *openflow.Resubmit:
			ind, tind := x.traceNest(i == len(acts)-1) // trace hook
			x.resubmit(br, inPort, a.Port, a.Table)
			x.traceUnnest(ind, tind)
		case *openflow.GotoTable:
			if a.Table > x.tableID {
				ind, tind := x.traceNest(true) // trace hook: like a last resubmit
				x.table(br, inPort, a.Table, true)
				x.traceUnnest(ind, tind)
			}
			return // goto_table is the last instruction
		case *openflow.Exit:
			x.exit = true
			return
		case *openflow.WriteMetadata:
			x.flow.Metadata = x.flow.Metadata&^a.Mask | a.Value&a.Mask
		case *openflow.WriteActions:
			x.writeActions(a.Actions)
			if x.trace != nil { // trace hook
				x.traceNote("-> action set is: " + openflow.ActionsString(x.actset))
			}
		case *openflow.ClearActions:
			if x.trace != nil && len(x.actset) > 0 { // trace hook
				x.traceNote("-> action set was: " + openflow.ActionsString(x.actset))
			}
			x.actset = x.actset[:0]
		case *openflow.Meter:
			x.meter(br, a.ID)
		case *openflow.Group:
			x.group(br, inPort, a.ID)
		case *openflow.Clone:
			x.clone(br, inPort, a.Actions)
		case *openflow.StripVlan:
			x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
			x.flow.VLANs[0], x.flow.VLANs[1] = x.flow.VLANs[1], flow.VLAN{}
		case *openflow.PushVlan:
			x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
			// OVS starts the new tag at VID 0, PCP 0 (not a copy of
			// the old one, as OpenFlow 1.1 would have it).
			x.flow.VLANs[1] = x.flow.VLANs[0]
			x.flow.VLANs[0] = flow.VLAN{TPID: a.EthType, TCI: flow.VLANCFI}
		case *openflow.SetVlanVID:
			x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
			if x.flow.VLANs[0].TCI&flow.VLANCFI == 0 {
				x.flow.VLANs[1] = x.flow.VLANs[0]
				x.flow.VLANs[0] = flow.VLAN{TPID: flow.EthTypeVLAN, TCI: flow.VLANCFI}
			}
			x.flow.VLANs[0].TCI = x.flow.VLANs[0].TCI&^flow.VLANVIDMask | a.VID&flow.VLANVIDMask
		case *openflow.SetVlanPCP:
			x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
			if x.flow.VLANs[0].TCI&flow.VLANCFI == 0 {
				x.flow.VLANs[1] = x.flow.VLANs[0]
				x.flow.VLANs[0] = flow.VLAN{TPID: flow.EthTypeVLAN, TCI: flow.VLANCFI}
			}
			x.flow.VLANs[0].TCI = x.flow.VLANs[0].TCI&^flow.VLANPCPMask | uint16(a.PCP&7)<<flow.VLANPCPShift
		case *openflow.SetEthSrc:
			// A rewrite depends on the old value (no set is needed when
			// it already matches), so the field joins the mask.
			x.wc.EthSrc = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			x.flow.EthSrc = a.MAC
		case *openflow.SetEthDst:
			x.wc.EthDst = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			x.flow.EthDst = a.MAC
		case *openflow.SetIPv4Src:
			if x.flow.EthType == flow.EthTypeIP {
				x.wc.NwProto = 0xff
				x.wc.IPv4Src = [4]byte{0xff, 0xff, 0xff, 0xff}
				x.flow.IPv4Src = a.IP
			}
		case *openflow.SetIPv4Dst:
			if x.flow.EthType == flow.EthTypeIP {
				x.wc.NwProto = 0xff
				x.wc.IPv4Dst = [4]byte{0xff, 0xff, 0xff, 0xff}
				x.flow.IPv4Dst = a.IP
			}
		case *openflow.SetIPDSCP:
			if isIP(x.flow.EthType) {
				x.wc.NwProto = 0xff
				x.wc.NwTOS |= 0xfc
				x.flow.NwTOS = x.flow.NwTOS&3 | a.TOS&0xfc
			}
		case *openflow.SetL4Src:
			if x.hasPorts() {
				x.wc.TpSrc = 0xffff
				x.flow.TpSrc = a.Port
			}
		case *openflow.SetL4Dst:
			if x.hasPorts() {
				x.wc.TpDst = 0xffff
				x.flow.TpDst = a.Port
			}
		case *openflow.DecTTL:
			x.decTTL(br, a.IDs)
		case *openflow.PushMPLS:
			x.pushMPLS(a.EthType)
		case *openflow.PopMPLS:
			x.popMPLS(a.EthType)
		case *openflow.SetMPLSLabel:
			x.setMPLS(a.Label<<12, 0xfffff<<12)
		case *openflow.SetMPLSTC:
			x.setMPLS(uint32(a.TC&7)<<9, 7<<9)
		case *openflow.SetMPLSTTL:
			x.setMPLS(uint32(a.TTL), 0xff)
		case *openflow.DecMPLSTTL:
			x.decMPLSTTL(br)
		case *openflow.SetField:
			x.setField(a.Field, a.Value, a.Mask)
		case *openflow.RegLoad:
			x.loadSubfield(a.Dst, u128{lo: a.Value})
		case *openflow.RegMove:
			v := readSubfield(&x.flow, &x.wc, a.Src)
			x.storeSubfield(a.Dst, v, true)
			if x.trace != nil { // trace hook
				x.traceMove(a)
			}
		case *openflow.FinTimeout:
			// Whether the packet is TCP decides whether the timeouts
			// change. Its flags do not enter the megaflow: as in OVS,
			// a FIN or RST is noticed in the datapath flow's TCP flags
			// when its statistics are pushed (or at the upcall).
			x.wc.NwProto = 0xff
			if x.rule != nil && x.flow.Key.NwProto == flow.IPProtoTCP {
				x.out.Cache.Fins = append(x.out.Cache.Fins, FinTimeout{br.OF, x.rule, a.Idle, a.Hard})
			}
		case *openflow.Note, *openflow.Conjunction:
			// No effect on the packet.
		default:
			if x.extAction(br, inPort, a, acts[i+1:]) {
				return
			}
		}
	}
}

// hasPorts reports whether the packet has TCP, UDP or SCTP ports.
func (x *ctx) hasPorts() bool {
	if !isIP(x.flow.EthType) || x.flow.NwFrag&flow.FragLater != 0 {
		return false
	}
	switch x.flow.NwProto {
	case flow.IPProtoTCP, flow.IPProtoUDP, flow.IPProtoSCTP:
		x.wc.NwProto = 0xff
		return true
	}
	return false
}

// decTTL decrements the IP TTL; a packet whose TTL would expire goes to
// the controllers ids (reason invalid_ttl) instead, and translation stops.
func (x *ctx) decTTL(br *Bridge, ids []uint16) {
	x.wc.NwProto = 0xff
	x.wc.NwTTL = 0xff
	if !isIP(x.flow.EthType) {
		return
	}
	if x.flow.NwTTL > 1 {
		x.flow.NwTTL--
		return
	}
	if x.trace != nil { // trace hook
		x.traceDecTTL()
	}
	if len(ids) == 0 {
		x.controller(br, openflow.ReasonInvalidTTL, 0xffff, 0, nil)
	}
	for _, id := range ids {
		x.controller(br, openflow.ReasonInvalidTTL, 0xffff, id, nil)
	}
	x.exit = true
}

func (x *ctx) pushMPLS(ethType uint16) {
	f := &x.flow
	var lse uint32
	switch {
	case isMPLS(f.EthType):
		// The new entry copies the old outermost one, without BOS.
		x.wc.MPLS[0] = ^uint32(0)
		lse = f.MPLS[0] &^ (1 << 8)
	case isIP(f.EthType):
		x.wc.NwTOS |= 0xfc
		x.wc.NwTTL = 0xff
		lse = uint32(f.NwTOS>>2&7)<<9 | 1<<8 | uint32(f.NwTTL)
	default:
		lse = 1<<8 | 64
	}
	f.MPLS[2], f.MPLS[1], f.MPLS[0] = f.MPLS[1], f.MPLS[0], lse
	f.EthType = ethType
	x.mplsOps = append(x.mplsOps, mplsOp{push: true, ethType: ethType})
}

func (x *ctx) popMPLS(ethType uint16) {
	f := &x.flow
	if !isMPLS(f.EthType) {
		return
	}
	x.wc.MPLS[0] |= 1 << 8 // whether more entries follow
	f.MPLS[0], f.MPLS[1], f.MPLS[2] = f.MPLS[1], f.MPLS[2], 0
	f.EthType = ethType
	x.mplsOps = append(x.mplsOps, mplsOp{ethType: ethType})
}

// setMPLS writes value under mask into the outermost label stack entry.
// The datapath rewrites the entry whole, so the whole entry joins the mask.
func (x *ctx) setMPLS(value, mask uint32) {
	if !isMPLS(x.flow.EthType) {
		return
	}
	x.wc.MPLS[0] = ^uint32(0)
	x.flow.MPLS[0] = x.flow.MPLS[0]&^mask | value&mask
}

func (x *ctx) decMPLSTTL(br *Bridge) {
	if !isMPLS(x.flow.EthType) {
		return
	}
	x.wc.MPLS[0] = ^uint32(0)
	ttl := x.flow.MPLS[0] & 0xff
	if ttl <= 1 {
		x.controller(br, openflow.ReasonInvalidTTL, 0xffff, 0, nil)
		x.exit = true
		return
	}
	x.flow.MPLS[0] = x.flow.MPLS[0]&^0xff | (ttl - 1)
}

// resubmit looks the packet up again in table (TableCurrent: this one),
// as if it had come in on port (PortInPort: unchanged).
func (x *ctx) resubmit(br *Bridge, inPort *Port, port uint32, table uint8) {
	if table == openflow.TableCurrent {
		table = x.tableID
	}
	saved := x.flow.OFInPort
	if port != openflow.PortInPort {
		x.flow.OFInPort = port
	}
	x.table(br, inPort, table, false)
	x.flow.OFInPort = saved
}

// setField writes value under mask (nil: all bits) into field f of the
// flow, through the same field mapping matches use. Like OVS, set_field
// and load (not move) of an L3 field put the IP protocol in the megaflow.
func (x *ctx) setField(f *openflow.Field, value, mask []byte) {
	x.writeField(f, value, mask, false)
}

func (x *ctx) writeField(f *openflow.Field, value, mask []byte, move bool) {
	if f == nil {
		return
	}
	var m openflow.Match
	m.SetField(f, value, mask)
	v, mk, err := ofproto.FlowMatch(&m)
	if err != nil {
		return
	}
	x.setBits(&v, &mk)
	if !move && (mk.IPv4Src != [4]byte{} || mk.IPv4Dst != [4]byte{} || mk.IPv6Src != [16]byte{} ||
		mk.IPv6Dst != [16]byte{} || mk.IPv6Label != 0 || mk.NwTOS != 0 || mk.NwTTL != 0 ||
		mk.ARPSHA != [6]byte{} || mk.ARPTHA != [6]byte{}) {
		x.wc.NwProto = 0xff
	}
}

// setBits writes v under mk into the flow.
func (x *ctx) setBits(v, mk *flow.Flow) {
	fw, vw, mw, ww := x.flow.Words(), v.Words(), mk.Words(), x.wc.Words()
	for i := range fw {
		fw[i] = fw[i]&^mw[i] | vw[i]&mw[i]
		// Whether a set is emitted depends on the old bits.
		ww[i] |= mw[i]
	}
	// A VLAN view (vlan_vid, dl_vlan...) implies the tag's presence bit.
	if mk.VLANs[0].TCI != 0 {
		x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
		if x.flow.VLANs[0].TCI&flow.VLANCFI != 0 && x.flow.VLANs[0].TPID == 0 {
			x.flow.VLANs[0].TPID = flow.EthTypeVLAN
		}
	}
	if mk.MPLS[0] != 0 {
		x.wc.MPLS[0] = ^uint32(0)
	}
}

// loadSubfield writes value into bits [Ofs, Ofs+Bits) of a field.
func (x *ctx) loadSubfield(sf openflow.Subfield, value u128) { x.storeSubfield(sf, value, false) }

func (x *ctx) storeSubfield(sf openflow.Subfield, value u128, move bool) {
	f := sf.Field
	if f == nil || sf.Bits <= 0 || f.Bytes > 16 {
		return
	}
	n := f.Bytes
	var v, m [16]byte
	putBytes(v[:n], value.and(ones128(sf.Bits)).shl(sf.Ofs))
	putBytes(m[:n], ones128(sf.Bits).shl(sf.Ofs))
	x.writeField(f, v[:n], m[:n], move)
}

// output carries out an OpenFlow output action to port number no.
func (x *ctx) output(br *Bridge, inPort *Port, no uint32, maxLen uint16) {
	switch no {
	case openflow.PortNormal:
		if inPort != nil {
			x.normal(br, inPort)
		}
	case openflow.PortFlood, openflow.PortAll:
		for _, p := range sortedPorts(br) {
			if p == inPort || (no == openflow.PortFlood && p.NoFlood) {
				continue
			}
			x.toPort(p)
		}
	case openflow.PortInPort:
		if inPort != nil {
			x.toPort(inPort)
		}
	case openflow.PortController:
		x.controller(br, openflow.ReasonAction, maxLen, 0, nil)
	case openflow.PortTable:
		if x.packetOut && x.depth == 0 {
			x.pipeline(br, inPort)
		}
	case openflow.PortNone:
	default:
		if p := br.Ports[no]; p != nil && p != inPort {
			x.toPort(p)
		} else if p != nil {
			x.traceNote(">> skipping output to input port") // trace hook
		}
	}
}

func sortedPorts(br *Bridge) []*Port {
	var ps []*Port
	for _, b := range br.Bundles {
		ps = append(ps, b.Ports...)
	}
	return ps
}

// toPort sends the packet, as the pipeline has made it, out of p: into
// the datapath, or across a patch port into the peer bridge.
func (x *ctx) toPort(p *Port) {
	if p == nil || p.AdminDown || p.NoForward {
		return
	}
	if p.Peer != nil {
		saved := x.flow
		savedSet, savedExit, savedRule, savedTable := x.actset, x.exit, x.rule, x.tableID
		// The peer bridge decides on the packet as it is now; the
		// fields that made it so must stay in the mask.
		x.wc.VLANs = [flow.MaxVLANs]flow.VLAN{{TPID: 0xffff, TCI: 0xffff}, {TPID: 0xffff, TCI: 0xffff}}
		x.flow.Regs = [16]uint32{}
		x.flow.Metadata = 0
		x.actset = nil
		x.exit = false
		if x.trace != nil { // trace hook
			x.trace.bridge(p.Peer.Bridge.Name, false)
		}
		x.bridgeInput(p.Peer)
		x.flow = saved
		x.actset, x.exit, x.rule, x.tableID = savedSet, savedExit, savedRule, savedTable
		return
	}
	if !p.HasDP {
		return
	}
	x.commit()
	x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActOutput, Port: p.DPPort})
}

// clone runs acts on a copy of the packet: changes they make to the
// pipeline's view are forgotten after them. Like OVS, the copy is inlined
// into the action list: the next commit undoes what the clone changed.
func (x *ctx) clone(br *Bridge, inPort *Port, acts []openflow.Action) {
	saved, savedSet, savedOps := x.flow, slices.Clone(x.actset), slices.Clone(x.mplsOps)
	x.doActions(br, inPort, acts)
	x.flow, x.actset, x.mplsOps, x.exit = saved, savedSet, savedOps, false
}

// nested translates fn's actions into a separate datapath action list
// (for clone and check_pkt_len) that runs on its own copy of the packet,
// and restores the translation state afterwards.
func (x *ctx) nested(fn func()) dpif.Actions {
	savedActs := x.out.Actions
	savedFlow, savedCommitted := x.flow, x.committed
	savedOps := slices.Clone(x.mplsOps)
	savedSet, savedExit := slices.Clone(x.actset), x.exit
	x.out.Actions = nil
	fn()
	sub := x.out.Actions
	x.out.Actions = savedActs
	x.flow, x.committed, x.mplsOps = savedFlow, savedCommitted, savedOps
	x.actset, x.exit = savedSet, savedExit
	return sub
}
