package bridge

import (
	"fmt"
	"slices"
	"time"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
)

// columns are the database columns the switch reads and writes, looked up
// once.
type columns struct {
	ovs, bridge, port, iface *idl.Table

	ovsBridges, ovsOtherConfig, ovsNextCfg, ovsCurCfg, ovsDatapathTypes, ovsIfaceTypes *idl.Column

	brName, brPorts, brDatapathType, brOtherConfig, brFloodVLANs, brDatapathID, brDatapathVersion *idl.Column

	portName, portInterfaces, portTag, portTrunks, portVLANMode, portProtected *idl.Column

	ifName, ifType, ifOptions, ifOFPort, ifOFPortRequest, ifMTURequest, ifIfindex, ifMACInUse,
	ifAdminState, ifLinkState, ifLinkSpeed, ifDuplex, ifMTU, ifStatistics, ifStatus, ifError,
	ifLinkResets *idl.Column

	controller                                                      *idl.Table
	brController, brFailMode, brProtocols                           *idl.Column
	ctlTarget, ctlProbe, ctlMaxBackoff, ctlRateLimit, ctlBurstLimit *idl.Column
	ctlIsConnected, ctlRole, ctlStatus                              *idl.Column

	manager                                          *idl.Table
	ctlConnMode, ovsManagers, mgrTarget, mgrConnMode *idl.Column
}

func lookupColumns(db *idl.IDL) columns {
	c := columns{
		ovs: db.Table("Open_vSwitch"), bridge: db.Table("Bridge"),
		port: db.Table("Port"), iface: db.Table("Interface"),
	}
	col := db.Column
	c.ovsBridges, c.ovsOtherConfig = col("Open_vSwitch", "bridges"), col("Open_vSwitch", "other_config")
	c.ovsNextCfg, c.ovsCurCfg = col("Open_vSwitch", "next_cfg"), col("Open_vSwitch", "cur_cfg")
	c.ovsDatapathTypes, c.ovsIfaceTypes = col("Open_vSwitch", "datapath_types"), col("Open_vSwitch", "iface_types")
	c.brName, c.brPorts = col("Bridge", "name"), col("Bridge", "ports")
	c.brDatapathType, c.brOtherConfig = col("Bridge", "datapath_type"), col("Bridge", "other_config")
	c.brFloodVLANs, c.brDatapathID = col("Bridge", "flood_vlans"), col("Bridge", "datapath_id")
	c.brDatapathVersion = col("Bridge", "datapath_version")
	c.portName, c.portInterfaces = col("Port", "name"), col("Port", "interfaces")
	c.portTag, c.portTrunks = col("Port", "tag"), col("Port", "trunks")
	c.portVLANMode, c.portProtected = col("Port", "vlan_mode"), col("Port", "protected")
	c.controller = db.Table("Controller")
	c.brController, c.brFailMode, c.brProtocols = col("Bridge", "controller"), col("Bridge", "fail_mode"), col("Bridge", "protocols")
	c.ctlTarget, c.ctlProbe = col("Controller", "target"), col("Controller", "inactivity_probe")
	c.ctlMaxBackoff, c.ctlRateLimit = col("Controller", "max_backoff"), col("Controller", "controller_rate_limit")
	c.ctlBurstLimit, c.ctlIsConnected = col("Controller", "controller_burst_limit"), col("Controller", "is_connected")
	c.ctlRole, c.ctlStatus = col("Controller", "role"), col("Controller", "status")
	c.manager, c.ctlConnMode = db.Table("Manager"), col("Controller", "connection_mode")
	c.ovsManagers = col("Open_vSwitch", "manager_options")
	c.mgrTarget, c.mgrConnMode = col("Manager", "target"), col("Manager", "connection_mode")
	for _, p := range []struct {
		c    **idl.Column
		name string
	}{
		{&c.ifName, "name"}, {&c.ifType, "type"}, {&c.ifOptions, "options"}, {&c.ifOFPort, "ofport"},
		{&c.ifOFPortRequest, "ofport_request"}, {&c.ifMTURequest, "mtu_request"},
		{&c.ifIfindex, "ifindex"}, {&c.ifMACInUse, "mac_in_use"}, {&c.ifAdminState, "admin_state"},
		{&c.ifLinkState, "link_state"}, {&c.ifLinkSpeed, "link_speed"}, {&c.ifDuplex, "duplex"},
		{&c.ifMTU, "mtu"}, {&c.ifStatistics, "statistics"}, {&c.ifStatus, "status"},
		{&c.ifError, "error"}, {&c.ifLinkResets, "link_resets"},
	} {
		*p.c = col("Interface", p.name)
	}
	return c
}

func intDatum(v int64) ovsdb.Datum  { return ovsdb.NewScalarDatum(ovsdb.IntegerAtom(v)) }
func strDatum(v string) ovsdb.Datum { return ovsdb.NewScalarDatum(ovsdb.StringAtom(v)) }

func strSetDatum(vs []string) ovsdb.Datum {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	d := ovsdb.Datum{}
	for _, v := range vs {
		d.Keys = append(d.Keys, ovsdb.StringAtom(v))
	}
	return d
}

// mapDatum builds a string->string or string->integer map; values are
// strings or int64s.
func mapDatum(m map[string]any) ovsdb.Datum {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := ovsdb.Datum{}
	for _, k := range keys {
		d.Keys = append(d.Keys, ovsdb.StringAtom(k))
		switch v := m[k].(type) {
		case string:
			d.Values = append(d.Values, ovsdb.StringAtom(v))
		case int64:
			d.Values = append(d.Values, ovsdb.IntegerAtom(v))
		case uint64:
			d.Values = append(d.Values, ovsdb.IntegerAtom(int64(v)))
		}
	}
	return d
}

// setIfChanged writes d to row's column c unless it already holds d.
func setIfChanged(txn *idl.Txn, row *idl.Row, c *idl.Column, d ovsdb.Datum) bool {
	if row.Get(c).Equal(&d) {
		return false
	}
	txn.Set(row, c, d)
	return true
}

// writeStatus writes back interface state, bridge identity and cur_cfg
// when something changed (or statistics are due). One status transaction
// is in flight at a time, as in OVS.
func (s *Switch) writeStatus(force bool) {
	if !s.db.IsConnected() {
		return
	}
	if s.pending != nil {
		select {
		case <-s.pending.Done():
			s.pending = nil
		default:
			return
		}
	}
	stats := time.Since(s.lastStats) >= s.statsInterval
	if !s.dirty && !stats && !force {
		return
	}
	c := &s.cols
	ovs := firstRow(c.ovs)
	if ovs == nil {
		return
	}
	txn := s.db.NewTxn()
	changed := false
	for _, br := range s.bridges {
		brow := c.bridge.Row(br.row)
		if brow == nil {
			continue
		}
		if br.dpid != 0 {
			changed = setIfChanged(txn, brow, c.brDatapathID, strDatum(fmt.Sprintf("%016x", br.dpid))) || changed
		}
		changed = setIfChanged(txn, brow, c.brDatapathVersion, strDatum("<built-in>")) || changed
		changed = s.controllerStatus(txn, br) || changed
		for _, ifc := range br.ifaces {
			row := c.iface.Row(ifc.row)
			if row == nil {
				continue
			}
			changed = s.ifaceStatus(txn, row, ifc, stats) || changed
		}
	}
	types := []string{"netdev"}
	if s.opts.KernelDatapath {
		types = append(types, "system")
	}
	changed = setIfChanged(txn, ovs, c.ovsDatapathTypes, strSetDatum(types)) || changed
	itypes := []string{"internal", "patch", "system", "tap"}
	if s.opts.Dummy {
		itypes = append(itypes, "dummy", "dummy-internal", "dummy-pmd")
	}
	changed = setIfChanged(txn, ovs, c.ovsIfaceTypes, strSetDatum(itypes)) || changed
	if next, ok := ovs.Int(c.ovsNextCfg); ok {
		changed = setIfChanged(txn, ovs, c.ovsCurCfg, intDatum(next)) || changed
	}
	s.dirty = false
	if stats {
		s.lastStats = time.Now()
	}
	if !changed {
		txn.Abort()
		return
	}
	if st := txn.CommitAsync(); st == idl.Incomplete {
		s.pending = txn
	}
}

func (s *Switch) ifaceStatus(txn *idl.Txn, row *idl.Row, ifc *Iface, stats bool) bool {
	c := &s.cols
	ch := false
	set := func(col *idl.Column, d ovsdb.Datum) { ch = setIfChanged(txn, row, col, d) || ch }
	empty := ovsdb.Datum{}
	if ifc.err != "" {
		set(c.ifError, strDatum(ifc.err))
		set(c.ifOFPort, intDatum(-1))
		for _, col := range []*idl.Column{c.ifIfindex, c.ifMACInUse, c.ifAdminState, c.ifLinkState, c.ifLinkSpeed, c.ifDuplex, c.ifMTU} {
			set(col, empty)
		}
		set(c.ifStatistics, empty)
		set(c.ifStatus, empty)
		return ch
	}
	if ifc.peerErr != "" {
		set(c.ifError, strDatum(ifc.peerErr))
	} else {
		set(c.ifError, empty)
	}
	if ifc.OFPort != 0 {
		set(c.ifOFPort, intDatum(int64(ifc.OFPort)))
	}
	if ifc.Type == "patch" {
		set(c.ifIfindex, intDatum(0))
		set(c.ifAdminState, strDatum("up"))
		set(c.ifLinkState, strDatum("up"))
		set(c.ifStatus, empty)
		if stats || row.Get(c.ifStatistics).Len() == 0 {
			set(c.ifStatistics, mapDatum(map[string]any{"rx_bytes": int64(0), "rx_packets": int64(0), "tx_bytes": int64(0), "tx_packets": int64(0)}))
		}
		return ch
	}
	dev := ifc.dev
	if dev == nil {
		return ch
	}
	set(c.ifIfindex, intDatum(int64(dev.Ifindex())))
	if mac, err := dev.HWAddr(); err == nil {
		set(c.ifMACInUse, strDatum(mac.String()))
	}
	admin, link, speed := dev.LinkState()
	set(c.ifAdminState, strDatum(upDown(admin)))
	set(c.ifLinkState, strDatum(upDown(link)))
	if speed > 0 {
		set(c.ifLinkSpeed, intDatum(int64(speed)))
		set(c.ifDuplex, strDatum("full"))
	} else {
		set(c.ifLinkSpeed, empty)
		set(c.ifDuplex, empty)
	}
	if mtu, err := dev.MTU(); err == nil {
		set(c.ifMTU, intDatum(int64(mtu)))
	}
	set(c.ifLinkResets, intDatum(ifc.linkResets))
	if st := dev.Status(); st != nil {
		m := make(map[string]any, len(st))
		for k, v := range st {
			m[k] = v
		}
		set(c.ifStatus, mapDatum(m))
	}
	if stats || row.Get(c.ifStatistics).Len() == 0 {
		if st, err := dev.Stats(); err == nil {
			set(c.ifStatistics, mapDatum(map[string]any{
				"collisions": st.Collisions, "rx_bytes": st.RxBytes, "rx_crc_err": uint64(0),
				"rx_dropped": st.RxDropped, "rx_errors": st.RxErrors, "rx_frame_err": uint64(0),
				"rx_missed_errors": uint64(0), "rx_multicast_packets": uint64(0), "rx_over_err": uint64(0),
				"rx_packets": st.RxPackets, "tx_bytes": st.TxBytes, "tx_dropped": st.TxDropped,
				"tx_errors": st.TxErrors, "tx_packets": st.TxPackets,
			}))
		}
	}
	return ch
}

func upDown(b bool) string {
	if b {
		return "up"
	}
	return "down"
}
