package ovsdbserver

import (
	"bytes"
	"net"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/proto/ovsjson"
)

// These benchmarks run the whole server in process on the Open_vSwitch
// schema with a real database file, as bench/ovsdb.sh loads the binary, so
// that profiles and allocation counts show the server's full cost per
// transaction (decoding, execution, the log record, the reply).

// startVswitch starts the server on a fresh Open_vSwitch database holding
// bridge br0, and returns its socket.
func startVswitch(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
	if err != nil {
		b.Fatal(err)
	}
	db := filepath.Join(dir, "conf.db")
	if err := storage.Create(db, v); err != nil {
		b.Fatal(err)
	}
	sock := filepath.Join(dir, "db.sock")
	s, err := start(&options{dbs: []string{db}, remotes: []string{"punix:" + sock}, unixctl: filepath.Join(dir, "ctl"), memPolicy: true})
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		s.loop()
		close(done)
	}()
	b.Cleanup(func() {
		s.exit(0)
		<-done
		s.shutdown()
	})
	c := dialBench(b, sock)
	c.roundTrip(b, `{"id":"base","method":"transact","params":["Open_vSwitch",`+
		`{"op":"insert","table":"Interface","uuid-name":"i","row":{"name":"br0","type":"internal"}},`+
		`{"op":"insert","table":"Port","uuid-name":"p","row":{"name":"br0","interfaces":["named-uuid","i"]}},`+
		`{"op":"insert","table":"Bridge","uuid-name":"b","row":{"name":"br0","ports":["named-uuid","p"]}},`+
		`{"op":"insert","table":"Open_vSwitch","row":{"bridges":["named-uuid","b"]}}]}`)
	return sock
}

type benchClient struct {
	nc  net.Conn
	dec *ovsjson.Decoder
}

func dialBench(b *testing.B, sock string) *benchClient {
	nc, err := net.Dial("unix", sock)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { nc.Close() })
	return &benchClient{nc: nc, dec: ovsjson.NewDecoder(nc)}
}

func (c *benchClient) roundTrip(b *testing.B, req string) []byte {
	if _, err := c.nc.Write([]byte(req)); err != nil {
		b.Fatal(err)
	}
	msg, err := c.dec.DecodeBytes()
	if err != nil {
		b.Fatal(err)
	}
	if bytes.Contains(msg, []byte(`"error":{`)) || bytes.Contains(msg, []byte(`{"error"`)) {
		b.Fatalf("%s", msg)
	}
	return msg
}

// BenchmarkTransactNextCfg is bench/ovsdb.sh's throughput load: 4 clients
// keep 32 "next_cfg += 1" transactions in flight each; every one commits
// and appends a log record.
func BenchmarkTransactNextCfg(b *testing.B) {
	sock := startVswitch(b)
	const clients, window = 4, 32
	per := (b.N + clients - 1) / clients
	conns := make([]*benchClient, clients)
	for i := range conns {
		conns[i] = dialBench(b, sock)
	}
	const params = `,"method":"transact","params":["Open_vSwitch",{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["next_cfg","+=",1]]}]}`
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			id := 0
			send := func() {
				buf = append(buf[:0], `{"id":`...)
				buf = strconv.AppendInt(buf, int64(id), 10)
				buf = append(buf, params...)
				id++
				if _, err := c.nc.Write(buf); err != nil {
					b.Error(err)
				}
			}
			for range min(window, per) {
				send()
			}
			for done := 0; done < per; done++ {
				msg, err := c.dec.DecodeBytes()
				if err != nil {
					b.Error(err)
					return
				}
				if !bytes.Contains(msg, []byte(`"result":[{"count":1}]`)) {
					b.Errorf("unexpected reply %s", msg)
					return
				}
				if id < per {
					send()
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	// The client's decoders allocate nothing per message, so the
	// process's allocations are the server's.
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N), "server-allocs/txn")
}

// BenchmarkAddPorts100 is bench/ovsdb.sh's memory load in small: ports
// with their interfaces added to br0, 100 per transaction.
func BenchmarkAddPorts100(b *testing.B) {
	sock := startVswitch(b)
	c := dialBench(b, sock)
	b.ReportAllocs()
	b.ResetTimer()
	var buf []byte
	for i := range b.N {
		buf = append(buf[:0], `{"id":1,"method":"transact","params":["Open_vSwitch"`...)
		var refs []byte
		for j := range 100 {
			n := strconv.Itoa(i*100 + j)
			buf = append(buf, `,{"op":"insert","table":"Interface","uuid-name":"i`+n+`","row":{"name":"p`+n+`"}}`...)
			buf = append(buf, `,{"op":"insert","table":"Port","uuid-name":"p`+n+`","row":{"name":"p`+n+`","interfaces":["named-uuid","i`+n+`"]}}`...)
			if j > 0 {
				refs = append(refs, ',')
			}
			refs = append(refs, `["named-uuid","p`+n+`"]`...)
		}
		buf = append(buf, `,{"op":"mutate","table":"Bridge","where":[["name","==","br0"]],"mutations":[["ports","insert",["set",[`...)
		buf = append(buf, refs...)
		buf = append(buf, `]]]]}]}`...)
		c.roundTrip(b, string(buf))
	}
}
