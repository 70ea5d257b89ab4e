// Command flowgen is the traffic tool of bench/switch.sh: it measures how
// many new flows per second a switch can set up, and carries the small
// pieces of the benchmark that would otherwise need extra packages.
//
//	flowgen send   -i IFACE -tag N [-t 5s] [-dst ff:ff:ff:ff:ff:ff] [-batch 64]
//	flowgen recv   -i IFACE -tag N [-max 30s] [-ready FILE]
//	flowgen txoff  IFACE
//	flowgen iperf3 tcp|udp FILE
//
// send writes Ethernet frames on IFACE through an AF_PACKET socket as fast
// as it can for the given time, every frame from a different source MAC
// (02:TAG:seq32). Each new source MAC is a miss in a switch's datapath
// cache, because MAC learning makes the source address part of every
// megaflow it installs, so the rate at which such frames get through is the
// rate at which the switch handles upcalls and installs flows. It prints
// "sent=N seconds=S" when done.
//
// recv counts, on IFACE, the distinct source MACs of frames carrying TAG
// until SIGTERM or SIGINT (or -max), then prints "distinct=D frames=F".
// Distinct addresses, not frames, because a switch that floods a frame to
// a port twice, or a receiver that sees a retransmission, must not count
// a flow twice. The sequence number inside the MAC indexes a bitmap, so
// counting costs one bit test per frame.
//
// Both use sendmmsg/recvmmsg batches: on a two-core machine the generator
// shares the CPU with the switch under test, and a generator that spent a
// system call per frame would measure itself rather than the switch.
//
// txoff turns off transmit checksum offload on IFACE (what `ethtool -K
// IFACE tx off` does; TSO goes with it, as it needs checksum offload),
// through the legacy ETHTOOL_STXCSUM ioctl, for machines without ethtool.
//
// iperf3 reads iperf3 -J output and prints the figure the benchmark
// tables: the receiver's rate in Gbit/s for tcp, the datagrams delivered
// per second (sent minus lost) for udp.
//
// The EtherType is 0x88b5, IEEE's "local experimental" type: hosts drop
// it, and nothing else on a test link uses it.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	etherType = 0x88b5
	frameLen  = 60 // the Ethernet minimum without the FCS
	// maxSeq bounds the source addresses one run can use and so the
	// receiver's bitmap (8 MiB). At 10 Mpps a 5 s run uses 50M of them.
	maxSeq = 1 << 26
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "send":
		err = send(os.Args[2:])
	case "recv":
		err = recv(os.Args[2:])
	case "txoff":
		if len(os.Args) != 3 {
			usage()
		}
		err = txOff(os.Args[2])
	case "iperf3":
		if len(os.Args) != 4 {
			usage()
		}
		err = iperf3(os.Args[2], os.Args[3])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "flowgen %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprint(os.Stderr, `usage: flowgen send -i IFACE -tag N [-t 5s] [-dst MAC] [-batch 64]
       flowgen recv -i IFACE -tag N [-max 30s] [-ready FILE]
       flowgen txoff IFACE
       flowgen iperf3 tcp|udp FILE
`)
	os.Exit(2)
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// packetSocket opens an AF_PACKET socket that sees only our EtherType on
// ifname.
func packetSocket(ifname string) (int, error) {
	ifi, err := net.InterfaceByName(ifname)
	if err != nil {
		return -1, err
	}
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(etherType)))
	if err != nil {
		return -1, fmt.Errorf("AF_PACKET socket: %w", err)
	}
	sa := &unix.SockaddrLinklayer{Protocol: htons(etherType), Ifindex: ifi.Index}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("bind to %s: %w", ifname, err)
	}
	return fd, nil
}

func send(args []string) error {
	fs := flag.NewFlagSet("send", flag.ExitOnError)
	ifname := fs.String("i", "", "interface to send on")
	tag := fs.Uint("tag", 0, "run tag (0-255), the second byte of every source MAC")
	dur := fs.Duration("t", 5*time.Second, "how long to send")
	dst := fs.String("dst", "ff:ff:ff:ff:ff:ff", "destination MAC")
	batch := fs.Int("batch", 64, "frames per sendmmsg")
	fs.Parse(args)
	if *ifname == "" || *tag > 255 || *batch < 1 || *batch > 1024 || *dur <= 0 {
		return errors.New("need -i, -tag 0-255, -batch 1-1024 and a positive -t")
	}
	dmac, err := net.ParseMAC(*dst)
	if err != nil || len(dmac) != 6 {
		return fmt.Errorf("bad -dst %q", *dst)
	}
	sent, elapsed, err := sendFrames(*ifname, byte(*tag), dmac, *dur, *batch)
	if err != nil {
		return err
	}
	fmt.Printf("sent=%d seconds=%.3f\n", sent, elapsed.Seconds())
	return nil
}

// sendFrames sends frames from new source addresses on ifname for dur, in
// sendmmsg batches of batch, and returns how many it sent.
func sendFrames(ifname string, tag byte, dmac net.HardwareAddr, dur time.Duration, batch int) (uint32, time.Duration, error) {
	fd, err := packetSocket(ifname)
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(fd)
	// Straight to the driver: the qdisc layer would only add cost.
	unix.SetsockoptInt(fd, unix.SOL_PACKET, unix.PACKET_QDISC_BYPASS, 1)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_SNDBUFFORCE, 4<<20)

	n := batch
	bufs := make([]byte, n*frameLen)
	iovs := make([]unix.Iovec, n)
	msgs := make([]unix.Mmsghdr, n)
	for i := 0; i < n; i++ {
		f := bufs[i*frameLen : (i+1)*frameLen]
		copy(f[0:6], dmac)
		f[6], f[7] = 0x02, tag // locally administered, unicast
		binary.BigEndian.PutUint16(f[12:14], etherType)
		copy(f[14:], "flowgen")
		iovs[i].Base = &f[0]
		iovs[i].SetLen(frameLen)
		msgs[i].Hdr.Iov = &iovs[i]
		msgs[i].Hdr.SetIovlen(1)
	}

	var seq uint32
	start := time.Now()
	deadline := start.Add(dur)
	for iter := 0; seq < maxSeq; iter++ {
		// Reading the clock every 16 batches keeps it out of the profile.
		if iter&15 == 0 && time.Now().After(deadline) {
			break
		}
		m := n
		if left := maxSeq - seq; uint32(m) > left {
			m = int(left)
		}
		for i := 0; i < m; i++ {
			binary.BigEndian.PutUint32(bufs[i*frameLen+8:], seq+uint32(i))
		}
		r, _, e := unix.Syscall6(unix.SYS_SENDMMSG, uintptr(fd), uintptr(unsafe.Pointer(&msgs[0])), uintptr(m), 0, 0, 0)
		switch e {
		case 0:
			seq += uint32(r)
		case unix.ENOBUFS, unix.EAGAIN, unix.EINTR:
			// The device is busy: the frames that did not go are simply
			// sent again with the same addresses.
			runtime.Gosched()
		default:
			return seq, time.Since(start), fmt.Errorf("sendmmsg: %w", e)
		}
	}
	runtime.KeepAlive(bufs)
	runtime.KeepAlive(iovs)
	return seq, time.Since(start), nil
}

func recv(args []string) error {
	fs := flag.NewFlagSet("recv", flag.ExitOnError)
	ifname := fs.String("i", "", "interface to receive on")
	tag := fs.Uint("tag", 0, "run tag the sender uses")
	maxDur := fs.Duration("max", 30*time.Second, "stop after this long even without a signal")
	ready := fs.String("ready", "", "file to create once receiving")
	fs.Parse(args)
	if *ifname == "" || *tag > 255 {
		return errors.New("need -i and -tag 0-255")
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	stop := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-time.After(*maxDur):
		}
		close(stop)
	}()
	onReady := func() error {
		if *ready == "" {
			return nil
		}
		return os.WriteFile(*ready, nil, 0o644)
	}
	distinct, frames, err := countFrames(*ifname, byte(*tag), stop, onReady)
	if err != nil {
		return err
	}
	fmt.Printf("distinct=%d frames=%d\n", distinct, frames)
	return nil
}

// countFrames counts the frames carrying tag on ifname, and their distinct
// source addresses, until stop is closed. It calls ready once the socket
// is receiving.
func countFrames(ifname string, tag byte, stop <-chan struct{}, ready func() error) (distinct, frames uint64, err error) {
	fd, err := packetSocket(ifname)
	if err != nil {
		return 0, 0, err
	}
	defer unix.Close(fd)
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 32<<20)
	// A short timeout so that stop is noticed while idle.
	tv := unix.NsecToTimeval((100 * time.Millisecond).Nanoseconds())
	if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return 0, 0, err
	}
	if err := ready(); err != nil {
		return 0, 0, err
	}

	const n = 64
	const snap = 16 // the addresses are all we read
	bufs := make([]byte, n*snap)
	iovs := make([]unix.Iovec, n)
	msgs := make([]unix.Mmsghdr, n)
	for i := range n {
		iovs[i].Base = &bufs[i*snap]
		iovs[i].SetLen(snap)
		msgs[i].Hdr.Iov = &iovs[i]
		msgs[i].Hdr.SetIovlen(1)
	}
	seen := make([]uint64, maxSeq/64)
	for {
		select {
		case <-stop:
			runtime.KeepAlive(bufs)
			runtime.KeepAlive(iovs)
			return distinct, frames, nil
		default:
		}
		r, _, e := unix.Syscall6(unix.SYS_RECVMMSG, uintptr(fd), uintptr(unsafe.Pointer(&msgs[0])), n, 0, 0, 0)
		switch e {
		case 0:
		case unix.EAGAIN, unix.EINTR:
			continue
		default:
			return distinct, frames, fmt.Errorf("recvmmsg: %w", e)
		}
		for i := 0; i < int(r); i++ {
			if msgs[i].Len < 12 {
				continue
			}
			f := bufs[i*snap : (i+1)*snap]
			if f[6] != 0x02 || f[7] != tag {
				continue
			}
			frames++
			s := binary.BigEndian.Uint32(f[8:12])
			if s >= maxSeq {
				continue
			}
			if w, b := s/64, uint64(1)<<(s%64); seen[w]&b == 0 {
				seen[w] |= b
				distinct++
			}
		}
	}
}

// ethtoolValue is struct ethtool_value.
type ethtoolValue struct {
	cmd, data uint32
}

// ifreqData is struct ifreq with ifr_data set, padded to its 40 bytes.
type ifreqData struct {
	name [unix.IFNAMSIZ]byte
	data unsafe.Pointer
	_    [24 - unsafe.Sizeof(uintptr(0))]byte
}

func txOff(ifname string) error {
	if len(ifname) >= unix.IFNAMSIZ {
		return fmt.Errorf("%s: interface name too long", ifname)
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ethtool := func(cmd, data uint32) (uint32, error) {
		v := &ethtoolValue{cmd: cmd, data: data}
		ifr := &ifreqData{data: unsafe.Pointer(v)}
		copy(ifr.name[:], ifname)
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), unix.SIOCETHTOOL, uintptr(unsafe.Pointer(ifr)))
		runtime.KeepAlive(ifr)
		runtime.KeepAlive(v)
		if e != 0 {
			return 0, fmt.Errorf("%s: ethtool ioctl %#x: %w", ifname, cmd, e)
		}
		return v.data, nil
	}
	if _, err := ethtool(unix.ETHTOOL_STXCSUM, 0); err != nil {
		return err
	}
	on, err := ethtool(unix.ETHTOOL_GTXCSUM, 0)
	if err != nil {
		return err
	}
	if on != 0 {
		return fmt.Errorf("%s: transmit checksum offload is still on", ifname)
	}
	return nil
}

// iperfResult is the part of iperf3 -J output the benchmark reads.
type iperfResult struct {
	Error string `json:"error"`
	End   struct {
		SumReceived *iperfSum `json:"sum_received"`
		Sum         *iperfSum `json:"sum"`
	} `json:"end"`
}

type iperfSum struct {
	Seconds       float64 `json:"seconds"`
	BitsPerSecond float64 `json:"bits_per_second"`
	Packets       int64   `json:"packets"`
	LostPackets   int64   `json:"lost_packets"`
}

func iperf3(kind, file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	v, err := iperfFigure(kind, data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	fmt.Println(v)
	return nil
}

// iperfFigure returns the figure of one iperf3 -J report: Gbit/s received
// for tcp, datagrams delivered per second for udp.
func iperfFigure(kind string, data []byte) (string, error) {
	if kind != "tcp" && kind != "udp" {
		return "", fmt.Errorf("unknown kind %q (want tcp or udp)", kind)
	}
	var r iperfResult
	if err := json.Unmarshal(data, &r); err != nil {
		return "", fmt.Errorf("not iperf3 -J output: %v", err)
	}
	if r.Error != "" {
		return "", errors.New(strings.TrimSpace(r.Error))
	}
	// The receiver's figures: older iperf3 reports them for UDP in "sum".
	s := r.End.SumReceived
	if s == nil {
		s = r.End.Sum
	}
	if s == nil || !(s.Seconds > 0) || s.BitsPerSecond < 0 || s.LostPackets > s.Packets {
		return "", errors.New("no receiver summary")
	}
	if kind == "tcp" {
		return fmt.Sprintf("%.2f", s.BitsPerSecond/1e9), nil
	}
	return fmt.Sprintf("%.0f", float64(s.Packets-s.LostPackets)/s.Seconds), nil
}
