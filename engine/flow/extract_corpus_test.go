package flow

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
)

// The frame corpus shared by the extraction tests, the benchmark and the
// fuzz seeds. Every protocol the extractor knows appears at least once in a
// well-formed and in a damaged form.

func hx(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	macDst = hx("505400000002")
	macSrc = hx("505400000001")
)

func ethHdr(typ uint16) []byte {
	return cat(macDst, macSrc, []byte{byte(typ >> 8), byte(typ)})
}

func u16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

// ipv4Pkt builds an IPv4 header (with options opts) around payload; tos,
// frag word and ttl as given.
func ipv4Pkt(proto uint8, tos uint8, frag uint16, ttl uint8, opts, payload []byte) []byte {
	ihl := (20 + len(opts)) / 4
	h := make([]byte, 20)
	h[0] = 0x40 | byte(ihl)
	h[1] = tos
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(opts)+len(payload)))
	binary.BigEndian.PutUint16(h[4:], 0x1234)
	binary.BigEndian.PutUint16(h[6:], frag)
	h[8] = ttl
	h[9] = proto
	copy(h[12:], []byte{10, 0, 0, 1})
	copy(h[16:], []byte{10, 0, 0, 2})
	return cat(h, opts, payload)
}

var (
	v6Src = hx("fe800000000000000200000000000001")
	v6Dst = hx("20010db8000000000000000000000002")
)

// ipv6Pkt builds an IPv6 header with traffic class 0x12, flow label 0x34567.
func ipv6Pkt(next uint8, hlim uint8, payload []byte) []byte {
	h := make([]byte, 40)
	binary.BigEndian.PutUint32(h[0:], 6<<28|0x12<<20|0x34567)
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6] = next
	h[7] = hlim
	copy(h[8:], v6Src)
	copy(h[24:], v6Dst)
	return cat(h, payload)
}

func tcpHdr(sport, dport uint16, flags uint16, opts []byte) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], sport)
	binary.BigEndian.PutUint16(h[2:], dport)
	binary.BigEndian.PutUint32(h[4:], 1)
	off := uint16((20+len(opts))/4) << 12
	binary.BigEndian.PutUint16(h[12:], off|flags)
	return cat(h, opts)
}

func udpHdr(sport, dport uint16, payload []byte) []byte {
	return cat(u16(sport), u16(dport), u16(uint16(8+len(payload))), u16(0), payload)
}

func arpBody(hrd, pro uint16, hln, pln uint8, op uint16) []byte {
	return cat(u16(hrd), u16(pro), []byte{hln, pln}, u16(op),
		macSrc, []byte{10, 0, 0, 1}, hx("000000000000"), []byte{10, 0, 0, 2})
}

func ndMsg(typ uint8, target []byte, opts ...[]byte) []byte {
	return cat([]byte{typ, 0, 0, 0}, hx("60000000"), target, cat(opts...))
}

func llOpt(typ uint8, mac string) []byte { return cat([]byte{typ, 1}, hx(mac)) }

type corpusFrame struct {
	name  string
	frame []byte
}

var icmpEcho = hx("0800f7ff00000000")

func extractCorpus() []corpusFrame {
	tcp := func(flags uint16) []byte {
		return cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0x4000, 64, nil, tcpHdr(80, 54321, flags, nil)))
	}
	ndTarget := hx("fe800000000000000200000000000099")
	f := []corpusFrame{
		{"empty", nil},
		{"runt-1", hx("ff")},
		{"runt-13", hx("50540000000250540000000108")},
		{"eth-only-ipv4", ethHdr(0x0800)},
		{"eth-only-unknown", ethHdr(0x88cc)},
		{"lldp", cat(ethHdr(0x88cc), hx("0207040000000000010403020001"))},
		{"icmp", cat(ethHdr(0x0800), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"icmp-reply-tos", cat(ethHdr(0x0800), ipv4Pkt(1, 0xb9, 0, 3, nil, hx("0003000000000000")))},
		{"icmp-short", cat(ethHdr(0x0800), ipv4Pkt(1, 0, 0, 64, nil, hx("0800f7ff0000")))},
		{"tcp-syn", tcp(0x002)},
		{"tcp-synack", tcp(0x012)},
		{"tcp-noflags", tcp(0)},
		{"tcp-allflags", tcp(0xfff)},
		{"tcp-opts", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0, 64, nil, tcpHdr(22, 40000, 0x18, hx("0101080a0000000100000002"))))},
		{"tcp-short", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0, 64, nil, tcpHdr(80, 1, 2, nil)[:19]))},
		{"tcp-badoff", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0, 64, nil, hx("0050005000000001000000004002000000000000")))},
		{"tcp-off-beyond", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0, 64, nil, hx("0050005000000001000000006002000000000000")))},
		{"udp", cat(ethHdr(0x0800), ipv4Pkt(17, 0x10, 0, 64, nil, udpHdr(53, 33333, hx("abcd"))))},
		{"udp-short", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0, 64, nil, hx("00350035000c")))},
		{"udp-ipopts", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0, 64, hx("94040000"), udpHdr(67, 68, nil)))},
		{"sctp", cat(ethHdr(0x0800), ipv4Pkt(132, 0, 0, 64, nil, hx("0b5a0b5a0000000100000000")))},
		{"sctp-short", cat(ethHdr(0x0800), ipv4Pkt(132, 0, 0, 64, nil, hx("0b5a0b5a00000001")))},
		{"igmp", cat(ethHdr(0x0800), ipv4Pkt(2, 0xc0, 0, 1, hx("94040000"), hx("1600fa04e00000fb")))},
		{"gre", cat(ethHdr(0x0800), ipv4Pkt(47, 0, 0, 64, nil, hx("00006558")))},
		{"ipv4-frag-first", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0x2000, 64, nil, udpHdr(1, 2, nil)))},
		{"ipv4-frag-later", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0x00b9, 64, nil, udpHdr(1, 2, nil)))},
		{"ipv4-frag-last", cat(ethHdr(0x0800), ipv4Pkt(6, 0, 0x0010, 64, nil, tcpHdr(1, 2, 2, nil)))},
		{"ipv4-df", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0x4000, 64, nil, udpHdr(1, 2, nil)))},
		{"ipv4-ihl-4", cat(ethHdr(0x0800), hx("44000020000000004011000001020304050607080001000200080000"))},
		{"ipv4-ihl-15", cat(ethHdr(0x0800), hx("4f000020000000004011000001020304050607080001000200080000"))},
		{"ipv4-totlen-big", cat(ethHdr(0x0800), hx("450000ff000000004011000001020304050607080001000200080000"))},
		{"ipv4-totlen-small", cat(ethHdr(0x0800), hx("45000010000000004011000001020304050607080001000200080000"))},
		{"ipv4-runt", cat(ethHdr(0x0800), hx("4500001c00000000401100000102030405060708")[:19])},
		{"ipv4-version-6", cat(ethHdr(0x0800), hx("6500001c000000004011000001020304050607080001000200080000"))},
		{"ipv4-padded", cat(ethHdr(0x0800), ipv4Pkt(17, 0, 0, 64, nil, udpHdr(7, 9, nil)), make([]byte, 18))},
		{"ipv4-totlen-cuts-l4", cat(ethHdr(0x0800), hx("45000018000000004011000001020304050607080001000200080000"))},
		{"ipv4-proto-58-nd", cat(ethHdr(0x0800), ipv4Pkt(58, 0, 0, 255, nil, ndMsg(135, ndTarget, llOpt(1, "aabbccddeeff"))))},
		{"vlan", cat(macDst, macSrc, hx("8100200a"), u16(0x0800), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"vlan-0", cat(macDst, macSrc, hx("81000000"), u16(0x0800), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"vlan-cfi-set", cat(macDst, macSrc, hx("8100f1ff"), u16(0x0806), arpBody(1, 0x0800, 6, 4, 2))},
		{"qinq", cat(macDst, macSrc, hx("88a8200a"), hx("81003014"), u16(0x0800), ipv4Pkt(17, 0, 0, 64, nil, udpHdr(1, 2, nil)))},
		{"qinq-8100-8100", cat(macDst, macSrc, hx("8100e00a"), hx("81000014"), u16(0x86dd), ipv6Pkt(59, 1, nil))},
		{"vlan-3-deep", cat(macDst, macSrc, hx("8100200a"), hx("81003014"), hx("81000005"), u16(0x0800), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"vlan-truncated", cat(macDst, macSrc, hx("8100200a08"))},
		{"vlan-no-type", cat(macDst, macSrc, hx("8100200a"))},
		{"vlan-2nd-truncated", cat(macDst, macSrc, hx("8100200a"), hx("8100301408"))},
		{"llc-snap-ip", cat(macDst, macSrc, u16(uint16(8+28)), hx("aaaa030000000800"), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"llc-snap-oui", cat(macDst, macSrc, u16(36), hx("aaaa030000f80800"), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"llc-snap-small-type", cat(macDst, macSrc, u16(36), hx("aaaa030000000100"), make([]byte, 20))},
		{"llc-stp", cat(macDst, macSrc, u16(38), hx("424203000000000000"), make([]byte, 29))},
		{"llc-short", cat(macDst, macSrc, u16(7), hx("aaaa0300000008"))},
		{"vlan-llc-snap", cat(macDst, macSrc, hx("81000005"), u16(36), hx("aaaa030000000806"), arpBody(1, 0x0800, 6, 4, 1))},
		{"arp-request", cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 1))},
		{"arp-reply-padded", cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 2), make([]byte, 18))},
		{"arp-op-big", cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 0x0101))},
		{"arp-bad-hrd", cat(ethHdr(0x0806), arpBody(6, 0x0800, 6, 4, 1))},
		{"arp-bad-pro", cat(ethHdr(0x0806), arpBody(1, 0x86dd, 6, 4, 1))},
		{"arp-bad-hln", cat(ethHdr(0x0806), arpBody(1, 0x0800, 8, 4, 1))},
		{"arp-short", cat(ethHdr(0x0806), arpBody(1, 0x0800, 6, 4, 1)[:27])},
		{"rarp", cat(ethHdr(0x8035), arpBody(1, 0x0800, 6, 4, 3))},
		{"mpls-1", cat(ethHdr(0x8847), hx("00014140"), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"mpls-3", cat(ethHdr(0x8847), hx("000140ff 000250fe 0003e1fd"), ipv4Pkt(1, 0, 0, 64, nil, icmpEcho))},
		{"mpls-4", cat(ethHdr(0x8847), hx("00014000 00024000 00034000 000441ff"))},
		{"mpls-mcast", cat(ethHdr(0x8848), hx("fffff140"))},
		{"mpls-no-bos", cat(ethHdr(0x8847), hx("00014000 000240"))},
		{"mpls-empty", ethHdr(0x8847)},
		{"vlan-mpls", cat(macDst, macSrc, hx("81000064"), u16(0x8847), hx("00064140"))},
		{"ipv6-icmp-echo", cat(ethHdr(0x86dd), ipv6Pkt(58, 64, hx("8000000000010001")))},
		{"ipv6-icmp-short", cat(ethHdr(0x86dd), ipv6Pkt(58, 64, hx("80000000")))},
		{"ipv6-tcp", cat(ethHdr(0x86dd), ipv6Pkt(6, 64, tcpHdr(443, 50000, 0x011, nil)))},
		{"ipv6-udp", cat(ethHdr(0x86dd), ipv6Pkt(17, 64, udpHdr(546, 547, hx("01"))))},
		{"ipv6-sctp", cat(ethHdr(0x86dd), ipv6Pkt(132, 64, hx("0b5a0b5a0000000100000000")))},
		{"ipv6-nonext", cat(ethHdr(0x86dd), ipv6Pkt(59, 64, nil))},
		{"ipv6-padded", cat(ethHdr(0x86dd), ipv6Pkt(17, 64, udpHdr(1, 2, nil)), make([]byte, 10))},
		{"ipv6-runt", cat(ethHdr(0x86dd), ipv6Pkt(59, 64, nil)[:39])},
		{"ipv6-plen-big", cat(ethHdr(0x86dd), ipv6Pkt(17, 64, udpHdr(1, 2, nil))[:46])},
		{"ipv6-hbh-udp", cat(ethHdr(0x86dd), ipv6Pkt(0, 1, cat(hx("1100050200000100"), udpHdr(1, 2, nil))))},
		{"ipv6-hbh-long", cat(ethHdr(0x86dd), ipv6Pkt(0, 1, cat(hx("3a01000000000000"), make([]byte, 8), hx("8000000000000000"))))},
		{"ipv6-hbh-truncated", cat(ethHdr(0x86dd), ipv6Pkt(0, 1, hx("3a02000000000000")))},
		{"ipv6-hbh-short", cat(ethHdr(0x86dd), ipv6Pkt(0, 1, hx("3a000000")))},
		{"ipv6-routing-dstopts-tcp", cat(ethHdr(0x86dd), ipv6Pkt(43, 9, cat(hx("3c00000000000000"), hx("0600000000000000"), tcpHdr(1, 2, 4, nil))))},
		{"ipv6-ah-udp", cat(ethHdr(0x86dd), ipv6Pkt(51, 9, cat(hx("1104000000000001"), make([]byte, 16), udpHdr(5, 6, nil))))},
		{"ipv6-ah-truncated", cat(ethHdr(0x86dd), ipv6Pkt(51, 9, hx("1104000000000001")))},
		{"ipv6-frag-first", cat(ethHdr(0x86dd), ipv6Pkt(44, 64, cat(hx("1100000100000001"), udpHdr(1, 2, nil))))},
		{"ipv6-frag-later", cat(ethHdr(0x86dd), ipv6Pkt(44, 64, cat(hx("1100051900000001"), udpHdr(1, 2, nil))))},
		{"ipv6-frag-atomic", cat(ethHdr(0x86dd), ipv6Pkt(44, 64, cat(hx("1100000000000001"), udpHdr(1, 2, nil))))},
		{"ipv6-frag-reserved", cat(ethHdr(0x86dd), ipv6Pkt(44, 64, cat(hx("1100000600000001"), udpHdr(1, 2, nil))))},
		{"ipv6-frag-truncated", cat(ethHdr(0x86dd), ipv6Pkt(44, 64, hx("11000001")))},
		{"ipv6-frag-then-hbh", cat(ethHdr(0x86dd), ipv6Pkt(44, 64, cat(hx("0000000100000001"), hx("3a00000000000000"), hx("8800000000000000"))))},
		{"ipv6-proto-1", cat(ethHdr(0x86dd), ipv6Pkt(1, 64, icmpEcho))},
		{"ipv6-proto-2", cat(ethHdr(0x86dd), ipv6Pkt(2, 64, hx("1100000000000000")))},
		{"nd-ns-sll", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget, llOpt(1, "aabbccddeeff"))))},
		{"nd-na-tll", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(136, ndTarget, llOpt(2, "112233445566"))))},
		{"nd-na-both", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(136, ndTarget, llOpt(2, "112233445566"), llOpt(1, "aabbccddeeff"))))},
		{"nd-ns-noopt", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget)))},
		{"nd-ns-notarget", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget)[:20]))},
		{"nd-ns-dup-sll", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget, llOpt(1, "aabbccddeeff"), llOpt(1, "010203040506"))))},
		{"nd-ns-zero-then-sll", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget, llOpt(1, "000000000000"), llOpt(1, "010203040506"))))},
		{"nd-opt-len0", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget, hx("0100aabbccddeeff"), llOpt(1, "010203040506"))))},
		{"nd-opt-long", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget, cat(hx("0102aabbccddeeff"), make([]byte, 8)), llOpt(1, "010203040506"))))},
		{"nd-opt-overrun", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(136, ndTarget, llOpt(2, "010203040506"), hx("0103aabbccddeeff"))))},
		{"nd-other-opt", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, ndMsg(136, ndTarget, hx("0501000000000578"), llOpt(2, "010203040506"))))},
		{"nd-code-1", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, cat([]byte{135, 1, 0, 0, 0, 0, 0, 0}, ndTarget, llOpt(1, "aabbccddeeff"))))},
		{"nd-ra", cat(ethHdr(0x86dd), ipv6Pkt(58, 255, hx("8600000040000708000000000000000001015254000000ff")))},
		{"ipv6-v4mapped-addrs", cat(ethHdr(0x86dd), func() []byte {
			p := ipv6Pkt(17, 64, udpHdr(1, 2, nil))
			copy(p[8:], hx("00000000000000000000ffff01020304"))
			copy(p[24:], hx("00000000000000000000000001020304"))
			return p
		}())},
		{"vlan-ipv6-nd", cat(macDst, macSrc, hx("8100a00b"), u16(0x86dd), ipv6Pkt(58, 255, ndMsg(135, ndTarget, llOpt(1, "aabbccddeeff"))))},
	}
	return f
}
