package server

import (
	"slices"
	"strings"
	"time"

	"github.com/govs/ovs/db/database"
	"github.com/govs/ovs/db/ovsdb"
)

// MemoryUsage adds the server's counts to usage, with the keys OVS's
// ovsdb-server reports in memory/show: "cells", "atoms" and "n-weak-refs"
// over every database (_Server included), "monitors" (distinct monitored
// table/column sets, which OVS shares between clients), and, when not zero,
// "sessions", "triggers" (transactions waiting on "wait") and "backlog"
// (bytes queued to clients). Register it with internal/memory:
// memory.Report(srv.MemoryUsage).
func (s *Server) MemoryUsage(usage map[string]uint64) {
	s.mu.Lock()
	dbs := make([]*dbState, 0, len(s.dbs))
	for _, d := range s.dbs {
		dbs = append(dbs, d)
	}
	sessions := s.sessionList()
	s.mu.Unlock()

	var cells, atoms, weak uint64
	monitors := make(map[string]bool)
	for _, d := range dbs {
		c, a, w := countDB(d.database())
		cells += c
		atoms += a
		weak += w
		d.mu.Lock()
		for _, sh := range d.shapes {
			monitors[d.name+"\x00"+sh.base] = true
		}
		d.mu.Unlock()
	}
	usage["cells"] += cells
	usage["atoms"] += atoms
	usage["n-weak-refs"] += weak
	usage["monitors"] += uint64(len(monitors))
	var triggers, backlog uint64
	for _, ss := range sessions {
		triggers += uint64(ss.nTrig.Load())
		backlog += uint64(ss.conn.Backlog())
	}
	if n := len(sessions); n > 0 {
		usage["sessions"] += uint64(n)
	}
	if triggers > 0 {
		usage["triggers"] += triggers
	}
	if backlog > 0 {
		usage["backlog"] += backlog
	}
}

// countDB counts a database's cells (one per column of every row, _uuid
// and _version included), atoms (every key and value in them) and weak
// references, as OVS's counters do.
func countDB(db *database.Database) (cells, atoms, weak uint64) {
	schema := db.Schema()
	db.View(func(tx database.ReadTx) {
		for _, tn := range schema.TableNames {
			ts := schema.Tables[tn]
			var weakCols []*ovsdb.ColumnSchema
			for _, c := range ts.AllColumns {
				if c.Type.Key.IsWeakRef() || c.Type.Value.IsWeakRef() {
					weakCols = append(weakCols, c)
				}
			}
			tx.Rows(tn, func(row *ovsdb.Row) bool {
				cells += uint64(len(row.Fields))
				for i := range row.Fields {
					atoms += uint64(len(row.Fields[i].Keys) + len(row.Fields[i].Values))
				}
				for _, c := range weakCols {
					d := &row.Fields[c.Index]
					if c.Type.Key.IsWeakRef() {
						weak += uint64(len(d.Keys))
					}
					if c.Type.Value.IsWeakRef() {
						weak += uint64(len(d.Values))
					}
				}
				return true
			})
		}
	})
	return cells, atoms, weak
}

// SessionInfo describes one client connection, for status reporting (the
// status column of a remote's row, ovsdb-server/list-remotes and the like).
type SessionInfo struct {
	// Name is the connection's name in log messages: "unix#3",
	// "tcp:192.0.2.1:53412".
	Name string
	// Remote is SessionOptions.Remote.
	Remote string
	// Connected is when the session started.
	Connected time.Time
	// LocksHeld and LocksWaiting name the locks the client owns and
	// waits for; LocksLost counts the locks stolen from it.
	LocksHeld, LocksWaiting []string
	LocksLost               int
	// Monitors and Triggers count the client's monitors and waiting
	// transactions; Backlog is the bytes queued to it.
	Monitors, Triggers, Backlog int
}

// Sessions describes the connected clients, ordered by remote and name.
func (s *Server) Sessions() []SessionInfo {
	s.mu.Lock()
	sessions := s.sessionList()
	s.mu.Unlock()
	infos := make([]SessionInfo, 0, len(sessions))
	for _, ss := range sessions {
		held, waiting := s.locks.names(ss)
		info := SessionInfo{
			Name:         ss.name,
			Remote:       ss.opts.Remote,
			Connected:    ss.created,
			LocksHeld:    held,
			LocksWaiting: waiting,
			LocksLost:    int(ss.locksLost.Load()),
			Triggers:     int(ss.nTrig.Load()),
			Backlog:      ss.conn.Backlog(),
		}
		for _, d := range s.dbList() {
			d.mu.Lock()
			for _, sh := range d.shapes {
				for _, m := range sh.monitors {
					if m.s == ss {
						info.Monitors++
					}
				}
			}
			d.mu.Unlock()
		}
		infos = append(infos, info)
	}
	slices.SortFunc(infos, func(a, b SessionInfo) int {
		if c := strings.Compare(a.Remote, b.Remote); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return infos
}

func (s *Server) dbList() []*dbState {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := make([]*dbState, 0, len(s.dbs))
	for _, d := range s.dbs {
		l = append(l, d)
	}
	return l
}
