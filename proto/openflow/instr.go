package openflow

import (
	"encoding/binary"
	"fmt"
)

// Instructions (OpenFlow 1.1+).
//
// The model keeps one flat action list per flow, as ovs-ofctl's syntax
// does: the instructions are the actions GotoTable, WriteMetadata,
// WriteActions, ClearActions and Meter, and every other action belongs to
// the apply_actions instruction. For the list to map onto instructions at
// all it must be in OpenFlow 1.1's instruction order (meter, apply
// actions, clear_actions, write_actions, write_metadata, goto_table), each
// instruction at most once; CheckInstructionOrder enforces that with
// OVS's messages, and DecodeInstructions always returns a list in that
// order, so a decoded flow prints and re-encodes unchanged.

// Instruction types on the wire.
const (
	instGotoTable     = 1
	instWriteMetadata = 2
	instWriteActions  = 3
	instApplyActions  = 4
	instClearActions  = 5
	instMeter         = 6
)

// ofpatMeter is OpenFlow 1.5's meter action, which replaced the meter
// instruction.
const ofpatMeter = 29

// instRank is the position of a model action in the instruction order;
// plain actions rank as apply_actions.
func instRank(a Action) (int, string) {
	switch a.(type) {
	case *Meter:
		return 0, "meter"
	case *ClearActions:
		return 2, "clear_actions"
	case *WriteActions:
		return 3, "write_actions"
	case *WriteMetadata:
		return 4, "write_metadata"
	case *GotoTable:
		return 5, "goto_table"
	}
	return 1, "apply_actions"
}

// CheckInstructionOrder reports, in ovs-ofctl's words, a list that cannot
// be expressed as OpenFlow 1.1+ instructions.
func CheckInstructionOrder(acts []Action) error {
	last, lastName := -1, ""
	for _, a := range acts {
		r, name := instRank(a)
		if r == last && r != 1 {
			return fmt.Errorf("duplicate %s instruction not allowed, for OpenFlow 1.1+ compatibility", name)
		}
		if r < last {
			return fmt.Errorf("invalid instruction ordering: %s must appear before %s, for OpenFlow 1.1+ compatibility", name, lastName)
		}
		last, lastName = r, name
	}
	return nil
}

// AppendInstructions appends the instruction list that carries acts in
// version v. OpenFlow 1.0 has no instructions: the actions are written
// plainly (goto_table becoming resubmit; write_actions, clear_actions and
// meter dropped as OVS drops them when it describes such a flow to a 1.0
// controller). Whether a flow may be sent in a version at all is the
// sender's choice of protocol, not the encoder's.
func AppendInstructions(b []byte, acts []Action, v Version) ([]byte, error) {
	if v == V10 {
		start := len(b)
		var err error
		for _, a := range acts {
			switch a.(type) {
			case *WriteActions, *ClearActions, *Meter:
				continue
			}
			if b, err = appendActionWire(b, a, v); err != nil {
				return b[:start], err
			}
		}
		return b, nil
	}
	if !v.Known() {
		return b, OFPBRC_BAD_VERSION
	}
	if err := CheckInstructionOrder(acts); err != nil {
		return b, OFPBIC_UNSUP_INST
	}
	start := len(b)
	applyStart := -1
	closeApply := func() {
		if applyStart >= 0 {
			binary.BigEndian.PutUint16(b[applyStart+2:], uint16(len(b)-applyStart))
			applyStart = -1
		}
	}
	var err error
	for _, a := range acts {
		switch a := a.(type) {
		case *Meter:
			if v < V13 {
				continue
			}
			if v >= V15 {
				applyStart = len(b)
				b = pad(be16(be16(b, instApplyActions), 0), 4)
				b = be32(be16(be16(b, ofpatMeter), 8), a.ID)
				continue
			}
			b = be32(be16(be16(b, instMeter), 8), a.ID)
		case *ClearActions:
			closeApply()
			b = pad(be16(be16(b, instClearActions), 8), 4)
		case *WriteActions:
			closeApply()
			s := len(b)
			b = pad(be16(be16(b, instWriteActions), 0), 4)
			if b, err = AppendActionsWire(b, a.Actions, v); err != nil {
				return b[:start], err
			}
			binary.BigEndian.PutUint16(b[s+2:], uint16(len(b)-s))
		case *WriteMetadata:
			closeApply()
			b = pad(be16(be16(b, instWriteMetadata), 24), 4)
			b = be64(be64(b, a.Value), a.Mask)
		case *GotoTable:
			closeApply()
			b = pad(append(be16(be16(b, instGotoTable), 8), a.Table), 3)
		default:
			if applyStart < 0 {
				applyStart = len(b)
				b = pad(be16(be16(b, instApplyActions), 0), 4)
			}
			if b, err = appendActionWire(b, a, v); err != nil {
				return b[:start], err
			}
		}
	}
	closeApply()
	return b, nil
}

// DecodeInstructions decodes an OpenFlow 1.1+ instruction list (or, for
// 1.0, an action list) into the model's flat action list, in instruction
// order. Errors are ErrorCode values (OFPBIC_*, OFPBAC_*).
func DecodeInstructions(b []byte, v Version) ([]Action, error) {
	if v == V10 {
		return DecodeActions(b, v)
	}
	if !v.Known() {
		return nil, OFPBRC_BAD_VERSION
	}
	var slots [6][]Action
	var seen [7]bool
	for len(b) > 0 {
		if len(b) < 8 {
			return nil, OFPBIC_BAD_LEN
		}
		typ, n := u16(b, 0), int(u16(b, 2))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, OFPBIC_BAD_LEN
		}
		in := b[:n]
		b = b[n:]
		if typ == 0xffff {
			return nil, OFPBIC_BAD_EXPERIMENTER
		}
		if typ < instGotoTable || typ > instMeter || typ == instMeter && v < V13 || typ == instMeter && v >= V15 {
			return nil, OFPBIC_UNKNOWN_INST
		}
		if seen[typ] {
			return nil, OFPBIC_DUP_INST
		}
		seen[typ] = true
		switch typ {
		case instGotoTable:
			if n != 8 {
				return nil, OFPBIC_BAD_LEN
			}
			slots[5] = []Action{&GotoTable{Table: in[4]}}
		case instWriteMetadata:
			if n != 24 {
				return nil, OFPBIC_BAD_LEN
			}
			slots[4] = []Action{&WriteMetadata{Value: u64(in, 8), Mask: u64(in, 16)}}
		case instWriteActions:
			acts, err := DecodeActions(in[8:], v)
			if err != nil {
				return nil, err
			}
			slots[3] = []Action{&WriteActions{Actions: acts}}
		case instClearActions:
			if n != 8 {
				return nil, OFPBIC_BAD_LEN
			}
			slots[2] = []Action{&ClearActions{}}
		case instMeter:
			if n != 8 {
				return nil, OFPBIC_BAD_LEN
			}
			slots[0] = []Action{&Meter{ID: u32(in, 4)}}
		case instApplyActions:
			acts, meter, err := decodeApply(in[8:], v)
			if err != nil {
				return nil, err
			}
			if meter != nil {
				slots[0] = []Action{meter}
			}
			slots[1] = acts
		}
	}
	n, last := 0, -1
	for i, s := range slots {
		if len(s) > 0 {
			n += len(s)
			last = i
		}
	}
	if last >= 0 && len(slots[last]) == n {
		// One instruction (apply_actions, usually): its list is the
		// result, no copy needed.
		return slots[last], nil
	}
	out := make([]Action, 0, n)
	for _, s := range slots {
		out = append(out, s...)
	}
	return out, nil
}

// decodeApply decodes an apply_actions list, taking OpenFlow 1.5's meter
// action out of it (it is printed and modelled as the meter instruction).
func decodeApply(b []byte, v Version) ([]Action, *Meter, error) {
	if v < V15 {
		acts, err := DecodeActions(b, v)
		return acts, nil, err
	}
	var meter *Meter
	acts := []Action{}
	list := b
	for len(b) > 0 {
		off := len(list) - len(b)
		if len(b) < 8 {
			return nil, nil, reportBadAction(list, off, OFPBAC_BAD_LEN)
		}
		n := int(u16(b, 2))
		if n < 8 || n%8 != 0 || n > len(b) {
			return nil, nil, reportBadAction(list, off, OFPBAC_BAD_LEN)
		}
		if u16(b, 0) == ofpatMeter {
			if n != 8 {
				return nil, nil, reportBadAction(list, off, OFPBAC_BAD_LEN)
			}
			if meter != nil {
				return nil, nil, OFPBIC_DUP_INST
			}
			meter = &Meter{ID: u32(b, 4)}
		} else {
			a, err := decodeAction(b[:n], v)
			if err != nil {
				return nil, nil, reportBadAction(list, off, err)
			}
			acts = append(acts, a)
		}
		b = b[n:]
	}
	if err := checkCtWrites(acts); err != nil {
		return nil, nil, reportBadAction(list, -1, err)
	}
	return acts, meter, nil
}
