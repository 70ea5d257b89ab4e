package ofctl

import (
	"strings"

	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

// protocols is OVS's set of flow protocols: the wire version together with,
// for OpenFlow 1.0, the flow format (standard or NXM) and whether flow_mods
// carry a table id. Which of them a flow can use decides what is sent; the
// names are printed by parse-flow and in error messages.
type protocols uint16

const (
	pOF10Std protocols = 1 << iota
	pOF10StdTID
	pOF10NXM
	pOF10NXMTID
	pOF11
	pOF12
	pOF13
	pOF14
	pOF15

	pOF10Any = pOF10Std | pOF10StdTID
	pNXMAny  = pOF10NXM | pOF10NXMTID
	pOXMAny  = pOF12 | pOF13 | pOF14 | pOF15
	pAny     = pOF10Any | pNXMAny | pOF11 | pOXMAny
)

var protocolNames = [...]string{
	"OpenFlow10-table_id", "OpenFlow10+table_id", "NXM-table_id", "NXM+table_id",
	"OpenFlow11", "OXM-OpenFlow12", "OXM-OpenFlow13", "OXM-OpenFlow14", "OXM-OpenFlow15",
}

var protocolAbbrevs = []struct {
	p    protocols
	name string
}{
	{pAny, "any"}, {pOF10Any, "OpenFlow10"}, {pNXMAny, "NXM"}, {pOXMAny, "OXM"},
}

// String is OVS's rendering: abbreviations first, then single protocols.
func (p protocols) String() string {
	if p == 0 {
		return "none"
	}
	var parts []string
	for _, a := range protocolAbbrevs {
		if p&a.p == a.p {
			parts = append(parts, a.name)
			p &^= a.p
		}
	}
	for i, n := range protocolNames {
		if p&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ",")
}

// parseProtocols reads -F's comma-separated protocol names.
func parseProtocols(s string) (protocols, bool) {
	var p protocols
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		q := protocolByName(w)
		if q == 0 {
			return 0, false
		}
		p |= q
	}
	return p, p != 0
}

func protocolByName(w string) protocols {
	for i, n := range protocolNames {
		if strings.EqualFold(w, n) {
			return 1 << i
		}
	}
	for _, a := range protocolAbbrevs {
		if strings.EqualFold(w, a.name) {
			return a.p
		}
	}
	if strings.EqualFold(w, "openflow10") {
		return pOF10Any
	}
	return 0
}

// versionProtocols is every protocol usable over the versions in b.
func versionProtocols(b openflow.VersionBitmap) protocols {
	var p protocols
	if b.Has(openflow.V10) {
		p |= pOF10Any | pNXMAny
	}
	if b.Has(openflow.V11) {
		p |= pOF11
	}
	for v := openflow.V12; v <= openflow.V15; v++ {
		if b.Has(v) {
			p |= pOF12 << (v - openflow.V12)
		}
	}
	return p
}

// baseProtocol is the protocol a fresh connection of version v speaks.
func baseProtocol(v openflow.Version) protocols {
	switch {
	case v == openflow.V10:
		return pOF10Std
	case v == openflow.V11:
		return pOF11
	case v >= openflow.V12 && v <= openflow.V15:
		return pOF12 << (v - openflow.V12)
	}
	return 0
}

// protocolVersion is the wire version protocol p (one bit) uses.
func protocolVersion(p protocols) openflow.Version {
	switch {
	case p&(pOF10Any|pNXMAny) != 0:
		return openflow.V10
	case p == pOF11:
		return openflow.V11
	}
	for v := openflow.V12; v <= openflow.V15; v++ {
		if p == pOF12<<(v-openflow.V12) {
			return v
		}
	}
	return 0
}

// allowed is the set of protocols the options permit: -F if given, else
// every protocol of the -O versions.
func (c *ctx) allowed() protocols {
	p := versionProtocols(c.versions)
	if c.forceProto != 0 {
		p &= c.forceProto
	}
	return p
}

// usableProtocols is the set of protocols that can carry fm.
func usableProtocols(fm *openflow.FlowMod) protocols {
	p := pAny
	if !openflow.MatchFits10(&fm.Match) {
		p &^= pOF10Any
		if !matchFits11(&fm.Match) {
			p &^= pOF11
		}
	}
	if fm.TableID != openflow.TableAll {
		p &^= pOF10Std | pOF10NXM
	}
	if fm.CookieMask != 0 && fm.Command != openflow.FlowAdd {
		p &^= pOF10Any
	}
	if fm.Flags&(openflow.FlowResetCounts|openflow.FlowNoPacketCounts|openflow.FlowNoByteCounts) != 0 {
		p &= pOXMAny
		if fm.Flags&(openflow.FlowNoPacketCounts|openflow.FlowNoByteCounts) != 0 {
			p &^= pOF12
		}
	}
	p &= actionProtocols(fm.Actions)
	if openflow.CheckActionPrereqs(fm.Actions, &fm.Match, true, nil) != nil {
		// From 1.1 on the fixed-format actions are checked against the
		// match too (the field prerequisites have passed at parse time).
		p &^= pOF11 | pOXMAny
	}
	return p
}

// actionProtocols is the set of protocols that can carry acts.
func actionProtocols(acts []openflow.Action) protocols {
	p := pAny
	for _, a := range acts {
		switch a := a.(type) {
		case *openflow.Meter:
			p &= pOF13 | pOF14 | pOF15
		case *openflow.PushVlan:
			p &^= pOF10Any | pNXMAny
		case *openflow.WriteMetadata:
			p &^= pOF10Any
		case *openflow.WriteActions:
			p &= actionProtocols(a.Actions)
		case *openflow.Clone:
			p &= actionProtocols(a.Actions)
		case *openflow.Ct:
			p &= actionProtocols(a.Actions)
		case *openflow.SetField:
			p &= setFieldProtocols(a.Field)
		case *openflow.SetTunnel:
			if a.SetField {
				p &= setFieldProtocols(openflow.FieldByName("tun_id"))
			}
		}
	}
	return p
}

// setFieldProtocols is where a set_field of f can go: as in OVS, wherever
// an exact match on f (with its prerequisites) can; an OpenFlow 1.0
// switch gets a Nicira load for the fields it has no set action for.
func setFieldProtocols(f *openflow.Field) protocols {
	if f == nil || openflow.FieldByID(f.ID) != f {
		// ct_mark and ct_label, which only ct's exec sets.
		return pNXMAny | pOXMAny
	}
	if f.ID == openflow.FieldVlanVID {
		// OpenFlow 1.0 and 1.1 have mod_vlan_vid for it.
		return pAny
	}
	m := prereqMatch(f.Prereq)
	m.SetField(f, make([]byte, f.Bytes), nil)
	p := pAny
	if f.ID == openflow.FieldInPortOXM || !openflow.MatchFits10(m) {
		p &^= pOF10Any
		if !matchFits11(m) {
			p &^= pOF11
		}
	}
	return p
}

// prereqMatch is the least match that meets p.
func prereqMatch(p openflow.Prereq) *openflow.Match {
	var m openflow.Match
	set := func(id openflow.FieldID, v ...byte) { m.SetField(openflow.FieldByID(id), v, nil) }
	ip := func(eth uint16, proto byte) {
		set(openflow.FieldEthType, byte(eth>>8), byte(eth))
		set(openflow.FieldNwProto, proto)
	}
	switch p {
	case openflow.PrereqVLAN:
		f := openflow.FieldByID(openflow.FieldVlanTCI)
		m.SetField(f, []byte{0x10, 0}, []byte{0x10, 0})
	case openflow.PrereqARP:
		set(openflow.FieldEthType, 0x08, 0x06)
	case openflow.PrereqIPv4, openflow.PrereqIP:
		set(openflow.FieldEthType, 0x08, 0x00)
	case openflow.PrereqIPv6:
		set(openflow.FieldEthType, 0x86, 0xdd)
	case openflow.PrereqMPLS:
		set(openflow.FieldEthType, 0x88, 0x47)
	case openflow.PrereqTCP:
		ip(0x0800, 6)
	case openflow.PrereqUDP:
		ip(0x0800, 17)
	case openflow.PrereqSCTP:
		ip(0x0800, 132)
	case openflow.PrereqICMPv4:
		ip(0x0800, 1)
	case openflow.PrereqICMPv6, openflow.PrereqND, openflow.PrereqNDSolicit, openflow.PrereqNDAdvert:
		ip(0x86dd, 58)
	}
	return &m
}

// matchFits11 reports whether an OpenFlow 1.1 ofp_match can carry m:
// 1.0's fields with arbitrary masks on addresses, plus metadata and MPLS.
func matchFits11(m *openflow.Match) bool {
	for _, e := range m.Entries() {
		switch e.Field {
		case openflow.FieldPacketType:
			if e.Value != [16]byte{} {
				return false
			}
		case openflow.FieldVlanTCI:
			// 1.1 matches a whole VID (or none), not arbitrary bits.
			if m := uint16(e.Mask[0])<<8 | uint16(e.Mask[1]); m != 0xffff && m != 0x1fff {
				return false
			}
		case openflow.FieldInPort, openflow.FieldEthSrc, openflow.FieldEthDst,
			openflow.FieldEthType, openflow.FieldNwProto, openflow.FieldNwTOS, openflow.FieldIPSrc,
			openflow.FieldIPDst, openflow.FieldTpSrc, openflow.FieldTpDst, openflow.FieldMetadata,
			openflow.FieldMplsLabel, openflow.FieldMplsTC:
		default:
			return false
		}
	}
	return true
}

// setProtocol switches a 1.0 connection from cur to want, as OVS's
// try_set_protocol does: one NXT_SET_FLOW_FORMAT and/or one
// NXT_FLOW_MOD_TABLE_ID, each followed by a barrier. It reports whether
// the switch accepted.
func (c *ctx) setProtocol(conn *vconn.Conn, cur, want protocols) (protocols, bool) {
	if cur == want {
		return cur, true
	}
	if cur&(pOF10Any|pNXMAny) == 0 || want&(pOF10Any|pNXMAny) == 0 {
		return cur, false
	}
	curNXM, wantNXM := cur&pNXMAny != 0, want&pNXMAny != 0
	curTID, wantTID := cur&(pOF10StdTID|pOF10NXMTID) != 0, want&(pOF10StdTID|pOF10NXMTID) != 0
	if curNXM != wantNXM {
		f := openflow.FlowFormatOpenFlow10
		if wantNXM {
			f = openflow.FlowFormatNXM
		}
		if !c.sendWithBarrier(conn, &openflow.NXSetFlowFormat{Format: f}) {
			return cur, false
		}
		// Changing the flow format resets the table-id extension.
		curTID = false
	}
	if curTID != wantTID {
		if !c.sendWithBarrier(conn, &openflow.NXFlowModTableID{Enable: wantTID}) {
			return cur, false
		}
	}
	return want, true
}

func (c *ctx) sendWithBarrier(conn *vconn.Conn, m openflow.Message) bool {
	b, _, err := conn.Encode(m)
	if err != nil {
		fatal("%s", err)
	}
	errs, err := conn.TransactBatch([][]byte{b})
	if err != nil {
		fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
	}
	return len(errs) == 0
}

// openForFlowMod connects and settles on a protocol that can carry every
// flow in usable, with OVS's error texts when none can.
func (c *ctx) openForFlowMod(target string, usable protocols) (*vconn.Conn, protocols) {
	allowed := c.allowed()
	if usable&allowed == 0 {
		fatal("none of the usable flow formats (%s) is among the allowed flow formats (%s)", usable, allowed)
	}
	conn := c.open(target)
	cur := baseProtocol(conn.Version())
	if c.forceProto == 0 && cur&usable != 0 {
		return conn, cur
	}
	for i := range protocolNames {
		f := protocols(1) << i
		if f&usable&allowed == 0 {
			continue
		}
		if p, ok := c.setProtocol(conn, cur, f); ok {
			return conn, p
		}
	}
	fatal("switch does not support any of the usable flow formats (%s)", usable)
	return nil, 0
}

// flowModBytes encodes fm for protocol p.
func flowModBytes(fm *openflow.FlowMod, p protocols, xid uint32) []byte {
	fm.NXM = p&pNXMAny != 0
	v := protocolVersion(p)
	saved := fm.TableID
	if p&(pOF10Std|pOF10NXM) != 0 {
		// Without the table-id extension the command's high byte
		// must stay clear.
		fm.TableID = openflow.TableAll
	}
	b, err := openflow.Encode(fm, uint8(v), xid)
	fm.TableID = saved
	if err != nil {
		fatal("%s", err)
	}
	if p&(pOF10StdTID|pOF10NXMTID) != 0 && fm.TableID == openflow.TableAll {
		// With the table-id extension OVS sends "all tables" (255)
		// explicitly in the command's high byte.
		off := 56 // ofp_header, ofp_match, cookie
		if fm.NXM {
			off = 24 // nicira_header, cookie
		}
		if len(b) > off {
			b[off] = 0xff
		}
	}
	return b
}
