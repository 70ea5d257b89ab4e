package ofproto

import (
	"slices"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

func TestMeterMod(t *testing.T) {
	s := newTestSwitch(t)
	drop := func(rate, burst uint32) openflow.MeterBand {
		return openflow.MeterBand{Type: openflow.MeterBandDrop, Rate: rate, BurstSize: burst}
	}
	mm := func(cmd openflow.MeterModCommand, id uint32, flags openflow.MeterFlags, bands ...openflow.MeterBand) *openflow.MeterMod {
		return &openflow.MeterMod{Command: cmd, MeterID: id, Flags: flags, Bands: bands}
	}
	if err := s.MeterMod(mm(openflow.MeterAdd, 1, openflow.MeterKbps, drop(1000, 0))); err != nil {
		t.Fatal(err)
	}
	errs := []struct {
		m    *openflow.MeterMod
		code openflow.ErrorCode
	}{
		{mm(openflow.MeterAdd, 1, openflow.MeterKbps, drop(1, 0)), openflow.OFPMMFC_METER_EXISTS},
		{mm(openflow.MeterModify, 2, openflow.MeterKbps, drop(1, 0)), openflow.OFPMMFC_UNKNOWN_METER},
		{mm(openflow.MeterAdd, 3, openflow.MeterKbps|openflow.MeterPktps, drop(1, 0)), openflow.OFPMMFC_BAD_FLAGS},
		{mm(openflow.MeterAdd, 3, 0, drop(1, 0)), openflow.OFPMMFC_BAD_FLAGS},
		{mm(openflow.MeterAdd, 3, openflow.MeterKbps), openflow.OFPMMFC_OUT_OF_BANDS},
		{mm(openflow.MeterAdd, 3, openflow.MeterPktps, openflow.MeterBand{Type: openflow.MeterBandDSCPRemark, Rate: 5}), openflow.OFPMMFC_BAD_BAND},
		{mm(openflow.MeterAdd, 3, openflow.MeterKbps, drop(0, 0)), openflow.OFPMMFC_BAD_RATE},
		{mm(openflow.MeterAdd, 3, openflow.MeterKbps|0x40, drop(5, 0)), openflow.OFPMMFC_BAD_FLAGS},
		{mm(openflow.MeterAdd, 0, openflow.MeterKbps, drop(5, 0)), openflow.OFPMMFC_INVALID_METER},
		{mm(openflow.MeterAdd, openflow.MeterMaxID+1, openflow.MeterKbps, drop(5, 0)), openflow.OFPMMFC_INVALID_METER},
		{mm(9, 3, openflow.MeterKbps, drop(5, 0)), openflow.OFPMMFC_BAD_COMMAND},
	}
	for _, e := range errs {
		wantCode(t, s.MeterMod(e.m), e.code)
	}
	if err := s.MeterMod(mm(openflow.MeterAdd, openflow.MeterController, openflow.MeterPktps, drop(10, 5))); err != nil {
		t.Fatal(err)
	}
	if err := s.MeterMod(mm(openflow.MeterAdd, 2, openflow.MeterPktps|openflow.MeterBurst, drop(10, 20))); err != nil {
		t.Fatal(err)
	}
	if err := s.MeterMod(mm(openflow.MeterModify, 2, openflow.MeterPktps, drop(10, 0), drop(100, 0))); err != nil {
		t.Fatal(err)
	}
	if m := s.Meter(2); m == nil || len(m.Bands) != 2 || m.Config().MeterID != 2 {
		t.Fatalf("meter 2: %+v", m)
	}
	s.mustMod(t, openflow.FlowAdd, "priority=1,actions=meter:1,output:1")
	s.mustMod(t, openflow.FlowAdd, "priority=2,actions=meter:2,output:1")
	if err := s.MeterMod(mm(openflow.MeterDelete, 1, 0)); err != nil {
		t.Fatal(err)
	}
	if err := s.MeterMod(mm(openflow.MeterDelete, 77, 0)); err != nil {
		t.Fatal("deleting a missing meter:", err)
	}
	s.want(t, "0:2 meter:2,output:1")
	if !slices.Equal(s.removed, []string{"1:meter_delete"}) {
		t.Fatalf("removed %v", s.removed)
	}
	var ids []uint32
	s.Meters(func(m *Meter) bool { ids = append(ids, m.ID); return true })
	if !slices.Equal(ids, []uint32{2, openflow.MeterController}) {
		t.Fatalf("meters %v", ids)
	}
	if err := s.MeterMod(mm(openflow.MeterDelete, openflow.MeterAll, 0)); err != nil {
		t.Fatal(err)
	}
	s.want(t)
}

func TestMeterAdmit(t *testing.T) {
	// 10 packets/s, burst 5: five packets pass at once, the sixth is
	// dropped, and 100ms later one more may pass.
	m := newMeter(1, openflow.MeterPktps|openflow.MeterBurst, []openflow.MeterBand{{Type: openflow.MeterBandDrop, Rate: 10, BurstSize: 5}}, 0)
	for i := 0; i < 5; i++ {
		if b := m.Admit(0, 1, 100); b != -1 {
			t.Fatalf("packet %d: band %d", i, b)
		}
	}
	if b := m.Admit(0, 1, 100); b != 0 {
		t.Fatal("sixth packet admitted")
	}
	if b := m.Admit(50, 1, 100); b != 0 {
		t.Fatal("admitted after 50ms")
	}
	if b := m.Admit(100, 1, 100); b != -1 {
		t.Fatal("not admitted after 100ms")
	}
	p, by, bands := m.Stats()
	if p != 8 || by != 800 || bands[0] != [2]uint64{2, 200} {
		t.Fatalf("stats %d %d %v", p, by, bands)
	}

	// kbps, two bands: traffic exceeding both gets the higher-rate band.
	m = newMeter(2, openflow.MeterKbps, []openflow.MeterBand{
		{Type: openflow.MeterBandDrop, Rate: 8}, // 1000 bytes/s
		{Type: openflow.MeterBandDrop, Rate: 16},
	}, 0)
	if b := m.Admit(0, 1, 1000); b != -1 {
		t.Fatal("first second's worth refused")
	}
	if b := m.Admit(0, 1, 1000); b != 0 {
		t.Fatalf("got band %d, want the 8 kbps one", b)
	}
	if b := m.Admit(0, 1, 3000); b != 1 {
		t.Fatalf("got band %d, want the 16 kbps one", b)
	}
	if b := m.Admit(1000, 1, 1000); b != -1 {
		t.Fatal("refill")
	}
}
