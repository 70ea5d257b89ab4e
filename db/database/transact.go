package database

import (
	"math"
	"math/bits"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// TxnOptions carries what a transaction needs from its caller.
type TxnOptions struct {
	// Now is the time of this attempt (time.Now() if zero).
	Now time.Time
	// FirstAttempt is when the transaction was first tried; a "wait"
	// operation's timeout counts from it. Zero means Now.
	FirstAttempt time.Time
	// LockHeld reports whether the client owns the named lock, for the
	// "assert" operation. Nil means no lock is held.
	LockHeld func(name string) bool
}

// Forever is the waitUntil Transact returns for a "wait" without a
// timeout: retry only when the database changes.
var Forever = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// Transact executes the operations of an RFC 7047 "transact" request (its
// params without the database name) atomically and returns the result
// array exactly as ovsdb-server does: one element per operation, an error
// object for the operation that failed and null for those after it, and
// one more error element if the commit itself failed.
//
// An insert's result is its compact JSON text, {"uuid":["uuid","..."]},
// as an ovsjson.Raw value rather than an object: it encodes to the same
// bytes, at a fraction of the memory for the thousands of inserts one
// transaction may make. Callers that look into results must expect it
// (a Raw result is never an error).
//
// If a "wait" operation is not yet satisfied and its timeout has not
// expired, nothing is changed and Transact returns a null result and the
// time until which the whole transaction should be retried (whenever the
// database changes, and at that time at the latest; Forever if the wait
// has no timeout).
//
// commit is non-nil when the transaction changed the database; it is what
// monitors and the storage writer need to know. err is reserved for
// failures outside the transaction's semantics and is currently always nil.
func (db *Database) Transact(ops []ovsjson.Value, opts TxnOptions) (result ovsjson.Value, commit *Commit, waitUntil time.Time, err error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.FirstAttempt.IsZero() {
		opts.FirstAttempt = opts.Now
	}
	if readOnly(ops) {
		db.mu.RLock()
		defer db.mu.RUnlock()
	} else {
		db.wmu.Lock()
		defer db.wmu.Unlock()
	}
	tx := newTxn(db)
	tx.opts = &opts
	if len(ops) >= reserveMin {
		tx.reserveInserts(ops)
	}
	results := make([]ovsjson.Value, len(ops), len(ops)+1)
	failed := false
	for i := range ops {
		res, err := tx.execute(ops[i], i+1, len(ops))
		if err == errPending {
			return ovsjson.Value{}, nil, tx.waitUntil, nil
		}
		if err != nil {
			results[i] = errorJSON(err)
			failed = true
			break
		}
		results[i] = res
	}
	if !failed {
		c, err := tx.commit()
		if err != nil {
			results = append(results, errorJSON(err))
		} else {
			commit = c
		}
	}
	return ovsjson.Value{Kind: ovsjson.Array, A: results}, commit, time.Time{}, nil
}

// readOnly reports whether every operation is one that cannot write, so
// that the transaction can run alongside other readers.
func readOnly(ops []ovsjson.Value) bool {
	for i := range ops {
		op, _ := ops[i].Get("op")
		if op.Kind != ovsjson.String {
			return false
		}
		switch op.S {
		case "select", "wait", "comment", "assert", "abort", "commit":
		default:
			return false
		}
	}
	return true
}

func errorJSON(err error) ovsjson.Value {
	if e, ok := err.(*ovsdb.Error); ok {
		return e.ToJSON()
	}
	return ovsdb.NewError(ovsdb.ErrInternal, err.Error()).ToJSON()
}

// maxTimeoutMs is the longest "wait" timeout that is not, in practice,
// forever (and does not overflow a time.Duration).
const maxTimeoutMs = math.MaxInt64 / int64(time.Millisecond)

// errPending aborts a transaction whose "wait" must be retried later.
var errPending = &ovsdb.Error{Tag: "pending"}

// opParser checks the members of an operation object the way OVS's
// parser does: the first problem wins, and members nobody asked for are
// an error.
type opParser struct {
	op   ovsjson.Value
	used []bool
	err  *ovsdb.Error
}

type memberKind uint8

const (
	mString memberKind = iota
	mID
	mObject
	mArray
	mBool
	mInteger
)

func (p *opParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = ovsdb.NewSyntaxError(p.op, format, args...)
	}
}

func (p *opParser) member(name string, kind memberKind, required bool) (ovsjson.Value, bool) {
	if p.err != nil {
		return ovsjson.Value{}, false
	}
	for i := range p.op.O {
		m := &p.op.O[i]
		if m.Key != name {
			continue
		}
		p.used[i] = true
		v := m.Value
		ok := false
		switch kind {
		case mString:
			ok = v.Kind == ovsjson.String
		case mID:
			ok = v.Kind == ovsjson.String && isID(v.S)
		case mObject:
			ok = v.Kind == ovsjson.Object
		case mArray:
			ok = v.Kind == ovsjson.Array
		case mBool:
			ok = v.IsBool()
		case mInteger:
			ok = v.Kind == ovsjson.Integer
		}
		if !ok {
			p.fail("Type mismatch for member '%s'.", name)
			return ovsjson.Value{}, false
		}
		return v, true
	}
	if required {
		p.fail("Required '%s' member is missing.", name)
	}
	return ovsjson.Value{}, false
}

func (p *opParser) finish() *ovsdb.Error {
	if p.err != nil {
		return p.err
	}
	for i, u := range p.used {
		if !u {
			p.fail("Member '%s' is present but not allowed here.", p.op.O[i].Key)
			break
		}
	}
	return p.err
}

// isID reports whether s is an RFC 7047 <id>.
func isID(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}

// execute parses and runs operation number n of total.
func (tx *txn) execute(op ovsjson.Value, n, total int) (ovsjson.Value, error) {
	wrap := func(e *ovsdb.Error) error {
		return ovsdb.WrapError(e, "Parsing ovsdb operation %d of %d failed", n, total)
	}
	if op.Kind != ovsjson.Object {
		return ovsjson.Value{}, wrap(ovsdb.NewError(ovsdb.ErrSyntax, "Object expected."))
	}
	p := &opParser{op: op, used: make([]bool, len(op.O))}
	name, ok := p.member("op", mString, true)
	if !ok {
		return ovsjson.Value{}, wrap(p.err)
	}
	var t *table
	tableOp := true
	switch name.S {
	case "insert", "select", "update", "mutate", "delete", "wait":
	case "commit", "abort", "comment", "assert":
		tableOp = false
	default:
		return ovsjson.Value{}, wrap(ovsdb.NewSyntaxError(op, "No operation \"%s\"", name.S))
	}
	if tableOp {
		tv, ok := p.member("table", mString, true)
		if !ok {
			return ovsjson.Value{}, wrap(p.err)
		}
		t = tx.db.byName[tv.S]
		if t == nil {
			return ovsjson.Value{}, wrap(ovsdb.NewSyntaxError(op, "No table named %s.", tv.S))
		}
	}
	var res ovsjson.Value
	var err error
	switch name.S {
	case "insert":
		res, err = tx.opInsert(p, t)
	case "select":
		res, err = tx.opSelect(p, t)
	case "update":
		res, err = tx.opUpdate(p, t)
	case "mutate":
		res, err = tx.opMutate(p, t)
	case "delete":
		res, err = tx.opDelete(p, t)
	case "wait":
		res, err = tx.opWait(p, t)
	case "commit":
		res, err = tx.opCommit(p)
	case "abort":
		res, err = tx.opAbort(p)
	case "comment":
		res, err = tx.opComment(p)
	case "assert":
		res, err = tx.opAssert(p)
	}
	if err != nil {
		if pe, ok := err.(*parseError); ok {
			return ovsjson.Value{}, wrap(pe.e)
		}
		return ovsjson.Value{}, err
	}
	return res, nil
}

// parseError marks an error from the member parser, which OVS reports
// prefixed with the operation's position.
type parseError struct{ e *ovsdb.Error }

func (e *parseError) Error() string { return e.e.Error() }

func finishMembers(p *opParser) error {
	if e := p.finish(); e != nil {
		return &parseError{e}
	}
	return nil
}

var emptyObject = ovsjson.Value{Kind: ovsjson.Object, O: []ovsjson.Member{}}

func (tx *txn) opInsert(p *opParser, t *table) (ovsjson.Value, error) {
	uuidV, hasUUID := p.member("uuid", mString, false)
	nameV, hasName := p.member("uuid-name", mID, false)
	rowV, _ := p.member("row", mObject, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	tt := tx.table(t)
	var uuid ovsdb.UUID
	if hasUUID {
		u, ok := ovsdb.ParseUUID(uuidV.S)
		if !ok {
			return ovsjson.Value{}, ovsdb.NewSyntaxError(uuidV, "bad uuid")
		}
		if t.rows[u] != nil || tt.rows[u] != nil {
			return ovsjson.Value{}, &ovsdb.Error{Tag: "duplicate uuid",
				Details: "This UUID would duplicate a UUID already present within the table or deleted within the same transaction.",
				Syntax:  uuidV.String()}
		}
		uuid = u
	}
	if hasName {
		sym, ok := tx.symtab[nameV.S]
		switch {
		case !ok:
			if !hasUUID {
				uuid = ovsdb.NewUUID()
			}
			tx.symtab[nameV.S] = symbol{uuid: uuid, created: true}
		case sym.created:
			return ovsjson.Value{}, &ovsdb.Error{Tag: ovsdb.ErrDuplicateUUIDName,
				Details: "This \"uuid-name\" appeared on an earlier \"insert\" operation.",
				Syntax:  nameV.String()}
		default:
			// Referred to before being defined: the row takes the UUID
			// those references already use, unless one was given.
			tx.symtab[nameV.S] = symbol{uuid: sym.uuid, created: true}
			if !hasUUID {
				uuid = sym.uuid
			}
		}
	} else if !hasUUID {
		uuid = ovsdb.NewUUID()
	}
	row := t.newRow(uuid, ovsdb.NewUUID())
	set, err := tx.parseRow(t, rowV, row, false)
	if err != nil {
		return ovsjson.Value{}, err
	}
	for _, c := range t.badDefaults {
		if !set.has(c.Index) {
			if err := checkDatumAtoms(&c.Type, &row.Fields[c.Index]); err != nil {
				return ovsjson.Value{}, err
			}
		}
	}
	if tt.rows[uuid] != nil || t.rows[uuid] != nil {
		// Only possible when a forward-referenced name's random UUID
		// collides, which is as good as impossible; report it as OVS
		// would report a duplicate.
		return ovsjson.Value{}, &ovsdb.Error{Tag: "duplicate uuid",
			Details: "This UUID would duplicate a UUID already present within the table or deleted within the same transaction.",
			Syntax:  ovsjson.NewString(uuid.String()).String()}
	}
	tr := tx.newRow()
	*tr = txnRow{tt: tt, uuid: uuid, new: row}
	tt.rows[uuid] = tr
	tt.list = append(tt.list, tr)
	tt.inserted = append(tt.inserted, tr)
	return insertResult(uuid), nil
}

// parseRow parses a <row> object into row, returning the set of columns
// it names. _uuid and _version are parsed (so they must be well-formed)
// but stored only if storeIDs is set: an insert ignores them, a "wait"
// may compare them.
func (tx *txn) parseRow(t *table, v ovsjson.Value, row *ovsdb.Row, storeIDs bool) (columnSet, error) {
	var set columnSet
	for i := range v.O {
		m := &v.O[i]
		c, ok := t.schema.Columns[m.Key]
		if !ok {
			return set, &ovsdb.Error{Tag: "unknown column",
				Details: "No column " + m.Key + " in table " + t.schema.Name + ".", Syntax: v.String()}
		}
		d, err := datumFromJSON(&c.Type, m.Value, tx.resolve)
		if err != nil {
			return set, err
		}
		set.add(c.Index)
		if c.Index >= 2 || storeIDs {
			row.Fields[c.Index] = d
		}
	}
	return set, nil
}

// parseColumns parses a "columns" array.
func parseColumns(ts *ovsdb.TableSchema, v ovsjson.Value) ([]*ovsdb.ColumnSchema, error) {
	cols := make([]*ovsdb.ColumnSchema, 0, len(v.A))
	var seen columnSet
	for i := range v.A {
		if v.A[i].Kind != ovsjson.String {
			return nil, ovsdb.NewSyntaxError(v, "array of distinct column names expected")
		}
		c, ok := ts.Columns[v.A[i].S]
		if !ok {
			return nil, ovsdb.NewSyntaxError(v, "%s is not a valid column name", v.A[i].S)
		}
		if seen.has(c.Index) {
			return nil, ovsdb.NewSyntaxError(v, "array of distinct column names expected")
		}
		seen.add(c.Index)
		cols = append(cols, c)
	}
	return cols, nil
}

func rowJSON(row *ovsdb.Row, cols []*ovsdb.ColumnSchema) ovsjson.Value {
	m := make([]ovsjson.Member, len(cols))
	for i, c := range cols {
		m[i] = ovsjson.Member{Key: c.Name, Value: row.Fields[c.Index].ToJSON(&c.Type)}
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: m}
}

// projectionKey encodes row's values of cols, to find duplicate rows.
func projectionKey(buf []byte, row *ovsdb.Row, cols []*ovsdb.ColumnSchema) []byte {
	for _, c := range cols {
		buf = appendDatumKey(buf, &c.Type, &row.Fields[c.Index])
	}
	return buf
}

func (tx *txn) opSelect(p *opParser, t *table) (ovsjson.Value, error) {
	whereV, _ := p.member("where", mArray, true)
	colsV, hasCols := p.member("columns", mArray, false)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	cond, err := ParseCondition(t.schema, whereV, tx.resolve)
	if err != nil {
		return ovsjson.Value{}, err
	}
	cols := t.schema.AllColumns
	if hasCols {
		if cols, err = parseColumns(t.schema, colsV); err != nil {
			return ovsjson.Value{}, err
		}
	}
	rows := []ovsjson.Value{}
	// OVS drops duplicate rows when "columns" narrows the projection.
	var seen map[string]struct{}
	if hasCols {
		seen = make(map[string]struct{})
	}
	tx.scan(t, cond, func(row *ovsdb.Row) {
		if seen != nil {
			tx.keyBuf = projectionKey(tx.keyBuf[:0], row, cols)
			if _, dup := seen[string(tx.keyBuf)]; dup {
				return
			}
			seen[string(tx.keyBuf)] = struct{}{}
		}
		rows = append(rows, rowJSON(row, cols))
	})
	return ovsjson.NewObject(ovsjson.M("rows", ovsjson.NewArray(rows...))), nil
}

func countJSON(n int) ovsjson.Value {
	return ovsjson.NewObject(ovsjson.M("count", ovsjson.NewInt(int64(n))))
}

func (tx *txn) opUpdate(p *opParser, t *table) (ovsjson.Value, error) {
	whereV, _ := p.member("where", mArray, true)
	rowV, _ := p.member("row", mObject, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	tmp := t.newRow(ovsdb.UUID{}, ovsdb.UUID{})
	set, err := tx.parseRow(t, rowV, tmp, false)
	if err != nil {
		return ovsjson.Value{}, err
	}
	for _, c := range t.schema.AllColumns {
		if set.has(c.Index) && (c.Index < 2 || !c.Mutable) {
			return ovsjson.Value{}, &ovsdb.Error{Tag: ovsdb.ErrConstraint,
				Details: "Cannot update immutable column " + c.Name + " in table " + t.schema.Name + ".",
				Syntax:  p.op.String()}
		}
	}
	cond, err := ParseCondition(t.schema, whereV, tx.resolve)
	if err != nil {
		return ovsjson.Value{}, err
	}
	matches := tx.match(t, cond)
	for _, u := range matches {
		tr := tx.modify(t, u)
		for i, w := range set {
			for ; w != 0; w &= w - 1 {
				idx := i*64 + bits.TrailingZeros64(w)
				tr.new.Fields[idx] = tmp.Fields[idx]
				tr.touched.add(idx)
			}
		}
	}
	return countJSON(len(matches)), nil
}

func (tx *txn) opMutate(p *opParser, t *table) (ovsjson.Value, error) {
	whereV, _ := p.member("where", mArray, true)
	mutsV, _ := p.member("mutations", mArray, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	muts, err := ParseMutations(t.schema, mutsV, tx.resolve)
	if err != nil {
		return ovsjson.Value{}, err
	}
	cond, err := ParseCondition(t.schema, whereV, tx.resolve)
	if err != nil {
		return ovsjson.Value{}, err
	}
	matches := tx.match(t, cond)
	for _, u := range matches {
		tr := tx.modify(t, u)
		if err := applyMutations(tr.new, muts); err != nil {
			return ovsjson.Value{}, err
		}
		for i := range muts {
			tr.touched.add(muts[i].Column.Index)
		}
	}
	return countJSON(len(matches)), nil
}

func (tx *txn) opDelete(p *opParser, t *table) (ovsjson.Value, error) {
	whereV, _ := p.member("where", mArray, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	cond, err := ParseCondition(t.schema, whereV, tx.resolve)
	if err != nil {
		return ovsjson.Value{}, err
	}
	matches := tx.match(t, cond)
	for _, u := range matches {
		tx.delete(t, u)
	}
	return countJSON(len(matches)), nil
}

func (tx *txn) opWait(p *opParser, t *table) (ovsjson.Value, error) {
	timeoutV, hasTimeout := p.member("timeout", mInteger, false)
	whereV, _ := p.member("where", mArray, true)
	colsV, hasCols := p.member("columns", mArray, false)
	untilV, _ := p.member("until", mString, true)
	rowsV, _ := p.member("rows", mArray, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	cond, err := ParseCondition(t.schema, whereV, tx.resolve)
	if err != nil {
		return ovsjson.Value{}, err
	}
	cols := t.schema.AllColumns
	if hasCols {
		if cols, err = parseColumns(t.schema, colsV); err != nil {
			return ovsjson.Value{}, err
		}
	}
	if hasTimeout && timeoutV.I < 0 {
		return ovsjson.Value{}, ovsdb.NewSyntaxError(timeoutV, "timeout must be nonnegative")
	}
	var wantEqual bool
	switch untilV.S {
	case "==":
		wantEqual = true
	case "!=":
	default:
		return ovsjson.Value{}, ovsdb.NewSyntaxError(untilV, "\"until\" must be \"==\" or \"!=\"")
	}
	expected := make(map[string]struct{}, len(rowsV.A))
	for i := range rowsV.A {
		rv := rowsV.A[i]
		if rv.Kind != ovsjson.Object {
			return ovsjson.Value{}, ovsdb.NewSyntaxError(rv, "row must be JSON object")
		}
		row := t.newRow(ovsdb.UUID{}, ovsdb.UUID{})
		if _, err := tx.parseRow(t, rv, row, true); err != nil {
			return ovsjson.Value{}, err
		}
		tx.keyBuf = projectionKey(tx.keyBuf[:0], row, cols)
		expected[string(tx.keyBuf)] = struct{}{}
	}
	// Compare the projected rows as sets, as OVS does.
	actual := make(map[string]struct{}, len(expected))
	equal := true
	tx.scan(t, cond, func(row *ovsdb.Row) {
		tx.keyBuf = projectionKey(tx.keyBuf[:0], row, cols)
		if _, ok := expected[string(tx.keyBuf)]; !ok {
			equal = false
		}
		actual[string(tx.keyBuf)] = struct{}{}
	})
	if len(actual) != len(expected) {
		equal = false
	}
	if equal == wantEqual {
		return emptyObject, nil
	}
	if hasTimeout && timeoutV.I == 0 {
		return ovsjson.Value{}, ovsdb.NewError(ovsdb.ErrTimedOut, "\"where\" clause test failed")
	}
	elapsed := tx.opts.Now.Sub(tx.opts.FirstAttempt)
	tx.waitUntil = Forever
	if hasTimeout && timeoutV.I <= maxTimeoutMs {
		timeout := time.Duration(timeoutV.I) * time.Millisecond
		if elapsed >= timeout {
			return ovsjson.Value{}, ovsdb.Errorf(ovsdb.ErrTimedOut, "\"wait\" timed out after %d ms", elapsed.Milliseconds())
		}
		if until := tx.opts.FirstAttempt.Add(timeout); until.Before(Forever) {
			tx.waitUntil = until
		}
	}
	return ovsjson.Value{}, errPending
}

func (tx *txn) opCommit(p *opParser) (ovsjson.Value, error) {
	durable, _ := p.member("durable", mBool, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	if durable.Bool() {
		tx.durable = true
	}
	return emptyObject, nil
}

func (tx *txn) opAbort(p *opParser) (ovsjson.Value, error) {
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	return ovsjson.Value{}, ovsdb.NewError(ovsdb.ErrAborted, "aborted by request")
}

func (tx *txn) opComment(p *opParser) (ovsjson.Value, error) {
	c, _ := p.member("comment", mString, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	// OVS joins comments with a new-line after each non-empty prefix.
	if len(tx.comment) > 0 {
		tx.comment = append(tx.comment, '\n')
	}
	tx.comment = append(tx.comment, c.S...)
	return emptyObject, nil
}

func (tx *txn) opAssert(p *opParser) (ovsjson.Value, error) {
	lock, _ := p.member("lock", mID, true)
	if err := finishMembers(p); err != nil {
		return ovsjson.Value{}, err
	}
	if tx.opts.LockHeld == nil || !tx.opts.LockHeld(lock.S) {
		return ovsjson.Value{}, ovsdb.NewError(ovsdb.ErrNotOwner, "Asserted lock "+lock.S+" not held.")
	}
	return emptyObject, nil
}
