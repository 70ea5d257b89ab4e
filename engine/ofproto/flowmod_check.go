package ofproto

import (
	"github.com/govs/ovs/proto/openflow"
)

// The checks OVS makes of a flow's actions when a flow-mod installs them
// (confirmed against ovs-vswitchd with hand-built messages, since
// ovs-ofctl makes most of them itself before sending):
//
//   - output and enqueue: a port below OFPP_MAX (0xff00), or a reserved
//     port that can take packets (IN_PORT, TABLE, NORMAL, FLOOD, ALL,
//     CONTROLLER, LOCAL; only IN_PORT and LOCAL for enqueue), else
//     OFPBAC_BAD_OUT_PORT;
//   - group: the group must exist, else OFPBAC_BAD_OUT_GROUP;
//   - meter: the meter must exist, else OFPMMFC_INVALID_METER;
//   - goto_table: to a later table, else OFPBIC_BAD_TABLE_ID;
//   - fields written or read (set_field, load, move, output:<field>,
//     push/pop, multipath, bundle_load, learn's) must have their
//     prerequisites in the match as the actions so far left it (rewriting
//     vlan_vid also needs a tag; ct needs IP), else
//     OFPBAC_MATCH_INCONSISTENT, in every version: the same rule
//     ovs-ofctl applies when it parses a flow;
//   - from OpenFlow 1.1 on ("strict"), also the actions that assume a
//     header: dec_ttl, mod_nw_ttl, mod_nw_ecn and the IPv4/L4 rewrites
//     need IP (L4: TCP, UDP or SCTP), pop_vlan a VLAN tag, pop_mpls and
//     the MPLS actions MPLS.
//     OpenFlow 1.0 and Nicira flow-mods are not checked for these;
//   - fields written by move, pop, multipath, bundle_load and learn's
//     load must be writable (not tcp_flags, ip_frag, eth_type ...), else
//     OFPBAC_BAD_SET_ARGUMENT (load and set_field are refused for this
//     when decoded).

// The prerequisite and strict header checks are the protocol's rules
// (openflow.CheckActionPrereqs, shared with ovs-ofctl); this file adds
// what only a switch can know, in the same walk so that the first error
// in action order wins.

// actionCheck is the switch's part of the walk.
type actionCheck struct {
	o     *Ofproto
	table uint8
	// groupsChain: the actions are a group bucket's, which may name a
	// group that does not exist.
	groupsChain bool
}

// checkActions checks acts for a flow with match m in table (TableAll:
// table unknown, goto_table not checked). Caller holds o.mu.
func (o *Ofproto) checkActions(acts []openflow.Action, m *openflow.Match, table uint8, strict bool) error {
	c := actionCheck{o: o, table: table}
	return c.check(acts, m, strict)
}

func (c *actionCheck) check(acts []openflow.Action, m *openflow.Match, strict bool) error {
	err := openflow.CheckActionPrereqs(acts, m, strict, c.visit)
	if pe, ok := err.(*openflow.PrereqError); ok {
		// The switch answers with the code alone.
		return pe.ErrorCode()
	}
	return err
}

func validOutPort(p uint32) bool {
	if p < openflow.PortMax {
		return true
	}
	switch p {
	case openflow.PortInPort, openflow.PortTable, openflow.PortNormal, openflow.PortFlood,
		openflow.PortAll, openflow.PortController, openflow.PortLocal:
		return true
	}
	return false
}

func (c *actionCheck) visit(a openflow.Action) error {
	switch a := a.(type) {
	case openflow.Output:
		if !validOutPort(a.Port) {
			return openflow.OFPBAC_BAD_OUT_PORT
		}
	case *openflow.Output:
		if !validOutPort(a.Port) {
			return openflow.OFPBAC_BAD_OUT_PORT
		}
	case *openflow.Enqueue:
		if a.Port >= openflow.PortMax && a.Port != openflow.PortInPort && a.Port != openflow.PortLocal {
			return openflow.OFPBAC_BAD_OUT_PORT
		}
	case *openflow.Group:
		if !c.groupsChain && c.o.groups.current()[a.ID] == nil {
			return openflow.OFPBAC_BAD_OUT_GROUP
		}
	case *openflow.Meter:
		if c.o.meters.current()[a.ID] == nil {
			return openflow.OFPMMFC_INVALID_METER
		}
	case *openflow.GotoTable:
		if c.table != openflow.TableAll && a.Table <= c.table {
			return openflow.OFPBIC_BAD_TABLE_ID
		}
	}
	return nil
}
