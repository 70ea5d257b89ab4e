package ofctl

import (
	"bytes"
	"encoding/binary"
	"os"
	"strconv"
	"time"

	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/internal/cnum"
	"github.com/govs/ovs/proto/openflow"
)

// ofp-parse-pcap: the OpenFlow messages of the TCP connections in a
// capture. Frames come from the pcap reader behind parse-pcap and are
// parsed by flow.Extract, so both commands agree on what a frame holds.
//
// The TCP reassembly is deliberately as naive as OVS 3.1's, because what
// it drops shows in the output and scripts compare that output:
//
//   - a stream is one direction of a connection, keyed by addresses and
//     ports only; it starts at a SYN or at the first segment with data;
//   - only the segment whose sequence number is the next one expected is
//     taken: a retransmission, an overlap or an early segment is dropped,
//     and after a gap that is never filled in order the rest of that
//     direction is lost;
//   - a SYN, or an expected sequence number that has wrapped to 0 (OVS's
//     "not started" value), restarts the stream without taking the data;
//   - a FIN or RST ends the stream, data on it included;
//   - messages are cut by the OpenFlow header's length; a header claiming
//     fewer than 8 bytes stalls its stream for good.
//
// Capture files are finite, so a stalled stream's growing buffer is
// bounded by the file's size, as in OVS.

const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
)

// tcpStreamKey names one direction of a TCP connection.
type tcpStreamKey struct {
	src, dst     [4]byte
	sport, dport uint16
}

type tcpStream struct {
	next uint32 // sequence number of the next byte expected
	buf  []byte // received bytes; buf[off:] are not yet consumed
	off  int
}

type tcpReassembler struct {
	streams map[tcpStreamKey]*tcpStream
}

// segment feeds one TCP segment. It returns the stream when the segment
// was taken in order (its data, possibly none, appended); nil otherwise.
func (r *tcpReassembler) segment(k tcpStreamKey, seq uint32, flags uint16, payload []byte) *tcpStream {
	s := r.streams[k]
	if s == nil {
		if flags&tcpSYN == 0 && len(payload) == 0 {
			return nil
		}
		if r.streams == nil {
			r.streams = make(map[tcpStreamKey]*tcpStream)
		}
		s = &tcpStream{next: seq}
		if flags&tcpSYN != 0 {
			s.next = seq + 1
		}
		r.streams[k] = s
	}
	switch {
	case flags&tcpSYN != 0 || s.next == 0:
		s.buf, s.off = s.buf[:0], 0
		s.next = seq + 1
		return nil
	case flags&(tcpFIN|tcpRST) != 0:
		delete(r.streams, k)
		return nil
	case seq != s.next:
		return nil
	}
	if s.off > 0 {
		// Only a partial message is left: move it to the front so the
		// buffer is reused instead of growing.
		n := copy(s.buf, s.buf[s.off:])
		s.buf, s.off = s.buf[:n], 0
	}
	s.buf = append(s.buf, payload...)
	s.next += uint32(len(payload))
	return s
}

// message consumes and returns the stream's next complete message (valid
// until the next segment), or nil when none is complete.
func (s *tcpStream) message() []byte {
	b := s.buf[s.off:]
	if len(b) < openflow.HeaderLen {
		return nil
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < openflow.HeaderLen || n > len(b) {
		return nil
	}
	s.off += n
	return b[:n]
}

// tcpSegment finds the TCP header fields and payload of a frame that
// flow.Extract parsed as IPv4 TCP. The payload ends where the IP packet
// does, so Ethernet padding is not data.
func tcpSegment(frame []byte, lay flow.Layers) (seq uint32, flags uint16, payload []byte, ok bool) {
	l3, l4 := int(lay.L3), int(lay.L4)
	if l3 == 0 || l4 <= l3 || len(frame) < l3+4 {
		return 0, 0, nil, false
	}
	end := l3 + int(binary.BigEndian.Uint16(frame[l3+2:]))
	if end > len(frame) || l4 > end {
		return 0, 0, nil, false
	}
	tcp := frame[l4:end]
	if len(tcp) < 20 {
		return 0, 0, nil, false
	}
	hl := int(tcp[12]>>4) * 4
	if hl < 20 || hl > len(tcp) {
		return 0, 0, nil, false
	}
	return binary.BigEndian.Uint32(tcp[4:]), binary.BigEndian.Uint16(tcp[12:]) & 0x0fff, tcp[hl:], true
}

// openflowPorts holds the PORT arguments, compared as OVS compares them:
// each is C's atoi of the text, so "6653x" is 6653, a word is 0 and
// values past int's range wrap.
type openflowPorts []int32

func parseOpenflowPorts(args []string) openflowPorts {
	ports := make(openflowPorts, len(args))
	for i, a := range args {
		ports[i] = cnum.Atoi(a)
	}
	return ports
}

func (p openflowPorts) match(port uint16) bool {
	if len(p) == 0 {
		return port == 6653 || port == 6633
	}
	for _, q := range p {
		if q == int32(port) {
			return true
		}
	}
	return false
}

// when is the current record's capture time in milliseconds.
func (p *pcapReader) when() int64 {
	sec, frac := int64(p.u32(p.hdr[0:])), int64(p.u32(p.hdr[4:]))
	if p.nsec {
		return sec*1000 + frac/1000000
	}
	return sec*1000 + frac/1000
}

func ofpParsePcap(c *ctx, args []string) {
	name := args[0]
	f, err := os.Open(name)
	if err != nil {
		logPcap.Warn("%s: failed to open pcap file for reading (%s)", name, strerror(err))
		fatal("%s: open failed (%s)", name, strerror(err))
	}
	defer f.Close()
	p, err := openPcap(f, c.out)
	if err != nil {
		fatal("%s: open failed (%s)", name, strerror(err))
	}
	c.printPcapStreams(p, parseOpenflowPorts(args[1:]))
}

// printPcapStreams prints every message of the capture's OpenFlow
// streams. A read error ends the capture quietly (the reader has logged
// it), as in OVS, whose status stays 0.
func (c *ctx) printPcapStreams(p *pcapReader, ports openflowPorts) {
	var (
		r     tcpReassembler
		k     flow.Key
		line  []byte
		first = true
	)
	for {
		frame, err := p.next()
		if err != nil {
			return
		}
		lay := flow.Extract(frame, &k)
		if k.EthType != flow.EthTypeIP || k.NwProto != flow.IPProtoTCP ||
			!ports.match(k.TpSrc) && !ports.match(k.TpDst) {
			continue
		}
		seq, flags, payload, ok := tcpSegment(frame, lay)
		if !ok {
			continue
		}
		s := r.segment(tcpStreamKey{k.IPv4Src, k.IPv4Dst, k.TpSrc, k.TpDst}, seq, flags, payload)
		if s == nil {
			continue
		}
		for m := s.message(); m != nil; m = s.message() {
			line = line[:0]
			if !first {
				line = append(line, '\n')
			}
			first = false
			if c.timestamp {
				line = time.UnixMilli(p.when()).UTC().AppendFormat(line, "15:04:05.000 ")
			}
			line = appendEndpoint(line, k.IPv4Src, k.TpSrc)
			line = append(line, " > "...)
			line = appendEndpoint(line, k.IPv4Dst, k.TpDst)
			line = append(line, ":\n"...)
			c.out.Write(line)
			c.printCaptured(m)
		}
	}
}

func appendEndpoint(b []byte, ip [4]byte, port uint16) []byte {
	for _, x := range ip {
		b = strconv.AppendUint(b, uint64(x), 10)
		b = append(b, '.')
	}
	return strconv.AppendUint(b, uint64(port), 10)
}

// printCaptured prints a message at OVS's verbosity for captures, 1 + the
// number of -m. AppendPrint prints at verbosity 2 (ofp-print's default);
// the levels differ in three places: below 2 an echo's payload is counted
// but not dumped, from 3 on a packet-in's or packet-out's packet is also
// dumped in hex, and from 5 on the whole message is (once: a message that
// does not decode has its dump already).
func (c *ctx) printCaptured(m []byte) {
	verbosity := 1 + c.more
	c.pbuf = openflow.AppendPrint(c.pbuf[:0], m)
	if verbosity < 2 && (m[1] == echoRequestType || m[1] == echoReplyType) {
		if nl := bytes.IndexByte(c.pbuf, '\n'); nl >= 0 && bytes.HasSuffix(c.pbuf[:nl], []byte(" bytes of payload")) {
			c.pbuf = c.pbuf[:nl+1]
		}
	}
	if verbosity >= 3 {
		msg, _, err := openflow.Decode(m)
		if err == nil {
			switch msg := msg.(type) {
			case *openflow.PacketIn:
				c.pbuf = openflow.AppendHexDump(c.pbuf, msg.Data, 0, false)
			case *openflow.PacketOut:
				c.pbuf = openflow.AppendHexDump(c.pbuf, msg.Data, 0, false)
			}
			if verbosity >= 5 {
				c.pbuf = openflow.AppendHexDump(c.pbuf, m, 0, true)
			}
		}
	}
	if c.color {
		c.pbuf = c.colorize(c.pbuf, m)
	}
	c.out.Write(c.pbuf)
}

// OFPT_ECHO_REQUEST and OFPT_ECHO_REPLY have these numbers in every
// OpenFlow version.
const (
	echoRequestType = 2
	echoReplyType   = 3
)
