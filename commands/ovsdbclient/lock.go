package ovsdbclient

import (
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

func (c *client) lock(args []string) error   { return c.runLock("lock", args[0]) }
func (c *client) steal(args []string) error  { return c.runLock("steal", args[0]) }
func (c *client) unlock(args []string) error { return c.runLock("unlock", args[0]) }

// runLock issues a lock request and then, like OVS's testing command,
// prints every reply and every locked/stolen notification until killed
// (or told to exit through its control socket when detached). Error
// replies print nothing.
func (c *client) runLock(method, name string) error {
	req := jsonrpc.NewRequest(method, ovsjson.NewArray(ovsjson.NewString(name)))
	if err := c.rpc.Send(req); err != nil {
		return fatalf("%s: send failed (%s)", c.server, strerror(err))
	}
	l := c.newLoop()
	ready := false
	return l.run(func(m *jsonrpc.Message) error {
		switch m.Type {
		case jsonrpc.Reply:
			c.printJSON(m.Result)
		case jsonrpc.Notify:
			if m.Method == "locked" || m.Method == "stolen" {
				c.stdout.WriteString(m.Method + "\n")
				c.printJSON(m.Params)
			}
		}
		if !ready && (m.Type == jsonrpc.Reply || m.Type == jsonrpc.Error) && ovsjson.Equal(m.ID, req.ID) {
			ready = true
			c.stdout.Flush()
			return c.daemon.ready(c, l, func(ctl *unixctl.Server) {
				for _, method := range []string{"lock", "steal", "unlock"} {
					ctl.Register(method, "LOCK", 1, 1, func(args []string) (string, error) {
						c.rpc.Send(jsonrpc.NewRequest(method, ovsjson.NewArray(ovsjson.NewString(args[0]))))
						return "", nil
					})
				}
			})
		}
		return nil
	})
}
