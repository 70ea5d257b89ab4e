package xlate

import (
	"strings"
	"testing"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/flow"
	"github.com/govs/ovs/proto/openflow"
)

func traceText(t *testing.T, h *Handler, f flow.Flow, opts TraceOptions) (*TraceResult, string) {
	t.Helper()
	res, err := h.Trace("br0", &f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(res.Text)
}

// The layout follows OVS's tree: a resubmit that is not last nests the
// table it looks up 8 columns in; a last one continues at the same depth.
func TestTraceLayout(t *testing.T) {
	h, _ := switchOf(t, 3)
	setRules(t, h,
		"priority=9,udp,actions=resubmit(,4)",
		"table=4,priority=1,actions=resubmit(,5),output:3",
		"table=5,priority=1,cookie=0x7,actions=resubmit(,6),NORMAL",
	)
	f := flow.Flow{OFInPort: 1}
	f.EthType, f.NwProto = flow.EthTypeIP, flow.IPProtoUDP
	f.EthSrc, f.EthDst = mac(1), mac(2)
	_, got := traceText(t, h, f, TraceOptions{})
	want := `bridge("br0")
-------------
 0. udp, priority 9
    resubmit(,4)
 4. priority 1
    resubmit(,5)
     5. priority 1, cookie 0x7
            resubmit(,6)
             6. No match.
                    drop
            NORMAL
             -> no learned MAC for destination, flooding
    output:3
`
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// Without -generate nothing is learned; with it, NORMAL learns and says
// so, and the learned flow is in the table for the next trace.
func TestTraceSideEffects(t *testing.T) {
	h, _ := switchOf(t, 3)
	setRules(t, h,
		"priority=5,in_port=3,actions=learn(table=9,priority=7,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],output:NXM_OF_IN_PORT[]),NORMAL",
		"priority=1,actions=resubmit(,9)")
	f := flow.Flow{OFInPort: 3}
	f.EthSrc, f.EthDst = mac(3), mac(1)
	_, got := traceText(t, h, f, TraceOptions{})
	if !strings.Contains(got, ">> suppressing side effects, so learn action ignored") || strings.Contains(got, "learned that") {
		t.Fatalf("side effects without -generate:\n%s", got)
	}
	_, got = traceText(t, h, f, TraceOptions{Generate: true})
	for _, s := range []string{
		"     -> table=9 dl_dst=50:54:00:00:00:03 priority=7 actions=output:3\n",
		"     -> learned that 50:54:00:00:00:03 is on port p3 in VLAN 0\n",
	} {
		if !strings.Contains(got, s) {
			t.Fatalf("missing %q in\n%s", s, got)
		}
	}
	g := flow.Flow{OFInPort: 1}
	g.EthSrc, g.EthDst = mac(1), mac(3)
	res, got := traceText(t, h, g, TraceOptions{})
	if !strings.Contains(got, " 9. dl_dst=50:54:00:00:00:03, priority 7\n    output:3\n") {
		t.Fatalf("learned flow not used:\n%s", got)
	}
	if len(res.Output.Actions) != 1 || res.Output.Actions[0].Port != h.Config().Bridge("br0").Ports[3].DPPort {
		t.Fatalf("actions %v", res.Output.Actions)
	}
}

// Groups, moves, patch-less drops and trips to controllers.
func TestTraceNotes(t *testing.T) {
	h, _ := switchOf(t, 3)
	br := h.Config().Bridge("br0")
	for _, g := range []string{"group_id=1,type=all,bucket=output:2,bucket=mod_dl_src:00:00:00:00:00:07,output:3",
		"group_id=2,type=ff,bucket=watch_port:2,output:2"} {
		gm, err := openflow.ParseGroupMod(g, openflow.GroupAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := br.OF.GroupMod(gm); err != nil {
			t.Fatal(err)
		}
	}
	setRules(t, h,
		"priority=5,in_port=1,ip,actions=move:NXM_OF_IP_SRC[]->NXM_NX_REG2[],group:1,output:1,controller",
		"priority=5,in_port=2,ip,actions=group:2,dec_ttl")
	f := flow.Flow{OFInPort: 1}
	f.EthType = flow.EthTypeIP
	f.IPv4Src = [4]byte{1, 2, 3, 4}
	res, got := traceText(t, h, f, TraceOptions{})
	for _, s := range []string{
		"     -> NXM_NX_REG2[] is now 0x1020304\n",
		"    group:1\n    bucket 0\n            output:2\n    bucket 1\n            mod_dl_src:00:00:00:00:00:07\n            output:3\n",
		"    output:1\n     >> skipping output to input port\n",
		"    CONTROLLER:65535\n",
	} {
		if !strings.Contains(got, s) {
			t.Fatalf("missing %q in\n%s", s, got)
		}
	}
	if res.Final.Regs[2] != 0x01020304 || res.Initial.Regs[2] != 0 {
		t.Fatalf("final flow %+v", res.Final.Regs)
	}
	last := res.Output.Actions[len(res.Output.Actions)-1]
	if c, ok := dpif.DecodeControllerCookie(last.Userdata); last.Type != dpif.ActUserspace || !ok || !c.DontSend {
		t.Fatalf("controller action %+v", last)
	}
	f.OFInPort = 2
	f.NwTTL = 1
	_, got = traceText(t, h, f, TraceOptions{})
	for _, s := range []string{"     -> using bucket 0\n    bucket 0\n", "    dec_ttl\n     >> IPv4 decrement TTL exception\n"} {
		if !strings.Contains(got, s) {
			t.Fatalf("missing %q in\n%s", s, got)
		}
	}
}

func TestTracePacketOutAndErrors(t *testing.T) {
	h, _ := switchOf(t, 3)
	setRules(t, h, "priority=1,actions=output:3")
	acts, err := openflow.ParseActions("mod_dl_dst:00:00:00:00:00:05,output:2,resubmit(,0)", nil)
	if err != nil {
		t.Fatal(err)
	}
	f := flow.Flow{OFInPort: 1}
	res, err := h.TracePacketOut("br0", &f, acts, TraceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "bridge(\"br0\")\n-------------\n    mod_dl_dst:00:00:00:00:00:05\n    output:2\n    resubmit(,0)\n 0. priority 1\n    output:3\n"
	if string(res.Text) != want {
		t.Fatalf("got\n%s\nwant\n%s", res.Text, want)
	}
	if res.Final.EthDst != [6]byte{0, 0, 0, 0, 0, 5} {
		t.Fatal("final flow lacks the rewrite")
	}
	if _, err := h.Trace("nobr", &f, TraceOptions{}); err == nil || err.Error() != "nobr: unknown bridge" {
		t.Fatalf("error %v", err)
	}
}

// The hooks cost nothing when no trace is running: translation allocates
// exactly as much with and without the recorder field being consulted.
func BenchmarkTranslateRules(b *testing.B) {
	cfg, _ := benchConfig(b)
	k := key(11, mac(1), mac(2), 0)
	in := &Input{Key: k, Now: 1}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Translate(cfg, in)
	}
}

func benchConfig(b *testing.B) (*Config, *Bridge) {
	br := testBridge("br0", trunk("p1"), trunk("p2"), trunk("p3"))
	for _, r := range []string{"priority=5,in_port=1,actions=resubmit(,1),output:2", "table=1,actions=mod_dl_src:00:00:00:00:00:01,NORMAL"} {
		fm, err := openflow.ParseFlow(r, openflow.FlowAdd, nil)
		if err != nil {
			b.Fatal(err)
		}
		fm.NXM = true
		if fm.TableID == openflow.TableAll {
			fm.TableID = 0
		}
		if err := br.OF.FlowMod(fm); err != nil {
			b.Fatal(err)
		}
	}
	return NewConfig([]*Bridge{br}), br
}

// TestTranslateHooksDoNotAllocate: the allocations of a translation do
// not depend on tracing hooks (they only run with a recorder).
func TestTranslateHooksDoNotAllocate(t *testing.T) {
	br := testBridge("br0", trunk("p1"), trunk("p2"), trunk("p3"))
	cfg := NewConfig([]*Bridge{br})
	in := &Input{Key: key(11, mac(1), mac(2), 0), Now: 1}
	base := testing.AllocsPerRun(100, func() { Translate(cfg, in) })
	// Same pipeline through resubmits, rewrites and NORMAL: every hook
	// site is passed, and the count is only the output's own.
	for _, r := range []string{"priority=5,in_port=1,actions=resubmit(,1)", "table=1,actions=NORMAL"} {
		fm, err := openflow.ParseFlow(r, openflow.FlowAdd, nil)
		if err != nil {
			t.Fatal(err)
		}
		fm.NXM = true
		if fm.TableID == openflow.TableAll {
			fm.TableID = 0
		}
		if err := br.OF.FlowMod(fm); err != nil {
			t.Fatal(err)
		}
	}
	hooks := testing.AllocsPerRun(100, func() { Translate(cfg, in) })
	// A second table visit appends to the statistics slices (one more
	// growth at most); anything beyond would be the hooks.
	if hooks > base+2 {
		t.Fatalf("translation with hooks passed allocates %.0f, without rules %.0f", hooks, base)
	}
}
