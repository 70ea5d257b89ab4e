package ovsdbtool

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/proto/ovsjson"
)

func (t *tool) compact(args []string) error {
	comment := "compacted by " + program + " " + version.Version
	return t.rewrite(dbArg(args, 0), nil, args[min(1, len(args)):], comment)
}

func (t *tool) convert(args []string) error {
	schema, err := schemaArg(args, 1)
	if err != nil {
		return err
	}
	comment := "converted by " + program + " " + version.Version
	return t.rewrite(dbArg(args, 0), schema, args[min(2, len(args)):], comment)
}

// rewrite writes the database at path as two records, its schema and one
// transaction holding every row (with target set, converted to that
// schema), either in place, atomically, or to dst[0]. As in OVS, a
// destination that exists is overwritten if it is empty or a standalone
// database, and refused otherwise.
func (t *tool) rewrite(path string, target *ovsdb.Schema, dst []string, comment string) error {
	if len(dst) == 0 {
		f, err := loadDB(path, storage.ReadWrite, target)
		if err != nil {
			return lockDetail(err)
		}
		defer f.log.Close()
		records, err := rewriteRecords(f, path, target, comment)
		if err != nil {
			return err
		}
		if err := f.log.Replace(records); err != nil {
			return err
		}
		return f.log.Close()
	}

	out, created, dstErr := openDestination(dst[0])
	if dstErr != nil && isLockError(dstErr) {
		return lockDetail(dstErr)
	}
	cleanup := func() {
		if out != nil {
			out.Close()
			if created {
				os.Remove(dst[0])
			}
		}
	}
	// OVS reads the database before it looks at what the destination
	// holds, so the database's errors come first.
	f, err := loadDB(path, storage.ReadOnly, target)
	if err == nil {
		defer f.log.Close()
	}
	if err == nil && dstErr != nil {
		err = dstErr
	}
	var records []ovsjson.Value
	if err == nil {
		records, err = rewriteRecords(f, path, target, comment)
	}
	if err != nil {
		cleanup()
		return err
	}
	if created {
		for _, r := range records {
			if err := out.WriteRecord(r); err != nil {
				cleanup()
				return err
			}
		}
		if err := out.Commit(true); err != nil {
			cleanup()
			return err
		}
	} else if err := out.Replace(records); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// rewriteRecords is the content of a compacted or converted database.
func rewriteRecords(f *dbFile, path string, target *ovsdb.Schema, comment string) ([]ovsjson.Value, error) {
	if target != nil && f.stopped {
		// The replay under the new schema stopped at a transaction that
		// failed. If the file's own schema stops there too, the record is
		// not part of the database anyway; if not, the conversion itself
		// broke it (a row limit, an index, a reference), and OVS's
		// silent truncation would lose data: refuse.
		g, err := loadDB(path, storage.ReadOnly, nil)
		if err != nil {
			return nil, err
		}
		g.log.Close()
		if !g.stopped || g.applied > f.applied {
			return nil, f.stopErr
		}
	}
	schema := f.schema
	if target != nil {
		schema = target
	}
	snap := f.db.SnapshotAt(time.Now())
	members := make([]ovsjson.Member, 0, len(snap.O)+1)
	for _, m := range snap.O {
		// OVS's compacted record is plain inserts, without "_is_diff".
		if m.Key != "_is_diff" {
			members = append(members, m)
		}
	}
	members = append(members, ovsjson.M("_comment", ovsjson.NewString(comment)))
	return []ovsjson.Value{schema.ToJSON(), {Kind: ovsjson.Object, O: members}}, nil
}

// openDestination opens the file a compaction or conversion writes to,
// taking its lock: a new file is created (created is then true), an empty
// one is replaced by a new one with the same permissions, and an existing
// standalone database is opened to be replaced as a whole.
func openDestination(path string) (l *storage.Log, created bool, err error) {
	fi, statErr := os.Stat(path)
	switch {
	case statErr != nil:
		l, err = storage.Open(path, storage.CreateExcl)
		return l, err == nil, err
	case fi.Mode().IsRegular() && fi.Size() == 0:
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			real = path
		}
		if err := os.Remove(real); err != nil {
			return nil, false, &storage.Error{Tag: storage.TagIO, Msg: path + ": unlink failed", Err: err}
		}
		l, err = storage.Open(real, storage.CreateExcl)
		if err == nil {
			os.Chmod(real, fi.Mode().Perm())
		}
		return l, false, err
	}
	l, err = storage.Open(path, storage.ReadWrite)
	if errors.Is(err, storage.ErrClustered) {
		err = &storage.Error{Tag: storage.TagOVSDB, Msg: path + ": cannot identify file type"}
	}
	return l, false, err
}

func isLockError(err error) bool {
	var e *storage.Error
	return errors.As(err, &e) && strings.HasSuffix(e.Msg, ": failed to lock lockfile")
}

// lockDetail drops the "I/O error" tag from a failure to lock, as OVS's
// compact and convert print it.
func lockDetail(err error) error {
	var e *storage.Error
	if isLockError(err) && errors.As(err, &e) {
		return errors.New(e.Detail())
	}
	return err
}
