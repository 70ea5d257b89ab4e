package netdev

// Dummy ports live entirely in the process: tests and `ovs-vswitchd
// --enable-dummy` feed them frames with Inject and read what the switch
// transmitted from Transmitted (or from a pcap file, like OVS's
// options:tx_pcap). They report what OVS's dummy devices report: MAC
// aa:55:aa:55:00:xx, MTU 1500, up, no ifindex, no speed, empty status.
//
// Dummy ports take no offload metadata (Features is empty), so the datapath
// hands them finished, MTU-sized frames, which is what a capture should show.
//
// Open dummies are registered by name (LookupDummy, Dummies) so that the
// netdev-dummy/* ovs-appctl commands find them without the bridge layer
// having to hand them over; OVS keeps the same process-wide list.

import (
	"encoding/binary"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/govs/ovs/internal/vclock"
)

// DummyQueueLen bounds a dummy port's receive and transmit queues; frames
// beyond it are counted as dropped.
const DummyQueueLen = 1024

var dummySerial atomic.Uint32

// dummies is the registry of open dummy devices by name. When two are open
// under one name (tests), the later one wins until it closes.
var (
	dummiesMu sync.Mutex
	dummies   = map[string]*Dummy{}
)

// LookupDummy returns the open dummy device called name, or nil.
func LookupDummy(name string) *Dummy {
	dummiesMu.Lock()
	defer dummiesMu.Unlock()
	return dummies[name]
}

// Dummies returns the open dummy devices sorted by name.
func Dummies() []*Dummy {
	dummiesMu.Lock()
	out := make([]*Dummy, 0, len(dummies))
	for _, d := range dummies {
		out = append(out, d)
	}
	dummiesMu.Unlock()
	slices.SortFunc(out, func(a, b *Dummy) int { return strings.Compare(a.name, b.name) })
	return out
}

// Dummy is a "dummy" port.
type Dummy struct {
	name   string
	pool   *Pool
	rxq    chan *Packet
	txq    chan []byte
	done   chan struct{}
	closed atomic.Bool

	mu      sync.Mutex
	mac     net.HardwareAddr
	mtu     int
	adminUp bool
	linkUp  bool
	rxPcap  *pcapWriter
	txPcap  *pcapWriter
	rxPath  string       // current pcap paths, so that reapplying options
	txPath  string       // does not truncate the captures
	closeMu sync.RWMutex // Inject vs Close
	rxPkts  atomic.Uint64
	rxBytes atomic.Uint64
	rxDrop  atomic.Uint64
	txPkts  atomic.Uint64
	txBytes atomic.Uint64
	txDrop  atomic.Uint64
}

// OpenDummy creates a dummy port.
func OpenDummy(name string, pool *Pool) *Dummy {
	if pool == nil {
		pool = DefaultPool
	}
	n := dummySerial.Add(1)
	d := &Dummy{
		name:    name,
		pool:    pool,
		rxq:     make(chan *Packet, DummyQueueLen),
		txq:     make(chan []byte, DummyQueueLen),
		done:    make(chan struct{}),
		mac:     net.HardwareAddr{0xaa, 0x55, 0xaa, 0x55, byte(n >> 8), byte(n)},
		mtu:     1500,
		adminUp: true,
		linkUp:  true,
	}
	dummiesMu.Lock()
	dummies[name] = d
	dummiesMu.Unlock()
	return d
}

// NumRxQueues is how many receive queues the device has (the --qid range
// of netdev-dummy/receive).
func (d *Dummy) NumRxQueues() int { return 1 }

func (d *Dummy) Name() string       { return d.name }
func (d *Dummy) Type() string       { return "dummy" }
func (d *Dummy) Features() Features { return Features{} }
func (d *Dummy) Ifindex() int       { return 0 }

// Inject queues frame (copied) as if the device had received it. A frame is
// dropped (and counted) when the device is down or the queue is full.
func (d *Dummy) Inject(frame []byte) error {
	d.closeMu.RLock()
	defer d.closeMu.RUnlock()
	if d.closed.Load() {
		return ErrClosed
	}
	d.mu.Lock()
	up := d.adminUp
	w := d.rxPcap
	d.mu.Unlock()
	if !up || len(frame) > MaxFrame {
		d.rxDrop.Add(1)
		return nil
	}
	p := d.pool.Get()
	p.SetLen(copy(p.Buffer(), frame))
	select {
	case d.rxq <- p:
		if w != nil {
			w.write(frame)
		}
	default:
		d.pool.Put(p)
		d.rxDrop.Add(1)
	}
	return nil
}

// Recv returns injected frames.
func (d *Dummy) Recv(b *Batch) error {
	b.N = 0
	select {
	case p := <-d.rxq:
		d.count(b, p)
	case <-d.done:
		return ErrClosed
	}
	for b.N < BatchSize {
		select {
		case p := <-d.rxq:
			d.count(b, p)
		default:
			return nil
		}
	}
	return nil
}

func (d *Dummy) count(b *Batch, p *Packet) {
	d.rxPkts.Add(1)
	d.rxBytes.Add(uint64(len(p.Data)))
	b.Pkts[b.N] = p
	b.N++
}

// Send records copies of pkts in the transmit queue (and the tx pcap).
func (d *Dummy) Send(pkts []*Packet) error {
	if d.closed.Load() {
		return ErrClosed
	}
	d.mu.Lock()
	up := d.adminUp && d.linkUp
	w := d.txPcap
	d.mu.Unlock()
	for _, p := range pkts {
		if !up {
			d.txDrop.Add(1)
			continue
		}
		d.txPkts.Add(1)
		d.txBytes.Add(uint64(len(p.Data)))
		if w != nil {
			w.write(p.Data)
		}
		d.record(append([]byte(nil), p.Data...))
	}
	return nil
}

// record keeps f in the transmit record, forgetting the oldest frame when
// the record is full: a daemon nobody reads the record of must not see its
// port drop traffic.
func (d *Dummy) record(f []byte) {
	for {
		select {
		case d.txq <- f:
			return
		default:
		}
		select {
		case <-d.txq:
		default:
		}
	}
}

// Transmitted delivers copies of the last DummyQueueLen frames the port
// sent, oldest first.
func (d *Dummy) Transmitted() <-chan []byte { return d.txq }

// SetAdminState brings the device administratively up or down
// (netdev-dummy/set-admin-state); a down device drops what it receives and
// what it is asked to send.
func (d *Dummy) SetAdminState(up bool) {
	d.mu.Lock()
	d.adminUp = up
	d.mu.Unlock()
}

// SetOptions applies the Interface options a dummy device understands:
// pcap (one capture of both directions), rxq_pcap and tx_pcap (one each).
// Captures whose path did not change are left running; others are
// (re)started truncated, as OVS does on reconfiguration. Other keys are
// ignored.
func (d *Dummy) SetOptions(opts map[string]string) error {
	rx, tx := opts["rxq_pcap"], opts["tx_pcap"]
	if p := opts["pcap"]; p != "" {
		rx, tx = p, p
	}
	d.mu.Lock()
	same := rx == d.rxPath && tx == d.txPath
	d.mu.Unlock()
	if same {
		return nil
	}
	return d.SetPcap(rx, tx)
}

// SetLinkState changes the administrative and carrier state.
func (d *Dummy) SetLinkState(adminUp, linkUp bool) {
	d.mu.Lock()
	d.adminUp, d.linkUp = adminUp, linkUp
	d.mu.Unlock()
}

// SetPcap starts writing received frames to rxPath and transmitted ones to
// txPath (OVS's options:rxq_pcap and tx_pcap); the same path for both gives
// one capture of both directions (options:pcap), an empty path none.
// Files are truncated.
func (d *Dummy) SetPcap(rxPath, txPath string) error {
	var rx, tx *pcapWriter
	var err error
	if rxPath != "" {
		if rx, err = newPcapWriter(rxPath); err != nil {
			return err
		}
	}
	switch {
	case txPath == rxPath:
		tx = rx
	case txPath != "":
		if tx, err = newPcapWriter(txPath); err != nil {
			if rx != nil {
				rx.close()
			}
			return err
		}
	}
	d.mu.Lock()
	oldRx, oldTx := d.rxPcap, d.txPcap
	d.rxPcap, d.txPcap = rx, tx
	d.rxPath, d.txPath = rxPath, txPath
	d.mu.Unlock()
	if oldRx != nil {
		oldRx.close()
	}
	if oldTx != nil && oldTx != oldRx {
		oldTx.close()
	}
	return nil
}

func (d *Dummy) Close() error {
	d.closeMu.Lock()
	defer d.closeMu.Unlock()
	if d.closed.Swap(true) {
		return nil
	}
	dummiesMu.Lock()
	if dummies[d.name] == d {
		delete(dummies, d.name)
	}
	dummiesMu.Unlock()
	close(d.done)
	return d.SetPcap("", "")
}

func (d *Dummy) HWAddr() (net.HardwareAddr, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append(net.HardwareAddr(nil), d.mac...), nil
}

func (d *Dummy) SetHWAddr(mac net.HardwareAddr) error {
	if len(mac) != 6 {
		return &net.AddrError{Err: "invalid Ethernet address", Addr: mac.String()}
	}
	d.mu.Lock()
	d.mac = append(net.HardwareAddr(nil), mac...)
	d.mu.Unlock()
	return nil
}

func (d *Dummy) MTU() (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.mtu, nil
}

func (d *Dummy) SetMTU(mtu int) error {
	d.mu.Lock()
	d.mtu = mtu
	d.mu.Unlock()
	return nil
}

func (d *Dummy) Stats() (Stats, error) {
	return Stats{
		RxPackets: d.rxPkts.Load(), RxBytes: d.rxBytes.Load(), RxDropped: d.rxDrop.Load(),
		TxPackets: d.txPkts.Load(), TxBytes: d.txBytes.Load(), TxDropped: d.txDrop.Load(),
	}, nil
}

func (d *Dummy) Status() map[string]string { return map[string]string{} }

func (d *Dummy) LinkState() (adminUp, linkUp bool, speed uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.adminUp, d.adminUp && d.linkUp, 0
}

// pcapWriter writes classic libpcap files (microsecond timestamps taken from
// the daemon's clock, Ethernet link type, snap length 1518 in the header as
// OVS writes it, frames never truncated), readable by tcpdump and OVS's own
// tools.
type pcapWriter struct {
	mu  sync.Mutex
	f   *os.File
	buf []byte
}

func newPcapWriter(path string) (*pcapWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 1518) // snaplen, as OVS writes it
	binary.LittleEndian.PutUint32(h[20:], 1)    // LINKTYPE_ETHERNET
	if _, err := f.Write(h[:]); err != nil {
		f.Close()
		return nil, err
	}
	return &pcapWriter{f: f}, nil
}

func (w *pcapWriter) write(frame []byte) {
	now := vclock.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return
	}
	b := w.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, uint32(now.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(now.Nanosecond()/1000))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(frame)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(frame)))
	b = append(b, frame...)
	w.buf = b
	w.f.Write(b)
}

func (w *pcapWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f != nil {
		w.f.Close()
		w.f = nil
	}
}
