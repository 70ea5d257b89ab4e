package daemon

import (
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govs/ovs/internal/vlog"
)

// restartInterval is the shortest time between two restarts by the monitor.
const restartInterval = 10 * time.Second

// runMonitor is the --monitor process. It starts the daemon, tells upstream
// (the --detach parent, if any) once the daemon is ready, and restarts the
// daemon whenever it dies of a crash signal. It never returns.
func (c *Config) runMonitor(program, exe string, upstream *os.File) {
	stopFatalSignals()
	// The process title may overwrite the memory that os.Args (and so
	// possibly program and exe) point into; keep copies.
	program, exe = strings.Clone(program), strings.Clone(exe)
	vlog.SetProgramName(program)
	vlog.SetSubprogramName("monitor")
	setComm("monitor")

	// Signals that would stop the monitor are passed on to the daemon; the
	// monitor exits once the daemon does.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)

	var (
		crashes     int
		lastRestart time.Time
		health      = "healthy"
		first       = true
	)
	for {
		cmd, r, err := startChild(exe, stageChild, false)
		if err != nil {
			fatalExit(program, "could not fork (%s)", strerror(err))
		}
		pid := cmd.Process.Pid
		exited := make(chan struct{})
		go func() {
			cmd.Wait()
			close(exited)
		}()

		readyc := make(chan bool, 1)
		go func() { readyc <- waitReady(r) }()
		ready := forwardUntil(cmd, sigs, readyc)
		if ready {
			// Title first: once upstream hears from us, the user may look.
			setTitle(program + ": monitoring pid " + itoa(pid) + " (" + health + ")")
			if first {
				if upstream != nil {
					upstream.Write([]byte{0})
					upstream.Close()
					upstream = nil
				}
				if c.Detach {
					finishDetach(c.NoChdir)
				}
			}
			forwardUntil(cmd, sigs, exitedBool(exited))
		} else {
			<-exited
		}
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ready {
			if ws.Exited() && ws.ExitStatus() != 0 {
				// The daemon explained itself on stderr.
				os.Exit(ws.ExitStatus())
			}
			log.Err("fork child died before signaling startup (%s)", statusMsg(ws))
			if first {
				fatalExit(program, "could not initiate process monitoring")
			}
		}
		first = false

		if !ws.Signaled() || !isCrash(ws.Signal()) {
			log.Info("pid %d died, %s, exiting", pid, statusMsg(ws))
			if ws.Exited() {
				os.Exit(ws.ExitStatus())
			}
			os.Exit(0)
		}

		crashes++
		health = itoa(crashes) + " crashes: pid " + itoa(pid) + " died, " + statusMsg(ws)
		if !lastRestart.IsZero() {
			if wait := time.Until(lastRestart.Add(restartInterval)); wait > 0 {
				log.Warn("%s, waiting until 10 seconds since last restart", health)
				select {
				case <-time.After(wait):
				case sig := <-sigs:
					log.Info("%s while waiting to restart, exiting", sigName(sig))
					os.Exit(0)
				}
			}
		}
		log.Err("%s, restarting", health)
		lastRestart = time.Now()
	}
}

// forwardUntil passes SIGTERM, SIGINT and SIGHUP on to the daemon until done
// yields a value, and returns it.
func forwardUntil(cmd *exec.Cmd, sigs <-chan os.Signal, done <-chan bool) bool {
	for {
		select {
		case v := <-done:
			return v
		case sig := <-sigs:
			cmd.Process.Signal(sig)
		}
	}
}

// exitedBool adapts a close-only channel to forwardUntil.
func exitedBool(exited <-chan struct{}) <-chan bool {
	c := make(chan bool, 1)
	go func() {
		<-exited
		c <- true
	}()
	return c
}

func sigName(sig os.Signal) string {
	if s, ok := sig.(syscall.Signal); ok {
		return signalName(s)
	}
	return sig.String()
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			break
		}
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// The monitor's process title: where the argument and environment strings
// of this process lie, and /proc/self/mem to write them.
var (
	titleTried  bool
	titleArea   [2]uint64
	titleMemory *os.File
)

// setTitle makes ps show title as this process's command line, as OVS's
// monitor does, by overwriting the original argument area (and for a long
// title the environment strings after it, which Go copied at startup) in
// place through /proc/self/mem, as C programs do. PR_SET_MM could point the
// kernel at a buffer of ours instead, but it needs CAP_SYS_RESOURCE, which
// containers usually drop. Go strings alias the argument area (os.Args and
// anything sliced from it), so prepareTitle first moves what the monitor
// still needs to copies.
func setTitle(title string) {
	if !titleTried {
		titleTried = true
		prepareTitle()
	}
	if titleMemory == nil {
		return
	}
	start, end := titleArea[0], titleArea[1]
	b := make([]byte, end-start)
	copy(b[:len(b)-1], title)
	titleMemory.WriteAt(b, int64(start))
}

// prepareTitle finds the argument and environment area of this
// process and detaches os.Args from it.
func prepareTitle() bool {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return false
	}
	// Fields 48-51 of stat(5): arg_start arg_end env_start env_end; the
	// slice starts at field 3.
	f := strings.Fields(s[i+1:])
	if len(f) < 49 {
		return false
	}
	var v [4]uint64
	for k := range v {
		if v[k], err = strconv.ParseUint(f[45+k], 10, 64); err != nil {
			return false
		}
	}
	argStart, argEnd, envStart, envEnd := v[0], v[1], v[2], v[3]
	if argStart == 0 || argEnd <= argStart {
		return false
	}
	end := argEnd
	if envStart == argEnd && envEnd > envStart {
		end = envEnd
	}
	mem, err := os.OpenFile("/proc/self/mem", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	args := make([]string, len(os.Args))
	for k, a := range os.Args {
		args[k] = strings.Clone(a)
	}
	os.Args = args
	titleMemory = mem
	titleArea = [2]uint64{argStart, end}
	return true
}
