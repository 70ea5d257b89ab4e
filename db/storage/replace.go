package storage

import (
	"bufio"
	"crypto/sha1"
	"os"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/proto/ovsjson"
)

// replaceHook, when set by tests, runs before each record is written to the
// temporary file and after the last; an error from it makes Replace fail
// there, as a full disk would.
var replaceHook func(record int) error

// Replace atomically replaces the whole file with records (a compaction or a
// schema conversion): records go to "<file>.tmp" next to the file (the name
// OVS uses, so a leftover from a crash is recognisable and is removed by the
// next Replace), which is synced and renamed over the file; then the
// directory is synced. The file that path resolves to is replaced, not a
// symlink on the way to it. The Log goes on appending to the new file and
// keeps its lock (the lock file is separate from the data file).
//
// If Replace fails before the rename, the old file is untouched and the Log
// goes on appending to it. Records buffered before Replace are written to the
// old file first.
//
// renameio does the same dance, but it picks a random temporary name and
// closes the file; keeping OVS's name and the open descriptor is why this is
// done by hand.
func (l *Log) Replace(records []ovsjson.Value) error {
	if err := l.beginWrite(); err != nil {
		return err
	}
	if err := l.flush(); err != nil {
		return err
	}
	real := followSymlinks(l.path)
	tmpName := real + ".tmp"
	if err := os.Remove(tmpName); err != nil && !os.IsNotExist(err) {
		return ioError(tmpName, "unlink failed", err)
	}
	tmp, err := os.OpenFile(tmpName, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o660)
	if err != nil {
		return ioError(tmpName, "create failed", err)
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmpName)
		return err
	}
	// Compaction must not widen access to the data.
	if fi, err := l.f.Stat(); err == nil {
		tmp.Chmod(fi.Mode().Perm())
	}

	size, err := l.writeRecords(tmp, tmpName, records)
	if err != nil {
		return fail(err)
	}
	if err := unix.Fdatasync(int(tmp.Fd())); err != nil {
		return fail(ioError(tmpName, "fsync failed", err))
	}
	if err := os.Rename(tmpName, real); err != nil {
		return fail(ioError(tmpName, "rename failed", err))
	}

	// From here on the new file is the database, whatever else fails.
	l.f.Close()
	l.f = tmp
	l.offset = size
	l.size = size
	l.writing = true
	l.needTrunc = false
	l.r = nil
	l.body = nil
	l.tail = nil
	if err := syncDir(real); err != nil {
		return ioError(real, "fsync failed", err)
	}
	return nil
}

func (l *Log) writeRecords(f *os.File, name string, records []ovsjson.Value) (int64, error) {
	w := bufio.NewWriterSize(f, 1<<20)
	h := sha1.New()
	var sum [sha1.Size]byte
	var hdr []byte
	var size int64
	for i, v := range records {
		if replaceHook != nil {
			if err := replaceHook(i); err != nil {
				return 0, ioError(name, "write failed", err)
			}
		}
		if v.Kind != ovsjson.Object && v.Kind != ovsjson.Raw {
			return 0, l.notObject()
		}
		l.enc = ovsjson.Append(l.enc[:0], v, 0)
		if !startsObject(l.enc) {
			return 0, l.notObject()
		}
		h.Reset()
		h.Write(l.enc)
		h.Write(newline)
		hdr = appendHeader(hdr[:0], len(l.enc)+1, h.Sum(sum[:0]))
		w.Write(hdr)
		w.Write(l.enc)
		if err := w.WriteByte('\n'); err != nil {
			return 0, ioError(name, "write failed", err)
		}
		size += int64(len(hdr) + len(l.enc) + 1)
	}
	if replaceHook != nil {
		if err := replaceHook(len(records)); err != nil {
			return 0, ioError(name, "write failed", err)
		}
	}
	if err := w.Flush(); err != nil {
		return 0, ioError(name, "write failed", err)
	}
	return size, nil
}
