package ovsdbserver

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// The "_comment" OVS gives the records it writes when it rewrites a file.
const (
	compactComment = "compacting database online"
	convertComment = "converted by ovsdb-server"
)

// dbFile is one database served from a standalone file: its log, open for
// appending with OVS's lock held, and the in-memory database replayed from
// it.
type dbFile struct {
	// path is the file name as given on the command line or to add-db;
	// real is the name it resolves to, which tells "already open".
	path, real string

	// mu serialises writes to the log. The commit hook and compaction
	// hold it; both run with the database's writer lock held as well.
	mu     sync.Mutex
	log    *storage.Log
	db     *database.Database
	schema ovsjson.Value // the schema record, written again on compaction
	cstate storage.CompactionState
	// noDiff writes modified columns whole (--disable-file-column-diff).
	noDiff bool
	// trim gives freed memory back to the system after a compaction
	// (ovsdb-server/memory-trim-on-compaction).
	trim *atomic.Bool
	// failed is set when a record reached the file but its commit
	// failed (an fdatasync error): the file then holds a transaction
	// that memory does not, so nothing more is appended until a
	// compaction rewrites the file from memory.
	failed error
	closed bool
	// rec is the buffer commit records are encoded into.
	rec []byte
}

func (f *dbFile) name() string { return f.db.Schema().Name }

// realPath resolves path as OVS does to notice that a file is already
// served under another name: absolute, with symlinks followed.
func realPath(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	return abs
}

// openDBFile opens the database file at path, takes its lock and replays
// its records. A torn or corrupt tail is logged and the file served up to
// it (the next write cuts it off), as OVS does; a record that fails to
// apply is logged and skipped, also as OVS does. Errors read as OVS's,
// e.g. "I/O error: x.db: open failed (No such file or directory)".
func openDBFile(path string) (*dbFile, error) {
	l, err := storage.Open(path, storage.ReadWrite)
	if err != nil {
		return nil, err
	}
	f, err := replay(l)
	if err != nil {
		l.Close()
		return nil, err
	}
	f.path = path
	f.real = realPath(path)
	return f, nil
}

func replay(l *storage.Log) (*dbFile, error) {
	schemaRec, err := l.ReadRecord()
	if err == io.EOF {
		if err = l.TailError(); err == nil {
			err = &storage.Error{Tag: storage.TagIO, Msg: l.Path() + ": unexpected end of file", Err: io.EOF}
		}
	}
	if err != nil {
		return nil, err
	}
	schema, err := ovsdb.ParseSchema(schemaRec)
	if err != nil {
		return nil, err
	}
	f := &dbFile{log: l, db: database.New(schema), schema: schemaRec}
	txns := 0
	for {
		rec, err := l.ReadRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		txns++
		if err := f.db.ReplayFileRecord(rec); err != nil {
			if database.IsTransactionError(err) {
				logServer.Info("%s", err.Error())
			} else {
				logServer.Err("%s", err.Error())
			}
		}
	}
	if err := l.TailError(); err != nil {
		// OVS logs this again on every wakeup of its main loop, for as
		// long as it runs; once says it.
		logServer.Err("%s", err.Error())
	}
	f.cstate = storage.NewCompactionState(l.Offset(), txns, time.Now())
	return f, nil
}

// write appends a commit's record to the file before anyone hears of the
// commit, durably if the transaction asked for it, and compacts the file
// when it has grown enough. It runs in the commit hook, with the
// database's writer lock held.
func (f *dbFile) write(c *database.Commit, now time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return &storage.Error{Tag: storage.TagIO, Msg: f.path + ": database file closed"}
	}
	if f.failed != nil {
		return f.failed
	}
	if !c.HasFileRecord() {
		return nil
	}
	before := f.log.Offset()
	var err error
	if f.noDiff {
		err = f.log.WriteRecord(wholeRecord(c, c.FileRecord(now)))
	} else {
		f.rec = c.AppendFileRecord(f.rec[:0], now)
		err = f.log.WriteRaw(f.rec)
		if cap(f.rec) > 1<<20 {
			f.rec = nil // a huge commit should not pin its buffer
		}
	}
	if err == nil {
		err = f.log.Commit(c.Durable)
	}
	if err != nil {
		if f.log.Offset() > before {
			// The record is in the file (only the fdatasync failed)
			// while the server undoes the commit in memory: write
			// nothing more until a compaction makes them agree.
			f.failed = err
		}
		return err
	}
	f.cstate.TxnsSinceSnapshot++
	if storage.ShouldCompact(f.cstate, f.log.Offset(), now) {
		f.compactLocked(now, "")
	}
	return nil
}

// wholeRecord turns an "_is_diff" record into the older form in which a
// modified column carries its whole new value (--disable-file-column-diff).
func wholeRecord(c *database.Commit, rec ovsjson.Value) ovsjson.Value {
	out := make([]ovsjson.Member, 0, len(rec.O))
	for _, m := range rec.O {
		if m.Key != "_is_diff" {
			out = append(out, m)
		}
	}
	rec = ovsjson.Value{Kind: ovsjson.Object, O: out}
	for _, tc := range c.Changes {
		tv, ok := rec.Get(tc.Table.Name)
		if !ok {
			continue
		}
		for i := range tc.Rows {
			rc := &tc.Rows[i]
			if rc.Old == nil || rc.New == nil {
				continue
			}
			key := rc.UUID.String()
			row, ok := tv.Get(key)
			if !ok || row.Kind != ovsjson.Object {
				continue
			}
			for j := range row.O {
				if col, ok := tc.Table.Columns[row.O[j].Key]; ok {
					row.O[j].Value = rc.New.Fields[col.Index].ToJSON(&col.Type)
				}
			}
		}
	}
	return rec
}

// compact rewrites the file as its schema and one record holding every
// row. The caller holds the database's writer lock, so the snapshot is
// exactly what the file holds. why, if not empty, is logged as the reason.
func (f *dbFile) compact(why string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.compactLocked(time.Now(), why)
}

func (f *dbFile) compactLocked(now time.Time, why string) error {
	if f.closed {
		return &storage.Error{Tag: storage.TagIO, Msg: f.path + ": database file closed"}
	}
	name := f.name()
	if why != "" {
		logServer.Info("compacting %s database by %s", name, why)
	}
	start := time.Now()
	records := f.snapshot(f.schema, compactComment, f.db, now)
	built := time.Now()
	if err := f.log.Replace(records); err != nil {
		f.cstate.Postpone(now)
		logServer.Err("%s: compacting database failed: %s", name, err.Error())
		return err
	}
	logOVSDB.Dbg("%s: Database compaction took %dms (init: %dms, write: %dms, thread: 0ms)", name,
		time.Since(start).Milliseconds(), built.Sub(start).Milliseconds(), time.Since(built).Milliseconds())
	// The file now matches memory again, whatever failed before.
	f.failed = nil
	f.cstate = storage.NewCompactionState(f.log.Offset(), 0, now)
	if f.trim != nil && f.trim.Load() {
		debug.FreeOSMemory()
	}
	return nil
}

// due reports whether the automatic compaction rule asks for a compaction
// now, without the writer lock (compactIfDue checks again under it).
func (f *dbFile) due(now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.closed && storage.ShouldCompact(f.cstate, f.log.Offset(), now)
}

// compactIfDue compacts the file if the automatic compaction rule says
// so. OVS looks at it on every wakeup of its main loop, not only when a
// transaction is logged. The caller holds the database's writer lock.
func (f *dbFile) compactIfDue(now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed && storage.ShouldCompact(f.cstate, f.log.Offset(), now) {
		f.compactLocked(now, "")
	}
}

// snapshot is the content of a rewritten file: schema, then one record
// inserting every row of db.
func (f *dbFile) snapshot(schema ovsjson.Value, comment string, db *database.Database, now time.Time) []ovsjson.Value {
	snap := db.SnapshotAt(now)
	members := make([]ovsjson.Member, 0, len(snap.O)+1)
	for _, m := range snap.O {
		if m.Key == "_is_diff" && f.noDiff {
			continue
		}
		members = append(members, m)
		if m.Key == "_date" {
			members = append(members, ovsjson.M("_comment", ovsjson.NewString(comment)))
		}
	}
	return []ovsjson.Value{schema, {Kind: ovsjson.Object, O: members}}
}

// convert rewrites the file for a database converted to a new schema
// ("convert" from a client). The server holds the writer lock.
func (f *dbFile) convert(converted *database.Database) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return &storage.Error{Tag: storage.TagIO, Msg: f.path + ": database file closed"}
	}
	if f.failed != nil {
		return f.failed
	}
	schema := converted.Schema().ToJSON()
	now := time.Now()
	if err := f.log.Replace(f.snapshot(schema, convertComment, converted, now)); err != nil {
		return err
	}
	f.schema = schema
	f.db = converted
	f.cstate = storage.NewCompactionState(f.log.Offset(), 0, now)
	return nil
}

// close closes the log and releases the file's lock.
func (f *dbFile) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	f.closed = true
	if err := f.log.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		logServer.Warn("%s: %s", f.path, err.Error())
	}
}
