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
//   - fields written or read (set_field, load, move, output:<field>) must
//     have their prerequisites in the match as the actions so far left
//     it, else OFPBAC_MATCH_INCONSISTENT, in every version;
//   - from OpenFlow 1.1 on ("strict"), also the actions that assume a
//     header: dec_ttl and the IPv4/L4 rewrites need IP (L4: TCP, UDP or
//     SCTP), pop_vlan a VLAN tag, pop_mpls and the MPLS actions MPLS.
//     OpenFlow 1.0 and Nicira flow-mods are not checked for these.

// actionCheck walks a flow's actions with the match as they change it.
type actionCheck struct {
	o      *Ofproto
	m      *openflow.Match
	copied bool
	table  uint8
	strict bool
	// groupsChain: the actions are a group bucket's, which may name a
	// group that does not exist.
	groupsChain bool
}

// checkActions checks acts for a flow with match m in table (TableAll:
// table unknown, goto_table not checked). Caller holds o.mu.
func (o *Ofproto) checkActions(acts []openflow.Action, m *openflow.Match, table uint8, strict bool) error {
	c := actionCheck{o: o, m: m, table: table, strict: strict}
	return c.check(acts)
}

// edit returns the match to change, copying the flow-mod's first.
func (c *actionCheck) edit() *openflow.Match {
	if !c.copied {
		c.m = c.m.Clone()
		c.copied = true
	}
	return c.m
}

func (c *actionCheck) need(p openflow.Prereq) error {
	if !c.m.PrereqsMet(p) {
		return openflow.OFPBAC_MATCH_INCONSISTENT
	}
	return nil
}

func (c *actionCheck) needStrict(ps ...openflow.Prereq) error {
	if !c.strict {
		return nil
	}
	for _, p := range ps {
		if c.m.PrereqsMet(p) {
			return nil
		}
	}
	return openflow.OFPBAC_MATCH_INCONSISTENT
}

func (c *actionCheck) field(f *openflow.Field) error {
	if f == nil {
		return openflow.OFPBAC_BAD_SET_TYPE
	}
	return c.need(f.Prereq)
}

func (c *actionCheck) setEthType(t uint16) {
	c.edit().SetField(openflow.FieldByID(openflow.FieldEthType), []byte{byte(t >> 8), byte(t)}, nil)
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

func (c *actionCheck) check(acts []openflow.Action) error {
	for _, a := range acts {
		var err error
		switch a := a.(type) {
		case openflow.Output:
			if !validOutPort(a.Port) {
				err = openflow.OFPBAC_BAD_OUT_PORT
			}
		case *openflow.Output:
			if !validOutPort(a.Port) {
				err = openflow.OFPBAC_BAD_OUT_PORT
			}
		case *openflow.Enqueue:
			if a.Port >= openflow.PortMax && a.Port != openflow.PortInPort && a.Port != openflow.PortLocal {
				err = openflow.OFPBAC_BAD_OUT_PORT
			}
		case *openflow.OutputReg:
			err = c.field(a.Src.Field)
		case *openflow.Group:
			if !c.groupsChain && c.o.groups.current()[a.ID] == nil {
				err = openflow.OFPBAC_BAD_OUT_GROUP
			}
		case *openflow.Meter:
			if c.o.meters.current()[a.ID] == nil {
				err = openflow.OFPMMFC_INVALID_METER
			}
		case *openflow.GotoTable:
			if c.table != openflow.TableAll && a.Table <= c.table {
				err = openflow.OFPBIC_BAD_TABLE_ID
			}
		case *openflow.WriteActions:
			err = c.check(a.Actions)
		case *openflow.Clone:
			// A clone's changes to the packet do not outlive it.
			saved, copied := c.m, c.copied
			err = c.check(a.Actions)
			c.m, c.copied = saved, copied
		case *openflow.SetField:
			if err = c.field(a.Field); err == nil {
				c.wrote(a.Field, a.Value)
			}
		case *openflow.RegLoad:
			err = c.field(a.Dst.Field)
		case *openflow.RegMove:
			if err = c.field(a.Src.Field); err == nil {
				err = c.field(a.Dst.Field)
			}
		case *openflow.DecTTL:
			err = c.needStrict(openflow.PrereqIP)
		case *openflow.SetIPv4Src, *openflow.SetIPv4Dst:
			err = c.needStrict(openflow.PrereqIPv4)
		case *openflow.SetIPDSCP:
			err = c.needStrict(openflow.PrereqIP)
		case *openflow.SetL4Src, *openflow.SetL4Dst:
			err = c.needStrict(openflow.PrereqTCP, openflow.PrereqUDP, openflow.PrereqSCTP)
		case *openflow.StripVlan:
			if err = c.needStrict(openflow.PrereqVLAN); err == nil {
				c.edit().Clear(openflow.FieldVlanTCI)
			}
		case *openflow.PushVlan:
			c.edit().SetField(openflow.FieldByID(openflow.FieldVlanTCI), []byte{0x10, 0}, []byte{0x10, 0})
		case *openflow.SetVlanVID, *openflow.SetVlanPCP:
			// These push a tag when there is none.
			c.edit().SetField(openflow.FieldByID(openflow.FieldVlanTCI), []byte{0x10, 0}, []byte{0x10, 0})
		case *openflow.PushMPLS:
			c.setEthType(a.EthType)
		case *openflow.PopMPLS:
			if err = c.needStrict(openflow.PrereqMPLS); err == nil {
				c.setEthType(a.EthType)
			}
		case *openflow.SetMPLSLabel, *openflow.SetMPLSTC, *openflow.SetMPLSTTL, *openflow.DecMPLSTTL:
			err = c.needStrict(openflow.PrereqMPLS)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// wrote records that a set_field gave field f value, when that changes
// what later actions may assume (the Ethernet type).
func (c *actionCheck) wrote(f *openflow.Field, value []byte) {
	if f.ID == openflow.FieldEthType && len(value) == 2 {
		c.setEthType(uint16(value[0])<<8 | uint16(value[1]))
	}
}
