package dpctl

import (
	"github.com/govs/ovs/engine/flow"
	"strings"
	"testing"

	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/dpif/userspace"
	"github.com/govs/ovs/engine/netdev"
)

func newEnv(t *testing.T) (*Env, *userspace.Datapath, []*netdev.Dummy) {
	t.Helper()
	local := netdev.OpenDummy("ovs-netdev", nil)
	dp := userspace.New("ovs-netdev", nil, local)
	t.Cleanup(func() { dp.Close() })
	var devs []*netdev.Dummy
	for _, n := range []string{"p1", "p2"} {
		d := netdev.OpenDummy(n, nil)
		if _, err := dp.AddPort(d, 0); err != nil {
			t.Fatal(err)
		}
		devs = append(devs, d)
	}
	return &Env{Program: "ovs-vswitchd", Datapaths: func() []dpif.Datapath { return []dpif.Datapath{dp} }}, dp, devs
}

func run(t *testing.T, f func([]string) (string, error), args ...string) string {
	t.Helper()
	out, err := f(args)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return out
}

func wantErr(t *testing.T, f func([]string) (string, error), want string, args ...string) {
	t.Helper()
	_, err := f(args)
	if err == nil || err.Error() != want {
		t.Errorf("%v: error %v, want %q", args, err, want)
	}
}

func TestShow(t *testing.T) {
	e, _, _ := newEnv(t)
	want := "netdev@ovs-netdev:\n  lookups: hit:0 missed:0 lost:0\n  flows: 0\n" +
		"  port 0: ovs-netdev (dummy)\n  port 1: p1 (dummy)\n  port 2: p2 (dummy)\n"
	if got := run(t, e.Show); got != want {
		t.Errorf("show:\n%s\nwant:\n%s", got, want)
	}
	if got := run(t, e.Show, "netdev@ovs-netdev"); got != want {
		t.Errorf("show netdev@ovs-netdev:\n%s", got)
	}
	got := run(t, e.Show, "-s")
	if !strings.Contains(got, "  port 1: p1 (dummy)\n    RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n    TX packets:0 errors:0 dropped:0 aborted:0 carrier:0\n    collisions:0\n    RX bytes:0  TX bytes:0\n") {
		t.Errorf("show -s:\n%s", got)
	}
	wantErr(t, e.Show, "ovs-vswitchd: opening datapath nope failed (No such file or directory)", "nope")
	wantErr(t, e.Show, "ovs-vswitchd: opening datapath netdev@nope failed (No such device)", "netdev@nope")
	if got := run(t, e.DumpDPs); got != "netdev@ovs-netdev\n" {
		t.Errorf("dump-dps %q", got)
	}
	if humanSize(1432) != " (1.4 KiB)" || humanSize(1023) != "" || humanSize(3<<20) != " (3.0 MiB)" {
		t.Error("humanSize")
	}
}

func TestFlowCommands(t *testing.T) {
	e, _, _ := newEnv(t)
	key := "in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1,dst=2)"
	run(t, e.AddFlow, key, "push_vlan(vid=10,pcp=0),2,pop_vlan,set(eth(src=00:00:00:00:00:03,dst=00:00:00:00:00:04)),0")
	wantErr(t, e.AddFlow, "ovs-vswitchd: updating flow table (File exists)", key, "2")
	wantErr(t, e.AddFlow, "ovs-vswitchd: parsing actions (Invalid argument)", key, "bogus")
	wantErr(t, e.AddFlow, "ovs-vswitchd: updating flow table (Invalid argument)", "in_port(9),eth_type(0x0800),ipv4(frag=no)", "2")
	got := run(t, e.DumpFlows)
	want := "flow-dump from the main thread:\n" +
		"recirc_id(0),in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0800),ipv4(src=1.1.1.1,dst=2.2.2.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1,dst=2), packets:0, bytes:0, used:never, actions:push_vlan(vid=10,pcp=0),2,pop_vlan,set(eth(src=00:00:00:00:00:03,dst=00:00:00:00:00:04)),0\n"
	if got != want {
		t.Errorf("dump-flows:\n%s\nwant:\n%s", got, want)
	}
	got = run(t, e.DumpFlows, "--names")
	if !strings.Contains(got, "in_port(p1)") || !strings.Contains(got, "actions:push_vlan(vid=10,pcp=0),p2,pop_vlan,set(eth(src=00:00:00:00:00:03,dst=00:00:00:00:00:04)),ovs-netdev\n") {
		t.Errorf("dump-flows --names:\n%s", got)
	}
	got = run(t, e.DumpFlows, "-m")
	if !strings.HasPrefix(got, "flow-dump from the main thread:\nufid:") || !strings.Contains(got, ", dp:ovs, actions:") {
		t.Errorf("dump-flows -m:\n%s", got)
	}
	if got := run(t, e.DumpFlows, "filter=udp"); got != "" {
		t.Errorf("filter=udp: %q", got)
	}
	if got := run(t, e.DumpFlows, "filter=tcp,in_port=p1,tp_dst=2"); !strings.Contains(got, "tcp(src=1,dst=2)") {
		t.Errorf("filter tcp: %q", got)
	}
	wantErr(t, e.DumpFlows, "ovs-vswitchd: Failed to parse filter (bogus: unknown field bogus)", "filter=bogus")
	wantErr(t, e.DumpFlows, "ovs-vswitchd: datapath not found (Invalid argument)", "nope")
	wantErr(t, e.DumpFlows, "Unrecognized option -x", "-x")

	run(t, e.ModFlow, key, "2")
	if got := run(t, e.DumpFlows); !strings.HasSuffix(got, "actions:2\n") {
		t.Errorf("after mod-flow: %s", got)
	}
	ufid := strings.TrimPrefix(strings.SplitN(run(t, e.DumpFlows, "-m"), ",", 2)[0], "flow-dump from the main thread:\n")
	if got := run(t, e.GetFlow, ufid); !strings.HasPrefix(got, ufid+", ") {
		t.Errorf("get-flow %s: %q", ufid, got)
	}
	if got := run(t, e.GetFlow, key); got != "ovs-vswitchd: parsing flow ufid\n" {
		t.Errorf("get-flow by key: %q", got)
	}
	wantErr(t, e.GetFlow, "ovs-vswitchd: getting flow (No such file or directory)", "ufid:88e790e5-e5b7-4808-bc58-fccbbbd26e08")
	run(t, e.DelFlow, key)
	wantErr(t, e.DelFlow, "ovs-vswitchd: deleting flow (No such file or directory)\nPerhaps you need to specify a UFID?", key)
	wantErr(t, e.ModFlow, "ovs-vswitchd: updating flow table (No such file or directory)", key, "2")
	run(t, e.AddFlow, key, "drop")
	if got := run(t, e.DumpFlows); !strings.HasSuffix(got, "actions:drop\n") {
		t.Errorf("drop flow: %s", got)
	}
	run(t, e.DelFlows)
	if got := run(t, e.DumpFlows); got != "" {
		t.Errorf("after del-flows: %q", got)
	}
}

func TestPMDStats(t *testing.T) {
	e, dp, devs := newEnv(t)
	run(t, e.AddFlow, "in_port(1),eth_type(0x0800),ipv4(frag=no)", "2")
	frame := make([]byte, 60)
	frame[12], frame[13], frame[14] = 0x08, 0x00, 0x45
	frame[16+1] = 46
	frame[22] = 64
	for range 3 {
		devs[0].Inject(frame)
	}
	for i := 0; i < 3; i++ {
		<-devs[1].Transmitted()
	}
	want := "main thread:\n" +
		"  packets received: 3\n" +
		"  packet recirculations: 0\n" +
		"  avg. datapath passes per packet: 1.00\n" +
		"  phwol hits: 0\n" +
		"  mfex opt hits: 0\n" +
		"  simple match hits: 0\n" +
		"  emc hits: %s\n" +
		"  smc hits: 0\n" +
		"  megaflow hits: %s\n" +
		"  avg. subtable lookups per megaflow hit: 1.00\n" +
		"  miss with success upcall: 0\n" +
		"  miss with failed upcall: 0\n" +
		"  avg. packets per output batch: %s\n"
	got := run(t, e.PMDStatsShow)
	s := dp.PMDStats()
	if s.EMCHits+s.MegaflowHits != 3 || !strings.HasPrefix(got, want[:strings.Index(want, "emc")]) {
		t.Errorf("pmd-stats-show:\n%s", got)
	}
	if got := run(t, e.Show); !strings.Contains(got, "lookups: hit:3 missed:0 lost:0\n  flows: 1\n") {
		t.Errorf("show after traffic:\n%s", got)
	}
	run(t, e.PMDStatsClear)
	got = run(t, e.PMDStatsShow)
	if !strings.Contains(got, "  packets received: 0\n  packet recirculations: 0\n  avg. datapath passes per packet: 0.00\n") ||
		!strings.HasSuffix(got, "  avg. packets per output batch: 0.00\n") {
		t.Errorf("after clear:\n%s", got)
	}
	if got := run(t, e.PMDStatsShow, "-pmd", "3"); got != "" {
		t.Errorf("-pmd 3: %q", got)
	}
	if got := run(t, e.DumpFlows); !strings.Contains(got, "packets:3, bytes:180, used:0.") {
		t.Errorf("flow stats: %s", got)
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"tcp,tp_dst=80", "in_port=p1,dl_src=00:00:00:00:00:01", "ip,nw_src=10.0.0.0/8", "bogus", "dl_vlan=5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		var k, m flowKey
		flt.Matches(&k, &m, func(uint32) (string, bool) { return "", false })
	})
}

type flowKey = flow.Key
