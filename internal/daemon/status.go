package daemon

import (
	"errors"
	"os"
	"strconv"
	"syscall"
)

// signalNames are glibc's strsignal texts, which OVS prints; Go's own
// signal names are lower-case and differ in places.
var signalNames = [...]string{
	1: "Hangup", 2: "Interrupt", 3: "Quit", 4: "Illegal instruction",
	5: "Trace/breakpoint trap", 6: "Aborted", 7: "Bus error",
	8: "Floating point exception", 9: "Killed", 10: "User defined signal 1",
	11: "Segmentation fault", 12: "User defined signal 2", 13: "Broken pipe",
	14: "Alarm clock", 15: "Terminated", 16: "Stack fault", 17: "Child exited",
	18: "Continued", 19: "Stopped (signal)", 20: "Stopped",
	21: "Stopped (tty input)", 22: "Stopped (tty output)",
	23: "Urgent I/O condition", 24: "CPU time limit exceeded",
	25: "File size limit exceeded", 26: "Virtual timer expired",
	27: "Profiling timer expired", 28: "Window changed", 29: "I/O possible",
	30: "Power failure", 31: "Bad system call",
}

// signalName is strsignal(3).
func signalName(sig syscall.Signal) string {
	n := int(sig)
	switch {
	case n > 0 && n < len(signalNames):
		return signalNames[n]
	case n >= 34 && n <= 64: // SIGRTMIN..SIGRTMAX as glibc numbers them
		return "Real-time signal " + strconv.Itoa(n-34)
	}
	return "Unknown signal " + strconv.Itoa(n)
}

// statusMsg describes how a child process ended, in OVS's words:
// "exit status 1", "killed (Segmentation fault), core dumped".
func statusMsg(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return "exit status " + strconv.Itoa(ws.ExitStatus())
	case ws.Signaled():
		s := "killed (" + signalName(ws.Signal()) + ")"
		if ws.CoreDump() {
			s += ", core dumped"
		}
		return s
	case ws.Stopped():
		return "stopped (" + signalName(ws.StopSignal()) + ")"
	}
	return "terminated abnormally (" + strconv.FormatUint(uint64(ws), 16) + ")"
}

// isCrash reports whether a daemon killed by sig crashed and should be
// restarted by the monitor: the signals ovsdb-server(1) lists under
// --monitor as indicating a programming error.
func isCrash(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGABRT, syscall.SIGALRM, syscall.SIGBUS, syscall.SIGFPE,
		syscall.SIGILL, syscall.SIGPIPE, syscall.SIGSEGV, syscall.SIGXCPU,
		syscall.SIGXFSZ:
		return true
	}
	return false
}

// strerror renders err as the C library's strerror text of its errno. Go's
// errno texts are glibc's with the first letter lowered.
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return pe.Err.Error()
		}
		return err.Error()
	}
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
