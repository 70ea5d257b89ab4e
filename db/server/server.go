package server

import (
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/ovsjson"
)

var log = vlog.NewModule("ovsdb_jsonrpc_server")

//go:embed server.ovsschema
var serverSchemaText []byte

// ServerDatabaseName is the name of the database describing the server.
const ServerDatabaseName = "_Server"

// Options configure a Server. The zero value is usable.
type Options struct {
	// Commit, if not nil, is called with every commit to a client
	// database (not _Server) before any client hears of it, in commit
	// order, one database at a time. It is where the command layer writes
	// the commit to the database file (database.Commit.FileRecord, and an
	// fsync when Commit.Durable is set). If it returns an error the
	// commit is undone and the transaction fails with the error as its
	// last result element: an *ovsdb.Error as it is, any other error as
	// {"error": "I/O error", "details": err.Error()}. Commits that change
	// only ephemeral columns come here too; Commit.HasFileRecord tells
	// whether there is anything to write.
	Commit func(db string, c *database.Commit) error

	// TxnHistory is how many recent commits per database are kept for
	// monitor_cond_since, so that a client that reconnects with a known
	// transaction id gets only what changed. Zero means
	// DefaultTxnHistory; a negative value keeps none, which is what OVS
	// 3.1 does for standalone databases (every reply then says found
	// false, and transaction ids are all zeros).
	TxnHistory int

	// MaxBacklog is how many bytes may wait to be sent to one client
	// before the server gives up on it and disconnects it. Zero means
	// DefaultMaxBacklog. Monitor updates for a client that is not keeping
	// up are merged rather than queued (as OVS does), so only replies
	// count towards this in practice.
	MaxBacklog int

	// Convert, if not nil, is called when a client converts a database
	// to a new schema ("convert"), with the converted database, before
	// it replaces the old one and before the client is answered. It is
	// where the command layer rewrites the database file. An error fails
	// the conversion, as Commit's does a transaction.
	Convert func(db string, converted *database.Database) error
}

// Defaults for Options.
const (
	DefaultTxnHistory = 100
	DefaultMaxBacklog = 256 << 20
)

// congestionThreshold is the send backlog above which a session stops
// reading requests and its monitors stop sending updates, merging changes
// instead until the client catches up.
const congestionThreshold = 256 << 10

// Server serves OVSDB databases over JSON-RPC connections. It is safe for
// concurrent use.
type Server struct {
	opts       Options
	historyLen int
	id         ovsdb.UUID
	locks      *lockManager

	// serverDB is the _Server database.
	serverDB *dbState

	mu       sync.Mutex
	dbs      map[string]*dbState
	sessions map[*session]struct{}
	closed   bool
	// noMonitorCond makes monitor_cond and monitor_cond_since unknown
	// methods (ovsdb-server/disable-monitor-cond).
	noMonitorCond bool
}

// New returns a server hosting only the _Server database.
func New(opts Options) *Server {
	s := &Server{
		opts:       opts,
		historyLen: opts.TxnHistory,
		id:         ovsdb.NewUUID(),
		locks:      newLockManager(),
		dbs:        make(map[string]*dbState),
		sessions:   make(map[*session]struct{}),
	}
	if s.historyLen == 0 {
		s.historyLen = DefaultTxnHistory
	}
	if s.opts.MaxBacklog <= 0 {
		s.opts.MaxBacklog = DefaultMaxBacklog
	}
	v, err := ovsjson.Parse(serverSchemaText)
	if err != nil {
		panic("server: embedded _Server schema: " + err.Error())
	}
	schema, err := ovsdb.ParseSchema(v)
	if err != nil {
		panic("server: embedded _Server schema: " + err.Error())
	}
	s.serverDB = newDBState(s, database.New(schema))
	s.serverDB.reserved = true
	s.dbs[ServerDatabaseName] = s.serverDB
	s.serverDB.row = s.insertServerRow(s.serverDB)
	return s
}

// ID returns the server's id, which get_server_id reports: a UUID fresh
// for every server.
func (s *Server) ID() ovsdb.UUID { return s.id }

// ErrDuplicate is returned by AddDatabase for a name already served.
var ErrDuplicate = errors.New("database already being served")

// AddDatabase starts serving db under its schema's name. Clients that have
// not asked for change awareness (set_db_change_aware) are disconnected,
// as OVS does, so that they notice the new database when they reconnect.
func (s *Server) AddDatabase(db *database.Database) error {
	name := db.Schema().Name
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("server closed")
	}
	if _, ok := s.dbs[name]; ok {
		s.mu.Unlock()
		return fmt.Errorf("%s: %w", name, ErrDuplicate)
	}
	d := newDBState(s, db)
	s.dbs[name] = d
	sessions := s.sessionList()
	s.mu.Unlock()

	d.row = s.insertServerRow(d)
	for _, ss := range sessions {
		if !ss.dbChangeAware.Load() {
			ss.disconnect(fmt.Sprintf("adding %s database", name))
		}
	}
	return nil
}

// RemoveDatabase stops serving the named database. Clients that asked for
// change awareness see their monitors of it canceled (monitor_canceled)
// and their waiting transactions on it fail with "canceled"; other clients
// are disconnected, and the log says why with reason, e.g. "removing
// Open_vSwitch database by user request".
func (s *Server) RemoveDatabase(name, reason string) error {
	s.mu.Lock()
	d, ok := s.dbs[name]
	if !ok || d.reserved {
		s.mu.Unlock()
		return fmt.Errorf("%s: no database named %s", name, name)
	}
	delete(s.dbs, name)
	sessions := s.sessionList()
	s.mu.Unlock()

	// No commit may be in flight while the database goes away.
	d.wmu.Lock()
	d.removed.Store(true)
	d.mu.Lock()
	d.detachAllLocked()
	d.mu.Unlock()
	d.wmu.Unlock()

	for _, ss := range sessions {
		if ss.dbChangeAware.Load() {
			ss.dropDatabase(d)
		} else {
			ss.disconnect(reason)
		}
	}
	s.deleteServerRow(d)
	return nil
}

// Database returns the named database, or nil.
func (s *Server) Database(name string) *database.Database {
	if d := s.lookup(name); d != nil {
		return d.database()
	}
	return nil
}

// DatabaseNames returns the names of the databases served, _Server
// included, sorted.
func (s *Server) DatabaseNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.dbs))
	for n := range s.dbs {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func (s *Server) lookup(name string) *dbState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dbs[name]
}

// Transact runs a transaction on behalf of the server itself (not a
// client): ops are the operations of a "transact" request without the
// database name. The commit goes through the commit hook and reaches
// monitors like any client's. A "wait" is not waited for: if it is not
// satisfied at once, Transact returns an error.
func (s *Server) Transact(dbName string, ops []ovsjson.Value) (ovsjson.Value, error) {
	d := s.lookup(dbName)
	if d == nil || d.reserved {
		return ovsjson.Value{}, fmt.Errorf("%s: unknown database", dbName)
	}
	res, until := d.transact(ops, database.TxnOptions{})
	d.release()
	if res.Kind == ovsjson.Null && !until.IsZero() {
		return ovsjson.Value{}, errors.New("\"wait\" not satisfied")
	}
	return res, nil
}

// SetMonitorCondEnabled enables or disables monitor_cond and
// monitor_cond_since (ovsdb-server/disable-monitor-cond). When disabled
// they are unknown methods, so that clients fall back to plain monitor.
func (s *Server) SetMonitorCondEnabled(enabled bool) {
	s.mu.Lock()
	s.noMonitorCond = !enabled
	s.mu.Unlock()
}

func (s *Server) monitorCondEnabled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.noMonitorCond
}

// Reconnect disconnects every client (ovsdb-server/reconnect); each
// logs reason.
func (s *Server) Reconnect(reason string) {
	s.mu.Lock()
	sessions := s.sessionList()
	s.mu.Unlock()
	for _, ss := range sessions {
		ss.disconnect(reason)
	}
}

// Close disconnects every client and stops accepting new ones. It waits
// until every session has ended.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	sessions := s.sessionList()
	s.mu.Unlock()
	for _, ss := range sessions {
		ss.close()
	}
	for _, ss := range sessions {
		<-ss.done
	}
}

func (s *Server) sessionList() []*session {
	l := make([]*session, 0, len(s.sessions))
	for ss := range s.sessions {
		l = append(l, ss)
	}
	return l
}

// insertServerRow adds d's row to _Server's Database table.
func (s *Server) insertServerRow(d *dbState) ovsdb.UUID {
	schemaText := string(ovsjson.Append(nil, d.schema().ToJSON(), ovsjson.Sort))
	row := ovsjson.NewObject(
		ovsjson.M("name", ovsjson.NewString(d.name)),
		ovsjson.M("model", ovsjson.NewString("standalone")),
		ovsjson.M("connected", ovsjson.NewBool(true)),
		ovsjson.M("leader", ovsjson.NewBool(true)),
		ovsjson.M("schema", ovsjson.NewString(schemaText)),
	)
	// The row's UUID is chosen here: an insert's result is Raw text
	// (database.Transact), not an object to pick it out of.
	u := ovsdb.NewUUID()
	op := ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("insert")),
		ovsjson.M("table", ovsjson.NewString("Database")),
		ovsjson.M("uuid", ovsjson.NewString(u.String())),
		ovsjson.M("row", row),
	)
	res := s.serverTransact(op)
	if len(res.A) == 1 && opSucceeded(res.A[0]) {
		return u
	}
	panic("server: cannot add row to _Server: " + res.String())
}

func (s *Server) deleteServerRow(d *dbState) {
	op := ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("delete")),
		ovsjson.M("table", ovsjson.NewString("Database")),
		ovsjson.M("where", ovsjson.NewArray(ovsjson.NewArray(
			ovsjson.NewString("_uuid"), ovsjson.NewString("=="),
			ovsjson.NewArray(ovsjson.NewString("uuid"), ovsjson.NewString(d.row.String()))))),
	)
	s.serverTransact(op)
}

// serverTransact changes _Server, which clients cannot.
func (s *Server) serverTransact(ops ...ovsjson.Value) ovsjson.Value {
	res, _ := s.serverDB.transact(ops, database.TxnOptions{})
	s.serverDB.release()
	return res
}

// updateServerRow refreshes d's row in _Server after its schema changed.
func (s *Server) updateServerRow(d *dbState) {
	schemaText := string(ovsjson.Append(nil, d.schema().ToJSON(), ovsjson.Sort))
	op := ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("update")),
		ovsjson.M("table", ovsjson.NewString("Database")),
		ovsjson.M("where", ovsjson.NewArray(ovsjson.NewArray(
			ovsjson.NewString("_uuid"), ovsjson.NewString("=="),
			ovsjson.NewArray(ovsjson.NewString("uuid"), ovsjson.NewString(d.row.String()))))),
		ovsjson.M("row", ovsjson.NewObject(ovsjson.M("schema", ovsjson.NewString(schemaText)))),
	)
	s.serverTransact(op)
}
