// Package shell is "ovs shell", the interactive front of the binary (also
// what "ovs" alone opens on a terminal): each line is one tool command
// ("vsctl add-br br0", "ovs-appctl vlog/list"), run inside the shell's own
// process.
//
// Why it is built the way it is:
//
//   - ovs-vsctl lines run over one vsctl.Session, opened at the first of
//     them (so the shell starts without a database) and kept: connecting
//     and loading the replica is most of what an ovs-vsctl run costs, and
//     the open replica is also where completion reads live bridge, port and
//     interface names. If the session cannot be opened, the line is run by
//     the one-shot ovs-vsctl instead, so --help, another --db and the exact
//     error texts behave as the tool does.
//   - Other tools run as child processes: the binary re-executes itself
//     with the tool's name as first argument. Those tools write to
//     os.Stdout and os.Stderr themselves, some end the process (ovs-appctl
//     --timeout does, with SIGALRM) and their -v options change
//     process-wide logging, so running them inside the shell would let one
//     command break the session. The child gets /dev/null as standard
//     input, because in a script standard input holds the next commands.
//   - Lines are split into words like a POSIX shell, with no expansions:
//     '...', "..." and backslash escapes, so that
//     set bridge br0 external_ids:x="a b" means what it means in sh; "--"
//     is an ordinary word, so ovs-vsctl chaining works unchanged. A line
//     ending inside quotes or with a backslash continues on the next one.
//   - On a terminal, github.com/peterh/liner does the line editing: it is
//     small, pure Go and needs nothing from the terminal but termios and
//     ANSI sequences. Ctrl-C at the prompt cancels the line and Ctrl-D
//     leaves. Between commands the shell keeps ISIG off itself, because
//     liner prints the prompt before turning it off, and a Ctrl-C typed in
//     that moment would be a signal that also flushes what was typed
//     before it. While a command runs, the terminal is back in its normal
//     mode, so Ctrl-C sends SIGINT: the shell catches it; a child process
//     gets it as well and dies, an ovs-vsctl line is abandoned (a Session
//     cannot be cancelled, and one waiting for ovs-vswitchd would wait
//     forever: its output is cut off and a new session serves the next
//     line), and an in-process tool cannot be stopped, so a second Ctrl-C
//     ends the shell.
//   - History is the file named by $OVS_SHELL_HISTORY, else ~/.ovs_history,
//     rewritten (through a rename) after every command so that a killed
//     shell loses nothing.
//   - When standard input or output is not a terminal, there is no liner
//     and no prompt: lines are read and run one by one, errors are printed
//     and the next line runs, and the exit status is that of the last
//     command (or the one given to "exit"), as with sh.
package shell
