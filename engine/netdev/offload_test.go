package netdev

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// refCsum is a deliberately naive RFC 1071 checksum, independent of csumAdd.
func refCsum(parts ...[]byte) uint16 {
	var all []byte
	for _, p := range parts {
		all = append(all, p...)
	}
	var s uint32
	for i := 0; i+1 < len(all); i += 2 {
		s += uint32(all[i])<<8 | uint32(all[i+1])
	}
	if len(all)%2 == 1 {
		s += uint32(all[len(all)-1]) << 8
	}
	for s > 0xffff {
		s = s&0xffff + s>>16
	}
	return uint16(s)
}

type testFrame struct {
	v6    bool
	udp   bool
	vlan  bool
	flags uint8 // TCP flags
	seq   uint32
	ipID  uint16
}

// build returns a frame with the given payload and its header offsets.
func (tf testFrame) build(payload []byte) (frame []byte, l3, l4 int) {
	f := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1}
	if tf.vlan {
		f = append(f, 0x81, 0x00, 0x20, 0x0a)
	}
	l4len := 20
	if tf.udp {
		l4len = 8
	}
	if tf.v6 {
		f = append(f, 0x86, 0xdd)
		l3 = len(f)
		ip := make([]byte, 40)
		ip[0] = 0x60
		binary.BigEndian.PutUint16(ip[4:], uint16(l4len+len(payload)))
		ip[6] = 6
		if tf.udp {
			ip[6] = 17
		}
		ip[7] = 64
		for i := 8; i < 40; i++ {
			ip[i] = byte(i * 7)
		}
		f = append(f, ip...)
	} else {
		f = append(f, 0x08, 0x00)
		l3 = len(f)
		ip := make([]byte, 20)
		ip[0] = 0x45
		binary.BigEndian.PutUint16(ip[2:], uint16(20+l4len+len(payload)))
		binary.BigEndian.PutUint16(ip[4:], tf.ipID)
		ip[6] = 0x40 // DF
		ip[8] = 64
		ip[9] = 6
		if tf.udp {
			ip[9] = 17
		}
		copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
		f = append(f, ip...)
	}
	l4 = len(f)
	if tf.udp {
		u := make([]byte, 8)
		binary.BigEndian.PutUint16(u[0:], 5000)
		binary.BigEndian.PutUint16(u[2:], 5001)
		binary.BigEndian.PutUint16(u[4:], uint16(8+len(payload)))
		f = append(f, u...)
	} else {
		t := make([]byte, 20)
		binary.BigEndian.PutUint16(t[0:], 40000)
		binary.BigEndian.PutUint16(t[2:], 5201)
		binary.BigEndian.PutUint32(t[4:], tf.seq)
		binary.BigEndian.PutUint32(t[8:], 777)
		t[12] = 5 << 4
		t[13] = tf.flags
		binary.BigEndian.PutUint16(t[14:], 512)
		f = append(f, t...)
	}
	f = append(f, payload...)
	return f, l3, l4
}

// pseudoSum is the pseudo-header part of an L4 checksum for the frame's IP
// header, as the kernel leaves it in a partial checksum field.
func pseudoSum(f []byte, l3, l4 int, v6 bool, proto byte) uint16 {
	ln := make([]byte, 4)
	binary.BigEndian.PutUint32(ln, uint32(len(f)-l4))
	if v6 {
		return refCsum(f[l3+8:l3+40], ln, []byte{0, proto})
	}
	return refCsum(f[l3+12:l3+20], ln[2:], []byte{0, proto})
}

func checkL4(t *testing.T, f []byte, l3, l4 int, v6 bool, proto byte) {
	t.Helper()
	ln := make([]byte, 4)
	binary.BigEndian.PutUint32(ln, uint32(len(f)-l4))
	var s uint16
	if v6 {
		s = refCsum(f[l3+8:l3+40], ln, []byte{0, proto}, f[l4:])
	} else {
		s = refCsum(f[l3+12:l3+20], ln[2:], []byte{0, proto}, f[l4:])
	}
	if s != 0xffff {
		t.Errorf("bad L4 checksum (sum %#04x)", s)
	}
}

func payloadOf(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + i>>8)
	}
	return b
}

func TestFinishChecksum(t *testing.T) {
	for _, tf := range []testFrame{{}, {v6: true}, {udp: true}, {v6: true, udp: true, vlan: true}} {
		for _, plen := range []int{0, 1, 2, 3, 33, 1400} {
			f, l3, l4 := tf.build(payloadOf(plen))
			proto, off := byte(6), 16
			if tf.udp {
				proto, off = 17, 6
			}
			binary.BigEndian.PutUint16(f[l4+off:], pseudoSum(f, l3, l4, tf.v6, proto))
			p := DefaultPool.Get()
			p.SetLen(copy(p.Buffer(), f))
			p.Vnet = VnetHdr{Flags: VnetHdrFNeedsCsum, CsumStart: uint16(l4), CsumOffset: uint16(off)}
			if err := FinishChecksum(p); err != nil {
				t.Fatal(err)
			}
			checkL4(t, p.Data, l3, l4, tf.v6, proto)
			if p.Vnet.Flags&VnetHdrFNeedsCsum != 0 {
				t.Error("NeedsCsum still set")
			}
			DefaultPool.Put(p)
		}
	}
}

func TestFinishChecksumBadOffsets(t *testing.T) {
	p := DefaultPool.Get()
	p.SetLen(60)
	for _, v := range []VnetHdr{
		{Flags: VnetHdrFNeedsCsum, CsumStart: 60, CsumOffset: 0},
		{Flags: VnetHdrFNeedsCsum, CsumStart: 50, CsumOffset: 9},
		{Flags: VnetHdrFNeedsCsum, CsumStart: 0xffff, CsumOffset: 0xffff},
	} {
		p.Vnet = v
		if err := FinishChecksum(p); !errors.Is(err, ErrBadOffload) {
			t.Errorf("%+v: got %v, want ErrBadOffload", v, err)
		}
	}
	// Without NeedsCsum there is nothing to do.
	p.Vnet = VnetHdr{CsumStart: 0xffff}
	if err := FinishChecksum(p); err != nil {
		t.Error(err)
	}
}

func TestSegment(t *testing.T) {
	cases := []struct {
		name string
		tf   testFrame
		gso  uint8
		plen int
		mss  int
	}{
		{"tcp4", testFrame{flags: 0x18 | 0x80 | 0x01, seq: 0xfffff000, ipID: 0xfffe}, VnetGSOTCPv4, 65000, 1448},
		{"tcp4-vlan-exact", testFrame{vlan: true, flags: 0x10}, VnetGSOTCPv4, 1448 * 3, 1448},
		{"tcp6", testFrame{v6: true, flags: 0x18}, VnetGSOTCPv6, 10001, 1428},
		{"tcp6-ecn", testFrame{v6: true, flags: 0x80 | 0x10}, VnetGSOTCPv6 | VnetGSOECN, 3000, 1000},
		{"udp4", testFrame{udp: true, ipID: 7}, VnetGSOUDPL4, 5000, 1472},
		{"udp6-vlan", testFrame{udp: true, v6: true, vlan: true}, VnetGSOUDPL4, 2953, 1452},
		{"one-segment", testFrame{flags: 0x19}, VnetGSOTCPv4, 100, 1448},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			payload := payloadOf(c.plen)
			f, l3, l4 := c.tf.build(payload)
			p := DefaultPool.Get()
			p.SetLen(copy(p.Buffer(), f))
			p.InPort = 7
			proto := byte(6)
			if c.tf.udp {
				proto = 17
			}
			p.Vnet = VnetHdr{Flags: VnetHdrFNeedsCsum, GSOType: c.gso, GSOSize: uint16(c.mss), CsumStart: uint16(l4)}
			out, err := Segment(p, DefaultPool, make([]*Packet, 0, 64))
			if err != nil {
				t.Fatal(err)
			}
			want := (c.plen + c.mss - 1) / c.mss
			if len(out) != want {
				t.Fatalf("%d segments, want %d", len(out), want)
			}
			if !bytes.Equal(p.Data, f) {
				t.Error("Segment modified its input")
			}
			hdrLen := l4 + 20
			if c.tf.udp {
				hdrLen = l4 + 8
			}
			var got []byte
			for i, q := range out {
				s := q.Data
				if q.InPort != 7 {
					t.Errorf("segment %d: InPort %d", i, q.InPort)
				}
				if !bytes.Equal(s[:l3], f[:l3]) {
					t.Errorf("segment %d: L2 header changed", i)
				}
				plen := len(s) - hdrLen
				if plen > c.mss || (i < len(out)-1 && plen != c.mss) {
					t.Errorf("segment %d: %d payload bytes", i, plen)
				}
				got = append(got, s[hdrLen:]...)
				if c.tf.v6 {
					if n := binary.BigEndian.Uint16(s[l3+4:]); int(n) != len(s)-l3-40 {
						t.Errorf("segment %d: IPv6 payload length %d", i, n)
					}
				} else {
					if n := binary.BigEndian.Uint16(s[l3+2:]); int(n) != len(s)-l3 {
						t.Errorf("segment %d: IPv4 total length %d", i, n)
					}
					if id := binary.BigEndian.Uint16(s[l3+4:]); id != c.tf.ipID+uint16(i) {
						t.Errorf("segment %d: IP id %d", i, id)
					}
					if refCsum(s[l3:l3+20]) != 0xffff {
						t.Errorf("segment %d: bad IPv4 header checksum", i)
					}
				}
				checkL4(t, s, l3, l4, c.tf.v6, proto)
				if c.tf.udp {
					if n := binary.BigEndian.Uint16(s[l4+4:]); int(n) != len(s)-l4 {
						t.Errorf("segment %d: UDP length %d", i, n)
					}
					continue
				}
				if seq := binary.BigEndian.Uint32(s[l4+4:]); seq != c.tf.seq+uint32(i*c.mss) {
					t.Errorf("segment %d: seq %#x", i, seq)
				}
				wantFlags := c.tf.flags
				if i > 0 {
					wantFlags &^= 0x80
				}
				if i < len(out)-1 {
					wantFlags &^= 0x09
				}
				if fl := s[l4+13]; fl != wantFlags {
					t.Errorf("segment %d: flags %#x, want %#x", i, fl, wantFlags)
				}
			}
			if !bytes.Equal(got, payload) {
				t.Error("segment payloads do not add up to the original")
			}
			for _, q := range out {
				DefaultPool.Put(q)
			}
			DefaultPool.Put(p)
		})
	}
}

func TestSegmentErrors(t *testing.T) {
	f, _, l4 := testFrame{}.build(payloadOf(3000))
	f6, _, _ := testFrame{v6: true}.build(payloadOf(3000))
	cases := []struct {
		name  string
		frame []byte
		v     VnetHdr
	}{
		{"not-gso", f, VnetHdr{GSOSize: 1000}},
		{"zero-size", f, VnetHdr{GSOType: VnetGSOTCPv4}},
		{"ufo", f, VnetHdr{GSOType: VnetGSOUDP, GSOSize: 1000}},
		{"v6-type-on-v4", f, VnetHdr{GSOType: VnetGSOTCPv6, GSOSize: 1000}},
		{"v4-type-on-v6", f6, VnetHdr{GSOType: VnetGSOTCPv4, GSOSize: 1000}},
		{"udp-type-on-tcp", f, VnetHdr{GSOType: VnetGSOUDPL4, GSOSize: 1000}},
		{"truncated", f[:l4+10], VnetHdr{GSOType: VnetGSOTCPv4, GSOSize: 1000}},
		{"no-payload", f[:l4+20], VnetHdr{GSOType: VnetGSOTCPv4, GSOSize: 1000}},
		{"too-many-segments", f, VnetHdr{GSOType: VnetGSOTCPv4, GSOSize: 1}},
	}
	for _, c := range cases {
		p := DefaultPool.Get()
		p.SetLen(copy(p.Buffer(), c.frame))
		p.Vnet = c.v
		out, err := Segment(p, DefaultPool, nil)
		if !errors.Is(err, ErrBadOffload) || len(out) != 0 {
			t.Errorf("%s: got %d segments, error %v", c.name, len(out), err)
		}
		DefaultPool.Put(p)
	}
}

func TestSegmentAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race")
	}
	f, _, l4 := testFrame{flags: 0x10}.build(payloadOf(60000))
	p := DefaultPool.Get()
	p.SetLen(copy(p.Buffer(), f))
	p.Vnet = VnetHdr{Flags: VnetHdrFNeedsCsum, GSOType: VnetGSOTCPv4, GSOSize: 1448, CsumStart: uint16(l4), CsumOffset: 16}
	out := make([]*Packet, 0, 64)
	pool := &Pool{}
	run := func() {
		var err error
		out, err = Segment(p, pool, out[:0])
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range out {
			pool.Put(q)
		}
	}
	run()
	if n := testing.AllocsPerRun(20, run); n > 1 {
		// sync.Pool may drop an item across a GC; more than that is a leak
		// on the hot path.
		t.Errorf("Segment allocates %.1f times per call", n)
	}
}

func BenchmarkSegment(b *testing.B) {
	f, _, l4 := testFrame{flags: 0x10}.build(payloadOf(64000))
	p := DefaultPool.Get()
	p.SetLen(copy(p.Buffer(), f))
	p.Vnet = VnetHdr{Flags: VnetHdrFNeedsCsum, GSOType: VnetGSOTCPv4, GSOSize: 1448, CsumStart: uint16(l4), CsumOffset: 16}
	out := make([]*Packet, 0, 64)
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	for b.Loop() {
		out, _ = Segment(p, DefaultPool, out[:0])
		for _, q := range out {
			DefaultPool.Put(q)
		}
	}
}

func FuzzSegment(f *testing.F) {
	fr, _, l4 := testFrame{flags: 0x18}.build(payloadOf(3000))
	f.Add(fr, uint8(VnetHdrFNeedsCsum), uint8(VnetGSOTCPv4), uint16(l4+20), uint16(1448), uint16(l4), uint16(16))
	fr6, _, l46 := testFrame{v6: true, udp: true, vlan: true}.build(payloadOf(2000))
	f.Add(fr6, uint8(VnetHdrFNeedsCsum), uint8(VnetGSOUDPL4), uint16(0), uint16(500), uint16(l46), uint16(6))
	f.Add([]byte{1, 2, 3}, uint8(0xff), uint8(0xff), uint16(0xffff), uint16(0xffff), uint16(0xffff), uint16(0xffff))
	f.Fuzz(func(t *testing.T, frame []byte, flags, gso uint8, hdrLen, gsoSize, csumStart, csumOff uint16) {
		if len(frame) > MaxFrame {
			return
		}
		p := DefaultPool.Get()
		defer DefaultPool.Put(p)
		p.SetLen(copy(p.Buffer(), frame))
		p.Vnet = VnetHdr{Flags: flags, GSOType: gso, HdrLen: hdrLen, GSOSize: gsoSize, CsumStart: csumStart, CsumOffset: csumOff}
		out, err := Segment(p, DefaultPool, nil)
		if err != nil && len(out) != 0 {
			t.Fatal("segments returned with an error")
		}
		for _, q := range out {
			if len(q.Data) > len(frame) {
				t.Fatalf("segment of %d bytes from a %d-byte frame", len(q.Data), len(frame))
			}
			DefaultPool.Put(q)
		}
		q := DefaultPool.Get()
		defer DefaultPool.Put(q)
		q.SetLen(copy(q.Buffer(), frame))
		q.Vnet = p.Vnet
		FinishChecksum(q)
	})
}
