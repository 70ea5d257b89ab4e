package openflow

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/govs/ovs/internal/cnum"
)

// Nicira extension actions that need more than a line or two: tunnel id,
// IP TTL, multipath, bundle, sample, check_pkt_larger, ct_clear and the
// debug actions. Each has one model type; the text syntax and the wire
// layout (which NXAST subtype OVS picks for which argument values) follow
// ovs-actions(7) and what OVS 3.1's ovs-ofctl prints and encodes.

// Further Nicira subtypes.
const (
	nxastSetTunnel      = 2
	nxastSetTunnel64    = 9
	nxastMultipath      = 10
	nxastBundle         = 12
	nxastBundleLoad     = 13
	nxastLearn          = 16
	nxastSample         = 29
	nxastCt             = 35
	nxastNAT            = 36
	nxastController2    = 37
	nxastSample2        = 38
	nxastGroup          = 40
	nxastSample3        = 41
	nxastClone          = 42
	nxastCtClear        = 43
	nxastLearn2         = 45
	nxastStackPush      = 27
	nxastStackPop       = 28
	nxastCheckPktLarger = 49
	nxastDebugSlow      = 0xfe
	nxastDebugRecirc    = 0xff
)

// OpenFlow 1.1+ action types used here.
const (
	ofpatSetNwTTL    = 23
	ofpatSetField    = 25
	ofpat15CopyField = 28
)

// TunIDField returns the tunnel id field (tun_id), which set_tunnel,
// set_field and load write.
func TunIDField() *Field { return &fields[FieldTunID] }

// actionFieldByHeader is fieldByHeader plus the fields only actions use.
func actionFieldByHeader(h uint32) *Field {
	switch h {
	case ctMarkField.NXM:
		return &ctMarkField
	case ctLabelField.NXM:
		return &ctLabelField
	}
	return fieldByHeader(h)
}

// actionFieldByName finds a field by name, NXM or OXM name, ct_mark and
// ct_label included.
func actionFieldByName(name string) *Field {
	if f := FieldByName(name); f != nil {
		return f
	}
	switch name {
	case ctMarkField.Name, ctMarkField.NXMName:
		return &ctMarkField
	case ctLabelField.Name, ctLabelField.NXMName:
		return &ctLabelField
	}
	f, _, _ := fieldByWireName(name)
	return f
}

// SetTunnel sets the tunnel id. Wide is set_tunnel64 (always the 64-bit
// Nicira action); SetField means it was written or decoded as
// "set_field:ID->tun_id", which is how OpenFlow 1.2+ carries it and how
// ovs-ofctl then prints it.
type SetTunnel struct {
	ID       uint64
	Wide     bool
	SetField bool
}

// SetIPTTL sets the IPv4 TTL or IPv6 hop limit (mod_nw_ttl).
type SetIPTTL struct{ TTL uint8 }

// SetIPECN sets the ECN bits of the IP header (mod_nw_ecn). OVS writes it
// as a load in OpenFlow 1.0 and as a set_field in 1.2+, so only OpenFlow
// 1.1 decodes to it.
type SetIPECN struct{ ECN uint8 }

// HashFields is the set of packet fields multipath and bundle hash
// (NX_HASH_FIELDS_*).
type HashFields uint16

// Hash field sets.
const (
	HashEthSrc HashFields = iota
	HashSymmetricL4
	HashSymmetricL3L4
	HashSymmetricL3L4UDP
	HashNwSrc
	HashNwDst
	HashSymmetricL3
)

var hashFieldNames = [...]string{"eth_src", "symmetric_l4", "symmetric_l3l4", "symmetric_l3l4+udp", "nw_src", "nw_dst", "symmetric_l3"}

func (h HashFields) String() string {
	if int(h) < len(hashFieldNames) {
		return hashFieldNames[h]
	}
	return "<unknown " + strconv.Itoa(int(h)) + ">"
}

// Multipath algorithms (NX_MP_ALG_*).
const (
	MultipathModuloN uint16 = iota
	MultipathHashThreshold
	MultipathHRW
	MultipathIterHash
)

var multipathAlgNames = [...]string{"modulo_n", "hash_threshold", "hrw", "iter_hash"}

// Multipath hashes Fields (with Basis) and stores a link number in
// [0, MaxLink] into Dst, chosen by Algorithm; Arg is the algorithm's
// parameter (iter_hash's iteration count). MaxLink is n_links-1.
type Multipath struct {
	Fields    HashFields
	Basis     uint16
	Algorithm uint16
	MaxLink   uint16
	Arg       uint32
	Dst       Subfield
}

// Bundle algorithms (NX_BD_ALG_*).
const (
	BundleActiveBackup uint16 = iota
	BundleHRW
)

var bundleAlgNames = [...]string{"active_backup", "hrw"}

// Bundle chooses one of Members (OpenFlow ports) by hashing Fields with
// Basis, and outputs to it (bundle) or, when Dst.Field is set, stores
// its port number in Dst (bundle_load).
type Bundle struct {
	Fields    HashFields
	Basis     uint16
	Algorithm uint16
	Members   []uint16
	Dst       Subfield
}

// Sample directions (NX_ACTION_SAMPLE_*).
const (
	SampleDefault uint8 = iota
	SampleIngress
	SampleEgress
)

// Sample samples packets with probability Probability/65535 to the IPFIX
// collector set CollectorSetID. SamplingPort is PortNone unless given.
type Sample struct {
	Probability    uint16
	CollectorSetID uint32
	ObsDomainID    uint32
	ObsPointID     uint32
	SamplingPort   uint32
	Direction      uint8
}

// CheckPktLarger stores in the 1-bit Dst whether the packet is longer
// than Len bytes.
type CheckPktLarger struct {
	Len uint16
	Dst Subfield
}

// StackPush pushes the bits of a subfield onto the packet's stack
// (push:F[..]); StackPop pops the top of the stack into one (pop:F[..]).
type (
	StackPush struct{ Field Subfield }
	StackPop  struct{ Field Subfield }
)

// CtClear clears the connection tracking state; DebugRecirc and DebugSlow
// are OVS's testing actions (force a recirculation, force the slow path).
type (
	CtClear     struct{}
	DebugRecirc struct{}
	DebugSlow   struct{}
)

func (SetTunnel) action()      {}
func (SetIPTTL) action()       {}
func (SetIPECN) action()       {}
func (Multipath) action()      {}
func (Bundle) action()         {}
func (Sample) action()         {}
func (CheckPktLarger) action() {}
func (CtClear) action()        {}
func (StackPush) action()      {}
func (StackPop) action()       {}
func (DebugRecirc) action()    {}
func (DebugSlow) action()      {}

// Text.

func parseHashFields(s string) (HashFields, bool) {
	for i, n := range hashFieldNames {
		if n == s {
			return HashFields(i), true
		}
	}
	return 0, false
}

func parseMultipath(v string) ([]Action, error) {
	args := strings.Split(v, ",")
	if len(args) < 6 {
		return nil, fmt.Errorf("%s: not enough arguments to multipath action", v)
	}
	mp := &Multipath{}
	var ok bool
	if mp.Fields, ok = parseHashFields(args[0]); !ok {
		return nil, fmt.Errorf("%s: unknown fields `%s'", v, args[0])
	}
	mp.Basis = uint16(cnum.Atoi(args[1]))
	alg := -1
	for i, n := range multipathAlgNames {
		if n == args[2] {
			alg = i
		}
	}
	if alg < 0 {
		return nil, fmt.Errorf("%s: unknown algorithm `%s'", v, args[2])
	}
	mp.Algorithm = uint16(alg)
	n := cnum.Atoi(args[3])
	if n < 1 || n > 65536 {
		return nil, fmt.Errorf("%s: n_links %d is not in valid range 1 to 65536", v, n)
	}
	mp.MaxLink = uint16(n - 1)
	mp.Arg = uint32(cnum.Atoi(args[4]))
	dst, err := parseSubfield(strings.Join(args[5:], ","))
	if err != nil {
		return nil, err
	}
	if dst.Bits < 16 && n > 1<<dst.Bits {
		return nil, fmt.Errorf("%s: %d-bit destination field has %d possible values, less than specified n_links %d", v, dst.Bits, 1<<dst.Bits, n)
	}
	mp.Dst = dst
	return one(mp), nil
}

func parseBundle(v string, load bool) ([]Action, error) {
	args := strings.Split(v, ",")
	min := 5
	if load {
		min = 6
	}
	if len(args) < min {
		return nil, fmt.Errorf("%s: not enough arguments to bundle action", v)
	}
	b := &Bundle{}
	var ok bool
	if b.Fields, ok = parseHashFields(args[0]); !ok {
		return nil, fmt.Errorf("%s: unknown fields `%s'", v, args[0])
	}
	b.Basis = uint16(cnum.Atoi(args[1]))
	switch args[2] {
	case "active_backup":
		b.Algorithm = BundleActiveBackup
	case "hrw":
		b.Algorithm = BundleHRW
	default:
		return nil, fmt.Errorf("%s: unknown algorithm `%s'", v, args[2])
	}
	if args[3] != "ofport" {
		return nil, fmt.Errorf("%s: unknown member_type `%s'", v, args[3])
	}
	rest := args[4:]
	if load {
		dst, err := parseSubfield(args[4])
		if err != nil {
			return nil, err
		}
		b.Dst = dst
		rest = args[5:]
	}
	kw, first, _ := strings.Cut(rest[0], ":")
	if kw != "members" && kw != "slaves" {
		return nil, fmt.Errorf("%s: missing member delimiter, expected `members', got `%s'", v, kw)
	}
	b.Members = []uint16{}
	for i, m := range append([]string{first}, rest[1:]...) {
		if m == "" && i == 0 && len(rest) == 1 {
			break
		}
		n, err := strconv.ParseUint(m, 10, 16)
		if err != nil || n >= uint64(PortMax) {
			return nil, fmt.Errorf("%s: bad port number", m)
		}
		b.Members = append(b.Members, uint16(n))
	}
	return one(b), nil
}

func parseSample(v string, ports PortLookup) ([]Action, error) {
	s := &Sample{SamplingPort: PortNone}
	for _, kv := range strings.Split(v, ",") {
		if kv == "" {
			continue
		}
		k, val, _ := strings.Cut(kv, "=")
		switch k {
		case "probability":
			n, err := strconv.ParseUint(val, 0, 16)
			if err != nil {
				return nil, fmt.Errorf("invalid probability \"%s\"", val)
			}
			if n == 0 {
				return nil, fmt.Errorf("invalid probability value \"%s\"", val)
			}
			s.Probability = uint16(n)
		case "collector_set_id", "obs_domain_id", "obs_point_id":
			n, err := strconv.ParseUint(val, 0, 64)
			if err != nil {
				return nil, fmt.Errorf("invalid numeric format %s", val)
			}
			switch k {
			case "collector_set_id":
				s.CollectorSetID = uint32(n)
			case "obs_domain_id":
				s.ObsDomainID = uint32(n)
			default:
				s.ObsPointID = uint32(n)
			}
		case "sampling_port":
			p, ok := parsePort(val, ports)
			if !ok {
				return nil, fmt.Errorf("%s: unknown port", val)
			}
			s.SamplingPort = p
		case "ingress":
			s.Direction = SampleIngress
		case "egress":
			s.Direction = SampleEgress
		default:
			return nil, fmt.Errorf("invalid key \"%s\" in \"sample\" argument", k)
		}
	}
	if s.Probability == 0 {
		return nil, errors.New("non-zero \"probability\" must be specified on sample")
	}
	return one(s), nil
}

// parseCheckPktLarger parses "N)->DST": nextAction stops at the closing
// parenthesis, so the caller hands over the argument and the rest.
func parseCheckPktLarger(arg, rest string) ([]Action, error) {
	dst, ok := strings.CutPrefix(rest, "->")
	if !ok {
		return nil, fmt.Errorf("%s: missing `->'", arg)
	}
	n, err := strconv.ParseUint(arg, 0, 16)
	if err != nil {
		return nil, fmt.Errorf("invalid (null) \"%s\"", arg)
	}
	sf, err := parseSubfield(dst)
	if err != nil {
		return nil, err
	}
	if sf.Bits != 1 {
		return nil, errors.New("Only 1-bit destination field is allowed")
	}
	return one(&CheckPktLarger{Len: uint16(n), Dst: sf}), nil
}

func parseSetTunnel(v string, wide bool) ([]Action, error) {
	n, err := strconv.ParseUint(v, 0, 64)
	if err != nil {
		return nil, fmt.Errorf("invalid numeric format %s", v)
	}
	return one(&SetTunnel{ID: n, Wide: wide || n > 0xffffffff}), nil
}

func appendExtText(b []byte, a Action, names PortNamer) []byte {
	switch a := a.(type) {
	case *SetTunnel:
		switch {
		case a.SetField:
			b = append(b, "set_field:"...)
		case a.Wide:
			b = append(b, "set_tunnel64:"...)
		default:
			b = append(b, "set_tunnel:"...)
		}
		b = appendHex(b, a.ID)
		if a.SetField {
			b = append(b, "->tun_id"...)
		}
		return b
	case *SetIPTTL:
		return strconv.AppendUint(append(b, "mod_nw_ttl:"...), uint64(a.TTL), 10)
	case *SetIPECN:
		return strconv.AppendUint(append(b, "mod_nw_ecn:"...), uint64(a.ECN), 10)
	case *Multipath:
		b = append(b, "multipath("...)
		b = append(b, a.Fields.String()...)
		b = strconv.AppendUint(append(b, ','), uint64(a.Basis), 10)
		b = append(b, ',')
		if int(a.Algorithm) < len(multipathAlgNames) {
			b = append(b, multipathAlgNames[a.Algorithm]...)
		} else {
			b = append(b, "<unknown>"...)
		}
		b = strconv.AppendUint(append(b, ','), uint64(a.MaxLink)+1, 10)
		b = strconv.AppendUint(append(b, ','), uint64(a.Arg), 10)
		b = appendSubfield(append(b, ','), a.Dst)
		return append(b, ')')
	case *Bundle:
		if a.Dst.Field != nil {
			b = append(b, "bundle_load("...)
		} else {
			b = append(b, "bundle("...)
		}
		b = append(b, a.Fields.String()...)
		b = strconv.AppendUint(append(b, ','), uint64(a.Basis), 10)
		b = append(b, ',')
		if int(a.Algorithm) < len(bundleAlgNames) {
			b = append(b, bundleAlgNames[a.Algorithm]...)
		} else {
			b = append(b, "<unknown>"...)
		}
		b = append(b, ",ofport,"...)
		if a.Dst.Field != nil {
			b = append(appendSubfield(b, a.Dst), ',')
		}
		b = append(b, "members:"...)
		for i, m := range a.Members {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(m), 10)
		}
		return append(b, ')')
	case *Sample:
		b = strconv.AppendUint(append(b, "sample(probability="...), uint64(a.Probability), 10)
		b = strconv.AppendUint(append(b, ",collector_set_id="...), uint64(a.CollectorSetID), 10)
		b = strconv.AppendUint(append(b, ",obs_domain_id="...), uint64(a.ObsDomainID), 10)
		b = strconv.AppendUint(append(b, ",obs_point_id="...), uint64(a.ObsPointID), 10)
		if a.SamplingPort != PortNone {
			b = appendPort(append(b, ",sampling_port="...), a.SamplingPort, names)
		}
		switch a.Direction {
		case SampleIngress:
			b = append(b, ",ingress"...)
		case SampleEgress:
			b = append(b, ",egress"...)
		}
		return append(b, ')')
	case *CheckPktLarger:
		b = strconv.AppendUint(append(b, "check_pkt_larger("...), uint64(a.Len), 10)
		return appendSubfield(append(b, ")->"...), a.Dst)
	case *CtClear:
		return append(b, "ct_clear"...)
	case *StackPush:
		return appendSubfield(append(b, "push:"...), a.Field)
	case *StackPop:
		return appendSubfield(append(b, "pop:"...), a.Field)
	case *DebugRecirc:
		return append(b, "debug_recirc"...)
	case *DebugSlow:
		return append(b, "debug_slow"...)
	case *Learn:
		return appendLearn(b, a, names)
	case *Ct:
		return appendCt(b, a, names)
	case *NAT:
		return appendNAT(b, a)
	}
	return b
}

// Wire.

func appendExtWire(b []byte, a Action, v Version) ([]byte, error) {
	start := len(b)
	switch a := a.(type) {
	case *SetTunnel:
		if a.SetField && v == V10 {
			b = nxHdr(b, nxastRegLoad)
			b = be16(b, 63)
			b = be32(b, tlvHeader(fields[FieldTunID].NXM, false, 8))
			b = be64(b, a.ID)
			break
		}
		if v >= V12 {
			code := fields[FieldTunID].OXM
			if v < V13 {
				code = fields[FieldTunID].NXM
			}
			b = ofHdr(b, ofpatSetField)
			b = appendTLV(b, code, 0, be64(nil, a.ID), nil)
			break
		}
		if !a.Wide && a.ID <= 0xffffffff {
			b = be32(pad(nxHdr(b, nxastSetTunnel), 2), uint32(a.ID))
		} else {
			b = be64(pad(nxHdr(b, nxastSetTunnel64), 6), a.ID)
		}
	case *SetIPECN:
		if v == V11 {
			b = append(ofHdr(b, 8), a.ECN)
			break
		}
		return appendActionWire(b, &SetField{Field: &fields[FieldIPECN], Value: []byte{a.ECN}}, v)
	case *SetIPTTL:
		if v == V10 {
			return appendActionWire(b, &RegLoad{Dst: Subfield{Field: &fields[FieldNwTTL], Bits: 8}, Value: uint64(a.TTL)}, v)
		}
		b = append(ofHdr(b, ofpatSetNwTTL), a.TTL)
	case *Multipath:
		b = nxHdr(b, nxastMultipath)
		b = be16(be16(b, uint16(a.Fields)), a.Basis)
		b = pad(b, 2)
		b = be16(be16(b, a.Algorithm), a.MaxLink)
		b = be32(b, a.Arg)
		b = pad(b, 2)
		b = be16(b, ofsNbits(a.Dst))
		b = be32(b, fieldHeader(a.Dst.Field))
	case *Bundle:
		sub := uint16(nxastBundle)
		if a.Dst.Field != nil {
			sub = nxastBundleLoad
		}
		b = nxHdr(b, sub)
		b = be16(be16(be16(b, a.Algorithm), uint16(a.Fields)), a.Basis)
		b = be32(b, tlvHeader(fields[FieldInPort].NXM, false, 2))
		b = be16(b, uint16(len(a.Members)))
		if a.Dst.Field != nil {
			b = be32(be16(b, ofsNbits(a.Dst)), fieldHeader(a.Dst.Field))
		} else {
			b = pad(b, 6)
		}
		b = pad(b, 4)
		for _, m := range a.Members {
			b = be16(b, m)
		}
	case *Sample:
		sub := uint16(nxastSample)
		switch {
		case a.Direction != SampleDefault:
			sub = nxastSample3
		case a.SamplingPort != PortNone:
			sub = nxastSample2
		}
		b = be16(nxHdr(b, sub), a.Probability)
		b = be32(be32(be32(b, a.CollectorSetID), a.ObsDomainID), a.ObsPointID)
		if sub != nxastSample {
			b = be16(b, uint16(a.SamplingPort))
			if sub == nxastSample3 {
				b = append(b, a.Direction)
			}
		}
	case *CheckPktLarger:
		b = be16(nxHdr(b, nxastCheckPktLarger), a.Len)
		b = be16(b, uint16(a.Dst.Ofs))
		b = be32(b, fieldHeader(a.Dst.Field))
	case *CtClear:
		b = nxHdr(b, nxastCtClear)
	case *StackPush, *StackPop:
		sub, sf := uint16(nxastStackPush), Subfield{}
		if p, ok := a.(*StackPush); ok {
			sf = p.Field
		} else {
			sub, sf = nxastStackPop, a.(*StackPop).Field
		}
		b = be16(nxHdr(b, sub), uint16(sf.Ofs))
		b = be16(be32(b, fieldHeader(sf.Field)), uint16(sf.Bits))
	case *DebugRecirc:
		b = nxHdr(b, nxastDebugRecirc)
	case *DebugSlow:
		b = nxHdr(b, nxastDebugSlow)
	case *Learn:
		return appendLearnWire(b, a)
	case *Ct:
		return appendCtWire(b, a, v)
	case *NAT:
		return appendNATWire(b, a)
	default:
		return b, OFPBAC_BAD_TYPE
	}
	return fixLen(b, start), nil
}

// decodeNXExt decodes the Nicira actions of this file; b is the whole
// action, at least 16 bytes, vendor checked.
func decodeNXExt(b []byte, v Version) (Action, error) {
	switch u16(b, 8) {
	case nxastSetTunnel:
		return &SetTunnel{ID: uint64(u32(b, 12))}, nil
	case nxastSetTunnel64:
		if err := need(b, 24); err != nil {
			return nil, err
		}
		return &SetTunnel{ID: u64(b, 16), Wide: true}, nil
	case nxastMultipath:
		if err := need(b, 32); err != nil {
			return nil, err
		}
		mp := &Multipath{Fields: HashFields(u16(b, 10)), Basis: u16(b, 12), Algorithm: u16(b, 16), MaxLink: u16(b, 18), Arg: u32(b, 20)}
		if int(mp.Fields) >= len(hashFieldNames) || int(mp.Algorithm) >= len(multipathAlgNames) {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		on := u16(b, 26)
		dst, err := decodeSubfield(u32(b, 28), int(on>>6), int(on&63)+1)
		if err != nil {
			return nil, err
		}
		if dst.Bits < 16 && int(mp.MaxLink) >= 1<<dst.Bits {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		mp.Dst = dst
		return mp, nil
	case nxastBundle, nxastBundleLoad:
		if len(b) < 32 {
			return nil, OFPBAC_BAD_LEN
		}
		bd := &Bundle{Algorithm: u16(b, 10), Fields: HashFields(u16(b, 12)), Basis: u16(b, 14)}
		n := int(u16(b, 20))
		if 32+2*n > len(b) {
			return nil, OFPBAC_BAD_LEN
		}
		if int(bd.Fields) >= len(hashFieldNames) || int(bd.Algorithm) >= len(bundleAlgNames) ||
			u32(b, 16) != tlvHeader(fields[FieldInPort].NXM, false, 2) {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		if u16(b, 8) == nxastBundleLoad {
			on := u16(b, 22)
			dst, err := decodeSubfield(u32(b, 24), int(on>>6), int(on&63)+1)
			if err != nil {
				return nil, err
			}
			if dst.Bits < 16 {
				return nil, OFPBAC_BAD_ARGUMENT
			}
			bd.Dst = dst
		} else if u16(b, 22) != 0 || u32(b, 24) != 0 {
			return nil, OFPBAC_BAD_ARGUMENT
		}
		bd.Members = make([]uint16, n)
		for i := range n {
			bd.Members[i] = u16(b, 32+2*i)
		}
		return bd, nil
	case nxastSample, nxastSample2, nxastSample3:
		sub := u16(b, 8)
		want := 24
		if sub != nxastSample {
			want = 32
		}
		if err := need(b, want); err != nil {
			return nil, err
		}
		s := &Sample{Probability: u16(b, 10), CollectorSetID: u32(b, 12), ObsDomainID: u32(b, 16), ObsPointID: u32(b, 20), SamplingPort: PortNone}
		if sub != nxastSample {
			s.SamplingPort = uint32(u16(b, 24))
		}
		if sub == nxastSample3 {
			s.Direction = b[26]
			if s.Direction > SampleEgress {
				return nil, OFPBAC_BAD_ARGUMENT
			}
		}
		return s, nil
	case nxastCheckPktLarger:
		if err := need(b, 24); err != nil {
			return nil, err
		}
		dst, err := decodeSubfield(u32(b, 14), int(u16(b, 12)), 1)
		if err != nil {
			return nil, err
		}
		if err := writableDst("meta_flow", dst.Field); err != nil {
			return nil, err
		}
		return &CheckPktLarger{Len: u16(b, 10), Dst: dst}, nil
	case nxastCtClear:
		return &CtClear{}, nil
	case nxastStackPush, nxastStackPop:
		if err := need(b, 24); err != nil {
			return nil, err
		}
		sf, err := decodeSubfield(u32(b, 12), int(u16(b, 10)), int(u16(b, 16)))
		if err != nil {
			return nil, err
		}
		if u16(b, 8) == nxastStackPush {
			return &StackPush{Field: sf}, nil
		}
		return &StackPop{Field: sf}, nil
	case nxastDebugRecirc:
		return &DebugRecirc{}, nil
	case nxastDebugSlow:
		return &DebugSlow{}, nil
	case nxastLearn, nxastLearn2:
		return decodeLearn(b)
	case nxastCt:
		return decodeCt(b, v)
	case nxastNAT:
		return decodeNAT(b)
	}
	return nil, OFPBAC_BAD_VENDOR_TYPE
}

// OpenFlow 1.1's own action set: fixed-format header rewrites where 1.2+
// have set_field.

// appendOF11 writes the actions whose OpenFlow 1.1 form differs from
// 1.2's; ok is false for the rest, which the common code writes.
func appendOF11(b []byte, a Action) (out []byte, ok bool, err error) {
	start := len(b)
	switch a := a.(type) {
	case *SetVlanVID:
		if !a.NoPush && !a.VLANPresent {
			b = be16(ofHdr(b, 17), 0x8100)
			b = fixLen(b, start)
		}
		s := len(b)
		b = be16(ofHdr(b, 1), a.VID)
		return fixLen(b, s), true, nil
	case *SetVlanPCP:
		if !a.NoPush && !a.VLANPresent {
			b = be16(ofHdr(b, 17), 0x8100)
			b = fixLen(b, start)
		}
		s := len(b)
		b = append(ofHdr(b, 2), a.PCP)
		return fixLen(b, s), true, nil
	case *SetEthSrc:
		b = append(ofHdr(b, 3), a.MAC[:]...)
	case *SetEthDst:
		b = append(ofHdr(b, 4), a.MAC[:]...)
	case *SetIPv4Src:
		b = append(ofHdr(b, 5), a.IP[:]...)
	case *SetIPv4Dst:
		b = append(ofHdr(b, 6), a.IP[:]...)
	case *SetIPDSCP:
		b = append(ofHdr(b, 7), a.TOS)
	case *SetL4Src:
		b = be16(ofHdr(b, 9), a.Port)
	case *SetL4Dst:
		b = be16(ofHdr(b, 10), a.Port)
	case *SetMPLSLabel:
		b = be32(ofHdr(b, 13), a.Label)
	case *SetMPLSTC:
		b = append(ofHdr(b, 14), a.TC)
	case *SetField:
		return appendOF11SetField(b, a)
	default:
		return b, false, nil
	}
	return fixLen(b, start), true, nil
}

// appendOF11SetField writes a set_field as the OpenFlow 1.1 action that
// sets the same field, or as a load when there is none.
func appendOF11SetField(b []byte, a *SetField) ([]byte, bool, error) {
	var x Action
	if a.Mask == nil {
		switch a.Field.ID {
		case FieldEthSrc:
			x = &SetEthSrc{MAC: [6]byte(a.Value)}
		case FieldEthDst:
			x = &SetEthDst{MAC: [6]byte(a.Value)}
		case FieldIPSrc:
			x = &SetIPv4Src{IP: [4]byte(a.Value)}
		case FieldIPDst:
			x = &SetIPv4Dst{IP: [4]byte(a.Value)}
		case FieldIPDSCP:
			x = &SetIPDSCP{TOS: a.Value[0] << 2}
		case FieldIPECN:
			x = &SetIPECN{ECN: a.Value[0] & 3}
		case FieldTpSrc, FieldUDPSrc, FieldSCTPSrc:
			x = &SetL4Src{Port: u16(a.Value, 0)}
		case FieldTpDst, FieldUDPDst, FieldSCTPDst:
			x = &SetL4Dst{Port: u16(a.Value, 0)}
		case FieldMplsLabel:
			x = &SetMPLSLabel{Label: u32(a.Value, 0)}
		case FieldMplsTC:
			x = &SetMPLSTC{TC: a.Value[0]}
		case FieldNwTTL:
			x = &SetIPTTL{TTL: a.Value[0]}
		case FieldVlanVID:
			x = &SetVlanVID{VID: u16(a.Value, 0) & 0xfff, NoPush: true}
		case FieldVlanPCP:
			x = &SetVlanPCP{PCP: a.Value[0], NoPush: true}
		}
	}
	if x == nil {
		b, err := appendSetFieldLoads(b, a, V11)
		return b, true, err
	}
	b, err := appendActionWire(b, x, V11)
	return b, true, err
}

// decodeOF11 decodes the OpenFlow 1.1 actions that differ from 1.2's;
// ok is false for the shared ones.
func decodeOF11(b []byte) (a Action, ok bool, err error) {
	switch u16(b, 0) {
	case 1:
		vid := u16(b, 4)
		if vid > 4095 {
			return nil, true, OFPBAC_BAD_ARGUMENT
		}
		return &SetVlanVID{VID: vid, NoPush: true}, true, nil
	case 2:
		if b[4] > 7 {
			return nil, true, OFPBAC_BAD_ARGUMENT
		}
		return &SetVlanPCP{PCP: b[4], NoPush: true}, true, nil
	case 3, 4:
		if err := need(b, 16); err != nil {
			return nil, true, err
		}
		if u16(b, 0) == 3 {
			return &SetEthSrc{MAC: [6]byte(b[4:10])}, true, nil
		}
		return &SetEthDst{MAC: [6]byte(b[4:10])}, true, nil
	case 5:
		return &SetIPv4Src{IP: [4]byte(b[4:8])}, true, nil
	case 6:
		return &SetIPv4Dst{IP: [4]byte(b[4:8])}, true, nil
	case 7:
		if b[4]&3 != 0 {
			return nil, true, OFPBAC_BAD_ARGUMENT
		}
		return &SetIPDSCP{TOS: b[4]}, true, nil
	case 8:
		if b[4] > 3 {
			return nil, true, OFPBAC_BAD_ARGUMENT
		}
		return &SetIPECN{ECN: b[4]}, true, nil
	case 9:
		return &SetL4Src{Port: u16(b, 4)}, true, nil
	case 10:
		return &SetL4Dst{Port: u16(b, 4)}, true, nil
	case 13:
		return &SetMPLSLabel{Label: u32(b, 4)}, true, nil
	case 14:
		return &SetMPLSTC{TC: b[4]}, true, nil
	case ofpatSetField:
		return nil, true, OFPBAC_BAD_TYPE
	}
	return nil, false, nil
}
