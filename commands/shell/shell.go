package shell

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/govs/ovs/commands/vsctl"
	"github.com/govs/ovs/internal/getopt"
	"github.com/govs/ovs/internal/tty"
	"github.com/govs/ovs/internal/version"
	"github.com/govs/ovs/internal/vlog"
)

const program = "ovs"

// Tool is a program the shell can run: Name is its full name ("ovs-appctl")
// and Main its entry point, called with args[0] set to Name.
type Tool struct {
	Name string
	Main func(args []string) int
}

// Options configure a shell.
type Options struct {
	// DB is the database the vsctl commands use; "" means ovs-vsctl's
	// default (unix:$OVS_RUNDIR/db.sock).
	DB string
	// Executable is the binary re-executed to run tools whose output must
	// be captured (see the package documentation); "" means this process's
	// own executable.
	Executable string
}

// Main runs "ovs shell"; args[0] is the name it was started under. It reads
// commands from the terminal with line editing, or, when standard input or
// output is not a terminal, line by line as a script.
func Main(args []string, tools []Tool) int {
	opts, status, done := parseArgs(args)
	if done {
		return status
	}
	if tty.IsTerminal(os.Stdin) && tty.IsTerminal(os.Stdout) {
		return interactive(tools, opts)
	}
	return Run(os.Stdin, os.Stdout, os.Stderr, tools, opts)
}

func parseArgs(args []string) (opts Options, status int, done bool) {
	table := []getopt.Option{
		{Name: "db", HasArg: getopt.RequiredArgument},
		{Name: "help", Short: 'h', HasArg: getopt.NoArgument},
		{Name: "version", Short: 'V', HasArg: getopt.NoArgument},
	}
	var rest []string
	if len(args) > 0 {
		rest = args[1:]
	}
	parsed, operands, err := getopt.Parse(rest, table, getopt.Permute)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", program, err)
		fmt.Fprintf(os.Stderr, "Try `%s shell --help' for more information.\n", program)
		return opts, 1, true
	}
	for _, p := range parsed {
		switch p.Name {
		case "db":
			opts.DB = p.Arg
		case "help":
			fmt.Print(usage)
			return opts, 0, true
		case "version":
			fmt.Println(version.Line("ovs shell"))
			return opts, 0, true
		}
	}
	if len(operands) > 0 {
		fmt.Fprintf(os.Stderr, "%s: shell takes no arguments (commands are read from standard input)\n", program)
		return opts, 1, true
	}
	return opts, 0, false
}

const usage = `ovs shell: run Open vSwitch tools interactively
usage: ovs shell [--db=DATABASE]

Each line is one tool command, such as "vsctl add-br br0" or
"ovs-appctl vlog/list"; words are split as by a POSIX shell ('...',
"..." and backslash escapes). The vsctl commands share one database
connection, opened at the first of them.

Options:
  --db=DATABASE   database the vsctl commands use (default: ovs-vsctl's)
  -h, --help      display this help message
  -V, --version   display version information

On a terminal: Tab completes, Ctrl-C cancels the line, Ctrl-D exits.
History is kept in ~/.ovs_history, or in $OVS_SHELL_HISTORY if set.
When standard input is not a terminal, lines are run one after another;
the exit status is that of the last command.
`

// Run reads commands from in and runs them, writing their output to out
// and errOut, until end of input or "exit". It returns the status of the
// last command run ("exit N" sets it). This is the non-interactive shell;
// Main uses it when standard input is not a terminal.
func Run(in io.Reader, out, errOut io.Writer, tools []Tool, opts Options) int {
	sh := newShell(out, errOut, tools, opts)
	defer sh.close()
	r := bufio.NewReader(in)
	text := ""
	for !sh.exiting {
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			if err != io.EOF {
				fmt.Fprintf(errOut, "%s: reading input: %v\n", program, err)
				return 1
			}
			if text != "" {
				// The input ended inside quotes: run it anyway, so
				// the error says what is wrong.
				sh.execLine(text, false)
			}
			break
		}
		text += strings.TrimSuffix(line, "\n")
		if _, serr := splitWords(text); serr == errIncomplete && err == nil {
			text += "\n"
			continue
		}
		sh.execLine(text, false)
		text = ""
	}
	return sh.status
}

// shell is the state kept between command lines.
type shell struct {
	out, errOut io.Writer
	tools       []Tool
	opts        Options

	session    *vsctl.Session
	sessionErr bool // the last attempt to open it failed

	// interrupts, when not nil, receives SIGINT while a command runs
	// (interactive mode).
	interrupts chan os.Signal

	status  int
	exiting bool
	vocab   vocabulary
}

func newShell(out, errOut io.Writer, tools []Tool, opts Options) *shell {
	sh := &shell{out: out, errOut: errOut, tools: tools, opts: opts}
	if sh.findTool("ovs-vsctl") == nil {
		// The one-shot ovs-vsctl runs vsctl lines when no session can be
		// opened, so that --help or a database elsewhere still work and
		// errors read exactly as the tool's own.
		sh.tools = append(sh.tools[:len(sh.tools):len(sh.tools)], Tool{Name: "ovs-vsctl", Main: vsctl.Main})
	}
	sh.vocab = vocabulary{
		tools:         sh.toolWords,
		vsctlCommands: vsctl.CommandNames,
		vsctlOptions:  vsctl.GlobalOptionNames,
		tables:        vsctl.TableNames,
		columns:       vsctl.ColumnNames,
		bridges:       sh.liveNames((*vsctl.Session).BridgeNames),
		ports:         sh.liveNames((*vsctl.Session).PortNames),
		ifaces:        sh.liveNames((*vsctl.Session).InterfaceNames),
	}
	return sh
}

func (sh *shell) close() {
	if sh.session != nil {
		sh.session.Close()
		sh.session = nil
	}
}

// toolWords are the names a command line may start with for a tool: the
// short form and the full one.
func (sh *shell) toolWords() []string {
	var out []string
	for _, t := range sh.tools {
		if isShellTool(t.Name) {
			continue
		}
		out = append(out, t.Name)
		if short, ok := strings.CutPrefix(t.Name, "ovs-"); ok {
			out = append(out, short)
		}
	}
	return out
}

// isShellTool reports whether name is the shell itself, which would only
// nest.
func isShellTool(name string) bool { return name == "ovs-shell" || name == "shell" }

func (sh *shell) findTool(word string) *Tool {
	if isShellTool(word) {
		return nil
	}
	for i := range sh.tools {
		t := &sh.tools[i]
		if t.Name == word || t.Name == "ovs-"+word {
			return t
		}
	}
	return nil
}

// liveNames returns a name source that opens the session if needed; a
// completion must not wait long, so a failed open is not retried by
// completion until a command has tried again.
func (sh *shell) liveNames(get func(*vsctl.Session) []string) func() []string {
	return func() []string {
		if sh.session == nil && !sh.sessionErr {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			sh.openSession(ctx)
			cancel()
		}
		if sh.session == nil {
			return nil
		}
		return get(sh.session)
	}
}

func (sh *shell) openSession(ctx context.Context) error {
	// As ovs-vsctl does before connecting: the connection's progress is
	// not news on a terminal.
	vlog.Set("reconnect:emer")
	vlog.Set("console:warn")
	s, err := vsctl.OpenSession(ctx, sh.opts.DB)
	if err != nil {
		sh.sessionErr = true
		return err
	}
	sh.session, sh.sessionErr = s, false
	return nil
}

// execLine runs one command line. interactive says whether a person typed
// it (then Ctrl-C interrupts it instead of ending the shell).
func (sh *shell) execLine(line string, interactive bool) {
	words, err := splitWords(line)
	if err != nil {
		fmt.Fprintf(sh.errOut, "%s: syntax error: %v\n", program, err)
		sh.status = 2
		return
	}
	if len(words) == 0 {
		return
	}
	switch words[0] {
	case "exit", "quit":
		sh.exiting = true
		if len(words) > 1 {
			n, err := strconv.Atoi(words[1])
			if err != nil || len(words) > 2 {
				fmt.Fprintf(sh.errOut, "%s: usage: %s [STATUS]\n", program, words[0])
				n = 2
			}
			sh.status = n
		}
		return
	case "help", "?":
		sh.help()
		sh.status = 0
		return
	}
	switch words[0] {
	case "vsctl", "ovs-vsctl":
		sh.status = sh.runVsctl(words[1:])
		return
	}
	if t := sh.findTool(words[0]); t != nil {
		sh.status = sh.runTool(t, words[1:])
		return
	}
	fmt.Fprintf(sh.errOut, "%s: unknown command %q (type \"help\" for the list)\n", program, words[0])
	sh.status = 127
}

func (sh *shell) help() {
	w := sh.out
	fmt.Fprintln(w, "Tools (with or without the \"ovs-\" prefix):")
	seen := map[string]bool{}
	for _, t := range sh.tools {
		if isShellTool(t.Name) || seen[t.Name] {
			continue
		}
		seen[t.Name] = true
		note := ""
		if t.Name == "ovs-vsctl" {
			note = "  (one database connection kept for the whole shell)"
		}
		fmt.Fprintf(w, "  %s ARGS...%s\n", strings.TrimPrefix(t.Name, "ovs-"), note)
	}
	fmt.Fprint(w, `Shell commands:
  help           this list
  exit [STATUS]  leave the shell (also "quit", or Ctrl-D)
Words are split as by a POSIX shell: '...', "..." and backslash escapes.
"TOOL --help" shows a tool's own help. Tab completes tools, commands,
options, tables, columns and bridge, port and interface names.
History: ~/.ovs_history, or the file named by $OVS_SHELL_HISTORY.
`)
}

// runVsctl runs an ovs-vsctl command line over the shell's session,
// opening it first if needed.
func (sh *shell) runVsctl(args []string) int {
	if sh.session == nil {
		ctx, cancel := context.WithCancel(context.Background())
		stop := sh.onInterrupt(cancel)
		err := sh.openSession(ctx)
		stop()
		cancel()
		if err != nil {
			// Let the one-shot tool say it (or succeed: --help,
			// --version, another --db need no session). Its own
			// --db, if any, comes later and wins.
			if sh.opts.DB != "" {
				args = append([]string{"--db=" + sh.opts.DB}, args...)
			}
			return sh.runTool(sh.findTool("ovs-vsctl"), args)
		}
	}
	if sh.interrupts == nil {
		return sh.session.Run(args, sh.out, sh.errOut)
	}
	// A Session cannot be cancelled, and one that waits for ovs-vswitchd
	// waits forever. Ctrl-C abandons it: its output is cut off, it is
	// closed whenever it returns, and the next command opens a new one.
	sess := sh.session
	out, errOut := &gate{w: sh.out}, &gate{w: sh.errOut}
	done := make(chan int, 1)
	go func() { done <- sess.Run(args, out, errOut) }()
	drain(sh.interrupts)
	select {
	case status := <-done:
		return status
	case <-sh.interrupts:
		out.shut()
		errOut.shut()
		sh.session = nil
		go func() {
			<-done
			sess.Close()
		}()
		// The terminal has echoed "^C" already.
		fmt.Fprintf(sh.errOut, "\n%s: interrupted; the ovs-vsctl command was abandoned\n", program)
		return 130
	}
}

// onInterrupt calls f on SIGINT until the returned stop is called.
func (sh *shell) onInterrupt(f func()) (stop func()) {
	if sh.interrupts == nil {
		return func() {}
	}
	drain(sh.interrupts)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-sh.interrupts:
			f()
		case <-quit:
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

func drain(ch chan os.Signal) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// runTool runs another tool as a child process (the same binary, the tool's
// name as first argument). A tool may end its process (ovs-appctl --timeout
// does, with SIGALRM) or change process-wide state such as log levels, so
// it never runs inside the shell.
func (sh *shell) runTool(t *Tool, args []string) int {
	exe := sh.opts.Executable
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			fmt.Fprintf(sh.errOut, "%s: cannot find own executable to run %s: %v\n", program, t.Name, err)
			return 1
		}
	}
	cmd := exec.Command(exe, append([]string{t.Name}, args...)...)
	cmd.Stdout, cmd.Stderr = sh.out, sh.errOut
	// Stdin stays /dev/null: in a script it holds the next commands.
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(sh.errOut, "%s: %s: %v\n", program, t.Name, err)
		return 1
	}
	// A Ctrl-C from the terminal reaches the child too (same process
	// group); the shell only waits for it.
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	default:
		fmt.Fprintf(sh.errOut, "%s: %s: %v\n", program, t.Name, err)
		return 1
	}
}

// gate is a writer that can be cut off, for the output of an abandoned
// command.
type gate struct {
	mu     sync.Mutex
	w      io.Writer
	closed bool
}

func (g *gate) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return len(p), nil
	}
	return g.w.Write(p)
}

func (g *gate) shut() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}
