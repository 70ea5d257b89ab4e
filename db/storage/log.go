package storage

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

// The module is registered so that vlog/list shows it as OVS's does. OVS's
// log layer is silent about torn tails (ovsdb-server reports them), and so
// is this one.
var _ = vlog.NewModule("ovsdb_log")

// Mode says how Open opens a database file.
type Mode int

const (
	// ReadOnly reads an existing file without locking it, so it works
	// while a server has it (ovsdb-tool show-log, query).
	ReadOnly Mode = iota
	// ReadWrite locks an existing file, reads it, then appends to it.
	ReadWrite
	// CreateExcl locks and creates a new, empty file; it fails if the
	// file exists.
	CreateExcl
)

// flushThreshold bounds the records buffered between commits: past it,
// WriteRaw writes them out early (a commit still decides durability).
const flushThreshold = 1 << 20

// Log is an open database file: a sequence of records read from its start
// and then, in the writable modes, appended to its end. A Log is not safe for
// concurrent use.
type Log struct {
	path string
	mode Mode
	f    *os.File
	lock *lockFile

	// Reading state.
	r       *bufio.Reader
	size    int64  // file size as last seen, to refuse absurd lengths cheaply
	body    []byte // reused record buffer
	tail    *Error // the torn or corrupt record that ended reading
	readErr error  // a real read failure: it forbids writing

	// offset is the end of the good data in the file: everything read
	// successfully or written out. Writes go there.
	offset int64

	// Writing state.
	writing   bool
	needTrunc bool // cut the file at offset before the next write
	wbuf      []byte
	enc       []byte
	h         hash.Hash
	sum       [sha1.Size]byte
}

// Open opens the database file at path. ReadWrite and CreateExcl first take
// OVS's lock file (see LockPath), so that this process, other processes using
// this package and the real ovsdb-server and ovsdb-tool never write one file
// at the same time. An existing file must be a standalone database: a
// clustered one is refused with an error matching ErrClustered. Errors are
// *Error values carrying OVS's texts.
func Open(path string, mode Mode) (*Log, error) {
	l := &Log{path: path, mode: mode}
	var flags int
	switch mode {
	case ReadOnly:
		flags = os.O_RDONLY
	case ReadWrite:
		flags = os.O_RDWR
	case CreateExcl:
		flags = os.O_RDWR | os.O_CREATE | os.O_EXCL
	default:
		return nil, fmt.Errorf("storage: invalid open mode %d", mode)
	}
	if mode != ReadOnly {
		lk, err := lockDB(path)
		if err != nil {
			return nil, ioError(path, "failed to lock lockfile", err)
		}
		l.lock = lk
	}
	f, err := os.OpenFile(path, flags, 0o660)
	if err != nil {
		l.lock.unlock()
		what := "open failed"
		if mode == CreateExcl {
			what = "create failed"
		}
		return nil, ioError(path, what, err)
	}
	l.f = f
	if mode == CreateExcl {
		// The new name must survive a crash as surely as the records
		// committed durably into it later.
		if err := syncDir(path); err != nil {
			l.closeFile()
			return nil, ioError(path, "fsync failed", err)
		}
		l.writing = true
		return l, nil
	}
	magic, err := identify(f, path)
	if err == nil && magic != Magic {
		err = wrongMagic(path, magic)
	}
	if err != nil {
		l.closeFile()
		return nil, err
	}
	if fi, err := f.Stat(); err == nil {
		l.size = fi.Size()
	}
	l.r = bufio.NewReaderSize(f, 64<<10)
	return l, nil
}

// identify reads the first header to learn what kind of file this is, with
// OVS's diagnoses: an empty file "cannot identify file type", a first line
// that is not a header is an "unexpected file format".
func identify(f *os.File, path string) (magic string, err error) {
	var buf [maxHeaderLine + 1]byte
	n, err := f.ReadAt(buf[:], 0)
	if err != nil && err != io.EOF {
		return "", ioError(path, "read error", err)
	}
	if n == 0 {
		return "", &Error{Tag: TagOVSDB, Msg: path + ": cannot identify file type"}
	}
	line := buf[:n]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1]
	}
	h, ok := parseHeader(headerLine(line))
	if !ok {
		return "", &Error{Tag: TagOVSDB, Msg: path + ": unexpected file format"}
	}
	return h.magic, nil
}

func wrongMagic(path, magic string) error {
	if magic == ClusterMagic {
		return &Error{Tag: TagOVSDB, Msg: path + ": cannot apply this operation to clustered database file", Err: ErrClustered}
	}
	return &Error{Tag: TagOVSDB, Msg: path + ": cannot identify file type"}
}

// ReadRecord returns the next record, always a JSON object; io.EOF at the end
// of the records.
//
// A torn or corrupt record (short header, bad length, SHA-1 mismatch,
// invalid JSON, a record that is not an object) also ends the records:
// ReadRecord returns io.EOF and TornTail describes it. Everything before it
// stays readable, and in a writable Log the next write first truncates the
// file to the end of the last good record, as OVS does, so a record that was
// committed whole is never lost and a torn one never resurfaces.
//
// A real read failure (EIO, say) is returned as is; the Log then refuses
// to write, rather than truncate data it could not read.
func (l *Log) ReadRecord() (ovsjson.Value, error) {
	if l.r == nil || l.tail != nil {
		return ovsjson.Value{}, io.EOF
	}
	if l.readErr != nil {
		return ovsjson.Value{}, l.readErr
	}
	start := l.offset
	raw, err := l.r.ReadSlice('\n')
	if err != nil && err != bufio.ErrBufferFull && err != io.EOF {
		l.readErr = ioError(l.path, "read error", err)
		return ovsjson.Value{}, l.readErr
	}
	if len(raw) == 0 {
		return ovsjson.Value{}, io.EOF
	}
	line := headerLine(raw)
	h, ok := parseHeader(line)
	if !ok || h.magic != Magic {
		return l.torn(&Error{Tag: TagSyntax, Msg: fmt.Sprintf("%s: parse error at offset %d in header line \"%s\"", l.path, start, headerMagicText(line))})
	}
	bodyOff := start + int64(len(raw))
	n := h.length
	if n > l.avail(bodyOff) {
		// The file may have grown since it was last measured (a
		// read-only reader of a file someone else appends to).
		if fi, err := l.f.Stat(); err == nil {
			l.size = fi.Size()
		}
		if n > l.avail(bodyOff) {
			return l.torn(l.shortRead(n, bodyOff, io.EOF))
		}
	}
	if uint64(cap(l.body)) < n {
		l.body = make([]byte, n)
	}
	body := l.body[:n]
	if _, err := io.ReadFull(l.r, body); err != nil {
		err = errnoOf(err)
		if err != io.EOF {
			l.readErr = l.shortRead(n, bodyOff, err)
			return ovsjson.Value{}, l.readErr
		}
		return l.torn(l.shortRead(n, bodyOff, err))
	}
	if sum := sha1.Sum(body); sum != h.sha1 {
		return l.torn(&Error{Tag: TagSyntax, Msg: fmt.Sprintf("%s: %d bytes starting at offset %d have SHA-1 hash %x but should have hash %x", l.path, n, bodyOff, sum, h.sha1)})
	}
	v, err := parseRecord(body)
	if err != nil {
		return l.torn(&Error{Tag: TagSyntax, Msg: fmt.Sprintf("%s: %d bytes starting at offset %d %s", l.path, n, bodyOff, err)})
	}
	l.offset = bodyOff + int64(n)
	return v, nil
}

// avail is how many bytes the file holds from off on, as last measured.
func (l *Log) avail(off int64) uint64 {
	if l.size < off {
		return 0
	}
	return uint64(l.size - off)
}

func (l *Log) shortRead(n uint64, off int64, err error) *Error {
	return &Error{Tag: TagIO, Msg: fmt.Sprintf("%s: error reading %d bytes starting at offset %d", l.path, n, off), Err: err}
}

func (l *Log) torn(e *Error) (ovsjson.Value, error) {
	l.tail = e
	return ovsjson.Value{}, io.EOF
}

// recordError is why a record body is rejected, worded to follow
// "N bytes starting at offset O".
type recordError string

func (e recordError) Error() string { return string(e) }

// parseRecord parses a record body. OVS's parser accepts only an object or
// an array at the top level and says so as soon as a first scalar token is
// complete; that is imitated here because the position it reports differs
// from a general parser's.
func parseRecord(body []byte) (ovsjson.Value, error) {
	if msg, ok := scalarTopError(body); ok {
		return ovsjson.Value{}, recordError("are not valid JSON (" + msg + ")")
	}
	v, err := ovsjson.Parse(body)
	if err != nil {
		return ovsjson.Value{}, recordError("are not valid JSON (" + err.Error() + ")")
	}
	if v.Kind != ovsjson.Object {
		return ovsjson.Value{}, recordError("are not a JSON object")
	}
	return v, nil
}

// scalarTopError reports OVS's "syntax error at beginning of input" for a
// body whose first token is a well-formed scalar, positioned where OVS's
// lexer finishes that token: after a number or keyword, at the closing quote
// of a string.
func scalarTopError(body []byte) (string, bool) {
	i := 0
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	if i == len(body) || body[i] == '{' || body[i] == '[' {
		return "", false
	}
	var pos int
	if body[i] == '"' {
		j := i + 1
		for j < len(body) && body[j] != '"' {
			if body[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(body) {
			return "", false
		}
		if _, err := ovsjson.Parse(body[i : j+1]); err != nil {
			return "", false
		}
		pos = j
	} else {
		j := i
		if isLetter(body[j]) {
			for j < len(body) && isLetter(body[j]) {
				j++
			}
		} else {
			for j < len(body) && isNumberByte(body[j]) {
				j++
			}
		}
		if j == i {
			return "", false
		}
		if _, err := ovsjson.Parse(body[i:j]); err != nil {
			return "", false
		}
		pos = j
	}
	line, col := 0, 0
	for _, c := range body[:pos] {
		if c == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d, byte %d: syntax error at beginning of input", line, col, pos), true
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// TornTail reports the record that ended reading, if reading ended on a torn
// or corrupt record: the offset where it starts (the end of the good data)
// and OVS's description of the damage, e.g. "I/O error: x.db: error reading
// 111 bytes starting at offset 15087 (End of file)". ovsdb-server logs that
// text at ERR and carries on; ovsdb-tool treats it as fatal. The report
// stays after the truncating write, until Replace.
func (l *Log) TornTail() (offset int64, reason string, torn bool) {
	if l.tail == nil {
		return 0, "", false
	}
	return l.offset, l.tail.Error(), true
}

// TailError is the torn tail as an *Error, or nil.
func (l *Log) TailError() error {
	if l.tail == nil {
		return nil
	}
	return l.tail
}

// WriteRecord appends one record, which must be a JSON object (or Raw JSON
// text of one). It is encoded compactly with members in their order in v:
// OVS writes members in hash-table order, which no reader depends on.
func (l *Log) WriteRecord(v ovsjson.Value) error {
	if v.Kind != ovsjson.Object && v.Kind != ovsjson.Raw {
		return l.notObject()
	}
	l.enc = ovsjson.Append(l.enc[:0], v, 0)
	return l.WriteRaw(l.enc)
}

func (l *Log) notObject() error {
	return &Error{Tag: TagOVSDB, Msg: l.path + ": database record is not a JSON object"}
}

// WriteRaw appends a record given as compact JSON text of an object. The
// record is buffered until Commit (or until much is buffered). A record of
// flushThreshold or more is written out at once, after what is buffered,
// straight from json: copying it into the buffer first would cost as much
// memory again (and its page faults) for a transaction of thousands of
// rows.
func (l *Log) WriteRaw(json []byte) error {
	if err := l.beginWrite(); err != nil {
		return err
	}
	if !startsObject(json) {
		return l.notObject()
	}
	if l.h == nil {
		l.h = sha1.New()
	}
	l.h.Reset()
	l.h.Write(json)
	l.h.Write(newline)
	l.wbuf = appendHeader(l.wbuf, len(json)+1, l.h.Sum(l.sum[:0]))
	if len(json) >= flushThreshold {
		return l.flush(json, newline)
	}
	l.wbuf = append(l.wbuf, json...)
	l.wbuf = append(l.wbuf, '\n')
	if len(l.wbuf) >= flushThreshold {
		return l.flush()
	}
	return nil
}

var newline = []byte{'\n'}

func startsObject(json []byte) bool {
	for _, c := range json {
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

func (l *Log) beginWrite() error {
	if l.f == nil {
		return &Error{Tag: TagOVSDB, Msg: l.path + ": log is closed"}
	}
	if l.mode == ReadOnly {
		return &Error{Tag: TagOVSDB, Msg: l.path + ": cannot write to database opened read-only"}
	}
	if l.readErr != nil {
		return l.readErr
	}
	if !l.writing {
		// Whatever follows the last good record, torn or not, goes.
		l.writing = true
		l.needTrunc = true
		l.r = nil
		l.body = nil
	}
	return nil
}

// flush writes the buffered records, followed by more (the rest of a
// record whose header ends the buffer), at the end of the good data. A
// failed write is cut off again, so the file never keeps half a record.
func (l *Log) flush(more ...[]byte) error {
	if len(l.wbuf) == 0 && len(more) == 0 {
		return nil
	}
	if l.needTrunc {
		if err := l.f.Truncate(l.offset); err != nil {
			l.wbuf = l.wbuf[:0]
			return ioError(l.path, "truncate failed", err)
		}
		l.needTrunc = false
	}
	off := l.offset
	for i := -1; i < len(more); i++ {
		b := l.wbuf
		if i >= 0 {
			b = more[i]
		}
		n, err := l.f.WriteAt(b, off)
		off += int64(n)
		if err != nil {
			l.wbuf = l.wbuf[:0]
			if off > l.offset {
				l.needTrunc = l.f.Truncate(l.offset) != nil
			}
			return ioError(l.path, "write failed", err)
		}
	}
	l.offset = off
	if l.offset > l.size {
		l.size = l.offset
	}
	l.wbuf = l.wbuf[:0]
	return nil
}

// Commit writes out the buffered records. With durable, it also waits for
// them to reach the disk (fdatasync, as OVS does for a transaction with a
// durable commit); otherwise they are left to the kernel, as OVS leaves
// ordinary commits.
func (l *Log) Commit(durable bool) error {
	if l.f != nil && l.mode != ReadOnly && !l.writing {
		return nil // nothing written yet, nothing to commit
	}
	if err := l.beginWrite(); err != nil {
		return err
	}
	if err := l.flush(); err != nil {
		return err
	}
	if durable {
		if err := unix.Fdatasync(int(l.f.Fd())); err != nil {
			return ioError(l.path, "fsync failed", err)
		}
	}
	return nil
}

// Offset is the size the file has once buffered records are written: the
// good data read or written so far plus what is pending. The compaction
// rule compares it with the size after the last compaction.
func (l *Log) Offset() int64 { return l.offset + int64(len(l.wbuf)) }

// Path is the file name as given to Open.
func (l *Log) Path() string { return l.path }

// Close writes out buffered records (without waiting for the disk), closes
// the file and releases the lock. The lock file is left in place, as OVS
// leaves it.
func (l *Log) Close() error {
	if l.f == nil {
		return nil
	}
	var err error
	if l.writing {
		err = l.flush()
	}
	l.closeFile()
	return err
}

func (l *Log) closeFile() {
	if l.f != nil {
		l.f.Close()
		l.f = nil
	}
	l.lock.unlock()
	l.lock = nil
	l.r = nil
}

// syncDir fsyncs the directory holding path, so that a creation or rename
// in it is durable. File systems that cannot sync a directory say EINVAL;
// there is nothing more to do on those.
func syncDir(path string) error {
	dir, _ := splitPath(path)
	if dir == "" {
		dir = "."
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) {
		return err
	}
	return nil
}
