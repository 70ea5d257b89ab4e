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
