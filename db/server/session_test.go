package server

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govs/ovs/internal/memory"
	"github.com/govs/ovs/internal/vlog"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// logCapture collects log lines for the duration of a test.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// waitFor polls until the captured log contains want.
func (l *logCapture) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(waitTime)
	for !strings.Contains(l.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %q:\n%s", want, l.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func captureLog(t *testing.T) *logCapture {
	l := &logCapture{}
	vlog.SetConsoleWriter(l)
	t.Cleanup(func() { vlog.SetConsoleWriter(os.Stderr) })
	return l
}

func TestProtocolErrors(t *testing.T) {
	logs := captureLog(t)
	ts := startServer(t, Options{}, SessionOptions{})
	other := dial(t, ts.sock)
	other.result("monitor", `["Test","m",{"Other":{}}]`)

	// (jsonrpc rate-limits its complaints about bad messages, so only
	// the server's own lines are checked.)
	for _, tc := range []struct {
		raw, log string
	}{
		{`{"method":"list_dbs","params":{},"id":2}`, `connection dropped (Protocol error)`},
		{`[1,2]`, ``},
		{`{"x":1}`, ``},
		{`{"method":"echo","params":[],"id":10]`, ``},
		{`{"method":1,"params":[],"id":12}`, ``},
		{`{"result":[],"error":null,"id":5}`, `received unexpected reply message`},
		{`{"error":"x","id":6}`, `received unexpected error message`},
	} {
		c := dial(t, ts.sock)
		c.sync()
		c.sendRaw(tc.raw)
		c.closed()
		if tc.log != "" {
			logs.waitFor(t, tc.log)
		}
	}

	// Requests and replies that are fine.
	c := dial(t, ts.sock)
	c.sendRaw(`{"method":"bogus","params":[],"id":null}`)
	c.sendRaw(`{"result":[],"error":null,"id":"echo"}`)
	c.sendRaw(`{"method":"echo","params":[]}`)
	c.sendRaw(`{"method":"echo",`)
	c.sendRaw(`"params":["split"],"id":8} `)
	m := c.first()
	equalJSON(t, "split message", m.Result, `["split"]`)
	// Other sessions never noticed.
	other.result("transact", `["Test",{"op":"insert","table":"Other","row":{"x":1}}]`)
	nextNotify(t, other, "update")
}

func TestDisconnectAbruptly(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	watcher := dial(t, ts.sock)
	watcher.result("monitor", `["Test","m",{"Other":{}}]`)
	for i := range 20 {
		c := dial(t, ts.sock)
		c.result("monitor", `["Test","m",{"Other":{}}]`)
		c.result("lock", `["L"]`)
		c.result("transact", `["Test",{"op":"insert","table":"Other","row":{"x":`+itoa(i)+`}}]`)
		nextNotify(t, watcher, "update")
		// Close with requests in flight: a pending wait and a lock
		// request. (Whether a request that arrives just before the
		// close is still executed is a race, so none that matters is
		// left to it.)
		c.request("transact", `["Test",{"op":"wait","table":"Other","where":[],"columns":["x"],"until":"==","rows":[{"x":-1}]}]`)
		c.request("lock", `["M"]`)
		c.c.Flush(context.Background())
		c.c.NetConn().Close()
	}
	deadline := time.Now().Add(waitTime)
	for len(ts.Sessions()) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("sessions left: %+v", ts.Sessions())
		}
		time.Sleep(5 * time.Millisecond)
	}
	u := map[string]uint64{}
	ts.MemoryUsage(u)
	if u["sessions"] != 1 || u["triggers"] != 0 || u["monitors"] != 1 {
		t.Errorf("memory usage after disconnects: %v", u)
	}
}

func TestInactivityProbe(t *testing.T) {
	logs := captureLog(t)
	ts := startServer(t, Options{}, SessionOptions{ProbeInterval: time.Second})
	nc, err := net.Dial("unix", ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	// The probe comes after a second of silence.
	nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 100)
	n, err := nc.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:n]); got != `{"id":"echo","method":"echo","params":[]}` {
		t.Fatalf("probe %q", got)
	}
	// Answering keeps the connection.
	nc.Write([]byte(`{"id":"echo","result":[],"error":null}`))
	n, err = nc.Read(buf)
	if err != nil || string(buf[:n]) != `{"id":"echo","method":"echo","params":[]}` {
		t.Fatalf("second probe %q %v", buf[:n], err)
	}
	// Not answering ends it.
	_, err = nc.Read(buf)
	if err == nil {
		t.Fatal("still connected")
	}
	logs.waitFor(t, "no response to inactivity probe after 1 seconds, disconnecting")
}

func TestMemoryUsage(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	u := map[string]uint64{}
	ts.MemoryUsage(u)
	// As OVS shows for an empty Test database: _Server has two rows.
	if got := memory.Format(u); got != "atoms:14 cells:20 monitors:0 n-weak-refs:0" {
		t.Errorf("idle: %s", got)
	}
	c1 := dial(t, ts.sock)
	c2 := dial(t, ts.sock)
	c1.result("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"mm","m":["map",[["a","b"],["c","d"]]]}}]`)
	c1.result("monitor_cond", `["Test","t1",{"Simple":[{}]}]`)
	c2.result("monitor_cond", `["Test","t1",{"Simple":[{}]}]`)
	c2.result("monitor", `["Test","t2",{"Simple":{"columns":["name"]}}]`)
	c2.request("transact", `["Test",{"op":"wait","table":"Simple","where":[],"columns":["name"],"until":"==","rows":[{"name":"nonex"}]}]`)
	c2.sync()
	clear(u)
	ts.MemoryUsage(u)
	delete(u, "backlog") // whatever the writer has not yet accounted for
	// A Simple row: 11 cells; atoms: 7 scalars and two map pairs.
	if got := memory.Format(u); got != "atoms:25 cells:31 monitors:2 n-weak-refs:0 sessions:2 triggers:1" {
		t.Errorf("busy: %s", got)
	}
}

func TestDisableMonitorCond(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	ts.SetMonitorCondEnabled(false)
	for _, method := range []string{"monitor_cond", "monitor_cond_since"} {
		m := c.call(method, `["Test","a",{"Simple":[{"columns":["name"]}]},"`+zeroUUID+`"]`)
		equalJSON(t, method, m.Error, `"unknown method"`)
	}
	equalJSON(t, "monitor", c.result("monitor", `["Test","c",{"Simple":{"columns":["name"]}}]`), `{}`)
	equalJSON(t, "monitor_cond_change still works", c.result("monitor_cond_change", `["c","d",{}]`), `{}`)
	ts.SetMonitorCondEnabled(true)
	equalJSON(t, "enabled", c.result("monitor_cond", `["Test","a",{"Simple":[{"columns":["name"]}]}]`), `{}`)
}

func TestReconnectAll(t *testing.T) {
	logs := captureLog(t)
	ts := startServer(t, Options{}, SessionOptions{})
	c := dial(t, ts.sock)
	c.sync()
	ts.Reconnect("reconnecting by user request")
	c.closed()
	logs.waitFor(t, "disconnecting (reconnecting by user request)")
}

// TestSlowClient checks that a client that never reads stalls nobody: the
// others keep getting their updates and replies, and the slow one's
// backlog stays bounded because its updates are merged, not queued.
func TestSlowClient(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	slow, err := net.Dial("unix", ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if uc, ok := slow.(*net.UnixConn); ok {
		uc.SetReadBuffer(4096)
	}
	slow.Write([]byte(`{"id":1,"method":"monitor","params":["Test","slow",{"Simple":{}}]}`))

	fast := dial(t, ts.sock)
	fast.result("monitor", `["Test","fast",{"Simple":{"columns":["name"]}}]`)
	big := strings.Repeat("x", 10000)
	const n = 300
	for i := range n {
		fast.request("transact", `["Test",{"op":"insert","table":"Simple","row":{"name":"`+big+itoa(i)+`"}}]`)
	}
	for i := range n {
		nextNotify(t, fast, "update")
		m := fast.first()
		if m.Type != jsonrpc.Reply {
			t.Fatalf("reply %d: %s", i, m.AppendJSON(nil))
		}
	}
	u := map[string]uint64{}
	ts.MemoryUsage(u)
	if u["backlog"] > 2*congestionThreshold+200000 {
		t.Errorf("slow client backlog grew to %d", u["backlog"])
	}

	// When the slow client reads at last, it gets every row, merged
	// into few updates.
	seen := map[string]bool{}
	dec := ovsjson.NewDecoder(slow)
	slow.SetReadDeadline(time.Now().Add(10 * time.Second))
	for len(seen) < n {
		v, err := dec.Decode()
		if err != nil {
			t.Fatalf("slow client after %d rows: %v", len(seen), err)
		}
		m, err := jsonrpc.FromJSON(v)
		if err != nil || m.Type != jsonrpc.Notify {
			continue
		}
		tbl, _ := m.Params.A[1].Get("Simple")
		for _, r := range tbl.O {
			nw, _ := r.Value.Get("new")
			name, _ := nw.Get("name")
			seen[name.S] = true
		}
	}
	for i := range n {
		if !seen[big+itoa(i)] {
			t.Fatalf("slow client missed row %d", i)
		}
	}
}

func TestManyClientsShareUpdates(t *testing.T) {
	ts := startServer(t, Options{}, SessionOptions{})
	var clients []*client
	for i := range 10 {
		c := dial(t, ts.sock)
		c.result("monitor_cond", `["Test",`+itoa(i)+`,{"Other":[{"columns":["x"]}]}]`)
		clients = append(clients, c)
	}
	w := dial(t, ts.sock)
	w.result("transact", `["Test",{"op":"insert","table":"Other","row":{"x":7}}]`)
	var first string
	for i, c := range clients {
		p := nextNotify(t, c, "update2")
		if p.A[0].String() != itoa(i) {
			t.Errorf("monitor id %s", p.A[0].String())
		}
		body := p.A[1].String()
		if i == 0 {
			first = body
		} else if body != first {
			t.Errorf("client %d got %s, client 0 %s", i, body, first)
		}
	}
	u := map[string]uint64{}
	ts.MemoryUsage(u)
	if u["monitors"] != 1 {
		t.Errorf("monitors = %d, want 1 shared", u["monitors"])
	}
	ts.dbs["Test"].mu.Lock()
	shapes := len(ts.dbs["Test"].shapes)
	ts.dbs["Test"].mu.Unlock()
	if shapes != 1 {
		t.Errorf("%d shapes", shapes)
	}
	_ = fmt.Sprint()
}

// TestMaxBacklog checks that a client whose queue passes MaxBacklog is
// disconnected with a log line, and nobody else notices.
func TestMaxBacklog(t *testing.T) {
	logs := captureLog(t)
	ts := startServer(t, Options{MaxBacklog: 50000}, SessionOptions{})
	slow, err := net.Dial("unix", ts.sock)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	if uc, ok := slow.(*net.UnixConn); ok {
		uc.SetReadBuffer(4096)
	}
	// Requests whose replies the client never reads.
	big := strings.Repeat("y", 20000)
	for range 20 {
		slow.Write([]byte(`{"id":1,"method":"echo","params":["` + big + `"]}`))
	}
	fast := dial(t, ts.sock)
	logs.waitFor(t, "send error")
	deadline := time.Now().Add(waitTime)
	for len(ts.Sessions()) != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("slow client still connected: %+v", ts.Sessions())
		}
		time.Sleep(5 * time.Millisecond)
	}
	fast.sync()
}
