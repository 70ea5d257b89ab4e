package vsctl

import (
	"sort"
	"strconv"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
)

func cmdInit(r *runner) {}

func preController(r *runner) {
	r.preCache()
	r.reg("Bridge", "controller")
	r.reg("Controller", "target", "inactivity_probe")
}

func (r *runner) targets(rows *ovsdb.Datum, tbl string) []string {
	t := r.table(tbl)
	var out []string
	for _, u := range rows.Keys {
		if row := r.txn.Row(t, u.UUID()); row != nil {
			out = append(out, r.getStr(row, tbl, "target"))
		}
	}
	sort.Strings(out)
	return out
}

func (r *runner) controllerBridge() *vbridge {
	b := r.findBridge(r.inv.args[1], true)
	if b.parent != nil {
		b = b.parent
	}
	return b
}

func cmdGetController(r *runner) {
	b := r.controllerBridge()
	r.verify(b.cfg, "Bridge", "controller")
	for _, t := range r.targets(r.get(b.cfg, "Bridge", "controller"), "Controller") {
		r.out("%s\n", t)
	}
}

func (r *runner) deleteRefs(row *idl.Row, tbl, col, refTbl string) {
	t := r.table(refTbl)
	for _, u := range r.get(row, tbl, col).Keys {
		if ref := r.txn.Row(t, u.UUID()); ref != nil {
			r.txn.Delete(ref)
		}
	}
}

func cmdDelController(r *runner) {
	b := r.findRealBridge(r.inv.args[1], true)
	r.verify(b.cfg, "Bridge", "controller")
	r.deleteRefs(b.cfg, "Bridge", "controller", "Controller")
	r.set(b.cfg, "Bridge", "controller", ovsdb.Datum{Keys: []ovsdb.Atom{}})
}

// insertTargets makes one row per target, with --inactivity-probe.
func (r *runner) insertTargets(tbl string, targets []string) ovsdb.Datum {
	var probe int64
	probeStr, hasProbe := r.inv.opts.value("--inactivity-probe")
	if hasProbe {
		n, err := strconv.ParseInt(probeStr, 10, 64)
		if err != nil {
			fatal("--inactivity-probe=%s: invalid integer", probeStr)
		}
		probe = n
	}
	uuids := make([]ovsdb.UUID, len(targets))
	for i, tg := range targets {
		row := r.txn.Insert(r.table(tbl))
		r.setString(row, tbl, "target", tg)
		if hasProbe {
			r.set(row, tbl, "inactivity_probe", ovsdb.NewScalarDatum(ovsdb.IntegerAtom(probe)))
		}
		uuids[i] = row.UUID
	}
	return uuidSet(uuids...)
}

func cmdSetController(r *runner) {
	b := r.findRealBridge(r.inv.args[1], true)
	r.verify(b.cfg, "Bridge", "controller")
	r.deleteRefs(b.cfg, "Bridge", "controller", "Controller")
	r.set(b.cfg, "Bridge", "controller", r.insertTargets("Controller", r.inv.args[2:]))
}

func preFailMode(r *runner) {
	r.preCache()
	r.reg("Bridge", "fail_mode")
}

func cmdGetFailMode(r *runner) {
	b := r.controllerBridge()
	r.verify(b.cfg, "Bridge", "fail_mode")
	if m := r.getStr(b.cfg, "Bridge", "fail_mode"); m != "" {
		r.out("%s\n", m)
	}
}

func cmdDelFailMode(r *runner) {
	b := r.findRealBridge(r.inv.args[1], true)
	r.set(b.cfg, "Bridge", "fail_mode", ovsdb.Datum{Keys: []ovsdb.Atom{}})
}

func cmdSetFailMode(r *runner) {
	b := r.findRealBridge(r.inv.args[1], true)
	mode := r.inv.args[2]
	if mode != "standalone" && mode != "secure" {
		fatal("fail-mode must be \"standalone\" or \"secure\"")
	}
	r.setString(b.cfg, "Bridge", "fail_mode", mode)
}

func preManager(r *runner) {
	r.reg("Open_vSwitch", "manager_options")
	r.reg("Manager", "target", "inactivity_probe")
}

func cmdGetManager(r *runner) {
	r.verify(r.ovs, "Open_vSwitch", "manager_options")
	for _, t := range r.targets(r.get(r.ovs, "Open_vSwitch", "manager_options"), "Manager") {
		r.out("%s\n", t)
	}
}

func cmdDelManager(r *runner) {
	r.verify(r.ovs, "Open_vSwitch", "manager_options")
	r.deleteRefs(r.ovs, "Open_vSwitch", "manager_options", "Manager")
	r.set(r.ovs, "Open_vSwitch", "manager_options", ovsdb.Datum{Keys: []ovsdb.Atom{}})
}

func cmdSetManager(r *runner) {
	r.verify(r.ovs, "Open_vSwitch", "manager_options")
	r.deleteRefs(r.ovs, "Open_vSwitch", "manager_options", "Manager")
	r.set(r.ovs, "Open_vSwitch", "manager_options", r.insertTargets("Manager", r.inv.args[1:]))
}

func preSSL(r *runner) {
	r.reg("Open_vSwitch", "ssl")
	r.regTable("SSL")
}

func (r *runner) sslRow() *idl.Row {
	d := r.get(r.ovs, "Open_vSwitch", "ssl")
	if len(d.Keys) == 0 {
		return nil
	}
	return r.txn.Row(r.table("SSL"), d.Keys[0].UUID())
}

func cmdGetSSL(r *runner) {
	r.verify(r.ovs, "Open_vSwitch", "ssl")
	ssl := r.sslRow()
	if ssl == nil {
		return
	}
	for _, c := range []string{"private_key", "certificate", "ca_cert", "bootstrap_ca_cert"} {
		r.verify(ssl, "SSL", c)
	}
	r.out("Private key: %s\n", r.getStr(ssl, "SSL", "private_key"))
	r.out("Certificate: %s\n", r.getStr(ssl, "SSL", "certificate"))
	r.out("CA Certificate: %s\n", r.getStr(ssl, "SSL", "ca_cert"))
	b := "false"
	if r.get(ssl, "SSL", "bootstrap_ca_cert").Keys[0].Bool() {
		b = "true"
	}
	r.out("Bootstrap: %s\n", b)
}

func cmdDelSSL(r *runner) {
	r.verify(r.ovs, "Open_vSwitch", "ssl")
	if ssl := r.sslRow(); ssl != nil {
		r.txn.Delete(ssl)
		r.set(r.ovs, "Open_vSwitch", "ssl", ovsdb.Datum{Keys: []ovsdb.Atom{}})
	}
}

func cmdSetSSL(r *runner) {
	r.verify(r.ovs, "Open_vSwitch", "ssl")
	if ssl := r.sslRow(); ssl != nil {
		r.txn.Delete(ssl)
	}
	ssl := r.txn.Insert(r.table("SSL"))
	r.setString(ssl, "SSL", "private_key", r.inv.args[1])
	r.setString(ssl, "SSL", "certificate", r.inv.args[2])
	r.setString(ssl, "SSL", "ca_cert", r.inv.args[3])
	r.set(ssl, "SSL", "bootstrap_ca_cert", ovsdb.NewScalarDatum(ovsdb.BoolAtom(r.inv.has("--bootstrap"))))
	r.set(r.ovs, "Open_vSwitch", "ssl", uuidSet(ssl.UUID))
}

func preEmerReset(r *runner) {
	r.reg("Open_vSwitch", "manager_options", "ssl")
	r.reg("Bridge", "controller", "fail_mode", "mirrors", "netflow", "sflow", "ipfix", "flood_vlans", "other_config")
	r.reg("Port", "other_config")
	r.reg("Interface", "ingress_policing_rate", "ingress_policing_burst")
	for _, t := range []string{"Mirror", "Controller", "Manager", "NetFlow", "SSL", "sFlow", "IPFIX", "Flow_Sample_Collector_Set"} {
		r.reg(t)
	}
}

func cmdEmerReset(r *runner) {
	empty := ovsdb.Datum{Keys: []ovsdb.Atom{}}
	emptyMap := ovsdb.Datum{Keys: []ovsdb.Atom{}, Values: []ovsdb.Atom{}}
	r.set(r.ovs, "Open_vSwitch", "manager_options", empty)
	r.set(r.ovs, "Open_vSwitch", "ssl", empty)
	for br := range r.txn.Rows(r.table("Bridge")) {
		for _, c := range []string{"controller", "fail_mode", "mirrors", "netflow", "sflow", "ipfix", "flood_vlans"} {
			r.set(br, "Bridge", c, empty)
		}
		oc := r.get(br, "Bridge", "other_config").StringMap()
		if hw, ok := oc["hwaddr"]; ok {
			r.set(br, "Bridge", "other_config", ovsdb.NewStringMap(map[string]string{"hwaddr": hw}))
		} else {
			r.set(br, "Bridge", "other_config", emptyMap)
		}
	}
	for p := range r.txn.Rows(r.table("Port")) {
		r.set(p, "Port", "other_config", emptyMap)
	}
	zero := ovsdb.NewScalarDatum(ovsdb.IntegerAtom(0))
	for i := range r.txn.Rows(r.table("Interface")) {
		r.set(i, "Interface", "ingress_policing_rate", zero)
		r.set(i, "Interface", "ingress_policing_burst", zero)
	}
	for _, t := range []string{"Mirror", "Controller", "Manager", "NetFlow", "SSL", "sFlow", "IPFIX", "Flow_Sample_Collector_Set"} {
		var rows []*idl.Row
		for row := range r.txn.Rows(r.table(t)) {
			rows = append(rows, row)
		}
		for _, row := range rows {
			r.txn.Delete(row)
		}
	}
	r.cache = nil
	r.verified = false
}
