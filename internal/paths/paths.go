// Package paths gives Open vSwitch's directory layout, with its environment overrides.
//
// The defaults are Debian's layout, which is what the Debian OVS 3.1 binaries use. The
// rules below were checked against those binaries (their --help texts print the
// resulting defaults), not only against their documentation:
//
//   - OVS_RUNDIR, OVS_LOGDIR, OVS_PKGDATADIR and OVS_DBDIR override their directory
//     when set and non-empty; an empty value means the default.
//   - OVS_SYSCONFDIR counts as soon as it is set, even to "": with OVS_SYSCONFDIR=""
//     the default database is "/openvswitch/conf.db". The database directory is
//     OVS_DBDIR, else $OVS_SYSCONFDIR/openvswitch, else /etc/openvswitch.
//   - OVS_BINDIR and OVS_SBINDIR are used by ovs-ctl; we treat them like OVS_RUNDIR.
//   - Paths are joined with a plain "/" and never cleaned: OVS_RUNDIR=/tmp/rd/ yields
//     "/tmp/rd//db.sock" and a relative OVS_RUNDIR stays relative, as in OVS. This
//     matters because the paths appear in messages that must match OVS byte for byte.
//
// The environment is read on every call rather than cached, so that a test (or ovs-ctl
// setting variables for the daemons it starts) sees its changes at once; the cost is a
// getenv, negligible next to the file operations the result is used for.
package paths

import (
	"os"
	"strconv"
)

// env returns $name if it is set and non-empty, else def.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// RunDir is where pidfiles and sockets live: $OVS_RUNDIR or /var/run/openvswitch.
func RunDir() string { return env("OVS_RUNDIR", "/var/run/openvswitch") }

// LogDir is where log files go: $OVS_LOGDIR or /var/log/openvswitch.
func LogDir() string { return env("OVS_LOGDIR", "/var/log/openvswitch") }

// SysConfDir is $OVS_SYSCONFDIR (even if empty) or /etc.
func SysConfDir() string {
	if v, ok := os.LookupEnv("OVS_SYSCONFDIR"); ok {
		return v
	}
	return "/etc"
}

// DBDir holds the default database: $OVS_DBDIR, else $OVS_SYSCONFDIR/openvswitch when
// OVS_SYSCONFDIR is set, else /etc/openvswitch.
func DBDir() string {
	if v := os.Getenv("OVS_DBDIR"); v != "" {
		return v
	}
	return SysConfDir() + "/openvswitch"
}

// PkgDataDir holds the schemas: $OVS_PKGDATADIR or /usr/share/openvswitch.
func PkgDataDir() string { return env("OVS_PKGDATADIR", "/usr/share/openvswitch") }

// BinDir is $OVS_BINDIR or /usr/bin.
func BinDir() string { return env("OVS_BINDIR", "/usr/bin") }

// SbinDir is $OVS_SBINDIR or /usr/sbin, where Debian installs the daemons.
func SbinDir() string { return env("OVS_SBINDIR", "/usr/sbin") }

// DefaultDB is the database ovsdb-server and ovsdb-tool use when none is named.
func DefaultDB() string { return DBDir() + "/conf.db" }

// DefaultSchema is the Open_vSwitch schema ovsdb-tool uses when none is named.
func DefaultSchema() string { return PkgDataDir() + "/vswitch.ovsschema" }

// DBSock is the ovsdb-server socket the tools connect to by default (as "unix:"+DBSock()).
func DBSock() string { return RunDir() + "/db.sock" }

// Pidfile is the pidfile a daemon writes for a bare --pidfile, and the one ovs-appctl
// reads for "-t program".
func Pidfile(program string) string { return RunDir() + "/" + program + ".pid" }

// LogFile is the log file for a bare --log-file.
func LogFile(program string) string { return LogDir() + "/" + program + ".log" }

// CtlSocket is a daemon's default control socket, program.PID.ctl in the rundir.
func CtlSocket(program string, pid int) string {
	return RunDir() + "/" + program + "." + strconv.Itoa(pid) + ".ctl"
}

// Abs resolves a file name given on a command line: a name starting with "/" is
// returned unchanged; any other name is appended to dir, or to RunDir() if dir is "".
// Nothing is cleaned ("sub/../x" and "./x" are kept), as in OVS.
//
// OVS resolves these names against the rundir (checked with the Debian 3.1 binaries):
// --pidfile=FILE, --unixctl=SOCKET, the socket of punix: and unix: remotes and
// --remote/--db targets, --record/--replay directories, and ovs-appctl's -t TARGET
// (which names <rundir>/TARGET.pid, or a socket if it starts with "/"). It does not do
// so for --log-file=FILE (used as given, relative to the working directory) nor for
// database file operands; callers must not call Abs for those.
func Abs(dir, name string) string {
	if len(name) > 0 && name[0] == '/' {
		return name
	}
	if dir == "" {
		dir = RunDir()
	}
	return dir + "/" + name
}
