// Package commands is the multi-call front of the binary: it picks the tool
// from the name the binary was started under, or from the first argument of
// "ovs", and hands it the remaining arguments untouched.
//
// cobra carries only the "ovs" root (help, version, shell completion); every
// tool parses its own arguments with internal/getopt, because OVS scripts rely
// on getopt_long behaviour that pflag does not have.
package commands

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govs/ovs/commands/appctl"
	"github.com/govs/ovs/commands/ctl"
	"github.com/govs/ovs/commands/ofctl"
	"github.com/govs/ovs/commands/ovsdbclient"
	"github.com/govs/ovs/commands/ovsdbserver"
	"github.com/govs/ovs/commands/ovsdbtool"
	"github.com/govs/ovs/commands/shell"
	"github.com/govs/ovs/commands/vsctl"
	"github.com/govs/ovs/commands/vswitchd"
	"github.com/govs/ovs/internal/hugetext"
	"github.com/govs/ovs/internal/tty"
	"github.com/govs/ovs/internal/version"
)

// tool is one OVS program carried by the binary.
type tool struct {
	name  string
	short string
	// main runs the tool. args[0] is the name the tool is known by
	// (ovs-vsctl, not ovs), the rest its arguments; it returns the exit
	// status.
	main func(args []string) int
}

// tools lists the programs this binary implements, in the order "ovs --help"
// shows them. A tool appears here only once it works.
var tools = []tool{
	{"ovsdb-server", "Serve OVSDB databases over JSON-RPC (RFC 7047)", ovsdbserver.Main},
	{"ovsdb-tool", "Create, upgrade, compact and query OVSDB database files", ovsdbtool.Main},
	{"ovsdb-client", "Query, monitor and back up OVSDB databases over JSON-RPC", ovsdbclient.Main},
	{"ovs-vsctl", "Configure Open vSwitch through its database", vsctl.Main},
	{"ovs-vswitchd", "The switch: runs the bridges the database describes", vswitchd.Main},
	{"ovs-appctl", "Query and control running Open vSwitch daemons", appctl.Main},
	{"ovs-ofctl", "Manage OpenFlow switches: flows, ports, tables, groups, meters", ofctl.Main},
	{"ovs-ctl", "Start, stop and check the Open vSwitch daemons", ctl.Main},
}

func lookup(name string) *tool {
	for i := range tools {
		t := &tools[i]
		if name == t.name || "ovs-"+name == t.name {
			return t
		}
	}
	return nil
}

func toolNames() []string {
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = t.name
	}
	return names
}

// Main runs the binary with the full argv and returns the exit status.
func Main(argv []string) int {
	base := filepath.Base(argv[0])
	if t := lookup(base); t != nil && base != "ovs" {
		return t.main(append([]string{t.name}, argv[1:]...))
	}
	args := argv[1:]
	if len(args) == 1 && args[0] == "--list-tools" {
		// For the Makefile: which symlinks to make.
		fmt.Println(strings.Join(toolNames(), "\n"))
		return 0
	}
	if len(args) > 0 && args[0] == "--text-hugepages" {
		return textHugepages(args[1:])
	}
	if len(args) == 0 && tty.IsTerminal(os.Stdin) && tty.IsTerminal(os.Stdout) {
		return runShell(nil)
	}
	if len(args) > 0 && args[0] == "shell" {
		return runShell(args[1:])
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if t := lookup(args[0]); t != nil {
			return t.main(append([]string{t.name}, args[1:]...))
		}
		switch args[0] {
		case "help", "completion", "__complete", "__completeNoDesc", "shell", "man":
		default:
			fmt.Fprintf(os.Stderr, "ovs: unknown tool %q (known tools: %s)\n",
				args[0], strings.Join(toolNames(), ", "))
			return 1
		}
	}
	root := newRoot()
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		return 1
	}
	return 0
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "ovs",
		Short: "Open vSwitch in one binary",
		Long: version.Product + " is every Open vSwitch tool in one static binary.\n" +
			"Run a tool as \"ovs TOOL ARGS...\" (\"ovs vsctl show\" or \"ovs ovs-vsctl show\"),\n" +
			"or through a symlink named after the tool (ovs-vsctl -> ovs).",
		Version:       version.Version,
		SilenceUsage:  true,
		SilenceErrors: false,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	root.SetVersionTemplate(version.Line("ovs") + "\n")
	root.DisableAutoGenTag = true
	root.AddCommand(&cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for ovs and its tool commands into DIR",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			return genManTree(cmd.Root(), args[0], version.Product+" "+version.Version)
		},
	})
	root.AddCommand(&cobra.Command{
		Use:                "shell [--db=SERVER]",
		Short:              "Interactive shell running any tool's commands (also: ovs alone on a terminal)",
		DisableFlagParsing: true,
		Run: func(cmd *cobra.Command, args []string) {
			os.Exit(runShell(args))
		},
	})
	for i := range tools {
		t := &tools[i]
		sub := &cobra.Command{
			Use:   t.name + " [ARG...]",
			Short: t.short,
			Long: t.short + ".\n\n" + t.name + " parses its own options, exactly as OVS's " + t.name +
				" does; \"" + t.name + " --help\" lists them.",
			DisableFlagParsing: true,
			Run: func(cmd *cobra.Command, args []string) {
				os.Exit(t.main(append([]string{t.name}, args...)))
			},
		}
		if short := strings.TrimPrefix(t.name, "ovs-"); short != t.name {
			sub.Aliases = []string{short}
		}
		root.AddCommand(sub)
	}
	return root
}

// textHugepages lays each FILE (this binary, as installed) out in the page
// cache in 2 MB pages, so that every later start of a tool maps its code
// with a few huge mappings; see internal/hugetext. "make build" and "make
// install" run it; after a reboot or memory pressure it can be run again.
func textHugepages(files []string) int {
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: ovs --text-hugepages FILE...")
		return 1
	}
	status := 0
	for _, f := range files {
		res, err := hugetext.Relayout(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ovs: %s: %v\n", f, err)
			status = 1
			continue
		}
		fmt.Printf("%s: %.1f of %.1f MB in 2 MB pages\n", f, float64(res.Huge)/(1<<20), float64(res.Size)/(1<<20))
	}
	return status
}

// runShell starts the interactive shell with every tool of the binary.
func runShell(args []string) int {
	list := make([]shell.Tool, len(tools))
	for i, t := range tools {
		list[i] = shell.Tool{Name: t.name, Main: t.main}
	}
	return shell.Main(append([]string{"ovs shell"}, args...), list)
}
