package vlog

import (
	"sync"
	"time"
)

// msgTokens is what one message costs, chosen so that a refill rate of
// "perMinute tokens per millisecond" lets through perMinute messages per
// minute (60000 ms per minute), with integer arithmetic throughout.
const msgTokens = 60 * 1000

// RateLimit is a token bucket limiting how often a log site emits messages:
// perMinute messages per minute on average, in bursts of up to burst. When
// messages were suppressed, the next one that gets through is preceded by a
// "Dropped N log messages..." report, as OVS does.
//
// One RateLimit is normally shared by all messages of one call site (a
// package-level var), so a storm of identical warnings costs one line a few
// times a minute instead of flooding the log.
type RateLimit struct {
	mu        sync.Mutex
	rate      uint64 // tokens added per millisecond
	burst     uint64 // bucket capacity in tokens
	tokens    uint64
	lastFill  time.Time
	filled    bool // lastFill is valid
	nDropped  uint64
	firstDrop time.Time
	lastDrop  time.Time
}

// NewRateLimit returns a limiter that allows perMinute messages per minute,
// in bursts of up to burst messages. Non-positive values are treated as 1 so
// that a misconfigured limiter still lets something through.
func NewRateLimit(perMinute, burst int) *RateLimit {
	if perMinute < 1 {
		perMinute = 1
	}
	if burst < 1 {
		burst = 1
	}
	return &RateLimit{rate: uint64(perMinute), burst: uint64(burst) * msgTokens}
}

// withdraw takes n tokens if available, refilling for the time elapsed.
func (rl *RateLimit) withdraw(now time.Time, n uint64) bool {
	if rl.tokens < n {
		if !rl.filled {
			// A fresh bucket starts full.
			rl.tokens = rl.burst
			rl.filled = true
			rl.lastFill = now
		} else if elapsed := now.Sub(rl.lastFill).Milliseconds(); elapsed > 0 {
			add := uint64(elapsed) * rl.rate
			if uint64(elapsed) != 0 && add/uint64(elapsed) != rl.rate {
				add = rl.burst // overflow: saturate
			}
			rl.tokens += add
			if rl.tokens > rl.burst || rl.tokens < add {
				rl.tokens = rl.burst
			}
			rl.lastFill = now
		}
		if rl.tokens < n {
			return false
		}
	}
	rl.tokens -= n
	return true
}

// allow decides whether one message at level from m may be emitted now. When
// messages were dropped before it, it first logs the OVS drop report.
func (rl *RateLimit) allow(m *Module, level Level) bool {
	now := clock()
	rl.mu.Lock()
	if !rl.withdraw(now, msgTokens) {
		if rl.nDropped == 0 {
			rl.firstDrop = now
		}
		rl.lastDrop = now
		rl.nDropped++
		rl.mu.Unlock()
		return false
	}
	if rl.nDropped == 0 {
		rl.mu.Unlock()
		return true
	}
	n := rl.nDropped
	delay := int64(now.Sub(rl.firstDrop) / time.Second)
	since := int64(now.Sub(rl.lastDrop) / time.Second)
	rl.nDropped = 0
	rl.mu.Unlock()
	m.Log(level, "Dropped %d log messages in last %d seconds (most recently, %d seconds ago) due to excessive rate",
		n, delay, since)
	return true
}
