package coverage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// withRegistry gives the test a fresh counter registry and tick state.
func withRegistry(t *testing.T) {
	t.Helper()
	mu.Lock()
	sc, sb := counters, byName
	sn, smi, shi, snr := nextRun, minIdx, hourIdx, nMinRuns
	counters, byName = nil, map[string]*Counter{}
	nextRun, minIdx, hourIdx, nMinRuns = time.Time{}, 0, 0, 0
	mu.Unlock()
	t.Cleanup(func() {
		mu.Lock()
		counters, byName = sc, sb
		nextRun, minIdx, hourIdx, nMinRuns = sn, smi, shi, snr
		mu.Unlock()
	})
}

// TestShowMatchesOVS rebuilds the state behind a real ovsdb-server 3.1
// coverage/show taken 7 s after start and expects its exact bytes.
func TestShowMatchesOVS(t *testing.T) {
	withRegistry(t)
	type ev struct {
		name         string
		first, later uint64 // counted before the first 5 s tick, after it
	}
	evs := []ev{
		{"hmap_pathological", 2, 0}, {"hmap_expand", 952, 3}, {"lockfile_lock", 1, 0},
		{"poll_create_node", 19, 4}, {"poll_zero_timeout", 1, 0}, {"seq_change", 3, 0},
		{"pstream_open", 2, 0}, {"unixctl_received", 1, 1}, {"unixctl_replied", 1, 1},
		{"util_xalloc", 13346, 319},
	}
	var cs []*Counter
	for _, e := range evs {
		cs = append(cs, New(e.name))
	}
	for i := range 102 {
		New(fmt.Sprintf("never_%03d", i))
	}
	t0 := time.Date(2026, 11, 23, 10, 29, 40, 0, time.UTC)
	Tick(t0)
	for i, e := range evs {
		cs[i].Add(e.first)
	}
	Tick(t0.Add(4 * time.Second)) // not due yet
	Tick(t0.Add(5 * time.Second))
	for i, e := range evs {
		cs[i].Add(e.later)
	}
	const want = "Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=e3aa3a8a:\n" +
		"hmap_pathological          0.4/sec     0.033/sec        0.0006/sec   total: 2\n" +
		"hmap_expand              190.4/sec    15.867/sec        0.2644/sec   total: 955\n" +
		"lockfile_lock              0.2/sec     0.017/sec        0.0003/sec   total: 1\n" +
		"poll_create_node           3.8/sec     0.317/sec        0.0053/sec   total: 23\n" +
		"poll_zero_timeout          0.2/sec     0.017/sec        0.0003/sec   total: 1\n" +
		"seq_change                 0.6/sec     0.050/sec        0.0008/sec   total: 3\n" +
		"pstream_open               0.4/sec     0.033/sec        0.0006/sec   total: 2\n" +
		"unixctl_received           0.2/sec     0.017/sec        0.0003/sec   total: 2\n" +
		"unixctl_replied            0.2/sec     0.017/sec        0.0003/sec   total: 2\n" +
		"util_xalloc              2669.2/sec   222.433/sec        3.7072/sec   total: 13665\n" +
		"102 events never hit\n"
	if got := Show(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestHashMatchesOVS(t *testing.T) {
	withRegistry(t)
	names := []string{"hmap_pathological", "hmap_expand", "lockfile_lock", "poll_create_node",
		"poll_zero_timeout", "seq_change", "pstream_open", "unixctl_received", "unixctl_replied", "util_xalloc"}
	for _, n := range names {
		New(n)
	}
	New("never_hit")
	// Two coverage/show headers from ovsdb-server 3.1 and the totals listed
	// under them.
	for _, tc := range []struct {
		totals []uint64
		want   uint32
	}{
		{[]uint64{2, 955, 1, 23, 1, 3, 2, 2, 2, 13665, 0}, 0xe3aa3a8a},
		{[]uint64{2, 1585, 1, 1485, 2, 3, 2, 99, 99, 38154, 0}, 0x87ae4b53},
	} {
		if got := hashHit(tc.totals); got != tc.want {
			t.Errorf("hash %08x, want %08x", got, tc.want)
		}
	}
}

func TestWindows(t *testing.T) {
	withRegistry(t)
	c := New("ev")
	t0 := time.Unix(1_000_000, 0)
	Tick(t0)
	// 10 events in each 5 s interval for 2 minutes.
	for i := 1; i <= 24; i++ {
		c.Add(10)
		Tick(t0.Add(time.Duration(i) * 5 * time.Second))
	}
	line := strings.Split(Show(), "\n")[1]
	want := fmt.Sprintf("%-24s %5.1f/sec %9.3f/sec %13.4f/sec   total: %d", "ev", 2.0, 2.0, 240.0/3600, 240)
	if line != want {
		t.Errorf("steady:\n got %q\nwant %q", line, want)
	}
	// Idle for 90 s in one go: the 5 s and minute windows drain, the hour
	// keeps the history.
	Tick(t0.Add(24*5*time.Second + 90*time.Second))
	line = strings.Split(Show(), "\n")[1]
	want = fmt.Sprintf("%-24s %5.1f/sec %9.3f/sec %13.4f/sec   total: %d", "ev", 0.0, 0.0, 240.0/3600, 240)
	if line != want {
		t.Errorf("idle:\n got %q\nwant %q", line, want)
	}
	// After more than an hour of idling everything reads zero, total stays.
	Tick(t0.Add(3 * time.Hour))
	line = strings.Split(Show(), "\n")[1]
	want = fmt.Sprintf("%-24s %5.1f/sec %9.3f/sec %13.4f/sec   total: %d", "ev", 0.0, 0.0, 0.0, 240)
	if line != want {
		t.Errorf("after hours:\n got %q\nwant %q", line, want)
	}
}

func TestNewReturnsExisting(t *testing.T) {
	withRegistry(t)
	a, b := New("x"), New("x")
	if a != b {
		t.Error("New registered a name twice")
	}
	a.Inc()
	b.Add(2)
	if a.Total() != 3 {
		t.Errorf("total %d", a.Total())
	}
	if got := Show(); !strings.HasSuffix(got, "0 events never hit\n") {
		t.Errorf("show:\n%s", got)
	}
}

type fakeRegistrar map[string]struct {
	usage    string
	min, max int
	fn       func([]string) (string, error)
}

func (r fakeRegistrar) Register(name, usage string, min, max int, fn func([]string) (string, error)) {
	r[name] = struct {
		usage    string
		min, max int
		fn       func([]string) (string, error)
	}{usage, min, max, fn}
}

func TestCommands(t *testing.T) {
	withRegistry(t)
	New("util_xalloc").Add(38154)
	r := fakeRegistrar{}
	RegisterCommands(r)
	show, read := r["coverage/show"], r["coverage/read-counter"]
	if show.usage != "" || show.min != 0 || show.max != 0 {
		t.Errorf("coverage/show registration %+v", show)
	}
	if read.usage != "COUNTER" || read.min != 1 || read.max != 1 {
		t.Errorf("coverage/read-counter registration %+v", read)
	}
	// As ovsdb-server 3.1 answers.
	if out, err := read.fn([]string{"util_xalloc"}); out != "38154\n" || err != nil {
		t.Errorf("read-counter: %q %v", out, err)
	}
	if _, err := read.fn([]string{"bogus"}); err == nil || err.Error() != "No such counter" {
		t.Errorf("read-counter bogus: %v", err)
	}
	if out, _ := show.fn(nil); !strings.HasPrefix(out, "Event coverage, avg rate over last: 5 seconds, last minute, last hour,  hash=") {
		t.Errorf("show: %q", out)
	}
}

func BenchmarkInc(b *testing.B) {
	c := New("bench_inc")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Inc()
		}
	})
}
