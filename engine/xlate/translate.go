package xlate

import (
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
	// Learn lets NORMAL update MAC tables (false when revalidating).
	Learn bool
	// Now is the time in seconds, for MAC learning.
	Now int64
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
}

// Translate runs in through cfg's pipeline.
func Translate(cfg *Config, in *Input) *Output {
	out := &Output{Cache: &Cache{}}
	x := &ctx{cfg: cfg, in: in, out: out}
	x.flow.Key = in.Key
	x.committed = in.Key
	// Always matched: the datapath distinguishes these anyway, and a
	// megaflow that ignored the input port would mix ports up.
	x.wc.InPort = ^uint32(0)
	x.wc.RecircID = ^uint32(0)
	x.wc.PacketType = ^uint32(0)
	x.wc.EthType = 0xffff

	port := cfg.PortByDP(in.Key.InPort)
	if port != nil && !port.NoReceive {
		x.flow.OFInPort = port.OFPort
		x.bridgeInput(port)
	}
	out.Mask = x.wc.Key
	return out
}

// bridgeInput runs the packet through port's bridge as if it arrived on
// port.
func (x *ctx) bridgeInput(port *Port) {
	x.flow.OFInPort = port.OFPort
	x.table(port.Bridge, port, 0)
}

// table looks the packet up in table id of br and runs the rule found.
// Resubmits, goto_table and patch ports all come through here, so the
// depth bound stops every kind of loop.
func (x *ctx) table(br *Bridge, inPort *Port, id uint8) {
	if x.depth >= maxDepth {
		return
	}
	x.depth++
	defer func() { x.depth-- }()
	rule := br.OF.Lookup(id, &x.flow, &x.wc)
	if rule == nil {
		return // table miss without a controller: drop
	}
	x.out.Cache.Rules = append(x.out.Cache.Rules, rule)
	x.doActions(br, inPort, id, rule.Actions())
}

func (x *ctx) doActions(br *Bridge, inPort *Port, table uint8, acts []openflow.Action) {
	for _, a := range acts {
		switch a := a.(type) {
		case openflow.Output:
			x.output(br, inPort, a.Port)
		case *openflow.Output:
			x.output(br, inPort, a.Port)
		case *openflow.Resubmit:
			x.resubmit(br, inPort, table, a.Port, a.Table)
		case *openflow.GotoTable:
			if a.Table > table {
				x.table(br, inPort, a.Table)
			}
			return // goto_table is the last instruction
		case *openflow.Exit:
			return
		case *openflow.WriteMetadata:
			x.flow.Metadata = x.flow.Metadata&^a.Mask | a.Value&a.Mask
		case *openflow.StripVlan:
			x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
			x.flow.VLANs[0], x.flow.VLANs[1] = x.flow.VLANs[1], flow.VLAN{}
		case *openflow.PushVlan:
			x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
			// The new tag copies the VID and PCP of the old one, if
			// any (OpenFlow's push_vlan).
			tci := x.flow.VLANs[0].TCI | flow.VLANCFI
			x.flow.VLANs[1] = x.flow.VLANs[0]
			x.flow.VLANs[0] = flow.VLAN{TPID: a.EthType, TCI: tci}
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
		case *openflow.SetField:
			x.setField(a.Field, a.Value, a.Mask)
		case *openflow.RegLoad:
			x.loadSubfield(a.Dst, a.Value)
		}
	}
}

// resubmit looks the packet up again in table (TableCurrent: this one),
// as if it had come in on port (PortInPort: unchanged).
func (x *ctx) resubmit(br *Bridge, inPort *Port, cur uint8, port uint32, table uint8) {
	if table == openflow.TableCurrent {
		table = cur
	}
	saved := x.flow.OFInPort
	if port != openflow.PortInPort {
		x.flow.OFInPort = port
	}
	x.table(br, inPort, table)
	x.flow.OFInPort = saved
}

// setField writes value under mask (nil: all bits) into field f of the
// flow, through the same field mapping matches use.
func (x *ctx) setField(f *openflow.Field, value, mask []byte) {
	if f == nil {
		return
	}
	var m openflow.Match
	m.SetField(f, value, mask)
	v, mk, err := ofproto.FlowMatch(&m)
	if err != nil {
		return
	}
	fw, vw, mw, ww := x.flow.Words(), v.Words(), mk.Words(), x.wc.Words()
	for i := range fw {
		fw[i] = fw[i]&^mw[i] | vw[i]&mw[i]
		// Whether a set is emitted depends on the old bits.
		ww[i] |= mw[i]
	}
	// A VLAN view (vlan_vid, dl_vlan...) implies the tag's presence bit.
	if mk.VLANs[0].TCI != 0 {
		x.wc.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
	}
}

// loadSubfield writes value into bits [Ofs, Ofs+Bits) of a field.
func (x *ctx) loadSubfield(sf openflow.Subfield, value uint64) {
	if sf.Field == nil || sf.Bits <= 0 || sf.Bits > 64 {
		return
	}
	n := sf.Field.Bytes
	if n > 16 {
		return
	}
	var v, m [16]byte
	mask := ^uint64(0) >> (64 - sf.Bits)
	value &= mask
	// Big-endian bytes of the whole field, bit Ofs counted from the
	// least significant end.
	for i := 0; i < n; i++ {
		shift := 8*(n-1-i) - sf.Ofs
		switch {
		case shift >= 64 || shift <= -64:
		case shift >= 0:
			v[i], m[i] = byte(value>>uint(shift)), byte(mask>>uint(shift))
		default:
			v[i], m[i] = byte(value<<uint(-shift)), byte(mask<<uint(-shift))
		}
	}
	x.setField(sf.Field, v[:n], m[:n])
}

// output carries out an OpenFlow output action to port number no.
func (x *ctx) output(br *Bridge, inPort *Port, no uint32) {
	switch no {
	case openflow.PortNormal:
		x.normal(br, inPort)
	case openflow.PortFlood, openflow.PortAll:
		for _, p := range sortedPorts(br) {
			if p == inPort || (no == openflow.PortFlood && p.NoFlood) {
				continue
			}
			x.toPort(p)
		}
	case openflow.PortInPort:
		x.toPort(inPort)
	default:
		if p := br.Ports[no]; p != nil && p != inPort {
			x.toPort(p)
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
	if p.AdminDown || p.NoForward {
		return
	}
	if p.Peer != nil {
		saved := x.flow
		savedIn := x.flow.OFInPort
		// The peer bridge decides on the packet as it is now; the
		// fields that made it so must stay in the mask.
		x.wc.VLANs = [flow.MaxVLANs]flow.VLAN{{TPID: 0xffff, TCI: 0xffff}, {TPID: 0xffff, TCI: 0xffff}}
		x.flow.Regs = [16]uint32{}
		x.flow.Metadata = 0
		x.bridgeInput(p.Peer)
		x.flow = saved
		x.flow.OFInPort = savedIn
		return
	}
	if !p.HasDP {
		return
	}
	x.commit()
	x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActOutput, Port: p.DPPort})
}

// commit emits the datapath actions that make the packet look like the
// pipeline's view of it.
func (x *ctx) commit() {
	x.commitVLAN()
	// Every other header field the pipeline changed: one masked set.
	want := x.flow.Key
	want.VLANs = x.committed.VLANs
	if want != x.committed {
		mask := changedFields(&want, &x.committed)
		if !mask.IsZero() {
			set := &dpif.SetField{Value: want.Masked(&mask), Mask: mask}
			x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActSet, Set: set})
		}
		x.committed = want
	}
}

// changedFields is a mask covering, whole, every rewritable packet field
// that differs between a and b (datapath metadata such as in_port is not
// rewritten by a set).
func changedFields(a, b *flow.Key) flow.Key {
	var m flow.Key
	ones := func(p []byte) {
		for i := range p {
			p[i] = 0xff
		}
	}
	if a.EthSrc != b.EthSrc {
		ones(m.EthSrc[:])
	}
	if a.EthDst != b.EthDst {
		ones(m.EthDst[:])
	}
	if a.IPv4Src != b.IPv4Src {
		ones(m.IPv4Src[:])
	}
	if a.IPv4Dst != b.IPv4Dst {
		ones(m.IPv4Dst[:])
	}
	if a.IPv6Src != b.IPv6Src {
		ones(m.IPv6Src[:])
	}
	if a.IPv6Dst != b.IPv6Dst {
		ones(m.IPv6Dst[:])
	}
	if a.ARPSHA != b.ARPSHA {
		ones(m.ARPSHA[:])
	}
	if a.ARPTHA != b.ARPTHA {
		ones(m.ARPTHA[:])
	}
	if a.NDTarget != b.NDTarget {
		ones(m.NDTarget[:])
	}
	if a.IPv6Label != b.IPv6Label {
		m.IPv6Label = 0xfffff
	}
	if a.NwTOS != b.NwTOS {
		m.NwTOS = 0xff
	}
	if a.NwTTL != b.NwTTL {
		m.NwTTL = 0xff
	}
	if a.TpSrc != b.TpSrc {
		m.TpSrc = 0xffff
	}
	if a.TpDst != b.TpDst {
		m.TpDst = 0xffff
	}
	if a.Mark != b.Mark {
		m.Mark = ^uint32(0)
	}
	if a.Priority != b.Priority {
		m.Priority = ^uint32(0)
	}
	if a.MPLS[0] != b.MPLS[0] {
		m.MPLS[0] = ^uint32(0)
	}
	return m
}

func (x *ctx) commitVLAN() {
	c := &x.committed
	want := x.flow.VLANs[0]
	if want == c.VLANs[0] {
		return
	}
	if c.VLANs[0].TCI&flow.VLANCFI != 0 {
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPopVLAN})
		c.VLANs[0], c.VLANs[1] = c.VLANs[1], flow.VLAN{}
	}
	if want != c.VLANs[0] && want.TCI&flow.VLANCFI != 0 {
		x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActPushVLAN, VLAN: want})
		c.VLANs[1], c.VLANs[0] = c.VLANs[0], want
	}
}
