package classifier

import (
	"slices"
	"testing"

	"github.com/govs/ovs/engine/flow"
)

// FuzzOps drives a classifier with a byte string read as a sequence of
// operations (insert, staged insert, remove, staged remove, commit, abort,
// lookup) and checks it against a linear-scan model of the committed rules
// and of the writer's view after every step.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{1, 10, 1, 20, 1, 30, 4, 6, 6, 3, 0, 4, 6})
	f.Add([]byte{1, 0, 1, 0, 2, 0, 5, 6, 0, 7, 0, 4, 6})
	f.Add([]byte("staged inserts and removals, then an abort and a commit"))
	f.Fuzz(runOps)
}

var fuzzMatches = func() (ms [16]Match) {
	for i := range ms {
		ms[i] = newGen(uint64(i), 6, 3).randomMatch()
	}
	return ms
}()

func runOps(t *testing.T, ops []byte) {
	if len(ops) > 512 {
		ops = ops[:512] // longer runs find nothing new and slow minimising
	}
	{
		g := newGen(uint64(len(ops)), 6, 3)
		c := New[int](nil)
		var committed, staged []*Rule[int]
		next := func() byte {
			if len(ops) == 0 {
				return 0
			}
			b := ops[0]
			ops = ops[1:]
			return b
		}
		matchFor := func(b byte) (Match, int32) {
			// Few matches and priorities, so that replacements happen.
			return fuzzMatches[b%16], int32(b / 16 % 4)
		}
		for len(ops) > 0 {
			op, arg := next(), next()
			switch op % 7 {
			case 0, 1: // insert, staged insert
				m, p := matchFor(arg)
				r, old := c.StageInsert(&m, p, int(arg))
				var want *Rule[int]
				for _, x := range staged {
					if x.Match() == m && x.priority == p {
						want = x
					}
				}
				if old != want {
					t.Fatalf("StageInsert replaced %p, want %p", old, want)
				}
				staged = slices.DeleteFunc(staged, func(x *Rule[int]) bool { return x == old })
				staged = append(staged, r)
				if op%7 == 0 {
					c.Clock().Commit()
					committed = slices.Clone(staged)
				}
			case 2, 3: // remove, staged remove
				if len(staged) == 0 {
					if c.StageRemove(nil) {
						t.Fatal("removed nil")
					}
					continue
				}
				r := staged[int(arg)%len(staged)]
				if !c.StageRemove(r) {
					t.Fatal("StageRemove of a rule in the writer's view failed")
				}
				if c.StageRemove(r) {
					t.Fatal("StageRemove twice")
				}
				staged = slices.DeleteFunc(staged, func(x *Rule[int]) bool { return x == r })
				if op%7 == 2 {
					c.Clock().Commit()
					committed = slices.Clone(staged)
				}
			case 4:
				c.Clock().Commit()
				committed = slices.Clone(staged)
			case 5:
				c.Clock().Abort()
				staged = slices.Clone(committed)
			case 6:
				md := &model{rules: committed}
				for range int(arg%8) + 1 {
					fl := g.randomFlow()
					var wc flow.Flow
					got, want := c.Lookup(&fl, &wc), md.lookup(&fl)
					if (got == nil) != (want == nil) || got != nil && got.priority != want.priority {
						t.Fatalf("lookup got %v want %v", got, want)
					}
					f2 := g.agreeing(&fl, &wc)
					if c.Lookup(&f2, nil) != got {
						t.Fatal("megaflow unsound")
					}
				}
			}
			if c.Count() != len(staged) {
				t.Fatalf("Count %d, writer's view has %d", c.Count(), len(staged))
			}
			if len(ops)%16 == 0 {
				checkView(t, c, staged)
			}
		}
	}
}

// checkView checks that the writer's view of c has exactly the rules of
// staged.
func checkView(t *testing.T, c *Classifier[int], staged []*Rule[int]) {
	t.Helper()
	for _, r := range staged {
		m := r.Match()
		if c.FindExact(&m, r.priority) != r {
			t.Fatal("FindExact misses a rule of the writer's view")
		}
	}
	n := 0
	for range c.Rules() {
		n++
	}
	if n != len(staged) {
		t.Fatalf("Rules yields %d, writer's view has %d", n, len(staged))
	}
}
