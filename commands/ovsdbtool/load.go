package ovsdbtool

import (
	"io"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// dbFile is a database file read into memory.
type dbFile struct {
	log    *storage.Log
	schema *ovsdb.Schema // the schema the file starts with
	db     *database.Database
	// applied counts the transaction records replayed. If stopped, the
	// record after them parsed but failed as a transaction, and it and
	// everything after it are not part of the database.
	applied int
	stopped bool
	stopErr error // why the replay stopped
	// end is where the database's records end in the file: where a write
	// would go, after cutting off what follows.
	end int64
}

// loadDB opens the database file at path in mode and replays its log into
// a database. With target set, the log is replayed under that schema
// instead of its own, ignoring the tables and columns target lacks: that
// is OVS's conversion. A torn tail is an error, as it is for every
// ovsdb-tool command that loads a database. On success the log stays open
// (for ReadWrite, with its lock); the caller closes it.
func loadDB(path string, mode storage.Mode, target *ovsdb.Schema) (*dbFile, error) {
	l, err := storage.Open(path, mode)
	if err != nil {
		return nil, err
	}
	f, err := replay(l, target)
	if err != nil {
		l.Close()
		return nil, err
	}
	return f, nil
}

func replay(l *storage.Log, target *ovsdb.Schema) (*dbFile, error) {
	schema, err := readSchemaRecord(l)
	if err != nil {
		return nil, err
	}
	f := &dbFile{log: l, schema: schema}
	s := schema
	if target != nil {
		s = target
	}
	f.db = database.New(s)
	for {
		f.end = l.Offset()
		rec, err := l.ReadRecord()
		if err == io.EOF {
			if err := l.TailError(); err != nil {
				return nil, err
			}
			return f, nil
		}
		if err != nil {
			return nil, err
		}
		if target != nil {
			rec = projectRecord(rec, target)
		}
		if err := applyRecord(f.db, rec); err != nil {
			if database.IsTransactionError(err) {
				f.stopped, f.stopErr = true, err
				return f, nil
			}
			return nil, err
		}
		f.applied++
	}
}

// applyRecord replays one record as OVS does. Where a record with a
// non-integer "_date" also breaks a commit-time rule before it, the load
// fails either way and ovsdb-tool reports the "_date" problem.
func applyRecord(db *database.Database, rec ovsjson.Value) error {
	err := db.ReplayFileRecord(rec)
	if d, ok := rec.Get("_date"); ok && d.Kind == ovsjson.Real && database.IsTransactionError(err) {
		return &ovsdb.Error{Tag: "unknown table", Details: "No table named _date.", Syntax: rec.String()}
	}
	return err
}

// projectRecord drops from a transaction record the tables and columns that
// schema does not have, as OVS's conversion ignores them. To OVS a "_date"
// that is not an integer, or an "_is_diff" that is not a boolean, is a table
// too, and so it goes as well. Malformed tables and rows are kept, for the
// replay to judge.
func projectRecord(rec ovsjson.Value, schema *ovsdb.Schema) ovsjson.Value {
	if rec.Kind != ovsjson.Object {
		return rec
	}
	out := make([]ovsjson.Member, 0, len(rec.O))
	for _, m := range rec.O {
		switch {
		case m.Key == "_comment",
			m.Key == "_date" && m.Value.Kind == ovsjson.Integer,
			m.Key == "_is_diff" && m.Value.IsBool():
			out = append(out, m)
			continue
		}
		ts := schema.Tables[m.Key]
		if ts == nil {
			continue
		}
		if m.Value.Kind == ovsjson.Object {
			rows := make([]ovsjson.Member, len(m.Value.O))
			for i, r := range m.Value.O {
				rows[i] = r
				if r.Value.Kind != ovsjson.Object {
					continue
				}
				cols := make([]ovsjson.Member, 0, len(r.Value.O))
				for _, c := range r.Value.O {
					if _, ok := ts.Columns[c.Key]; ok {
						cols = append(cols, c)
					}
				}
				rows[i].Value = ovsjson.Value{Kind: ovsjson.Object, O: cols}
			}
			m.Value = ovsjson.Value{Kind: ovsjson.Object, O: rows}
		}
		out = append(out, m)
	}
	return ovsjson.Value{Kind: ovsjson.Object, O: out}
}
