package ofctl

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pcapFile builds a classic pcap: order is the byte order of every field,
// magic is written in it, and each record's stored length is lens[i] when
// given (to write lying records), the frame's length otherwise.
func pcapFile(order binary.ByteOrder, magic, link uint32, frames [][]byte, lens ...uint32) []byte {
	var b bytes.Buffer
	h := make([]byte, 24)
	order.PutUint32(h[0:], magic)
	order.PutUint16(h[4:], 2)
	order.PutUint16(h[6:], 4)
	order.PutUint32(h[16:], 65535)
	order.PutUint32(h[20:], link)
	b.Write(h)
	for i, f := range frames {
		r := make([]byte, 16)
		n := uint32(len(f))
		if i < len(lens) {
			n = lens[i]
		}
		order.PutUint32(r[0:], 1)
		order.PutUint32(r[8:], n)
		order.PutUint32(r[12:], n)
		b.Write(r)
		b.Write(f)
	}
	return b.Bytes()
}

func unhex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

var (
	pcapARP     = unhex("ffffffffffff 000102030405 0806 0001 0800 06 04 0001 000102030405 c0a80001 000000000000 c0a80002")
	pcapTCP     = unhex("000000000002 000000000001 0800 4500 0028 0000 4000 4006 0000 0a000001 0a000002 c350 0050 00000001 00000000 5012 2000 0000 0000")
	pcapVLANUDP = unhex("000000000002 000000000001 8100 a00a 0800 4510 0020 0000 2000 0111 0000 0a000001 0a000002 0035 1234 000c 0000 61626364")
	pcapFrag    = unhex("000000000002 000000000001 0800 4500 0020 0000 00b9 0111 0000 0a000001 0a000002 0035 1234 000c 0000 61626364")
	pcapND      = unhex("333300000001 000000000001 86dd 60012345 0020 3a ff fe800000000000000000000000000001 ff020000000000000000000000000001 8700 0000 00000000 fe800000000000000000000000000002 0101 000000000001")
	pcapMPLS    = unhex("000000000002 000000000001 8847 00014000 000241ff 4500")
	pcapSLL     = unhex("0000 0001 0006 000102030405 0000 0806 0001 0800 06 04 0002 000102030405 c0a80001 000000000007 c0a80002")
	pcapSLLBad  = unhex("0000 0001 0007 000102030405 0000 0806 0001 0800 06 04 0002")
)

// TestParsePcapAgainstRealOVS runs parse-pcap on hand-made captures
// (every kind of frame, both byte orders, cooked captures, and the broken
// files whose warnings and exit statuses OVS defines) with both tools.
func TestParsePcapAgainstRealOVS(t *testing.T) {
	needOVS(t, "ovs-ofctl")
	s := offlineTools(t)
	dir := s.dir
	le, be := binary.LittleEndian, binary.BigEndian
	all := [][]byte{pcapARP, pcapTCP, pcapVLANUDP, pcapFrag, pcapND, pcapMPLS, pcapARP[:5]}
	files := map[string][]byte{
		"le.pcap":      pcapFile(le, 0xa1b2c3d4, 1, all),
		"be.pcap":      pcapFile(be, 0xa1b2c3d4, 1, all),
		"ns.pcap":      pcapFile(le, 0xa1b23c4d, 1, all),
		"nsbe.pcap":    pcapFile(be, 0xa1b23c4d, 1, all),
		"magic.pcap":   pcapFile(le, 0x12345678, 1, all),
		"link0.pcap":   pcapFile(le, 0xa1b2c3d4, 0, all),
		"sll.pcap":     pcapFile(le, 0xa1b2c3d4, 113, [][]byte{pcapSLL, pcapSLL}),
		"sllbad.pcap":  pcapFile(le, 0xa1b2c3d4, 113, [][]byte{pcapSLL, pcapSLLBad}),
		"sllrunt.pcap": pcapFile(le, 0xa1b2c3d4, 113, [][]byte{pcapSLL[:15]}),
		"empty.pcap":   nil,
		"short.pcap":   pcapFile(le, 0xa1b2c3d4, 1, nil)[:20],
		"zero.pcap":    pcapFile(le, 0xa1b2c3d4, 1, [][]byte{pcapARP, {}, pcapTCP}),
		"cut.pcap":     pcapFile(le, 0xa1b2c3d4, 1, [][]byte{pcapARP, pcapTCP})[:24+16+len(pcapARP)+16+10],
		"cuthdr.pcap":  pcapFile(le, 0xa1b2c3d4, 1, [][]byte{pcapARP, pcapTCP})[:24+16+len(pcapARP)+7],
		"huge.pcap":    pcapFile(le, 0xa1b2c3d4, 1, [][]byte{pcapARP, pcapTCP}, uint32(len(pcapARP)), 0x7fffffff),
		"hugebe.pcap":  pcapFile(be, 0xa1b2c3d4, 1, [][]byte{pcapTCP}, 0x12345678),
		"swapped.pcap": pcapFile(le, 0xa1b2c3d4, 1, [][]byte{pcapTCP}, 0x10000),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []string{"parse-pcap", "parse-pcap missing.pcap", "parse-pcap -", "parse-pcap missing.pcap le.pcap",
		"parse-pcap le.pcap magic.pcap be.pcap", "parse-pcap le.pcap be.pcap ns.pcap nsbe.pcap"}
	for name := range files {
		cases = append(cases, "parse-pcap "+name)
	}
	compareOffline(t, s, cases)
}

func TestPcapReaderFrames(t *testing.T) {
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		p, err := openPcap(bytes.NewReader(pcapFile(order, 0xa1b2c3d4, 1, [][]byte{pcapARP, pcapTCP})), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range [][]byte{pcapARP, pcapTCP} {
			got, err := p.next()
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%v: got %x, %v; want %x", order, got, err, want)
			}
		}
		if _, err := p.next(); err != io.EOF {
			t.Fatalf("%v: after the last record: %v", order, err)
		}
	}
	p, err := openPcap(bytes.NewReader(pcapFile(binary.LittleEndian, 0xa1b2c3d4, 113, [][]byte{pcapSLL})), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.next()
	want := append(unhex("000000000000 000102030405"), pcapSLL[14:]...)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("SLL: got %x, %v; want %x", got, err, want)
	}
}

// FuzzPcapReader feeds arbitrary files to the reader: it must end with
// io.EOF or a protocol error, never panic, and every frame it returns fits
// in a record.
func FuzzPcapReader(f *testing.F) {
	f.Add(pcapFile(binary.LittleEndian, 0xa1b2c3d4, 1, [][]byte{pcapARP, pcapTCP}))
	f.Add(pcapFile(binary.BigEndian, 0xa1b23c4d, 1, [][]byte{pcapVLANUDP}))
	f.Add(pcapFile(binary.LittleEndian, 0xa1b2c3d4, 113, [][]byte{pcapSLL, pcapSLLBad}))
	f.Add(pcapFile(binary.LittleEndian, 0xa1b2c3d4, 1, [][]byte{pcapTCP}, 0x10000))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := openPcap(bytes.NewReader(data), io.Discard)
		if err != nil {
			return
		}
		for range len(data) + 1 {
			frame, err := p.next()
			if err != nil {
				if err != io.EOF && !errors.Is(err, errPcapProto) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if len(frame) > pcapMaxRecord {
				t.Fatalf("%d-byte frame", len(frame))
			}
		}
		t.Fatal("reader did not stop")
	})
}
