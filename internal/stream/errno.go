package stream

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
)

// Strerror renders err as OVS prints an error code: the C library's
// strerror text for an errno ("Connection refused"), "End of file" for the
// end of a stream, and otherwise err's own text. Go wraps errnos in
// *net.OpError and *os.SyscallError whose texts name the operation and the
// address; OVS messages carry only the bare reason, so the wrapping is
// peeled off here.
func Strerror(err error) string {
	if err == nil {
		return "Success"
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "End of file"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return ErrnoText(errno)
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return ErrnoText(syscall.ETIMEDOUT)
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return ErrnoText(syscall.ETIMEDOUT)
	}
	return err.Error()
}

// ErrnoText is strerror(3) for e. Go's errno texts are glibc's with the
// first letter lowered; raising it back gives glibc's text.
func ErrnoText(e syscall.Errno) string {
	if e == 0 {
		return "Success"
	}
	s := e.Error()
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		return string(c-'a'+'A') + s[1:]
	}
	return s
}

// Errno extracts the errno behind err, or 0 if there is none. io.EOF has no
// errno; callers that need to tell it apart use errors.Is.
func Errno(err error) syscall.Errno {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return syscall.ETIMEDOUT
	}
	return 0
}
