// Package openflow is the version-independent model of OpenFlow: port
// numbers, matches and actions as the switch and the tools use them, with
// one codec per wire version beside it. It knows bytes and syntax, not
// behaviour: what an action does to a packet is engine/xlate's business.
//
// One exception is logging: a list of actions that fails to decode is
// logged here (the reason OVS gives: an unknown action, a field that is
// not writable, a conntrack field written outside ct, a set_field value
// the field cannot hold; then "bad action at offset N" with the list's
// bytes when an action itself failed), under OVS's modules
// ofp_actions and meta_flow, because OVS logs it in its decoder and both
// ovs-ofctl's stderr and the switch's log show it. Threading the reason to
// every caller instead would mean a richer error type through every
// message decoder, for no caller that wants it other than to log it.
package openflow

// Port numbers. OpenFlow 1.0 numbers ports in 16 bits and 1.1+ in 32;
// like OVS, the model uses the 16-bit space (the reserved ports at the top
// of it) and the codecs map 0xffffff00 and up to 0xff00 and up.
const (
	PortMax        uint32 = 0xff00 // highest ordinary port number
	PortUnset      uint32 = 0xfff7 // OFPP_UNSET (OVS)
	PortInPort     uint32 = 0xfff8
	PortTable      uint32 = 0xfff9
	PortNormal     uint32 = 0xfffa
	PortFlood      uint32 = 0xfffb
	PortAll        uint32 = 0xfffc
	PortController uint32 = 0xfffd
	PortLocal      uint32 = 0xfffe
	PortNone       uint32 = 0xffff
)

// PortName returns the OpenFlow name of a reserved port ("LOCAL",
// "NORMAL", ...) or "" for an ordinary one.
func PortName(p uint32) string {
	switch p {
	case PortUnset:
		return "UNSET"
	case PortInPort:
		return "IN_PORT"
	case PortTable:
		return "TABLE"
	case PortNormal:
		return "NORMAL"
	case PortFlood:
		return "FLOOD"
	case PortAll:
		return "ALL"
	case PortController:
		return "CONTROLLER"
	case PortLocal:
		return "LOCAL"
	case PortNone:
		return "NONE"
	}
	return ""
}

// Action is one OpenFlow action in the model.
type Action interface{ action() }

// Output sends the packet to Port (a number or a reserved port). MaxLen
// is how much of the packet goes to a controller.
type Output struct {
	Port   uint32
	MaxLen uint16
}

func (Output) action() {}
