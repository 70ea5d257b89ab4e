package e2e

import (
	"encoding/hex"
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

// flowMonitor is Debian's "ovs-ofctl monitor" running detached against a
// dummy switch, its output going to a file.
type flowMonitor struct {
	d       *dummySwitch
	out     string
	pidfile string
}

// startMonitorNoWait starts "ovs-ofctl [-O version] monitor br0 ARGS..."
// detached; it is connected once the command returns.
func (d *dummySwitch) startMonitorNoWait(ofctl, version string, watch ...string) *flowMonitor {
	d.t.Helper()
	m := &flowMonitor{d: d, out: filepath.Join(d.e.Dir, "monitor.out"), pidfile: filepath.Join(d.e.RunDir, "ovs-ofctl.pid")}
	args := []string{}
	if version != "" {
		args = append(args, "-O", version)
	}
	args = append(args, "monitor", "br0")
	args = append(args, watch...)
	args = append(args, "--detach", "--no-chdir", "--pidfile="+m.pidfile)
	f, err := os.Create(m.out)
	if err != nil {
		d.t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(ofctl, args...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = d.e.environ(), d.e.Dir, f, f
	if err := cmd.Run(); err != nil {
		d.t.Fatalf("ovs-ofctl %v: %v\n%s", args, err, m.output())
	}
	d.t.Cleanup(func() { killPidfile(m.pidfile) })
	return m
}

// startMonitor starts "ovs-ofctl [-O version] monitor br0 watch:..." and
// waits for the reply to its flow monitor request.
func (d *dummySwitch) startMonitor(ofctl, version string, watch ...string) *flowMonitor {
	d.t.Helper()
	m := d.startMonitorNoWait(ofctl, version, watch...)
	if !m.waitOutput(func(s string) bool { return strings.Contains(s, "reply") }) {
		d.t.Fatalf("no flow monitor reply:\n%s", m.output())
	}
	return m
}

func (m *flowMonitor) output() string {
	b, _ := os.ReadFile(m.out)
	return string(b)
}

// waitOutput waits until cond holds for the output so far.
func (m *flowMonitor) waitOutput(cond func(string) bool) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cond(m.output()) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// settle waits until the output has not grown for a while and returns it:
// the switch reports each change right after committing it, so a quiet
// output means every report is in.
func (m *flowMonitor) settle() string {
	last, quiet := "", 0
	for i := 0; i < 500 && quiet < 10; i++ {
		time.Sleep(30 * time.Millisecond)
		if s := m.output(); s == last {
			quiet++
		} else {
			last, quiet = s, 0
		}
	}
	return last
}

// send sends one OpenFlow message on the monitor's own connection
// (ofctl/send), so that its changes are the monitor's "own".
func (m *flowMonitor) send(msg []byte) {
	ctl := oracle(m.d.t, "ovs-appctl")
	pid, err := os.ReadFile(m.pidfile)
	if err != nil {
		m.d.t.Fatal(err)
	}
	target := filepath.Join(m.d.e.RunDir, "ovs-ofctl."+strings.TrimSpace(string(pid))+".ctl")
	m.d.run(ctl, "-t", target, "ofctl/send", hex.EncodeToString(msg))
	// ovs-ofctl prints "send:" when it sends and the update when it
	// arrives: let the update in before anything else is sent.
	m.settle()
}

var removedDurationRE = regexp.MustCompile(`duration[0-9.]+s`)

// normalizeMonitor makes monitor outputs comparable: log lines, echoes of
// ofctl/send and flow-removed durations out, each message's updates sorted (the initial
// reply lists flows in the switch's classifier order). Xids stay: both
// switches see the same requests from the same tool.
func normalizeMonitor(s string) string {
	s = logTimeRE.ReplaceAllString(s, "")
	s = removedDurationRE.ReplaceAllString(s, "duration?")
	var out, body []string
	flush := func() {
		slices.Sort(body)
		out = append(out, body...)
		body = body[:0]
	}
	for _, l := range strings.Split(s, "\n") {
		switch {
		case l == "" || strings.Contains(l, "|fatal_signal|"):
		case strings.HasPrefix(l, "send: "):
			// The tool's echo of what ofctl/send sent: the same for
			// both switches, and racing with their answers.
		case strings.HasPrefix(l, " "):
			body = append(body, l)
		default:
			flush()
			out = append(out, l)
		}
	}
	flush()
	return strings.Join(out, "\n")
}

// flowModHex encodes an add-flow style flow for ofctl/send.
func flowModHex(t *testing.T, v openflow.Version, cmd openflow.FlowModCommand, flow string, xid uint32) []byte {
	t.Helper()
	fm, err := openflow.ParseFlow(flow, cmd, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cmd == openflow.FlowAdd {
		fm.TableID = 0
	}
	b, err := openflow.Encode(fm, uint8(v), xid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type monitorCase struct {
	name    string
	version string
	watch   []string
	// steps run against the switch; own ones are sent on the monitor's
	// connection.
	steps func(d *dummySwitch, m *flowMonitor, ofctl string)
}

func ofctlSteps(args ...[]string) func(d *dummySwitch, m *flowMonitor, ofctl string) {
	return func(d *dummySwitch, _ *flowMonitor, ofctl string) {
		for _, a := range args {
			d.run(ofctl, a...)
		}
	}
}

// monitorSequence is the flow table history every case watches: adds, a
// replacing add, modifies that change actions, cookie or nothing, loose and
// strict deletes, and a delete of everything.
func monitorSequence(version string) func(d *dummySwitch, m *flowMonitor, ofctl string) {
	o := []string{}
	if version != "" {
		o = []string{"-O", version}
	}
	c := func(args ...string) []string { return append(append([]string{}, o...), args...) }
	return ofctlSteps(
		c("add-flow", "br0", "priority=7,tcp,actions=output:2"),
		c("add-flow", "br0", "cookie=0x5,priority=8,udp,idle_timeout=50,hard_timeout=70,actions=output:1"),
		c("add-flow", "br0", "table=1,priority=9,ip,nw_dst=10.0.0.1,actions=output:3"),
		c("mod-flows", "br0", "tcp,actions=output:1"),
		c("mod-flows", "br0", "tcp,actions=output:1"),
		c("add-flow", "br0", "priority=7,tcp,actions=output:2,output:3"),
		c("mod-flows", "br0", "--strict", "priority=8,udp,actions=output:4"),
		c("del-flows", "br0", "--strict", "priority=8,udp"),
		c("del-flows", "br0", "table=1,ip"),
		c("add-flow", "br0", "priority=5,arp,actions=drop"),
		c("del-flows", "br0"),
	)
}

// TestFlowMonitorAgainstRealOVS runs Debian's "ovs-ofctl monitor" against
// Debian's ovs-vswitchd and ours, makes the same changes to both flow
// tables, and compares what the monitors printed: initial replies, update
// events with their full or abbreviated form, filters and versions.
func TestFlowMonitorAgainstRealOVS(t *testing.T) {
	ofctl := oracle(t, "ovs-ofctl")
	own := func(v openflow.Version, version string) func(d *dummySwitch, m *flowMonitor, ofctl string) {
		return func(d *dummySwitch, m *flowMonitor, ofctl string) {
			o := []string{"-O", version}
			d.run(ofctl, append(o, "add-flow", "br0", "priority=3,icmp,actions=output:1")...)
			m.send(flowModHex(t, v, openflow.FlowAdd, "priority=4,tcp,actions=output:2", 0x1234))
			m.send(flowModHex(t, v, openflow.FlowAdd, "priority=6,udp,actions=output:2", 0x1235))
			m.send(flowModHex(t, v, openflow.FlowDelete, "tcp", 0x1236))
			d.run(ofctl, append(o, "del-flows", "br0", "icmp")...)
			// Both own deletions in one flow-mod: one ABBREV for both.
			m.send(flowModHex(t, v, openflow.FlowDelete, "", 0x1237))
		}
	}
	// Own changes made through a bundle on the monitor's connection, then
	// somebody else's.
	bundle := func(v openflow.Version, version string) func(d *dummySwitch, m *flowMonitor, ofctl string) {
		return func(d *dummySwitch, m *flowMonitor, ofctl string) {
			enc := func(msg openflow.Message, xid uint32) []byte {
				b, err := openflow.Encode(msg, uint8(v), xid)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			m.send(enc(&openflow.BundleControl{BundleID: 7, CtrlType: openflow.BundleOpenRequest}, 0x2000))
			for i, f := range []struct {
				cmd  openflow.FlowModCommand
				flow string
			}{
				{openflow.FlowAdd, "priority=4,tcp,actions=output:2"},
				{openflow.FlowAdd, "priority=6,udp,actions=output:2"},
				{openflow.FlowDelete, "ip"},
			} {
				xid := uint32(0x2001 + i)
				m.send(enc(&openflow.BundleAdd{BundleID: 7, Msg: flowModHex(t, v, f.cmd, f.flow, xid)}, xid))
			}
			m.send(enc(&openflow.BundleControl{BundleID: 7, CtrlType: openflow.BundleCommitRequest}, 0x2004))
			d.run(ofctl, "-O", version, "add-flow", "br0", "priority=3,icmp,actions=output:1")
		}
	}
	cases := []monitorCase{
		{name: "of14-own-bundle", version: "OpenFlow14", watch: []string{"watch:!own"}, steps: bundle(openflow.V14, "OpenFlow14")},
		{name: "of14-bundle-full", version: "OpenFlow14", watch: []string{"watch:"}, steps: bundle(openflow.V14, "OpenFlow14")},
		{name: "of10", watch: []string{"watch:"}, steps: monitorSequence("")},
		{name: "of10-filters", watch: []string{"watch:!initial,!actions,out_port=2", "watch:!add,table=1"}, steps: monitorSequence("")},
		{name: "of10-match", watch: []string{"watch:!delete,udp"}, steps: monitorSequence("")},
		{name: "of12", version: "OpenFlow12", watch: []string{"watch:"}, steps: monitorSequence("OpenFlow12")},
		{name: "of15", version: "OpenFlow15", watch: []string{"watch:!own"}, steps: own(openflow.V15, "OpenFlow15")},
		{name: "of13", version: "OpenFlow13", watch: []string{"watch:"}, steps: monitorSequence("OpenFlow13")},
		{name: "of14", version: "OpenFlow14", watch: []string{"watch:"}, steps: monitorSequence("OpenFlow14")},
		{name: "of14-filters", version: "OpenFlow14", watch: []string{"watch:!modify,table=0,out_port=1"}, steps: monitorSequence("OpenFlow14")},
		{name: "of10-own", watch: []string{"watch:!own"}, steps: own(openflow.V10, "OpenFlow10")},
		{name: "of10-own-full", watch: []string{"watch:"}, steps: own(openflow.V10, "OpenFlow10")},
		{name: "of14-own", version: "OpenFlow14", watch: []string{"watch:!own"}, steps: own(openflow.V14, "OpenFlow14")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var outs [2]string
			for i, real := range []bool{true, false} {
				d := startDummySwitch(t, real)
				d.run(ofctl, "add-flow", "br0", "priority=5,ip,actions=output:1")
				m := d.startMonitor(ofctl, tc.version, tc.watch...)
				tc.steps(d, m, ofctl)
				outs[i] = normalizeMonitor(m.settle())
				killPidfile(m.pidfile)
			}
			t.Logf("real switch's monitor:\n%s", outs[0])
			if outs[0] != outs[1] {
				t.Errorf("monitor output differs (- real, + ours):\n%s\nours:\n%s", lineDiff(outs[0], outs[1]), outs[1])
			}
			if !strings.Contains(outs[0], "event=") {
				t.Errorf("real monitor printed no updates:\n%s", outs[0])
			}
		})
	}
}

// TestFlowRemoved15AgainstRealOVS has both switches send OpenFlow 1.5
// flow-removed messages (OXS statistics) to "ovs-ofctl -O OpenFlow15
// monitor": flows with send_flow_rem that time out (idle, hard; time/warp
// moves the switches' clocks) or are deleted.
func TestFlowRemoved15AgainstRealOVS(t *testing.T) {
	ofctl, appctl := oracle(t, "ovs-ofctl"), oracle(t, "ovs-appctl")
	var outs [2]string
	for i, real := range []bool{true, false} {
		d := startDummySwitch(t, real)
		m := d.startMonitorNoWait(ofctl, "OpenFlow15", "65535")
		o := []string{"-O", "OpenFlow15"}
		d.run(ofctl, append(o, "add-flow", "br0", "cookie=0x12,priority=9,tcp,tp_dst=80,idle_timeout=1,hard_timeout=5,send_flow_rem,actions=output:2")...)
		d.run(ofctl, append(o, "add-flow", "br0", "table=3,priority=8,udp,hard_timeout=2,send_flow_rem,actions=output:2")...)
		d.run(ofctl, append(o, "add-flow", "br0", "priority=7,arp,send_flow_rem,actions=drop")...)
		d.run(ofctl, append(o, "add-flow", "br0", "priority=6,icmp,idle_timeout=1,actions=drop")...)
		d.run(appctl, "time/warp", "3000", "1000")
		if !m.waitOutput(func(s string) bool { return strings.Count(s, "OFPT_FLOW_REMOVED") >= 2 }) {
			t.Fatalf("no flow removed:\n%s", m.output())
		}
		d.run(ofctl, append(o, "del-flows", "br0", "arp")...)
		// Flows expiring in the same run come in either order.
		outs[i] = sortLines(normalizeMonitor(m.settle()))
		killPidfile(m.pidfile)
	}
	t.Logf("real switch's monitor:\n%s", outs[0])
	if outs[0] != outs[1] {
		t.Errorf("monitor output differs (- real, + ours):\n%s", lineDiff(outs[0], outs[1]))
	}
	if strings.Count(outs[0], "OFPT_FLOW_REMOVED (OF1.5)") != 3 {
		t.Errorf("real switch sent other flow removed messages than expected:\n%s", outs[0])
	}
}
