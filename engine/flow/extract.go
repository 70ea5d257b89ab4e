package flow

// Extraction follows OVS 3.1's flow_extract rule for rule, including its
// leniencies and its quirks, because megaflows and OpenFlow matches installed
// by controllers depend on exactly which fields a malformed packet yields:
//
//   - the IPv4 version nibble is never checked; a header fails only on its
//     lengths (IHL < 5, IHL or total length beyond the frame);
//   - the transport protocol is chosen by the IP protocol number alone, so an
//     IPv4 packet with protocol 58 is parsed as ICMPv6 and vice versa;
//   - a header too short for its layer leaves that layer's fields zero but
//     keeps everything parsed before it;
//   - an IPv6 packet whose extension headers run off the end keeps its
//     addresses but loses label, TC, hop limit, protocol and fragment bits.
//
// The parser reads the frame with explicit bounds checks and no allocation:
// it runs once per packet that misses the exact-match cache.

// Layers are offsets into the frame, 0 when the layer is absent.
type Layers struct{ L3, L4, L7 uint16 }

// Ethernet types and IP protocol numbers the extractor understands.
const (
	EthTypeIP         = 0x0800
	EthTypeARP        = 0x0806
	EthTypeRARP       = 0x8035
	EthTypeVLAN       = 0x8100 // 802.1Q
	EthTypeVLAN8021AD = 0x88a8
	EthTypeIPv6       = 0x86dd
	EthTypeMPLS       = 0x8847
	EthTypeMPLSMcast  = 0x8848
	ethTypeMin        = 0x0600

	IPProtoHopOpts  = 0
	IPProtoICMP     = 1
	IPProtoIGMP     = 2
	IPProtoTCP      = 6
	IPProtoUDP      = 17
	IPProtoRouting  = 43
	IPProtoFragment = 44
	IPProtoAH       = 51
	IPProtoICMPv6   = 58
	IPProtoDstOpts  = 60
	IPProtoSCTP     = 132
)

// ICMPv6 Neighbor Discovery message types and options.
const (
	NDNeighborSolicit = 135
	NDNeighborAdvert  = 136
	ndOptSourceLL     = 1
	ndOptTargetLL     = 2
)

const mplsBOS = 1 << 8 // bottom-of-stack bit in a label stack entry

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// Extract fills the packet-derived fields of key from an Ethernet frame.
// It leaves the metadata fields (InPort, RecircID, DpHash, Mark, Priority)
// as the caller set them and clears all other fields first.
func Extract(frame []byte, key *Key) Layers {
	return ExtractVLANs(frame, key, MaxVLANs)
}

// ExtractVLANs is Extract parsing at most vlanLimit VLAN headers (1 to
// MaxVLANs; vswitchd's other_config:vlan-limit). Tags beyond the limit stay
// in the payload and the key's EthType is the next TPID, as in OVS.
func ExtractVLANs(frame []byte, key *Key, vlanLimit int) Layers {
	if vlanLimit <= 0 || vlanLimit > MaxVLANs {
		vlanLimit = MaxVLANs
	}
	inPort, recirc, dpHash, mark, prio := key.InPort, key.RecircID, key.DpHash, key.Mark, key.Priority
	*key = Key{InPort: inPort, RecircID: recirc, DpHash: dpHash, Mark: mark, Priority: prio}

	var lay Layers
	if len(frame) < 14 {
		return lay
	}
	copy(key.EthDst[:], frame[0:6])
	copy(key.EthSrc[:], frame[6:12])
	off := 12

	// VLAN headers: each needs its 4 bytes plus the following type.
	n := 0
	for n < vlanLimit {
		tpid := be16(frame[off:])
		if tpid != EthTypeVLAN && tpid != EthTypeVLAN8021AD {
			break
		}
		if len(frame)-off < 6 {
			break
		}
		key.VLANs[n] = VLAN{TPID: tpid, TCI: be16(frame[off+2:]) | VLANCFI}
		off += 4
		n++
	}

	// Ethernet type, or 802.2 LLC with or without SNAP.
	typ := be16(frame[off:])
	off += 2
	if typ < ethTypeMin {
		typ = EthTypeNone
		if len(frame)-off >= 8 {
			llc := frame[off : off+8]
			if llc[0] == 0xaa && llc[1] == 0xaa && llc[2] == 0x03 &&
				llc[3] == 0 && llc[4] == 0 && llc[5] == 0 {
				off += 8
				if t := be16(llc[6:]); t >= ethTypeMin {
					typ = t
				}
			}
		}
	}
	key.EthType = typ

	if typ == EthTypeMPLS || typ == EthTypeMPLSMcast {
		count := 0
		for len(frame)-off >= 4 {
			lse := be32(frame[off:])
			off += 4
			if count < MaxMPLS {
				key.MPLS[count] = lse
			}
			count++
			if lse&mplsBOS != 0 {
				break
			}
		}
	}
	lay.L3 = offset16(off)

	data := frame[off:]
	var nwProto uint8
	switch typ {
	case EthTypeIP:
		if len(data) < 20 {
			return lay
		}
		ipLen := int(data[0]&0x0f) * 4
		if ipLen < 20 || len(data) < ipLen {
			return lay
		}
		totLen := int(be16(data[2:]))
		if totLen > len(data) || ipLen > totLen {
			return lay
		}
		copy(key.IPv4Src[:], data[12:16])
		copy(key.IPv4Dst[:], data[16:20])
		key.NwTOS = data[1]
		key.NwTTL = data[8]
		nwProto = data[9]
		key.NwProto = nwProto
		if fragOff := be16(data[6:]); fragOff&0x3fff != 0 {
			key.NwFrag = FragAny
			if fragOff&0x1fff != 0 {
				key.NwFrag |= FragLater
			}
		}
		data = data[ipLen:totLen]
		off += ipLen
	case EthTypeIPv6:
		if len(data) < 40 {
			return lay
		}
		plen := int(be16(data[4:]))
		if plen+40 > len(data) {
			return lay
		}
		copy(key.IPv6Src[:], data[8:24])
		copy(key.IPv6Dst[:], data[24:40])
		tcFlow := be32(data[0:])
		nwProto = data[6]
		data = data[40 : 40+plen]
		off += 40
		var frag uint8
		var ok bool
		data, nwProto, frag, ok = parseIPv6Ext(data, nwProto, &off)
		if !ok {
			return lay
		}
		key.NwTOS = uint8(tcFlow >> 20)
		key.NwTTL = frame[lay.L3+7]
		key.NwProto = nwProto
		key.NwFrag = frag
		key.IPv6Label = tcFlow & 0x000fffff
	case EthTypeARP, EthTypeRARP:
		if len(data) < 28 {
			return lay
		}
		if be16(data[0:]) != 1 || be16(data[2:]) != EthTypeIP || data[4] != 6 || data[5] != 4 {
			return lay
		}
		if op := be16(data[6:]); op <= 0xff {
			key.NwProto = uint8(op)
		}
		copy(key.ARPSHA[:], data[8:14])
		copy(key.IPv4Src[:], data[14:18])
		copy(key.ARPTHA[:], data[18:24])
		copy(key.IPv4Dst[:], data[24:28])
		return lay
	default:
		return lay
	}

	lay.L4 = offset16(off)
	if key.NwFrag&FragLater != 0 {
		return lay
	}
	switch nwProto {
	case IPProtoTCP:
		if len(data) >= 20 {
			hl := int(data[12]>>4) * 4
			if hl >= 20 && len(data) >= hl {
				key.TpSrc = be16(data[0:])
				key.TpDst = be16(data[2:])
				key.TCPFlags = be16(data[12:]) & 0x0fff
				lay.L7 = offset16(off + hl)
			}
		}
	case IPProtoUDP:
		if len(data) >= 8 {
			key.TpSrc = be16(data[0:])
			key.TpDst = be16(data[2:])
			lay.L7 = offset16(off + 8)
		}
	case IPProtoSCTP:
		if len(data) >= 12 {
			key.TpSrc = be16(data[0:])
			key.TpDst = be16(data[2:])
			lay.L7 = offset16(off + 12)
		}
	case IPProtoICMP, IPProtoIGMP:
		if len(data) >= 8 {
			key.TpSrc = uint16(data[0])
			key.TpDst = uint16(data[1])
			lay.L7 = offset16(off + 8)
		}
	case IPProtoICMPv6:
		if len(data) >= 8 {
			key.TpSrc = uint16(data[0])
			key.TpDst = uint16(data[1])
			lay.L7 = offset16(off + 8)
			if data[1] == 0 && (data[0] == NDNeighborSolicit || data[0] == NDNeighborAdvert) {
				parseND(data[8:], key)
			}
		}
	}
	return lay
}

// parseIPv6Ext walks the IPv6 extension headers OVS understands and returns
// the rest of the packet, the final next-header value and the fragment bits.
// ok is false when a header runs past the end of the payload.
func parseIPv6Ext(data []byte, proto uint8, off *int) (rest []byte, nwProto, frag uint8, ok bool) {
	for {
		switch proto {
		case IPProtoHopOpts, IPProtoRouting, IPProtoDstOpts, IPProtoAH, IPProtoFragment:
		default:
			return data, proto, frag, true
		}
		if len(data) < 8 {
			return data, proto, frag, false
		}
		switch proto {
		case IPProtoHopOpts, IPProtoRouting, IPProtoDstOpts:
			proto = data[0]
			n := (int(data[1]) + 1) * 8
			if len(data) < n {
				return data, proto, frag, false
			}
			data = data[n:]
			*off += n
		case IPProtoAH:
			proto = data[0]
			n := (int(data[1]) + 2) * 4
			if len(data) < n {
				return data, proto, frag, false
			}
			data = data[n:]
			*off += n
		case IPProtoFragment:
			proto = data[0]
			offlg := be16(data[2:])
			data = data[8:]
			*off += 8
			if offlg != 0 {
				frag = FragAny
				if offlg&0xfff8 != 0 {
					return data, IPProtoFragment, frag | FragLater, true
				}
			}
		}
	}
}

// parseND fills the Neighbor Discovery fields from the body of an NS or NA
// (after the 8-byte ICMPv6 header). A repeated link-layer address option
// makes the whole ND part void, as in OVS.
func parseND(data []byte, key *Key) {
	if len(data) < 16 {
		return
	}
	copy(key.NDTarget[:], data[:16])
	data = data[16:]
	for len(data) >= 8 {
		optLen := int(data[1]) * 8
		if optLen == 0 || optLen > len(data) {
			return
		}
		if optLen == 8 {
			switch data[0] {
			case ndOptSourceLL:
				if !isZeroMAC(key.ARPSHA) {
					key.NDTarget = [16]byte{}
					key.ARPSHA = [6]byte{}
					key.ARPTHA = [6]byte{}
					return
				}
				copy(key.ARPSHA[:], data[2:8])
			case ndOptTargetLL:
				if !isZeroMAC(key.ARPTHA) {
					key.NDTarget = [16]byte{}
					key.ARPSHA = [6]byte{}
					key.ARPTHA = [6]byte{}
					return
				}
				copy(key.ARPTHA[:], data[2:8])
			}
		}
		data = data[optLen:]
	}
}

// offset16 saturates: only a frame over 64 KiB with a freak tag stack has
// headers that far in, and such a layer is then reported as unreachable
// rather than at a wrapped-around offset.
func offset16(off int) uint16 {
	if off > 0xffff {
		return 0xffff
	}
	return uint16(off)
}

func isZeroMAC(m [6]byte) bool {
	return m == [6]byte{}
}
