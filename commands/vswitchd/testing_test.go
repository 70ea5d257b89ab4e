package vswitchd

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The test binary re-executes itself as ovs-vswitchd (see TestMain), so the
// daemon under test is this package's code, run as a separate process the
// way users run it, without building the whole multi-call binary.
const reexecEnv = "GOVS_VSWITCHD_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(reexecEnv) == "1" {
		os.Exit(Main(append([]string{"ovs-vswitchd"}, os.Args[1:]...)))
	}
	os.Exit(m.Run())
}

func TestParseWarp(t *testing.T) {
	for _, c := range []struct {
		args        []string
		total, step time.Duration
		err         bool
	}{
		{args: []string{"100"}, total: 100 * time.Millisecond, step: 100 * time.Millisecond},
		{args: []string{"1000", "100"}, total: time.Second, step: 100 * time.Millisecond},
		{args: []string{"100", "1000"}, total: 100 * time.Millisecond, step: time.Second},
		{args: []string{"5x"}, total: 5 * time.Millisecond, step: 5 * time.Millisecond},
		{args: []string{"x", "5"}, total: 0, step: 5 * time.Millisecond},
		{args: []string{"1.5"}, total: time.Millisecond, step: time.Millisecond},
		{args: []string{" +7"}, total: 7 * time.Millisecond, step: 7 * time.Millisecond},
		{args: []string{"x"}, err: true},
		{args: []string{"0"}, err: true},
		{args: []string{"0x10"}, err: true},
		{args: []string{"-5"}, err: true},
		{args: []string{"100", "x"}, err: true},
		{args: []string{"-1", "5"}, err: true},
		{args: []string{"1000", "0"}, err: true},
		{args: []string{"99999999999999999999"}, total: (1<<31 - 1) * time.Millisecond, step: (1<<31 - 1) * time.Millisecond},
	} {
		total, step, err := parseWarp(c.args)
		if c.err {
			if !errors.Is(err, errInvalidMsecs) {
				t.Errorf("%q: %v, want invalid MSECS", c.args, err)
			}
			continue
		}
		if err != nil || total != c.total || step != c.step {
			t.Errorf("%q: %v %v %v, want %v %v", c.args, total, step, err, c.total, c.step)
		}
	}
}

// TestDummyCommands runs our ovs-vswitchd --enable-dummy=override against
// the real ovsdb-server and drives it with the real ovs-vsctl and
// ovs-appctl: the netdev-dummy and time commands must answer as OVS's do,
// and a received flow must go through the datapath.
func TestDummyCommands(t *testing.T) {
	for _, b := range []string{"ovsdb-tool", "ovsdb-server", "ovs-vsctl", "ovs-appctl"} {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not installed", b)
			}
			t.Skipf("%s not installed", b)
		}
	}
	schema := "/usr/share/openvswitch/vswitch.ovsschema"
	if _, err := os.Stat(schema); err != nil {
		t.Skip(err)
	}
	dir, err := os.MkdirTemp("", "vsd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	env := append(os.Environ(), "OVS_RUNDIR="+dir, "OVS_DBDIR="+dir, "OVS_LOGDIR="+dir, "OVS_SYSCONFDIR="+dir)
	run := func(name string, args ...string) (string, string, int) {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out.String(), errb.String(), code
	}
	mustRun := func(name string, args ...string) string {
		out, errs, code := run(name, args...)
		if code != 0 {
			t.Fatalf("%s %s: exit %d\n%s", name, strings.Join(args, " "), code, errs)
		}
		return out
	}
	spawn := func(extraEnv []string, name string, args ...string) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(append([]string(nil), env...), extraEnv...)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		t.Cleanup(func() {
			cmd.Process.Kill()
			<-done
		})
	}
	waitFor := func(path string) {
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(path); err == nil {
				return
			}
		}
		t.Fatalf("%s did not appear", path)
	}
	db := filepath.Join(dir, "db.sock")
	mustRun("ovsdb-tool", "create", filepath.Join(dir, "conf.db"), schema)
	spawn(nil, "ovsdb-server", "--remote=punix:"+db, "--unixctl="+filepath.Join(dir, "db.ctl"),
		"-vconsole:off", "--log-file="+filepath.Join(dir, "db.log"), filepath.Join(dir, "conf.db"))
	waitFor(db)
	mustRun("ovs-vsctl", "--db=unix:"+db, "--no-wait", "init")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctl := filepath.Join(dir, "vs.ctl")
	spawn([]string{reexecEnv + "=1"}, exe, "--enable-dummy=override", "--unixctl="+ctl,
		"--log-file="+filepath.Join(dir, "vs.log"), "-vconsole:off", "unix:"+db)
	waitFor(ctl)
	mustRun("ovs-vsctl", "--db=unix:"+db, "--timeout=20", "add-br", "br0",
		"--", "set", "bridge", "br0", "datapath_type=netdev", // engine/bridge does not take "dummy" yet
		"--", "add-port", "br0", "p1", "--", "set", "interface", "p1", "type=dummy", "ofport_request=1",
		"--", "add-port", "br0", "p2", "--", "set", "interface", "p2", "type=dummy", "ofport_request=2")

	appctl := func(args ...string) (string, string, int) {
		return run("ovs-appctl", append([]string{"-t", ctl}, args...)...)
	}
	cmds, _, _ := appctl("list-commands")
	for _, want := range []string{
		"  netdev-dummy/conn-state [netdev]\n",
		"  netdev-dummy/receive    name [--qid queue_id] packet|flow [--len packet_len]\n",
		"  netdev-dummy/set-admin-state [netdev] up|down\n",
		"  time/stop               \n",
		"  time/warp               [large_msecs] msecs\n",
	} {
		if !strings.Contains(cmds, want) {
			t.Errorf("list-commands lacks %q", want)
		}
	}
	for _, c := range []struct {
		args       []string
		out, err   string
		code       int
		errPresent bool
	}{
		{args: []string{"netdev-dummy/receive", "nope", "00"}, err: "no such dummy netdev\n", code: 2},
		{args: []string{"netdev-dummy/receive", "p1"}, err: "\"netdev-dummy/receive\" command requires at least 2 arguments\n", code: 2},
		{args: []string{"netdev-dummy/receive", "p1", "zz"}, err: "syntax error at zz\n", code: 2},
		{args: []string{"netdev-dummy/receive", "p1", "--qid", "5", "in_port(1)"}, err: "bad rx queue id.\n", code: 2},
		{args: []string{"netdev-dummy/receive", "p1", "in_port=1", "--len", "10"}, err: "too small packet len\n", code: 2},
		{args: []string{"netdev-dummy/set-admin-state", "p1", "foo"}, err: "Invalid Admin State\n", code: 2},
		{args: []string{"netdev-dummy/set-admin-state", "nope", "up"}, err: "Unknown Dummy Interface\n", code: 2},
		{args: []string{"netdev-dummy/set-admin-state", "p2", "up"}, out: "OK\n"},
		{args: []string{"netdev-dummy/conn-state", "p1"}, out: "p1: unknown\n"},
		{args: []string{"time/stop"}},
		{args: []string{"time/warp"}, err: "\"time/warp\" command requires at least 1 arguments\n", code: 2},
		{args: []string{"time/warp", "x"}, err: "invalid MSECS\n", code: 2},
		{args: []string{"time/warp", "1000", "0"}, err: "invalid MSECS\n", code: 2},
		{args: []string{"time/warp", "100"}, out: "warped\n"},
		{args: []string{"time/warp", "3000", "1000"}, out: "warped\n"},
	} {
		out, errs, code := appctl(c.args...)
		if code != c.code || out != c.out || !strings.HasPrefix(errs, c.err) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %d %q %q", strings.Join(c.args, " "), code, out, errs, c.code, c.out, c.err)
		}
	}

	const flow = "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=1000,dst=53)"
	mustRun("ovs-appctl", "-t", ctl, "netdev-dummy/receive", "p1", flow)
	var flows string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		flows, _, _ = appctl("dpctl/dump-flows")
		if strings.Contains(flows, "eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02)") {
			break
		}
	}
	if !strings.Contains(flows, "eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800)") {
		t.Fatalf("the received packet made no datapath flow:\n%s", flows)
	}
}
