package ovsdb

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/govs/ovs/proto/ovsjson"
)

// The text syntax of ovs-vsctl(8) "Database Values" and of ovsdb-client's
// --data=string output.

// ToString returns a in OVS's text form. Strings are bare when they read
// unambiguously as a string token, otherwise JSON-quoted.
func (a Atom) ToString(t AtomicType) string {
	return string(a.AppendString(nil, t))
}

// AppendString appends a's text form to dst.
func (a Atom) AppendString(dst []byte, t AtomicType) []byte {
	switch t {
	case TypeInteger:
		return strconv.AppendInt(dst, a.Int(), 10)
	case TypeReal:
		return appendRealString(dst, a.Float())
	case TypeBoolean:
		return strconv.AppendBool(dst, a.Bool())
	case TypeString:
		if stringNeedsQuotes(a.s) {
			return ovsjson.AppendString(dst, a.s)
		}
		return append(dst, a.s...)
	case TypeUUID:
		return a.UUID().AppendText(dst)
	}
	return dst
}

func appendRealString(dst []byte, f float64) []byte {
	return strconv.AppendFloat(dst, f, 'g', 15, 64)
}

// stringNeedsQuotes reports whether s must be quoted to read back as the
// same string: anything but a word that starts with an ASCII letter or "_"
// and continues with letters, digits, "_", "-" and ".", and the words that
// would read back as a boolean or a UUID.
func stringNeedsQuotes(s string) bool {
	if s == "" {
		return true
	}
	c := s[0]
	if !isAlpha(c) && c != '_' {
		return true
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' && c != '-' && c != '.' {
			return true
		}
	}
	if s == "true" || s == "false" {
		return true
	}
	if _, ok := ParseUUID(s); ok {
		return true
	}
	return false
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// ToString returns d in ovs-vsctl's syntax: a set "[a, b]", a map
// "{k=v, k2=v2}", empty "[]" or "{}", and a value of a type with at most
// one element as the bare atom.
func (d *Datum) ToString(t *Type) string {
	return string(d.AppendString(nil, t))
}

// AppendString appends d's text form to dst.
func (d *Datum) AppendString(dst []byte, t *Type) []byte {
	isMap := t.IsMap()
	brackets := t.Max > 1 || len(d.Keys) == 0
	if brackets {
		if isMap {
			dst = append(dst, '{')
		} else {
			dst = append(dst, '[')
		}
	}
	for i := range d.Keys {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = d.Keys[i].AppendString(dst, t.Key.Type)
		if isMap {
			dst = append(dst, '=')
			dst = d.Values[i].AppendString(dst, t.Value.Type)
		}
	}
	if brackets {
		if isMap {
			dst = append(dst, '}')
		} else {
			dst = append(dst, ']')
		}
	}
	return dst
}

// ToBare returns a in the --data=bare form: strings as they are, other
// atoms as in ToString.
func (a Atom) ToBare(t AtomicType) string {
	if t == TypeString {
		return a.s
	}
	return a.ToString(t)
}

// ToBare returns d in the --data=bare form: elements separated by spaces,
// map pairs as key=value, no brackets or quotes.
func (d *Datum) ToBare(t *Type) string {
	var b []byte
	for i := range d.Keys {
		if i > 0 {
			b = append(b, ' ')
		}
		if t.Key.Type == TypeString {
			b = append(b, d.Keys[i].s...)
		} else {
			b = d.Keys[i].AppendString(b, t.Key.Type)
		}
		if t.IsMap() {
			b = append(b, '=')
			if t.Value.Type == TypeString {
				b = append(b, d.Values[i].s...)
			} else {
				b = d.Values[i].AppendString(b, t.Value.Type)
			}
		}
	}
	return string(b)
}

// StringError is a failure to parse the text syntax. Its message is the
// complete text OVS prints (ovs-vsctl adds only its "ovs-vsctl: " prefix).
// Constraint failures found while parsing text are *Error values instead,
// which print as "constraint violation: ...", as OVS's do.
type StringError struct{ Msg string }

func (e *StringError) Error() string { return e.Msg }

func strErr(format string, args ...any) error {
	return &StringError{Msg: fmt.Sprintf(format, args...)}
}

// maxRangeSize is the most integers one "a-b" range may expand to.
const maxRangeSize = 4096

// ParseAtomString parses one atom of type t in ovs-vsctl syntax and checks
// t's constraints. Strings may be bare (taken as they are) or JSON-quoted;
// a UUID may be written "@name", resolved through names (nil: "@name" is
// just an invalid UUID).
func ParseAtomString(t *BaseType, s string, names NameResolver) (Atom, error) {
	a, err := atomFromString(t.Type, s, names)
	if err != nil {
		return a, err
	}
	if err := t.CheckAtom(a); err != nil {
		return a, err
	}
	return a, nil
}

func atomFromString(t AtomicType, s string, names NameResolver) (Atom, error) {
	switch t {
	case TypeInteger:
		i, ok := parseCInt(s)
		if !ok {
			return Atom{}, strErr("\"%s\" is not a valid integer or range", s)
		}
		return IntegerAtom(i), nil
	case TypeReal:
		f, ok := parseCDouble(s)
		if !ok {
			return Atom{}, strErr("\"%s\" is not a valid real number", s)
		}
		return RealAtom(f), nil
	case TypeBoolean:
		switch s {
		case "true", "yes", "on", "1":
			return BoolAtom(true), nil
		case "false", "no", "off", "0":
			return BoolAtom(false), nil
		}
		return Atom{}, strErr("\"%s\" is not a valid boolean (use \"true\" or \"false\")", s)
	case TypeString:
		if s == "" {
			return Atom{}, strErr("An empty string is not valid as input; use \"\" to represent the empty string")
		}
		if s[0] == '"' {
			str, err := unquoteString(s)
			if err != nil {
				return Atom{}, err
			}
			if strings.IndexByte(str, 0) >= 0 {
				return Atom{}, strErr("%s: null bytes not supported in quoted strings", s)
			}
			return StringAtom(str), nil
		}
		if strings.IndexByte(s, 0) >= 0 {
			// OVS's strings are C strings; a NUL could not be printed
			// in a form that reads back.
			return Atom{}, strErr("%q: null bytes not supported in strings", s)
		}
		return StringAtom(s), nil
	case TypeUUID:
		if s != "" && s[0] == '@' && names != nil {
			u, ok := names(s[1:])
			if !ok {
				return Atom{}, strErr("row id \"%s\" is not defined", s)
			}
			return UUIDAtom(u), nil
		}
		u, ok := ParseUUID(s)
		if !ok {
			return Atom{}, strErr("\"%s\" is not a valid UUID", s)
		}
		return UUIDAtom(u), nil
	}
	return Atom{}, strErr("\"%s\" cannot be parsed as a void atom", s)
}

// parseCNumberPrefix parses what strtoll accepts at the start of s:
// optional white space, an optional sign and decimal digits. It returns
// the number of bytes consumed (0 if there is no number) and whether the
// value fit in 64 bits.
func parseCNumberPrefix(s string) (int64, int, bool) {
	p := 0
	for p < len(s) && isCSpace(s[p]) {
		p++
	}
	neg := false
	if p < len(s) && (s[p] == '+' || s[p] == '-') {
		neg = s[p] == '-'
		p++
	}
	start := p
	var u uint64
	ok := true
	for p < len(s) && s[p] >= '0' && s[p] <= '9' {
		d := uint64(s[p] - '0')
		if u > (math.MaxUint64-d)/10 {
			ok = false
		} else {
			u = u*10 + d
		}
		p++
	}
	if p == start {
		return 0, 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, p, false
		}
		return int64(-u), p, ok
	}
	if u > math.MaxInt64 {
		return 0, p, false
	}
	return int64(u), p, ok
}

// parseCInt accepts exactly what OVS's str_to_llong does: a whole string
// that strtoll parses in base 10 without overflow.
func parseCInt(s string) (int64, bool) {
	i, n, ok := parseCNumberPrefix(s)
	return i, ok && n > 0 && n == len(s)
}

// parseCDouble accepts a decimal floating-point number as strtod does,
// rejecting values that overflow and the infinities and NaNs that JSON
// cannot carry. Negative zero becomes zero, as in OVS's JSON input.
func parseCDouble(s string) (float64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" || strings.ContainsAny(t, "_xXpPiInN") {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && !(isRangeErr(err) && !math.IsInf(f, 0)) {
		return 0, false
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	if f == 0 {
		f = 0
	}
	return f, true
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// unquoteString decodes a quoted string atom: JSON escapes, except that
// the bytes in between are taken as they are.
func unquoteString(s string) (string, error) {
	if len(s) < 2 || s[len(s)-1] != '"' {
		return "", strErr("%s: missing quote at end of quoted string", s)
	}
	in := s[1 : len(s)-1]
	if strings.IndexByte(in, '\\') < 0 {
		if strings.IndexByte(in, '"') >= 0 {
			return "", strErr("%s: quoted string may not include unescaped \"", s)
		}
		return in, nil
	}
	out := make([]byte, 0, len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c == '"' {
			return "", strErr("%s: quoted string may not include unescaped \"", s)
		}
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(in) {
			return "", strErr("%s: quoted string may not end with backslash", s)
		}
		switch e := in[i]; e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, err := hex4(in[i+1:])
			if err != "" {
				return "", strErr("%s: %s", s, err)
			}
			i += 4
			if r == 0 {
				return "", strErr("%s: null bytes not supported in quoted strings", s)
			}
			if r >= 0xd800 && r <= 0xdbff {
				if i+2 >= len(in) || in[i+1] != '\\' || in[i+2] != 'u' {
					return "", strErr("%s: malformed escaped surrogate pair", s)
				}
				r2, err := hex4(in[i+3:])
				if err != "" {
					return "", strErr("%s: %s", s, err)
				}
				if r2 < 0xdc00 || r2 > 0xdfff {
					return "", strErr("%s: second half of escaped surrogate pair is not trailing surrogate", s)
				}
				i += 6
				r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
			}
			out = appendUTF8Raw(out, r)
		default:
			return "", strErr("%s: bad escape \\%c", s, e)
		}
	}
	return string(out), nil
}

func hex4(s string) (rune, string) {
	if len(s) < 4 {
		return 0, "quoted string ends within \\u escape"
	}
	var r rune
	for i := 0; i < 4; i++ {
		d, ok := unhex(s[i])
		if !ok {
			return 0, "malformed \\u escape"
		}
		r = r<<4 | rune(d)
	}
	return r, ""
}

// appendUTF8Raw encodes r in UTF-8 even if it is a lone surrogate, which
// then fails UTF-8 validation with the same message as in OVS.
func appendUTF8Raw(b []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xc0|byte(r>>6), 0x80|byte(r)&0x3f)
	case r < 0x10000:
		return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
	}
	return append(b, 0xf0|byte(r>>18), 0x80|byte(r>>12)&0x3f, 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
}

func isDelim(c byte) bool { return strings.IndexByte(":=, []{}!<>", c) >= 0 }

func skipSpaces(s string, p int) int {
	for p < len(s) && isCSpace(s[p]) {
		p++
	}
	return p
}

// nextToken scans the token that starts at s[p]: bytes up to a delimiter
// or white space outside double quotes. Outside quotes a backslash makes
// the next byte ordinary and is dropped; inside quotes escapes are kept
// for the atom parser to decode.
func nextToken(s string, p int) (string, int, error) {
	var buf []byte
	simple := true
	inQuotes := false
	i := p
	for ; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			if i+1 >= len(s) {
				return "", i, strErr("%s: backslash at end of argument", s[p:])
			}
			if inQuotes {
				if !simple {
					buf = append(buf, c, s[i+1])
				}
			} else {
				if simple {
					buf = append(buf, s[p:i]...)
					simple = false
				}
				buf = append(buf, s[i+1])
			}
			i++
			continue
		}
		if c == '"' {
			inQuotes = !inQuotes
		} else if !inQuotes && (isDelim(c) || isCSpace(c)) {
			break
		}
		if !simple {
			buf = append(buf, c)
		}
	}
	if inQuotes {
		return "", i, strErr("%s: quoted string extends past end of argument", s[p:])
	}
	if simple {
		return s[p:i], i, nil
	}
	return string(buf), i, nil
}

// DatumFromString parses a value in ovs-vsctl syntax: "[a, b]" or bare
// elements for a set, "{k=v, ...}" or bare k=v pairs for a map, elements
// separated by commas and/or white space. In a set of integers, "a-b"
// stands for every integer from a to b.
func DatumFromString(t *Type, s string, names NameResolver) (Datum, error) {
	isMap := t.IsMap()
	var d Datum
	if isMap {
		d.Values = []Atom{}
	}
	open, close := byte('['), byte(']')
	if isMap {
		open, close = '{', '}'
	}
	p := skipSpaces(s, 0)
	bracketed := false
	if p < len(s) && s[p] == open {
		bracketed = true
		p = skipSpaces(s, p+1)
	} else if p == len(s) {
		if isMap {
			return Datum{}, strErr("use \"{}\" to specify the empty map")
		}
		return Datum{}, strErr("use \"[]\" to specify the empty set")
	}
	ranges := !isMap && t.Key.Type == TypeInteger
	for p < len(s) && !(bracketed && s[p] == close) {
		if isDelim(s[p]) {
			return Datum{}, strErr("%s: unexpected \"%c\" parsing %s", s, s[p], t.English())
		}
		keyStart := p
		tok, np, err := nextToken(s, p)
		if err != nil {
			return Datum{}, err
		}
		p = np
		if ranges {
			if d.Keys, err = appendIntegerToken(d.Keys, &t.Key, tok); err != nil {
				return Datum{}, err
			}
		} else {
			k, err := ParseAtomString(&t.Key, tok, names)
			if err != nil {
				return Datum{}, err
			}
			d.Keys = append(d.Keys, k)
		}
		if isMap {
			p = skipSpaces(s, p)
			if p >= len(s) {
				// OVS formats the NUL at the end of its string with %c,
				// which cuts its message short right there.
				return Datum{}, strErr("%s: syntax error at \"", s[keyStart:])
			}
			if s[p] != '=' {
				return Datum{}, strErr("%s: syntax error at \"%c\" expecting \"=\"", s[keyStart:], s[p])
			}
			p = skipSpaces(s, p+1)
			tok, np, err := nextToken(s, p)
			if err != nil {
				return Datum{}, err
			}
			p = np
			v, err := ParseAtomString(&t.Value, tok, names)
			if err != nil {
				return Datum{}, err
			}
			d.Values = append(d.Values, v)
		}
		p = skipSpaces(s, p)
		if p < len(s) && s[p] == ',' {
			p = skipSpaces(s, p+1)
		}
	}
	if bracketed {
		if p >= len(s) {
			return Datum{}, strErr("%s: missing \"%c\" at end of data", s, close)
		}
		p = skipSpaces(s, p+1)
		if p < len(s) {
			return Datum{}, strErr("%s: trailing garbage after \"%c\"", s, close)
		}
	}
	n := len(d.Keys)
	if n < t.Min {
		return Datum{}, strErr("%s: %d value(s) specified but the minimum number is %d", s, n, t.Min)
	}
	if n > t.Max {
		return Datum{}, strErr("%s: %d value(s) specified but the maximum number is %d", s, n, t.Max)
	}
	if !sortDatum(&d, t) {
		if isMap {
			return Datum{}, strErr("%s: map contains duplicate key", s)
		}
		return Datum{}, strErr("%s: set contains duplicate value", s)
	}
	if isMap && n == 0 {
		d.Values = nil
	}
	return d, nil
}

// appendIntegerToken parses an integer or an inclusive range "a-b" and
// appends the integers it stands for.
func appendIntegerToken(keys []Atom, b *BaseType, tok string) ([]Atom, error) {
	if i, ok := parseCInt(tok); ok {
		a := IntegerAtom(i)
		if err := b.CheckAtom(a); err != nil {
			return keys, err
		}
		return append(keys, a), nil
	}
	start, n, ok := parseCNumberPrefix(tok)
	if !ok || n == 0 || n >= len(tok) || tok[n] != '-' {
		return keys, strErr("\"%s\" is not a valid integer or range", tok)
	}
	end, ok := parseCInt(tok[n+1:])
	if !ok {
		return keys, strErr("\"%s\" is not a valid integer or range", tok)
	}
	if end < start {
		return keys, strErr("\"%s\" is not a valid range. Range end cannot be before start.", tok)
	}
	if err := b.CheckAtom(IntegerAtom(start)); err != nil {
		return keys, err
	}
	if err := b.CheckAtom(IntegerAtom(end)); err != nil {
		return keys, err
	}
	if uint64(end-start) >= maxRangeSize {
		return keys, Errorf(ErrConstraint, "Range \"%d-%d\" is too big. Maximum allowed size is %d.", start, end, maxRangeSize)
	}
	for i := start; ; i++ {
		a := IntegerAtom(i)
		if b.Enum != nil {
			if err := b.CheckAtom(a); err != nil {
				return keys, err
			}
		}
		keys = append(keys, a)
		if i == end {
			break
		}
	}
	return keys, nil
}

// English describes t in words, as OVS's error messages do: "integer",
// "set of up to 4096 integers", "set of 1 or more uuids",
// "map of (string, string) pairs".
func (t *Type) English() string {
	key := t.Key.Type.String()
	if t.IsScalar() {
		return key
	}
	s := "set"
	if t.IsMap() {
		s = "map"
	}
	switch {
	case t.Max == Unlimited && t.Min > 0:
		s += " of " + itoa(t.Min) + " or more"
	case t.Max == Unlimited:
		s += " of"
	case t.Min > 0:
		s += " of " + itoa(t.Min) + " to " + itoa(t.Max)
	default:
		s += " of up to " + itoa(t.Max)
	}
	if t.IsMap() {
		return s + " (" + key + ", " + t.Value.Type.String() + ") pairs"
	}
	return s + " " + key + "s"
}
