package userspace

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/internal/vclock"
)

// DefaultFlowLimit is how many megaflows a datapath holds unless told
// otherwise (OVS's other_config:flow-limit default).
const DefaultFlowLimit = 200000

// MaxPorts bounds datapath port numbers (as OVS's userspace datapath does).
const MaxPorts = 65536

// Errors, as the errno values OVS reports for the same conditions (dpctl
// prints their strerror text).
var (
	ErrNoPort     = unix.ENODEV // DelPort of an unknown port
	ErrPortInUse  = unix.EBUSY  // AddPort with a taken number
	ErrBadFlow    = unix.EINVAL // FlowPut for an unknown in_port
	ErrFlowLimit  = unix.E2BIG  // FlowPut beyond the flow limit
	ErrNameExists = unix.EEXIST // AddPort of a device name already present
)

// port is one attached device and the goroutine that polls it.
type port struct {
	no   uint32
	dev  netdev.Netdev
	feat netdev.Features
	cls  *classifier
	pmd  *pmd

	removed bool // under Datapath.mu: no more flow installs
}

// portTable is the port array outputs index without locking; replaced on
// every port change.
type portTable struct {
	byNo []*port
}

type handlerRef struct{ h dpif.UpcallHandler }

// Datapath is the userspace datapath (OVS's dpif-netdev).
type Datapath struct {
	name  string
	pool  *netdev.Pool
	start time.Time

	handler   atomic.Pointer[handlerRef]
	meter     atomic.Pointer[dpif.MeterFunc]
	ports     atomic.Pointer[portTable]
	nflows    atomic.Int64
	flowLimit atomic.Int64

	// mu serialises every writer: port changes, flow installs and
	// removals, dumps, subtable ranking.
	mu      sync.Mutex
	byNo    map[uint32]*port
	byName  map[string]*port
	flows   map[*dpif.Flow]*dpFlow
	closed  bool
	retired dpif.PMDStats // counters of removed ports
	zero    dpif.PMDStats // baseline set by ClearPMDStats
	wg      sync.WaitGroup

	// exec runs Execute (packet-out) for callers outside the port
	// goroutines, one at a time.
	execMu sync.Mutex
	exec   *pmd
}

var _ dpif.Datapath = (*Datapath)(nil)
var _ dpif.PMDStatser = (*Datapath)(nil)
var _ dpif.Meterer = (*Datapath)(nil)

// New creates the datapath called name (e.g. "ovs-netdev") with local as
// its port 0, and starts polling it. Packets come from and go back to pool
// (netdev.DefaultPool when nil).
func New(name string, pool *netdev.Pool, local netdev.Netdev) *Datapath {
	if pool == nil {
		pool = netdev.DefaultPool
	}
	dp := &Datapath{
		name:   name,
		pool:   pool,
		start:  vclock.Now().Add(-time.Second), // Now() is never 0 ("never used")
		byNo:   map[uint32]*port{},
		byName: map[string]*port{},
		flows:  map[*dpif.Flow]*dpFlow{},
	}
	dp.flowLimit.Store(DefaultFlowLimit)
	dp.ports.Store(&portTable{})
	dp.exec = newPMD(dp, nil)
	if local != nil {
		dp.mu.Lock()
		dp.addPortLocked(local, dpif.LocalPort)
		dp.mu.Unlock()
	}
	return dp
}

// Name implements dpif.Datapath.
func (dp *Datapath) Name() string { return dp.name }

// Type implements dpif.Datapath.
func (dp *Datapath) Type() string { return "netdev" }

// SetMeterFunc implements dpif.Meterer: fn decides for every ActMeter.
// Without one, meters let every packet through.
func (dp *Datapath) SetMeterFunc(fn dpif.MeterFunc) {
	if fn == nil {
		dp.meter.Store(nil)
		return
	}
	dp.meter.Store(&fn)
}

// Now implements dpif.Datapath: milliseconds on a monotonic clock.
func (dp *Datapath) Now() int64 { return int64(vclock.Since(dp.start) / time.Millisecond) }

// SetFlowLimit changes how many flows upcalls and FlowPut may install.
func (dp *Datapath) SetFlowLimit(n int) { dp.flowLimit.Store(int64(n)) }

// SetUpcallHandler implements dpif.Datapath.
func (dp *Datapath) SetUpcallHandler(h dpif.UpcallHandler) {
	if h == nil {
		dp.handler.Store(nil)
		return
	}
	dp.handler.Store(&handlerRef{h})
}

func (dp *Datapath) upcallHandler() dpif.UpcallHandler {
	if r := dp.handler.Load(); r != nil {
		return r.h
	}
	return nil
}

// AddPort implements dpif.Datapath.
func (dp *Datapath) AddPort(dev netdev.Netdev, want uint32) (uint32, error) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if dp.closed {
		return 0, netdev.ErrClosed
	}
	if _, ok := dp.byName[dev.Name()]; ok {
		return 0, fmt.Errorf("%s: %w", dev.Name(), ErrNameExists)
	}
	no := want
	if no == 0 {
		for no = 1; no < MaxPorts; no++ {
			if dp.byNo[no] == nil {
				break
			}
		}
		if no == MaxPorts {
			return 0, unix.EFBIG
		}
	} else if no >= MaxPorts {
		return 0, unix.EINVAL
	} else if dp.byNo[no] != nil {
		return 0, ErrPortInUse
	}
	dp.addPortLocked(dev, no)
	return no, nil
}

func (dp *Datapath) addPortLocked(dev netdev.Netdev, no uint32) {
	p := &port{no: no, dev: dev, feat: dev.Features(), cls: newClassifier()}
	p.pmd = newPMD(dp, p)
	dp.byNo[no] = p
	dp.byName[dev.Name()] = p
	dp.publishPorts()
	dp.wg.Add(1)
	go p.pmd.run()
}

func (dp *Datapath) publishPorts() {
	max := uint32(0)
	for no := range dp.byNo {
		max = maxU32(max, no+1)
	}
	t := &portTable{byNo: make([]*port, max)}
	for no, p := range dp.byNo {
		t.byNo[no] = p
	}
	dp.ports.Store(t)
}

func maxU32(a, b uint32) uint32 {
	if a > b {
		return a
	}
	return b
}

// DelPort implements dpif.Datapath: the port's goroutine stops, its device
// is closed and the flows on it are removed.
func (dp *Datapath) DelPort(no uint32) error {
	dp.mu.Lock()
	p := dp.byNo[no]
	if p == nil {
		dp.mu.Unlock()
		return ErrNoPort
	}
	dp.detachLocked(p)
	dp.mu.Unlock()
	err := p.dev.Close()
	<-p.pmd.done
	dp.mu.Lock()
	addStats(&dp.retired, p.pmd.counters())
	dp.mu.Unlock()
	return err
}

func (dp *Datapath) detachLocked(p *port) {
	p.removed = true
	p.pmd.stop.Store(true)
	delete(dp.byNo, p.no)
	delete(dp.byName, p.dev.Name())
	dp.publishPorts()
	for _, st := range *p.cls.subtables.Load() {
		st.each(func(f *dpFlow) { dp.removeLocked(f) })
	}
}

// Ports implements dpif.Datapath, in port number order.
func (dp *Datapath) Ports() []dpif.Port {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	out := make([]dpif.Port, 0, len(dp.byNo))
	for _, p := range dp.byNo {
		out = append(out, dp.portInfo(p))
	}
	slices.SortFunc(out, func(a, b dpif.Port) int { return int(a.No) - int(b.No) })
	return out
}

func (dp *Datapath) portInfo(p *port) dpif.Port {
	typ := p.dev.Type()
	if typ == "internal" {
		typ = "tap" // what OVS's netdev datapath calls its internal ports
	}
	return dpif.Port{No: p.no, Name: p.dev.Name(), Type: typ, Dev: p.dev}
}

// PortByName implements dpif.Datapath.
func (dp *Datapath) PortByName(name string) (dpif.Port, bool) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	p := dp.byName[name]
	if p == nil {
		return dpif.Port{}, false
	}
	return dp.portInfo(p), true
}

// normalizeMask forces what the userspace datapath always matches exactly.
func normalizeMask(mask *flow.Key) {
	mask.InPort = 0xffffffff
	mask.RecircID = 0xffffffff
}

// FlowPut implements dpif.Datapath. The flow's in_port must be a port of
// the datapath (its mask is forced to exact, as OVS does).
func (dp *Datapath) FlowPut(key, mask *flow.Key, actions dpif.Actions) error {
	m := *mask
	normalizeMask(&m)
	dp.mu.Lock()
	defer dp.mu.Unlock()
	p := dp.byNo[key.InPort]
	if p == nil || p.removed {
		return ErrBadFlow
	}
	_, err := dp.installLocked(p, key, &m, actions, true)
	return err
}

// installLocked adds (or, with replace, updates) the flow key/mask on port
// p. It returns the flow now in the table.
func (dp *Datapath) installLocked(p *port, key, mask *flow.Key, actions dpif.Actions, replace bool) (*dpFlow, error) {
	masked := key.Masked(mask)
	st := p.cls.subtableFor(mask)
	if n := st.find(&masked); n != nil && !n.f.dead.Load() {
		if replace {
			n.f.SetActions(actions)
		}
		return n.f, nil
	}
	if dp.nflows.Load() >= dp.flowLimit.Load() {
		if st.n == 0 {
			p.cls.dropSubtable(st)
		}
		return nil, ErrFlowLimit
	}
	f := &dpFlow{}
	f.Key, f.Mask = masked, *mask
	f.UFID = ufid(&masked, mask)
	f.SetActions(actions)
	st.insert(f)
	dp.flows[&f.Flow] = f
	dp.nflows.Add(1)
	return f, nil
}

// ufid derives a flow's unique identifier from its match, as OVS derives
// one from the flow key when the caller does not supply it.
func ufid(key, mask *flow.Key) [16]byte {
	var buf [2 * flow.KeyWords * 8]byte
	kw, mw := key.Words(), mask.Words()
	for i := range kw {
		binary.LittleEndian.PutUint64(buf[i*8:], kw[i])
		binary.LittleEndian.PutUint64(buf[(flow.KeyWords+i)*8:], mw[i])
	}
	sum := sha256.Sum256(buf[:])
	var u [16]byte
	copy(u[:], sum[:16])
	u[6] = u[6]&0x0f | 0x40 // a version 4 UUID, like OVS's random-looking UFIDs
	u[8] = u[8]&0x3f | 0x80
	return u
}

// removeLocked marks f dead and unlinks it.
func (dp *Datapath) removeLocked(f *dpFlow) {
	if f.dead.Swap(true) {
		return
	}
	delete(dp.flows, &f.Flow)
	dp.nflows.Add(-1)
	if st := f.st; st != nil && st.remove(f) && st.n == 0 {
		// The subtable's classifier is found through the port owning the
		// flow's in_port; a removed port's classifier is dropped whole.
		if p := dp.byNo[f.Key.InPort]; p != nil {
			p.cls.dropSubtable(st)
		}
	}
}

// FlowDump implements dpif.Datapath. fn runs without the datapath's lock
// held, so it may call FlowDel.
func (dp *Datapath) FlowDump(fn func(f *dpif.Flow, st dpif.FlowStats) bool) {
	for _, f := range dp.snapshot() {
		if f.dead.Load() {
			continue
		}
		if !fn(&f.Flow, f.stats()) {
			return
		}
	}
}

// snapshot lists the live flows, by in_port then subtable order.
func (dp *Datapath) snapshot() []*dpFlow {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	out := make([]*dpFlow, 0, len(dp.flows))
	nos := make([]uint32, 0, len(dp.byNo))
	for no := range dp.byNo {
		nos = append(nos, no)
	}
	slices.Sort(nos)
	for _, no := range nos {
		for _, st := range *dp.byNo[no].cls.subtables.Load() {
			st.each(func(f *dpFlow) {
				if !f.dead.Load() {
					out = append(out, f)
				}
			})
		}
	}
	return out
}

// FlowDel implements dpif.Datapath.
func (dp *Datapath) FlowDel(f *dpif.Flow) {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	if df := dp.flows[f]; df != nil {
		dp.removeLocked(df)
	}
}

// FlowFlush implements dpif.Datapath.
func (dp *Datapath) FlowFlush() {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	for _, f := range dp.flows {
		dp.removeLocked(f)
	}
}

// FlowStats returns the current counters of f (a flow from FlowDump), and
// false once it was removed.
func (dp *Datapath) FlowStats(f *dpif.Flow) (dpif.FlowStats, bool) {
	dp.mu.Lock()
	df := dp.flows[f]
	dp.mu.Unlock()
	if df == nil || df.dead.Load() {
		return dpif.FlowStats{}, false
	}
	return df.stats(), true
}

// Execute implements dpif.Datapath: pkt is copied, so it stays the
// caller's, and key describes it (key.InPort is the port it counts as
// coming from).
func (dp *Datapath) Execute(pkt *netdev.Packet, key *flow.Key, actions dpif.Actions) error {
	if len(pkt.Data) > netdev.MaxFrame {
		return unix.EMSGSIZE
	}
	dp.execMu.Lock()
	defer dp.execMu.Unlock()
	e := dp.exec
	c := dp.pool.Get()
	c.SetLen(copy(c.Buffer(), pkt.Data))
	c.Vnet = pkt.Vnet
	c.InPort = key.InPort
	e.execute(c, key, actions)
	e.flush()
	e.owned = append(e.owned, c)
	e.release()
	return nil
}

// Stats implements dpif.Datapath.
func (dp *Datapath) Stats() dpif.Stats {
	s := dp.PMDStats()
	dp.mu.Lock()
	masks := 0
	for _, p := range dp.byNo {
		masks += len(*p.cls.subtables.Load())
	}
	dp.mu.Unlock()
	return dpif.Stats{
		Hit:     s.EMCHits + s.MegaflowHits,
		Missed:  s.Upcalls + s.LostUpcalls,
		Lost:    s.LostUpcalls,
		Flows:   uint64(dp.nflows.Load()),
		MaskHit: s.SubtableLookups,
		Masks:   uint64(masks),
	}
}

// PMDStats implements dpif.PMDStatser: the sum over all ports.
func (dp *Datapath) PMDStats() dpif.PMDStats {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	s := dp.retired
	for _, p := range dp.byNo {
		addStats(&s, p.pmd.counters())
	}
	addStats(&s, dp.exec.counters())
	subStats(&s, &dp.zero)
	return s
}

// ClearPMDStats implements dpif.PMDStatser.
func (dp *Datapath) ClearPMDStats() {
	dp.mu.Lock()
	defer dp.mu.Unlock()
	s := dp.retired
	for _, p := range dp.byNo {
		addStats(&s, p.pmd.counters())
	}
	addStats(&s, dp.exec.counters())
	dp.zero = s
}

func addStats(s *dpif.PMDStats, o dpif.PMDStats) {
	s.Received += o.Received
	s.Recirculations += o.Recirculations
	s.EMCHits += o.EMCHits
	s.MegaflowHits += o.MegaflowHits
	s.SubtableLookups += o.SubtableLookups
	s.Upcalls += o.Upcalls
	s.LostUpcalls += o.LostUpcalls
	s.OutputBatches += o.OutputBatches
	s.OutputPackets += o.OutputPackets
	s.BusyNanos += o.BusyNanos
}

func subStats(s, o *dpif.PMDStats) {
	s.Received -= o.Received
	s.Recirculations -= o.Recirculations
	s.EMCHits -= o.EMCHits
	s.MegaflowHits -= o.MegaflowHits
	s.SubtableLookups -= o.SubtableLookups
	s.Upcalls -= o.Upcalls
	s.LostUpcalls -= o.LostUpcalls
	s.OutputBatches -= o.OutputBatches
	s.OutputPackets -= o.OutputPackets
	s.BusyNanos -= o.BusyNanos
}

// Close implements dpif.Datapath: every port is detached and closed and
// every goroutine has ended when it returns.
func (dp *Datapath) Close() error {
	dp.mu.Lock()
	if dp.closed {
		dp.mu.Unlock()
		return nil
	}
	dp.closed = true
	ports := make([]*port, 0, len(dp.byNo))
	for _, p := range dp.byNo {
		ports = append(ports, p)
	}
	for _, p := range ports {
		dp.detachLocked(p)
	}
	dp.mu.Unlock()
	var errs []error
	for _, p := range ports {
		if err := p.dev.Close(); err != nil && !errors.Is(err, netdev.ErrClosed) {
			errs = append(errs, err)
		}
	}
	dp.wg.Wait()
	return errors.Join(errs...)
}
