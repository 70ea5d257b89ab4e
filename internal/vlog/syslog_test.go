package vlog

import (
	"net"
	"path/filepath"
	"testing"
	"time"
)

func listenUnixgram(t *testing.T) (*net.UnixConn, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "log.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Skipf("unix datagram sockets unavailable: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, path
}

func recvAll(t *testing.T, c net.PacketConn, n int) []string {
	t.Helper()
	var out []string
	buf := make([]byte, 4096)
	for range n {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		k, _, err := c.ReadFrom(buf)
		if err != nil {
			t.Fatalf("after %q: %v", out, err)
		}
		out = append(out, string(buf[:k]))
	}
	return out
}

func expectDatagrams(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("datagram %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}

func TestSyslogUnixMethod(t *testing.T) {
	setup(t)
	c, path := listenUnixgram(t)
	if err := SetSyslogMethod("unix:" + path); err != nil {
		t.Fatal(err)
	}
	testMod.Info("hello")
	testMod.Warn("careful")
	mustSet(t, "FACILITY:local2")
	testMod.Err("bad")
	mustSet(t, "PATTERN:syslog:%c%T%%%t%n%m")
	testMod.Info("two lines")
	// As ovsdb-server 3.1 sends them with --syslog-method=unix:FILE.
	expectDatagrams(t, recvAll(t, c, 5), []string{
		"<29>ovs|00001|test_mod|INFO|hello",
		"<28>ovs|00002|test_mod|WARN|careful",
		"<147>ovs|00003|test_mod|ERR|bad",
		"<149>test_mod%main",
		"<149>two lines",
	})
}

func TestSyslogLibcFormat(t *testing.T) {
	setup(t)
	c, path := listenUnixgram(t)
	mu.Lock()
	setSyslogLocked(syslogLibc, path) // /dev/log, redirected
	mu.Unlock()
	testMod.Info("hello")
	mustSet(t, "FACILITY:local2")
	testMod.Warn("w")
	// glibc's syslog(3) header, local time, as captured from ovsdb-server.
	ts := testTime.Local().Format("Jan _2 15:04:05")
	expectDatagrams(t, recvAll(t, c, 2), []string{
		"<29>" + ts + " test-prog: ovs|00001|test_mod|INFO|hello",
		"<148>" + ts + " test-prog: ovs|00002|test_mod|WARN|w",
	})
}

func TestSyslogUDPMethodAndTarget(t *testing.T) {
	setup(t)
	m, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback UDP: %v", err)
	}
	defer m.Close()
	tg, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Skipf("no loopback UDP: %v", err)
	}
	defer tg.Close()
	if err := SetSyslogMethod("udp:" + m.LocalAddr().String()); err != nil {
		t.Fatal(err)
	}
	if err := SetSyslogTarget(tg.LocalAddr().String()); err != nil {
		t.Fatal(err)
	}
	testMod.Info("hello")
	mustSet(t, "FACILITY:local3")
	mustSet(t, "test_mod:dbg")
	testMod.Dbg("dbg")
	expectDatagrams(t, recvAll(t, m, 2), []string{
		"<29>ovs|00001|test_mod|INFO|hello",
		"<159>ovs|00002|test_mod|DBG|dbg",
	})
	// RFC 5424, as ovsdb-server 3.1 sends to --syslog-target.
	expectDatagrams(t, recvAll(t, tg, 2), []string{
		"<133>1 2026-11-23T10:39:40.861Z testhost test-prog 4242 test_mod - \xef\xbb\xbfhello",
		"<159>1 2026-11-23T10:39:40.861Z testhost test-prog 4242 test_mod - \xef\xbb\xbfdbg",
	})
}

func TestSyslogMissingDaemon(t *testing.T) {
	setup(t)
	if err := SetSyslogMethod("unix:" + filepath.Join(t.TempDir(), "absent")); err != nil {
		t.Fatal(err)
	}
	testMod.Info("nobody listens") // must neither fail nor block
	testMod.Info("still fine")
}

func TestSyslogMethodAndTargetErrors(t *testing.T) {
	setup(t)
	if err := SetSyslogMethod("bogus"); err == nil || err.Error() != "unsupported syslog method 'bogus'" {
		t.Errorf("SetSyslogMethod(bogus): %v", err)
	}
	for _, m := range []string{"libc", "null", "unix:", "udp:1.2.3.4"} {
		if err := SetSyslogMethod(m); err != nil {
			t.Errorf("SetSyslogMethod(%q): %v", m, err)
		}
	}
	// Texts as ovsdb-server 3.1 logs them for --syslog-target.
	for _, tc := range []struct{ in, err string }{
		{"1.2.3.4", "1.2.3.4: port must be specified"},
		{"::1:514", "::1:514: port must be specified"},
		{"1.2.3.4:99999", `1.2.3.4:99999: bad port number "99999"`},
		{"1.2.3.4:abc", `1.2.3.4:abc: bad port number "abc"`},
		{"[::1]:514", ""},
		{"127.0.0.1:514", ""},
	} {
		err := SetSyslogTarget(tc.in)
		if (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("SetSyslogTarget(%q) = %v, want %q", tc.in, err, tc.err)
		}
	}
	SetSyslogTarget("")
}

func TestInitSyslogEnv(t *testing.T) {
	setup(t)
	mu.Lock()
	syslogMethodChosen = false
	mu.Unlock()
	t.Setenv("OVS_SYSLOG_METHOD", "bogus")
	if err := Init(); err == nil || err.Error() != "unsupported syslog method 'bogus'" {
		t.Errorf("Init with bogus env: %v", err)
	}
	mu.Lock()
	syslogMethodChosen = false
	mu.Unlock()
	t.Setenv("OVS_SYSLOG_METHOD", "null")
	if err := Init(); err != nil {
		t.Error(err)
	}
	// A --syslog-method option wins over the environment.
	mu.Lock()
	syslogMethodChosen = false
	mu.Unlock()
	t.Setenv("OVS_SYSLOG_METHOD", "bogus")
	if err := SetSyslogMethod("null"); err != nil {
		t.Fatal(err)
	}
	if err := Init(); err != nil {
		t.Errorf("Init after --syslog-method: %v", err)
	}
}
