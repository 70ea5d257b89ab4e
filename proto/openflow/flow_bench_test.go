package openflow

import (
	"fmt"
	"strings"
	"testing"
)

// benchFlowLines are the flows of bench/ofctl.sh (its awk generator in
// Go): L2/L3/L4 matches in three tables with varying priorities, so that
// parsing, encoding, decoding and printing see the same mix the
// end-to-end benchmark does.
func benchFlowLines(n int) []string {
	lines := make([]string, n)
	for i := range n {
		a, b, c := (i/65536)%256, (i/256)%256, i%256
		var m string
		switch i % 4 {
		case 0:
			m = fmt.Sprintf("ip,nw_src=10.%d.%d.%d", a, b, c)
		case 1:
			m = fmt.Sprintf("tcp,nw_dst=10.%d.%d.%d,tp_dst=%d", a, b, c, 1+i%1000)
		case 2:
			m = fmt.Sprintf("udp,nw_src=172.16.%d.%d,nw_dst=10.%d.%d.0/24", b, c, a, b)
		default:
			m = fmt.Sprintf("dl_vlan=%d,dl_src=02:00:%02x:%02x:%02x:01", 1+i%4000, a, b, c)
		}
		act := fmt.Sprintf("output:%d", 1+i%4)
		if i%10 == 0 {
			act = fmt.Sprintf("mod_vlan_vid:%d,output:%d", 1+i%100, 1+(i+1)%4)
		}
		lines[i] = fmt.Sprintf("table=%d,priority=%d,%s,actions=%s", i%3, 100+i%7, m, act)
	}
	return lines
}

const benchFlows = 100000

func BenchmarkParseFlowFile(b *testing.B) {
	lines := benchFlowLines(benchFlows)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := ParseFlow(lines[i], FlowAdd, nil); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(lines) {
			i = 0
		}
	}
}

// benchFlowReply is the switch's answer to a dump of the benchmark flows
// in version v (NXST_FLOW when nx), split into messages as a switch
// splits it.
func benchFlowReply(tb testing.TB, v Version, nx bool) ([][]byte, int) {
	lines := benchFlowLines(benchFlows)
	r := &FlowStatsReply{NXM: nx, Flows: make([]FlowDump, len(lines))}
	for i, l := range lines {
		fm, err := ParseFlow(l, FlowAdd, nil)
		if err != nil {
			tb.Fatal(err)
		}
		r.Flows[i] = FlowDump{TableID: fm.TableID, Priority: fm.Priority, Match: fm.Match, Actions: fm.Actions,
			DurationSec: uint32(i % 100), DurationNsec: 123000000, IdleAge: i % 100, HardAge: -1}
	}
	all, err := AppendMultipartReplies(nil, r, v, 7)
	if err != nil {
		tb.Fatal(err)
	}
	var msgs [][]byte
	for len(all) > 0 {
		h, ok := ParseHeader(all)
		if !ok {
			tb.Fatal("short reply")
		}
		msgs = append(msgs, all[:h.Length])
		all = all[h.Length:]
	}
	return msgs, len(lines)
}

func benchPrintReply(b *testing.B, v Version, nx bool) {
	msgs, n := benchFlowReply(b, v, nx)
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			out = AppendPrint(out[:0], m)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/flow")
}

func BenchmarkPrintFlowReplyNXM(b *testing.B)  { benchPrintReply(b, V10, true) }
func BenchmarkPrintFlowReplyOF13(b *testing.B) { benchPrintReply(b, V13, false) }

func BenchmarkDecodeFlowReplyOF13(b *testing.B) {
	msgs, n := benchFlowReply(b, V13, false)
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			if _, _, err := Decode(m); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/flow")
}

func TestBenchFlowLinesRoundTrip(t *testing.T) {
	// The printed dump must read back as the flows that were parsed:
	// the benchmark measures a path that is correct.
	msgs, _ := benchFlowReply(t, V10, true)
	out := string(AppendPrint(nil, msgs[0]))
	if !strings.Contains(out, "priority=100,ip,nw_src=10.0.0.0 actions=mod_vlan_vid:1,output:2") {
		t.Fatalf("unexpected dump: %.300s", out)
	}
}
