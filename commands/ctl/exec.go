package ctl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// executable finds the binary that carries every tool. Tests point it at
// a freshly built binary, because the test binary carries no tools.
var executable = os.Executable

// ctl is one run of ovs-ctl.
type ctl struct {
	program  string
	exe      string
	set      settings
	extraIDs []string
	r        *reporter
	stdout   *os.File
	stderr   *os.File

	schemaver string   // schema version, found while preparing the database
	tools     []string // tools the binary carries, read on first use
}

// command prepares running tool (this binary under the tool's name).
func (c *ctl) command(ctx context.Context, tool string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.exe)
	cmd.Args = append([]string{tool}, args...)
	cmd.Stdout = c.stdout
	cmd.Stderr = c.stderr
	return cmd
}

// run runs tool to completion with ovs-ctl's output streams.
func (c *ctl) run(tool string, args ...string) error {
	return c.command(context.Background(), tool, args...).Run()
}

// output runs tool and returns its standard output without trailing
// newlines, as a shell command substitution does; its errors go to our
// standard error.
func (c *ctl) output(tool string, args ...string) (string, error) {
	var out bytes.Buffer
	cmd := c.command(context.Background(), tool, args...)
	cmd.Stdout = &out
	err := cmd.Run()
	return strings.TrimRight(out.String(), "\n"), err
}

// vsctl runs ovs-vsctl --no-wait against the database socket.
func (c *ctl) vsctl(args ...string) error {
	return c.run("ovs-vsctl", append(c.vsctlPrefix(), args...)...)
}

func (c *ctl) vsctlOutput(args ...string) (string, error) {
	return c.output("ovs-vsctl", append(c.vsctlPrefix(), args...)...)
}

// vsctlPrefix names the socket explicitly, so that --db-sock is honoured by
// ovs-vsctl as well as by ovs-vswitchd.
func (c *ctl) vsctlPrefix() []string {
	return []string{"--no-wait", "--db=unix:" + c.set["DB_SOCK"]}
}

// hasTool reports whether the binary carries tool. Tools still being
// written (ovs-vswitchd, ovs-save) are missing from older builds; asking
// first turns "unknown tool" noise into a clear message.
func (c *ctl) hasTool(tool string) bool {
	if c.tools == nil {
		out, err := exec.Command(c.exe, "--list-tools").Output()
		if err != nil {
			return false
		}
		c.tools = strings.Fields(string(out))
	}
	return slices.Contains(c.tools, tool)
}

// needTool is hasTool that explains a missing tool on standard error.
func (c *ctl) needTool(tool string) error {
	if c.hasTool(tool) {
		return nil
	}
	err := fmt.Errorf("%s: this build of %s has no %s", c.program, filepath.Base(c.exe), tool)
	fmt.Fprintln(c.stderr, err)
	return err
}

// ovsdbTool runs ovsdb-tool quietly (-vconsole:off) as the --ovs-user, if
// any, so that the files it creates belong to that user.
func (c *ctl) ovsdbTool(capture bool, args ...string) (string, error) {
	cmd := c.command(context.Background(), "ovsdb-tool", append([]string{"-vconsole:off"}, args...)...)
	var out bytes.Buffer
	if capture {
		cmd.Stdout = &out
	}
	if cred, err := c.credential(); err != nil {
		fmt.Fprintf(c.stderr, "%s: %v\n", c.program, err)
		return "", err
	} else if cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	err := cmd.Run()
	return strings.TrimRight(out.String(), "\n"), err
}

// schemaArgs is the schema operand for ovsdb-tool: none when the schema is
// the default one and no file is installed there, so that ovsdb-tool uses
// the schema built into the binary.
func (c *ctl) schemaArgs() []string {
	schema := c.set["DB_SCHEMA"]
	if schema == defaultSchema() {
		if _, err := os.Stat(schema); errors.Is(err, os.ErrNotExist) {
			return nil
		}
	}
	return []string{schema}
}

// ovsUser splits --ovs-user=USER[:GROUP]. As in the script, the owner
// group of the directories ovs-ctl creates is GROUP, or USER when there is
// no colon, or root when GROUP is empty.
func (c *ctl) ovsUser() (name, group string) {
	spec := c.set["OVS_USER"]
	if spec == "" {
		return "", ""
	}
	name, group, ok := strings.Cut(spec, ":")
	if !ok {
		group = spec
	}
	return name, group
}

// credential is the identity of the --ovs-user (uid, primary gid and all
// its groups), or nil without one.
func (c *ctl) credential() (*syscall.Credential, error) {
	name, _ := c.ovsUser()
	if name == "" {
		return nil, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("%s: no such user", name)
	}
	cred := &syscall.Credential{}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	cred.Uid, cred.Gid = uint32(uid), uint32(gid)
	if gids, err := u.GroupIds(); err == nil {
		for _, g := range gids {
			if n, err := strconv.ParseUint(g, 10, 32); err == nil {
				cred.Groups = append(cred.Groups, uint32(n))
			}
		}
	}
	return cred, nil
}

// installDir creates dir (and its parents) if it is not a directory yet,
// giving the last component mode and the --ovs-user's ownership, as
// "install -d" does in the script.
func (c *ctl) installDir(dir string, mode os.FileMode) {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(c.stderr, "install: cannot create directory '%s': %s\n", dir, strerror(err))
		return
	}
	os.Chmod(dir, mode)
	uid, gid := c.ownerIDs()
	os.Chown(dir, uid, gid)
}

// ownerIDs is the owner and group for files ovs-ctl creates: root, or the
// --ovs-user's.
func (c *ctl) ownerIDs() (uid, gid int) {
	name, group := c.ovsUser()
	if name != "" {
		if u, err := user.Lookup(name); err == nil {
			uid, _ = strconv.Atoi(u.Uid)
		}
	}
	if group != "" {
		if g, err := user.LookupGroup(group); err == nil {
			gid, _ = strconv.Atoi(g.Gid)
		}
	}
	return uid, gid
}

// strerror is an error's system message with the capital letter libc gives
// it ("No such file or directory").
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	return err.Error()
}

// checkCoreConfig sets the core-dump settings the daemons inherit:
// --dump-hugepages widens /proc/self/coredump_filter, --force-corefiles
// raises the core size limit (unlimited with hugepages, else the script's
// 67108864 blocks of 512 bytes).
func (c *ctl) checkCoreConfig() {
	var limit uint64
	switch {
	case c.set.yes("DUMP_HUGEPAGES"):
		os.WriteFile("/proc/self/coredump_filter", []byte("0x7f\n"), 0)
		if !c.set.yes("FORCE_COREFILES") {
			return
		}
		limit = unix.RLIM_INFINITY
	case c.set.yes("FORCE_COREFILES"):
		limit = 67108864 * 512
	default:
		return
	}
	if err := syscall.Setrlimit(unix.RLIMIT_CORE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot raise the core file size limit: %s\n", c.program, strerror(err))
	}
}

// raiseFileLimit lets ovs-vswitchd open at least 65535 files, which it
// needs for large numbers of bridges and ports.
func (c *ctl) raiseFileLimit() {
	const maxfd = 65535
	var cur syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &cur); err != nil {
		return
	}
	want := cur
	if want.Cur < maxfd {
		want.Cur = maxfd
		want.Max = max(want.Max, maxfd)
	}
	// syscall.Setrlimit (not unix.Setrlimit) also makes os/exec hand this
	// limit to children, instead of the soft limit the process started
	// with (the Go runtime raises its own soft limit at start-up).
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want); err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot raise the open files limit to %d: %s\n", c.program, maxfd, strerror(err))
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &cur)
	}
}

// startDaemon starts daemon (args[0]) detached with the options every
// daemon gets from ovs-ctl, and reports "Starting DAEMON".
func (c *ctl) startDaemon(priority string, args []string) error {
	daemon := args[0]
	cwd := c.set["DAEMON_CWD"]
	c.installDir(cwd, 0o755)
	args = append(args, "--no-chdir")
	c.installDir(logDir(), 0o750)
	args = append(args, "--log-file="+logDir()+"/"+daemon+".log")
	c.installDir(runDir(), 0o755)
	args = append(args, "--pidfile="+runDir()+"/"+daemon+".pid", "--detach")
	if c.set["MONITOR"] != "no" {
		args = append(args, "--monitor")
	}

	cmd := c.command(context.Background(), daemon, args[1:]...)
	cmd.Dir = cwd
	err := c.startNiced(cmd, priority)
	if err == nil {
		err = cmd.Wait()
	}
	return c.r.action("Starting "+daemon, err)
}

// startNiced starts cmd with niceness priority (empty: unchanged). Linux
// keeps the nice value per thread and a forked child inherits its thread's
// value, so cmd is started from a locked thread whose priority was changed;
// the thread is not unlocked, so it is discarded with its goroutine.
func (c *ctl) startNiced(cmd *exec.Cmd, priority string) error {
	if priority == "" {
		return cmd.Start()
	}
	nice, err := strconv.Atoi(priority)
	if err != nil {
		fmt.Fprintf(c.stderr, "nice: invalid adjustment '%s'\n", priority)
		return err
	}
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		// PRIO_PROCESS with who=0 acts on the calling thread on Linux.
		// Like nice(1), the priority is an adjustment of the current
		// value; the raw system call returns 20 minus the nice value.
		if raw, err := unix.Getpriority(unix.PRIO_PROCESS, 0); err == nil {
			nice += 20 - raw
		}
		if err := unix.Setpriority(unix.PRIO_PROCESS, 0, nice); err != nil {
			fmt.Fprintf(c.stderr, "nice: cannot set niceness: %s\n", strerror(err))
		}
		done <- cmd.Start()
	}()
	return <-done
}

// pause sleeps for one of the script's waiting steps.
var pause = time.Sleep
