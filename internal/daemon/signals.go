package daemon

import (
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/vlog"
)

var logFatal = vlog.NewModule("fatal_signal")

var (
	// hooksMu is held while the hooks run, so that a signal arriving during
	// Exit waits for the cleanup instead of racing it.
	hooksMu  sync.Mutex
	hooks    []func()
	hooksRan bool

	signalsOnce sync.Once
	fatalCh     chan os.Signal // HandleSignals' channel, nil before it
)

// AtExit registers fn to run once when the process exits through Exit or a
// fatal signal (see HandleSignals). Hooks run in reverse order of
// registration, like deferred calls.
func AtExit(fn func()) {
	hooksMu.Lock()
	hooks = append(hooks, fn)
	hooksMu.Unlock()
}

// runHooks runs the AtExit hooks, once per process.
func runHooks() {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	if hooksRan {
		return
	}
	hooksRan = true
	for i := len(hooks) - 1; i >= 0; i-- {
		hooks[i]()
	}
	hooks = nil
}

// Exit runs the AtExit hooks and exits with status.
func Exit(status int) {
	runHooks()
	os.Exit(status)
}

// Pid is the daemon's process id.
func Pid() int { return os.Getpid() }

// HandleSignals makes SIGTERM, SIGINT, SIGHUP and SIGALRM fatal the way they
// are for OVS daemons: log "terminating with signal N (NAME)", run the AtExit
// hooks, and die of the same signal. It may be called before or after Start. SIGPIPE is ignored, so a peer that goes
// away shows up as EPIPE on the write instead of killing the daemon.
func HandleSignals() {
	signalsOnce.Do(func() {
		signal.Ignore(syscall.SIGPIPE)
		ch := make(chan os.Signal, 1)
		hooksMu.Lock()
		fatalCh = ch
		hooksMu.Unlock()
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGALRM)
		go func() {
			sig := (<-ch).(syscall.Signal)
			logFatal.Warn("terminating with signal %d (%s)", int(sig), signalName(sig))
			runHooks()
			dieFromSignal(sig)
		}()
	})
}

// stopFatalSignals undoes HandleSignals in the supervising processes (the
// --detach parent and the monitor), which must survive or pass on the
// signals instead of dying of them, whether the program called HandleSignals
// before Start or not.
func stopFatalSignals() {
	signalsOnce.Do(func() {}) // a later HandleSignals call does nothing
	hooksMu.Lock()
	ch := fatalCh
	hooksMu.Unlock()
	if ch != nil {
		signal.Stop(ch)
	}
}

// dieFromSignal terminates the process by sig with the default action, so
// that the parent sees "killed by sig". The Go runtime keeps its own handler
// installed (and for SIGALRM its default is to ignore), so the kernel
// disposition is reset directly.
func dieFromSignal(sig syscall.Signal) {
	signal.Reset(sig)
	runtime.LockOSThread()
	// struct sigaction with sa_handler = SIG_DFL and nothing else set; all
	// zero on every Linux architecture.
	var sa [4]uint64
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0)
	var set [1]uint64
	set[0] = 1 << (uint(sig) - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.Tgkill(os.Getpid(), unix.Gettid(), sig)
	// Not reached unless the signal is blocked or ignored in a way we could
	// not undo; exit with the status a shell would show.
	time.Sleep(time.Second)
	os.Exit(128 + int(sig))
}
