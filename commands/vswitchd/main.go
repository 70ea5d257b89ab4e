// Package vswitchd is ovs-vswitchd: the switch daemon. It connects to the
// database, runs the bridges it describes on the userspace datapath
// (engine/bridge does the work) and answers ovs-appctl.
//
// The kernel datapath needs the openvswitch module, which the machines this
// project targets often lack; bridges whose datapath_type is empty then run
// on the userspace datapath instead of failing, with one log line saying
// so. An explicit datapath_type=system still fails as OVS does.
package vswitchd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govs/ovs/engine/bridge"
	"github.com/govs/ovs/engine/dpif"
	"github.com/govs/ovs/engine/dpif/dpctl"
	"github.com/govs/ovs/engine/dpif/userspace"
	"github.com/govs/ovs/engine/netdev"
	"github.com/govs/ovs/internal/coverage"
	"github.com/govs/ovs/internal/daemon"
	"github.com/govs/ovs/internal/gcpolicy"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/memory"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/unixctl"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovs-vswitchd"

var log = vlog.NewModule("bridge")

// Main runs ovs-vswitchd; args[0] is the program name.
func Main(args []string) int {
	if len(args) > 0 {
		args = args[1:]
	}
	vlog.SetProgramName(program)
	o, status, done := parseOptions(args, os.Stdout, os.Stderr)
	if done {
		return status
	}
	return run(o)
}

type options struct {
	remote  string
	unixctl string
	mlock   bool
	dummy   bool
	// dummyOverride (--enable-dummy=override) opens every port as a
	// dummy device, whatever its type, as OVS's test suite runs it.
	dummyOverride bool
	daemon        daemon.Config
}

// optionTable lists the options in ovs-vswitchd's own order (not
// daemon.Options' and vlog.Options'), because getopt's "is ambiguous;
// possibilities:" message lists them in table order.
var optionTable = []getopt.Option{
	{Name: "help", Short: 'h'},
	{Name: "version", Short: 'V'},
	{Name: "mlockall"},
	{Name: "unixctl", HasArg: getopt.RequiredArgument},
	{Name: "detach"},
	{Name: "no-self-confinement"},
	{Name: "no-chdir"},
	{Name: "pidfile", HasArg: getopt.OptionalArgument},
	{Name: "overwrite-pidfile"},
	{Name: "monitor"},
	{Name: "user", HasArg: getopt.RequiredArgument},
	{Name: "verbose", Short: 'v', HasArg: getopt.OptionalArgument},
	{Name: "log-file", HasArg: getopt.OptionalArgument},
	{Name: "syslog-method", HasArg: getopt.RequiredArgument},
	{Name: "syslog-target", HasArg: getopt.RequiredArgument},
	{Name: "private-key", Short: 'p', HasArg: getopt.RequiredArgument},
	{Name: "certificate", Short: 'c', HasArg: getopt.RequiredArgument},
	{Name: "ca-cert", Short: 'C', HasArg: getopt.RequiredArgument},
	{Name: "ssl-protocols", HasArg: getopt.RequiredArgument},
	{Name: "ssl-ciphers", HasArg: getopt.RequiredArgument},
	{Name: "peer-ca-cert", HasArg: getopt.RequiredArgument},
	{Name: "bootstrap-ca-cert", HasArg: getopt.RequiredArgument},
	{Name: "enable-dummy", HasArg: getopt.OptionalArgument},
	{Name: "disable-system"},
	{Name: "disable-system-route"},
	{Name: "dpdk", HasArg: getopt.OptionalArgument},
	{Name: "dummy-numa", HasArg: getopt.RequiredArgument},
}

func parseOptions(args []string, stdout, stderr io.Writer) (o *options, status int, done bool) {
	o = &options{}
	rest, status, done := o.daemon.ParseOptions(program, args, optionTable, stdout, stderr, usage, func(opt getopt.Parsed) error {
		switch opt.Opt.Name {
		case "mlockall":
			o.mlock = true
		case "unixctl":
			o.unixctl = opt.Arg
		case "enable-dummy":
			o.dummy = true
			o.dummyOverride = opt.Arg == "override"
		}
		// The SSL, DPDK and --disable-system* options are accepted for
		// compatibility with OVS's command lines: SSL database
		// connections and DPDK are not supported, which the remote's
		// own error says if one is used.
		return nil
	})
	if done {
		return nil, status, true
	}
	switch len(rest) {
	case 0:
		o.remote = "unix:" + paths.RunDir() + "/db.sock"
	case 1:
		o.remote = rest[0]
	default:
		fmt.Fprintf(stderr, "%s: at most one non-option argument accepted; use --help for usage\n", program)
		return nil, 1, true
	}
	return o, 0, false
}

func usage(w io.Writer) {
	fmt.Fprintf(w, `%s: Open vSwitch daemon
usage: %s [OPTIONS] [DATABASE]
where DATABASE is a socket on which ovsdb-server is listening
      (default: "unix:%s/db.sock").

Active DATABASE connection methods:
  tcp:HOST:PORT           PORT at remote HOST
  unix:FILE               Unix domain socket named FILE
`, program, program, paths.RunDir())
	io.WriteString(w, daemon.OptionsHelp(program))
	io.WriteString(w, vlog.OptionsHelp(paths.LogFile(program)))
	io.WriteString(w, `
Other options:
  --unixctl=SOCKET          override default control socket name
  --mlockall                lock all memory into RAM
  --enable-dummy            allow type=dummy interfaces (for tests)
  -h, --help                display this help message
  -V, --version             display version information
`)
}

func fatal(err error) int {
	if !errors.Is(err, vlog.ErrAlreadyLogged) {
		fmt.Fprintf(os.Stderr, "%s: %s\n", program, err.Error())
	}
	daemon.Exit(1)
	return 1
}

// kernelDatapath reports whether the openvswitch kernel module is there.
func kernelDatapath() bool {
	_, err := os.Stat("/sys/module/openvswitch")
	return err == nil
}

func run(o *options) int {
	daemon.HandleSignals()
	// Under --user, keep the capabilities that opening AF_PACKET sockets
	// and TAP devices needs.
	o.daemon.AccessDatapath = true
	if err := o.daemon.Start(program); err != nil {
		return fatal(err)
	}
	mem := gcpolicy.Start(memConfig)
	if o.mlock {
		if err := unix.Mlockall(unix.MCL_CURRENT | unix.MCL_FUTURE); err != nil {
			log.Err("mlockall failed: %s", err)
		}
	}
	pool := netdev.DefaultPool
	open := func(name, typ string) (netdev.Netdev, error) {
		if o.dummyOverride {
			return netdev.OpenDummy(name, pool), nil
		}
		return netdev.Open(name, typ, pool)
	}
	nextHop := bridge.KernelNextHopMAC
	if o.dummyOverride {
		nextHop = nil
	}
	sw, err := bridge.New(bridge.Options{
		Remote:     o.remote,
		NextHopMAC: nextHop,
		NewDatapath: func() (dpif.Datapath, error) {
			local, err := open("ovs-netdev", "internal")
			if err != nil {
				return nil, err
			}
			return userspace.New("ovs-netdev", pool, local), nil
		},
		OpenNetdev:     open,
		KernelDatapath: kernelDatapath(),
		Dummy:          o.dummy,
	})
	if err != nil {
		return fatal(err)
	}
	ctl, err := unixctl.NewServer(program, o.unixctl)
	if err != nil {
		return fatal(err)
	}
	if p := ctl.Path(); p != "" {
		daemon.AtExit(func() { os.Remove(p) })
	}
	ctx, cancel := context.WithCancel(context.Background())
	exitCh := make(chan int, 1)
	ctl.SetLocker(sw)
	registerCommands(ctl, sw, o.dummy, func() {
		select {
		case exitCh <- 0:
		default:
		}
	})
	go ctl.Serve()
	log.Info("%s", version.Line(program))

	done := make(chan struct{})
	go func() {
		sw.Run(ctx)
		close(done)
	}()
	daemon.Ready()
	if o.daemon.Detach {
		vlog.SetLevel(nil, vlog.Console, vlog.Off)
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	status := 0
loop:
	for {
		select {
		case status = <-exitCh:
			break loop
		case sig := <-sigs:
			if sig == syscall.SIGHUP {
				vlog.Reopen()
				continue
			}
			break loop
		case now := <-tick.C:
			coverage.Tick(now)
			memory.Run(now)
			mem.NoteActivity()
		}
	}
	cancel()
	<-done
	ctl.Close()
	daemon.Exit(status)
	return status
}

func registerCommands(ctl *unixctl.Server, sw *bridge.Switch, dummy bool, exit func()) {
	ctl.Register("exit", "[--cleanup]", 0, 1, func(args []string) (string, error) {
		// As in OVS, anything but --cleanup is ignored.
		sw.SetCleanup(len(args) == 1 && args[0] == "--cleanup")
		exit()
		return "", nil
	})
	vlog.RegisterCommands(ctl)
	registerTimeCommands(ctl, sw)
	if dummy {
		registerDummyCommands(ctl)
	}
	coverage.RegisterCommands(ctl)
	memory.RegisterCommands(ctl)
	for _, c := range []struct {
		name, usage string
		min, max    int
		fn          func([]string) (string, error)
	}{
		{"fdb/show", "bridge", 1, 1, sw.FDBShow},
		{"fdb/flush", "[bridge]", 0, 1, sw.FDBFlush},
		{"fdb/stats-show", "bridge", 1, 1, sw.FDBStatsShow},
		{"fdb/stats-clear", "[bridge]", 0, 1, sw.FDBStatsClear},
		{"fdb/add", "bridge port vlan mac", 4, 4, sw.FDBAdd},
		{"fdb/del", "bridge vlan mac", 3, 3, sw.FDBDel},
		{"ofproto/list", "", 0, 0, sw.OfprotoList},
		{"bridge/dump-flows", "[--offload-stats] bridge", 1, 2, sw.BridgeDumpFlows},
		{"dpif/show", "", 0, 0, sw.DpifShow},
		{"dpif/dump-dps", "", 0, 0, sw.DpifDumpDps},
		{"upcall/show", "", 0, 0, sw.UpcallShow},
		{"ofproto/trace", bridge.TraceUsage, 1, 1<<31 - 1, sw.OfprotoTrace},
		{"ofproto/trace-packet-out", bridge.TracePacketOutUsage, 2, 1<<31 - 1, sw.OfprotoTracePacketOut},
	} {
		ctl.Register(c.name, c.usage, c.min, c.max, c.fn)
	}
	env := &dpctl.Env{Program: program, Datapaths: func() []dpif.Datapath {
		// Called with the switch locked (the unixctl server's locker).
		if dp := sw.Datapath(); dp != nil {
			return []dpif.Datapath{dp}
		}
		return nil
	}}
	for _, c := range dpctl.Commands {
		run := c.Run
		ctl.Register(c.Name, c.Usage, c.Min, c.Max, func(args []string) (string, error) { return run(env, args) })
	}
}
