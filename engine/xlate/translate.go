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
	if x.depth >= maxDepth {
		return
	}
	x.depth++
	defer func() { x.depth-- }()
	br := port.Bridge
	x.flow.OFInPort = port.OFPort
	rule := br.OF.Lookup(0, &x.flow, &x.wc)
	if rule == nil {
		return // table miss without a controller: drop
	}
	x.out.Cache.Rules = append(x.out.Cache.Rules, rule)
	x.doActions(br, port, rule.Actions())
}

func (x *ctx) doActions(br *Bridge, inPort *Port, acts []openflow.Action) {
	for _, a := range acts {
		switch a := a.(type) {
		case openflow.Output:
			x.output(br, inPort, a.Port)
		}
	}
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
