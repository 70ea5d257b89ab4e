package openflow

// Actions that read or write a field may do so only where the flow's
// match, as the earlier actions leave it, guarantees the header holding
// that field: set_field:1->tcp_dst needs tcp in the match, a VLAN field
// a VLAN tag (matched, or pushed by an earlier action). OVS refuses such
// flows with OFPBAC_MATCH_INCONSISTENT both in ovs-ofctl, when it parses
// them, and in the switch, when a flow-mod installs them, so the rule
// lives here and both call CheckActionPrereqs. The switch's own checks
// (ports, groups, meters, goto_table) ride along through the visit hook
// so that one walk finds the first error in action order, as OVS's does.
// A field written by move, pop, multipath, bundle_load or learn must
// also be writable (OFPBAC_BAD_SET_ARGUMENT); load and set_field are
// refused for that when decoded, as OVS refuses them.
//
// Like OVS's check, the walk records in the actions what their OpenFlow
// 1.1+ encodings need to know of the packet at that point: whether it has
// a VLAN tag (mod_vlan_vid/pcp then need no push_vlan) and its transport
// (mod_tp_src/dst become tcp_src, udp_src or sctp_src).
//
// "strict" adds OpenFlow 1.1+'s header checks for the fixed-format
// actions (dec_ttl, mod_nw_ttl, mod_nw_ecn and the IPv4/L4 rewrites need
// IP, pop_vlan a tag, the MPLS actions MPLS). ovs-ofctl does not refuse those flows: it
// narrows the usable protocols to OpenFlow 1.0 and NXM instead, which
// is its business, so it calls with strict false.

// PrereqError is a field an action uses without its prerequisites, or
// writes though it is not writable. Its text and vlog module are what OVS
// logs as a warning before it refuses the flow; as an error it is
// OFPBAC_MATCH_INCONSISTENT, or Code when set (OFPBAC_BAD_SET_ARGUMENT
// for a field that cannot be written).
type PrereqError struct {
	Module string    // "ofp_actions" (set_field, load) or "meta_flow" (the rest)
	Text   string    // e.g. "set_field tcp_dst lacks correct prerequisites"
	Code   ErrorCode // zero: OFPBAC_MATCH_INCONSISTENT
}

// ErrorCode is the OpenFlow error the check answers with.
func (e *PrereqError) ErrorCode() ErrorCode {
	if e.Code == 0 {
		return OFPBAC_MATCH_INCONSISTENT
	}
	return e.Code
}

func (e *PrereqError) Error() string { return e.ErrorCode().Name() }

// Unwrap lets errors.Is find the error code.
func (e *PrereqError) Unwrap() error { return e.ErrorCode() }

// CheckActionPrereqs checks acts for a flow whose match is m (left
// unchanged: the walk edits a copy). visit, if not nil, is called first
// for every action, nested ones included, and its error ends the walk.
// A prerequisite failure is a *PrereqError; a strict header failure is
// OFPBAC_MATCH_INCONSISTENT itself (OVS logs nothing for those).
func CheckActionPrereqs(acts []Action, m *Match, strict bool, visit func(Action) error) error {
	c := prereqWalk{strict: strict, visit: visit}
	st := matchState{m: m}
	return c.check(acts, &st)
}

// prereqWalk is what the walk never changes. (The match lives apart, in
// matchState: a walk that stored into itself would make escape analysis
// move the caller's visit closure, and the switch's checker with it, to
// the heap on every flow-mod.)
type prereqWalk struct {
	strict bool
	visit  func(Action) error
}

// matchState is the match as the actions so far leave it.
type matchState struct {
	m      *Match
	copied bool
}

// edit returns the match to change, copying the caller's first.
func (st *matchState) edit() *Match {
	if !st.copied {
		st.m = st.m.Clone()
		st.copied = true
	}
	return st.m
}

func (c *prereqWalk) needStrict(m *Match, ps ...Prereq) error {
	if !c.strict {
		return nil
	}
	for _, p := range ps {
		if m.PrereqsMet(p) {
			return nil
		}
	}
	return OFPBAC_MATCH_INCONSISTENT
}

// setField is set_field and load: OVS names both "set_field". Rewriting
// vlan_vid needs a tag to rewrite, though matching it does not.
func setFieldPrereq(m *Match, f *Field) error {
	if f == nil {
		return OFPBAC_BAD_SET_TYPE
	}
	if !m.PrereqsMet(f.Prereq) || f.ID == FieldVlanVID && !m.PrereqsMet(PrereqVLAN) {
		return &PrereqError{Module: "ofp_actions", Text: "set_field " + f.Name + " lacks correct prerequisites"}
	}
	return nil
}

// subfieldPrereq is a field read ("source") or written ("destination")
// by move, output, learn, multipath, bundle_load and the like.
func subfieldPrereq(m *Match, sf Subfield, role string) error {
	if sf.Field == nil {
		return OFPBAC_BAD_SET_TYPE
	}
	if !m.PrereqsMet(sf.Field.Prereq) {
		return &PrereqError{Module: "meta_flow", Text: role + " field " + sf.Field.Name + " lacks correct prerequisites"}
	}
	if role == "destination" && !sf.Field.Writable() {
		return notWritable("meta_flow", sf.Field)
	}
	return nil
}

// notWritable is a write to a field no action may write, which OVS
// refuses with OFPBAC_BAD_SET_ARGUMENT: when it checks move, pop,
// multipath, bundle_load and learn's load, and when it decodes load,
// set_field and check_pkt_larger.
func notWritable(module string, f *Field) *PrereqError {
	return &PrereqError{Module: module, Text: "destination field " + f.Name + " is not writable", Code: OFPBAC_BAD_SET_ARGUMENT}
}

func (st *matchState) setEthType(t uint16) {
	st.edit().SetField(FieldByID(FieldEthType), []byte{byte(t >> 8), byte(t)}, nil)
}

func (st *matchState) setVLAN() { st.setVLANPresent(true) }

// setVLANPresent records that the packet has a VLAN tag, or none.
func (st *matchState) setVLANPresent(present bool) {
	if present {
		st.edit().SetField(FieldByID(FieldVlanTCI), []byte{0x10, 0}, []byte{0x10, 0})
	} else {
		st.edit().Clear(FieldVlanTCI)
	}
}

// setFieldWrote records what a set_field changes that later actions may
// depend on: the Ethernet type, and the tag's presence (vlan_tci's CFI
// bit).
func (st *matchState) setFieldWrote(f *Field, value, mask []byte) {
	switch {
	case f.ID == FieldEthType && len(value) == 2:
		st.setEthType(uint16(value[0])<<8 | uint16(value[1]))
	case f.ID == FieldVlanTCI && len(value) == 2 && (mask == nil || len(mask) == 2 && mask[0]&0x10 != 0):
		st.setVLANPresent(value[0]&0x10 != 0)
	}
}

// ct needs IP, and its ALGs their transport; OVS logs nothing for these.
func (c *prereqWalk) ct(a *Ct, st *matchState) error {
	if !st.m.PrereqsMet(PrereqIP) {
		return OFPBAC_MATCH_INCONSISTENT
	}
	switch {
	case a.Alg == 21 && !st.m.PrereqsMet(PrereqTCP), a.Alg == 69 && !st.m.PrereqsMet(PrereqUDP):
		return OFPBAC_MATCH_INCONSISTENT
	}
	// Its nested actions (nat, exec's set_field) see the same packet but
	// change nothing the outer actions may assume.
	inner := *st
	return c.check(a.Actions, &inner)
}

// nat's addresses must be of the flow's IP version.
func natPrereq(m *Match, a *NAT) error {
	switch {
	case !m.PrereqsMet(PrereqIP),
		len(a.IPMin) == 4 && !m.PrereqsMet(PrereqIPv4),
		len(a.IPMin) == 16 && !m.PrereqsMet(PrereqIPv6):
		return OFPBAC_MATCH_INCONSISTENT
	}
	return nil
}

func (c *prereqWalk) check(acts []Action, st *matchState) error {
	for _, a := range acts {
		if c.visit != nil {
			if err := c.visit(a); err != nil {
				return err
			}
		}
		var err error
		switch a := a.(type) {
		case *OutputReg:
			err = subfieldPrereq(st.m, a.Src, "source")
		case *WriteActions:
			err = c.check(a.Actions, st)
		case *Clone:
			// A clone's changes to the packet do not outlive it.
			inner := *st
			err = c.check(a.Actions, &inner)
		case *SetField:
			if err = setFieldPrereq(st.m, a.Field); err == nil {
				st.setFieldWrote(a.Field, a.Value, a.Mask)
			}
		case *RegLoad:
			if err = setFieldPrereq(st.m, a.Dst.Field); err == nil && a.Dst.Field.ID == FieldVlanTCI && a.Dst.Ofs <= 12 && 12 < a.Dst.Ofs+a.Dst.Bits {
				st.setVLANPresent(a.Value>>(12-a.Dst.Ofs)&1 != 0)
			}
		case *Ct:
			err = c.ct(a, st)
		case *NAT:
			err = natPrereq(st.m, a)
		case *RegMove:
			if err = subfieldPrereq(st.m, a.Src, "source"); err == nil {
				err = subfieldPrereq(st.m, a.Dst, "destination")
			}
		case *Multipath:
			err = subfieldPrereq(st.m, a.Dst, "destination")
		case *StackPush:
			err = subfieldPrereq(st.m, a.Field, "source")
		case *StackPop:
			err = subfieldPrereq(st.m, a.Field, "destination")
		case *Bundle:
			if a.Dst.Field != nil {
				err = subfieldPrereq(st.m, a.Dst, "destination")
			}
		case *Learn:
			err = learnPrereq(st.m, a)
		case *DecTTL:
			err = c.needStrict(st.m, PrereqIP)
		case *SetIPv4Src, *SetIPv4Dst:
			err = c.needStrict(st.m, PrereqIPv4)
		case *SetIPDSCP, *SetIPECN, *SetIPTTL:
			err = c.needStrict(st.m, PrereqIP)
		case *SetL4Src:
			// Which transport's port it is decides the OpenFlow 1.2+
			// field (tcp_src, udp_src, sctp_src); OVS records it here.
			a.Proto, _ = st.m.NwProto()
			err = c.needStrict(st.m, PrereqTCP, PrereqUDP, PrereqSCTP)
		case *SetL4Dst:
			a.Proto, _ = st.m.NwProto()
			err = c.needStrict(st.m, PrereqTCP, PrereqUDP, PrereqSCTP)
		case *StripVlan:
			if err = c.needStrict(st.m, PrereqVLAN); err == nil {
				st.edit().Clear(FieldVlanTCI)
			}
		case *PushVlan:
			st.setVLAN()
		case *SetVlanVID:
			// These push a tag when there is none. Whether there was one
			// is recorded, as OVS records it when it checks a flow: an
			// OpenFlow 1.1+ encoding then needs no push_vlan.
			a.VLANPresent = st.m.PrereqsMet(PrereqVLAN)
			st.setVLAN()
		case *SetVlanPCP:
			a.VLANPresent = st.m.PrereqsMet(PrereqVLAN)
			st.setVLAN()
		case *PushMPLS:
			st.setEthType(a.EthType)
		case *PopMPLS:
			if err = c.needStrict(st.m, PrereqMPLS); err == nil {
				st.setEthType(a.EthType)
			}
		case *SetMPLSLabel, *SetMPLSTC, *SetMPLSTTL, *DecMPLSTTL:
			err = c.needStrict(st.m, PrereqMPLS)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// learnPrereq checks a learn action: the fields it copies from the packet
// against the flow's match, and the fields it matches or loads in the
// learned flow against that flow's match as its specs build it (only
// immediate values add to it: a copied value is unknown here).
func learnPrereq(m *Match, l *Learn) error {
	var learned Match
	for _, s := range l.Specs {
		if s.Value == nil {
			if err := subfieldPrereq(m, s.Src, "source"); err != nil {
				return err
			}
		}
		switch s.Kind {
		case LearnMatch:
			if err := subfieldPrereq(&learned, s.Dst, "source"); err != nil {
				return err
			}
			if s.Value != nil {
				value, mask := subfieldBytes(s.Dst, s.Value)
				learned.SetField(s.Dst.Field, value, mask)
			}
		case LearnLoad:
			if err := subfieldPrereq(&learned, s.Dst, "destination"); err != nil {
				return err
			}
		}
	}
	return nil
}

// subfieldBytes places the low sf.Bits bits of v (big-endian) at sf.Ofs
// in a value and mask as wide as sf's field.
func subfieldBytes(sf Subfield, v []byte) (value, mask []byte) {
	n := sf.Field.Bytes
	value, mask = make([]byte, n), make([]byte, n)
	for i := 0; i < sf.Bits && i < len(v)*8; i++ {
		j := sf.Ofs + i
		if j >= n*8 {
			break
		}
		bit := byte(1) << (j % 8)
		mask[n-1-j/8] |= bit
		if getBit(v, i) {
			value[n-1-j/8] |= bit
		}
	}
	return value, mask
}
