// Package ofctl is the ovs-ofctl tool: it manages OpenFlow switches (flows,
// ports, tables, groups, meters) over an OpenFlow connection, and offers a
// set of offline commands that parse and print OpenFlow messages.
//
// Scripts parse its output and test its exit status, so both follow the
// real tool byte for byte: messages from the switch are printed with
// openflow.Print exactly as received, including the transaction ids OVS
// would have used (which is why vconn numbers transactions process-wide,
// and why the commands send the same requests in the same order as OVS,
// the flow-format negotiation included); failures print "ovs-ofctl: ..."
// and exit with status 1.
//
// Errors are raised by panicking with a *fatalError and recovered in run,
// the shape of OVS's ovs_fatal: the commands are straight-line code that
// gives up at the first failure, and threading an error through every
// helper would only hide that.
package ofctl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/tty"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/openflow"
	"github.com/govs/ovs/proto/openflow/vconn"
)

const program = "ovs-ofctl"

type fatalError struct {
	msg    string
	status int
}

// fatal ends the command: "ovs-ofctl: MSG" on stderr, exit status 1.
func fatal(format string, args ...any) {
	panic(&fatalError{msg: fmt.Sprintf(format, args...), status: 1})
}

// exitStatus ends the command silently with status.
func exitStatus(status int) { panic(&fatalError{status: status}) }

// ctx is one run of the tool: the options and the standard streams.
type ctx struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	out            *bufio.Writer
	pbuf           []byte // print's buffer, reused from message to message

	versions    openflow.VersionBitmap
	forceProto  protocols // -F: 0 = choose
	strict      bool
	readd       bool
	more        int
	timestamp   bool
	timeout     time.Duration
	sortKeys    []sortKey
	names       int // -1 no, 0 default, 1 yes
	noStats     bool
	bundle      bool
	pinFormat   openflow.PacketInFormat // -P; monitor asks for it
	color       bool
	mayCreate   bool
	readOnly    bool
	pcap        bool
	raw         bool
	unixctlPath string
	daemon      daemon.Config
}

// Main runs ovs-ofctl; args[0] is the program name. It returns the exit
// status.
func Main(args []string) int {
	// Fatal signals (and -t's alarm) end the tool the way OVS's
	// fatal_signal module does: a warning, then death by the signal.
	daemon.HandleSignals()
	return run(args, os.Stdin, os.Stdout, os.Stderr)
}

func options() []getopt.Option {
	opts := []getopt.Option{
		{Name: "timeout", Short: 't', HasArg: getopt.RequiredArgument},
		{Name: "strict", HasArg: getopt.NoArgument},
		{Name: "readd", HasArg: getopt.NoArgument},
		{Name: "flow-format", Short: 'F', HasArg: getopt.RequiredArgument},
		{Name: "packet-in-format", Short: 'P', HasArg: getopt.RequiredArgument},
		{Name: "more", Short: 'm', HasArg: getopt.NoArgument},
		{Name: "timestamp", HasArg: getopt.NoArgument},
		{Name: "sort", HasArg: getopt.OptionalArgument},
		{Name: "rsort", HasArg: getopt.OptionalArgument},
		{Name: "names", HasArg: getopt.NoArgument},
		{Name: "no-names", HasArg: getopt.NoArgument},
		{Name: "stats", HasArg: getopt.NoArgument},
		{Name: "no-stats", HasArg: getopt.NoArgument},
		{Name: "unixctl", HasArg: getopt.RequiredArgument},
		{Name: "help", Short: 'h', HasArg: getopt.NoArgument},
		{Name: "option", Short: 'o', HasArg: getopt.NoArgument},
		{Name: "bundle", HasArg: getopt.NoArgument},
		{Name: "color", HasArg: getopt.OptionalArgument},
		{Name: "may-create", HasArg: getopt.NoArgument},
		{Name: "pcap", HasArg: getopt.NoArgument},
		{Name: "raw", HasArg: getopt.NoArgument},
		{Name: "read-only", HasArg: getopt.NoArgument},
	}
	opts = append(opts, daemon.Options()...)
	opts = append(opts,
		getopt.Option{Name: "version", Short: 'V', HasArg: getopt.NoArgument},
		getopt.Option{Name: "protocols", Short: 'O', HasArg: getopt.RequiredArgument},
	)
	opts = append(opts, vlog.Options()...)
	opts = append(opts,
		getopt.Option{Name: "private-key", Short: 'p', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "certificate", Short: 'c', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ca-cert", Short: 'C', HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ssl-protocols", HasArg: getopt.RequiredArgument},
		getopt.Option{Name: "ssl-ciphers", HasArg: getopt.RequiredArgument},
	)
	return opts
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	vlog.SetProgramName(program)
	c := &ctx{stdin: stdin, stdout: stdout, stderr: stderr, out: bufio.NewWriterSize(stdout, 64<<10),
		versions: openflow.BitmapOf(openflow.V10), pinFormat: openflow.PacketInNXT2}
	defer func() {
		// Like a C program's buffered stdout, output reaches the
		// stream after a fatal message.
		defer c.out.Flush()
		if r := recover(); r != nil {
			fe, ok := r.(*fatalError)
			if !ok {
				panic(r)
			}
			if fe.msg != "" {
				fmt.Fprintf(stderr, "%s: %s\n", program, fe.msg)
			}
			status = fe.status
		}
	}()
	operands := c.parseOptions(args)
	if len(operands) > 0 && operands[0] == "bundle" {
		c.bundle = true
	}
	if c.bundle && c.versions&^openflow.BitmapOf(openflow.V10, openflow.V11, openflow.V12) == 0 {
		// Bundles need OpenFlow 1.3 (with ONF's extension) or 1.4:
		// --bundle brings in 1.4 when nothing that late is allowed.
		c.versions |= openflow.BitmapOf(openflow.V14)
	}
	if len(operands) == 0 {
		fatal("missing command name; use --help for help")
	}
	cmd := lookupCommand(operands[0])
	if cmd == nil {
		fatal("unknown command '%s'; use --help for help", operands[0])
	}
	n := len(operands) - 1
	if n < cmd.min {
		fatal("'%s' command requires at least %d arguments", cmd.name, cmd.min)
	}
	if n > cmd.max {
		fatal("'%s' command takes at most %d arguments", cmd.name, cmd.max)
	}
	if c.readOnly && cmd.rw {
		fatal("'%s' command does not work in read only mode", cmd.name)
	}
	cmd.run(c, operands[1:])
	return 0
}

func (c *ctx) parseOptions(args []string) []string {
	opts := options()
	p := getopt.NewParser(args[1:], opts, getopt.Permute)
	for {
		o, ok, err := p.Next()
		if err != nil {
			fatal("%s", err)
		}
		if !ok {
			break
		}
		switch o.Name {
		case "timeout":
			n, err := strconv.ParseUint(strings.TrimSpace(o.Arg), 10, 31)
			if err != nil || n == 0 {
				fatal("value %s on -t or --timeout is invalid", o.Arg)
			}
			c.timeout = time.Duration(n) * time.Second
			// OVS arms an alarm that kills the process with
			// SIGALRM, which is what a calling shell sees.
			time.AfterFunc(c.timeout, dieByAlarm)
		case "strict":
			c.strict = true
		case "readd":
			c.readd = true
		case "flow-format":
			pr, ok := parseProtocols(o.Arg)
			if !ok {
				fatal("%s: unknown flow protocol", o.Arg)
			}
			c.forceProto = pr
		case "packet-in-format":
			switch o.Arg {
			case "standard", "openflow10":
				c.pinFormat = openflow.PacketInStandard
			case "nxt_packet_in", "nxm":
				c.pinFormat = openflow.PacketInNXT
			case "nxt_packet_in2":
				c.pinFormat = openflow.PacketInNXT2
			default:
				fatal("unknown packet-in format `%s'", o.Arg)
			}
		case "more":
			c.more++
		case "timestamp":
			c.timestamp = true
		case "sort", "rsort":
			k := sortKey{desc: o.Name == "rsort"}
			if o.HasArg {
				f := openflow.FieldByName(o.Arg)
				if f == nil {
					fatal("%s: unknown field name", o.Arg)
				}
				k.field = f
			}
			c.sortKeys = append(c.sortKeys, k)
		case "names":
			c.names = 1
		case "no-names":
			c.names = -1
		case "stats":
			c.noStats = false
		case "no-stats":
			c.noStats = true
		case "unixctl":
			c.unixctlPath = o.Arg
		case "help":
			c.usage()
			exitStatus(0)
		case "option":
			getopt.PrintOptions(c.out, opts)
			exitStatus(0)
		case "bundle":
			c.bundle = true
		case "color":
			switch o.Arg {
			case "always", "yes", "force":
				c.color = true
			case "never", "no", "none":
				c.color = false
			case "", "auto", "tty", "if-tty":
				c.color = tty.IsTerminal(c.stdout) && os.Getenv("TERM") != "dumb" && os.Getenv("TERM") != ""
			default:
				fatal("incorrect value `%s' for --color", o.Arg)
			}
		case "may-create":
			c.mayCreate = true
		case "pcap":
			c.pcap = true
		case "raw":
			c.raw = true
		case "read-only":
			c.readOnly = true
		case "version":
			fmt.Fprintf(c.out, "%s\nOpenFlow versions 0x1:0x6\n", version.Line(program))
			exitStatus(0)
		case "protocols":
			c.versions = parseVersions(o.Arg)
		case "private-key", "certificate", "ca-cert", "ssl-protocols", "ssl-ciphers":
			// SSL is configured but only used by ssl: names, which fail
			// with the system's error as when OVS lacks the files.
		default:
			if handled, err := c.daemon.HandleOption(program, o); handled {
				if err != nil {
					fatal("%s", err)
				}
				continue
			}
			if _, err := vlog.HandleOption(o); err != nil {
				if errors.Is(err, vlog.ErrAlreadyLogged) {
					exitStatus(1)
				}
				fatal("%s", err)
			}
		}
	}
	return p.Remaining()
}

// parseVersions reads -O's comma-separated list of OpenFlow versions.
func parseVersions(s string) openflow.VersionBitmap {
	var b openflow.VersionBitmap
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		v, ok := openflow.ParseVersion(w)
		if !ok {
			fatal("Unknown OpenFlow version: \"%s\"", w)
		}
		b |= openflow.BitmapOf(v)
	}
	return b
}

// dieByAlarm raises SIGALRM, as OVS's alarm does: the signal handling
// set up in Main logs it and dies of it. The exit is a fallback for runs
// without that handling.
func dieByAlarm() {
	syscall.Kill(os.Getpid(), syscall.SIGALRM)
	time.Sleep(time.Second)
	os.Exit(128 + int(syscall.SIGALRM))
}

// open connects to the switch named by target with the -O versions.
func (c *ctx) open(target string) *vconn.Conn {
	conn, err := vconn.Open(target, vconn.Options{Versions: c.versions, Timeout: c.timeout})
	if err != nil {
		var oe *vconn.OpenError
		if errors.As(err, &oe) {
			fatal("%s", oe.Text)
		}
		fatal("%s: %s", target, err)
	}
	return conn
}

// transact runs one request and returns its replies; an error reply is
// printed, as OVS does, and ends the command.
func (c *ctx) transact(conn *vconn.Conn, target string, m openflow.Message) [][]byte {
	b, _, err := conn.Encode(m)
	if err != nil {
		fatal("%s", err)
	}
	replies, err := conn.Transact(b)
	if err != nil {
		fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
	}
	return replies
}

// transactEach runs one request and hands each reply to fn as it
// arrives, so that a long dump is processed while the switch is still
// sending it (as OVS's dump transactions print reply by reply).
func (c *ctx) transactEach(conn *vconn.Conn, target string, m openflow.Message, fn func(reply []byte)) {
	b, _, err := conn.Encode(m)
	if err != nil {
		fatal("%s", err)
	}
	if err := conn.TransactEach(b, fn); err != nil {
		fatal("%s: transaction error (%s)", conn.Name(), strerror(err))
	}
}

// transactPrint runs a request and prints every reply.
func (c *ctx) transactPrint(conn *vconn.Conn, target string, m openflow.Message) {
	c.transactEach(conn, target, m, c.print)
}

func (c *ctx) print(b []byte) {
	c.pbuf = openflow.AppendPrint(c.pbuf[:0], b)
	if c.color {
		c.pbuf = c.colorize(c.pbuf, b)
	}
	c.out.Write(c.pbuf)
}

// printErr prints an error reply from the switch, which OVS writes to
// stderr before giving up.
func (c *ctx) printErr(b []byte) {
	c.stderr.Write(openflow.AppendPrint(nil, b))
}

func strerror(err error) string {
	if errors.Is(err, io.EOF) {
		return "End of file"
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" && s[0] >= 'a' && s[0] <= 'z' {
			s = string(s[0]-'a'+'A') + s[1:]
		}
		return s
	}
	return err.Error()
}

// command is one ovs-ofctl command: its argument counts and whether it
// changes the switch (refused under --read-only).
type command struct {
	name     string
	args     string
	min, max int
	rw       bool
	run      func(c *ctx, args []string)
}

var (
	commands     []command
	commandsOnce sync.Once
)

func lookupCommand(name string) *command {
	commandsOnce.Do(buildCommands)
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func listCommands(c *ctx, _ []string) {
	fmt.Fprintln(c.out, "The available commands are:")
	commandsOnce.Do(buildCommands)
	for _, cmd := range commands {
		fmt.Fprintf(c.out, "  %-23s %s\n", cmd.name, cmd.args)
	}
}

func (c *ctx) usage() {
	fmt.Fprintf(c.out, usageText, paths.RunDir(), paths.LogDir())
}

func help(c *ctx, _ []string) { c.usage() }

// sortedPortNames is for tests and show: names by number.
func sortedKeys(m map[uint32]string) []uint32 {
	ks := make([]uint32, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i] < ks[j] })
	return ks
}
