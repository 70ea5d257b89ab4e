package shell

import (
	"errors"
	"strings"
)

// errIncomplete means the line ends inside quotes or with a backslash: the
// command goes on on the next line, as in sh.
var errIncomplete = errors.New("unterminated quote or trailing backslash")

// splitWords splits a command line into words the way a POSIX shell does,
// without expansions: blanks separate words; '...' keeps everything
// literally; "..." keeps everything but lets a backslash escape \ " $ ` and
// newline; outside quotes a backslash escapes any character; backslash-newline
// disappears; a # that starts a word starts a comment. An unfinished quote or
// a trailing backslash returns errIncomplete with the words so far.
func splitWords(line string) ([]string, error) {
	p := wordScanner{line: line}
	for p.next() {
	}
	if p.open {
		return p.words, errIncomplete
	}
	return p.words, nil
}

// wordScanner is the state of splitWords; completion reuses it to learn
// where the word under the cursor starts and what it holds so far.
type wordScanner struct {
	line  string
	pos   int
	words []string

	// The word being read: its text so far, where it starts in line, and
	// the quote it is inside (0, '\'' or '"').
	cur     strings.Builder
	inWord  bool
	start   int
	quote   byte
	open    bool // ended inside quotes or after a lone backslash
	comment bool
}

// next consumes one word; it returns false at the end of the line. At the
// end, a word left unfinished (open quote or backslash) stays in cur with
// inWord set, and open says why.
func (p *wordScanner) next() bool {
	line := p.line
	// Skip blanks between words, and line continuations, which are
	// removed before words are split and so start no word.
	for p.pos < len(line) {
		if isBlank(line[p.pos]) {
			p.pos++
		} else if strings.HasPrefix(line[p.pos:], "\\\n") {
			p.pos += 2
		} else {
			break
		}
	}
	if p.pos >= len(line) {
		return false
	}
	if line[p.pos] == '#' {
		p.comment = true
		p.pos = len(line)
		return false
	}
	p.cur.Reset()
	p.inWord = true
	p.start = p.pos
	for p.pos < len(line) {
		c := line[p.pos]
		switch p.quote {
		case '\'':
			if c == '\'' {
				p.quote = 0
			} else {
				p.cur.WriteByte(c)
			}
			p.pos++
		case '"':
			switch {
			case c == '"':
				p.quote = 0
				p.pos++
			case c == '\\' && p.pos+1 < len(line) && strings.IndexByte("\\\"$`\n", line[p.pos+1]) >= 0:
				if line[p.pos+1] != '\n' {
					p.cur.WriteByte(line[p.pos+1])
				}
				p.pos += 2
			case c == '\\' && p.pos+1 == len(line):
				p.pos++
				p.open = true
				return false
			default:
				p.cur.WriteByte(c)
				p.pos++
			}
		default:
			switch {
			case isBlank(c):
				p.finish()
				return true
			case c == '\'' || c == '"':
				p.quote = c
				p.pos++
			case c == '\\':
				if p.pos+1 == len(line) {
					p.pos++
					p.open = true
					return false
				}
				if line[p.pos+1] != '\n' {
					p.cur.WriteByte(line[p.pos+1])
				}
				p.pos += 2
			default:
				p.cur.WriteByte(c)
				p.pos++
			}
		}
	}
	if p.quote != 0 {
		p.open = true
		return false
	}
	p.finish()
	return false
}

func (p *wordScanner) finish() {
	p.words = append(p.words, p.cur.String())
	p.inWord = false
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// quoteWord returns w written so that splitWords reads it back as one word;
// completion inserts names this way.
func quoteWord(w string) string {
	if w == "" {
		return "''"
	}
	plain := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		if isBlank(c) || strings.IndexByte("'\"\\#$`;&|<>()*?[]{}~!", c) >= 0 {
			plain = false
			break
		}
	}
	if plain {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
