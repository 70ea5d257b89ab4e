package dpif

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/govs/ovs/engine/flow"
)

// ParseActions reads the text form of a datapath action list, as
// AppendActions prints it and as users give it to dpctl/add-flow. portNo,
// when not nil, resolves output ports given by name.
//
// Set actions are accepted with or without masks; a field without a mask is
// rewritten whole. Each set() becomes one ActSet.
func ParseActions(s string, portNo func(name string) (uint32, bool)) (Actions, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "drop" {
		return Actions{}, nil
	}
	var acts Actions
	for more := true; more; {
		item, rest, err := splitTop(s)
		if err != nil {
			return nil, err
		}
		more = len(rest) < len(s)-len(item)
		s = rest
		item = strings.TrimSpace(item)
		a, err := parseAction(item, portNo)
		if err != nil {
			return nil, err
		}
		acts = append(acts, a)
	}
	return acts, nil
}

// splitTop returns the text up to the first comma outside parentheses.
func splitTop(s string) (item, rest string, err error) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", "", fmt.Errorf("unbalanced parentheses in %q", s)
			}
		case ',':
			if depth == 0 {
				return s[:i], s[i+1:], nil
			}
		}
	}
	if depth != 0 {
		return "", "", fmt.Errorf("unbalanced parentheses in %q", s)
	}
	return s, "", nil
}

// call splits "name(args)" into its parts.
func call(s string) (name, args string, ok bool) {
	i := strings.IndexByte(s, '(')
	if i < 0 || !strings.HasSuffix(s, ")") {
		return s, "", false
	}
	return s[:i], s[i+1 : len(s)-1], true
}

func parseAction(s string, portNo func(string) (uint32, bool)) (Action, error) {
	if s == "" {
		return Action{}, errors.New("empty action")
	}
	if n, err := strconv.ParseUint(s, 10, 32); err == nil {
		return Action{Type: ActOutput, Port: uint32(n)}, nil
	}
	if s == "pop_vlan" {
		return Action{Type: ActPopVLAN}, nil
	}
	name, args, isCall := call(s)
	if !isCall {
		if portNo != nil {
			if n, ok := portNo(s); ok {
				return Action{Type: ActOutput, Port: n}, nil
			}
		}
		return Action{}, fmt.Errorf("unknown action %q", s)
	}
	switch name {
	case "push_vlan":
		return parsePushVLAN(args)
	case "set":
		set := &SetField{}
		if err := parseSet(args, set); err != nil {
			return Action{}, err
		}
		return Action{Type: ActSet, Set: set}, nil
	case "userspace":
		return parseUserspace(args)
	case "push_mpls":
		return parsePushMPLS(args)
	case "pop_mpls":
		fs, err := fields(args)
		if err != nil {
			return Action{}, err
		}
		if len(fs) != 1 || fs[0][0] != "eth_type" {
			return Action{}, errors.New("pop_mpls: eth_type is required")
		}
		t, err := parseUint(fs[0][1], 16)
		if err != nil {
			return Action{}, err
		}
		return Action{Type: ActPopMPLS, EthType: uint16(t)}, nil
	case "meter":
		n, err := parseUint(strings.TrimSpace(args), 32)
		if err != nil {
			return Action{}, err
		}
		return Action{Type: ActMeter, Meter: uint32(n)}, nil
	case "clone":
		sub, err := ParseActions(args, portNo)
		if err != nil {
			return Action{}, err
		}
		return Action{Type: ActClone, Clone: sub}, nil
	case "check_pkt_len":
		return parseCheckPktLen(args, portNo)
	}
	return Action{}, fmt.Errorf("unknown action %q", s)
}

// fields splits "a=1,b=2" into its name/value pairs.
func fields(s string) ([][2]string, error) {
	var out [][2]string
	for len(s) > 0 {
		item, rest, err := splitTop(s)
		if err != nil {
			return nil, err
		}
		s = rest
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			return nil, fmt.Errorf("%q: missing value", item)
		}
		out = append(out, [2]string{k, v})
	}
	return out, nil
}

func parseUint(s string, bits int) (uint64, error) {
	v, err := strconv.ParseUint(s, 0, bits)
	if err != nil {
		return 0, fmt.Errorf("%q: bad number", s)
	}
	return v, nil
}

func parsePushVLAN(args string) (Action, error) {
	fs, err := fields(args)
	if err != nil {
		return Action{}, err
	}
	tpid, cfi := uint64(flow.EthTypeVLAN), uint64(1)
	var vid, pcp uint64
	seen := 0
	for _, f := range fs {
		var err error
		switch f[0] {
		case "tpid":
			tpid, err = parseUint(f[1], 16)
		case "vid":
			vid, err = parseUint(f[1], 12)
			seen |= 1
		case "pcp":
			pcp, err = parseUint(f[1], 3)
			seen |= 2
		case "cfi":
			cfi, err = parseUint(f[1], 1)
		default:
			err = fmt.Errorf("push_vlan: unknown field %q", f[0])
		}
		if err != nil {
			return Action{}, err
		}
	}
	if seen != 3 {
		return Action{}, errors.New("push_vlan: vid and pcp are required")
	}
	tci := uint16(vid) | uint16(pcp)<<flow.VLANPCPShift
	if cfi != 0 {
		tci |= flow.VLANCFI
	}
	return Action{Type: ActPushVLAN, VLAN: flow.VLAN{TPID: uint16(tpid), TCI: tci}}, nil
}

func parseUserspace(args string) (Action, error) {
	args, data, err := userdataArg(args)
	if err != nil {
		return Action{}, err
	}
	if data == nil {
		if args, data, err = controllerArg(args); err != nil {
			return Action{}, err
		}
	}
	fs, err := fields(args)
	if err != nil {
		return Action{}, err
	}
	a := Action{Type: ActUserspace, Userdata: data}
	pid := false
	for _, f := range fs {
		switch f[0] {
		case "pid":
			if _, err := parseUint(f[1], 32); err != nil {
				return Action{}, err
			}
			pid = true
		default:
			return Action{}, fmt.Errorf("userspace: unknown field %q", f[0])
		}
	}
	if !pid {
		return Action{}, errors.New("userspace: pid is required")
	}
	return a, nil
}

// The mask half of a "value/mask" field; a missing mask means all ones.
func splitMask(s string) (v, m string, hasMask bool) {
	v, m, hasMask = strings.Cut(s, "/")
	return
}

func parseNum(s string, bits int, v, m *uint64) error {
	vs, ms, has := splitMask(s)
	x, err := parseUint(vs, bits)
	if err != nil {
		return err
	}
	y := uint64(1)<<bits - 1
	if has {
		if y, err = parseUint(ms, bits); err != nil {
			return err
		}
	}
	*v, *m = x, y
	return nil
}

func parseMAC(s string, v, m *[6]byte) error {
	vs, ms, has := splitMask(s)
	mac, err := parseMAC1(vs)
	if err != nil {
		return err
	}
	mask := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if has {
		if mask, err = parseMAC1(ms); err != nil {
			return err
		}
	}
	for i := range mac {
		v[i] = mac[i]
		m[i] = mask[i]
	}
	return nil
}

func parseMAC1(s string) ([6]byte, error) {
	var out [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return out, fmt.Errorf("%q: bad Ethernet address", s)
	}
	for i, p := range parts {
		if len(p) == 0 || len(p) > 2 {
			return out, fmt.Errorf("%q: bad Ethernet address", s)
		}
		b, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return out, fmt.Errorf("%q: bad Ethernet address", s)
		}
		out[i] = byte(b)
	}
	return out, nil
}

func parseIP4(s string, v, m *[4]byte) error {
	vs, ms, has := splitMask(s)
	a, err := netip.ParseAddr(vs)
	if err != nil || !a.Is4() {
		return fmt.Errorf("%q: bad IPv4 address", s)
	}
	mask := [4]byte{0xff, 0xff, 0xff, 0xff}
	if has {
		ma, err := netip.ParseAddr(ms)
		if err != nil || !ma.Is4() {
			return fmt.Errorf("%q: bad IPv4 mask", s)
		}
		mask = ma.As4()
	}
	val := a.As4()
	*v, *m = val, mask
	return nil
}

func parseIP6(s string, v, m *[16]byte) error {
	vs, ms, has := splitMask(s)
	a, err := netip.ParseAddr(vs)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return fmt.Errorf("%q: bad IPv6 address", s)
	}
	var mask [16]byte
	for i := range mask {
		mask[i] = 0xff
	}
	if has {
		ma, err := netip.ParseAddr(ms)
		if err != nil || !ma.Is6() || ma.Zone() != "" {
			return fmt.Errorf("%q: bad IPv6 mask", s)
		}
		mask = ma.As16()
	}
	val := a.As16()
	*v, *m = val, mask
	return nil
}

// parseSet reads the inside of set(...): one attribute such as
// "ipv4(src=1.2.3.4,ttl=9)" into set (merging with what is already there).
func parseSet(s string, set *SetField) error {
	attr, args, ok := call(strings.TrimSpace(s))
	if !ok {
		return fmt.Errorf("set(%s): syntax error", s)
	}
	v, m := &set.Value, &set.Mask
	if attr == "mpls" {
		lse, err := parseLSE(args, false)
		if err != nil {
			return err
		}
		v.MPLS[0], m.MPLS[0] = lse, 0xffffffff
		return nil
	}
	if attr == "skb_priority" || attr == "skb_mark" {
		var x, y uint64
		if err := parseNum(args, 32, &x, &y); err != nil {
			return err
		}
		if attr == "skb_priority" {
			v.Priority, m.Priority = uint32(x), uint32(y)
		} else {
			v.Mark, m.Mark = uint32(x), uint32(y)
		}
		return nil
	}
	fs, err := fields(args)
	if err != nil {
		return err
	}
	var x, y uint64
	for _, f := range fs {
		k, val := f[0], f[1]
		var err error
		switch attr + "." + k {
		case "eth.src":
			err = parseMAC(val, &v.EthSrc, &m.EthSrc)
		case "eth.dst":
			err = parseMAC(val, &v.EthDst, &m.EthDst)
		case "ipv4.src", "arp.sip":
			err = parseIP4(val, &v.IPv4Src, &m.IPv4Src)
		case "ipv4.dst", "arp.tip":
			err = parseIP4(val, &v.IPv4Dst, &m.IPv4Dst)
		case "ipv4.tos", "ipv6.tclass":
			if err = parseNum(val, 8, &x, &y); err == nil {
				v.NwTOS, m.NwTOS = uint8(x), uint8(y)
			}
		case "ipv4.ttl", "ipv6.hlimit":
			if err = parseNum(val, 8, &x, &y); err == nil {
				v.NwTTL, m.NwTTL = uint8(x), uint8(y)
			}
		case "ipv4.proto", "ipv6.proto":
			// Not writable; the value tells later set()s which L4
			// header they rewrite.
			if err = parseNum(val, 8, &x, &y); err == nil {
				v.NwProto = uint8(x)
			}
		case "ipv4.frag", "ipv6.frag":
			switch strings.SplitN(val, "/", 2)[0] {
			case "no", "first", "later":
			default:
				err = fmt.Errorf("%q: bad frag value", val)
			}
		case "ipv6.src":
			err = parseIP6(val, &v.IPv6Src, &m.IPv6Src)
		case "ipv6.dst":
			err = parseIP6(val, &v.IPv6Dst, &m.IPv6Dst)
		case "ipv6.label":
			if err = parseNum(val, 20, &x, &y); err == nil {
				v.IPv6Label, m.IPv6Label = uint32(x), uint32(y)
			}
		case "tcp.src", "udp.src", "sctp.src":
			if err = parseNum(val, 16, &x, &y); err == nil {
				v.TpSrc, m.TpSrc = uint16(x), uint16(y)
			}
		case "tcp.dst", "udp.dst", "sctp.dst":
			if err = parseNum(val, 16, &x, &y); err == nil {
				v.TpDst, m.TpDst = uint16(x), uint16(y)
			}
		case "icmp.type", "icmpv6.type":
			if err = parseNum(val, 8, &x, &y); err == nil {
				v.TpSrc, m.TpSrc = uint16(x), uint16(y)
			}
		case "icmp.code", "icmpv6.code":
			if err = parseNum(val, 8, &x, &y); err == nil {
				v.TpDst, m.TpDst = uint16(x), uint16(y)
			}
		case "arp.op":
			if err = parseNum(val, 16, &x, &y); err == nil {
				if x > 0xff {
					err = fmt.Errorf("%q: ARP opcode out of range", val)
				}
				v.NwProto, m.NwProto = uint8(x), uint8(y)
			}
		case "arp.sha", "nd.sll":
			err = parseMAC(val, &v.ARPSHA, &m.ARPSHA)
		case "arp.tha", "nd.tll":
			err = parseMAC(val, &v.ARPTHA, &m.ARPTHA)
		case "nd.target":
			err = parseIP6(val, &v.NDTarget, &m.NDTarget)
		default:
			err = fmt.Errorf("set(%s): unknown field %q", attr, k)
		}
		if err != nil {
			return err
		}
	}
	switch attr {
	case "eth":
	case "ipv4":
		v.EthType = flow.EthTypeIP
	case "ipv6", "nd":
		v.EthType = flow.EthTypeIPv6
		if attr == "nd" {
			v.NwProto = flow.IPProtoICMPv6
		}
	case "arp":
		v.EthType = flow.EthTypeARP
	case "tcp":
		v.NwProto = flow.IPProtoTCP
	case "udp":
		v.NwProto = flow.IPProtoUDP
	case "sctp":
		v.NwProto = flow.IPProtoSCTP
	case "icmp":
		v.NwProto = flow.IPProtoICMP
	case "icmpv6":
		v.NwProto = flow.IPProtoICMPv6
	default:
		return fmt.Errorf("set(%s): unknown attribute %q", s, attr)
	}
	return nil
}

// userdataArg extracts "userdata(hex)" from userspace() arguments.
func userdataArg(args string) (rest string, data []byte, err error) {
	i := strings.Index(args, "userdata(")
	if i < 0 {
		return args, nil, nil
	}
	j := strings.IndexByte(args[i:], ')')
	if j < 0 {
		return "", nil, errors.New("userspace: unterminated userdata")
	}
	data, err = hex.DecodeString(args[i+len("userdata(") : i+j])
	if err != nil {
		return "", nil, errors.New("userspace: bad userdata")
	}
	rest = strings.Trim(args[:i]+args[i+j+1:], ",")
	rest = strings.ReplaceAll(rest, ",,", ",")
	return rest, data, nil
}

// parseLSE reads "label=L,tc=T,ttl=N,bos=B" (with eth_type=E allowed when
// withType, which the caller reads itself).
func parseLSE(args string, withType bool) (uint32, error) {
	fs, err := fields(args)
	if err != nil {
		return 0, err
	}
	var lse uint32
	seen := 0
	for _, f := range fs {
		var bits, shift int
		switch f[0] {
		case "label":
			bits, shift = 20, 12
		case "tc":
			bits, shift = 3, 9
		case "ttl":
			bits, shift = 8, 0
		case "bos":
			bits, shift = 1, 8
		case "eth_type":
			if withType {
				continue
			}
			fallthrough
		default:
			return 0, fmt.Errorf("mpls: unknown field %q", f[0])
		}
		x, err := parseUint(f[1], bits)
		if err != nil {
			return 0, err
		}
		lse |= uint32(x) << shift
		seen++
	}
	if seen != 4 {
		return 0, errors.New("mpls: label, tc, ttl and bos are required")
	}
	return lse, nil
}

func parsePushMPLS(args string) (Action, error) {
	lse, err := parseLSE(args, true)
	if err != nil {
		return Action{}, err
	}
	fs, _ := fields(args)
	for _, f := range fs {
		if f[0] == "eth_type" {
			t, err := parseUint(f[1], 16)
			if err != nil {
				return Action{}, err
			}
			return Action{Type: ActPushMPLS, MPLS: lse, EthType: uint16(t)}, nil
		}
	}
	return Action{}, errors.New("push_mpls: eth_type is required")
}

// parseCheckPktLen reads "size=N,gt(ACTIONS),le(ACTIONS)".
func parseCheckPktLen(args string, portNo func(string) (uint32, bool)) (Action, error) {
	c := &CheckPktLen{}
	seen := 0
	for len(args) > 0 {
		item, rest, err := splitTop(args)
		if err != nil {
			return Action{}, err
		}
		args = rest
		item = strings.TrimSpace(item)
		if v, ok := strings.CutPrefix(item, "size="); ok {
			n, err := parseUint(v, 16)
			if err != nil {
				return Action{}, err
			}
			c.Size = uint16(n)
			seen |= 1
			continue
		}
		name, sub, ok := call(item)
		if !ok || (name != "gt" && name != "le") {
			return Action{}, fmt.Errorf("check_pkt_len: unexpected %q", item)
		}
		acts, err := ParseActions(sub, portNo)
		if err != nil {
			return Action{}, err
		}
		if name == "gt" {
			c.Greater, seen = acts, seen|2
		} else {
			c.LessEqual, seen = acts, seen|4
		}
	}
	if seen != 7 {
		return Action{}, errors.New("check_pkt_len: size, gt and le are required")
	}
	return Action{Type: ActCheckPktLen, CheckPktLen: c}, nil
}

// controllerArg extracts "controller(...)" from userspace() arguments and
// encodes it as a ControllerCookie.
func controllerArg(args string) (rest string, data []byte, err error) {
	i := strings.Index(args, "controller(")
	if i < 0 {
		return args, nil, nil
	}
	j := strings.IndexByte(args[i:], ')')
	if j < 0 {
		return "", nil, errors.New("userspace: unterminated controller")
	}
	fs, err := fields(args[i+len("controller(") : i+j])
	if err != nil {
		return "", nil, err
	}
	c := ControllerCookie{}
	for _, f := range fs {
		var bits int
		switch f[0] {
		case "reason", "dont_send", "continuation":
			bits = 8
		case "recirc_id":
			bits = 32
		case "rule_cookie":
			bits = 64
		case "controller_id", "max_len":
			bits = 16
		default:
			return "", nil, fmt.Errorf("userspace: unknown controller field %q", f[0])
		}
		x, err := parseUint(f[1], bits)
		if err != nil {
			return "", nil, err
		}
		switch f[0] {
		case "reason":
			c.Reason = uint8(x)
		case "dont_send":
			c.DontSend = x != 0
		case "continuation":
			c.Continuation = x != 0
		case "recirc_id":
			c.RecircID = uint32(x)
		case "rule_cookie":
			c.RuleCookie = x
		case "controller_id":
			c.ControllerID = uint16(x)
		case "max_len":
			c.MaxLen = uint16(x)
		}
	}
	rest = strings.Trim(args[:i]+args[i+j+1:], ",")
	rest = strings.ReplaceAll(rest, ",,", ",")
	return rest, c.Append(nil), nil
}
