package ofproto

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/govs/ovs/proto/openflow"
)

// Meters, with the semantics of OVS 3.1 over the userspace datapath
// (checked against ovs-vswitchd): adding an existing meter is
// OFPMMFC_METER_EXISTS, modifying a missing one OFPMMFC_UNKNOWN_METER,
// deleting a missing one no error (OFPM_ALL: every meter); ids run from 1 to
// OFPM_MAX plus the slowpath and controller meters (else
// OFPMMFC_INVALID_METER); exactly one of kbps and pktps (else
// OFPMMFC_BAD_FLAGS); at least one band (OFPMMFC_OUT_OF_BANDS), each with a
// rate (OFPMMFC_BAD_RATE); the userspace datapath has only drop bands
// (dscp_remark: OFPMMFC_BAD_BAND). Deleting a meter deletes the flows that
// use it (reason METER_DELETE).

// Meter is one meter. Its configuration is immutable once published (a
// modification publishes a new Meter, with fresh buckets); the band state
// changes under its own small lock as packets are admitted.
type Meter struct {
	ID      uint32
	Flags   openflow.MeterFlags
	Bands   []openflow.MeterBand
	Created int64 // milliseconds, bridge clock

	mu    sync.Mutex
	last  int64       // time of the last refill
	bands []bandState // parallel to Bands

	packets, bytes atomic.Uint64 // everything offered to the meter
}

// bandState is one band's token bucket. Tokens are in thousandths of a
// bit (kbps) or of a packet (pktps), so that a millisecond of refill at
// any integer rate is a whole number.
type bandState struct {
	tokens, max   uint64
	packets, bytz uint64 // traffic that exceeded the band
}

func newMeter(id uint32, flags openflow.MeterFlags, bands []openflow.MeterBand, now int64) *Meter {
	m := &Meter{ID: id, Flags: flags, Bands: slices.Clone(bands), Created: now, last: now}
	m.bands = make([]bandState, len(bands))
	for i, b := range bands {
		// The bucket holds the burst size if the meter has one, else
		// one second's worth of traffic.
		size := uint64(b.Rate)
		if flags&openflow.MeterBurst != 0 && b.BurstSize != 0 {
			size = uint64(b.BurstSize)
		}
		if flags&openflow.MeterPktps == 0 {
			size *= 1000 // kilobits to bits
		}
		m.bands[i].max = size * 1000
		m.bands[i].tokens = m.bands[i].max
	}
	return m
}

// Admit offers pkts packets of bytes bytes in total at time now
// (milliseconds) to the meter. It returns -1 if they conform to every band,
// else the index in Bands of the band to apply: of the bands they exceed,
// the one with the highest rate, as OpenFlow specifies. Conforming traffic
// takes its tokens from every band.
func (m *Meter) Admit(now int64, pkts, bytes uint64) int {
	m.packets.Add(pkts)
	m.bytes.Add(bytes)
	if len(m.bands) == 0 {
		return -1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	elapsed := uint64(0)
	if now > m.last {
		// Capped so that the refill cannot overflow; 1000s fills any
		// bucket whose burst is under 1000s of its rate, all of them in
		// practice.
		elapsed = uint64(min(now-m.last, 1_000_000))
		m.last = now
	}
	// Per millisecond, r kbps is r bits, and r packets/s is r
	// thousandths of a packet.
	cost, perMs := bytes*8*1000, uint64(1000)
	if m.Flags&openflow.MeterPktps != 0 {
		cost, perMs = pkts*1000, 1
	}
	exceeded := -1
	for i := range m.bands {
		s := &m.bands[i]
		s.tokens = min(s.max, s.tokens+elapsed*uint64(m.Bands[i].Rate)*perMs)
		if s.tokens < cost && (exceeded < 0 || m.Bands[i].Rate > m.Bands[exceeded].Rate) {
			exceeded = i
		}
	}
	if exceeded >= 0 {
		m.bands[exceeded].packets += pkts
		m.bands[exceeded].bytz += bytes
		return exceeded
	}
	for i := range m.bands {
		m.bands[i].tokens -= cost
	}
	return -1
}

// Stats returns what was offered to the meter and, per band, what
// exceeded it.
func (m *Meter) Stats() (packets, bytes uint64, bands [][2]uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	bands = make([][2]uint64, len(m.bands))
	for i, s := range m.bands {
		bands[i] = [2]uint64{s.packets, s.bytz}
	}
	return m.packets.Load(), m.bytes.Load(), bands
}

// Config is the meter's configuration as meter-config replies carry it.
func (m *Meter) Config() openflow.MeterConfig {
	return openflow.MeterConfig{Flags: m.Flags, MeterID: m.ID, Bands: m.Bands}
}

// Meter returns meter id, or nil. Safe for concurrent use with writers.
func (o *Ofproto) Meter(id uint32) *Meter { return o.meters.get(id) }

// Meters calls fn for each meter in id order until fn returns false.
func (o *Ofproto) Meters(fn func(m *Meter) bool) { o.meters.each(fn) }

// validMeterID reports whether id can name a meter: 1 to OFPM_MAX, or one
// of the special slowpath and controller meters.
func validMeterID(id uint32) bool {
	return id != 0 && (id <= openflow.MeterMaxID || id == openflow.MeterSlowpath || id == openflow.MeterController)
}

// MeterMod applies a meter table modification. Errors are
// openflow.ErrorCode values.
func (o *Ofproto) MeterMod(mm *openflow.MeterMod) error {
	return o.transact(func(now int64, ch *change) error { return o.meterMod(mm, now, ch) })
}

func (o *Ofproto) meterMod(mm *openflow.MeterMod, now int64, ch *change) error {
	cur := o.meters.current()
	old := cur[mm.MeterID]
	switch mm.Command {
	case openflow.MeterAdd, openflow.MeterModify:
		if !validMeterID(mm.MeterID) {
			return openflow.OFPMMFC_INVALID_METER
		}
		if mm.Command == openflow.MeterAdd && old != nil {
			return openflow.OFPMMFC_METER_EXISTS
		}
		if mm.Command == openflow.MeterModify && old == nil {
			return openflow.OFPMMFC_UNKNOWN_METER
		}
		if err := checkMeter(mm); err != nil {
			return err
		}
		nm := newMeter(mm.MeterID, mm.Flags, mm.Bands, now)
		if old != nil {
			nm.Created = old.Created
		}
		o.meters.put(mm.MeterID, nm)
		ch.changed = true
	case openflow.MeterDelete:
		var ids []uint32
		switch {
		case mm.MeterID == openflow.MeterAll:
			ids = slices.Collect(maps.Keys(cur))
		case old != nil:
			ids = []uint32{mm.MeterID}
		}
		if len(ids) == 0 {
			return nil
		}
		gone := make(map[uint32]bool, len(ids))
		for _, id := range ids {
			gone[id] = true
		}
		o.deleteFlowsWhere(openflow.RemovedMeterDelete, ch, func(acts []openflow.Action) bool {
			for _, a := range acts {
				if mt, ok := a.(*openflow.Meter); ok && gone[mt.ID] {
					return true
				}
			}
			return false
		})
		o.meters.remove(ids...)
		ch.changed = true
	default:
		return openflow.OFPMMFC_BAD_COMMAND
	}
	return nil
}

// checkMeter checks a meter's flags and bands as OVS's userspace datapath
// does.
func checkMeter(mm *openflow.MeterMod) error {
	known := openflow.MeterKbps | openflow.MeterPktps | openflow.MeterBurst | openflow.MeterStats
	kbps, pktps := mm.Flags&openflow.MeterKbps != 0, mm.Flags&openflow.MeterPktps != 0
	if mm.Flags&^known != 0 || kbps == pktps {
		return openflow.OFPMMFC_BAD_FLAGS
	}
	if len(mm.Bands) == 0 {
		return openflow.OFPMMFC_OUT_OF_BANDS
	}
	for _, b := range mm.Bands {
		if b.Type != openflow.MeterBandDrop {
			return openflow.OFPMMFC_BAD_BAND
		}
		if b.Rate == 0 {
			return openflow.OFPMMFC_BAD_RATE
		}
		// A burst size without the burst flag is accepted (and
		// ignored), as OVS does.
	}
	return nil
}
