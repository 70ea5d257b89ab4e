package openflow

import (
	"bytes"
	"encoding/binary"
	"sort"
	"strconv"
)

// Ports as features reply, port-status and port-mod carry them.
//
// The model keeps config and state in the 1.0 bit positions (a superset
// of 1.1's) and features in the 1.1 positions (a superset of 1.0's), so
// every version converts with at most a shift of the media bits.

// PortConfig bits (OFPPC_*), 1.0 positions.
type PortConfig uint32

// Port configuration bits.
const (
	PortConfigDown       PortConfig = 1 << 0
	PortConfigNoSTP      PortConfig = 1 << 1 // 1.0 only
	PortConfigNoRecv     PortConfig = 1 << 2
	PortConfigNoRecvSTP  PortConfig = 1 << 3 // 1.0 only
	PortConfigNoFlood    PortConfig = 1 << 4 // 1.0 only
	PortConfigNoFwd      PortConfig = 1 << 5
	PortConfigNoPacketIn PortConfig = 1 << 6
)

var portConfigNames = [...]string{"PORT_DOWN", "NO_STP", "NO_RECV", "NO_RECV_STP", "NO_FLOOD", "NO_FWD", "NO_PACKET_IN"}

func portConfigMask(v Version) PortConfig {
	if v == V10 {
		return 0x7f
	}
	return PortConfigDown | PortConfigNoRecv | PortConfigNoFwd | PortConfigNoPacketIn
}

// PortState bits: LINK_DOWN in every version, BLOCKED and LIVE from 1.1,
// and the 1.0 STP state in bits 8-9.
type PortState uint32

// Port state bits.
const (
	PortStateLinkDown PortState = 1 << 0
	PortStateBlocked  PortState = 1 << 1
	PortStateLive     PortState = 1 << 2
	PortStateSTPMask  PortState = 3 << 8
)

var stpStateNames = [4]string{"", "STP_LEARN", "STP_FORWARD", "STP_BLOCK"}

// PortFeatures bits (OFPPF_*), 1.1 positions.
type PortFeatures uint32

var portFeatureNames = [...]string{"10MB-HD", "10MB-FD", "100MB-HD", "100MB-FD", "1GB-HD", "1GB-FD",
	"10GB-FD", "40GB-FD", "100GB-FD", "1TB-FD", "OTHER", "COPPER", "FIBER", "AUTO_NEG",
	"AUTO_PAUSE", "AUTO_PAUSE_ASYM"}

// Speeds in Mbps of the rate bits, for deriving a 1.0 port's speed.
var featureSpeeds = [...]uint64{10, 10, 100, 100, 1000, 1000, 10000, 40000, 100000, 1000000}

func featuresFrom10(f uint32) PortFeatures {
	return PortFeatures(f&0x7f | (f>>7&0x1f)<<11)
}

func featuresTo10(f PortFeatures) uint32 {
	return uint32(f&0x7f) | uint32(f>>11&0x1f)<<7
}

// speedMbps is the fastest rate bit in f.
func (f PortFeatures) speedMbps() uint64 {
	for i := len(featureSpeeds) - 1; i >= 0; i-- {
		if f&(1<<uint(i)) != 0 {
			return featureSpeeds[i]
		}
	}
	return 0
}

// Port is one port description.
type Port struct {
	PortNo     uint32 // in the 16-bit model space (see model.go)
	HWAddr     [6]byte
	Name       string
	Config     PortConfig
	State      PortState
	Curr       PortFeatures
	Advertised PortFeatures
	Supported  PortFeatures
	Peer       PortFeatures
	CurrSpeed  uint32 // kbps (1.1+)
	MaxSpeed   uint32 // kbps (1.1+)
}

// portTo32Wire and portFrom32Wire map between the model's 16-bit port
// space and the 32-bit one of 1.1+.
func portTo32Wire(p uint32) uint32 {
	if p >= PortMax {
		return p + 0xffff0000
	}
	return p
}

func portFrom32Wire(p uint32) (uint32, error) {
	switch {
	case p < PortMax:
		return p, nil
	case p >= 0xffffff00:
		return p - 0xffff0000, nil
	}
	return 0, OFPBAC_BAD_OUT_PORT
}

const (
	portLen10 = 48
	portLen11 = 64
	portLen14 = 72
)

func appendName(dst []byte, name string) []byte {
	var b [16]byte
	copy(b[:15], name)
	return append(dst, b[:]...)
}

func parseName(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func (p *Port) append(dst []byte, v Version) []byte {
	be := binary.BigEndian
	switch {
	case v == V10:
		dst = be.AppendUint16(dst, uint16(p.PortNo))
		dst = append(dst, p.HWAddr[:]...)
		dst = appendName(dst, p.Name)
		dst = be.AppendUint32(dst, uint32(p.Config&portConfigMask(v)))
		dst = be.AppendUint32(dst, uint32(p.State&(PortStateLinkDown|PortStateSTPMask)))
		for _, f := range [...]PortFeatures{p.Curr, p.Advertised, p.Supported, p.Peer} {
			dst = be.AppendUint32(dst, featuresTo10(f))
		}
		return dst
	case v <= V13:
		dst = be.AppendUint32(dst, portTo32Wire(p.PortNo))
		dst = append(dst, 0, 0, 0, 0)
		dst = append(dst, p.HWAddr[:]...)
		dst = append(dst, 0, 0)
		dst = appendName(dst, p.Name)
		dst = be.AppendUint32(dst, uint32(p.Config&portConfigMask(v)))
		dst = be.AppendUint32(dst, uint32(p.State&7))
	default:
		dst = be.AppendUint32(dst, portTo32Wire(p.PortNo))
		dst = be.AppendUint16(dst, portLen14)
		dst = append(dst, 0, 0)
		dst = append(dst, p.HWAddr[:]...)
		dst = append(dst, 0, 0)
		dst = appendName(dst, p.Name)
		dst = be.AppendUint32(dst, uint32(p.Config&portConfigMask(v)))
		dst = be.AppendUint32(dst, uint32(p.State&7))
		dst = append(dst, 0, 0, 0, 32, 0, 0, 0, 0) // OFPPDPT_ETHERNET
	}
	for _, f := range [...]PortFeatures{p.Curr, p.Advertised, p.Supported, p.Peer} {
		dst = be.AppendUint32(dst, uint32(f))
	}
	dst = be.AppendUint32(dst, p.CurrSpeed)
	return be.AppendUint32(dst, p.MaxSpeed)
}

// decodePort parses one port from b and returns it with its length.
func decodePort(b []byte, v Version) (*Port, int, error) {
	be := binary.BigEndian
	p := &Port{}
	switch {
	case v == V10:
		if len(b) < portLen10 {
			return nil, 0, OFPBRC_BAD_LEN
		}
		p.PortNo = uint32(be.Uint16(b))
		copy(p.HWAddr[:], b[2:8])
		p.Name = parseName(b[8:24])
		p.Config = PortConfig(be.Uint32(b[24:])) & portConfigMask(v)
		p.State = PortState(be.Uint32(b[28:])) & (PortStateLinkDown | PortStateSTPMask)
		p.Curr = featuresFrom10(be.Uint32(b[32:]))
		p.Advertised = featuresFrom10(be.Uint32(b[36:]))
		p.Supported = featuresFrom10(be.Uint32(b[40:]))
		p.Peer = featuresFrom10(be.Uint32(b[44:]))
		return p, portLen10, nil
	case v <= V13:
		if len(b) < portLen11 {
			return nil, 0, OFPBRC_BAD_LEN
		}
		n, err := portFrom32Wire(be.Uint32(b))
		if err != nil {
			return nil, 0, err
		}
		p.PortNo = n
		copy(p.HWAddr[:], b[8:14])
		p.Name = parseName(b[16:32])
		p.Config = PortConfig(be.Uint32(b[32:])) & portConfigMask(v)
		p.State = PortState(be.Uint32(b[36:])) & 7
		p.decodeFeatures11(b[40:64])
		return p, portLen11, nil
	}
	if len(b) < 40 {
		return nil, 0, OFPBRC_BAD_LEN
	}
	n := int(be.Uint16(b[4:]))
	if n < 40 || n > len(b) {
		return nil, 0, OFPBRC_BAD_LEN
	}
	pn, err := portFrom32Wire(be.Uint32(b))
	if err != nil {
		return nil, 0, err
	}
	p.PortNo = pn
	copy(p.HWAddr[:], b[8:14])
	p.Name = parseName(b[16:32])
	p.Config = PortConfig(be.Uint32(b[32:])) & portConfigMask(v)
	p.State = PortState(be.Uint32(b[36:])) & 7
	for props := b[40:n]; len(props) > 0; {
		if len(props) < 4 {
			return nil, 0, OFPBRC_BAD_LEN
		}
		typ, pl := be.Uint16(props), int(be.Uint16(props[2:]))
		if pl < 4 || pl > len(props) {
			return nil, 0, OFPBRC_BAD_LEN
		}
		if typ == 0 {
			if pl != 32 {
				return nil, 0, OFPBRC_BAD_LEN
			}
			p.decodeFeatures11(props[8:32])
		}
		adv := (pl + 7) &^ 7
		if adv > len(props) {
			adv = len(props)
		}
		props = props[adv:]
	}
	return p, n, nil
}

func (p *Port) decodeFeatures11(b []byte) {
	be := binary.BigEndian
	p.Curr = PortFeatures(be.Uint32(b))
	p.Advertised = PortFeatures(be.Uint32(b[4:]))
	p.Supported = PortFeatures(be.Uint32(b[8:]))
	p.Peer = PortFeatures(be.Uint32(b[12:]))
	p.CurrSpeed = be.Uint32(b[16:])
	p.MaxSpeed = be.Uint32(b[20:])
}

func appendPortNo(dst []byte, p uint32) []byte {
	if n := PortName(p); n != "" {
		return append(dst, n...)
	}
	return strconv.AppendUint(dst, uint64(p), 10)
}

func appendMAC(dst []byte, a [6]byte) []byte {
	for i, c := range a {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = appendHex2(dst, c)
	}
	return dst
}

func appendBitNames(dst []byte, bits uint32, names []string) []byte {
	first := true
	for i, n := range names {
		if bits&(1<<uint(i)) == 0 || n == "" {
			continue
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = append(dst, n...)
	}
	return dst
}

// appendPortText is OVS's multi-line port description, starting with a
// space and ending with a newline.
func (p *Port) appendText(dst []byte, v Version) []byte {
	dst = append(dst, ' ')
	dst = appendPortNo(dst, p.PortNo)
	dst = append(dst, '(')
	dst = append(dst, p.Name...)
	dst = append(dst, "): addr:"...)
	dst = appendMAC(dst, p.HWAddr)
	dst = append(dst, "\n     config:     "...)
	if p.Config == 0 {
		dst = append(dst, '0')
	} else {
		dst = appendBitNames(dst, uint32(p.Config), portConfigNames[:])
	}
	dst = append(dst, "\n     state:      "...)
	n := len(dst)
	if v == V10 {
		dst = append(dst, stpStateNames[p.State&PortStateSTPMask>>8]...)
		dst = appendBitNames(dst, uint32(p.State&PortStateLinkDown), []string{"LINK_DOWN"})
	} else {
		dst = appendBitNames(dst, uint32(p.State), []string{"LINK_DOWN", "BLOCKED", "LIVE"})
	}
	if len(dst) == n {
		dst = append(dst, '0')
	}
	dst = append(dst, '\n')
	for _, f := range [...]struct {
		label string
		bits  PortFeatures
	}{{"current:    ", p.Curr}, {"advertised: ", p.Advertised}, {"supported:  ", p.Supported}, {"peer:       ", p.Peer}} {
		if f.bits == 0 {
			continue
		}
		dst = append(dst, "     "...)
		dst = append(dst, f.label...)
		dst = appendBitNames(dst, uint32(f.bits), portFeatureNames[:])
		dst = append(dst, '\n')
	}
	cur, max := uint64(p.CurrSpeed)/1000, uint64(p.MaxSpeed)/1000
	if v == V10 {
		cur, max = p.Curr.speedMbps(), p.Supported.speedMbps()
	}
	dst = append(dst, "     speed: "...)
	dst = strconv.AppendUint(dst, cur, 10)
	dst = append(dst, " Mbps now, "...)
	dst = strconv.AppendUint(dst, max, 10)
	return append(dst, " Mbps max\n"...)
}

// FeaturesReply is OFPT_FEATURES_REPLY. Ports are carried only by 1.0 to
// 1.2 (later versions use a port-desc multipart reply); AuxiliaryID only
// by 1.3+. Capabilities use the wire bits of the version decoded from;
// Actions is the 1.0 supported-actions bitmap.
type FeaturesReply struct {
	DatapathID   uint64
	NBuffers     uint32
	NTables      uint8
	AuxiliaryID  uint8
	Capabilities uint32
	Actions      uint32
	Ports        []Port
}

func (*FeaturesReply) Type() MsgType { return MsgFeaturesReply }

func (m *FeaturesReply) appendBody(dst []byte, v Version) ([]byte, error) {
	be := binary.BigEndian
	dst = be.AppendUint64(dst, m.DatapathID)
	dst = be.AppendUint32(dst, m.NBuffers)
	aux := m.AuxiliaryID
	if v < V13 {
		aux = 0
	}
	dst = append(dst, m.NTables, aux, 0, 0)
	dst = be.AppendUint32(dst, m.Capabilities)
	if v == V10 {
		dst = be.AppendUint32(dst, m.Actions)
	} else {
		dst = append(dst, 0, 0, 0, 0)
	}
	if v <= V12 {
		for i := range m.Ports {
			dst = m.Ports[i].append(dst, v)
		}
	}
	return dst, nil
}

func decodeFeaturesReply(b []byte, v Version) (Message, error) {
	if len(b) < 24 {
		return nil, OFPBRC_BAD_LEN
	}
	be := binary.BigEndian
	m := &FeaturesReply{
		DatapathID:   be.Uint64(b),
		NBuffers:     be.Uint32(b[8:]),
		NTables:      b[12],
		Capabilities: be.Uint32(b[16:]),
	}
	if v >= V13 {
		m.AuxiliaryID = b[13]
	}
	if v == V10 {
		m.Actions = be.Uint32(b[20:])
	}
	rest := b[24:]
	if v >= V13 {
		if len(rest) != 0 {
			return nil, OFPBRC_BAD_LEN
		}
		return m, nil
	}
	for len(rest) > 0 {
		p, n, err := decodePort(rest, v)
		if err != nil {
			return nil, err
		}
		m.Ports = append(m.Ports, *p)
		rest = rest[n:]
	}
	return m, nil
}

var capNames10 = [...]string{0: "FLOW_STATS", 1: "TABLE_STATS", 2: "PORT_STATS", 3: "STP", 5: "IP_REASM", 6: "QUEUE_STATS", 7: "ARP_MATCH_IP"}
var capNames11 = [...]string{0: "FLOW_STATS", 1: "TABLE_STATS", 2: "PORT_STATS", 3: "GROUP_STATS", 5: "IP_REASM", 6: "QUEUE_STATS", 7: "ARP_MATCH_IP"}
var capNames12 = [...]string{0: "FLOW_STATS", 1: "TABLE_STATS", 2: "PORT_STATS", 3: "GROUP_STATS", 5: "IP_REASM", 6: "QUEUE_STATS", 8: "PORT_BLOCKED"}
var capNames15 = [...]string{0: "FLOW_STATS", 1: "TABLE_STATS", 2: "PORT_STATS", 3: "GROUP_STATS", 5: "IP_REASM", 6: "QUEUE_STATS", 8: "PORT_BLOCKED", 9: "BUNDLES", 10: "FLOW_MONITORING"}

// actionNames10 lists the 1.0 action bits in the order OVS prints them.
var actionNames10 = [...]struct {
	bit  uint
	name string
}{{0, "output"}, {11, "enqueue"}, {1, "set_vlan_vid"}, {2, "set_vlan_pcp"}, {3, "strip_vlan"},
	{4, "mod_dl_src"}, {5, "mod_dl_dst"}, {6, "mod_nw_src"}, {7, "mod_nw_dst"}, {8, "mod_nw_tos"},
	{9, "mod_tp_src"}, {10, "mod_tp_dst"}}

func (m *FeaturesReply) appendText(dst []byte, v Version) []byte {
	dst = append(dst, " dpid:"...)
	for i := 60; i >= 0; i -= 4 {
		dst = append(dst, hexDigits[m.DatapathID>>uint(i)&15])
	}
	dst = append(dst, "\nn_tables:"...)
	dst = strconv.AppendUint(dst, uint64(m.NTables), 10)
	dst = append(dst, ", n_buffers:"...)
	dst = strconv.AppendUint(dst, uint64(m.NBuffers), 10)
	if m.AuxiliaryID != 0 && v >= V13 {
		dst = append(dst, ", auxiliary_id:"...)
		dst = strconv.AppendUint(dst, uint64(m.AuxiliaryID), 10)
	}
	dst = append(dst, "\ncapabilities: "...)
	names := capNames15[:]
	switch {
	case v == V10:
		names = capNames10[:]
	case v == V11:
		names = capNames11[:]
	case v <= V13:
		names = capNames12[:]
	}
	n := len(dst)
	dst = appendBitNames(dst, m.Capabilities, names)
	if len(dst) == n {
		dst = append(dst, '0')
	}
	dst = append(dst, '\n')
	if v == V10 && m.Actions != 0 {
		dst = append(dst, "actions:"...)
		for _, a := range actionNames10 {
			if m.Actions&(1<<a.bit) != 0 {
				dst = append(dst, ' ')
				dst = append(dst, a.name...)
			}
		}
		dst = append(dst, '\n')
	}
	// OVS lists ports by number, whatever order the switch sent.
	ports := append([]Port(nil), m.Ports...)
	sort.SliceStable(ports, func(i, j int) bool { return ports[i].PortNo < ports[j].PortNo })
	for i := range ports {
		dst = ports[i].appendText(dst, v)
	}
	return dst
}

// PortReason says why a port-status was sent.
type PortReason uint8

// Port-status reasons.
const (
	PortAdd    PortReason = 0
	PortDelete PortReason = 1
	PortModify PortReason = 2
)

// PortStatus is OFPT_PORT_STATUS.
type PortStatus struct {
	Reason PortReason
	Port   Port
}

func (*PortStatus) Type() MsgType { return MsgPortStatus }

func (m *PortStatus) appendBody(dst []byte, v Version) ([]byte, error) {
	dst = append(dst, byte(m.Reason), 0, 0, 0, 0, 0, 0, 0)
	return m.Port.append(dst, v), nil
}

func decodePortStatus(b []byte, v Version) (Message, error) {
	if len(b) < 8 {
		return nil, OFPBRC_BAD_LEN
	}
	if b[0] > byte(PortModify) {
		return nil, OFPBRC_BAD_LEN
	}
	p, n, err := decodePort(b[8:], v)
	if err != nil {
		return nil, err
	}
	if n != len(b)-8 {
		return nil, OFPBRC_BAD_LEN
	}
	return &PortStatus{Reason: PortReason(b[0]), Port: *p}, nil
}

var portReasonNames = [3]string{"ADD", "DEL", "MOD"}

// PortMod is OFPT_PORT_MOD: Config bits selected by Mask change, and
// Advertise (when nonzero) replaces the advertised features.
type PortMod struct {
	PortNo    uint32
	HWAddr    [6]byte
	Config    PortConfig
	Mask      PortConfig
	Advertise PortFeatures
}

func (*PortMod) Type() MsgType { return MsgPortMod }

func (m *PortMod) appendBody(dst []byte, v Version) ([]byte, error) {
	be := binary.BigEndian
	if v == V10 {
		dst = be.AppendUint16(dst, uint16(m.PortNo))
		dst = append(dst, m.HWAddr[:]...)
		dst = be.AppendUint32(dst, uint32(m.Config))
		dst = be.AppendUint32(dst, uint32(m.Mask))
		dst = be.AppendUint32(dst, featuresTo10(m.Advertise))
		return append(dst, 0, 0, 0, 0), nil
	}
	dst = be.AppendUint32(dst, portTo32Wire(m.PortNo))
	dst = append(dst, 0, 0, 0, 0)
	dst = append(dst, m.HWAddr[:]...)
	dst = append(dst, 0, 0)
	dst = be.AppendUint32(dst, uint32(m.Config))
	dst = be.AppendUint32(dst, uint32(m.Mask))
	if v <= V13 {
		dst = be.AppendUint32(dst, uint32(m.Advertise))
		return append(dst, 0, 0, 0, 0), nil
	}
	dst = append(dst, 0, 0, 0, 8) // OFPPMPT_ETHERNET
	return be.AppendUint32(dst, uint32(m.Advertise)), nil
}

func decodePortMod(b []byte, v Version) (Message, error) {
	be := binary.BigEndian
	m := &PortMod{}
	if v == V10 {
		if len(b) != 24 {
			return nil, OFPBRC_BAD_LEN
		}
		m.PortNo = uint32(be.Uint16(b))
		copy(m.HWAddr[:], b[2:8])
		m.Config = PortConfig(be.Uint32(b[8:]))
		m.Mask = PortConfig(be.Uint32(b[12:]))
		m.Advertise = featuresFrom10(be.Uint32(b[16:]))
		return m, nil
	}
	if len(b) < 24 {
		return nil, OFPBRC_BAD_LEN
	}
	pn, err := portFrom32Wire(be.Uint32(b))
	if err != nil {
		return nil, err
	}
	m.PortNo = pn
	copy(m.HWAddr[:], b[8:14])
	m.Config = PortConfig(be.Uint32(b[16:]))
	m.Mask = PortConfig(be.Uint32(b[20:]))
	if v <= V13 {
		if len(b) != 32 {
			return nil, OFPBRC_BAD_LEN
		}
		m.Advertise = PortFeatures(be.Uint32(b[24:]))
		return m, nil
	}
	for props := b[24:]; len(props) > 0; {
		if len(props) < 4 {
			return nil, OFPBRC_BAD_LEN
		}
		typ, pl := be.Uint16(props), int(be.Uint16(props[2:]))
		if pl < 4 || pl > len(props) {
			return nil, OFPBRC_BAD_LEN
		}
		if typ == 0 {
			if pl != 8 {
				return nil, OFPBRC_BAD_LEN
			}
			m.Advertise = PortFeatures(be.Uint32(props[4:]))
		}
		adv := (pl + 7) &^ 7
		if adv > len(props) {
			adv = len(props)
		}
		props = props[adv:]
	}
	return m, nil
}

func (m *PortMod) appendText(dst []byte, v Version) []byte {
	dst = append(dst, " port: "...)
	dst = appendPortNo(dst, m.PortNo)
	dst = append(dst, ": addr:"...)
	dst = appendMAC(dst, m.HWAddr)
	dst = append(dst, "\n     config: "...)
	dst = appendConfigBits(dst, m.Config)
	dst = append(dst, "\n     mask:   "...)
	dst = appendConfigBits(dst, m.Mask)
	dst = append(dst, "\n     advertise: "...)
	if m.Advertise == 0 {
		return append(dst, "UNCHANGED"...)
	}
	return appendBitNames(dst, uint32(m.Advertise), portFeatureNames[:])
}

func appendConfigBits(dst []byte, c PortConfig) []byte {
	if c == 0 {
		return append(dst, '0')
	}
	return appendBitNames(dst, uint32(c), portConfigNames[:])
}

func registerPortDecoders() {
	decoders[MsgFeaturesReply] = decodeFeaturesReply
	decoders[MsgPortStatus] = decodePortStatus
	decoders[MsgPortMod] = decodePortMod
}
