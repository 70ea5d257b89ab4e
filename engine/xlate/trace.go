package xlate

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// Tracing (ovs-appctl ofproto/trace): the ordinary translation runs with a
// recorder attached (ctx.trace) that writes, as it goes, OVS's account of
// the pipeline: one numbered line per table visit, the actions of the rule
// found, NORMAL's decisions, group buckets, learned flows, patch-port
// crossings into other bridges. Sharing the translation code is the point:
// the datapath actions and megaflow a trace shows are by construction the
// ones a real packet would get. Every hook is behind a nil check, so a
// translation without a recorder costs one compare per hook and nothing
// is allocated.
//
// OVS lays the account out as a tree: a resubmit that is not its list's
// last action nests the looked-up table's actions 8 columns further in,
// with the table's line at the resubmit's column; a last-action resubmit,
// goto_table and a patch port continue at the current depth, their table
// line 4 columns left of the actions. Buckets nest like resubmits.

// tracer is the recorder.
type tracer struct {
	b    []byte
	ind  int // column of action lines
	tind int // column of the next table line
	// tailFrom is where the account of a last-action lookup starts
	// (-1: none pending), in case it must be nested after all.
	tailFrom int
}

func (t *tracer) pad(n int) {
	for ; n > 0; n-- {
		t.b = append(t.b, ' ')
	}
}

// line writes s on a line of its own at the action column plus extra.
func (t *tracer) line(extra int, s string) {
	t.pad(t.ind + extra)
	t.b = append(t.b, s...)
	t.b = append(t.b, '\n')
}

// bridge writes the header that starts a bridge's part of the account.
func (t *tracer) bridge(name string, first bool) {
	if !first {
		t.b = append(t.b, '\n')
	}
	t.pad(t.ind - 4)
	t.b = append(t.b, "bridge(\""...)
	t.b = append(t.b, name...)
	t.b = append(t.b, "\")\n"...)
	t.pad(t.ind - 4)
	t.b = append(t.b, "-------------\n"...)
}

// traceTable records the lookup in table id and the rule it found.
func (x *ctx) traceTable(id uint8, rule *ofproto.Rule, missToController bool) {
	t := x.trace
	t.pad(t.tind)
	t.tind = t.ind - 4
	if id < 10 {
		t.b = append(t.b, ' ')
	}
	t.b = strconv.AppendUint(t.b, uint64(id), 10)
	t.b = append(t.b, ". "...)
	if rule == nil {
		t.b = append(t.b, "No match.\n"...)
		if !missToController {
			t.line(0, "drop")
		}
		return
	}
	n := len(t.b)
	t.b = rule.OpenFlowMatch().AppendText(t.b, nil)
	if len(t.b) > n {
		t.b = append(t.b, ", "...)
	}
	t.b = append(t.b, "priority "...)
	t.b = strconv.AppendInt(t.b, int64(rule.ClassifierPriority()), 10)
	if rule.Cookie != 0 {
		t.b = append(t.b, ", cookie 0x"...)
		t.b = strconv.AppendUint(t.b, rule.Cookie, 16)
	}
	t.b = append(t.b, '\n')
	if len(rule.Actions()) == 0 {
		t.line(0, "drop")
	}
}

// traceAction records the action about to run.
func (x *ctx) traceAction(a openflow.Action) {
	t := x.trace
	t.pad(t.ind)
	t.b = openflow.AppendAction(t.b, a, nil)
	t.b = append(t.b, '\n')
}

// traceNest prepares the account for a lookup a resubmit makes: nested
// unless the resubmit is the last action. It returns what traceUnnest
// restores.
func (x *ctx) traceNest(last bool) (ind, tind int) {
	t := x.trace
	if t == nil {
		return 0, 0
	}
	ind, tind = t.ind, t.tind
	if last {
		t.tind = t.ind - 4
		t.tailFrom = len(t.b)
	} else {
		t.tind = t.ind
		t.ind += 8
		t.tailFrom = -1
	}
	return ind, tind
}

// traceUnnest ends a lookup's part of the account. A last-action lookup
// that leaves an action set still to run was not a tail after all: OVS
// shows it nested, so its lines move in (the table line by 4, the rest
// by 8, as if it had been nested from the start).
func (x *ctx) traceUnnest(ind, tind int) {
	t := x.trace
	if t == nil {
		return
	}
	if t.tailFrom >= 0 && len(x.actset) > 0 && t.tailFrom < len(t.b) {
		seg := string(t.b[t.tailFrom:])
		t.b = t.b[:t.tailFrom]
		first := true
		for len(seg) > 0 {
			n := strings.IndexByte(seg, '\n') + 1
			if n == 0 {
				n = len(seg)
			}
			line := seg[:n]
			seg = seg[n:]
			if line != "\n" {
				if first {
					t.pad(4)
				} else {
					t.pad(8)
				}
			}
			first = false
			t.b = append(t.b, line...)
		}
	}
	t.tailFrom = -1
	t.ind, t.tind = ind, tind
}

// traceNote records an explanation ("-> ...", ">> ...") of the action
// just recorded.
func (x *ctx) traceNote(s string) {
	if x.trace != nil {
		x.trace.line(1, s)
	}
}

// traceLearn records the flow a learn action adds, or that it was not
// added because the trace has no side effects.
func (x *ctx) traceLearn(fm *openflow.FlowMod) {
	t := x.trace
	if !x.in.Learn {
		t.line(1, ">> suppressing side effects, so learn action ignored")
		return
	}
	t.pad(t.ind + 1)
	t.b = append(t.b, "-> table="...)
	t.b = strconv.AppendUint(t.b, uint64(fm.TableID), 10)
	t.b = append(t.b, ' ')
	n := len(t.b)
	t.b = fm.Match.AppendText(t.b, nil)
	if len(t.b) > n {
		t.b = append(t.b, ' ')
	}
	t.b = append(t.b, "priority="...)
	t.b = strconv.AppendUint(t.b, uint64(fm.Priority), 10)
	if c := fm.NewCookie; c != 0 && c != openflow.CookieUnchanged {
		t.b = append(t.b, " cookie=0x"...)
		t.b = strconv.AppendUint(t.b, c, 16)
	}
	if fm.IdleTimeout != 0 {
		t.b = append(t.b, " idle="...)
		t.b = strconv.AppendUint(t.b, uint64(fm.IdleTimeout), 10)
	}
	if fm.HardTimeout != 0 {
		t.b = append(t.b, " hard="...)
		t.b = strconv.AppendUint(t.b, uint64(fm.HardTimeout), 10)
	}
	t.b = append(t.b, " actions="...)
	if len(fm.Actions) == 0 {
		t.b = append(t.b, "drop"...)
	} else {
		t.b = openflow.AppendActions(t.b, fm.Actions, nil)
	}
	t.b = append(t.b, '\n')
}

// traceBucket records the start of a group bucket; its actions nest.
func (x *ctx) traceBucket(id uint32) (ind, tind int) {
	t := x.trace
	if t == nil {
		return 0, 0
	}
	t.line(0, "bucket "+strconv.FormatUint(uint64(id), 10))
	ind, tind = t.ind, t.tind
	t.ind += 8
	t.tind = t.ind - 4
	return ind, tind
}

// TraceResult is a traced translation.
type TraceResult struct {
	// Text is the account of the pipeline, one part per bridge visited,
	// in OVS's layout.
	Text []byte
	// Output is the translation: datapath actions and megaflow mask.
	Output *Output
	// Initial is the flow traced; Final the packet as the pipeline left
	// it.
	Initial, Final flow.Flow
}

// ErrNoBridge is the error of a trace on a bridge translation does not
// know.
var ErrNoBridge = errors.New("unknown bridge")

// TraceOptions modify a trace.
type TraceOptions struct {
	// Generate gives the trace the side effects a packet would have
	// (MAC learning, learned flows), as OVS's -generate or a packet does.
	Generate bool
	// Controllers says that some controller of the bridge wants packets
	// on a table miss; otherwise a miss drops, as in OVS.
	Controllers bool
}

// Trace translates f as if it arrived on OpenFlow port f.OFInPort of bridge
// br, recording the translation. Without opts.Generate the trace has no
// side effects (no MAC learning, learn actions only reported), as in OVS.
func (h *Handler) Trace(br string, f *flow.Flow, opts TraceOptions) (*TraceResult, error) {
	return h.trace(br, f, nil, false, opts)
}

// TracePacketOut is Trace for a packet-out of acts, received on port
// f.OFInPort (OFPP_CONTROLLER, OFPP_NONE, OFPP_LOCAL or a port).
func (h *Handler) TracePacketOut(br string, f *flow.Flow, acts []openflow.Action, opts TraceOptions) (*TraceResult, error) {
	return h.trace(br, f, acts, true, opts)
}

func (h *Handler) trace(brName string, f *flow.Flow, acts []openflow.Action, packetOut bool, opts TraceOptions) (*TraceResult, error) {
	cfg := h.cfg.Load()
	br := cfg.Bridge(brName)
	if br == nil {
		return nil, fmt.Errorf("%s: %w", brName, ErrNoBridge)
	}
	port := br.Ports[f.OFInPort]
	key := f.Key
	key.InPort = ^uint32(0) // not from any datapath port
	if port != nil && port.HasDP {
		key.InPort = port.DPPort
	}
	generate := opts.Generate
	in := h.input(&key, generate)
	in.Controllers = opts.Controllers
	x := newCtx(cfg, in)
	x.flow = *f
	x.flow.Key.InPort = key.InPort
	x.trace = &tracer{ind: 4, tailFrom: -1}
	res := &TraceResult{Initial: x.flow}
	x.trace.bridge(br.Name, true)
	if packetOut {
		x.packetOut = true
		x.doActions(br, port, acts)
		x.exit = false
		if len(x.actset) > 0 {
			x.runActionSet(br, port)
		}
	} else if port == nil || !port.NoReceive {
		x.pipeline(br, port)
	}
	x.out.Mask = x.wc.Key
	if x.out.MACChanged {
		h.Changed()
	}
	if generate && len(x.out.Cache.Learns) > 0 {
		h.Changed()
	}
	markDontSend(x.out.Actions)
	res.Text, res.Output, res.Final = x.trace.b, x.out, x.flow
	return res, nil
}

// markDontSend flags the trips to controllers of a trace: they describe
// what a packet would do, they are not packets to deliver.
func markDontSend(acts dpif.Actions) {
	for i := range acts {
		a := &acts[i]
		switch a.Type {
		case dpif.ActUserspace:
			if c, ok := dpif.DecodeControllerCookie(a.Userdata); ok {
				c.DontSend = true
				a.Userdata = c.Append(nil)
			}
		case dpif.ActCheckPktLen:
			if a.CheckPktLen != nil {
				markDontSend(a.CheckPktLen.Greater)
				markDontSend(a.CheckPktLen.LessEqual)
			}
		}
		markDontSend(a.Clone)
	}
}

// traceVLANDrop explains why NORMAL dropped a packet for its VLAN.
func (x *ctx) traceVLANDrop(b *Bundle, tci uint16) {
	vid := strconv.Itoa(int(tci & flow.VLANVIDMask))
	if b.Mode == Access {
		x.traceNote("-> dropping VLAN " + vid + " tagged packet received on port " + b.Name + " configured as an access port")
		return
	}
	x.traceNote("-> dropping VLAN " + vid + " packet received on port " + b.Name + " not configured for trunking VLAN " + vid)
}

// traceMove shows what a move left in its destination, as OVS does: a
// whole field in the field's own notation, part of one in hex.
func (x *ctx) traceMove(a *openflow.RegMove) {
	t := x.trace
	text := string(openflow.AppendAction(nil, a, nil))
	dst := text[strings.LastIndex(text, "->")+2:]
	var scratch flow.Flow // reading for the account must not widen the megaflow
	v := readSubfield(&x.flow, &scratch, a.Dst)
	var val string
	if f := a.Dst.Field; a.Dst.Ofs == 0 && a.Dst.Bits == f.Bits && f.Bytes <= 16 {
		b := make([]byte, f.Bytes)
		putBytes(b, v)
		var m openflow.Match
		m.SetField(f, b, nil)
		s := string(m.AppendText(nil, nil))
		if i := strings.LastIndexByte(s, '='); i >= 0 {
			val = s[i+1:]
		}
	}
	if val == "" {
		val = "0x" + strconv.FormatUint(v.lo, 16)
		if v.hi != 0 {
			val = fmt.Sprintf("0x%x%016x", v.hi, v.lo)
		}
	}
	t.line(1, "-> "+dst+" is now "+val)
}

// traceDecTTL explains a dec_ttl that sends the packet to controllers.
func (x *ctx) traceDecTTL() {
	if x.flow.EthType == flow.EthTypeIPv6 {
		x.traceNote(">> IPv6 decrement TTL exception")
	} else {
		x.traceNote(">> IPv4 decrement TTL exception")
	}
}
