package idl

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// Status is the state of a transaction, with OVS's names.
type Status uint8

const (
	// Uncommitted: still being built.
	Uncommitted Status = iota
	// Unchanged: it had nothing to do, so it was not sent.
	Unchanged
	// Incomplete: sent, no reply yet.
	Incomplete
	// Aborted: abandoned by Abort.
	Aborted
	// Success: committed (or, for a dry run, would have been).
	Success
	// TryAgain: something it verified changed, or the connection was
	// lost; recompute from the replica and commit a new transaction.
	TryAgain
	// NotLocked: the IDL's lock is set but not held.
	NotLocked
	// Error: the server refused it; Err says why.
	Error
)

var statusNames = [...]string{"uncommitted", "unchanged", "incomplete", "aborted", "success", "try again", "not locked", "error"}

// String returns OVS's name for the status ("try again", ...).
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "status " + strconv.Itoa(int(s))
}

// Txn is an optimistic transaction: changes built against the replica,
// sent as one OVSDB "transact" with "wait" operations guarding the values
// it verified. Build and commit it on the owner goroutine.
//
// Building methods do not return errors: misuse (a value that does not fit
// its column, a write to a deleted row) is remembered, and Commit then
// fails with that error without contacting the server.
type Txn struct {
	idl   *IDL
	rows  map[ovsdb.UUID]*txnRow
	order []*txnRow

	rowWaits []rowWait
	comments []string
	dryRun   bool
	durable  bool
	inc      *increment

	status Status
	err    error
	done   chan struct{}
	reqID  int64

	// Where the interesting results are in the reply.
	nOps      int
	abortOp   int
	incOp     int // the select of the increment
	insertOps []insertOp

	inserted map[ovsdb.UUID]ovsdb.UUID
	incValue int64
	incOK    bool
}

type insertOp struct {
	index int
	temp  ovsdb.UUID
}

type increment struct {
	table *Table
	uuid  ovsdb.UUID
	col   *Column
	force bool
}

// txnRow is everything a transaction does to one row.
type txnRow struct {
	table *Table
	uuid  ovsdb.UUID
	// base is the replica row when the transaction first touched it (nil
	// for an inserted row).
	base *Row
	// view is the row as the transaction leaves it, made on first write.
	view      *Row
	inserted  bool
	uuidGiven bool
	deleted   bool
	name      string // uuid-name of an inserted row

	writes   []colWrite
	muts     []rowMut
	verifies []verify
}

type colWrite struct {
	col   *Column
	value ovsdb.Datum
}

type rowMut struct {
	col   *Column
	op    string // "insert" or "delete"
	value ovsdb.Datum
	// keysOnly: a map "delete" by keys (a set of the key type).
	keysOnly bool
}

type verify struct {
	col   *Column
	value ovsdb.Datum
}

// rowWait is a WaitRows guard.
type rowWait struct {
	table *Table
	where []Clause
	rows  []ovsdb.UUID
}

// NewTxn starts a transaction.
func (idl *IDL) NewTxn() *Txn {
	return &Txn{
		idl:     idl,
		rows:    make(map[ovsdb.UUID]*txnRow),
		done:    make(chan struct{}),
		abortOp: -1,
		incOp:   -1,
	}
}

func (t *Txn) fail(format string, args ...any) {
	if t.err == nil {
		t.err = fmt.Errorf("idl: "+format, args...)
	}
}

func (t *Txn) building() bool {
	if t.status != Uncommitted {
		t.fail("transaction already committed")
		return false
	}
	return true
}

// touch returns the txnRow for row, creating it.
func (t *Txn) touch(row *Row) *txnRow {
	if row == nil {
		t.fail("nil row")
		return nil
	}
	if row.txn != nil && row.txn != t {
		t.fail("row %s belongs to another transaction", row.UUID)
		return nil
	}
	if tr := t.rows[row.UUID]; tr != nil {
		if tr.table != row.Table {
			t.fail("row %s is in table %s, not %s", row.UUID, tr.table.Name, row.Table.Name)
			return nil
		}
		return tr
	}
	if row.txn != nil {
		t.fail("row %s is not part of this transaction", row.UUID)
		return nil
	}
	tr := &txnRow{table: row.Table, uuid: row.UUID, base: row}
	t.rows[row.UUID] = tr
	t.order = append(t.order, tr)
	return tr
}

// viewRow returns the transaction's own copy of the row, making it.
func (tr *txnRow) viewRow(t *Txn) *Row {
	if tr.view == nil {
		tr.view = &Row{UUID: tr.uuid, Table: tr.table, fields: slices.Clone(tr.base.fields), txn: t}
	}
	return tr.view
}

func (tr *txnRow) findWrite(c *Column) *colWrite {
	for i := range tr.writes {
		if tr.writes[i].col == c {
			return &tr.writes[i]
		}
	}
	return nil
}

// Insert adds a row to table and returns it. Its UUID is temporary:
// references to it in this transaction's writes are sent as named UUIDs,
// and InsertedUUID maps it to the real one after Success.
func (t *Txn) Insert(table *Table) *Row {
	return t.insert(table, ovsdb.NewUUID(), false)
}

// InsertWithUUID adds a row with a UUID the caller chose (an OVS 2.13
// extension that ovsdb-server accepts).
func (t *Txn) InsertWithUUID(table *Table, u ovsdb.UUID) *Row {
	if table.rows[u] != nil || t.rows[u] != nil {
		t.fail("duplicate UUID %s", u)
	}
	return t.insert(table, u, true)
}

func (t *Txn) insert(table *Table, u ovsdb.UUID, given bool) *Row {
	t.building()
	row := &Row{UUID: u, Table: table, txn: t}
	if len(table.slots) > 0 {
		row.fields = make([]*ovsdb.Datum, len(table.slots))
	}
	tr := &txnRow{table: table, uuid: u, view: row, inserted: true, uuidGiven: given}
	if !given {
		tr.name = "row" + strings.ReplaceAll(u.String(), "-", "_")
	}
	t.rows[u] = tr
	t.order = append(t.order, tr)
	return row
}

// Delete deletes row. Deleting a row inserted by this transaction cancels
// the insertion.
func (t *Txn) Delete(row *Row) {
	if !t.building() {
		return
	}
	tr := t.touch(row)
	if tr == nil {
		return
	}
	tr.deleted = true
	tr.writes, tr.muts = nil, nil
	tr.view = nil
}

// checkWrite validates a write of column c of row, returning its txnRow.
func (t *Txn) checkWrite(row *Row, c *Column) *txnRow {
	if !t.building() {
		return nil
	}
	tr := t.touch(row)
	if tr == nil {
		return nil
	}
	switch {
	case c == nil:
		t.fail("nil column")
	case c.Table != tr.table:
		t.fail("column %s.%s written in a row of table %s", c.Table.Name, c.Name, tr.table.Name)
	case c.Schema.Index < 2:
		t.fail("column %s cannot be written", c.Name)
	case tr.deleted:
		t.fail("write to deleted row %s in table %s", tr.uuid, tr.table.Name)
	case !tr.inserted && !c.Schema.Mutable:
		t.fail("cannot modify immutable column %s in table %s", c.Name, tr.table.Name)
	default:
		return tr
	}
	return nil
}

// Set writes the whole value of column c of row.
func (t *Txn) Set(row *Row, c *Column, d ovsdb.Datum) {
	tr := t.checkWrite(row, c)
	if tr == nil {
		return
	}
	if err := d.Check(&c.Schema.Type); err != nil {
		t.fail("%s.%s: %v", c.Table.Name, c.Name, err)
		return
	}
	tr.muts = slices.DeleteFunc(tr.muts, func(m rowMut) bool { return m.col == c })
	if w := tr.findWrite(c); w != nil {
		w.value = d
	} else {
		tr.writes = append(tr.writes, colWrite{col: c, value: d})
	}
	if c.slot >= 0 {
		tr.viewRow(t).fields[c.slot] = &d
	}
}

// mutate records a mutation of column c, or folds it into a whole value
// already written.
func (t *Txn) mutate(row *Row, c *Column, op string, value ovsdb.Datum, keysOnly bool) {
	tr := t.checkWrite(row, c)
	if tr == nil {
		return
	}
	ct := &c.Schema.Type
	if ct.IsScalar() {
		t.fail("%s.%s is not a set or a map", c.Table.Name, c.Name)
		return
	}
	check := *ct
	check.Min, check.Max = 0, ovsdb.Unlimited
	if keysOnly {
		check.Value = ovsdb.NewBaseType(ovsdb.TypeVoid)
	}
	if err := value.Check(&check); err != nil {
		t.fail("%s.%s: %v", c.Table.Name, c.Name, err)
		return
	}
	apply := func(d ovsdb.Datum) ovsdb.Datum {
		if op == "insert" {
			d.Union(ct, &value) // builds new slices
		} else {
			d = d.Clone() // Subtract works in place
			d.Subtract(ct, &value)
		}
		return d
	}
	if w := tr.findWrite(c); w != nil {
		w.value = apply(w.value)
		if c.slot >= 0 {
			v := w.value
			tr.viewRow(t).fields[c.slot] = &v
		}
		return
	}
	if tr.inserted {
		v := apply(*tr.view.Get(c))
		tr.writes = append(tr.writes, colWrite{col: c, value: v})
		if c.slot >= 0 {
			tr.view.fields[c.slot] = &v
		}
		return
	}
	tr.muts = append(tr.muts, rowMut{col: c, op: op, value: value, keysOnly: keysOnly})
	if c.slot >= 0 {
		view := tr.viewRow(t)
		v := apply(*view.slotValue(c.slot))
		view.fields[c.slot] = &v
	}
}

// AddToSet adds the elements of elems to set column c (for a map column,
// the pairs of elems whose keys it lacks), with an OVSDB "insert"
// mutation, so that concurrent additions by others are kept.
func (t *Txn) AddToSet(row *Row, c *Column, elems ovsdb.Datum) {
	t.mutate(row, c, "insert", elems, false)
}

// RemoveFromSet removes the elements of elems from set column c with a
// "delete" mutation. For a map column elems may be a map (pairs removed
// only where the value matches too) or a set of keys.
func (t *Txn) RemoveFromSet(row *Row, c *Column, elems ovsdb.Datum) {
	keysOnly := c != nil && c.Schema.Type.IsMap() && elems.Values == nil
	t.mutate(row, c, "delete", elems, keysOnly)
}

// SetKey sets key to value in map column c, replacing any old value for
// the key, by mutation.
func (t *Txn) SetKey(row *Row, c *Column, key, value ovsdb.Atom) {
	if c == nil || !c.Schema.Type.IsMap() {
		t.fail("SetKey on a column that is not a map")
		return
	}
	t.mutate(row, c, "delete", ovsdb.Datum{Keys: []ovsdb.Atom{key}}, true)
	t.mutate(row, c, "insert", ovsdb.Datum{Keys: []ovsdb.Atom{key}, Values: []ovsdb.Atom{value}}, false)
}

// DeleteKey removes key from map column c, by mutation.
func (t *Txn) DeleteKey(row *Row, c *Column, key ovsdb.Atom) {
	if c == nil || !c.Schema.Type.IsMap() {
		t.fail("DeleteKey on a column that is not a map")
		return
	}
	t.mutate(row, c, "delete", ovsdb.Datum{Keys: []ovsdb.Atom{key}}, true)
}

// Verify makes the transaction fail with TryAgain if column c of row no
// longer has, when the server executes it, the value it has in row (the
// version the caller looked at). Verify every column a decision was based
// on. Verifying a row inserted by this transaction does nothing.
func (t *Txn) Verify(row *Row, c *Column) {
	if !t.building() {
		return
	}
	var value ovsdb.Datum
	if row != nil && row.txn == nil && c != nil {
		value = *row.Get(c)
	}
	tr := t.touch(row)
	if tr == nil || tr.inserted {
		return
	}
	switch {
	case c == nil:
		t.fail("nil column")
		return
	case c.Table != tr.table:
		t.fail("column %s.%s verified in a row of table %s", c.Table.Name, c.Name, tr.table.Name)
		return
	case !c.Replicated():
		t.fail("cannot verify column %s.%s, which is not replicated", c.Table.Name, c.Name)
		return
	}
	if row.txn != nil {
		value = *tr.base.Get(c)
	}
	for i := range tr.verifies {
		if tr.verifies[i].col == c {
			return
		}
	}
	tr.verifies = append(tr.verifies, verify{col: c, value: value})
}

// WaitRows makes the transaction fail with TryAgain unless, when the
// server executes it, the rows of table that match every clause of where
// are exactly those with the given UUIDs. It guards a decision about which
// rows match a condition ("no port is named p1") taken on a replica that
// holds only the rows of a monitor condition, where verifying whole
// columns of every row is not possible and would cost far more. Constant
// clauses are not allowed: a transaction's "where" has none.
func (t *Txn) WaitRows(table *Table, where []Clause, rows []ovsdb.UUID) {
	if !t.building() {
		return
	}
	if table == nil || table.idl != t.idl {
		t.fail("WaitRows on a table of another database")
		return
	}
	for i := range where {
		if where[i].Column == "" {
			t.fail("WaitRows with a constant clause")
			return
		}
		if err := checkClause(table, &where[i]); err != nil {
			t.fail("%v", strings.TrimPrefix(err.Error(), "idl: "))
			return
		}
	}
	t.rowWaits = append(t.rowWaits, rowWait{table: table, where: slices.Clone(where), rows: slices.Clone(rows)})
}

// Increment adds 1 to integer column c of row when the transaction
// commits, and reads back the result (IncrementValue): OVS's next_cfg
// protocol. Unless force is set, the increment is sent only if the
// transaction changes something else.
func (t *Txn) Increment(row *Row, c *Column, force bool) {
	if !t.building() {
		return
	}
	switch {
	case row == nil || c == nil:
		t.fail("nil row or column")
	case t.rows[row.UUID] != nil && t.rows[row.UUID].inserted:
		t.fail("cannot increment a column of a row being inserted")
	case c.Table != row.Table || c.Schema.Type.Key.Type != ovsdb.TypeInteger || !c.Schema.Type.IsScalar():
		t.fail("cannot increment %s.%s, which is not an integer", c.Table.Name, c.Name)
	default:
		t.inc = &increment{table: row.Table, uuid: row.UUID, col: c, force: force}
	}
}

// AddComment appends a line to the transaction's comment, which the
// server writes to its log.
func (t *Txn) AddComment(format string, args ...any) {
	t.comments = append(t.comments, fmt.Sprintf(format, args...))
}

// SetDryRun makes the server check the transaction but not commit it.
// A dry run that would succeed reports Success, with inserted UUIDs.
func (t *Txn) SetDryRun() { t.dryRun = true }

// SetDurable asks the server to sync the change to disk before replying.
func (t *Txn) SetDurable() { t.durable = true }

// Get returns the value of column c of row as this transaction leaves it.
// The datum must not be modified.
func (t *Txn) Get(row *Row, c *Column) *ovsdb.Datum {
	tr := t.rows[row.UUID]
	if tr == nil || tr.deleted {
		return row.Get(c)
	}
	if w := tr.findWrite(c); w != nil {
		return &w.value
	}
	if tr.view != nil {
		return tr.view.Get(c)
	}
	return row.Get(c)
}

// Row returns the row of table with UUID u as this transaction sees it:
// its own copy if it wrote the row, the replica's otherwise, nil if it
// does not exist or the transaction deletes it.
func (t *Txn) Row(table *Table, u ovsdb.UUID) *Row {
	if tr := t.rows[u]; tr != nil && tr.table == table {
		switch {
		case tr.deleted:
			return nil
		case tr.view != nil:
			return tr.view
		}
	}
	return table.rows[u]
}

// Rows iterates over the rows of table as the transaction sees them:
// the replica's minus those it deletes, with its own copies of those it
// wrote, plus those it inserts.
func (t *Txn) Rows(table *Table) iter.Seq[*Row] {
	return func(yield func(*Row) bool) {
		for u, r := range table.rows {
			if tr := t.rows[u]; tr != nil {
				if tr.deleted {
					continue
				}
				if tr.view != nil {
					r = tr.view
				}
			}
			if !yield(r) {
				return
			}
		}
		for _, tr := range t.order {
			if tr.table == table && tr.inserted && !tr.deleted {
				if !yield(tr.view) {
					return
				}
			}
		}
	}
}

// Abort abandons a transaction that has not been committed.
func (t *Txn) Abort() {
	if t.status == Uncommitted {
		t.finish(Aborted, nil)
	}
}

// Status returns the transaction's status as of the last Run.
func (t *Txn) Status() Status { return t.status }

// Done is closed when the transaction reaches a final status.
func (t *Txn) Done() <-chan struct{} { return t.done }

// Err returns why the transaction failed with Error (often an
// *ovsdb.Error, whose ToJSON is what ovs-vsctl prints), or the misuse
// that will make Commit fail.
func (t *Txn) Err() error { return t.err }

// InsertedUUID returns the UUID the server gave the row inserted with
// temporary UUID temp, after Success.
func (t *Txn) InsertedUUID(temp ovsdb.UUID) (ovsdb.UUID, bool) {
	u, ok := t.inserted[temp]
	return u, ok
}

// IncrementValue returns the incremented column's new value, after
// Success of a transaction that sent its Increment.
func (t *Txn) IncrementValue() (int64, bool) { return t.incValue, t.incOK }

func (t *Txn) finish(s Status, err error) {
	if t.status != Uncommitted && t.status != Incomplete {
		return
	}
	t.status = s
	if err != nil {
		t.err = err
	}
	close(t.done)
}

// Commit sends the transaction and runs the IDL until the reply arrives,
// so that on Success the replica already shows the changes. It returns
// Incomplete and ctx's error if ctx ends first (the transaction may still
// commit). The error is non-nil for Error.
func (t *Txn) Commit(ctx context.Context) (Status, error) {
	if t.CommitAsync() == Incomplete {
		err := t.idl.WaitUntil(ctx, func() bool { return t.status != Incomplete })
		if t.status == Incomplete {
			if err == nil {
				err = ErrClosed
			}
			return Incomplete, err
		}
	}
	if t.status == Error {
		return Error, t.err
	}
	return t.status, nil
}

// CommitAsync sends the transaction without waiting. It returns
// Incomplete if it was sent (Done is closed once Run has processed the
// reply), or the final status if it could not be or need not be.
func (t *Txn) CommitAsync() Status {
	if t.status != Uncommitted {
		return t.status
	}
	if t.err != nil {
		t.finish(Error, nil)
		return Error
	}
	params, ok := t.encode()
	if !ok {
		t.finish(Unchanged, nil)
		return Unchanged
	}
	if t.idl.LockName() != "" && !t.idl.hasLock {
		t.finish(NotLocked, nil)
		return NotLocked
	}
	// The reply can only be processed by Run, on this goroutine, so
	// setting the status after sending is safe.
	if !t.idl.sendTxn(t, params) {
		t.finish(TryAgain, nil)
		return TryAgain
	}
	t.status = Incomplete
	return Incomplete
}

// encode builds the "transact" parameters. It reports false when there
// is nothing to do.
func (t *Txn) encode() (ovsjson.Value, bool) {
	idl := t.idl
	names := make(map[ovsdb.UUID]string)
	for _, tr := range t.order {
		if tr.inserted && !tr.deleted && !tr.uuidGiven {
			names[tr.uuid] = tr.name
		}
	}
	enc := encoder{names: names}
	var ops []ovsjson.Value
	add := func(b []byte) int {
		ops = append(ops, ovsjson.NewRaw(string(b)))
		return len(ops) - 1
	}
	if name := idl.LockName(); name != "" {
		b := append([]byte(`{"op":"assert","lock":`), ovsjson.AppendString(nil, name)...)
		add(append(b, '}'))
	}
	for i := range t.rowWaits {
		add(appendRowWait(nil, &t.rowWaits[i]))
	}
	for _, tr := range t.order {
		if len(tr.verifies) == 0 || tr.inserted {
			continue
		}
		b := []byte(`{"op":"wait","timeout":0,"table":`)
		b = ovsjson.AppendString(b, tr.table.Name)
		b = appendWhereUUID(append(b, `,"where":`...), tr.uuid)
		b = append(b, `,"columns":[`...)
		for i, v := range tr.verifies {
			if i > 0 {
				b = append(b, ',')
			}
			b = ovsjson.AppendString(b, v.col.Name)
		}
		b = append(b, `],"until":"==","rows":[{`...)
		for i := range tr.verifies {
			v := &tr.verifies[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = ovsjson.AppendString(b, v.col.Name)
			b = append(b, ':')
			b = enc.appendDatum(b, &v.value, &v.col.Schema.Type, false)
		}
		add(append(b, "}]}"...))
	}
	changes := false
	t.insertOps = t.insertOps[:0]
	for _, tr := range t.order {
		switch {
		case tr.inserted && tr.deleted:
		case tr.inserted:
			b := []byte(`{"op":"insert","table":`)
			b = ovsjson.AppendString(b, tr.table.Name)
			if tr.uuidGiven {
				// A bare string here, unlike a <uuid> value.
				b = append(b, `,"uuid":"`...)
				b = append(b, tr.uuid.String()...)
				b = append(b, '"')
			} else {
				b = append(b, `,"uuid-name":`...)
				b = ovsjson.AppendString(b, tr.name)
			}
			b = append(b, `,"row":{`...)
			for i := range tr.writes {
				w := &tr.writes[i]
				if i > 0 {
					b = append(b, ',')
				}
				b = ovsjson.AppendString(b, w.col.Name)
				b = append(b, ':')
				b = enc.appendDatum(b, &w.value, &w.col.Schema.Type, false)
			}
			idx := add(append(b, "}}"...))
			t.insertOps = append(t.insertOps, insertOp{index: idx, temp: tr.uuid})
			changes = true
		case tr.deleted:
			b := []byte(`{"op":"delete","table":`)
			b = ovsjson.AppendString(b, tr.table.Name)
			b = appendWhereUUID(append(b, `,"where":`...), tr.uuid)
			add(append(b, '}'))
			changes = true
		default:
			cur := tr.table.rows[tr.uuid]
			n := 0
			b := []byte(`{"op":"update","table":`)
			b = ovsjson.AppendString(b, tr.table.Name)
			b = appendWhereUUID(append(b, `,"where":`...), tr.uuid)
			b = append(b, `,"row":{`...)
			for i := range tr.writes {
				w := &tr.writes[i]
				if cur != nil && w.col.slot >= 0 {
					// Writing what the server already has is a
					// no-op; skipping it keeps status writes of
					// unchanged values off the wire.
					if old := cur.Get(w.col); old.Equal(&w.value) {
						continue
					}
				}
				if n > 0 {
					b = append(b, ',')
				}
				n++
				b = ovsjson.AppendString(b, w.col.Name)
				b = append(b, ':')
				b = enc.appendDatum(b, &w.value, &w.col.Schema.Type, false)
			}
			if n > 0 {
				add(append(b, "}}"...))
				changes = true
			}
			if len(tr.muts) > 0 {
				b := []byte(`{"op":"mutate","table":`)
				b = ovsjson.AppendString(b, tr.table.Name)
				b = appendWhereUUID(append(b, `,"where":`...), tr.uuid)
				b = append(b, `,"mutations":[`...)
				for i := range tr.muts {
					m := &tr.muts[i]
					if i > 0 {
						b = append(b, ',')
					}
					b = append(b, '[')
					b = ovsjson.AppendString(b, m.col.Name)
					b = append(b, ',', '"')
					b = append(b, m.op...)
					b = append(b, '"', ',')
					mt := m.col.Schema.Type
					if m.keysOnly {
						mt.Value = ovsdb.NewBaseType(ovsdb.TypeVoid)
					}
					b = enc.appendDatum(b, &m.value, &mt, true)
					b = append(b, ']')
				}
				add(append(b, "]}"...))
				changes = true
			}
		}
	}
	t.incOp = -1
	if inc := t.inc; inc != nil && (changes || inc.force) {
		b := []byte(`{"op":"mutate","table":`)
		b = ovsjson.AppendString(b, inc.table.Name)
		b = appendWhereUUID(append(b, `,"where":`...), inc.uuid)
		b = append(b, `,"mutations":[[`...)
		b = ovsjson.AppendString(b, inc.col.Name)
		add(append(b, `,"+=",1]]}`...))
		b = []byte(`{"op":"select","table":`)
		b = ovsjson.AppendString(b, inc.table.Name)
		b = appendWhereUUID(append(b, `,"where":`...), inc.uuid)
		b = append(b, `,"columns":[`...)
		b = ovsjson.AppendString(b, inc.col.Name)
		t.incOp = add(append(b, "]}"...))
		changes = true
	}
	if !changes {
		return ovsjson.Value{}, false
	}
	if len(t.comments) > 0 {
		b := append([]byte(`{"op":"comment","comment":`), ovsjson.AppendString(nil, strings.Join(t.comments, "\n"))...)
		add(append(b, '}'))
	}
	if t.durable {
		add([]byte(`{"op":"commit","durable":true}`))
	}
	t.abortOp = -1
	if t.dryRun {
		t.abortOp = add([]byte(`{"op":"abort"}`))
	}
	t.nOps = len(ops)
	params := make([]ovsjson.Value, 0, len(ops)+1)
	params = append(params, ovsjson.NewString(idl.schema.Name))
	params = append(params, ops...)
	return ovsjson.NewArray(params...), true
}

// encoder writes datums, naming rows inserted by the transaction.
type encoder struct {
	names map[ovsdb.UUID]string
}

func (e *encoder) appendAtom(dst []byte, t ovsdb.AtomicType, a ovsdb.Atom) []byte {
	if t == ovsdb.TypeUUID {
		if name, ok := e.names[a.UUID()]; ok {
			dst = append(dst, `["named-uuid",`...)
			dst = ovsjson.AppendString(dst, name)
			return append(dst, ']')
		}
	}
	return ovsdb.AppendAtomJSON(dst, t, a)
}

// appendDatum writes d as an RFC 7047 <value> of type t; asSet writes a
// one-element set as ["set",[x]] rather than x.
func (e *encoder) appendDatum(dst []byte, d *ovsdb.Datum, t *ovsdb.Type, asSet bool) []byte {
	if t.IsMap() {
		dst = append(dst, `["map",[`...)
		for i := range d.Keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, '[')
			dst = e.appendAtom(dst, t.Key.Type, d.Keys[i])
			dst = append(dst, ',')
			if i < len(d.Values) {
				dst = e.appendAtom(dst, t.Value.Type, d.Values[i])
			}
			dst = append(dst, ']')
		}
		return append(dst, "]]"...)
	}
	if len(d.Keys) == 1 && !asSet {
		return e.appendAtom(dst, t.Key.Type, d.Keys[0])
	}
	dst = append(dst, `["set",[`...)
	for i := range d.Keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = e.appendAtom(dst, t.Key.Type, d.Keys[i])
	}
	return append(dst, "]]"...)
}

// appendRowWait writes w as a "wait" operation on the _uuid column.
func appendRowWait(b []byte, w *rowWait) []byte {
	var enc encoder
	b = append(b, `{"op":"wait","timeout":0,"table":`...)
	b = ovsjson.AppendString(b, w.table.Name)
	b = append(b, `,"where":[`...)
	for i := range w.where {
		cl := &w.where[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = ovsjson.AppendString(b, cl.Column)
		b = append(b, ',')
		b = ovsjson.AppendString(b, cl.Function)
		b = append(b, ',')
		ct := w.table.byName[cl.Column].Schema.Type
		ct.Min, ct.Max = 0, ovsdb.Unlimited
		b = enc.appendDatum(b, &cl.Value, &ct, false)
		b = append(b, ']')
	}
	b = append(b, `],"columns":["_uuid"],"until":"==","rows":[`...)
	for i, u := range w.rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"_uuid":["uuid","`...)
		b = append(b, u.String()...)
		b = append(b, `"]}`...)
	}
	return append(b, "]}"...)
}

func appendWhereUUID(dst []byte, u ovsdb.UUID) []byte {
	dst = append(dst, `[["_uuid","==",["uuid","`...)
	dst = append(dst, u.String()...)
	return append(dst, `"]]]`...)
}

// errorFromJSON converts an OVSDB error object, nil if v is not one.
func errorFromJSON(v ovsjson.Value) *ovsdb.Error {
	if v.Kind != ovsjson.Object {
		return nil
	}
	tag, ok := v.Get("error")
	if !ok || tag.Kind != ovsjson.String {
		return nil
	}
	e := &ovsdb.Error{Tag: tag.S}
	if d, ok := v.Get("details"); ok && d.Kind == ovsjson.String {
		e.Details = d.S
	}
	if s, ok := v.Get("syntax"); ok && s.Kind == ovsjson.String {
		e.Syntax = s.S
	}
	return e
}

// processReply interprets the server's answer, as OVS's IDL does: a
// failed "wait" means try again, a failed lock assertion not locked, any
// other error is an error.
func (t *Txn) processReply(m *jsonrpc.Message) {
	if t.status != Incomplete {
		return
	}
	if m.Type == jsonrpc.Error {
		if e := errorFromJSON(m.Error); e != nil {
			t.finish(Error, e)
		} else {
			t.finish(Error, &ovsdb.Error{Tag: rpcErrorText(m.Error)})
		}
		return
	}
	if m.Result.Kind != ovsjson.Array {
		t.finish(Error, errors.New("reply to transaction is not an array"))
		return
	}
	res := m.Result.A
	var hard *ovsdb.Error
	soft, lock := false, false
	for i := range res {
		r := &res[i]
		if r.Kind != ovsjson.Object {
			continue
		}
		tag, ok := r.Get("error")
		if !ok {
			continue
		}
		e := errorFromJSON(*r)
		if e == nil {
			e = &ovsdb.Error{Tag: "ovsdb error", Details: r.String()}
		}
		switch {
		case i == t.abortOp && tag.S == ovsdb.ErrAborted:
		case tag.S == ovsdb.ErrTimedOut:
			soft = true
		case tag.S == ovsdb.ErrNotOwner:
			lock = true
		default:
			if hard == nil {
				hard = e
			}
		}
	}
	if hard == nil && !soft && !lock && len(res) < t.nOps {
		hard = ovsdb.Errorf(ovsdb.ErrInternal, "reply has %d operation results for %d operations", len(res), t.nOps)
	}
	switch {
	case hard != nil:
		t.finish(Error, hard)
		return
	case lock:
		t.finish(NotLocked, nil)
		return
	case soft:
		t.finish(TryAgain, nil)
		return
	}
	t.inserted = make(map[ovsdb.UUID]ovsdb.UUID, len(t.insertOps))
	for _, op := range t.insertOps {
		v, _ := res[op.index].Get("uuid")
		a, err := ovsdb.AtomFromJSON(ovsdb.TypeUUID, v, nil)
		if err != nil {
			t.finish(Error, ovsdb.Errorf(ovsdb.ErrInternal, "insert reply has no valid \"uuid\""))
			return
		}
		t.inserted[op.temp] = a.UUID()
	}
	if t.incOp >= 0 {
		if err := t.processIncrement(res); err != nil {
			t.finish(Error, err)
			return
		}
	}
	t.finish(Success, nil)
}

func (t *Txn) processIncrement(res []ovsjson.Value) error {
	count, _ := res[t.incOp-1].Get("count")
	if count.Kind != ovsjson.Integer || count.I != 1 {
		return ovsdb.Errorf(ovsdb.ErrInternal, "\"mutate\" reply \"count\" is %s instead of 1", count.String())
	}
	rows, _ := res[t.incOp].Get("rows")
	if rows.Kind != ovsjson.Array || len(rows.A) != 1 {
		return ovsdb.Errorf(ovsdb.ErrInternal, "\"select\" reply \"rows\" does not have exactly one row")
	}
	v, _ := rows.A[0].Get(t.inc.col.Name)
	if v.Kind != ovsjson.Integer {
		return ovsdb.Errorf(ovsdb.ErrInternal, "\"select\" reply %s is not an integer", t.inc.col.Name)
	}
	t.incValue, t.incOK = v.I, true
	return nil
}
