package openflow

// Matches
//
// A Match is the version-independent form of an OpenFlow match: an
// ordered set of (field, value, mask) entries, one per storage field
// (FieldInPort ... FieldTCPFlags), values always ANDed with their masks.
// The field registry (Field, FieldByName, FieldByID, Fields) describes
// the matchable fields of ovs-fields(7) apart from the conntrack (ct_*),
// tunnel (tun_*) and Ericsson ND extension (nd_reserved, nd_options_type)
// ones: names and aliases, width, maskability, prerequisites, text format
// and NXM/OXM codes (NSH fields use OVS's NXOXM experimenter class).
//
// Many field names are views onto one storage field, as in OVS's flow
// structure: dl_vlan, dl_vlan_pcp, vlan_vid and vlan_pcp are bits of
// vlan_tci; nw_tos, ip_dscp and nw_ecn share the TOS byte; tcp_src,
// udp_src, sctp_src and icmp_type share the transport source port;
// arp_spa/arp_tpa/arp_op reuse nw_src/nw_dst/nw_proto; nd_sll/nd_tll
// reuse arp_sha/arp_tha; xreg and xxreg are pairs and quads of reg. Keeping
// one entry per storage field is what makes duplicate detection, printing
// and the NXM/OXM choice of header match OVS: the text printed and the
// TLVs written depend on the value and on the protocol matched, not on
// the name the user typed.
//
// Text (ovs-fields(7), ovs-ofctl(8) "Flow Syntax"):
//
//	ParseMatch(s string, ports PortLookup) (*Match, error)
//	(*Match).ParseMatchField(name, value string, hasValue bool, ports PortLookup) error
//	ParseFieldValue(f *Field, s string, ports PortLookup) (value, mask []byte, err error)
//	LookupShorthand(name string) (Shorthand, bool); (*Match).ApplyShorthand(Shorthand)
//	(*Match).Normalize() bool   // drop fields whose prerequisites are unmet
//	(*Match).String() string
//	(*Match).AppendText(b []byte, names PortNamer) []byte
//
// ParseMatch followed by Normalize and String gives exactly what
// `ovs-ofctl parse-flow` prints for the match part of a flow; errors are
// OVS's messages without the "ovs-ofctl: " prefix.
//
// Wire (nx_match and the TLV list of an oxm_match; the ofp_match header
// and padding are the message codec's business):
//
//	AppendNXM(b []byte, m *Match) []byte
//	AppendOXM(b []byte, m *Match, version Version) []byte
//	DecodeNXM(b []byte, strict bool) (*Match, error)
//	DecodeOXM(b []byte, version Version, strict bool) (*Match, error)
//	FormatNXM(b []byte) (string, error)   // "NXM_OF_ETH_TYPE(0800), ..."
//	ParseNXM(s string) ([]byte, error)
//
// Decoding errors are ErrorCode values (OFPBMC_BAD_PREREQ, OFPBMC_DUP_FIELD, OFPBMC_BAD_WILDCARDS,
// OFPBMC_BAD_VALUE, OFPBMC_BAD_MASK, OFPBMC_BAD_FIELD, OFPBMC_BAD_LEN).
// Strict decoding is what a switch applies to a controller's flow_mod:
// a field whose prerequisites are not yet established is an error. Loose
// decoding, like `ovs-ofctl parse-nx-match`, ignores unknown fields and
// drops the fields whose prerequisites the whole match does not meet.
// Encoding follows OVS's field order and header choice per version
// (ONF experimenter fields for tcp_flags and actset_output before
// OpenFlow 1.5, 64-bit packet registers in 1.5).
