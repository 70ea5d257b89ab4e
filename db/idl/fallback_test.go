package idl

import (
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// oldSchema is the vswitch schema as an older server might have it:
// without the Flow_Sample_Collector_Set table and without Bridge's datapath_type.
func oldSchema(t *testing.T) ovsjson.Value {
	v, err := ovsjson.Parse(ovsdb.VswitchSchemaText())
	if err != nil {
		t.Fatal(err)
	}
	for i := range v.O {
		if v.O[i].Key != "tables" {
			continue
		}
		tables := &v.O[i].Value
		tables.O = slices.DeleteFunc(tables.O, func(m ovsjson.Member) bool { return m.Key == "Flow_Sample_Collector_Set" })
		for j := range tables.O {
			if tables.O[j].Key != "Bridge" {
				continue
			}
			for k := range tables.O[j].Value.O {
				if tables.O[j].Value.O[k].Key == "columns" {
					cols := &tables.O[j].Value.O[k].Value
					cols.O = slices.DeleteFunc(cols.O, func(m ovsjson.Member) bool { return m.Key == "datapath_type" })
				}
			}
		}
	}
	return v
}

// TestMonitorFallback talks to a server that knows only RFC 7047's
// "monitor" and an older schema, as OVS before 2.6 did, over unix and tcp,
// and with AssumeSchema, whose schema-less first monitor request such a
// server refuses.
func TestMonitorFallback(t *testing.T) {
	t.Run("unix", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "fake.sock")
		ln, err := stream.Listen("punix:" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		testMonitorFallback(t, ln, "unix:"+path, false)
	})
	t.Run("tcp", func(t *testing.T) {
		ln, err := stream.Listen("ptcp:0:127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		testMonitorFallback(t, ln, fmt.Sprintf("tcp:127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port), false)
	})
	t.Run("assume", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "fake.sock")
		ln, err := stream.Listen("punix:" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		testMonitorFallback(t, ln, "unix:"+path, true)
	})
}

func testMonitorFallback(t *testing.T, ln net.Listener, remote string, assume bool) {
	methods := make(chan string, 16)
	monitorReq := make(chan ovsjson.Value, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		c := jsonrpc.NewConn(nc, "fake")
		defer c.Close()
		for {
			m, err := c.Recv()
			if err != nil {
				return
			}
			if m.Type != jsonrpc.Request {
				continue
			}
			if m.Method == "echo" {
				c.Send(jsonrpc.NewReply(m.Params, m.ID))
				continue
			}
			methods <- m.Method
			switch m.Method {
			case "get_schema":
				c.Send(jsonrpc.NewReply(oldSchema(t), m.ID))
			case "monitor":
				monitorReq <- m.Params
				initial, _ := ovsjson.ParseString(`{"Bridge":{"` + uBr0 + `":{"new":{"name":"br0","other_config":["map",[["a","1"]]]}}}}`)
				c.Send(jsonrpc.NewReply(initial, m.ID))
				upd, _ := ovsjson.ParseString(`[["monid","Open_vSwitch"],{"Bridge":{"` + uBr0 + `":{"old":{"other_config":["map",[["a","1"]]]},"new":{"name":"br0","other_config":["map",[["a","2"]]]}},"` + uBr1 + `":{"new":{"name":"br1"}}}}]`)
				c.Send(jsonrpc.NewNotify("update", upd))
			case "transact":
				res, _ := ovsjson.ParseString(`[{"count":1}]`)
				c.Send(jsonrpc.NewReply(res, m.ID))
			default:
				c.Send(jsonrpc.NewError(ovsjson.NewString("unknown method"), m.ID))
			}
		}
	}()

	idl := New(remote, vswitchSchema(t), Options{Retry: true, AssumeSchema: assume})
	idl.Start()
	defer idl.Close()
	br := idl.Table("Bridge")
	waitFor(t, idl, "sync", func() bool { return idl.IsConnected() && br.Len() == 2 })

	var got []string
	for len(methods) > 0 {
		got = append(got, <-methods)
	}
	want := []string{"get_schema", "monitor_cond_since", "monitor_cond", "monitor"}
	if assume {
		want = append([]string{"monitor_cond_since"}, want...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
	params := <-monitorReq
	reqs := params.A[2]
	if reqs.Has("Flow_Sample_Collector_Set") {
		t.Error("monitored a table the server lacks")
	}
	bridgeReq, _ := reqs.Get("Bridge")
	cols, _ := bridgeReq.A[0].Get("columns")
	for _, c := range cols.A {
		if c.S == "datapath_type" {
			t.Error("monitored a column the server lacks")
		}
	}
	if !idl.ServerHasColumn("Bridge", "name") || idl.ServerHasColumn("Bridge", "datapath_type") || idl.ServerHasColumn("Flow_Sample_Collector_Set", "") {
		t.Error("ServerHasColumn")
	}
	if v, _ := br.Row(mustUUID(uBr0)).MapValue(br.Column("other_config"), "a"); v != "2" {
		t.Errorf("update not applied: a=%q", v)
	}

	// Conditions cannot be sent to such a server: acknowledged at once.
	seq, err := idl.SetCondition("Bridge", Equal("name", ovsdb.NewScalarDatum(ovsdb.StringAtom("br0"))))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, idl, "condition ack", func() bool { return idl.CondSeqno() >= seq })

	txn := idl.NewTxn()
	txn.Set(br.Row(mustUUID(uBr1)), br.Column("other_config"), ovsdb.NewStringMap(map[string]string{"x": "y"}))
	if st, err := txn.Commit(testCtx(t)); st != Success {
		t.Errorf("commit: %v %v", st, err)
	}
	select {
	case m := <-methods:
		if m != "transact" {
			t.Errorf("request %s", m)
		}
	case <-time.After(5 * time.Second):
		t.Error("no transact seen")
	}
}
