package ofctl

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"math/bits"
	"os"
	"syscall"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
)

// The pcap reader behind parse-pcap. It accepts what OVS 3.1's reader
// accepts, and fails where it fails, because the differences show in the
// command's output: both byte orders and both timestamp resolutions,
// Ethernet and Linux "cooked" (SLL) captures only, records up to 64 kB. A
// record whose length only makes sense byte-swapped is read swapped, as
// OVS does for captures written by hosts that got the order wrong. A
// truncated record header is a clean end of file; a truncated or empty
// record body ends the file with a warning.

var logPcap = vlog.NewModule("pcap")

const (
	pcapLinkEthernet = 1
	pcapLinkSLL      = 113
	pcapMaxRecord    = 0xffff
	sllHeaderLen     = 16
)

// errPcapProto is OVS's EPROTO for a malformed capture.
var errPcapProto = syscall.EPROTO

type pcapReader struct {
	r    *bufio.Reader
	swap bool // file written in big-endian order
	nsec bool // record timestamps in nanoseconds, not microseconds
	link uint32
	hdr  [16]byte
	buf  []byte
	// hexOut receives the dump of a bad SLL header, which OVS prints to
	// stdout before failing.
	hexOut io.Writer
}

// openPcap reads and checks the file header. Errors are logged as OVS logs
// them; io.EOF means the header was short.
func openPcap(r io.Reader, hexOut io.Writer) (*pcapReader, error) {
	p := &pcapReader{r: bufio.NewReader(r), hexOut: hexOut}
	var h [24]byte
	if _, err := io.ReadFull(p.r, h[:]); err != nil {
		logPcap.Warn("failed to read pcap header: End of file")
		return nil, io.EOF
	}
	magic := binary.LittleEndian.Uint32(h[:])
	switch magic {
	case 0xa1b2c3d4:
	case 0xa1b23c4d:
		p.nsec = true
	case 0xd4c3b2a1:
		p.swap = true
	case 0x4d3cb2a1:
		p.swap, p.nsec = true, true
	default:
		logPcap.Warn("bad magic 0x%08x reading pcap file (expected 0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, or 0x4d3cb2a1)", magic)
		return nil, errPcapProto
	}
	p.link = p.u32(h[20:])
	if p.link != pcapLinkEthernet && p.link != pcapLinkSLL {
		logPcap.Warn("unknown network type %d reading pcap file", p.link)
		return nil, errPcapProto
	}
	return p, nil
}

func (p *pcapReader) u32(b []byte) uint32 {
	if p.swap {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// next returns the next frame as Ethernet (valid until the next call), or
// io.EOF at the end of the capture.
func (p *pcapReader) next() ([]byte, error) {
	if _, err := io.ReadFull(p.r, p.hdr[:]); err != nil {
		return nil, io.EOF
	}
	n := p.u32(p.hdr[8:])
	if n > pcapMaxRecord {
		raw := binary.LittleEndian.Uint32(p.hdr[8:])
		swapped := bits.ReverseBytes32(n)
		if swapped > pcapMaxRecord {
			logPcap.Warn("bad packet length %d or %d reading pcap file", bits.ReverseBytes32(raw), raw)
			return nil, errPcapProto
		}
		n = swapped
	}
	if cap(p.buf) < int(n) {
		p.buf = make([]byte, n, pcapMaxRecord)
	}
	b := p.buf[:n]
	if _, err := io.ReadFull(p.r, b); err != nil || n == 0 {
		logPcap.Warn("failed to read pcap packet: End of file")
		return nil, io.EOF
	}
	if p.link == pcapLinkSLL {
		return p.fromSLL(b)
	}
	return b, nil
}

// fromSLL turns a cooked capture's record into an Ethernet frame in place:
// the 16-byte SLL header becomes a 14-byte Ethernet header with a zero
// destination (SLL records only the sender's address).
func (p *pcapReader) fromSLL(b []byte) ([]byte, error) {
	if len(b) < sllHeaderLen {
		logPcap.Warn("pcap packet too short for SLL header")
		return nil, errPcapProto
	}
	if binary.BigEndian.Uint16(b[4:]) != 6 {
		logPcap.Warn("bad SLL header")
		p.hexOut.Write(openflow.AppendHexDump(nil, b[:sllHeaderLen], 0, false))
		return nil, errPcapProto
	}
	var src [6]byte
	copy(src[:], b[6:12])
	e := b[2:]
	clear(e[:6])
	copy(e[6:12], src[:])
	// The protocol at 14..16 is already where Ethernet's type goes.
	return e, nil
}

// errno maps a reader error to the exit status OVS gives it (EOF is -1).
func pcapStatus(err error) int {
	var e syscall.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return 255
}

// parsePcap prints the flow of every packet of every file; a file that
// fails is reported and the rest still read, and the status is that of
// the last failure.
func parsePcap(c *ctx, args []string) {
	status := 0
	var k flow.Key
	var line []byte
	for _, name := range args {
		f, err := os.Open(name)
		if err != nil {
			logPcap.Warn("%s: failed to open pcap file for reading (%s)", name, strerror(err))
			c.stderr.Write([]byte(program + ": " + name + ": open failed (" + strerror(err) + ")\n"))
			status = pcapStatus(err)
			continue
		}
		p, err := openPcap(f, c.out)
		if err != nil {
			f.Close()
			c.stderr.Write([]byte(program + ": " + name + ": open failed (" + strerror(err) + ")\n"))
			status = pcapStatus(err)
			continue
		}
		for {
			frame, err := p.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				c.stderr.Write([]byte(program + ": " + name + ": read failed (" + strerror(err) + ")\n"))
				status = pcapStatus(err)
				break
			}
			k = flow.Key{}
			flow.Extract(frame, &k)
			line = flow.AppendPacketText(line[:0], &k)
			line = append(line, '\n')
			c.out.Write(line)
		}
		f.Close()
	}
	if status != 0 {
		exitStatus(status)
	}
}
