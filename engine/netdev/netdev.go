// Package netdev is the port layer of the userspace datapath: it moves
// batches of packets between the switch and network devices (system
// interfaces over AF_PACKET, TAP devices, in-process dummy ports).
//
// Packets carry the kernel's virtio-net offload header (VnetHdr) from
// receive to transmit, so a 64 KiB TCP segment with a partial checksum that
// arrives from a veth crosses the switch as one packet and leaves on another
// veth or TAP still as one, and TCP runs at full speed without anybody
// turning off offloads. Only a port that cannot take such a packet makes the
// switch finish the checksum or segment it in software (see FinishChecksum
// and Segment).
package netdev

import (
	"errors"
	"net"
	"sync"
)

// BatchSize is how many packets move together from receive to transmit.
const BatchSize = 32

// Headroom is the space kept in front of a received frame so that pushing
// VLAN or MPLS headers (and, later, tunnel headers) never copies the frame.
const Headroom = 128

// MaxFrame is the largest frame a packet buffer holds: a full 64 KiB GSO
// segment plus its Ethernet and VLAN headers.
const MaxFrame = 65536 + 64

// VnetHdr is struct virtio_net_hdr: how the kernel describes checksum and
// segmentation offload for a packet.
type VnetHdr struct {
	Flags      uint8  // VnetHdrFNeedsCsum, VnetHdrFDataValid
	GSOType    uint8  // VnetGSONone, VnetGSOTCPv4, ...
	HdrLen     uint16 // length of the headers to copy into every segment
	GSOSize    uint16 // payload bytes per segment
	CsumStart  uint16 // offset from the start of the frame where checksumming starts
	CsumOffset uint16 // offset from CsumStart of the checksum field
}

// VnetHdr values (linux/virtio_net.h).
const (
	VnetHdrLen = 10

	VnetHdrFNeedsCsum = 1
	VnetHdrFDataValid = 2

	VnetGSONone  = 0
	VnetGSOTCPv4 = 1
	VnetGSOUDP   = 3
	VnetGSOTCPv6 = 4
	VnetGSOUDPL4 = 5
	VnetGSOECN   = 0x80
)

// Packet is one frame and its metadata. Packets come from a Pool and go back
// to it; the datapath never allocates one per received frame.
type Packet struct {
	buf  []byte // the whole buffer; Data is a window into it
	Data []byte // the Ethernet frame

	Vnet   VnetHdr // offload state of the frame
	InPort uint32  // datapath port the packet came in on
	Hash   uint32  // flow hash, 0 when not computed
}

// Reset makes Data an empty frame starting Headroom bytes into the buffer.
func (p *Packet) Reset() {
	p.Data = p.buf[Headroom:Headroom]
	p.Vnet = VnetHdr{}
	p.InPort = 0
	p.Hash = 0
}

// Buffer returns the space after Headroom that a receive may fill; after
// filling n bytes, call SetLen(n).
func (p *Packet) Buffer() []byte { return p.buf[Headroom:] }

// SetLen sets Data to the first n bytes after Headroom.
func (p *Packet) SetLen(n int) { p.Data = p.buf[Headroom : Headroom+n] }

// Push grows the frame by n bytes at the front and returns the new bytes.
// It returns nil when the headroom is exhausted.
func (p *Packet) Push(n int) []byte {
	off := cap(p.buf) - cap(p.Data) // offset of Data in buf
	if off < n {
		return nil
	}
	p.Data = p.buf[off-n : off+len(p.Data)]
	return p.Data[:n]
}

// Pull removes n bytes from the front of the frame.
func (p *Packet) Pull(n int) { p.Data = p.Data[n:] }

// Headroom reports how many bytes Push can still add.
func (p *Packet) Headroom() int { return cap(p.buf) - cap(p.Data) }

// Pool hands out packet buffers. It is safe for concurrent use.
type Pool struct{ p sync.Pool }

// DefaultPool is the pool the ports of one process share.
var DefaultPool = &Pool{}

// Get returns a reset packet.
func (pl *Pool) Get() *Packet {
	if v := pl.p.Get(); v != nil {
		p := v.(*Packet)
		p.Reset()
		return p
	}
	p := &Packet{buf: make([]byte, Headroom+MaxFrame)}
	p.Reset()
	return p
}

// Put returns p to the pool; the caller must not use it afterwards.
func (pl *Pool) Put(p *Packet) { pl.p.Put(p) }

// Batch is up to BatchSize packets moving together.
type Batch struct {
	Pkts [BatchSize]*Packet
	N    int
}

// Packets returns the filled part of the batch.
func (b *Batch) Packets() []*Packet { return b.Pkts[:b.N] }

// Stats are a device's counters, as in the Interface table's statistics
// column.
type Stats struct {
	RxPackets, RxBytes, RxErrors, RxDropped uint64
	TxPackets, TxBytes, TxErrors, TxDropped uint64
	Collisions                              uint64
}

// Features tells the datapath what a port accepts on Send.
type Features struct {
	// Vnet: the port takes packets with a VnetHdr (partial checksums, and
	// GSO packets of the kinds in GSO).
	Vnet bool
	// GSO lists the GSO types Send accepts when Vnet is set.
	TSO4, TSO6, USO bool
}

// ErrClosed is returned by Recv and Send after Close.
var ErrClosed = errors.New("netdev closed")

// Netdev is one network device attached to the datapath.
type Netdev interface {
	Name() string
	// Type is the Interface table's type: "system", "internal", "tap",
	// "dummy".
	Type() string

	// Recv blocks until at least one packet is available, then fills b
	// (b.N is set; packets come from the Pool the device was opened
	// with). It returns ErrClosed once Close was called.
	Recv(b *Batch) error
	// Send transmits pkts. Packets stay owned by the caller. A packet the
	// device cannot take is counted as a tx drop, not returned as an
	// error; an error means the device is unusable.
	Send(pkts []*Packet) error
	// Features says what Send accepts.
	Features() Features
	Close() error

	HWAddr() (net.HardwareAddr, error)
	SetHWAddr(net.HardwareAddr) error
	MTU() (int, error)
	SetMTU(int) error
	Ifindex() int // 0 when the device has none
	Stats() (Stats, error)
	// Status is the Interface table's status column (driver_name etc.).
	Status() map[string]string
	// LinkState: admin up, carrier, speed in bit/s (0 when unknown).
	LinkState() (adminUp, linkUp bool, speed uint64)
}
