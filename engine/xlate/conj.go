package xlate

import (
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/engine/ofproto"
	"github.com/govs/ovs/proto/openflow"
)

// Conjunctive matches (ovs-fields(7), "Conjunctive Match Fields"). The
// classifier returns one best rule; when that rule is a conjunction clause
// (its actions are all conjunction(...)), the decision needs every rule of
// the table: the packet matches conjunction id N at priority P when it
// matches, at P, a clause of each of N's dimensions; then the rule with
// conj_id=N decides, unless a plain rule of higher priority matches. The
// clauses that did not match decided the outcome as much as those that
// did, so the megaflow takes the masks of every clause of the table.

// conjOnly reports whether acts are all conjunction actions.
func conjOnly(acts []openflow.Action) bool {
	if len(acts) == 0 {
		return false
	}
	for _, a := range acts {
		if _, ok := a.(*openflow.Conjunction); !ok {
			return false
		}
	}
	return true
}

func ruleMatches(r *ofproto.Rule, f *flow.Flow) bool { return r.Matches(f) }

type conjKey struct {
	prio int32
	id   uint32
}

type conjState struct {
	n    uint8  // dimensions
	seen uint64 // clauses matched (bit k-1 for clause k; up to 64)
}

// conjunction resolves a lookup in table id of br whose best rule was a
// conjunction clause. It returns the rule that decides, or nil.
func (x *ctx) conjunction(br *Bridge, id uint8) *ofproto.Rule {
	var rules []*ofproto.Rule
	br.OF.Rules(func(r *ofproto.Rule) bool {
		if r.Table == id {
			rules = append(rules, r)
		}
		return true
	})
	ww := x.wc.Words()
	var plain *ofproto.Rule
	states := map[conjKey]*conjState{}
	for _, r := range rules {
		acts := r.Actions()
		if conjOnly(acts) {
			mw := r.Mask().Words()
			for i := range ww {
				ww[i] |= mw[i]
			}
			if !ruleMatches(r, &x.flow) {
				continue
			}
			for _, a := range acts {
				c := a.(*openflow.Conjunction)
				if c.Clause == 0 || c.Clause > 64 || c.NClauses == 0 {
					continue
				}
				k := conjKey{r.ClassifierPriority(), c.ID}
				s := states[k]
				if s == nil {
					s = &conjState{n: c.NClauses}
					states[k] = s
				}
				s.seen |= 1 << (c.Clause - 1)
			}
			continue
		}
		if r.Mask().ConjID != 0 {
			continue // conj_id rules are looked up below
		}
		if ruleMatches(r, &x.flow) && (plain == nil || r.ClassifierPriority() > plain.ClassifierPriority()) {
			plain = r
		}
	}
	// The highest-priority complete conjunction, lowest id on a tie.
	var best conjKey
	found := false
	for k, s := range states {
		if s.n > 64 || s.seen != (uint64(1)<<s.n)-1 {
			continue
		}
		if !found || k.prio > best.prio || (k.prio == best.prio && k.id < best.id) {
			best, found = k, true
		}
	}
	if !found || (plain != nil && plain.ClassifierPriority() >= best.prio) {
		return plain
	}
	saved := x.flow.ConjID
	x.flow.ConjID = best.id
	x.wc.ConjID = ^uint32(0)
	var chosen *ofproto.Rule
	for _, r := range rules {
		if r.Mask().ConjID != 0 && ruleMatches(r, &x.flow) &&
			(chosen == nil || r.ClassifierPriority() > chosen.ClassifierPriority()) {
			chosen = r
		}
	}
	x.flow.ConjID = saved
	if chosen == nil {
		return plain
	}
	return chosen
}
