package vlog

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
)

// Module is one named logging module, OVS's VLOG_DEFINE_THIS_MODULE. Each
// has its own level per destination, settable with -v and vlog/set.
type Module struct {
	name string

	// levels holds the configured level per destination. Written under
	// cfgMu, read lock-free when a message is emitted.
	levels [nDest]atomic.Int32

	// maxLevel is the most verbose level any *active* destination accepts
	// (the file counts only while a log file is open), so Enabled is one
	// atomic load.
	maxLevel atomic.Int32

	// honorRateLimit is false after vlog/disable-rate-limit.
	honorRateLimit atomic.Bool
}

var (
	// cfgMu serialises configuration changes (levels, patterns, files) and
	// the module registry.
	cfgMu sync.Mutex
	// Sized for the modules of every tool, which all register at start-up.
	modules = make(map[string]*Module, 64)
	// sorted is the registry in vlog/list order, kept on registration.
	sorted = make([]*Module, 0, 64)
)

// NewModule registers a logging module, or returns the already registered
// one with that name. Modules start at the levels most recently applied to
// "all modules" (OVS's defaults: INFO everywhere).
func NewModule(name string) *Module {
	cfgMu.Lock()
	defer cfgMu.Unlock()
	if m, ok := modules[name]; ok {
		return m
	}
	m := &Module{name: name}
	for d := range nDest {
		m.levels[d].Store(int32(defaultLevels[d]))
	}
	m.honorRateLimit.Store(true)
	m.updateMaxLocked()
	modules[name] = m
	// Some forty modules register at the start of every tool: an insertion
	// in place, not a sort.Slice (which allocates) each time.
	i := sort.Search(len(sorted), func(i int) bool { return sorted[i].name >= name })
	sorted = slices.Insert(sorted, i, m)
	return m
}

// lookupModule finds a module by name, ignoring case as OVS does.
func lookupModule(name string) *Module {
	if m, ok := modules[name]; ok {
		return m
	}
	for _, m := range sorted {
		if equalFoldASCII(m.name, name) {
			return m
		}
	}
	return nil
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// Name returns the module's name as vlog/list and %c show it.
func (m *Module) Name() string { return m.name }

// Level returns the module's configured level for destination d.
func (m *Module) Level(d Destination) Level { return Level(m.levels[d].Load()) }

// Enabled reports whether a message at level would reach any destination, so
// callers can skip building expensive arguments.
func (m *Module) Enabled(level Level) bool {
	return level > Off && int32(level) <= m.maxLevel.Load()
}

// updateMaxLocked recomputes maxLevel; cfgMu must be held.
func (m *Module) updateMaxLocked() {
	max := Off
	for d := range nDest {
		if Destination(d) == File && !fileActive.Load() {
			continue
		}
		if l := Level(m.levels[d].Load()); l > max {
			max = l
		}
	}
	m.maxLevel.Store(int32(max))
}

// Log logs a message at level, formatted with fmt.Sprintf. Formatting happens
// only if the level is enabled, but Go evaluates (and may box) the arguments
// before the call, so hot paths wrap expensive or frequent debug logging in
// `if log.Enabled(vlog.Dbg) { ... }`.
func (m *Module) Log(level Level, format string, args ...any) {
	if !m.Enabled(level) {
		return
	}
	emit(m, level, fmt.Sprintf(format, args...))
}

// Emer logs at EMER: a major failure forced the process to abort.
func (m *Module) Emer(format string, args ...any) { m.Log(Emer, format, args...) }

// Err logs at ERR: an operation or subsystem failed.
func (m *Module) Err(format string, args ...any) { m.Log(Err, format, args...) }

// Warn logs at WARN: a low-level operation failed but may be recovered.
func (m *Module) Warn(format string, args ...any) { m.Log(Warn, format, args...) }

// Info logs at INFO.
func (m *Module) Info(format string, args ...any) { m.Log(Info, format, args...) }

// Dbg logs at DBG.
func (m *Module) Dbg(format string, args ...any) { m.Log(Dbg, format, args...) }

// LogRL logs at level unless rl says the message rate is too high.
func (m *Module) LogRL(rl *RateLimit, level Level, format string, args ...any) {
	if !m.Enabled(level) {
		return
	}
	if m.honorRateLimit.Load() && rl != nil {
		if !rl.allow(m, level) {
			return
		}
	}
	emit(m, level, fmt.Sprintf(format, args...))
}

// EmerRL logs at EMER, rate limited by rl.
func (m *Module) EmerRL(rl *RateLimit, format string, args ...any) {
	m.LogRL(rl, Emer, format, args...)
}

// ErrRL logs at ERR, rate limited by rl.
func (m *Module) ErrRL(rl *RateLimit, format string, args ...any) {
	m.LogRL(rl, Err, format, args...)
}

// WarnRL logs at WARN, rate limited by rl.
func (m *Module) WarnRL(rl *RateLimit, format string, args ...any) {
	m.LogRL(rl, Warn, format, args...)
}

// InfoRL logs at INFO, rate limited by rl.
func (m *Module) InfoRL(rl *RateLimit, format string, args ...any) {
	m.LogRL(rl, Info, format, args...)
}

// DbgRL logs at DBG, rate limited by rl.
func (m *Module) DbgRL(rl *RateLimit, format string, args ...any) {
	m.LogRL(rl, Dbg, format, args...)
}

// Fatal logs at EMER and exits the process with status 1, like OVS's
// VLOG_FATAL: for failures after which a daemon cannot go on.
func (m *Module) Fatal(format string, args ...any) {
	m.Log(Emer, format, args...)
	os.Exit(1)
}
