package unixctl

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/govs/ovs/proto/jsonrpc"
)

// FuzzServerInput feeds arbitrary bytes to a control-socket connection:
// the server must answer or hang up, never panic, and must end the
// connection once the input ends.
func FuzzServerInput(f *testing.F) {
	for _, s := range []string{
		`{"method":"version","params":[],"id":1}`,
		`{"method":"list-commands","params":[],"id":1}{"method":"echo","params":["x"],"id":2}`,
		`{"method":"version","params":[1],"id":1}`,
		`{"method":"version","params":{},"id":1}`,
		`{"result":"x","id":1}`,
		`{"method":"x","params":["a",{"b":[1.5]}],"id":[null]}`,
		"\x00\xff{",
	} {
		f.Add([]byte(s))
	}
	s, err := NewServer("fuzz", "none")
	if err != nil {
		f.Fatal(err)
	}
	s.Register("echo", "", 0, 10, func(args []string) (string, error) { return "", nil })
	f.Fuzz(func(t *testing.T, data []byte) {
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			s.serveConn(jsonrpc.NewConn(server, "fuzz"))
			close(done)
		}()
		go io.Copy(io.Discard, client)
		client.Write(data)
		client.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("server did not finish the connection")
		}
	})
}
