package ovsdbserver

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovsdb-server"

var (
	logServer    = vlog.NewModule("ovsdb_server")
	logOVSDB     = vlog.NewModule("ovsdb")
	logJSONRPC   = vlog.NewModule("ovsdb_jsonrpc_server")
	logProcess   = vlog.NewModule("process")
	logReconnect = vlog.NewModule("reconnect")
)

// Main runs ovsdb-server. args[0] is the program name; the result is the
// exit status (a daemon that runs until told to exit leaves through
// daemon.Exit instead of returning).
func Main(args []string) int {
	if len(args) > 0 {
		args = args[1:]
	}
	vlog.SetProgramName(program)
	o, status, done := parseOptions(args, os.Stdout, os.Stderr)
	if done {
		return status
	}
	return run(o)
}

// options is what the command line asks for.
type options struct {
	dbs      []string // database files, duplicates removed
	remotes  []string // --remote, in order
	unixctl  string   // --unixctl; "" for the default
	runCmd   *string  // --run
	noDBs    bool
	noDiff   bool // --disable-file-column-diff
	ssl      sslOptions
	daemon   daemon.Config
	explicit bool // databases were named on the command line
	// memPolicy puts the process memory policy (gcpolicy.go) in force;
	// run sets it, tests running the server in process do not.
	memPolicy bool
}

// sslOptions are the PKI and SSL options. There is no SSL stream yet, so
// they are kept only to be checked (their db: forms) and reported.
type sslOptions struct {
	privateKey, certificate, caCert string
	bootstrapCACert, peerCACert     string
	protocols, ciphers              string
}

// dbRefs returns the options given in db:DB,TABLE,COLUMN form, in OVS's
// order of checking them.
func (s *sslOptions) dbRefs() []string {
	var refs []string
	for _, v := range []string{s.privateKey, s.certificate, s.caCert, s.bootstrapCACert, s.protocols, s.ciphers} {
		if strings.HasPrefix(v, "db:") {
			refs = append(refs, v)
		}
	}
	return refs
}

// The options in OVS's table order: getopt's "is ambiguous; possibilities"
// message lists them in this order.
var optionTable = []getopt.Option{
	{Name: "remote", HasArg: getopt.RequiredArgument},
	{Name: "unixctl", HasArg: getopt.RequiredArgument},
	{Name: "run", HasArg: getopt.RequiredArgument},
	{Name: "help", Short: 'h'},
	{Name: "version", Short: 'V'},
	{Name: "detach"},
	{Name: "no-self-confinement"},
	{Name: "no-chdir"},
	{Name: "pidfile", HasArg: getopt.OptionalArgument},
	{Name: "overwrite-pidfile"},
	{Name: "monitor"},
	{Name: "user", HasArg: getopt.RequiredArgument},
	{Name: "verbose", Short: 'v', HasArg: getopt.OptionalArgument},
	{Name: "log-file", HasArg: getopt.OptionalArgument},
	{Name: "syslog-method", HasArg: getopt.RequiredArgument},
	{Name: "syslog-target", HasArg: getopt.RequiredArgument},
	{Name: "bootstrap-ca-cert", HasArg: getopt.RequiredArgument},
	{Name: "peer-ca-cert", HasArg: getopt.RequiredArgument},
	{Name: "private-key", Short: 'p', HasArg: getopt.RequiredArgument},
	{Name: "certificate", Short: 'c', HasArg: getopt.RequiredArgument},
	{Name: "ca-cert", Short: 'C', HasArg: getopt.RequiredArgument},
	{Name: "ssl-protocols", HasArg: getopt.RequiredArgument},
	{Name: "ssl-ciphers", HasArg: getopt.RequiredArgument},
	{Name: "no-dbs"},
	{Name: "disable-file-column-diff"},
}

// parseOptions handles the command line. done is set when the program
// should exit with status at once (--help, --version, a usage error).
// Options take effect as they are met, as in OVS: --log-file opens the log
// at once, and the first bad option ends the program.
func parseOptions(args []string, stdout, stderr io.Writer) (o *options, status int, done bool) {
	o = &options{}
	rest, status, done := o.daemon.ParseOptions(program, args, optionTable, stdout, stderr, usage, func(opt getopt.Parsed) error {
		switch opt.Opt.Name {
		case "remote":
			o.remotes = append(o.remotes, opt.Arg)
		case "unixctl":
			o.unixctl = opt.Arg
		case "run":
			cmd := opt.Arg
			o.runCmd = &cmd
		case "bootstrap-ca-cert":
			o.ssl.bootstrapCACert = opt.Arg
		case "peer-ca-cert":
			o.ssl.peerCACert = opt.Arg
		case "private-key":
			o.ssl.privateKey = opt.Arg
		case "certificate":
			o.ssl.certificate = opt.Arg
		case "ca-cert":
			o.ssl.caCert = opt.Arg
		case "ssl-protocols":
			o.ssl.protocols = opt.Arg
		case "ssl-ciphers":
			o.ssl.ciphers = opt.Arg
		case "no-dbs":
			o.noDBs = true
		case "disable-file-column-diff":
			o.noDiff = true
		}
		return nil
	})
	if done {
		return nil, status, true
	}
	seen := make(map[string]bool)
	for _, db := range rest {
		if !seen[db] {
			seen[db] = true
			o.dbs = append(o.dbs, db)
		}
	}
	o.explicit = len(o.dbs) > 0
	if len(o.dbs) == 0 && !o.noDBs {
		o.dbs = []string{paths.DefaultDB()}
	}
	return o, 0, false
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `%s: Open vSwitch database server
usage: %s [OPTIONS] [DATABASE...]
where each DATABASE is a database file in ovsdb format.
The default DATABASE, if none is given, is
%s.

JSON-RPC options (may be specified any number of times):
  --remote=REMOTE         connect or listen to REMOTE

Active JSON-RPC connection methods:
  tcp:HOST:PORT           PORT at remote HOST
  ssl:HOST:PORT           SSL PORT at remote HOST
  unix:FILE               Unix domain socket named FILE
Passive JSON-RPC connection methods:
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
`, program, program, paths.DefaultDB())
	io.WriteString(w, daemon.OptionsHelp(program))
	io.WriteString(w, vlog.OptionsHelp(paths.LogFile(program)))
	io.WriteString(w, `
Other options:
  --run COMMAND           run COMMAND as subprocess then exit
  --unixctl=SOCKET        override default control socket name
  --disable-file-column-diff
                          don't use column diff in database file
  -h, --help              display this help message
  -V, --version           display version information
`)
}

// fatal reports a startup failure as OVS does and gives the exit status.
// It goes through daemon.Exit so that a pidfile already created is
// removed.
func fatal(err error) int {
	if !errors.Is(err, vlog.ErrAlreadyLogged) {
		fmt.Fprintf(os.Stderr, "%s: %s\n", program, err.Error())
	}
	daemon.Exit(1)
	return 1
}
