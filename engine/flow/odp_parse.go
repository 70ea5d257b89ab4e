package flow

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// ParseODP reads a datapath flow in the syntax AppendODP prints (and that
// users type to `ovs-appctl dpctl/add-flow`). Attributes that are absent are
// wildcarded; a field given without "/mask" is matched exactly; fields left
// out of a present attribute are wildcarded. portNo resolves in_port names
// and may be nil. Errors read "syntax error at REST" like OVS's, REST being
// the input from the attribute that could not be parsed.
func ParseODP(s string, portNo func(name string) (uint32, bool)) (key, mask Key, err error) {
	p := odpParser{s: s, portNo: portNo, key: &key, mask: &mask}
	rest, perr := p.attrs(strings.TrimSpace(s), 0)
	if perr == nil && strings.TrimSpace(rest) != "" {
		perr = errSyntax(rest)
	}
	if perr != nil {
		return Key{}, Key{}, perr
	}
	return key, mask, nil
}

type odpParser struct {
	s         string
	portNo    func(string) (uint32, bool)
	key, mask *Key
}

type syntaxError struct{ at string }

func (e *syntaxError) Error() string { return "syntax error at " + e.at }

func errSyntax(at string) error { return &syntaxError{at} }

// attrs parses a comma-separated attribute list up to the end of s or an
// unmatched ')', returning what is left.
func (p *odpParser) attrs(s string, depth int) (string, error) {
	pendingType := -1 // an eth_type seen at this level, maybe a TPID
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" || s[0] == ')' {
			break
		}
		open := strings.IndexByte(s, '(')
		if open <= 0 {
			return s, errSyntax(s)
		}
		name := s[:open]
		if name == "encap" {
			if depth >= MaxVLANs {
				return s, errSyntax(s)
			}
			rest, err := p.attrs(s[open+1:], depth+1)
			if err != nil {
				return rest, err
			}
			if rest == "" || rest[0] != ')' {
				return s, errSyntax(s)
			}
			s = rest[1:]
		} else {
			end := strings.IndexByte(s[open:], ')')
			if end < 0 {
				return s, errSyntax(s)
			}
			body := s[open+1 : open+end]
			if err := p.attr(name, body, depth, &pendingType); err != nil {
				return s, errSyntax(s)
			}
			s = s[open+end+1:]
		}
		s = strings.TrimLeft(s, " ")
		if s != "" && s[0] == ',' {
			s = s[1:]
		}
	}
	return s, nil
}

// num parses an integer the way OVS's "%i" does: decimal, 0x hex or 0
// octal.
func num(s string, bits int) (uint64, error) {
	if strings.ContainsAny(s, "_+-") || s == "" {
		return 0, errors.New("bad number")
	}
	if len(s) > 1 && s[0] == '0' && s[1] != 'x' && s[1] != 'X' {
		return strconv.ParseUint(s[1:], 8, bits)
	}
	return strconv.ParseUint(s, 0, bits)
}

// valMask splits "v/m" and parses both with parse; without "/" the mask is
// full.
func splitMask(s string) (v, m string, masked bool) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:], true
	}
	return s, "", false
}

func numMask(s string, bits int, full uint64) (uint64, uint64, error) {
	vs, ms, masked := splitMask(s)
	v, err := num(vs, bits)
	if err != nil {
		return 0, 0, err
	}
	m := full
	if masked {
		if m, err = num(ms, bits); err != nil {
			return 0, 0, err
		}
	}
	if v > full || m > full {
		return 0, 0, errors.New("out of range")
	}
	return v, m, nil
}

func parseMAC(s string) ([6]byte, error) {
	var m [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return m, errors.New("bad mac")
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			return m, errors.New("bad mac")
		}
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return m, err
		}
		m[i] = byte(v)
	}
	return m, nil
}

func macMask(s string) (v, m [6]byte, err error) {
	vs, ms, masked := splitMask(s)
	if v, err = parseMAC(vs); err != nil {
		return
	}
	m = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if masked {
		m, err = parseMAC(ms)
	}
	return
}

func ip4Mask(s string) (v, m [4]byte, err error) {
	vs, ms, masked := splitMask(s)
	a, err := netip.ParseAddr(vs)
	if err != nil || !a.Is4() {
		return v, m, errors.New("bad ipv4")
	}
	v = a.As4()
	m = [4]byte{0xff, 0xff, 0xff, 0xff}
	if masked {
		if n, perr := strconv.Atoi(ms); perr == nil && n >= 0 && n <= 32 {
			m = [4]byte{}
			for i := 0; i < n; i++ {
				m[i/8] |= 0x80 >> (i % 8)
			}
			return v, m, nil
		}
		ma, perr := netip.ParseAddr(ms)
		if perr != nil || !ma.Is4() {
			return v, m, errors.New("bad ipv4 mask")
		}
		m = ma.As4()
	}
	return v, m, nil
}

func ip6Mask(s string) (v, m [16]byte, err error) {
	vs, ms, masked := splitMask(s)
	a, err := netip.ParseAddr(vs)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return v, m, errors.New("bad ipv6")
	}
	v = a.As16()
	m = allOnes16
	if masked {
		if n, perr := strconv.Atoi(ms); perr == nil && n >= 0 && n <= 128 {
			m = [16]byte{}
			for i := 0; i < n; i++ {
				m[i/8] |= 0x80 >> (i % 8)
			}
			return v, m, nil
		}
		ma, perr := netip.ParseAddr(ms)
		if perr != nil || !ma.Is6() || ma.Zone() != "" {
			return v, m, errors.New("bad ipv6 mask")
		}
		m = ma.As16()
	}
	return v, m, nil
}

// fields splits "a=1,b=2" into pairs, rejecting names not in allowed and
// repeated names.
func fields(body string, allowed ...string) ([][2]string, error) {
	var out [][2]string
	if strings.TrimSpace(body) == "" {
		return nil, nil
	}
	for _, f := range strings.Split(body, ",") {
		eq := strings.IndexByte(f, '=')
		if eq <= 0 {
			return nil, errors.New("bad field")
		}
		name := strings.TrimSpace(f[:eq])
		ok := false
		for _, a := range allowed {
			if a == name {
				ok = true
			}
		}
		for _, o := range out {
			if o[0] == name && name != "label" && name != "tc" && name != "ttl" && name != "bos" {
				ok = false
			}
		}
		if !ok {
			return nil, errors.New("bad field")
		}
		out = append(out, [2]string{name, strings.TrimSpace(f[eq+1:])})
	}
	return out, nil
}

func parseFrag(s string) (uint8, error) {
	switch s {
	case "no":
		return 0, nil
	case "first":
		return FragAny, nil
	case "later":
		return FragAny | FragLater, nil
	}
	return 0, errors.New("bad frag")
}

func parseTCPFlags(s string) (v, m uint16, err error) {
	if s == "" {
		return 0, 0, errors.New("bad flags")
	}
	if s[0] == '+' || s[0] == '-' {
		for s != "" {
			set := s[0] == '+'
			if s[0] != '+' && s[0] != '-' {
				return 0, 0, errors.New("bad flags")
			}
			s = s[1:]
			end := strings.IndexAny(s, "+-")
			if end < 0 {
				end = len(s)
			}
			bit, ok := tcpFlagBit(s[:end])
			if !ok || m&bit != 0 {
				return 0, 0, errors.New("bad flags")
			}
			m |= bit
			if set {
				v |= bit
			}
			s = s[end:]
		}
		return v, m, nil
	}
	if s[0] >= '0' && s[0] <= '9' {
		a, b, err := numMask(s, 16, 0xffff)
		if err != nil {
			return 0, 0, err
		}
		if !strings.Contains(s, "/") {
			b = 0x0fff
		}
		return uint16(a) & 0x0fff, uint16(b) & 0x0fff, nil
	}
	for _, n := range strings.Split(s, "|") {
		bit, ok := tcpFlagBit(n)
		if !ok {
			return 0, 0, errors.New("bad flags")
		}
		v |= bit
	}
	return v, 0x0fff, nil
}

func tcpFlagBit(n string) (uint16, bool) {
	for i, name := range tcpFlagNames {
		if name == n {
			return 1 << i, true
		}
	}
	if strings.HasPrefix(n, "0x") {
		if b, err := strconv.ParseUint(n[2:], 16, 16); err == nil && b&(b-1) == 0 && b != 0 && b <= 0x800 {
			return uint16(b), true
		}
	}
	return 0, false
}

// attr parses one non-nested attribute.
func (p *odpParser) attr(name, body string, depth int, pendingType *int) error {
	k, m := p.key, p.mask
	scalar := func(dst, dm *uint32) error {
		v, mm, err := numMask(strings.TrimSpace(body), 32, 0xffffffff)
		*dst, *dm = uint32(v), uint32(mm)
		return err
	}
	switch name {
	case "skb_priority":
		return scalar(&k.Priority, &m.Priority)
	case "skb_mark":
		return scalar(&k.Mark, &m.Mark)
	case "recirc_id":
		return scalar(&k.RecircID, &m.RecircID)
	case "dp_hash":
		return scalar(&k.DpHash, &m.DpHash)
	case "ct_state", "ct_zone", "ct_mark", "ct_label":
		// No conntrack in this key: only "don't care" is expressible.
		if _, ms, masked := splitMask(body); !masked || (ms != "0" && ms != "0x0") {
			return errors.New("conntrack not supported")
		}
		return nil
	case "in_port":
		b := strings.TrimSpace(body)
		if p.portNo != nil && b != "" && (b[0] < '0' || b[0] > '9') {
			n, ok := p.portNo(b)
			if !ok {
				return errors.New("unknown port")
			}
			k.InPort, m.InPort = n, 0xffffffff
			return nil
		}
		return scalar(&k.InPort, &m.InPort)
	case "packet_type":
		fs, err := fields(body, "ns", "id")
		if err != nil {
			return err
		}
		for _, f := range fs {
			v, mm, err := numMask(f[1], 16, 0xffff)
			if err != nil {
				return err
			}
			if f[0] == "ns" {
				k.PacketType = k.PacketType&0xffff | uint32(v)<<16
				m.PacketType = m.PacketType&0xffff | uint32(mm)<<16
			} else {
				k.PacketType = k.PacketType&^0xffff | uint32(v)
				m.PacketType = m.PacketType&^0xffff | uint32(mm)
			}
		}
		return nil
	case "eth":
		fs, err := fields(body, "src", "dst")
		if err != nil {
			return err
		}
		for _, f := range fs {
			v, mm, err := macMask(f[1])
			if err != nil {
				return err
			}
			if f[0] == "src" {
				k.EthSrc, m.EthSrc = v, mm
			} else {
				k.EthDst, m.EthDst = v, mm
			}
		}
		return nil
	case "eth_type":
		v, mm, err := numMask(strings.TrimSpace(body), 16, 0xffff)
		if err != nil {
			return err
		}
		if isVLANType(uint16(v)) && depth < MaxVLANs {
			*pendingType = int(v)
		}
		if v < ethTypeMin {
			v = EthTypeNone
		}
		k.EthType, m.EthType = uint16(v), uint16(mm)
		return nil
	case "vlan":
		if *pendingType < 0 || depth >= MaxVLANs {
			return errors.New("vlan without TPID")
		}
		fs, err := fields(body, "vid", "pcp", "cfi")
		if err != nil {
			return err
		}
		tci, tm := uint16(VLANCFI), uint16(VLANCFI)
		for _, f := range fs {
			switch f[0] {
			case "vid":
				v, mm, err := numMask(f[1], 16, VLANVIDMask)
				if err != nil {
					return err
				}
				tci |= uint16(v)
				tm |= uint16(mm)
			case "pcp":
				v, mm, err := numMask(f[1], 16, 7)
				if err != nil {
					return err
				}
				tci |= uint16(v) << VLANPCPShift
				tm |= uint16(mm) << VLANPCPShift
			case "cfi":
				switch f[1] {
				case "0":
					tci &^= VLANCFI
				case "1":
				default:
					return errors.New("bad cfi")
				}
			}
		}
		*pendingType = -1
		m.VLANs[depth] = VLAN{TPID: 0xffff, TCI: tm}
		if tci == 0 {
			// A truncated tag: the key keeps its TPID as the
			// Ethernet type, as extraction does.
			k.VLANs[depth] = VLAN{}
			return nil
		}
		k.VLANs[depth] = VLAN{TPID: k.EthType, TCI: tci}
		// The eth_type before vlan() was the TPID, not the payload type.
		k.EthType, m.EthType = 0, 0
		return nil
	case "ipv4", "ipv6":
		var fs [][2]string
		var err error
		if name == "ipv4" {
			fs, err = fields(body, "src", "dst", "proto", "tos", "ttl", "frag")
		} else {
			fs, err = fields(body, "src", "dst", "label", "proto", "tclass", "hlimit", "frag")
		}
		if err != nil {
			return err
		}
		for _, f := range fs {
			var v, mm uint64
			switch f[0] {
			case "src", "dst":
				if name == "ipv4" {
					a, am, err := ip4Mask(f[1])
					if err != nil {
						return err
					}
					if f[0] == "src" {
						k.IPv4Src, m.IPv4Src = a, am
					} else {
						k.IPv4Dst, m.IPv4Dst = a, am
					}
				} else {
					a, am, err := ip6Mask(f[1])
					if err != nil {
						return err
					}
					if f[0] == "src" {
						k.IPv6Src, m.IPv6Src = a, am
					} else {
						k.IPv6Dst, m.IPv6Dst = a, am
					}
				}
				continue
			case "frag":
				fr, err := parseFrag(f[1])
				if err != nil {
					return err
				}
				k.NwFrag, m.NwFrag = fr, FragAny|FragLater
				continue
			case "label":
				if v, mm, err = numMask(f[1], 32, 0xfffff); err != nil {
					return err
				}
				k.IPv6Label, m.IPv6Label = uint32(v), uint32(mm)
				continue
			}
			if v, mm, err = numMask(f[1], 8, 0xff); err != nil {
				return err
			}
			switch f[0] {
			case "proto":
				k.NwProto, m.NwProto = uint8(v), uint8(mm)
			case "tos", "tclass":
				k.NwTOS, m.NwTOS = uint8(v), uint8(mm)
			case "ttl", "hlimit":
				k.NwTTL, m.NwTTL = uint8(v), uint8(mm)
			}
		}
		return nil
	case "arp":
		fs, err := fields(body, "sip", "tip", "op", "sha", "tha")
		if err != nil {
			return err
		}
		for _, f := range fs {
			switch f[0] {
			case "sip", "tip":
				a, am, err := ip4Mask(f[1])
				if err != nil {
					return err
				}
				if f[0] == "sip" {
					k.IPv4Src, m.IPv4Src = a, am
				} else {
					k.IPv4Dst, m.IPv4Dst = a, am
				}
			case "op":
				v, mm, err := numMask(f[1], 16, 0xffff)
				if err != nil || v > 0xff {
					return errors.New("bad op")
				}
				k.NwProto, m.NwProto = uint8(v), uint8(mm)
			case "sha", "tha":
				a, am, err := macMask(f[1])
				if err != nil {
					return err
				}
				if f[0] == "sha" {
					k.ARPSHA, m.ARPSHA = a, am
				} else {
					k.ARPTHA, m.ARPTHA = a, am
				}
			}
		}
		return nil
	case "mpls":
		fs, err := fields(body, "label", "tc", "ttl", "bos")
		if err != nil {
			return err
		}
		if len(fs) == 0 || len(fs)%4 != 0 || len(fs)/4 > MaxMPLS {
			return errors.New("bad mpls")
		}
		order := [4]string{"label", "tc", "ttl", "bos"}
		for i, f := range fs {
			if f[0] != order[i%4] {
				return errors.New("bad mpls")
			}
			vs, ms, masked := splitMask(f[1])
			var full uint64
			var shift uint
			switch f[0] {
			case "label":
				full, shift = 0xfffff, 12
			case "tc":
				full, shift = 7, 9
			case "ttl":
				full, shift = 0xff, 0
			case "bos":
				full, shift = 1, 8
			}
			v, err := num(vs, 32)
			if err != nil || v > full {
				return errors.New("bad mpls")
			}
			mm := full
			if masked {
				// tc and bos masks are printed in bare hex.
				base := 0
				if f[0] == "tc" || f[0] == "bos" {
					base = 16
					ms = strings.TrimPrefix(ms, "0x")
				}
				if mm, err = strconv.ParseUint(ms, base, 32); err != nil || mm > full {
					return errors.New("bad mpls")
				}
			}
			n := i / 4
			k.MPLS[n] |= uint32(v) << shift
			m.MPLS[n] |= uint32(mm) << shift
		}
		return nil
	case "tcp", "udp", "sctp":
		return transportPair(body, "src", "dst", 16, 0xffff, k, m)
	case "tcp_flags":
		v, mm, err := parseTCPFlags(strings.TrimSpace(body))
		if mm == 0 {
			// tcp_flags(0/0) exists only for a packet that had
			// flags; keep some under the zero mask so that the
			// attribute prints back.
			v = 0x0fff
		}
		k.TCPFlags, m.TCPFlags = v, mm
		return err
	case "icmp", "icmpv6":
		return transportPair(body, "type", "code", 8, 0xff, k, m)
	case "nd":
		fs, err := fields(body, "target", "sll", "tll")
		if err != nil {
			return err
		}
		for _, f := range fs {
			if f[0] == "target" {
				a, am, err := ip6Mask(f[1])
				if err != nil {
					return err
				}
				k.NDTarget, m.NDTarget = a, am
				continue
			}
			a, am, err := macMask(f[1])
			if err != nil {
				return err
			}
			if f[0] == "sll" {
				k.ARPSHA, m.ARPSHA = a, am
			} else {
				k.ARPTHA, m.ARPTHA = a, am
			}
		}
		return nil
	}
	return errors.New("unknown attribute")
}

// transportPair parses the two transport attributes that share TpSrc and
// TpDst: ports for TCP/UDP/SCTP, type and code for ICMP.
func transportPair(body, src, dst string, bits int, full uint64, k, m *Key) error {
	fs, err := fields(body, src, dst)
	if err != nil {
		return err
	}
	for _, f := range fs {
		v, mm, err := numMask(f[1], bits, full)
		if err != nil {
			return err
		}
		if f[0] == src {
			k.TpSrc, m.TpSrc = uint16(v), uint16(mm)
		} else {
			k.TpDst, m.TpDst = uint16(v), uint16(mm)
		}
	}
	return nil
}
