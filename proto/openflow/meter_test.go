package openflow

import (
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Wire bytes the real ovs-ofctl -O OpenFlow13 sent (xid 2).
var meterWireVectors = []struct {
	cmd  MeterModCommand
	text string
	hex  string
}{
	{MeterAdd, "meter=1,kbps,burst,stats,bands=type=drop,rate=1000,burst_size=100",
		"041d0020000000020000000d0000000100010010000003e80000006400000000"},
	{MeterAdd, "meter=2,pktps,bands=type=dscp_remark,rate=10,prec_level=2,type=drop,rate=20",
		"041d0030000000020000000200000002000200100000000a000000000200000000010010000000140000000000000000"},
	{MeterModify, "meter=2,kbps,bands=type=drop,rate=30",
		"041d0020000000020001000100000002000100100000001e0000000000000000"},
	{MeterDelete, "meter=2", "041d0010000000020002000000000002"},
	{MeterDelete, "meter=all", "041d00100000000200020000ffffffff"},
}

func TestMeterModWireMatchesOVS(t *testing.T) {
	for _, tc := range meterWireVectors {
		mm, err := ParseMeterMod(tc.text, tc.cmd)
		if err != nil {
			t.Errorf("parse %q: %v", tc.text, err)
			continue
		}
		b, err := Encode(mm, uint8(V13), 2)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(b); got != tc.hex {
			t.Errorf("%q:\n got %s\nwant %s", tc.text, got, tc.hex)
		}
		m, _, err := Decode(b)
		if err != nil {
			t.Errorf("decode: %v", err)
			continue
		}
		want := *mm
		if want.Bands == nil {
			want.Bands = []MeterBand{}
		}
		if d := cmp.Diff(&want, m); d != "" {
			t.Errorf("round trip (-want +got):\n%s", d)
		}
	}
}

func TestMeterText(t *testing.T) {
	m := &MeterConfig{Flags: MeterKbps | MeterBurst | MeterStats, MeterID: 1, Bands: []MeterBand{
		{Type: MeterBandDrop, Rate: 1000, BurstSize: 100},
		{Type: MeterBandDSCPRemark, Rate: 2000, BurstSize: 10, PrecLevel: 1}}}
	const want = "meter=1 kbps burst stats bands=\ntype=drop rate=1000 burst_size=100\n" +
		"type=dscp_remark rate=2000 burst_size=10 prec_level=1"
	if got := string(AppendMeterText(nil, m)); got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	bands, err := DecodeMeterBands(AppendMeterBands(nil, m.Bands))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(m.Bands, bands); d != "" {
		t.Error(d)
	}
}

// Error texts are the real ovs-ofctl's.
func TestParseMeterModErrors(t *testing.T) {
	for _, tc := range []struct {
		cmd       MeterModCommand
		text, err string
	}{
		{MeterAdd, "kbps,bands=type=drop,rate=1", "must specify 'meter'"},
		{MeterAdd, "meter=0,bands=type=drop,rate=1", "invalid value for meter"},
		{MeterAdd, "meter=x,bands=type=drop,rate=1", "invalid numeric format x"},
		{MeterAdd, "meter=4294901761,bands=type=drop,rate=1", "invalid value for meter"},
		{MeterAdd, "meter=5", "must specify bands"},
		{MeterAdd, "meter=12,bands", "must specify bands"},
		{MeterAdd, "meter=5,foo,bands=type=drop,rate=1", "field foo missing value"},
		{MeterAdd, "meter=5,bands=rate=1", "meter must specify either 'kbps' or 'pktps'"},
		{MeterAdd, "meter,kbps,bands=type=drop,rate=1", "invalid numeric format kbps"},
		{MeterAdd, "kbps=1,meter=3,bands=type=drop,rate=1", "unknown keyword 1"},
		{MeterAdd, "meter=10,burst,bands=type=drop,rate=1", "band must have 'burst_size' when 'burst' flag is set"},
		{MeterAdd, "meter=10,kbps,bands=rate=1", "band must start with the 'type' keyword"},
		{MeterAdd, "meter=10,kbps,bands=type=foo,rate=1", "field type unknown value foo"},
		{MeterAdd, "meter=10,kbps,bands=type=drop", "band must have 'rate'"},
		{MeterAdd, "meter=10,kbps,bands=type=drop,rate=0", "band must have 'rate'"},
		{MeterAdd, "meter=10,kbps,bands=type=drop,rate=x", "invalid numeric format x"},
		{MeterAdd, "meter=10,kbps,bands=type=drop,rate=1,foo=2", "unknown keyword foo"},
		{MeterAdd, "meter=10,kbps,bands=type=dscp_remark,rate=1,prec_level=300", `invalid prec_level "300"`},
		{MeterAdd, "meter=10,kbps,bands=", "meter must have bands"},
		{MeterAdd, "meter=10,kbps,bands=type=drop,rate:1", "field rate:1 missing value"},
		{MeterAdd, "meter=10,kbps,bands=type=drop,rate=1,type", "field type missing value"},
		{MeterAdd, "meter=10,kbps,bands=type=drop,rate=1,prec_level=3", "Only 'dscp_remark' band may have 'prec_level'"},
		{MeterAdd, "meter=10,stats,bands=type=dscp_remark,rate=1,type=drop,rate=2", "'dscp_remark' band must have 'prec_level'"},
		{MeterDelete, "meter=5,kbps", "field kbps missing value"},
		{MeterDelete, "meter=5,bands=type=drop,rate=1", "unknown keyword bands"},
		{MeterDelete, "", "must specify 'meter'"},
		{MeterDelete, "meter=0", "invalid value for meter"},
		{MeterDelete, "foo=1", "unknown keyword foo"},
	} {
		_, err := ParseMeterMod(tc.text, tc.cmd)
		if err == nil || err.Error() != tc.err {
			t.Errorf("ParseMeterMod(%q, %d) = %v, want %q", tc.text, tc.cmd, err, tc.err)
		}
	}
	for _, ok := range []string{"meter=8 kbps bands=type=drop rate=1", "meter=controller,kbps,bands=type=drop,rate=1",
		"meter=3,kbps,bands=type=drop,rate=1,rate=5", "meter=10,stats,bands=type=drop,rate=1"} {
		if _, err := ParseMeterMod(ok, MeterAdd); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}
