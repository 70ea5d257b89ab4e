package vlog

import (
	"errors"
	"fmt"

	"github.com/govs/ovs/internal/getopt"
)

// ErrAlreadyLogged is matched (errors.Is) by errors that vlog has already
// logged, such as a --log-file that cannot be opened: OVS tools then exit with
// status 1 without printing anything more, and so should ours.
var ErrAlreadyLogged = errors.New("error already logged")

type loggedError struct{ msg string }

func (e *loggedError) Error() string        { return e.msg }
func (e *loggedError) Is(target error) bool { return target == ErrAlreadyLogged }

// Options returns the logging options every OVS daemon and most tools take.
func Options() []getopt.Option {
	return []getopt.Option{
		{Name: "verbose", Short: 'v', HasArg: getopt.OptionalArgument},
		{Name: "log-file", HasArg: getopt.OptionalArgument},
		{Name: "syslog-method", HasArg: getopt.RequiredArgument},
		{Name: "syslog-target", HasArg: getopt.RequiredArgument},
	}
}

// OptionsHelp is the "Logging options:" block of --help, as OVS daemons print
// it, for a program whose default log file is defaultLogFile.
func OptionsHelp(defaultLogFile string) string {
	return "\nLogging options:\n" +
		"  -vSPEC, --verbose=SPEC   set logging levels\n" +
		"  -v, --verbose            set maximum verbosity level\n" +
		"  --log-file[=FILE]        enable logging to specified FILE\n" +
		"                           (default: " + defaultLogFile + ")\n" +
		"  --syslog-method=(libc|unix:file|udp:ip:port)\n" +
		"                           specify how to send messages to syslog daemon\n" +
		"  --syslog-target=HOST:PORT  also send syslog msgs to HOST:PORT via UDP\n"
}

// HandleOption applies p if it is one of Options; handled is false for any
// other option. Errors carry OVS's text without the "program: " prefix, e.g.
// `processing "bogus": no destination, level, or module "bogus"`; the
// caller prints "program: " + err and exits with status 1 (except for
// ErrAlreadyLogged errors, which need no printing).
func HandleOption(p getopt.Parsed) (handled bool, err error) {
	name := p.Name
	if p.Opt != nil {
		if p.Opt.Name != "" {
			name = p.Opt.Name
		} else if p.Opt.Short != 0 {
			name = string(p.Opt.Short)
		}
	}
	switch name {
	case "verbose", "v":
		if !p.HasArg {
			return true, Set("")
		}
		if err := Set(p.Arg); err != nil {
			return true, fmt.Errorf("processing \"%s\": %v", p.Arg, err)
		}
		return true, nil
	case "log-file":
		if err := SetLogFile(p.Arg); err != nil {
			return true, &loggedError{err.Error()}
		}
		return true, nil
	case "syslog-method":
		return true, SetSyslogMethod(p.Arg)
	case "syslog-target":
		// OVS logs a bad target and carries on without it.
		if err := SetSyslogTarget(p.Arg); err != nil {
			socketUtilModule.Err("%s", err.Error())
			return true, nil
		}
		thisModule.Warn("--syslog-target flag is deprecated, use --syslog-method instead")
		return true, nil
	}
	return false, nil
}

var socketUtilModule = NewModule("socket_util")
