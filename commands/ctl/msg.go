package ctl

import (
	"io"
	"os"

	"github.com/govs/ovs/internal/tty"
)

// reporter prints progress lines in Debian's LSB style, which is what the
// script's log_success_msg, log_failure_msg and log_warning_msg print on
// Debian: "TEXT.", "TEXT ... failed!", "TEXT ... (warning).". On a terminal
// (with TERM set and not "dumb") the failure and warning words are red and
// yellow.
type reporter struct {
	out   io.Writer
	fancy bool
}

func newReporter(out *os.File) *reporter {
	return &reporter{out: out, fancy: fancyOutput(out)}
}

func fancyOutput(f *os.File) bool {
	if term := os.Getenv("TERM"); term == "" || term == "dumb" {
		return false
	}
	return tty.IsTerminal(f)
}

func (r *reporter) success(text string) {
	io.WriteString(r.out, text+".\n")
}

func (r *reporter) failure(text string) {
	if r.fancy {
		io.WriteString(r.out, text+" ... \x1b[31mfailed!\x1b[0m\n")
		return
	}
	io.WriteString(r.out, text+" ... failed!\n")
}

func (r *reporter) warning(text string) {
	if r.fancy {
		io.WriteString(r.out, text+" ... \x1b[33m(warning).\x1b[0m\n")
		return
	}
	io.WriteString(r.out, text+" ... (warning).\n")
}

// action reports the outcome of err under text, as the script's "action"
// does after running a command, and passes err on.
func (r *reporter) action(text string, err error) error {
	if err != nil {
		r.failure(text)
	} else {
		r.success(text)
	}
	return err
}
