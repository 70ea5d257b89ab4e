package jsonrpc

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

// readerConn is a net.Conn that reads from a fixed byte slice and
// discards writes, so the fuzzer's input reaches Recv without sockets.
type readerConn struct{ r *bytes.Reader }

func (c readerConn) Read(p []byte) (int, error)     { return c.r.Read(p) }
func (readerConn) Write(p []byte) (int, error)      { return len(p), nil }
func (readerConn) Close() error                     { return nil }
func (readerConn) LocalAddr() net.Addr              { return &net.UnixAddr{} }
func (readerConn) RemoteAddr() net.Addr             { return &net.UnixAddr{} }
func (readerConn) SetDeadline(time.Time) error      { return nil }
func (readerConn) SetReadDeadline(time.Time) error  { return nil }
func (readerConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzRecv feeds arbitrary bytes to Conn.Recv: it must never panic or
// hang, every message it accepts must survive an encode/decode round
// trip, and it must stop with an error at the end of the input.
func FuzzRecv(f *testing.F) {
	vlog.SetConsoleWriter(io.Discard)
	seeds := []string{
		`{"method":"version","params":[],"id":1}`,
		`{"id":0,"method":"foo","params":["a","b c"]}{"id":null,"method":"update","params":[null,{}]}`,
		`{"id":1,"result":"x\n","error":null}`,
		`{"id":1,"error":{"error":"unknown"}}`,
		`{"method":"x","params":{},"id":1}`,
		`{"method":1}`,
		`[1,2] {"a":`,
		`xyz `,
		"\x00\xff{\"",
		`{"method":"echo","params":[1.5e3,-0,"\u00e9"],"id":"echo"}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := NewConn(readerConn{bytes.NewReader(data)}, "fuzz")
		c.SetMaxMessageSize(1 << 16)
		defer c.Close()
		for i := 0; i <= len(data); i++ {
			m, err := c.Recv()
			if err != nil {
				return
			}
			enc := m.AppendJSON(nil)
			rt := NewConn(readerConn{bytes.NewReader(enc)}, "rt")
			back, err := rt.Recv()
			rt.Close()
			if err != nil {
				t.Fatalf("re-decoding %s: %v", enc, err)
			}
			if got := back.AppendJSON(nil); !bytes.Equal(got, enc) {
				t.Fatalf("round trip %s -> %s", enc, got)
			}
		}
		t.Fatal("Recv did not stop at the end of the input")
	})
}
