package getopt

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that errors are *Error in one of glibc's
// forms, and that on success the options and operands account for every argument:
// a re-walk of args, written independently of the parser, must consume exactly the
// returned options and reproduce the returned operands.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"-ab --verb=x foo -- -t",
		"--ver",
		"--=x",
		"-vconsole:dbg -v dbg",
		"-t -- x",
		"--target --all --col=1",
		"x -a - y --format z",
		"--form --for --fo=1",
		"-atab -c -cq ---x",
		"-é --al",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, line string, requireOrder bool) {
		args := strings.Split(line, " ")
		mode := Permute
		if requireOrder {
			mode = RequireOrder
		}
		ps, operands, err := Parse(args, testOpts, mode)
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			for _, prefix := range []string{"unrecognized option '--", "option '--", "option requires an argument -- '", "invalid option -- '"} {
				if strings.HasPrefix(ge.Msg, prefix) {
					return
				}
			}
			t.Fatalf("unexpected error text %q", ge.Msg)
		}
		if err := account(args, mode, ps, operands); err != nil {
			t.Fatalf("Parse(%q, %v): %v\noptions %q\noperands %q", args, mode, err, render(ps), operands)
		}
	})
}

// account re-walks args against the parse result.
func account(args []string, mode Mode, ps []Parsed, operands []string) error {
	var wantOperands []string
	next := func() (Parsed, error) {
		if len(ps) == 0 {
			return Parsed{}, fmt.Errorf("ran out of parsed options")
		}
		p := ps[0]
		ps = ps[1:]
		if p.Opt == nil {
			return p, fmt.Errorf("nil Opt")
		}
		if want := p.Opt.Name; want == "" && p.Name != string(p.Opt.Short) || want != "" && p.Name != want {
			return p, fmt.Errorf("Name %q for %+v", p.Name, *p.Opt)
		}
		if p.Arg != "" && !p.HasArg {
			return p, fmt.Errorf("Arg without HasArg")
		}
		return p, nil
	}
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "--" {
			wantOperands = append(wantOperands, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			if mode == RequireOrder {
				wantOperands = append(wantOperands, args[i:]...)
				break
			}
			wantOperands = append(wantOperands, a)
			i++
			continue
		}
		i++
		if a[1] == '-' {
			name, val, eq := strings.Cut(a[2:], "=")
			p, err := next()
			if err != nil {
				return err
			}
			if !strings.HasPrefix(p.Opt.Name, name) {
				return fmt.Errorf("%q parsed as %q", a, p.Opt.Name)
			}
			switch {
			case eq:
				if p.Opt.HasArg == NoArgument || !p.HasArg || p.Arg != val {
					return fmt.Errorf("%q gave %+v", a, p)
				}
			case p.Opt.HasArg == RequiredArgument:
				if i >= len(args) || !p.HasArg || p.Arg != args[i] {
					return fmt.Errorf("%q gave %+v", a, p)
				}
				i++
			default:
				if p.HasArg {
					return fmt.Errorf("%q gave %+v", a, p)
				}
			}
			continue
		}
		for cl := a[1:]; cl != ""; {
			c := cl[0]
			cl = cl[1:]
			p, err := next()
			if err != nil {
				return err
			}
			if p.Opt.Short != rune(c) {
				return fmt.Errorf("-%c parsed as %+v", c, *p.Opt)
			}
			switch p.Opt.HasArg {
			case RequiredArgument:
				if cl != "" {
					if p.Arg != cl {
						return fmt.Errorf("-%c%s gave %+v", c, cl, p)
					}
				} else {
					if i >= len(args) || p.Arg != args[i] {
						return fmt.Errorf("-%c gave %+v", c, p)
					}
					i++
				}
				if !p.HasArg {
					return fmt.Errorf("-%c gave no argument", c)
				}
				cl = ""
			case OptionalArgument:
				if p.HasArg != (cl != "") || p.Arg != cl {
					return fmt.Errorf("-%c%s gave %+v", c, cl, p)
				}
				cl = ""
			default:
				if p.HasArg {
					return fmt.Errorf("-%c gave %+v", c, p)
				}
			}
		}
	}
	if len(ps) != 0 {
		return fmt.Errorf("%d options left over", len(ps))
	}
	if !slices.Equal(wantOperands, operands) {
		return fmt.Errorf("operands %q, want %q", operands, wantOperands)
	}
	return nil
}
