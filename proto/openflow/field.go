package openflow

import "sync"

// FieldID names one matchable field of the registry. The order of the
// constants is the order in which a Match keeps its entries.
type FieldID uint8

// Storage fields: a Match holds entries only for these. The other fields
// (FieldDlVlan, FieldTCPSrc, ...) are views onto one of them, the way OVS
// maps many names onto one slot of its flow structure.
const (
	FieldPacketType FieldID = iota
	FieldRecircID
	FieldDpHash
	FieldConjID
	FieldPktMark
	FieldSkbPriority
	FieldActsetOutput
	FieldReg0
	FieldReg1
	FieldReg2
	FieldReg3
	FieldReg4
	FieldReg5
	FieldReg6
	FieldReg7
	FieldReg8
	FieldReg9
	FieldReg10
	FieldReg11
	FieldReg12
	FieldReg13
	FieldReg14
	FieldReg15
	FieldTunID
	FieldMetadata
	FieldInPort
	FieldVlanTCI
	FieldEthSrc
	FieldEthDst
	FieldEthType
	FieldMplsLabel
	FieldMplsTC
	FieldMplsBOS
	FieldMplsTTL
	FieldIPSrc // also arp_spa
	FieldIPDst // also arp_tpa
	FieldIPv6Src
	FieldIPv6Dst
	FieldIPv6Label
	FieldNwProto // also arp_op
	FieldNwTOS   // whole TOS byte: DSCP and ECN views
	FieldNwTTL
	FieldIPFrag
	FieldArpSha // also nd_sll
	FieldArpTha // also nd_tll
	FieldNdTarget
	FieldTpSrc // tcp/udp/sctp ports, ICMP type
	FieldTpDst // tcp/udp/sctp ports, ICMP code
	FieldTCPFlags
	FieldNSHFlags
	FieldNSHTTL
	FieldNSHMdtype
	FieldNSHNp
	FieldNSHSPI
	FieldNSHSI
	FieldNSHC1
	FieldNSHC2
	FieldNSHC3
	FieldNSHC4
	numStorage

	// Views.
	FieldInPortOXM FieldID = iota - 1
	FieldDlVlan
	FieldDlVlanPCP
	FieldVlanVID
	FieldVlanPCP
	FieldArpOp
	FieldArpSpa
	FieldArpTpa
	FieldIPDSCP
	FieldIPECN
	FieldUDPSrc
	FieldUDPDst
	FieldSCTPSrc
	FieldSCTPDst
	FieldICMPType
	FieldICMPCode
	FieldICMPv6Type
	FieldICMPv6Code
	FieldNdSll
	FieldNdTll
	FieldXreg0
	FieldXxreg0 = FieldXreg0 + 8
	numFields   = FieldXxreg0 + 4
)

// Prereq is what a packet must be for a field to be matchable.
type Prereq uint8

// Prerequisites, as ovs-fields(7) lists them.
const (
	PrereqNone Prereq = iota
	PrereqVLAN        // vlan_tci CFI bit set (OXM vlan_pcp)
	PrereqARP         // eth_type ARP or RARP
	PrereqIPv4
	PrereqIPv6
	PrereqIP // IPv4 or IPv6
	PrereqMPLS
	PrereqTCP
	PrereqUDP
	PrereqSCTP
	PrereqICMPv4
	PrereqICMPv6
	PrereqND
	PrereqNDSolicit
	PrereqNDAdvert
	PrereqNSH
)

// Format is how a field's value is written in flow syntax.
type Format uint8

// Field text formats.
const (
	FormatDecimal Format = iota
	FormatHex
	FormatEthernet
	FormatIPv4
	FormatIPv6
	FormatPort     // OpenFlow port number or name
	FormatFrag     // no, yes, first, later, not_later
	FormatTCPFlags // +syn-ack or a number
	FormatPacketType
)

// Field describes one matchable field.
type Field struct {
	ID       FieldID
	Name     string
	Aliases  []string
	Bits     int // significant bits
	Bytes    int // width on the wire and in text
	Maskable bool
	Format   Format
	Prereq   Prereq

	// NXM and OXM headers without the has-mask bit and length byte
	// (class<<16 | field<<9); zero when the field has no such encoding.
	// OXMVersion is the OpenFlow version that introduced the OXM code.
	NXM, OXM   uint32
	NXMName    string
	OXMName    string
	OXMVersion Version
	// Experimenter is the experimenter id that goes with NXM when that
	// header is of the experimenter class (NSH fields).
	Experimenter uint32

	store FieldID // storage field this one is a view onto
	shift uint8   // position of the view's bits in the storage field
}

// Width of a storage field in bytes.
var storageBytes = [numStorage]uint8{
	FieldPacketType: 4, FieldRecircID: 4, FieldDpHash: 4, FieldConjID: 4,
	FieldPktMark: 4, FieldSkbPriority: 4, FieldActsetOutput: 4,
	FieldReg0: 4, FieldReg1: 4, FieldReg2: 4, FieldReg3: 4, FieldReg4: 4,
	FieldReg5: 4, FieldReg6: 4, FieldReg7: 4, FieldReg8: 4, FieldReg9: 4,
	FieldReg10: 4, FieldReg11: 4, FieldReg12: 4, FieldReg13: 4,
	FieldReg14: 4, FieldReg15: 4, FieldTunID: 8, FieldMetadata: 8, FieldInPort: 2,
	FieldVlanTCI: 2, FieldEthSrc: 6, FieldEthDst: 6, FieldEthType: 2,
	FieldMplsLabel: 4, FieldMplsTC: 1, FieldMplsBOS: 1, FieldMplsTTL: 1,
	FieldIPSrc: 4, FieldIPDst: 4, FieldIPv6Src: 16, FieldIPv6Dst: 16,
	FieldIPv6Label: 4, FieldNwProto: 1, FieldNwTOS: 1, FieldNwTTL: 1,
	FieldIPFrag: 1, FieldArpSha: 6, FieldArpTha: 6, FieldNdTarget: 16,
	FieldTpSrc: 2, FieldTpDst: 2, FieldTCPFlags: 2,
	FieldNSHFlags: 1, FieldNSHTTL: 1, FieldNSHMdtype: 1, FieldNSHNp: 1,
	FieldNSHSPI: 4, FieldNSHSI: 1, FieldNSHC1: 4, FieldNSHC2: 4, FieldNSHC3: 4,
	FieldNSHC4: 4,
}

const (
	nxmOF  = 0x0000
	nxmNX  = 0x0001
	oxmOF  = 0x8000
	oxmPR  = 0x8001 // OFPXMC_PACKET_REGS
	oxmExp = 0xffff
	onfExp = 0x4f4e4600 // ONF experimenter id
	nshExp = 0x005ad650 // experimenter id of OVS's NXOXM_NSH fields
)

// Experimenter fields: their wire code is the class-0xffff header plus
// a 32-bit experimenter id in front of the value.
type expKey struct{ exp, code uint32 }

var byExperimenter = map[expKey]*Field{}

func hdr(class, field uint32) uint32 { return class<<16 | field<<9 }

var fields [numFields]Field

func def(id FieldID, name string, aliases []string, bits, bytes int, maskable bool, f Format, p Prereq, store FieldID, shift uint8) *Field {
	fields[id] = Field{ID: id, Name: name, Aliases: aliases, Bits: bits, Bytes: bytes,
		Maskable: maskable, Format: f, Prereq: p, store: store, shift: shift}
	return &fields[id]
}

func (f *Field) nx(class, field uint32, name string) *Field {
	f.NXM, f.NXMName = hdr(class, field), name
	return f
}

func (f *Field) ox(field uint32, name string, v Version) *Field {
	f.OXM, f.OXMName, f.OXMVersion = hdr(oxmOF, field), name, v
	return f
}

var regNames = [...]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15"}

func init() {
	def(FieldPacketType, "packet_type", nil, 32, 4, false, FormatPacketType, PrereqNone, FieldPacketType, 0).ox(44, "OXM_OF_PACKET_TYPE", V15)
	def(FieldRecircID, "recirc_id", nil, 32, 4, false, FormatHex, PrereqNone, FieldRecircID, 0).nx(nxmNX, 36, "NXM_NX_RECIRC_ID")
	def(FieldDpHash, "dp_hash", nil, 32, 4, true, FormatHex, PrereqNone, FieldDpHash, 0).nx(nxmNX, 35, "NXM_NX_DP_HASH")
	def(FieldConjID, "conj_id", nil, 32, 4, false, FormatDecimal, PrereqNone, FieldConjID, 0).nx(nxmNX, 37, "NXM_NX_CONJ_ID")
	def(FieldPktMark, "pkt_mark", nil, 32, 4, true, FormatHex, PrereqNone, FieldPktMark, 0).nx(nxmNX, 33, "NXM_NX_PKT_MARK")
	def(FieldSkbPriority, "skb_priority", nil, 32, 4, false, FormatHex, PrereqNone, FieldSkbPriority, 0)
	// OpenFlow 1.5 made actset_output a basic field; before that (and in
	// nx_match) it is ONF experimenter field 43.
	def(FieldActsetOutput, "actset_output", nil, 32, 4, false, FormatPort, PrereqNone, FieldActsetOutput, 0).ox(43, "OXM_OF_ACTSET_OUTPUT", V15)
	for i := range 16 {
		id := FieldReg0 + FieldID(i)
		def(id, "reg"+regNames[i], nil, 32, 4, true, FormatHex, PrereqNone, id, 0).nx(nxmNX, uint32(i), "NXM_NX_REG"+regNames[i])
	}
	for i := range 8 {
		id := FieldXreg0 + FieldID(i)
		f := def(id, "xreg"+regNames[i], nil, 64, 8, true, FormatHex, PrereqNone, FieldReg0+FieldID(2*i), 0)
		f.OXM, f.OXMName, f.OXMVersion = hdr(oxmPR, uint32(i)), "OXM_OF_PKT_REG"+regNames[i], V13
	}
	for i := range 4 {
		id := FieldXxreg0 + FieldID(i)
		def(id, "xxreg"+regNames[i], nil, 128, 16, true, FormatHex, PrereqNone, FieldReg0+FieldID(4*i), 0).nx(nxmNX, uint32(111+i), "NXM_NX_XXREG"+regNames[i])
	}
	// The tunnel id: always 0 until tunnel ports arrive, but flows may
	// match on it and set it, as OVS's do.
	def(FieldTunID, "tun_id", []string{"tunnel_id"}, 64, 8, true, FormatHex, PrereqNone, FieldTunID, 0).nx(nxmNX, 16, "NXM_NX_TUN_ID").ox(38, "OXM_OF_TUNNEL_ID", V13)
	def(FieldMetadata, "metadata", nil, 64, 8, true, FormatHex, PrereqNone, FieldMetadata, 0).ox(2, "OXM_OF_METADATA", V12)
	def(FieldInPort, "in_port", nil, 16, 2, false, FormatPort, PrereqNone, FieldInPort, 0).nx(nxmOF, 0, "NXM_OF_IN_PORT")
	def(FieldInPortOXM, "in_port_oxm", nil, 32, 4, false, FormatPort, PrereqNone, FieldInPort, 0).ox(0, "OXM_OF_IN_PORT", V12)
	def(FieldVlanTCI, "vlan_tci", nil, 16, 2, true, FormatHex, PrereqNone, FieldVlanTCI, 0).nx(nxmOF, 4, "NXM_OF_VLAN_TCI")
	def(FieldDlVlan, "dl_vlan", nil, 12, 2, false, FormatDecimal, PrereqNone, FieldVlanTCI, 0)
	def(FieldDlVlanPCP, "dl_vlan_pcp", nil, 3, 1, false, FormatDecimal, PrereqNone, FieldVlanTCI, 13)
	def(FieldVlanVID, "vlan_vid", nil, 13, 2, true, FormatDecimal, PrereqNone, FieldVlanTCI, 0).ox(6, "OXM_OF_VLAN_VID", V12)
	def(FieldVlanPCP, "vlan_pcp", nil, 3, 1, false, FormatDecimal, PrereqVLAN, FieldVlanTCI, 13).ox(7, "OXM_OF_VLAN_PCP", V12)
	def(FieldEthSrc, "eth_src", []string{"dl_src"}, 48, 6, true, FormatEthernet, PrereqNone, FieldEthSrc, 0).nx(nxmOF, 2, "NXM_OF_ETH_SRC").ox(4, "OXM_OF_ETH_SRC", V12)
	def(FieldEthDst, "eth_dst", []string{"dl_dst"}, 48, 6, true, FormatEthernet, PrereqNone, FieldEthDst, 0).nx(nxmOF, 1, "NXM_OF_ETH_DST").ox(3, "OXM_OF_ETH_DST", V12)
	def(FieldEthType, "eth_type", []string{"dl_type"}, 16, 2, false, FormatHex, PrereqNone, FieldEthType, 0).nx(nxmOF, 3, "NXM_OF_ETH_TYPE").ox(5, "OXM_OF_ETH_TYPE", V12)
	def(FieldMplsLabel, "mpls_label", nil, 20, 4, false, FormatDecimal, PrereqMPLS, FieldMplsLabel, 0).ox(34, "OXM_OF_MPLS_LABEL", V12)
	def(FieldMplsTC, "mpls_tc", nil, 3, 1, false, FormatDecimal, PrereqMPLS, FieldMplsTC, 0).ox(35, "OXM_OF_MPLS_TC", V12)
	def(FieldMplsBOS, "mpls_bos", nil, 1, 1, false, FormatDecimal, PrereqMPLS, FieldMplsBOS, 0).ox(36, "OXM_OF_MPLS_BOS", V13)
	def(FieldMplsTTL, "mpls_ttl", nil, 8, 1, false, FormatDecimal, PrereqMPLS, FieldMplsTTL, 0).nx(nxmNX, 30, "NXM_NX_MPLS_TTL")
	def(FieldIPSrc, "ip_src", []string{"nw_src"}, 32, 4, true, FormatIPv4, PrereqIPv4, FieldIPSrc, 0).nx(nxmOF, 7, "NXM_OF_IP_SRC").ox(11, "OXM_OF_IPV4_SRC", V12)
	def(FieldIPDst, "ip_dst", []string{"nw_dst"}, 32, 4, true, FormatIPv4, PrereqIPv4, FieldIPDst, 0).nx(nxmOF, 8, "NXM_OF_IP_DST").ox(12, "OXM_OF_IPV4_DST", V12)
	def(FieldArpSpa, "arp_spa", nil, 32, 4, true, FormatIPv4, PrereqARP, FieldIPSrc, 0).nx(nxmOF, 16, "NXM_OF_ARP_SPA").ox(22, "OXM_OF_ARP_SPA", V12)
	def(FieldArpTpa, "arp_tpa", nil, 32, 4, true, FormatIPv4, PrereqARP, FieldIPDst, 0).nx(nxmOF, 17, "NXM_OF_ARP_TPA").ox(23, "OXM_OF_ARP_TPA", V12)
	def(FieldIPv6Src, "ipv6_src", nil, 128, 16, true, FormatIPv6, PrereqIPv6, FieldIPv6Src, 0).nx(nxmNX, 19, "NXM_NX_IPV6_SRC").ox(26, "OXM_OF_IPV6_SRC", V12)
	def(FieldIPv6Dst, "ipv6_dst", nil, 128, 16, true, FormatIPv6, PrereqIPv6, FieldIPv6Dst, 0).nx(nxmNX, 20, "NXM_NX_IPV6_DST").ox(27, "OXM_OF_IPV6_DST", V12)
	def(FieldIPv6Label, "ipv6_label", nil, 20, 4, true, FormatHex, PrereqIPv6, FieldIPv6Label, 0).nx(nxmNX, 27, "NXM_NX_IPV6_LABEL").ox(28, "OXM_OF_IPV6_FLABEL", V12)
	def(FieldNwProto, "nw_proto", []string{"ip_proto"}, 8, 1, false, FormatDecimal, PrereqIP, FieldNwProto, 0).nx(nxmOF, 6, "NXM_OF_IP_PROTO").ox(10, "OXM_OF_IP_PROTO", V12)
	def(FieldArpOp, "arp_op", nil, 16, 2, false, FormatDecimal, PrereqARP, FieldNwProto, 0).nx(nxmOF, 15, "NXM_OF_ARP_OP").ox(21, "OXM_OF_ARP_OP", V12)
	def(FieldNwTOS, "nw_tos", nil, 8, 1, false, FormatDecimal, PrereqIP, FieldNwTOS, 0).nx(nxmOF, 5, "NXM_OF_IP_TOS")
	def(FieldIPDSCP, "ip_dscp", nil, 6, 1, false, FormatDecimal, PrereqIP, FieldNwTOS, 2).ox(8, "OXM_OF_IP_DSCP", V12)
	def(FieldIPECN, "nw_ecn", []string{"ip_ecn"}, 2, 1, false, FormatDecimal, PrereqIP, FieldNwTOS, 0).nx(nxmNX, 28, "NXM_NX_IP_ECN").ox(9, "OXM_OF_IP_ECN", V12)
	def(FieldNwTTL, "nw_ttl", nil, 8, 1, false, FormatDecimal, PrereqIP, FieldNwTTL, 0).nx(nxmNX, 29, "NXM_NX_IP_TTL")
	def(FieldIPFrag, "ip_frag", []string{"nw_frag"}, 2, 1, true, FormatFrag, PrereqIP, FieldIPFrag, 0).nx(nxmNX, 26, "NXM_NX_IP_FRAG")
	def(FieldArpSha, "arp_sha", nil, 48, 6, true, FormatEthernet, PrereqARP, FieldArpSha, 0).nx(nxmNX, 17, "NXM_NX_ARP_SHA").ox(24, "OXM_OF_ARP_SHA", V12)
	def(FieldArpTha, "arp_tha", nil, 48, 6, true, FormatEthernet, PrereqARP, FieldArpTha, 0).nx(nxmNX, 18, "NXM_NX_ARP_THA").ox(25, "OXM_OF_ARP_THA", V12)
	def(FieldNdTarget, "nd_target", nil, 128, 16, true, FormatIPv6, PrereqND, FieldNdTarget, 0).nx(nxmNX, 23, "NXM_NX_ND_TARGET").ox(31, "OXM_OF_IPV6_ND_TARGET", V12)
	def(FieldNdSll, "nd_sll", nil, 48, 6, true, FormatEthernet, PrereqNDSolicit, FieldArpSha, 0).nx(nxmNX, 24, "NXM_NX_ND_SLL").ox(32, "OXM_OF_IPV6_ND_SLL", V12)
	def(FieldNdTll, "nd_tll", nil, 48, 6, true, FormatEthernet, PrereqNDAdvert, FieldArpTha, 0).nx(nxmNX, 25, "NXM_NX_ND_TLL").ox(33, "OXM_OF_IPV6_ND_TLL", V12)
	def(FieldTpSrc, "tcp_src", []string{"tp_src"}, 16, 2, true, FormatDecimal, PrereqTCP, FieldTpSrc, 0).nx(nxmOF, 9, "NXM_OF_TCP_SRC").ox(13, "OXM_OF_TCP_SRC", V12)
	def(FieldTpDst, "tcp_dst", []string{"tp_dst"}, 16, 2, true, FormatDecimal, PrereqTCP, FieldTpDst, 0).nx(nxmOF, 10, "NXM_OF_TCP_DST").ox(14, "OXM_OF_TCP_DST", V12)
	def(FieldUDPSrc, "udp_src", nil, 16, 2, true, FormatDecimal, PrereqUDP, FieldTpSrc, 0).nx(nxmOF, 11, "NXM_OF_UDP_SRC").ox(15, "OXM_OF_UDP_SRC", V12)
	def(FieldUDPDst, "udp_dst", nil, 16, 2, true, FormatDecimal, PrereqUDP, FieldTpDst, 0).nx(nxmOF, 12, "NXM_OF_UDP_DST").ox(16, "OXM_OF_UDP_DST", V12)
	def(FieldSCTPSrc, "sctp_src", nil, 16, 2, true, FormatDecimal, PrereqSCTP, FieldTpSrc, 0).ox(17, "OXM_OF_SCTP_SRC", V12)
	def(FieldSCTPDst, "sctp_dst", nil, 16, 2, true, FormatDecimal, PrereqSCTP, FieldTpDst, 0).ox(18, "OXM_OF_SCTP_DST", V12)
	def(FieldICMPType, "icmp_type", nil, 8, 1, false, FormatDecimal, PrereqICMPv4, FieldTpSrc, 0).nx(nxmOF, 13, "NXM_OF_ICMP_TYPE").ox(19, "OXM_OF_ICMPV4_TYPE", V12)
	def(FieldICMPCode, "icmp_code", nil, 8, 1, false, FormatDecimal, PrereqICMPv4, FieldTpDst, 0).nx(nxmOF, 14, "NXM_OF_ICMP_CODE").ox(20, "OXM_OF_ICMPV4_CODE", V12)
	def(FieldICMPv6Type, "icmpv6_type", nil, 8, 1, false, FormatDecimal, PrereqICMPv6, FieldTpSrc, 0).nx(nxmNX, 21, "NXM_NX_ICMPV6_TYPE").ox(29, "OXM_OF_ICMPV6_TYPE", V12)
	def(FieldICMPv6Code, "icmpv6_code", nil, 8, 1, false, FormatDecimal, PrereqICMPv6, FieldTpDst, 0).nx(nxmNX, 22, "NXM_NX_ICMPV6_CODE").ox(30, "OXM_OF_ICMPV6_CODE", V12)
	def(FieldTCPFlags, "tcp_flags", nil, 12, 2, true, FormatTCPFlags, PrereqTCP, FieldTCPFlags, 0).nx(nxmNX, 34, "NXM_NX_TCP_FLAGS").ox(42, "OXM_OF_TCP_FLAGS", V15)

	nsh := []struct {
		id       FieldID
		name     string
		alias    []string
		bits     int
		maskable bool
		format   Format
		code     uint32
		wire     string
	}{
		{FieldNSHFlags, "nsh_flags", nil, 8, true, FormatDecimal, 1, "NXOXM_NSH_FLAGS"},
		{FieldNSHTTL, "nsh_ttl", nil, 6, false, FormatDecimal, 10, "NXOXM_NSH_TTL"},
		{FieldNSHMdtype, "nsh_mdtype", nil, 8, false, FormatDecimal, 2, "NXOXM_NSH_MDTYPE"},
		{FieldNSHNp, "nsh_np", nil, 8, false, FormatDecimal, 3, "NXOXM_NSH_NP"},
		{FieldNSHSPI, "nsh_spi", []string{"nsp"}, 24, false, FormatHex, 4, "NXOXM_NSH_SPI"},
		{FieldNSHSI, "nsh_si", []string{"nsi"}, 8, false, FormatDecimal, 5, "NXOXM_NSH_SI"},
		{FieldNSHC1, "nsh_c1", []string{"nshc1"}, 32, true, FormatHex, 6, "NXOXM_NSH_C1"},
		{FieldNSHC2, "nsh_c2", []string{"nshc2"}, 32, true, FormatHex, 7, "NXOXM_NSH_C2"},
		{FieldNSHC3, "nsh_c3", []string{"nshc3"}, 32, true, FormatHex, 8, "NXOXM_NSH_C3"},
		{FieldNSHC4, "nsh_c4", []string{"nshc4"}, 32, true, FormatHex, 9, "NXOXM_NSH_C4"},
	}
	for _, n := range nsh {
		f := def(n.id, n.name, n.alias, n.bits, int(storageBytes[n.id]), n.maskable, n.format, PrereqNSH, n.id, 0)
		f.NXM, f.NXMName, f.Experimenter = hdr(oxmExp, n.code), n.wire, nshExp
		byExperimenter[expKey{nshExp, f.NXM}] = f
	}
}

// fieldIndexes builds the name and wire-header lookups on first use:
// every tool of the binary links this package, and most never parse a
// flow, so start-up does not pay for the maps.
var fieldIndexes = sync.OnceValues(func() (byName map[string]*Field, byHeader map[uint32]*Field) {
	byName = make(map[string]*Field, 2*int(numFields))
	byHeader = make(map[uint32]*Field, 2*int(numFields))
	for i := range fields {
		f := &fields[i]
		if f.Name == "" {
			continue
		}
		byName[f.Name] = f
		for _, a := range f.Aliases {
			byName[a] = f
		}
		if (f.NXM != 0 || f.ID == FieldInPort) && f.Experimenter == 0 {
			byHeader[f.NXM] = f
		}
		if f.OXM != 0 {
			byHeader[f.OXM] = f
		}
	}
	return byName, byHeader
})

// FieldByName finds a field by its canonical name or an alias.
func FieldByName(name string) *Field {
	byName, _ := fieldIndexes()
	return byName[name]
}

// fieldByHeader finds a field by its NXM or OXM header (mask bit and
// length cleared).
func fieldByHeader(h uint32) *Field {
	_, byHeader := fieldIndexes()
	return byHeader[h]
}

// FieldByID returns the field with the given id, or nil.
func FieldByID(id FieldID) *Field {
	if id >= numFields || fields[id].Name == "" {
		return nil
	}
	return &fields[id]
}

// Fields returns every field of the registry, storage fields first.
func Fields() []*Field {
	out := make([]*Field, 0, numFields)
	for i := range fields {
		if fields[i].Name != "" {
			out = append(out, &fields[i])
		}
	}
	return out
}
