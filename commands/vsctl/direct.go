package vsctl

import (
	"context"
	"errors"
	"net"
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
	// size is what the request's operations take, give or take: per
	// port, two inserts naming it (and, for a short list, a wait), an
	// element of the bridge's mutation, and the port's numbers.
	size := len(s.cmdLine) + 256
	for i, inv := range s.commands {
		if inv.cmd.name != "add-port" || len(inv.args) != 3 || len(inv.opts.keys) != 0 {
			return false
		}
		br, port := inv.args[1], inv.args[2]
		if br == "" || port == "" {
			return false
		}
		ports[port] = true
		size += 240 + 3*len(port)
		if short {
			size += 160 + len(port)
		}
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
	// Replies are read here rather than by jc.Recv: the reply to
	// thousands of inserts needs only a glance at each result (is it an
	// error?), not a tree of values that costs more than the request.
	dec := ovsjson.NewDecoder(conn)
	dec.MaxSize = jsonrpc.DefaultMaxMessageSize
	id := int64(0)
	// transact sends ops and reports whether every operation and the
	// commit succeeded; with keep, it also returns the results.
	transact := func(ops *opList, keep bool) ([]ovsjson.Value, bool) {
		id++
		head := append([]byte(`{"id":`), strconv.FormatInt(id, 10)...)
		head = append(head, `,"method":"transact","params":["Open_vSwitch",`...)
		// The operations go out from where they were written, behind
		// the request's head, in one writev.
		req := net.Buffers{head, ops.buf[:len(ops.buf)-1], []byte("]}")}
		if _, err := req.WriteTo(conn); err != nil {
			return nil, false
		}
		for {
			msg, err := dec.DecodeBytes()
			if err != nil {
				return nil, false
			}
			result, mine, ok := replyResult(msg, id, jc)
			if !mine {
				continue
			}
			if !ok {
				return nil, false
			}
			return checkResults(result, ops.n, keep)
		}
	}

	const fakeWhere = `[["fake_bridge","==",true]]`
	// The request is written as it is built, in one buffer of the
	// right size: thousands of operations copied through a growing one
	// cost more than building them.
	ops := &opList{buf: make([]byte, 0, size+256*len(bridges))}
	if !short {
		// Every bridge's name, and every fake bridge's.
		var pre opList
		pre.buf = appendSelectNames(pre.buf, "Bridge", `[]`)
		pre.end()
		pre.buf = appendSelectNames(pre.buf, "Port", fakeWhere)
		pre.end()
		res, ok := transact(&pre, true)
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
	_, ok := transact(ops, false)
	return ok
}

// errFailed stops a scan of results at the first failure.
var errFailed = errors.New("operation failed")

// replyResult looks at one message received during a direct run. If it is
// the reply to request id, mine is set, and ok if it is a successful reply
// with result as the text of its result. An echo request is answered on jc.
// A malformed message counts as a failed reply: the ordinary run will
// find out what is wrong.
func replyResult(msg []byte, id int64, jc *jsonrpc.Conn) (result []byte, mine, ok bool) {
	var idText, errText []byte
	request := false
	err := ovsjson.Members(msg, func(name string, value []byte) error {
		switch name {
		case "id":
			idText = value
		case "method":
			request = true
		case "result":
			result = value
		case "error":
			errText = value
		}
		return nil
	})
	if err != nil {
		return nil, true, false
	}
	if request {
		v, err := ovsjson.Parse(msg)
		if err != nil {
			return nil, true, false
		}
		m, err := jsonrpc.FromJSON(v)
		if err != nil {
			return nil, true, false
		}
		if m.IsEchoRequest() {
			jc.Send(jsonrpc.NewReply(m.Params, m.ID))
		}
		return nil, false, false
	}
	if v, err := ovsjson.Parse(idText); err != nil || v.Kind != ovsjson.Integer || v.I != id {
		return nil, false, false
	}
	if result == nil || errText != nil && string(errText) != "null" {
		return nil, true, false
	}
	return result, true, true
}

// checkResults reports whether result (the text of a transact reply's
// result) has n results and none is an error: a failed transaction has an
// error object at the failing operation, or one more result than
// operations for a failed commit. With keep, it returns the results too.
func checkResults(result []byte, n int, keep bool) ([]ovsjson.Value, bool) {
	var out []ovsjson.Value
	count := 0
	err := ovsjson.Elements(result, func(r []byte) error {
		count++
		if err := ovsjson.Members(r, func(name string, _ []byte) error {
			if name == "error" {
				return errFailed
			}
			return nil
		}); err != nil {
			return err
		}
		if keep {
			v, err := ovsjson.Parse(r)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil || count != n {
		return nil, false
	}
	return out, true
}

// opList is a list of operations' JSON texts, written one after another
// into one buffer, each followed by a comma.
type opList struct {
	buf []byte
	n   int
}

// end marks the end of the operation just written.
func (l *opList) end() {
	l.buf = append(l.buf, ',')
	l.n++
}

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
