// Package vlog is OVS's logging facility ("vlog") for the Go daemons and
// tools: named modules with a level per destination (console, syslog, file),
// the pattern language that formats lines, token-bucket rate limiting, the
// -v/--log-file/--syslog-* command-line options and the vlog/* unixctl
// commands.
//
// Why not log/slog: scripts and operators parse OVS log lines, grep them by
// module, and drive levels through `ovs-appctl vlog/set`, whose spec syntax,
// error texts and vlog/list layout must match OVS byte for byte. The model
// (module × destination levels, %-patterns with strftime dates, a
// process-wide serial number) does not map onto slog handlers without
// re-implementing all of it anyway.
//
// Hard choices:
//   - Level checks are lock-free: each Module caches the most verbose level
//     any active destination accepts in one atomic, so a disabled debug call
//     costs one load and no formatting.
//   - All output goes through one mutex, which also makes the serial number
//     (%N) strictly increasing in every destination.
//   - Patterns are compiled when set, not parsed per message.
//   - Syslog datagrams are built here rather than with log/syslog, because
//     OVS's unix:/udp: methods and --syslog-target use OVS's own prefix
//     pattern and facility rules, and log/syslog would add its own header.
package vlog

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

var thisModule = NewModule("vlog")

// defaultLevels are given to modules registered later; "all modules" specs
// update them so that late registrations follow the configuration.
var defaultLevels = [nDest]Level{Info, Info, Info}

var (
	// mu serialises output (and with it the serial number) and guards the
	// destination state below.
	mu sync.Mutex

	seq     uint64
	scratch []byte
	// patterns are compiled on first use (patternLocked): most runs of
	// most tools log nothing, and every tool of the binary starts here.
	patterns [nDest]*pattern

	console io.Writer = os.Stderr

	logFile     *os.File
	logFilePath string // configured path; kept across Close so Reopen works
	fileActive  atomic.Bool

	// facility is the configured syslog facility, or -1 when never set (then
	// libc syslog uses "daemon" and OVS-formatted datagrams "local0").
	facility = -1

	programName = filepath.Base(os.Args[0])
	subprogram  string
	hostname    string
	pid         = os.Getpid()
	startTime   = time.Now()

	clockFn atomic.Pointer[func() time.Time]
)

func init() {
	hostname, _ = os.Hostname()
}

func clock() time.Time {
	if f := clockFn.Load(); f != nil {
		return (*f)()
	}
	return time.Now()
}

// SetClock replaces the time source used for timestamps, %r and rate
// limiting (tests, and later time/warp). nil restores the real clock.
func SetClock(now func() time.Time) {
	if now == nil {
		clockFn.Store(nil)
		return
	}
	clockFn.Store(&now)
}

// SetProgramName sets the name shown by %A, used as the syslog ident and in
// the default log file name.
func SetProgramName(name string) {
	mu.Lock()
	programName = name
	mu.Unlock()
}

// SetSubprogramName names this process for %t and %T (e.g. "monitor" for the
// --monitor parent); "" means the main program.
func SetSubprogramName(name string) {
	mu.Lock()
	subprogram = name
	mu.Unlock()
}

// SetConsoleWriter redirects console output (os.Stderr by default); nil
// discards it.
func SetConsoleWriter(w io.Writer) {
	mu.Lock()
	console = w
	mu.Unlock()
}

// priority is the RFC 5424 PRI of a message at level, as %B shows it.
func priority(l Level) int {
	f := facility
	if f < 0 {
		f = facLocal0
	}
	return f<<3 | syslogSeverity[l]
}

// emit writes one message to every destination whose level admits it.
func emit(m *Module, level Level, msg string) {
	now := clock()
	mu.Lock()
	defer mu.Unlock()
	seq++
	r := record{module: m, level: level, msg: msg, seq: seq, now: now}
	if console != nil && Level(m.levels[Console].Load()) >= level {
		b := append(patternLocked(Console).render(scratch[:0], &r), '\n')
		scratch = b
		console.Write(cString(b))
	}
	if logFile != nil && Level(m.levels[File].Load()) >= level {
		b := append(patternLocked(File).render(scratch[:0], &r), '\n')
		scratch = b
		logFile.Write(cString(b))
	}
	if Level(m.levels[Syslog].Load()) >= level {
		sendSyslog(&r)
	}
	if cap(scratch) > 64<<10 {
		scratch = nil // don't pin one huge message's buffer forever
	}
}

// logFileDefault is where --log-file without an argument writes.
func logFileDefault() string {
	dir := os.Getenv("OVS_LOGDIR")
	if dir == "" {
		dir = "/var/log/openvswitch"
	}
	return filepath.Join(dir, programName+".log")
}

// SetLogFile starts logging to path (appending), or to
// $OVS_LOGDIR/<program>.log if path is "". As in OVS the switch is itself
// logged: "closing log file" to the old file, "opened log file PATH" to the
// new. If path cannot be opened, the failure is logged (at WARN) and
// returned, and logging carries on with the previous file, if any.
func SetLogFile(path string) error {
	if path == "" {
		mu.Lock()
		path = logFileDefault()
		mu.Unlock()
	}
	return openLogFile(path)
}

// LogFileError is the error from opening a log file. Error gives OVS's log
// text; Err is what vlog/reopen replies with.
type LogFileError struct {
	Path string
	Err  error
}

func (e *LogFileError) Error() string {
	return "failed to open " + e.Path + " for logging: " + errnoText(e.Err)
}

func (e *LogFileError) Unwrap() error { return e.Err }

func openLogFile(path string) error {
	mu.Lock()
	if logFile != nil && logFilePath == path && sameFile(logFile, path) {
		// Reopening a file that was not rotated would only add noise.
		mu.Unlock()
		return nil
	}
	mu.Unlock()

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o660)
	if err != nil {
		lerr := &LogFileError{Path: path, Err: err}
		thisModule.Warn("%s", lerr.Error())
		return lerr
	}

	mu.Lock()
	hadFile := logFile != nil
	mu.Unlock()
	if hadFile {
		thisModule.Info("closing log file")
	}
	mu.Lock()
	if logFile != nil {
		logFile.Close()
	}
	logFile = f
	logFilePath = path
	fileActive.Store(true)
	updateAllMaxLocked()
	mu.Unlock()

	if handoffPath != "" && handoffPath == path {
		handoffPath = "" // announced by the process that re-executed us
		return nil
	}
	thisModule.Info("opened log file %s", path)
	return nil
}

func sameFile(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	if err != nil {
		return false
	}
	return os.SameFile(a, b)
}

// errnoText renders an error as OVS's ovs_strerror would: just the C
// library's message for the errno, without Go's "open PATH:" decoration.
func errnoText(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		err = se.Err
	}
	return errnoString(err)
}

// Reopen closes and reopens the log file, so that after logrotate renamed
// it, logging continues in a fresh file at the configured path. It does
// nothing if no log file was configured, or if the path still names the open
// file.
func Reopen() error {
	mu.Lock()
	path := logFilePath
	mu.Unlock()
	if path == "" {
		return nil
	}
	return openLogFile(path)
}

// Close closes the log file, if one is open; Reopen opens it again.
func Close() error {
	mu.Lock()
	defer mu.Unlock()
	if logFile == nil {
		return nil
	}
	err := logFile.Close()
	logFile = nil
	fileActive.Store(false)
	updateAllMaxLocked()
	return err
}

// LogFilePath returns the configured log file path, "" if none.
func LogFilePath() string {
	mu.Lock()
	defer mu.Unlock()
	return logFilePath
}

// updateAllMaxLocked refreshes every module's cached maximum level after a
// destination became active or inactive.
func updateAllMaxLocked() {
	cfgMu.Lock()
	for _, m := range sorted {
		m.updateMaxLocked()
	}
	cfgMu.Unlock()
}
