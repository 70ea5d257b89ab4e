package ovsdbserver

import (
	"errors"
	"sort"
	"strings"

	"github.com/govs/ovs/internal/coverage"
	"github.com/govs/ovs/internal/memory"
	"github.com/govs/ovs/internal/vlog"
)

// registerCommands registers the ovs-appctl commands, with OVS's names,
// usages and argument counts. They run under s.mu.
func (s *ovsdbServer) registerCommands() {
	c := s.ctl
	vlog.RegisterCommands(c)
	coverage.RegisterCommands(c)
	memory.RegisterCommands(c)

	c.Register("exit", "", 0, 0, func([]string) (string, error) {
		s.exit(0)
		return "", nil
	})
	c.Register("ovsdb-server/compact", "", 0, 1, func(args []string) (string, error) {
		name := ""
		if len(args) > 0 {
			name = args[0]
		}
		return "", s.compact(name)
	})
	c.Register("ovsdb-server/memory-trim-on-compaction", "on|off", 1, 1, func(args []string) (string, error) {
		switch args[0] {
		case "on":
			s.trim.Store(true)
		case "off":
			s.trim.Store(false)
		default:
			return "", errors.New("invalid argument")
		}
		state := "disabled"
		if s.trim.Load() {
			state = "enabled"
		}
		logServer.Info("memory trimming after compaction %s.", state)
		return "", nil
	})
	c.Register("ovsdb-server/reconnect", "", 0, 0, func([]string) (string, error) {
		s.reconnectAll()
		return "", nil
	})
	c.Register("ovsdb-server/add-remote", "REMOTE", 1, 1, func(args []string) (string, error) {
		if err := s.checkRemote(args[0]); err != nil {
			return "", err
		}
		if !s.remotes[args[0]] {
			s.remotes[args[0]] = true
			s.reconfigure()
		}
		return "", nil
	})
	c.Register("ovsdb-server/remove-remote", "REMOTE", 1, 1, func(args []string) (string, error) {
		if !s.remotes[args[0]] {
			return "", errors.New("no such remote")
		}
		delete(s.remotes, args[0])
		s.reconfigure()
		return "", nil
	})
	c.Register("ovsdb-server/list-remotes", "", 0, 0, func([]string) (string, error) {
		names := make([]string, 0, len(s.remotes))
		for r := range s.remotes {
			names = append(names, r)
		}
		sort.Strings(names)
		return lines(names), nil
	})
	c.Register("ovsdb-server/add-db", "DB", 1, 1, func(args []string) (string, error) {
		if err := s.addDB(args[0]); err != nil {
			return "", err
		}
		s.reconfigure()
		return "", nil
	})
	c.Register("ovsdb-server/remove-db", "DB", 1, 1, func(args []string) (string, error) {
		return "", s.removeDB(args[0])
	})
	c.Register("ovsdb-server/list-dbs", "", 0, 0, func([]string) (string, error) {
		return lines(s.srv.DatabaseNames()), nil
	})
	c.Register("ovsdb-server/tlog-set", "DB:TABLE on|off", 2, 2, func(args []string) (string, error) {
		return "", s.tlog.set(args[0], args[1])
	})
	c.Register("ovsdb-server/tlog-list", "", 0, 0, func([]string) (string, error) {
		return s.tlog.list(), nil
	})
	c.Register("ovsdb-server/perf-counters-show", "", 0, 0, func([]string) (string, error) {
		// What OVS prints where its perf-counter module is not built in,
		// as in Debian's package.
		return "performance counter is not supported on this platform\n", nil
	})
	c.Register("ovsdb-server/perf-counters-clear", "", 0, 0, func([]string) (string, error) {
		return "", nil
	})
	c.Register("ovsdb-server/disable-monitor-cond", "", 0, 0, func([]string) (string, error) {
		s.srv.SetMonitorCondEnabled(false)
		s.srv.Reconnect("user ran ovsdb-server/disable-monitor-cond")
		return "", nil
	})
	c.Register("ovsdb-server/get-db-storage-status", "DB", 1, 1, func(args []string) (string, error) {
		if s.srv.Database(args[0]) == nil {
			return "", errors.New("Failed to find the database.")
		}
		// A standalone file reports no storage errors: a torn tail was
		// logged at startup and is cut off by the next write.
		return "status: ok\n", nil
	})
	c.Register("ovsdb-server/sync-status", "", 0, 0, func([]string) (string, error) {
		// A standalone server is always the active one.
		return "state: active\n", nil
	})
}

// lines joins names one per line, each ending in a new-line.
func lines(names []string) string {
	var b strings.Builder
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.String()
}
