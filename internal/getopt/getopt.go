// Package getopt parses command lines exactly the way glibc's getopt_long does.
//
// Open vSwitch tools parse their arguments with getopt_long, and scripts in the wild
// rely on its quirks: unambiguous prefixes of long options (--verb for --verbose),
// optional arguments that exist only when glued (-vconsole:dbg, --log-file=FILE),
// required arguments taken from the next word even when it starts with '-',
// permutation of options and operands, POSIXLY_CORRECT, and the exact wording of its
// error messages. Flag libraries such as pflag differ on most of these points, so the
// tools use this package instead.
//
// The option table is a slice of Option. Long and short spellings of one option are
// one entry. Several entries that share a short letter and argument kind are aliases of
// the same option, which is how glibc decides whether a prefix matching several long
// names is ambiguous (it compares the entries' argument kind and return value; our
// return value is the short letter, and long-only entries are all distinct).
//
// The parser works on bytes, as glibc does: a short-option cluster "-é" is two option
// characters, and the error message quotes the first byte verbatim.
package getopt

import (
	"fmt"
	"io"
	"os"
)

// HasArg says whether an option takes an argument.
type HasArg int

const (
	NoArgument HasArg = iota
	RequiredArgument
	// OptionalArgument options take an argument only when it is glued to them:
	// --opt=value or -ovalue. "--opt value" leaves value as an operand.
	OptionalArgument
)

// Option describes one option. Name is the long name without "--" ("" if the option is
// short-only); Short is the short letter (0 if long-only).
type Option struct {
	Name   string
	Short  rune
	HasArg HasArg
}

// Parsed is one option occurrence found on the command line.
type Parsed struct {
	Opt    *Option // points into the slice given to the parser
	Name   string  // Opt.Name if non-empty, else string(Opt.Short)
	Arg    string  // the argument, if any
	HasArg bool    // whether an argument was present (matters for OptionalArgument)
}

// Mode selects how operands mixed with options are treated.
type Mode int

const (
	// Permute is the GNU default: options and operands may be mixed and the operands
	// are returned in order. As in glibc, setting POSIXLY_CORRECT in the environment
	// (to any value, even empty) turns Permute into RequireOrder.
	Permute Mode = iota
	// RequireOrder stops at the first operand, like a leading '+' in a getopt
	// optstring.
	RequireOrder
)

// Error is a usage error. Error returns glibc's text without the "program: " prefix,
// e.g. "unrecognized option '--frob'".
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Parse parses all of args (which does not include the program name) and returns the
// options in order of appearance and the operands. "--" ends option parsing and is
// consumed. A lone "-" is an operand. On a usage error Parse returns the options parsed
// before it, no operands, and an *Error.
func Parse(args []string, opts []Option, mode Mode) ([]Parsed, []string, error) {
	p := NewParser(args, opts, mode)
	var out []Parsed
	for {
		o, ok, err := p.Next()
		if err != nil {
			return out, nil, err
		}
		if !ok {
			return out, p.Remaining(), nil
		}
		out = append(out, o)
	}
}

// Parser is the incremental form of Parse, for tools that need to stop early or to
// change option tables midway (see SetOptions). After an error, Next carries on with
// the following option, as getopt_long does after returning '?'.
type Parser struct {
	args         []string
	opts         []Option
	requireOrder bool

	next     int      // index in args of the next word to examine
	cluster  string   // unparsed characters of the current short-option word
	operands []string // operands passed over in Permute mode
	done     bool
}

// NewParser returns a parser over args (without the program name).
func NewParser(args []string, opts []Option, mode Mode) *Parser {
	ro := mode == RequireOrder
	if !ro {
		_, ro = os.LookupEnv("POSIXLY_CORRECT")
	}
	return &Parser{args: args, opts: opts, requireOrder: ro}
}

// SetOptions replaces the option table. It takes effect at once, including for the
// rest of a short-option cluster being parsed, as changing getopt_long's tables between
// calls does.
func (p *Parser) SetOptions(opts []Option) { p.opts = opts }

// Next returns the next option. ok is false when options are exhausted; Remaining then
// gives the operands. A usage error returns err != nil (always an *Error) with ok false;
// the offending word has been consumed, so calling Next again continues after it.
func (p *Parser) Next() (opt Parsed, ok bool, err error) {
	if p.cluster != "" {
		return p.short()
	}
	for !p.done {
		if p.next >= len(p.args) {
			p.done = true
			break
		}
		a := p.args[p.next]
		if a == "--" {
			p.next++
			p.done = true
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if p.requireOrder {
				p.done = true
				break
			}
			p.operands = append(p.operands, a)
			p.next++
			continue
		}
		p.next++
		if a[1] == '-' {
			return p.long(a[2:])
		}
		p.cluster = a[1:]
		return p.short()
	}
	return Parsed{}, false, nil
}

// Remaining returns the unparsed arguments. After Next has returned ok=false that is,
// in RequireOrder mode, everything from the first operand on (or everything after
// "--"); in Permute mode, the operands collected plus everything after "--". Called
// earlier, it returns the operands passed over so far followed by the words not yet
// examined. The result is a fresh slice.
func (p *Parser) Remaining() []string {
	rest := p.args[p.next:]
	out := make([]string, 0, len(p.operands)+len(rest))
	out = append(out, p.operands...)
	return append(out, rest...)
}

// Operands returns the operands known so far: in Permute mode those passed over while
// looking for options. Once Next has returned ok=false it is the same as Remaining.
func (p *Parser) Operands() []string {
	if p.done {
		return p.Remaining()
	}
	return append([]string(nil), p.operands...)
}

// long parses a word that started with "--"; s is what follows the dashes.
func (p *Parser) long(s string) (Parsed, bool, error) {
	name, arg, hasEq := s, "", false
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			name, arg, hasEq = s[:i], s[i+1:], true
			break
		}
	}

	found := -1
	for i := range p.opts {
		if p.opts[i].Name != "" && p.opts[i].Name == name {
			found = i
			break
		}
	}
	if found < 0 {
		ambiguous := false
		for i := range p.opts {
			o := &p.opts[i]
			if o.Name == "" || len(o.Name) < len(name) || o.Name[:len(name)] != name {
				continue
			}
			if found < 0 {
				found = i
			} else if !sameOption(&p.opts[found], o) {
				ambiguous = true
				break
			}
		}
		if ambiguous {
			return Parsed{}, false, p.ambiguous(s, name, found)
		}
	}
	if found < 0 {
		return Parsed{}, false, &Error{"unrecognized option '--" + s + "'"}
	}

	o := &p.opts[found]
	r := Parsed{Opt: o, Name: o.Name}
	switch {
	case hasEq:
		if o.HasArg == NoArgument {
			return Parsed{}, false, &Error{"option '--" + o.Name + "' doesn't allow an argument"}
		}
		r.Arg, r.HasArg = arg, true
	case o.HasArg == RequiredArgument:
		if p.next >= len(p.args) {
			return Parsed{}, false, &Error{"option '--" + o.Name + "' requires an argument"}
		}
		r.Arg, r.HasArg = p.args[p.next], true
		p.next++
	}
	return r, true, nil
}

// ambiguous builds glibc's message. It lists the first match and every later match that
// is not an alias of it, in table order.
func (p *Parser) ambiguous(word, name string, first int) error {
	msg := "option '--" + word + "' is ambiguous; possibilities:"
	for i := range p.opts {
		o := &p.opts[i]
		if o.Name == "" || len(o.Name) < len(name) || o.Name[:len(name)] != name {
			continue
		}
		if i == first || !sameOption(&p.opts[first], o) {
			msg += " '--" + o.Name + "'"
		}
	}
	return &Error{msg}
}

// sameOption reports whether two table entries are spellings of one option. glibc
// compares has_arg, flag and val; our val is the short letter, so long-only entries
// never match each other.
func sameOption(a, b *Option) bool {
	return a.Short != 0 && a.Short == b.Short && a.HasArg == b.HasArg
}

// short parses the next character of p.cluster.
func (p *Parser) short() (Parsed, bool, error) {
	c := p.cluster[0]
	p.cluster = p.cluster[1:]

	var o *Option
	for i := range p.opts {
		if p.opts[i].Short != 0 && p.opts[i].Short == rune(c) {
			o = &p.opts[i]
			break
		}
	}
	if o == nil {
		return Parsed{}, false, &Error{"invalid option -- '" + string([]byte{c}) + "'"}
	}
	r := Parsed{Opt: o, Name: o.Name}
	if r.Name == "" {
		r.Name = string(o.Short)
	}
	switch o.HasArg {
	case RequiredArgument:
		switch {
		case p.cluster != "":
			r.Arg, r.HasArg = p.cluster, true
			p.cluster = ""
		case p.next < len(p.args):
			r.Arg, r.HasArg = p.args[p.next], true
			p.next++
		default:
			return Parsed{}, false, &Error{"option requires an argument -- '" + string([]byte{c}) + "'"}
		}
	case OptionalArgument:
		if p.cluster != "" {
			r.Arg, r.HasArg = p.cluster, true
			p.cluster = ""
		}
	}
	return r, true, nil
}

// PrintOptions lists an option table the way OVS tools' hidden
// "--options" (and ovsdb-tool's "-o") print it for shell completion: one
// spelling per line, "--name=ARG" or "--name=[ARG]" for options with an
// argument, and "-c ARG", "-c [ARG]" or "-c " for the short forms.
func PrintOptions(w io.Writer, opts []Option) {
	for _, o := range opts {
		long, short := "", ""
		switch o.HasArg {
		case RequiredArgument:
			long, short = "=ARG", "ARG"
		case OptionalArgument:
			long, short = "=[ARG]", "[ARG]"
		}
		if o.Name != "" {
			fmt.Fprintf(w, "--%s%s\n", o.Name, long)
		}
		if o.Short != 0 {
			fmt.Fprintf(w, "-%c %s\n", o.Short, short)
		}
	}
}
