package paths

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

var allVars = []string{"OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR", "OVS_SYSCONFDIR", "OVS_PKGDATADIR", "OVS_BINDIR", "OVS_SBINDIR"}

// clearEnv unsets every override for the duration of the test.
func clearEnv(t *testing.T) {
	for _, v := range allVars {
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
}

func TestDefaults(t *testing.T) {
	clearEnv(t)
	for _, c := range []struct{ got, want string }{
		{RunDir(), "/var/run/openvswitch"},
		{LogDir(), "/var/log/openvswitch"},
		{SysConfDir(), "/etc"},
		{DBDir(), "/etc/openvswitch"},
		{PkgDataDir(), "/usr/share/openvswitch"},
		{BinDir(), "/usr/bin"},
		{SbinDir(), "/usr/sbin"},
		{DefaultDB(), "/etc/openvswitch/conf.db"},
		{DefaultSchema(), "/usr/share/openvswitch/vswitch.ovsschema"},
		{DBSock(), "/var/run/openvswitch/db.sock"},
		{Pidfile("ovs-vswitchd"), "/var/run/openvswitch/ovs-vswitchd.pid"},
		{LogFile("ovsdb-server"), "/var/log/openvswitch/ovsdb-server.log"},
		{CtlSocket("ovs-vswitchd", 123), "/var/run/openvswitch/ovs-vswitchd.123.ctl"},
		{Abs("", "x.pid"), "/var/run/openvswitch/x.pid"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestOverrides(t *testing.T) {
	clearEnv(t)
	t.Setenv("OVS_RUNDIR", "/r")
	t.Setenv("OVS_LOGDIR", "/l")
	t.Setenv("OVS_SYSCONFDIR", "/s")
	t.Setenv("OVS_PKGDATADIR", "/p")
	t.Setenv("OVS_BINDIR", "/b")
	t.Setenv("OVS_SBINDIR", "/sb")
	for _, c := range []struct{ got, want string }{
		{RunDir(), "/r"},
		{LogDir(), "/l"},
		{SysConfDir(), "/s"},
		{DBDir(), "/s/openvswitch"},
		{DefaultDB(), "/s/openvswitch/conf.db"},
		{PkgDataDir(), "/p"},
		{BinDir(), "/b"},
		{SbinDir(), "/sb"},
		{DefaultSchema(), "/p/vswitch.ovsschema"},
		{DBSock(), "/r/db.sock"},
		{Pidfile("ovsdb-server"), "/r/ovsdb-server.pid"},
		{LogFile("ovs-vsctl"), "/l/ovs-vsctl.log"},
		{CtlSocket("ovsdb-server", 7), "/r/ovsdb-server.7.ctl"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	t.Setenv("OVS_DBDIR", "/d")
	if got := DefaultDB(); got != "/d/conf.db" {
		t.Errorf("DefaultDB with OVS_DBDIR = %q", got)
	}
}

func TestEmptyValues(t *testing.T) {
	clearEnv(t)
	// Empty means default for these...
	for _, v := range []string{"OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR", "OVS_PKGDATADIR", "OVS_BINDIR"} {
		t.Setenv(v, "")
	}
	if RunDir() != "/var/run/openvswitch" || LogDir() != "/var/log/openvswitch" ||
		DBDir() != "/etc/openvswitch" || PkgDataDir() != "/usr/share/openvswitch" || BinDir() != "/usr/bin" {
		t.Errorf("empty overrides not ignored: %q %q %q %q %q", RunDir(), LogDir(), DBDir(), PkgDataDir(), BinDir())
	}
	// ...but not for OVS_SYSCONFDIR.
	t.Setenv("OVS_SYSCONFDIR", "")
	if SysConfDir() != "" || DefaultDB() != "/openvswitch/conf.db" {
		t.Errorf("OVS_SYSCONFDIR=\"\": SysConfDir %q, DefaultDB %q", SysConfDir(), DefaultDB())
	}
}

func TestNoCleaning(t *testing.T) {
	clearEnv(t)
	t.Setenv("OVS_RUNDIR", "/tmp/rd/")
	if got := Pidfile("ovsdb-server"); got != "/tmp/rd//ovsdb-server.pid" {
		t.Errorf("Pidfile = %q", got)
	}
	t.Setenv("OVS_RUNDIR", "relrun")
	if got := DBSock(); got != "relrun/db.sock" {
		t.Errorf("DBSock = %q", got)
	}
}

func TestAbs(t *testing.T) {
	clearEnv(t)
	t.Setenv("OVS_RUNDIR", "/run/x")
	for _, c := range []struct{ dir, name, want string }{
		{"", "rel.pid", "/run/x/rel.pid"},
		{"", "/abs/p.pid", "/abs/p.pid"},
		{"", "sub/../rel.ctl", "/run/x/sub/../rel.ctl"},
		{"", "./rel", "/run/x/./rel"},
		{"/other", "f", "/other/f"},
		{"/other", "/f", "/f"},
		{"rel", "f", "rel/f"},
	} {
		if got := Abs(c.dir, c.name); got != c.want {
			t.Errorf("Abs(%q, %q) = %q, want %q", c.dir, c.name, got, c.want)
		}
	}
}

// TestAgainstOVS compares with the defaults the real tools print in --help.
func TestAgainstOVS(t *testing.T) {
	tool := lookOVS(t, "ovsdb-tool")
	for _, env := range [][]string{
		nil,
		{"OVS_SYSCONFDIR=/tmp/sc"},
		{"OVS_SYSCONFDIR="},
		{"OVS_SYSCONFDIR=/tmp/sc", "OVS_DBDIR=/tmp/db"},
		{"OVS_DBDIR=", "OVS_PKGDATADIR=", "OVS_LOGDIR="},
		{"OVS_PKGDATADIR=/tmp/pk", "OVS_LOGDIR=rel/log/", "OVS_RUNDIR=/tmp/rd/"},
		{"OVS_RUNDIR="},
	} {
		clearEnv(t)
		cmd := exec.Command(tool, "--help")
		cmd.Dir = t.TempDir()
		cmd.Env = os.Environ()
		for _, kv := range env {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
			cmd.Env = append(cmd.Env, kv)
		}
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v: %v", env, err)
		}
		for _, prog := range []string{"ovsdb-server", "ovs-vsctl"} {
			c := exec.Command(lookOVS(t, prog), "--help")
			c.Dir, c.Env = t.TempDir(), cmd.Env
			more, err := c.Output()
			if err != nil {
				t.Fatalf("%s: %v", prog, err)
			}
			out = append(out, more...)
		}
		for _, want := range []string{
			"The default DB is " + DefaultDB() + ".\n",
			"The default SCHEMA is " + DefaultSchema() + ".\n",
			"(default: " + LogFile("ovsdb-tool") + ")\n",
			"The default DATABASE, if none is given, is\n" + DefaultDB() + ".\n",
			"(default: " + Pidfile("ovsdb-server") + ")\n",
			"(default: unix:" + DBSock() + ")\n",
		} {
			if !strings.Contains(string(out), want) {
				t.Errorf("env %q: ovsdb-tool --help lacks %q:\n%s", env, want, out)
			}
		}
	}
}

// TestAppctlTarget checks how ovs-appctl resolves a relative -t: <rundir>/TARGET.pid.
func TestAppctlTarget(t *testing.T) {
	appctl := lookOVS(t, "ovs-appctl")
	clearEnv(t)
	dir := t.TempDir()
	t.Setenv("OVS_RUNDIR", dir)
	for target, pidfile := range map[string]string{
		"foo":      Pidfile("foo"),
		"./foo":    Abs("", "./foo.pid"),
		"sub/../x": Abs("", "sub/../x.pid"),
		"foo.pid":  Abs(dir, "foo.pid.pid"),
	} {
		cmd := exec.Command(appctl, "-t", target, "version")
		cmd.Dir = dir
		out, _ := cmd.CombinedOutput()
		want := "cannot read pidfile \"" + pidfile + "\""
		if !strings.Contains(string(out), want) {
			t.Errorf("ovs-appctl -t %s: want %q in\n%s", target, want, out)
		}
	}
}

func lookOVS(t *testing.T, prog string) string {
	path, err := exec.LookPath(prog)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed", prog)
		}
		t.Skipf("%s not installed", prog)
	}
	return path
}
