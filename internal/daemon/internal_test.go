package daemon

import (
	"strings"
	"syscall"
	"testing"

	"github.com/govs/ovs/internal/getopt"
)

func TestStatusMsg(t *testing.T) {
	for _, tc := range []struct {
		ws   syscall.WaitStatus
		want string
	}{
		{0, "exit status 0"},
		{3 << 8, "exit status 3"},
		{syscall.WaitStatus(syscall.SIGSEGV), "killed (Segmentation fault)"},
		{syscall.WaitStatus(syscall.SIGSEGV) | 0x80, "killed (Segmentation fault), core dumped"},
		{syscall.WaitStatus(syscall.SIGTERM), "killed (Terminated)"},
		{syscall.WaitStatus(syscall.SIGKILL), "killed (Killed)"},
		{syscall.WaitStatus(syscall.SIGABRT), "killed (Aborted)"},
		{syscall.WaitStatus(syscall.SIGALRM), "killed (Alarm clock)"},
		{syscall.WaitStatus(syscall.SIGSTOP)<<8 | 0x7f, "stopped (Stopped (signal))"},
	} {
		if got := statusMsg(tc.ws); got != tc.want {
			t.Errorf("statusMsg(%#x) = %q, want %q", uint32(tc.ws), got, tc.want)
		}
	}
	if got := signalName(40); got != "Real-time signal 6" {
		t.Errorf("signalName(40) = %q", got)
	}
	if got := signalName(99); got != "Unknown signal 99" {
		t.Errorf("signalName(99) = %q", got)
	}
}

func TestIsCrash(t *testing.T) {
	// ovsdb-server(1), --monitor.
	crash := map[syscall.Signal]bool{
		syscall.SIGABRT: true, syscall.SIGALRM: true, syscall.SIGBUS: true, syscall.SIGFPE: true,
		syscall.SIGILL: true, syscall.SIGPIPE: true, syscall.SIGSEGV: true, syscall.SIGXCPU: true,
		syscall.SIGXFSZ: true,
	}
	for sig := syscall.Signal(1); sig < 32; sig++ {
		if isCrash(sig) != crash[sig] {
			t.Errorf("isCrash(%v) = %v", sig, isCrash(sig))
		}
	}
}

func TestStrerror(t *testing.T) {
	if got := strerror(syscall.ENOENT); got != "No such file or directory" {
		t.Errorf("got %q", got)
	}
	if got := strerror(syscall.EAGAIN); got != "Resource temporarily unavailable" {
		t.Errorf("got %q", got)
	}
}

func parse(t *testing.T, args ...string) (*Config, error) {
	t.Helper()
	parsed, _, err := getopt.Parse(args, Options(), getopt.Permute)
	if err != nil {
		t.Fatal(err)
	}
	c := new(Config)
	for _, p := range parsed {
		if ok, err := c.HandleOption("ovsdb-server", p); !ok || err != nil {
			return c, err
		}
	}
	return c, nil
}

func TestHandleOption(t *testing.T) {
	t.Setenv("OVS_RUNDIR", "/run/x")
	for _, tc := range []struct {
		args    []string
		pidfile string
	}{
		{[]string{"--pidfile"}, "/run/x/ovsdb-server.pid"},
		{[]string{"--pidfile=a.pid"}, "/run/x/a.pid"},
		{[]string{"--pidfile=/tmp/a.pid"}, "/tmp/a.pid"},
		{[]string{"--pidfile="}, "/run/x/"}, // OVS then fails on "/run/x/.tmp"
		{[]string{"--pidf"}, "/run/x/ovsdb-server.pid"},
		{nil, ""},
	} {
		c, err := parse(t, tc.args...)
		if err != nil || c.Pidfile != tc.pidfile {
			t.Errorf("%v: pidfile %q, %v; want %q", tc.args, c.Pidfile, err, tc.pidfile)
		}
	}
	c, _ := parse(t, "--detach", "--monitor", "--no-chdir", "--overwrite-pidfile", "--no-self-confinement")
	if !c.Detach || !c.Monitor || !c.NoChdir || !c.Overwrite || !c.NoSelfConfinement {
		t.Errorf("flags not set: %+v", c)
	}
	var p getopt.Parsed
	p.Name = "remote"
	if ok, _ := c.HandleOption("x", p); ok {
		t.Error("handled a non-daemon option")
	}
	help := OptionsHelp("ovsdb-server")
	if !strings.Contains(help, "  --pidfile[=FILE]        create pidfile (default: /run/x/ovsdb-server.pid)\n") ||
		!strings.HasPrefix(help, "\nDaemon options:\n  --detach                run in background as daemon\n") {
		t.Errorf("help:\n%s", help)
	}
}

func TestUserErrors(t *testing.T) {
	if syscall.Getuid() != 0 {
		_, err := parse(t, "--user=nobody")
		if err == nil || err.Error() != "(null): only root can use --user option" {
			t.Errorf("non-root --user: %v", err)
		}
		return
	}
	_, err := parse(t, "--user=no-such-user-govs")
	if err == nil || err.Error() != "(null): user no-such-user-govs not found, aborting." {
		t.Errorf("got %v", err)
	}
	_, err = parse(t, "--user=:no-such-group-govs")
	if err == nil || err.Error() != "(null): group no-such-group-govs not found, aborting." {
		t.Errorf("got %v", err)
	}
	c, err := parse(t, "--user=:")
	if err != nil || c.uid != 0 || c.gid != 0 {
		t.Errorf("--user=: gives %d:%d, %v", c.uid, c.gid, err)
	}
}

// FuzzUserSpec feeds arbitrary --user values (outside input) to the parser.
func FuzzUserSpec(f *testing.F) {
	for _, s := range []string{"nobody", "nobody:nogroup", ":", ":root", "a:b:c", "", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c Config
		err := c.setUser(s)
		if err == nil && c.User != s {
			t.Errorf("accepted %q but recorded %q", s, c.User)
		}
	})
}

// Only a process that may become the monitor pays for copying its
// arguments and environment out of the area the title overwrites.
func TestMayMonitor(t *testing.T) {
	for _, c := range []struct {
		args []string
		want bool
	}{
		{[]string{"ovs-vswitchd", "--monitor", "--detach"}, true},
		{[]string{"ovsdb-server", "--detach", "--moni"}, true},
		{[]string{"ovs", "vswitchd", "--m"}, true},
		{[]string{"ovs-vswitchd", "--detach", "--pidfile"}, false},
		{[]string{"ovs-vsctl", "--no-wait", "add-port", "br0", "p1"}, false},
		{[]string{"--monitor"}, false}, // the program name is not an option
		{nil, false},
	} {
		if got := mayMonitor(c.args); got != c.want {
			t.Errorf("mayMonitor(%q) = %v, want %v", c.args, got, c.want)
		}
	}
	// A re-executed stage of a daemon always copies.
	t.Setenv(envStage, stageMonitor)
	if !mayMonitor([]string{"ovs-vswitchd"}) {
		t.Error("mayMonitor with the stage variable set = false")
	}
}
