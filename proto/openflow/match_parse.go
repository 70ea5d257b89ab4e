package openflow

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// PortLookup resolves a port name used in flow syntax ("eth0") to its
// OpenFlow port number. It may be nil when no names are known.
type PortLookup func(name string) (uint32, bool)

// Shorthand is a protocol keyword of the flow syntax ("tcp", "arp", ...).
type Shorthand struct {
	Name    string
	EthType uint16
	Proto   uint8 // 0: none
}

var shorthands = []Shorthand{
	{"ip", EthTypeIPv4, 0}, {"ipv4", EthTypeIPv4, 0}, {"ip4", EthTypeIPv4, 0},
	{"ipv6", EthTypeIPv6, 0}, {"icmp", EthTypeIPv4, 1}, {"icmp6", EthTypeIPv6, 58},
	{"tcp", EthTypeIPv4, 6}, {"tcp6", EthTypeIPv6, 6}, {"udp", EthTypeIPv4, 17},
	{"udp6", EthTypeIPv6, 17}, {"sctp", EthTypeIPv4, 132}, {"sctp6", EthTypeIPv6, 132},
	{"arp", EthTypeARP, 0}, {"rarp", EthTypeRARP, 0}, {"mpls", EthTypeMPLS, 0},
	{"mplsm", EthTypeMPLSM, 0},
}

// LookupShorthand finds a protocol keyword.
func LookupShorthand(name string) (Shorthand, bool) {
	for _, s := range shorthands {
		if s.Name == name {
			return s, true
		}
	}
	return Shorthand{}, false
}

// ApplyShorthand sets the Ethernet type and IP protocol a keyword stands for.
func (m *Match) ApplyShorthand(s Shorthand) {
	m.setUint(FieldEthType, uint64(s.EthType), 0xffff)
	if s.Proto != 0 {
		m.setUint(FieldNwProto, uint64(s.Proto), 0xff)
	}
}

// ParseMatch parses the match part of OVS's flow syntax: comma- or
// space-separated protocol keywords and field=value[/mask] pairs. Other
// flow keywords (priority, actions, ...) are errors here; a flow parser
// splits them off and calls ParseMatchField for the rest. The result is
// not normalised: see Match.Normalize.
func ParseMatch(s string, ports PortLookup) (*Match, error) {
	m := new(Match)
	for s != "" {
		var name, value string
		var hasValue bool
		name, value, hasValue, s = nextKeyValue(s)
		if name == "" {
			if s == "" && !hasValue {
				break
			}
			return nil, fmt.Errorf("unknown keyword %s", name)
		}
		if err := m.ParseMatchField(name, value, hasValue, ports); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// nextKeyValue splits the next "key[=value]" off s, the way the flow
// syntax tokenizes: separators are commas and white space, and a value
// may contain parentheses with commas inside (packet_type=(1,0x800)).
func nextKeyValue(s string) (key, value string, hasValue bool, rest string) {
	s = strings.TrimLeft(s, ", \t\r\n")
	i := strings.IndexAny(s, "=:, \t\r\n(")
	if i < 0 {
		return s, "", false, ""
	}
	key = s[:i]
	if s[i] != '=' && s[i] != ':' {
		return key, "", false, s[i:]
	}
	s = s[i+1:]
	depth := 0
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '(':
			depth++
		case ')':
			if depth > 0 {
				depth--
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return key, s[:j], true, s[j:]
			}
		}
	}
	return key, s, true, ""
}

// ParseMatchField applies one keyword of the flow syntax to m.
func (m *Match) ParseMatchField(name, value string, hasValue bool, ports PortLookup) error {
	if sh, ok := LookupShorthand(name); ok {
		// OVS ignores a value given to a protocol keyword ("tcp:x").
		m.ApplyShorthand(sh)
		return nil
	}
	f := FieldByName(name)
	if f == nil {
		if !hasValue {
			return fmt.Errorf("field %s missing value", name)
		}
		return fmt.Errorf("unknown keyword %s", name)
	}
	if !hasValue {
		return fmt.Errorf("field %s missing value", name)
	}
	if value == "" {
		value = "0/0" // OVS reads an empty value as "match anything"
	}
	val, mask, err := ParseFieldValue(f, value, ports)
	if err != nil {
		return err
	}
	m.SetField(f, val, mask)
	return nil
}

// ParseFieldValue parses "value[/mask]" for field f into f.Bytes-wide
// big-endian value and mask (mask nil: exact). Errors use OVS's words.
func ParseFieldValue(f *Field, s string, ports PortLookup) (value, mask []byte, err error) {
	switch f.Format {
	case FormatPort:
		p, ok := parsePort(s, ports)
		if !ok {
			if f.ID == FieldActsetOutput {
				return nil, nil, fmt.Errorf("%s: port value out of range for %s", s, f.Name)
			}
			return nil, nil, fmt.Errorf("%s: invalid or unknown port for %s", s, f.Name)
		}
		if f.ID == FieldInPortOXM {
			p = portTo32(p)
		}
		value = make([]byte, f.Bytes)
		putBE(value, uint64(p))
		return value, nil, nil
	case FormatFrag:
		for _, fr := range fragNames {
			if fr.name == s {
				return []byte{fr.value}, []byte{fr.mask}, nil
			}
		}
		return nil, nil, fmt.Errorf("%s: unknown fragment type (valid types are \"no\", \"yes\", \"first\", \"later\", \"not_later\"", s)
	case FormatPacketType:
		v, err := parsePacketType(s)
		if err != nil {
			return nil, nil, err
		}
		value = make([]byte, 4)
		putBE(value, uint64(v))
		return value, nil, nil
	case FormatTCPFlags:
		if s != "" && (s[0] == '+' || s[0] == '-' || s[0] == '[' || s[0] >= 'a' && s[0] <= 'z') {
			v, mk, err := parseTCPFlags(s)
			if err != nil {
				return nil, nil, err
			}
			return []byte{byte(v >> 8), byte(v)}, []byte{byte(mk >> 8), byte(mk)}, nil
		}
	}
	vs, ms, hasMask := strings.Cut(s, "/")
	if f.Format == FormatTCPFlags {
		value, mask, err = parseTCPFlagsNumber(s, vs, ms, hasMask)
		return value, mask, err
	}
	if hasMask && !f.Maskable && !trivialMask(f, ms) {
		return nil, nil, fmt.Errorf("%s: invalid mask for field %s", s, f.Name)
	}
	switch f.Format {
	case FormatEthernet:
		value = make([]byte, 6)
		if !parseEthernet(vs, value) {
			return nil, nil, fmt.Errorf("%s: invalid Ethernet address", s)
		}
		if hasMask {
			mask = make([]byte, 6)
			if !parseEthernet(ms, mask) {
				return nil, nil, fmt.Errorf("%s: invalid Ethernet address", s)
			}
		}
		return value, mask, nil
	case FormatIPv4:
		v4, ok := parseIPv4(vs)
		if !ok {
			return nil, nil, fmt.Errorf("%s: invalid IP address", s)
		}
		value = v4[:]
		if hasMask {
			if n, err := strconv.Atoi(ms); err == nil {
				if n < 0 || n > 32 {
					return nil, nil, fmt.Errorf("%s: IPv4 network prefix bits not between 0 and 32, inclusive", s)
				}
				mask = make([]byte, 4)
				putBE(mask, ^uint64(0)<<(32-n))
			} else {
				m4, ok := parseIPv4(ms)
				if !ok {
					return nil, nil, fmt.Errorf("%s: invalid IP address", s)
				}
				mask = m4[:]
			}
		}
		return value, mask, nil
	case FormatIPv6:
		a, err := netip.ParseAddr(vs)
		if err != nil || !a.Is6() || a.Zone() != "" {
			return nil, nil, fmt.Errorf("%s: invalid IPv6 address", s)
		}
		v6 := a.As16()
		value = v6[:]
		if hasMask {
			mask = make([]byte, 16)
			if n, err := strconv.Atoi(ms); err == nil {
				if n < 0 || n > 128 {
					return nil, nil, fmt.Errorf("%s: IPv6 network prefix bits not between 0 and 128, inclusive", s)
				}
				for i := 0; i < n; i++ {
					mask[i/8] |= 0x80 >> (i % 8)
				}
			} else {
				ma, err := netip.ParseAddr(ms)
				if err != nil || !ma.Is6() {
					return nil, nil, fmt.Errorf("%s: invalid IPv6 address", s)
				}
				m6 := ma.As16()
				mask = m6[:]
			}
		}
		return value, mask, nil
	}
	value = make([]byte, f.Bytes)
	if err := parseInt(vs, value); err != nil {
		return nil, nil, intError(err, s, f)
	}
	if hasMask {
		mask = make([]byte, f.Bytes)
		if err := parseInt(ms, mask); err != nil {
			return nil, nil, intError(err, s, f)
		}
	}
	return value, mask, nil
}

var errTooLarge = errors.New("too large")

func intError(err error, s string, f *Field) error {
	if err == errTooLarge {
		return fmt.Errorf("%s: value too large for %d-byte field %s", s, f.Bytes, f.Name)
	}
	return fmt.Errorf("%s: bad syntax for %s value", s, f.Name)
}

// parseInt reads a C-style integer (decimal, 0x hex or 0 octal) into the
// big-endian bytes of out. Hex may be as wide as out.
func parseInt(s string, out []byte) error {
	if s == "" {
		return errors.New("empty")
	}
	if s == "0x" || s == "0X" {
		// strtoull reads the "0" and stops; OVS accepts that.
		s = "0"
	}
	if s[0] == '-' {
		// strtoull negates modulo 2**64, so only -0 fits a short field.
		v, err := strconv.ParseUint(s[1:], 0, 64)
		if err != nil {
			return err
		}
		v = -v
		if len(out) < 8 && v>>(8*len(out)) != 0 {
			return errTooLarge
		}
		for i := range out {
			out[i] = 0
		}
		putBE(out[max(0, len(out)-8):], v)
		return nil
	}
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		h := strings.TrimLeft(s[2:], "0")
		for _, c := range s[2:] {
			if !isHex(byte(c)) {
				return errors.New("syntax")
			}
		}
		if len(h) > 2*len(out) {
			return errTooLarge
		}
		for i := range out {
			out[i] = 0
		}
		for i := 0; i < len(h); i++ {
			d := hexVal(h[len(h)-1-i])
			out[len(out)-1-i/2] |= d << (4 * (i % 2))
		}
		return nil
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return errTooLarge
		}
		return err
	}
	if len(out) < 8 && v>>(8*len(out)) != 0 {
		return errTooLarge
	}
	putBE(out[max(0, len(out)-8):], v)
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// parseEthernet reads six colon-separated hex bytes. Like the scanf
// OVS uses, a byte may have any number of digits and keeps the low 8 bits.
func parseEthernet(s string, out []byte) bool {
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return false
	}
	for i, p := range parts {
		if p == "" {
			return false
		}
		var v byte
		for j := 0; j < len(p); j++ {
			if !isHex(p[j]) {
				return false
			}
			v = v<<4 | hexVal(p[j])
		}
		out[i] = v
	}
	return true
}

// parseIPv4 reads a dotted quad the way OVS's scanf("%hhu.%hhu...")
// does: leading zeros are decimal and each part keeps its low 8 bits.
func parseIPv4(s string) ([4]byte, bool) {
	var a [4]byte
	if strings.Count(s, ".") != 3 {
		return a, false
	}
	for i := range 4 {
		p, rest, _ := strings.Cut(s, ".")
		s = rest
		if p == "" {
			return a, false
		}
		var v byte
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return a, false
			}
			v = v*10 + p[j] - '0'
		}
		a[i] = v
	}
	return a, true
}

func parsePort(s string, ports PortLookup) (uint32, bool) {
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' {
		v, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, false
		}
		p := portFrom32(uint32(v))
		if p > 0xffff {
			return 0, false
		}
		return p, true
	}
	for p := PortUnset; p <= PortNone; p++ {
		if strings.EqualFold(PortName(p), s) || strings.EqualFold(portText(p), s) {
			return p, true
		}
	}
	if ports != nil {
		return ports(s)
	}
	return 0, false
}

type fragName struct {
	name        string
	value, mask byte
}

var fragNames = []fragName{
	{"no", 0, 3}, {"yes", 1, 1}, {"first", 1, 3}, {"later", 3, 3}, {"not_later", 0, 2},
}

var tcpFlagNames = [...]string{"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns"}

func parseTCPFlags(s string) (v, mask uint16, err error) {
	if s[0] != '+' && s[0] != '-' {
		for _, name := range strings.Split(s, "|") {
			if name == "" {
				continue
			}
			b, ok := tcpFlagBit(name)
			if !ok {
				return 0, 0, fmt.Errorf("%s: unknown TCP flag(s)", s)
			}
			v |= b
		}
		return v, 0x0fff, nil
	}
	for s != "" {
		sign := s[0]
		if sign != '+' && sign != '-' {
			return 0, 0, fmt.Errorf("%s: unknown TCP flag(s)", s)
		}
		s = s[1:]
		j := strings.IndexAny(s, "+-")
		if j < 0 {
			j = len(s)
		}
		b, ok := tcpFlagBit(s[:j])
		if !ok {
			return 0, 0, fmt.Errorf("%s: unknown TCP flag(s)", s[:j])
		}
		if mask&b != 0 {
			return 0, 0, fmt.Errorf("%s: Each TCP flag can be specified only once", s[:j])
		}
		mask |= b
		if sign == '+' {
			v |= b
		} else {
			v &^= b
		}
		s = s[j:]
	}
	return v, mask, nil
}

func tcpFlagBit(name string) (uint16, bool) {
	for i, n := range tcpFlagNames {
		if n == name {
			return 1 << i, true
		}
	}
	switch name {
	case "[200]":
		return 0x200, true
	case "[400]":
		return 0x400, true
	case "[800]":
		return 0x800, true
	}
	return 0, false
}

func parsePacketType(s string) (uint32, error) {
	if !strings.HasPrefix(s, "(") {
		return 0, fmt.Errorf("%s: bad syntax for packet type missing '('", s)
	}
	s = s[1:]
	ns, tail := leadingUint(s)
	if ns > 0xffff {
		return 0, fmt.Errorf("%s: bad syntax for packet type ns", s)
	}
	if !strings.HasPrefix(tail, ",") {
		return 0, fmt.Errorf("%s: bad syntax for packet type missing ','", s)
	}
	s = tail[1:]
	typ, tail := leadingUint(s)
	if typ > 0xffff {
		return 0, fmt.Errorf("%s: bad syntax for packet type ns_type", s)
	}
	if tail != ")" {
		return 0, fmt.Errorf("%s: bad syntax for packet type missing ')'", s)
	}
	return uint32(ns)<<16 | uint32(typ), nil
}

// leadingUint reads a C-style unsigned number (0x hex, 0 octal or
// decimal) from the front of s, as strtoul does, and returns the rest.
func leadingUint(s string) (uint64, string) {
	base, i := uint64(10), 0
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isHex(s[2]) {
		base, i = 16, 2
	} else if len(s) > 1 && s[0] == '0' {
		base = 8
	}
	var v uint64
	for ; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case base == 16 && isHex(c):
			d = uint64(hexVal(c))
		default:
			return v, s[i:]
		}
		if d >= base {
			return v, s[i:]
		}
		if v > (1<<63)/base {
			v = 1 << 63 // saturate: callers only compare with small limits
		} else {
			v = v*base + d
		}
	}
	return v, ""
}

// parseTCPFlagsNumber reads tcp_flags as numbers: only the 12 bits TCP
// defines may be set, in the value or the mask.
func parseTCPFlagsNumber(s, vs, ms string, hasMask bool) (value, mask []byte, err error) {
	value = make([]byte, 2)
	if parseInt(vs, value) != nil || beUint(value)&^0x0fff != 0 {
		return nil, nil, fmt.Errorf("%s: unknown TCP flag(s)", s)
	}
	if !hasMask {
		return value, []byte{0x0f, 0xff}, nil
	}
	mask = make([]byte, 2)
	if parseInt(ms, mask) != nil || beUint(mask)&^0x0fff != 0 {
		return nil, nil, fmt.Errorf("%s: unknown TCP flag(s)", s)
	}
	return value, mask, nil
}

// trivialMask reports whether ms, given for a field that cannot be
// masked, is all zeros or all ones: OVS accepts those for any field.
func trivialMask(f *Field, ms string) bool {
	if f.Format != FormatDecimal && f.Format != FormatHex {
		return false
	}
	var buf [16]byte
	mask := buf[:f.Bytes]
	if parseInt(ms, mask) != nil {
		return false
	}
	if f.Bytes > 8 {
		return false // only xxreg is that wide, and it is maskable
	}
	v := beUint(mask)
	return v == 0 || v == ^uint64(0)>>(64-8*f.Bytes)
}
