package server

import (
	"bytes"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/govs/ovs/proto/ovsjson"
)

// rawClient is a minimal client for benchmarks: it writes pre-encoded
// requests and counts replies and notifications without parsing them, so
// that the server's cost dominates.
type rawClient struct {
	nc  net.Conn
	dec *ovsjson.Decoder
}

func dialRaw(b *testing.B, sock string) *rawClient {
	nc, err := net.Dial("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { nc.Close() })
	return &rawClient{nc: nc, dec: ovsjson.NewDecoder(nc)}
}

func (c *rawClient) next(b *testing.B) []byte {
	msg, err := c.dec.DecodeBytes()
	if err != nil {
		b.Fatal(err)
	}
	return msg
}

// BenchmarkTransactPipelined measures insert transactions through 4
// clients that each keep 32 requests in flight.
func BenchmarkTransactPipelined(b *testing.B) {
	ts := startServer(b, Options{}, SessionOptions{})
	const clients, window = 4, 32
	var wg sync.WaitGroup
	per := (b.N + clients - 1) / clients
	conns := make([]*rawClient, clients)
	for i := range conns {
		conns[i] = dialRaw(b, ts.sock)
	}
	b.ResetTimer()
	for ci := range clients {
		wg.Add(1)
		go func(c *rawClient, ci int) {
			defer wg.Done()
			var buf []byte
			send := func(n int) {
				buf = buf[:0]
				buf = append(buf, `{"id":`...)
				buf = strconv.AppendInt(buf, int64(n), 10)
				buf = append(buf, `,"method":"transact","params":["Test",{"op":"insert","table":"Simple","row":{"name":"c`...)
				buf = strconv.AppendInt(buf, int64(ci), 10)
				buf = append(buf, `-`...)
				buf = strconv.AppendInt(buf, int64(n), 10)
				buf = append(buf, `","i":`...)
				buf = strconv.AppendInt(buf, int64(n), 10)
				buf = append(buf, `,"s":["set",["a","b"]]}}]}`...)
				if _, err := c.nc.Write(buf); err != nil {
					b.Error(err)
				}
			}
			sent := 0
			for ; sent < min(window, per); sent++ {
				send(sent)
			}
			for done := 0; done < per; done++ {
				msg := c.next(b)
				if !bytes.Contains(msg, []byte(`"uuid"`)) {
					b.Errorf("unexpected reply %s", msg)
					return
				}
				if sent < per {
					send(sent)
					sent++
				}
			}
		}(conns[ci], ci)
	}
	wg.Wait()
}

// BenchmarkMonitorFanout measures 1,000 commits, each delivered to 50
// clients monitoring the same table with the same request (so the update
// is encoded once per commit).
func BenchmarkMonitorFanout(b *testing.B) {
	ts := startServer(b, Options{}, SessionOptions{})
	const clients, updates = 50, 1000
	readers := make([]*rawClient, clients)
	for i := range readers {
		c := dialRaw(b, ts.sock)
		c.nc.Write([]byte(`{"id":0,"method":"monitor_cond","params":["Test","m",{"Simple":[{"columns":["name","i","s"]}]}]}`))
		c.next(b)
		readers[i] = c
	}
	w := dialRaw(b, ts.sock)
	b.ResetTimer()
	for iter := range b.N {
		var wg sync.WaitGroup
		for _, c := range readers {
			wg.Add(1)
			go func(c *rawClient) {
				defer wg.Done()
				for range updates {
					c.next(b)
				}
			}(c)
		}
		// One writer, with a window so the server is never idle.
		var buf []byte
		send := func(n int) {
			buf = buf[:0]
			buf = append(buf, `{"id":`...)
			buf = strconv.AppendInt(buf, int64(n), 10)
			buf = append(buf, `,"method":"transact","params":["Test",{"op":"insert","table":"Simple","row":{"name":"r`...)
			buf = strconv.AppendInt(buf, int64(iter*updates+n), 10)
			buf = append(buf, `","i":`...)
			buf = strconv.AppendInt(buf, int64(n), 10)
			buf = append(buf, `}}]}`...)
			w.nc.Write(buf)
		}
		sent := 0
		for ; sent < 16; sent++ {
			send(sent)
		}
		for range updates {
			w.next(b)
			if sent < updates {
				send(sent)
				sent++
			}
		}
		wg.Wait()
	}
}
