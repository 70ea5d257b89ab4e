package userspace

import (
	"testing"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/netdev"
)

// FuzzRewrite runs the header-rewriting actions over arbitrary frames: a
// packet from the wire must never make them panic or write out of bounds.
func FuzzRewrite(f *testing.F) {
	f.Add(ipv4Frame(flow.IPProtoTCP, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 1, 2, []byte("x")), uint8(0))
	f.Add(ipv4Frame(flow.IPProtoUDP, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 1, 2, nil), uint8(1))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x86, 0xdd, 0x60}, uint8(2))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0x47, 0, 0, 0x51, 0x40}, uint8(5))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x00, 0, 1, 0x88, 0x47, 0, 0, 0x51}, uint8(4))
	all := &dpif.SetField{}
	w := all.Mask.Words()
	for i := range w {
		w[i] = ^uint64(0)
	}
	vw := all.Value.Words()
	for i := range vw {
		vw[i] = 0x0123456789abcdef * uint64(i+1)
	}
	f.Fuzz(func(t *testing.T, frame []byte, op uint8) {
		if len(frame) > 2048 {
			return
		}
		p := netdev.DefaultPool.Get()
		defer netdev.DefaultPool.Put(p)
		p.SetLen(copy(p.Buffer(), frame))
		p.Vnet.Flags = op & 1
		var k flow.Key
		switch op % 6 {
		case 0, 1:
			setFields(p, all, &k)
		case 2:
			pushVLAN(p, flow.VLAN{TCI: 7 | flow.VLANCFI})
			setFields(p, all, &k)
		case 3:
			popVLAN(p)
			setFields(p, all, &k)
		case 4:
			pushMPLS(p, 5<<12|1<<8|64, flow.EthTypeMPLS)
			setFields(p, all, &k)
		case 5:
			popMPLS(p, flow.EthTypeIP)
			setFields(p, all, &k)
		}
	})
}

func TestRewriteICMPAndIPv6(t *testing.T) {
	// ICMP type/code rewrite keeps the ICMP checksum right.
	frame := ipv4Frame(flow.IPProtoUDP, [4]byte{1, 2, 3, 4}, [4]byte{5, 6, 7, 8}, 0x0800, 0, []byte("ping"))
	ip := frame[14:]
	ip[9] = flow.IPProtoICMP
	ip[10], ip[11] = 0, 0
	copy(ip[10:], []byte{byte(csum(ip[:20], 0) >> 8), byte(csum(ip[:20], 0))})
	icmp := ip[20:]
	icmp[2], icmp[3] = 0, 0
	c := csum(icmp, 0)
	icmp[2], icmp[3] = byte(c>>8), byte(c)
	p := netdev.DefaultPool.Get()
	defer netdev.DefaultPool.Put(p)
	p.SetLen(copy(p.Buffer(), frame))
	set := &dpif.SetField{}
	set.Value.TpSrc, set.Mask.TpSrc = 0, 0xff
	set.Value.TpDst, set.Mask.TpDst = 3, 0xff
	set.Value.IPv4Src, set.Mask.IPv4Src = [4]byte{9, 9, 9, 9}, [4]byte{0xff, 0xff, 0xff, 0xff}
	var k flow.Key
	setFields(p, set, &k)
	if p.Data[34] != 0 || p.Data[35] != 3 {
		t.Errorf("icmp type/code % x", p.Data[34:36])
	}
	if r := csum(p.Data[34:], 0); r != 0 {
		t.Errorf("ICMP checksum residue %#x", r)
	}
	if r := csum(p.Data[14:34], 0); r != 0 {
		t.Errorf("IP checksum residue %#x", r)
	}
}

func TestRewriteIPv6UDP(t *testing.T) {
	payload := []byte("hello v6")
	f := make([]byte, 14+40+8+len(payload))
	f[12], f[13] = 0x86, 0xdd
	ip := f[14:]
	ip[0] = 0x60
	ip[5] = byte(8 + len(payload))
	ip[6], ip[7] = flow.IPProtoUDP, 64
	ip[8], ip[23] = 0xfe, 1
	ip[24], ip[39] = 0xfe, 2
	udp := ip[40:]
	udp[1], udp[3], udp[5] = 7, 9, byte(8+len(payload))
	copy(udp[8:], payload)
	sum6 := func(ip []byte) uint16 {
		var s uint32
		for i := 8; i < 40; i += 2 {
			s += uint32(ip[i])<<8 | uint32(ip[i+1])
		}
		n := len(ip) - 40
		return csum(ip[40:], s+uint32(n)+flow.IPProtoUDP)
	}
	c := sum6(ip)
	udp[6], udp[7] = byte(c>>8), byte(c)
	if sum6(ip) != 0 {
		t.Fatal("test frame checksum")
	}
	p := netdev.DefaultPool.Get()
	defer netdev.DefaultPool.Put(p)
	p.SetLen(copy(p.Buffer(), f))
	set := &dpif.SetField{}
	set.Value.EthType = flow.EthTypeIPv6
	set.Value.IPv6Src[0], set.Value.IPv6Src[15] = 0x20, 0x99
	for i := range set.Mask.IPv6Src {
		set.Mask.IPv6Src[i] = 0xff
	}
	set.Value.TpDst, set.Mask.TpDst = 5353, 0xffff
	set.Value.NwTTL, set.Mask.NwTTL = 1, 0xff
	set.Value.IPv6Label, set.Mask.IPv6Label = 0x12345, 0xfffff
	var k flow.Key
	setFields(p, set, &k)
	if r := sum6(p.Data[14:]); r != 0 {
		t.Errorf("UDP checksum residue %#x after rewrite", r)
	}
	var got flow.Key
	flow.Extract(p.Data, &got)
	if got.IPv6Src != set.Value.IPv6Src || got.TpDst != 5353 || got.NwTTL != 1 || got.IPv6Label != 0x12345 {
		t.Errorf("rewritten key %+v", got)
	}
}
