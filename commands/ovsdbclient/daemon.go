package ovsdbclient

import (
	"github.com/govs/ovs/internal/coverage"
	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/internal/vlog"
	"golang.org/x/sys/unix"
)

// Daemon support for the long-running commands (monitor, monitor-cond,
// monitor-cond-since, lock, steal, unlock), which take OVS's daemon options
// through internal/daemon; other commands accept them and, as in OVS, only
// --user has an effect on them.
//
// One thing differs from a daemon: ovsdb-client keeps printing to the
// standard output and error it was started with after it detaches (OVS
// saves both descriptors before closing the standard ones), so that
// "ovsdb-client --detach monitor ... > file" collects the updates.

type daemonOptions struct {
	cfg     daemon.Config
	started bool // daemon.Start ran: exit through daemon.Exit
	ctl     *unixctl.Server
}

// daemonOptionList is the daemon options in the order of OVS's
// ovsdb-client option table (getopt_long lists ambiguous candidates in
// table order, e.g. --no-self-confinement before --no-chdir).
func daemonOptionList() []getopt.Option {
	return []getopt.Option{
		{Name: "detach", HasArg: getopt.NoArgument},
		{Name: "no-self-confinement", HasArg: getopt.NoArgument},
		{Name: "no-chdir", HasArg: getopt.NoArgument},
		{Name: "pidfile", HasArg: getopt.OptionalArgument},
		{Name: "overwrite-pidfile", HasArg: getopt.NoArgument},
		{Name: "monitor", HasArg: getopt.NoArgument},
		{Name: "user", HasArg: getopt.RequiredArgument},
	}
}

func (d *daemonOptions) handleOption(p getopt.Parsed) (bool, error) {
	return d.cfg.HandleOption(program, p)
}

// isDaemonCommand reports whether the daemon options apply to cmd.
func isDaemonCommand(cmd *command) bool {
	switch cmd.name {
	case "monitor", "monitor-cond", "monitor-cond-since", "lock", "steal", "unlock":
		return true
	}
	return false
}

// prepare daemonizes as the options ask, before the command connects:
// with --detach the process the user started waits here for the daemon to
// be ready and exits; the daemon (and a --monitor process) re-run the
// program from the start. For other commands only --user is applied.
func (d *daemonOptions) prepare(c *client) error {
	cfg := d.cfg
	if !isDaemonCommand(c.cmd) {
		cfg.Detach, cfg.Monitor, cfg.Pidfile = false, false, ""
		if cfg.User == "" {
			return nil
		}
	} else if !cfg.Detach && !cfg.Monitor && cfg.Pidfile == "" && cfg.User == "" {
		return nil
	}
	d.started = true
	return cfg.Start(program)
}

// ready is called once the initial output is printed: a detached daemon
// opens its control socket and tells the waiting parent to exit, keeping
// its standard output and error.
func (d *daemonOptions) ready(c *client, l *loop, register func(*unixctl.Server)) error {
	if !d.started {
		return nil
	}
	if d.cfg.Detach && d.ctl == nil {
		ctl, err := unixctl.NewServer(program, "")
		if err != nil {
			return err
		}
		ctl.Register("exit", "", 0, 0, func([]string) (string, error) {
			l.do(func() { l.exiting = true })
			return "", nil
		})
		vlog.RegisterCommands(ctl)
		coverage.RegisterCommands(ctl)
		register(ctl)
		go ctl.Serve()
		d.ctl = ctl
		daemon.AtExit(func() { ctl.Close() })
	}
	c.stdout.Flush()
	out, err1 := unix.Dup(1)
	errfd, err2 := unix.Dup(2)
	daemon.Ready()
	// daemon.Ready pointed the standard descriptors at /dev/null (and
	// turned console logging off, as OVS does); put back the two the
	// command prints on.
	if err1 == nil {
		unix.Dup3(out, 1, 0)
		unix.Close(out)
	}
	if err2 == nil {
		unix.Dup3(errfd, 2, 0)
		unix.Close(errfd)
	}
	return nil
}
