package netdev

// Device attributes of Linux interfaces, shared by the system, internal and
// tap ports.
//
// Reads go through one RTM_GETLINK request (MAC, MTU, flags, carrier and the
// 64-bit counters all come back in one message, so a statistics refresh is a
// single round trip and needs no ioctl per field). Writes use the classic
// SIOCSIF* ioctls, which are one syscall each and need no reply parsing.
// Driver details and link speed come from ethtool, which has no netlink-free
// alternative for them.

import (
	"encoding/binary"
	"fmt"
	"net"
	"runtime"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// linkInfo is what RTM_GETLINK tells about a device.
type linkInfo struct {
	index   int
	flags   uint32 // IFF_*
	mtu     int
	carrier bool
	hwaddr  [6]byte
	hwlen   int
	stats   Stats
}

// getLink fetches a device's attributes by ifindex (when index > 0) or by
// name.
func getLink(index int, name string) (linkInfo, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return linkInfo{}, err
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return linkInfo{}, err
	}

	var req [64]byte
	n := unix.NLMSG_HDRLEN + unix.SizeofIfInfomsg
	if index <= 0 {
		if len(name) == 0 || len(name) >= unix.IFNAMSIZ {
			return linkInfo{}, unix.ENODEV
		}
		alen := 4 + len(name) + 1
		binary.NativeEndian.PutUint16(req[n:], uint16(alen))
		binary.NativeEndian.PutUint16(req[n+2:], unix.IFLA_IFNAME)
		copy(req[n+4:], name)
		n += (alen + 3) &^ 3
	}
	binary.NativeEndian.PutUint32(req[0:], uint32(n))
	binary.NativeEndian.PutUint16(req[4:], unix.RTM_GETLINK)
	binary.NativeEndian.PutUint16(req[6:], unix.NLM_F_REQUEST)
	binary.NativeEndian.PutUint32(req[8:], 1) // seq
	req[unix.NLMSG_HDRLEN] = unix.AF_UNSPEC
	binary.NativeEndian.PutUint32(req[unix.NLMSG_HDRLEN+4:], uint32(int32(index)))
	if err := unix.Sendto(fd, req[:n], 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return linkInfo{}, err
	}
	buf := make([]byte, 16384)
	for {
		m, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return linkInfo{}, err
		}
		return parseLinkReply(buf[:m])
	}
}

// parseLinkReply decodes the kernel's answer to RTM_GETLINK: either an
// RTM_NEWLINK message or an NLMSG_ERROR carrying the errno.
func parseLinkReply(b []byte) (linkInfo, error) {
	var li linkInfo
	if len(b) < unix.NLMSG_HDRLEN {
		return li, fmt.Errorf("short netlink reply (%d bytes)", len(b))
	}
	mlen := int(binary.NativeEndian.Uint32(b[0:]))
	typ := binary.NativeEndian.Uint16(b[4:])
	if mlen < unix.NLMSG_HDRLEN || mlen > len(b) {
		return li, fmt.Errorf("bad netlink message length %d", mlen)
	}
	b = b[unix.NLMSG_HDRLEN:mlen]
	switch typ {
	case unix.NLMSG_ERROR:
		if len(b) < 4 {
			return li, fmt.Errorf("short netlink error message")
		}
		if e := -int32(binary.NativeEndian.Uint32(b)); e != 0 {
			return li, unix.Errno(e)
		}
		return li, fmt.Errorf("netlink: unexpected acknowledgement")
	case unix.RTM_NEWLINK:
	default:
		return li, fmt.Errorf("unexpected netlink message type %d", typ)
	}
	if len(b) < unix.SizeofIfInfomsg {
		return li, fmt.Errorf("short ifinfomsg")
	}
	li.index = int(int32(binary.NativeEndian.Uint32(b[4:])))
	li.flags = binary.NativeEndian.Uint32(b[8:])
	li.carrier = li.flags&unix.IFF_RUNNING != 0
	for a := b[unix.SizeofIfInfomsg:]; len(a) >= 4; {
		alen := int(binary.NativeEndian.Uint16(a))
		atyp := binary.NativeEndian.Uint16(a[2:]) & 0x3fff
		if alen < 4 || alen > len(a) {
			return li, fmt.Errorf("bad netlink attribute length %d", alen)
		}
		v := a[4:alen]
		switch atyp {
		case unix.IFLA_ADDRESS:
			li.hwlen = copy(li.hwaddr[:], v)
		case unix.IFLA_MTU:
			if len(v) >= 4 {
				li.mtu = int(binary.NativeEndian.Uint32(v))
			}
		case unix.IFLA_CARRIER:
			if len(v) >= 1 {
				li.carrier = v[0] != 0
			}
		case unix.IFLA_STATS64:
			if len(v) >= 10*8 {
				u := func(i int) uint64 { return binary.NativeEndian.Uint64(v[i*8:]) }
				li.stats = Stats{
					RxPackets: u(0), TxPackets: u(1), RxBytes: u(2), TxBytes: u(3),
					RxErrors: u(4), TxErrors: u(5), RxDropped: u(6), TxDropped: u(7),
					Collisions: u(9),
				}
			}
		}
		step := (alen + 3) &^ 3
		if step > len(a) {
			break
		}
		a = a[step:]
	}
	return li, nil
}

// ioctlFD is a datagram socket kept open for SIOC* and ethtool ioctls, which
// need some socket but do not care which.
var ioctlFD = sync.OnceValues(func() (int, error) {
	return unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
})

// ifreqRaw is struct ifreq with the union viewed as bytes or a pointer.
type ifreqRaw struct {
	name [unix.IFNAMSIZ]byte
	data [24]byte
}

type ifreqPtr struct {
	name [unix.IFNAMSIZ]byte
	ptr  unsafe.Pointer
	_    [16]byte
}

func ifreqName(dst *[unix.IFNAMSIZ]byte, name string) error {
	if len(name) == 0 || len(name) >= unix.IFNAMSIZ {
		return unix.ENODEV
	}
	copy(dst[:], name)
	return nil
}

func ioctlPtr(req uintptr, p unsafe.Pointer) error {
	fd, err := ioctlFD()
	if err != nil {
		return err
	}
	_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(p))
	if e != 0 {
		return e
	}
	return nil
}

func setHWAddr(name string, mac net.HardwareAddr) error {
	if len(mac) != 6 {
		return unix.EINVAL
	}
	var ifr ifreqRaw
	if err := ifreqName(&ifr.name, name); err != nil {
		return err
	}
	binary.NativeEndian.PutUint16(ifr.data[:], unix.ARPHRD_ETHER)
	copy(ifr.data[2:], mac)
	return ioctlPtr(unix.SIOCSIFHWADDR, unsafe.Pointer(&ifr))
}

func setMTU(name string, mtu int) error {
	var ifr ifreqRaw
	if err := ifreqName(&ifr.name, name); err != nil {
		return err
	}
	binary.NativeEndian.PutUint32(ifr.data[:], uint32(int32(mtu)))
	return ioctlPtr(unix.SIOCSIFMTU, unsafe.Pointer(&ifr))
}

// changeFlags sets the IFF_* bits in on and clears those in off, returning
// the flags as they were.
func changeFlags(name string, on, off uint16) (uint16, error) {
	var ifr ifreqRaw
	if err := ifreqName(&ifr.name, name); err != nil {
		return 0, err
	}
	if err := ioctlPtr(unix.SIOCGIFFLAGS, unsafe.Pointer(&ifr)); err != nil {
		return 0, err
	}
	old := binary.NativeEndian.Uint16(ifr.data[:])
	nw := old&^off | on
	if nw == old {
		return old, nil
	}
	binary.NativeEndian.PutUint16(ifr.data[:], nw)
	return old, ioctlPtr(unix.SIOCSIFFLAGS, unsafe.Pointer(&ifr))
}

// ethtoolCall runs one SIOCETHTOOL command whose argument is *arg.
func ethtoolCall(name string, arg unsafe.Pointer) error {
	var ifr ifreqPtr
	if err := ifreqName(&ifr.name, name); err != nil {
		return err
	}
	ifr.ptr = arg
	err := ioctlPtr(unix.SIOCETHTOOL, unsafe.Pointer(&ifr))
	runtime.KeepAlive(arg)
	return err
}

// driverStatus is the Interface status column of a Linux device: its
// driver's name and version and the firmware version, as ethtool reports
// them. OVS shows an empty map when the driver does not answer.
func driverStatus(name string) map[string]string {
	info := new(unix.EthtoolDrvinfo)
	info.Cmd = unix.ETHTOOL_GDRVINFO
	if err := ethtoolCall(name, unsafe.Pointer(info)); err != nil {
		return map[string]string{}
	}
	return map[string]string{
		"driver_name":      cString(info.Driver[:]),
		"driver_version":   cString(info.Version[:]),
		"firmware_version": cString(info.Fw_version[:]),
	}
}

func cString(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// ethtoolLinkSettings is struct ethtool_link_settings followed by room for
// the three link mode bitmaps the kernel fills in.
type ethtoolLinkSettings struct {
	cmd                                                            uint32
	speed                                                          uint32
	duplex, port, phyAddress, autoneg, mdioSupport, mdix, mdixCtrl uint8
	nwords                                                         int8
	transceiver, masterSlaveCfg, masterSlaveState, rateMatching    uint8
	reserved                                                       [7]uint32
	masks                                                          [3 * 127]uint32
}

// ethtoolCmd is the legacy struct ethtool_cmd (ETHTOOL_GSET).
type ethtoolCmd struct {
	cmd, supported, advertising           uint32
	speed                                 uint16
	duplex, port, phyAddress, transceiver uint8
	autoneg, mdioSupport                  uint8
	maxtxpkt, maxrxpkt                    uint32
	speedHi                               uint16
	mdix, mdixCtrl                        uint8
	lpAdvertising                         uint32
	reserved                              [2]uint32
}

// linkSpeed is the device's speed in bit/s, 0 when the driver does not
// know. ETHTOOL_GLINKSETTINGS is tried first (it is the only way to learn
// speeds above 65 Gbit/s); old drivers only answer ETHTOOL_GSET.
func linkSpeed(name string) uint64 {
	ls := new(ethtoolLinkSettings)
	ls.cmd = unix.ETHTOOL_GLINKSETTINGS
	if err := ethtoolCall(name, unsafe.Pointer(ls)); err == nil && ls.nwords < 0 && int(-ls.nwords)*3 <= len(ls.masks) {
		// The first call was the handshake: the kernel told us the
		// bitmap size; ask again with it.
		nw := -ls.nwords
		*ls = ethtoolLinkSettings{cmd: unix.ETHTOOL_GLINKSETTINGS, nwords: nw}
		if err := ethtoolCall(name, unsafe.Pointer(ls)); err == nil {
			return mbps(ls.speed)
		}
	}
	c := new(ethtoolCmd)
	c.cmd = unix.ETHTOOL_GSET
	if err := ethtoolCall(name, unsafe.Pointer(c)); err != nil {
		return 0
	}
	return mbps(uint32(c.speedHi)<<16 | uint32(c.speed))
}

func mbps(s uint32) uint64 {
	if s == 0 || s == 0xffff || s == 0xffffffff {
		return 0
	}
	return uint64(s) * 1e6
}

// linuxDev implements the device-attribute half of Netdev for a named Linux
// interface.
type linuxDev struct {
	name  string
	index int
}

func (d *linuxDev) Name() string { return d.name }
func (d *linuxDev) Ifindex() int { return d.index }

func (d *linuxDev) info() (linkInfo, error) { return getLink(d.index, d.name) }

func (d *linuxDev) HWAddr() (net.HardwareAddr, error) {
	li, err := d.info()
	if err != nil {
		return nil, err
	}
	return net.HardwareAddr(append([]byte(nil), li.hwaddr[:li.hwlen]...)), nil
}

func (d *linuxDev) SetHWAddr(mac net.HardwareAddr) error { return setHWAddr(d.name, mac) }

func (d *linuxDev) MTU() (int, error) {
	li, err := d.info()
	return li.mtu, err
}

func (d *linuxDev) SetMTU(mtu int) error { return setMTU(d.name, mtu) }

func (d *linuxDev) Status() map[string]string { return driverStatus(d.name) }

func (d *linuxDev) LinkState() (adminUp, linkUp bool, speed uint64) {
	li, err := d.info()
	if err != nil {
		return false, false, 0
	}
	return li.flags&unix.IFF_UP != 0, li.carrier && li.flags&unix.IFF_UP != 0, linkSpeed(d.name)
}

// kernelStats returns the kernel's counters plus the drops counted in
// userspace (frames the kernel refused or that were too big for a buffer).
func (d *linuxDev) kernelStats(rxDrop, txDrop uint64) (Stats, error) {
	li, err := d.info()
	if err != nil {
		return Stats{}, err
	}
	li.stats.RxDropped += rxDrop
	li.stats.TxDropped += txDrop
	return li.stats, nil
}
