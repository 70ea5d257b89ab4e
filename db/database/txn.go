package database

import (
	"cmp"
	"slices"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// txn is a transaction in progress: the rows it touched, over the
// committed state it reads through.
type txn struct {
	db     *Database
	tables []*txnTable // by table index; nil if untouched
	// touched lists the tables in the order the transaction first
	// touched them, the order in which OVS checks them at commit.
	touched []*txnTable
	symtab  map[string]symbol
	comment []byte
	durable bool
	opts    *TxnOptions

	waitUntil time.Time
	keyBuf    []byte

	// hint, if not nil, is how many rows the transaction is going to
	// insert into each table (by index), and rowSlab has room for as
	// many rows (see reserve).
	hint    []int
	rowSlab []txnRow
}

type symbol struct {
	uuid    ovsdb.UUID
	created bool // an insert defined it (rather than a reference)
}

// txnTable is what a transaction did to one table.
type txnTable struct {
	t    *table
	rows map[ovsdb.UUID]*txnRow
	list []*txnRow // in the order they were first touched
	// inserted lists the rows the transaction inserted, so scans can
	// visit them after the committed rows.
	inserted []*txnRow
}

// txnRow is one row touched by a transaction.
type txnRow struct {
	tt   *txnTable
	uuid ovsdb.UUID
	old  *rowEntry  // nil if inserted by the transaction
	new  *ovsdb.Row // nil if deleted; owned by the transaction
	// touched marks the columns written, so the commit compares only
	// those against the old row (a row the transaction inserted has no
	// old row to compare with, and no use for it).
	touched columnSet
}

// columnSet is a set of column indexes.
type columnSet []uint64

func (s *columnSet) add(i int) {
	for len(*s) <= i/64 {
		*s = append(*s, 0)
	}
	(*s)[i/64] |= 1 << (i % 64)
}

func (s columnSet) has(i int) bool {
	return i/64 < len(s) && s[i/64]&(1<<(i%64)) != 0
}

func newTxn(db *Database) *txn {
	return &txn{db: db, tables: make([]*txnTable, len(db.tables)), symtab: make(map[string]symbol)}
}

// reserveMin is the number of operations (or of rows, in a file record)
// from which a transaction counts its inserts first.
const reserveMin = 64

// reserve sizes the transaction for inserting hint[i] rows into table i,
// named of them with a "uuid-name". A transaction of thousands of inserts
// (ovs-vsctl adding a bridge's worth of ports in one call, a database file
// loaded from a snapshot) would otherwise grow, rehash and copy its maps
// and lists many times over, and allocate each row's bookkeeping on its
// own; the discarded copies cost page faults as much as copying.
func (tx *txn) reserve(hint []int, named int) {
	n := 0
	for _, h := range hint {
		n += h
	}
	if n == 0 {
		return
	}
	tx.hint = hint
	tx.rowSlab = make([]txnRow, 0, n)
	if named > 0 {
		tx.symtab = make(map[string]symbol, named)
	}
}

// reserveInserts counts the insert operations among ops, per table, for
// reserve.
func (tx *txn) reserveInserts(ops []ovsjson.Value) {
	hint := make([]int, len(tx.db.tables))
	named := 0
	for i := range ops {
		op := &ops[i]
		if v, _ := op.Get("op"); v.Kind != ovsjson.String || v.S != "insert" {
			continue
		}
		if v, _ := op.Get("table"); v.Kind == ovsjson.String {
			if t := tx.db.byName[v.S]; t != nil {
				hint[t.idx]++
			}
		}
		if op.Has("uuid-name") {
			named++
		}
	}
	tx.reserve(hint, named)
}

// table returns the transaction's record of t, creating it.
func (tx *txn) table(t *table) *txnTable {
	tt := tx.tables[t.idx]
	if tt == nil {
		tt = &txnTable{t: t}
		if tx.hint != nil && tx.hint[t.idx] > 0 {
			n := tx.hint[t.idx]
			tt.rows = make(map[ovsdb.UUID]*txnRow, n)
			tt.list = make([]*txnRow, 0, n)
			tt.inserted = make([]*txnRow, 0, n)
		} else {
			tt.rows = make(map[ovsdb.UUID]*txnRow)
		}
		tx.tables[t.idx] = tt
		tx.touched = append(tx.touched, tt)
	}
	return tt
}

// newRow returns a zeroed txnRow, from the slab while it lasts: all of
// them die with the transaction.
func (tx *txn) newRow() *txnRow {
	if n := len(tx.rowSlab); n < cap(tx.rowSlab) {
		tx.rowSlab = tx.rowSlab[:n+1]
		return &tx.rowSlab[n]
	}
	return new(txnRow)
}

// insertResult returns the result of an insert operation that inserted
// the row u, {"uuid":["uuid","<u>"]}, as the Raw text of that object:
// one small string, where the object as a tree of values would take
// four allocations and five times the memory (a transaction may insert
// thousands of rows), and which the reply copies instead of encoding.
func insertResult(u ovsdb.UUID) ovsjson.Value {
	b := make([]byte, 0, len(`{"uuid":["uuid",""]}`)+36)
	b = append(b, `{"uuid":["uuid","`...)
	b = u.AppendText(b)
	b = append(b, `"]}`...)
	return ovsjson.NewRaw(string(b))
}

// resolve is the NameResolver for "named-uuid" references: a name not yet
// defined by an insert gets a fresh UUID that a later insert with that
// "uuid-name" will adopt, as in OVS.
func (tx *txn) resolve(name string) (ovsdb.UUID, bool) {
	if sym, ok := tx.symtab[name]; ok {
		return sym.uuid, true
	}
	u := ovsdb.NewUUID()
	tx.symtab[name] = symbol{uuid: u}
	return u, true
}

// get returns the row as the transaction sees it, or nil.
func (tx *txn) get(t *table, u ovsdb.UUID) *ovsdb.Row {
	if tt := tx.tables[t.idx]; tt != nil {
		if tr := tt.rows[u]; tr != nil {
			return tr.new
		}
	}
	if e := t.rows[u]; e != nil {
		return e.row
	}
	return nil
}

// alive reports whether the row exists as the transaction sees it.
func (tx *txn) alive(t *table, u ovsdb.UUID) bool {
	if tt := tx.tables[t.idx]; tt != nil {
		if tr := tt.rows[u]; tr != nil {
			return tr.new != nil
		}
	}
	return t.rows[u] != nil
}

// existed reports whether the row was committed before the transaction
// or was inserted by it and still exists.
func (tx *txn) existed(t *table, u ovsdb.UUID) bool {
	return t.rows[u] != nil || tx.alive(t, u)
}

// scan calls fn for each row of t that satisfies cond: committed rows in
// their stable order, then rows inserted by the transaction.
func (tx *txn) scan(t *table, cond *Condition, fn func(row *ovsdb.Row)) {
	if cond.IsFalse() {
		return
	}
	if cond.uuidEq != nil {
		if row := tx.get(t, *cond.uuidEq); row != nil && cond.Eval(row) {
			fn(row)
		}
		return
	}
	tt := tx.tables[t.idx]
	if e, ok := tx.probe(t, cond); ok {
		tx.scanProbed(t, tt, e, cond, fn)
		return
	}
	for _, e := range t.order {
		if e == nil {
			continue
		}
		row := e.row
		if tt != nil {
			if tr := tt.rows[row.UUID]; tr != nil {
				if row = tr.new; row == nil {
					continue
				}
			}
		}
		if cond.Eval(row) {
			fn(row)
		}
	}
	if tt != nil {
		for _, tr := range tt.inserted {
			if tr.new != nil && cond.Eval(tr.new) {
				fn(tr.new)
			}
		}
	}
}

// probe looks cond up in one of t's unique indexes: when cond's equality
// clauses pin every column of an index (scalar columns only, where a
// datum's index key and equality agree), the committed row with those
// values, if any, is the only committed row that can match unless the
// transaction changed rows. ok is false when no index applies.
//
// Without it, every `["name","==",X]` in a wait or select read the whole
// table: ovs-vsctl's add-port waits on Port and Bridge names, so each call
// scanned every port twice.
func (tx *txn) probe(t *table, cond *Condition) (e *rowEntry, ok bool) {
	if !probeIndexes {
		return nil, false
	}
next:
	for _, ix := range t.indexes {
		buf := tx.keyBuf[:0]
		for _, c := range ix.cols {
			if !c.Type.IsScalar() || c.Type.Key.Type == ovsdb.TypeReal {
				continue next
			}
			arg := eqArg(cond, c)
			if arg == nil || len(arg.Keys) != 1 {
				continue next
			}
			buf = appendDatumKey(buf, &c.Type, arg)
		}
		tx.keyBuf = buf
		return ix.m[string(buf)], true
	}
	return nil, false
}

// probeIndexes is switched off by the test that checks probe against the
// full scan.
var probeIndexes = true

// eqArg returns the argument of cond's first "==" clause on column c.
func eqArg(cond *Condition, c *ovsdb.ColumnSchema) *ovsdb.Datum {
	for i := range cond.Clauses {
		cl := &cond.Clauses[i]
		if cl.Function == FuncEQ && cl.Column != nil && cl.Column.Index == c.Index {
			return &cl.Arg
		}
	}
	return nil
}

// scanProbed is scan for a condition that the index gave committed
// candidate e for (nil: none). Committed rows the transaction changed may
// have come to match, so they are evaluated too; all in the table's stable
// order, then the inserted rows, exactly as the full scan would visit them.
func (tx *txn) scanProbed(t *table, tt *txnTable, e *rowEntry, cond *Condition, fn func(row *ovsdb.Row)) {
	if tt == nil {
		if e != nil && cond.Eval(e.row) {
			fn(e.row)
		}
		return
	}
	var cands []*rowEntry
	if e != nil && tt.rows[e.row.UUID] == nil {
		cands = append(cands, e)
	}
	for _, tr := range tt.list {
		if tr.old != nil && tr.new != nil {
			cands = append(cands, tr.old)
		}
	}
	if len(cands) > 1 {
		slices.SortFunc(cands, func(a, b *rowEntry) int { return cmp.Compare(a.pos, b.pos) })
	}
	for _, c := range cands {
		row := c.row
		if tr := tt.rows[row.UUID]; tr != nil {
			row = tr.new
		}
		if cond.Eval(row) {
			fn(row)
		}
	}
	for _, tr := range tt.inserted {
		if tr.new != nil && cond.Eval(tr.new) {
			fn(tr.new)
		}
	}
}

// match returns the UUIDs of the rows of t that satisfy cond.
func (tx *txn) match(t *table, cond *Condition) []ovsdb.UUID {
	var us []ovsdb.UUID
	tx.scan(t, cond, func(row *ovsdb.Row) { us = append(us, row.UUID) })
	return us
}

// modify returns the transaction's writable copy of an existing row. The
// copy shares its datums with the committed row; writers replace datums,
// never modify them.
func (tx *txn) modify(t *table, u ovsdb.UUID) *txnRow {
	tt := tx.table(t)
	if tr := tt.rows[u]; tr != nil {
		return tr
	}
	e := t.rows[u]
	nr := &ovsdb.Row{UUID: u, Fields: slices.Clone(e.row.Fields)}
	nr.SetVersion(ovsdb.NewUUID())
	tr := tx.newRow()
	*tr = txnRow{tt: tt, uuid: u, old: e, new: nr}
	tt.rows[u] = tr
	tt.list = append(tt.list, tr)
	return tr
}

// delete removes a row (which must exist) from the transaction's view.
func (tx *txn) delete(t *table, u ovsdb.UUID) *txnRow {
	tt := tx.table(t)
	tr := tt.rows[u]
	if tr == nil {
		tr = tx.newRow()
		*tr = txnRow{tt: tt, uuid: u, old: t.rows[u]}
		tt.rows[u] = tr
		tt.list = append(tt.list, tr)
		return tr
	}
	tr.new = nil
	return tr
}
