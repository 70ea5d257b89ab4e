package ovsdbserver

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/db/storage"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/proto/ovsjson"
)

// mgrSchema has a root table that names remotes the way Open_vSwitch's
// manager_options does, and a Manager-like table with the columns OVS reads
// and writes.
const mgrSchema = `{"name":"M","version":"1.0.0","tables":{
 "Root":{"columns":{"managers":{"type":{"key":{"type":"uuid","refTable":"Mgr"},"min":0,"max":"unlimited"}},
   "targets":{"type":{"key":"string","min":0,"max":"unlimited"}}},"isRoot":true,"maxRows":1},
 "Mgr":{"columns":{"target":{"type":"string"},
   "inactivity_probe":{"type":{"key":"integer","min":0,"max":1}},
   "max_backoff":{"type":{"key":{"type":"integer","minInteger":1000},"min":0,"max":1}},
   "read_only":{"type":{"key":"boolean","min":0,"max":1}},
   "is_connected":{"type":"boolean","ephemeral":true},
   "status":{"type":{"key":"string","value":"string","min":0,"max":"unlimited"},"ephemeral":true}},
   "indexes":[["target"]]},
 "Other":{"columns":{"n":{"type":"integer"}},"isRoot":true}}}`

// startInProcess runs the server in this process on a new database with
// mgrSchema, listening on dir/db.sock, with its control socket at dir/ctl.
func startInProcess(t *testing.T, remotes ...string) (*ovsdbServer, string) {
	t.Helper()
	old := statusInterval
	statusInterval = 100 * time.Millisecond
	t.Cleanup(func() { statusInterval = old })
	dir := t.TempDir()
	v, err := ovsjson.ParseString(mgrSchema)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "m.db")
	if err := storage.Create(db, v); err != nil {
		t.Fatal(err)
	}
	o := &options{
		dbs:     []string{db},
		remotes: append([]string{"punix:" + filepath.Join(dir, "db.sock")}, remotes...),
		unixctl: filepath.Join(dir, "ctl"),
	}
	s, err := start(o)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		s.loop()
		close(done)
	}()
	t.Cleanup(func() {
		s.exit(0)
		<-done
		s.shutdown()
	})
	return s, dir
}

func transact(t *testing.T, sock string, ops string) string {
	t.Helper()
	c := dialJSONRPC(t, sock)
	defer c.close()
	if err := c.send(`{"id":1,"method":"transact","params":["M",` + ops + `]}`); err != nil {
		t.Fatal(err)
	}
	r, err := c.recv()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func appctl(t *testing.T, dir string, cmd string, args ...string) (string, string) {
	t.Helper()
	c, err := unixctl.Dial(filepath.Join(dir, "ctl"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, cmdErr, err := c.Call(ctx, cmd, args)
	if err != nil {
		t.Fatal(err)
	}
	return res, cmdErr
}

// mgrStatus returns target -> status text and is_connected.
func mgrStatus(t *testing.T, sock string) map[string]string {
	t.Helper()
	r := transact(t, sock, `{"op":"select","table":"Mgr","where":[],"columns":["target","status","is_connected"]}`)
	v, err := ovsjson.ParseString(r)
	if err != nil {
		t.Fatal(err)
	}
	res, _ := v.Get("result")
	out := make(map[string]string)
	if len(res.A) == 0 {
		return out
	}
	rows, _ := res.A[0].Get("rows")
	for _, row := range rows.A {
		target, _ := row.Get("target")
		st, _ := row.Get("status")
		conn, _ := row.Get("is_connected")
		out[target.S] = st.String() + " " + conn.String()
	}
	return out
}

func TestInProcessDBRemotes(t *testing.T) {
	s, dir := startInProcess(t, "db:M,Root,managers", "db:M,Root,targets")
	sock := filepath.Join(dir, "db.sock")
	msock := filepath.Join(dir, "m.sock")
	r := transact(t, sock, `{"op":"insert","table":"Root","row":{"managers":["set",[["named-uuid","a"],["named-uuid","b"],["named-uuid","c"]]],"targets":"punix:`+filepath.Join(dir, "t.sock")+`"}},
		{"op":"insert","table":"Mgr","uuid-name":"a","row":{"target":"ptcp:0:127.0.0.1","inactivity_probe":0}},
		{"op":"insert","table":"Mgr","uuid-name":"b","row":{"target":"punix:`+msock+`","read_only":true}},
		{"op":"insert","table":"Mgr","uuid-name":"c","row":{"target":"tcp:127.0.0.1:1","max_backoff":2000}}`)
	if strings.Contains(r, `"error":"`) {
		t.Fatal(r)
	}
	var port string
	waitFor(t, "status written back", func() bool {
		st := mgrStatus(t, sock)
		p := st["ptcp:0:127.0.0.1"]
		if i := strings.Index(p, `"bound_port",`); i >= 0 {
			port = strings.Trim(strings.Split(p[i+len(`"bound_port",`):], "]")[0], `"`)
		}
		return port != "" && strings.Contains(st["tcp:127.0.0.1:1"], "BACKOFF") &&
			strings.Contains(st["punix:"+msock], `"sec_since_connect","0"`)
	})
	// A client on the ptcp remote shows up in its status.
	c, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	waitFor(t, "is_connected", func() bool {
		return strings.HasSuffix(mgrStatus(t, sock)["ptcp:0:127.0.0.1"], " true")
	})
	// The read-only remote refuses writes; the string column's remote
	// serves.
	if r := transact(t, msock, `{"op":"insert","table":"Other","row":{"n":1}}`); !strings.Contains(r, "not allowed") {
		t.Errorf("write through a read-only remote: %s", r)
	}
	if r := transact(t, filepath.Join(dir, "t.sock"), `{"op":"insert","table":"Other","row":{"n":1}}`); !strings.Contains(r, `"uuid"`) {
		t.Errorf("write through the db: string remote: %s", r)
	}

	out, errText := appctl(t, dir, "ovsdb-server/list-remotes")
	if errText != "" || out != "db:M,Root,managers\ndb:M,Root,targets\npunix:"+sock+"\n" {
		t.Errorf("list-remotes %q %q", out, errText)
	}
	if _, e := appctl(t, dir, "ovsdb-server/reconnect"); e != "" {
		t.Error(e)
	}
	if _, e := appctl(t, dir, "ovsdb-server/compact"); e != "" {
		t.Error(e)
	}
	if _, e := appctl(t, dir, "ovsdb-server/remove-remote", "db:M,Root,managers"); e != "" {
		t.Error(e)
	}
	waitFor(t, "deconfigured remote closed", func() bool {
		c, err := net.Dial("unix", msock)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	// Removing the database makes the remaining db: remote warn and
	// drops its remote; adding it back restores it.
	if _, e := appctl(t, dir, "ovsdb-server/remove-db", "M"); e != "" {
		t.Fatal(e)
	}
	if out, _ := appctl(t, dir, "ovsdb-server/list-dbs"); out != "_Server\n" {
		t.Errorf("list-dbs after remove-db: %q", out)
	}
	if _, e := appctl(t, dir, "ovsdb-server/add-db", filepath.Join(dir, "m.db")); e != "" {
		t.Fatal(e)
	}
	if r := transact(t, filepath.Join(dir, "t.sock"), `{"op":"select","table":"Other","where":[]}`); !strings.Contains(r, `"n":1`) {
		t.Errorf("data after remove-db/add-db: %s", r)
	}
	s.mu.Lock()
	n := len(s.open)
	s.mu.Unlock()
	if n != 2 {
		t.Errorf("%d remotes open, want 2", n)
	}
}

func TestInProcessConcurrentCommits(t *testing.T) {
	_, dir := startInProcess(t)
	sock := filepath.Join(dir, "db.sock")
	errs := make(chan string, 8)
	for g := range 4 {
		go func() {
			c := dialJSONRPC(t, sock)
			defer c.close()
			for i := range 30 {
				c.send(`{"id":1,"method":"transact","params":["M",{"op":"insert","table":"Other","row":{"n":` +
					itoaTest(g*1000+i) + `}}]}`)
				r, err := c.recv()
				if err != nil || !strings.Contains(r, "uuid") {
					errs <- r
					return
				}
			}
			errs <- ""
		}()
	}
	// Compactions run between the commits.
	for range 5 {
		if _, e := appctl(t, dir, "ovsdb-server/compact", "M"); e != "" {
			t.Error(e)
		}
	}
	for range 4 {
		if e := <-errs; e != "" {
			t.Errorf("transaction failed: %s", e)
		}
	}
	if _, e := appctl(t, dir, "ovsdb-server/compact"); e != "" {
		t.Error(e)
	}
	_, txns, err := storage.ReadAll(filepath.Join(dir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	if len(txns) != 1 {
		t.Errorf("%d records after the last compaction", len(txns))
	}
	if rows, _ := txns[0].Get("Other"); len(rows.O) != 120 {
		t.Errorf("compacted file has %d rows, want 120", len(rows.O))
	}
}

func itoaTest(n int) string {
	return ovsjson.NewInt(int64(n)).String()
}
