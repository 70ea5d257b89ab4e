package ovsjson

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
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

// Parse parses exactly one JSON value of any kind from text. Surrounding
// white space is allowed; anything else after the value is "trailing
// garbage". OVS's own readers of JSON text accept only an object or an
// array at the top: ParseDocument is that rule.
func Parse(text []byte) (Value, error) { return parse(text, false) }

// ParseDocument is Parse with OVS's rule for JSON text from files and
// command lines: the value must be an object or an array, and a scalar is
// "syntax error at beginning of input", placed where OVS places it.
func ParseDocument(text []byte) (Value, error) { return parse(text, true) }

func parse(text []byte, document bool) (Value, error) {
	p := parsers.Get().(*parser)
	p.buf, p.pos, p.eofBump = text, 0, false
	v, err := p.parse(document)
	p.reset()
	parsers.Put(p)
	return v, err
}

// parsers keeps parsers, with their counts and string caches, for Parse.
var parsers = sync.Pool{New: func() any { return &parser{strs: new(stringCache)} }}

// reset readies p for the next text: the value parsed owns its slabs,
// and the counts are only scratch.
func (p *parser) reset() {
	p.buf, p.vslab, p.mslab = nil, nil, nil
	p.counts, p.next = p.counts[:0], 0
	if cap(p.counts) > 1<<12 {
		// One huge text should not pin its counts forever.
		p.counts = nil
	}
}

func (p *parser) parse(document bool) (Value, error) {
	p.prescan()
	p.skipSpace()
	if p.pos >= len(p.buf) {
		return Value{}, p.errAt(p.pos, "empty input stream")
	}
	if c := p.buf[p.pos]; document && c != '{' && c != '[' {
		return Value{}, p.unexpected("syntax error at beginning of input")
	}
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos < len(p.buf) {
		return Value{}, p.unexpected("trailing garbage at end of input")
	}
	return v, nil
}

// ParseString is Parse for a string.
func ParseString(text string) (Value, error) { return Parse([]byte(text)) }

type parser struct {
	buf []byte
	pos int
	// eofBump is set when a number or keyword ran to the end of the
	// input: OVS's lexer needs one more (virtual) byte to end such a
	// token, so an "unexpected end of input" after it is one byte later.
	eofBump bool

	// Every array and object of the text takes an exactly sized slice
	// of a slab that holds all the elements (or members) of the text,
	// and parses its elements straight into it: a value costs two
	// allocations (one slab of elements, one of members), not one or
	// more per array and object, and no element is copied from a
	// growing scratch stack (for a transaction of 10,000 operations
	// that growth, and the page faults of its discarded copies, were
	// most of the parse). prescan sizes the slabs and each container.
	vslab []Value
	mslab []Member
	// nvals and nmems are how many array elements and object members
	// the rest of the text has at most (what the slabs must hold).
	nvals, nmems int
	// counts has, for each array and object in the order they open in
	// the text, the number of its elements or members; next is the
	// number of the next container to open.
	counts []int32
	next   int
	// strs, if not nil, turns repeated short strings (member names,
	// table and column names, operators) into one shared string each.
	strs *stringCache
}

// prescan counts the elements of every array and the members of every
// object of p.buf (which starts with a value), in p.counts, and their
// totals, in p.nvals and p.nmems. It tracks only nesting and string
// state. What follows the value, and a malformed text, only make the
// counts different from what a parse uses where the parse fails anyway;
// the parser takes a count as a size hint and never trusts it further
// (duplicate member names also make an object's count long).
func (p *parser) prescan() {
	text := p.buf
	counts := p.counts[:0]
	if guess := len(text) / 32; cap(counts) < guess && guess > 1<<12 {
		// A big text: room for a container per 32 bytes (a 10,000
		// operation transaction has one per 30) saves growing counts
		// through a series of copies.
		counts = make([]int32, 0, guess)
	}
	vals, mems := 0, 0
	// open holds, per nesting level, the number of the container open
	// there; kinds has a bit per level, set for an object. Deeper than
	// MaxDepth the parser fails anyway, so the counts do not matter.
	var open [MaxDepth + 1]int
	var kinds [MaxDepth/64 + 1]uint64
	depth := 0
	empty := false // the last token opened a container
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			for i++; i < len(text) && text[i] != '"'; i++ {
				if text[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
			if depth <= MaxDepth {
				open[depth] = len(counts)
				bit := uint64(1) << (depth % 64)
				if c == '{' {
					kinds[depth/64] |= bit
				} else {
					kinds[depth/64] &^= bit
				}
			}
			counts = append(counts, 0)
			empty = true
			continue
		case ']', '}', ',':
			// An element ends: the last one of a non-empty container,
			// or one before a comma.
			if (c == ',' || !empty) && depth > 0 && depth <= MaxDepth {
				counts[open[depth]]++
				if kinds[depth/64]&(1<<(depth%64)) != 0 {
					mems++
				} else {
					vals++
				}
			}
			if c != ',' && depth > 0 { // a stray closer is the parser's error to report
				depth--
			}
		}
		empty = false
	}
	p.counts, p.next = counts, 0
	p.nvals, p.nmems = vals, mems
}

// container numbers the array or object that opens now and returns its
// count from prescan, or 0 if there is none.
func (p *parser) container() int {
	k := p.next
	p.next++
	if k < len(p.counts) {
		return max(int(p.counts[k]), 0) // a count of 2^31 wraps: it is only a hint
	}
	return 0
}

// takeValues returns room for n elements from the slab.
func (p *parser) takeValues(n int) []Value {
	if n == 0 {
		return []Value{}
	}
	if n > len(p.vslab) {
		// Only a malformed text gets here (its counts were short),
		// or a text whose count is not known.
		p.vslab = make([]Value, max(n, p.nvals))
	}
	s := p.vslab[:n:n]
	p.vslab = p.vslab[n:]
	p.nvals -= n
	return s
}

func (p *parser) takeMembers(n int) []Member {
	if n == 0 {
		return []Member{}
	}
	if n > len(p.mslab) {
		p.mslab = make([]Member, max(n, p.nmems))
	}
	s := p.mslab[:n:n]
	p.mslab = p.mslab[n:]
	p.nmems -= n
	return s
}

// stringCache remembers recently seen short strings so that a stream of
// similar messages does not allocate the same names again and again. It
// is direct-mapped: a string evicts whatever shared its slot.
type stringCache struct {
	slots [256]string
}

// maxCached is the longest string the cache keeps: names repeat, long
// values rarely do.
const maxCached = 32

func (c *stringCache) get(b []byte) string {
	if c == nil || len(b) > maxCached {
		return string(b)
	}
	h := uint32(2166136261)
	for _, x := range b {
		h = (h ^ uint32(x)) * 16777619
	}
	slot := &c.slots[h&255]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
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
	if pos > len(p.buf) {
		col += pos - len(p.buf)
	}
	return &SyntaxError{Line: line, Column: col, Byte: pos, Msg: fmt.Sprintf(format, args...)}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func (p *parser) skipSpace() {
	for p.pos < len(p.buf) && isSpace(p.buf[p.pos]) {
		p.pos++
	}
}

// unexpected reports that the token at p.pos is not what the grammar wants,
// the way OVS's token-driven parser does: the token is lexed first (so a bad
// keyword, number or string is reported as such), and the error is placed
// where the lexer finished the token.
func (p *parser) unexpected(msg string) error {
	p.skipSpace()
	if p.pos >= len(p.buf) {
		pos := p.pos
		if p.eofBump {
			pos++
		}
		return p.errAt(pos, "unexpected end of input")
	}
	switch c := p.buf[p.pos]; {
	case c >= 'a' && c <= 'z':
		end := p.wordEnd()
		switch word := string(p.buf[p.pos:end]); word {
		case "true", "false", "null":
			return p.errAt(end, "%s", msg)
		default:
			return p.errAt(end, "invalid keyword '%s'", word)
		}
	case c == '-' || c >= '0' && c <= '9':
		if _, err := p.number(); err != nil {
			return err
		}
		return p.errAt(p.pos, "%s", msg)
	case c == '"':
		if _, err := p.str(); err != nil {
			return err
		}
		return p.errAt(p.pos-1, "%s", msg)
	case c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':':
		return p.errAt(p.pos, "%s", msg)
	default:
		return p.errAt(p.pos, "invalid character '%c'", c)
	}
}

func (p *parser) wordEnd() int {
	i := p.pos
	for i < len(p.buf) && isLetter(p.buf[i]) {
		i++
	}
	return i
}

func (p *parser) value(depth int) (Value, error) {
	if p.pos >= len(p.buf) {
		return Value{}, p.unexpected("")
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
		v, err := p.number()
		p.eofBump = p.pos == len(p.buf)
		return v, err
	case c >= 'a' && c <= 'z':
		start := p.pos
		p.pos = p.wordEnd()
		p.eofBump = p.pos == len(p.buf)
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
		return Value{}, p.unexpected("syntax error expecting value")
	}
}

func (p *parser) array(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, p.errAt(p.pos, "input exceeds maximum nesting depth %d", MaxDepth)
	}
	n := p.container()
	p.pos++ // '['
	p.skipSpace()
	if p.pos < len(p.buf) && p.buf[p.pos] == ']' {
		p.pos++
		return Value{Kind: Array, A: []Value{}}, nil
	}
	elems := p.takeValues(n)
	i := 0
	for {
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		if i < len(elems) {
			elems[i] = v
		} else {
			elems = append(elems, v) // a count that was short: not reached for a text that parses
		}
		i++
		p.skipSpace()
		if p.pos < len(p.buf) && p.buf[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.buf) && p.buf[p.pos] == ']' {
			p.pos++
			return Value{Kind: Array, A: elems[:i:i]}, nil
		}
		return Value{}, p.unexpected("syntax error expecting ']' or ','")
	}
}

func (p *parser) object(depth int) (Value, error) {
	if depth > MaxDepth {
		return Value{}, p.errAt(p.pos, "input exceeds maximum nesting depth %d", MaxDepth)
	}
	n := p.container()
	p.pos++ // '{'
	p.skipSpace()
	var index map[string]int // built only for large objects
	if p.pos < len(p.buf) && p.buf[p.pos] == '}' {
		p.pos++
		return Value{Kind: Object, O: []Member{}}, nil
	}
	members := p.takeMembers(n)
	i := 0
	for {
		p.skipSpace()
		if p.pos >= len(p.buf) || p.buf[p.pos] != '"' {
			return Value{}, p.unexpected("syntax error parsing object expecting string")
		}
		key, err := p.str()
		if err != nil {
			return Value{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.buf) || p.buf[p.pos] != ':' {
			return Value{}, p.unexpected("syntax error parsing object expecting ':'")
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		// A repeated name replaces the earlier value, as in OVS.
		if j, dup := memberIndex(members[:i], index, key); dup {
			members[j].Value = v
		} else {
			if i < len(members) {
				members[i] = Member{Key: key, Value: v}
			} else {
				members = append(members, Member{Key: key, Value: v})
			}
			i++
			if index != nil {
				index[key] = i - 1
			} else if i == indexThreshold {
				index = make(map[string]int, 2*indexThreshold)
				for j, m := range members[:i] {
					index[m.Key] = j
				}
			}
		}
		p.skipSpace()
		if p.pos < len(p.buf) && p.buf[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.buf) && p.buf[p.pos] == '}' {
			p.pos++
			return Value{Kind: Object, O: members[:i:i]}, nil
		}
		return Value{}, p.unexpected("syntax error expecting '}' or ','")
	}
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
		return p.strs.get(raw), nil
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
	if len(b) < 4 {
		return 0, 0, "quoted string ends within \\u escape"
	}
	r, ok := hex4(b)
	if !ok {
		return 0, 0, "malformed \\u escape"
	}
	if r == 0 {
		return 0, 0, "null bytes not supported in quoted strings"
	}
	if r >= 0xdc00 && r <= 0xdfff {
		// OVS passes a lone low surrogate through; it cannot be
		// valid UTF-8, so it becomes U+FFFD here.
		return utf8.RuneError, 4, ""
	}
	if utf16.IsSurrogate(r) {
		if len(b) < 10 || b[4] != '\\' || b[5] != 'u' {
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
