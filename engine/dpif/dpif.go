// Package dpif is the datapath interface: what ofproto asks of a datapath
// (ports, megaflows, packet execution) and what a datapath asks back (upcalls
// for packets that match no flow). The userspace datapath in dpif/netdev
// implements it; a kernel datapath over generic netlink will too.
//
// Datapath actions are a flat slice of small structs rather than encoded
// netlink attributes: the userspace datapath executes them per packet, so
// they must be walkable without decoding or allocation.
package dpif

import (
	"sync/atomic"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// LocalPort is the datapath port number of the datapath's own internal port.
const LocalPort = 0

// ActionType says what an Action does.
type ActionType uint8

// Datapath actions.
const (
	// ActOutput sends a copy of the packet, as it is at this point, to Port.
	ActOutput ActionType = iota
	// ActPushVLAN pushes VLAN (TPID and TCI; TCI has flow.VLANCFI set).
	ActPushVLAN
	// ActPopVLAN removes the outermost VLAN header.
	ActPopVLAN
	// ActSet rewrites the fields selected by Set.Mask to Set.Value.
	ActSet
	// ActUserspace hands a copy of the packet to the UpcallHandler with
	// Userdata (packet-in to a controller, for example).
	ActUserspace
	// ActPushMPLS pushes label stack entry MPLS (label, TC, BOS, TTL as on
	// the wire) and makes EthType the frame's Ethernet type.
	ActPushMPLS
	// ActPopMPLS pops the outermost label stack entry; EthType is the
	// Ethernet type of what it uncovers.
	ActPopMPLS
	// ActCheckPktLen runs CheckPktLen.Greater on packets longer than
	// CheckPktLen.Size bytes and CheckPktLen.LessEqual on the others.
	ActCheckPktLen
	// ActMeter passes the packet through datapath meter Meter, which may
	// drop it.
	ActMeter
	// ActClone runs Clone on a copy of the packet; the original goes on
	// unchanged.
	ActClone
)

// CheckPktLen is the argument of ActCheckPktLen.
type CheckPktLen struct {
	Size               uint16
	Greater, LessEqual Actions
}

// MeterFunc decides whether datapath meter id lets a packet of the given
// size through at time now (milliseconds, the datapath clock).
type MeterFunc func(id uint32, now int64, bytes int) bool

// Meterer is implemented by datapaths that execute ActMeter themselves and
// take their band decisions from the switch.
type Meterer interface {
	SetMeterFunc(fn MeterFunc)
}

// SetField is a masked rewrite: bits set in Mask are replaced by Value's.
type SetField struct {
	Value flow.Key
	Mask  flow.Key
}

// Action is one datapath action.
type Action struct {
	Type     ActionType
	Port     uint32    // ActOutput
	VLAN     flow.VLAN // ActPushVLAN
	Set      *SetField // ActSet
	Userdata []byte    // ActUserspace
	MPLS     uint32    // ActPushMPLS: the new label stack entry
	EthType  uint16    // ActPushMPLS, ActPopMPLS
	Meter    uint32    // ActMeter

	CheckPktLen *CheckPktLen // ActCheckPktLen
	Clone       Actions      // ActClone
}

// Actions is a datapath action list; an empty list drops the packet.
type Actions []Action

// Port describes one datapath port.
type Port struct {
	No   uint32
	Name string
	Type string // netdev type: "tap" for internal ports in the userspace datapath, as OVS prints
	Dev  netdev.Netdev
}

// FlowStats are a datapath flow's counters.
type FlowStats struct {
	Packets  uint64
	Bytes    uint64
	Used     int64  // monotonic milliseconds of the last hit, 0 if never (see Datapath.Now)
	TCPFlags uint16 // OR of the TCP flags seen
}

// Flow is one installed megaflow. Key is already masked by Mask. Actions
// may be replaced (by the revalidator) while packets use the flow, so it is
// read through Actions()/SetActions.
type Flow struct {
	Key  flow.Key
	Mask flow.Key
	UFID [16]byte
	// Cookie is the Upcall's Cookie of the upcall that installed the
	// flow (nil for flows put by FlowPut): the handler's own record of
	// what the flow's translation depended on.
	Cookie  any
	actions atomic.Pointer[Actions]
}

// Actions returns the flow's current actions.
func (f *Flow) Actions() Actions {
	if p := f.actions.Load(); p != nil {
		return *p
	}
	return nil
}

// SetActions replaces the flow's actions; packets already being processed
// finish with the old ones.
func (f *Flow) SetActions(a Actions) { f.actions.Store(&a) }

// Upcall is a packet that matched no datapath flow, on its way to the
// handler and back. The handler fills the output fields.
type Upcall struct {
	Packet *netdev.Packet
	Key    flow.Key

	// Outputs.
	Actions Actions  // what to do with this packet (and the flow, if installed)
	Mask    flow.Key // which key bits the translation looked at
	Install bool     // install a megaflow (Key masked by Mask -> Actions)
	Cookie  any      // stored in the installed Flow's Cookie
}

// UpcallHandler translates packets the datapath has no flow for.
type UpcallHandler interface {
	// Miss is called on the receiving port's goroutine. It must be safe
	// for concurrent use from several ports.
	Miss(u *Upcall)
	// Userspace receives packets sent by an ActUserspace action. The
	// packet is only valid during the call.
	Userspace(pkt *netdev.Packet, key *flow.Key, userdata []byte)
}

// Stats are a datapath's counters, as dpctl/show prints them.
type Stats struct {
	Hit, Missed, Lost uint64
	Flows             uint64
	MaskHit           uint64
	Masks             uint64
}

// Datapath is one datapath (one for all bridges of a type, as in OVS).
type Datapath interface {
	Name() string // e.g. "ovs-netdev"
	Type() string // e.g. "netdev"

	// AddPort attaches dev. want is the requested port number, or 0 for
	// the lowest free one (port 0 is the datapath's own local port).
	AddPort(dev netdev.Netdev, want uint32) (uint32, error)
	// DelPort detaches and closes the port's device; its flows are
	// removed.
	DelPort(no uint32) error
	Ports() []Port
	PortByName(name string) (Port, bool)

	SetUpcallHandler(h UpcallHandler)

	// FlowPut installs or replaces a megaflow (dpctl/add-flow,
	// dpctl/mod-flow).
	FlowPut(key, mask *flow.Key, actions Actions) error
	// FlowDump calls fn for each live flow with its current stats until
	// fn returns false.
	FlowDump(fn func(f *Flow, st FlowStats) bool)
	// FlowDel removes f (from FlowDump). Idempotent.
	FlowDel(f *Flow)
	// FlowFlush removes every flow.
	FlowFlush()

	// Execute runs actions on pkt (packet-out). pkt stays the caller's.
	Execute(pkt *netdev.Packet, key *flow.Key, actions Actions) error

	Stats() Stats
	// Now is the datapath's clock in milliseconds, the time base of
	// FlowStats.Used.
	Now() int64
	Close() error
}
