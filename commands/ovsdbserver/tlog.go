package ovsdbserver

import (
	"errors"
	"sort"
	"strings"
	"sync"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

// Transaction logging (ovsdb-server/tlog-set): every row a commit inserts,
// updates or deletes in a chosen table is logged at INFO, whole, under the
// "transaction" module, as OVS does.

var (
	logTxn = vlog.NewModule("transaction")
	txnRL  = vlog.NewRateLimit(30, 60)
)

// tlogState is which tables are logged, per database. The commit hook
// reads it, so it has its own lock.
type tlogState struct {
	mu     sync.RWMutex
	tables map[string]map[string]*tlogTable // db -> table -> settings
}

type tlogTable struct {
	on bool
	// columns in the order OVS logs them: its hash order of the table's
	// columns, which follows from the order of the columns in the schema
	// the database was loaded with.
	columns []*ovsdb.ColumnSchema
}

// addDatabase prepares logging settings (all off) for a database whose
// schema record is schemaRec.
func (t *tlogState) addDatabase(schema *ovsdb.Schema, schemaRec ovsjson.Value) {
	m := make(map[string]*tlogTable, len(schema.Tables))
	tables, _ := schemaRec.Get("tables")
	for name, ts := range schema.Tables {
		var textOrder []string
		if tv, ok := tables.Get(name); ok {
			if cols, ok := tv.Get("columns"); ok && cols.Kind == ovsjson.Object {
				for _, c := range cols.O {
					textOrder = append(textOrder, c.Key)
				}
			}
		}
		m[name] = &tlogTable{columns: tlogColumnOrder(ts, textOrder)}
	}
	t.mu.Lock()
	if t.tables == nil {
		t.tables = make(map[string]map[string]*tlogTable)
	}
	t.tables[schema.Name] = m
	t.mu.Unlock()
}

// tlogColumnOrder replays how OVS builds a table's column map: "_uuid" and
// "_version" first, then the columns in the order OVS iterates the parsed
// "columns" object (its hash order over the order in the text).
func tlogColumnOrder(ts *ovsdb.TableSchema, textOrder []string) []*ovsdb.ColumnSchema {
	var user []string
	seen := make(map[string]bool)
	for _, n := range textOrder {
		if _, ok := ts.Columns[n]; ok && !seen[n] {
			seen[n] = true
			user = append(user, n)
		}
	}
	for _, n := range ts.ColumnNames {
		if !seen[n] {
			user = append(user, n)
		}
	}
	keys := []string{"_uuid", "_version"}
	for _, i := range ovsjson.HashOrder(user) {
		keys = append(keys, user[i])
	}
	cols := make([]*ovsdb.ColumnSchema, 0, len(keys))
	for _, i := range ovsjson.HashOrder(keys) {
		cols = append(cols, ts.Columns[keys[i]])
	}
	return cols
}

func (t *tlogState) removeDatabase(name string) {
	t.mu.Lock()
	delete(t.tables, name)
	t.mu.Unlock()
}

// set is ovsdb-server/tlog-set DB:TABLE on|off.
func (t *tlogState) set(dbTable, onOff string) error {
	var on bool
	switch strings.ToLower(onOff) {
	case "on":
		on = true
	case "off":
	default:
		return errors.New("invalid command argument")
	}
	var fields []string
	for _, f := range strings.Split(dbTable, ":") {
		if f != "" {
			fields = append(fields, f)
		}
	}
	if len(fields) != 2 {
		return errors.New("invalid DB:TABLE argument")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tables, ok := t.tables[fields[0]]
	if !ok {
		return errors.New("no such database")
	}
	tt, ok := tables[fields[1]]
	if !ok {
		return errors.New("no such table")
	}
	tt.on = on
	return nil
}

// list is ovsdb-server/tlog-list.
func (t *tlogState) list() string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	var b strings.Builder
	b.WriteString("database        table                       logging\n")
	b.WriteString("--------        -----                       -------\n")
	dbs := make([]string, 0, len(t.tables))
	for name := range t.tables {
		dbs = append(dbs, name)
	}
	sort.Strings(dbs)
	for _, db := range dbs {
		b.WriteString(padRight(db, 16) + " \n")
		tables := make([]string, 0, len(t.tables[db]))
		for name := range t.tables[db] {
			tables = append(tables, name)
		}
		sort.Strings(tables)
		for _, name := range tables {
			state := "OFF"
			if t.tables[db][name].on {
				state = "ON"
			}
			b.WriteString(strings.Repeat(" ", 16) + padRight(name, 28) + state + "\n")
		}
	}
	return b.String()
}

func padRight(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

// logCommit logs the rows c changed in the tables being logged.
func (t *tlogState) logCommit(db string, c *database.Commit) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	tables := t.tables[db]
	if tables == nil {
		return
	}
	for _, tc := range c.Changes {
		tt := tables[tc.Table.Name]
		if tt == nil || !tt.on {
			continue
		}
		for i := range tc.Rows {
			rc := &tc.Rows[i]
			op, row := "updated", rc.New
			switch {
			case rc.Old == nil:
				op = "inserted"
			case rc.New == nil:
				op, row = "deleted", rc.Old
			}
			logTxn.InfoRL(txnRL, "%s", tlogLine(tc.Table.Name, op, tt.columns, row))
		}
	}
}

func tlogLine(table, op string, cols []*ovsdb.ColumnSchema, row *ovsdb.Row) string {
	b := make([]byte, 0, 256)
	b = append(b, "table:"...)
	b = append(b, table...)
	b = append(b, ",op:"...)
	b = append(b, op...)
	for _, col := range cols {
		b = append(b, ',')
		b = append(b, col.Name...)
		b = append(b, ':')
		b = row.Get(col).AppendString(b, &col.Type)
	}
	return string(b)
}
