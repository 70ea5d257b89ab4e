package ofproto

import (
	"time"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

// PacketIn is a packet the pipeline sends to the controllers, with the
// parameters of the action (or table miss) that sent it.
type PacketIn struct {
	Packet []byte
	// Flow holds the packet's fields and the pipeline metadata at the
	// time of the packet-in: the OpenFlow in_port, registers, metadata,
	// pkt_mark.
	Flow    flow.Flow
	TableID uint8
	Cookie  uint64
	// Reason is openflow.ReasonNoMatch, ReasonAction, ..., or
	// ReasonExplicitMiss / ReasonImplicitMiss.
	Reason uint8
	MaxLen uint16 // bytes of the packet to send; 0xffff: all
	// ControllerID is controller(id=N)'s id: only connections with this
	// id get the packet (0: all).
	ControllerID uint16
	Userdata     []byte
}

// maxLenAll ("no buffer") asks for the whole packet.
const maxLenAll = 0xffff

// Table-miss reasons beyond OpenFlow's, as OVS keeps them internally (the
// numbers are OVS's, which also appear in datapath userspace() cookies).
// An explicit miss is a table-miss flow (priority 0, matching everything)
// sending with a controller action: OpenFlow 1.3 and later call that a
// miss ("no_match"), earlier versions an action. An implicit miss is no
// flow matching at all: only 1.0-1.2 controllers hear of it.
const (
	ReasonExplicitMiss uint8 = 6
	ReasonImplicitMiss uint8 = 7
)

// SendPacketIn delivers a packet-in to every connection that wants it.
// Implicit table misses (no flow matched at all) go only to connections
// older than OpenFlow 1.3, which have no table-miss flows; from 1.3 on,
// only what a table-miss flow sends explicitly, as OVS does.
func (o *Ofproto) SendPacketIn(pi *PacketIn) {
	now := time.Now()
	o.cm().each(func(oc *ofconn) {
		oc.mu.Lock()
		v, format, missLen := oc.v, oc.pinFormat, oc.cfg.MissSendLen
		invalidTTL := oc.cfg.InvalidTTLToController
		oc.mu.Unlock()
		reason, maxLen := pi.Reason, pi.MaxLen
		switch reason {
		case openflow.ReasonNoMatch, ReasonImplicitMiss:
			if v >= openflow.V13 {
				return
			}
			reason, maxLen = openflow.ReasonNoMatch, missLen
		case ReasonExplicitMiss:
			reason = openflow.ReasonAction
			if v >= openflow.V13 {
				reason = openflow.ReasonNoMatch
			}
		case openflow.ReasonInvalidTTL:
			if !invalidTTL && v < openflow.V13 {
				return
			}
		}
		if pi.ControllerID != 0 && pi.ControllerID != oc.connID() {
			return
		}
		if !oc.wants(openflow.AsyncPacketIn, reason) {
			return
		}
		oc.mu.Lock()
		admitted := oc.admitPacketIn(now)
		oc.mu.Unlock()
		if !admitted {
			return
		}
		data := pi.Packet
		if maxLen != maxLenAll && int(maxLen) < len(data) {
			data = data[:maxLen]
		}
		m := &openflow.PacketIn{
			Format:   format,
			BufferID: openflow.BufferNone,
			TotalLen: uint32(len(pi.Packet)),
			Reason:   reason,
			TableID:  pi.TableID,
			Cookie:   pi.Cookie,
			Metadata: *pipelineMetadata(&pi.Flow),
			Data:     data,
		}
		if format == openflow.PacketInNXT2 {
			// Only NXT_PACKET_IN2 carries userdata.
			m.Userdata = pi.Userdata
		}
		b, err := openflow.Encode(m, uint8(v), 0)
		if err != nil {
			logConn.Dbg("%s: cannot encode packet-in for %s: %v", o.Name, v, err)
			return
		}
		oc.sendAsync(b)
	})
}

// pipelineMetadata is the match a packet-in carries: in_port and the
// nonzero pipeline fields, as OVS sends them.
func pipelineMetadata(f *flow.Flow) *openflow.Match {
	var v, mask flow.Flow
	v.OFInPort = f.OFInPort
	mask.OFInPort = ^uint32(0)
	if f.Metadata != 0 {
		v.Metadata, mask.Metadata = f.Metadata, ^uint64(0)
	}
	for i, r := range f.Regs {
		if r != 0 {
			v.Regs[i], mask.Regs[i] = r, ^uint32(0)
		}
	}
	if f.Key.Mark != 0 {
		v.Key.Mark, mask.Key.Mark = f.Key.Mark, ^uint32(0)
	}
	return OpenFlowMatch(&v, &mask)
}

// flowRemoved reports a removed rule to the connections that want it, if
// the rule asked for it.
func (o *Ofproto) flowRemoved(r *Rule, reason openflow.FlowRemovedReason) {
	if r.Flags&openflow.FlowSendFlowRem == 0 || r.Hidden() {
		return
	}
	fr := r.Removed(o.Now(), reason)
	o.cm().broadcast(openflow.AsyncFlowRemoved, uint8(reason), func(oc *ofconn) openflow.Message {
		oc.mu.Lock()
		nxm := oc.nxm && oc.v == openflow.V10
		oc.mu.Unlock()
		m := *fr
		m.NXM = nxm
		return &m
	})
}
