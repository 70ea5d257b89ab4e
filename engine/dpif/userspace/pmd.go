package userspace

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// emcSize is the exact-match cache size per port goroutine (as OVS's EMC).
const emcSize = 8192

// rankInterval is how often (ms) a port goroutine reorders its subtables.
const rankInterval = 1000

type emcEntry struct {
	key  flow.Key
	flow *dpFlow
	hash uint32
}

type txQueue struct {
	port *port
	pkts []*netdev.Packet
}

// pmd is the packet processing of one port (its receive goroutine), or of
// Execute when port is nil. Everything but the counters, stop and done is
// touched only by the goroutine that runs it.
type pmd struct {
	dp   *Datapath
	port *port
	stop atomic.Bool
	done chan struct{}

	emc *[emcSize]emcEntry

	batch   netdev.Batch
	keys    [netdev.BatchSize]flow.Key
	flows   [netdev.BatchSize]*dpFlow
	upcall  dpif.Upcall
	scratch flow.Key
	txq     []txQueue
	ntx     int
	owned   []*netdev.Packet // clones and segments to return after flush
	send    []*netdev.Packet
	segs    []*netdev.Packet
	ranked  int64

	received, emcHits, megaflowHits, lookups atomic.Uint64
	upcalls, lost, outBatches, outPackets    atomic.Uint64
	busy                                     atomic.Uint64
}

func newPMD(dp *Datapath, p *port) *pmd {
	m := &pmd{dp: dp, port: p, done: make(chan struct{})}
	if p != nil {
		m.emc = new([emcSize]emcEntry)
	}
	return m
}

func (m *pmd) counters() dpif.PMDStats {
	return dpif.PMDStats{
		Received:        m.received.Load(),
		EMCHits:         m.emcHits.Load(),
		MegaflowHits:    m.megaflowHits.Load(),
		SubtableLookups: m.lookups.Load(),
		Upcalls:         m.upcalls.Load(),
		LostUpcalls:     m.lost.Load(),
		OutputBatches:   m.outBatches.Load(),
		OutputPackets:   m.outPackets.Load(),
		BusyNanos:       m.busy.Load(),
	}
}

// run is the port's receive loop.
func (m *pmd) run() {
	defer m.dp.wg.Done()
	defer close(m.done)
	dev := m.port.dev
	for !m.stop.Load() {
		if err := dev.Recv(&m.batch); err != nil {
			if errors.Is(err, netdev.ErrClosed) || m.stop.Load() {
				return
			}
			// A transient device error (link down, ...): retry without
			// spinning.
			time.Sleep(10 * time.Millisecond)
			continue
		}
		m.process()
	}
}

// process runs one received batch through the caches, the upcall handler
// and the actions, then sends and recycles everything.
func (m *pmd) process() {
	t0 := time.Now()
	now := int64(t0.Sub(m.dp.start) / time.Millisecond)
	pkts := m.batch.Packets()
	no := m.port.no
	cls := m.port.cls
	var emcHits, mfHits, lookups uint64
	missed := false
	for i, pkt := range pkts {
		k := &m.keys[i]
		k.InPort, k.RecircID, k.DpHash, k.Mark, k.Priority = no, 0, 0, 0, 0
		flow.Extract(pkt.Data, k)
		pkt.InPort = no
		h := k.Hash()
		e := &m.emc[h&(emcSize-1)]
		if e.flow != nil && e.hash == h && e.key == *k {
			if !e.flow.dead.Load() {
				m.flows[i] = e.flow
				emcHits++
				continue
			}
			e.flow = nil
		}
		f, n := cls.lookup(k)
		if f != nil {
			mfHits++
			lookups += uint64(n)
			e.key, e.hash, e.flow = *k, h, f
			m.flows[i] = f
			continue
		}
		m.flows[i] = nil
		missed = true
	}
	if missed {
		for i, pkt := range pkts {
			if m.flows[i] != nil {
				continue
			}
			// An upcall earlier in this batch may have installed the
			// flow this packet needs.
			if f, n := cls.lookup(&m.keys[i]); f != nil {
				mfHits++
				lookups += uint64(n)
				m.flows[i] = f
				continue
			}
			m.miss(pkt, &m.keys[i])
		}
	}
	// Packets of one flow are executed together, in arrival order.
	for i := range pkts {
		f := m.flows[i]
		if f == nil {
			continue
		}
		var bytes uint64
		var flags uint16
		cnt := uint64(0)
		acts := f.Actions()
		for j := i; j < len(pkts); j++ {
			if m.flows[j] != f {
				continue
			}
			m.flows[j] = nil
			cnt++
			bytes += uint64(len(pkts[j].Data))
			flags |= m.keys[j].TCPFlags
			m.execute(pkts[j], &m.keys[j], acts)
		}
		f.packets.Add(cnt)
		f.bytes.Add(bytes)
		f.used.Store(now)
		if flags != 0 {
			f.tcpFlags.Or(uint32(flags))
		}
	}
	m.flush()
	for _, pkt := range pkts {
		m.dp.pool.Put(pkt)
	}
	m.batch.N = 0
	m.release()

	m.received.Add(uint64(len(pkts)))
	if emcHits != 0 {
		m.emcHits.Add(emcHits)
	}
	if mfHits != 0 {
		m.megaflowHits.Add(mfHits)
		m.lookups.Add(lookups)
	}
	if now-m.ranked >= rankInterval {
		m.ranked = now
		if m.dp.mu.TryLock() {
			cls.rank()
			m.dp.mu.Unlock()
		}
	}
	m.busy.Add(uint64(time.Since(t0)))
}

// miss hands pkt to the upcall handler, installs the flow it asks for and
// executes the actions it chose. The packet that caused an upcall is not
// counted in the new flow's statistics, as in OVS.
func (m *pmd) miss(pkt *netdev.Packet, k *flow.Key) {
	h := m.dp.upcallHandler()
	if h == nil {
		m.lost.Add(1)
		return
	}
	u := &m.upcall
	*u = dpif.Upcall{Packet: pkt, Key: *k}
	h.Miss(u)
	m.upcalls.Add(1)
	if u.Install {
		mask := u.Mask
		normalizeMask(&mask)
		m.dp.mu.Lock()
		if !m.port.removed {
			// Beyond the flow limit the packet is still forwarded.
			if f, err := m.dp.installLocked(m.port, k, &mask, u.Actions, false); err == nil && f.Cookie == nil {
				f.Cookie = u.Cookie
			}
		}
		m.dp.mu.Unlock()
	}
	m.execute(pkt, k, u.Actions)
	u.Packet = nil
	u.Actions = nil
	u.Cookie = nil
}

// modifies reports whether any action in acts changes the packet.
func modifies(acts dpif.Actions) bool {
	for i := range acts {
		switch acts[i].Type {
		case dpif.ActPushVLAN, dpif.ActPopVLAN, dpif.ActSet, dpif.ActPushMPLS, dpif.ActPopMPLS:
			return true
		case dpif.ActCheckPktLen:
			// Its actions run on the packet itself when it is last.
			if c := acts[i].CheckPktLen; c != nil && (modifies(c.Greater) || modifies(c.LessEqual)) {
				return true
			}
		}
	}
	return false
}

// execute runs acts on pkt. Outputs are queued and sent by flush; an
// output followed by a modification queues a copy, so each port gets the
// packet as it was at its output action. It reports false when an action
// (a meter) dropped the packet.
func (m *pmd) execute(pkt *netdev.Packet, key *flow.Key, acts dpif.Actions) bool {
	modified := false
	for i := range acts {
		a := &acts[i]
		switch a.Type {
		case dpif.ActOutput:
			out := pkt
			if modifies(acts[i+1:]) {
				out = m.clone(pkt)
			}
			m.enqueue(a.Port, out)
		case dpif.ActPushVLAN:
			if !pushVLAN(pkt, a.VLAN) {
				return false
			}
			modified = true
		case dpif.ActPopVLAN:
			popVLAN(pkt)
			modified = true
		case dpif.ActSet:
			setFields(pkt, a.Set, &m.scratch)
			modified = true
		case dpif.ActPushMPLS:
			if !pushMPLS(pkt, a.MPLS, a.EthType) {
				return false
			}
			modified = true
		case dpif.ActPopMPLS:
			popMPLS(pkt, a.EthType)
			modified = true
		case dpif.ActMeter:
			if fn := m.dp.meter.Load(); fn != nil && !(*fn)(a.Meter, m.dp.Now(), len(pkt.Data)) {
				return false
			}
		case dpif.ActClone:
			c := m.clone(pkt)
			k := m.keyOf(c, key, modified)
			m.execute(c, &k, a.Clone)
		case dpif.ActCheckPktLen:
			if a.CheckPktLen == nil {
				continue
			}
			sub := a.CheckPktLen.LessEqual
			if len(pkt.Data) > int(a.CheckPktLen.Size) {
				sub = a.CheckPktLen.Greater
			}
			if i == len(acts)-1 {
				return m.execute(pkt, key, sub)
			}
			c := m.clone(pkt)
			k := m.keyOf(c, key, modified)
			m.execute(c, &k, sub)
		case dpif.ActUserspace:
			h := m.dp.upcallHandler()
			if h == nil {
				continue
			}
			k := key
			if modified {
				m.scratch = m.keyOf(pkt, key, true)
				k = &m.scratch
			}
			h.Userspace(pkt, k, a.Userdata)
		}
	}
	return true
}

// keyOf returns the key of pkt: key itself, or re-extracted when earlier
// actions modified the packet.
func (m *pmd) keyOf(pkt *netdev.Packet, key *flow.Key, modified bool) flow.Key {
	if !modified {
		return *key
	}
	k := flow.Key{InPort: key.InPort, Mark: key.Mark, Priority: key.Priority}
	flow.Extract(pkt.Data, &k)
	return k
}

func (m *pmd) clone(p *netdev.Packet) *netdev.Packet {
	c := m.dp.pool.Get()
	c.SetLen(copy(c.Buffer(), p.Data))
	c.Vnet = p.Vnet
	c.InPort = p.InPort
	c.Hash = p.Hash
	m.owned = append(m.owned, c)
	return c
}

func (m *pmd) enqueue(no uint32, pkt *netdev.Packet) {
	for i := 0; i < m.ntx; i++ {
		if q := &m.txq[i]; q.port.no == no {
			q.pkts = append(q.pkts, pkt)
			return
		}
	}
	t := m.dp.ports.Load()
	if int(no) >= len(t.byNo) || t.byNo[no] == nil {
		return // no such port: dropped
	}
	if m.ntx == len(m.txq) {
		m.txq = append(m.txq, txQueue{})
	}
	q := &m.txq[m.ntx]
	m.ntx++
	q.port = t.byNo[no]
	q.pkts = append(q.pkts[:0], pkt)
}

// needsSegment says whether pkt is a GSO packet the port cannot take.
func needsSegment(pkt *netdev.Packet, f netdev.Features) bool {
	gso := pkt.Vnet.GSOType &^ netdev.VnetGSOECN
	if gso == netdev.VnetGSONone {
		return false
	}
	if !f.Vnet {
		return true
	}
	switch gso {
	case netdev.VnetGSOTCPv4:
		return !f.TSO4
	case netdev.VnetGSOTCPv6:
		return !f.TSO6
	case netdev.VnetGSOUDPL4:
		return !f.USO
	}
	return true
}

// flush sends the queued packets, one Send per port, finishing offloads
// in software for ports that cannot take them.
func (m *pmd) flush() {
	for i := 0; i < m.ntx; i++ {
		q := &m.txq[i]
		feat := q.port.feat
		send := q.pkts
		fixed := false
		for _, pkt := range q.pkts {
			if needsSegment(pkt, feat) || (!feat.Vnet && pkt.Vnet.Flags&netdev.VnetHdrFNeedsCsum != 0) {
				fixed = true
				break
			}
		}
		if fixed {
			send = m.send[:0]
			for _, pkt := range q.pkts {
				if needsSegment(pkt, feat) {
					segs, err := netdev.Segment(pkt, m.dp.pool, m.segs[:0])
					if err != nil {
						continue // malformed offload state: dropped
					}
					m.owned = append(m.owned, segs...)
					send = append(send, segs...)
					m.segs = segs[:0]
					continue
				}
				if !feat.Vnet && pkt.Vnet.Flags&netdev.VnetHdrFNeedsCsum != 0 {
					if netdev.FinishChecksum(pkt) != nil {
						continue
					}
				}
				send = append(send, pkt)
			}
			m.send = send[:0]
		}
		if len(send) > 0 {
			q.port.dev.Send(send) //nolint:errcheck // a failing device counts its own drops
			m.outBatches.Add(1)
			m.outPackets.Add(uint64(len(send)))
		}
		clear(q.pkts)
		q.pkts = q.pkts[:0]
		q.port = nil
	}
	m.ntx = 0
}

// release returns clones and segments to the pool.
func (m *pmd) release() {
	for _, p := range m.owned {
		m.dp.pool.Put(p)
	}
	clear(m.owned)
	m.owned = m.owned[:0]
}
