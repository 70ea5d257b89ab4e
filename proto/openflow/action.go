package openflow

// Actions
//
// The action model follows OVS's own: one Go type per thing a flow can
// do, independent of the wire version, with the text syntax of
// ovs-actions(7) on one side (ParseActions, AppendActions) and one codec
// per wire version on the other (AppendActionsWire, DecodeActions,
// AppendInstructions, DecodeInstructions). A few actions exist twice on
// purpose: SetField and RegLoad can mean the same thing, but OVS prints
// what it decoded (set_field from OFPAT_SET_FIELD, load from
// NXAST_REG_LOAD), so the model remembers which one it is. Instructions
// (goto_table, write_metadata, write_actions, clear_actions, meter) are
// modelled as actions too, as ovs-ofctl's syntax mixes them into one
// list; the 1.1+ codec splits them out into instructions.
//
// Files: action.go (the core model), action_text.go (ParseActions,
// AppendActions), action_wire.go and action_decode.go (the codecs),
// action_ext.go (set_tunnel, mod_nw_ttl/ecn, multipath, bundle, sample,
// check_pkt_larger, the debug actions and OpenFlow 1.1's action set),
// action_learn.go (learn, and Learn.FlowMod, which executes it) and
// action_ct.go (ct, nat, ct_clear). A few fields exist only for actions
// (tun_id, ct_mark, ct_label: TunIDField and friends) because the match
// registry leaves tunnel and conntrack metadata out; they have IDs past
// the registry and are never Match entries.

// Controller sends the packet to the controllers with the given reason
// (OFPR_*), connection id, opaque userdata, pause flag and meter
// (MeterID 0: none). Userdata, Pause and MeterID need NXAST_CONTROLLER2.
type Controller struct {
	MaxLen   uint16
	Reason   uint8
	ID       uint16
	Userdata []byte
	Pause    bool
	MeterID  uint32
}

// Packet-in reasons as the controller action names them.
const (
	ReasonNoMatch    uint8 = 0
	ReasonAction     uint8 = 1
	ReasonInvalidTTL uint8 = 2
	ReasonActionSet  uint8 = 3
	ReasonGroup      uint8 = 4
	ReasonPacketOut  uint8 = 5
)

// reasonNames are the packet-in reasons' names in actions; OVS's two
// internal miss reasons (6, explicit, and 7, implicit) print as empty.
var reasonNames = [...]string{"no_match", "action", "invalid_ttl", "action_set", "group", "packet_out", "", ""}

// simple reports whether c fits in a plain output to the CONTROLLER port.
func (c *Controller) simple() bool {
	return c.Reason == ReasonAction && c.ID == 0 && len(c.Userdata) == 0 && !c.Pause && c.MeterID == 0
}

// controller2 reports whether c needs NXAST_CONTROLLER2.
func (c *Controller) controller2() bool {
	return len(c.Userdata) > 0 || c.Pause || c.MeterID != 0
}

// Enqueue outputs to Port through queue Queue (OpenFlow 1.0).
type Enqueue struct {
	Port  uint32
	Queue uint32
}

// Subfield is a bit range of a field: F[Ofs..Ofs+Bits-1].
type Subfield struct {
	Field *Field
	Ofs   int
	Bits  int
}

// OutputReg outputs to the port number held in Src (NXAST_OUTPUT_REG).
type OutputReg struct {
	Src    Subfield
	MaxLen uint16
}

// SetVlanVID, SetVlanPCP: mod_vlan_vid / mod_vlan_pcp, which push a VLAN
// header first when the packet has none. NoPush is set_vlan_vid /
// set_vlan_pcp, OpenFlow 1.1's actions, which only rewrite an existing
// header.
//
// VLANPresent says the packet certainly has a VLAN header at that point
// (recorded by CheckActionPrereqs from the match and the actions before,
// as OVS's check records it), so that OpenFlow 1.1+ need no push_vlan
// before the rewrite, as OVS encodes it; it does not change the printed
// form.
type SetVlanVID struct {
	VID         uint16
	NoPush      bool
	VLANPresent bool
}
type SetVlanPCP struct {
	PCP         uint8
	NoPush      bool
	VLANPresent bool
}

// StripVlan pops the outermost VLAN header (strip_vlan, pop_vlan). Pop
// records that it came as pop_vlan (OpenFlow 1.1+ or that word in text),
// which is only how OVS prints it back.
type StripVlan struct{ Pop bool }

// PushVlan pushes a VLAN header with the given TPID.
type PushVlan struct{ EthType uint16 }

// PushMPLS and PopMPLS: the Ethertype of the new outer header.
type PushMPLS struct{ EthType uint16 }
type PopMPLS struct{ EthType uint16 }

// SetField sets a field to Value under Mask (nil: whole field).
type SetField struct {
	Field       *Field
	Value, Mask []byte
}

// RegLoad loads Value into the subfield Dst (load:V->F[a..b]).
type RegLoad struct {
	Dst   Subfield
	Value uint64
}

// RegMove copies Src to Dst (move:F[..]->F[..]); widths are equal.
type RegMove struct{ Src, Dst Subfield }

// Header rewrites of OpenFlow 1.0's fixed actions.
type (
	SetEthSrc  struct{ MAC [6]byte }
	SetEthDst  struct{ MAC [6]byte }
	SetIPv4Src struct{ IP [4]byte }
	SetIPv4Dst struct{ IP [4]byte }
	SetIPDSCP  struct{ TOS uint8 } // the TOS byte with ECN bits clear
	// Proto is the IP protocol the flow matches (CheckActionPrereqs
	// fills it in, as OVS's check does): OpenFlow 1.2+ write these as
	// set_field tcp_src, udp_src or sctp_src accordingly; 0 means TCP.
	SetL4Src struct {
		Port  uint16
		Proto uint8
	}
	SetL4Dst struct {
		Port  uint16
		Proto uint8
	}
)

// DecTTL decrements the IP TTL; IDs are the controller ids told about
// expiry (empty: the default controller, id 0).
type DecTTL struct{ IDs []uint16 }

// MPLS rewrites.
type (
	SetMPLSLabel struct{ Label uint32 }
	SetMPLSTC    struct{ TC uint8 }
	SetMPLSTTL   struct{ TTL uint8 }
	DecMPLSTTL   struct{}
)

// Resubmit looks the packet up again with in_port Port (PortInPort: the
// current one) in Table (TableCurrent: the current one).
type Resubmit struct {
	Port  uint32
	Table uint8
}

// TableCurrent is Resubmit's "this table".
const TableCurrent uint8 = 255

// Instructions and the actions that stand for them.
type (
	GotoTable     struct{ Table uint8 }
	WriteMetadata struct{ Value, Mask uint64 }
	WriteActions  struct{ Actions []Action }
	ClearActions  struct{}
	Meter         struct{ ID uint32 }
)

// Group, SetQueue, PopQueue, Exit, Note, FinTimeout, Conjunction, Clone.
type (
	Group      struct{ ID uint32 }
	SetQueue   struct{ Queue uint32 }
	PopQueue   struct{}
	Exit       struct{}
	Note       struct{ Data []byte }
	FinTimeout struct{ Idle, Hard uint16 }
	// Conjunction is clause Clause (1-based) of NClauses of conjunction ID.
	Conjunction struct {
		ID       uint32
		Clause   uint8
		NClauses uint8
	}
	Clone struct{ Actions []Action }
)

func (Controller) action()    {}
func (Enqueue) action()       {}
func (OutputReg) action()     {}
func (SetVlanVID) action()    {}
func (SetVlanPCP) action()    {}
func (StripVlan) action()     {}
func (PushVlan) action()      {}
func (PushMPLS) action()      {}
func (PopMPLS) action()       {}
func (SetField) action()      {}
func (RegLoad) action()       {}
func (RegMove) action()       {}
func (SetEthSrc) action()     {}
func (SetEthDst) action()     {}
func (SetIPv4Src) action()    {}
func (SetIPv4Dst) action()    {}
func (SetIPDSCP) action()     {}
func (SetL4Src) action()      {}
func (SetL4Dst) action()      {}
func (DecTTL) action()        {}
func (SetMPLSLabel) action()  {}
func (SetMPLSTC) action()     {}
func (SetMPLSTTL) action()    {}
func (DecMPLSTTL) action()    {}
func (Resubmit) action()      {}
func (GotoTable) action()     {}
func (WriteMetadata) action() {}
func (WriteActions) action()  {}
func (ClearActions) action()  {}
func (Meter) action()         {}
func (Group) action()         {}
func (SetQueue) action()      {}
func (PopQueue) action()      {}
func (Exit) action()          {}
func (Note) action()          {}
func (FinTimeout) action()    {}
func (Conjunction) action()   {}
func (Clone) action()         {}
