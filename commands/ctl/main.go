package ctl

import (
	"fmt"
	"io"
	"os"

	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/version"
)

// Main runs ovs-ctl; args[0] is the program name. It returns the exit
// status: 0 on success, 1 on failure (and for "status", 1 unless both
// daemons run).
func Main(args []string) int {
	program := args[0]
	inv := parseArgs(program, args[1:], defaults())
	for _, w := range inv.warnings {
		fmt.Fprintln(os.Stderr, w)
	}
	switch {
	case inv.help:
		usage(os.Stdout, program)
		return 0
	case inv.version:
		fmt.Println(version.Line(program))
		return 0
	case inv.fatal != "":
		fmt.Fprintln(os.Stderr, inv.fatal)
		return 1
	}

	exe, err := executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: cannot find the program's own executable: %v\n", program, err)
		return 1
	}
	c := &ctl{
		program:  program,
		exe:      exe,
		set:      inv.set,
		extraIDs: inv.extraIDs,
		r:        newReporter(os.Stdout),
		stdout:   os.Stdout,
		stderr:   os.Stderr,
	}
	return c.dispatch(inv.command)
}

func (c *ctl) dispatch(command string) int {
	var err error
	switch command {
	case "start":
		err = c.start()
	case "stop":
		c.stopForwarding()
		err = c.stopOvsdb()
	case "restart":
		err = c.restart()
	case "status":
		ok := true
		for _, d := range []string{"ovsdb-server", "ovs-vswitchd"} {
			if !c.daemonStatus(d) {
				ok = false
			}
		}
		if !ok {
			return 1
		}
	case "version":
		for _, d := range []string{"ovsdb-server", "ovs-vswitchd"} {
			if err = c.needTool(d); err == nil {
				err = c.run(d, "--version")
			}
		}
	case "delete-transient-ports":
		err = c.deleteTransientPorts()
	case "record-hostname-if-not-set":
		err = c.setHostname()
	case "help":
		usage(c.stdout, c.program)
	case "":
		fmt.Fprintf(c.stderr, "%s: missing command name (use --help for help)\n", c.program)
		return 1
	default:
		fmt.Fprintf(c.stderr, "%s: unknown command \"%s\" (use --help for help)\n", c.program, command)
		return 1
	}
	if err != nil {
		return 1
	}
	return 0
}

// usage prints the help text with the defaults of this environment.
func usage(w io.Writer, program string) {
	d := defaults()
	fmt.Fprintf(w, `%[1]s: starts, stops and checks the Open vSwitch daemons
usage: %[1]s [OPTIONS] COMMAND

Init systems and the Open vSwitch service units run this program; it is
rarely needed by hand.

Commands:
  start                       start ovsdb-server and ovs-vswitchd
  stop                        stop ovs-vswitchd and ovsdb-server
  restart                     restart both daemons, keeping OpenFlow flows
  status                      tell whether each daemon is running
  version                     print each daemon's version
  delete-transient-ports      delete the ports with other_config:transient=true
  record-hostname-if-not-set  store this host's name in the database unless
                              it is there already
  help                        print this help

"start" and "restart" need a system ID, one of:
  --system-id=UUID            identify this system by UUID
  --system-id=random          use a random UUID, kept in
                              %[2]s/system-id.conf

Main options for "start" and "restart":
  --system-type=TYPE          system type (default: %[3]s)
  --system-version=VERSION    system version (default: %[4]s)
  --external-id="key=value"   also set this key in Open_vSwitch external-ids
  --delete-bridges            delete every bridge before starting ovs-vswitchd
  --delete-transient-ports    delete transient ports before starting it
  --ovs-user="user[:group]"   run the daemons as this user (their --user)
  --no-ovsdb-server           leave ovsdb-server alone
  --no-ovs-vswitchd           leave ovs-vswitchd alone

Other options for "start" and "restart":
  --daemon-cwd=DIR                working directory of the daemons (default: %[5]s)
  --no-force-corefiles            do not raise the daemons' core file size limit
  --dump-hugepages                include huge pages in core dumps
  --no-mlockall                   do not lock ovs-vswitchd's memory
  --no-monitor                    do not restart the daemons when they crash
  --no-self-confinement           pass --no-self-confinement to the daemons
  --ovsdb-server-priority=NICE    niceness of ovsdb-server (default: %[6]s)
  --ovsdb-server-options=OPTIONS  more ovsdb-server options, e.g. '-vconsole:dbg'
  --ovs-vswitchd-priority=NICE    niceness of ovs-vswitchd (default: %[7]s)
  --ovs-vswitchd-options=OPTIONS  more ovs-vswitchd options, e.g. '-vfile:dbg'
  --extra-dbs="FILE..."           more databases for ovsdb-server to serve
  --no-full-hostname              record the short host name, not the full one
  --no-record-hostname            do not record the host name at all

Files:
  --db-file=FILE     database file (default: %[8]s)
  --db-sock=SOCKET   ovsdb-server's socket (default: %[9]s)
  --db-schema=FILE   database schema (default: %[10]s,
                     or the schema built into this program if that is missing)

Other options:
  -h, --help         print this help
  -V, --version      print the version

Directories, and the environment variables that override them:
  logs: %[11]s (OVS_LOGDIR)
  pidfiles and sockets: %[12]s (OVS_RUNDIR)
  conf.db: %[13]s (OVS_DBDIR)
  system configuration: %[14]s (OVS_SYSCONFDIR)
  data files: %[15]s (OVS_PKGDATADIR)
`, program, etcDir(), d["SYSTEM_TYPE"], d["SYSTEM_VERSION"], d["DAEMON_CWD"],
		d["OVSDB_SERVER_PRIORITY"], d["OVS_VSWITCHD_PRIORITY"], d["DB_FILE"], d["DB_SOCK"], d["DB_SCHEMA"],
		paths.LogDir(), paths.RunDir(), paths.DBDir(), paths.SysConfDir(), paths.PkgDataDir())
}
