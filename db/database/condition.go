package database

import (
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// Function is an RFC 7047 condition function.
type Function uint8

// The condition functions, plus the two constant clauses OVS accepts
// (a bare JSON true or false in a "where" array).
const (
	FuncLT Function = iota
	FuncLE
	FuncEQ
	FuncNE
	FuncGE
	FuncGT
	FuncIncludes
	FuncExcludes
	FuncTrue
	FuncFalse
)

var functionNames = [...]string{"<", "<=", "==", "!=", ">=", ">", "includes", "excludes", "true", "false"}

func (f Function) String() string {
	if int(f) < len(functionNames) {
		return functionNames[f]
	}
	return "?"
}

// FunctionFromString maps a function name to its Function.
func FunctionFromString(s string) (Function, bool) {
	for i := FuncLT; i <= FuncExcludes; i++ {
		if functionNames[i] == s {
			return i, true
		}
	}
	return 0, false
}

// Clause is one condition of a "where" array.
type Clause struct {
	Function Function
	Column   *ovsdb.ColumnSchema // nil for FuncTrue and FuncFalse
	Arg      ovsdb.Datum
}

// Condition is a parsed "where" array: the conjunction of its clauses.
type Condition struct {
	Table   *ovsdb.TableSchema
	Clauses []Clause
	// uuidEq points at the argument of a `["_uuid", "==", X]` clause, so
	// that the common "this one row" condition is a map lookup rather
	// than a table scan.
	uuidEq *ovsdb.UUID
	// never is set when a clause is constant false.
	never bool
}

// ParseCondition parses an RFC 7047 "where" array (or a monitor_cond
// condition) for table ts. names resolves "named-uuid" references; nil
// rejects them. Errors are *ovsdb.Error values carrying OVS's tags and
// texts.
func ParseCondition(ts *ovsdb.TableSchema, v ovsjson.Value, names ovsdb.NameResolver) (*Condition, error) {
	if v.Kind != ovsjson.Array {
		return nil, ovsdb.NewSyntaxError(v, "Parse error in condition.")
	}
	c := &Condition{Table: ts, Clauses: make([]Clause, 0, len(v.A))}
	for i := range v.A {
		cl, err := parseClause(ts, v.A[i], names)
		if err != nil {
			return nil, err
		}
		switch cl.Function {
		case FuncTrue:
			continue // contributes nothing to a conjunction
		case FuncFalse:
			c.never = true
		case FuncEQ:
			if cl.Column.Index == ovsdb.UUIDColumnIndex && c.uuidEq == nil {
				u := cl.Arg.Keys[0].UUID()
				c.uuidEq = &u
			}
		}
		c.Clauses = append(c.Clauses, cl)
	}
	return c, nil
}

func parseClause(ts *ovsdb.TableSchema, v ovsjson.Value, names ovsdb.NameResolver) (Clause, error) {
	switch v.Kind {
	case ovsjson.True:
		return Clause{Function: FuncTrue}, nil
	case ovsjson.False:
		return Clause{Function: FuncFalse}, nil
	}
	if v.Kind != ovsjson.Array || len(v.A) != 3 || v.A[0].Kind != ovsjson.String || v.A[1].Kind != ovsjson.String {
		return Clause{}, ovsdb.NewSyntaxError(v, "Parse error in condition.")
	}
	col, ok := ts.Columns[v.A[0].S]
	if !ok {
		return Clause{}, &ovsdb.Error{Tag: "unknown column",
			Details: "No column " + v.A[0].S + " in table " + ts.Name + ".", Syntax: v.String()}
	}
	fn, ok := FunctionFromString(v.A[1].S)
	if !ok {
		return Clause{}, ovsdb.NewError("unknown function", "No function named "+v.A[1].S+".")
	}
	argType := col.Type
	switch fn {
	case FuncLT, FuncLE, FuncGT, FuncGE:
		kt := col.Type.Key.Type
		if !(col.Type.IsScalar() || col.Type.IsOptionalScalar()) || (kt != ovsdb.TypeInteger && kt != ovsdb.TypeReal) {
			return Clause{}, ovsdb.NewSyntaxError(v, "Type mismatch: \"%s\" operator may not be applied to column %s of type %s.",
				fn, col.Name, typeEnglish(&col.Type))
		}
		argType.Min, argType.Max = 1, 1
	case FuncIncludes:
		if !argType.IsScalar() {
			argType.Min = 0
		}
	case FuncExcludes:
		if !argType.IsScalar() {
			argType.Min = 0
			argType.Max = ovsdb.Unlimited
		}
	}
	arg, err := datumFromJSON(&argType, v.A[2], names)
	if err != nil {
		return Clause{}, err
	}
	return Clause{Function: fn, Column: col, Arg: arg}, nil
}

// Eval reports whether row satisfies every clause.
func (c *Condition) Eval(row *ovsdb.Row) bool {
	if c.never {
		return false
	}
	for i := range c.Clauses {
		if !c.Clauses[i].Eval(row) {
			return false
		}
	}
	return true
}

// IsTrue reports whether the condition holds for every row (it has no
// clauses other than constant true ones).
func (c *Condition) IsTrue() bool { return !c.never && len(c.Clauses) == 0 }

// IsFalse reports whether the condition holds for no row.
func (c *Condition) IsFalse() bool { return c.never }

// Eval reports whether row satisfies the clause.
func (cl *Clause) Eval(row *ovsdb.Row) bool {
	switch cl.Function {
	case FuncTrue:
		return true
	case FuncFalse:
		return false
	}
	d := &row.Fields[cl.Column.Index]
	t := &cl.Column.Type
	switch cl.Function {
	case FuncEQ:
		return datumsEqual(t, d, &cl.Arg)
	case FuncNE:
		return !datumsEqual(t, d, &cl.Arg)
	case FuncIncludes:
		return includesAll(t, d, &cl.Arg)
	case FuncExcludes:
		return excludesAll(t, d, &cl.Arg)
	}
	if len(d.Keys) == 0 {
		return false
	}
	c := ovsdb.CompareAtoms(t.Key.Type, d.Keys[0], cl.Arg.Keys[0])
	switch cl.Function {
	case FuncLT:
		return c < 0
	case FuncLE:
		return c <= 0
	case FuncGT:
		return c > 0
	case FuncGE:
		return c >= 0
	}
	return false
}

// datumsEqual compares by value (reals numerically), as OVS does.
func datumsEqual(t *ovsdb.Type, a, b *ovsdb.Datum) bool {
	if len(a.Keys) != len(b.Keys) {
		return false
	}
	for i := range a.Keys {
		if !ovsdb.AtomsEqual(t.Key.Type, a.Keys[i], b.Keys[i]) {
			return false
		}
	}
	if t.IsMap() {
		for i := range a.Values {
			if !ovsdb.AtomsEqual(t.Value.Type, a.Values[i], b.Values[i]) {
				return false
			}
		}
	}
	return true
}

// includesAll reports whether every element (pair, for a map) of sub is in d.
func includesAll(t *ovsdb.Type, d, sub *ovsdb.Datum) bool {
	j := 0
	for i := range sub.Keys {
		for j < len(d.Keys) && ovsdb.CompareAtoms(t.Key.Type, d.Keys[j], sub.Keys[i]) < 0 {
			j++
		}
		if j == len(d.Keys) || ovsdb.CompareAtoms(t.Key.Type, d.Keys[j], sub.Keys[i]) != 0 {
			return false
		}
		if t.IsMap() && !ovsdb.AtomsEqual(t.Value.Type, d.Values[j], sub.Values[i]) {
			return false
		}
	}
	return true
}

// excludesAll reports whether no element (pair, for a map) of o is in d.
func excludesAll(t *ovsdb.Type, d, o *ovsdb.Datum) bool {
	j := 0
	for i := range o.Keys {
		for j < len(d.Keys) && ovsdb.CompareAtoms(t.Key.Type, d.Keys[j], o.Keys[i]) < 0 {
			j++
		}
		if j == len(d.Keys) {
			return true
		}
		if ovsdb.CompareAtoms(t.Key.Type, d.Keys[j], o.Keys[i]) == 0 &&
			(!t.IsMap() || ovsdb.AtomsEqual(t.Value.Type, d.Values[j], o.Values[i])) {
			return false
		}
	}
	return true
}
