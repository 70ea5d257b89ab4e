package flow

import (
	"fmt"
	"strings"
)

// ParseODPPacket reads a datapath flow that describes one packet, as
// `ovs-appctl netdev-dummy/receive` takes it, into the key Compose builds
// the packet from. It differs from ParseODP the way OVS's conversion of a
// datapath key into a flow does:
//
//   - masks are a syntax error (a packet has no wildcards), reported at the
//     attribute that has one;
//   - only one VLAN header is understood (OVS's default vlan-limit): with
//     two, the inner TPID becomes the Ethernet type and everything inside it
//     is dropped;
//   - icmp() in an IPv6 flow and icmpv6() in an IPv4 one are ignored;
//   - no eth_type at all means an 802.2 frame;
//   - an eth_type under 0x600 and an ARP opcode over 255 are refused with
//     OVS's "invalid Ethertype" and "unsupported ARP opcode" messages.
func ParseODPPacket(s string) (Key, error) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return Key{}, errSyntax(s[attrStart(s, i):])
	}
	// An ARP opcode beyond 8 bits is well-formed text that OVS then
	// refuses to turn into a flow, with its own message.
	parse := s
	op, opAt := arpOp(s)
	if op > 0xff {
		parse = s[:opAt] + "0" + s[opAt+len(fieldValue(s[opAt:])):]
	}
	key, mask, err := ParseODP(parse, nil)
	if err != nil {
		if parse != s {
			_, _, err = ParseODP(s, nil) // the error as the user wrote it
		}
		return Key{}, err
	}
	if t := smallEthType(s); t >= 0 {
		return Key{}, fmt.Errorf("invalid Ethertype %d in flow key; the flow key in error is: %s", t, s)
	}
	if op > 0xff {
		return Key{}, fmt.Errorf("unsupported ARP opcode %d in flow key; the flow key in error is: %s", op, s)
	}
	if key.VLANs[1].TCI&VLANCFI != 0 || key.VLANs[1].TPID != 0 {
		inner := key.VLANs[1].TPID
		if inner == 0 {
			inner = key.EthType
		}
		key = Key{
			InPort: key.InPort, RecircID: key.RecircID, DpHash: key.DpHash,
			Mark: key.Mark, Priority: key.Priority,
			EthDst: key.EthDst, EthSrc: key.EthSrc, EthType: inner,
			VLANs: [MaxVLANs]VLAN{key.VLANs[0]},
		}
	}
	// icmp() belongs to IPv4 flows and icmpv6() to IPv6 ones; OVS
	// ignores either in the other.
	if key.EthType == EthTypeIPv6 && key.NwProto == IPProtoICMP ||
		key.EthType == EthTypeIP && key.NwProto == IPProtoICMPv6 {
		key.TpSrc, key.TpDst = 0, 0
		key.NDTarget, key.ARPSHA, key.ARPTHA = [16]byte{}, [6]byte{}, [6]byte{}
	}
	if key.EthType == 0 && mask.EthType == 0 && key.VLANs[0].TCI&VLANCFI == 0 {
		key.EthType = EthTypeNone
	}
	return key, nil
}

// attrStart finds the start of the name of the innermost attribute that
// encloses position i of s.
func attrStart(s string, i int) int {
	open := strings.LastIndexByte(s[:i], '(')
	if open < 0 {
		return 0
	}
	j := open
	for j > 0 {
		c := s[j-1]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			j--
			continue
		}
		break
	}
	return j
}

// fieldValue returns the value at the start of s, up to the next ',' or ')'.
func fieldValue(s string) string {
	if i := strings.IndexAny(s, ",)"); i >= 0 {
		return s[:i]
	}
	return s
}

// arpOp finds the op= field of an arp() attribute and returns its value
// and offset (-1 when absent or not a number).
func arpOp(s string) (int, int) {
	i := strings.Index(s, "arp(")
	if i < 0 {
		return -1, 0
	}
	body := s[i+4:]
	if end := strings.IndexByte(body, ')'); end >= 0 {
		body = body[:end]
	}
	for off := 0; off < len(body); {
		f := body[off:]
		if strings.HasPrefix(f, "op=") {
			v, err := num(fieldValue(f[3:]), 16)
			if err != nil {
				return -1, 0
			}
			return int(v), i + 4 + off + 3
		}
		j := strings.IndexByte(f, ',')
		if j < 0 {
			break
		}
		off += j + 1
	}
	return -1, 0
}

// smallEthType returns the first eth_type() value under 0x600 (an 802.3
// length, which a datapath key cannot carry), or -1.
func smallEthType(s string) int {
	for {
		i := strings.Index(s, "eth_type(")
		if i < 0 {
			return -1
		}
		s = s[i+len("eth_type("):]
		if v, err := num(strings.TrimSpace(fieldValue(s)), 16); err == nil && v < ethTypeMin {
			return int(v)
		}
	}
}
