package xlate

import (
	"sync"
	"sync/atomic"

	"github.com/govs/ovs/engine/dpif"
)

// MeterIDs gives OpenFlow meters, which are per bridge, the datapath meter
// ids that the datapath's meter() action names (one datapath serves every
// bridge, as in OVS, which numbers them in order of first use too).
type MeterIDs struct {
	mu   sync.Mutex
	ids  map[meterKey]uint32
	byID atomic.Pointer[[]meterKey] // index: datapath id
}

type meterKey struct {
	bridge string
	id     uint32
}

// NewMeterIDs returns an empty numbering.
func NewMeterIDs() *MeterIDs {
	m := &MeterIDs{ids: map[meterKey]uint32{}}
	m.byID.Store(&[]meterKey{})
	return m
}

// id returns the datapath id of meter id of bridge br.
func (m *MeterIDs) id(br string, id uint32) uint32 {
	k := meterKey{br, id}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.ids[k]; ok {
		return n
	}
	old := *m.byID.Load()
	n := uint32(len(old))
	m.ids[k] = n
	next := append(old[:len(old):len(old)], k)
	m.byID.Store(&next)
	return n
}

// lookup returns the OpenFlow meter behind datapath id n.
func (m *MeterIDs) lookup(n uint32) (meterKey, bool) {
	t := *m.byID.Load()
	if int(n) >= len(t) {
		return meterKey{}, false
	}
	return t[n], true
}

// meter emits the datapath meter for OpenFlow meter id, when it exists.
func (x *ctx) meter(br *Bridge, id uint32) {
	if x.in.Meters == nil || br.OF.Meter(id) == nil {
		return
	}
	x.out.Actions = append(x.out.Actions, dpif.Action{Type: dpif.ActMeter, Meter: x.in.Meters.id(br.Name, id)})
}

// admit is the datapath's meter decision: whether the OpenFlow meter
// behind datapath meter n lets a packet of bytes bytes through. Meters
// have only drop bands here, so exceeding any band drops.
func (h *Handler) admit(n uint32, _ int64, bytes int) bool {
	k, ok := h.meters.lookup(n)
	if !ok {
		return true
	}
	br := h.cfg.Load().Bridge(k.bridge)
	if br == nil {
		return true
	}
	m := br.OF.Meter(k.id)
	if m == nil {
		return true
	}
	return m.Admit(br.OF.Now(), 1, uint64(bytes)) < 0
}
