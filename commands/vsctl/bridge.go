package vsctl

import (
	"sort"
	"strconv"
	"strings"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
)

// The bridge, port and interface view of the database, as ovs-vsctl's
// own commands see it: only bridges that Open_vSwitch refers to count,
// a port with fake_bridge set and a VLAN tag is a "fake bridge" on its
// parent, and tagged ports on the parent belong to the fake bridge of
// their VLAN.
type vbridge struct {
	name     string
	cfg      *idl.Row // the Bridge row; nil for a fake bridge
	fakePort *idl.Row // the Port row of a fake bridge
	parent   *vbridge
	vlan     int
	ports    map[string]*vport
	children map[string]*vbridge
}

type vport struct {
	name   string
	cfg    *idl.Row
	br     *vbridge
	ifaces map[string]*viface
}

type viface struct {
	name string
	cfg  *idl.Row
	port *vport
}

type cache struct {
	bridges map[string]*vbridge
	ports   map[string]*vport
	ifaces  map[string]*viface
}

func (r *runner) preCache() {
	r.reg("Open_vSwitch", "bridges")
	r.reg("Bridge", "name", "ports")
	r.reg("Port", "name", "interfaces", "tag", "fake_bridge")
	r.reg("Interface", "name")
}

// realBridge returns the Bridge row that holds br's ports.
func (b *vbridge) realCfg() *idl.Row {
	if b.parent != nil {
		return b.parent.cfg
	}
	return b.cfg
}

func tagOf(d *ovsdb.Datum) (int, bool) {
	if len(d.Keys) == 1 {
		t := d.Keys[0].Int()
		if t >= 0 && t <= 4095 {
			return int(t), true
		}
	}
	return 0, false
}

func (r *runner) isFakeBridge(port *idl.Row) bool {
	if !r.get(port, "Port", "fake_bridge").Keys[0].Bool() {
		return false
	}
	_, ok := tagOf(r.get(port, "Port", "tag"))
	return ok
}

// populate builds the view from the transaction's picture of the database.
func (r *runner) populate() *cache {
	if r.cache != nil {
		return r.cache
	}
	c := &cache{bridges: map[string]*vbridge{}, ports: map[string]*vport{}, ifaces: map[string]*viface{}}
	r.cache = c
	brT, portT, ifT := r.table("Bridge"), r.table("Port"), r.table("Interface")
	var real []*vbridge
	for _, u := range r.get(r.ovs, "Open_vSwitch", "bridges").Keys {
		row := r.txn.Row(brT, u.UUID())
		if row == nil {
			continue
		}
		name := r.getStr(row, "Bridge", "name")
		if c.bridges[name] != nil {
			logVsctl.Warn("%s: database contains duplicate bridge name", name)
			continue
		}
		b := c.addBridge(name, row, nil, 0)
		real = append(real, b)
	}
	for _, b := range real {
		for _, u := range r.get(b.cfg, "Bridge", "ports").Keys {
			port := r.txn.Row(portT, u.UUID())
			if port == nil || !r.isFakeBridge(port) {
				continue
			}
			name := r.getStr(port, "Port", "name")
			if c.bridges[name] != nil {
				continue
			}
			tag, _ := tagOf(r.get(port, "Port", "tag"))
			fb := c.addBridge(name, nil, b, tag)
			fb.fakePort = port
		}
	}
	for _, b := range real {
		for _, u := range r.get(b.cfg, "Bridge", "ports").Keys {
			port := r.txn.Row(portT, u.UUID())
			if port == nil {
				continue
			}
			name := r.getStr(port, "Port", "name")
			if p := c.ports[name]; p != nil {
				if p.cfg.UUID == port.UUID {
					logVsctl.Warn("%s: port is in multiple bridges (%s and %s)", name, b.name, p.br.name)
				} else {
					logVsctl.Err("%s: database contains duplicate port name", name)
				}
				continue
			}
			vp := r.addPortToCache(b, port)
			for _, iu := range r.get(port, "Port", "interfaces").Keys {
				iface := r.txn.Row(ifT, iu.UUID())
				if iface == nil {
					continue
				}
				iname := r.getStr(iface, "Interface", "name")
				if i := c.ifaces[iname]; i != nil {
					if i.cfg.UUID == iface.UUID {
						logVsctl.Warn("%s: interface is in multiple ports (%s and %s)", iname, i.port.name, vp.name)
					} else {
						logVsctl.Err("%s: database contains duplicate interface name", iname)
					}
					continue
				}
				c.addIface(vp, iname, iface)
			}
		}
	}
	return c
}

func (c *cache) addBridge(name string, cfg *idl.Row, parent *vbridge, vlan int) *vbridge {
	b := &vbridge{name: name, cfg: cfg, parent: parent, vlan: vlan,
		ports: map[string]*vport{}, children: map[string]*vbridge{}}
	c.bridges[name] = b
	if parent != nil {
		parent.children[name] = b
	}
	return b
}

func (r *runner) addPortToCache(parent *vbridge, port *idl.Row) *vport {
	if tag, ok := tagOf(r.get(port, "Port", "tag")); ok && parent.parent == nil {
		for _, child := range parent.children {
			if child.vlan == tag {
				parent = child
				break
			}
		}
	}
	name := r.getStr(port, "Port", "name")
	p := &vport{name: name, cfg: port, br: parent, ifaces: map[string]*viface{}}
	r.cache.ports[name] = p
	parent.ports[name] = p
	return p
}

func (c *cache) addIface(p *vport, name string, row *idl.Row) *viface {
	i := &viface{name: name, cfg: row, port: p}
	c.ifaces[name] = i
	p.ifaces[name] = i
	return i
}

// verifyPorts guards every decision based on which bridges, ports and
// interfaces exist.
func (r *runner) verifyPorts() {
	if r.verified {
		return
	}
	r.verified = true
	c := r.populate()
	if r.target != nil {
		r.verifyTarget()
		return
	}
	r.verify(r.ovs, "Open_vSwitch", "bridges")
	for _, b := range c.bridges {
		if b.cfg != nil {
			r.verify(b.cfg, "Bridge", "ports")
		}
	}
	for _, p := range c.ports {
		r.verify(p.cfg, "Port", "interfaces")
	}
}

func (r *runner) findBridge(name string, mustExist bool) *vbridge {
	b := r.populate().bridges[name]
	if b == nil && mustExist {
		fatal("no bridge named %s", name)
	}
	r.verify(r.ovs, "Open_vSwitch", "bridges")
	return b
}

func (r *runner) findRealBridge(name string, mustExist bool) *vbridge {
	b := r.findBridge(name, mustExist)
	if b != nil && b.parent != nil {
		fatal("%s is a fake bridge", name)
	}
	return b
}

func (r *runner) findPort(name string, mustExist bool) *vport {
	p := r.populate().ports[name]
	if p != nil && p.name == p.br.name {
		p = nil
	}
	if p == nil && mustExist {
		fatal("no port named %s", name)
	}
	r.verify(r.ovs, "Open_vSwitch", "bridges")
	return p
}

func (r *runner) findIface(name string, mustExist bool) *viface {
	i := r.populate().ifaces[name]
	if i != nil && i.name == i.port.br.name {
		i = nil
	}
	if i == nil && mustExist {
		fatal("no interface named %s", name)
	}
	r.verify(r.ovs, "Open_vSwitch", "bridges")
	return i
}

func (r *runner) checkConflicts(name, msg string) {
	r.verifyPorts()
	c := r.cache
	if c.bridges[name] != nil {
		fatal("%s because a bridge named %s already exists", msg, name)
	}
	if p := c.ports[name]; p != nil {
		fatal("%s because a port named %s already exists on bridge %s", msg, name, p.br.name)
	}
	if i := c.ifaces[name]; i != nil {
		fatal("%s because an interface named %s already exists on bridge %s", msg, name, i.port.br.name)
	}
}

func uuidSet(us ...ovsdb.UUID) ovsdb.Datum {
	atoms := make([]ovsdb.Atom, len(us))
	for i, u := range us {
		atoms[i] = ovsdb.UUIDAtom(u)
	}
	return ovsdb.NewSetDatum(ovsdb.TypeUUID, atoms...)
}

func (r *runner) newIface(name, typ string) *idl.Row {
	row := r.txn.Insert(r.table("Interface"))
	r.setString(row, "Interface", "name", name)
	if typ != "" {
		r.setString(row, "Interface", "type", typ)
	}
	if r.s.wait {
		r.expectIfaces = append(r.expectIfaces, row)
	}
	return row
}

func (r *runner) preAddIface() {
	r.preCache()
	if r.s.wait {
		r.reg("Interface", "ofport", "error")
	}
}

// atoi is C's atoi: leading white space, a sign, digits; 0 if none.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(s[:end], 10, 32)
	if err != nil {
		if end > 1 || (end == 1 && s[0] >= '0') {
			if s[0] == '-' {
				return -1 << 31
			}
			return 1<<31 - 1
		}
		return 0
	}
	return int(n)
}

func cmdAddBr(r *runner) {
	args := r.inv.args
	if len(args) != 2 && len(args) != 4 {
		fatal("'add-br' command takes exactly 1 or 3 arguments")
	}
	name := args[1]
	var parentName string
	vlan := 0
	if len(args) == 4 {
		parentName = args[2]
		vlan = atoi(args[3])
		if vlan < 0 || vlan > 4095 {
			fatal("%s: vlan must be between 0 and 4095", args[0])
		}
	}
	c := r.populate()
	if r.inv.has("--may-exist") {
		if b := r.findBridge(name, false); b != nil {
			if parentName == "" {
				if b.parent != nil {
					fatal("\"--may-exist add-br %s\" but %s is a VLAN bridge for VLAN %d", name, name, b.vlan)
				}
			} else {
				if b.parent == nil {
					fatal("\"--may-exist add-br %s %s %d\" but %s is not a VLAN bridge", name, parentName, vlan, name)
				} else if b.parent.name != parentName {
					fatal("\"--may-exist add-br %s %s %d\" but %s has the wrong parent %s", name, parentName, vlan, name, b.parent.name)
				} else if b.vlan != vlan {
					fatal("\"--may-exist add-br %s %s %d\" but %s is a VLAN bridge for the wrong VLAN %d", name, parentName, vlan, name, b.vlan)
				}
			}
			return
		}
	}
	r.checkConflicts(name, "cannot create a bridge named "+name)
	iface := r.newIface(name, "internal")
	port := r.txn.Insert(r.table("Port"))
	r.setString(port, "Port", "name", name)
	r.set(port, "Port", "interfaces", uuidSet(iface.UUID))
	if parentName == "" {
		br := r.txn.Insert(r.table("Bridge"))
		r.setString(br, "Bridge", "name", name)
		r.set(br, "Bridge", "ports", uuidSet(port.UUID))
		r.txn.AddToSet(r.ovs, r.col("Open_vSwitch", "bridges"), uuidSet(br.UUID))
		b := c.addBridge(name, br, nil, 0)
		p := r.addPortToCache(b, port)
		c.addIface(p, name, iface)
		return
	}
	parent := r.findBridge(parentName, false)
	if parent != nil && parent.parent != nil {
		fatal("cannot create bridge with fake bridge as parent")
	}
	if parent == nil {
		fatal("parent bridge %s does not exist", parentName)
	}
	for _, child := range parent.children {
		if child.vlan == vlan {
			fatal("bridge %s already has a child VLAN bridge %s on VLAN %d", parentName, child.name, vlan)
		}
	}
	r.set(port, "Port", "fake_bridge", ovsdb.NewScalarDatum(ovsdb.BoolAtom(true)))
	r.set(port, "Port", "tag", ovsdb.NewScalarDatum(ovsdb.IntegerAtom(int64(vlan))))
	r.txn.AddToSet(parent.cfg, r.col("Bridge", "ports"), uuidSet(port.UUID))
	fb := c.addBridge(name, nil, parent, vlan)
	fb.fakePort = port
	p := r.addPortToCache(fb, port)
	c.addIface(p, name, iface)
}

// queuePort adds port to bridge row br when the queue is flushed: one
// mutation for a whole run of add-port commands instead of one each, which
// the server would apply one by one, copying the set every time.
func (r *runner) queuePort(br *idl.Row, port ovsdb.UUID) {
	if r.pending == nil {
		r.pending = map[*idl.Row][]ovsdb.UUID{}
	}
	if _, ok := r.pending[br]; !ok {
		r.pendingOrder = append(r.pendingOrder, br)
	}
	r.pending[br] = append(r.pending[br], port)
}

// flushPorts writes the queued port additions into the transaction.
func (r *runner) flushPorts() {
	for _, br := range r.pendingOrder {
		r.txn.AddToSet(br, r.col("Bridge", "ports"), uuidSet(r.pending[br]...))
	}
	r.pending, r.pendingOrder = nil, nil
}

// delPort removes a port from its bridge; the Port and Interface rows go
// with it (nothing else may refer to them).
func (r *runner) delPort(p *vport) {
	c := r.cache
	for name := range p.ifaces {
		delete(c.ifaces, name)
		r.txn.Delete(p.ifaces[name].cfg)
	}
	r.flushPorts()
	r.txn.RemoveFromSet(p.br.realCfg(), r.col("Bridge", "ports"), uuidSet(p.cfg.UUID))
	r.txn.Delete(p.cfg)
	delete(c.ports, p.name)
	delete(p.br.ports, p.name)
}

func (r *runner) delBridge(b *vbridge) {
	c := r.cache
	for _, child := range b.children {
		r.delBridge(child)
	}
	for _, p := range b.ports {
		r.delPort(p)
	}
	if b.cfg != nil {
		r.txn.RemoveFromSet(r.ovs, r.col("Open_vSwitch", "bridges"), uuidSet(b.cfg.UUID))
		r.txn.Delete(b.cfg)
	}
	if b.parent != nil {
		delete(b.parent.children, b.name)
	}
	delete(c.bridges, b.name)
}

func cmdDelBr(r *runner) {
	r.verifyPorts()
	if b := r.findBridge(r.inv.args[1], !r.inv.has("--if-exists")); b != nil {
		r.delBridge(b)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func cmdListBr(r *runner) {
	c := r.populate()
	real, fake := r.inv.has("--real"), r.inv.has("--fake")
	if !real && !fake {
		real, fake = true, true
	}
	for _, name := range sortedKeys(c.bridges) {
		b := c.bridges[name]
		if (b.parent == nil && real) || (b.parent != nil && fake) {
			r.out("%s\n", name)
		}
	}
}

func cmdBrExists(r *runner) {
	if r.findBridge(r.inv.args[1], false) == nil {
		exitWith(2)
	}
}

func cmdBrToVlan(r *runner) {
	b := r.findBridge(r.inv.args[1], true)
	r.out("%d\n", b.vlan)
}

func cmdBrToParent(r *runner) {
	b := r.findBridge(r.inv.args[1], true)
	if b.parent != nil {
		b = b.parent
	}
	r.out("%s\n", b.name)
}

func preBrExternalID(r *runner) {
	r.preCache()
	r.reg("Bridge", "external_ids")
	r.reg("Port", "external_ids")
}

func cmdBrSetExternalID(r *runner) {
	args := r.inv.args
	b := r.findBridge(args[1], true)
	key := args[2]
	var row *idl.Row
	var tbl string
	if b.cfg != nil {
		row, tbl = b.cfg, "Bridge"
	} else {
		row, tbl = b.fakePort, "Port"
		key = "fake-bridge-" + key
	}
	r.verify(row, tbl, "external_ids")
	m := r.get(row, tbl, "external_ids").StringMap()
	if len(args) > 3 {
		m[key] = args[3]
	} else {
		delete(m, key)
	}
	r.set(row, tbl, "external_ids", ovsdb.NewStringMap(m))
}

func cmdBrGetExternalID(r *runner) {
	args := r.inv.args
	b := r.findBridge(args[1], true)
	var row *idl.Row
	var tbl, prefix string
	if b.cfg != nil {
		row, tbl = b.cfg, "Bridge"
	} else {
		row, tbl, prefix = b.fakePort, "Port", "fake-bridge-"
	}
	r.verify(row, tbl, "external_ids")
	m := r.get(row, tbl, "external_ids").StringMap()
	if len(args) > 2 {
		if v, ok := m[prefix+args[2]]; ok {
			r.out("%s\n", v)
		}
		return
	}
	for _, k := range sortedKeys(m) {
		if strings.HasPrefix(k, prefix) {
			r.out("%s=%s\n", k[len(prefix):], m[k])
		}
	}
}

func cmdListPorts(r *runner) {
	b := r.findBridge(r.inv.args[1], true)
	r.verifyPorts()
	for _, name := range sortedKeys(b.ports) {
		if name != b.name {
			r.out("%s\n", name)
		}
	}
}

func (r *runner) addPort(brName, portName string, ifaceNames []string, settings []string, fakeIface bool) {
	c := r.populate()
	if r.inv.has("--may-exist") {
		if p := r.findPort(portName, false); p != nil {
			want := append([]string(nil), ifaceNames...)
			sort.Strings(want)
			var have []string
			for _, u := range r.get(p.cfg, "Port", "interfaces").Keys {
				if row := r.txn.Row(r.table("Interface"), u.UUID()); row != nil {
					have = append(have, r.getStr(row, "Interface", "name"))
				}
			}
			sort.Strings(have)
			if p.br.name != brName {
				fatal("\"%s\" but %s is actually attached to bridge %s", r.inv, portName, p.br.name)
			}
			if strings.Join(want, "\x00") != strings.Join(have, "\x00") {
				fatal("\"%s\" but %s actually has interface(s) %s", r.inv, portName, strings.Join(have, ", "))
			}
			return
		}
	}
	r.checkConflicts(portName, "cannot create a port named "+portName)
	for _, n := range ifaceNames {
		r.checkConflicts(n, "cannot create an interface named "+n)
	}
	b := r.findBridge(brName, true)
	ifaces := make([]*idl.Row, len(ifaceNames))
	uuids := make([]ovsdb.UUID, len(ifaceNames))
	for i, n := range ifaceNames {
		ifaces[i] = r.newIface(n, "")
		uuids[i] = ifaces[i].UUID
	}
	port := r.txn.Insert(r.table("Port"))
	r.setString(port, "Port", "name", portName)
	r.set(port, "Port", "interfaces", uuidSet(uuids...))
	if fakeIface {
		r.set(port, "Port", "bond_fake_iface", ovsdb.NewScalarDatum(ovsdb.BoolAtom(true)))
	}
	if b.parent != nil {
		r.set(port, "Port", "tag", ovsdb.NewScalarDatum(ovsdb.IntegerAtom(int64(b.vlan))))
	}
	for _, s := range settings {
		r.setColumn(r.table("Port"), port, s)
	}
	r.queuePort(b.realCfg(), port.UUID)
	p := r.addPortToCache(b, port)
	for i, n := range ifaceNames {
		c.addIface(p, n, ifaces[i])
	}
}

func preAddPort(r *runner) {
	r.preAddIface()
}

func cmdAddPort(r *runner) {
	args := r.inv.args
	r.addPort(args[1], args[2], args[2:3], args[3:], false)
}

func preAddBond(r *runner) {
	r.preAddIface()
}

func cmdAddBond(r *runner) {
	args := r.inv.args
	n := 0
	for _, a := range args[3:] {
		if strings.Contains(a, "=") {
			break
		}
		n++
	}
	if n < 2 {
		fatal("add-bond requires at least 2 interfaces, but only %d were specified", n)
	}
	r.addPort(args[1], args[2], args[3:3+n], args[3+n:], r.inv.has("--fake-iface"))
}

func cmdDelPort(r *runner) {
	args := r.inv.args
	r.verifyPorts()
	target := args[len(args)-1]
	mustExist := !r.inv.has("--if-exists")
	var p *vport
	if !r.inv.has("--with-iface") {
		p = r.findPort(target, false)
		if p == nil && mustExist {
			if b := r.cache.bridges[target]; b != nil && b.ports[target] != nil {
				fatal("cannot delete port %s because it is the local port for bridge %s (deleting this port requires deleting the entire bridge)", target, target)
			}
			fatal("no port named %s", target)
		}
	} else {
		p = r.findPort(target, false)
		if p == nil {
			if i := r.findIface(target, false); i != nil {
				p = i.port
			}
		}
		if p == nil && mustExist {
			fatal("no port or interface named %s", target)
		}
	}
	if p == nil {
		return
	}
	if len(args) == 3 {
		b := r.findBridge(args[1], true)
		if p.br != b {
			if p.br.parent == b {
				fatal("bridge %s does not have a port %s (although its child bridge %s does)", args[1], args[2], p.br.name)
			}
			fatal("bridge %s does not have a port %s", args[1], args[2])
		}
	}
	r.delPort(p)
}

func cmdPortToBr(r *runner) {
	p := r.findPort(r.inv.args[1], true)
	r.out("%s\n", p.br.name)
}

func cmdListIfaces(r *runner) {
	b := r.findBridge(r.inv.args[1], true)
	r.verifyPorts()
	var names []string
	for _, p := range b.ports {
		for n := range p.ifaces {
			if n != b.name {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	for _, n := range names {
		r.out("%s\n", n)
	}
}

func cmdIfaceToBr(r *runner) {
	i := r.findIface(r.inv.args[1], true)
	r.out("%s\n", i.port.br.name)
}
