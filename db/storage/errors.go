package storage

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// The error tags OVS puts in front of its database errors.
const (
	TagIO     = "I/O error"
	TagSyntax = "syntax error"
	TagOVSDB  = "ovsdb error"
)

// ErrClustered is matched (errors.Is) by the error Open returns for a
// clustered database file.
var ErrClustered = errors.New("clustered database file")

// Error is a storage failure worded as OVS words it. Error() gives the full
// text ovsdb-tool prints after "ovsdb-tool: " and ovsdb-server logs at ERR,
// e.g. "I/O error: x.db: create failed (File exists)"; Detail() the same
// without the tag, which is what a few OVS messages use ("ovsdb-tool compact"
// on a locked file prints "x.db: failed to lock lockfile (...)").
type Error struct {
	Tag string // TagIO, TagSyntax or TagOVSDB
	Msg string // starts with the file name
	// Err is the cause, if any: a syscall.Errno, io.EOF (printed "End of
	// file", as OVS does) or ErrClustered (not printed).
	Err error
}

func (e *Error) Error() string { return e.Tag + ": " + e.Detail() }

// Detail is the message without its tag.
func (e *Error) Detail() string {
	if e.Err == nil || e.Err == ErrClustered {
		return e.Msg
	}
	return e.Msg + " (" + strerror(e.Err) + ")"
}

func (e *Error) Unwrap() error { return e.Err }

func ioError(path, what string, err error) *Error {
	return &Error{Tag: TagIO, Msg: path + ": " + what, Err: errnoOf(err)}
}

// errnoOf strips Go's *PathError and friends so that the message carries
// only the C-style reason, as OVS's does.
func errnoOf(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return errnoOf(pe.Err)
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return errnoOf(se.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return errnoOf(le.Err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return io.EOF
	}
	return err
}

// strerror renders an error as glibc's strerror does. Go's errno strings are
// glibc's with the first letter lowered, so raising it back is exact for the
// errors a file can produce; io.EOF is OVS's "End of file".
func strerror(err error) string {
	if err == io.EOF {
		return "End of file"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			return string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	return err.Error()
}
