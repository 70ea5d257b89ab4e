package ovsdbclient

import (
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// wait blocks until DATABASE reaches STATE on SERVER. It asks the server
// itself to wait, with a "wait" operation on the _Server database, and
// keeps reconnecting (and asking again) if the connection drops, so that
// it can be started before the server is.
func (c *client) wait(args []string) error {
	server := defaultServer()
	if len(args) == 3 {
		server = args[0]
		args = args[1:]
	}
	db, state := args[0], args[1]
	var columns []ovsjson.Value
	var rows []ovsjson.Value
	switch state {
	case "added":
		rows = []ovsjson.Value{ovsjson.NewObject()}
	case "connected":
		columns = []ovsjson.Value{ovsjson.NewString("connected")}
		rows = []ovsjson.Value{ovsjson.NewObject(ovsjson.M("connected", ovsjson.NewBool(true)))}
	case "removed":
	default:
		return fatalf("%s: unknown state", state)
	}
	c.server = server
	op := ovsjson.NewObject(
		ovsjson.M("op", ovsjson.NewString("wait")),
		ovsjson.M("table", ovsjson.NewString("Database")),
		ovsjson.M("where", ovsjson.NewArray(ovsjson.NewArray(
			ovsjson.NewString("name"), ovsjson.NewString("=="), ovsjson.NewString(db)))),
		ovsjson.M("columns", ovsjson.NewArray(columns...)),
		ovsjson.M("until", ovsjson.NewString("==")),
		ovsjson.M("rows", ovsjson.NewArray(rows...)))
	txn := ovsjson.NewArray(ovsjson.NewString("_Server"), op)

	// The session is not closed when we are done: closing logs that the
	// connection was dropped, which OVS does not print, and the process
	// is about to exit anyway.
	s := jsonrpc.NewSession(server)
	s.Start()
	var pending ovsjson.Value
	for ev := range s.Events() {
		switch ev.Kind {
		case jsonrpc.Connected:
			if c.dbChangeAware {
				s.Send(jsonrpc.NewRequest("set_db_change_aware", ovsjson.NewArray(ovsjson.NewBool(true))))
			}
			req := jsonrpc.NewRequest("transact", txn)
			pending = req.ID
			s.Send(req)
		case jsonrpc.Disconnected:
			pending = ovsjson.Value{}
		case jsonrpc.Received:
			m := ev.Msg
			if pending.IsNull() || !ovsjson.Equal(m.ID, pending) {
				continue
			}
			if m.Type == jsonrpc.Error {
				return fatalf("%s: transaction returned error: %s", server, m.Error.String())
			}
			if m.Type != jsonrpc.Reply {
				continue
			}
			if m.Result.Kind == ovsjson.Array && len(m.Result.A) > 0 {
				if e, ok := m.Result.A[0].Get("error"); ok {
					return fatalf("%s: %s", server, ovsdbErrorText(m.Result.A[0], e))
				}
			}
			return nil
		}
	}
	if err := s.LastError(); err != nil {
		return fatalf("%s: connection failed (%s)", server, strerror(err))
	}
	return nil
}
