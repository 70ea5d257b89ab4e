package netdev

// Internal and tap ports: TAP devices whose other side is the host's own
// network stack.
//
// The device is opened with IFF_VNET_HDR and TUNSETOFFLOAD, so the host
// stack hands us 64 KiB TCP segments with partial checksums instead of
// MTU-sized, fully checksummed frames; a TCP connection between the host and
// a veth-attached namespace then costs one read and one sendmmsg per 64 KiB.
//
// What OVS 3.1 does, checked against it: the device is created with the
// port's name, persistent, left administratively down (the user brings it
// up), with the MAC the kernel picked, IFF_PROMISC set; it disappears when
// the port is removed (Close) but survives the daemon (Release). Unlike OVS, a tap port that existed before it was added (a user's
// persistent TAP) is left in place on Close, with IFF_PROMISC restored.
//
// A TAP has no recvmmsg; Recv drains up to a batch with one readv per frame
// and then parks on the netpoller.

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Tap is an "internal" or "tap" port.
type Tap struct {
	linuxDev
	typ     string
	pool    *Pool
	f       *os.File
	rc      syscall.RawConn
	closed  atomic.Bool
	existed bool // the device was there before we opened it
	promisc bool // we turned IFF_PROMISC on

	rxDropped atomic.Uint64
	txDropped atomic.Uint64

	rxIov   [2]unix.Iovec
	rxVnet  [VnetHdrLen]byte
	rxPkts  [BatchSize]*Packet
	rxBatch *Batch
	rxErr   error
	rxFn    func(uintptr) bool

	txMu   sync.Mutex
	txIov  [2]unix.Iovec
	txVnet [VnetHdrLen]byte
	txPkts []*Packet
	txErr  error
	txFn   func(uintptr) bool
}

// OpenInternal creates the TAP device name for an internal port (a bridge's
// local port, for example). It is removed again by Close.
func OpenInternal(name string, pool *Pool) (*Tap, error) {
	return openTap(name, "internal", pool)
}

// OpenTap opens the TAP device name, creating it if it does not exist. A
// device created here is removed by Close; a pre-existing one is kept.
func OpenTap(name string, pool *Pool) (*Tap, error) {
	return openTap(name, "tap", pool)
}

func openTap(name, typ string, pool *Pool) (*Tap, error) {
	if pool == nil {
		pool = DefaultPool
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil || name == "" {
		return nil, fmt.Errorf("%s: %w", name, unix.EINVAL)
	}
	_, lookErr := ifindexOf(name)
	t := &Tap{linuxDev: linuxDev{name: name}, typ: typ, pool: pool, existed: lookErr == nil}

	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: open /dev/net/tun: %w", name, err)
	}
	fail := func(what string, err error) (*Tap, error) {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %s: %w", name, what, err)
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI | unix.IFF_VNET_HDR)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		return fail("TUNSETIFF", err)
	}
	if err := unix.IoctlSetPointerInt(fd, unix.TUNSETVNETHDRSZ, VnetHdrLen); err != nil {
		return fail("TUNSETVNETHDRSZ", err)
	}
	// USO needs Linux 6.2; older kernels refuse the whole set with EINVAL.
	const base = unix.TUN_F_CSUM | unix.TUN_F_TSO4 | unix.TUN_F_TSO6
	if err := unix.IoctlSetInt(fd, unix.TUNSETOFFLOAD, base|unix.TUN_F_USO4|unix.TUN_F_USO6); err != nil {
		if err := unix.IoctlSetInt(fd, unix.TUNSETOFFLOAD, base); err != nil {
			return fail("TUNSETOFFLOAD", err)
		}
	}
	// Persistent, as OVS makes them: a crash or Release leaves the
	// device and the host's addresses on it in place for the next run.
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1); err != nil {
		return fail("TUNSETPERSIST", err)
	}
	if t.index, err = ifindexOf(name); err != nil {
		return fail("SIOCGIFINDEX", err)
	}
	old, err := changeFlags(name, unix.IFF_PROMISC, 0)
	if err != nil {
		return fail("SIOCSIFFLAGS", err)
	}
	t.promisc = old&unix.IFF_PROMISC == 0

	t.f = os.NewFile(uintptr(fd), "/dev/net/tun")
	if t.rc, err = t.f.SyscallConn(); err != nil {
		t.f.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t.rxIov[0] = unix.Iovec{Base: &t.rxVnet[0], Len: VnetHdrLen}
	t.txIov[0] = unix.Iovec{Base: &t.txVnet[0], Len: VnetHdrLen}
	t.rxFn = t.readFrames
	t.txFn = t.writeFrames
	return t, nil
}

func (t *Tap) Type() string { return t.typ }

// Features: the tun driver accepts every GSO type on write.
func (t *Tap) Features() Features {
	return Features{Vnet: true, TSO4: true, TSO6: true, USO: true}
}

func (t *Tap) readFrames(fd uintptr) bool {
	b := t.rxBatch
	for b.N < BatchSize {
		p := t.rxPkts[b.N]
		if p == nil {
			p = t.pool.Get()
			t.rxPkts[b.N] = p
		}
		t.rxIov[1] = unix.Iovec{Base: &p.buf[Headroom], Len: MaxFrame}
		n, _, e := unix.Syscall(unix.SYS_READV, fd, uintptr(unsafe.Pointer(&t.rxIov[0])), 2)
		switch e {
		case 0:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return b.N > 0
		default:
			if b.N > 0 {
				return true // report the error on the next call
			}
			t.rxErr = e
			return true
		}
		flen := int(n) - VnetHdrLen
		if flen < 14 {
			t.rxDropped.Add(1)
			continue
		}
		p.Reset()
		p.SetLen(flen)
		p.Vnet = decodeVnet(&t.rxVnet)
		b.Pkts[b.N] = p
		t.rxPkts[b.N] = nil
		b.N++
	}
	return true
}

// Recv fills b with frames the host sent into the device. Only one
// goroutine may call Recv at a time.
func (t *Tap) Recv(b *Batch) error {
	b.N = 0
	t.rxBatch, t.rxErr = b, nil
	err := t.rc.Read(t.rxFn)
	t.rxBatch = nil
	t.rxIov[1] = unix.Iovec{Base: nil}
	if err != nil {
		if t.closed.Load() || errors.Is(err, os.ErrClosed) {
			return ErrClosed
		}
		return fmt.Errorf("%s: recv: %w", t.name, err)
	}
	if t.rxErr != nil {
		if t.closed.Load() || t.rxErr == unix.EBADF {
			return ErrClosed
		}
		return fmt.Errorf("%s: recv: %w", t.name, t.rxErr)
	}
	// Spare buffers sit at the front of rxPkts for the next call; move
	// the ones past the filled slots down.
	for i, j := 0, b.N; j < BatchSize; j++ {
		if t.rxPkts[j] != nil {
			for i < BatchSize && t.rxPkts[i] != nil {
				i++
			}
			if i < j {
				t.rxPkts[i], t.rxPkts[j] = t.rxPkts[j], nil
			}
		}
	}
	return nil
}

func (t *Tap) writeFrames(fd uintptr) bool {
	for len(t.txPkts) > 0 {
		p := t.txPkts[0]
		if len(p.Data) == 0 {
			t.txDropped.Add(1)
			t.txPkts = t.txPkts[1:]
			continue
		}
		encodeVnet(&t.txVnet, &p.Vnet)
		t.txIov[1] = unix.Iovec{Base: &p.Data[0], Len: uint64(len(p.Data))}
		_, _, e := unix.Syscall(unix.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&t.txIov[0])), 2)
		switch e {
		case 0:
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			return false
		case unix.EBADF:
			t.txErr = e
			return true
		case unix.EIO:
			// The device is down (a bridge's own port nobody set
			// up, typically): the rest of the batch would fail the
			// same way, a system call each, and flooded traffic
			// sends every frame here.
			t.txDropped.Add(uint64(len(t.txPkts)))
			t.txPkts = nil
			return true
		default:
			// EINVAL for a bad offload header: this frame is
			// dropped.
			t.txDropped.Add(1)
		}
		t.txPkts = t.txPkts[1:]
	}
	return true
}

// Send writes pkts into the device, towards the host stack.
func (t *Tap) Send(pkts []*Packet) error {
	if t.closed.Load() {
		return ErrClosed
	}
	t.txMu.Lock()
	defer t.txMu.Unlock()
	t.txPkts, t.txErr = pkts, nil
	err := t.rc.Write(t.txFn)
	t.txPkts = nil
	t.txIov[1] = unix.Iovec{}
	if err != nil || t.txErr != nil {
		if t.closed.Load() || errors.Is(err, os.ErrClosed) || t.txErr == unix.EBADF {
			return ErrClosed
		}
		if err == nil {
			err = t.txErr
		}
		return fmt.Errorf("%s: send: %w", t.name, err)
	}
	return nil
}

// Close is the port's removal: an internal port's device, or a tap port's
// device that we created, disappears; a pre-existing tap device stays, with
// IFF_PROMISC as it was.
func (t *Tap) Close() error {
	if t.closed.Swap(true) {
		return nil
	}
	var err error
	if t.typ == "internal" || !t.existed {
		var ierr error
		err = t.rc.Control(func(fd uintptr) {
			ierr = unix.IoctlSetInt(int(fd), unix.TUNSETPERSIST, 0)
		})
		if err == nil {
			err = ierr
		}
	} else if t.promisc {
		_, err = changeFlags(t.name, 0, unix.IFF_PROMISC)
	}
	if cerr := t.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Release detaches from the device but leaves it in place, configured, as
// ovs-vswitchd leaves its internal ports when it exits (without --cleanup)
// so that the host keeps its addresses on them across a restart; the next
// OpenInternal or OpenTap of the name picks it up again.
func (t *Tap) Release() error {
	if t.closed.Swap(true) {
		return nil
	}
	return t.f.Close()
}

// Stats are the kernel's counters seen from the switch: what the host sent
// into the device is what the port received, so rx and tx are swapped (as
// OVS does for tap devices).
func (t *Tap) Stats() (Stats, error) {
	st, err := t.kernelStats(0, 0)
	if err != nil {
		return st, err
	}
	st.RxPackets, st.TxPackets = st.TxPackets, st.RxPackets
	st.RxBytes, st.TxBytes = st.TxBytes, st.RxBytes
	st.RxErrors, st.TxErrors = st.TxErrors, st.RxErrors
	st.RxDropped, st.TxDropped = st.TxDropped, st.RxDropped
	st.RxDropped += t.rxDropped.Load()
	st.TxDropped += t.txDropped.Load()
	return st, nil
}
