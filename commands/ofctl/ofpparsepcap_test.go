package ofctl

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Captures in testdata/ofp-parse-pcap were recorded by capture.sh there:
// Debian's ovs-vswitchd talking to ovs-testcontroller (OpenFlow 1.5, port
// 16653) and Debian's ovs-ofctl talking to the switch (1.0 and 1.3, port
// 16654), on a loopback with a small MTU and no segmentation offload, so
// that replies span segments and small messages share one.

var (
	ipA = [4]byte{127, 0, 0, 1}
	ipB = [4]byte{127, 0, 0, 2}

	ofHello  = unhex("0400000800000001")
	ofEcho   = unhex("0402000c00000002aabbccdd")
	ofFeat   = unhex("0405000800000003")
	ofShort  = unhex("0400000400000009") // claims 4 bytes: stalls its stream
	ofBadVer = unhex("7f00000800000004")
)

const (
	tcpPSH = 0x08
	tcpACK = 0x10
)

// tcpSeg describes one hand-made segment; the zero value of the optional
// fields gives a plain IPv4 TCP frame.
type tcpSeg struct {
	src, dst     [4]byte
	sport, dport uint16
	seq          uint32
	flags        uint8
	data         []byte
	pad          int  // Ethernet padding after the IP packet
	tcpOpts      int  // words of TCP options
	ipOpts       int  // words of IP options
	vlan         bool // an 802.1Q tag
	frag         uint16
}

func (s tcpSeg) frame() []byte {
	tcp := make([]byte, 20+4*s.tcpOpts)
	binary.BigEndian.PutUint16(tcp[0:], s.sport)
	binary.BigEndian.PutUint16(tcp[2:], s.dport)
	binary.BigEndian.PutUint32(tcp[4:], s.seq)
	tcp[12] = byte(5+s.tcpOpts) << 4
	tcp[13] = s.flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	for i := 20; i < len(tcp); i++ {
		tcp[i] = 1 // NOP options
	}
	tcp = append(tcp, s.data...)
	ip := make([]byte, 20+4*s.ipOpts)
	ip[0] = 0x40 | byte(5+s.ipOpts)
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)+len(tcp)))
	binary.BigEndian.PutUint16(ip[6:], 0x4000|s.frag)
	ip[8], ip[9] = 64, 6
	copy(ip[12:], s.src[:])
	copy(ip[16:], s.dst[:])
	f := unhex("000000000002 000000000001")
	if s.vlan {
		f = append(f, 0x81, 0, 0, 10)
	}
	f = append(f, 0x08, 0)
	f = append(append(f, ip...), tcp...)
	return append(f, make([]byte, s.pad)...)
}

// ofSeg is a data segment from A:40000 to B:6653.
func ofSeg(seq uint32, flags uint8, data ...[]byte) tcpSeg {
	return tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: seq, flags: flags, data: slices.Concat(data...)}
}

// ofSegBack is a data segment from B:6653 to A:40000.
func ofSegBack(seq uint32, flags uint8, data ...[]byte) tcpSeg {
	s := ofSeg(seq, flags, data...)
	s.src, s.dst, s.sport, s.dport = ipB, ipA, 6653, 40000
	return s
}

func tcpCapture(segs ...tcpSeg) []byte {
	frames := make([][]byte, len(segs))
	for i, s := range segs {
		frames[i] = s.frame()
	}
	return pcapFile(binary.LittleEndian, 0xa1b2c3d4, 1, frames)
}

// withTimes rewrites the record timestamps of a little-endian capture.
func withTimes(file []byte, times ...[2]uint32) []byte {
	file = slices.Clone(file)
	off := 24
	for _, t := range times {
		binary.LittleEndian.PutUint32(file[off:], t[0])
		binary.LittleEndian.PutUint32(file[off+4:], t[1])
		off += 16 + int(binary.LittleEndian.Uint32(file[off+8:]))
	}
	return file
}

func ipv6TCP() []byte {
	f := unhex("000000000002 000000000001 86dd 60000000 001c 06 40 00000000000000000000000000000001 00000000000000000000000000000002")
	return append(f, tcpSeg{sport: 40000, dport: 6653, seq: 1, flags: tcpPSH, data: ofHello}.frame()[34:]...)
}

// reassemblyCases are the hand-made captures: each is a behaviour of
// OVS's reassembly that shows in the output (see ofpparsepcap.go), with
// the xids ofp-parse-pcap prints for it on the default ports.
var reassemblyCases = []struct {
	name string
	file []byte
	xids []uint32
}{
	{"handshake", tcpCapture(
		ofSeg(1000, tcpSYN), ofSegBack(5000, tcpSYN|tcpACK),
		ofSeg(1001, tcpPSH, ofHello),
		ofSegBack(5001, tcpPSH, ofHello, ofEcho[:5]), // message split across segments
		ofSegBack(5014, tcpPSH, ofEcho[5:], ofFeat),  // the rest and another message
		ofSeg(1009, tcpACK),
		ofSeg(1009, tcpPSH, ofFeat[:3]), ofSeg(1012, tcpPSH, ofFeat[3:]),
	), []uint32{1, 1, 2, 3, 3}},
	{"out-of-order", tcpCapture(ofSeg(1000, tcpSYN), ofSeg(1009, tcpPSH, ofFeat), ofSeg(1001, tcpPSH, ofHello), ofSeg(1017, tcpPSH, ofEcho)), []uint32{1}},
	{"retransmit", tcpCapture(ofSeg(1001, tcpPSH, ofHello), ofSeg(1001, tcpPSH, ofHello), ofSeg(1009, tcpPSH, ofFeat)), []uint32{1, 3}},
	{"overlap", tcpCapture(ofSeg(1001, tcpPSH, ofHello, ofFeat[:4]), ofSeg(1009, tcpPSH, ofFeat), ofSeg(1013, tcpPSH, ofFeat[4:], ofEcho)), []uint32{1, 3, 2}},
	{"data-on-fin", tcpCapture(ofSeg(1001, tcpPSH, ofHello), ofSeg(1009, tcpPSH|tcpFIN, ofFeat), ofSeg(1017, tcpPSH, ofEcho)), []uint32{1, 2}},
	{"rst", tcpCapture(ofSeg(1001, tcpPSH, ofHello, ofFeat[:4]), ofSeg(1013, tcpRST), ofSeg(1013, tcpPSH, ofFeat[4:]), ofSeg(2000, tcpPSH, ofEcho)), []uint32{1}},
	{"syn-with-data", tcpCapture(ofSeg(1000, tcpSYN, ofHello), ofSeg(1001, tcpPSH, ofFeat), ofSeg(1009, tcpPSH, ofEcho)), []uint32{3, 2}},
	{"syn-fin", tcpCapture(ofSeg(1001, tcpPSH, ofHello), ofSeg(5000, tcpSYN|tcpFIN), ofSeg(7000, tcpPSH, ofFeat)), []uint32{1}},
	{"resyn", tcpCapture(ofSeg(1001, tcpPSH, ofHello[:4]), ofSeg(5000, tcpSYN), ofSeg(5001, tcpPSH, ofFeat)), []uint32{3}},
	{"mid-stream", tcpCapture(ofSeg(77777, tcpPSH, ofEcho[:3]), ofSeg(77780, tcpPSH, ofEcho[3:])), []uint32{2}},
	{"ack-first", tcpCapture(ofSeg(10, tcpACK), ofSeg(100, tcpPSH, ofFeat)), []uint32{3}},
	{"fin-first", tcpCapture(ofSeg(10, tcpFIN, ofHello), ofSeg(100, tcpPSH, ofFeat)), []uint32{3}},
	{"wrap-to-zero", tcpCapture(ofSeg(0xfffffffc, tcpPSH, ofHello[:4]), ofSeg(0, tcpPSH, ofHello[4:], ofFeat)), nil},
	{"zero-then-fin", tcpCapture(ofSeg(0xfffffff8, tcpPSH, ofHello), ofSeg(0, tcpFIN), ofSeg(7000, tcpPSH, ofFeat)), []uint32{1}},
	{"zero-then-ack", tcpCapture(ofSeg(0xfffffff8, tcpPSH, ofHello), ofSeg(0, tcpACK), ofSeg(1, tcpPSH, ofFeat)), []uint32{1, 3}},
	{"syn-wraps", tcpCapture(ofSeg(0xffffffff, tcpSYN), ofSeg(0, tcpPSH, ofHello), ofSeg(8, tcpPSH, ofFeat)), nil},
	{"data-at-zero", tcpCapture(ofSeg(0, tcpPSH, ofHello), ofSeg(1, tcpPSH, ofFeat), ofSeg(9, tcpPSH, ofEcho)), []uint32{3, 2}},
	{"short-length", tcpCapture(ofSeg(1001, tcpPSH, ofShort, ofHello), ofSeg(1017, tcpPSH, ofFeat)), nil},
	{"bad-version", tcpCapture(ofSeg(1001, tcpPSH, ofBadVer, ofHello)), []uint32{4, 1}},
	{"padding", tcpCapture(
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: 1001, flags: tcpACK, pad: 6},
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: 1001, flags: tcpPSH, data: ofHello[:1], pad: 6},
		ofSeg(1002, tcpPSH, ofHello[1:], ofFeat),
	), []uint32{1, 3}},
	{"options", tcpCapture(
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: 1, flags: tcpPSH, data: ofHello, tcpOpts: 3, ipOpts: 2},
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: 9, flags: tcpPSH, data: ofFeat, vlan: true},
	), []uint32{1, 3}},
	{"fragments", tcpCapture(
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: 1, flags: tcpPSH, data: ofHello, frag: 0x2000},
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6653, seq: 9, flags: tcpPSH, data: ofFeat, frag: 0x0004},
	), []uint32{1}},
	{"ports", tcpCapture(
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 6633, seq: 1, flags: tcpPSH, data: ofHello},
		tcpSeg{src: ipA, dst: ipB, sport: 6633, dport: 40000, seq: 1, flags: tcpPSH, data: ofFeat},
		tcpSeg{src: ipA, dst: ipB, sport: 40000, dport: 80, seq: 1, flags: tcpPSH, data: ofEcho},
		tcpSeg{src: ipA, dst: ipB, sport: 6653, dport: 6633, seq: 1, flags: tcpPSH, data: ofEcho},
	), []uint32{1, 3, 2}},
	{"not-ipv4", pcapFile(binary.LittleEndian, 0xa1b2c3d4, 1, [][]byte{ipv6TCP(), pcapARP, pcapVLANUDP}), nil},
}

var xidRE = regexp.MustCompile(`(?m)^[^ ].*\(xid=0x([0-9a-f]+)\)`)

// TestOFPParsePcapReassembly checks which messages come out of each
// hand-made capture, without the real tool.
func TestOFPParsePcapReassembly(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range reassemblyCases {
		name := filepath.Join(dir, tc.name+".pcap")
		if err := os.WriteFile(name, tc.file, 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if st := run([]string{"ovs-ofctl", "ofp-parse-pcap", name}, nil, &out, &errOut); st != 0 {
			t.Fatalf("%s: status %d: %s", tc.name, st, errOut.String())
		}
		var got []uint32
		for _, m := range xidRE.FindAllStringSubmatch(out.String(), -1) {
			x, _ := strconv.ParseUint(m[1], 16, 32)
			got = append(got, uint32(x))
		}
		if !slices.Equal(got, tc.xids) {
			t.Errorf("%s: xids %v, want %v\n%s", tc.name, got, tc.xids, out.String())
		}
	}
}

func TestOFPParsePcapFormat(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "x.pcap")
	file := withTimes(tcpCapture(ofSeg(1001, tcpPSH, ofHello, ofEcho), ofSegBack(9, tcpPSH, ofFeat)), [2]uint32{1700000000, 987654}, [2]uint32{1700000001, 5000})
	if err := os.WriteFile(name, file, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	run([]string{"ovs-ofctl", "--timestamp", "ofp-parse-pcap", name}, nil, &out, io.Discard)
	want := `22:13:20.987 127.0.0.1.40000 > 127.0.0.2.6653:
OFPT_HELLO (OF1.3) (xid=0x1):
 version bitmap: 0x01, 0x02, 0x03, 0x04

22:13:20.987 127.0.0.1.40000 > 127.0.0.2.6653:
OFPT_ECHO_REQUEST (OF1.3) (xid=0x2): 4 bytes of payload

22:13:21.005 127.0.0.2.6653 > 127.0.0.1.40000:
OFPT_FEATURES_REQUEST (OF1.3) (xid=0x3):
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	run([]string{"ovs-ofctl", "-m", "ofp-parse-pcap", name}, nil, &out, io.Discard)
	if !strings.Contains(out.String(), "4 bytes of payload\n00000000  aa bb cc dd") {
		t.Errorf("-m does not dump the echo payload:\n%s", out.String())
	}
}

// Ports are read with C's atoi (internal/cnum): "x" is port 0.
func TestOpenflowPortsAtoi(t *testing.T) {
	if p := parseOpenflowPorts(nil); !p.match(6653) || !p.match(6633) || p.match(0) {
		t.Error("default ports")
	}
	if p := parseOpenflowPorts([]string{"x", "80"}); !p.match(0) || !p.match(80) || p.match(6653) {
		t.Error("given ports")
	}
}

// TestOFPParsePcapAgainstRealOVS runs ofp-parse-pcap with both tools on
// the recorded captures, the hand-made ones and broken files.
func TestOFPParsePcapAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	dir := t.TempDir()
	s := &testSwitch{dir: dir, env: append(os.Environ(), "OVS_RUNDIR="+dir, "TZ=America/New_York")}
	files := map[string][]byte{}
	for _, tc := range reassemblyCases {
		files[tc.name+".pcap"] = tc.file
	}
	for _, n := range []string{"ofctl.pcap", "testcontroller.pcap"} {
		b, err := os.ReadFile(filepath.Join("testdata", "ofp-parse-pcap", n))
		if err != nil {
			t.Fatal(err)
		}
		files[n] = b
	}
	real := files["ofctl.pcap"]
	h := tcpCapture(ofSeg(1001, tcpPSH, ofHello, ofEcho), ofSegBack(9, tcpPSH, ofFeat))
	hello := ofSeg(1001, tcpPSH, ofHello).frame()
	sll := unhex("0000 0304 0006 000000000000 0000 0800")
	sll = append(sll, hello[14:]...)
	files["cut-record.pcap"] = real[:len(real)*2/3]
	files["cut-header.pcap"] = h[:24+16+len(ofSeg(1001, tcpPSH, ofHello, ofEcho).frame())+9]
	files["times.pcap"] = withTimes(h, [2]uint32{1700000000, 1987654}, [2]uint32{0xffffffff, 0xffffffff})
	files["nsec.pcap"] = pcapFile(binary.LittleEndian, 0xa1b23c4d, 1, [][]byte{hello})
	files["be.pcap"] = pcapFile(binary.BigEndian, 0xa1b2c3d4, 1, [][]byte{hello})
	files["sll.pcap"] = pcapFile(binary.LittleEndian, 0xa1b2c3d4, 113, [][]byte{sll, pcapSLLBad})
	files["huge.pcap"] = pcapFile(binary.LittleEndian, 0xa1b2c3d4, 1, [][]byte{hello, pcapARP}, uint32(len(hello)), 0x7fffffff)
	files["empty.pcap"] = nil
	files["short.pcap"] = h[:20]
	files["magic.pcap"] = pcapFile(binary.LittleEndian, 0x12345678, 1, nil)
	files["link.pcap"] = pcapFile(binary.LittleEndian, 0xa1b2c3d4, 228, nil)
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []string{
		"ofp-parse-pcap ofctl.pcap 16654", "-m ofp-parse-pcap ofctl.pcap 16654", "--timestamp ofp-parse-pcap ofctl.pcap 16654",
		"ofp-parse-pcap testcontroller.pcap 16653", "--timestamp ofp-parse-pcap testcontroller.pcap 16653",
		"-m ofp-parse-pcap testcontroller.pcap 16653", "-mm ofp-parse-pcap testcontroller.pcap 16653",
		"-mmmm ofp-parse-pcap testcontroller.pcap 16653", "-mmmm ofp-parse-pcap bad-version.pcap", "-mmmmm ofp-parse-pcap handshake.pcap",
		"ofp-parse-pcap testcontroller.pcap 16654 1 16653",
		"ofp-parse-pcap ofctl.pcap", "ofp-parse-pcap cut-record.pcap 16654", "ofp-parse-pcap cut-header.pcap",
		"--timestamp ofp-parse-pcap times.pcap", "--timestamp ofp-parse-pcap nsec.pcap", "--timestamp ofp-parse-pcap be.pcap",
		"ofp-parse-pcap sll.pcap", "ofp-parse-pcap huge.pcap", "ofp-parse-pcap empty.pcap", "ofp-parse-pcap short.pcap",
		"ofp-parse-pcap magic.pcap", "ofp-parse-pcap link.pcap", "ofp-parse-pcap missing.pcap", "ofp-parse-pcap -",
		"ofp-parse-pcap", "ofp-parse-pcap ports.pcap 6633", "ofp-parse-pcap ports.pcap 40000 80",
		"ofp-parse-pcap ports.pcap abc", "ofp-parse-pcap ports.pcap 4294973929", "ofp-parse-pcap ports.pcap -4294960663",
		"ofp-parse-pcap fragments.pcap 0", "ofp-parse-pcap ports.pcap -99999999999999999999", "ofp-parse-pcap ofctl.pcap 16654x",
	}
	for _, tc := range reassemblyCases {
		cases = append(cases, "ofp-parse-pcap "+tc.name+".pcap", "-m --timestamp ofp-parse-pcap "+tc.name+".pcap")
	}
	compareOffline(t, s, cases)
}

// FuzzTCPReassembly cuts a byte stream into segments and delivers them in
// an order, with repeats, that the fuzzer picks. Whatever the order, the
// data taken must be a prefix of the stream (nothing out of place), the
// messages cut from it plus what is left must be that data, and in-order
// delivery must take it all.
func FuzzTCPReassembly(f *testing.F) {
	f.Add(slices.Concat(ofHello, ofEcho, ofFeat), []byte{3, 0, 9, 0, 20, 1, 2, 0}, uint32(1000))
	f.Add(slices.Concat(ofShort, ofHello), []byte{1, 0, 1, 0}, uint32(0xfffffff0))
	f.Add([]byte{}, []byte{}, uint32(0))
	f.Fuzz(func(t *testing.T, stream, plan []byte, isn uint32) {
		if len(stream) > 1<<16 || len(plan) > 256 {
			return
		}
		// Keep the sequence numbers from wrapping to 0, which restarts
		// the stream (the unit cases cover that).
		if uint64(isn)+1+uint64(len(stream)) >= 1<<32 {
			isn -= 1 << 17
		}
		// Segment boundaries: each plan byte pair is a cut (mod the
		// stream's length) and the index of the segment to send.
		var cuts []int
		for i := 0; i+1 < len(plan); i += 2 {
			if len(stream) > 0 {
				cuts = append(cuts, int(plan[i])*len(stream)/256)
			}
		}
		cuts = append(cuts, 0, len(stream))
		slices.Sort(cuts)
		cuts = slices.Compact(cuts)
		type piece struct{ off, end int }
		var pieces []piece
		for i := 0; i+1 < len(cuts); i++ {
			pieces = append(pieces, piece{cuts[i], cuts[i+1]})
		}
		check := func(order []int, wantAll bool) {
			var r tcpReassembler
			k := tcpStreamKey{sport: 1, dport: 6653}
			r.segment(k, isn, tcpSYN, nil)
			var taken, msgs []byte
			var last *tcpStream
			for _, i := range order {
				p := pieces[i]
				s := r.segment(k, isn+1+uint32(p.off), tcpACK, stream[p.off:p.end])
				if s == nil {
					continue
				}
				taken = append(taken, stream[p.off:p.end]...)
				for m := s.message(); m != nil; m = s.message() {
					msgs = append(msgs, m...)
				}
				last = s
			}
			if !bytes.HasPrefix(stream, taken) {
				t.Fatalf("took bytes out of order: %x of %x", taken, stream)
			}
			if last != nil && !bytes.Equal(append(msgs, last.buf[last.off:]...), taken) {
				t.Fatalf("messages %x + rest %x != taken %x", msgs, last.buf[last.off:], taken)
			}
			if wantAll && !bytes.Equal(taken, stream) {
				t.Fatalf("in-order delivery took %d of %d bytes", len(taken), len(stream))
			}
		}
		var order []int
		for i := 1; i < len(plan); i += 2 {
			if len(pieces) > 0 {
				order = append(order, int(plan[i])%len(pieces))
			}
		}
		check(order, false)
		inOrder := make([]int, len(pieces))
		for i := range inOrder {
			inOrder[i] = i
		}
		check(inOrder, true)
	})
}

// FuzzOFPParsePcap runs the whole command on arbitrary capture files: it
// must end, with no panic, whatever the bytes.
func FuzzOFPParsePcap(f *testing.F) {
	for _, tc := range reassemblyCases {
		f.Add(tc.file)
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "ofp-parse-pcap", "testcontroller.pcap")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := openPcap(bytes.NewReader(data), io.Discard)
		if err != nil {
			return
		}
		c := &ctx{out: bufio.NewWriter(io.Discard), stderr: io.Discard, timestamp: true}
		c.printPcapStreams(p, nil)
		p, _ = openPcap(bytes.NewReader(data), io.Discard)
		c.printPcapStreams(p, parseOpenflowPorts([]string{"0"}))
	})
}

// BenchmarkOFPParsePcap reads the recorded ovs-ofctl session: reassembly
// and framing should not allocate per segment (printing decodes each
// message, which does).
func BenchmarkOFPParsePcap(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "ofp-parse-pcap", "ofctl.pcap"))
	if err != nil {
		b.Fatal(err)
	}
	ports := parseOpenflowPorts([]string{"16654"})
	c := &ctx{out: bufio.NewWriter(io.Discard), stderr: io.Discard}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		p, _ := openPcap(bytes.NewReader(data), io.Discard)
		c.printPcapStreams(p, ports)
	}
}

// BenchmarkTCPReassembly is the stream path alone: segments in order,
// each completing one message.
func BenchmarkTCPReassembly(b *testing.B) {
	var r tcpReassembler
	k := tcpStreamKey{sport: 40000, dport: 6653}
	r.segment(k, 0, tcpSYN, nil)
	seq := uint32(1)
	b.ReportAllocs()
	for b.Loop() {
		if seq > 1<<31 {
			r.segment(k, 0, tcpSYN, nil) // stay clear of the wrap to 0
			seq = 1
		}
		s := r.segment(k, seq, tcpPSH, ofEcho)
		seq += uint32(len(ofEcho))
		if s == nil || s.message() == nil {
			b.Fatal("message not reassembled")
		}
	}
}
