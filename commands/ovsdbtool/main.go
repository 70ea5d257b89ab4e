package ovsdbtool

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/cnum"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovsdb-tool"

// Main runs ovsdb-tool. args[0] is the program name; the result is the exit
// status.
func Main(args []string) int {
	if len(args) > 0 {
		args = args[1:]
	}
	return run(args, os.Stdout, os.Stderr)
}

// tool is one run of ovsdb-tool: its options and where it prints.
type tool struct {
	out  *bufio.Writer
	errw io.Writer

	more     int    // -m count, for show-log
	rbacRole string // --rbac-role; "" means superuser, as in OVS
}

// exitStatus ends a command with a status and no message: the "false"
// answers of compare-versions and db-is-*.
type exitStatus int

func (s exitStatus) Error() string { return fmt.Sprintf("exit status %d", int(s)) }

// The options, in OVS's table order: "-o" lists them in this order and
// getopt's ambiguity messages name them in it.
var options = []getopt.Option{
	{Name: "more", Short: 'm'},
	{Name: "rbac-role", HasArg: getopt.RequiredArgument},
	{Name: "cid", HasArg: getopt.RequiredArgument},
	{Name: "election-timer", HasArg: getopt.RequiredArgument},
	{Name: "verbose", Short: 'v', HasArg: getopt.OptionalArgument},
	{Name: "help", Short: 'h'},
	{Name: "option", Short: 'o'},
	{Name: "version", Short: 'V'},
}

func run(args []string, stdout, stderr io.Writer) int {
	vlog.SetProgramName(program)
	vlog.SetConsoleWriter(stderr)
	defer vlog.SetConsoleWriter(os.Stderr)

	t := &tool{out: bufio.NewWriter(stdout), errw: stderr}
	defer t.out.Flush()

	p := getopt.NewParser(args, options, getopt.Permute)
	for {
		o, ok, err := p.Next()
		if err != nil {
			return t.fail(err)
		}
		if !ok {
			break
		}
		switch o.Opt.Name {
		case "more":
			t.more++
		case "rbac-role":
			t.rbacRole = o.Arg
		case "cid":
			// Only the clustered commands use it, but OVS checks it
			// whatever the command.
			if u, ok := ovsdb.ParseUUID(o.Arg); !ok || u == ovsdb.ZeroUUID {
				return t.fail(fmt.Errorf("%s: not a valid UUID", o.Arg))
			}
		case "election-timer":
			if n := cnum.Strtol(o.Arg); n < 100 || n > 600000 {
				return t.fail(errors.New("ovsdb error: election timer must be between 100 and 600000, in msec."))
			}
		case "verbose":
			if _, err := vlog.HandleOption(o); err != nil {
				return t.fail(err)
			}
		case "help":
			t.usage()
			return 0
		case "option":
			getopt.PrintOptions(t.out, options)
			return 0
		case "version":
			fmt.Fprintln(t.out, version.Line(program))
			return 0
		}
	}
	// No vlog.Init: OVS's ovsdb-tool does not check OVS_SYSLOG_METHOD.

	operands := p.Remaining()
	if len(operands) == 0 {
		return t.fail(errors.New("missing command name; use --help for help"))
	}
	name, cargs := operands[0], operands[1:]
	c := findCommand(name)
	if c == nil {
		return t.fail(fmt.Errorf("unknown command '%s'; use --help for help", name))
	}
	if len(cargs) < c.min {
		return t.fail(fmt.Errorf("'%s' command requires at least %d arguments", name, c.min))
	}
	if len(cargs) > c.max {
		return t.fail(fmt.Errorf("'%s' command takes at most %d arguments", name, c.max))
	}
	if err := c.run(t, cargs); err != nil {
		return t.fail(err)
	}
	return 0
}

// fail reports err as OVS's tools report a fatal error and returns the
// exit status for it.
func (t *tool) fail(err error) int {
	var st exitStatus
	if errors.As(err, &st) {
		return int(st)
	}
	if errors.Is(err, vlog.ErrAlreadyLogged) {
		return 1
	}
	// What was printed before the error stays, as OVS's buffered stdout
	// is flushed at exit.
	t.out.Flush()
	fmt.Fprintf(t.errw, "%s: %s\n", program, err.Error())
	return 1
}

// command is one ovsdb-tool command. min and max bound its argument count.
type command struct {
	name, usage string
	min, max    int
	run         func(t *tool, args []string) error
}

// commands is in OVS's order, which list-commands shows.
var commands []command

func init() {
	commands = []command{
		{"create", "[db [schema]]", 0, 2, (*tool).create},
		{"compact", "[db [dst]]", 0, 2, (*tool).compact},
		{"convert", "[db [schema [dst]]]", 0, 3, (*tool).convert},
		{"needs-conversion", "", 0, 2, (*tool).needsConversion},
		{"db-name", "[db]", 0, 1, (*tool).dbName},
		{"db-version", "[db]", 0, 1, (*tool).dbVersion},
		{"db-cksum", "[db]", 0, 1, (*tool).dbCksum},
		{"db-is-clustered", "db", 1, 1, (*tool).dbIsClustered},
		{"db-is-standalone", "db", 1, 1, (*tool).dbIsStandalone},
		{"schema-name", "[schema]", 0, 1, (*tool).schemaName},
		{"schema-version", "[schema]", 0, 1, (*tool).schemaVersion},
		{"schema-cksum", "[schema]", 0, 1, (*tool).schemaCksum},
		{"query", "[db] trns", 1, 2, (*tool).query},
		{"transact", "[db] trns", 1, 2, (*tool).transact},
		{"show-log", "[db]", 0, 1, (*tool).showLog},
		{"compare-versions", "a op b", 3, 3, (*tool).compareVersions},
		{"help", "", 0, math.MaxInt32, func(t *tool, _ []string) error { t.usage(); return nil }},
		{"list-commands", "", 0, math.MaxInt32, (*tool).listCommands},
	}
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func (t *tool) usage() {
	fmt.Fprintf(t.out, `%s: Open vSwitch database management utility
usage: %s [OPTIONS] COMMAND [ARG...]
  create [DB [SCHEMA]]    create DB with the given SCHEMA
  compact [DB [DST]]      compact DB in-place (or to DST)
  convert [DB [SCHEMA [DST]]]   convert DB to SCHEMA (to DST)
  db-name [DB]            report name of schema used by DB
  db-version [DB]         report version of schema used by DB
  db-cksum [DB]           report checksum of schema used by DB
  db-is-clustered DB      test whether DB is clustered
  db-is-standalone DB     test whether DB is standalone
  schema-name [SCHEMA]    report SCHEMA's name
  schema-version [SCHEMA] report SCHEMA's schema version
  schema-cksum [SCHEMA]   report SCHEMA's checksum
  compare-versions A OP B  compare OVSDB schema version numbers
  query [DB] TRNS         execute read-only transaction on DB
  transact [DB] TRNS      execute read/write transaction on DB
  [-m]... show-log [DB]   print DB's log entries
The default DB is %s.
The default SCHEMA is %s.
`, program, program, paths.DefaultDB(), paths.DefaultSchema())
	io.WriteString(t.out, vlog.OptionsHelp(paths.LogFile(program)))
	io.WriteString(t.out, `
Other options:
  -m, --more                  increase show-log verbosity
  --rbac-role=ROLE            RBAC role for transact and query commands
  -h, --help                  display this help message
  -V, --version               display version information
`)
}

func (t *tool) listCommands(_ []string) error {
	io.WriteString(t.out, "The available commands are:\n")
	for _, c := range commands {
		fmt.Fprintf(t.out, "  %-23s %s\n", c.name, c.usage)
	}
	return nil
}
