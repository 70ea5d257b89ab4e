package ovsdbclient

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/govs/ovs/commands/internal/table"
	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovsdb-client"

// defaultDatabase is the database a command acts on when none is named and
// the server has it.
const defaultDatabase = "Open_vSwitch"

var logClient = vlog.NewModule("ovsdb_client")

// need says what a command needs before its handler runs: nothing (it parses
// its own arguments, server included), a connection, or a connection and a
// database chosen from the server's list.
type need int

const (
	needNone need = iota
	needRPC
	needDatabase
)

type command struct {
	name     string
	need     need
	min, max int
	run      func(c *client, args []string) error
}

const unlimited = int(^uint(0) >> 1)

// commands is OVS's table. The argument counts exclude the server and the
// database, which are taken off the front first.
var commands = []command{
	{"list-dbs", needRPC, 0, 0, (*client).listDBs},
	{"get-schema", needDatabase, 0, 0, (*client).getSchema},
	{"get-schema-version", needDatabase, 0, 0, (*client).getSchemaVersion},
	{"get-schema-cksum", needDatabase, 0, 0, (*client).getSchemaCksum},
	{"list-tables", needDatabase, 0, 0, (*client).listTables},
	{"list-columns", needDatabase, 0, 1, (*client).listColumns},
	{"transact", needNone, 1, 2, (*client).transact},
	{"query", needNone, 1, 2, (*client).query},
	{"monitor", needDatabase, 1, unlimited, (*client).monitor},
	{"monitor-cond", needDatabase, 2, 3, (*client).monitorCond},
	{"monitor-cond-since", needDatabase, 2, 4, (*client).monitorCondSince},
	{"wait", needNone, 2, 3, (*client).wait},
	{"convert", needNone, 1, 2, (*client).convert},
	{"needs-conversion", needNone, 1, 2, (*client).needsConversion},
	{"dump", needDatabase, 0, unlimited, (*client).dump},
	{"backup", needDatabase, 0, 0, (*client).backup},
	{"restore", needDatabase, 0, 0, (*client).restore},
	{"lock", needRPC, 1, 1, (*client).lock},
	{"steal", needRPC, 1, 1, (*client).steal},
	{"unlock", needRPC, 1, 1, (*client).unlock},
	{"help", needNone, 0, unlimited, (*client).help},
}

// client is one run of ovsdb-client.
type client struct {
	stdin  io.Reader
	stdout *bufio.Writer
	stderr io.Writer

	style         table.Style
	timeout       uint64 // seconds, 0 for none
	force         bool
	dbChangeAware bool
	leaderOnly    bool
	daemon        daemonOptions

	cmd      *command
	server   string // the SERVER argument, or the default
	database string
	rpc      *rpcConn
}

// fatalError ends the run with "ovsdb-client: " and its text on stderr and
// exit status 1, as OVS's ovs_fatal does.
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

func fatalf(format string, args ...any) error {
	return &fatalError{fmt.Sprintf(format, args...)}
}

// exitError ends the run with a status and no message.
type exitError struct{ status int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

// Main runs ovsdb-client; args[0] is the program name. It returns the exit
// status.
func Main(args []string) int {
	c := &client{
		stdin:         os.Stdin,
		stdout:        bufio.NewWriter(os.Stdout),
		stderr:        os.Stderr,
		dbChangeAware: true,
		leaderOnly:    true,
	}
	daemon.HandleSignals()
	err := c.run(args[1:])
	c.stdout.Flush()
	status := c.exit(err)
	if c.daemon.started {
		// Remove the pidfile and the control socket.
		daemon.Exit(status)
	}
	return status
}

// exit turns the outcome of a run into an exit status, printing the error.
func (c *client) exit(err error) int {
	if c.rpc != nil {
		c.rpc.close()
	}
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.status
	}
	if !errors.Is(err, vlog.ErrAlreadyLogged) {
		fmt.Fprintf(c.stderr, "%s: %s\n", program, err.Error())
	}
	return 1
}

// options is the option table, in OVS's order: getopt_long lists the
// candidates for an ambiguous abbreviation in table order.
func options() []getopt.Option {
	opts := []getopt.Option{
		{Name: "help", Short: 'h', HasArg: getopt.NoArgument},
		{Name: "version", Short: 'V', HasArg: getopt.NoArgument},
		{Name: "db-change-aware", HasArg: getopt.NoArgument},
		{Name: "no-db-change-aware", HasArg: getopt.NoArgument},
		{Name: "leader-only", HasArg: getopt.NoArgument},
		{Name: "no-leader-only", HasArg: getopt.NoArgument},
		{Name: "force", HasArg: getopt.NoArgument},
		table.TimestampOption(),
		{Name: "timeout", Short: 't', HasArg: getopt.RequiredArgument},
	}
	opts = append(opts, daemonOptionList()...)
	opts = append(opts, vlog.Options()...)
	opts = append(opts,
		getopt.Option{Name: "private-key", Short: 'p', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "certificate", Short: 'c', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ca-cert", Short: 'C', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ssl-protocols", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ssl-ciphers", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "bootstrap-ca-cert", HasArg: getopt.RequiredArgument})
	opts = append(opts, table.Options()...)
	return opts
}

func (c *client) run(args []string) error {
	vlog.SetProgramName(program)
	p := getopt.NewParser(args, options(), getopt.Permute)
	for {
		opt, ok, err := p.Next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := c.handleOption(opt); err != nil {
			return err
		}
	}
	if err := vlog.Init(); err != nil {
		return err
	}
	if c.timeout > 0 {
		startTimeout(time.Duration(c.timeout) * time.Second)
	}
	operands := p.Remaining()
	if len(operands) == 0 {
		return fatalf("missing command name; use --help for help")
	}
	name := operands[0]
	for i := range commands {
		if commands[i].name == name {
			c.cmd = &commands[i]
			break
		}
	}
	if c.cmd == nil {
		return fatalf("unknown command '%s'; use --help for help", name)
	}
	args = operands[1:]
	if err := c.daemon.prepare(c); err != nil {
		return err
	}

	if c.cmd.need != needNone {
		if len(args) > 0 && looksLikeServer(args[0]) {
			c.server = args[0]
			args = args[1:]
		} else {
			c.server = defaultServer()
		}
		if c.cmd.need == needDatabase && isMultiple(c.server) {
			// A cluster's members are asked about the database by name,
			// so it must be given.
			if len(args) == 0 {
				return fatalf("database name is required with multiple remotes")
			}
			c.database = args[0]
			args = args[1:]
		}
		rpc, err := c.open(c.server, c.database)
		if err != nil {
			return err
		}
		c.rpc = rpc
		if c.cmd.need == needDatabase && c.database == "" {
			dbs, err := c.fetchDBs()
			if err != nil {
				return err
			}
			if len(args) > 0 && contains(dbs, args[0]) {
				c.database = args[0]
				args = args[1:]
			} else if db, ok := defaultDB(dbs); ok {
				c.database = db
			} else {
				return fatalf("could not find a default database, please specify a database name")
			}
		}
	}
	if len(args) < c.cmd.min || len(args) > c.cmd.max {
		return fatalf("invalid syntax for '%s' (use --help for help)", c.cmd.name)
	}
	return c.cmd.run(c, args)
}

func (c *client) handleOption(p getopt.Parsed) error {
	if ok, err := vlog.HandleOption(p); ok {
		return err
	}
	if ok, err := c.style.HandleOption(p); ok {
		return err
	}
	if ok, err := c.daemon.handleOption(p); ok {
		return err
	}
	switch p.Opt.Name {
	case "timeout":
		t, ok := parseTimeout(p.Arg)
		if !ok {
			return fatalf("value %s on -t or --timeout is invalid", p.Arg)
		}
		c.timeout = t
	case "force":
		c.force = true
	case "db-change-aware":
		c.dbChangeAware = true
	case "no-db-change-aware":
		c.dbChangeAware = false
	case "leader-only":
		c.leaderOnly = true
	case "no-leader-only":
		c.leaderOnly = false
	case "help":
		c.stdout.WriteString(usage())
		return &exitError{0}
	case "version":
		c.stdout.WriteString(version.Line(program) + "\n")
		return &exitError{0}
	case "private-key", "certificate", "ca-cert", "bootstrap-ca-cert",
		"ssl-protocols", "ssl-ciphers":
		// SSL is not supported (internal/stream refuses ssl: and
		// pssl: names as an OVS built without OpenSSL does), so the
		// PKI options have nothing to configure.
	}
	return nil
}

// parseTimeout accepts what OVS's str_to_uint accepts (strtoll syntax:
// leading blanks, a sign, decimal digits, nothing after) for a value from
// 1 to UINT_MAX.
func parseTimeout(s string) (uint64, bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || '\t' <= s[i] && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return 0, false
	}
	var v uint64
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + uint64(s[i]-'0')
		if v > 1<<32-1 {
			return 0, false
		}
	}
	if neg || v == 0 {
		return 0, false
	}
	return v, true
}

// looksLikeServer is OVS's test for whether the first argument names a
// server rather than a database or table: it starts with an ASCII letter
// and has a colon somewhere.
func looksLikeServer(s string) bool {
	if s == "" {
		return false
	}
	b := s[0]
	if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') {
		return false
	}
	return strings.IndexByte(s, ':') >= 0
}

func defaultServer() string {
	return "unix:" + paths.DBSock()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// defaultDB picks the database a command acts on when none is named:
// Open_vSwitch if the server has it, otherwise the only database other
// than _Server.
func defaultDB(dbs []string) (string, bool) {
	if contains(dbs, defaultDatabase) {
		return defaultDatabase, true
	}
	found := ""
	n := 0
	for _, db := range dbs {
		if db != "_Server" {
			found = db
			n++
		}
	}
	return found, n == 1
}

func (c *client) help(args []string) error {
	c.stdout.WriteString(usage())
	return nil
}

func usage() string {
	rundir := paths.RunDir()
	return fmt.Sprintf(`%[1]s: Open vSwitch database JSON-RPC client
usage: %[1]s [OPTIONS] COMMAND [ARG...]

Valid commands are:

  list-dbs [SERVER]
    list databases available on SERVER

  get-schema [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER

  get-schema-version [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    version number on stdout

  get-schema-cksum [SERVER] [DATABASE]
    retrieve schema for DATABASE from SERVER and report only its
    checksum on stdout

  list-tables [SERVER] [DATABASE]
    list tables for DATABASE on SERVER

  list-columns [SERVER] [DATABASE] [TABLE]
    list columns in TABLE (or all tables) in DATABASE on SERVER

  transact [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER
    and print the results as JSON on stdout

  query [SERVER] TRANSACTION
    run TRANSACTION (params for "transact" request) on SERVER,
    as read-only, and print the results as JSON on stdout

  monitor [SERVER] [DATABASE] TABLE [COLUMN,...]...
    monitor contents of COLUMNs in TABLE in DATABASE on SERVER.
    COLUMNs may include !initial, !insert, !delete, !modify
    to avoid seeing the specified kinds of changes.

  monitor-cond [SERVER] [DATABASE] CONDITION TABLE [COLUMN,...]...
    monitor contents that match CONDITION of COLUMNs in TABLE in
    DATABASE on SERVER.
    COLUMNs may include !initial, !insert, !delete, !modify
    to avoid seeing the specified kinds of changes.

  monitor-cond-since [SERVER] [DATABASE] [LASTID] CONDITION TABLE [COLUMN,...]...
    monitor contents that match CONDITION of COLUMNs in TABLE in
    DATABASE on SERVER, since change after LASTID.
    LASTID specifies transaction ID after which the monitoring
    starts, which works only for cluster mode. If ignored, it
    defaults to an all-zero uuid.
    Other arguments are the same as in monitor-cond.

  convert [SERVER] SCHEMA
    convert database on SERVER named in SCHEMA to SCHEMA.

  needs-conversion [SERVER] SCHEMA
    tests whether SCHEMA's db on SERVER needs conversion.

  monitor [SERVER] [DATABASE] ALL
    monitor all changes to all columns in all tables

  wait [SERVER] DATABASE STATE
    wait until DATABASE reaches STATE ("added" or "connected" or "removed")
    in DATBASE on SERVER.

  dump [SERVER] [DATABASE]
    dump contents of DATABASE on SERVER to stdout

  backup [SERVER] [DATABASE] > SNAPSHOT
    dump database contents in the form of a database file

  [--force] restore [SERVER] [DATABASE] < SNAPSHOT
    restore database contents from a database file

  lock [SERVER] LOCK
    create or wait for LOCK in SERVER

  steal [SERVER] LOCK
    steal LOCK from SERVER

  unlock [SERVER] LOCK
    unlock LOCK from SERVER

The default SERVER is unix:%[2]s.
The default DATABASE is Open_vSwitch.

Active SERVER connection methods:
  tcp:HOST:PORT           PORT at remote HOST
  ssl:HOST:PORT           SSL PORT at remote HOST
  unix:FILE               Unix domain socket named FILE
Passive SERVER connection methods:
  ptcp:PORT[:IP]          listen to TCP PORT on IP
  pssl:PORT[:IP]          listen for SSL on PORT on IP
  punix:FILE              listen on Unix domain socket FILE
PKI configuration (required to use SSL):
  -p, --private-key=FILE  file with private key
  -c, --certificate=FILE  file with certificate for private key
  -C, --ca-cert=FILE      file with peer CA certificate
  --bootstrap-ca-cert=FILE  file with peer CA certificate to read or create
SSL options:
  --ssl-protocols=PROTOS  list of SSL protocols to enable
  --ssl-ciphers=CIPHERS   list of SSL ciphers to enable

%[3]s%[4]sDaemon options:
  --detach                run in background as daemon
  --monitor               creates a process to monitor this daemon
  --user=username[:group] changes the effective daemon user:group
  --no-chdir              do not chdir to '/'
  --pidfile[=FILE]        create pidfile (default: %[5]s/%[1]s.pid)
  --overwrite-pidfile     with --pidfile, start even if already running
%[6]s
Other options:
  -h, --help                  display this help message
  -V, --version               display version information
`, program, paths.DBSock(), table.Usage, table.TimestampUsage, rundir,
		vlog.OptionsHelp(paths.LogFile(program)))
}
