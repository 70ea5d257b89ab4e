// Package jsonrpc is JSON-RPC 1.0 as Open vSwitch speaks it, on OVSDB
// connections (RFC 7047) and on the unixctl control sockets: message
// encoding and validation, a connection that reads and writes messages,
// and a reconnecting session for clients.
//
// Why our own: OVS's dialect has rules generic JSON-RPC libraries do not
// follow. Messages are bare JSON objects one after another with no framing;
// a member whose value is null counts as absent; a notification carries
// "id": null; an error reply has no "result" member; and a peer that sends
// anything else is disconnected after a log line whose wording operators
// grep for ("received bad JSON-RPC message: ..."). Values stay in
// proto/ovsjson form so OVSDB's integer/real distinction survives.
//
// Writes never block the sender on a slow peer: Conn.Send encodes the
// message into a queue that a per-connection writer goroutine drains, and
// Conn.Backlog reports the queued bytes so a server can stop feeding (or
// drop) a client that does not keep up, as ovsdb-server does. SendNow and
// Release (after SendNotifyHeld) write in place instead when the
// socket has room and nothing is queued, with a non-blocking write; what
// does not fit goes to the writer, and later messages queue behind it, so
// order is kept either way.
package jsonrpc

import (
	"strconv"
	"sync/atomic"
	"syscall"

	"github.com/govs/ovs/proto/ovsjson"
)

// MsgType is the kind of a JSON-RPC message.
type MsgType uint8

const (
	Request MsgType = iota
	Notify
	Reply
	Error
)

func (t MsgType) String() string {
	switch t {
	case Request:
		return "request"
	case Notify:
		return "notification"
	case Reply:
		return "reply"
	case Error:
		return "error"
	}
	return "message type " + strconv.Itoa(int(t))
}

// Message is one JSON-RPC message. Which fields are meaningful depends on
// Type: Request has Method, Params and ID; Notify has Method and Params;
// Reply has Result and ID; Error has Error and ID.
type Message struct {
	Type   MsgType
	Method string
	Params ovsjson.Value // an array
	Result ovsjson.Value
	Error  ovsjson.Value
	ID     ovsjson.Value
}

var nextID atomic.Int64

// NewRequest returns a request with an id unique in this process (ids
// count up from 0, as OVS's do). A null params becomes [].
func NewRequest(method string, params ovsjson.Value) *Message {
	return &Message{
		Type:   Request,
		Method: method,
		Params: arrayOrEmpty(params),
		ID:     ovsjson.NewInt(nextID.Add(1) - 1),
	}
}

// NewNotify returns a notification: a request that wants no reply.
func NewNotify(method string, params ovsjson.Value) *Message {
	return &Message{Type: Notify, Method: method, Params: arrayOrEmpty(params)}
}

// NewReply returns a successful reply to the request whose id is id.
func NewReply(result, id ovsjson.Value) *Message {
	return &Message{Type: Reply, Result: result, ID: id}
}

// NewError returns an error reply to the request whose id is id.
func NewError(errv, id ovsjson.Value) *Message {
	return &Message{Type: Error, Error: errv, ID: id}
}

// EchoID is the id OVS puts on its inactivity probes.
const EchoID = "echo"

// NewEcho returns an inactivity probe as OVS sends it:
// {"id":"echo","method":"echo","params":[]}.
func NewEcho() *Message {
	return &Message{Type: Request, Method: "echo", Params: ovsjson.NewArray(), ID: ovsjson.NewString(EchoID)}
}

// IsEchoRequest reports whether m is an echo request, which the session
// layer answers by itself.
func (m *Message) IsEchoRequest() bool { return m.Type == Request && m.Method == "echo" }

// IsEchoReply reports whether m answers one of our inactivity probes.
func (m *Message) IsEchoReply() bool {
	return m.Type == Reply && m.ID.Kind == ovsjson.String && m.ID.S == EchoID
}

func arrayOrEmpty(v ovsjson.Value) ovsjson.Value {
	if v.Kind != ovsjson.Array {
		return ovsjson.NewArray()
	}
	return v
}

// ToJSON returns m as a JSON object, with members in the order OVS writes
// them on the wire.
func (m *Message) ToJSON() ovsjson.Value {
	switch m.Type {
	case Request:
		return ovsjson.NewObject(
			ovsjson.M("id", m.ID),
			ovsjson.M("method", ovsjson.NewString(m.Method)),
			ovsjson.M("params", arrayOrEmpty(m.Params)))
	case Notify:
		return ovsjson.NewObject(
			ovsjson.M("id", ovsjson.NewNull()),
			ovsjson.M("method", ovsjson.NewString(m.Method)),
			ovsjson.M("params", arrayOrEmpty(m.Params)))
	case Reply:
		return ovsjson.NewObject(
			ovsjson.M("id", m.ID),
			ovsjson.M("result", m.Result),
			ovsjson.M("error", ovsjson.NewNull()))
	default:
		return ovsjson.NewObject(
			ovsjson.M("id", m.ID),
			ovsjson.M("error", m.Error))
	}
}

// AppendJSON appends m's wire encoding to dst without building the
// intermediate object.
func (m *Message) AppendJSON(dst []byte) []byte {
	switch m.Type {
	case Request, Notify:
		dst = append(dst, `{"id":`...)
		if m.Type == Request {
			dst = ovsjson.Append(dst, m.ID, 0)
		} else {
			dst = append(dst, "null"...)
		}
		dst = append(dst, `,"method":`...)
		dst = ovsjson.AppendString(dst, m.Method)
		dst = append(dst, `,"params":`...)
		if m.Params.Kind == ovsjson.Array {
			dst = ovsjson.Append(dst, m.Params, 0)
		} else {
			dst = append(dst, "[]"...)
		}
	case Reply:
		dst = append(dst, `{"id":`...)
		dst = ovsjson.Append(dst, m.ID, 0)
		dst = append(dst, `,"result":`...)
		dst = ovsjson.Append(dst, m.Result, 0)
		dst = append(dst, `,"error":null`...)
	default:
		dst = append(dst, `{"id":`...)
		dst = ovsjson.Append(dst, m.ID, 0)
		dst = append(dst, `,"error":`...)
		dst = ovsjson.Append(dst, m.Error, 0)
	}
	return append(dst, '}')
}

// MessageError is a JSON value that is not a valid JSON-RPC message. Its
// text is OVS's; it counts as EPROTO ("Protocol error"), which is how OVS
// reports such a connection's failure.
type MessageError struct{ Msg string }

func (e *MessageError) Error() string { return e.Msg }

func (e *MessageError) Unwrap() error { return syscall.EPROTO }

func badMsg(msg string) error { return &MessageError{Msg: msg} }

// FromJSON validates v as a JSON-RPC message, applying OVS's rules in
// OVS's order, so that the first complaint is the one OVS would make.
func FromJSON(v ovsjson.Value) (*Message, error) {
	if v.Kind != ovsjson.Object {
		return nil, badMsg("message is not a JSON object")
	}
	var method, params, result, errv, id ovsjson.Value
	unexpected := ""
	// A repeated member counts once, with its last value, as in OVS.
	for i := range v.O {
		mb := &v.O[i]
		switch mb.Key {
		case "method":
			method = mb.Value
		case "params":
			params = mb.Value
		case "result":
			result = mb.Value
		case "error":
			errv = mb.Value
		case "id":
			id = mb.Value
		default:
			if unexpected == "" {
				unexpected = mb.Key
			}
		}
	}
	if method.Kind != ovsjson.Null && method.Kind != ovsjson.String {
		return nil, badMsg("method is not a JSON string")
	}
	if unexpected != "" {
		return nil, badMsg("message has unexpected member \"" + unexpected + "\"")
	}
	if params.Kind != ovsjson.Null && params.Kind != ovsjson.Array {
		return nil, badMsg("\"params\" must be JSON array")
	}
	m := &Message{Method: method.S, Params: params, Result: result, Error: errv, ID: id}
	switch {
	case result.Kind != ovsjson.Null:
		m.Type = Reply
	case errv.Kind != ovsjson.Null:
		m.Type = Error
	case id.Kind != ovsjson.Null:
		m.Type = Request
	default:
		m.Type = Notify
	}
	// Which members each type must (true) or must not (false) have, in
	// the order OVS checks them: method, params, result, error, id.
	var rules [5]bool
	switch m.Type {
	case Request:
		rules = [5]bool{true, true, false, false, true}
	case Notify:
		rules = [5]bool{true, true, false, false, false}
	case Reply:
		rules = [5]bool{false, false, true, false, true}
	case Error:
		rules = [5]bool{false, false, false, true, true}
	}
	names := [5]string{"method", "params", "result", "error", "id"}
	present := [5]bool{method.Kind != ovsjson.Null, params.Kind != ovsjson.Null,
		result.Kind != ovsjson.Null, errv.Kind != ovsjson.Null, id.Kind != ovsjson.Null}
	for i := range names {
		if rules[i] && !present[i] {
			return nil, badMsg(m.Type.String() + " must have \"" + names[i] + "\"")
		}
		if !rules[i] && present[i] {
			return nil, badMsg(m.Type.String() + " must not have \"" + names[i] + "\"")
		}
	}
	return m, nil
}

// describe renders m for debug logs as OVS does: the type, then each
// member present.
func (m *Message) describe(dst []byte, title string) []byte {
	dst = append(dst, title...)
	dst = append(dst, ' ')
	dst = append(dst, m.Type.String()...)
	if m.Type == Request || m.Type == Notify {
		dst = append(dst, `, method="`...)
		dst = append(dst, m.Method...)
		dst = append(dst, `", params=`...)
		dst = ovsjson.Append(dst, arrayOrEmpty(m.Params), ovsjson.Sort)
	}
	if m.Type == Reply {
		dst = append(dst, ", result="...)
		dst = ovsjson.Append(dst, m.Result, ovsjson.Sort)
	}
	if m.Type == Error {
		dst = append(dst, ", error="...)
		dst = ovsjson.Append(dst, m.Error, ovsjson.Sort)
	}
	if m.Type != Notify {
		dst = append(dst, ", id="...)
		dst = ovsjson.Append(dst, m.ID, ovsjson.Sort)
	}
	return dst
}
