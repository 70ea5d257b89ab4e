package ovsjson

import (
	"errors"
	"io"
)

// Decoder reads a stream of JSON values with nothing between them but
// optional white space, as JSON-RPC peers of OVS send them: there is no
// length prefix, so a message ends where its outermost array or object
// closes.
//
// The decoder first finds the end of the next value with a cheap byte scan
// (tracking only nesting and string state), then parses that slice in one
// go; partial reads cost no re-parsing.
type Decoder struct {
	r   io.Reader
	buf []byte
	// start and end delimit the unconsumed bytes in buf.
	start, end int
	// MaxSize, if positive, bounds one value's encoded size; a longer
	// value fails with ErrTooLarge so a peer cannot make us buffer
	// without limit.
	MaxSize int
	err     error
	// p parses each value; it keeps its scratch stacks and string cache
	// from one value to the next.
	p parser
}

// ErrTooLarge is returned when a value exceeds Decoder.MaxSize.
var ErrTooLarge = errors.New("JSON value exceeds maximum size")

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	d := &Decoder{r: r, buf: make([]byte, 4096)}
	d.p.strs = new(stringCache)
	return d
}

// Buffered reports whether bytes of a following value are already read.
func (d *Decoder) Buffered() bool {
	for i := d.start; i < d.end; i++ {
		if !isSpace(d.buf[i]) {
			return true
		}
	}
	return false
}

// Decode reads the next value. At a clean end of stream (only white space
// since the last value) it returns io.EOF; a stream that ends inside a value
// returns io.ErrUnexpectedEOF.
func (d *Decoder) Decode() (Value, error) {
	text, err := d.next()
	if err != nil {
		return Value{}, err
	}
	p := &d.p
	p.buf, p.pos, p.eofBump = text, 0, false
	v, err := p.parse(false)
	p.reset()
	return v, err
}

// DecodeBytes is like Decode but returns the raw text of the next value. The
// slice is valid until the next call.
func (d *Decoder) DecodeBytes() ([]byte, error) { return d.next() }

func (d *Decoder) next() ([]byte, error) {
	// Skip white space between values.
	for {
		for d.start < d.end && isSpace(d.buf[d.start]) {
			d.start++
		}
		if d.start < d.end {
			break
		}
		if err := d.fill(); err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, err
		}
	}
	if c := d.buf[d.start]; c != '{' && c != '[' {
		bad := d.buf[d.start : d.start+1]
		d.start = d.end
		return nil, &SyntaxError{Msg: "syntax error at beginning of input: unexpected '" + string(bad) + "'"}
	}
	depth := 0
	inString, escape := false, false
	i := d.start
	for {
		for ; i < d.end; i++ {
			c := d.buf[i]
			if inString {
				switch {
				case escape:
					escape = false
				case c == '\\':
					escape = true
				case c == '"':
					inString = false
				}
				continue
			}
			switch c {
			case '"':
				inString = true
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					text := d.buf[d.start : i+1]
					d.start = i + 1
					return text, nil
				}
			}
		}
		if d.MaxSize > 0 && i-d.start > d.MaxSize {
			d.start = d.end
			return nil, ErrTooLarge
		}
		off := i - d.start
		if err := d.fill(); err != nil {
			if err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		i = d.start + off
	}
}

// fill reads more input, compacting or growing the buffer first.
func (d *Decoder) fill() error {
	if d.err != nil {
		return d.err
	}
	if d.start > 0 {
		n := copy(d.buf, d.buf[d.start:d.end])
		d.start, d.end = 0, n
	}
	if d.end == len(d.buf) {
		nb := make([]byte, 2*len(d.buf))
		copy(nb, d.buf[:d.end])
		d.buf = nb
	}
	n, err := d.r.Read(d.buf[d.end:])
	d.end += n
	if err != nil {
		d.err = err
	}
	if n > 0 {
		return nil
	}
	if err == nil {
		return nil // a reader may return 0, nil; ask again
	}
	return err
}
