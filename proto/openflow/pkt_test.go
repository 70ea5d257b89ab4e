package openflow

import (
	"bytes"
	"encoding/hex"
	"testing"
)

func TestPacketInRoundTrip(t *testing.T) {
	data := []byte("\x01\x02\x03\x04\x05\x06\x0a\x0b\x0c\x0d\x0e\x0f\x08\x06 arp-ish payload")
	for _, f := range []PacketInFormat{PacketInStandard, PacketInNXT, PacketInNXT2} {
		for v := V10; v <= V15; v++ {
			in := &PacketIn{Format: f, BufferID: 7, TotalLen: uint32(len(data)), Reason: ReasonAction,
				Cookie: CookieNone, Data: data}
			if v >= V11 || f != PacketInStandard {
				in.TableID = 3
			}
			if v >= V13 || f != PacketInStandard {
				in.Cookie = 0x1234
			}
			if f == PacketInNXT2 {
				in.Userdata = []byte{1, 2, 3}
			}
			in.Metadata.setUint(FieldInPort, 5, 0xffff)
			b, err := Encode(in, uint8(v), 9)
			if err != nil {
				t.Fatalf("%v %v: %v", f, v, err)
			}
			m, h, err := Decode(b)
			if err != nil || h.Xid != 9 {
				t.Fatalf("%v %v: decode %x: %v", f, v, b, err)
			}
			out := m.(*PacketIn)
			if out.Format != f || out.BufferID != 7 || out.TableID != in.TableID || out.Cookie != in.Cookie ||
				out.Reason != ReasonAction || !bytes.Equal(out.Data, data) || !out.Metadata.Equal(&in.Metadata) ||
				!bytes.Equal(out.Userdata, in.Userdata) || out.TotalLen != in.TotalLen {
				t.Errorf("%v %v: got %+v want %+v", f, v, out, in)
			}
		}
	}
}

func TestPacketOutRoundTrip(t *testing.T) {
	for v := V10; v <= V15; v++ {
		if v == V11 {
			continue // no 1.1 action codec
		}
		po := &PacketOut{BufferID: BufferNone, InPort: PortController,
			Actions: []Action{&Output{Port: 2}}, Data: []byte("payload")}
		b, err := Encode(po, uint8(v), 1)
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		m, _, err := Decode(b)
		if err != nil {
			t.Fatalf("%v: %x: %v", v, b, err)
		}
		got := m.(*PacketOut)
		if got.InPort != PortController || got.BufferID != BufferNone || len(got.Actions) != 1 ||
			!bytes.Equal(got.Data, po.Data) {
			t.Errorf("%v: got %+v", v, got)
		}
	}
}

func TestPacketInDecodeErrors(t *testing.T) {
	for _, h := range []string{
		"010a000c00000000ffffffff",                         // 1.0 too short
		"040a0010000000000000000000000000",                 // 1.3 no match
		"0404001400000000000023200000001e00000005",         // NXT2 bad prop len
		"0404001800000000000023200000001e0001000800000040", // NXT2 without packet
		"040d001800000000000000000000000100100000000000",   // packet-out 1.3 actions overrun
	} {
		b, _ := hex.DecodeString(h)
		if len(b) >= 4 {
			b[2], b[3] = byte(len(b)>>8), byte(len(b))
		}
		if _, _, err := Decode(b); err == nil {
			t.Errorf("%s: decoded without error", h)
		}
		_ = Print(b)
	}
}

func pktSeeds(f *testing.F) {
	for _, h := range []string{
		"010a00220000000000000001003cfffe000050540000000150540000000208008899",
		"0404005000000000000023200000001e0000004050540000000150540000000208004500002800010000400600000a0000010a00000204d2005000000001000000005012200000000000000000000000",
		"040d006400000005fffffffffffffffd00100000000000000000001000000002000000000000000050540000000150540000000208004500002800010000400600000a0000010a00000204d2005000000001000000005012200000000000000000000000",
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
}

// FuzzDecodePacket feeds packet-in/packet-out bodies of every version and
// framing through Decode and Print.
func FuzzDecodePacket(f *testing.F) {
	pktSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) < HeaderLen || len(b) > MaxMessageLen {
			return
		}
		b[2], b[3] = byte(len(b)>>8), byte(len(b))
		Decode(b)
		Print(b)
	})
}

// FuzzPacketSummary runs the print-only flow extractor over raw frames.
func FuzzPacketSummary(f *testing.F) {
	f.Add([]byte{})
	b, _ := hex.DecodeString("333300000001505400000002" + "86dd6012345600081140" + "00000000000000000000000000000001" + "00000000000000000000000000000002003514e90008beef")
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) { AppendPacketSummary(nil, b) })
}
