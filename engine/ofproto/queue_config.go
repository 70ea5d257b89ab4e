package ofproto

import (
	"slices"

	"github.com/govs/ovs/proto/openflow"
)

// Queue configuration requests. No port of ours has QoS queues, and OVS
// 3.1 answers for such a port with its default queue 0 and no rates, so
// that is what every existing port reports.

// portQueues returns queue 0 of port (PortAny: of every port, in port
// number order), or false when no such port exists.
func (o *Ofproto) portQueues(port uint32) ([]openflow.QueueDesc, bool) {
	id := o.identity()
	if id.Ports == nil {
		return nil, port == openflow.PortAny
	}
	var qs []openflow.QueueDesc
	for _, p := range id.Ports() {
		if port == openflow.PortAny || p.PortNo == port {
			qs = append(qs, openflow.QueueDesc{PortNo: p.PortNo,
				MinRate: openflow.QueueRateUnset, MaxRate: openflow.QueueRateUnset})
		}
	}
	slices.SortFunc(qs, func(a, b openflow.QueueDesc) int { return int(a.PortNo) - int(b.PortNo) })
	return qs, len(qs) > 0 || port == openflow.PortAny
}

// queueGetConfig answers OFPT_QUEUE_GET_CONFIG_REQUEST (1.0-1.3).
func (oc *ofconn) queueGetConfig(r *openflow.QueueGetConfigRequest, h openflow.Header) (openflow.ErrorCode, bool) {
	qs, ok := oc.o.portQueues(r.PortNo)
	if !ok {
		return openflow.OFPQOFC_BAD_PORT, false
	}
	oc.reply(&openflow.QueueGetConfigReply{PortNo: r.PortNo, Queues: qs}, h)
	return 0, true
}

// queueDesc answers OFPMP_QUEUE_DESC (1.4+), where a queue other than 0
// (or all) does not exist.
func (oc *ofconn) queueDesc(r *openflow.QueueDescRequest, h openflow.Header) (openflow.ErrorCode, bool) {
	qs, ok := oc.o.portQueues(r.PortNo)
	if !ok {
		return openflow.OFPQOFC_BAD_PORT, false
	}
	if r.QueueID != openflow.QueueAll && r.QueueID != 0 {
		return openflow.OFPQOFC_BAD_QUEUE, false
	}
	b, err := openflow.AppendMultipartReplies(nil, &openflow.QueueDescReply{Queues: qs}, openflow.Version(h.Version), h.Xid)
	if err != nil {
		return openflow.OFPBRC_BAD_STAT, false
	}
	oc.sendEach(b)
	return 0, true
}
