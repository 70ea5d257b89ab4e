package xlate

import (
	"sync"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// PacketIn is a packet on its way to the controllers of Bridge: what the
// controller action (or a table miss, or an invalid TTL) asked for. The
// bridge's connection manager (ofproto.SendPacketIn) decides which
// controllers get it, truncates to MaxLen and rate-limits.
type PacketIn struct {
	Bridge string
	ofproto.PacketIn
}

// Table-miss reasons beyond OpenFlow's (see ofproto.ReasonExplicitMiss):
// the connection manager decides what each controller hears.
const (
	ReasonExplicitMiss = ofproto.ReasonExplicitMiss
	ReasonImplicitMiss = ofproto.ReasonImplicitMiss
)

// Packets for controllers go through the datapath like any other: the
// translation emits a userspace() action whose cookie (dpif.
// ControllerCookie) carries the packet-in's parameters and a recirculation
// id naming the frozen part of the translation state that no packet
// carries (registers, metadata, the OpenFlow in_port, the table and the
// controller action's userdata). Equal states share an id. An id lives as
// long as a datapath flow refers to it and a little longer (packets in
// flight); the revalidator frees the others.

// frozenKey is a frozen state; it is comparable, so it indexes a map.
type frozenKey struct {
	bridge   string
	flow     flow.Flow
	table    uint8
	userdata string
}

type frozen struct {
	key  frozenKey
	id   uint32
	used int64 // datapath clock (ms) of the last reference
}

// frozenLinger is how long (ms) an unreferenced frozen state survives.
const frozenLinger = 10000

// Recirc is the registry of frozen states.
type Recirc struct {
	mu    sync.Mutex
	byID  map[uint32]*frozen
	byKey map[frozenKey]*frozen
	next  uint32
}

// NewRecirc returns an empty registry.
func NewRecirc() *Recirc {
	return &Recirc{byID: map[uint32]*frozen{}, byKey: map[frozenKey]*frozen{}, next: 1}
}

// freeze returns the id of state k, allocating one when new.
func (r *Recirc) freeze(k *frozenKey, now int64) uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f := r.byKey[*k]; f != nil {
		f.used = now
		return f.id
	}
	for r.next == 0 || r.byID[r.next] != nil {
		r.next++
	}
	f := &frozen{key: *k, id: r.next, used: now}
	r.next++
	r.byID[f.id] = f
	r.byKey[f.key] = f
	return f.id
}

func (r *Recirc) thaw(id uint32) (frozenKey, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.byID[id]
	if f == nil {
		return frozenKey{}, false
	}
	return f.key, true
}

// touch marks ids as in use at now.
func (r *Recirc) touch(ids []uint32, now int64) {
	if len(ids) == 0 {
		return
	}
	r.mu.Lock()
	for _, id := range ids {
		if f := r.byID[id]; f != nil && f.used < now {
			f.used = now
		}
	}
	r.mu.Unlock()
}

// expire frees the states unused since before now-frozenLinger.
func (r *Recirc) expire(now int64) {
	r.mu.Lock()
	for id, f := range r.byID {
		if now-f.used > frozenLinger {
			delete(r.byID, id)
			delete(r.byKey, f.key)
		}
	}
	r.mu.Unlock()
}

// Len is the number of live frozen states.
func (r *Recirc) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID)
}

// controller emits the trip of the packet, as it is now, to the
// controllers.
func (x *ctx) controller(br *Bridge, reason uint8, maxLen, id uint16, userdata []byte) {
	x.commit()
	switch {
	case reason != openflow.ReasonAction:
	case x.packetOut:
		// Everything a packet-out sends to controllers, through its
		// own actions or the tables', is reason packet_out (which the
		// connection manager reports as action before OpenFlow 1.4).
		reason = openflow.ReasonPacketOut
	case x.rule != nil && x.rule.Priority == 0 && *x.rule.Mask() == (flow.Flow{}):
		reason = ReasonExplicitMiss
	}
	// Only the pipeline's own state is frozen: the packet's fields come
	// with the packet, and keeping them out lets every packet of a
	// megaflow (and its revalidation, from the masked key) share the id.
	k := frozenKey{bridge: br.Name, flow: x.flow, table: x.tableID, userdata: string(userdata)}
	k.flow.Key = flow.Key{InPort: x.flow.InPort}
	var rid uint32
	if x.in.Recirc != nil {
		rid = x.in.Recirc.freeze(&k, x.in.NowMs)
		x.out.Cache.Recirc = append(x.out.Cache.Recirc, rid)
	}
	var cookie uint64
	if x.rule != nil {
		cookie = x.rule.Cookie
	}
	c := dpif.ControllerCookie{Reason: reason, RecircID: rid, RuleCookie: cookie, ControllerID: id, MaxLen: maxLen}
	x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActUserspace, Userdata: c.Append(nil)})
}

// packetIn rebuilds the packet-in a userspace() action stands for.
func packetIn(r *Recirc, pkt []byte, key *flow.Key, userdata []byte) (*PacketIn, bool) {
	c, ok := dpif.DecodeControllerCookie(userdata)
	if !ok || c.DontSend {
		return nil, false
	}
	pi := &PacketIn{PacketIn: ofproto.PacketIn{
		Packet:       append([]byte(nil), pkt...),
		Cookie:       c.RuleCookie,
		Reason:       c.Reason,
		MaxLen:       c.MaxLen,
		ControllerID: c.ControllerID,
	}}
	pi.Flow.Key = *key
	if r != nil {
		if k, ok := r.thaw(c.RecircID); ok {
			pi.Bridge = k.bridge
			pi.TableID = k.table
			if k.userdata != "" {
				pi.Userdata = []byte(k.userdata)
			}
			// The packet's own fields come from the packet as the
			// datapath has made it; the rest from the pipeline.
			pi.Flow = k.flow
			pi.Flow.Key = *key
			pi.Flow.Key.InPort = k.flow.InPort
		}
	}
	if pi.Bridge == "" {
		return nil, false
	}
	return pi, true
}
