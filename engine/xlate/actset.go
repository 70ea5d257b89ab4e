package xlate

import (
	"slices"

	"github.com/govs/ovs/proto/openflow"
)

// The OpenFlow 1.1+ action set: write_actions adds to it (one action per
// kind, a later one replacing an earlier one), clear_actions empties it,
// and it runs when the pipeline ends, in the order OpenFlow fixes rather
// than the order it was written in.

// setKind says which action-set slot a holds; set_field and load have one
// slot per field.
func setKind(a openflow.Action) (kind int, field openflow.FieldID) {
	switch a := a.(type) {
	case *openflow.StripVlan:
		return 1, 0
	case *openflow.PopMPLS:
		return 2, 0
	case *openflow.PushMPLS:
		return 3, 0
	case *openflow.PushVlan:
		return 4, 0
	case *openflow.DecTTL:
		return 5, 0
	case *openflow.DecMPLSTTL:
		return 6, 0
	case *openflow.SetField:
		if a.Field != nil {
			return 7, a.Field.ID
		}
	case *openflow.RegLoad:
		if a.Dst.Field != nil {
			return 7, a.Dst.Field.ID
		}
	case *openflow.SetQueue:
		return 8, 0
	case *openflow.Group:
		return 9, 0
	case *openflow.Output, *openflow.OutputReg, *openflow.Enqueue:
		return 10, 0
	}
	// The other rewrites (mod_dl_src, mod_vlan_vid...) are "set" actions
	// of their own kind.
	return 7, openflow.FieldID(255)
}

func (x *ctx) writeActions(acts []openflow.Action) {
	for _, a := range acts {
		k, f := setKind(a)
		x.actset = slices.DeleteFunc(x.actset, func(b openflow.Action) bool {
			bk, bf := setKind(b)
			if bk != k || bf != f {
				return false
			}
			// Distinct 1.0-style rewrites keep their own slots.
			return f != 255 || sameType(a, b)
		})
		x.actset = append(x.actset, a)
	}
}

func sameType(a, b openflow.Action) bool {
	switch a.(type) {
	case *openflow.SetEthSrc:
		_, ok := b.(*openflow.SetEthSrc)
		return ok
	case *openflow.SetEthDst:
		_, ok := b.(*openflow.SetEthDst)
		return ok
	case *openflow.SetVlanVID:
		_, ok := b.(*openflow.SetVlanVID)
		return ok
	case *openflow.SetVlanPCP:
		_, ok := b.(*openflow.SetVlanPCP)
		return ok
	case *openflow.SetIPv4Src:
		_, ok := b.(*openflow.SetIPv4Src)
		return ok
	case *openflow.SetIPv4Dst:
		_, ok := b.(*openflow.SetIPv4Dst)
		return ok
	case *openflow.SetIPDSCP:
		_, ok := b.(*openflow.SetIPDSCP)
		return ok
	case *openflow.SetL4Src:
		_, ok := b.(*openflow.SetL4Src)
		return ok
	case *openflow.SetL4Dst:
		_, ok := b.(*openflow.SetL4Dst)
		return ok
	case *openflow.SetMPLSLabel:
		_, ok := b.(*openflow.SetMPLSLabel)
		return ok
	case *openflow.SetMPLSTC:
		_, ok := b.(*openflow.SetMPLSTC)
		return ok
	case *openflow.SetMPLSTTL:
		_, ok := b.(*openflow.SetMPLSTTL)
		return ok
	}
	return false
}

// runActionSet executes and empties the action set. With a group in it,
// its output is ignored, as OpenFlow says.
func (x *ctx) runActionSet(br *Bridge, inPort *Port) {
	set := x.actset
	x.actset = nil
	slices.SortStableFunc(set, func(a, b openflow.Action) int {
		ka, _ := setKind(a)
		kb, _ := setKind(b)
		return ka - kb
	})
	hasGroup := false
	for _, a := range set {
		if _, ok := a.(*openflow.Group); ok {
			hasGroup = true
		}
	}
	if hasGroup {
		set = slices.DeleteFunc(set, func(a openflow.Action) bool {
			k, _ := setKind(a)
			return k == 10
		})
	}
	x.doActions(br, inPort, set)
}
