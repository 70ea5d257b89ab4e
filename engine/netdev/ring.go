package netdev

// The receive ring of a system port: a TPACKET_V2 PACKET_RX_RING mapped into
// the process, so that receiving a frame that is already there costs no
// system call; the port only parks in the netpoller when the ring is empty.
//
// Why this shape:
//   - TPACKET_V2, not V3: a V3 ring hands frames over a block at a time and
//     wakes the reader only when a block is full or its retire timer (at
//     least a millisecond) fires, which would add up to that much to every
//     round trip of light traffic. V2 hands over and wakes per frame.
//   - Frames are sized for the device's MTU, not for 64 KiB GSO frames (a
//     ring of those would take tens of MiB per port). A frame that does not
//     fit (a GSO frame, or anything after the MTU grew) is still received
//     whole: with PACKET_COPY_THRESH set the kernel also queues it on the
//     socket and marks its (truncated) ring slot TP_STATUS_COPY, and Recv
//     takes it with recvmmsg at that point of the ring, so order is kept and
//     offloads stay intact.
//   - PACKET_VNET_HDR works with V2 rings: the kernel writes the virtio-net
//     header just in front of the frame in the slot.
//   - Frames are copied out of the ring into pool buffers and the slot is
//     handed back at once: the datapath keeps packets for an unknown time
//     (queued outputs, upcalls) and may push headers in front of them, which
//     ring slots cannot allow without stalling the ring.
//   - Transmission stays with sendmmsg: a TX ring still needs one send() per
//     batch to kick it, as sendmmsg is one call per batch, and GSO frames
//     would not fit its slots either.
//   - The ring is unmapped by Close under rxMu, which Recv holds whenever it
//     reads the ring, so a Recv racing with Close never touches unmapped
//     memory.

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rxRingMode turns the receive ring off when set to "off" (at link time with
// -ldflags -X, or by tests), to compare with or fall back to recvmmsg alone.
var rxRingMode = "on"

// ringBytes is the size of a port's receive ring: room for 512 MTU-sized
// frames, a backlog of several milliseconds at the rates one core reaches.
const ringBytes = 1 << 20

// tpacket2HdrLen is TPACKET2_HDRLEN, the slot header plus the sockaddr_ll
// the kernel writes after it.
const tpacket2HdrLen = 32 + 20

// ringSlotOverhead bounds what the kernel puts in a slot before the frame:
// the aligned header, the virtio-net header and alignment padding.
const ringSlotOverhead = 128

type rxRing struct {
	mem       []byte
	frameSize int
	frameNr   int
	head      int
}

// ringFrameSize is the slot size for a device of the given MTU: a power of
// two that holds a frame with a VLAN tag and the slot overhead.
func ringFrameSize(mtu int) int {
	need := ringSlotOverhead + 18 + mtu
	size := 2048
	for size < need && size < 1<<16 {
		size <<= 1
	}
	return size
}

// setupRxRing switches fd to TPACKET_V2 and maps a receive ring on it. On
// any error the socket is left as it was (no ring), still usable with
// recvmmsg.
func setupRxRing(fd, mtu int) (*rxRing, error) {
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V2); err != nil {
		return nil, err
	}
	// Any non-zero threshold makes the kernel queue frames too big for a
	// slot on the socket (within the receive buffer) instead of only
	// truncating them.
	if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_COPY_THRESH, 1); err != nil {
		return nil, err
	}
	frame := ringFrameSize(mtu)
	block := max(frame, 1<<16)
	req := unix.TpacketReq{
		Block_size: uint32(block),
		Block_nr:   uint32(ringBytes / block),
		Frame_size: uint32(frame),
		Frame_nr:   uint32(ringBytes / frame),
	}
	if err := unix.SetsockoptTpacketReq(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return nil, err
	}
	mem, err := unix.Mmap(fd, 0, ringBytes, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		// Dropping the ring (an empty request) gives the socket back
		// its normal receive queue.
		unix.SetsockoptTpacketReq(fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &unix.TpacketReq{})
		return nil, err
	}
	return &rxRing{mem: mem, frameSize: frame, frameNr: ringBytes / frame}, nil
}

// slot returns the header of slot i.
func (r *rxRing) slot(i int) *unix.Tpacket2Hdr {
	return (*unix.Tpacket2Hdr)(unsafe.Pointer(&r.mem[i*r.frameSize]))
}

// status is read and written atomically: the kernel fills a slot and then
// sets its status, and takes the slot back once user space writes
// TP_STATUS_KERNEL.
func status(h *unix.Tpacket2Hdr) uint32 { return atomic.LoadUint32(&h.Status) }

func (r *rxRing) ready() bool { return status(r.slot(r.head))&unix.TP_STATUS_USER != 0 }

func (r *rxRing) release(h *unix.Tpacket2Hdr) {
	atomic.StoreUint32(&h.Status, unix.TP_STATUS_KERNEL)
	r.head++
	if r.head == r.frameNr {
		r.head = 0
	}
}

func (r *rxRing) unmap() {
	unix.Munmap(r.mem)
	r.mem = nil
}

// ringRecv moves the frames waiting in the ring into b, up to a full batch.
// It reports false when the port was closed. The caller holds rxMu.
func (s *System) ringRecv(b *Batch) bool {
	r := s.ring
	if r.mem == nil {
		return false
	}
	for b.N < BatchSize {
		h := r.slot(r.head)
		st := status(h)
		if st&unix.TP_STATUS_USER == 0 {
			break
		}
		if st&unix.TP_STATUS_COPY != 0 {
			s.ringCopied(b)
			continue
		}
		mac := int(h.Mac)
		n := int(h.Snaplen)
		base := r.head * r.frameSize
		if n != int(h.Len) || n < 14 || mac < VnetHdrLen || mac+n > r.frameSize {
			// Truncated without a copy on the socket: the receive
			// buffer was full.
			r.release(h)
			s.rxDropped.Add(1)
			continue
		}
		p := s.pool.Get()
		p.SetLen(copy(p.Buffer(), r.mem[base+mac:base+mac+n]))
		p.Vnet = decodeVnet((*[VnetHdrLen]byte)(r.mem[base+mac-VnetHdrLen:]))
		tci, tpid := h.Vlan_tci, h.Vlan_tpid
		r.release(h)
		if !restoreTag(p, st, tci, tpid) {
			s.pool.Put(p)
			s.rxDropped.Add(1)
			continue
		}
		b.Pkts[b.N] = p
		b.N++
	}
	return true
}

// ringCopied takes the run of TP_STATUS_COPY slots at the ring's head (as
// many as fit in b) from the socket's queue with one recvmmsg.
func (s *System) ringCopied(b *Batch) {
	r := s.ring
	k := 0
	for i := r.head; k < BatchSize-b.N; k++ {
		if st := status(r.slot(i)); st&unix.TP_STATUS_USER == 0 || st&unix.TP_STATUS_COPY == 0 {
			break
		}
		if i++; i == r.frameNr {
			i = 0
		}
	}
	for range k {
		r.release(r.slot(r.head))
	}
	s.prepareMsgs(k)
	s.rxWant = k
	if err := s.rc.Read(s.copyFn); err != nil || s.rxErr != nil {
		// Closed under us; the next ringRecv sees it.
		s.rxDropped.Add(uint64(k))
		return
	}
	s.rxDropped.Add(uint64(k - s.rxN))
	s.takeMsgs(b)
}

// copyFn's recvmmsg never waits: the frames are on the queue already, and
// a short count only means the kernel dropped them.
func (s *System) copyRecv(fd uintptr) bool {
	for {
		n, _, e := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&s.rxMsgs[0])), uintptr(s.rxWant), unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			s.rxN, s.rxErr = int(n), nil
		case unix.EINTR, unix.ENETDOWN:
			// ENETDOWN (the device went down) is a pending error
			// that reading clears; the queued frames follow it.
			continue
		case unix.EAGAIN:
			s.rxN, s.rxErr = 0, nil
		default:
			s.rxN, s.rxErr = 0, e
		}
		return true
	}
}

// ringWait is the netpoller's readiness check: it returns true (stop
// waiting) once the ring's head slot is filled or the port is closed.
func (s *System) ringWait(uintptr) bool {
	s.rxMu.Lock()
	ok := s.ring.mem == nil || s.ring.ready()
	s.rxMu.Unlock()
	return ok
}
