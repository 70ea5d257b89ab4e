package netdev

// System ports: an existing Linux interface driven over AF_PACKET.
//
// Why this shape:
//   - Frames are received from a TPACKET_V2 ring mapped into the process
//     (see ring.go), so frames that are already waiting cost no syscall;
//     where the ring cannot be set up, recvmmsg is the receive path.
//   - recvmmsg/sendmmsg move a whole batch per syscall; each message has two
//     iovecs, [virtio-net header, frame], so the header lands in a side
//     array and the frame directly in a pool buffer after its headroom.
//   - PACKET_VNET_HDR keeps GSO and partial checksums intact in both
//     directions; this is what lets TCP run at full speed over veth with
//     offloads on (OVS 3.1's netdev datapath drops those packets' offload
//     state and breaks TCP unless `ethtool -K tx off`).
//   - PACKET_AUXDATA gives back the VLAN tag the receiving device stripped
//     into skb metadata; without putting it back into the frame, VLAN trunks
//     over veth would arrive untagged.
//   - PACKET_IGNORE_OUTGOING stops our own transmissions from looping back.
//   - Promiscuous mode is a socket membership, not IFF_PROMISC: the kernel
//     drops it when the socket closes, even if we crash.
//   - The non-blocking fd is wrapped in an os.File so Go's netpoller parks
//     Recv without spinning and Close wakes it. The closures handed to
//     RawConn are method values built once, so a Recv or Send allocates
//     nothing.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// auxdataSpace is CMSG_SPACE(sizeof(struct tpacket_auxdata)).
var auxdataSpace = unix.CmsgSpace(sizeofAuxdata)

const maxAuxSpace = 64

const sizeofAuxdata = int(unsafe.Sizeof(unix.TpacketAuxdata{}))

// sockBuf is the socket buffer size asked for: room for a batch of full GSO
// frames, so a burst does not make the kernel drop.
const sockBuf = 4 << 20

// System is a system port (type "" or "system").
type System struct {
	linuxDev
	pool   *Pool
	f      *os.File
	rc     syscall.RawConn
	closed atomic.Bool

	rxDropped atomic.Uint64
	txDropped atomic.Uint64

	// Receive state; Recv is called by one goroutine at a time. rxMu
	// guards the ring against Close unmapping it.
	ring   *rxRing
	rxMu   sync.Mutex
	rxWant int
	copyFn func(uintptr) bool
	waitFn func(uintptr) bool
	rxMsgs [BatchSize]unix.Mmsghdr
	rxIov  [BatchSize][2]unix.Iovec
	rxVnet [BatchSize][VnetHdrLen]byte
	rxCmsg [BatchSize][maxAuxSpace]byte
	rxPkts [BatchSize]*Packet
	rxN    int
	rxErr  error
	rxFn   func(uintptr) bool

	// Transmit state, shared by concurrent senders under txMu.
	txMu    sync.Mutex
	txMsgs  [BatchSize]unix.Mmsghdr
	txIov   [BatchSize][2]unix.Iovec
	txVnet  [BatchSize][VnetHdrLen]byte
	txStart int
	txEnd   int
	txErr   error
	txFn    func(uintptr) bool
}

// OpenSystem attaches to the existing interface name. A missing device gives
// an error wrapping unix.ENODEV; the caller may retry once it appears.
func OpenSystem(name string, pool *Pool) (*System, error) {
	if pool == nil {
		pool = DefaultPool
	}
	index, err := ifindexOf(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: socket: %w", name, err)
	}
	if err := setupPacketSocket(fd, index); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s := &System{linuxDev: linuxDev{name: name, index: index}, pool: pool}
	if rxRingMode != "off" {
		mtu, err := s.MTU()
		if err != nil {
			mtu = 1500
		}
		// Without a ring the port still works, a syscall per batch.
		s.ring, _ = setupRxRing(fd, mtu)
	}
	s.f = os.NewFile(uintptr(fd), name)
	if s.rc, err = s.f.SyscallConn(); err != nil {
		if s.ring != nil {
			s.ring.unmap()
		}
		s.f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	for i := range s.rxMsgs {
		s.rxIov[i][0] = unix.Iovec{Base: &s.rxVnet[i][0], Len: VnetHdrLen}
		s.rxMsgs[i].Hdr.Iov = &s.rxIov[i][0]
		s.rxMsgs[i].Hdr.Iovlen = 2
		s.rxMsgs[i].Hdr.Control = &s.rxCmsg[i][0]
		s.txIov[i][0] = unix.Iovec{Base: &s.txVnet[i][0], Len: VnetHdrLen}
		s.txMsgs[i].Hdr.Iov = &s.txIov[i][0]
		s.txMsgs[i].Hdr.Iovlen = 2
	}
	s.rxFn = s.recvmmsg
	s.copyFn = s.copyRecv
	s.waitFn = s.ringWait
	s.txFn = s.sendmmsg
	return s, nil
}

func ifindexOf(name string) (int, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, unix.ENODEV
	}
	fd, err := ioctlFD()
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, err
	}
	return int(ifr.Uint32()), nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func setupPacketSocket(fd, index int) error {
	opts := []struct {
		opt  int
		name string
	}{
		{unix.PACKET_VNET_HDR, "PACKET_VNET_HDR"},
		{unix.PACKET_AUXDATA, "PACKET_AUXDATA"},
		{unix.PACKET_IGNORE_OUTGOING, "PACKET_IGNORE_OUTGOING"},
	}
	for _, o := range opts {
		if err := unix.SetsockoptInt(fd, unix.SOL_PACKET, o.opt, 1); err != nil {
			return fmt.Errorf("setsockopt %s: %w", o.name, err)
		}
	}
	// Larger buffers need CAP_NET_ADMIN for the FORCE variants; the plain
	// ones are capped by sysctl but still help.
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, sockBuf) != nil {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, sockBuf)
	}
	if unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, sockBuf) != nil {
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUF, sockBuf)
	}
	// Binding with the protocol (not at socket creation) means the socket
	// never sees frames of other interfaces.
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}); err != nil {
		return fmt.Errorf("bind: %w", err)
	}
	mr := unix.PacketMreq{Ifindex: int32(index), Type: unix.PACKET_MR_PROMISC}
	if err := unix.SetsockoptPacketMreq(fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mr); err != nil {
		return fmt.Errorf("setsockopt PACKET_ADD_MEMBERSHIP: %w", err)
	}
	return nil
}

func (s *System) Type() string { return "system" }

// Features: the kernel takes any GSO packet through a packet socket and
// segments it itself if the device cannot.
func (s *System) Features() Features {
	return Features{Vnet: true, TSO4: true, TSO6: true, USO: true}
}

func (s *System) recvmmsg(fd uintptr) bool {
	for {
		n, _, e := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&s.rxMsgs[0])), BatchSize, unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			s.rxN, s.rxErr = int(n), nil
			return true
		case unix.EINTR:
			continue
		case unix.EAGAIN, unix.ENETDOWN:
			// ENETDOWN is reported once when the device goes down;
			// the socket works again when it comes back up.
			return false
		default:
			s.rxN, s.rxErr = 0, e
			return true
		}
	}
}

// Recv fills b with received frames. Only one goroutine may call Recv at a
// time. The packets in b on entry are overwritten, not released.
func (s *System) Recv(b *Batch) error {
	b.N = 0
	if s.ring != nil {
		return s.recvRing(b)
	}
	for b.N == 0 {
		s.prepareMsgs(BatchSize)
		if err := s.rc.Read(s.rxFn); err != nil {
			if s.closed.Load() || errors.Is(err, os.ErrClosed) {
				return ErrClosed
			}
			return fmt.Errorf("%s: recv: %w", s.name, err)
		}
		if s.rxErr != nil {
			if s.closed.Load() || s.rxErr == unix.EBADF {
				return ErrClosed
			}
			return fmt.Errorf("%s: recv: %w", s.name, s.rxErr)
		}
		s.takeMsgs(b)
	}
	return nil
}

func (s *System) recvRing(b *Batch) error {
	for {
		s.rxMu.Lock()
		open := s.ringRecv(b)
		s.rxMu.Unlock()
		if !open || s.closed.Load() {
			return ErrClosed
		}
		if b.N > 0 {
			return nil
		}
		if err := s.rc.Read(s.waitFn); err != nil {
			if s.closed.Load() || errors.Is(err, os.ErrClosed) {
				return ErrClosed
			}
			return fmt.Errorf("%s: recv: %w", s.name, err)
		}
	}
}

// prepareMsgs gives the first k receive messages a pool buffer each.
func (s *System) prepareMsgs(k int) {
	for i := range k {
		if s.rxPkts[i] == nil {
			p := s.pool.Get()
			s.rxPkts[i] = p
			s.rxIov[i][1] = unix.Iovec{Base: &p.buf[Headroom], Len: MaxFrame}
		}
		s.rxMsgs[i].Hdr.Controllen = uint64(auxdataSpace)
		s.rxMsgs[i].Hdr.Flags = 0
	}
}

// takeMsgs appends the rxN messages the last recvmmsg filled to b.
func (s *System) takeMsgs(b *Batch) {
	for i := 0; i < s.rxN; i++ {
		m := &s.rxMsgs[i]
		n := int(m.Len) - VnetHdrLen
		if m.Hdr.Flags&unix.MSG_TRUNC != 0 || n < 14 {
			s.rxDropped.Add(1)
			continue
		}
		p := s.rxPkts[i]
		p.Reset()
		p.SetLen(n)
		p.Vnet = decodeVnet(&s.rxVnet[i])
		if !restoreVLAN(p, s.rxCmsg[i][:m.Hdr.Controllen]) {
			s.rxDropped.Add(1)
			continue
		}
		b.Pkts[b.N] = p
		b.N++
		s.rxPkts[i] = nil
	}
}

func decodeVnet(h *[VnetHdrLen]byte) VnetHdr {
	return VnetHdr{
		Flags:      h[0],
		GSOType:    h[1],
		HdrLen:     binary.NativeEndian.Uint16(h[2:]),
		GSOSize:    binary.NativeEndian.Uint16(h[4:]),
		CsumStart:  binary.NativeEndian.Uint16(h[6:]),
		CsumOffset: binary.NativeEndian.Uint16(h[8:]),
	}
}

func encodeVnet(h *[VnetHdrLen]byte, v *VnetHdr) {
	h[0] = v.Flags
	h[1] = v.GSOType
	binary.NativeEndian.PutUint16(h[2:], v.HdrLen)
	binary.NativeEndian.PutUint16(h[4:], v.GSOSize)
	binary.NativeEndian.PutUint16(h[6:], v.CsumStart)
	binary.NativeEndian.PutUint16(h[8:], v.CsumOffset)
}

// restoreVLAN puts back into the frame the VLAN tag that the kernel moved
// into the packet's metadata (reported in PACKET_AUXDATA). It reports false
// when the tag cannot be inserted.
func restoreVLAN(p *Packet, cmsg []byte) bool {
	// struct cmsghdr is {size_t len; int level; int type}; decoded by hand
	// because the buffer need not be aligned for a pointer cast.
	const hdrLen = unix.SizeofCmsghdr
	for len(cmsg) >= hdrLen {
		l := binary.NativeEndian.Uint64(cmsg)
		level := int32(binary.NativeEndian.Uint32(cmsg[8:]))
		typ := int32(binary.NativeEndian.Uint32(cmsg[12:]))
		if l < hdrLen || l > uint64(len(cmsg)) {
			return true
		}
		if level == unix.SOL_PACKET && typ == unix.PACKET_AUXDATA && l >= uint64(unix.CmsgLen(sizeofAuxdata)) {
			aux := cmsg[unix.CmsgLen(0):]
			return restoreTag(p, binary.NativeEndian.Uint32(aux),
				binary.NativeEndian.Uint16(aux[16:]), binary.NativeEndian.Uint16(aux[18:]))
		}
		step := unix.CmsgSpace(int(l) - unix.CmsgLen(0))
		if step <= 0 || step > len(cmsg) {
			return true
		}
		cmsg = cmsg[step:]
	}
	return true
}

// restoreTag inserts the VLAN tag described by a tpacket status word and
// tag fields (from auxdata or a ring slot), if there is one.
func restoreTag(p *Packet, status uint32, tci, tpid uint16) bool {
	if status&unix.TP_STATUS_VLAN_VALID == 0 && tci == 0 {
		return true
	}
	if status&unix.TP_STATUS_VLAN_TPID_VALID == 0 || tpid == 0 {
		tpid = 0x8100
	}
	return insertVLAN(p, tpid, tci)
}

// insertVLAN pushes an 802.1Q header after the Ethernet addresses and
// shifts the offload offsets to match.
func insertVLAN(p *Packet, tpid, tci uint16) bool {
	if len(p.Data) < 12 || p.Push(4) == nil {
		return false
	}
	d := p.Data
	copy(d[0:12], d[4:16])
	binary.BigEndian.PutUint16(d[12:], tpid)
	binary.BigEndian.PutUint16(d[14:], tci)
	if p.Vnet.Flags&VnetHdrFNeedsCsum != 0 {
		p.Vnet.CsumStart += 4
	}
	if p.Vnet.GSOType != VnetGSONone && p.Vnet.HdrLen != 0 {
		p.Vnet.HdrLen += 4
	}
	return true
}

func (s *System) sendmmsg(fd uintptr) bool {
	for s.txStart < s.txEnd {
		n, _, e := unix.Syscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&s.txMsgs[s.txStart])), uintptr(s.txEnd-s.txStart), unix.MSG_DONTWAIT, 0, 0)
		switch e {
		case 0:
			s.txStart += int(n)
		case unix.EINTR:
		case unix.EAGAIN:
			// The socket's send buffer is full; it becomes writable
			// as the kernel frees the frames. (ENOBUFS, a queue
			// drop, falls to the default case: waiting for
			// writability would never end.)
			return false
		case unix.EBADF:
			s.txErr = e
			return true
		default:
			// This one frame was refused (too big, device down,
			// bad offload header): drop it and go on.
			s.txDropped.Add(1)
			s.txStart++
		}
	}
	return true
}

// Send transmits pkts; it may be called from several goroutines.
func (s *System) Send(pkts []*Packet) error {
	if s.closed.Load() {
		return ErrClosed
	}
	s.txMu.Lock()
	defer s.txMu.Unlock()
	for len(pkts) > 0 {
		n := min(len(pkts), BatchSize)
		k := 0
		for _, p := range pkts[:n] {
			if len(p.Data) == 0 {
				s.txDropped.Add(1)
				continue
			}
			encodeVnet(&s.txVnet[k], &p.Vnet)
			s.txIov[k][1] = unix.Iovec{Base: &p.Data[0], Len: uint64(len(p.Data))}
			k++
		}
		s.txStart, s.txEnd, s.txErr = 0, k, nil
		if k > 0 {
			err := s.rc.Write(s.txFn)
			for i := 0; i < k; i++ {
				s.txIov[i][1] = unix.Iovec{} // do not pin the caller's buffers
			}
			if err != nil || s.txErr != nil {
				if s.closed.Load() || errors.Is(err, os.ErrClosed) || s.txErr == unix.EBADF {
					return ErrClosed
				}
				if err == nil {
					err = s.txErr
				}
				return fmt.Errorf("%s: send: %w", s.name, err)
			}
		}
		pkts = pkts[n:]
	}
	return nil
}

// Close detaches from the device (leaving promiscuous mode) and wakes a
// blocked Recv.
func (s *System) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	// The spare receive buffers are left to the garbage collector: a
	// Recv may still be returning from the closed fd.
	err := s.f.Close()
	if s.ring != nil {
		s.rxMu.Lock()
		s.ring.unmap()
		s.rxMu.Unlock()
	}
	return err
}

func (s *System) Stats() (Stats, error) {
	return s.kernelStats(s.rxDropped.Load(), s.txDropped.Load())
}
