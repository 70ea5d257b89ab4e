package vsctl

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// A direct run commits a list of plain "add-port BRIDGE PORT" commands
// (with --no-wait) in one transact request, without a replica: no
// monitor, no schema, one round trip (two for a long list, below), and
// the server sends back no monitor update of the rows it inserted. Such a
// list succeeds exactly when every bridge it names is a real bridge and
// no bridge, port or interface already bears a port name it adds (nor
// does another command of the list), and then always writes the same
// rows: an Interface and a Port called PORT, the port inserted into its
// bridge's ports by a mutation, as the ordinary run does. The request states those
// conditions and lets the server check them atomically with the writes:
//
//   - a "wait" that the bridge called BRIDGE exists (name is an index
//     of Bridge, so there is at most one), and one that no fake-bridge
//     port is called BRIDGE;
//   - a "wait" that no bridge is called PORT;
//   - the name indexes of Port and Interface refuse a second row of a
//     name, so a port or interface called PORT anywhere fails the commit.
//
// Rows nothing refers to are garbage collected, so "exists in the
// database" and "exists in what a replica shows" coincide for bridges,
// ports and interfaces. If the transaction fails for any reason, nothing
// was written, nothing has been printed, and the command list runs again
// the ordinary way, which finds the reason and reports it as OVS does.
// Other remotes (tcp, ssl, several of them), --retry and --dry-run also
// take the ordinary way. As with a targeted run (target.go), the warnings
// a full run logs about a database that breaks vsctl's invariants
// (duplicate names, a port in two bridges) are not logged.

// maxDirectPorts bounds the add-port commands whose names are checked
// against the bridges' by a "wait" each. A longer list first selects the
// bridges' names (and the fake bridges') in a round trip of its own, checks
// its names against them here, and has its transaction wait for exactly
// those bridges: two operations instead of one per port.
const maxDirectPorts = maxTargetNames

// directAddPorts tries a direct run of s's commands. It reports whether
// it committed them (the run is then complete: add-port prints nothing).
//
// The request is written as JSON text straight away: for thousands of
// ports, a tree of ovsjson values to serialise was most of the client's
// time and memory.
func directAddPorts(s *settings) bool {
	if s.wait || s.dryRun || s.retry || len(s.commands) == 0 {
		return false
	}
	if strings.Contains(s.db, ",") || !strings.HasPrefix(s.db, "unix:") {
		// A tcp name that fails to parse or connect is logged by the
		// dialler, and would be again by the ordinary run.
		return false
	}
	short := len(s.commands) <= maxDirectPorts
	var bridges []string
	perBridge := map[string][]int{} // the commands adding to each bridge
	ports := make(map[string]bool, len(s.commands))
	for i, inv := range s.commands {
		if inv.cmd.name != "add-port" || len(inv.args) != 3 || len(inv.opts.keys) != 0 {
			return false
		}
		br, port := inv.args[1], inv.args[2]
		if br == "" || port == "" {
			return false
		}
		ports[port] = true
		if _, ok := perBridge[br]; !ok {
			bridges = append(bridges, br)
		}
		perBridge[br] = append(perBridge[br], i)
	}

	conn, err := stream.Dial(s.ctx, s.db)
	if err != nil {
		return false
	}
	stop := context.AfterFunc(s.ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	jc := jsonrpc.NewConn(conn, s.db)
	defer jc.Close()
	id := int64(0)
	// transact sends ops and returns the results if every operation and
	// the commit succeeded. The request is written as it is built, in
	// one buffer of the right size: thousands of operations copied
	// through a growing one cost more than building them.
	transact := func(ops *opList) ([]ovsjson.Value, bool) {
		id++
		req := make([]byte, 0, len(ops.buf)+len(ops.ends)+64)
		req = append(req, `{"id":`...)
		req = strconv.AppendInt(req, id, 10)
		req = append(req, `,"method":"transact","params":["Open_vSwitch"`...)
		start := 0
		for _, e := range ops.ends {
			req = append(req, ',')
			req = append(req, ops.buf[start:e]...)
			start = e
		}
		req = append(req, "]}"...)
		if _, err := conn.Write(req); err != nil {
			return nil, false
		}
		var reply *jsonrpc.Message
		for reply == nil {
			m, err := jc.Recv()
			switch {
			case err != nil:
				return nil, false
			case m.IsEchoRequest():
				jc.Send(jsonrpc.NewReply(m.Params, m.ID))
			case (m.Type == jsonrpc.Reply || m.Type == jsonrpc.Error) && m.ID.Kind == ovsjson.Integer && m.ID.I == id:
				reply = m
			}
		}
		if reply.Type != jsonrpc.Reply || reply.Result.Kind != ovsjson.Array {
			return nil, false
		}
		// A failed transaction has an error object at the failing
		// operation, or one more result than operations for a failed
		// commit.
		if len(reply.Result.A) != len(ops.ends) {
			return nil, false
		}
		for _, r := range reply.Result.A {
			if r.Kind != ovsjson.Object {
				return nil, false
			}
			if _, failed := r.Get("error"); failed {
				return nil, false
			}
		}
		return reply.Result.A, true
	}

	const fakeWhere = `[["fake_bridge","==",true]]`
	ops := &opList{
		buf:  make([]byte, 0, 200*len(s.commands)+256*len(bridges)+len(s.cmdLine)+64),
		ends: make([]int, 0, 3*len(s.commands)+3*len(bridges)+3),
	}
	if !short {
		// Every bridge's name, and every fake bridge's.
		var pre opList
		pre.buf = appendSelectNames(pre.buf, "Bridge", `[]`)
		pre.end()
		pre.buf = appendSelectNames(pre.buf, "Port", fakeWhere)
		pre.end()
		res, ok := transact(&pre)
		if !ok {
			return false
		}
		realRows, ok1 := res[0].Get("rows")
		fakeRows, ok2 := res[1].Get("rows")
		if !ok1 || !ok2 || realRows.Kind != ovsjson.Array || fakeRows.Kind != ovsjson.Array {
			return false
		}
		real := map[string]bool{}
		for _, row := range realRows.A {
			name, ok := row.Get("name")
			if !ok || name.Kind != ovsjson.String || ports[name.S] {
				return false
			}
			real[name.S] = true
		}
		for _, row := range fakeRows.A {
			name, ok := row.Get("name")
			if !ok || name.Kind != ovsjson.String || real[name.S] {
				return false
			}
		}
		for _, br := range bridges {
			if !real[br] {
				return false
			}
		}
		ops.buf = appendWait(ops.buf, "Bridge", `[]`, ovsjson.Marshal(realRows))
		ops.end()
		ops.buf = appendWait(ops.buf, "Port", fakeWhere, ovsjson.Marshal(fakeRows))
		ops.end()
	}
	for i, inv := range s.commands {
		port := inv.args[2]
		if short {
			ops.buf = appendWait(ops.buf, "Bridge", string(appendNameWhere(nil, port, "")), []byte(`[]`))
			ops.end()
		}
		b := append(ops.buf, `{"op":"insert","table":"Interface","uuid-name":"i`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `","row":{"name":`...)
		b = ovsjson.AppendString(b, port)
		ops.buf = append(b, `}}`...)
		ops.end()
		b = append(ops.buf, `{"op":"insert","table":"Port","uuid-name":"p`...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, `","row":{"name":`...)
		b = ovsjson.AppendString(b, port)
		b = append(b, `,"interfaces":["named-uuid","i`...)
		b = strconv.AppendInt(b, int64(i), 10)
		ops.buf = append(b, `"]}}`...)
		ops.end()
	}
	for _, br := range bridges {
		where := string(appendNameWhere(nil, br, ""))
		if short {
			ops.buf = appendWait(ops.buf, "Bridge", where, append(ovsjson.AppendString([]byte(`[{"name":`), br), "}]"...))
			ops.end()
			ops.buf = appendWait(ops.buf, "Port", string(appendNameWhere(nil, br, `,["fake_bridge","==",true]`)), []byte(`[]`))
			ops.end()
		}
		b := append(ops.buf, `{"op":"mutate","table":"Bridge","where":`...)
		b = append(b, where...)
		b = append(b, `,"mutations":[["ports","insert",["set",[`...)
		for j, i := range perBridge[br] {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `["named-uuid","p`...)
			b = strconv.AppendInt(b, int64(i), 10)
			b = append(b, `"]`...)
		}
		ops.buf = append(b, `]]]]}`...)
		ops.end()
	}
	b := append(ops.buf, `{"op":"comment","comment":`...)
	b = ovsjson.AppendString(b, "ovs-vsctl: "+s.cmdLine)
	ops.buf = append(b, '}')
	ops.end()
	_, ok := transact(ops)
	return ok
}

// opList is a list of operations' JSON texts, written one after another
// into one buffer.
type opList struct {
	buf  []byte
	ends []int
}

// end marks the end of the operation just written.
func (l *opList) end() { l.ends = append(l.ends, len(l.buf)) }

// appendNameWhere appends a where clause selecting name, followed by more
// clauses (each with a leading comma).
func appendNameWhere(dst []byte, name, more string) []byte {
	dst = append(dst, `[["name","==",`...)
	dst = ovsjson.AppendString(dst, name)
	dst = append(dst, ']')
	dst = append(dst, more...)
	return append(dst, ']')
}

// appendWait appends a "wait" that the rows of table matching where,
// projected on their name, are exactly rows.
func appendWait(dst []byte, table, where string, rows []byte) []byte {
	dst = append(dst, `{"op":"wait","timeout":0,"table":"`...)
	dst = append(dst, table...)
	dst = append(dst, `","where":`...)
	dst = append(dst, where...)
	dst = append(dst, `,"columns":["name"],"until":"==","rows":`...)
	dst = append(dst, rows...)
	return append(dst, '}')
}

func appendSelectNames(dst []byte, table, where string) []byte {
	dst = append(dst, `{"op":"select","table":"`...)
	dst = append(dst, table...)
	dst = append(dst, `","where":`...)
	dst = append(dst, where...)
	return append(dst, `,"columns":["name"]}`...)
}
