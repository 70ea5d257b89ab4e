package ovsdbclient

import (
	"context"
	"net"
	"strings"
	"syscall"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

var strerror = stream.Strerror

// open connects to server as OVS's ovsdb-client does: an active name is
// dialled; a name that is not an active method is tried as a passive one,
// which waits for the server to connect to us. A comma-separated list of
// servers (a cluster) is handled by openMultiple.
func (c *client) open(server, db string) (*rpcConn, error) {
	if isMultiple(server) {
		return c.openMultiple(server, db)
	}
	name := stream.WithDefaultPort(server, stream.OVSDBPort)
	conn, err := stream.Dial(context.Background(), name)
	if err == nil {
		return &rpcConn{Conn: jsonrpc.NewConn(conn, server)}, nil
	}
	if stream.Errno(err) != syscall.EAFNOSUPPORT {
		return nil, fatalf("failed to connect to \"%s\" (%s)", server, strerror(err))
	}
	l, lerr := stream.Listen(name)
	if lerr != nil {
		return nil, fatalf("failed to connect or listen to \"%s\" (%s)", server, strerror(lerr))
	}
	defer l.Close()
	logClient.Info("%s: waiting for connection...", server)
	conn, err = l.Accept()
	if err != nil {
		return nil, fatalf("%s: accept failed (%s)", server, strerror(err))
	}
	return &rpcConn{Conn: jsonrpc.NewConn(conn, server)}, nil
}

func isMultiple(server string) bool { return strings.IndexByte(server, ',') >= 0 }

var logReconnect = vlog.NewModule("reconnect")

// openMultiple tries the servers of a list in turn, as OVS does for a
// cluster, logging each attempt the way its reconnection logic does. With
// db set, a server counts only if it serves db and, unless --no-leader-only
// was given, is the leader for it.
func (c *client) openMultiple(list, db string) (*rpcConn, error) {
	for _, remote := range strings.Split(list, ",") {
		remote = strings.TrimSpace(remote)
		if remote == "" {
			continue
		}
		name := stream.WithDefaultPort(remote, stream.OVSDBPort)
		var conn net.Conn
		var err error
		if stream.IsPassive(remote) {
			logReconnect.Info("%s: listening...", remote)
			var l net.Listener
			if l, err = stream.Listen(name); err == nil {
				conn, err = l.Accept()
				l.Close()
			}
		} else {
			logReconnect.Info("%s: connecting...", remote)
			conn, err = stream.Dial(context.Background(), name)
		}
		if err != nil {
			logReconnect.Info("%s: connection attempt failed (%s)", remote, strerror(err))
			continue
		}
		logReconnect.Info("%s: connected", remote)
		rpc := &rpcConn{Conn: jsonrpc.NewConn(conn, remote)}
		if db == "" {
			return rpc, nil
		}
		if ok, err := c.servesDatabase(rpc, db); err != nil {
			rpc.close()
			return nil, err
		} else if ok {
			return rpc, nil
		}
		logReconnect.Info("%s: connection attempt timed out", remote)
		rpc.close()
	}
	return nil, fatalf("no servers were available")
}

// servesDatabase asks a cluster member's _Server database whether it has
// db and whether it is the leader for it (or, with --no-leader-only, at
// least connected to the cluster).
func (c *client) servesDatabase(rpc *rpcConn, db string) (bool, error) {
	result, err := rpc.call("transact", serverDatabaseQuery(db))
	if err != nil {
		return false, err
	}
	if result.Kind != ovsjson.Array || len(result.A) != 1 {
		return false, nil
	}
	rows, ok := result.A[0].Get("rows")
	if !ok || rows.Kind != ovsjson.Array || len(rows.A) == 0 {
		return false, nil
	}
	member := "leader"
	if !c.leaderOnly {
		member = "connected"
	}
	v, ok := rows.A[0].Get(member)
	return ok && v.Kind == ovsjson.True, nil
}

// serverDatabaseQuery selects db's row of the _Server database.
func serverDatabaseQuery(db string) ovsjson.Value {
	where := ovsjson.NewArray(ovsjson.NewArray(
		ovsjson.NewString("name"), ovsjson.NewString("=="), ovsjson.NewString(db)))
	return ovsjson.NewArray(
		ovsjson.NewString("_Server"),
		ovsjson.NewObject(
			ovsjson.M("op", ovsjson.NewString("select")),
			ovsjson.M("table", ovsjson.NewString("Database")),
			ovsjson.M("where", where)))
}

// rpcConn is the client's JSON-RPC connection. Notifications and requests
// that arrive while call waits for a reply are kept for recv, so that a
// monitor loop sees everything in order.
type rpcConn struct {
	*jsonrpc.Conn
	backlog []*jsonrpc.Message
}

func (r *rpcConn) close() {
	r.Conn.Close()
}

// transactRaw sends a request and waits for its reply or error reply.
// Failures read as OVS reports them from a blocking transaction.
func (r *rpcConn) transactRaw(method string, params ovsjson.Value) (*jsonrpc.Message, error) {
	req := jsonrpc.NewRequest(method, params)
	if err := r.Send(req); err != nil {
		return nil, fatalf("transaction failed (%s)", strerror(err))
	}
	for {
		m, err := r.Recv()
		if err != nil {
			return nil, fatalf("transaction failed (%s)", strerror(err))
		}
		switch m.Type {
		case jsonrpc.Reply, jsonrpc.Error:
			if ovsjson.Equal(m.ID, req.ID) {
				return m, nil
			}
		default:
			r.backlog = append(r.backlog, m)
		}
	}
}

// call is transactRaw for requests whose error reply ends the program.
func (r *rpcConn) call(method string, params ovsjson.Value) (ovsjson.Value, error) {
	m, err := r.transactRaw(method, params)
	if err != nil {
		return ovsjson.Value{}, err
	}
	if m.Type == jsonrpc.Error {
		return ovsjson.Value{}, fatalf("transaction returned error: %s", m.Error.String())
	}
	return m.Result, nil
}

// recv returns the next message, first those kept by transactRaw.
func (r *rpcConn) recv() (*jsonrpc.Message, error) {
	if len(r.backlog) > 0 {
		m := r.backlog[0]
		r.backlog = r.backlog[1:]
		return m, nil
	}
	return r.Recv()
}

// answerEcho replies to the server's inactivity probe.
func (r *rpcConn) answerEcho(m *jsonrpc.Message) error {
	return r.Send(jsonrpc.NewReply(m.Params, m.ID))
}
