package database

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/proto/ovsjson"
)

// BenchmarkInsert5000 inserts 5,000 rows in one transaction: 2,500 ports,
// each with its interface, all added to one bridge.
func BenchmarkInsert5000(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	var ports []string
	for i := 0; i < 2500; i++ {
		fmt.Fprintf(&sb, `{"op":"insert","table":"Interface","uuid-name":"i%d","row":{"name":"p%d","type":"internal","external_ids":["map",[["k","v%d"]]]}},`, i, i, i)
		fmt.Fprintf(&sb, `{"op":"insert","table":"Port","uuid-name":"p%d","row":{"name":"p%d","interfaces":["named-uuid","i%d"],"tag":%d}},`, i, i, i, i%4096)
		ports = append(ports, fmt.Sprintf(`["named-uuid","p%d"]`, i))
	}
	fmt.Fprintf(&sb, `{"op":"mutate","table":"Bridge","where":[],"mutations":[["ports","insert",["set",[%s]]]]}]`, strings.Join(ports, ","))
	ops := mustParse(b, sb.String()).A
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, _ := vswitchDB(b)
		b.StartTimer()
		res, c, _, _ := db.Transact(ops, TxnOptions{})
		if c == nil {
			b.Fatal(res.String()[:200])
		}
		_ = c.FileRecord(time.Now())
	}
}

// BenchmarkAddPort1000 runs 1,000 sequential ovs-vsctl-like add-port
// transactions against one database.
func BenchmarkAddPort1000(b *testing.B) {
	db0, br := vswitchDB(b)
	txns := make([][]ovsjson.Value, 1000)
	for i := range txns {
		txns[i] = addPortOps(br, i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := New(db0.Schema())
		if err := db.ApplyFileRecord(db0.Snapshot()); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, ops := range txns {
			res, c, _, _ := db.Transact(ops, TxnOptions{})
			if c == nil {
				b.Fatal(res)
			}
			_ = c.FileRecord(time.Now())
		}
	}
}

// BenchmarkSelectByUUID is a one-row read, the commonest IDL "wait".
func BenchmarkSelectByUUID(b *testing.B) {
	db, br := vswitchDB(b)
	for i := 0; i < 1000; i++ {
		db.Transact(addPortOps(br, i), TxnOptions{})
	}
	ops := mustParse(b, q(`[{'op':'wait','table':'Bridge','where':[['_uuid','==',['uuid','`+br+`']]],'columns':['name'],'until':'==','rows':[{'name':'br0'}],'timeout':0}]`)).A
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db.Transact(ops, TxnOptions{})
	}
}

// addPorts5000Request is the transact request one `ovs-vsctl --no-wait
// add-port br0 p0 -- add-port br0 p1 -- ...` sends for 5,000 ports
// (commands/vsctl/direct.go): waits on the bridges' names, an Interface
// and a Port insert with named UUIDs per port, one mutate of the bridge's
// ports and a comment.
func addPorts5000Request() []byte {
	const n = 5000
	b := []byte(`{"id":2,"method":"transact","params":["Open_vSwitch"`)
	b = append(b, `,{"op":"wait","timeout":0,"table":"Bridge","where":[],"columns":["name"],"until":"==","rows":[{"name":"br0"}]}`...)
	b = append(b, `,{"op":"wait","timeout":0,"table":"Port","where":[["fake_bridge","==",true]],"columns":["name"],"until":"==","rows":[]}`...)
	for i := 0; i < n; i++ {
		b = fmt.Appendf(b, `,{"op":"insert","table":"Interface","uuid-name":"i%d","row":{"name":"p%d"}}`, i, i)
		b = fmt.Appendf(b, `,{"op":"insert","table":"Port","uuid-name":"p%d","row":{"name":"p%d","interfaces":["named-uuid","i%d"]}}`, i, i, i)
	}
	b = append(b, `,{"op":"mutate","table":"Bridge","where":[["name","==","br0"]],"mutations":[["ports","insert",["set",[`...)
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `["named-uuid","p%d"]`, i)
	}
	b = append(b, `]]]]}`...)
	b = append(b, `,{"op":"comment","comment":"ovs-vsctl: ovs-vsctl --no-wait add-port br0 p0 -- ..."}]}`...)
	return b
}

// BenchmarkAddPorts5000Request is the server's whole work for that
// request but the socket: parse the text, run the transaction, encode
// the log record and the reply.
func BenchmarkAddPorts5000Request(b *testing.B) {
	text := addPorts5000Request()
	var rec, reply []byte
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db, _ := vswitchDB(b)
		b.StartTimer()
		req, err := ovsjson.Parse(text)
		if err != nil {
			b.Fatal(err)
		}
		params, _ := req.Get("params")
		res, c, _, _ := db.Transact(params.A[1:], TxnOptions{})
		if c == nil {
			b.Fatal(res.String()[:200])
		}
		rec = c.AppendFileRecord(rec[:0], time.Now())
		reply = ovsjson.Append(reply[:0], res, 0)
	}
}
