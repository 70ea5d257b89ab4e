package daemon

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"

	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

// Config holds the daemon options of one program.
type Config struct {
	Pidfile           string // "" = no pidfile; absolute once set by --pidfile[=FILE]
	Overwrite         bool   // --overwrite-pidfile
	Detach            bool   // --detach
	Monitor           bool   // --monitor
	NoChdir           bool   // --no-chdir
	User              string // --user=USER[:GROUP], as given
	NoSelfConfinement bool   // --no-self-confinement (accepted; nothing to do without AppArmor)

	// AccessDatapath keeps CAP_NET_ADMIN, CAP_NET_BROADCAST and CAP_NET_RAW
	// across --user, for daemons that drive a datapath (ovs-vswitchd). Set
	// it before Start.
	AccessDatapath bool

	uid, gid int // resolved from User by HandleOption
}

// Options returns the option table entries for the daemon options, spelled
// as OVS spells them.
func Options() []getopt.Option {
	return []getopt.Option{
		{Name: "detach", HasArg: getopt.NoArgument},
		{Name: "no-chdir", HasArg: getopt.NoArgument},
		{Name: "monitor", HasArg: getopt.NoArgument},
		{Name: "pidfile", HasArg: getopt.OptionalArgument},
		{Name: "overwrite-pidfile", HasArg: getopt.NoArgument},
		{Name: "user", HasArg: getopt.RequiredArgument},
		{Name: "no-self-confinement", HasArg: getopt.NoArgument},
	}
}

// OptionsHelp is the "Daemon options:" paragraph of a daemon's --help, with
// the default pidfile of program.
func OptionsHelp(program string) string {
	return "\nDaemon options:\n" +
		"  --detach                run in background as daemon\n" +
		"  --monitor               creates a process to monitor this daemon\n" +
		"  --user=username[:group] changes the effective daemon user:group\n" +
		"  --no-chdir              do not chdir to '/'\n" +
		"  --pidfile[=FILE]        create pidfile (default: " + paths.Pidfile(program) + ")\n" +
		"  --overwrite-pidfile     with --pidfile, start even if already running\n"
}

// HandleOption applies p if it is a daemon option. An error is a fatal usage
// error; the caller prints "program: " followed by its text and exits 1, which
// reproduces OVS's messages (including the "(null): " that OVS prints in its
// --user errors).
func (c *Config) HandleOption(program string, p getopt.Parsed) (handled bool, err error) {
	name := p.Name
	if p.Opt != nil && p.Opt.Name != "" {
		name = p.Opt.Name
	}
	switch name {
	case "detach":
		c.Detach = true
	case "no-chdir":
		c.NoChdir = true
	case "monitor":
		c.Monitor = true
	case "pidfile":
		if p.HasArg {
			// OVS resolves even an empty name against the rundir.
			c.Pidfile = paths.Abs("", p.Arg)
		} else {
			c.Pidfile = paths.Pidfile(program)
		}
	case "overwrite-pidfile":
		c.Overwrite = true
	case "no-self-confinement":
		c.NoSelfConfinement = true
	case "user":
		if err := c.setUser(p.Arg); err != nil {
			return true, err
		}
	default:
		return false, nil
	}
	return true, nil
}

// setUser resolves --user=USER[:GROUP] the way OVS does: at option time, only
// as root, USER defaulting to the current user and GROUP to USER's primary
// group, and GROUP must be USER's primary or a supplementary group.
func (c *Config) setUser(spec string) error {
	// After the --user re-execution the process is no longer root; the
	// option was already checked by the root process that re-executed it.
	if os.Getuid() != 0 && os.Getenv(envUser) == "" {
		return errors.New("(null): only root can use --user option")
	}
	userName, groupName, _ := strings.Cut(spec, ":")

	var u *user.User
	var err error
	if userName == "" {
		u, err = user.LookupId(strconv.Itoa(os.Getuid()))
		if err != nil {
			return errors.New("(null): current user not found, aborting.")
		}
	} else if u, err = user.Lookup(userName); err != nil {
		return errors.New("(null): user " + userName + " not found, aborting.")
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return errors.New("(null): user " + u.Username + " not found, aborting.")
	}

	if groupName != "" {
		g, err := user.LookupGroup(groupName)
		if err != nil {
			return errors.New("(null): group " + groupName + " not found, aborting.")
		}
		if g.Gid != u.Gid {
			ids, _ := u.GroupIds()
			if !slices.Contains(ids, g.Gid) {
				return errors.New("(null): Invalid --user option " + spec + " (user " +
					u.Username + " is not in group " + groupName + "), aborting.")
			}
		}
		if gid, err = strconv.Atoi(g.Gid); err != nil {
			return errors.New("(null): group " + groupName + " not found, aborting.")
		}
	}
	c.User = spec
	c.uid, c.gid = uid, gid
	return nil
}

// ParseOptions runs a daemon's command line the way OVS's daemons do:
// options take effect as they are met (--log-file opens the log at once),
// the daemon and logging options are applied here, -h/--help and
// -V/--version print and stop, and every other option goes to each. The
// first bad option, or an error from each, is printed as "program: text"
// and stops the program with status 1. With exit false, rest holds the
// operands and logging is initialised.
func (c *Config) ParseOptions(program string, args []string, table []getopt.Option, stdout, stderr io.Writer,
	usage func(io.Writer), each func(getopt.Parsed) error) (rest []string, status int, exit bool) {
	fail := func(err error) ([]string, int, bool) {
		if !errors.Is(err, vlog.ErrAlreadyLogged) {
			fmt.Fprintf(stderr, "%s: %s\n", program, err.Error())
		}
		return nil, 1, true
	}
	p := getopt.NewParser(args, table, getopt.Permute)
	for {
		opt, ok, err := p.Next()
		if err != nil {
			return fail(err)
		}
		if !ok {
			break
		}
		switch opt.Opt.Name {
		case "help":
			usage(stdout)
			return nil, 0, true
		case "version":
			fmt.Fprintln(stdout, version.Line(program))
			return nil, 0, true
		}
		if handled, err := c.HandleOption(program, opt); handled {
			if err != nil {
				return fail(err)
			}
			continue
		}
		if handled, err := vlog.HandleOption(opt); handled {
			if err != nil {
				return fail(err)
			}
			continue
		}
		if err := each(opt); err != nil {
			return fail(err)
		}
	}
	if err := vlog.Init(); err != nil {
		return fail(err)
	}
	return p.Remaining(), 0, false
}
