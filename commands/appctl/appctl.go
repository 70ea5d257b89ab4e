// Package appctl is the ovs-appctl tool: it sends one command to a running
// daemon's control socket and prints the answer.
//
// Scripts test its exit status and parse its output, so both follow the
// real tool exactly: the command's output goes to stdout unchanged (no
// newline added); a command that fails prints its error text to stderr,
// then "ovs-appctl: TARGET: server returned an error", and exits with 2;
// failures to find or talk to the daemon exit with 1; and --timeout
// expiring kills the process with SIGALRM, as OVS's alarm does, so a shell
// sees status 142.
//
// Targets are resolved as OVS resolves them: a name that starts with "/"
// is a socket path; anything else names a daemon whose pidfile
// <rundir>/NAME.pid is read (and must be locked by a live process, which
// is how OVS tells a running daemon from a stale file) to find the socket
// <rundir>/NAME.PID.ctl.
package appctl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovs-appctl"

var (
	logDaemon      = vlog.NewModule("daemon_unix")
	logFatalSignal = vlog.NewModule("fatal_signal")
)

// Main runs ovs-appctl; args[0] is the program name. It returns the exit
// status.
func Main(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func options() []getopt.Option {
	return append([]getopt.Option{
		{Name: "target", Short: 't', HasArg: getopt.RequiredArgument},
		// Accepted and ignored, as by OVS (a leftover of an old
		// interface).
		{Name: "execute", Short: 'e', HasArg: getopt.NoArgument},
		{Name: "help", Short: 'h', HasArg: getopt.NoArgument},
		{Name: "option", Short: 'o', HasArg: getopt.NoArgument},
		{Name: "version", Short: 'V', HasArg: getopt.NoArgument},
		{Name: "timeout", Short: 'T', HasArg: getopt.RequiredArgument},
	}, vlog.Options()...)
}

// alarm is what the timeout does; tests replace it.
var alarm = func() {
	logFatalSignal.Warn("terminating with signal %d (%s)", int(syscall.SIGALRM), "Alarm clock")
	dieBySignal(syscall.SIGALRM)
}

func run(args []string, stdout, stderr io.Writer) int {
	vlog.SetProgramName(program)
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, program+": "+format+"\n", a...)
		return 1
	}
	opts := options()
	target := "ovs-vswitchd"
	p := getopt.NewParser(args[1:], opts, getopt.RequireOrder)
	for {
		o, ok, err := p.Next()
		if err != nil {
			return fail("%s", err)
		}
		if !ok {
			break
		}
		switch o.Name {
		case "target":
			target = o.Arg
		case "execute":
		case "help":
			io.WriteString(stdout, usage)
			return 0
		case "option":
			getopt.PrintOptions(stdout, opts)
			return 0
		case "version":
			fmt.Fprintln(stdout, version.Line(program))
			return 0
		case "timeout":
			secs, ok := parseTimeout(o.Arg)
			if !ok {
				return fail("value %s on -T or --timeout is invalid", o.Arg)
			}
			// OVS arms the alarm right here, so it covers
			// everything that follows, option parsing included.
			time.AfterFunc(time.Duration(secs)*time.Second, alarm)
		default:
			if _, err := vlog.HandleOption(o); err != nil {
				if errors.Is(err, vlog.ErrAlreadyLogged) {
					return 1
				}
				return fail("%s", err)
			}
		}
	}
	operands := p.Remaining()
	if len(operands) == 0 {
		return fail("at least one non-option argument is required (use --help for help)")
	}

	socket := target
	if !strings.HasPrefix(target, "/") {
		pidfile := paths.Pidfile(target)
		pid, err := readPidfile(pidfile)
		if err != nil {
			return fail("cannot read pidfile \"%s\" (%s)", pidfile, stream.Strerror(err))
		}
		socket = paths.CtlSocket(target, pid)
	}
	client, err := unixctl.Dial(socket)
	if err != nil {
		return fail("cannot connect to \"%s\" (%s)", socket, stream.Strerror(err))
	}
	defer client.Close()

	reply, err := client.Run(context.Background(), operands[0], operands[1:])
	if err != nil {
		return fail("%s: transaction error (%s)", target, stream.Strerror(err))
	}
	if reply.Failed {
		io.WriteString(stderr, reply.Text)
		fmt.Fprintf(stderr, "%s: %s: server returned an error\n", program, target)
		return 2
	}
	io.WriteString(stdout, reply.Text)
	return 0
}

// parseTimeout accepts what OVS does for -T: a whole decimal number
// (leading white space and a '+' allowed) from 1 to 4294967295, the range
// of an unsigned int.
func parseTimeout(s string) (uint64, bool) {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	t = strings.TrimPrefix(t, "+")
	if t == "" || t[0] < '0' || t[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseUint(t, 10, 32)
	if err != nil || n == 0 {
		return 0, false
	}
	return n, true
}

const usage = `ovs-appctl, to query and control a running Open vSwitch daemon
usage: ovs-appctl [TARGET] COMMAND [ARG...]
Targets:
  -t, --target=TARGET  daemon name (found through <rundir>/TARGET.pid) or
                       control socket path (starting with "/");
                       the default is ovs-vswitchd
Common commands:
  list-commands      show the commands the target accepts
  version            show the target's version
  vlog/list          show the log level of each module and destination
  vlog/list-pattern  show the log line pattern of each destination
  vlog/set [SPEC]
      change log levels; SPEC has at most one word of each kind:
      a module name (default: every module)
      'syslog', 'console' or 'file' (default: every destination)
      'off', 'emer', 'err', 'warn', 'info' or 'dbg' (default: 'dbg')
  vlog/reopen        reopen the log file, e.g. after it was rotated
Other options:
  -T, --timeout=SECS   give up (killed by SIGALRM) after SECS seconds
  -h, --help           show this help
  -V, --version        show the version of ovs-appctl
`

// readPidfile returns the pid of the live process that owns pidfile. As in
// OVS, the file counts only while its writer holds a lock on it; a file
// nobody locks is stale (ESRCH).
func readPidfile(pidfile string) (int, error) {
	f, err := os.Open(pidfile)
	if err != nil {
		err = errnoOf(err)
		logDaemon.Warn("%s: open: %s", pidfile, stream.Strerror(err))
		return 0, err
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: io.SeekStart}
	if err := unix.FcntlFlock(f.Fd(), unix.F_GETLK, &lk); err != nil {
		logDaemon.Warn("%s: fcntl: %s", pidfile, stream.Strerror(err))
		return 0, err
	}
	if lk.Type == unix.F_UNLCK {
		logDaemon.Dbg("%s: pid file is stale", pidfile)
		return 0, syscall.ESRCH
	}
	buf := make([]byte, 128)
	n, err := f.Read(buf)
	if err != nil && err != io.EOF {
		err = errnoOf(err)
		logDaemon.Warn("%s: read: %s", pidfile, stream.Strerror(err))
		return 0, err
	}
	line := string(buf[:n])
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i+1]
	}
	pid := leadingInt(line)
	// An OFD lock hides its owner (-1); then the file's word is all we
	// have.
	if lk.Pid > 0 && int(lk.Pid) != pid {
		logDaemon.Warn("%s: stale pidfile for pid %s being deleted by pid %d", pidfile, line, lk.Pid)
		return 0, syscall.ESRCH
	}
	if pid <= 0 {
		return 0, syscall.ESRCH
	}
	return pid, nil
}

// leadingInt parses the number at the start of s as C's atoi does.
func leadingInt(s string) int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > 1<<31 {
			return 0
		}
	}
	if neg {
		return -n
	}
	return n
}

func errnoOf(err error) error {
	if e := stream.Errno(err); e != 0 {
		return e
	}
	return err
}

// dieBySignal kills the process with sig. Go's runtime catches SIGALRM
// and ignores it, so the default disposition is restored behind its back
// first; the all-zero kernel sigaction is SIG_DFL whatever the
// architecture's layout.
func dieBySignal(sig syscall.Signal) {
	var sa [8]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa[0])), 0, 8, 0, 0)
	unix.Kill(unix.Getpid(), sig)
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}
