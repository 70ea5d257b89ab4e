package vlog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/govs/ovs/internal/getopt"
)

func handleAll(t *testing.T, args ...string) error {
	t.Helper()
	ps, _, err := getopt.Parse(args, Options(), getopt.Permute)
	if err != nil {
		t.Fatalf("getopt: %v", err)
	}
	for _, p := range ps {
		handled, err := HandleOption(p)
		if !handled {
			t.Fatalf("option %s not handled", p.Name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func TestOptions(t *testing.T) {
	con, _ := setup(t)
	if err := handleAll(t, "-v"); err != nil || levels(testMod) != [3]Level{Dbg, Dbg, Dbg} {
		t.Errorf("-v: %v %v", err, levels(testMod))
	}
	if err := handleAll(t, "-vconsole:emer", "--verb=test_mod:file:warn"); err != nil ||
		levels(testMod) != [3]Level{Emer, Dbg, Warn} {
		t.Errorf("-vconsole:emer --verb=...: %v %v", err, levels(testMod))
	}
	// ovsdb-server 3.1: `ovsdb-server: processing "bogus": no destination, level, or module "bogus"`.
	err := handleAll(t, "-vbogus")
	if err == nil || err.Error() != `processing "bogus": no destination, level, or module "bogus"` {
		t.Errorf("-vbogus: %v", err)
	}
	err = handleAll(t, "--verbose=ANY:nope")
	if err == nil || err.Error() != `processing "ANY:nope": no destination, level, or module "nope"` {
		t.Errorf("--verbose=ANY:nope: %v", err)
	}
	if err := handleAll(t, "--syslog-method=bogus"); err == nil || err.Error() != "unsupported syslog method 'bogus'" {
		t.Errorf("--syslog-method=bogus: %v", err)
	}
	mustSet(t, "console:info")
	before := len(con.String())
	if err := handleAll(t, "--syslog-target=1.2.3.4"); err != nil {
		t.Errorf("--syslog-target=1.2.3.4: %v", err)
	}
	if got := con.String()[before:]; !strings.HasSuffix(got, "|socket_util|ERR|1.2.3.4: port must be specified\n") {
		t.Errorf("bad --syslog-target logged %q", got)
	}
	before = len(con.String())
	if err := handleAll(t, "--syslog-target=127.0.0.1:9"); err != nil {
		t.Error(err)
	}
	if got := con.String()[before:]; !strings.HasSuffix(got, "|vlog|WARN|--syslog-target flag is deprecated, use --syslog-method instead\n") {
		t.Errorf("--syslog-target logged %q", got)
	}
	SetSyslogTarget("")

	path := filepath.Join(t.TempDir(), "o.log")
	if err := handleAll(t, "--log-file="+path); err != nil {
		t.Fatal(err)
	}
	if LogFilePath() != path {
		t.Errorf("log file %q", LogFilePath())
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
	err = handleAll(t, "--log-file=/nonexistent-dir/x.log")
	if !errors.Is(err, ErrAlreadyLogged) {
		t.Errorf("unopenable --log-file: %v, want ErrAlreadyLogged", err)
	}
	t.Setenv("OVS_LOGDIR", t.TempDir())
	if err := handleAll(t, "--log-file"); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(os.Getenv("OVS_LOGDIR"), "test-prog.log"); LogFilePath() != want {
		t.Errorf("--log-file without argument: %q, want %q", LogFilePath(), want)
	}

	if handled, _ := HandleOption(getopt.Parsed{Opt: &getopt.Option{Name: "pidfile"}, Name: "pidfile"}); handled {
		t.Error("HandleOption claimed --pidfile")
	}
}

func TestOptionsHelp(t *testing.T) {
	// ovsdb-server --help, "Logging options" block.
	want := "\nLogging options:\n" +
		"  -vSPEC, --verbose=SPEC   set logging levels\n" +
		"  -v, --verbose            set maximum verbosity level\n" +
		"  --log-file[=FILE]        enable logging to specified FILE\n" +
		"                           (default: /var/log/openvswitch/ovsdb-server.log)\n" +
		"  --syslog-method=(libc|unix:file|udp:ip:port)\n" +
		"                           specify how to send messages to syslog daemon\n" +
		"  --syslog-target=HOST:PORT  also send syslog msgs to HOST:PORT via UDP\n"
	if got := OptionsHelp("/var/log/openvswitch/ovsdb-server.log"); got != want {
		t.Errorf("got\n%s", got)
	}
}
