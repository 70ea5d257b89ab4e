package flow

import "strconv"

// AppendPacketText appends k the way ovs-ofctl parse-pcap prints the flow
// of a packet: an exact match in ovs-ofctl's match syntax, limited to the
// fields that syntax shows for a packet (no metadata; in_port is ANY because
// a capture has no ingress port).
func AppendPacketText(b []byte, k *Key) []byte {
	ip4 := k.EthType == EthTypeIP
	ip6 := k.EthType == EthTypeIPv6
	ipAny := ip4 || ip6
	later := k.NwFrag&FragLater != 0
	name := ""
	protoNamed := false
	switch {
	case ip4:
		name = "ip"
		switch k.NwProto {
		case IPProtoICMP:
			name, protoNamed = "icmp", true
		case IPProtoTCP:
			name, protoNamed = "tcp", true
		case IPProtoUDP:
			name, protoNamed = "udp", true
		case IPProtoSCTP:
			name, protoNamed = "sctp", true
		}
	case ip6:
		name = "ipv6"
		switch k.NwProto {
		case IPProtoICMPv6:
			name, protoNamed = "icmp6", true
		case IPProtoTCP:
			name, protoNamed = "tcp6", true
		case IPProtoUDP:
			name, protoNamed = "udp6", true
		case IPProtoSCTP:
			name, protoNamed = "sctp6", true
		}
	case k.EthType == EthTypeARP:
		name = "arp"
	case k.EthType == EthTypeRARP:
		name = "rarp"
	case k.EthType == EthTypeMPLS:
		name = "mpls"
	case k.EthType == EthTypeMPLSMcast:
		name = "mplsm"
	}
	if name != "" {
		b = append(b, name...)
		b = append(b, ',')
	}
	b = append(b, "in_port=ANY"...)
	vlanField := func(sfx string, v VLAN) {
		b = append(b, ",dl_vlan"+sfx+"="...)
		b = strconv.AppendUint(b, uint64(v.TCI&VLANVIDMask), 10)
		b = append(b, ",dl_vlan_pcp"+sfx+"="...)
		b = strconv.AppendUint(b, uint64(v.TCI>>VLANPCPShift), 10)
	}
	if k.VLANs[0].TCI == 0 {
		b = append(b, ",vlan_tci=0x0000"...)
	} else {
		vlanField("", k.VLANs[0])
		if k.VLANs[1].TCI == 0 {
			b = append(b, ",vlan_tci1=0x0000"...)
		} else {
			vlanField("1", k.VLANs[1])
		}
	}
	b = append(b, ",dl_src="...)
	b = AppendMAC(b, k.EthSrc)
	b = append(b, ",dl_dst="...)
	b = AppendMAC(b, k.EthDst)
	if name == "" {
		b = append(b, ",dl_type=0x"...)
		b = append(b, hexDigits[k.EthType>>12], hexDigits[k.EthType>>8&15], hexDigits[k.EthType>>4&15], hexDigits[k.EthType&15])
	}
	switch {
	case name == "arp" || name == "rarp":
		b = append(b, ",arp_spa="...)
		b = AppendIPv4(b, k.IPv4Src)
		b = append(b, ",arp_tpa="...)
		b = AppendIPv4(b, k.IPv4Dst)
		b = append(b, ",arp_op="...)
		b = strconv.AppendUint(b, uint64(k.NwProto), 10)
		b = append(b, ",arp_sha="...)
		b = AppendMAC(b, k.ARPSHA)
		b = append(b, ",arp_tha="...)
		b = AppendMAC(b, k.ARPTHA)
	case name == "mpls" || name == "mplsm":
		lse := k.MPLS[0]
		b = append(b, ",mpls_label="...)
		b = strconv.AppendUint(b, uint64(lse>>12), 10)
		b = append(b, ",mpls_tc="...)
		b = strconv.AppendUint(b, uint64(lse>>9&7), 10)
		b = append(b, ",mpls_ttl="...)
		b = strconv.AppendUint(b, uint64(lse&0xff), 10)
		b = append(b, ",mpls_bos="...)
		b = strconv.AppendUint(b, uint64(lse>>8&1), 10)
		n := MaxMPLS
		for i, l := range k.MPLS {
			if l&mplsBOS != 0 {
				n = i + 1
				break
			}
		}
		for i := 1; i < n; i++ {
			b = append(b, ",mpls_lse"...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, '=')
			b = strconv.AppendUint(b, uint64(k.MPLS[i]), 10)
		}
	case ipAny:
		if ip4 {
			b = append(b, ",nw_src="...)
			b = AppendIPv4(b, k.IPv4Src)
			b = append(b, ",nw_dst="...)
			b = AppendIPv4(b, k.IPv4Dst)
		} else {
			b = append(b, ",ipv6_src="...)
			b = AppendIPv6(b, k.IPv6Src)
			b = append(b, ",ipv6_dst="...)
			b = AppendIPv6(b, k.IPv6Dst)
			b = append(b, ",ipv6_label=0x"...)
			for s := 16; s >= 0; s -= 4 {
				b = append(b, hexDigits[k.IPv6Label>>s&15])
			}
		}
		if !protoNamed {
			b = append(b, ",nw_proto="...)
			b = strconv.AppendUint(b, uint64(k.NwProto), 10)
		}
		b = append(b, ",nw_tos="...)
		b = strconv.AppendUint(b, uint64(k.NwTOS&0xfc), 10)
		b = append(b, ",nw_ecn="...)
		b = strconv.AppendUint(b, uint64(k.NwTOS&3), 10)
		b = append(b, ",nw_ttl="...)
		b = strconv.AppendUint(b, uint64(k.NwTTL), 10)
		b = append(b, ",nw_frag="...)
		switch k.NwFrag {
		case 0:
			b = append(b, "no"...)
		case FragAny:
			b = append(b, "first"...)
		default:
			b = append(b, "later"...)
		}
		if later {
			break
		}
		switch k.NwProto {
		case IPProtoTCP, IPProtoUDP, IPProtoSCTP, IPProtoICMP, IPProtoICMPv6, IPProtoIGMP:
		default:
			return b
		}
		src, dst := ",tp_src=", ",tp_dst="
		if name == "icmp" || name == "icmp6" {
			src, dst = ",icmp_type=", ",icmp_code="
		}
		b = append(b, src...)
		b = strconv.AppendUint(b, uint64(k.TpSrc), 10)
		b = append(b, dst...)
		b = strconv.AppendUint(b, uint64(k.TpDst), 10)
		if name == "tcp" || name == "tcp6" {
			b = append(b, ",tcp_flags="...)
			b = appendTCPFlagNames(b, k.TCPFlags)
		}
		if name == "icmp6" && k.TpDst == 0 && (k.TpSrc == NDNeighborSolicit || k.TpSrc == NDNeighborAdvert) {
			b = append(b, ",nd_target="...)
			b = AppendIPv6(b, k.NDTarget)
			b = append(b, ",nd_sll="...)
			b = AppendMAC(b, k.ARPSHA)
			b = append(b, ",nd_tll="...)
			b = AppendMAC(b, k.ARPTHA)
		}
	}
	return b
}

// appendTCPFlagNames prints flags as ovs-ofctl does in a match.
func appendTCPFlagNames(b []byte, f uint16) []byte {
	if f == 0 {
		return append(b, '0')
	}
	names := [...]string{"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns", "[200]", "[400]", "[800]"}
	first := true
	for i, n := range names {
		if f&(1<<i) == 0 {
			continue
		}
		if !first {
			b = append(b, '|')
		}
		first = false
		b = append(b, n...)
	}
	return b
}
