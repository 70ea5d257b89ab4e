package database

import (
	"math"
	"slices"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// Mutator is an RFC 7047 mutator.
type Mutator uint8

// The mutators.
const (
	MutAdd Mutator = iota
	MutSub
	MutMul
	MutDiv
	MutMod
	MutInsert
	MutDelete
)

var mutatorNames = [...]string{"+=", "-=", "*=", "/=", "%=", "insert", "delete"}

func (m Mutator) String() string {
	if int(m) < len(mutatorNames) {
		return mutatorNames[m]
	}
	return "?"
}

// MutatorFromString maps a mutator name to its Mutator.
func MutatorFromString(s string) (Mutator, bool) {
	for i := range mutatorNames {
		if mutatorNames[i] == s {
			return Mutator(i), true
		}
	}
	return 0, false
}

// Mutation is one parsed element of a "mutations" array.
type Mutation struct {
	Column  *ovsdb.ColumnSchema
	Mutator Mutator
	Arg     ovsdb.Datum
	// ArgIsKeys is set for "delete" on a map column whose argument is a
	// set of keys rather than a map.
	ArgIsKeys bool
}

// ParseMutations parses an RFC 7047 "mutations" array for table ts.
func ParseMutations(ts *ovsdb.TableSchema, v ovsjson.Value, names ovsdb.NameResolver) ([]Mutation, error) {
	if v.Kind != ovsjson.Array {
		return nil, ovsdb.NewSyntaxError(v, "Parse error in mutation.")
	}
	ms := make([]Mutation, 0, len(v.A))
	for i := range v.A {
		m, err := parseMutation(ts, v.A[i], names)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

func parseMutation(ts *ovsdb.TableSchema, v ovsjson.Value, names ovsdb.NameResolver) (Mutation, error) {
	if v.Kind != ovsjson.Array || len(v.A) != 3 || v.A[0].Kind != ovsjson.String || v.A[1].Kind != ovsjson.String {
		return Mutation{}, ovsdb.NewSyntaxError(v, "Parse error in mutation.")
	}
	col, ok := ts.Columns[v.A[0].S]
	if !ok {
		return Mutation{}, &ovsdb.Error{Tag: "unknown column",
			Details: "No column " + v.A[0].S + " in table " + ts.Name + ".", Syntax: v.String()}
	}
	if col.Index < 2 || !col.Mutable {
		return Mutation{}, &ovsdb.Error{Tag: ovsdb.ErrConstraint,
			Details: "Cannot mutate immutable column " + col.Name + " in table " + ts.Name + ".", Syntax: v.String()}
	}
	mut, ok := MutatorFromString(v.A[1].S)
	if !ok {
		return Mutation{}, ovsdb.NewError("unknown mutator", "No mutator named "+v.A[1].S+".")
	}
	mismatch := func() error {
		return ovsdb.NewSyntaxError(v, "Type mismatch: \"%s\" operator may not be applied to column %s of type %s.",
			mut, col.Name, typeEnglish(&col.Type))
	}
	t := &col.Type
	m := Mutation{Column: col, Mutator: mut}
	var err error
	switch mut {
	case MutAdd, MutSub, MutMul, MutDiv, MutMod:
		kt := t.Key.Type
		if t.IsMap() || (kt != ovsdb.TypeInteger && kt != ovsdb.TypeReal) || (mut == MutMod && kt != ovsdb.TypeInteger) {
			return Mutation{}, mismatch()
		}
		// The operand is a plain number: the column's range applies to
		// the result, not to the operand.
		argType := ovsdb.NewScalarType(kt)
		m.Arg, err = datumFromJSON(&argType, v.A[2], names)
	case MutInsert:
		if t.IsScalar() {
			return Mutation{}, mismatch()
		}
		argType := *t
		argType.Min = 0
		m.Arg, err = datumFromJSON(&argType, v.A[2], names)
	case MutDelete:
		if t.IsScalar() {
			return Mutation{}, mismatch()
		}
		argType := *t
		argType.Min, argType.Max = 0, ovsdb.Unlimited
		m.Arg, err = datumFromJSON(&argType, v.A[2], names)
		if err != nil && t.IsMap() {
			// Not a map: maybe a set of keys to delete.
			keyType := ovsdb.Type{Key: t.Key, Value: ovsdb.NewBaseType(ovsdb.TypeVoid), Min: 0, Max: ovsdb.Unlimited}
			m.Arg, err = datumFromJSON(&keyType, v.A[2], names)
			m.ArgIsKeys = true
		}
	}
	if err != nil {
		return Mutation{}, err
	}
	return m, nil
}

// applyMutations applies ms to row, which must be owned by the caller:
// its field datums are replaced, never modified in place, so datums shared
// with committed rows stay intact.
func applyMutations(row *ovsdb.Row, ms []Mutation) error {
	for i := range ms {
		m := &ms[i]
		idx := m.Column.Index
		t := &m.Column.Type
		var nd ovsdb.Datum
		var err error
		switch m.Mutator {
		case MutInsert:
			nd = row.Fields[idx] // Union builds new slices
			nd.Union(t, &m.Arg)
		case MutDelete:
			nd = row.Fields[idx].Clone()
			if m.ArgIsKeys {
				keys := m.Arg
				keys.Values = nil
				nd.Subtract(t, &keys)
			} else {
				nd.Subtract(t, &m.Arg)
			}
		default:
			nd, err = mutateArith(t, &row.Fields[idx], m)
			if err != nil {
				return err
			}
		}
		if n := len(nd.Keys); n < t.Min || n > t.Max {
			return ovsdb.Errorf(ovsdb.ErrConstraint, "Attempted to store %d elements in %s.", n, typeEnglish(t))
		}
		if t.IsMap() && len(nd.Keys) == 0 {
			nd.Values = nil
		}
		row.Fields[idx] = nd
	}
	return nil
}

func mutateArith(t *ovsdb.Type, d *ovsdb.Datum, m *Mutation) (ovsdb.Datum, error) {
	if len(d.Keys) == 0 {
		return *d, nil
	}
	keys := make([]ovsdb.Atom, len(d.Keys))
	arg := m.Arg.Keys[0]
	for i, a := range d.Keys {
		var r ovsdb.Atom
		var err error
		if t.Key.Type == ovsdb.TypeInteger {
			r, err = intArith(m.Mutator, a.Int(), arg.Int())
		} else {
			r, err = realArith(m.Mutator, a.Float(), arg.Float())
		}
		if err != nil {
			return ovsdb.Datum{}, err
		}
		if err := t.Key.CheckAtom(r); err != nil {
			return ovsdb.Datum{}, err
		}
		keys[i] = r
	}
	kt := t.Key.Type
	slices.SortFunc(keys, func(a, b ovsdb.Atom) int { return ovsdb.CompareAtoms(kt, a, b) })
	for i := 1; i < len(keys); i++ {
		if ovsdb.CompareAtoms(kt, keys[i-1], keys[i]) == 0 {
			return ovsdb.Datum{}, ovsdb.Errorf(ovsdb.ErrConstraint, "Result of \"%s\" operation contains duplicates.", m.Mutator)
		}
	}
	return ovsdb.Datum{Keys: keys}, nil
}

func rangeError(m Mutator) error {
	return ovsdb.Errorf(ovsdb.ErrRange, "Result of \"%s\" operation is out of range.", m)
}

var errDivByZero = ovsdb.NewError(ovsdb.ErrDomain, "Division by zero.")

func intArith(m Mutator, x, y int64) (ovsdb.Atom, error) {
	var r int64
	switch m {
	case MutAdd:
		r = x + y
		if (y > 0 && r < x) || (y < 0 && r > x) {
			return ovsdb.Atom{}, rangeError(m)
		}
	case MutSub:
		r = x - y
		if (y > 0 && r > x) || (y < 0 && r < x) {
			return ovsdb.Atom{}, rangeError(m)
		}
	case MutMul:
		if mulOverflows(x, y) {
			return ovsdb.Atom{}, rangeError(m)
		}
		r = x * y
	case MutDiv, MutMod:
		if y == 0 {
			return ovsdb.Atom{}, errDivByZero
		}
		if x == math.MinInt64 && y == -1 {
			return ovsdb.Atom{}, rangeError(m)
		}
		if m == MutDiv {
			r = x / y
		} else {
			r = x % y
		}
	}
	return ovsdb.IntegerAtom(r), nil
}

// mulOverflows is OVS 3.1's overflow test for "*=", measured against
// ovsdb-server over 1,300 operand pairs. It rejects every product that
// overflows, and also some that do not: a positive product whose first
// factor equals INT64_MAX / (second factor), and any product of two
// negatives whose second factor is below -3037000499. Clients see those
// as "range error", so we give the same answer.
func mulOverflows(x, y int64) bool {
	switch {
	case x == 0 || y == 0:
		return false
	case x > 0 && y > 0:
		return x >= math.MaxInt64/y
	case x > 0:
		return y < math.MinInt64/x
	case y > 0:
		return x < math.MinInt64/y
	default:
		return y < math.MaxInt64/y
	}
}

func realArith(m Mutator, x, y float64) (ovsdb.Atom, error) {
	var r float64
	switch m {
	case MutAdd:
		r = x + y
	case MutSub:
		r = x - y
	case MutMul:
		r = x * y
	case MutDiv:
		if y == 0 {
			return ovsdb.Atom{}, errDivByZero
		}
		r = x / y
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return ovsdb.Atom{}, rangeError(m)
	}
	return ovsdb.RealAtom(r), nil
}
