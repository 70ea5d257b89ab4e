package openflow

import (
	"strconv"
	"strings"
	"sync"
)

// The ofp-print text of table features. OVS does not print the
// properties as they come: it folds each table into sets (instructions,
// actions, fields) and prints those sets in its own order, comparing each
// table with the one before it so that a switch's 254 near-identical
// tables print as a few lines. The printer therefore first reduces a
// table to tableFeatureSets, compares those, and only then writes text.
// Entries OVS does not know (unknown instructions, actions or fields) are
// dropped the way it drops them, so they never show.

// tfHeader is a field's OXM/NXM header as a table-features property lists
// it (mask bit clear, unmasked length) and, for experimenter classes, the
// experimenter id.
type tfHeader struct{ hdr, exp uint32 }

// tfFields lists the fields OVS 3.1 names in table features, in the
// order it prints them, with every header that stands for each.
var tfFields = [...]struct {
	name    string
	headers []tfHeader
}{
	{"dp_hash", []tfHeader{{0x00014604, 0x00000000}}},
	{"recirc_id", []tfHeader{{0x00014804, 0x00000000}}},
	{"packet_type", []tfHeader{{0x80005804, 0x00000000}}},
	{"conj_id", []tfHeader{{0x00014a04, 0x00000000}}},
	{"tun_id", []tfHeader{{0x80004c08, 0x00000000}}},
	{"tun_src", []tfHeader{{0x00013e04, 0x00000000}}},
	{"tun_dst", []tfHeader{{0x00014004, 0x00000000}}},
	{"tun_ipv6_src", []tfHeader{{0x0001da10, 0x00000000}}},
	{"tun_ipv6_dst", []tfHeader{{0x0001dc10, 0x00000000}}},
	{"tun_flags", []tfHeader{{0x0001d002, 0x00000000}}},
	{"tun_gbp_id", []tfHeader{{0x00014c02, 0x00000000}}},
	{"tun_gbp_flags", []tfHeader{{0x00014e01, 0x00000000}}},
	{"tun_erspan_idx", []tfHeader{{0xffff1608, 0x00002320}}},
	{"tun_erspan_ver", []tfHeader{{0xffff1805, 0x00002320}}},
	{"tun_erspan_dir", []tfHeader{{0xffff1a05, 0x00002320}}},
	{"tun_erspan_hwid", []tfHeader{{0xffff1c05, 0x00002320}}},
	{"tun_gtpu_flags", []tfHeader{{0xffff1e05, 0x00002320}}},
	{"tun_gtpu_msgtype", []tfHeader{{0xffff2005, 0x00002320}}},
	{"tun_metadata0", []tfHeader{{0x0001507c, 0x00000000}}},
	{"tun_metadata1", []tfHeader{{0x0001527c, 0x00000000}}},
	{"tun_metadata2", []tfHeader{{0x0001547c, 0x00000000}}},
	{"tun_metadata3", []tfHeader{{0x0001567c, 0x00000000}}},
	{"tun_metadata4", []tfHeader{{0x0001587c, 0x00000000}}},
	{"tun_metadata5", []tfHeader{{0x00015a7c, 0x00000000}}},
	{"tun_metadata6", []tfHeader{{0x00015c7c, 0x00000000}}},
	{"tun_metadata7", []tfHeader{{0x00015e7c, 0x00000000}}},
	{"tun_metadata8", []tfHeader{{0x0001607c, 0x00000000}}},
	{"tun_metadata9", []tfHeader{{0x0001627c, 0x00000000}}},
	{"tun_metadata10", []tfHeader{{0x0001647c, 0x00000000}}},
	{"tun_metadata11", []tfHeader{{0x0001667c, 0x00000000}}},
	{"tun_metadata12", []tfHeader{{0x0001687c, 0x00000000}}},
	{"tun_metadata13", []tfHeader{{0x00016a7c, 0x00000000}}},
	{"tun_metadata14", []tfHeader{{0x00016c7c, 0x00000000}}},
	{"tun_metadata15", []tfHeader{{0x00016e7c, 0x00000000}}},
	{"tun_metadata16", []tfHeader{{0x0001707c, 0x00000000}}},
	{"tun_metadata17", []tfHeader{{0x0001727c, 0x00000000}}},
	{"tun_metadata18", []tfHeader{{0x0001747c, 0x00000000}}},
	{"tun_metadata19", []tfHeader{{0x0001767c, 0x00000000}}},
	{"tun_metadata20", []tfHeader{{0x0001787c, 0x00000000}}},
	{"tun_metadata21", []tfHeader{{0x00017a7c, 0x00000000}}},
	{"tun_metadata22", []tfHeader{{0x00017c7c, 0x00000000}}},
	{"tun_metadata23", []tfHeader{{0x00017e7c, 0x00000000}}},
	{"tun_metadata24", []tfHeader{{0x0001807c, 0x00000000}}},
	{"tun_metadata25", []tfHeader{{0x0001827c, 0x00000000}}},
	{"tun_metadata26", []tfHeader{{0x0001847c, 0x00000000}}},
	{"tun_metadata27", []tfHeader{{0x0001867c, 0x00000000}}},
	{"tun_metadata28", []tfHeader{{0x0001887c, 0x00000000}}},
	{"tun_metadata29", []tfHeader{{0x00018a7c, 0x00000000}}},
	{"tun_metadata30", []tfHeader{{0x00018c7c, 0x00000000}}},
	{"tun_metadata31", []tfHeader{{0x00018e7c, 0x00000000}}},
	{"tun_metadata32", []tfHeader{{0x0001907c, 0x00000000}}},
	{"tun_metadata33", []tfHeader{{0x0001927c, 0x00000000}}},
	{"tun_metadata34", []tfHeader{{0x0001947c, 0x00000000}}},
	{"tun_metadata35", []tfHeader{{0x0001967c, 0x00000000}}},
	{"tun_metadata36", []tfHeader{{0x0001987c, 0x00000000}}},
	{"tun_metadata37", []tfHeader{{0x00019a7c, 0x00000000}}},
	{"tun_metadata38", []tfHeader{{0x00019c7c, 0x00000000}}},
	{"tun_metadata39", []tfHeader{{0x00019e7c, 0x00000000}}},
	{"tun_metadata40", []tfHeader{{0x0001a07c, 0x00000000}}},
	{"tun_metadata41", []tfHeader{{0x0001a27c, 0x00000000}}},
	{"tun_metadata42", []tfHeader{{0x0001a47c, 0x00000000}}},
	{"tun_metadata43", []tfHeader{{0x0001a67c, 0x00000000}}},
	{"tun_metadata44", []tfHeader{{0x0001a87c, 0x00000000}}},
	{"tun_metadata45", []tfHeader{{0x0001aa7c, 0x00000000}}},
	{"tun_metadata46", []tfHeader{{0x0001ac7c, 0x00000000}}},
	{"tun_metadata47", []tfHeader{{0x0001ae7c, 0x00000000}}},
	{"tun_metadata48", []tfHeader{{0x0001b07c, 0x00000000}}},
	{"tun_metadata49", []tfHeader{{0x0001b27c, 0x00000000}}},
	{"tun_metadata50", []tfHeader{{0x0001b47c, 0x00000000}}},
	{"tun_metadata51", []tfHeader{{0x0001b67c, 0x00000000}}},
	{"tun_metadata52", []tfHeader{{0x0001b87c, 0x00000000}}},
	{"tun_metadata53", []tfHeader{{0x0001ba7c, 0x00000000}}},
	{"tun_metadata54", []tfHeader{{0x0001bc7c, 0x00000000}}},
	{"tun_metadata55", []tfHeader{{0x0001be7c, 0x00000000}}},
	{"tun_metadata56", []tfHeader{{0x0001c07c, 0x00000000}}},
	{"tun_metadata57", []tfHeader{{0x0001c27c, 0x00000000}}},
	{"tun_metadata58", []tfHeader{{0x0001c47c, 0x00000000}}},
	{"tun_metadata59", []tfHeader{{0x0001c67c, 0x00000000}}},
	{"tun_metadata60", []tfHeader{{0x0001c87c, 0x00000000}}},
	{"tun_metadata61", []tfHeader{{0x0001ca7c, 0x00000000}}},
	{"tun_metadata62", []tfHeader{{0x0001cc7c, 0x00000000}}},
	{"tun_metadata63", []tfHeader{{0x0001ce7c, 0x00000000}}},
	{"metadata", []tfHeader{{0x80000408, 0x00000000}}},
	{"in_port", []tfHeader{{0x00000002, 0x00000000}}},
	{"in_port_oxm", []tfHeader{{0x80000004, 0x00000000}}},
	{"actset_output", []tfHeader{{0xffff5608, 0x4f4e4600}, {0x80005604, 0x00000000}}},
	{"pkt_mark", []tfHeader{{0x00014204, 0x00000000}}},
	{"ct_state", []tfHeader{{0x0001d204, 0x00000000}}},
	{"ct_zone", []tfHeader{{0x0001d402, 0x00000000}}},
	{"ct_mark", []tfHeader{{0x0001d604, 0x00000000}}},
	{"ct_label", []tfHeader{{0x0001d810, 0x00000000}}},
	{"ct_nw_proto", []tfHeader{{0x0001ee01, 0x00000000}}},
	{"ct_nw_src", []tfHeader{{0x0001f004, 0x00000000}}},
	{"ct_nw_dst", []tfHeader{{0x0001f204, 0x00000000}}},
	{"ct_ipv6_src", []tfHeader{{0x0001f410, 0x00000000}}},
	{"ct_ipv6_dst", []tfHeader{{0x0001f610, 0x00000000}}},
	{"ct_tp_src", []tfHeader{{0x0001f802, 0x00000000}}},
	{"ct_tp_dst", []tfHeader{{0x0001fa02, 0x00000000}}},
	{"reg0", []tfHeader{{0x00010004, 0x00000000}}},
	{"reg1", []tfHeader{{0x00010204, 0x00000000}}},
	{"reg2", []tfHeader{{0x00010404, 0x00000000}}},
	{"reg3", []tfHeader{{0x00010604, 0x00000000}}},
	{"reg4", []tfHeader{{0x00010804, 0x00000000}}},
	{"reg5", []tfHeader{{0x00010a04, 0x00000000}}},
	{"reg6", []tfHeader{{0x00010c04, 0x00000000}}},
	{"reg7", []tfHeader{{0x00010e04, 0x00000000}}},
	{"reg8", []tfHeader{{0x00011004, 0x00000000}}},
	{"reg9", []tfHeader{{0x00011204, 0x00000000}}},
	{"reg10", []tfHeader{{0x00011404, 0x00000000}}},
	{"reg11", []tfHeader{{0x00011604, 0x00000000}}},
	{"reg12", []tfHeader{{0x00011804, 0x00000000}}},
	{"reg13", []tfHeader{{0x00011a04, 0x00000000}}},
	{"reg14", []tfHeader{{0x00011c04, 0x00000000}}},
	{"reg15", []tfHeader{{0x00011e04, 0x00000000}}},
	{"xreg0", []tfHeader{{0x80010008, 0x00000000}}},
	{"xreg1", []tfHeader{{0x80010208, 0x00000000}}},
	{"xreg2", []tfHeader{{0x80010408, 0x00000000}}},
	{"xreg3", []tfHeader{{0x80010608, 0x00000000}}},
	{"xreg4", []tfHeader{{0x80010808, 0x00000000}}},
	{"xreg5", []tfHeader{{0x80010a08, 0x00000000}}},
	{"xreg6", []tfHeader{{0x80010c08, 0x00000000}}},
	{"xreg7", []tfHeader{{0x80010e08, 0x00000000}}},
	{"xxreg0", []tfHeader{{0x0001de10, 0x00000000}}},
	{"xxreg1", []tfHeader{{0x0001e010, 0x00000000}}},
	{"xxreg2", []tfHeader{{0x0001e210, 0x00000000}}},
	{"xxreg3", []tfHeader{{0x0001e410, 0x00000000}}},
	{"eth_src", []tfHeader{{0x80000806, 0x00000000}}},
	{"eth_dst", []tfHeader{{0x80000606, 0x00000000}}},
	{"eth_type", []tfHeader{{0x80000a02, 0x00000000}}},
	{"vlan_tci", []tfHeader{{0x00000802, 0x00000000}}},
	{"vlan_vid", []tfHeader{{0x80000c02, 0x00000000}}},
	{"vlan_pcp", []tfHeader{{0x80000e01, 0x00000000}}},
	{"mpls_label", []tfHeader{{0x80004404, 0x00000000}}},
	{"mpls_tc", []tfHeader{{0x80004601, 0x00000000}}},
	{"mpls_bos", []tfHeader{{0x80004801, 0x00000000}}},
	{"mpls_ttl", []tfHeader{{0x00013c01, 0x00000000}}},
	{"ip_src", []tfHeader{{0x80001604, 0x00000000}}},
	{"ip_dst", []tfHeader{{0x80001804, 0x00000000}}},
	{"ipv6_src", []tfHeader{{0x80003410, 0x00000000}}},
	{"ipv6_dst", []tfHeader{{0x80003610, 0x00000000}}},
	{"ipv6_label", []tfHeader{{0x80003804, 0x00000000}}},
	{"nw_proto", []tfHeader{{0x80001401, 0x00000000}}},
	{"nw_tos", []tfHeader{{0x00000a01, 0x00000000}}},
	{"ip_dscp", []tfHeader{{0x80001001, 0x00000000}}},
	{"nw_ecn", []tfHeader{{0x80001201, 0x00000000}}},
	{"nw_ttl", []tfHeader{{0x00013a01, 0x00000000}}},
	{"ip_frag", []tfHeader{{0x00013401, 0x00000000}}},
	{"arp_op", []tfHeader{{0x80002a02, 0x00000000}}},
	{"arp_spa", []tfHeader{{0x80002c04, 0x00000000}}},
	{"arp_tpa", []tfHeader{{0x80002e04, 0x00000000}}},
	{"arp_sha", []tfHeader{{0x80003006, 0x00000000}}},
	{"arp_tha", []tfHeader{{0x80003206, 0x00000000}}},
	{"tcp_src", []tfHeader{{0x80001a02, 0x00000000}}},
	{"tcp_dst", []tfHeader{{0x80001c02, 0x00000000}}},
	{"tcp_flags", []tfHeader{{0xffff5406, 0x4f4e4600}, {0x80005402, 0x00000000}}},
	{"udp_src", []tfHeader{{0x80001e02, 0x00000000}}},
	{"udp_dst", []tfHeader{{0x80002002, 0x00000000}}},
	{"sctp_src", []tfHeader{{0x80002202, 0x00000000}}},
	{"sctp_dst", []tfHeader{{0x80002402, 0x00000000}}},
	{"icmp_type", []tfHeader{{0x80002601, 0x00000000}}},
	{"icmp_code", []tfHeader{{0x80002801, 0x00000000}}},
	{"icmpv6_type", []tfHeader{{0x80003a01, 0x00000000}}},
	{"icmpv6_code", []tfHeader{{0x80003c01, 0x00000000}}},
	{"nd_target", []tfHeader{{0x80003e10, 0x00000000}}},
	{"nd_sll", []tfHeader{{0x80004006, 0x00000000}}},
	{"nd_tll", []tfHeader{{0x80004206, 0x00000000}}},
	{"nd_reserved", []tfHeader{{0x10000204, 0x00000000}}},
	{"nd_options_type", []tfHeader{{0x10000401, 0x00000000}}},
	{"nsh_flags", []tfHeader{{0xffff0205, 0x005ad650}}},
	{"nsh_mdtype", []tfHeader{{0xffff0405, 0x005ad650}}},
	{"nsh_np", []tfHeader{{0xffff0605, 0x005ad650}}},
	{"nsh_spi", []tfHeader{{0xffff0808, 0x005ad650}}},
	{"nsh_si", []tfHeader{{0xffff0a05, 0x005ad650}}},
	{"nsh_c1", []tfHeader{{0xffff0c08, 0x005ad650}}},
	{"nsh_c2", []tfHeader{{0xffff0e08, 0x005ad650}}},
	{"nsh_c3", []tfHeader{{0xffff1008, 0x005ad650}}},
	{"nsh_c4", []tfHeader{{0xffff1208, 0x005ad650}}},
	{"nsh_ttl", []tfHeader{{0xffff1405, 0x005ad650}}},
}

// tfFieldSet is a set of tfFields indexes.
type tfFieldSet [(len(tfFields) + 63) / 64]uint64

func (s *tfFieldSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s *tfFieldSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s *tfFieldSet) empty() bool    { return *s == tfFieldSet{} }

var tfFieldIndex = sync.OnceValue(func() map[tfHeader]int {
	m := make(map[tfHeader]int, len(tfFields)+8)
	for i, f := range tfFields {
		for _, h := range f.headers {
			m[h] = i
		}
	}
	return m
})

// tfActionOrder maps OpenFlow 1.3+ action types to the names OVS prints,
// in its order; the types it does not report (copy_ttl_*, PBB,
// copy_field, meter, experimenter) are left out.
var tfActionOrder = [...]struct {
	typ  uint16
	name string
}{{0, "output"}, {22, "group"}, {25, "set_field"}, {18, "strip_vlan"}, {17, "push_vlan"},
	{23, "mod_nw_ttl"}, {24, "dec_ttl"}, {15, "set_mpls_ttl"}, {16, "dec_mpls_ttl"},
	{19, "push_mpls"}, {20, "pop_mpls"}, {21, "set_queue"}}

// tfInstructionOrder is the same for instruction types.
var tfInstructionOrder = [...]struct {
	typ  uint16
	name string
}{{6, "meter"}, {4, "apply_actions"}, {5, "clear_actions"}, {3, "write_actions"},
	{2, "write_metadata"}, {1, "goto_table"}}

type tfActionSet struct {
	actions   uint16 // bit i: tfActionOrder[i]
	setFields tfFieldSet
}

func (a *tfActionSet) empty() bool { return a.actions == 0 && a.setFields.empty() }

type tfInstructionSet struct {
	next         [4]uint64 // bit t: table t
	instructions uint8     // bit i: tfInstructionOrder[i]
	write, apply tfActionSet
}

// tableFeatureSets is what OVS compares between tables: everything it
// decodes but the name and id (other capability bits it drops).
type tableFeatureSets struct {
	metadataMatch, metadataWrite uint64
	capabilities                 uint32 // eviction and vacancy bits, 1.4+
	maxEntries                   uint32
	nonmiss, miss                tfInstructionSet
	match, mask, wildcard        tfFieldSet
}

func tfIDs(b []byte, f func(typ uint16)) {
	for len(b) >= 4 {
		n := int(u16(b, 2))
		if n < 4 {
			n = 4
		}
		f(u16(b, 0))
		if n > len(b) {
			return
		}
		b = b[n:]
	}
}

// tfHeaders calls f for each field header of an OXM-list property, with
// the index of the field (unknown ones are skipped) and whether the
// entry is masked.
func tfHeaders(b []byte, f func(i int, masked bool)) {
	idx := tfFieldIndex()
	for len(b) >= 4 {
		h := tfHeader{hdr: u32(b, 0)}
		n := 4
		if h.hdr>>16 == 0xffff {
			if len(b) < 8 {
				return
			}
			h.exp, n = u32(b, 4), 8
		}
		b = b[n:]
		masked := h.hdr&0x100 != 0
		if masked {
			l := h.hdr & 0xff
			if h.hdr>>16 == 0xffff {
				l = (l-4)/2 + 4
			} else {
				l /= 2
			}
			h.hdr = h.hdr&^0x1ff | l
		}
		if i, ok := idx[h]; ok {
			f(i, masked)
		}
	}
}

func tfActions(b []byte, a *tfActionSet) {
	tfIDs(b, func(typ uint16) {
		for i, x := range tfActionOrder {
			if x.typ == typ {
				a.actions |= 1 << i
			}
		}
	})
}

func tfSetFields(b []byte, a *tfActionSet) {
	tfHeaders(b, func(i int, _ bool) { a.setFields.add(i) })
}

func (t *TableFeatures) sets(v Version) tableFeatureSets {
	s := tableFeatureSets{metadataMatch: t.MetadataMatch, metadataWrite: t.MetadataWrite, maxEntries: t.MaxEntries}
	if v >= V14 {
		s.capabilities = t.Config & (tableConfigEvictionBit | tableConfigVacancyBit)
	}
	var match tfFieldSet
	for _, p := range t.Props {
		ins := &s.nonmiss
		if p.Type&1 != 0 && p.Type < TFPMatch || p.Type == TFPWriteSetfieldMiss || p.Type == TFPApplySetfieldMiss {
			ins = &s.miss
		}
		switch p.Type {
		case TFPInstructions, TFPInstructionsMiss:
			tfIDs(p.Data, func(typ uint16) {
				for i, x := range tfInstructionOrder {
					if x.typ == typ {
						ins.instructions |= 1 << i
					}
				}
			})
		case TFPNextTables, TFPNextTablesMiss:
			for _, id := range p.Data {
				ins.next[id/64] |= 1 << (id % 64)
			}
		case TFPWriteActions, TFPWriteActionsMiss:
			tfActions(p.Data, &ins.write)
		case TFPApplyActions, TFPApplyActionsMiss:
			tfActions(p.Data, &ins.apply)
		case TFPWriteSetfield, TFPWriteSetfieldMiss:
			tfSetFields(p.Data, &ins.write)
		case TFPApplySetfield, TFPApplySetfieldMiss:
			tfSetFields(p.Data, &ins.apply)
		case TFPMatch:
			tfHeaders(p.Data, func(i int, masked bool) {
				match.add(i)
				if masked {
					s.mask.add(i)
				}
			})
		case TFPWildcards:
			tfHeaders(p.Data, func(i int, _ bool) { s.wildcard.add(i) })
		}
	}
	// A wildcard only counts for a field the table matches on.
	for i := range s.wildcard {
		s.wildcard[i] &= match[i]
	}
	s.match = match
	return s
}

// AppendTableFeaturesText appends OVS's text for a list of tables, each
// block starting with a newline. Tables equal to the one before them
// (name aside) print as "ditto"; unnamed ones in a row share one line.
// ovs-ofctl dump-table-features prints the tables of all reply parts as
// one such list.
func AppendTableFeaturesText(b []byte, tables []TableFeatures, v Version) []byte {
	run := newDittoRun()
	var prev, cur tableFeatureSets
	for i := range tables {
		t := &tables[i]
		cur = t.sets(v)
		dup := i > 0 && sameTableFeatures(&cur, &prev, t.TableID)
		before := prev
		prev = cur // the next table compares with this one, ditto or not
		var done bool
		if b, done = run.head(b, t.TableID, t.Name, dup); done {
			continue
		}
		b = append(b, '\n')
		var p *tableFeatureSets
		if i > 0 {
			p = &before
		}
		b = appendTableFeatureSets(b, &cur, p, t.TableID, v)
	}
	return run.flush(b)
}

// withoutNext drops table id from the next-tables sets. OVS compares a
// table with the one before it leaving out the table's own id, so a
// switch whose every table may go to all later ones prints as ditto
// (table t-1 lists t..253 and table t lists t+1..253).
func (s tableFeatureSets) withoutNext(id uint8) tableFeatureSets {
	s.nonmiss.next[id/64] &^= 1 << (id % 64)
	s.miss.next[id/64] &^= 1 << (id % 64)
	return s
}

func sameTableFeatures(cur, prev *tableFeatureSets, id uint8) bool {
	return cur.withoutNext(id) == prev.withoutNext(id)
}

func appendTableFeatureSets(b []byte, s, prev *tableFeatureSets, id uint8, v Version) []byte {
	if s.metadataMatch != 0 || s.metadataWrite != 0 {
		b = appendHexOrZero(append(b, "    metadata: match="...), s.metadataMatch)
		b = appendHexOrZero(append(b, " write="...), s.metadataWrite)
		b = append(b, '\n')
	}
	if v >= V14 {
		b = appendSupported(append(b, "    eviction: "...), s.capabilities&tableConfigEvictionBit != 0)
		b = appendSupported(append(b, "    vacancy events: "...), s.capabilities&tableConfigVacancyBit != 0)
	}
	if s.maxEntries != 0 {
		b = strconv.AppendUint(append(b, "    max_entries="...), uint64(s.maxEntries), 10)
		b = append(b, '\n')
	}
	var cs, cp tableFeatureSets
	if prev != nil {
		cs, cp = s.withoutNext(id), prev.withoutNext(id)
	}
	switch {
	case prev != nil && cs.nonmiss == cp.nonmiss && cs.miss == cp.miss:
		b = append(b, "    (same instructions)\n"...)
	case s.nonmiss == s.miss:
		b = append(b, "    instructions (table miss and others):\n"...)
		b = appendTFInstructions(b, &s.nonmiss, prevInstructions(prev, false))
	default:
		b = append(b, "    instructions (other than table miss):\n"...)
		b = appendTFInstructions(b, &s.nonmiss, prevInstructions(prev, false))
		b = append(b, "    instructions (table miss):\n"...)
		b = appendTFInstructions(b, &s.miss, prevInstructions(prev, true))
	}
	switch {
	case prev != nil && s.match == prev.match && s.mask == prev.mask && s.wildcard == prev.wildcard:
		b = append(b, "    (same matching)\n"...)
	case !s.match.empty():
		var mask, wild, exact tfFieldSet
		for i := range s.match {
			mask[i] = s.mask[i]
			wild[i] = s.wildcard[i] &^ s.mask[i]
			exact[i] = s.match[i] &^ s.mask[i] &^ s.wildcard[i]
		}
		b = append(b, "    matching:\n"...)
		b = appendTFFieldLine(b, "      arbitrary mask:", &mask)
		b = appendTFFieldLine(b, "      exact match or wildcard:", &wild)
		b = appendTFFieldLine(b, "      must exact match:", &exact)
	}
	return b
}

func appendHexOrZero(b []byte, x uint64) []byte {
	if x == 0 {
		return append(b, '0')
	}
	return strconv.AppendUint(append(b, "0x"...), x, 16)
}

func appendSupported(b []byte, yes bool) []byte {
	if !yes {
		b = append(b, "not "...)
	}
	return append(b, "supported\n"...)
}

func prevInstructions(prev *tableFeatureSets, miss bool) *tfInstructionSet {
	switch {
	case prev == nil:
		return nil
	case miss:
		return &prev.miss
	}
	return &prev.nonmiss
}

func appendTFInstructions(b []byte, s, prev *tfInstructionSet) []byte {
	if s.next != [4]uint64{} {
		b = append(b, "      next tables: "...)
		sep := false
		for t := 0; t < 256; {
			if s.next[t/64]&(1<<(t%64)) == 0 {
				t++
				continue
			}
			e := t
			for e+1 < 256 && s.next[(e+1)/64]&(1<<((e+1)%64)) != 0 {
				e++
			}
			if sep {
				b = append(b, ',')
			}
			sep = true
			b = strconv.AppendInt(b, int64(t), 10)
			if e > t {
				b = strconv.AppendInt(append(b, '-'), int64(e), 10)
			}
			t = e + 1
		}
		b = append(b, '\n')
	}
	if s.instructions != 0 {
		if prev != nil && prev.instructions == s.instructions {
			b = append(b, "      (same instructions)\n"...)
		} else {
			b = append(b, "      instructions:"...)
			for i, x := range tfInstructionOrder {
				if s.instructions&(1<<i) != 0 {
					b = append(append(b, ' '), x.name...)
				}
			}
			b = append(b, '\n')
		}
	}
	switch {
	case prev != nil && s.write == prev.write && s.apply == prev.apply:
		b = append(b, "      (same actions)\n"...)
	case s.write == s.apply:
		if !s.write.empty() {
			b = append(b, "      Write-Actions and Apply-Actions features:\n"...)
			b = appendTFActions(b, &s.write)
		}
	default:
		b = append(b, "      Write-Actions features:\n"...)
		b = appendTFActions(b, &s.write)
		b = append(b, "      Apply-Actions features:\n"...)
		b = appendTFActions(b, &s.apply)
	}
	return b
}

func appendTFActions(b []byte, a *tfActionSet) []byte {
	if a.actions != 0 {
		b = append(b, "        actions:"...)
		for i, x := range tfActionOrder {
			if a.actions&(1<<i) != 0 {
				b = append(append(b, ' '), x.name...)
			}
		}
		b = append(b, '\n')
	}
	return appendTFFieldLine(b, "        supported on Set-Field:", &a.setFields)
}

func appendTFFieldLine(b []byte, title string, s *tfFieldSet) []byte {
	if s.empty() {
		return b
	}
	names := make([]string, 0, len(tfFields))
	for i := range tfFields {
		if s.has(i) {
			names = append(names, tfFields[i].name)
		}
	}
	b = append(b, title...)
	for _, item := range tfNameItems(names) {
		b = append(append(b, ' '), item...)
	}
	return append(b, '\n')
}

// tfNameItems abbreviates a field-name list the way OVS does: three or
// more names that differ only in a counting suffix become "reg0...reg15",
// and names sharing a prefix up to an underscore gather, recursively, as
// "tun_{id,src,ipv6_{src,dst}}".
func tfNameItems(names []string) []string {
	var items []string
	for i := 0; i < len(names); {
		if n := tfCountingRun(names[i:]); n >= 3 {
			items = append(items, names[i]+"..."+names[i+n-1])
			i += n
			continue
		}
		k := strings.IndexByte(names[i], '_')
		if k < 0 {
			items = append(items, names[i])
			i++
			continue
		}
		p := names[i][:k+1]
		j := i + 1
		for j < len(names) && len(names[j]) > len(p) && names[j][:len(p)] == p {
			j++
		}
		if j-i == 1 {
			items = append(items, names[i])
			i++
			continue
		}
		rests := make([]string, j-i)
		for x := i; x < j; x++ {
			rests[x-i] = names[x][len(p):]
		}
		item := p + "{"
		for x, r := range tfNameItems(rests) {
			if x > 0 {
				item += ","
			}
			item += r
		}
		items = append(items, item+"}")
		i = j
	}
	return items
}

// tfCountingRun is how many names from the first on share a stem and
// count up by one ("reg0", "reg1", ...).
func tfCountingRun(names []string) int {
	stem, n, ok := splitCount(names[0])
	if !ok {
		return 1
	}
	run := 1
	for _, s := range names[1:] {
		st, m, ok := splitCount(s)
		if !ok || st != stem || m != n+run {
			break
		}
		run++
	}
	return run
}

func splitCount(s string) (string, int, bool) {
	k := len(s)
	for k > 0 && s[k-1] >= '0' && s[k-1] <= '9' {
		k--
	}
	if k == len(s) || len(s)-k > 4 {
		return s, 0, false
	}
	n, err := strconv.Atoi(s[k:])
	return s[:k], n, err == nil
}

func (m *TableFeaturesReply) appendStatsText(b []byte, v Version) []byte {
	return AppendTableFeaturesText(b, m.Tables, v)
}
