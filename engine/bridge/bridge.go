// Package bridge reconciles the Open_vSwitch database into running
// bridges and writes back what it did, as ovs-vswitchd's bridge layer does:
// Bridge, Port and Interface rows become OpenFlow switches, bundles and
// datapath ports; ofport, link state, statistics, errors and cur_cfg go
// back into the same rows.
//
// One goroutine (Run) owns the database replica and all bridge state;
// ovs-appctl commands run under the same mutex, so they always see a
// consistent switch. Packets never touch that mutex: translation reads the
// immutable xlate.Config this package publishes after each change.
//
// Reconciliation is level-triggered: every pass compares the whole desired
// configuration with what runs and fixes the difference, so a missed or
// reordered notification can only delay a change, never lose it. Devices
// that do not exist yet (a VM's tap, a veth made later) are retried every
// second and join when they appear.
package bridge

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/mactable"
	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/engine/xlate"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vclock"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/ovsjson"
)

var (
	log            = vlog.NewModule("bridge")
	logDpif        = vlog.NewModule("dpif")
	logOfprotoDpif = vlog.NewModule("ofproto_dpif")
	logOfproto     = vlog.NewModule("ofproto")
)

// retryEvery is how often missing devices are retried and link state is
// polled.
const retryEvery = time.Second

// Options configure a Switch.
type Options struct {
	// Remote is the database, e.g. "unix:/var/run/openvswitch/db.sock".
	Remote string
	// NewDatapath creates the userspace datapath (called once, when the
	// first bridge needs it).
	NewDatapath func() (dpif.Datapath, error)
	// OpenNetdev opens a device of an Interface type.
	OpenNetdev func(name, typ string) (netdev.Netdev, error)
	// KernelDatapath reports whether the kernel datapath is available.
	KernelDatapath bool
	// Dummy enables type=dummy interfaces (ovs-vswitchd --enable-dummy).
	Dummy bool
	// NextHopMAC looks up the MAC of the next hop towards an in-band
	// controller or manager (KernelNextHopMAC); nil looks up nothing, as
	// OVS's dummy devices do.
	NextHopMAC func(netip.Addr) net.HardwareAddr
	// Version is written to Open_vSwitch's ovs_version? No: OVS leaves
	// that to ovs-ctl. It is used in the log line at start.
	Version string
}

// Switch is every bridge of one ovs-vswitchd.
type Switch struct {
	mu   sync.Mutex
	opts Options
	db   *idl.IDL
	cols columns

	dp      dpif.Datapath
	handler *xlate.Handler
	dpErr   error

	bridges map[string]*Bridge
	// ofByName maps bridge names to their OpenFlow switches for the
	// datapath goroutines that deliver packet-ins.
	ofByName atomic.Pointer[map[string]*ofproto.Ofproto]

	statsInterval time.Duration
	lastStats     time.Time
	pending       *idl.Txn
	dirty         bool // status needs writing
	cleanup       bool // remove the ports' devices at shutdown
	exiting       bool
}

// Bridge is one running bridge.
type Bridge struct {
	sw     *Switch
	Name   string
	row    ovsdb.UUID
	dpType string
	of     *ofproto.Ofproto
	mac    *mactable.Table
	ifaces map[string]*Iface
	ports  map[string]*portCfg
	// byOFPort indexes ifaces by OpenFlow port number; lowFree is no
	// greater than the lowest free number.
	byOFPort map[uint32]*Iface
	lowFree  uint32
	// xb is the bridge as last published to translation.
	xb *xlate.Bridge

	floodVLANs  xlate.VLANSet
	forwardBPDU bool
	// ports is the OpenFlow view of the ports, published for the
	// management connections (which must not take the switch's lock).
	ofportList atomic.Pointer[[]ofPortEntry]
	hwaddr     net.HardwareAddr
	dpid       uint64
	// ctlKey is the controllers' state as last written to the database.
	ctlKey string
	// inBandRemotes are the controllers and managers reached in-band;
	// inBandAt is when their next hops were last looked up.
	inBandRemotes []netip.AddrPort
	inBandAt      time.Time
}

// portCfg is a Port row's settings.
type portCfg struct {
	name      string
	ifaces    []string
	mode      xlate.VLANMode
	tag       int
	trunks    *xlate.VLANSet
	protected bool
}

// Iface is one Interface row as it runs.
type Iface struct {
	Name   string
	Type   string
	row    ovsdb.UUID
	port   string // Port row name
	peer   string // patch peer
	dev    netdev.Netdev
	dpPort uint32
	hasDP  bool
	OFPort uint32
	err    string
	// peerErr is a patch port's complaint about its peer: unlike err, the
	// port still exists (it has an OpenFlow number).
	peerErr string

	wantOFPort uint32 // ofport_request, or the ofport the row had
	mtuReq     int
	lastLink   bool
	linkResets int64
	// ofConfig holds the OpenFlow config bits port-mods set (PORT_DOWN,
	// NO_RECV, NO_FWD, NO_PACKET_IN, NO_FLOOD); ofSince is when the port
	// got its OpenFlow number (port statistics' duration).
	ofConfig openflow.PortConfig
	ofSince  time.Time
}

// New returns a Switch for opts; call Run.
func New(opts Options) (*Switch, error) {
	schema, err := vswitchSchema()
	if err != nil {
		return nil, err
	}
	db := idl.New(opts.Remote, schema, idl.Options{Retry: true})
	// Our own status writes must not wake us (OVS does the same).
	for _, tc := range [][2]string{
		{"Interface", "ofport"}, {"Interface", "ifindex"}, {"Interface", "mac_in_use"},
		{"Interface", "admin_state"}, {"Interface", "link_state"}, {"Interface", "link_speed"},
		{"Interface", "duplex"}, {"Interface", "mtu"}, {"Interface", "statistics"},
		{"Interface", "status"}, {"Interface", "error"}, {"Interface", "link_resets"},
		{"Bridge", "datapath_id"}, {"Bridge", "datapath_version"}, {"Bridge", "status"},
		{"Open_vSwitch", "cur_cfg"}, {"Open_vSwitch", "datapath_types"},
		{"Open_vSwitch", "iface_types"},
		{"Controller", "is_connected"}, {"Controller", "role"}, {"Controller", "status"},
	} {
		if err := db.OmitAlert(tc[0], tc[1]); err != nil {
			return nil, err
		}
	}
	s := &Switch{opts: opts, db: db, bridges: make(map[string]*Bridge), statsInterval: 5 * time.Second}
	s.cols = lookupColumns(db)
	return s, nil
}

var (
	schemaOnce sync.Once
	schemaVal  *ovsdb.Schema
	schemaErr  error
)

func vswitchSchema() (*ovsdb.Schema, error) {
	schemaOnce.Do(func() {
		v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
		if err != nil {
			schemaErr = err
			return
		}
		schemaVal, schemaErr = ovsdb.ParseSchema(v)
	})
	return schemaVal, schemaErr
}

// Lock and Unlock serialise ovs-appctl commands with reconfiguration.
func (s *Switch) Lock()   { s.mu.Lock() }
func (s *Switch) Unlock() { s.mu.Unlock() }

// Datapath returns the userspace datapath, nil before the first bridge.
func (s *Switch) Datapath() dpif.Datapath { return s.dp }

// Handler returns the upcall handler, nil before the first bridge.
func (s *Switch) Handler() *xlate.Handler { return s.handler }

// DB returns the database replica.
func (s *Switch) DB() *idl.IDL { return s.db }

// Run reconciles until ctx ends, then removes every bridge's ports from
// the datapath (the devices of internal ports disappear with them).
func (s *Switch) Run(ctx context.Context) {
	s.db.Start()
	defer s.db.Close()
	tick := time.NewTicker(retryEvery)
	defer tick.Stop()
	// Flow timeouts run on the switch's clock, which time/warp moves.
	expire := vclock.NewTicker(time.Second)
	defer expire.Stop()
	var seen uint64
	revalidating := false
	for {
		s.db.Run()
		s.mu.Lock()
		if s.handler != nil && !revalidating {
			revalidating = true
			go s.handler.Run(ctx)
		}
		if seq := s.db.Seqno(); seq != seen && s.db.IsConnected() {
			seen = seq
			s.reconfigure()
		}
		s.writeStatus(false)
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			s.mu.Lock()
			s.shutdown()
			s.mu.Unlock()
			return
		case <-s.db.Wait():
		case <-tick.C:
			s.mu.Lock()
			s.poll()
			s.mu.Unlock()
		case <-expire.C:
			s.mu.Lock()
			for _, br := range s.bridges {
				br.of.Expire(br.of.Now())
			}
			s.mu.Unlock()
		}
	}
}

// SetCleanup makes the coming shutdown remove the bridges' ports from
// the system, as `ovs-appctl exit --cleanup` asks.
func (s *Switch) SetCleanup(on bool) { s.cleanup = on }

// shutdown stops the switch. Without cleanup it leaves internal and tap
// devices in place, addresses and all, as OVS does, so that the host keeps
// its leg on the switch across a restart (the next start picks the
// devices up again); with cleanup it removes every port as deleting the
// bridges would.
func (s *Switch) shutdown() {
	if !s.cleanup && s.dp != nil {
		for _, p := range s.dp.Ports() {
			if r, ok := p.Dev.(interface{ Release() error }); ok {
				r.Release()
			}
		}
	}
	for _, br := range s.bridges {
		if s.cleanup {
			s.delBridge(br)
		} else {
			br.of.Close()
		}
	}
	if s.dp != nil {
		s.dp.Close()
	}
}

// ensureDatapath creates the userspace datapath on first use.
func (s *Switch) ensureDatapath() error {
	if s.dp != nil {
		return nil
	}
	if s.dpErr != nil {
		return s.dpErr
	}
	dp, err := s.opts.NewDatapath()
	if err != nil {
		s.dpErr = err
		log.Err("failed to open datapath of type netdev: %v", err)
		return err
	}
	s.dp = dp
	s.handler = xlate.NewHandler(dp)
	s.handler.SetPacketInHook(s.packetIn)
	return nil
}

// reconfigure makes the running bridges match the database.
func (s *Switch) reconfigure() {
	c := &s.cols
	ovs := firstRow(c.ovs)
	if ovs == nil {
		return
	}
	if v, ok := ovs.MapValue(c.ovsOtherConfig, "stats-update-interval"); ok {
		if ms, err := strconv.Atoi(v); err == nil && ms >= 5000 {
			s.statsInterval = time.Duration(ms) * time.Millisecond
		}
	}

	want := make(map[string]*idl.Row)
	for _, u := range ovs.UUIDs(c.ovsBridges) {
		if r := c.bridge.Row(u); r != nil {
			name := r.Str(c.brName)
			if _, dup := want[name]; dup {
				log.Warn("bridge %s specified twice", name)
				continue
			}
			want[name] = r
		}
	}
	for name, br := range s.bridges {
		r, ok := want[name]
		if !ok || r.Str(c.brDatapathType) != br.dpType {
			s.delBridge(br)
		}
	}
	names := make([]string, 0, len(want))
	for name := range want {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		row := want[name]
		br := s.bridges[name]
		if br == nil {
			var err error
			if br, err = s.addBridge(name, row); err != nil {
				continue
			}
		}
		s.configureBridge(br, row)
	}
	// Patch peers can only be resolved once every bridge is configured.
	s.publish()
	if s.handler != nil {
		if v, ok := ovs.MapValue(c.ovsOtherConfig, "max-idle"); ok {
			if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
				s.handler.SetMaxIdle(ms)
			}
		}
		if v, ok := ovs.MapValue(c.ovsOtherConfig, "flow-limit"); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				s.handler.SetFlowLimit(n)
			}
		}
	}
	s.dirty = true
}

func firstRow(t *idl.Table) *idl.Row {
	var first *idl.Row
	for r := range t.Rows() {
		if first == nil || compareUUID(r.UUID, first.UUID) < 0 {
			first = r
		}
	}
	return first
}

func compareUUID(a, b ovsdb.UUID) int { return strings.Compare(a.String(), b.String()) }

func (s *Switch) addBridge(name string, row *idl.Row) (*Bridge, error) {
	dpType := row.Str(s.cols.brDatapathType)
	switch dpType {
	case "system":
		if !s.opts.KernelDatapath {
			// OVS's words for a kernel without the openvswitch module.
			logDpif.Warn("failed to create datapath ovs-system: No such file or directory")
			logOfprotoDpif.Err("failed to open datapath of type system: No such file or directory")
			logOfproto.Err("failed to open datapath %s: No such file or directory", name)
			log.Err("failed to create bridge %s: No such file or directory", name)
			return nil, unix.ENOENT
		}
	case "dummy":
		// ovs-vswitchd --enable-dummy registers the dummy datapath type,
		// which OVS's own tests use; ours is the userspace datapath.
		if !s.opts.Dummy {
			log.Err("failed to create bridge %s: unknown datapath type %s", name, dpType)
			return nil, errors.New("unknown datapath type")
		}
	case "", "netdev":
		if dpType == "" && !s.opts.KernelDatapath {
			log.Info("%s: the kernel has no openvswitch module, using the userspace datapath (datapath_type=netdev)", name)
		}
	default:
		log.Err("failed to create bridge %s: unknown datapath type %s", name, dpType)
		return nil, errors.New("unknown datapath type")
	}
	if err := s.ensureDatapath(); err != nil {
		log.Err("failed to create bridge %s: %v", name, err)
		return nil, err
	}
	br := &Bridge{
		sw:       s,
		Name:     name,
		row:      row.UUID,
		dpType:   dpType,
		of:       ofproto.New(name, s.handler.Changed),
		mac:      mactable.New(),
		ifaces:   make(map[string]*Iface),
		ports:    make(map[string]*portCfg),
		byOFPort: make(map[uint32]*Iface),
	}
	s.bridges[name] = br
	// Rules' "used" times come from the datapath's clock; timeouts must
	// be judged on the same one (virtual under time/stop, too).
	br.of.SetClock(s.dp.Now)
	mgmt := filepath.Join(paths.RunDir(), name+".mgmt")
	if err := br.of.ListenMgmt(mgmt); err != nil {
		log.Err("%s: failed to listen on %s: %v", name, mgmt, err)
	}
	br.of.SetIdentity(br.identity())
	return br, nil
}

func (s *Switch) delBridge(br *Bridge) {
	for _, ifc := range br.ifaces {
		s.delIface(br, ifc)
	}
	delete(s.bridges, br.Name)
	br.of.Close()
	log.Info("bridge %s: deleted", br.Name)
}

// configureBridge brings br's ports and settings in line with its row.
func (s *Switch) configureBridge(br *Bridge, row *idl.Row) {
	c := &s.cols
	br.row = row.UUID
	type wantIface struct {
		row  *idl.Row
		port string
	}
	want := make(map[string]wantIface)
	ports := make(map[string]*portCfg)
	for _, pu := range row.UUIDs(c.brPorts) {
		prow := c.port.Row(pu)
		if prow == nil {
			continue
		}
		pc := s.portConfig(prow)
		if _, dup := ports[pc.name]; dup {
			log.Warn("bridge %s: %s specified twice as bridge port", br.Name, pc.name)
			continue
		}
		for _, iu := range prow.UUIDs(c.portInterfaces) {
			irow := c.iface.Row(iu)
			if irow == nil {
				continue
			}
			name := irow.Str(c.ifName)
			if _, dup := want[name]; dup {
				continue
			}
			want[name] = wantIface{irow, pc.name}
			pc.ifaces = append(pc.ifaces, name)
		}
		ports[pc.name] = pc
	}
	br.ports = ports

	// Remove what is gone or changed type; reconfigure what stays.
	for name, ifc := range br.ifaces {
		w, ok := want[name]
		if !ok || ifaceType(w.row.Str(c.ifType)) != ifc.Type {
			s.delIface(br, ifc)
			continue
		}
		ifc.row = w.row.UUID
		ifc.port = w.port
		if ifc.Type == "patch" {
			peer, _ := w.row.MapValue(c.ifOptions, "peer")
			ifc.peer = peer
		}
		s.applyIfaceSettings(br, ifc, w.row)
	}
	// Settings.
	oc := func(key string) (string, bool) { return row.MapValue(c.brOtherConfig, key) }
	aging, size := int64(mactable.DefaultAgingTime), mactable.DefaultSize
	if v, ok := oc("mac-aging-time"); ok {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			aging = n
		}
	}
	if v, ok := oc("mac-table-size"); ok {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			size = n
		}
	}
	br.mac.SetLimits(aging, size)
	s.configureControllers(br, row)
	v, _ := oc("forward-bpdu")
	br.forwardBPDU = v == "true"
	br.floodVLANs = xlate.VLANSet{}
	for _, a := range row.Get(c.brFloodVLANs).Keys {
		if v := a.Int(); v >= 0 && v < 4096 {
			br.floodVLANs.Add(uint16(v))
		}
	}

	// Add what is new, local port first so it gets its number.
	names := make([]string, 0, len(want))
	for name := range want {
		if br.ifaces[name] == nil {
			names = append(names, name)
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		if a == br.Name {
			return -1
		}
		if b == br.Name {
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, name := range names {
		w := want[name]
		s.addIface(br, name, w.row, w.port)
	}

	// Identity: hwaddr and datapath ID.
	br.hwaddr = nil
	if v, ok := oc("hwaddr"); ok {
		if mac, err := net.ParseMAC(v); err == nil && len(mac) == 6 {
			br.hwaddr = mac
			if local := br.ifaces[br.Name]; local != nil && local.dev != nil {
				if cur, err := local.dev.HWAddr(); err != nil || cur.String() != mac.String() {
					local.dev.SetHWAddr(mac)
				}
			}
		}
	}
	if br.hwaddr == nil {
		if local := br.ifaces[br.Name]; local != nil && local.dev != nil {
			if mac, err := local.dev.HWAddr(); err == nil {
				br.hwaddr = mac
			}
		}
	}
	br.dpid = 0
	if v, ok := oc("datapath-id"); ok {
		if n, err := strconv.ParseUint(v, 16, 64); err == nil && len(v) == 16 {
			br.dpid = n
		}
	}
	if br.dpid == 0 && len(br.hwaddr) == 6 {
		for _, b := range br.hwaddr {
			br.dpid = br.dpid<<8 | uint64(b)
		}
	}
	s.configureInBand(br, row)
}

func ifaceType(t string) string {
	if t == "" {
		return "system"
	}
	return t
}

func (s *Switch) portConfig(prow *idl.Row) *portCfg {
	c := &s.cols
	pc := &portCfg{name: prow.Str(c.portName), tag: -1}
	if v, ok := prow.Int(c.portTag); ok && v >= 0 && v < 4096 {
		pc.tag = int(v)
	}
	trunks := prow.Get(c.portTrunks)
	if len(trunks.Keys) > 0 {
		pc.trunks = &xlate.VLANSet{}
		for _, a := range trunks.Keys {
			if v := a.Int(); v >= 0 && v < 4096 {
				pc.trunks.Add(uint16(v))
			}
		}
	}
	switch prow.Str(c.portVLANMode) {
	case "access":
		pc.mode = xlate.Access
	case "trunk":
		pc.mode = xlate.Trunk
	case "native-tagged":
		pc.mode = xlate.NativeTagged
	case "native-untagged":
		pc.mode = xlate.NativeUntagged
	case "dot1q-tunnel":
		log.Warn("port %s: vlan_mode dot1q-tunnel is not supported, using access", pc.name)
		pc.mode = xlate.Access
	default:
		if pc.tag >= 0 {
			pc.mode = xlate.Access
		}
	}
	if (pc.mode == xlate.Access || pc.mode == xlate.NativeTagged || pc.mode == xlate.NativeUntagged) && pc.tag < 0 {
		pc.tag = 0
	}
	pc.protected = prow.Bool(c.portProtected)
	return pc
}

// addIface creates one interface; failures are recorded in its error
// column and retried by poll.
func (s *Switch) addIface(br *Bridge, name string, row *idl.Row, port string) {
	c := &s.cols
	ifc := &Iface{Name: name, Type: ifaceType(row.Str(c.ifType)), row: row.UUID, port: port}
	if v, ok := row.Int(c.ifOFPortRequest); ok && v >= 1 && v < int64(openflow.PortMax) {
		ifc.wantOFPort = uint32(v)
	} else if v, ok := row.Int(c.ifOFPort); ok && v >= 1 && v < int64(openflow.PortMax) {
		ifc.wantOFPort = uint32(v)
	}
	br.ifaces[name] = ifc
	if ifc.Type == "patch" {
		peer, _ := row.MapValue(c.ifOptions, "peer")
		if peer == "" || peer == name {
			ifc.err = name + ": patch type requires valid 'peer' argument"
			log.Err("%s", ifc.err)
			return
		}
		ifc.peer = peer
		br.assignOFPort(ifc)
		log.Info("bridge %s: added interface %s on port %d", br.Name, name, ifc.OFPort)
		return
	}
	s.openIface(br, ifc)
	if ifc.dev != nil {
		s.applyIfaceSettings(br, ifc, row)
	}
}

// openIface tries to open ifc's device and attach it to the datapath.
func (s *Switch) openIface(br *Bridge, ifc *Iface) {
	typ := ifc.Type
	switch typ {
	case "system", "internal", "tap":
	case "dummy", "dummy-internal", "dummy-pmd":
		if !s.opts.Dummy {
			typ = ""
		}
	default:
		typ = ""
	}
	if typ == "" {
		log.Warn("could not create netdev %s of unknown type %s", ifc.Name, ifc.Type)
		ifc.err = fmt.Sprintf("could not open network device %s (%s)", ifc.Name, strerror(unix.EAFNOSUPPORT))
		log.Warn("%s", ifc.err)
		return
	}
	dev, err := s.opts.OpenNetdev(ifc.Name, typ)
	if err != nil {
		msg := fmt.Sprintf("could not open network device %s (%s)", ifc.Name, strerror(err))
		if msg != ifc.err {
			log.Warn("%s", msg)
		}
		ifc.err = msg
		return
	}
	no, err := s.dp.AddPort(dev, 0)
	if err != nil {
		dev.Close()
		ifc.err = fmt.Sprintf("could not add network device %s to ofproto (%s)", ifc.Name, strerror(err))
		log.Warn("%s", ifc.err)
		return
	}
	ifc.dev, ifc.dpPort, ifc.hasDP, ifc.err = dev, no, true, ""
	if ifc.Name == br.Name {
		br.setLocal(ifc)
	} else {
		br.assignOFPort(ifc)
	}
	_, up, _ := dev.LinkState()
	ifc.lastLink = up
	log.Info("bridge %s: added interface %s on port %d", br.Name, ifc.Name, ifc.OFPort)
	s.dirty = true
}

// assignOFPort gives ifc an OpenFlow port number: ofport_request (or the
// number the interface had before a restart) when free, else the lowest
// free one. br.byOFPort and the lowFree hint keep this cheap when a bridge
// gets thousands of ports at once.
func (br *Bridge) assignOFPort(ifc *Iface) {
	br.releaseOFPort(ifc)
	n := ifc.wantOFPort
	if n == 0 || br.byOFPort[n] != nil {
		n = 0
		for c := max(br.lowFree, 1); c < openflow.PortMax; c++ {
			if br.byOFPort[c] == nil {
				n = c
				br.lowFree = c + 1
				break
			}
		}
	}
	ifc.OFPort = n
	if n != 0 {
		br.byOFPort[n] = ifc
	}
}

// setLocal gives ifc the bridge's local port number.
func (br *Bridge) setLocal(ifc *Iface) {
	br.releaseOFPort(ifc)
	ifc.OFPort = openflow.PortLocal
	br.byOFPort[openflow.PortLocal] = ifc
}

// releaseOFPort frees ifc's OpenFlow port number.
func (br *Bridge) releaseOFPort(ifc *Iface) {
	if ifc.OFPort == 0 || br.byOFPort[ifc.OFPort] != ifc {
		return
	}
	delete(br.byOFPort, ifc.OFPort)
	if ifc.OFPort < br.lowFree {
		br.lowFree = ifc.OFPort
	}
	ifc.OFPort = 0
}

// applyIfaceSettings applies mtu_request and an ofport_request change.
func (s *Switch) applyIfaceSettings(br *Bridge, ifc *Iface, row *idl.Row) {
	c := &s.cols
	if v, ok := row.Int(c.ifOFPortRequest); ok && v >= 1 && v < int64(openflow.PortMax) && uint32(v) != ifc.wantOFPort {
		ifc.wantOFPort = uint32(v)
		if ifc.OFPort != 0 && ifc.OFPort != openflow.PortLocal {
			br.assignOFPort(ifc)
		}
	}
	if ifc.dev == nil {
		return
	}
	if v, ok := row.Int(c.ifMTURequest); ok && v > 0 && int(v) != ifc.mtuReq {
		ifc.mtuReq = int(v)
		if err := ifc.dev.SetMTU(int(v)); err != nil {
			log.Warn("%s: setting MTU to %d failed: %v", ifc.Name, v, strerror(err))
		}
	}
	// Devices with settings of their own (the dummy's pcap files) get
	// the whole options column.
	if o, ok := ifc.dev.(interface{ SetOptions(map[string]string) error }); ok {
		opts := make(map[string]string)
		d := row.Get(c.ifOptions)
		for i, k := range d.Keys {
			if i < len(d.Values) {
				opts[k.Str()] = d.Values[i].Str()
			}
		}
		if err := o.SetOptions(opts); err != nil {
			log.Warn("%s: %v", ifc.Name, err)
		}
	}
}

func (s *Switch) delIface(br *Bridge, ifc *Iface) {
	if ifc.hasDP {
		if err := s.dp.DelPort(ifc.dpPort); err != nil {
			log.Warn("bridge %s: failed to remove %s: %v", br.Name, ifc.Name, err)
		}
	} else if ifc.dev != nil {
		ifc.dev.Close()
	}
	if ifc.OFPort != 0 {
		log.Info("bridge %s: deleted interface %s on port %d", br.Name, ifc.Name, ifc.OFPort)
	}
	if ifc.port != "" {
		// Its MACs are now unreachable through it.
		br.mac.FlushPort(ifc.port)
	}
	br.releaseOFPort(ifc)
	delete(br.ifaces, ifc.Name)
	s.dirty = true
}

// poll retries missing devices and notices link changes.
func (s *Switch) poll() {
	changed := false
	for _, br := range s.bridges {
		if len(br.inBandRemotes) > 0 && time.Since(br.inBandAt) >= inBandRefresh {
			s.applyInBand(br)
		}
		if k := br.controllerStatusKey(); k != br.ctlKey {
			br.ctlKey = k
			s.dirty = true
		}
		for _, ifc := range br.ifaces {
			if ifc.dev == nil && ifc.Type != "patch" && ifc.err != "" && s.dp != nil {
				s.openIface(br, ifc)
				if ifc.dev != nil {
					if row := s.cols.iface.Row(ifc.row); row != nil {
						s.applyIfaceSettings(br, ifc, row)
					}
					changed = true
				}
			}
			if ifc.dev != nil {
				_, up, _ := ifc.dev.LinkState()
				if up != ifc.lastLink {
					ifc.lastLink = up
					ifc.linkResets++
					s.dirty = true
				}
			}
		}
	}
	if changed {
		s.publish()
	}
	s.writeStatus(false)
}

// publish hands translation a new snapshot of every bridge.
func (s *Switch) publish() {
	s.publishOpenFlow()
	if s.handler == nil {
		return
	}
	var bridges []*xlate.Bridge
	byName := make(map[string]*xlate.Port)
	names := make([]string, 0, len(s.bridges))
	for name := range s.bridges {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		br := s.bridges[name]
		xb := &xlate.Bridge{
			Name:        br.Name,
			OF:          br.of,
			MAC:         br.mac,
			Ports:       make(map[uint32]*xlate.Port),
			FloodVLANs:  br.floodVLANs,
			ForwardBPDU: br.forwardBPDU,
		}
		pnames := make([]string, 0, len(br.ports))
		for pn := range br.ports {
			pnames = append(pnames, pn)
		}
		slices.Sort(pnames)
		// MAC entries name bundles by port name, so every snapshot
		// gets fresh, immutable bundles; a changed VLAN setting makes
		// what was learned on the port meaningless.
		old := make(map[string]*xlate.Bundle)
		if br.xb != nil {
			for _, b := range br.xb.Bundles {
				old[b.Name] = b
			}
		}
		for _, pn := range pnames {
			pc := br.ports[pn]
			b := &xlate.Bundle{Name: pn, Mode: pc.mode, Tag: pc.tag, Trunks: pc.trunks, Protected: pc.protected}
			if o := old[pn]; o != nil && (o.Mode != b.Mode || o.Tag != b.Tag || !sameTrunks(o.Trunks, b.Trunks)) {
				br.mac.FlushPort(pn)
			}
			for _, in := range pc.ifaces {
				ifc := br.ifaces[in]
				if ifc == nil || ifc.OFPort == 0 {
					continue
				}
				xp := &xlate.Port{Bridge: xb, Name: ifc.Name, OFPort: ifc.OFPort, DPPort: ifc.dpPort, HasDP: ifc.hasDP, Bundle: b,
					// Port-mod's config bits (ovs-ofctl mod-port).
					NoFlood:    ifc.ofConfig&openflow.PortConfigNoFlood != 0,
					NoForward:  ifc.ofConfig&openflow.PortConfigNoFwd != 0,
					NoReceive:  ifc.ofConfig&openflow.PortConfigNoRecv != 0,
					AdminDown:  ifc.ofConfig&openflow.PortConfigDown != 0,
					NoPacketIn: ifc.ofConfig&openflow.PortConfigNoPacketIn != 0}
				xb.Ports[ifc.OFPort] = xp
				b.Ports = append(b.Ports, xp)
				byName[ifc.Name] = xp
			}
			if len(b.Ports) > 0 {
				xb.Bundles = append(xb.Bundles, b)
			}
		}
		for name := range old {
			if pc := br.ports[name]; pc == nil {
				br.mac.FlushPort(name)
			}
		}
		br.xb = xb
		br.publishPorts()
		bridges = append(bridges, xb)
	}
	// Patch peers.
	for _, br := range s.bridges {
		for _, ifc := range br.ifaces {
			if ifc.Type != "patch" || ifc.OFPort == 0 {
				continue
			}
			xp := byName[ifc.Name]
			peer := byName[ifc.peer]
			if xp == nil {
				continue
			}
			if peer != nil && peerOf(s, peer) == ifc.Name {
				xp.Peer = peer
				ifc.peerErr = ""
			} else {
				ifc.peerErr = fmt.Sprintf("No usable peer '%s' exists in 'netdev' datapath.", ifc.peer)
			}
		}
	}
	s.handler.SetConfig(xlate.NewConfig(bridges))
}

func peerOf(s *Switch, p *xlate.Port) string {
	for _, br := range s.bridges {
		if ifc := br.ifaces[p.Name]; ifc != nil && ifc.Type == "patch" {
			return ifc.peer
		}
	}
	return ""
}

func sameTrunks(a, b *xlate.VLANSet) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// strerror gives the C library's text for an errno, as OVS prints it.
func strerror(err error) string { return stream.Strerror(err) }
