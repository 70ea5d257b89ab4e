package ofproto

import (
	"runtime"
	"testing"

	"github.com/govs/ovs/proto/openflow"
)

// benchFlowMods returns n adds of distinct "ip,nw_dst=10.x.y.z,tcp,tp_dst=P"
// flows, built without the text parser.
func benchFlowMods(b testing.TB, n int) []*openflow.FlowMod {
	base := parseFM(b, openflow.FlowAdd, "priority=100,tcp,nw_dst=10.0.0.0,tp_dst=1,actions=output:1")
	nwDst := openflow.FieldByID(openflow.FieldIPDst)
	tpDst := openflow.FieldByID(openflow.FieldTpDst)
	fms := make([]*openflow.FlowMod, n)
	for i := range fms {
		fm := *base
		fm.Match = *base.Match.Clone()
		fm.Match.SetField(nwDst, []byte{10, byte(i >> 16), byte(i >> 8), byte(i)}, nil)
		fm.Match.SetField(tpDst, []byte{byte(i >> 8), byte(i%200 + 1)}, nil)
		fms[i] = &fm
	}
	return fms
}

// BenchmarkFlowModAdd is one flow-mod add into a table that grows to
// b.N rules (the goal: 100,000 in well under a second).
func BenchmarkFlowModAdd(b *testing.B) {
	fms := benchFlowMods(b, b.N)
	o := New("br0", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := o.FlowMod(fms[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlowModsBatch adds 1000 flows per atomic batch.
func BenchmarkFlowModsBatch(b *testing.B) {
	fms := benchFlowMods(b, b.N)
	o := New("br0", nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 1000 {
		if _, err := o.FlowMods(fms[i:min(i+1000, b.N)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFlows walks 100,000 rules with a loose filter that selects
// all of them (dump-flows).
func BenchmarkFlows(b *testing.B) {
	o := New("br0", nil)
	if _, err := o.FlowMods(benchFlowMods(b, 100_000)); err != nil {
		b.Fatal(err)
	}
	f := &FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		o.Flows(f, func(*Rule) bool { n++; return true })
		if n != 100_001 {
			b.Fatal(n)
		}
	}
}

// BenchmarkDumpFlowsReply builds and encodes the NXST_FLOW reply for
// 100,000 rules, as dump-flows makes the switch do (goal: no slower than
// OVS, 0.57 s for the whole dump-flows of 100k flows on this machine).
func BenchmarkDumpFlowsReply(b *testing.B) {
	o := New("br0", nil)
	if _, err := o.FlowMods(benchFlowMods(b, 100_000)); err != nil {
		b.Fatal(err)
	}
	f := &FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rules := make([]*Rule, 0, 100_001)
		o.Flows(f, func(r *Rule) bool {
			rules = append(rules, r)
			return true
		})
		if _, err := encodeFlowStats(rules, true, openflow.V10, 1, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRuleMemory reports the heap that 100,000 rules added by
// flow-mods keep live (bytes/rule), the figure behind ovs-vswitchd's
// resident size with a big table.
func BenchmarkRuleMemory(b *testing.B) {
	const n = 100_000
	for i := 0; i < b.N; i++ {
		fms := benchFlowMods(b, n)
		before := liveHeap()
		o := New("br0", nil)
		if _, err := o.FlowMods(fms); err != nil {
			b.Fatal(err)
		}
		after := liveHeap()
		runtime.KeepAlive(o)
		runtime.KeepAlive(fms)
		b.ReportMetric(float64(int64(after)-int64(before))/n, "bytes/rule")
	}
}

func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
