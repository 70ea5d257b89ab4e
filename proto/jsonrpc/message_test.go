package jsonrpc

import (
	"errors"
	"syscall"
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

// Texts observed from the real ovsdb-server 3.1 ("received bad JSON-RPC
// message: ..." in its log) for each input.
func TestFromJSONErrorsLikeOVS(t *testing.T) {
	cases := []struct{ in, want string }{
		{`[1,2]`, `message is not a JSON object`},
		{`"str"`, `message is not a JSON object`},
		{`{"method":1,"params":[],"id":1}`, `method is not a JSON string`},
		{`{"method":1,"foo":1}`, `method is not a JSON string`},
		{`{"method":1,"params":{}}`, `method is not a JSON string`},
		{`{"params":{},"foo":1}`, `message has unexpected member "foo"`},
		{`{"method":"x","params":[],"id":1,"foo":2}`, `message has unexpected member "foo"`},
		{`{"method":"x","params":[],"id":1,"foo":null}`, `message has unexpected member "foo"`},
		{`{"method":"x","params":[],"ID":1}`, `message has unexpected member "ID"`},
		{`{"method":"version","params":{},"id":1}`, `"params" must be JSON array`},
		{`{"result":1,"id":1,"params":{}}`, `"params" must be JSON array`},
		{`{"method":"version","id":1}`, `request must have "params"`},
		{`{"method":"x","params":null,"id":1}`, `request must have "params"`},
		{`{"params":[],"id":1}`, `request must have "method"`},
		{`{"id":1}`, `request must have "method"`},
		{`{"error":null,"id":1}`, `request must have "method"`},
		{`{}`, `notification must have "method"`},
		{`{"result":1}`, `reply must have "id"`},
		{`{"id":null,"result":"a","error":null}`, `reply must have "id"`},
		{`{"error":1}`, `error must have "id"`},
		{`{"result":1,"error":2,"id":1}`, `reply must not have "error"`},
		{`{"id":1,"result":"a","error":"b"}`, `reply must not have "error"`},
		{`{"method":"x","params":[],"result":1,"id":1}`, `reply must not have "method"`},
		{`{"method":"x","params":[],"result":1}`, `reply must not have "method"`},
		{`{"id":1,"result":"a","error":null,"params":[]}`, `reply must not have "params"`},
		{`{"method":"x","params":[],"error":1,"id":1}`, `error must not have "method"`},
	}
	for _, c := range cases {
		v, err := ovsjson.ParseString(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		_, err = FromJSON(v)
		if err == nil || err.Error() != c.want {
			t.Errorf("FromJSON(%s) = %v, want %q", c.in, err, c.want)
			continue
		}
		if !errors.Is(err, syscall.EPROTO) {
			t.Errorf("FromJSON(%s): error is not EPROTO", c.in)
		}
	}
}

func TestFromJSONValid(t *testing.T) {
	cases := []struct {
		in     string
		typ    MsgType
		method string
		id     string
	}{
		{`{"method":"version","params":[],"id":1}`, Request, "version", "1"},
		{`{"method":"x","params":[],"id":1,"error":null,"result":null}`, Request, "x", "1"},
		{`{"method":"x","params":[],"id":1,"method":"y"}`, Request, "y", "1"}, // last wins
		{`{"method":"update","params":[null,{}],"id":null}`, Notify, "update", "null"},
		{`{"method":"version","params":[]}`, Notify, "version", "null"},
		{`{"id":1,"result":"x","error":null}`, Reply, "", "1"},
		{`{"id":99,"result":"x"}`, Reply, "", "99"},
		{`{"error":"e","result":null,"id":1}`, Error, "", "1"},
		{`{"id":[1,2],"error":{"error":"unknown"}}`, Error, "", "[1,2]"},
	}
	for _, c := range cases {
		v, _ := ovsjson.ParseString(c.in)
		m, err := FromJSON(v)
		if err != nil {
			t.Errorf("FromJSON(%s): %v", c.in, err)
			continue
		}
		if m.Type != c.typ || m.Method != c.method || m.ID.String() != c.id {
			t.Errorf("FromJSON(%s) = %v %q id %s", c.in, m.Type, m.Method, m.ID)
		}
	}
}

// The member order matches what OVS puts on the wire (observed with the
// real ovsdb-server and ovs-appctl).
func TestWireFormat(t *testing.T) {
	params := ovsjson.NewArray(ovsjson.NewString("a"), ovsjson.NewString("b c"))
	cases := []struct {
		m    *Message
		want string
	}{
		{&Message{Type: Request, Method: "foo", Params: params, ID: ovsjson.NewInt(0)},
			`{"id":0,"method":"foo","params":["a","b c"]}`},
		{NewNotify("update", ovsjson.NewArray(ovsjson.NewNull(), ovsjson.NewObject())),
			`{"id":null,"method":"update","params":[null,{}]}`},
		{NewReply(ovsjson.NewString("ovsdb-server (Open vSwitch) 3.1.0\n"), ovsjson.NewInt(1)),
			`{"id":1,"result":"ovsdb-server (Open vSwitch) 3.1.0\n","error":null}`},
		{NewError(ovsjson.NewString("unknown method"), ovsjson.NewInt(1)),
			`{"id":1,"error":"unknown method"}`},
		{NewEcho(), `{"id":"echo","method":"echo","params":[]}`},
		{NewNotify("x", ovsjson.Value{}), `{"id":null,"method":"x","params":[]}`},
	}
	for _, c := range cases {
		if got := string(c.m.AppendJSON(nil)); got != c.want {
			t.Errorf("AppendJSON = %s, want %s", got, c.want)
		}
		if got := string(ovsjson.Marshal(c.m.ToJSON())); got != c.want {
			t.Errorf("ToJSON = %s, want %s", got, c.want)
		}
		// Round trip.
		v, err := ovsjson.ParseString(c.want)
		if err != nil {
			t.Fatal(err)
		}
		back, err := FromJSON(v)
		if err != nil {
			t.Fatalf("%s: %v", c.want, err)
		}
		if got := string(back.AppendJSON(nil)); got != c.want {
			t.Errorf("round trip %s -> %s", c.want, got)
		}
	}
}

func TestNewRequestIDs(t *testing.T) {
	a := NewRequest("a", ovsjson.Value{})
	b := NewRequest("b", ovsjson.NewArray())
	if a.ID.Kind != ovsjson.Integer || b.ID.I != a.ID.I+1 {
		t.Fatalf("ids %s %s", a.ID, b.ID)
	}
	if a.Params.Kind != ovsjson.Array || len(a.Params.A) != 0 {
		t.Fatalf("params %s", a.Params)
	}
	if !NewEcho().IsEchoRequest() || NewEcho().IsEchoReply() {
		t.Fatal("echo request")
	}
	if !NewReply(ovsjson.NewArray(), ovsjson.NewString("echo")).IsEchoReply() {
		t.Fatal("echo reply")
	}
}

func TestDescribe(t *testing.T) {
	m := &Message{Type: Request, Method: "version", Params: ovsjson.NewArray(), ID: ovsjson.NewInt(1)}
	if got := string(m.describe(nil, "received")); got != `received request, method="version", params=[], id=1` {
		t.Errorf("describe %q", got)
	}
	r := NewReply(ovsjson.NewString("x\n"), ovsjson.NewInt(1))
	if got := string(r.describe(nil, "send")); got != `send reply, result="x\n", id=1` {
		t.Errorf("describe %q", got)
	}
	e := NewError(ovsjson.NewString("e"), ovsjson.NewInt(1))
	if got := string(e.describe(nil, "received")); got != `received error, error="e", id=1` {
		t.Errorf("describe %q", got)
	}
}
