package vsctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovs-vsctl"

var (
	logVsctl  = vlog.NewModule("vsctl")
	logDBCtl  = vlog.NewModule("db_ctl_base")
	logIDL    = vlog.NewModule("ovsdb_idl")
	logSignal = vlog.NewModule("fatal_signal")
)

// fatal is OVS's ctl_fatal: the message is printed after the program name
// and the process exits with status 1.
type fatalError struct {
	msg    string
	status int
}

func fatal(format string, args ...any) {
	panic(&fatalError{msg: fmt.Sprintf(format, args...), status: 1})
}

// exitWith ends the run at once with status, printing nothing (br-exists).
func exitWith(status int) {
	panic(&fatalError{status: status})
}

// options are the global options. The command options are in the table
// too, as in OVS: given before the first command they apply to it.
func options() []getopt.Option {
	opts := []getopt.Option{
		{Name: "db", HasArg: getopt.RequiredArgument},
		{Name: "no-syslog", HasArg: getopt.NoArgument},
		{Name: "no-wait", HasArg: getopt.NoArgument},
		{Name: "dry-run", HasArg: getopt.NoArgument},
		{Name: "oneline", HasArg: getopt.NoArgument},
		{Name: "timeout", Short: 't', HasArg: getopt.RequiredArgument},
		{Name: "retry", HasArg: getopt.NoArgument},
		{Name: "help", Short: 'h', HasArg: getopt.NoArgument},
		{Name: "commands", HasArg: getopt.NoArgument},
		{Name: "options", HasArg: getopt.NoArgument},
		{Name: "leader-only", HasArg: getopt.NoArgument},
		{Name: "no-leader-only", HasArg: getopt.NoArgument},
		{Name: "shuffle-remotes", HasArg: getopt.NoArgument},
		{Name: "no-shuffle-remotes", HasArg: getopt.NoArgument},
		{Name: "version", Short: 'V', HasArg: getopt.NoArgument},
	}
	opts = append(opts, vlog.Options()...)
	opts = append(opts, table.Options()...)
	opts = append(opts,
		getopt.Option{Name: "private-key", Short: 'p', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "certificate", Short: 'c', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ca-cert", Short: 'C', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ssl-protocols", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ssl-ciphers", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "bootstrap-ca-cert", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "peer-ca-cert", HasArg: getopt.RequiredArgument},
	)
	nGlobal := len(opts)
	for _, name := range localOptionNames() {
		has := getopt.NoArgument
		if strings.HasSuffix(name, "=") {
			name = strings.TrimSuffix(name, "=")
			has = getopt.RequiredArgument
		}
		dup := false
		for _, o := range opts {
			if o.Name == name {
				dup = true
			}
		}
		if !dup {
			opts = append(opts, getopt.Option{Name: name, HasArg: has})
		}
	}
	_ = nGlobal
	return opts
}

// localOptionNames lists every command option, "name=" for those that
// take an argument.
func localOptionNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, c := range commandList {
		for _, o := range strings.Split(c.options, ",") {
			o = strings.TrimSpace(o)
			if o == "" {
				continue
			}
			o = strings.TrimPrefix(o, "--")
			o = strings.TrimSuffix(o, "?")
			if !seen[o] && !seen[strings.TrimSuffix(o, "=")] {
				seen[o] = true
				seen[strings.TrimSuffix(o, "=")] = true
				names = append(names, o)
			}
		}
	}
	return names
}

// settings is what the global options decide.
type settings struct {
	db       string
	wait     bool
	dryRun   bool
	oneline  bool
	retry    bool
	timeout  time.Duration
	style    table.Style
	cmdLine  string
	commands []*invocation
	// ctx ends the run when an in-process --timeout expires (Session);
	// Main uses the alarm instead, as OVS does.
	ctx    context.Context
	stderr io.Writer
}

// Main runs ovs-vsctl; args[0] is the program name. It returns the exit
// status.
func Main(args []string) int {
	if os.Getenv("GOMAXPROCS") == "" {
		// One short-lived client gains nothing from a second P but the
		// cost of handing work between threads and of GC workers, which
		// measurably slows a run on a busy 2-core machine.
		runtime.GOMAXPROCS(1)
	}
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	return runIn(nil, args, stdout, stderr)
}

// runIn runs one command line; with sess it uses the session's connection
// (unless the command line asks for another database or --retry) and a
// --timeout ends only this run.
func runIn(sess *Session, args []string, stdout, stderr io.Writer) (status int) {
	vlog.SetProgramName(program)
	vlog.Set("reconnect:emer")
	vlog.Set("console:warn")
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(*fatalError)
			if !ok {
				panic(r)
			}
			if fe.msg != "" {
				vlog.SetLevel(logVsctl, vlog.Console, vlog.Off)
				logVsctl.Err("%s", fe.msg)
				fmt.Fprintf(stderr, "%s: %s\n", program, fe.msg)
			}
			status = fe.status
		}
	}()
	s := &settings{db: defaultDB(), wait: true, ctx: context.Background(), stderr: stderr}
	if sess != nil {
		s.db = sess.remote
	}
	s.style.Format = table.FormatList
	s.cmdLine = escapeArgs(args)
	local := newOptionSet()
	p := getopt.NewParser(args[1:], options(), getopt.RequireOrder)
	for {
		o, ok, err := p.Next()
		if err != nil {
			fatal("%s", err)
		}
		if !ok {
			break
		}
		switch o.Name {
		case "db":
			s.db = o.Arg
		case "no-syslog":
			vlog.Set("vsctl:syslog:warn")
		case "no-wait":
			s.wait = false
		case "dry-run":
			s.dryRun = true
		case "oneline":
			s.oneline = true
		case "timeout", "t":
			n, err := strconv.Atoi(strings.TrimSpace(o.Arg))
			if err != nil || n < 0 {
				fatal("value %s on -t or --timeout is invalid", o.Arg)
			}
			if n > 0 {
				s.timeout = time.Duration(n) * time.Second
			}
		case "retry":
			s.retry = true
		case "help", "h":
			io.WriteString(stdout, usage())
			return 0
		case "commands":
			printCommands(stdout)
			return 0
		case "options":
			printOptions(stdout, options())
			return 0
		case "version", "V":
			fmt.Fprintln(stdout, version.Line(program))
			fmt.Fprintln(stdout, "DB Schema 8.3.1")
			return 0
		case "leader-only", "no-leader-only", "shuffle-remotes", "no-shuffle-remotes",
			"private-key", "p", "certificate", "c", "ca-cert", "C", "ssl-protocols",
			"ssl-ciphers", "bootstrap-ca-cert", "peer-ca-cert":
		default:
			if ok, err := s.style.HandleOption(o); ok {
				if err != nil {
					fatal("%s", err)
				}
				continue
			}
			if ok, err := vlog.HandleOption(o); ok {
				if err != nil {
					if errors.Is(err, vlog.ErrAlreadyLogged) {
						exitWith(1)
					}
					fatal("%s", err)
				}
				continue
			}
			key := "--" + o.Name
			if local.has(key) {
				fatal("'%s' option specified multiple times", key)
			}
			local.add(key, o.Arg, o.HasArg)
		}
	}
	s.commands = parseCommands(p.Remaining(), local)
	if s.timeout > 0 {
		if sess == nil {
			time.AfterFunc(s.timeout, alarm)
		} else {
			ctx, cancel := context.WithTimeoutCause(s.ctx, s.timeout, errAlarm)
			defer cancel()
			s.ctx = ctx
		}
	}
	if sess != nil && s.db == sess.remote && !s.retry {
		return sess.execute(s, stdout)
	}
	return execute(s, stdout)
}

// errAlarm is the cause of an in-process --timeout expiring.
var errAlarm = errors.New("alarm")

// alarmFatal ends a Session run whose --timeout expired with what OVS's
// SIGALRM death shows: the fatal_signal warning and status 128+14.
func alarmFatal() {
	logSignal.Warn("terminating with signal %d (%s)", int(syscall.SIGALRM), "Alarm clock")
	panic(&fatalError{status: 128 + int(syscall.SIGALRM)})
}

// alarm is what --timeout does when it expires: die by SIGALRM, as OVS's
// alarm(2) makes it.
var alarm = func() {
	logSignal.Warn("terminating with signal %d (%s)", int(syscall.SIGALRM), "Alarm clock")
	dieBySignal(syscall.SIGALRM)
}

func dieBySignal(sig syscall.Signal) {
	var sa [8]uint64 // SIG_DFL
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa[0])), 0, 8, 0, 0)
	unix.Kill(unix.Getpid(), sig)
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}

// escapeArgs joins the command line for the transaction comment, quoting
// words that need it as OVS's process_escape_args does.
func escapeArgs(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && !strings.ContainsAny(a, " \t\r\n\v\f\\'\"") {
			b.WriteString(a)
			continue
		}
		b.WriteByte('"')
		for j := 0; j < len(a); j++ {
			if a[j] == '\\' || a[j] == '"' {
				b.WriteByte('\\')
			}
			b.WriteByte(a[j])
		}
		b.WriteByte('"')
	}
	return b.String()
}

// execute connects, runs the commands until they commit (or fail), prints
// their output and waits for ovs-vswitchd. A few plain add-port commands
// are first tried as one blind transaction (direct.go). A command list that a targeted
// replica can serve gets one (target.go), and a full one only if the
// targeted replica turns out not to be enough.
func execute(s *settings, stdout io.Writer) int {
	if directAddPorts(s) {
		return 0
	}
	tg := targetFor(s.commands)
	if tg != nil {
		if status, ok := executeWith(s, stdout, tg); ok {
			return status
		}
	}
	status, _ := executeWith(s, stdout, nil)
	return status
}

// executeWith runs the commands over a fresh replica, targeted if tg is
// set. It reports false if the targeted replica was not enough, before
// anything was printed or committed.
func executeWith(s *settings, stdout io.Writer, tg *target) (int, bool) {
	schema := vswitchSchema()
	// The server normally runs the schema we embed; if not, the IDL
	// finds out from the refused monitor request and asks for it.
	db := idl.New(s.db, schema, idl.Options{Retry: s.retry, AssumeSchema: true})
	defer db.Close()
	r := &runner{s: s, idl: db, schema: schema, target: tg}
	r.prepare()
	r.finishRegistration()
	if tg != nil {
		r.setTargetConditions()
	}
	db.Start()
	return r.runAll(stdout)
}

// prepare runs every command's pre step: what it reads is registered and
// errors that need no database are reported before connecting.
func (r *runner) prepare() {
	r.register()
	for _, inv := range r.s.commands {
		if inv.cmd.pre != nil {
			r.inv = inv
			inv.cmd.pre(r)
		}
	}
	r.inv = nil
}

// runAll waits for the replica and runs the command list until it
// commits. For a targeted replica it reports false, having done nothing,
// if the replica does not hold all the command list needs.
func (r *runner) runAll(stdout io.Writer) (int, bool) {
	s, db, ctx := r.s, r.idl, r.s.ctx
	if err := db.WaitConnected(ctx); err != nil {
		connFatal(s.db, db, err)
	}
	for {
		if r.target != nil && !r.targetComplete() {
			return 0, false
		}
		done := r.attempt(ctx, stdout)
		if done {
			break
		}
		seq := db.Seqno()
		if err := db.WaitForChange(ctx, seq); err != nil {
			connFatal(s.db, db, err)
		}
		if !db.IsConnected() {
			if err := db.WaitConnected(ctx); err != nil {
				connFatal(s.db, db, err)
			}
		}
	}
	return r.exitStatus, true
}

func connFatal(remote string, db *idl.IDL, err error) {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		alarmFatal()
	}
	var ce *idl.ConnectionError
	if errors.As(err, &ce) {
		fatal("%s", ce.Error())
	}
	if e := db.Err(); e != nil && errors.As(e, &ce) {
		fatal("%s", ce.Error())
	}
	fatal("%s: database connection failed (%s)", remote, ovsdb.Strerror(err))
}

var schemaCache *ovsdb.Schema

// vswitchSchema is the embedded vswitch schema. It comes from generated
// code (schema_gen.go) rather than from parsing the JSON text: parsing and
// validating 27 kB of schema was about a seventh of the CPU time of a short
// ovs-vsctl run, and building the same structures directly costs a tenth
// of that. TestSchemaGenerated keeps the two equal.
func vswitchSchema() *ovsdb.Schema {
	if schemaCache == nil {
		schemaCache = builtVswitchSchema()
	}
	return schemaCache
}

// vswitchTable completes ts, as schema_gen.go declares it, with its
// columns (static arrays there) and their lookup structures.
func vswitchTable(ts *ovsdb.TableSchema, cols []ovsdb.ColumnSchema) *ovsdb.TableSchema {
	ts.Columns = make(map[string]*ovsdb.ColumnSchema, len(cols))
	ts.AllColumns = make([]*ovsdb.ColumnSchema, len(cols))
	for i := range cols {
		ts.AllColumns[i] = &cols[i]
		ts.Columns[cols[i].Name] = &cols[i]
	}
	return ts
}

// writeOutput prints the commands' output as OVS does: tables through the
// shared style, text as is, or with --oneline each command's text on one
// line with newlines and backslashes escaped.
func writeOutput(w io.Writer, s *settings, cmds []*invocation) {
	var buf []byte
	for _, inv := range cmds {
		if inv.table != nil {
			buf = inv.table.Append(buf, &s.style)
			continue
		}
		if s.oneline {
			out := bytes.TrimSuffix(inv.output, []byte("\n"))
			for _, c := range out {
				switch c {
				case '\n':
					buf = append(buf, '\\', 'n')
				case '\\':
					buf = append(buf, '\\', '\\')
				default:
					buf = append(buf, c)
				}
			}
			buf = append(buf, '\n')
			continue
		}
		buf = append(buf, inv.output...)
	}
	w.Write(buf)
}
