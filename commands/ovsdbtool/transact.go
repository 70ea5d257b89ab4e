package ovsdbtool

import (
	"fmt"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/proto/ovsjson"
)

func (t *tool) query(args []string) error    { return t.runTransaction(args, false) }
func (t *tool) transact(args []string) error { return t.runTransaction(args, true) }

// runTransaction is query (write false: the database file is read without
// locking it and nothing is written back) and transact.
func (t *tool) runTransaction(args []string, write bool) error {
	path, text := paths.DefaultDB(), args[0]
	if len(args) == 2 {
		path, text = args[0], args[1]
	}
	mode := storage.ReadOnly
	if write {
		mode = storage.ReadWrite
	}
	f, err := loadDB(path, mode, nil)
	if err != nil {
		return err
	}
	defer f.log.Close()

	params, err := parseTopLevel(text)
	if err != nil {
		return fmt.Errorf("\"%s\": %v", text, err)
	}
	result, commit := t.execute(f.db, params)
	if commit != nil && commit.HasFileRecord() {
		if write {
			if err := appendRecord(f, path, commit.FileRecord(time.Now())); err != nil {
				return err
			}
		} else {
			// OVS's query commits too, into a log it opened read-only:
			// its first write, which cuts the file at the end of the
			// database's records, fails, and the failure ends up in the
			// result.
			e := ovsdb.Errorf(ovsdb.ErrIO, "%s: cannot truncate to length %d", path, f.end).ToJSON()
			e.O = append(e.O, ovsjson.M("io-error", ovsjson.NewString("Invalid argument")))
			result.A = append(result.A, e)
		}
	}
	if err := f.log.Close(); err != nil {
		return err
	}
	t.out.Write(ovsjson.Append(nil, result, ovsjson.Sort))
	t.out.WriteByte('\n')
	return nil
}

// appendRecord commits rec durably at the end of the database's log. If the
// replay stopped at a record that failed as a transaction, the log is first
// cut back to the records that applied, as OVS cuts it: the records after
// them are not part of the database, and the new record must follow the
// state it was made from.
func appendRecord(f *dbFile, path string, rec ovsjson.Value) error {
	if f.stopped {
		schema, txns, err := storage.ReadAll(path)
		if err != nil && len(txns) < f.applied {
			return err
		}
		keep := make([]ovsjson.Value, 0, 1+f.applied)
		keep = append(keep, schema)
		keep = append(keep, txns[:f.applied]...)
		if err := f.log.Replace(keep); err != nil {
			return err
		}
	}
	if err := f.log.WriteRecord(rec); err != nil {
		return err
	}
	return f.log.Commit(true)
}

// errNotSupported and abortOp are made when needed rather than at the
// start of every tool of the binary.
func errNotSupported() ovsjson.Value {
	return ovsdb.NewError(ovsdb.ErrNotSupported, "triggers not supported").ToJSON()
}

func abortOp() ovsjson.Value {
	return ovsjson.NewObject(ovsjson.M("op", ovsjson.NewString("abort")))
}

// execute runs the "transact" params as a standalone ovsdb-tool does and
// returns the result array and, if the database changed, the commit.
func (t *tool) execute(db *database.Database, params ovsjson.Value) (ovsjson.Value, *database.Commit) {
	if params.Kind != ovsjson.Array {
		return ovsdb.NewSyntaxError(params, "array expected").ToJSON(), nil
	}
	if len(params.A) == 0 || params.A[0].Kind != ovsjson.String || params.A[0].S != db.Schema().Name {
		return ovsdb.NewSyntaxError(params, "database name expected as first parameter").ToJSON(), nil
	}
	ops := params.A[1:]
	opts := database.TxnOptions{Now: time.Now()}

	if t.rbacRole != "" && db.Schema().Tables["RBAC_Role"] != nil {
		if res, ok := t.rbacDenial(db, ops, opts); ok {
			return res, nil
		}
	}
	res, commit, _, _ := db.Transact(ops, opts)
	if res.Kind == ovsjson.Null {
		return pendingResult(db, ops, opts), nil
	}
	return res, commit
}

// pendingResult is the result of a transaction that Transact could not
// finish because a "wait" has to wait. A standalone ovsdb-tool cannot wait,
// so that operation fails with "triggers not supported". Which one it is
// is found by running longer and longer prefixes, each ending in an abort
// so that none commits.
func pendingResult(db *database.Database, ops []ovsjson.Value, opts database.TxnOptions) ovsjson.Value {
	var prev ovsjson.Value
	for i := range ops {
		res, _, _, _ := db.Transact(withAbort(ops[:i+1]), opts)
		if res.Kind == ovsjson.Null {
			out := make([]ovsjson.Value, len(ops))
			if i > 0 {
				copy(out, prev.A[:i])
			}
			out[i] = errNotSupported()
			return ovsjson.Value{Kind: ovsjson.Array, A: out}
		}
		prev = res
	}
	// Not reproducible (cannot happen: the same operations, the same
	// time); report the whole transaction as unsupported.
	return ovsjson.NewArray(errNotSupported())
}

func withAbort(ops []ovsjson.Value) []ovsjson.Value {
	out := make([]ovsjson.Value, len(ops)+1)
	copy(out, ops)
	out[len(ops)] = abortOp()
	return out
}

// rbacDenial applies RBAC the way a standalone ovsdb-tool sees it: with a
// role, on a database that has RBAC_Role, and no client identity to
// authorise, every insert, update, mutate and delete is refused. OVS
// refuses after the operation has been parsed and checked, so a malformed
// operation still gets its own error; a trial run up to the operation
// (matching no rows, and aborted) tells which. ok is false when the
// ordinary execution gives the right answer.
func (t *tool) rbacDenial(db *database.Database, ops []ovsjson.Value, opts database.TxnOptions) (ovsjson.Value, bool) {
	k, name := -1, ""
	for i := range ops {
		if op, ok := ops[i].Get("op"); ok && op.Kind == ovsjson.String {
			switch op.S {
			case "insert", "update", "mutate", "delete":
				k, name = i, op.S
			}
		}
		if k >= 0 {
			break
		}
	}
	if k < 0 {
		return ovsjson.Value{}, false
	}
	trial := withAbort(ops[:k+1])
	if name != "insert" {
		trial[k] = matchNothing(trial[k])
	}
	res, _, _, _ := db.Transact(trial, opts)
	if res.Kind != ovsjson.Array || len(res.A) <= k+1 || isErrorResult(res.A[k]) {
		return ovsjson.Value{}, false
	}
	for i := 0; i < k; i++ {
		if isErrorResult(res.A[i]) {
			return ovsjson.Value{}, false
		}
	}
	table := ""
	if tv, ok := ops[k].Get("table"); ok {
		table = tv.S
	}
	var what string
	switch name {
	case "insert":
		what = "row insertion into table"
	case "delete":
		what = "row deletion from table"
	case "update":
		what = "modification of table"
	case "mutate":
		what = "mutate operation on table"
	}
	out := make([]ovsjson.Value, len(ops))
	copy(out, res.A[:k])
	out[k] = ovsdb.Errorf("permission error", "RBAC rules for client \"(null)\" role \"%s\" prohibit %s \"%s\".", t.rbacRole, what, table).ToJSON()
	return ovsjson.Value{Kind: ovsjson.Array, A: out}, true
}

// matchNothing adds a clause no row satisfies to an operation's "where",
// so that a trial run checks the operation without changing rows (which
// could fail for reasons OVS would only find after its RBAC check).
func matchNothing(op ovsjson.Value) ovsjson.Value {
	where, ok := op.Get("where")
	if !ok || where.Kind != ovsjson.Array || op.Kind != ovsjson.Object {
		return op
	}
	clauses := make([]ovsjson.Value, len(where.A)+1)
	copy(clauses, where.A)
	clauses[len(where.A)] = ovsjson.NewArray(ovsjson.NewString("_uuid"), ovsjson.NewString("=="),
		ovsjson.NewArray(ovsjson.NewString("uuid"), ovsjson.NewString(ovsdb.ZeroUUID.String())))
	members := make([]ovsjson.Member, len(op.O))
	copy(members, op.O)
	out := ovsjson.Value{Kind: ovsjson.Object, O: members}
	out.Set("where", ovsjson.Value{Kind: ovsjson.Array, A: clauses})
	return out
}

func isErrorResult(v ovsjson.Value) bool {
	return v.Kind == ovsjson.Object && v.Has("error")
}
