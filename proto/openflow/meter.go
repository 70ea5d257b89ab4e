package openflow

// Meters (OFPT_METER_MOD, OpenFlow 1.3+) and the meter configuration the
// meter-config multipart reply carries. Bands are kept in wire order;
// OVS prints them in that order too.

// MeterFlags are OFPMF_*.
type MeterFlags uint16

// Meter flags.
const (
	MeterKbps  MeterFlags = 1
	MeterPktps MeterFlags = 2
	MeterBurst MeterFlags = 4
	MeterStats MeterFlags = 8
)

// Meter band types.
const (
	MeterBandDrop         uint16 = 1
	MeterBandDSCPRemark   uint16 = 2
	MeterBandExperimenter uint16 = 0xffff
)

// Special meter ids.
const (
	MeterMaxID      uint32 = 0xffff0000
	MeterSlowpath   uint32 = 0xfffffffd
	MeterController uint32 = 0xfffffffe
	MeterAll        uint32 = 0xffffffff
)

// MeterBand is one band of a meter. PrecLevel is dscp_remark's.
type MeterBand struct {
	Type      uint16
	Rate      uint32
	BurstSize uint32
	PrecLevel uint8
}

// MeterModCommand is what a meter_mod does (OFPMC_*, same numbers).
type MeterModCommand uint16

// Meter mod commands.
const (
	MeterAdd MeterModCommand = iota
	MeterModify
	MeterDelete
)

// MeterMod is a meter table modification.
type MeterMod struct {
	Command MeterModCommand
	Flags   MeterFlags
	MeterID uint32
	Bands   []MeterBand
}

// MeterConfig is one meter's configuration (meter-config reply).
type MeterConfig struct {
	Flags   MeterFlags
	MeterID uint32
	Bands   []MeterBand
}

// AppendMeterBands appends the wire form of bands (ofp_meter_band_*).
func AppendMeterBands(b []byte, bands []MeterBand) []byte {
	for i := range bands {
		bd := &bands[i]
		b = be16(b, bd.Type)
		b = be16(b, 16)
		b = be32(b, bd.Rate)
		b = be32(b, bd.BurstSize)
		if bd.Type == MeterBandDSCPRemark {
			b = append(b, bd.PrecLevel, 0, 0, 0)
		} else {
			b = pad(b, 4)
		}
	}
	return b
}

// DecodeMeterBands decodes a band list. Like OVS it knows drop and
// dscp_remark bands only: anything else is OFPMMFC_BAD_BAND.
func DecodeMeterBands(b []byte) ([]MeterBand, error) {
	bands := []MeterBand{}
	for len(b) > 0 {
		if len(b) < 16 {
			return nil, OFPBRC_BAD_LEN
		}
		n := int(u16(b, 2))
		if n < 16 || n > len(b) || n%8 != 0 {
			return nil, OFPBRC_BAD_LEN
		}
		bd := MeterBand{Type: u16(b, 0), Rate: u32(b, 4), BurstSize: u32(b, 8)}
		switch bd.Type {
		case MeterBandDrop:
		case MeterBandDSCPRemark:
			bd.PrecLevel = b[12]
		default:
			return nil, OFPMMFC_BAD_BAND
		}
		bands = append(bands, bd)
		b = b[n:]
	}
	return bands, nil
}

// Type is MsgMeterMod.
func (*MeterMod) Type() MsgType { return MsgMeterMod }

func (m *MeterMod) appendBody(b []byte, v Version) ([]byte, error) {
	if m.Command > MeterDelete {
		return b, OFPMMFC_BAD_COMMAND
	}
	b = be16(b, uint16(m.Command))
	b = be16(b, uint16(m.Flags))
	b = be32(b, m.MeterID)
	return AppendMeterBands(b, m.Bands), nil
}

func decodeMeterMod(b []byte, v Version) (Message, error) {
	if len(b) < 8 {
		return nil, OFPBRC_BAD_LEN
	}
	m := &MeterMod{Command: MeterModCommand(u16(b, 0)), Flags: MeterFlags(u16(b, 2)), MeterID: u32(b, 4)}
	if m.Command > MeterDelete {
		return nil, OFPMMFC_BAD_COMMAND
	}
	if m.Flags&MeterKbps != 0 && m.Flags&MeterPktps != 0 {
		return nil, OFPMMFC_BAD_FLAGS
	}
	bands, err := DecodeMeterBands(b[8:])
	if err != nil {
		return nil, err
	}
	m.Bands = bands
	return m, nil
}

func registerMeterDecoders() { decoders[MsgMeterMod] = decodeMeterMod }
