package vlog

import (
	"strconv"
	"time"
)

// The default patterns, as real daemons show them in vlog/list-pattern.
const (
	defaultConsolePattern = "%D{%Y-%m-%dT%H:%M:%SZ}|%05N|%c%T|%p|%m"
	defaultFilePattern    = "%D{%Y-%m-%dT%H:%M:%S.###Z}|%05N|%c%T|%p|%m"
	defaultSyslogPattern  = "ovs|%05N|%c%T|%p|%m"
	// syslogPrefixPattern is what vlog/list-pattern shows as the syslog
	// prefix. OVS 3.1 on Linux shows it but does not use it: the datagram
	// headers are fixed per method (see sendSyslog).
	syslogPrefixPattern = "<%B> %D{%h %e %T} %E %A:"
)

// pattern is a compiled log pattern: parsed once when set, so emitting a
// message walks a slice instead of re-parsing the escapes.
type pattern struct {
	src   string
	elems []patElem
}

type patElem struct {
	lit   string // literal text, when conv == 0 and !nul
	conv  byte
	left  bool
	zero  bool
	width int
	arg   string // the {...} argument, used by %d and %D
	// nul marks a '%' at the very end of the pattern. OVS expands it to a
	// NUL byte, which cuts the line short (newline included) when the C
	// string is written; we reproduce that.
	nul bool
}

// patternLocked returns destination d's pattern, compiling the default on
// first use. mu must be held.
func patternLocked(d Destination) *pattern {
	if p := patterns[d]; p != nil {
		return p
	}
	src := defaultConsolePattern
	switch d {
	case Syslog:
		src = defaultSyslogPattern
	case File:
		src = defaultFilePattern
	}
	patterns[d] = compilePattern(src)
	return patterns[d]
}

func compilePattern(src string) *pattern {
	p := &pattern{src: src}
	i := 0
	for i < len(src) {
		j := i
		for j < len(src) && src[j] != '%' {
			j++
		}
		if j > i {
			p.elems = append(p.elems, patElem{lit: src[i:j]})
		}
		if j >= len(src) {
			break
		}
		// src[j] == '%'
		i = j + 1
		var e patElem
		if i < len(src) && src[i] == '-' {
			e.left = true
			i++
		}
		if i < len(src) && src[i] == '0' {
			e.zero = true
			i++
		}
		for i < len(src) && src[i] >= '0' && src[i] <= '9' {
			if e.width < 1<<16 {
				e.width = e.width*10 + int(src[i]-'0')
			}
			i++
		}
		if i >= len(src) {
			e.nul = true
			p.elems = append(p.elems, e)
			break
		}
		e.conv = src[i]
		i++
		if i < len(src) && src[i] == '{' {
			end := i + 1
			for end < len(src) && src[end] != '}' {
				end++
			}
			e.arg = src[i+1 : end]
			i = end + 1
			if i > len(src) {
				i = len(src)
			}
		}
		p.elems = append(p.elems, e)
	}
	return p
}

// record is everything a pattern may show about one message.
type record struct {
	module *Module
	level  Level
	msg    string
	seq    uint64
	now    time.Time
}

// render appends the expansion of p for r to dst. Writers pass the result
// through cString, so a NUL (see patElem.nul) ends the line there.
func (p *pattern) render(dst []byte, r *record) []byte {
	for i := range p.elems {
		e := &p.elems[i]
		if e.conv == 0 {
			if e.nul {
				dst = append(dst, 0)
			} else {
				dst = append(dst, e.lit...)
			}
			continue
		}
		start := len(dst)
		switch e.conv {
		case 'A':
			dst = append(dst, programName...)
		case 'B':
			dst = strconv.AppendInt(dst, int64(priority(r.level)), 10)
		case 'c':
			dst = append(dst, r.module.name...)
		case 'd':
			f := e.arg
			if f == "" {
				f = "%Y-%m-%d %H:%M:%S.###"
			}
			dst = appendStrftime(dst, f, r.now.Local())
		case 'D':
			f := e.arg
			if f == "" {
				f = "%Y-%m-%d %H:%M:%S.###"
			}
			dst = appendStrftime(dst, f, r.now.UTC())
		case 'E':
			dst = append(dst, hostname...)
		case 'm':
			dst = append(dst, r.msg...)
		case 'N':
			dst = strconv.AppendUint(dst, r.seq, 10)
		case 'n':
			dst = append(dst, '\n')
		case 'p':
			dst = append(dst, r.level.String()...)
		case 'P':
			dst = strconv.AppendInt(dst, int64(pid), 10)
		case 'r':
			dst = strconv.AppendInt(dst, r.now.Sub(startTime).Milliseconds(), 10)
		case 't':
			if subprogram != "" {
				dst = append(dst, subprogram...)
			} else {
				dst = append(dst, "main"...)
			}
		case 'T':
			if subprogram != "" {
				dst = append(dst, '(')
				dst = append(dst, subprogram...)
				dst = append(dst, ')')
			}
		default:
			// Unknown escapes expand to the character itself, padded.
			dst = append(dst, e.conv)
		}
		dst = pad(dst, start, e)
	}
	return dst
}

// pad widens dst[start:] to e.width. Zero padding applies to text as well as
// numbers, as in OVS ("%08p" gives "00000DBG").
func pad(dst []byte, start int, e *patElem) []byte {
	n := len(dst) - start
	if n >= e.width {
		return dst
	}
	fill := e.width - n
	if e.left {
		for range fill {
			dst = append(dst, ' ')
		}
		return dst
	}
	c := byte(' ')
	if e.zero {
		c = '0'
	}
	for range fill {
		dst = append(dst, 0)
	}
	copy(dst[start+fill:], dst[start:start+n])
	for k := start; k < start+fill; k++ {
		dst[k] = c
	}
	return dst
}
