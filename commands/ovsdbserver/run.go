package ovsdbserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/govs/ovs/internal/stream"
	"golang.org/x/sys/unix"
)

// startRun starts --run's command in a shell. When it ends the server
// exits: with status 0 if the command succeeded, otherwise with 1 after
// saying how the command ended, as OVS does.
func (s *ovsdbServer) startRun(command string) error {
	logProcess.Dbg("starting subprocess: /bin/sh -c \"%s\"", command)
	cmd := exec.Command("/bin/sh", "-c", command)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%s: subprocess failed (%s)", command, stream.Strerror(err))
	}
	go func() {
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			s.exit(0)
		case errors.As(err, &ee):
			fmt.Fprintf(os.Stderr, "%s: %s: child exited, %s\n", program, command, statusMessage(ee.ProcessState))
			s.exit(1)
		default:
			fmt.Fprintf(os.Stderr, "%s: %s: %s\n", program, command, err.Error())
			s.exit(1)
		}
	}()
	return nil
}

// statusMessage describes how a process ended as OVS's process_status_msg
// does: "exit status 3", "killed (Killed)", "killed (Segmentation
// fault), core dumped".
func statusMessage(ps *os.ProcessState) string {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return ps.String()
	}
	switch {
	case ws.Exited():
		return fmt.Sprintf("exit status %d", ws.ExitStatus())
	case ws.Signaled():
		msg := fmt.Sprintf("killed (%s)", signalText(ws.Signal()))
		if ws.CoreDump() {
			msg += ", core dumped"
		}
		return msg
	case ws.Stopped():
		return fmt.Sprintf("stopped (%s)", signalText(ws.StopSignal()))
	}
	return fmt.Sprintf("terminated abnormally (%x)", uint32(ws))
}

// signalText is strsignal(3): Go's signal names are glibc's with the
// first letter lowered.
func signalText(sig syscall.Signal) string {
	s := unix.SignalName(sig)
	if s == "" {
		return fmt.Sprintf("signal %d", int(sig))
	}
	t := sig.String()
	if t == "" {
		return s
	}
	if c := t[0]; c >= 'a' && c <= 'z' {
		t = string(c-'a'+'A') + t[1:]
	}
	return t
}
