package xlate

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
)

var log = vlog.NewModule("ofproto_dpif_upcall")

// DefaultMaxIdle is how long an unused datapath flow lives, in
// milliseconds (other_config:max-idle).
const DefaultMaxIdle = 10000

// DefaultFlowLimit is the datapath flow limit upcall/show reports
// (other_config:flow-limit).
const DefaultFlowLimit = 10000

// revalidateEvery is how often the revalidator looks at every flow even
// when nothing changed: for idle expiry, statistics and MAC refresh.
const revalidateEvery = 500 * time.Millisecond

// Handler is the datapath's upcall handler and the revalidator of the
// flows it installs.
type Handler struct {
	dp  dpif.Datapath
	cfg atomic.Pointer[Config]

	// gen counts changes that may make installed flows wrong
	// (configuration, OpenFlow tables, MAC tables). A flow remembers the
	// generation it was translated at.
	gen     atomic.Uint64
	kick    chan struct{}
	maxIdle atomic.Int64
	limit   atomic.Int64

	recirc    *Recirc
	meters    *MeterIDs
	packetIns atomic.Pointer[func(*PacketIn)]

	mu        sync.Mutex // guards the statistics below
	flowsMax  uint64
	flowsAvg  uint64
	dumpMs    int64
	lastCount uint64
}

// ukey is the handler's record of one installed flow (OVS's udpif_key).
// Only the revalidator goroutine touches it after installation.
type ukey struct {
	cache *Cache
	// first is the cache of the flow's first translation (cache points
	// at it until a revalidation replaces it), with room for what a
	// NORMAL flow records in it: one allocation per flow.
	first   Cache
	rules   [1]*ofproto.Rule
	tables  [1]TableUse
	learns  [1]Learned
	gen     uint64
	created int64
	packets uint64
	bytes   uint64
	learned int64 // when the flow's learn actions were last redone
}

// relearnEvery is how often (ms) a busy flow's learn actions are redone:
// often enough to keep learned flows from idling out, rarely enough that
// the table changes they cause do not keep the revalidator spinning.
const relearnEvery = 1000

// NewHandler returns a handler for dp and registers it as dp's upcall
// handler.
func NewHandler(dp dpif.Datapath) *Handler {
	h := &Handler{dp: dp, kick: make(chan struct{}, 1), recirc: NewRecirc(), meters: NewMeterIDs()}
	h.cfg.Store(NewConfig(nil))
	h.maxIdle.Store(DefaultMaxIdle)
	h.limit.Store(DefaultFlowLimit)
	dp.SetUpcallHandler(h)
	if m, ok := dp.(dpif.Meterer); ok {
		m.SetMeterFunc(h.admit)
	}
	return h
}

// SetPacketInHook installs fn as the receiver of packets for controllers
// (nil: none). With a receiver, table misses go to the controllers too;
// installed flows are revalidated accordingly. fn is called on datapath
// goroutines and must not block.
func (h *Handler) SetPacketInHook(fn func(*PacketIn)) {
	if fn == nil {
		h.packetIns.Store(nil)
	} else {
		h.packetIns.Store(&fn)
	}
	h.Changed()
}

// input is the translation input for key at the current time.
func (h *Handler) input(key *flow.Key, learn bool) *Input {
	in := new(Input)
	h.fillInput(in, key, learn)
	return in
}

func (h *Handler) fillInput(in *Input, key *flow.Key, learn bool) {
	now := h.dp.Now()
	*in = Input{Key: *key, Learn: learn, Now: now / 1000, NowMs: now, Recirc: h.recirc,
		Controllers: h.packetIns.Load() != nil, Meters: h.meters}
}

// translate runs key through cfg in a pooled context (see getCtx) whose
// output's Cache is cache; the caller ends with putCtx.
func (h *Handler) translate(cfg *Config, key *flow.Key, learn bool, cache *Cache) *ctx {
	x := getCtx(cfg, cache)
	h.fillInput(&x.inBuf, key, learn)
	x.init()
	x.run()
	return x
}

// Config returns the configuration translations currently use.
func (h *Handler) Config() *Config { return h.cfg.Load() }

// SetConfig publishes a new configuration; installed flows are
// revalidated against it.
func (h *Handler) SetConfig(c *Config) {
	h.cfg.Store(c)
	h.Changed()
}

// SetMaxIdle sets other_config:max-idle in milliseconds.
func (h *Handler) SetMaxIdle(ms int64) {
	if ms <= 0 {
		ms = DefaultMaxIdle
	}
	h.maxIdle.Store(ms)
}

// SetFlowLimit sets other_config:flow-limit.
func (h *Handler) SetFlowLimit(n int64) {
	if n <= 0 {
		n = DefaultFlowLimit
	}
	h.limit.Store(n)
}

// Changed says something translation depends on changed (an OpenFlow
// table, a MAC table): installed flows must be checked.
func (h *Handler) Changed() {
	h.gen.Add(1)
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// Miss implements dpif.UpcallHandler.
func (h *Handler) Miss(u *dpif.Upcall) {
	gen := h.gen.Load() // before translating: a change racing with us forces a recheck
	uk := new(ukey)
	uk.cache = &uk.first
	uk.first.Rules, uk.first.Tables, uk.first.Learn = uk.rules[:0], uk.tables[:0], uk.learns[:0]
	x := h.translate(h.cfg.Load(), &u.Key, true, uk.cache)
	out := x.out
	u.Actions = append(u.Actions[:0], out.Actions...)
	u.Mask = out.Mask
	u.Install = true
	now := h.dp.Now()
	uk.gen, uk.created, uk.learned = gen, now, now
	u.Cookie = uk
	// The packet that missed counts for the rules it went through.
	if u.Packet != nil {
		uk.cache.credit(1, uint64(len(u.Packet.Data)), now)
		uk.cache.finTimeouts(u.Key.TCPFlags)
	}
	changed := out.MACChanged
	putCtx(x)
	if changed {
		h.Changed()
	}
}

// credit adds a datapath flow's traffic to the rules and groups it went
// through.
func (c *Cache) credit(packets, bytes uint64, used int64) {
	for _, r := range c.Rules {
		r.Credit(packets, bytes, used)
	}
	for _, g := range c.Groups {
		g.Group.Credit(g.Bucket, packets, bytes)
	}
	for _, t := range c.Tables {
		matched := uint64(0)
		if t.Matched {
			matched = packets
		}
		t.OF.TableHit(t.Table, packets, matched)
	}
}

// finTimeouts applies the cache's fin_timeout actions if tcpFlags, the
// flags of packets that went through them, have a FIN or RST. It comes
// after credit, so that a rule replaced with lower timeouts keeps the
// traffic that lowered them.
func (c *Cache) finTimeouts(tcpFlags uint16) {
	if tcpFlags&(flow.TCPFin|flow.TCPRst) == 0 {
		return
	}
	for _, f := range c.Fins {
		f.OF.ReduceTimeouts(f.Rule, f.Idle, f.Hard)
	}
}

// Userspace implements dpif.UpcallHandler: packets for controllers
// become packet-ins for the hook.
func (h *Handler) Userspace(pkt *netdev.Packet, key *flow.Key, userdata []byte) {
	fn := h.packetIns.Load()
	if fn == nil {
		return
	}
	if pi, ok := packetIn(h.recirc, pkt.Data, key, userdata); ok {
		(*fn)(pi)
	}
}

// PacketOut translates acts for pkt as if it came in on OpenFlow port
// inPort of bridge br (OFPP_CONTROLLER, OFPP_NONE or OFPP_LOCAL allowed)
// and executes the result once in the datapath. output:TABLE runs the
// packet through the bridge's tables.
func (h *Handler) PacketOut(br string, pkt []byte, inPort uint32, acts []openflow.Action) error {
	cfg := h.cfg.Load()
	b := cfg.Bridge(br)
	if b == nil {
		return fmt.Errorf("%s: no such bridge", br)
	}
	if len(pkt) > netdev.MaxFrame {
		return fmt.Errorf("packet-out of %d bytes is too long", len(pkt))
	}
	var key flow.Key
	port := b.Ports[inPort]
	key.InPort = ^uint32(0) // not from any datapath port
	if port != nil && port.HasDP {
		key.InPort = port.DPPort
	}
	flow.Extract(pkt, &key)
	x := newCtx(cfg, h.input(&key, true))
	x.packetOut = true
	x.flow.OFInPort = inPort
	x.doActions(b, port, acts)
	x.exit = false
	if len(x.actset) > 0 {
		x.runActionSet(b, port)
	}
	now := h.dp.Now()
	x.out.Cache.credit(1, uint64(len(pkt)), now)
	x.out.Cache.finTimeouts(key.TCPFlags)
	if x.out.MACChanged {
		h.Changed()
	}
	if len(x.out.Actions) == 0 {
		return nil
	}
	return h.dp.Execute(&netdev.Packet{Data: pkt}, &key, x.out.Actions)
}

// Run is the revalidator: it expires idle flows, pushes flow statistics to
// OpenFlow rules and MAC tables, and re-translates flows after changes,
// deleting those whose translation no longer holds. It returns when ctx
// ends.
func (h *Handler) Run(ctx context.Context) {
	t := time.NewTicker(revalidateEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.kick:
			// Let a burst of changes (a flood of new MACs) settle
			// into one pass.
			select {
			case <-ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
		h.Revalidate()
	}
}

// Revalidate makes one pass over the datapath's flows now.
func (h *Handler) Revalidate() {
	start := time.Now()
	cfg := h.cfg.Load()
	gen := h.gen.Load()
	now := h.dp.Now()
	nowSec := now / 1000
	maxIdle := h.maxIdle.Load()

	var dead []*dpif.Flow
	var count uint64
	h.dp.FlowDump(func(f *dpif.Flow, st dpif.FlowStats) bool {
		count++
		u, _ := f.Cookie.(*ukey)
		last := st.Used
		if u != nil && last < u.created {
			last = u.created
		}
		if last != 0 && now-last > maxIdle {
			dead = append(dead, f)
			return true
		}
		if u == nil {
			return true
		}
		h.recirc.touch(u.cache.Recirc, now)
		if st.Packets > u.packets {
			dp, db := st.Packets-u.packets, st.Bytes-u.bytes
			u.cache.credit(dp, db, st.Used)
			u.cache.finTimeouts(st.TCPFlags)
			for _, l := range u.cache.Learn {
				l.Bridge.MAC.Refresh(l.VLAN, l.MAC, l.Bundle, nowSec)
			}
			if len(u.cache.Learns) > 0 && now-u.learned >= relearnEvery {
				u.learned = now
				for _, l := range u.cache.Learns {
					l.OF.FlowMod(l.FlowMod) //nolint:errcheck // it applied once; a failure now is a table the controller changed
				}
			}
			u.packets, u.bytes = st.Packets, st.Bytes
		}
		if u.gen != gen {
			x := h.translate(cfg, &f.Key, false, &Cache{})
			out := x.out
			same := sameActions(out.Actions, f.Actions()) && maskWithin(&out.Mask, &f.Mask)
			cache := out.Cache
			putCtx(x)
			if !same {
				dead = append(dead, f)
				return true
			}
			u.gen, u.cache = gen, cache
		}
		return true
	})
	for _, f := range dead {
		h.dp.FlowDel(f)
	}
	h.recirc.expire(now)
	for _, br := range cfg.Bridges {
		before := br.MAC.Generation()
		br.MAC.Expire(nowSec)
		if br.MAC.Generation() != before {
			h.Changed()
		}
	}

	h.mu.Lock()
	count -= uint64(len(dead))
	h.lastCount = count
	if count > h.flowsMax {
		h.flowsMax = count
	}
	h.flowsAvg = (h.flowsAvg + count) / 2
	h.dumpMs = time.Since(start).Milliseconds()
	h.mu.Unlock()
}

func sameActions(a, b dpif.Actions) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := &a[i], &b[i]
		if x.Type != y.Type || x.Port != y.Port || x.VLAN != y.VLAN || string(x.Userdata) != string(y.Userdata) ||
			x.MPLS != y.MPLS || x.EthType != y.EthType || x.Meter != y.Meter {
			return false
		}
		if (x.Set == nil) != (y.Set == nil) || (x.Set != nil && *x.Set != *y.Set) {
			return false
		}
		if !sameActions(x.Clone, y.Clone) {
			return false
		}
		if (x.CheckPktLen == nil) != (y.CheckPktLen == nil) {
			return false
		}
		if c, d := x.CheckPktLen, y.CheckPktLen; c != nil &&
			(c.Size != d.Size || !sameActions(c.Greater, d.Greater) || !sameActions(c.LessEqual, d.LessEqual)) {
			return false
		}
	}
	return true
}

// maskWithin reports whether every bit of m is in outer: a translation
// that now looks at more fields than the installed flow matches on cannot
// keep the flow.
func maskWithin(m, outer *flow.Key) bool {
	mw, ow := m.Words(), outer.Words()
	for i := range mw {
		if mw[i]&^ow[i] != 0 {
			return false
		}
	}
	return true
}

// UpcallStats are what upcall/show prints.
type UpcallStats struct {
	Current, Avg, Max, Limit uint64
	DumpMs                   int64
}

// Stats returns the revalidator's statistics.
func (h *Handler) Stats() UpcallStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return UpcallStats{Current: h.dp.Stats().Flows, Avg: h.flowsAvg, Max: h.flowsMax, Limit: uint64(h.limit.Load()), DumpMs: h.dumpMs}
}
