package bridge

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/engine/xlate"
	"github.com/govs/ovs/proto/openflow"
)

// ofproto/trace and ofproto/trace-packet-out: the argument handling and
// the report around engine/xlate's traced translation. The flow to trace
// comes as OpenFlow flow syntax after a bridge name, or as a datapath flow
// (optionally after the datapath's name) whose in_port names the bridge;
// a packet (hex) or -generate turns the trace into one with side effects,
// as in OVS.

// Trace usages, as ovs-appctl list-commands shows them.
const (
	TraceUsage          = "{[dp_name] odp_flow | bridge br_flow} [OPTIONS...] [-generate|packet]"
	TracePacketOutUsage = "[-consistent] {[dp_name] odp_flow | bridge br_flow} [OPTIONS...] [-generate|packet] actions"
)

// traceArgs is a parsed trace command line.
type traceArgs struct {
	bridge     string
	flow       flow.Flow
	packet     []byte
	generate   bool
	consistent bool
	actions    []openflow.Action
}

// OfprotoTrace is ofproto/trace.
func (s *Switch) OfprotoTrace(args []string) (string, error) {
	ta, err := s.parseTrace(args, false)
	if err != nil {
		return "", err
	}
	return s.runTrace(ta, false)
}

// OfprotoTracePacketOut is ofproto/trace-packet-out.
func (s *Switch) OfprotoTracePacketOut(args []string) (string, error) {
	ta, err := s.parseTrace(args, true)
	if err != nil {
		return "", err
	}
	return s.runTrace(ta, true)
}

// ctFlags are the connection tracking states --ct-next accepts.
var ctFlags = map[string]bool{"new": true, "est": true, "rel": true, "rpl": true,
	"inv": true, "trk": true, "snat": true, "dnat": true}

// checkCtNext validates an --ct-next argument. Without a connection
// tracker no translation recirculates after ct, so the states are never
// consumed: what is left to do is to refuse what OVS refuses.
func checkCtNext(s string) error {
	for _, f := range strings.Split(s, ",") {
		if !ctFlags[strings.TrimSpace(f)] {
			return fmt.Errorf("%s: unknown connection tracking state flag", f)
		}
	}
	return nil
}

func (s *Switch) parseTrace(args []string, packetOut bool) (*traceArgs, error) {
	ta := &traceArgs{}
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-generate":
			ta.generate = true
		case a == "-consistent" && packetOut:
			ta.consistent = true
		case a == "--ct-next":
			if i+1 >= len(args) {
				return nil, errors.New("Missing argument for option --ct-next")
			}
			i++
			if err := checkCtNext(args[i]); err != nil {
				return nil, err
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return nil, fmt.Errorf("%s: unknown option", a)
		default:
			pos = append(pos, a)
		}
	}
	var actText string
	if packetOut {
		if len(pos) < 2 {
			if len(pos) == 1 {
				return nil, fmt.Errorf("syntax error at %s (or the bridge name was omitted)", pos[0])
			}
			return nil, errors.New("Must specify bridge name")
		}
		actText = pos[len(pos)-1]
		pos = pos[:len(pos)-1]
	}
	if len(pos) == 0 {
		return nil, errors.New("Must specify bridge name")
	}
	if len(pos) > 3 {
		return nil, errors.New("too many arguments")
	}
	if len(pos) == 3 && ta.generate {
		return nil, errors.New("Syntax error")
	}
	if len(pos) >= 2 && !ta.generate {
		if pkt, ok := parseHexPacket(pos[len(pos)-1]); ok {
			if len(pkt) < 14 {
				return nil, errors.New("Packet data too short for Ethernet")
			}
			ta.packet = pkt
			pos = pos[:len(pos)-1]
		} else if len(pos) == 3 {
			return nil, errors.New("Trailing garbage in packet data")
		}
	}
	if err := s.parseTraceFlow(ta, pos); err != nil {
		return nil, err
	}
	if ta.packet != nil {
		// The packet's own fields come from the packet; the metadata
		// (port, registers...) from the flow.
		k := ta.flow.Key
		flow.Extract(ta.packet, &ta.flow.Key)
		ta.flow.Key.InPort, ta.flow.Key.RecircID, ta.flow.Key.Mark, ta.flow.Key.Priority = k.InPort, k.RecircID, k.Mark, k.Priority
	}
	if packetOut {
		acts, err := openflow.ParseActions(actText, s.portLookup(ta.bridge))
		if err != nil {
			return nil, err
		}
		if br := s.bridges[ta.bridge]; br != nil && br.of != nil {
			for _, a := range acts {
				if g, ok := a.(*openflow.Group); ok && br.of.Group(g.ID) == nil {
					return nil, fmt.Errorf("Bad actions: %s", openflow.OFPBAC_BAD_OUT_GROUP)
				}
			}
		}
		if ta.consistent {
			if err := consistent(acts, &ta.flow); err != nil {
				return nil, fmt.Errorf("Bad actions: %s", err)
			}
		}
		ta.actions = acts
	}
	return ta, nil
}

// parseHexPacket reads a packet in hex (spaces allowed between bytes).
func parseHexPacket(s string) ([]byte, bool) {
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return nil, false
	}
	b, err := hex.DecodeString(s)
	return b, err == nil
}

// portLookup resolves port names in br's flows and actions.
func (s *Switch) portLookup(brName string) openflow.PortLookup {
	br := s.bridges[brName]
	return func(name string) (uint32, bool) {
		if br == nil {
			return 0, false
		}
		if ifc := br.ifaces[name]; ifc != nil && ifc.OFPort != 0 {
			return ifc.OFPort, true
		}
		return 0, false
	}
}

// parseTraceFlow reads "bridge br_flow", "dp_name odp_flow" or "odp_flow".
func (s *Switch) parseTraceFlow(ta *traceArgs, pos []string) error {
	if len(pos) == 2 {
		if br := s.bridges[pos[0]]; br != nil {
			m, err := openflow.ParseMatch(pos[1], s.portLookup(br.Name))
			if err == nil {
				err = exactFlowCheck(pos[1], m)
			}
			if err != nil {
				// A trace's flow is read as one flow, field by field,
				// not as ovs-ofctl's match: its words differ.
				msg := err.Error()
				if rest, ok := strings.CutPrefix(msg, "unknown keyword "); ok {
					msg = "unknown field " + rest
				}
				return fmt.Errorf("Bad openflow flow syntax: %s: %s", pos[1], msg)
			}
			v, _, err := ofproto.FlowMatch(m)
			if err != nil {
				return fmt.Errorf("Bad openflow flow syntax: %s: %s", pos[1], err)
			}
			ta.bridge, ta.flow = br.Name, v
			return nil
		}
		if s.dp == nil || pos[0] != s.dp.Name() {
			if !strings.Contains(pos[1], "(") {
				return fmt.Errorf("%s: unknown bridge", pos[0])
			}
			return errors.New("Cannot find the datapath")
		}
		pos = pos[1:]
	}
	key, err := flow.ParseODPPacket(pos[0])
	if err != nil {
		return fmt.Errorf("%s (or the bridge name was omitted)", err)
	}
	if s.handler == nil {
		return fmt.Errorf("no OpenFlow port for datapath port %d", key.InPort)
	}
	p := s.handler.Config().PortByDP(key.InPort)
	if p == nil {
		return fmt.Errorf("no OpenFlow port for datapath port %d", key.InPort)
	}
	ta.bridge = p.Bridge.Name
	ta.flow.Key = key
	ta.flow.OFInPort = p.OFPort
	return nil
}

func (s *Switch) runTrace(ta *traceArgs, packetOut bool) (string, error) {
	if s.handler == nil || s.bridges[ta.bridge] == nil {
		return "", fmt.Errorf("%s: unknown bridge", ta.bridge)
	}
	opts := xlate.TraceOptions{Generate: ta.generate || ta.packet != nil}
	for _, c := range s.bridges[ta.bridge].of.ControllerStatus() {
		opts.Controllers = opts.Controllers || c.Connected
	}
	var res *xlate.TraceResult
	var err error
	if packetOut {
		res, err = s.handler.TracePacketOut(ta.bridge, &ta.flow, ta.actions, opts)
	} else {
		res, err = s.handler.Trace(ta.bridge, &ta.flow, opts)
	}
	if err != nil {
		return "", err
	}
	return string(appendTraceReport(nil, res)), nil
}

// appendTraceReport lays out a trace as OVS does.
func appendTraceReport(b []byte, res *xlate.TraceResult) []byte {
	b = append(b, "Flow: "...)
	b = appendTraceFlow(b, &res.Initial)
	b = append(b, "\n\n"...)
	b = append(b, res.Text...)
	b = append(b, "\nFinal flow: "...)
	if traceSame(&res.Initial, &res.Final) {
		b = append(b, "unchanged"...)
	} else {
		b = appendTraceFlow(b, &res.Final)
	}
	b = append(b, "\nMegaflow: "...)
	b = appendMegaflow(b, &res.Initial, &res.Output.Mask)
	b = append(b, "\nDatapath actions: "...)
	b = dpif.AppendActions(b, res.Output.Actions, nil)
	b = append(b, '\n')
	return b
}

// traceSame reports whether two flows print the same (the datapath port
// is not part of what a trace shows).
func traceSame(a, b *flow.Flow) bool {
	x, y := *a, *b
	x.Key.InPort, y.Key.InPort = 0, 0
	return x == y
}

var (
	ones6  = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	ones4  = [4]byte{0xff, 0xff, 0xff, 0xff}
	ones16 = [16]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
)

// traceFlowMask is the mask under which a flow prints as OVS prints a
// flow: every field its protocols define, and the metadata that is set.
func traceFlowMask(f *flow.Flow) flow.Flow {
	var m flow.Flow
	k := &f.Key
	m.OFInPort = ^uint32(0)
	m.VLANs[0] = flow.VLAN{TPID: 0xffff, TCI: 0xffff}
	m.EthSrc, m.EthDst = ones6, ones6
	m.EthType = 0xffff
	if k.RecircID != 0 {
		m.RecircID = ^uint32(0)
	}
	if k.DpHash != 0 {
		m.DpHash = ^uint32(0)
	}
	if k.Mark != 0 {
		m.Mark = ^uint32(0)
	}
	if k.Priority != 0 {
		m.Priority = ^uint32(0)
	}
	if f.Metadata != 0 {
		m.Metadata = ^uint64(0)
	}
	for i, r := range f.Regs {
		if r != 0 {
			m.Regs[i] = ^uint32(0)
		}
	}
	if f.ConjID != 0 {
		m.ConjID = ^uint32(0)
	}
	switch k.EthType {
	case flow.EthTypeIP, flow.EthTypeIPv6:
		if k.EthType == flow.EthTypeIP {
			m.IPv4Src, m.IPv4Dst = ones4, ones4
		} else {
			m.IPv6Src, m.IPv6Dst = ones16, ones16
			m.IPv6Label = 0xfffff
		}
		m.NwProto, m.NwTOS, m.NwTTL, m.NwFrag = 0xff, 0xff, 0xff, 0xff&(flow.FragAny|flow.FragLater)
		switch k.NwProto {
		case flow.IPProtoTCP:
			m.TpSrc, m.TpDst, m.TCPFlags = 0xffff, 0xffff, 0x0fff
		case flow.IPProtoUDP, flow.IPProtoSCTP, flow.IPProtoICMP, flow.IPProtoICMPv6:
			m.TpSrc, m.TpDst = 0xffff, 0xffff
		}
		if k.NwProto == flow.IPProtoICMPv6 && (k.TpSrc == flow.NDNeighborSolicit || k.TpSrc == flow.NDNeighborAdvert) {
			m.NDTarget = ones16
			m.ARPSHA, m.ARPTHA = ones6, ones6
		}
	case flow.EthTypeARP, flow.EthTypeRARP:
		m.IPv4Src, m.IPv4Dst = ones4, ones4
		m.NwProto = 0xff
		m.ARPSHA, m.ARPTHA = ones6, ones6
	case flow.EthTypeMPLS, flow.EthTypeMPLSMcast:
		m.MPLS[0] = ^uint32(0)
	}
	return m
}

// appendTraceFlow appends f as OVS prints a flow in a trace.
func appendTraceFlow(b []byte, f *flow.Flow) []byte {
	v := *f
	v.Key.InPort = 0
	m := traceFlowMask(&v)
	start := len(b)
	b = ofproto.OpenFlowMatch(&v, &m).AppendText(b, nil)
	if v.VLANs[0].TCI&flow.VLANCFI != 0 {
		// OVS shows the inner tag's TCI after a present outer tag.
		s := string(b[start:])
		if i := strings.Index(s, "dl_vlan_pcp="); i >= 0 {
			j := i + strings.IndexByte(s[i:]+",", ',')
			tci := "vlan_tci1=0x" + fmt.Sprintf("%04x", v.VLANs[1].TCI)
			b = append(b[:start], (s[:j] + "," + tci + s[j:])...)
		}
	}
	return b
}

// appendMegaflow appends the megaflow of a trace: the flow under the mask
// translation built, with the OpenFlow in_port in place of the datapath's.
func appendMegaflow(b []byte, f *flow.Flow, mask *flow.Key) []byte {
	v := *f
	var m flow.Flow
	m.Key = *mask
	if mask.InPort != 0 {
		m.OFInPort = ^uint32(0)
	}
	m.Key.InPort, v.Key.InPort = 0, 0
	m.Key.PacketType = 0
	// An absent tag is implied by the flow's Ethernet headers (the
	// datapath key of an untagged packet cannot match a tagged one), so
	// OVS's megaflow does not show it.
	if v.VLANs[0].TCI&flow.VLANCFI == 0 {
		m.VLANs[0] = flow.VLAN{}
	}
	m.VLANs[1] = flow.VLAN{}
	if v.EthType != flow.EthTypeMPLS && v.EthType != flow.EthTypeMPLSMcast {
		// Label stack entries pushed by the pipeline are not the
		// packet's: nothing in them was matched.
		m.MPLS = [flow.MaxMPLS]uint32{}
	}
	mw, vw := m.Words(), v.Words()
	for i := range vw {
		vw[i] &= mw[i]
	}
	return ofproto.OpenFlowMatch(&v, &m).AppendText(b, nil)
}

// consistent is -consistent: every field an action sets or reads must be
// defined for the flow (OpenFlow 1.1+ consistency).
func consistent(acts []openflow.Action, f *flow.Flow) error {
	m := traceFlowMask(f)
	match := ofproto.OpenFlowMatch(f, &m)
	ip := f.EthType == flow.EthTypeIP || f.EthType == flow.EthTypeIPv6
	ports := ip && (f.NwProto == flow.IPProtoTCP || f.NwProto == flow.IPProtoUDP || f.NwProto == flow.IPProtoSCTP)
	for _, a := range acts {
		ok := true
		switch a := a.(type) {
		case *openflow.SetField:
			ok = a.Field != nil && match.PrereqsMet(a.Field.Prereq)
		case *openflow.SetIPv4Src, *openflow.SetIPv4Dst:
			ok = f.EthType == flow.EthTypeIP
		case *openflow.SetIPDSCP, *openflow.SetIPECN, *openflow.SetIPTTL, *openflow.DecTTL:
			ok = ip
		case *openflow.SetL4Src, *openflow.SetL4Dst:
			ok = ports
		}
		if !ok {
			return openflow.OFPBAC_MATCH_INCONSISTENT
		}
	}
	return nil
}

// exactFlowCheck applies the rule of OVS's flow parser that ovs-ofctl's
// match parser relaxes: tp_src and tp_dst are TCP's ports (other
// protocols name theirs udp_src, sctp_dst...).
func exactFlowCheck(text string, m *openflow.Match) error {
	proto, ok := m.NwProto()
	for _, tok := range strings.Split(text, ",") {
		name, _, _ := strings.Cut(strings.TrimSpace(tok), "=")
		if (name == "tp_src" || name == "tp_dst") && (!ok || proto != flow.IPProtoTCP) {
			return fmt.Errorf("prerequisites not met for setting %s", name)
		}
	}
	return nil
}
