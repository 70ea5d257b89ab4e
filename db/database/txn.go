package database

import (
	"slices"
	"time"

	"github.com/govs/ovs/db/ovsdb"
)

// txn is a transaction in progress: the rows it touched, over the
// committed state it reads through.
type txn struct {
	db     *Database
	tables []*txnTable // by table index; nil if untouched
	// touched lists the tables in the order the transaction first
	// touched them, the order in which OVS checks them at commit.
	touched []*txnTable
	symtab  map[string]*symbol
	comment []byte
	durable bool
	opts    *TxnOptions

	waitUntil time.Time
	keyBuf    []byte
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
	// those against the old row.
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

func (s *columnSet) setAll(n int) {
	for i := 0; i < n; i++ {
		s.add(i)
	}
}

func newTxn(db *Database) *txn {
	return &txn{db: db, tables: make([]*txnTable, len(db.tables)), symtab: make(map[string]*symbol)}
}

// table returns the transaction's record of t, creating it.
func (tx *txn) table(t *table) *txnTable {
	tt := tx.tables[t.idx]
	if tt == nil {
		tt = &txnTable{t: t, rows: make(map[ovsdb.UUID]*txnRow)}
		tx.tables[t.idx] = tt
		tx.touched = append(tx.touched, tt)
	}
	return tt
}

// resolve is the NameResolver for "named-uuid" references: a name not yet
// defined by an insert gets a fresh UUID that a later insert with that
// "uuid-name" will adopt, as in OVS.
func (tx *txn) resolve(name string) (ovsdb.UUID, bool) {
	if sym := tx.symtab[name]; sym != nil {
		return sym.uuid, true
	}
	u := ovsdb.NewUUID()
	tx.symtab[name] = &symbol{uuid: u}
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
	tr := &txnRow{tt: tt, uuid: u, old: e, new: nr}
	tt.rows[u] = tr
	tt.list = append(tt.list, tr)
	return tr
}

// delete removes a row (which must exist) from the transaction's view.
func (tx *txn) delete(t *table, u ovsdb.UUID) *txnRow {
	tt := tx.table(t)
	tr := tt.rows[u]
	if tr == nil {
		tr = &txnRow{tt: tt, uuid: u, old: t.rows[u]}
		tt.rows[u] = tr
		tt.list = append(tt.list, tr)
		return tr
	}
	tr.new = nil
	return tr
}
