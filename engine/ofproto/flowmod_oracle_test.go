package ofproto

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govs/ovs/proto/openflow"
)

// The oracle test runs the same flow-mods through the real ovs-vswitchd
// (dummy datapath, driven by the real ovs-ofctl) and through this package,
// and compares the resulting flow tables and error codes.

// realOVS is a private ovsdb-server + ovs-vswitchd with bridge br0.
type realOVS struct {
	dir string
	env []string
}

func startRealOVS(t *testing.T) *realOVS {
	t.Helper()
	for _, bin := range []string{"ovsdb-server", "ovsdb-tool", "ovs-vswitchd", "ovs-vsctl", "ovs-ofctl"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", bin)
			}
			t.Skipf("%s not installed", bin)
		}
	}
	dir, err := os.MkdirTemp("", "ofp")
	if err != nil {
		t.Fatal(err)
	}
	r := &realOVS{dir: dir, env: append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_DBDIR="+dir, "OVS_LOGDIR="+dir, "OVS_SYSCONFDIR="+dir)}
	t.Cleanup(func() {
		for _, p := range []string{"ovs-vswitchd.pid", "ovsdb-server.pid"} {
			if b, err := os.ReadFile(filepath.Join(dir, p)); err == nil {
				exec.Command("kill", strings.TrimSpace(string(b))).Run()
			}
		}
		time.Sleep(100 * time.Millisecond)
		os.RemoveAll(dir)
	})
	db := filepath.Join(dir, "conf.db")
	sock := "unix:" + filepath.Join(dir, "db.sock")
	r.run(t, "ovsdb-tool", "create", db, "/usr/share/openvswitch/vswitch.ovsschema")
	r.run(t, "ovsdb-server", "--remote=p"+sock, "--pidfile="+filepath.Join(dir, "ovsdb-server.pid"),
		"--unixctl="+filepath.Join(dir, "ovsdb-server.ctl"), "--log-file="+filepath.Join(dir, "ovsdb-server.log"), "--detach", db)
	r.run(t, "ovs-vsctl", "--db="+sock, "--no-wait", "init")
	r.run(t, "ovs-vswitchd", "--enable-dummy=override", sock, "--pidfile="+filepath.Join(dir, "ovs-vswitchd.pid"),
		"--unixctl="+filepath.Join(dir, "ovs-vswitchd.ctl"), "--log-file="+filepath.Join(dir, "ovs-vswitchd.log"), "--detach")
	r.run(t, "ovs-vsctl", "--db="+sock, "add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=dummy")
	r.run(t, "ovs-vsctl", "--db="+sock, "--", "--id=@ft", "create", "Flow_Table", "flow_limit=6", "overflow_policy=evict",
		"--", "set", "bridge", "br0", "flow_tables:5=@ft")
	return r
}

func (r *realOVS) run(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = r.env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

// ofctl runs ovs-ofctl and returns the OpenFlow error name it reports
// (empty if none).
func (r *realOVS) ofctl(t *testing.T, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command("ovs-ofctl", args...)
	cmd.Env = r.env
	out, _ := cmd.CombinedOutput()
	for _, name := range errorName.FindAllString(string(out), -1) {
		if !strings.HasPrefix(name, "OFPT_") {
			return name, string(out)
		}
	}
	return "", string(out)
}

var (
	errorName  = regexp.MustCompile(`\bOFP[A-Z]+_[A-Z_]+\b`)
	volatileRe = regexp.MustCompile(`duration=[0-9.]+s, `)
)

// oracleCase is one ovs-ofctl command: version ("OpenFlow10" is ovs-ofctl's
// default of OpenFlow 1.0 with NXM), command and flow.
type oracleCase struct {
	version string
	cmd     string // add-flow, mod-flows, --strict mod-flows, del-flows, --strict del-flows
	flow    string
}

func TestFlowModOracle(t *testing.T) {
	real := startRealOVS(t)
	s := newTestSwitch(t)
	s.SetTableConfig(5, TableConfig{Limited: true, FlowLimit: 6, Evict: true})
	real.ofctl(t, "del-flows", "br0")

	cases := []oracleCase{
		{"OpenFlow10", "add-flow", "priority=5,tcp,actions=output:2"},
		{"OpenFlow13", "add-flow", "priority=6,tcp,idle_timeout=50,actions=output:2"},
		{"OpenFlow13", "add-flow", "priority=6,tcp,actions=output:1"},
		{"OpenFlow13", "add-flow", "priority=6,ip,check_overlap,actions=output:3"},
		{"OpenFlow13", "add-flow", "priority=6,udp,check_overlap,send_flow_rem,actions=output:3"},
		{"OpenFlow13", "add-flow", "priority=6,tcp,check_overlap,actions=output:3"},
		{"OpenFlow10", "mod-flows", "priority=9,arp,actions=output:2"},
		{"OpenFlow13", "mod-flows", "priority=10,icmp,actions=output:2"},
		{"OpenFlow10", "mod-flows", "cookie=0x7,tcp,actions=output:4"},
		{"OpenFlow13", "--strict mod-flows", "priority=6,udp,reset_counts,actions=output:5"},
		{"OpenFlow13", "add-flow", "priority=1,actions=group:5"},
		{"OpenFlow13", "add-flow", "table=254,priority=1,actions=drop"},
		{"OpenFlow10", "add-flow", "priority=2,actions=dec_ttl"},
		{"OpenFlow13", "add-flow", "priority=3,mpls,actions=pop_mpls:0x0800,dec_ttl"},
		{"OpenFlow13", "add-flow", "priority=4,actions=set_field:80->tcp_dst"},
		{"OpenFlow13", "add-flow", "priority=1,actions=meter:3,output:1"},
		{"OpenFlow13", "add-flow", "table=3,priority=1,actions=goto_table:2"},
		{"OpenFlow13", "add-flow", "table=3,priority=1,actions=goto_table:4"},
		{"OpenFlow13", "add-flow", "table=4,priority=1,actions=write_actions(output:7)"},
		{"OpenFlow13", "add-flow", "table=4,priority=2,actions=clone(output:7)"},
		{"OpenFlow13", "add-flow", "table=4,priority=3,actions=enqueue:7:1"},
		{"OpenFlow13", "add-flow", "table=4,priority=4,actions=output:NXM_NX_REG0[0..15]"},
		{"OpenFlow13", "del-flows", "out_port=7"},
		{"OpenFlow10", "--strict del-flows", "priority=9,arp"},
		{"OpenFlow10", "--strict del-flows", "priority=8,tcp"},
		{"OpenFlow13", "del-flows", "cookie=0x7/-1,table=0"},
		{"OpenFlow14", "add-flow", "table=5,priority=1,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=2,hard_timeout=50,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=3,idle_timeout=10,importance=5,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=4,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=5,idle_timeout=10,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=6,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=7,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=8,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=9,actions=drop"},
		{"OpenFlow14", "add-flow", "table=5,priority=10,actions=drop"},
	}
	for _, c := range cases {
		args := strings.Fields(c.cmd)
		cmd := map[string]openflow.FlowModCommand{"add-flow": openflow.FlowAdd, "mod-flows": openflow.FlowModify,
			"del-flows": openflow.FlowDelete}[args[len(args)-1]]
		if args[0] == "--strict" {
			cmd++
		}
		realErr, out := real.ofctl(t, append(append([]string{"-O", c.version}, args...), "br0", c.flow)...)

		fm := parseFM(t, cmd, c.flow)
		v := openflow.V13
		switch c.version {
		case "OpenFlow10":
			// ovs-ofctl's default: NXM flow-mods, whose modifies and
			// deletes carry a new cookie (0 when none is given) unless
			// they select by cookie.
			fm.NXM, v = true, openflow.V10
			if cmd != openflow.FlowAdd && fm.NewCookie == openflow.CookieUnchanged && fm.CookieMask == 0 {
				fm.NewCookie = 0
			}
		case "OpenFlow14":
			v = openflow.V14
		}
		var ourErr string
		if err := s.FlowModVersion(fm, v); err != nil {
			ourErr = err.Error()
		}
		if ourErr != realErr {
			t.Errorf("%s %s %q: error %q, OVS %q (%s)", c.version, c.cmd, c.flow, ourErr, realErr, out)
		}
	}

	_, out := real.ofctl(t, "-O", "OpenFlow14", "dump-flows", "br0")
	var want []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, " cookie=") {
			want = append(want, volatileRe.ReplaceAllString(strings.TrimSpace(l), ""))
		}
	}
	var got []string
	s.Flows(&FlowFilter{TableID: openflow.TableAll, OutPort: openflow.PortNone, OutGroup: openflow.GroupAny}, func(r *Rule) bool {
		d := r.Dump(s.Now(), false)
		got = append(got, volatileRe.ReplaceAllString(string(d.AppendText(nil, nil)), ""))
		return true
	})
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("flows:\n  %s\nOVS:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
