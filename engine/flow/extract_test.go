package flow

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writePcap writes frames as a classic little-endian pcap with Ethernet
// link type, the format ovs-ofctl parse-pcap reads.
func writePcap(t testing.TB, path string, frames [][]byte) {
	t.Helper()
	var b bytes.Buffer
	hdr := make([]byte, 24)
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 65535)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	b.Write(hdr)
	for _, f := range frames {
		rec := make([]byte, 16)
		binary.LittleEndian.PutUint32(rec[8:], uint32(len(f)))
		binary.LittleEndian.PutUint32(rec[12:], uint32(len(f)))
		b.Write(rec)
		b.Write(f)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pcapFlowString is parse-pcap's text for an extracted key.
func pcapFlowString(k *Key) string { return string(AppendPacketText(nil, k)) }

// TestExtractVersusOVS runs the corpus through the real ovs-ofctl
// parse-pcap and through Extract, and compares the printed flows. Without
// ovs-ofctl it compares against the recorded output in testdata.
func TestExtractVersusOVS(t *testing.T) {
	// parse-pcap stops at an empty record, so empty frames are checked
	// by TestExtractEmpty instead.
	var corpus []corpusFrame
	for _, c := range extractCorpus() {
		if len(c.frame) > 0 {
			corpus = append(corpus, c)
		}
	}
	if len(corpus) < 60 {
		t.Fatalf("corpus has %d frames, want >= 60", len(corpus))
	}
	golden := filepath.Join("testdata", "parse-pcap.golden")
	var want []string
	if ofctl, err := exec.LookPath("ovs-ofctl"); err == nil {
		frames := make([][]byte, len(corpus))
		for i, c := range corpus {
			frames[i] = c.frame
		}
		pcap := filepath.Join(t.TempDir(), "corpus.pcap")
		writePcap(t, pcap, frames)
		out, err := exec.Command(ofctl, "parse-pcap", pcap).Output()
		if err != nil {
			t.Fatalf("ovs-ofctl parse-pcap: %v", err)
		}
		want = strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		if os.Getenv("FLOW_UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(golden, out, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		if os.Getenv("CI") == "true" {
			t.Fatal("ovs-ofctl not installed (CI=true)")
		}
		out, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		want = strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	}
	if len(want) != len(corpus) {
		t.Fatalf("oracle printed %d flows for %d frames", len(want), len(corpus))
	}
	for i, c := range corpus {
		var k Key
		Extract(c.frame, &k)
		if got := pcapFlowString(&k); got != want[i] {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, want[i])
		}
	}
}

func TestExtractEmpty(t *testing.T) {
	k := Key{InPort: 3, RecircID: 4, DpHash: 5, Mark: 6, Priority: 7, EthType: 0x0800, TpSrc: 9}
	lay := Extract(nil, &k)
	if want := (Key{InPort: 3, RecircID: 4, DpHash: 5, Mark: 6, Priority: 7}); k != want {
		t.Errorf("got %+v, want only metadata kept", k)
	}
	if lay != (Layers{}) {
		t.Errorf("layers %+v for an empty frame", lay)
	}
}

func TestExtractLayers(t *testing.T) {
	cases := []struct {
		name  string
		frame []byte
		want  Layers
	}{
		{"tcp-opts", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0, 64, nil, tcpHdr(22, 40000, 0x18, hx("0101080a0000000100000002")))), Layers{14, 34, 66}},
		{"vlan-udp-ipopts", cat(macDst, macSrc, hx("8100200a"), u16(0x0800), ipv4Pkt(17, 0, 0, 64, hx("94040000"), udpHdr(1, 2, nil))), Layers{18, 42, 50}},
		{"ipv6-hbh-udp", cat(ethHdr(0x86dd), ipv6Pkt(0, 1, cat(hx("1100050200000100"), udpHdr(1, 2, nil)))), Layers{14, 62, 70}},
		{"mpls", cat(ethHdr(0x8847), hx("00014000 000241ff")), Layers{22, 0, 0}},
		{"arp", cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 1)), Layers{14, 0, 0}},
		{"ipv4-bad", cat(ethHdr(0x0800), hx("4f00")), Layers{14, 0, 0}},
		{"frag-later", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0x00b9, 64, nil, udpHdr(1, 2, nil))), Layers{14, 34, 0}},
		{"tcp-short", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0, 64, nil, hx("0050"))), Layers{14, 34, 0}},
		{"runt", hx("0102030405"), Layers{}},
	}
	for _, c := range cases {
		var k Key
		if got := Extract(c.frame, &k); got != c.want {
			t.Errorf("%s: layers %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestExtractKeepsMetadataClearsRest(t *testing.T) {
	frame := cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 1))
	k := Key{InPort: 1, RecircID: 2, DpHash: 3, Mark: 4, Priority: 5, TpSrc: 80, TCPFlags: 2, NDTarget: [16]byte{1}}
	Extract(frame, &k)
	if k.InPort != 1 || k.RecircID != 2 || k.DpHash != 3 || k.Mark != 4 || k.Priority != 5 {
		t.Errorf("metadata changed: %+v", k)
	}
	if k.TpSrc != 0 || k.TCPFlags != 0 || k.NDTarget != ([16]byte{}) {
		t.Errorf("stale fields survived: %+v", k)
	}
	if k.EthType != EthTypeARP || k.NwProto != 1 || k.IPv4Src != [4]byte{10, 0, 0, 1} {
		t.Errorf("ARP not extracted: %+v", k)
	}
}

// TestExtractHiddenFields checks fields that parse-pcap does not print but
// the datapath key carries.
func TestExtractHiddenFields(t *testing.T) {
	var k Key
	Extract(cat(ethHdr(0x8847), hx("000140ff 000250fe 0003e1fd 000441ff")), &k)
	if k.MPLS != [3]uint32{0x000140ff, 0x000250fe, 0x0003e1fd} {
		t.Errorf("MPLS %x", k.MPLS)
	}
	Extract(cat(macDst, macSrc, hx("88a8200a"), hx("81003014"), u16(0x0800)), &k)
	if k.VLANs != [2]VLAN{{0x88a8, 0x300a}, {0x8100, 0x3014}} {
		t.Errorf("VLANs %x", k.VLANs)
	}
	// IPv4 carrying protocol 58 is parsed as ICMPv6, ND included.
	Extract(cat(ethHdr(0x0800), ipv4Pkt(58, 0, 0, 255, nil, ndMsg(135, v6Dst, llOpt(1, "aabbccddeeff")))), &k)
	if k.NDTarget != [16]byte(v6Dst) || k.ARPSHA != [6]byte(hx("aabbccddeeff")) {
		t.Errorf("ND over IPv4 not parsed as OVS does: %+v", k)
	}
}

func BenchmarkExtract(b *testing.B) {
	frames := []corpusFrame{
		{"tcp4", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0x4000, 64, nil, tcpHdr(80, 54321, 0x10, nil)), make([]byte, 1400))},
		{"udp4", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0, 64, nil, udpHdr(53, 33333, make([]byte, 64))))},
		{"tcp6", cat(ethHdr(0x86dd), ipv6Pkt(6, 64, tcpHdr(443, 50000, 0x011, nil)))},
		{"arp", cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 1))},
	}
	for _, f := range frames {
		b.Run(f.name, func(b *testing.B) {
			var k Key
			b.ReportAllocs()
			b.SetBytes(int64(len(f.frame)))
			for b.Loop() {
				Extract(f.frame, &k)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	for _, c := range extractCorpus() {
		f.Add(c.frame)
	}
	f.Fuzz(func(t *testing.T, frame []byte) {
		k1 := Key{InPort: 7, Mark: 9}
		l1 := Extract(frame, &k1)
		k2 := Key{InPort: 7, Mark: 9, TpSrc: 1, EthType: 2, NwFrag: 3}
		l2 := Extract(frame, &k2)
		if k1 != k2 || l1 != l2 {
			t.Fatalf("not deterministic: %+v %+v / %+v %+v", k1, l1, k2, l2)
		}
		if k1.InPort != 7 || k1.Mark != 9 {
			t.Fatal("metadata lost")
		}
		n := len(frame)
		if int(l1.L3) > n || int(l1.L4) > n || int(l1.L7) > n {
			t.Fatalf("layer offsets %+v beyond frame of %d", l1, n)
		}
	})
}
