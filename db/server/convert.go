package server

import (
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/proto/ovsjson"
)

// convert handles "convert": the database gets a new schema, its data
// carried over (columns and tables the new schema lacks are dropped, new
// columns get their defaults, and every value must fit its new type).
// Clients that asked for change awareness see their monitors of the
// database canceled and their transactions waiting on it fail; the others
// are disconnected, the converting client after its reply, as OVS does.
func (ss *session) convert(id, p ovsjson.Value) {
	d, err := ss.database(p, "convert")
	if err != nil {
		ss.replyError(id, err)
		return
	}
	if len(p.A) != 2 {
		ss.replyError(id, ovsdb.NewSyntaxError(p, "array expected"))
		return
	}
	schema, err := ovsdb.ParseSchema(p.A[1])
	if err != nil {
		ss.replyError(id, err)
		return
	}
	if schema.Name != d.name {
		ss.replyError(id, ovsdb.Errorf("invalid parameters",
			"new schema name (%s) does not match database name (%s)", schema.Name, d.name))
		return
	}
	if d.reserved {
		// OVS 3.1 converts _Server, which breaks it.
		ss.replyError(id, ovsdb.Errorf("not allowed", "convert operation not allowed on reserved database %s", d.name))
		return
	}
	if err := d.convert(schema); err != nil {
		ss.replyError(id, err)
		return
	}
	ss.reply(id, ovsjson.NewObject())

	reason := "committed " + d.name + " database schema conversion"
	ss.srv.mu.Lock()
	sessions := ss.srv.sessionList()
	ss.srv.mu.Unlock()
	for _, other := range sessions {
		switch {
		case !other.dbChangeAware.Load():
			other.disconnect(reason)
		case other == ss:
			ss.cancelDatabase(d)
		default:
			other.post(func() { other.cancelDatabase(d) })
		}
	}
	d.srv.updateServerRow(d)
}

// convert replaces the database with a copy under schema.
func (d *dbState) convert(schema *ovsdb.Schema) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	if d.removed.Load() {
		return ovsdb.NewError(ovsdb.ErrUnknownDatabase, d.name)
	}
	old := d.cur.Load()
	converted := database.New(schema)
	if rec, ok := conversionRecord(old.db, schema); ok {
		if err := converted.ApplyFileRecord(rec); err != nil {
			return err
		}
	}
	if hook := d.srv.opts.Convert; hook != nil {
		if err := hook(d.name, converted); err != nil {
			if e, ok := err.(*ovsdb.Error); ok {
				return e
			}
			return ovsdb.NewError(ovsdb.ErrIO, err.Error())
		}
	}
	d.mu.Lock()
	d.cur.Store(&dbContents{db: converted, schema: schema})
	d.detachAllLocked()
	d.history = nil
	if d.srv.historyLen > 0 {
		d.lastTxn = ovsdb.NewUUID()
		d.histBase = d.lastTxn
	}
	d.seq.Add(1)
	d.mu.Unlock()
	return nil
}

// detachAllLocked detaches every monitor of d; they are about to be
// canceled. d.mu is held.
func (d *dbState) detachAllLocked() {
	for _, sh := range d.shapes {
		for _, m := range sh.monitors {
			m.sh = nil
			m.pending = changeSet{}
			m.behind = false
		}
	}
	clear(d.shapes)
}

// conversionRecord returns a database file record that inserts db's rows
// as schema sees them: every column the two schemas share, with its whole
// value (defaults included, so that a value that no longer fits its type
// is refused, as OVS refuses it).
func conversionRecord(db *database.Database, schema *ovsdb.Schema) (ovsjson.Value, bool) {
	oldSchema := db.Schema()
	members := []ovsjson.Member{ovsjson.M("_date", ovsjson.NewInt(time.Now().UnixMilli()))}
	db.View(func(tx database.ReadTx) {
		for _, tn := range schema.TableNames {
			ots := oldSchema.Tables[tn]
			nts := schema.Tables[tn]
			if ots == nil {
				continue
			}
			var cols []*ovsdb.ColumnSchema
			for _, c := range nts.AllColumns[2:] {
				if oc, ok := ots.Columns[c.Name]; ok {
					cols = append(cols, oc)
				}
			}
			var rows []ovsjson.Member
			tx.Rows(tn, func(row *ovsdb.Row) bool {
				rows = append(rows, ovsjson.Member{Key: row.UUID.String(), Value: row.ToJSON(ots, cols)})
				return true
			})
			if len(rows) > 0 {
				members = append(members, ovsjson.M(tn, ovsjson.NewObject(rows...)))
			}
		}
	})
	return ovsjson.NewObject(members...), len(members) > 1
}
