package openflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Text form of meters: the ovs-ofctl(8) meter syntax (add-meter,
// mod-meter, del-meter, del-meters) and ofp-print's rendering, which puts
// each band on its own line.

var meterCmdNames = [...]string{MeterAdd: "ADD", MeterModify: "MOD", MeterDelete: "DEL"}

var meterFlagNames = [...]string{"kbps", "pktps", "burst", "stats"}

func appendMeterID(b []byte, id uint32) []byte {
	switch id {
	case MeterAll:
		return append(b, "all"...)
	case MeterController:
		return append(b, "controller"...)
	case MeterSlowpath:
		return append(b, "slowpath"...)
	}
	return strconv.AppendUint(b, uint64(id), 10)
}

// AppendMeterText appends a meter as dump-meters prints it:
// "meter=1 kbps burst stats bands=\ntype=drop rate=1000 burst_size=100".
func AppendMeterText(b []byte, m *MeterConfig) []byte {
	b = appendMeterID(append(b, "meter="...), m.MeterID)
	for i, n := range meterFlagNames {
		if m.Flags&(1<<i) != 0 {
			b = append(append(b, ' '), n...)
		}
	}
	if rest := m.Flags &^ (1<<len(meterFlagNames) - 1); rest != 0 {
		b = appendHex0x(append(b, " flags:"...), uint64(rest))
	}
	b = append(b, " bands="...)
	for i := range m.Bands {
		bd := &m.Bands[i]
		b = append(b, "\ntype="...)
		switch bd.Type {
		case MeterBandDrop:
			b = append(b, "drop"...)
		case MeterBandDSCPRemark:
			b = append(b, "dscp_remark"...)
		default:
			b = strconv.AppendUint(b, uint64(bd.Type), 10)
		}
		b = strconv.AppendUint(append(b, " rate="...), uint64(bd.Rate), 10)
		if m.Flags&MeterBurst != 0 {
			b = strconv.AppendUint(append(b, " burst_size="...), uint64(bd.BurstSize), 10)
		}
		if bd.Type == MeterBandDSCPRemark {
			b = strconv.AppendUint(append(b, " prec_level="...), uint64(bd.PrecLevel), 10)
		}
	}
	return b
}

func (m *MeterMod) appendText(b []byte, v Version) []byte {
	b = append(b, ' ')
	if int(m.Command) < len(meterCmdNames) {
		b = append(b, meterCmdNames[m.Command]...)
	}
	b = append(b, ' ')
	return AppendMeterText(b, &MeterConfig{Flags: m.Flags, MeterID: m.MeterID, Bands: m.Bands})
}

// ParseMeterMod parses one meter in ovs-ofctl's syntax for command cmd.
// Errors are ovs-ofctl's messages without the "ovs-ofctl: " prefix.
//
// The meter syntax is tokenised differently from flows: '=' separates
// tokens just as ',' and white space do, and a keyword that needs a value
// takes the next token, whatever it is. So "meter,kbps" reads "kbps" as
// the meter id, and the error messages follow from that.
func ParseMeterMod(s string, cmd MeterModCommand) (*MeterMod, error) {
	if cmd > MeterDelete {
		return nil, OFPMMFC_BAD_COMMAND
	}
	m := &MeterMod{Command: cmd}
	meterPart, bandsPart := s, ""
	if cmd != MeterDelete {
		// Like OVS, "band" starts the bands ("band=" and "bands=" both
		// work), and they begin after the next '='.
		i := strings.Index(s, "band")
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i:], '=')
		}
		if j < 0 {
			return nil, errors.New("must specify bands")
		}
		meterPart, bandsPart = s[:i], s[i+j+1:]
	}
	toks := meterTokens(meterPart)
	haveID := false
	for i := 0; i < len(toks); i++ {
		name := toks[i]
		if cmd != MeterDelete {
			if f, ok := meterFlagByName(name); ok {
				m.Flags |= f
				continue
			}
		}
		if i+1 >= len(toks) {
			return nil, fmt.Errorf("field %s missing value", name)
		}
		i++
		value := toks[i]
		if name != "meter" {
			return nil, fmt.Errorf("unknown keyword %s", name)
		}
		switch value {
		case "all":
			m.MeterID = MeterAll
		case "controller":
			m.MeterID = MeterController
		case "slowpath":
			m.MeterID = MeterSlowpath
		default:
			n, err := parseUintN(value, 32)
			if err != nil {
				return nil, err
			}
			if n == 0 || n > uint64(MeterMaxID) {
				return nil, errors.New("invalid value for meter")
			}
			m.MeterID = uint32(n)
		}
		haveID = true
	}
	if !haveID {
		return nil, errors.New("must specify 'meter'")
	}
	if cmd == MeterDelete {
		return m, nil
	}
	if m.Flags == 0 {
		return nil, errors.New("meter must specify either 'kbps' or 'pktps'")
	}
	bands, err := parseMeterBands(bandsPart, m.Flags)
	if err != nil {
		return nil, err
	}
	m.Bands = bands
	return m, nil
}

func meterFlagByName(name string) (MeterFlags, bool) {
	for i, n := range meterFlagNames {
		if n == name {
			return 1 << i, true
		}
	}
	return 0, false
}

// meterTokens splits s at '=', ',' and white space, dropping empty tokens.
func meterTokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '=' || r == ',' || r == ' ' || r == '\t' || r == '\r' || r == '\n'
	})
}

func parseMeterBands(s string, flags MeterFlags) ([]MeterBand, error) {
	toks := meterTokens(s)
	if len(toks) == 0 {
		return nil, errors.New("meter must have bands")
	}
	if toks[0] != "type" {
		return nil, errors.New("band must start with the 'type' keyword")
	}
	var bands []MeterBand
	check := func() error {
		if len(bands) == 0 {
			return nil
		}
		bd := &bands[len(bands)-1]
		switch {
		case bd.Rate == 0:
			return errors.New("band must have 'rate'")
		case flags&MeterBurst != 0 && bd.BurstSize == 0:
			return errors.New("band must have 'burst_size' when 'burst' flag is set")
		case bd.Type == MeterBandDSCPRemark && bd.PrecLevel == 0:
			return errors.New("'dscp_remark' band must have 'prec_level'")
		case bd.Type != MeterBandDSCPRemark && bd.PrecLevel != 0:
			return errors.New("Only 'dscp_remark' band may have 'prec_level'")
		}
		return nil
	}
	for i := 0; i < len(toks); i++ {
		name := toks[i]
		if i+1 >= len(toks) {
			return nil, fmt.Errorf("field %s missing value", name)
		}
		i++
		value := toks[i]
		bd := (*MeterBand)(nil)
		if len(bands) > 0 {
			bd = &bands[len(bands)-1]
		}
		switch name {
		case "type":
			if err := check(); err != nil {
				return nil, err
			}
			var t uint16
			switch value {
			case "drop":
				t = MeterBandDrop
			case "dscp_remark":
				t = MeterBandDSCPRemark
			default:
				return nil, fmt.Errorf("field type unknown value %s", value)
			}
			bands = append(bands, MeterBand{Type: t})
		case "rate", "burst_size":
			n, err := parseUintN(value, 32)
			if err != nil {
				return nil, err
			}
			if name == "rate" {
				bd.Rate = uint32(n)
			} else {
				bd.BurstSize = uint32(n)
			}
		case "prec_level":
			n, err := strconv.ParseUint(value, 0, 8)
			if err != nil {
				return nil, fmt.Errorf("invalid prec_level \"%s\"", value)
			}
			bd.PrecLevel = uint8(n)
		default:
			return nil, fmt.Errorf("unknown keyword %s", name)
		}
	}
	if err := check(); err != nil {
		return nil, err
	}
	return bands, nil
}
