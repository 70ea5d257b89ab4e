package ovsjson

// Elements calls fn with the text of each element of the JSON array that
// is text, in order, and Members calls fn with the name and the value text
// of each member of the JSON object that is text, in order (a repeated
// name is reported each time). Neither builds values: they pick a few
// parts out of a big message, such as the reply to a transaction of
// thousands of operations whose results only need a glance, so that only
// those parts, if any, are parsed.
//
// They check the syntax of text's own level, that nested brackets and
// strings balance, and that names are proper strings, but not the nested
// values themselves: those are Parse's to check, for the parts that
// matter. White space may surround text and its parts; the texts given to
// fn have none around them. An error from fn ends the scan and is
// returned.
func Elements(text []byte, fn func(elem []byte) error) error {
	return scan(text, '[', func(_ string, elem []byte) error { return fn(elem) })
}

// Members: see Elements.
func Members(text []byte, fn func(name string, value []byte) error) error {
	return scan(text, '{', fn)
}

// scan walks the array or object (open is its opening bracket) that is
// text. Names repeat from one object to the next (a reply's thousands of
// {"uuid": ...}): a pooled parser's string cache keeps them from being
// allocated anew.
func scan(text []byte, open byte, fn func(name string, value []byte) error) error {
	p := parsers.Get().(*parser)
	p.buf, p.pos, p.eofBump = text, 0, false
	err := p.scanContainer(open, fn)
	p.reset()
	parsers.Put(p)
	return err
}

func (p *parser) scanContainer(open byte, fn func(name string, value []byte) error) error {
	closing, object := byte(']'), open == '{'
	if object {
		closing = '}'
	}
	p.skipSpace()
	if p.pos >= len(p.buf) || p.buf[p.pos] != open {
		return p.unexpected("syntax error expecting '" + string(open) + "'")
	}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.buf) && p.buf[p.pos] == closing {
		p.pos++
		return p.scanEnd()
	}
	for {
		p.skipSpace()
		var name string
		if object {
			if p.pos >= len(p.buf) || p.buf[p.pos] != '"' {
				return p.unexpected("syntax error parsing object expecting string")
			}
			var err error
			if name, err = p.str(); err != nil {
				return err
			}
			p.skipSpace()
			if p.pos >= len(p.buf) || p.buf[p.pos] != ':' {
				return p.unexpected("syntax error parsing object expecting ':'")
			}
			p.pos++
			p.skipSpace()
		}
		start := p.pos
		if err := p.skipValue(); err != nil {
			return err
		}
		if err := fn(name, p.buf[start:p.pos]); err != nil {
			return err
		}
		p.skipSpace()
		if p.pos < len(p.buf) && p.buf[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.buf) && p.buf[p.pos] == closing {
			p.pos++
			return p.scanEnd()
		}
		return p.unexpected("syntax error expecting '" + string(closing) + "' or ','")
	}
}

// scanEnd checks that only white space follows the scanned container.
func (p *parser) scanEnd() error {
	p.skipSpace()
	if p.pos < len(p.buf) {
		return p.unexpected("trailing garbage at end of input")
	}
	return nil
}

// skipValue moves p.pos past the value that starts there: a string, an
// array or object whose brackets and strings balance (with no regard to
// which bracket closes which), or the run of other characters that a
// scalar would be made of.
func (p *parser) skipValue() error {
	if p.pos >= len(p.buf) {
		return p.unexpected("syntax error expecting value")
	}
	switch p.buf[p.pos] {
	case '"':
		return p.skipString()
	case '[', '{':
		depth := 0
		for p.pos < len(p.buf) {
			switch p.buf[p.pos] {
			case '"':
				if err := p.skipString(); err != nil {
					return err
				}
				continue
			case '[', '{':
				if depth++; depth > MaxDepth {
					return p.errAt(p.pos, "input exceeds maximum nesting depth %d", MaxDepth)
				}
			case ']', '}':
				if depth--; depth == 0 {
					p.pos++
					return nil
				}
			}
			p.pos++
		}
		return p.errAt(p.pos, "unexpected end of input")
	case ',', ']', '}', ':':
		return p.unexpected("syntax error expecting value")
	}
	for p.pos < len(p.buf) {
		switch c := p.buf[p.pos]; c {
		case ',', ']', '}', ':', '"', '[', '{', ' ', '\t', '\n', '\r':
			return nil
		}
		p.pos++
	}
	return nil
}

// skipString moves p.pos past the quoted string that starts there.
func (p *parser) skipString() error {
	for i := p.pos + 1; i < len(p.buf); i++ {
		switch p.buf[i] {
		case '\\':
			i++
		case '"':
			p.pos = i + 1
			return nil
		}
	}
	p.pos = len(p.buf)
	return p.errAt(p.pos, "unexpected end of input in quoted string")
}
