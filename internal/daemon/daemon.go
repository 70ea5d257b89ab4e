package daemon

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/internal/vlog"
)

var log = vlog.NewModule("daemon_unix")

// The environment of a re-executed process says what it is for. Start
// removes these variables as soon as it reads them.
const (
	envStage  = "GOVS_DAEMON_STAGE"     // stageMonitor or stageChild
	envNotify = "GOVS_DAEMON_NOTIFY_FD" // readiness pipe to the waiting parent
	envUser   = "GOVS_DAEMON_USER_SET"  // --user already applied by re-execution
)

const (
	stageMonitor = "monitor" // the --monitor process of a --detach parent
	stageChild   = "child"   // the daemon proper, started by a parent or monitor
)

// notifyFD is where a re-executed process finds its readiness pipe
// (exec.Cmd.ExtraFiles[0]).
const notifyFD = 3

// state is what Ready needs to know about Start.
var state struct {
	mu      sync.Mutex
	started bool
	ready   bool
	cfg     Config
	notify  *os.File // readiness pipe to a waiting parent or monitor
}

// Start daemonizes as the options ask. It returns only in the process that
// is to run the daemon, after applying --user and creating the pidfile; the
// --detach parent and the --monitor process never return from it. An error
// has already been logged at EMER to the log file and syslog, as OVS does;
// the caller prints "program: " and its text to stderr and exits 1.
//
// Call it right after parsing options. Everything the program does before
// Start is done again by each process Start re-executes (the daemon behind
// --detach or --monitor, and the daemon itself, in place, for --user), so
// open nothing before it but what the options themselves open (the log
// file). After Start, exit through Exit so the pidfile is removed.
func (c *Config) Start(program string) error {
	state.mu.Lock()
	if state.started {
		state.mu.Unlock()
		return nil
	}
	state.started = true
	state.mu.Unlock()

	stage := os.Getenv(envStage)
	notify := takeNotify()
	userSet := os.Getenv(envUser) != ""
	os.Unsetenv(envStage)
	os.Unsetenv(envUser)
	exe := executable()

	switch stage {
	case stageMonitor:
		c.runMonitor(program, exe, notify)
	case stageChild:
		setComm(program)
	default:
		setComm(program)
		if c.Detach {
			c.detachParent(program, exe)
		}
		if c.Monitor {
			c.runMonitor(program, exe, nil)
		}
	}

	// This is the daemon.
	if c.User != "" && !userSet {
		if err := c.becomeUser(exe, notify); err != nil {
			return err
		}
	}
	if userSet {
		clearInheritedCaps()
	}
	if c.Monitor {
		// Die of SIGABRT on a crash, not exit(2), so the monitor restarts us.
		debug.SetTraceback("crash")
	}
	state.mu.Lock()
	state.cfg = *c
	state.notify = notify
	state.mu.Unlock()
	if c.Pidfile != "" {
		if err := makePidfile(c.Pidfile, c.Overwrite); err != nil {
			return err
		}
	}
	return nil
}

// Ready tells a waiting --detach parent or --monitor process that the daemon
// is serving. With --detach it then changes to "/" (unless --no-chdir) and
// points stdin, stdout and stderr at /dev/null, which ends console logging.
// Calling it again, or without Start, does nothing harmful.
func Ready() {
	state.mu.Lock()
	defer state.mu.Unlock()
	if state.ready {
		return
	}
	state.ready = true
	if state.notify != nil {
		state.notify.Write([]byte{0})
		state.notify.Close()
		state.notify = nil
	}
	if state.cfg.Detach {
		finishDetach(state.cfg.NoChdir)
	}
}

// DropPrivileges applies --user. Start already does so in the daemon process
// before it creates the pidfile, as OVS does, so that everything the daemon
// creates belongs to the new user; after Start this only reports whether that
// happened. It exists for daemons that call it explicitly after Start.
func (c *Config) DropPrivileges() error {
	if c.User == "" {
		return nil
	}
	state.mu.Lock()
	started := state.started
	state.mu.Unlock()
	if !started {
		return fmt.Errorf("--user=%s: daemon.Start has not run", c.User)
	}
	if os.Geteuid() != c.uid || os.Getegid() != c.gid {
		return fmt.Errorf("--user=%s: still running as uid %d gid %d", c.User, os.Geteuid(), os.Getegid())
	}
	return nil
}

// finishDetach completes the detachment of a daemon or monitor after its
// parent was told it is ready.
func finishDetach(noChdir bool) {
	if !noChdir {
		os.Chdir("/")
	}
	null, err := os.OpenFile("/dev/null", os.O_RDWR, 0)
	if err != nil {
		log.Err("could not open /dev/null: %s", strerror(err))
		return
	}
	vlog.SetConsoleWriter(nil)
	for fd := 0; fd < 3; fd++ {
		unix.Dup3(int(null.Fd()), fd, 0)
	}
	null.Close()
}

// takeNotify returns the readiness pipe a parent handed over, if any, and
// makes sure processes we start do not inherit it.
func takeNotify() *os.File {
	s := os.Getenv(envNotify)
	os.Unsetenv(envNotify)
	if s == "" {
		return nil
	}
	fd, err := strconv.Atoi(s)
	if err != nil || fd < 3 {
		return nil
	}
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFIFO {
		return nil
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "daemon-notify")
}

// executable is the file to re-execute: the path the user ran (so that the
// kernel names the process after it), else the running binary. The path
// counts only if it is the running binary: a program that starts this one
// with argv[0] set to a bare tool name (as ovs-ctl does) must not have the
// daemon re-execute whatever $PATH finds under that name, such as another
// OVS installation.
func executable() string {
	a0 := os.Args[0]
	if strings.Contains(a0, "/") {
		if p, err := filepath.Abs(a0); err == nil && isExecutable(p) && isSelf(p) {
			return p
		}
	} else if p, err := exec.LookPath(a0); err == nil {
		if p, err := filepath.Abs(p); err == nil && isSelf(p) {
			return p
		}
	}
	if p, err := os.Executable(); err == nil {
		return p
	}
	return "/proc/self/exe"
}

// isSelf reports whether p is the file this process runs.
func isSelf(p string) bool {
	fi, err := os.Stat(p)
	if err != nil {
		return false
	}
	self, err := os.Stat("/proc/self/exe")
	return err == nil && os.SameFile(fi, self)
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// setComm names this process in /proc/PID/comm (what ps and top show). The
// kernel sets it from the executed file's name, which is "ovs" when the
// multi-call binary was run as "ovs ovsdb-server". Writing /proc/self/comm
// renames the main thread, unlike PR_SET_NAME, which renames whichever thread
// the goroutine happens to run on.
func setComm(name string) {
	if len(name) > 15 {
		name = name[:15]
	}
	if cur, err := os.ReadFile("/proc/self/comm"); err == nil && strings.TrimSuffix(string(cur), "\n") == name {
		return
	}
	os.WriteFile("/proc/self/comm", []byte(name), 0)
}

// command prepares a re-execution of this program as stage, handing it the
// write end of a readiness pipe.
func command(exe, stage string, notify *os.File, setsid bool) *exec.Cmd {
	env := append(os.Environ(),
		envStage+"="+stage,
		envNotify+"="+strconv.Itoa(notifyFD),
		vlog.HandoffEnv())
	return &exec.Cmd{
		Path:        exe,
		Args:        os.Args,
		Env:         env,
		Stdin:       os.Stdin,
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		ExtraFiles:  []*os.File{notify},
		SysProcAttr: &syscall.SysProcAttr{Setsid: setsid},
	}
}

// startChild re-executes this program as stage and returns the running
// command and the read end of its readiness pipe.
func startChild(exe, stage string, setsid bool) (*exec.Cmd, *os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	cmd := command(exe, stage, w, setsid)
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return nil, nil, err
	}
	return cmd, r, nil
}

// waitReady blocks until the child behind r says it is ready (true) or
// closes the pipe without doing so (false).
func waitReady(r *os.File) bool {
	var b [1]byte
	n, _ := io.ReadFull(r, b[:])
	r.Close()
	return n == 1
}

// detachParent runs in the process the user started with --detach. It
// starts the daemon (or its monitor) in a new session and exits when the
// daemon is ready, or with the daemon's failure.
func (c *Config) detachParent(program, exe string) {
	stopFatalSignals()
	stage := stageChild
	if c.Monitor {
		stage = stageMonitor
	}
	cmd, r, err := startChild(exe, stage, true)
	if err != nil {
		fatalExit(program, "could not fork (%s)", strerror(err))
	}
	if waitReady(r) {
		os.Exit(0)
	}
	cmd.Wait()
	ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Exited() && ws.ExitStatus() != 0 {
		// The child said why on our stderr; pass its status on.
		os.Exit(ws.ExitStatus())
	}
	log.Err("fork child died before signaling startup (%s)", statusMsg(ws))
	fatalExit(program, "could not detach from foreground session")
}

// logEmer logs msg at EMER everywhere but the console, where OVS's fatal
// errors appear as "program: msg" instead.
func logEmer(msg string) {
	lvl := log.Level(vlog.Console)
	vlog.SetLevel(log, vlog.Console, vlog.Off)
	log.Emer("%s", msg)
	vlog.SetLevel(log, vlog.Console, lvl)
}

// fatalExit is OVS's fatal error path for the supervising processes.
func fatalExit(program, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	logEmer(msg)
	fmt.Fprintf(os.Stderr, "%s: %s\n", program, msg)
	os.Exit(1)
}
