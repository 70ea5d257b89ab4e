package ovsdbclient

import (
	"crypto/sha1"
	"encoding/hex"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

const backupComment = `produced by "ovsdb-client backup"`

// writeRecord writes v as one record of a standalone database file.
func (c *client) writeRecord(v ovsjson.Value) {
	body := ovsjson.Marshal(v)
	body = append(body, '\n')
	sum := sha1.Sum(body)
	c.stdout.WriteString(storage.Magic + " " + strconv.Itoa(len(body)) + " " + hex.EncodeToString(sum[:]) + "\n")
	c.stdout.Write(body)
}

// backup writes the database as a standalone database file: the schema,
// then one transaction record inserting every row. The schema goes out
// before the rows are asked for, as in OVS, so a failure leaves it behind.
func (c *client) backup(args []string) error {
	s, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	c.writeRecord(s.schemaJSON())

	ops := []ovsjson.Value{ovsjson.NewString(c.database)}
	columns := make([][]*ovsdb.ColumnSchema, len(s.tables))
	for i, ts := range s.tables {
		var names []ovsjson.Value
		for _, col := range s.columns[ts.Name] {
			if col.Ephemeral || col.Name == "_version" {
				continue
			}
			columns[i] = append(columns[i], col)
			names = append(names, ovsjson.NewString(col.Name))
		}
		ops = append(ops, ovsjson.NewObject(
			ovsjson.M("op", ovsjson.NewString("select")),
			ovsjson.M("table", ovsjson.NewString(ts.Name)),
			ovsjson.M("where", ovsjson.NewArray()),
			ovsjson.M("columns", ovsjson.NewArray(names...))))
	}
	result, err := c.rpc.call("transact", ovsjson.NewArray(ops...))
	if err != nil {
		return err
	}
	if result.Kind != ovsjson.Array || len(result.A) != len(s.tables) {
		return fatalf("reply is not array of %d elements: %s", len(s.tables), unsortedJSON(result))
	}

	var record []ovsjson.Member
	for i, ts := range s.tables {
		reply := result.A[i]
		rows, ok := reply.Get("rows")
		if reply.Kind != ovsjson.Object || !ok || rows.Kind != ovsjson.Array {
			return fatalf("%s table reply is not an object with a \"rows\" member array: %s",
				ts.Name, unsortedJSON(reply))
		}
		if len(rows.A) == 0 {
			continue
		}
		tableJSON := make([]ovsjson.Member, 0, len(rows.A))
		for j, row := range rows.A {
			if row.Kind != ovsjson.Object {
				return fatalf("row %d in table %s response is not a JSON object: %s",
					j, ts.Name, unsortedJSON(row))
			}
			// OVS parses the row into a hash map, deletes "_uuid" from
			// it and writes the rest: the members keep the order the map
			// had with "_uuid" in it.
			var uuid string
			values := make([]ovsjson.Member, 0, len(row.O))
			for _, m := range row.O {
				col, ok := ts.Columns[m.Key]
				if !ok {
					values = append(values, m)
					continue
				}
				d, err := ovsdb.DatumFromJSON(&col.Type, m.Value, nil)
				if err != nil {
					return err
				}
				if col.Name == "_uuid" {
					uuid = d.Keys[0].UUID().String()
				}
				values = append(values, ovsjson.M(m.Key, d.ToJSON(&col.Type)))
			}
			ordered := shallowOrder(values)
			values = make([]ovsjson.Member, 0, len(ordered.O))
			for _, m := range ordered.O {
				if m.Key != "_uuid" {
					values = append(values, m)
				}
			}
			if uuid == "" {
				return fatalf("row %d in table %s response lacks _uuid column", j, ts.Name)
			}
			tableJSON = append(tableJSON, ovsjson.M(uuid, ovsjson.Value{Kind: ovsjson.Object, O: values}))
		}
		record = append(record, ovsjson.M(ts.Name, shallowOrder(tableJSON)))
	}
	record = append(record,
		ovsjson.M("_comment", ovsjson.NewString(backupComment)),
		ovsjson.M("_is_diff", ovsjson.NewBool(true)),
		ovsjson.M("_date", ovsjson.NewInt(time.Now().UnixMilli())))
	c.writeRecord(shallowOrder(record))
	return nil
}

// readSnapshot reads a standalone database file from standard input, as
// OVS does by opening /dev/stdin: a regular file is read like any
// database file; a pipe can be told apart from a file of another kind but
// not read, because OVS must seek back to the start after identifying it.
func (c *client) readSnapshot() (ovsjson.Value, []ovsjson.Value, error) {
	const name = "/dev/stdin"
	if f, ok := c.stdin.(*os.File); ok {
		if _, err := f.Seek(0, io.SeekCurrent); err == nil {
			return storage.ReadAll(name)
		}
	}
	head := make([]byte, 0, 128)
	buf := make([]byte, 128)
	for len(head) < 128 {
		n, err := c.stdin.Read(buf[:128-len(head)])
		head = append(head, buf[:n]...)
		if err != nil || strings.IndexByte(string(head), '\n') >= 0 {
			break
		}
	}
	if len(head) == 0 {
		return ovsjson.Value{}, nil, &storage.Error{Tag: storage.TagOVSDB, Msg: name + ": cannot identify file type"}
	}
	line := string(head)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if !looksLikeHeader(line) {
		return ovsjson.Value{}, nil, &storage.Error{Tag: storage.TagOVSDB, Msg: name + ": unexpected file format"}
	}
	return ovsjson.Value{}, nil, &storage.Error{Tag: storage.TagIO, Msg: name + ": seek failed", Err: syscall.ESPIPE}
}

// looksLikeHeader reports whether line is a record header OVS would
// accept as the start of a database file: a magic, a length and a SHA-1.
func looksLikeHeader(line string) bool {
	for _, magic := range []string{storage.Magic, storage.ClusterMagic} {
		rest, ok := strings.CutPrefix(line, magic+" ")
		if !ok {
			continue
		}
		length, sum, ok := strings.Cut(rest, " ")
		if !ok || length == "" || len(sum) != 40 {
			return false
		}
		for _, ch := range length {
			if ch < '0' || ch > '9' {
				return false
			}
		}
		_, err := hex.DecodeString(sum)
		return err == nil
	}
	return false
}

// restore replaces the database's contents by a snapshot's, in one
// transaction: every table emptied, every row inserted again (under a new
// UUID, since clients cannot choose UUIDs; references between restored
// rows become named-uuid references).
func (c *client) restore(args []string) error {
	rawSchema, txns, err := c.readSnapshot()
	if err != nil {
		return err
	}
	backup, err := parseSchema(rawSchema)
	if err != nil {
		return err
	}
	db := database.New(backup.Schema)
	for _, txn := range txns {
		if err := db.ApplyFileRecord(txn); err != nil {
			return err
		}
	}

	current, err := c.fetchSchema(c.database)
	if err != nil {
		return err
	}
	if !ovsjson.Equal(current.ToJSON(), backup.ToJSON()) {
		var msg string
		if current.Version != backup.Version {
			msg = "backup schema has version \"" + backup.Version +
				"\" but database schema has version \"" + current.Version + "\""
		} else {
			msg = "backup schema and database schema are both version " + backup.Version +
				" but still differ"
		}
		if !c.force {
			return fatalf("%s (use --force to override differences, or \"ovsdb-client convert\" to change the schema)", msg)
		}
		logClient.Info("%s", msg)
	}

	// OVS walks the tables of the database it loaded, a third hash map
	// filled from the schema's.
	names := make([]string, len(backup.tables))
	for i, ts := range backup.tables {
		names[i] = ts.Name
	}
	order := rowOrder(backup.Schema, txns)
	ops := []ovsjson.Value{ovsjson.NewString(backup.Name)}
	db.View(func(tx database.ReadTx) {
		for _, name := range hashSorted(names) {
			ts := backup.Tables[name]
			ops = append(ops, ovsjson.NewObject(
				ovsjson.M("op", ovsjson.NewString("delete")),
				ovsjson.M("table", ovsjson.NewString(ts.Name)),
				ovsjson.M("where", ovsjson.NewArray())))
			for _, u := range order[ts.Name] {
				if row := tx.Row(ts.Name, u); row != nil {
					ops = append(ops, restoreInsert(ts, backup.columns[ts.Name], row))
				}
			}
		}
	})
	result, err := c.rpc.call("transact", ovsjson.NewArray(ops...))
	if err != nil {
		return err
	}
	if result.Kind == ovsjson.Array {
		for _, r := range result.A {
			if r.Has("error") {
				return fatalf("server returned error reply: %s", r.String())
			}
		}
	}
	return nil
}

// uuidName is the named-uuid a restored row is inserted under.
func uuidName(u ovsdb.UUID) string {
	return "row" + strings.ReplaceAll(u.String(), "-", "_")
}

// restoreInsert is the insert operation for one row: the columns that do
// not hold their default value, with references to other rows turned into
// references by name.
func restoreInsert(ts *ovsdb.TableSchema, cols []*ovsdb.ColumnSchema, row *ovsdb.Row) ovsjson.Value {
	values := make([]ovsjson.Member, 0, len(cols))
	for _, col := range cols {
		if col.Name == "_uuid" || col.Name == "_version" || col.Ephemeral {
			continue
		}
		d := row.Get(col)
		def := ovsdb.DefaultDatum(&col.Type)
		if d.Equal(&def) {
			continue
		}
		v := d.ToJSON(&col.Type)
		if col.Type.Key.RefTable != "" || col.Type.Value.RefTable != "" {
			v = namedRefs(v, &col.Type, d)
		}
		values = append(values, ovsjson.M(col.Name, v))
	}
	return ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("insert")),
		ovsjson.M("table", ovsjson.NewString(ts.Name)),
		ovsjson.M("uuid-name", ovsjson.NewString(uuidName(row.UUID))),
		ovsjson.M("row", ovsjson.Value{Kind: ovsjson.Object, O: values}))
}

// namedRefs rewrites the ["uuid", U] atoms of a reference column's JSON
// value as ["named-uuid", "rowU"].
func namedRefs(v ovsjson.Value, t *ovsdb.Type, d *ovsdb.Datum) ovsjson.Value {
	switch v.Kind {
	case ovsjson.Array:
		if len(v.A) == 2 && v.A[0].Kind == ovsjson.String && v.A[0].S == "uuid" && v.A[1].Kind == ovsjson.String {
			if u, ok := ovsdb.ParseUUID(v.A[1].S); ok {
				return ovsjson.NewArray(ovsjson.NewString("named-uuid"), ovsjson.NewString(uuidName(u)))
			}
			return v
		}
		a := make([]ovsjson.Value, len(v.A))
		for i, e := range v.A {
			a[i] = namedRefs(e, t, d)
		}
		return ovsjson.Value{Kind: ovsjson.Array, A: a}
	}
	return v
}

// rowOrder replays how OVS loads a database file into its tables' row
// maps (hash maps keyed by the first 32 bits of the row UUID): rows are
// added record by record, each record's rows in the order of its JSON
// object, and deleted rows leave the map. It returns, per table, the row
// UUIDs in the order OVS then iterates them.
func rowOrder(s *ovsdb.Schema, txns []ovsjson.Value) map[string][]ovsdb.UUID {
	type tableRows struct {
		t     ovsjson.HashMap
		uuids []ovsdb.UUID
		index map[ovsdb.UUID]int
	}
	tables := make(map[string]*tableRows)
	for _, txn := range txns {
		for _, tm := range txn.O {
			if _, ok := s.Tables[tm.Key]; !ok || tm.Value.Kind != ovsjson.Object {
				continue
			}
			tr := tables[tm.Key]
			if tr == nil {
				tr = &tableRows{index: make(map[ovsdb.UUID]int)}
				tables[tm.Key] = tr
			}
			rows := shallowOrder(tm.Value.O)
			for _, rm := range rows.O {
				u, ok := ovsdb.ParseUUID(rm.Key)
				if !ok {
					continue
				}
				i, present := tr.index[u]
				switch {
				case rm.Value.IsNull() && present:
					tr.t.Remove(i)
					delete(tr.index, u)
				case !rm.Value.IsNull() && !present:
					tr.index[u] = len(tr.uuids)
					tr.uuids = append(tr.uuids, u)
					tr.t.Insert(uint32(u[0])<<24 | uint32(u[1])<<16 | uint32(u[2])<<8 | uint32(u[3]))
				}
			}
		}
	}
	out := make(map[string][]ovsdb.UUID, len(tables))
	for name, tr := range tables {
		for _, i := range tr.t.Order() {
			out[name] = append(out[name], tr.uuids[i])
		}
	}
	return out
}
