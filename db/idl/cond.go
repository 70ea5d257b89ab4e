package idl

import (
	"fmt"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// Clause is one clause of a monitor condition: a row matches if Column
// compares to Value with Function, or, for a constant clause (Column ""),
// if Const is true. A monitor condition is a list of clauses of which any
// one must match (ovsdb-server ORs them, unlike a transaction's "where").
type Clause struct {
	Column   string
	Function string // "==", "!=", "<", "<=", ">", ">=", "includes", "excludes"
	Value    ovsdb.Datum
	Const    bool
}

// Equal returns the clause column == value.
func Equal(column string, value ovsdb.Datum) Clause {
	return Clause{Column: column, Function: "==", Value: value}
}

// Includes returns the clause column includes value.
func Includes(column string, value ovsdb.Datum) Clause {
	return Clause{Column: column, Function: "includes", Value: value}
}

// Constant returns the clause that always (true) or never (false) matches.
func Constant(b bool) Clause { return Clause{Const: b} }

func validFunction(f string) bool {
	switch f {
	case "==", "!=", "<", "<=", ">", ">=", "includes", "excludes":
		return true
	}
	return false
}

// checkClause validates a clause against table t.
func checkClause(t *Table, cl *Clause) error {
	if cl.Column == "" {
		return nil
	}
	c := t.byName[cl.Column]
	if c == nil {
		return fmt.Errorf("idl: condition on unknown column %s.%s", t.Name, cl.Column)
	}
	if !validFunction(cl.Function) {
		return fmt.Errorf("idl: unknown condition function %q", cl.Function)
	}
	ct := c.Schema.Type
	ct.Min, ct.Max = 0, ovsdb.Unlimited
	if err := cl.Value.Check(&ct); err != nil {
		return fmt.Errorf("idl: condition on %s.%s: %w", t.Name, cl.Column, err)
	}
	return nil
}

// clausesJSON returns the "where" array for clauses.
func clausesJSON(t *Table, cls []Clause) ovsjson.Value {
	a := make([]ovsjson.Value, len(cls))
	for i := range cls {
		cl := &cls[i]
		if cl.Column == "" {
			a[i] = ovsjson.NewBool(cl.Const)
			continue
		}
		c := t.byName[cl.Column]
		a[i] = ovsjson.NewArray(ovsjson.NewString(cl.Column), ovsjson.NewString(cl.Function), cl.Value.ToJSON(&c.Schema.Type))
	}
	return ovsjson.NewArray(a...)
}
