package ctl

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govs/ovs/internal/version"
)

func pidfilePath(daemon string) string { return runDir() + "/" + daemon + ".pid" }

// readPid reads a pidfile as the script's "cat" does: the contents without
// trailing newlines.
func readPid(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimRight(string(b), "\n"), err
}

// pidExists reports whether pid names a live process. /proc is used rather
// than kill(pid, 0) so that status works without permission to signal the
// daemon. Only decimal numbers count: a pidfile holding "self" must not
// look alive.
func pidExists(pid string) bool {
	if pid == "" || len(pid) > 10 {
		return false
	}
	for i := 0; i < len(pid); i++ {
		if pid[i] < '0' || pid[i] > '9' {
			return false
		}
	}
	fi, err := os.Stat("/proc/" + pid)
	return err == nil && fi.IsDir()
}

// daemonIsRunning reports whether daemon's pidfile names a live process
// that is that daemon (by its command name), so that a recycled pid does
// not count.
func daemonIsRunning(daemon string) bool {
	pid, err := readPid(pidfilePath(daemon))
	if err != nil || !pidExists(pid) {
		return false
	}
	comm, err := os.ReadFile("/proc/" + pid + "/comm")
	return err == nil && strings.TrimRight(string(comm), "\n") == daemon
}

// daemonStatus prints whether daemon runs and reports it as the script's
// status does: nil only when it runs.
func (c *ctl) daemonStatus(daemon string) bool {
	pidfile := pidfilePath(daemon)
	if _, err := os.Stat(pidfile); err != nil {
		fmt.Fprintf(c.stdout, "%s is not running\n", daemon)
		return false
	}
	pid, err := readPid(pidfile)
	switch {
	case err != nil:
		fmt.Fprintf(c.stdout, "Pidfile for %s (%s) exists but cannot be read\n", daemon, pidfile)
	case pidExists(pid):
		fmt.Fprintf(c.stdout, "%s is running with pid %s\n", daemon, pid)
		return true
	default:
		fmt.Fprintf(c.stdout, "Pidfile for %s (%s) is stale\n", daemon, pidfile)
	}
	return false
}

// A stop step either acts on the daemon or waits.
type stopStep struct {
	act  byte // 'E'xit, 'T'erm, 'K'ill, 'F'ail, or 0 to wait
	wait time.Duration
}

// The script's stop sequence: ask the daemon to exit and give it two
// seconds, then SIGTERM and five seconds, then SIGKILL and a minute. (Spelled
// out, not built, so that they are static data rather than start-up work
// for every tool of the binary.)
const ms = time.Millisecond

var (
	gracefulSteps = []stopStep{{act: 'E'}, {wait: 100 * ms}, {wait: 250 * ms}, {wait: 650 * ms}, {wait: 1000 * ms}}
	forcedSteps   = []stopStep{
		{act: 'T'}, {wait: 100 * ms}, {wait: 250 * ms}, {wait: 650 * ms}, {wait: 1000 * ms},
		{wait: 1000 * ms}, {wait: 1000 * ms}, {wait: 1000 * ms},
		{act: 'K'}, {wait: 1000 * ms}, {wait: 1000 * ms}, {wait: 1000 * ms}, {wait: 2000 * ms},
		{wait: 10000 * ms}, {wait: 15000 * ms}, {wait: 30000 * ms},
		{act: 'F'},
	}
)

// stopDaemon stops daemon if its pidfile names a live process: with
// "ovs-appctl exit" when the daemon supports it, then with signals. A
// pidfile naming a dead process is left alone, but the control socket of
// that process is removed.
func (c *ctl) stopDaemon(daemon string) error {
	pidfile := pidfilePath(daemon)
	if _, err := os.Stat(pidfile); err == nil {
		if pid, err := readPid(pidfile); err == nil {
			return c.stopPid(daemon, pidfile, pid)
		}
	}
	c.r.success(daemon + " is not running")
	return nil
}

func (c *ctl) stopPid(daemon, pidfile, pid string) error {
	ctlSocket := func() string { return runDir() + "/" + daemon + "." + pid + ".ctl" }
	if !pidExists(pid) {
		os.Remove(ctlSocket())
		os.Remove(runDir() + "/" + daemon + "." + pid)
		return nil
	}

	steps := forcedSteps
	if c.supportsExit(ctlSocket()) {
		steps = append(append([]stopStep(nil), gracefulSteps...), forcedSteps...)
	}
	forced := false
	for _, step := range steps {
		if !pidExists(pid) {
			if forced {
				return nil
			}
			// "exit" may have crashed the daemon and its monitor may have
			// started a new one: look at the pidfile once more.
			if _, err := os.Stat(pidfile); err == nil {
				pause(2 * time.Second)
				pid, _ = readPid(pidfile)
			}
			if !pidExists(pid) {
				return nil
			}
		}
		n, _ := strconv.Atoi(pid)
		switch step.act {
		case 'E':
			c.r.action("Exiting "+daemon+" ("+pid+")",
				c.run("ovs-appctl", "-T", "1", "-t", ctlSocket(), "exit"))
		case 'T':
			c.r.action("Killing "+daemon+" ("+pid+")", c.kill(n, syscall.SIGTERM))
			forced = true
		case 'K':
			c.r.action("Killing "+daemon+" ("+pid+") with SIGKILL", c.kill(n, syscall.SIGKILL))
			forced = true
		case 'F':
			c.r.failure("Killing " + daemon + " (" + pid + ") failed")
			return fmt.Errorf("%s did not stop", daemon)
		default:
			pause(step.wait)
		}
	}
	return nil
}

func (c *ctl) kill(pid int, sig syscall.Signal) error {
	err := syscall.Kill(pid, sig)
	if err != nil {
		fmt.Fprintf(c.stderr, "kill: %d: %s\n", pid, strerror(err))
	}
	return err
}

// supportsExit asks the daemon for its version: OVS daemons before 2.5.90
// mishandle "exit" (ovs-vswitchd deleted its internal ports), so they are
// only signalled. Ours always take "exit". A daemon that does not answer
// is asked to exit anyway, as the script does.
func (c *ctl) supportsExit(socket string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := c.command(ctx, "ovs-appctl", "-T", "1", "-t", socket, "version")
	cmd.Stdout = &out
	cmd.Run()
	first, _, _ := strings.Cut(out.String(), "\n")
	fields := strings.Fields(first)
	if len(fields) == 0 || strings.Contains(first, "("+version.Product+")") {
		return true
	}
	return versionGeq(fields[len(fields)-1], "2.5.90")
}

// versionGeq compares dotted version numbers numerically, component by
// component, a missing or non-numeric component counting as 0.
func versionGeq(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := leadingNumber(as, i), leadingNumber(bs, i)
		if x != y {
			return x > y
		}
	}
	return true
}

// leadingNumber is the numeric value of parts[i] as awk's "+0" sees it:
// its leading digits, or 0.
func leadingNumber(parts []string, i int) float64 {
	if i >= len(parts) {
		return 0
	}
	s := parts[i]
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	v, _ := strconv.ParseFloat(s[:end], 64)
	return v
}

func (c *ctl) stopOvsdb() error {
	if c.set.yes("OVSDB_SERVER") {
		return c.stopDaemon("ovsdb-server")
	}
	return nil
}

func (c *ctl) stopForwarding() error {
	if c.set.yes("OVS_VSWITCHD") {
		return c.stopDaemon("ovs-vswitchd")
	}
	return nil
}
