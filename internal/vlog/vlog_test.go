package vlog

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var testMod = NewModule("test_mod")

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Level
		ok   bool
	}{
		{"off", Off, true}, {"EMER", Emer, true}, {"err", Err, true}, {"Warn", Warn, true},
		{"info", Info, true}, {"dbg", Dbg, true}, {"DBG", Dbg, true},
		// OVS 3.1 rejects these ("no destination, level, or module").
		{"warning", 0, false}, {"debug", 0, false}, {"", 0, false}, {"error", 0, false},
	} {
		got, ok := ParseLevel(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	want := []string{"OFF", "EMER", "ERR", "WARN", "INFO", "DBG"}
	for l := Off; l <= Dbg; l++ {
		if l.String() != want[l] {
			t.Errorf("Level(%d).String() = %q, want %q", l, l.String(), want[l])
		}
	}
}

func TestDefaultLineFormats(t *testing.T) {
	con, _ := setup(t)
	path := filepath.Join(t.TempDir(), "x.log")
	if err := SetLogFile(path); err != nil {
		t.Fatal(err)
	}
	testMod.Info("hello %d", 42)
	testMod.Dbg("not shown")
	if got, want := con.String(),
		"2026-11-23T10:39:40Z|00001|vlog|INFO|opened log file "+path+"\n"+
			"2026-11-23T10:39:40Z|00002|test_mod|INFO|hello 42\n"; got != want {
		t.Errorf("console:\n%q\nwant\n%q", got, want)
	}
	data, _ := os.ReadFile(path)
	if got, want := string(data),
		"2026-11-23T10:39:40.861Z|00001|vlog|INFO|opened log file "+path+"\n"+
			"2026-11-23T10:39:40.861Z|00002|test_mod|INFO|hello 42\n"; got != want {
		t.Errorf("file:\n%q\nwant\n%q", got, want)
	}
}

func TestLevelsPerDestination(t *testing.T) {
	con, _ := setup(t)
	path := filepath.Join(t.TempDir(), "x.log")
	if err := SetLogFile(path); err != nil {
		t.Fatal(err)
	}
	mustSet(t, "console:warn")
	mustSet(t, "test_mod:file:dbg")
	testMod.Info("info msg")
	testMod.Warn("warn msg")
	testMod.Dbg("dbg msg")
	c := con.String()
	if strings.Contains(c, "info msg") || !strings.Contains(c, "|00003|test_mod|WARN|warn msg") || strings.Contains(c, "dbg msg") {
		t.Errorf("console got:\n%s", c)
	}
	data, _ := os.ReadFile(path)
	f := string(data)
	for _, s := range []string{"|00002|test_mod|INFO|info msg", "|00003|test_mod|WARN|warn msg", "|00004|test_mod|DBG|dbg msg"} {
		if !strings.Contains(f, s) {
			t.Errorf("file lacks %q:\n%s", s, f)
		}
	}
}

func TestEnabled(t *testing.T) {
	setup(t)
	if !testMod.Enabled(Info) || testMod.Enabled(Dbg) || testMod.Enabled(Off) {
		t.Error("defaults: want INFO enabled, DBG and OFF not")
	}
	// The file level only counts while a log file is open.
	mustSet(t, "test_mod:file:dbg")
	if testMod.Enabled(Dbg) {
		t.Error("DBG enabled through a file destination with no log file")
	}
	if err := SetLogFile(filepath.Join(t.TempDir(), "x.log")); err != nil {
		t.Fatal(err)
	}
	if !testMod.Enabled(Dbg) {
		t.Error("DBG not enabled with file:dbg and an open log file")
	}
	Close()
	if testMod.Enabled(Dbg) {
		t.Error("DBG still enabled after closing the log file")
	}
	mustSet(t, "off")
	if testMod.Enabled(Emer) {
		t.Error("EMER enabled with everything off")
	}
}

func mustSet(t testing.TB, spec string) {
	t.Helper()
	if err := Set(spec); err != nil {
		t.Fatalf("Set(%q): %v", spec, err)
	}
}

func levels(m *Module) [3]Level {
	return [3]Level{m.Level(Console), m.Level(Syslog), m.Level(File)}
}

func TestSetSpecs(t *testing.T) {
	setup(t)
	other := NewModule("test_other")
	I, D, W, E, O := Info, Dbg, Warn, Err, Off
	for _, tc := range []struct {
		spec      string
		mod, oth  [3]Level
		wantError string
	}{
		// Texts and effects checked against ovsdb-server 3.1 (vlog/set).
		{spec: "no_such_module:nope", wantError: `no destination, level, or module "no_such_module"`},
		{spec: "ANY:nope", wantError: `no destination, level, or module "nope"`},
		{spec: "foo", wantError: `no destination, level, or module "foo"`},
		{spec: "console:warning", wantError: `no destination, level, or module "warning"`},
		{spec: "console:file", wantError: "cannot specify multiple destinations"},
		{spec: "info:dbg", wantError: "cannot specify multiple levels"},
		{spec: "console:off:info", wantError: "cannot specify multiple levels"},
		{spec: "test_mod:test_other", wantError: "cannot specify multiple modules"},
		{spec: "console:PATTERN:x", wantError: `no destination, level, or module "PATTERN"`},
		{spec: "PATTERN", wantError: "missing destination"},
		{spec: "PATTERN:", wantError: "missing destination"},
		{spec: "PATTERN:bogus:%m", wantError: `unknown destination "bogus"`},
		{spec: "FACILITY", wantError: "invalid facility"},
		{spec: "FACILITY:", wantError: "invalid facility"},
		{spec: "FACILITY:bogus", wantError: "invalid facility"},
		{spec: "FACILITY:local1:extra", wantError: "invalid facility"},
		{spec: "FACILITY::local2", wantError: "invalid facility"},

		{spec: "", mod: [3]Level{D, D, D}, oth: [3]Level{D, D, D}},
		{spec: "  ", mod: [3]Level{D, D, D}, oth: [3]Level{D, D, D}},
		{spec: "console", mod: [3]Level{D, I, I}, oth: [3]Level{D, I, I}},
		{spec: "test_mod", mod: [3]Level{D, D, D}, oth: [3]Level{I, I, I}},
		{spec: "file:warn", mod: [3]Level{I, I, W}, oth: [3]Level{I, I, W}},
		{spec: "TEST_MOD:Console:ERR", mod: [3]Level{E, I, I}, oth: [3]Level{I, I, I}},
		{spec: "err,syslog test_mod", mod: [3]Level{I, E, I}, oth: [3]Level{I, I, I}},
		{spec: "console\tinfo", mod: [3]Level{I, I, I}, oth: [3]Level{I, I, I}},
		{spec: "ANY:ANY:off", mod: [3]Level{O, O, O}, oth: [3]Level{O, O, O}},
		{spec: "syslog:any:warn", mod: [3]Level{I, W, I}, oth: [3]Level{I, W, I}},
		{spec: "::off::", mod: [3]Level{O, O, O}, oth: [3]Level{O, O, O}},
		{spec: "FACILITY:LOCAL0", mod: [3]Level{I, I, I}, oth: [3]Level{I, I, I}},
	} {
		mustSet(t, "info")
		err := Set(tc.spec)
		if tc.wantError != "" {
			if err == nil || err.Error() != tc.wantError {
				t.Errorf("Set(%q) error = %v, want %q", tc.spec, err, tc.wantError)
			}
			continue
		}
		if err != nil {
			t.Errorf("Set(%q): %v", tc.spec, err)
			continue
		}
		if got := levels(testMod); got != tc.mod {
			t.Errorf("Set(%q): test_mod levels %v, want %v", tc.spec, got, tc.mod)
		}
		if got := levels(other); got != tc.oth {
			t.Errorf("Set(%q): test_other levels %v, want %v", tc.spec, got, tc.oth)
		}
	}
}

func TestSetPatternSpecs(t *testing.T) {
	setup(t)
	// The pattern is the rest of the spec after the delimiter ending the
	// destination, as OVS 3.1 shows in vlog/list-pattern.
	for _, tc := range []struct{ spec, console string }{
		{"PATTERN:console:a:b:c", "a:b:c"},
		{"PATTERN:CONSOLE:x y", "x y"},
		{"PATTERN : console : x", ": x"},
		{"PATTERN:console: x", " x"},
		{"PATTERN:console::x", ":x"},
		{"PATTERN,,console,x", "x"},
		{"PATTERN console x y", "x y"},
		{"pattern:console:%m", "%m"},
		{"PATTERN:console", ""},
		{"PATTERN:console:", ""},
	} {
		mustSet(t, tc.spec)
		if got := Pattern(Console); got != tc.console {
			t.Errorf("Set(%q): console pattern %q, want %q", tc.spec, got, tc.console)
		}
	}
	mustSet(t, "PATTERN:any:zz")
	for d := range nDest {
		if got := Pattern(Destination(d)); got != "zz" {
			t.Errorf("PATTERN:any: %v pattern %q", Destination(d), got)
		}
	}
}

func TestFacility(t *testing.T) {
	con, _ := setup(t)
	mustSet(t, "PATTERN:console:%B|%p")
	testMod.Info("x")
	testMod.Warn("x")
	mustSet(t, "FACILITY:local3")
	testMod.Err("x")
	mustSet(t, "test_mod:dbg")
	testMod.Dbg("x")
	testMod.Emer("x")
	// Unset facility shows as local0 in %B (OVS 3.1: 133 INFO, 132 WARN);
	// local3 DBG is 159.
	if got, want := con.String(), "133|INFO\n132|WARN\n155|ERR\n159|DBG\n153|EMER\n"; got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPatternRendering(t *testing.T) {
	con, _ := setup(t)
	mustSet(t, "test_mod:dbg")
	for _, tc := range []struct{ pattern, want string }{
		// Checked against ovsdb-server 3.1 output (pid, hostname, times differ).
		{"%-10c|%05N|%m|%10p|%-6p|%T|%t|%A|%P|%r|%E", "test_mod  |00001|msg|       DBG|DBG   ||main|test-prog|4242|1500|testhost\n"},
		{"%d|%D|%d{%H}|%%|%z|%5|", "2026-11-23 10:39:40.861|2026-11-23 10:39:40.861|10|%|z|    |\n"},
		{"%010m|%-010m|%08p", "0000000msg|msg       |00000DBG\n"},
		{"%D{%Y.###|%s.######|%a %b %e %j %Z %z %I %p %y}", "2026.861|1795430380.861000|Mon Nov 23 327 GMT +0000 10 AM 26\n"},
		{"%c{foo}|", "test_mod|\n"},
		{"<%-5{x}p|%5c{abc|%m>", "<{    x}p|test_mod\n"},
		{"a%nb", "a\nb\n"},
		// A trailing '%' makes OVS emit a NUL, which ends the C string:
		// the line loses its newline.
		{"%m%", "msg"},
		{"%m%08", "msg"},
		{"%-", ""},
		{"", "\n"},
		{"%%%", "%"},
		{"%B", "135\n"},
	} {
		mustSet(t, "PATTERN:console:"+tc.pattern)
		before := len(con.String())
		testMod.Dbg("msg")
		if got := con.String()[before:]; got != tc.want {
			t.Errorf("pattern %q:\n got %q\nwant %q", tc.pattern, got, tc.want)
		}
		mu.Lock()
		seq = 0
		mu.Unlock()
	}
	mustSet(t, "PATTERN:console:%t%T")
	SetSubprogramName("monitor")
	defer SetSubprogramName("")
	before := len(con.String())
	testMod.Info("x")
	if got := con.String()[before:]; got != "monitor(monitor)\n" {
		t.Errorf("%%t%%T with subprogram: %q", got)
	}
}

func TestStrftimeOracle(t *testing.T) {
	// Rendered by ovsdb-server 3.1 (glibc strftime, C locale, UTC) at
	// 2026-11-23T10:39:40Z.
	const f = "%G-%g-%V-%U-%W-%u-%w-%C-%k-%l-%P-%r-%R-%x-%X-%c-%Ec-%Oy-%q-%+-%F"
	const want = "2026-26-48-47-47-1-1-20-10-10-am-10:39:40 AM-10:39-11/23/26-10:39:40-Mon Nov 23 10:39:40 2026-Mon Nov 23 10:39:40 2026-26-%q-%+-2026-11-23"
	if got := string(appendStrftime(nil, f, testTime)); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// Edge days for week numbers, checked with GNU date (same glibc code).
	for _, tc := range []struct {
		t    time.Time
		f    string
		want string
	}{
		{time.Date(2027, 1, 1, 0, 5, 9, 0, time.UTC), "%U %W %V %G %j %e %k %l %I %p", "00 00 53 2026 001  1  0 12 12 AM"},
		{time.Date(2024, 12, 30, 13, 0, 0, 0, time.UTC), "%U %W %V %G %g %u %w %A %B", "52 53 01 2025 25 1 1 Monday December"},
	} {
		if got := string(appendStrftime(nil, tc.f, tc.t)); got != tc.want {
			t.Errorf("strftime(%q, %v) = %q, want %q", tc.f, tc.t, got, tc.want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	con, clk := setup(t)
	mustSet(t, "PATTERN:console:%p|%m")
	rl := NewRateLimit(5, 2) // 5 per minute, bursts of 2
	for i := range 6 {
		testMod.WarnRL(rl, "msg %d", i)
	}
	if got, want := con.String(), "WARN|msg 0\nWARN|msg 1\n"; got != want {
		t.Fatalf("burst: got\n%s", got)
	}
	clk.Advance(5 * time.Second)
	testMod.WarnRL(rl, "msg 6") // dropped: 5 s give 5/12 of a message
	clk.Advance(7 * time.Second)
	before := len(con.String())
	testMod.WarnRL(rl, "msg 7")
	want := "WARN|Dropped 5 log messages in last 12 seconds (most recently, 7 seconds ago) due to excessive rate\nWARN|msg 7\n"
	if got := con.String()[before:]; got != want {
		t.Errorf("after refill: got\n%s\nwant\n%s", got, want)
	}
	// Disabled rate limiting lets everything through.
	r := &fakeRegistrar{}
	RegisterCommands(r)
	if _, err := r.call("vlog/disable-rate-limit", "test_mod"); err != nil {
		t.Fatal(err)
	}
	before = len(con.String())
	for i := range 5 {
		testMod.WarnRL(rl, "free %d", i)
	}
	if got := strings.Count(con.String()[before:], "\n"); got != 5 {
		t.Errorf("rate limit disabled: %d lines, want 5", got)
	}
	if _, err := r.call("vlog/enable-rate-limit"); err != nil {
		t.Fatal(err)
	}
	before = len(con.String())
	for i := range 5 {
		testMod.WarnRL(rl, "limited %d", i)
	}
	if got := con.String()[before:]; got != "" {
		t.Errorf("rate limit re-enabled, bucket empty: got %q", got)
	}
	// Messages below the configured level neither pass nor count as drops.
	testMod.DbgRL(rl, "invisible")
	clk.Advance(time.Hour)
	before = len(con.String())
	testMod.InfoRL(rl, "back")
	if got, want := con.String()[before:], "INFO|Dropped 5 log messages in last 3600 seconds (most recently, 3600 seconds ago) due to excessive rate\nINFO|back\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestLogFileRotation(t *testing.T) {
	setup(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "d.log")
	if err := SetLogFile(path); err != nil {
		t.Fatal(err)
	}
	testMod.Info("one")
	// Reopening an unrotated file is a no-op (nothing logged).
	if err := Reopen(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	testMod.Info("two")
	if err := Reopen(); err != nil {
		t.Fatal(err)
	}
	testMod.Info("three")
	old, _ := os.ReadFile(path + ".1")
	cur, _ := os.ReadFile(path)
	wantOld := "2026-11-23T10:39:40.861Z|00001|vlog|INFO|opened log file " + path + "\n" +
		"2026-11-23T10:39:40.861Z|00002|test_mod|INFO|one\n" +
		"2026-11-23T10:39:40.861Z|00003|test_mod|INFO|two\n" +
		"2026-11-23T10:39:40.861Z|00004|vlog|INFO|closing log file\n"
	wantCur := "2026-11-23T10:39:40.861Z|00005|vlog|INFO|opened log file " + path + "\n" +
		"2026-11-23T10:39:40.861Z|00006|test_mod|INFO|three\n"
	if string(old) != wantOld {
		t.Errorf("rotated file:\n%s\nwant\n%s", old, wantOld)
	}
	if string(cur) != wantCur {
		t.Errorf("new file:\n%s\nwant\n%s", cur, wantCur)
	}
	// vlog/close logs nothing; a later reopen logs only the opening.
	Close()
	testMod.Info("lost")
	if err := Reopen(); err != nil {
		t.Fatal(err)
	}
	cur, _ = os.ReadFile(path)
	if want := wantCur + "2026-11-23T10:39:40.861Z|00008|vlog|INFO|opened log file " + path + "\n"; string(cur) != want {
		t.Errorf("after close+reopen:\n%s\nwant\n%s", cur, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("log file mode: %v %v", fi.Mode(), err)
	}
}

func TestLogFileErrors(t *testing.T) {
	con, _ := setup(t)
	err := SetLogFile("/nonexistent-dir/x.log")
	if err == nil || err.Error() != "failed to open /nonexistent-dir/x.log for logging: No such file or directory" {
		t.Errorf("err = %v", err)
	}
	if got := con.String(); got != "2026-11-23T10:39:40Z|00001|vlog|WARN|failed to open /nonexistent-dir/x.log for logging: No such file or directory\n" {
		t.Errorf("console: %q", got)
	}
	t.Setenv("OVS_LOGDIR", t.TempDir())
	if err := SetLogFile(""); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(os.Getenv("OVS_LOGDIR"), "test-prog.log"); LogFilePath() != want {
		t.Errorf("default log file %q, want %q", LogFilePath(), want)
	}
}

func TestConcurrentLogging(t *testing.T) {
	con, _ := setup(t)
	mustSet(t, "PATTERN:console:%N %m")
	var wg sync.WaitGroup
	const workers, each = 8, 200
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				testMod.Info("w%d i%d", w, i)
				if i%50 == 0 {
					mustSet(t, "console:info")
				}
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(con.String(), "\n"), "\n")
	if len(lines) != workers*each {
		t.Fatalf("%d lines, want %d", len(lines), workers*each)
	}
	for i, l := range lines {
		n, _, _ := strings.Cut(l, " ")
		if n != strings.TrimSpace(itoa(i+1)) {
			t.Fatalf("line %d has serial %s: serial numbers must follow output order", i+1, n)
		}
	}
}

func itoa(i int) string { return string(appendInt(nil, i)) }

func BenchmarkDisabledDbg(b *testing.B) {
	for i := 0; i < b.N; i++ {
		testMod.Dbg("x %d", i)
	}
}

func TestReopenFailureKeepsOldFile(t *testing.T) {
	setup(t)
	dir := filepath.Join(t.TempDir(), "ld")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "f.log")
	if err := SetLogFile(path); err != nil {
		t.Fatal(err)
	}
	moved := dir + "2"
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	r := &fakeRegistrar{}
	RegisterCommands(r)
	// ovsdb-server 3.1 replies "No such file or directory", logs the
	// failure to the old file and keeps writing there.
	if _, err := r.call("vlog/reopen"); err == nil || err.Error() != "No such file or directory" {
		t.Errorf("vlog/reopen: %v", err)
	}
	testMod.Info("still here")
	data, _ := os.ReadFile(filepath.Join(moved, "f.log"))
	want := "2026-11-23T10:39:40.861Z|00001|vlog|INFO|opened log file " + path + "\n" +
		"2026-11-23T10:39:40.861Z|00002|vlog|WARN|failed to open " + path + " for logging: No such file or directory\n" +
		"2026-11-23T10:39:40.861Z|00003|test_mod|INFO|still here\n"
	if string(data) != want {
		t.Errorf("old file:\n%s\nwant\n%s", data, want)
	}
}
