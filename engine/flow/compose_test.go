package flow

import (
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"testing"
)

// randKey returns a key in the canonical form Extract produces, so that
// Extract(Compose(k)) must give k back.
func randKey(r *rand.Rand) Key {
	var k Key
	k.InPort = r.Uint32N(100)
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	fill(k.EthDst[:])
	fill(k.EthSrc[:])
	for i := 0; i < int(r.Uint32N(MaxVLANs+1)); i++ {
		tpid := uint16(EthTypeVLAN)
		if r.Uint32N(2) == 0 {
			tpid = EthTypeVLAN8021AD
		}
		k.VLANs[i] = VLAN{TPID: tpid, TCI: uint16(r.Uint32())&^VLANCFI | VLANCFI}
	}
	switch r.Uint32N(8) {
	case 0:
		k.EthType = EthTypeNone
	case 1:
		k.EthType = 0x1234
	case 2:
		k.EthType = EthTypeMPLS
		if r.Uint32N(2) == 0 {
			k.EthType = EthTypeMPLSMcast
		}
		n := 1 + int(r.Uint32N(MaxMPLS))
		for i := 0; i < n; i++ {
			k.MPLS[i] = r.Uint32() &^ mplsBOS
		}
		k.MPLS[n-1] |= mplsBOS
	case 3:
		k.EthType = EthTypeARP
		if r.Uint32N(2) == 0 {
			k.EthType = EthTypeRARP
		}
		k.NwProto = uint8(r.Uint32N(5))
		if k.NwProto == 1 || k.NwProto == 2 {
			fill(k.ARPSHA[:])
			fill(k.ARPTHA[:])
			fill(k.IPv4Src[:])
			fill(k.IPv4Dst[:])
		}
	case 4, 5:
		k.EthType = EthTypeIP
		fill(k.IPv4Src[:])
		fill(k.IPv4Dst[:])
		k.NwTOS = uint8(r.Uint32())
		k.NwTTL = uint8(r.Uint32())
		k.NwFrag = [...]uint8{0, 0, FragAny, FragAny | FragLater}[r.Uint32N(4)]
		k.NwProto = [...]uint8{IPProtoTCP, IPProtoUDP, IPProtoSCTP, IPProtoICMP, IPProtoIGMP, 47, IPProtoICMPv6}[r.Uint32N(7)]
		if k.NwFrag&FragLater == 0 {
			randL4(r, &k, fill)
		}
	default:
		k.EthType = EthTypeIPv6
		fill(k.IPv6Src[:])
		fill(k.IPv6Dst[:])
		k.IPv6Label = r.Uint32() & 0xfffff
		k.NwTOS = uint8(r.Uint32())
		k.NwTTL = uint8(r.Uint32())
		k.NwProto = [...]uint8{IPProtoTCP, IPProtoUDP, IPProtoSCTP, IPProtoICMPv6, IPProtoICMPv6, 99}[r.Uint32N(6)]
		randL4(r, &k, fill)
	}
	return k
}

func randL4(r *rand.Rand, k *Key, fill func([]byte)) {
	switch k.NwProto {
	case IPProtoTCP:
		k.TCPFlags = uint16(r.Uint32()) & 0x0fff
		fallthrough
	case IPProtoUDP, IPProtoSCTP:
		k.TpSrc, k.TpDst = uint16(r.Uint32()), uint16(r.Uint32())
	case IPProtoICMP, IPProtoIGMP:
		k.TpSrc, k.TpDst = uint16(r.Uint32N(256)), uint16(r.Uint32N(256))
	case IPProtoICMPv6:
		if r.Uint32N(2) == 0 {
			k.TpSrc = uint16(NDNeighborSolicit + r.Uint32N(2))
			fill(k.NDTarget[:])
			if r.Uint32N(2) == 0 {
				fill(k.ARPSHA[:])
			}
			if r.Uint32N(2) == 0 {
				fill(k.ARPTHA[:])
			}
		} else {
			k.TpSrc, k.TpDst = uint16(r.Uint32N(256)), uint16(1+r.Uint32N(255))
		}
	}
}

func TestComposeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		k := randKey(r)
		frame := Compose(&k)
		got := Key{InPort: k.InPort}
		Extract(frame, &got)
		if got != k {
			t.Fatalf("round trip %d:\nframe %s\nwant %s\ngot  %s", i, hex.EncodeToString(frame),
				AppendODP(nil, &k, fullMask(), FormatOptions{}), AppendODP(nil, &got, fullMask(), FormatOptions{}))
		}
		// Padded to a size, the frame still describes the same flow.
		size := len(frame) + int(r.Uint32N(100))
		if k.TCPFlags&(TCPSyn|TCPFin|TCPRst) == 0 && (k.NwProto == IPProtoTCP || k.NwProto == IPProtoUDP) && k.NwFrag&FragLater == 0 {
			size -= DefaultPayloadLen // the default payload is not there
		}
		padded, err := ComposeLen(&k, size)
		if err != nil || len(padded) != size {
			t.Fatalf("ComposeLen(%d): %d bytes, %v", size, len(padded), err)
		}
		got = Key{InPort: k.InPort}
		Extract(padded, &got)
		if got != k {
			t.Fatalf("padded round trip %d:\nframe %s\nwant %s\ngot  %s", i, hex.EncodeToString(padded),
				AppendODP(nil, &k, fullMask(), FormatOptions{}), AppendODP(nil, &got, fullMask(), FormatOptions{}))
		}
	}
}

func fullMask() *Key {
	var m Key
	for i := range m.Words() {
		m.Words()[i] = ^uint64(0)
	}
	return &m
}

func TestComposeLenTooSmall(t *testing.T) {
	k := Key{EthType: EthTypeIP, NwProto: IPProtoTCP}
	if _, err := ComposeLen(&k, 53); err != ErrComposeLen {
		t.Fatalf("53 bytes for a 54-byte TCP frame: %v", err)
	}
	if b, err := ComposeLen(&k, 54); err != nil || len(b) != 54 {
		t.Fatalf("54 bytes: %d %v", len(b), err)
	}
	for _, n := range []int{0, -1, 1 << 30} {
		if _, err := ComposeLen(&k, n); err != ErrComposeLen {
			t.Errorf("ComposeLen(%d): %v", n, err)
		}
	}
}

// TestComposeKnown pins frames captured from the real ovs-vswitchd 3.1
// (netdev-dummy/receive with options:rxq_pcap), so that the byte-level
// choices stay put even where the oracle is not installed.
func TestComposeKnown(t *testing.T) {
	const e = "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02)"
	for _, c := range []struct {
		odp  string
		size int
		hex  string
	}{
		{e + ",eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0x10,ttl=64,frag=no),tcp(src=1000,dst=80),tcp_flags(syn)", 0,
			"505400000002505400000001080045100028000000004006" + "66be0a0000010a00000203e800500000000000000000500200" + "0097a80000"},
		{e + ",eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=later)", 0,
			"50540000000250540000000108004500001400002064400646" + "7e0a0000010a000002"},
		{e + ",eth_type(0x0806),arp(sip=1.1.1.1,tip=2.2.2.2,op=1,sha=00:00:00:00:00:01,tha=00:00:00:00:00:00)", 0,
			"5054000000025054000000010806000108000604000100000000000101010101000000000000" + "02020202"},
		{e, 0, "505400000002505400000001000e"},
		{e + ",eth_type(0x8847),mpls(label=100,tc=3,ttl=64,bos=0,label=200,tc=0,ttl=5,bos=1)", 0,
			"5054000000025054000000018847000646400" + "00c8105"},
		{e + ",eth_type(0x86dd),ipv6(src=::1,dst=::2,label=5,proto=58,tclass=0,hlimit=255,frag=no),icmpv6(type=135,code=0),nd(target=::3,sll=00:00:00:00:00:05)", 0,
			"50540000000250540000000186dd60000005002" + "03aff00000000000000000000000000000001000000000000000000000000000000028700779900000000" + "00000000000000000000000000000003" + "0101000000000005"},
		{e + ",eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,tos=0,ttl=64,frag=no),icmp(type=0,code=0)", 80,
			"505400000002505400000001080045000042000000004001" + "66b90a0000010a0000020000ffff"},
		{e + ",eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=first),udp(src=1,dst=2)", 80,
			"50540000000250540000000108004500004200002000401146a90a0000010a00000200010002" + "0054eb66"},
	} {
		k, err := ParseODPPacket(c.odp)
		if err != nil {
			t.Fatalf("%s: %v", c.odp, err)
		}
		var got []byte
		if c.size > 0 {
			if got, err = ComposeLen(&k, c.size); err != nil {
				t.Fatalf("%s: %v", c.odp, err)
			}
		} else {
			got = Compose(&k)
		}
		want, err := hex.DecodeString(c.hex)
		if err != nil {
			t.Fatal(err)
		}
		// The captures' zero padding is left out of the table.
		for len(want) < c.size {
			want = append(want, 0)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s --len %d:\n got %x\nwant %x", c.odp, c.size, got, want)
		}
	}
}

func TestParseODPPacket(t *testing.T) {
	for _, c := range []struct{ in, err string }{
		{"in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=1.1.1.1/255.255.255.0,dst=2.2.2.2)",
			"syntax error at ipv4(src=1.1.1.1/255.255.255.0,dst=2.2.2.2)"},
		{"tcp,tp_dst=80", "syntax error at tcp,tp_dst=80"},
		{"in_port=1", "syntax error at in_port=1"},
		{"/", "syntax error at /"},
		{"in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0806),arp(sip=1.1.1.1,tip=2.2.2.2,op=300,sha=00:00:00:00:00:01,tha=00:00:00:00:00:03)",
			"unsupported ARP opcode 300 in flow key; the flow key in error is: in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0806),arp(sip=1.1.1.1,tip=2.2.2.2,op=300,sha=00:00:00:00:00:01,tha=00:00:00:00:00:03)"},
		{"in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x05dc)",
			"invalid Ethertype 1500 in flow key; the flow key in error is: in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x05dc)"},
		{"eth_type(0x0806),arp(op=300,bogus=1)", "syntax error at arp(op=300,bogus=1)"},
	} {
		_, err := ParseODPPacket(c.in)
		if err == nil || err.Error() != c.err {
			t.Errorf("%q: %v, want %q", c.in, err, c.err)
		}
	}
	// Two VLANs: the inner TPID becomes the type, the rest is dropped.
	k, err := ParseODPPacket("eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x88a8),vlan(vid=10,pcp=0),encap(eth_type(0x8100),vlan(vid=20,pcp=7),encap(eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,proto=1,tos=0xff,ttl=1,frag=no),icmp(type=3,code=4)))")
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(Compose(&k)); got != "00000000000200000000000188a8000a8100" {
		t.Errorf("QinQ: %s", got)
	}
}

func BenchmarkAppendCompose(b *testing.B) {
	k := Key{EthType: EthTypeIP, NwProto: IPProtoUDP, NwTTL: 64, TpSrc: 1, TpDst: 2}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendCompose(buf[:0], &k)
	}
}

// FuzzParseODPPacket: any text either fails to parse or gives a key whose
// frame, composed with or without a size, extracts without trouble.
func FuzzParseODPPacket(f *testing.F) {
	for _, s := range []string{
		"in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1000,dst=53)",
		"eth_type(0x88a8),vlan(vid=10),encap(eth_type(0x8100),vlan(vid=20),encap(eth_type(0x86dd),ipv6(proto=58),icmpv6(type=135,code=0),nd(target=::1,sll=00:00:00:00:00:01)))",
		"eth_type(0x8847),mpls(label=1,tc=0,ttl=1,bos=1)",
		"ipv4(src=1.1.1.1/8)",
		"(/",
	} {
		f.Add(s, 100)
	}
	f.Fuzz(func(t *testing.T, s string, size int) {
		k, err := ParseODPPacket(s)
		if err != nil {
			return
		}
		var got Key
		Extract(Compose(&k), &got)
		if size > 0 && size < 4096 {
			if b, err := ComposeLen(&k, size); err == nil {
				if len(b) != size {
					t.Fatalf("ComposeLen(%d) gave %d bytes", size, len(b))
				}
				Extract(b, &got)
			}
		}
	})
}
