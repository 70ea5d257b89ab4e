// Package memory collects what the daemon's modules hold (cells, monitors,
// connections, ...) for `ovs-appctl memory/show`, and logs the process's
// memory growth the way OVS daemons do.
//
// Modules register reporters instead of pushing numbers: counting is done
// only when someone asks, so the hot paths carry no bookkeeping for it.
package memory

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

var log = vlog.NewModule("memory")

var (
	mu        sync.Mutex
	reporters []func(usage map[string]uint64)
)

// Report registers a reporter. When memory usage is shown, every reporter
// fills in its key->count pairs, e.g. {"cells": 123, "monitors": 2}; counts
// for a key reported by several reporters add up.
func Report(fn func(usage map[string]uint64)) {
	mu.Lock()
	reporters = append(reporters, fn)
	mu.Unlock()
}

// Usage collects the current key->count pairs from all reporters.
func Usage() map[string]uint64 {
	mu.Lock()
	rs := append([]func(map[string]uint64){}, reporters...)
	mu.Unlock()
	total := map[string]uint64{}
	part := map[string]uint64{}
	for _, fn := range rs {
		clear(part)
		fn(part)
		for k, v := range part {
			total[k] += v
		}
	}
	return total
}

// Format renders usage as OVS does: "key:value" pairs sorted by key,
// separated by spaces, without a trailing newline.
func Format(usage map[string]uint64) string {
	keys := make([]string, 0, len(usage))
	for k := range usage {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(usage[k], 10))
	}
	return b.String()
}

// Show renders the memory/show reply: the sorted pairs on one line, ending
// in a newline.
func Show() string {
	return Format(Usage()) + "\n"
}

// RegisterCommands registers memory/show.
func RegisterCommands(r vlog.CommandRegistrar) {
	r.Register("memory/show", "", 0, 0, func([]string) (string, error) {
		return Show(), nil
	})
}

// Growth reporting state, guarded by mu.
var (
	startTime    = time.Now()
	nextCheck    time.Time
	lastRSS      uint64 // kB; 0 until the first report
	lastReport   time.Time
	peakRSSFunc  = peakRSS
	firstReport  = 10 * time.Second
	checkEvery   = time.Second
	growthFactor = 1.5
)

// Run logs memory growth the way OVS daemons do; call it from the main loop
// (it does real work at most once a second). Ten seconds after start it logs
// the peak resident set size and the reporters' usage line, and then again
// each time the peak has grown by half since the last report:
//
//	memory|INFO|6852 kB peak resident set size after 10.0 seconds
//	memory|INFO|atoms:14 cells:20 monitors:0 n-weak-refs:0
//	memory|INFO|peak resident set size grew 51% in last 300.2 seconds, from 10000 kB to 15100 kB
func Run(now time.Time) {
	mu.Lock()
	if now.Before(nextCheck) {
		mu.Unlock()
		return
	}
	nextCheck = now.Add(checkEvery)
	rss := peakRSSFunc()
	switch {
	case lastRSS == 0:
		if now.Sub(startTime) < firstReport || rss == 0 {
			mu.Unlock()
			return
		}
		mu.Unlock()
		log.Info("%d kB peak resident set size after %.1f seconds", rss, now.Sub(startTime).Seconds())
	case float64(rss) >= float64(lastRSS)*growthFactor:
		prev, since := lastRSS, now.Sub(lastReport)
		mu.Unlock()
		log.Info("peak resident set size grew %.0f%% in last %.1f seconds, from %d kB to %d kB",
			(float64(rss)/float64(prev)-1)*100, since.Seconds(), prev, rss)
	default:
		mu.Unlock()
		return
	}
	mu.Lock()
	lastRSS, lastReport = rss, now
	mu.Unlock()
	if u := Format(Usage()); u != "" {
		log.Info("%s", u)
	}
}

// peakRSS returns the process's peak resident set size in kB.
func peakRSS() uint64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil || ru.Maxrss < 0 {
		return 0
	}
	return uint64(ru.Maxrss) // kilobytes on Linux
}
