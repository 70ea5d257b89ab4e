package idl

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/db/ovsdb"
	"github.com/govs/ovs/internal/stream"
	"github.com/govs/ovs/proto/jsonrpc"
	"github.com/govs/ovs/proto/ovsjson"
)

// portRows returns, for port i, the Interface and Port rows that
// ovs-vswitchd and a cloud agent leave behind: the sizes that make a big
// Open_vSwitch database big. ifaceRef is how the port refers to its
// interface.
func portRows(i int, ifaceRef string) (iface, port string) {
	mac := fmt.Sprintf("fa:16:3e:%02x:%02x:%02x", i>>16&255, i>>8&255, i&255)
	id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
	iface = fmt.Sprintf(`{"name":"tap%d","ofport":%d,"ifindex":%d,"admin_state":"up","link_state":"up","mtu":1500,"link_speed":10000000000,"duplex":"full","mac_in_use":"%s",`+
		`"external_ids":["map",[["attached-mac","%s"],["iface-id","%s"],["iface-status","active"],["vm-uuid","%s"]]],`+
		`"statistics":["map",[["collisions",0],["rx_bytes",%d],["rx_crc_err",0],["rx_dropped",0],["rx_errors",0],["rx_frame_err",0],["rx_over_err",0],["rx_packets",%d],["tx_bytes",%d],["tx_dropped",0],["tx_errors",0],["tx_packets",%d]]],`+
		`"status":["map",[["driver_name","tun"],["driver_version","1.6"],["firmware_version",""]]]}`,
		i, i+1, 1000+i, mac, mac, id, id, i*1000, i*10, i*2000, i*20)
	port = fmt.Sprintf(`{"name":"tap%d","interfaces":%s,"tag":%d,"other_config":["map",[["net_uuid","%s"],["network_type","vlan"],["physical_network","physnet1"],["segmentation_id","%d"],["tag","%d"]]]}`,
		i, ifaceRef, i%4094+1, id, i%4094+1, i%4094+1)
	return iface, port
}

func uuidFor(kind, i int) string { return fmt.Sprintf("%08x-%04x-4000-8000-000000000000", i, kind) }

// initialReply builds the <table-updates2> a server sends for a bridge
// with n ports.
func initialReply(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"Interface":{`)
	for i := 0; i < n; i++ {
		iface, _ := portRows(i, "")
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s":{"initial":%s}`, uuidFor(1, i), iface)
	}
	b.WriteString(`},"Port":{`)
	var ports []string
	for i := 0; i < n; i++ {
		_, port := portRows(i, `["uuid","`+uuidFor(1, i)+`"]`)
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%s":{"initial":%s}`, uuidFor(2, i), port)
		ports = append(ports, `["uuid","`+uuidFor(2, i)+`"]`)
	}
	fmt.Fprintf(&b, `},"Bridge":{"%s":{"initial":{"name":"br-int","ports":["set",[%s]]}}}}`, uuidFor(3, 0), strings.Join(ports, ","))
	return []byte(b.String())
}

// BenchmarkApplyInitial5000Ports measures what the IDL itself spends on
// loading 5,000 ports: parsing the JSON, converting cells and building
// the replica, and the memory the replica then holds.
func BenchmarkApplyInitial5000Ports(b *testing.B) {
	const n = 5000
	text := initialReply(n)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var idl *IDL
	for i := 0; i < b.N; i++ {
		idl = offlineIDL(b, nil)
		v, err := ovsjson.Parse(text)
		if err != nil {
			b.Fatal(err)
		}
		bt, err := idl.parseTableUpdates2(v)
		if err != nil {
			b.Fatal(err)
		}
		bt.reset = true
		idl.push(event{kind: evUpdate, batch: bt})
		idl.Run()
	}
	b.StopTimer()
	if idl.Table("Port").Len() != n || idl.Table("Interface").Len() != n {
		b.Fatal("rows missing")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	idl = offlineIDL(b, nil)
	v, _ := ovsjson.Parse(text)
	bt, _ := idl.parseTableUpdates2(v)
	bt.reset = true
	idl.applyBatch(bt)
	v = ovsjson.Value{}
	bt = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(2*n), "heap-B/row")
	runtime.KeepAlive(idl)
}

// populate fills a real server with n ports on bridge br-int.
func populate(tb testing.TB, s *ovsServer, n int) {
	var ops []string
	var refs []string
	for i := 0; i < n; i++ {
		iface, port := portRows(i, fmt.Sprintf(`["named-uuid","i%d"]`, i))
		ops = append(ops, fmt.Sprintf(`{"op":"insert","table":"Interface","uuid-name":"i%d","row":%s}`, i, iface))
		ops = append(ops, fmt.Sprintf(`{"op":"insert","table":"Port","uuid-name":"p%d","row":%s}`, i, port))
		refs = append(refs, fmt.Sprintf(`["named-uuid","p%d"]`, i))
	}
	ops = append(ops, fmt.Sprintf(`{"op":"insert","table":"Bridge","uuid-name":"br","row":{"name":"br-int","ports":["set",[%s]]}}`, strings.Join(refs, ",")))
	ops = append(ops, `{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","insert",["named-uuid","br"]]]}`)
	// Too big for a command line: send it ourselves.
	params, err := ovsjson.ParseString(`["Open_vSwitch",` + strings.Join(ops, ",") + `]`)
	if err != nil {
		tb.Fatal(err)
	}
	nc, err := stream.Dial(testCtx(tb), "unix:"+s.tool)
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonrpc.NewConn(nc, "populate")
	defer c.Close()
	reply, err := c.Transact(testCtx(tb), jsonrpc.NewRequest("transact", params))
	if err != nil {
		tb.Fatal(err)
	}
	if reply.Type != jsonrpc.Reply || strings.Contains(reply.Result.String(), `"error"`) {
		tb.Fatalf("populate: %.500s %.500s", reply.Result.String(), reply.Error.String())
	}
}

// BenchmarkInitialLoad5000Ports connects to a real ovsdb-server holding
// 5,000 ports with their interfaces and loads the replica: everything
// (what ovs-vswitchd does) and only what ovs-vsctl's list-ports needs.
func BenchmarkInitialLoad5000Ports(b *testing.B) {
	s := startServer(b, false)
	populate(b, s, 5000)
	for _, bc := range []struct {
		name  string
		setup func(*IDL)
	}{
		{"all", nil},
		{"vsctl", func(idl *IDL) {
			idl.Register("Open_vSwitch", "bridges")
			idl.Register("Bridge", "name", "ports")
			idl.Register("Port", "name", "interfaces")
			idl.Register("Interface", "name")
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				idl := New(s.remote(), vswitchSchema(b), Options{})
				if bc.setup != nil {
					bc.setup(idl)
				}
				idl.Start()
				if err := idl.WaitConnected(testCtx(b)); err != nil {
					b.Fatal(err)
				}
				if idl.Table("Port").Len() != 5000 {
					b.Fatalf("%d ports", idl.Table("Port").Len())
				}
				idl.Close()
			}
		})
	}
}

// TestLoadManyPorts checks that a big database loads completely, and
// that a transaction against it round-trips.
func TestLoadManyPorts(t *testing.T) {
	s := startServer(t, false)
	const n = 2000
	populate(t, s, n)
	start := time.Now()
	idl := connect(t, s, nil)
	t.Logf("loaded %d ports in %v", n, time.Since(start))
	port, iface := idl.Table("Port"), idl.Table("Interface")
	if port.Len() != n || iface.Len() != n {
		t.Fatalf("%d ports, %d interfaces", port.Len(), iface.Len())
	}
	p := rowByName(port, "tap1234")
	if p == nil {
		t.Fatal("tap1234 missing")
	}
	if tag, _ := p.Int(port.Column("tag")); tag != 1235 {
		t.Errorf("tag %d", tag)
	}
	i := iface.Row(p.UUIDs(port.Column("interfaces"))[0])
	if v, _ := i.Get(iface.Column("statistics")).Find(ovsdb.TypeString, ovsdb.StringAtom("rx_packets")); v < 0 {
		t.Error("statistics")
	}
	txn := idl.NewTxn()
	txn.SetKey(p, port.Column("other_config"), ovsdb.StringAtom("tag"), ovsdb.StringAtom("7"))
	if st, err := txn.Commit(testCtx(t)); st != Success {
		t.Fatalf("commit: %v %v", st, err)
	}
	if v, _ := port.Row(p.UUID).MapValue(port.Column("other_config"), "tag"); v != "7" {
		t.Errorf("tag %q", v)
	}
}
