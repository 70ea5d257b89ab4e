package openflow

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/govs/ovs/internal/cnum"
)

// Connection tracking actions: ct(...) with its nested nat(...) and
// exec(...) actions, and ct_clear. The switch does not track connections
// yet; these are here so that flows carrying them parse, print and
// re-encode exactly as OVS does instead of being rejected as garbage.

// ctMarkField and ctLabelField are the conntrack metadata a ct's exec
// list can set. They are outside the match registry (conntrack is not matched yet).
// Their headers are spelled out, as for the registry, to keep them static data.
var (
	ctMarkField = Field{ID: numFields + 1, Name: "ct_mark", Bits: 32, Bytes: 4, Maskable: true,
		Format: FormatHex, NXM: nxmNX<<16 | 107<<9, NXMName: "NXM_NX_CT_MARK"}
	ctLabelField = Field{ID: numFields + 2, Name: "ct_label", Bits: 128, Bytes: 16, Maskable: true,
		Format: FormatHex, NXM: nxmNX<<16 | 108<<9, NXMName: "NXM_NX_CT_LABEL"}
)

// Ct flags (NX_CT_F_*).
const (
	CtCommit uint16 = 1 << 0
	CtForce  uint16 = 1 << 1
)

// Ct sends the packet through the connection tracker in Zone (or the
// zone held in ZoneSrc), committing it when Flags has CtCommit, then
// continues in Table (TableCurrent: no recirculation). Actions are the
// nested nat and exec (set_field/load of ct_mark, ct_label) actions.
type Ct struct {
	Flags   uint16
	Zone    uint16
	ZoneSrc Subfield
	Table   uint8
	Alg     uint16
	Actions []Action
}

// NAT flags (NX_NAT_F_*).
const (
	NATSrc        uint16 = 1 << 0
	NATDst        uint16 = 1 << 1
	NATPersistent uint16 = 1 << 2
	NATHash       uint16 = 1 << 3
	NATRandom     uint16 = 1 << 4
)

// NAT is ct's nat(...): source or destination translation to the address
// range IPMin..IPMax (4 or 16 bytes each, nil when absent) and port range
// PortMin..PortMax (0 when absent).
type NAT struct {
	Flags        uint16
	IPMin, IPMax []byte
	PortMin      uint16
	PortMax      uint16
}

func (Ct) action()  {}
func (NAT) action() {}

// Text.

func parseCt(v string, ports PortLookup) ([]Action, error) {
	c := &Ct{Table: TableCurrent}
	for v != "" {
		var name, val string
		var hasVal bool
		name, val, hasVal, v = nextAction(v)
		switch name {
		case "":
			continue
		case "commit":
			c.Flags |= CtCommit
		case "force":
			c.Flags |= CtForce
		case "table":
			n, err := strconv.ParseUint(val, 0, 8)
			if err != nil {
				return nil, fmt.Errorf("unknown table %s", val)
			}
			if n == 255 {
				return nil, fmt.Errorf("invalid table 0x%x", n)
			}
			c.Table = uint8(n)
		case "zone":
			if n, err := strconv.ParseUint(val, 0, 16); err == nil {
				c.Zone = uint16(n)
				break
			}
			sf, err := parseSubfield(val)
			if err != nil {
				return nil, err
			}
			c.ZoneSrc = sf
		case "alg":
			switch val {
			case "ftp":
				c.Alg = 21
			case "tftp":
				c.Alg = 69
			default:
				return nil, fmt.Errorf("invalid conntrack helper \"%s\"", val)
			}
		case "nat":
			n, err := parseNAT(val, hasVal)
			if err != nil {
				return nil, err
			}
			c.Actions = append(c.Actions, n)
		case "exec":
			inner, err := parseActionList(val, ports, true)
			if err != nil {
				return nil, err
			}
			for _, a := range inner {
				if msg := ctExecRefusal(a); msg != "" {
					return nil, errors.New(msg)
				}
			}
			c.Actions = append(c.Actions, inner...)
		default:
			return nil, fmt.Errorf("invalid argument to \"ct\" action: `%s'", name)
		}
	}
	if c.Flags&CtForce != 0 && c.Flags&CtCommit == 0 {
		return nil, errors.New("\"force\" flag requires \"commit\" flag.")
	}
	return one(c), nil
}

// parseNATAddrs reads "IP[-IP][:PORT[-PORT]]", IPv6 addresses in
// brackets when ports follow.
func parseNATAddrs(n *NAT, s string) error {
	bad := fmt.Errorf("invalid nat range \"%s\"", s)
	var ips, portText string
	if strings.HasPrefix(s, "[") {
		end := strings.LastIndex(s, "]")
		if end < 0 {
			return bad
		}
		ips = strings.ReplaceAll(strings.ReplaceAll(s[:end+1], "[", ""), "]", "")
		rest := s[end+1:]
		if rest != "" {
			p, ok := strings.CutPrefix(rest, ":")
			if !ok {
				return bad
			}
			portText = p
		}
	} else if strings.Count(s, ":") == 1 || !strings.Contains(s, ":") {
		ips, portText, _ = strings.Cut(s, ":")
	} else {
		ips = s
	}
	lo, hi, isRange := strings.Cut(ips, "-")
	a, err := netip.ParseAddr(lo)
	if err != nil {
		return bad
	}
	n.IPMin = a.AsSlice()
	if isRange {
		b, err := netip.ParseAddr(hi)
		if err != nil || b.Is4() != a.Is4() || b.Less(a) {
			return bad
		}
		n.IPMax = b.AsSlice()
	}
	if portText != "" {
		// Ports are read like scanf's %hu: digits, truncated to 16 bits.
		lo, hi, isRange := strings.Cut(portText, "-")
		if !allDigits(lo) || isRange && !allDigits(hi) {
			return bad
		}
		n.PortMin = uint16(cnum.Atoi(lo))
		if isRange {
			n.PortMax = uint16(cnum.Atoi(hi))
			if n.PortMax < n.PortMin {
				return bad
			}
		}
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func parseNAT(v string, hasVal bool) (*NAT, error) {
	n := &NAT{}
	if !hasVal {
		return n, nil
	}
	for _, arg := range strings.Split(v, ",") {
		k, val, hasAddr := strings.Cut(arg, "=")
		switch k {
		case "":
		case "src", "dst":
			if n.Flags&(NATSrc|NATDst) != 0 {
				return nil, errors.New("May only specify one of \"src\" or \"dst\".")
			}
			if k == "src" {
				n.Flags |= NATSrc
			} else {
				n.Flags |= NATDst
			}
			if hasAddr {
				if err := parseNATAddrs(n, val); err != nil {
					return nil, err
				}
			}
		case "persistent":
			n.Flags |= NATPersistent
		case "hash":
			n.Flags |= NATHash
		case "random":
			n.Flags |= NATRandom
		default:
			return nil, fmt.Errorf("invalid key \"%s\" in \"nat\" argument", k)
		}
	}
	return n, nil
}

func appendNATAddr(b []byte, ip []byte, bracket bool) []byte {
	a, _ := netip.AddrFromSlice(ip)
	if a.Is6() && bracket {
		return append(append(append(b, '['), a.String()...), ']')
	}
	return append(b, a.String()...)
}

func appendNAT(b []byte, n *NAT) []byte {
	b = append(b, "nat"...)
	if n.Flags == 0 && n.IPMin == nil && n.PortMin == 0 {
		return b
	}
	b = append(b, '(')
	sep := false
	switch {
	case n.Flags&NATSrc != 0:
		b, sep = append(b, "src"...), true
	case n.Flags&NATDst != 0:
		b, sep = append(b, "dst"...), true
	}
	if n.IPMin != nil {
		bracket := len(n.IPMin) == 16
		b = appendNATAddr(append(b, '='), n.IPMin, bracket)
		if n.IPMax != nil {
			b = appendNATAddr(append(b, '-'), n.IPMax, bracket)
		}
		if n.PortMin != 0 {
			b = strconv.AppendUint(append(b, ':'), uint64(n.PortMin), 10)
			if n.PortMax != 0 {
				b = strconv.AppendUint(append(b, '-'), uint64(n.PortMax), 10)
			}
		}
	}
	for _, f := range []struct {
		bit  uint16
		name string
	}{{NATPersistent, "persistent"}, {NATHash, "hash"}, {NATRandom, "random"}} {
		if n.Flags&f.bit != 0 {
			if sep {
				b = append(b, ',')
			}
			b, sep = append(b, f.name...), true
		}
	}
	return append(b, ')')
}

func appendCt(b []byte, c *Ct, names PortNamer) []byte {
	b = append(b, "ct("...)
	sep := false
	add := func() {
		if sep {
			b = append(b, ',')
		}
		sep = true
	}
	if c.Flags&CtCommit != 0 {
		add()
		b = append(b, "commit"...)
	}
	if c.Flags&CtForce != 0 {
		add()
		b = append(b, "force"...)
	}
	if c.Table != TableCurrent {
		add()
		b = strconv.AppendUint(append(b, "table="...), uint64(c.Table), 10)
	}
	if c.ZoneSrc.Field != nil {
		add()
		b = appendSubfield(append(b, "zone="...), c.ZoneSrc)
	} else if c.Zone != 0 {
		add()
		b = strconv.AppendUint(append(b, "zone="...), uint64(c.Zone), 10)
	}
	var exec []Action
	for _, a := range c.Actions {
		if n, ok := a.(*NAT); ok {
			add()
			b = appendNAT(b, n)
		} else {
			exec = append(exec, a)
		}
	}
	if len(exec) > 0 {
		add()
		b = append(b, "exec("...)
		for i, a := range exec {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendAction(b, a, names)
		}
		b = append(b, ')')
	}
	if c.Alg != 0 {
		add()
		switch c.Alg {
		case 21:
			b = append(b, "alg=ftp"...)
		case 69:
			b = append(b, "alg=tftp"...)
		default:
			b = strconv.AppendUint(append(b, "alg="...), uint64(c.Alg), 10)
		}
	}
	return append(b, ')')
}

// Wire.

func appendCtWire(b []byte, c *Ct, v Version) ([]byte, error) {
	start := len(b)
	b = be16(nxHdr(b, nxastCt), c.Flags)
	if c.ZoneSrc.Field != nil {
		b = be16(be32(b, fieldHeader(c.ZoneSrc.Field)), ofsNbits(c.ZoneSrc))
	} else {
		b = be16(be32(b, 0), c.Zone)
	}
	b = pad(append(b, c.Table), 3)
	b = be16(b, c.Alg)
	var err error
	for _, a := range c.Actions {
		if b, err = appendActionWire(b, a, v); err != nil {
			return b[:start], err
		}
	}
	return fixLen(b, start), nil
}

func appendNATWire(b []byte, n *NAT) ([]byte, error) {
	start := len(b)
	b = be16(pad(nxHdr(b, nxastNAT), 2), n.Flags)
	var present uint16
	switch {
	case len(n.IPMin) == 4:
		present |= 1
		if len(n.IPMax) == 4 {
			present |= 2
		}
	case len(n.IPMin) == 16:
		present |= 4
		if len(n.IPMax) == 16 {
			present |= 8
		}
	}
	if n.PortMin != 0 {
		present |= 16
		if n.PortMax != 0 {
			present |= 32
		}
	}
	b = be16(b, present)
	if present&(1|4) != 0 {
		b = append(b, n.IPMin...)
	}
	if present&(2|8) != 0 {
		b = append(b, n.IPMax...)
	}
	if present&16 != 0 {
		b = be16(b, n.PortMin)
	}
	if present&32 != 0 {
		b = be16(b, n.PortMax)
	}
	return fixLen(b, start), nil
}

func decodeCt(b []byte, v Version) (Action, error) {
	if len(b) < 24 {
		return nil, OFPBAC_BAD_LEN
	}
	c := &Ct{Flags: u16(b, 10), Table: b[18], Alg: u16(b, 22)}
	if c.Flags&^(CtCommit|CtForce) != 0 || c.Flags&CtForce != 0 && c.Flags&CtCommit == 0 {
		return nil, OFPBAC_BAD_ARGUMENT
	}
	if h := u32(b, 12); h != 0 {
		on := u16(b, 16)
		sf, err := decodeSubfield(h, int(on>>6), int(on&63)+1)
		if err != nil {
			return nil, err
		}
		c.ZoneSrc = sf
	} else {
		c.Zone = u16(b, 16)
	}
	list := b[24:]
	// A bad nested action is reported as in any list (OVS decodes the
	// nested list as one), before ct itself is.
	nested := func(p []byte, err error) error {
		code, ok := reportBadAction(list, len(list)-len(p), err).(ErrorCode)
		if !ok {
			return err
		}
		return &PrereqError{Code: code}
	}
	for p := list; len(p) > 0; {
		if len(p) < 8 {
			return nil, nested(p, OFPBAC_BAD_LEN)
		}
		n := int(u16(p, 2))
		if n < 8 || n%8 != 0 || n > len(p) {
			return nil, nested(p, OFPBAC_BAD_LEN)
		}
		var a Action
		var err error
		if n >= 16 && u16(p, 0) == 0xffff && u32(p, 4) == nxVendor && u16(p, 8) == nxastNAT {
			a, err = decodeNAT(p[:n])
		} else {
			a, err = decodeAction(p[:n], v)
			if err == nil {
				err = checkCtExec(a)
			} else {
				err = nested(p, err)
			}
		}
		if err != nil {
			return nil, err
		}
		c.Actions = append(c.Actions, a)
		p = p[n:]
	}
	return c, nil
}

// checkCtExec allows only what OVS allows in ct's exec: setting ct_mark
// and ct_label (set_field, load, move).
func checkCtExec(a Action) error {
	if msg := ctExecRefusal(a); msg != "" {
		return &PrereqError{Module: "ofp_actions", Text: msg, Code: OFPBAC_BAD_ARGUMENT}
	}
	return nil
}

// ctExecRefusal is why a may not be in ct's exec list, in OVS's words
// (parsing and decoding alike), or "".
func ctExecRefusal(a Action) string {
	f := writtenField(a)
	switch {
	case f == &ctMarkField || f == &ctLabelField:
		return ""
	case f != nil:
		return "ct action doesn't support nested modification of " + f.Name
	}
	name := AppendAction(nil, a, nil)
	if i := strings.IndexAny(string(name), ":(,"); i >= 0 {
		name = name[:i]
	}
	return "ct action doesn't support nested action " + string(name)
}

// writtenField is the field a set_field, load or move writes (nil for
// other actions; tun_id's set_field is its own action).
func writtenField(a Action) *Field {
	switch a := a.(type) {
	case *SetField:
		return a.Field
	case *RegLoad:
		return a.Dst.Field
	case *RegMove:
		return a.Dst.Field
	case *SetTunnel:
		if a.SetField {
			return &fields[FieldTunID]
		}
	}
	return nil
}

func decodeNAT(b []byte) (Action, error) {
	if len(b) < 16 {
		return nil, OFPBAC_BAD_LEN
	}
	n := &NAT{Flags: u16(b, 12)}
	present := u16(b, 14)
	if n.Flags&^0x1f != 0 || n.Flags&NATSrc != 0 && n.Flags&NATDst != 0 || present&^0x3f != 0 ||
		present&5 == 5 || present&2 != 0 && present&1 == 0 || present&8 != 0 && present&4 == 0 ||
		present&32 != 0 && present&16 == 0 {
		return nil, OFPBAC_BAD_ARGUMENT
	}
	p := b[16:]
	take := func(k int) []byte {
		if len(p) < k {
			return nil
		}
		out := append([]byte(nil), p[:k]...)
		p = p[k:]
		return out
	}
	var ok = true
	switch {
	case present&1 != 0:
		n.IPMin = take(4)
		ok = n.IPMin != nil
		if present&2 != 0 {
			n.IPMax = take(4)
			ok = ok && n.IPMax != nil
		}
	case present&4 != 0:
		n.IPMin = take(16)
		ok = n.IPMin != nil
		if present&8 != 0 {
			n.IPMax = take(16)
			ok = ok && n.IPMax != nil
		}
	}
	if present&16 != 0 {
		x := take(2)
		ok = ok && x != nil
		if x != nil {
			n.PortMin = u16(x, 0)
		}
		if present&32 != 0 {
			x = take(2)
			ok = ok && x != nil
			if x != nil {
				n.PortMax = u16(x, 0)
			}
		}
	}
	if !ok {
		return nil, OFPBAC_BAD_LEN
	}
	return n, nil
}
