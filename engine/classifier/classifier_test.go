package classifier

import (
	"math"
	"slices"
	"testing"

	"github.com/govs/ovs/engine/flow"
)

func fullMask(set func(f *flow.Flow)) flow.Flow {
	var m flow.Flow
	set(&m)
	return m
}

// matchOf builds a match from setters applied to the value and the mask.
func matchOf(sets ...func(v, m *flow.Flow)) Match {
	var m Match
	for _, s := range sets {
		s(&m.Flow, &m.Mask)
	}
	m.Flow = maskFlow(&m.Flow, &m.Mask)
	return m
}

func inPort(p uint32) func(v, m *flow.Flow) {
	return func(v, m *flow.Flow) { v.InPort, m.InPort = p, ^uint32(0) }
}

func tpDst(p uint16) func(v, m *flow.Flow) {
	return func(v, m *flow.Flow) { v.TpDst, m.TpDst = p, 0xffff }
}

func ethType(t uint16) func(v, m *flow.Flow) {
	return func(v, m *flow.Flow) { v.EthType, m.EthType = t, 0xffff }
}

func nwSrc(a, b, c, d byte, bits int) func(v, m *flow.Flow) {
	return func(v, m *flow.Flow) {
		v.IPv4Src = [4]byte{a, b, c, d}
		mask := ^uint32(0) << (32 - bits)
		m.IPv4Src = [4]byte{byte(mask >> 24), byte(mask >> 16), byte(mask >> 8), byte(mask)}
	}
}

func TestBasic(t *testing.T) {
	c := New[string](nil)
	if r := c.Lookup(&flow.Flow{}, nil); r != nil {
		t.Fatalf("empty classifier matched %v", r.Value)
	}
	all := matchOf()
	web := matchOf(inPort(1), ethType(0x0800), tpDst(80))
	port1 := matchOf(inPort(1))
	rAll, old := c.Insert(&all, 0, "all")
	if old != nil {
		t.Fatal("first insert replaced something")
	}
	rWeb, _ := c.Insert(&web, 100, "web")
	rPort1, _ := c.Insert(&port1, 50, "port1")
	if c.Count() != 3 || c.NumSubtables() != 3 {
		t.Fatalf("count %d subtables %d, want 3 3", c.Count(), c.NumSubtables())
	}

	var f flow.Flow
	f.InPort, f.EthType, f.TpDst = 1, 0x0800, 80
	if r := c.Lookup(&f, nil); r != rWeb {
		t.Fatalf("got %v, want web", r.Value)
	}
	f.TpDst = 22
	if r := c.Lookup(&f, nil); r != rPort1 {
		t.Fatalf("got %v, want port1", r.Value)
	}
	f.InPort = 2
	if r := c.Lookup(&f, nil); r != rAll {
		t.Fatalf("got %v, want all", r.Value)
	}

	// Same match and priority: replaced. Same match, other priority: a
	// second rule.
	rWeb2, old := c.Insert(&web, 100, "web2")
	if old != rWeb || c.Count() != 3 {
		t.Fatalf("replace returned %v, count %d", old, c.Count())
	}
	rWebLow, old := c.Insert(&web, 10, "weblow")
	if old != nil || c.Count() != 4 {
		t.Fatalf("insert at another priority returned %v, count %d", old, c.Count())
	}
	f.InPort, f.TpDst = 1, 80
	if r := c.Lookup(&f, nil); r != rWeb2 {
		t.Fatalf("got %v, want web2", r.Value)
	}
	if c.FindExact(&web, 100) != rWeb2 || c.FindExact(&web, 10) != rWebLow || c.FindExact(&web, 11) != nil {
		t.Fatal("FindExact")
	}
	if c.Remove(rWeb) {
		t.Fatal("removed an already replaced rule")
	}
	if !c.Remove(rWeb2) || c.Remove(rWeb2) {
		t.Fatal("Remove should succeed once")
	}
	if r := c.Lookup(&f, nil); r != rPort1 {
		t.Fatalf("got %v, want port1 after removing web2", r.Value)
	}
	if !c.Remove(rWebLow) {
		t.Fatal("remove weblow")
	}
	if c.NumSubtables() != 2 || c.Count() != 2 {
		t.Fatalf("after removals: %d subtables %d rules", c.NumSubtables(), c.Count())
	}
	if got := rPort1.Match(); got != port1 {
		t.Fatal("Match does not round-trip")
	}
	if !rPort1.Matches(&f) || rPort1.Priority() != 50 {
		t.Fatal("Matches/Priority")
	}
	other := New[string](nil)
	if other.Remove(rPort1) {
		t.Fatal("another classifier removed our rule")
	}
}

// TestStagedWildcards checks that a subtable that fails in an early stage
// unwildcards only the fields of the stages it looked at.
func TestStagedWildcards(t *testing.T) {
	c := New[int](nil)
	m := matchOf(inPort(1), tpDst(80))
	c.Insert(&m, 10, 1)

	var f flow.Flow
	f.InPort, f.TpDst = 2, 80
	var wc flow.Flow
	if c.Lookup(&f, &wc) != nil {
		t.Fatal("matched")
	}
	want := fullMask(func(m *flow.Flow) { m.InPort = ^uint32(0) })
	if wc != want {
		t.Fatalf("wildcards after a metadata-stage miss: got %+v", wc.Key)
	}

	f.InPort, f.TpDst = 1, 81
	wc = flow.Flow{}
	if c.Lookup(&f, &wc) != nil {
		t.Fatal("matched")
	}
	want.TpDst = 0xffff
	if wc != want {
		t.Fatalf("wildcards after a last-stage miss: got %+v", wc.Key)
	}

	// A higher-priority match makes lower subtables irrelevant.
	all := matchOf()
	c.Insert(&all, 100, 2)
	wc = flow.Flow{}
	if r := c.Lookup(&f, &wc); r == nil || r.Value != 2 {
		t.Fatal("catch-all should win")
	}
	if !wc.IsZero() {
		t.Fatalf("catch-all at top priority should leave all wildcarded, got %+v", wc.Key)
	}
}

// TestSplitMask checks the stage split, including a word shared by two
// stages.
func TestSplitMask(t *testing.T) {
	m := fullMask(func(m *flow.Flow) {
		m.MPLS[2] = ^uint32(0)
		m.IPv4Src = [4]byte{255, 255, 255, 255}
		m.InPort = 1
		m.TpSrc = 1
	})
	words, ends, n := splitMask(&m)
	if n != 4 {
		t.Fatalf("%d stages, want 4", n)
	}
	if ends[0] != 1 || ends[1] != 2 || ends[2] != 3 || ends[3] != 4 {
		t.Fatalf("stage ends %v", ends[:n])
	}
	if words[1].idx != words[2].idx {
		t.Fatal("MPLS[2] and IPv4Src should share a word split over two stages")
	}
	var all flow.Flow
	for s := range stageMasks {
		sw, aw := stageMasks[s].Words(), all.Words()
		for i := range sw {
			if aw[i]&sw[i] != 0 {
				t.Fatalf("stage %d overlaps an earlier stage in word %d", s, i)
			}
			aw[i] |= sw[i]
		}
	}
	for i, w := range all.Words() {
		if w != ^uint64(0) {
			t.Fatalf("word %d not covered by the stages: %#x", i, w)
		}
	}
}

// model is the brute-force reference: a linear scan over the live rules.
type model struct {
	rules []*Rule[int]
}

func (md *model) lookup(f *flow.Flow) (best *Rule[int]) {
	for _, r := range md.rules {
		if r.Matches(f) && (best == nil || r.priority > best.priority) {
			best = r
		}
	}
	return best
}

func (md *model) remove(r *Rule[int]) {
	md.rules = slices.DeleteFunc(md.rules, func(x *Rule[int]) bool { return x == r })
}

// TestAgainstLinearScan is the property test: for random rule sets and
// flows, the lookup finds a rule of the priority a linear scan finds (the
// same rule when priorities are distinct), and every flow that agrees with
// the looked-up one on the wildcard bits gets the same rule.
func TestAgainstLinearScan(t *testing.T) {
	seeds := uint64(16)
	if raceEnabled {
		seeds = 4
	}
	for seed := uint64(1); seed <= seeds; seed++ {
		distinct := seed%2 == 0
		g := newGen(seed, 1+int(seed%25), 4)
		c := New[int](nil)
		md := &model{}
		nextPrio := int32(0)
		prio := func() int32 {
			if distinct {
				nextPrio++
				return nextPrio
			}
			return int32(g.rnd.IntN(8))
		}
		for i := range 300 {
			switch k := g.rnd.IntN(10); {
			case k < 7 || len(md.rules) == 0:
				m := g.randomMatch()
				p := prio()
				r, old := c.Insert(&m, p, i)
				if old != nil {
					if old.Match() != m || old.priority != p {
						t.Fatalf("seed %d: replaced a rule with another match", seed)
					}
					md.remove(old)
				}
				md.rules = append(md.rules, r)
			default:
				r := md.rules[g.rnd.IntN(len(md.rules))]
				if !c.Remove(r) {
					t.Fatalf("seed %d: remove failed", seed)
				}
				md.remove(r)
			}
			if c.Count() != len(md.rules) {
				t.Fatalf("seed %d: count %d, model %d", seed, c.Count(), len(md.rules))
			}
			if i%10 == 0 {
				checkLookups(t, seed, g, c, md, 40, distinct)
			}
		}
		checkLookups(t, seed, g, c, md, 500, distinct)
	}
}

func checkLookups(t *testing.T, seed uint64, g *gen, c *Classifier[int], md *model, n int, distinct bool) {
	t.Helper()
	for range n {
		f := g.randomFlow()
		var wc flow.Flow
		got := c.Lookup(&f, &wc)
		want := md.lookup(&f)
		switch {
		case (got == nil) != (want == nil):
			t.Fatalf("seed %d: lookup got %v want %v", seed, got, want)
		case got == nil:
		case got.priority != want.priority || !got.Matches(&f):
			t.Fatalf("seed %d: lookup got priority %d, linear scan %d", seed, got.priority, want.priority)
		case distinct && got != want:
			t.Fatalf("seed %d: lookup got another rule than the linear scan", seed)
		}
		for range 8 {
			f2 := g.agreeing(&f, &wc)
			if got2 := c.Lookup(&f2, nil); got2 != got {
				t.Fatalf("seed %d: megaflow unsound: a flow agreeing on the wildcard bits got %v, want %v", seed, got2, got)
			}
		}
	}
}

func TestTiesAreDeterministic(t *testing.T) {
	c := New[string](nil)
	a := matchOf(inPort(1))
	b := matchOf(tpDst(80))
	c.Insert(&a, 5, "a")
	c.Insert(&b, 5, "b")
	var f flow.Flow
	f.InPort, f.TpDst = 1, 80
	for range 10 {
		if r := c.Lookup(&f, nil); r.Value != "a" {
			t.Fatalf("tie won by %q, want the older subtable's rule", r.Value)
		}
	}
	// A higher rule in b's subtable moves it first.
	hi := matchOf(tpDst(81))
	c.Insert(&hi, 9, "hi")
	if r := c.Lookup(&f, nil); r.Value != "b" {
		t.Fatalf("tie won by %q, want b (its subtable now ranks first)", r.Value)
	}
}

func TestVersions(t *testing.T) {
	k := NewClock()
	c1 := New[string](k)
	c2 := New[string](k)
	m := matchOf(inPort(7))
	var f flow.Flow
	f.InPort = 7

	r1, _ := c1.StageInsert(&m, 1, "one")
	r2, _ := c2.StageInsert(&m, 1, "two")
	if c1.Lookup(&f, nil) != nil || c2.Lookup(&f, nil) != nil {
		t.Fatal("staged rules are visible before the commit")
	}
	if c1.FindExact(&m, 1) != r1 || c1.Count() != 1 {
		t.Fatal("the writer should see its staged rule")
	}
	k.Abort()
	if c1.FindExact(&m, 1) != nil || c1.Count() != 0 || c1.NumSubtables() != 0 || c2.Count() != 0 {
		t.Fatal("abort left staged rules behind")
	}
	if r1.VisibleIn(k.Current()+1) || r2.VisibleIn(k.Current()+1) {
		t.Fatal("aborted rules visible in the next version")
	}

	before := k.Current()
	r1, _ = c1.StageInsert(&m, 1, "one")
	r2, _ = c2.StageInsert(&m, 1, "two")
	k.Commit()
	if k.Current() != before+1 {
		t.Fatalf("version %d after one commit from %d", k.Current(), before)
	}
	s := k.Enter()
	if c1.LookupVersion(s.Version(), &f, nil) != r1 || c2.LookupVersion(s.Version(), &f, nil) != r2 {
		t.Fatal("committed rules not visible")
	}
	if c1.LookupVersion(before, &f, nil) != nil {
		t.Fatal("rules visible in the version before their commit")
	}
	s.Exit()

	// A replacement and a removal in one transaction, then aborted: the
	// old state stays.
	r1b, old := c1.StageInsert(&m, 1, "one-b")
	if old != r1 {
		t.Fatal("StageInsert should replace r1")
	}
	if !c2.StageRemove(r2) || c2.StageRemove(r2) {
		t.Fatal("StageRemove should succeed once")
	}
	if c1.Lookup(&f, nil) != r1 || c2.Lookup(&f, nil) != r2 {
		t.Fatal("staged replacement/removal visible before commit")
	}
	k.Abort()
	if c1.Lookup(&f, nil) != r1 || c2.Lookup(&f, nil) != r2 || c1.Count() != 1 || c2.Count() != 1 {
		t.Fatal("abort did not restore")
	}
	if r1b.VisibleIn(k.Current() + 1) {
		t.Fatal("aborted replacement visible")
	}

	// Insert, replace and remove within one transaction: the net effect
	// is the last state only.
	x, _ := c1.StageInsert(&m, 2, "x")
	y, old := c1.StageInsert(&m, 2, "y")
	if old != x || x.linked {
		t.Fatal("a rule staged in this transaction should be replaced at once")
	}
	if !c1.StageRemove(y) || y.linked {
		t.Fatal("removing a rule staged in this transaction unlinks it")
	}
	k.Commit()
	if c1.Lookup(&f, nil) != r1 || c1.Count() != 1 {
		t.Fatal("insert+remove in one transaction should leave nothing")
	}

	// Commit with removals unlinks.
	if !c1.StageRemove(r1) {
		t.Fatal("StageRemove r1")
	}
	k.Commit()
	if r1.linked || c1.NumSubtables() != 0 || c1.Lookup(&f, nil) != nil {
		t.Fatal("committed removal not unlinked")
	}
}

func TestLoose(t *testing.T) {
	c := New[string](nil)
	rules := map[string]Match{
		"p1":        matchOf(inPort(1)),
		"p1web":     matchOf(inPort(1), tpDst(80)),
		"p2web":     matchOf(inPort(2), tpDst(80)),
		"net10":     matchOf(inPort(1), nwSrc(10, 0, 0, 0, 8)),
		"net10.1":   matchOf(inPort(1), nwSrc(10, 1, 0, 0, 16)),
		"net11":     matchOf(inPort(1), nwSrc(11, 0, 0, 0, 8)),
		"all":       matchOf(),
		"p1web-low": matchOf(inPort(1), tpDst(80)),
	}
	for name, m := range rules {
		prio := int32(10)
		if name == "p1web-low" {
			prio = 5
		}
		c.Insert(&m, prio, name)
	}
	collect := func(m Match) []string {
		var out []string
		for r := range c.Loose(&m) {
			rm := r.Match()
			if !m.Covers(&rm) {
				t.Errorf("Loose yielded %s, which %v does not cover", r.Value, m)
			}
			out = append(out, r.Value)
		}
		slices.Sort(out)
		return out
	}
	cases := []struct {
		m    Match
		want []string
	}{
		{matchOf(), []string{"all", "net10", "net10.1", "net11", "p1", "p1web", "p1web-low", "p2web"}},
		{matchOf(inPort(1)), []string{"net10", "net10.1", "net11", "p1", "p1web", "p1web-low"}},
		{matchOf(inPort(1), tpDst(80)), []string{"p1web", "p1web-low"}},
		{matchOf(tpDst(80)), []string{"p1web", "p1web-low", "p2web"}},
		{matchOf(inPort(1), nwSrc(10, 0, 0, 0, 8)), []string{"net10", "net10.1"}},
		{matchOf(inPort(1), nwSrc(10, 1, 0, 0, 16)), []string{"net10.1"}},
		{matchOf(inPort(3)), nil},
	}
	for _, tc := range cases {
		if got := collect(tc.m); !slices.Equal(got, tc.want) {
			t.Errorf("Loose(%+v): got %v want %v", tc.m.Flow.Key, got, tc.want)
		}
	}
	var names []string
	for r := range c.Rules() {
		names = append(names, r.Value)
	}
	if len(names) != len(rules) {
		t.Fatalf("Rules yielded %d rules, want %d", len(names), len(rules))
	}
	// Removing while iterating (non-strict delete).
	m := matchOf(inPort(1))
	for r := range c.Loose(&m) {
		if !c.Remove(r) {
			t.Fatalf("remove %s during iteration", r.Value)
		}
	}
	if got := collect(matchOf()); !slices.Equal(got, []string{"all", "p2web"}) {
		t.Fatalf("after loose delete: %v", got)
	}
}

// TestManyRules grows and shrinks tables and stage indexes through several
// rebuilds.
func TestManyRules(t *testing.T) {
	c := New[int](nil)
	mask := fullMask(func(m *flow.Flow) { m.InPort = ^uint32(0); m.TpDst = 0xffff })
	// Rule i matches only flow i; live[i] is it while it is in c.
	live := make([]*Rule[int], 6000)
	for i := range 5000 {
		var m Match
		m.Mask = mask
		m.Flow.InPort, m.Flow.TpDst = uint32(i%37), uint16(i)
		live[i], _ = c.Insert(&m, int32(i%7), i)
	}
	check := func() {
		for i := range live {
			var f flow.Flow
			f.InPort, f.TpDst = uint32(i%37), uint16(i)
			if got := c.Lookup(&f, nil); got != live[i] {
				t.Fatalf("flow %d: got %v want %v", i, got, live[i])
			}
		}
	}
	check()
	n := 5000
	for i := range 5000 {
		if i%10 != 0 {
			c.Remove(live[i])
			live[i] = nil
			n--
		}
	}
	check()
	st := c.subtables[0]
	if size := len(st.table.Load().slots); size > 4*tableSize(n) {
		t.Fatalf("table did not shrink: %d slots for %d rules", size, n)
	}
	for _, r := range live {
		if r != nil {
			c.Remove(r)
		}
	}
	if c.Count() != 0 || c.NumSubtables() != 0 {
		t.Fatal("not empty")
	}
}

func TestPriorityExtremes(t *testing.T) {
	c := New[int](nil)
	a, b := matchOf(inPort(1)), matchOf()
	c.Insert(&a, math.MinInt32, 1)
	c.Insert(&b, math.MaxInt32, 2)
	var f flow.Flow
	f.InPort = 1
	if r := c.Lookup(&f, nil); r.Value != 2 {
		t.Fatal("max priority should win")
	}
	c2 := New[int](nil)
	c2.Insert(&a, math.MinInt32, 1)
	if r := c2.Lookup(&f, nil); r == nil || r.Value != 1 {
		t.Fatal("a rule at the minimum priority must still match")
	}
}

// TestMaxPriorityFallsBack checks that removing a subtable's top rules
// lowers its rank, so lookups stop unwildcarding it.
func TestMaxPriorityFallsBack(t *testing.T) {
	c := New[int](nil)
	hi := matchOf(inPort(1), tpDst(80))
	lo := matchOf(inPort(1), tpDst(81))
	other := matchOf(ethType(0x0806))
	rHi, _ := c.Insert(&hi, 100, 1)
	c.Insert(&lo, 1, 2)
	c.Insert(&other, 50, 3)
	c.Remove(rHi)
	var f flow.Flow
	f.EthType = 0x0806
	var wc flow.Flow
	if r := c.Lookup(&f, &wc); r == nil || r.Value != 3 {
		t.Fatal("arp rule should match")
	}
	want := fullMask(func(m *flow.Flow) { m.EthType = 0xffff })
	if wc != want {
		t.Fatalf("the in_port/tp_dst subtable ranks below priority 50 now and should not be examined; wc %+v", wc.Key)
	}
}
