package ovsdbserver

import (
	"errors"
	"net"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/server"
	"github.com/govs/ovs/internal/coverage"
	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/gcpolicy"
	"github.com/govs/ovs/internal/memory"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

// statusInterval is how often OVS refreshes the status of the remotes
// read from the database, retries remotes that failed to listen and
// checks whether a database is due for compaction. (A variable so that
// tests need not wait as long.)
var statusInterval = 2500 * time.Millisecond

// ovsdbServer is the running daemon.
type ovsdbServer struct {
	opts *options
	srv  *server.Server
	ctl  *unixctl.Server
	// mem is the process's memory policy (gcpolicy.go); nil when the
	// server runs inside another program (tests).
	mem *gcpolicy.Policy

	// mu serialises unixctl commands (unixctl runs them under it) with
	// the main loop's periodic work. The commit hook never takes it.
	mu sync.Mutex
	// remotes are the remotes configured on the command line and with
	// add-remote; open are those in effect (db: ones expanded), by name.
	remotes    map[string]bool
	open       map[string]*remote
	statusRows []statusRow

	// fmu guards files, which the commit hook reads.
	fmu   sync.RWMutex
	files map[string]*dbFile // by database name

	tlog tlogState
	trim atomic.Bool

	// lmu guards listeners, the sockets to remove if the process is
	// killed; the signal handler reads it, so it is not mu.
	lmu       sync.Mutex
	listeners map[net.Listener]bool

	wake   chan struct{} // the database changed: reconfigure soon
	exitCh chan int      // exit with this status
}

// run is the daemon: everything after option parsing.
func run(o *options) int {
	daemon.HandleSignals()
	if err := o.daemon.Start(program); err != nil {
		return fatal(err)
	}
	o.memPolicy = true
	s, err := start(o)
	if err != nil {
		return fatal(err)
	}
	if o.runCmd != nil {
		if err := s.startRun(*o.runCmd); err != nil {
			return fatal(err)
		}
	}
	daemon.Ready()
	if o.daemon.Detach {
		// The console is gone; vlog/list shows it as OFF, as in OVS.
		vlog.SetLevel(nil, vlog.Console, vlog.Off)
	}
	if o.runCmd == nil {
		logServer.Info("%s", version.Line(program))
	}
	status := s.loop()
	s.shutdown()
	daemon.Exit(status)
	return status
}

// start opens the databases, checks the remotes and the SSL options that
// name database columns, creates the control socket and opens the
// remotes, in OVS's order (so that the first problem reported is OVS's).
func start(o *options) (*ovsdbServer, error) {
	s := &ovsdbServer{
		opts:      o,
		remotes:   make(map[string]bool),
		open:      make(map[string]*remote),
		files:     make(map[string]*dbFile),
		listeners: make(map[net.Listener]bool),
		wake:      make(chan struct{}, 1),
		exitCh:    make(chan int, 1),
	}
	if o.memPolicy {
		s.mem = startMemPolicy()
	}
	s.srv = server.New(server.Options{
		Commit:  s.commit,
		Convert: s.convert,
		// OVS keeps no transaction history for standalone databases:
		// monitor_cond_since always answers "not found".
		TxnHistory: -1,
	})
	memory.Report(s.srv.MemoryUsage)
	if sdb := s.srv.Database(server.ServerDatabaseName); sdb != nil {
		// tlog-list shows _Server too. The server changes it itself,
		// not through transactions, so there is nothing to log.
		s.tlog.addDatabase(sdb.Schema(), sdb.Schema().ToJSON())
	}
	daemon.AtExit(s.removeSockets)

	for _, path := range o.dbs {
		if err := s.addDB(path); err != nil {
			return nil, err
		}
	}
	for _, r := range o.remotes {
		if err := s.checkRemote(r); err != nil {
			return nil, err
		}
		s.remotes[r] = true
	}
	for _, ref := range o.ssl.dbRefs() {
		if err := s.checkSSLRef(ref); err != nil {
			return nil, err
		}
	}

	ctl, err := unixctl.NewServer(program, o.unixctl)
	if err != nil {
		return nil, err
	}
	s.ctl = ctl
	ctl.SetLocker(&s.mu)
	s.registerCommands()
	if p := ctl.Path(); p != "" {
		daemon.AtExit(func() { os.Remove(p) })
	}

	s.mu.Lock()
	s.reconfigure()
	s.mu.Unlock()
	go ctl.Serve()
	return s, nil
}

// loop is the main loop: periodic work until something asks to exit.
func (s *ovsdbServer) loop() int {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	status := time.NewTicker(statusInterval)
	defer status.Stop()
	for {
		select {
		case code := <-s.exitCh:
			return code
		case <-s.wake:
			s.mu.Lock()
			s.reconfigure()
			s.mu.Unlock()
		case now := <-tick.C:
			coverage.Tick(now)
			memory.Run(now)
		case now := <-status.C:
			s.mu.Lock()
			s.reconfigure()
			s.writeStatus(now)
			s.compactDue(now)
			s.mu.Unlock()
		}
	}
}

// exit asks the main loop to end the process with status.
func (s *ovsdbServer) exit(status int) {
	select {
	case s.exitCh <- status:
	default:
	}
}

// shutdown closes everything in order: the control socket (after the
// reply to "exit" went out), the remotes, the sessions, the files.
func (s *ovsdbServer) shutdown() {
	s.ctl.Close()
	s.mu.Lock()
	for name, r := range s.open {
		r.close()
		delete(s.open, name)
	}
	s.mu.Unlock()
	s.srv.Close()
	s.fmu.Lock()
	for _, f := range s.files {
		f.close()
	}
	s.fmu.Unlock()
}

// trackListener notes a listening socket, whose file a fatal signal must
// remove.
func (s *ovsdbServer) trackListener(l net.Listener, on bool) {
	s.lmu.Lock()
	if on {
		s.listeners[l] = true
	} else {
		delete(s.listeners, l)
	}
	s.lmu.Unlock()
}

// removeSockets closes the listening sockets, which removes the files of
// the unix ones. It runs at exit, also on a fatal signal.
func (s *ovsdbServer) removeSockets() {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	for l := range s.listeners {
		l.Close()
		delete(s.listeners, l)
	}
}

// poke asks the main loop to reconfigure the remotes soon.
func (s *ovsdbServer) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// commit is the server's commit hook: write the commit to its file.
func (s *ovsdbServer) commit(db string, c *database.Commit) error {
	s.fmu.RLock()
	f := s.files[db]
	s.fmu.RUnlock()
	if f != nil {
		if err := f.write(c, time.Now()); err != nil {
			return err
		}
	}
	s.tlog.logCommit(db, c)
	s.mem.NoteActivity()
	s.poke()
	return nil
}

// convert is the server's conversion hook: rewrite the file.
func (s *ovsdbServer) convert(db string, converted *database.Database) error {
	s.fmu.RLock()
	f := s.files[db]
	s.fmu.RUnlock()
	if f == nil {
		return nil
	}
	if err := f.convert(converted); err != nil {
		return err
	}
	s.tlog.addDatabase(converted.Schema(), converted.Schema().ToJSON())
	s.poke()
	return nil
}

// addDB opens a database file and serves it (the command line's databases
// and ovsdb-server/add-db).
func (s *ovsdbServer) addDB(path string) error {
	real := realPath(path)
	s.fmu.RLock()
	for _, f := range s.files {
		if f.real == real {
			s.fmu.RUnlock()
			return &ovsdb.Error{Tag: ovsdb.ErrInternal, Details: path + ": already open"}
		}
	}
	s.fmu.RUnlock()

	f, err := openDBFile(path)
	if err != nil {
		return err
	}
	f.noDiff = s.opts.noDiff
	f.trim = &s.trim
	name := f.name()
	s.fmu.Lock()
	if _, dup := s.files[name]; dup || name == server.ServerDatabaseName {
		s.fmu.Unlock()
		f.close()
		return &ovsdb.Error{Tag: ovsdb.ErrInternal, Details: name + ": duplicate database name"}
	}
	s.files[name] = f
	s.fmu.Unlock()
	s.tlog.addDatabase(f.db.Schema(), f.schema)
	if err := s.srv.AddDatabase(f.db); err != nil {
		s.fmu.Lock()
		delete(s.files, name)
		s.fmu.Unlock()
		s.tlog.removeDatabase(name)
		f.close()
		if errors.Is(err, server.ErrDuplicate) {
			return &ovsdb.Error{Tag: ovsdb.ErrInternal, Details: name + ": duplicate database name"}
		}
		return err
	}
	s.poke()
	return nil
}

// removeDB stops serving a database and closes its file.
func (s *ovsdbServer) removeDB(name string) error {
	if name == server.ServerDatabaseName {
		return errors.New("Cannot remove reserved database.")
	}
	s.fmu.RLock()
	f := s.files[name]
	s.fmu.RUnlock()
	if f == nil {
		return errors.New("Failed to find the database.")
	}
	if err := s.srv.RemoveDatabase(name, "removing "+name+" database by user request"); err != nil {
		return errors.New("Failed to find the database.")
	}
	s.fmu.Lock()
	delete(s.files, name)
	s.fmu.Unlock()
	s.tlog.removeDatabase(name)
	f.close()
	s.reconfigure()
	return nil
}

// reconfigure brings the open remotes in line with the configured ones
// and the rows that db: remotes read. mu is held.
func (s *ovsdbServer) reconfigure() {
	want := make(map[string]remoteOptions)
	var order []string
	var rows []statusRow
	names := make([]string, 0, len(s.remotes))
	for r := range s.remotes {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, name := range names {
		if strings.HasPrefix(name, "db:") {
			s.readDBRemote(name, want, &order, &rows)
		} else if _, ok := want[name]; !ok {
			want[name] = defaultRemoteOptions(name)
			order = append(order, name)
		}
	}
	s.statusRows = rows

	var gone []string
	for name := range s.open {
		if _, ok := want[name]; !ok {
			gone = append(gone, name)
		}
	}
	sort.Strings(gone)
	for _, name := range gone {
		s.open[name].close()
		delete(s.open, name)
		logJSONRPC.Info("%s: remote deconfigured", name)
	}
	for _, name := range order {
		opts := want[name]
		r := s.open[name]
		switch {
		case r == nil:
			s.open[name] = s.newRemote(name, opts)
		case r.opts.readOnly != opts.readOnly:
			// Sessions cannot change their mode: start over.
			r.close()
			s.open[name] = s.newRemote(name, opts)
		default:
			r.setOptions(opts)
			r.listen()
		}
	}
}

// reconnectAll is ovsdb-server/reconnect: every client connection is
// dropped, and active remotes connect again.
func (s *ovsdbServer) reconnectAll() {
	for _, r := range s.open {
		r.forceReconnect()
	}
	s.srv.Reconnect("user ran ovsdb-server/reconnect")
}

// compactDue compacts the databases whose files have grown enough.
func (s *ovsdbServer) compactDue(now time.Time) {
	s.fmu.RLock()
	files := make(map[string]*dbFile, len(s.files))
	for n, f := range s.files {
		files[n] = f
	}
	s.fmu.RUnlock()
	for n, f := range files {
		if !f.due(now) {
			continue
		}
		s.srv.Exclusive(n, func(*database.Database) error {
			f.compactIfDue(now)
			return nil
		})
	}
}

// compact compacts the named database, or every one.
func (s *ovsdbServer) compact(name string) error {
	var names []string
	if name != "" {
		if name == server.ServerDatabaseName {
			return errors.New("cannot compact built-in databases")
		}
		names = []string{name}
	} else {
		s.fmu.RLock()
		for n := range s.files {
			names = append(names, n)
		}
		s.fmu.RUnlock()
		sort.Strings(names)
	}
	if len(names) == 0 {
		return errors.New("no database by that name")
	}
	var errs []string
	for _, n := range names {
		s.fmu.RLock()
		f := s.files[n]
		s.fmu.RUnlock()
		if f == nil {
			return errors.New("no database by that name")
		}
		err := s.srv.Exclusive(n, func(*database.Database) error {
			return f.compact("user request")
		})
		if err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	return nil
}
