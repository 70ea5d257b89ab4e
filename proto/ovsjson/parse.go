package ovsjson

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of arrays and objects accepted, as in OVS.
const MaxDepth = 1000

// SyntaxError is a parse failure, located as OVS locates it.
type SyntaxError struct {
	Line, Column, Byte int
	Msg                string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, column %d, byte %d: %s", e.Line, e.Column, e.Byte, e.Msg)
}

// Parse parses exactly one JSON value from text. Surrounding white space is
// allowed; anything else after the value is "trailing garbage".
func Parse(text []byte) (Value, error) {
	p := parser{buf: text}
	p.skipSpace()
	if p.pos >= len(p.buf) {
		return Value{}, p.errAt(p.pos, "empty input stream")
	}
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos < len(p.buf) {
		// OVS lexes the next token before complaining, so a bad word
		// is reported as such, and the position is where that token
		// is recognised.
		c := p.buf[p.pos]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			end := p.tokenEnd()
			switch word := string(p.buf[p.pos:end]); word {
			case "true", "false", "null":
			default:
				return Value{}, p.errAt(end, "invalid keyword '%s'", word)
			}
		}
		return Value{}, p.errAt(p.tokenEnd(), "trailing garbage at end of input")
	}
	return v, nil
}

// ParseString is Parse for a string.
func ParseString(text string) (Value, error) { return Parse([]byte(text)) }

type parser struct {
	buf []byte
	pos int
}

func (p *parser) errAt(pos int, format string, args ...any) error {
	line, col := 0, 0
	for i := 0; i < pos && i < len(p.buf); i++ {
		if p.buf[i] == '\n' {
			line++
			col = 0
		} else {
			col++
		}
	}
	return &SyntaxError{Line: line, Column: col, Byte: pos, Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (p *parser) skipSpace() {
	for p.pos < len(p.buf) && isSpace(p.buf[p.pos]) {
		p.pos++
	}
}

func (p *parser) value(depth int) (Value, error) {
	if p.pos >= len(p.buf) {
		return Value{}, p.errAt(p.pos, "unexpected end of input")
	}
	switch c := p.buf[p.pos]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		return Value{Kind: String, S: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		start := p.pos
		for p.pos < len(p.buf) && (p.buf[p.pos] >= 'a' && p.buf[p.pos] <= 'z' || p.buf[p.pos] >= 'A' && p.buf[p.pos] <= 'Z' || p.buf[p.pos] >= '0' && p.buf[p.pos] <= '9') {
			p.pos++
		}
		switch word := string(p.buf[start:p.pos]); word {
		case "true":
			return Value{Kind: True}, nil
		case "false":
			return Value{Kind: False}, nil
		case "null":
			return Value{}, nil
		default:
			return Value{}, p.errAt(p.pos, "invalid keyword '%s'", word)
		}
	default:
		return Value{}, p.errAt(p.pos, "syntax error expecting value")
	}
}

func (p *parser) array(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, p.errAt(p.pos, "input exceeds maximum nesting depth %d", MaxDepth)
	}
	p.pos++ // '['
	p.skipSpace()
	elems := []Value{}
	if p.pos < len(p.buf) && p.buf[p.pos] == ']' {
		p.pos++
		return Value{Kind: Array, A: elems}, nil
	}
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		elems = append(elems, v)
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return Value{}, p.errAt(p.pos, "unexpected end of input")
		}
		switch p.buf[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return Value{Kind: Array, A: elems}, nil
		default:
			return Value{}, p.errAt(p.tokenEnd(), "syntax error expecting ']' or ','")
		}
	}
}

func (p *parser) object(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, p.errAt(p.pos, "input exceeds maximum nesting depth %d", MaxDepth)
	}
	p.pos++ // '{'
	p.skipSpace()
	members := []Member{}
	var index map[string]int // built only for large objects
	if p.pos < len(p.buf) && p.buf[p.pos] == '}' {
		p.pos++
		return Value{Kind: Object, O: members}, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return Value{}, p.errAt(p.pos, "unexpected end of input")
		}
		if p.buf[p.pos] != '"' {
			return Value{}, p.errAt(p.pos, "syntax error parsing object expecting string")
		}
		key, err := p.str()
		if err != nil {
			return Value{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return Value{}, p.errAt(p.pos, "unexpected end of input")
		}
		if p.buf[p.pos] != ':' {
			end := p.tokenEnd()
			return Value{}, p.errAt(end, "syntax error parsing object expecting ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		// A repeated name replaces the earlier value, as in OVS.
		if i, dup := memberIndex(members, index, key); dup {
			members[i].Value = v
		} else {
			members = append(members, Member{Key: key, Value: v})
			if index != nil {
				index[key] = len(members) - 1
			} else if len(members) == indexThreshold {
				index = make(map[string]int, 2*indexThreshold)
				for j, m := range members {
					index[m.Key] = j
				}
			}
		}
		p.skipSpace()
		if p.pos >= len(p.buf) {
			return Value{}, p.errAt(p.pos, "unexpected end of input")
		}
		switch p.buf[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return Value{Kind: Object, O: members}, nil
		default:
			return Value{}, p.errAt(p.tokenEnd(), "syntax error parsing object expecting '}' or ','")
		}
	}
}

// tokenEnd returns where OVS's lexer recognises the token starting at p.pos,
// for locating an error after an unexpected token as OVS does: the end of a
// word or number, the closing quote of a string, the byte itself for
// punctuation.
func (p *parser) tokenEnd() int {
	i := p.pos
	c := p.buf[i]
	if c == '"' {
		for i++; i < len(p.buf) && p.buf[i] != '"'; i++ {
			if p.buf[i] == '\\' {
				i++
			}
		}
		return min(i, len(p.buf))
	}
	if c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		for i < len(p.buf) && !isSpace(p.buf[i]) && p.buf[i] != ',' && p.buf[i] != ']' && p.buf[i] != '}' && p.buf[i] != ':' && p.buf[i] != '[' && p.buf[i] != '{' && p.buf[i] != '"' {
			i++
		}
	}
	return i
}

func (p *parser) number() (Value, error) {
	start := p.pos
	i := p.pos
	neg := false
	if p.buf[i] == '-' {
		neg = true
		i++
		if i >= len(p.buf) || p.buf[i] < '0' || p.buf[i] > '9' {
			p.pos = i
			return Value{}, p.errAt(i, "'-' must be followed by digit")
		}
	}
	intStart := i
	for i < len(p.buf) && p.buf[i] >= '0' && p.buf[i] <= '9' {
		i++
	}
	if i-intStart > 1 && p.buf[intStart] == '0' {
		p.pos = i
		return Value{}, p.errAt(i, "leading zeros not allowed")
	}
	digits := make([]byte, 0, 24)
	digits = append(digits, p.buf[intStart:i]...)
	pow10 := 0
	if i < len(p.buf) && p.buf[i] == '.' {
		i++
		fracStart := i
		for i < len(p.buf) && p.buf[i] >= '0' && p.buf[i] <= '9' {
			i++
		}
		if i == fracStart {
			p.pos = i
			return Value{}, p.errAt(i, "decimal point must be followed by digit")
		}
		digits = append(digits, p.buf[fracStart:i]...)
		pow10 -= i - fracStart
	}
	if i < len(p.buf) && (p.buf[i] == 'e' || p.buf[i] == 'E') {
		i++
		expNeg := false
		if i < len(p.buf) && (p.buf[i] == '+' || p.buf[i] == '-') {
			expNeg = p.buf[i] == '-'
			i++
		}
		expStart := i
		for i < len(p.buf) && p.buf[i] >= '0' && p.buf[i] <= '9' {
			i++
		}
		if i == expStart {
			p.pos = i
			return Value{}, p.errAt(i, "exponent must contain at least one digit")
		}
		exp, err := strconv.Atoi(string(p.buf[expStart:i]))
		if err != nil || exp > 1000000 {
			exp = 1000000
		}
		if expNeg {
			exp = -exp
		}
		pow10 += exp
	}
	if i < len(p.buf) && (p.buf[i] >= 'a' && p.buf[i] <= 'z' || p.buf[i] >= 'A' && p.buf[i] <= 'Z' || p.buf[i] == '.') {
		p.pos = i
		return Value{}, p.errAt(i, "syntax error in number")
	}
	p.pos = i
	// OVS's rule: a number whose value is an integer that fits in 64
	// bits is an integer, whatever its spelling (1.0, 1e3).
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) == 1 && digits[0] == '0' {
		return Value{Kind: Integer}, nil
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' && pow10 < 0 {
		digits = digits[:len(digits)-1]
		pow10++
	}
	if pow10 >= 0 && len(digits)+pow10 <= 20 {
		var u uint64
		ok := true
		for _, d := range digits {
			if u > (math.MaxUint64-9)/10 {
				ok = false
				break
			}
			u = u*10 + uint64(d-'0')
		}
		for k := 0; ok && k < pow10; k++ {
			if u > math.MaxUint64/10 {
				ok = false
				break
			}
			u *= 10
		}
		if ok {
			if !neg && u <= math.MaxInt64 {
				return Value{Kind: Integer, I: int64(u)}, nil
			}
			if neg && u <= 1<<63 {
				return Value{Kind: Integer, I: int64(-u)}, nil
			}
		}
	}
	f, err := strconv.ParseFloat(string(p.buf[start:i]), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0) {
		return Value{}, p.errAt(i, "number outside valid range")
	}
	return Value{Kind: Real, F: f}, nil
}

// str parses a quoted string starting at p.pos.
func (p *parser) str() (string, error) {
	open := p.pos
	i := p.pos + 1
	escaped := false
	for i < len(p.buf) {
		c := p.buf[i]
		if c == '"' {
			break
		}
		if c < 0x20 {
			p.pos = i
			return "", p.errAt(i, "U+%04X must be escaped in quoted string", c)
		}
		if c == '\\' {
			escaped = true
			i++
			if i >= len(p.buf) {
				break
			}
		}
		i++
	}
	if i >= len(p.buf) {
		p.pos = i
		return "", p.errAt(i, "unexpected end of input in quoted string")
	}
	closeQuote := i
	p.pos = i + 1
	raw := p.buf[open+1 : closeQuote]
	if !escaped {
		if !utf8.Valid(raw) {
			return "", p.errAt(closeQuote, "invalid UTF-8 in quoted string")
		}
		return string(raw), nil
	}
	out := make([]byte, 0, len(raw))
	for j := 0; j < len(raw); j++ {
		c := raw[j]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		j++
		switch raw[j] {
		case '"', '\\', '/':
			out = append(out, raw[j])
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
			r, n, msg := decodeUnicodeEscape(raw[j+1:])
			if msg != "" {
				return "", p.errAt(closeQuote, "%s", msg)
			}
			j += n
			out = utf8.AppendRune(out, r)
		default:
			return "", p.errAt(closeQuote, "bad escape \\%c", raw[j])
		}
	}
	if !utf8.Valid(out) {
		return "", p.errAt(closeQuote, "invalid UTF-8 in quoted string")
	}
	return string(out), nil
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

// decodeUnicodeEscape decodes the XXXX (and a following \uXXXX low
// surrogate) after "\u". It returns the rune and how many bytes it used.
func decodeUnicodeEscape(b []byte) (rune, int, string) {
	r, ok := hex4(b)
	if !ok {
		return 0, 0, "malformed \\u escape"
	}
	if r == 0 {
		return 0, 0, "null bytes not supported in quoted strings"
	}
	if utf16.IsSurrogate(r) {
		if r >= 0xdc00 || len(b) < 10 || b[4] != '\\' || b[5] != 'u' {
			return 0, 0, "malformed escaped surrogate pair"
		}
		lo, ok := hex4(b[6:])
		if !ok {
			return 0, 0, "malformed \\u escape"
		}
		if lo < 0xdc00 || lo > 0xdfff {
			return 0, 0, "malformed escaped surrogate pair"
		}
		return utf16.DecodeRune(r, lo), 10, ""
	}
	return r, 4, ""
}

// indexThreshold is the object size from which duplicate-name checks use a
// map instead of a linear scan.
const indexThreshold = 16

func memberIndex(members []Member, index map[string]int, key string) (int, bool) {
	if index != nil {
		i, ok := index[key]
		return i, ok
	}
	for i := range members {
		if members[i].Key == key {
			return i, true
		}
	}
	return 0, false
}
