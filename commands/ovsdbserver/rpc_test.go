package ovsdbserver

import (
	"net"
	"testing"
	"time"

	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// rpcConn is a bare JSON-RPC client for the tests: send raw requests, get
// back the replies (notifications and echo requests are skipped).
type rpcConn struct {
	c   net.Conn
	dec *ovsjson.Decoder
}

func dialJSONRPC(t *testing.T, path string) *rpcConn {
	t.Helper()
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	return &rpcConn{c: c, dec: ovsjson.NewDecoder(c)}
}

func (c *rpcConn) send(s string) error {
	c.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_, err := c.c.Write([]byte(s))
	return err
}

func (c *rpcConn) recv() (string, error) {
	for {
		c.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		v, err := c.dec.Decode()
		if err != nil {
			return "", err
		}
		if m, ok := v.Get("method"); ok && m.Kind == ovsjson.String {
			continue
		}
		return v.String(), nil
	}
}

func (c *rpcConn) close() { c.c.Close() }

// readAllLog counts the transaction records of a database file.
func readAllLog(path string) (ovsjson.Value, int, error) {
	schema, txns, err := storage.ReadAll(path)
	return schema, len(txns), err
}
