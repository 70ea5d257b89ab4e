package openflow

import "strconv"

// Packet summaries. ovs-ofctl describes a packet carried in a packet-in
// or packet-out by the flow it extracts from it, printed as an exact
// match, followed by the L4 checksum. This is a small local extractor
// for printing only: Ethernet, one VLAN tag, ARP, IPv4, IPv6 (without
// extension headers), TCP, UDP, SCTP, ICMP and ICMPv6. The datapath's
// real extractor lives in engine/flow; keeping this one here keeps the
// protocol package free of engine dependencies.

// AppendPacketSummary appends the flow summary line of an Ethernet frame.
func AppendPacketSummary(dst, pkt []byte) []byte {
	var m Match
	csumName, csum, hasCsum := extractForPrint(&m, pkt)
	dst = m.AppendText(dst, nil)
	if hasCsum {
		dst = append(dst, ' ')
		dst = append(dst, csumName...)
		dst = append(dst, "_csum:"...)
		dst = strconv.AppendUint(dst, uint64(csum), 16)
	}
	return append(dst, '\n')
}

func setBytes(m *Match, id FieldID, b []byte) {
	var e Entry
	e.Field = id
	copy(e.Value[:], b)
	for i := 0; i < StorageBytes(id); i++ {
		e.Mask[i] = 0xff
	}
	m.SetEntry(e)
}

func setExact(m *Match, id FieldID, v uint64) {
	m.setUint(id, v, ^uint64(0)>>(64-8*StorageBytes(id)))
}

func extractForPrint(m *Match, p []byte) (string, uint16, bool) {
	var zero [6]byte
	setExact(m, FieldVlanTCI, 0)
	if len(p) < 14 {
		setBytes(m, FieldEthSrc, zero[:])
		setBytes(m, FieldEthDst, zero[:])
		setExact(m, FieldEthType, 0)
		return "", 0, false
	}
	setBytes(m, FieldEthDst, p[0:6])
	setBytes(m, FieldEthSrc, p[6:12])
	et := u16(p, 12)
	p = p[14:]
	if (et == 0x8100 || et == 0x88a8) && len(p) >= 4 {
		setExact(m, FieldVlanTCI, uint64(u16(p, 0)|0x1000))
		et = u16(p, 2)
		p = p[4:]
	}
	if et < 0x600 {
		et = 0x05ff
	}
	setExact(m, FieldEthType, uint64(et))
	switch et {
	case EthTypeIPv4:
		return extractIPv4(m, p)
	case EthTypeIPv6:
		return extractIPv6(m, p)
	case EthTypeARP, EthTypeRARP:
		var z [6]byte
		var op uint64
		spa, tpa, sha, tha := z[:4], z[:4], z[:], z[:]
		if len(p) >= 28 && u16(p, 0) == 1 && u16(p, 2) == EthTypeIPv4 && p[4] == 6 && p[5] == 4 {
			if o := u16(p, 6); o <= 0xff {
				op = uint64(o)
			}
			sha, spa, tha, tpa = p[8:14], p[14:18], p[18:24], p[24:28]
		}
		setExact(m, FieldNwProto, op)
		setBytes(m, FieldIPSrc, spa)
		setBytes(m, FieldIPDst, tpa)
		setBytes(m, FieldArpSha, sha)
		setBytes(m, FieldArpTha, tha)
	}
	return "", 0, false
}

func extractIPv4(m *Match, p []byte) (string, uint16, bool) {
	var z [4]byte
	ihl := 0
	if len(p) >= 20 {
		ihl = int(p[0]&15) * 4
	}
	if ihl < 20 || ihl > len(p) || int(u16(p, 2)) < ihl {
		setBytes(m, FieldIPSrc, z[:])
		setBytes(m, FieldIPDst, z[:])
		m.setUint(FieldIPFrag, 0, 3)
		for _, id := range []FieldID{FieldNwProto, FieldNwTOS, FieldNwTTL} {
			setExact(m, id, 0)
		}
		return "", 0, false
	}
	if tl := int(u16(p, 2)); tl < len(p) {
		p = p[:tl]
	}
	setBytes(m, FieldIPSrc, p[12:16])
	setBytes(m, FieldIPDst, p[16:20])
	proto := p[9]
	setExact(m, FieldNwProto, uint64(proto))
	setExact(m, FieldNwTOS, uint64(p[1]))
	setExact(m, FieldNwTTL, uint64(p[8]))
	frag := uint64(0)
	if fo := u16(p, 6); fo&0x3fff != 0 {
		frag = 1
		if fo&0x1fff != 0 {
			frag = 3
		}
	}
	m.setUint(FieldIPFrag, frag, 3)
	if frag == 3 {
		// A later fragment has no L4 header, but OVS still reports the
		// checksum word where one would be.
		return laterFragCsum(proto, p[ihl:])
	}
	return extractL4(m, proto, p[ihl:], false)
}

func extractIPv6(m *Match, p []byte) (string, uint16, bool) {
	var z [16]byte
	if len(p) < 40 {
		setBytes(m, FieldIPv6Src, z[:])
		setBytes(m, FieldIPv6Dst, z[:])
		m.setUint(FieldIPv6Label, 0, 0xfffff)
		m.setUint(FieldIPFrag, 0, 3)
		for _, id := range []FieldID{FieldNwProto, FieldNwTOS, FieldNwTTL} {
			setExact(m, id, 0)
		}
		return "", 0, false
	}
	vtf := u32(p, 0)
	setBytes(m, FieldIPv6Src, p[8:24])
	setBytes(m, FieldIPv6Dst, p[24:40])
	m.setUint(FieldIPv6Label, uint64(vtf&0xfffff), 0xfffff)
	setExact(m, FieldNwProto, uint64(p[6]))
	setExact(m, FieldNwTOS, uint64(vtf>>20&0xff))
	setExact(m, FieldNwTTL, uint64(p[7]))
	m.setUint(FieldIPFrag, 0, 3)
	return extractL4(m, p[6], p[40:], true)
}

func extractL4(m *Match, proto uint8, p []byte, v6 bool) (string, uint16, bool) {
	switch {
	case proto == 6:
		if len(p) >= 20 {
			setExact(m, FieldTpSrc, uint64(u16(p, 0)))
			setExact(m, FieldTpDst, uint64(u16(p, 2)))
			setExact(m, FieldTCPFlags, uint64(u16(p, 12)&0x0fff))
			return "tcp", u16(p, 16), true
		}
		setExact(m, FieldTpSrc, 0)
		setExact(m, FieldTpDst, 0)
		setExact(m, FieldTCPFlags, 0)
	case proto == 17 || proto == 132:
		name, ofs, hl := "udp", 6, 8
		if proto == 132 {
			name, ofs, hl = "sctp", 8, 12
		}
		if len(p) >= hl {
			setExact(m, FieldTpSrc, uint64(u16(p, 0)))
			setExact(m, FieldTpDst, uint64(u16(p, 2)))
			if proto == 132 {
				return name, uint16(u32(p, ofs)), true
			}
			return name, u16(p, ofs), true
		}
		setExact(m, FieldTpSrc, 0)
		setExact(m, FieldTpDst, 0)
	case proto == 1 && !v6, proto == 58 && v6:
		if len(p) < 4 {
			setExact(m, FieldTpSrc, 0)
			setExact(m, FieldTpDst, 0)
			break
		}
		setExact(m, FieldTpSrc, uint64(p[0]))
		setExact(m, FieldTpDst, uint64(p[1]))
		if v6 {
			return "icmp6", u16(p, 2), true
		}
		return "icmp", u16(p, 2), true
	}
	return "", 0, false
}

func laterFragCsum(proto uint8, p []byte) (string, uint16, bool) {
	name, ofs := "", 0
	switch proto {
	case 6:
		name, ofs = "tcp", 16
	case 17:
		name, ofs = "udp", 6
	case 1:
		name, ofs = "icmp", 2
	default:
		return "", 0, false
	}
	if len(p) < ofs+2 {
		return name, 0, true
	}
	return name, u16(p, ofs), true
}
