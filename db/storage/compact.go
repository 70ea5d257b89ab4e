package storage

import (
	"math/rand/v2"
	"time"
)

// The automatic compaction rule of ovsdb-server(1): "A database is also
// compacted automatically when a transaction is logged if it is over 2 times
// as large as its previous compacted size (and at least 10 MB), but not
// before 100 commits have been added or 10 minutes have elapsed since the
// last compaction. It will also be compacted automatically after 24 hours
// since the last compaction if 100 commits were added regardless of its
// size."
//
// "Not before A or B" is read as "neither before A nor before B": both the
// commit count and the minimum interval must be reached. Like OVS, the
// minimum interval is staggered by up to as much again at random, so that
// many servers started together do not all compact at once, and is ten times
// shorter after a failed compaction so that it is retried soon.
const (
	CompactMinTxns      = 100
	CompactMinSize      = 10 << 20
	CompactGrowthFactor = 2
	CompactMinInterval  = 10 * time.Minute
	CompactMaxInterval  = 24 * time.Hour
)

// CompactionState is what the compaction rule needs to know about a
// database file.
type CompactionState struct {
	// SnapshotSize is the file size after the last compaction; for a file
	// never compacted by this process, its size when opened.
	SnapshotSize int64
	// TxnsSinceSnapshot counts the records appended since the last
	// compaction; on open, the transaction records read from the file.
	TxnsSinceSnapshot int
	// LastSnapshot is when the file was last compacted (or opened).
	LastSnapshot time.Time
	// NextMin is the earliest time of the next automatic compaction;
	// zero means LastSnapshot + CompactMinInterval.
	NextMin time.Time
	// NextMax is when the size condition stops mattering; zero means
	// LastSnapshot + CompactMaxInterval.
	NextMax time.Time
}

// NewCompactionState starts the schedule after a compaction that left the
// file size bytes long, or after opening a file that size with txns
// transaction records in it.
func NewCompactionState(size int64, txns int, now time.Time) CompactionState {
	return CompactionState{
		SnapshotSize:      size,
		TxnsSinceSnapshot: txns,
		LastSnapshot:      now,
		NextMin:           now.Add(stagger(CompactMinInterval)),
		NextMax:           now.Add(CompactMaxInterval),
	}
}

// Postpone reschedules after a failed compaction: the next attempt may come
// after a minute or two, everything else stays.
func (st *CompactionState) Postpone(now time.Time) {
	st.NextMin = now.Add(stagger(CompactMinInterval / 10))
}

// stagger returns d plus a random part of d again.
func stagger(d time.Duration) time.Duration {
	return d + time.Duration(rand.Int64N(int64(d)))
}

// ShouldCompact applies the rule to a file now curSize bytes long: false
// before the minimum interval or before CompactMinTxns commits; true once the
// maximum interval has passed; otherwise true when the file is at least
// CompactMinSize and more than CompactGrowthFactor times its size after the
// last compaction.
func ShouldCompact(st CompactionState, curSize int64, now time.Time) bool {
	nextMin := st.NextMin
	if nextMin.IsZero() {
		nextMin = st.LastSnapshot.Add(CompactMinInterval)
	}
	if now.Before(nextMin) || st.TxnsSinceSnapshot < CompactMinTxns {
		return false
	}
	nextMax := st.NextMax
	if nextMax.IsZero() {
		nextMax = st.LastSnapshot.Add(CompactMaxInterval)
	}
	if !now.Before(nextMax) {
		return true
	}
	return curSize >= CompactMinSize && curSize/CompactGrowthFactor > st.SnapshotSize
}
