package openflow

import "encoding/binary"

// Messages with small fixed bodies.

// EchoRequest and EchoReply carry an arbitrary payload back and forth.
type EchoRequest struct{ Data []byte }

// EchoReply answers an EchoRequest with the same payload.
type EchoReply struct{ Data []byte }

func (*EchoRequest) Type() MsgType { return MsgEchoRequest }
func (*EchoReply) Type() MsgType   { return MsgEchoReply }

func (m *EchoRequest) appendBody(dst []byte, _ Version) ([]byte, error) {
	return append(dst, m.Data...), nil
}
func (m *EchoReply) appendBody(dst []byte, _ Version) ([]byte, error) {
	return append(dst, m.Data...), nil
}

// FeaturesRequest, GetConfigRequest, BarrierRequest, BarrierReply and
// GetAsyncRequest have no body.
type (
	FeaturesRequest  struct{}
	GetConfigRequest struct{}
	BarrierRequest   struct{}
	BarrierReply     struct{}
	GetAsyncRequest  struct{}
)

func (*FeaturesRequest) Type() MsgType  { return MsgFeaturesRequest }
func (*GetConfigRequest) Type() MsgType { return MsgGetConfigRequest }
func (*BarrierRequest) Type() MsgType   { return MsgBarrierRequest }
func (*BarrierReply) Type() MsgType     { return MsgBarrierReply }
func (*GetAsyncRequest) Type() MsgType  { return MsgGetAsyncRequest }

func (*FeaturesRequest) appendBody(dst []byte, _ Version) ([]byte, error)  { return dst, nil }
func (*GetConfigRequest) appendBody(dst []byte, _ Version) ([]byte, error) { return dst, nil }
func (*BarrierRequest) appendBody(dst []byte, _ Version) ([]byte, error)   { return dst, nil }
func (*BarrierReply) appendBody(dst []byte, _ Version) ([]byte, error)     { return dst, nil }
func (*GetAsyncRequest) appendBody(dst []byte, _ Version) ([]byte, error)  { return dst, nil }

// FragMode is how a switch treats IP fragments (OFPC_FRAG_*).
type FragMode uint8

// Fragment handling modes.
const (
	FragNormal     FragMode = 0
	FragDrop       FragMode = 1
	FragReassemble FragMode = 2
	FragNXMatch    FragMode = 3
)

var fragModeNames = [4]string{"normal", "drop", "reassemble", "nx-match"}

func (f FragMode) String() string { return fragModeNames[f&3] }

// SwitchConfig is the body of get-config reply and set-config.
type SwitchConfig struct {
	Frags FragMode
	// InvalidTTLToController is OFPC_INVALID_TTL_TO_CONTROLLER (1.0-1.2).
	InvalidTTLToController bool
	MissSendLen            uint16
}

// GetConfigReply answers a GetConfigRequest.
type GetConfigReply struct{ SwitchConfig }

// SetConfig changes the switch configuration.
type SetConfig struct{ SwitchConfig }

func (*GetConfigReply) Type() MsgType { return MsgGetConfigReply }
func (*SetConfig) Type() MsgType      { return MsgSetConfig }

const ofpcInvalidTTLToController = 1 << 2

func (c *SwitchConfig) appendBody(dst []byte, _ Version) ([]byte, error) {
	flags := uint16(c.Frags & 3)
	if c.InvalidTTLToController {
		flags |= ofpcInvalidTTLToController
	}
	dst = binary.BigEndian.AppendUint16(dst, flags)
	return binary.BigEndian.AppendUint16(dst, c.MissSendLen), nil
}

func decodeSwitchConfig(b []byte, v Version) (SwitchConfig, error) {
	if len(b) != 4 {
		return SwitchConfig{}, OFPBRC_BAD_LEN
	}
	flags := binary.BigEndian.Uint16(b)
	valid := uint16(3)
	if v <= V12 {
		valid |= ofpcInvalidTTLToController
	}
	if flags&^valid != 0 {
		return SwitchConfig{}, OFPSCFC_BAD_FLAGS
	}
	return SwitchConfig{
		Frags:                  FragMode(flags & 3),
		InvalidTTLToController: flags&ofpcInvalidTTLToController != 0,
		MissSendLen:            binary.BigEndian.Uint16(b[2:]),
	}, nil
}

// Role is a controller role. The model uses the OpenFlow 1.2 numbering;
// the Nicira encoding (1.0/1.1) has no "no change".
type Role uint32

// Controller roles.
const (
	RoleNoChange Role = 0
	RoleEqual    Role = 1
	RolePrimary  Role = 2
	RoleSecond   Role = 3
)

var roleNames = [4]string{"nochange", "equal", "primary", "secondary"}

func (r Role) String() string {
	if r < 4 {
		return roleNames[r]
	}
	return "unknown"
}

// RoleRequest asks for a role; GenerationID matters only for primary and
// secondary and is absent (NoGenerationID) otherwise.
type RoleRequest struct {
	Role         Role
	GenerationID uint64
	// HasGenerationID is false when the wire carries the "no generation
	// id" value, all-ones.
	HasGenerationID bool
}

// RoleReply reports the role in effect.
type RoleReply RoleRequest

func (*RoleRequest) Type() MsgType { return MsgRoleRequest }
func (*RoleReply) Type() MsgType   { return MsgRoleReply }

func (m *RoleRequest) appendBody(dst []byte, v Version) ([]byte, error) {
	return appendRole(dst, (*RoleRequest)(m)), nil
}
func (m *RoleReply) appendBody(dst []byte, v Version) ([]byte, error) {
	return appendRole(dst, (*RoleRequest)(m)), nil
}

func appendRole(dst []byte, m *RoleRequest) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(m.Role))
	dst = append(dst, 0, 0, 0, 0)
	gen := ^uint64(0)
	if m.HasGenerationID {
		gen = m.GenerationID
	}
	return binary.BigEndian.AppendUint64(dst, gen)
}

func decodeRole(b []byte) (*RoleRequest, error) {
	if len(b) != 16 {
		return nil, OFPBRC_BAD_LEN
	}
	r := Role(binary.BigEndian.Uint32(b))
	if r > RoleSecond {
		return nil, OFPRRFC_BAD_ROLE
	}
	m := &RoleRequest{Role: r}
	if gen := binary.BigEndian.Uint64(b[8:]); gen != ^uint64(0) {
		m.GenerationID, m.HasGenerationID = gen, true
	}
	return m, nil
}

// NXRoleRequest and NXRoleReply are Nicira's role messages for 1.0/1.1.
// Role uses the model numbering; RoleNoChange cannot be sent.
type NXRoleRequest struct{ Role Role }

// NXRoleReply answers an NXRoleRequest.
type NXRoleReply struct{ Role Role }

func (*NXRoleRequest) Type() MsgType { return MsgNXRoleRequest }
func (*NXRoleReply) Type() MsgType   { return MsgNXRoleReply }

// nxRoleWire maps model roles to Nicira's numbering (other, master, slave).
func nxRoleWire(r Role) uint32 {
	switch r {
	case RolePrimary:
		return 1
	case RoleSecond:
		return 2
	}
	return 0
}

func (m *NXRoleRequest) appendBody(dst []byte, _ Version) ([]byte, error) {
	return binary.BigEndian.AppendUint32(dst, nxRoleWire(m.Role)), nil
}
func (m *NXRoleReply) appendBody(dst []byte, _ Version) ([]byte, error) {
	return binary.BigEndian.AppendUint32(dst, nxRoleWire(m.Role)), nil
}

func decodeNXRole(b []byte) (Role, error) {
	if len(b) != 4 {
		return 0, OFPBRC_BAD_LEN
	}
	switch binary.BigEndian.Uint32(b) {
	case 0:
		return RoleEqual, nil
	case 1:
		return RolePrimary, nil
	case 2:
		return RoleSecond, nil
	}
	return 0, OFPRRFC_BAD_ROLE
}

// FlowFormat is the NXT_SET_FLOW_FORMAT format.
type FlowFormat uint32

// Flow formats.
const (
	FlowFormatOpenFlow10 FlowFormat = 0
	FlowFormatNXM        FlowFormat = 2
)

// NXSetFlowFormat selects how flows are encoded on a 1.0 connection.
type NXSetFlowFormat struct{ Format FlowFormat }

func (*NXSetFlowFormat) Type() MsgType { return MsgNXSetFlowFormat }
func (m *NXSetFlowFormat) appendBody(dst []byte, _ Version) ([]byte, error) {
	return binary.BigEndian.AppendUint32(dst, uint32(m.Format)), nil
}

// PacketInFormat is the NXT_SET_PACKET_IN_FORMAT format.
type PacketInFormat uint32

// Packet-in formats.
const (
	PacketInStandard   PacketInFormat = 0
	PacketInNXT        PacketInFormat = 1
	PacketInNXT2       PacketInFormat = 2
	numPacketInFormats                = 3
)

var pinNames = [numPacketInFormats]string{"standard", "nxt_packet_in", "nxt_packet_in2"}

func (f PacketInFormat) String() string {
	if f < numPacketInFormats {
		return pinNames[f]
	}
	return "unknown"
}

// NXSetPacketInFormat selects the packet-in format.
type NXSetPacketInFormat struct{ Format PacketInFormat }

func (*NXSetPacketInFormat) Type() MsgType { return MsgNXSetPacketInFormat }
func (m *NXSetPacketInFormat) appendBody(dst []byte, _ Version) ([]byte, error) {
	return binary.BigEndian.AppendUint32(dst, uint32(m.Format)), nil
}

// NXFlowModTableID enables the table id in the high byte of the 1.0
// flow-mod command.
type NXFlowModTableID struct{ Enable bool }

func (*NXFlowModTableID) Type() MsgType { return MsgNXFlowModTableID }
func (m *NXFlowModTableID) appendBody(dst []byte, _ Version) ([]byte, error) {
	var e byte
	if m.Enable {
		e = 1
	}
	return append(dst, e, 0, 0, 0, 0, 0, 0, 0), nil
}

func emptyBody(m Message) func([]byte, Version) (Message, error) {
	return func(b []byte, _ Version) (Message, error) {
		if len(b) != 0 {
			return nil, OFPBRC_BAD_LEN
		}
		return m, nil
	}
}

func registerSimpleDecoders() {
	decoders[MsgEchoRequest] = func(b []byte, _ Version) (Message, error) { return &EchoRequest{Data: b}, nil }
	decoders[MsgEchoReply] = func(b []byte, _ Version) (Message, error) { return &EchoReply{Data: b}, nil }
	decoders[MsgFeaturesRequest] = emptyBody(&FeaturesRequest{})
	decoders[MsgGetConfigRequest] = emptyBody(&GetConfigRequest{})
	decoders[MsgBarrierRequest] = emptyBody(&BarrierRequest{})
	decoders[MsgBarrierReply] = emptyBody(&BarrierReply{})
	decoders[MsgGetAsyncRequest] = emptyBody(&GetAsyncRequest{})
	decoders[MsgGetConfigReply] = func(b []byte, v Version) (Message, error) {
		c, err := decodeSwitchConfig(b, v)
		if err != nil {
			return nil, err
		}
		return &GetConfigReply{c}, nil
	}
	decoders[MsgSetConfig] = func(b []byte, v Version) (Message, error) {
		c, err := decodeSwitchConfig(b, v)
		if err != nil {
			return nil, err
		}
		return &SetConfig{c}, nil
	}
	decoders[MsgRoleRequest] = func(b []byte, _ Version) (Message, error) {
		m, err := decodeRole(b)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	decoders[MsgRoleReply] = func(b []byte, _ Version) (Message, error) {
		m, err := decodeRole(b)
		if err != nil {
			return nil, err
		}
		return (*RoleReply)(m), nil
	}
	decoders[MsgNXRoleRequest] = func(b []byte, _ Version) (Message, error) {
		r, err := decodeNXRole(b)
		if err != nil {
			return nil, err
		}
		return &NXRoleRequest{Role: r}, nil
	}
	decoders[MsgNXRoleReply] = func(b []byte, _ Version) (Message, error) {
		r, err := decodeNXRole(b)
		if err != nil {
			return nil, err
		}
		return &NXRoleReply{Role: r}, nil
	}
	decoders[MsgNXSetFlowFormat] = func(b []byte, _ Version) (Message, error) {
		if len(b) != 4 {
			return nil, OFPBRC_BAD_LEN
		}
		return &NXSetFlowFormat{Format: FlowFormat(binary.BigEndian.Uint32(b))}, nil
	}
	decoders[MsgNXSetPacketInFormat] = func(b []byte, _ Version) (Message, error) {
		if len(b) != 4 {
			return nil, OFPBRC_BAD_LEN
		}
		f := PacketInFormat(binary.BigEndian.Uint32(b))
		if f >= numPacketInFormats {
			return nil, OFPBRC_EPERM
		}
		return &NXSetPacketInFormat{Format: f}, nil
	}
	decoders[MsgNXFlowModTableID] = func(b []byte, _ Version) (Message, error) {
		if len(b) != 8 {
			return nil, OFPBRC_BAD_LEN
		}
		return &NXFlowModTableID{Enable: b[0] != 0}, nil
	}
}
