package unixctl

import (
	"context"
	"syscall"

	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// Client is a connection to a daemon's control socket.
type Client struct {
	conn *jsonrpc.Conn
	path string
}

// Dial connects to the control socket at path. On failure it logs OVS's
// "failed to connect to PATH" warning and returns the system error.
func Dial(path string) (*Client, error) {
	return DialContext(context.Background(), path)
}

// DialContext is Dial bounded by ctx.
func DialContext(ctx context.Context, path string) (*Client, error) {
	name := "unix:" + path
	nc, err := stream.Dial(ctx, name)
	if err != nil {
		log.Warn("failed to connect to %s", path)
		return nil, err
	}
	return &Client{conn: jsonrpc.NewConn(nc, name), path: path}, nil
}

// Path returns the socket path given to Dial.
func (c *Client) Path() string { return c.path }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Reply is a command's outcome: its output, or its error text if Failed.
// (An error reply may have empty text, so Failed is separate.)
type Reply struct {
	Text   string
	Failed bool
}

// Run runs cmd with args on the daemon. err is set only when the
// exchange itself failed (the connection broke, or the reply was not what
// OVS's protocol allows); a command that failed is a Reply with Failed
// set. Transport failures are logged as OVS's client logs them.
func (c *Client) Run(ctx context.Context, cmd string, args []string) (Reply, error) {
	params := make([]ovsjson.Value, len(args))
	for i, a := range args {
		params[i] = ovsjson.NewString(a)
	}
	rep, err := c.conn.Transact(ctx, jsonrpc.NewRequest(cmd, ovsjson.NewArray(params...)))
	if err != nil {
		log.Warn("error communicating with %s: %s", c.conn.Name(), stream.Strerror(err))
		return Reply{}, err
	}
	if rep.Type == jsonrpc.Error {
		if rep.Error.Kind != ovsjson.String {
			log.Warn("%s: unexpected error type in JSON RPC reply: %s", c.conn.Name(), jsonType(rep.Error))
			return Reply{}, syscall.EINVAL
		}
		return Reply{Text: rep.Error.S, Failed: true}, nil
	}
	if rep.Result.Kind != ovsjson.String {
		log.Warn("%s: unexpected result type in JSON rpc reply: %s", c.conn.Name(), jsonType(rep.Result))
		return Reply{}, syscall.EINVAL
	}
	return Reply{Text: rep.Result.S}, nil
}

// Call is Run for callers that want the command's error text separately:
// result is the output of a successful command, cmdErr the error text of a
// failed one, err a failure of the exchange itself.
func (c *Client) Call(ctx context.Context, cmd string, args []string) (result, cmdErr string, err error) {
	r, err := c.Run(ctx, cmd, args)
	if err != nil {
		return "", "", err
	}
	if r.Failed {
		return "", r.Text, nil
	}
	return r.Text, "", nil
}

// jsonType names a JSON value's type as OVS's json_type_to_string does:
// integers and reals are both "number".
func jsonType(v ovsjson.Value) string {
	if v.Kind == ovsjson.Integer || v.Kind == ovsjson.Real {
		return "number"
	}
	return v.Kind.String()
}
