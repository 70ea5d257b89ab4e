package dpctl

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/govs/ovs/engine/flow"
)

// Filter is the filter= argument of dpctl/dump-flows: an OpenFlow-style
// match ("tcp,nw_dst=10.0.0.0/8,tp_dst=80") that a flow passes when every
// field it names is matched exactly by the flow and has the filter's value.
type Filter struct {
	key, mask flow.Key
	inPort    string // in_port given by name, resolved per datapath
}

// protoShorthand returns what a protocol shorthand ("tcp", "udp6", ...)
// stands for. (A switch, not a map literal built at every start of every
// tool of the binary.)
func protoShorthand(name string) (ethType uint16, proto uint8, ok bool) {
	switch name {
	case "ip":
		return flow.EthTypeIP, 0, true
	case "ipv6":
		return flow.EthTypeIPv6, 0, true
	case "arp":
		return flow.EthTypeARP, 0, true
	case "rarp":
		return flow.EthTypeRARP, 0, true
	case "icmp":
		return flow.EthTypeIP, flow.IPProtoICMP, true
	case "tcp":
		return flow.EthTypeIP, flow.IPProtoTCP, true
	case "udp":
		return flow.EthTypeIP, flow.IPProtoUDP, true
	case "sctp":
		return flow.EthTypeIP, flow.IPProtoSCTP, true
	case "icmp6":
		return flow.EthTypeIPv6, flow.IPProtoICMPv6, true
	case "tcp6":
		return flow.EthTypeIPv6, flow.IPProtoTCP, true
	case "udp6":
		return flow.EthTypeIPv6, flow.IPProtoUDP, true
	case "sctp6":
		return flow.EthTypeIPv6, flow.IPProtoSCTP, true
	}
	return 0, 0, false
}

// ParseFilter reads a filter; errors read like OVS's ("bogus: unknown
// field bogus").
func ParseFilter(s string) (*Filter, error) {
	f := &Filter{}
	k, m := &f.key, &f.mask
	for _, item := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		name, val, hasVal := strings.Cut(item, "=")
		if !hasVal {
			if ethType, proto, ok := protoShorthand(name); ok {
				k.EthType, m.EthType = ethType, 0xffff
				if proto != 0 {
					k.NwProto, m.NwProto = proto, 0xff
				}
				continue
			}
			return nil, fmt.Errorf("%s: unknown field %s", name, name)
		}
		var err error
		switch name {
		case "in_port":
			if n, e := strconv.ParseUint(val, 0, 32); e == nil {
				k.InPort, m.InPort = uint32(n), 0xffffffff
			} else {
				f.inPort = val
			}
		case "dl_src", "eth_src":
			err = filterMAC(val, &k.EthSrc, &m.EthSrc)
		case "dl_dst", "eth_dst":
			err = filterMAC(val, &k.EthDst, &m.EthDst)
		case "dl_type", "eth_type":
			var n uint64
			if n, err = strconv.ParseUint(val, 0, 16); err == nil {
				k.EthType, m.EthType = uint16(n), 0xffff
			}
		case "dl_vlan":
			var n uint64
			if n, err = strconv.ParseUint(val, 0, 12); err == nil {
				k.VLANs[0].TCI, m.VLANs[0].TCI = uint16(n)|flow.VLANCFI, flow.VLANVIDMask|flow.VLANCFI
			}
		case "nw_src", "ip_src":
			err = filterIP4(val, &k.IPv4Src, &m.IPv4Src)
		case "nw_dst", "ip_dst":
			err = filterIP4(val, &k.IPv4Dst, &m.IPv4Dst)
		case "nw_proto", "ip_proto":
			var n uint64
			if n, err = strconv.ParseUint(val, 0, 8); err == nil {
				k.NwProto, m.NwProto = uint8(n), 0xff
			}
		case "nw_ttl":
			var n uint64
			if n, err = strconv.ParseUint(val, 0, 8); err == nil {
				k.NwTTL, m.NwTTL = uint8(n), 0xff
			}
		case "tp_src", "tcp_src", "udp_src":
			var n uint64
			if n, err = strconv.ParseUint(val, 0, 16); err == nil {
				k.TpSrc, m.TpSrc = uint16(n), 0xffff
			}
		case "tp_dst", "tcp_dst", "udp_dst":
			var n uint64
			if n, err = strconv.ParseUint(val, 0, 16); err == nil {
				k.TpDst, m.TpDst = uint16(n), 0xffff
			}
		default:
			return nil, fmt.Errorf("%s: unknown field %s", name, name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: invalid value for field %s", val, name)
		}
	}
	return f, nil
}

func filterMAC(s string, v, m *[6]byte) error {
	a, mask, has := strings.Cut(s, "/")
	var out [6]byte
	if _, err := fmt.Sscanf(a, "%x:%x:%x:%x:%x:%x", &out[0], &out[1], &out[2], &out[3], &out[4], &out[5]); err != nil {
		return err
	}
	mm := [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if has {
		if _, err := fmt.Sscanf(mask, "%x:%x:%x:%x:%x:%x", &mm[0], &mm[1], &mm[2], &mm[3], &mm[4], &mm[5]); err != nil {
			return err
		}
	}
	for i := range out {
		v[i], m[i] = out[i]&mm[i], mm[i]
	}
	return nil
}

func filterIP4(s string, v, m *[4]byte) error {
	if p, err := netip.ParsePrefix(s); err == nil && p.Addr().Is4() {
		bits := p.Bits()
		mask := uint32(0)
		if bits > 0 {
			mask = ^uint32(0) << (32 - bits)
		}
		a := p.Addr().As4()
		for i := range a {
			mb := byte(mask >> (24 - 8*i))
			v[i], m[i] = a[i]&mb, mb
		}
		return nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return fmt.Errorf("bad address")
	}
	*v, *m = a.As4(), [4]byte{0xff, 0xff, 0xff, 0xff}
	return nil
}

// Matches reports whether a megaflow passes the filter: every field the
// filter names must be matched by the flow and agree with the filter.
func (f *Filter) Matches(key, mask *flow.Key, portName func(uint32) (string, bool)) bool {
	if f.inPort != "" {
		n, ok := portName(key.InPort)
		if !ok || n != f.inPort || mask.InPort != 0xffffffff {
			return false
		}
	}
	kw, mw := key.Words(), mask.Words()
	fk, fm := f.key.Words(), f.mask.Words()
	for i := range fm {
		if fm[i]&^mw[i] != 0 || (kw[i]^fk[i])&fm[i] != 0 {
			return false
		}
	}
	return true
}
