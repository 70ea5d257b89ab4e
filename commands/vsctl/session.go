package vsctl

import (
	"context"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/govs/ovs/db/idl"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/vlog"
)

// Session is an open connection (IDL replica) that several ovs-vsctl
// invocations reuse, for a long-lived shell: connecting and loading the
// replica is most of what a single ovs-vsctl run costs, so a shell pays
// it once.
//
// Unlike a one-shot run, the session replicates every table and column:
// it cannot know in advance what later command lines will read. A Session
// is used by one goroutine at a time.
type Session struct {
	remote string
	idl    *idl.IDL
}

// OpenSession connects to db ("" means the default, unix:$OVS_RUNDIR/db.sock)
// and waits until the replica is loaded or ctx ends (then ctx's error is
// returned). Connection errors are in OVS's words ("unix:...: database
// connection failed (...)").
func OpenSession(ctx context.Context, db string) (*Session, error) {
	if db == "" {
		db = defaultDB()
	}
	s := &Session{remote: db}
	if err := s.connect(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// connect opens a fresh replica. One connection attempt, as ovs-vsctl
// without --retry makes: if the server goes away, the next Run reconnects.
func (s *Session) connect(ctx context.Context) error {
	db := idl.New(s.remote, vswitchSchema(), idl.Options{})
	db.Start()
	if err := db.WaitConnected(ctx); err != nil {
		if ctx.Err() != nil {
			db.Close()
			return ctx.Err()
		}
		msg := sessionError(s.remote, db, err)
		db.Close()
		return msg
	}
	s.idl = db
	return nil
}

// sessionError turns a connection failure into the text ovs-vsctl prints.
func sessionError(remote string, db *idl.IDL, err error) (out error) {
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(*fatalError)
			if !ok {
				panic(r)
			}
			out = sessionErr(fe.msg)
		}
	}()
	connFatal(remote, db, err)
	return nil
}

type sessionErr string

func (e sessionErr) Error() string { return string(e) }

// Close closes the connection.
func (s *Session) Close() error {
	if s.idl == nil {
		return nil
	}
	err := s.idl.Close()
	s.idl = nil
	return err
}

// Run runs one ovs-vsctl command line (args without the program name)
// exactly as Main would, writing to stdout and stderr, and returns the
// exit status. It never exits the process: a --timeout that expires ends
// only this command, with the warning OVS's SIGALRM death prints and
// status 142. A command line naming another --db, or asking for --retry,
// gets a connection of its own.
func (s *Session) Run(args []string, stdout, stderr io.Writer) int {
	vlog.SetConsoleWriter(stderr)
	defer vlog.SetConsoleWriter(os.Stderr)
	full := make([]string, 0, len(args)+1)
	full = append(full, program)
	full = append(full, args...)
	return runIn(s, full, stdout, stderr)
}

// execute runs the parsed command line over the session's replica,
// reconnecting first if the connection was lost.
func (s *Session) execute(st *settings, stdout io.Writer) int {
	if s.idl == nil || !s.idl.IsAlive() {
		if s.idl != nil {
			s.idl.Close()
			s.idl = nil
		}
		if err := s.connect(st.ctx); err != nil {
			if st.ctx.Err() != nil {
				alarmFatal()
			}
			fatal("%s", err)
		}
	}
	r := &runner{s: st, idl: s.idl, schema: s.idl.Schema()}
	// Everything is replicated already; pre still checks the commands.
	r.prepare()
	status, _ := r.runAll(stdout)
	return status
}

// names returns the sorted values of table's name column in the replica.
func (s *Session) names(table string) []string {
	if s.idl == nil {
		return nil
	}
	s.idl.Run()
	t := s.idl.Table(table)
	c := s.idl.Column(table, "name")
	var out []string
	for row := range t.Rows() {
		out = append(out, row.Str(c))
	}
	slices.Sort(out)
	return out
}

// BridgeNames returns the names of the bridges in the replica, sorted.
func (s *Session) BridgeNames() []string { return s.names("Bridge") }

// PortNames returns the names of the ports in the replica, sorted.
func (s *Session) PortNames() []string { return s.names("Port") }

// InterfaceNames returns the names of the interfaces in the replica,
// sorted.
func (s *Session) InterfaceNames() []string { return s.names("Interface") }

// CommandNames returns every ovs-vsctl command name, sorted.
func CommandNames() []string {
	out := make([]string, 0, len(commandList))
	for _, c := range commandList {
		out = append(out, c.name)
	}
	slices.Sort(out)
	return out
}

// GlobalOptionNames returns the long global options as typed on the
// command line ("--db", "--no-wait", ...), sorted; those that take an
// argument end in "=" ("--db=", "--timeout=").
func GlobalOptionNames() []string {
	local := map[string]bool{}
	for _, n := range localOptionNames() {
		local[strings.TrimSuffix(n, "=")] = true
	}
	var out []string
	for _, o := range options() {
		if o.Name == "" || local[o.Name] {
			continue
		}
		n := "--" + o.Name
		if o.HasArg == getopt.RequiredArgument {
			n += "="
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TableNames returns the tables of the Open_vSwitch schema, sorted.
func TableNames() []string {
	return slices.Clone(vswitchSchema().TableNames)
}

// ColumnNames returns the columns of table (exact name, or any spelling
// ovs-vsctl accepts for it), sorted and without _uuid and _version; nil
// for an unknown table.
func ColumnNames(table string) []string {
	sc := vswitchSchema()
	ts := sc.Tables[table]
	if ts == nil {
		for _, n := range sc.TableNames {
			if strings.EqualFold(n, table) {
				ts = sc.Tables[n]
				break
			}
		}
	}
	if ts == nil {
		return nil
	}
	var out []string
	for _, n := range ts.ColumnNames {
		if !strings.HasPrefix(n, "_") {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}
