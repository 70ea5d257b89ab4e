package ovsdb

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/govs/ovs/proto/ovsjson"
)

// Error tags used by OVSDB (RFC 7047 section 4.1.3 plus OVS's own).
const (
	ErrSyntax               = "syntax error"
	ErrConstraint           = "constraint violation"
	ErrReferentialIntegrity = "referential integrity violation"
	ErrResourcesExhausted   = "resources exhausted"
	ErrIO                   = "I/O error"
	ErrDuplicateUUIDName    = "duplicate uuid-name"
	ErrDomain               = "domain error"
	ErrRange                = "range error"
	ErrTimedOut             = "timed out"
	ErrNotSupported         = "not supported"
	ErrAborted              = "aborted"
	ErrNotOwner             = "not owner"
	ErrUnknownDatabase      = "unknown database"
	ErrUnknownMethod        = "unknown method"
	ErrInternal             = "ovsdb error"
)

// Error is an OVSDB error object: {"error": Tag, "details": Details,
// "syntax": Syntax}. Syntax, when not empty, is the compact JSON text of the
// input that failed to parse, as OVS records it.
type Error struct {
	Tag, Details, Syntax string
}

// Error formats the error as OVS's tools print one:
// `syntax "<syntax>": <tag>: <details>`, each part present only when set.
func (e *Error) Error() string {
	s := ""
	if e.Syntax != "" {
		s = "syntax \"" + e.Syntax + "\": "
	}
	s += e.Tag
	if e.Details != "" {
		s += ": " + e.Details
	}
	return s
}

// ToJSON returns the error object. Members appear in sorted order (details,
// error, syntax) because that is how OVS prints them.
func (e *Error) ToJSON() ovsjson.Value {
	m := make([]ovsjson.Member, 0, 3)
	if e.Details != "" {
		m = append(m, ovsjson.M("details", ovsjson.NewString(e.Details)))
	}
	m = append(m, ovsjson.M("error", ovsjson.NewString(e.Tag)))
	if e.Syntax != "" {
		m = append(m, ovsjson.M("syntax", ovsjson.NewString(e.Syntax)))
	}
	return ovsjson.NewObject(m...)
}

// NewError returns an error with the given tag and details.
func NewError(tag, details string) *Error {
	return &Error{Tag: tag, Details: details}
}

// Errorf returns an error whose details are formatted.
func Errorf(tag, format string, args ...any) *Error {
	return &Error{Tag: tag, Details: fmt.Sprintf(format, args...)}
}

// NewSyntaxError returns a "syntax error" about the JSON value syntax.
func NewSyntaxError(syntax ovsjson.Value, format string, args ...any) *Error {
	e := &Error{Tag: ErrSyntax, Syntax: collapseDuplicates(syntax).String()}
	if format != "" {
		e.Details = fmt.Sprintf(format, args...)
	}
	return e
}

// WrapError prefixes the details of err (an *Error or any error) with
// context, keeping its tag and syntax, as OVS's ovsdb_wrap_error does.
func WrapError(err error, format string, args ...any) *Error {
	prefix := fmt.Sprintf(format, args...)
	if e, ok := err.(*Error); ok {
		ne := *e
		if ne.Details != "" {
			ne.Details = prefix + ": " + ne.Details
		} else {
			ne.Details = prefix
		}
		return &ne
	}
	return &Error{Tag: ErrInternal, Details: prefix + ": " + err.Error()}
}

// Strerror returns the C library's text for the system error inside err
// ("No such file or directory"), as OVS prints it. Go's errno strings are
// the same texts with a lower-case first letter.
func Strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	return err.Error()
}

// collapseDuplicates returns v with repeated object member names reduced
// to the last one, recursively, which is how OVS holds (and so prints) a
// JSON object. It copies only when there is something to collapse.
func collapseDuplicates(v ovsjson.Value) ovsjson.Value {
	switch v.Kind {
	case ovsjson.Array:
		var out []ovsjson.Value
		for i := range v.A {
			c := collapseDuplicates(v.A[i])
			if out == nil && !sameValue(c, v.A[i]) {
				out = append(make([]ovsjson.Value, 0, len(v.A)), v.A[:i]...)
			}
			if out != nil {
				out = append(out, c)
			}
		}
		if out != nil {
			v.A = out
		}
	case ovsjson.Object:
		ms := lastWins(v.O)
		var out []ovsjson.Member
		for i := range ms {
			c := collapseDuplicates(ms[i].Value)
			if out == nil && !sameValue(c, ms[i].Value) {
				out = append(make([]ovsjson.Member, 0, len(ms)), ms[:i]...)
			}
			if out != nil {
				out = append(out, ovsjson.Member{Key: ms[i].Key, Value: c})
			}
		}
		if out != nil {
			ms = out
		}
		v.O = ms
	}
	return v
}

// sameValue reports whether collapseDuplicates left a value untouched
// (same backing arrays), without comparing contents.
func sameValue(a, b ovsjson.Value) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case ovsjson.Array:
		return len(a.A) == len(b.A) && (len(a.A) == 0 || &a.A[0] == &b.A[0])
	case ovsjson.Object:
		return len(a.O) == len(b.O) && (len(a.O) == 0 || &a.O[0] == &b.O[0])
	}
	return true
}
