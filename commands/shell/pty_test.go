package shell

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// terminal is the controlling side of a pseudo-terminal with the shell
// running on the other side.
type terminal struct {
	t      *testing.T
	master *os.File
	cmd    *exec.Cmd
	exited chan struct{}

	mu   sync.Mutex
	cond *sync.Cond
	out  bytes.Buffer
	eof  bool
	mark int // output before mark has been matched already
}

// openPTY opens a new pseudo-terminal pair.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil { // unlockpt
		m.Close()
		t.Fatalf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN) // ptsname
	if err != nil {
		m.Close()
		t.Fatalf("ptsname: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Fatalf("opening the pty's slave: %v", err)
	}
	// Without a size, line editors fall back to dumb mode.
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 120}); err != nil {
		t.Fatalf("setting the window size: %v", err)
	}
	return m, s
}

// startShell runs the test binary as "ovs shell ARGS" on a new terminal.
func startShell(t *testing.T, env []string, args ...string) *terminal {
	t.Helper()
	master, slave := openPTY(t)
	cmd := exec.Command(os.Args[0], append([]string{"shell"}, args...)...)
	cmd.Env = append(os.Environ(), append([]string{helperEnv + "=1", "TERM=xterm"}, env...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	term := &terminal{t: t, master: master, cmd: cmd, exited: make(chan struct{})}
	term.cond = sync.NewCond(&term.mu)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			if err != nil {
				term.eof = true
			}
			term.cond.Broadcast()
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		cmd.Wait()
		close(term.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-term.exited:
		default:
			cmd.Process.Kill()
			<-term.exited
		}
		master.Close()
	})
	return term
}

func (term *terminal) send(s string) {
	term.t.Helper()
	if _, err := term.master.Write([]byte(s)); err != nil {
		term.t.Fatalf("writing %q to the terminal: %v", s, err)
	}
}

// expect waits until want appears in the output after the last match and
// moves the mark past it. The deadline only keeps a broken shell from
// hanging the test.
func (term *terminal) expect(want string) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	timer := time.AfterFunc(20*time.Second, func() {
		term.mu.Lock()
		term.cond.Broadcast()
		term.mu.Unlock()
	})
	defer timer.Stop()
	term.mu.Lock()
	defer term.mu.Unlock()
	for {
		if i := strings.Index(term.out.String()[term.mark:], want); i >= 0 {
			term.mark += i + len(want)
			return
		}
		if term.eof || time.Now().After(deadline) {
			if !term.eof {
				// Ask the Go runtime for its goroutines, on the terminal.
				term.cmd.Process.Signal(syscall.SIGQUIT)
				time.AfterFunc(2*time.Second, func() {
					term.mu.Lock()
					term.eof = true
					term.cond.Broadcast()
					term.mu.Unlock()
				})
				for !term.eof {
					term.cond.Wait()
				}
			}
			term.t.Fatalf("terminal never showed %q; it shows (last match at byte %d):\n%s",
				want, term.mark, term.out.String())
		}
		term.cond.Wait()
	}
}

// since returns the output after the mark.
func (term *terminal) since() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()[term.mark:]
}

func (term *terminal) wait() {
	term.t.Helper()
	select {
	case <-term.exited:
	case <-time.After(20 * time.Second):
		term.t.Fatal("the shell did not exit")
	}
}

func TestTerminal(t *testing.T) {
	db := startServer(t)
	hist := filepath.Join(t.TempDir(), "history")
	env := []string{"OVS_SHELL_HISTORY=" + hist}

	term := startShell(t, env, "--db="+db)
	term.expect(prompt)
	term.send("vsctl --no-wait add-br brtest\r")
	term.expect(prompt)

	// Tab completes the bridge name from the database.
	term.send("vsctl list-ports br\t")
	term.expect("brtest")
	term.send("\r")
	term.expect(prompt)

	// Ctrl-C cancels the line being typed: it is not run.
	term.send("vsctl del-br brtest\x03")
	term.expect(prompt)
	term.send("vsctl list-br\r")
	term.expect("brtest\r\n")
	term.expect(prompt)

	// An error is printed and the prompt comes back.
	term.send("vsctl nosuchcmd\r")
	term.expect("ovs-vsctl: unknown command 'nosuchcmd'; use --help for help")
	term.expect(prompt)
	term.send("nosuchtool\r")
	term.expect(`ovs: unknown command "nosuchtool"`)
	term.expect(prompt)

	// A quoted value with a blank reaches ovs-vsctl as one word.
	term.send(`vsctl --no-wait set bridge brtest external_ids:x="a b"` + "\r")
	term.expect(prompt)
	term.send("vsctl get bridge brtest external_ids:x\r")
	term.expect("\"a b\"\r\n")
	term.expect(prompt)

	// Ctrl-C abandons a command that waits (here for an ovs-vswitchd that
	// is not running); the next one gets a new session.
	term.send("vsctl add-br brwait\r")
	term.expect("ovs-vswitchd")
	term.send("\x03")
	term.expect("ovs: interrupted; the ovs-vsctl command was abandoned\r\n")
	term.expect(prompt)
	term.send("vsctl list-br\r")
	term.expect("brtest\r\nbrwait\r\n")
	term.expect(prompt)

	// Ctrl-D leaves.
	term.send("\x04")
	term.wait()

	data, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	wantHist := "vsctl --no-wait add-br brtest\nvsctl list-ports brtest \nvsctl list-br\nvsctl nosuchcmd\nnosuchtool\n" +
		"vsctl --no-wait set bridge brtest external_ids:x=\"a b\"\nvsctl get bridge brtest external_ids:x\n" +
		"vsctl add-br brwait\nvsctl list-br\n"
	if string(data) != wantHist {
		t.Errorf("history file:\n%s\nwant:\n%s", data, wantHist)
	}

	// A new shell recalls the last command with the up arrow.
	term = startShell(t, env, "--db="+db)
	term.expect(prompt)
	term.send("\x1b[A")
	term.expect("vsctl list-br")
	term.send("\x1b[A\x1b[A")
	term.expect("vsctl get bridge brtest external_ids:x")
	term.send("\r")
	term.expect("\"a b\"\r\n")
	term.expect(prompt)
	term.send("exit\r")
	term.wait()
	if code := term.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d, want 0", code)
	}
}
