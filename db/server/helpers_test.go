package server

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

func loadSchema(t testing.TB, path string) *ovsdb.Schema {
	t.Helper()
	s, err := ovsdb.ParseSchemaFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testServer is a server listening on a unix socket in a temporary
// directory.
type testServer struct {
	*Server
	sock string
	l    net.Listener
}

func startServer(t testing.TB, opts Options, sopts SessionOptions, schemas ...string) *testServer {
	t.Helper()
	if len(schemas) == 0 {
		schemas = []string{"testdata/test.ovsschema"}
	}
	srv := New(opts)
	for _, p := range schemas {
		if err := srv.AddDatabase(database.New(loadSchema(t, p))); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "db.sock")
	l, err := stream.Listen("punix:" + sock)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l, sopts)
	}()
	t.Cleanup(func() {
		l.Close()
		<-done
		srv.Close()
	})
	return &testServer{Server: srv, sock: sock, l: l}
}

// client is a raw JSON-RPC client for tests: it keeps every message the
// server sends, so tests can look at notifications and replies in order.
type client struct {
	t      testing.TB
	c      *jsonrpc.Conn
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []*jsonrpc.Message
	err    error
	nextID int
}

func dial(t testing.TB, sock string) *client {
	t.Helper()
	nc, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, c: jsonrpc.NewConn(nc, "unix:"+sock)}
	c.cond = sync.NewCond(&c.mu)
	go c.read()
	t.Cleanup(func() { c.c.Close() })
	return c
}

func (c *client) read() {
	for {
		m, err := c.c.Recv()
		c.mu.Lock()
		if err != nil {
			c.err = err
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		c.queue = append(c.queue, m)
		c.cond.Broadcast()
		c.mu.Unlock()
	}
}

func mustJSON(t testing.TB, text string) ovsjson.Value {
	t.Helper()
	v, err := ovsjson.ParseString(text)
	if err != nil {
		t.Fatalf("bad JSON in test: %s: %v", text, err)
	}
	return v
}

// sendRaw writes bytes straight to the socket.
func (c *client) sendRaw(text string) {
	c.t.Helper()
	if _, err := c.c.NetConn().Write([]byte(text)); err != nil {
		c.t.Fatal(err)
	}
}

// request sends a request and returns its id.
func (c *client) request(method, params string) ovsjson.Value {
	c.t.Helper()
	id := ovsjson.NewInt(int64(c.nextID))
	c.nextID++
	m := &jsonrpc.Message{Type: jsonrpc.Request, Method: method, Params: mustJSON(c.t, params), ID: id}
	if err := c.c.Send(m); err != nil {
		c.t.Fatal(err)
	}
	return id
}

// notify sends a notification.
func (c *client) notify(method, params string) {
	c.t.Helper()
	if err := c.c.Send(jsonrpc.NewNotify(method, mustJSON(c.t, params))); err != nil {
		c.t.Fatal(err)
	}
}

const waitTime = 5 * time.Second

// next waits for a message matching pick, removes it from the queue and
// returns it; messages before it stay queued.
func (c *client) next(what string, pick func(*jsonrpc.Message) bool) *jsonrpc.Message {
	c.t.Helper()
	deadline := time.Now().Add(waitTime)
	timer := time.AfterFunc(waitTime, func() {
		c.mu.Lock()
		c.cond.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		for i, m := range c.queue {
			if pick(m) {
				c.queue = append(c.queue[:i], c.queue[i+1:]...)
				return m
			}
		}
		if c.err != nil || time.Now().After(deadline) {
			var got []string
			for _, m := range c.queue {
				got = append(got, string(m.AppendJSON(nil)))
			}
			c.t.Fatalf("waiting for %s: %v; queued: %s", what, c.err, strings.Join(got, "\n"))
		}
		c.cond.Wait()
	}
}

// reply waits for the reply (or error) to the request with the given id.
func (c *client) reply(id ovsjson.Value) *jsonrpc.Message {
	c.t.Helper()
	return c.next("reply to "+id.String(), func(m *jsonrpc.Message) bool {
		return (m.Type == jsonrpc.Reply || m.Type == jsonrpc.Error) && ovsjson.Equal(m.ID, id)
	})
}

// call sends a request and returns the reply.
func (c *client) call(method, params string) *jsonrpc.Message {
	c.t.Helper()
	return c.reply(c.request(method, params))
}

// result calls and returns the result, failing on an error reply.
func (c *client) result(method, params string) ovsjson.Value {
	c.t.Helper()
	m := c.call(method, params)
	if m.Type != jsonrpc.Reply {
		c.t.Fatalf("%s %s: error %s", method, params, m.Error.String())
	}
	return m.Result
}

// notification waits for the next notification of the given method.
func (c *client) notification(method string) *jsonrpc.Message {
	c.t.Helper()
	return c.next(method+" notification", func(m *jsonrpc.Message) bool {
		return m.Type == jsonrpc.Notify && m.Method == method
	})
}

// first returns the first queued message, waiting for one.
func (c *client) first() *jsonrpc.Message {
	c.t.Helper()
	return c.next("any message", func(*jsonrpc.Message) bool { return true })
}

// quiet checks that nothing arrives for a short while.
func (c *client) quiet() {
	c.t.Helper()
	c.sync()
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) > 0 {
		c.t.Fatalf("unexpected message: %s", c.queue[0].AppendJSON(nil))
	}
}

// sync makes a round trip, so everything the server sent before has
// arrived (the server answers strictly in order).
func (c *client) sync() {
	c.t.Helper()
	c.call("echo", `["sync"]`)
}

// closed waits until the server has closed the connection.
func (c *client) closed() {
	c.t.Helper()
	deadline := time.Now().Add(waitTime)
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.err == nil {
		if time.Now().After(deadline) {
			c.t.Fatal("connection still open")
		}
		c.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		c.mu.Lock()
	}
}

// equalJSON fails unless got equals the JSON text want.
func equalJSON(t testing.TB, what string, got ovsjson.Value, want string) {
	t.Helper()
	w := mustJSON(t, want)
	if !ovsjson.Equal(got, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got.String(), w.String())
	}
}

// uuidOf extracts the UUID from a ["uuid", "..."] value.
func uuidOf(t testing.TB, v ovsjson.Value) string {
	t.Helper()
	if v.Kind != ovsjson.Array || len(v.A) != 2 || v.A[0].S != "uuid" {
		t.Fatalf("not a uuid: %s", v.String())
	}
	return v.A[1].S
}

// insertUUIDs returns the uuids from a transact result of inserts.
func insertUUIDs(t testing.TB, res ovsjson.Value) []string {
	t.Helper()
	var out []string
	for _, r := range res.A {
		if u, ok := r.Get("uuid"); ok {
			out = append(out, uuidOf(t, u))
		}
	}
	return out
}

// subst replaces $0, $1, ... in text with args.
func subst(text string, args ...string) string {
	for i := len(args) - 1; i >= 0; i-- {
		text = strings.ReplaceAll(text, "$"+string(rune('0'+i)), args[i])
	}
	return text
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}
