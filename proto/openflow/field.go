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

// fields is the registry, indexed by FieldID. It is a composite literal of
// constants, not built by code, so the linker lays it out in the binary's
// data: a tool that never looks at a field pays nothing for it at start-up
// (every tool of the binary links this package). Wire headers are spelled
// class<<16 | field<<9, what hdr computes, to stay constant expressions.
var fields = [numFields]Field{
	FieldPacketType:  {ID: FieldPacketType, Name: "packet_type", Bits: 32, Bytes: 4, Format: FormatPacketType, OXM: oxmOF<<16 | 44<<9, OXMName: "OXM_OF_PACKET_TYPE", OXMVersion: V15, store: FieldPacketType},
	FieldRecircID:    {ID: FieldRecircID, Name: "recirc_id", Bits: 32, Bytes: 4, Format: FormatHex, NXM: nxmNX<<16 | 36<<9, NXMName: "NXM_NX_RECIRC_ID", store: FieldRecircID},
	FieldDpHash:      {ID: FieldDpHash, Name: "dp_hash", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 35<<9, NXMName: "NXM_NX_DP_HASH", store: FieldDpHash},
	FieldConjID:      {ID: FieldConjID, Name: "conj_id", Bits: 32, Bytes: 4, Format: FormatDecimal, NXM: nxmNX<<16 | 37<<9, NXMName: "NXM_NX_CONJ_ID", store: FieldConjID},
	FieldPktMark:     {ID: FieldPktMark, Name: "pkt_mark", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 33<<9, NXMName: "NXM_NX_PKT_MARK", store: FieldPktMark},
	FieldSkbPriority: {ID: FieldSkbPriority, Name: "skb_priority", Bits: 32, Bytes: 4, Format: FormatHex, store: FieldSkbPriority},
	// OpenFlow 1.5 made actset_output a basic field; before that (and in
	// nx_match) it is ONF experimenter field 43.
	FieldActsetOutput: {ID: FieldActsetOutput, Name: "actset_output", Bits: 32, Bytes: 4, Format: FormatPort, OXM: oxmOF<<16 | 43<<9, OXMName: "OXM_OF_ACTSET_OUTPUT", OXMVersion: V15, store: FieldActsetOutput},
	// The registers: reg0-15 are storage, xreg0-7 and xxreg0-3 views onto
	// two and four of them.
	FieldReg0:       {ID: FieldReg0, Name: "reg0", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 0<<9, NXMName: "NXM_NX_REG0", store: FieldReg0},
	FieldReg1:       {ID: FieldReg1, Name: "reg1", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 1<<9, NXMName: "NXM_NX_REG1", store: FieldReg1},
	FieldReg2:       {ID: FieldReg2, Name: "reg2", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 2<<9, NXMName: "NXM_NX_REG2", store: FieldReg2},
	FieldReg3:       {ID: FieldReg3, Name: "reg3", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 3<<9, NXMName: "NXM_NX_REG3", store: FieldReg3},
	FieldReg4:       {ID: FieldReg4, Name: "reg4", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 4<<9, NXMName: "NXM_NX_REG4", store: FieldReg4},
	FieldReg5:       {ID: FieldReg5, Name: "reg5", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 5<<9, NXMName: "NXM_NX_REG5", store: FieldReg5},
	FieldReg6:       {ID: FieldReg6, Name: "reg6", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 6<<9, NXMName: "NXM_NX_REG6", store: FieldReg6},
	FieldReg7:       {ID: FieldReg7, Name: "reg7", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 7<<9, NXMName: "NXM_NX_REG7", store: FieldReg7},
	FieldReg8:       {ID: FieldReg8, Name: "reg8", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 8<<9, NXMName: "NXM_NX_REG8", store: FieldReg8},
	FieldReg9:       {ID: FieldReg9, Name: "reg9", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 9<<9, NXMName: "NXM_NX_REG9", store: FieldReg9},
	FieldReg10:      {ID: FieldReg10, Name: "reg10", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 10<<9, NXMName: "NXM_NX_REG10", store: FieldReg10},
	FieldReg11:      {ID: FieldReg11, Name: "reg11", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 11<<9, NXMName: "NXM_NX_REG11", store: FieldReg11},
	FieldReg12:      {ID: FieldReg12, Name: "reg12", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 12<<9, NXMName: "NXM_NX_REG12", store: FieldReg12},
	FieldReg13:      {ID: FieldReg13, Name: "reg13", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 13<<9, NXMName: "NXM_NX_REG13", store: FieldReg13},
	FieldReg14:      {ID: FieldReg14, Name: "reg14", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 14<<9, NXMName: "NXM_NX_REG14", store: FieldReg14},
	FieldReg15:      {ID: FieldReg15, Name: "reg15", Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 15<<9, NXMName: "NXM_NX_REG15", store: FieldReg15},
	FieldXreg0:      {ID: FieldXreg0, Name: "xreg0", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 0<<9, OXMName: "OXM_OF_PKT_REG0", OXMVersion: V13, store: FieldReg0},
	FieldXreg0 + 1:  {ID: FieldXreg0 + 1, Name: "xreg1", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 1<<9, OXMName: "OXM_OF_PKT_REG1", OXMVersion: V13, store: FieldReg2},
	FieldXreg0 + 2:  {ID: FieldXreg0 + 2, Name: "xreg2", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 2<<9, OXMName: "OXM_OF_PKT_REG2", OXMVersion: V13, store: FieldReg4},
	FieldXreg0 + 3:  {ID: FieldXreg0 + 3, Name: "xreg3", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 3<<9, OXMName: "OXM_OF_PKT_REG3", OXMVersion: V13, store: FieldReg6},
	FieldXreg0 + 4:  {ID: FieldXreg0 + 4, Name: "xreg4", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 4<<9, OXMName: "OXM_OF_PKT_REG4", OXMVersion: V13, store: FieldReg8},
	FieldXreg0 + 5:  {ID: FieldXreg0 + 5, Name: "xreg5", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 5<<9, OXMName: "OXM_OF_PKT_REG5", OXMVersion: V13, store: FieldReg10},
	FieldXreg0 + 6:  {ID: FieldXreg0 + 6, Name: "xreg6", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 6<<9, OXMName: "OXM_OF_PKT_REG6", OXMVersion: V13, store: FieldReg12},
	FieldXreg0 + 7:  {ID: FieldXreg0 + 7, Name: "xreg7", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmPR<<16 | 7<<9, OXMName: "OXM_OF_PKT_REG7", OXMVersion: V13, store: FieldReg14},
	FieldXxreg0:     {ID: FieldXxreg0, Name: "xxreg0", Bits: 128, Bytes: 16, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 111<<9, NXMName: "NXM_NX_XXREG0", store: FieldReg0},
	FieldXxreg0 + 1: {ID: FieldXxreg0 + 1, Name: "xxreg1", Bits: 128, Bytes: 16, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 112<<9, NXMName: "NXM_NX_XXREG1", store: FieldReg4},
	FieldXxreg0 + 2: {ID: FieldXxreg0 + 2, Name: "xxreg2", Bits: 128, Bytes: 16, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 113<<9, NXMName: "NXM_NX_XXREG2", store: FieldReg8},
	FieldXxreg0 + 3: {ID: FieldXxreg0 + 3, Name: "xxreg3", Bits: 128, Bytes: 16, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 114<<9, NXMName: "NXM_NX_XXREG3", store: FieldReg12},
	// The tunnel id: always 0 until tunnel ports arrive, but flows may
	// match on it and set it, as OVS's do.
	FieldTunID:      {ID: FieldTunID, Name: "tun_id", Aliases: []string{"tunnel_id"}, Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, NXM: nxmNX<<16 | 16<<9, NXMName: "NXM_NX_TUN_ID", OXM: oxmOF<<16 | 38<<9, OXMName: "OXM_OF_TUNNEL_ID", OXMVersion: V13, store: FieldTunID},
	FieldMetadata:   {ID: FieldMetadata, Name: "metadata", Bits: 64, Bytes: 8, Maskable: true, Format: FormatHex, OXM: oxmOF<<16 | 2<<9, OXMName: "OXM_OF_METADATA", OXMVersion: V12, store: FieldMetadata},
	FieldInPort:     {ID: FieldInPort, Name: "in_port", Bits: 16, Bytes: 2, Format: FormatPort, NXM: nxmOF<<16 | 0<<9, NXMName: "NXM_OF_IN_PORT", store: FieldInPort},
	FieldInPortOXM:  {ID: FieldInPortOXM, Name: "in_port_oxm", Bits: 32, Bytes: 4, Format: FormatPort, OXM: oxmOF<<16 | 0<<9, OXMName: "OXM_OF_IN_PORT", OXMVersion: V12, store: FieldInPort},
	FieldVlanTCI:    {ID: FieldVlanTCI, Name: "vlan_tci", Bits: 16, Bytes: 2, Maskable: true, Format: FormatHex, NXM: nxmOF<<16 | 4<<9, NXMName: "NXM_OF_VLAN_TCI", store: FieldVlanTCI},
	FieldDlVlan:     {ID: FieldDlVlan, Name: "dl_vlan", Bits: 12, Bytes: 2, Format: FormatDecimal, store: FieldVlanTCI},
	FieldDlVlanPCP:  {ID: FieldDlVlanPCP, Name: "dl_vlan_pcp", Bits: 3, Bytes: 1, Format: FormatDecimal, store: FieldVlanTCI, shift: 13},
	FieldVlanVID:    {ID: FieldVlanVID, Name: "vlan_vid", Bits: 13, Bytes: 2, Maskable: true, Format: FormatDecimal, OXM: oxmOF<<16 | 6<<9, OXMName: "OXM_OF_VLAN_VID", OXMVersion: V12, store: FieldVlanTCI},
	FieldVlanPCP:    {ID: FieldVlanPCP, Name: "vlan_pcp", Bits: 3, Bytes: 1, Format: FormatDecimal, Prereq: PrereqVLAN, OXM: oxmOF<<16 | 7<<9, OXMName: "OXM_OF_VLAN_PCP", OXMVersion: V12, store: FieldVlanTCI, shift: 13},
	FieldEthSrc:     {ID: FieldEthSrc, Name: "eth_src", Aliases: []string{"dl_src"}, Bits: 48, Bytes: 6, Maskable: true, Format: FormatEthernet, NXM: nxmOF<<16 | 2<<9, NXMName: "NXM_OF_ETH_SRC", OXM: oxmOF<<16 | 4<<9, OXMName: "OXM_OF_ETH_SRC", OXMVersion: V12, store: FieldEthSrc},
	FieldEthDst:     {ID: FieldEthDst, Name: "eth_dst", Aliases: []string{"dl_dst"}, Bits: 48, Bytes: 6, Maskable: true, Format: FormatEthernet, NXM: nxmOF<<16 | 1<<9, NXMName: "NXM_OF_ETH_DST", OXM: oxmOF<<16 | 3<<9, OXMName: "OXM_OF_ETH_DST", OXMVersion: V12, store: FieldEthDst},
	FieldEthType:    {ID: FieldEthType, Name: "eth_type", Aliases: []string{"dl_type"}, Bits: 16, Bytes: 2, Format: FormatHex, NXM: nxmOF<<16 | 3<<9, NXMName: "NXM_OF_ETH_TYPE", OXM: oxmOF<<16 | 5<<9, OXMName: "OXM_OF_ETH_TYPE", OXMVersion: V12, store: FieldEthType},
	FieldMplsLabel:  {ID: FieldMplsLabel, Name: "mpls_label", Bits: 20, Bytes: 4, Format: FormatDecimal, Prereq: PrereqMPLS, OXM: oxmOF<<16 | 34<<9, OXMName: "OXM_OF_MPLS_LABEL", OXMVersion: V12, store: FieldMplsLabel},
	FieldMplsTC:     {ID: FieldMplsTC, Name: "mpls_tc", Bits: 3, Bytes: 1, Format: FormatDecimal, Prereq: PrereqMPLS, OXM: oxmOF<<16 | 35<<9, OXMName: "OXM_OF_MPLS_TC", OXMVersion: V12, store: FieldMplsTC},
	FieldMplsBOS:    {ID: FieldMplsBOS, Name: "mpls_bos", Bits: 1, Bytes: 1, Format: FormatDecimal, Prereq: PrereqMPLS, OXM: oxmOF<<16 | 36<<9, OXMName: "OXM_OF_MPLS_BOS", OXMVersion: V13, store: FieldMplsBOS},
	FieldMplsTTL:    {ID: FieldMplsTTL, Name: "mpls_ttl", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqMPLS, NXM: nxmNX<<16 | 30<<9, NXMName: "NXM_NX_MPLS_TTL", store: FieldMplsTTL},
	FieldIPSrc:      {ID: FieldIPSrc, Name: "ip_src", Aliases: []string{"nw_src"}, Bits: 32, Bytes: 4, Maskable: true, Format: FormatIPv4, Prereq: PrereqIPv4, NXM: nxmOF<<16 | 7<<9, NXMName: "NXM_OF_IP_SRC", OXM: oxmOF<<16 | 11<<9, OXMName: "OXM_OF_IPV4_SRC", OXMVersion: V12, store: FieldIPSrc},
	FieldIPDst:      {ID: FieldIPDst, Name: "ip_dst", Aliases: []string{"nw_dst"}, Bits: 32, Bytes: 4, Maskable: true, Format: FormatIPv4, Prereq: PrereqIPv4, NXM: nxmOF<<16 | 8<<9, NXMName: "NXM_OF_IP_DST", OXM: oxmOF<<16 | 12<<9, OXMName: "OXM_OF_IPV4_DST", OXMVersion: V12, store: FieldIPDst},
	FieldArpSpa:     {ID: FieldArpSpa, Name: "arp_spa", Bits: 32, Bytes: 4, Maskable: true, Format: FormatIPv4, Prereq: PrereqARP, NXM: nxmOF<<16 | 16<<9, NXMName: "NXM_OF_ARP_SPA", OXM: oxmOF<<16 | 22<<9, OXMName: "OXM_OF_ARP_SPA", OXMVersion: V12, store: FieldIPSrc},
	FieldArpTpa:     {ID: FieldArpTpa, Name: "arp_tpa", Bits: 32, Bytes: 4, Maskable: true, Format: FormatIPv4, Prereq: PrereqARP, NXM: nxmOF<<16 | 17<<9, NXMName: "NXM_OF_ARP_TPA", OXM: oxmOF<<16 | 23<<9, OXMName: "OXM_OF_ARP_TPA", OXMVersion: V12, store: FieldIPDst},
	FieldIPv6Src:    {ID: FieldIPv6Src, Name: "ipv6_src", Bits: 128, Bytes: 16, Maskable: true, Format: FormatIPv6, Prereq: PrereqIPv6, NXM: nxmNX<<16 | 19<<9, NXMName: "NXM_NX_IPV6_SRC", OXM: oxmOF<<16 | 26<<9, OXMName: "OXM_OF_IPV6_SRC", OXMVersion: V12, store: FieldIPv6Src},
	FieldIPv6Dst:    {ID: FieldIPv6Dst, Name: "ipv6_dst", Bits: 128, Bytes: 16, Maskable: true, Format: FormatIPv6, Prereq: PrereqIPv6, NXM: nxmNX<<16 | 20<<9, NXMName: "NXM_NX_IPV6_DST", OXM: oxmOF<<16 | 27<<9, OXMName: "OXM_OF_IPV6_DST", OXMVersion: V12, store: FieldIPv6Dst},
	FieldIPv6Label:  {ID: FieldIPv6Label, Name: "ipv6_label", Bits: 20, Bytes: 4, Maskable: true, Format: FormatHex, Prereq: PrereqIPv6, NXM: nxmNX<<16 | 27<<9, NXMName: "NXM_NX_IPV6_LABEL", OXM: oxmOF<<16 | 28<<9, OXMName: "OXM_OF_IPV6_FLABEL", OXMVersion: V12, store: FieldIPv6Label},
	FieldNwProto:    {ID: FieldNwProto, Name: "nw_proto", Aliases: []string{"ip_proto"}, Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqIP, NXM: nxmOF<<16 | 6<<9, NXMName: "NXM_OF_IP_PROTO", OXM: oxmOF<<16 | 10<<9, OXMName: "OXM_OF_IP_PROTO", OXMVersion: V12, store: FieldNwProto},
	FieldArpOp:      {ID: FieldArpOp, Name: "arp_op", Bits: 16, Bytes: 2, Format: FormatDecimal, Prereq: PrereqARP, NXM: nxmOF<<16 | 15<<9, NXMName: "NXM_OF_ARP_OP", OXM: oxmOF<<16 | 21<<9, OXMName: "OXM_OF_ARP_OP", OXMVersion: V12, store: FieldNwProto},
	FieldNwTOS:      {ID: FieldNwTOS, Name: "nw_tos", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqIP, NXM: nxmOF<<16 | 5<<9, NXMName: "NXM_OF_IP_TOS", store: FieldNwTOS},
	FieldIPDSCP:     {ID: FieldIPDSCP, Name: "ip_dscp", Bits: 6, Bytes: 1, Format: FormatDecimal, Prereq: PrereqIP, OXM: oxmOF<<16 | 8<<9, OXMName: "OXM_OF_IP_DSCP", OXMVersion: V12, store: FieldNwTOS, shift: 2},
	FieldIPECN:      {ID: FieldIPECN, Name: "nw_ecn", Aliases: []string{"ip_ecn"}, Bits: 2, Bytes: 1, Format: FormatDecimal, Prereq: PrereqIP, NXM: nxmNX<<16 | 28<<9, NXMName: "NXM_NX_IP_ECN", OXM: oxmOF<<16 | 9<<9, OXMName: "OXM_OF_IP_ECN", OXMVersion: V12, store: FieldNwTOS},
	FieldNwTTL:      {ID: FieldNwTTL, Name: "nw_ttl", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqIP, NXM: nxmNX<<16 | 29<<9, NXMName: "NXM_NX_IP_TTL", store: FieldNwTTL},
	FieldIPFrag:     {ID: FieldIPFrag, Name: "ip_frag", Aliases: []string{"nw_frag"}, Bits: 2, Bytes: 1, Maskable: true, Format: FormatFrag, Prereq: PrereqIP, NXM: nxmNX<<16 | 26<<9, NXMName: "NXM_NX_IP_FRAG", store: FieldIPFrag},
	FieldArpSha:     {ID: FieldArpSha, Name: "arp_sha", Bits: 48, Bytes: 6, Maskable: true, Format: FormatEthernet, Prereq: PrereqARP, NXM: nxmNX<<16 | 17<<9, NXMName: "NXM_NX_ARP_SHA", OXM: oxmOF<<16 | 24<<9, OXMName: "OXM_OF_ARP_SHA", OXMVersion: V12, store: FieldArpSha},
	FieldArpTha:     {ID: FieldArpTha, Name: "arp_tha", Bits: 48, Bytes: 6, Maskable: true, Format: FormatEthernet, Prereq: PrereqARP, NXM: nxmNX<<16 | 18<<9, NXMName: "NXM_NX_ARP_THA", OXM: oxmOF<<16 | 25<<9, OXMName: "OXM_OF_ARP_THA", OXMVersion: V12, store: FieldArpTha},
	FieldNdTarget:   {ID: FieldNdTarget, Name: "nd_target", Bits: 128, Bytes: 16, Maskable: true, Format: FormatIPv6, Prereq: PrereqND, NXM: nxmNX<<16 | 23<<9, NXMName: "NXM_NX_ND_TARGET", OXM: oxmOF<<16 | 31<<9, OXMName: "OXM_OF_IPV6_ND_TARGET", OXMVersion: V12, store: FieldNdTarget},
	FieldNdSll:      {ID: FieldNdSll, Name: "nd_sll", Bits: 48, Bytes: 6, Maskable: true, Format: FormatEthernet, Prereq: PrereqNDSolicit, NXM: nxmNX<<16 | 24<<9, NXMName: "NXM_NX_ND_SLL", OXM: oxmOF<<16 | 32<<9, OXMName: "OXM_OF_IPV6_ND_SLL", OXMVersion: V12, store: FieldArpSha},
	FieldNdTll:      {ID: FieldNdTll, Name: "nd_tll", Bits: 48, Bytes: 6, Maskable: true, Format: FormatEthernet, Prereq: PrereqNDAdvert, NXM: nxmNX<<16 | 25<<9, NXMName: "NXM_NX_ND_TLL", OXM: oxmOF<<16 | 33<<9, OXMName: "OXM_OF_IPV6_ND_TLL", OXMVersion: V12, store: FieldArpTha},
	FieldTpSrc:      {ID: FieldTpSrc, Name: "tcp_src", Aliases: []string{"tp_src"}, Bits: 16, Bytes: 2, Maskable: true, Format: FormatDecimal, Prereq: PrereqTCP, NXM: nxmOF<<16 | 9<<9, NXMName: "NXM_OF_TCP_SRC", OXM: oxmOF<<16 | 13<<9, OXMName: "OXM_OF_TCP_SRC", OXMVersion: V12, store: FieldTpSrc},
	FieldTpDst:      {ID: FieldTpDst, Name: "tcp_dst", Aliases: []string{"tp_dst"}, Bits: 16, Bytes: 2, Maskable: true, Format: FormatDecimal, Prereq: PrereqTCP, NXM: nxmOF<<16 | 10<<9, NXMName: "NXM_OF_TCP_DST", OXM: oxmOF<<16 | 14<<9, OXMName: "OXM_OF_TCP_DST", OXMVersion: V12, store: FieldTpDst},
	FieldUDPSrc:     {ID: FieldUDPSrc, Name: "udp_src", Bits: 16, Bytes: 2, Maskable: true, Format: FormatDecimal, Prereq: PrereqUDP, NXM: nxmOF<<16 | 11<<9, NXMName: "NXM_OF_UDP_SRC", OXM: oxmOF<<16 | 15<<9, OXMName: "OXM_OF_UDP_SRC", OXMVersion: V12, store: FieldTpSrc},
	FieldUDPDst:     {ID: FieldUDPDst, Name: "udp_dst", Bits: 16, Bytes: 2, Maskable: true, Format: FormatDecimal, Prereq: PrereqUDP, NXM: nxmOF<<16 | 12<<9, NXMName: "NXM_OF_UDP_DST", OXM: oxmOF<<16 | 16<<9, OXMName: "OXM_OF_UDP_DST", OXMVersion: V12, store: FieldTpDst},
	FieldSCTPSrc:    {ID: FieldSCTPSrc, Name: "sctp_src", Bits: 16, Bytes: 2, Maskable: true, Format: FormatDecimal, Prereq: PrereqSCTP, OXM: oxmOF<<16 | 17<<9, OXMName: "OXM_OF_SCTP_SRC", OXMVersion: V12, store: FieldTpSrc},
	FieldSCTPDst:    {ID: FieldSCTPDst, Name: "sctp_dst", Bits: 16, Bytes: 2, Maskable: true, Format: FormatDecimal, Prereq: PrereqSCTP, OXM: oxmOF<<16 | 18<<9, OXMName: "OXM_OF_SCTP_DST", OXMVersion: V12, store: FieldTpDst},
	FieldICMPType:   {ID: FieldICMPType, Name: "icmp_type", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqICMPv4, NXM: nxmOF<<16 | 13<<9, NXMName: "NXM_OF_ICMP_TYPE", OXM: oxmOF<<16 | 19<<9, OXMName: "OXM_OF_ICMPV4_TYPE", OXMVersion: V12, store: FieldTpSrc},
	FieldICMPCode:   {ID: FieldICMPCode, Name: "icmp_code", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqICMPv4, NXM: nxmOF<<16 | 14<<9, NXMName: "NXM_OF_ICMP_CODE", OXM: oxmOF<<16 | 20<<9, OXMName: "OXM_OF_ICMPV4_CODE", OXMVersion: V12, store: FieldTpDst},
	FieldICMPv6Type: {ID: FieldICMPv6Type, Name: "icmpv6_type", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqICMPv6, NXM: nxmNX<<16 | 21<<9, NXMName: "NXM_NX_ICMPV6_TYPE", OXM: oxmOF<<16 | 29<<9, OXMName: "OXM_OF_ICMPV6_TYPE", OXMVersion: V12, store: FieldTpSrc},
	FieldICMPv6Code: {ID: FieldICMPv6Code, Name: "icmpv6_code", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqICMPv6, NXM: nxmNX<<16 | 22<<9, NXMName: "NXM_NX_ICMPV6_CODE", OXM: oxmOF<<16 | 30<<9, OXMName: "OXM_OF_ICMPV6_CODE", OXMVersion: V12, store: FieldTpDst},
	FieldTCPFlags:   {ID: FieldTCPFlags, Name: "tcp_flags", Bits: 12, Bytes: 2, Maskable: true, Format: FormatTCPFlags, Prereq: PrereqTCP, NXM: nxmNX<<16 | 34<<9, NXMName: "NXM_NX_TCP_FLAGS", OXM: oxmOF<<16 | 42<<9, OXMName: "OXM_OF_TCP_FLAGS", OXMVersion: V15, store: FieldTCPFlags},
	// NSH fields: OVS experimenter fields (class 0xffff, nshExp) in OXM and NXM alike.
	FieldNSHFlags:  {ID: FieldNSHFlags, Name: "nsh_flags", Bits: 8, Bytes: 1, Maskable: true, Format: FormatDecimal, Prereq: PrereqNSH, NXM: oxmExp<<16 | 1<<9, NXMName: "NXOXM_NSH_FLAGS", Experimenter: nshExp, store: FieldNSHFlags},
	FieldNSHTTL:    {ID: FieldNSHTTL, Name: "nsh_ttl", Bits: 6, Bytes: 1, Format: FormatDecimal, Prereq: PrereqNSH, NXM: oxmExp<<16 | 10<<9, NXMName: "NXOXM_NSH_TTL", Experimenter: nshExp, store: FieldNSHTTL},
	FieldNSHMdtype: {ID: FieldNSHMdtype, Name: "nsh_mdtype", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqNSH, NXM: oxmExp<<16 | 2<<9, NXMName: "NXOXM_NSH_MDTYPE", Experimenter: nshExp, store: FieldNSHMdtype},
	FieldNSHNp:     {ID: FieldNSHNp, Name: "nsh_np", Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqNSH, NXM: oxmExp<<16 | 3<<9, NXMName: "NXOXM_NSH_NP", Experimenter: nshExp, store: FieldNSHNp},
	FieldNSHSPI:    {ID: FieldNSHSPI, Name: "nsh_spi", Aliases: []string{"nsp"}, Bits: 24, Bytes: 4, Format: FormatHex, Prereq: PrereqNSH, NXM: oxmExp<<16 | 4<<9, NXMName: "NXOXM_NSH_SPI", Experimenter: nshExp, store: FieldNSHSPI},
	FieldNSHSI:     {ID: FieldNSHSI, Name: "nsh_si", Aliases: []string{"nsi"}, Bits: 8, Bytes: 1, Format: FormatDecimal, Prereq: PrereqNSH, NXM: oxmExp<<16 | 5<<9, NXMName: "NXOXM_NSH_SI", Experimenter: nshExp, store: FieldNSHSI},
	FieldNSHC1:     {ID: FieldNSHC1, Name: "nsh_c1", Aliases: []string{"nshc1"}, Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, Prereq: PrereqNSH, NXM: oxmExp<<16 | 6<<9, NXMName: "NXOXM_NSH_C1", Experimenter: nshExp, store: FieldNSHC1},
	FieldNSHC2:     {ID: FieldNSHC2, Name: "nsh_c2", Aliases: []string{"nshc2"}, Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, Prereq: PrereqNSH, NXM: oxmExp<<16 | 7<<9, NXMName: "NXOXM_NSH_C2", Experimenter: nshExp, store: FieldNSHC2},
	FieldNSHC3:     {ID: FieldNSHC3, Name: "nsh_c3", Aliases: []string{"nshc3"}, Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, Prereq: PrereqNSH, NXM: oxmExp<<16 | 8<<9, NXMName: "NXOXM_NSH_C3", Experimenter: nshExp, store: FieldNSHC3},
	FieldNSHC4:     {ID: FieldNSHC4, Name: "nsh_c4", Aliases: []string{"nshc4"}, Bits: 32, Bytes: 4, Maskable: true, Format: FormatHex, Prereq: PrereqNSH, NXM: oxmExp<<16 | 9<<9, NXMName: "NXOXM_NSH_C4", Experimenter: nshExp, store: FieldNSHC4},
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

// Writable reports whether actions (set_field, load, move and the like)
// may write f: ovs-fields(7) lists the others as read-only, and OVS also
// refuses writes to dp_hash and recirc_id.
func (f *Field) Writable() bool {
	switch f.ID {
	case FieldConjID, FieldSkbPriority, FieldActsetOutput, FieldPacketType, FieldEthType,
		FieldMplsBOS, FieldNwProto, FieldIPFrag, FieldNSHMdtype, FieldNSHNp, FieldTCPFlags,
		FieldDpHash, FieldRecircID:
		return false
	}
	return true
}

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
