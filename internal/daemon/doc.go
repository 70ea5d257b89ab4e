// Package daemon is OVS's daemon plumbing for the Go daemons: --pidfile,
// --overwrite-pidfile, --detach, --monitor, --no-chdir, --user and
// --no-self-confinement, and the fatal-signal cleanup that removes pidfiles
// and sockets when a daemon is killed.
//
// Behaviour, messages and exit codes follow Debian's OVS 3.1 daemons (checked
// by running ovsdb-server): the pidfile is written as "<pidfile>.tmp", locked
// with an fcntl write lock and renamed into place, and the lock is held on an
// open descriptor for the daemon's whole life, so real OVS and this package
// see each other as "already running"; a --detach parent exits only when the
// daemon says it is ready, and passes on the daemon's exit status if it fails
// first; the --monitor process restarts the daemon after a crash signal,
// rate-limited to one restart per 10 seconds, and exits otherwise.
//
// Hard choices:
//
//   - Go cannot fork, so every extra process is a re-execution of the running
//     program with the same argv (argv[0] unchanged, so the multi-call binary
//     dispatches to the same tool). The role of the new process ("monitor" or
//     "child") and the readiness pipe travel in environment variables that
//     Start removes at once, so they never reach processes the daemon runs.
//     The kernel names a process after the executed file, so Start rewrites
//     /proc/self/comm to the tool name when the binary was run as "ovs TOOL".
//   - --user is applied by re-executing the daemon in place (same pid) from a
//     single locked OS thread whose credentials were changed with raw,
//     per-thread system calls, carrying the wanted capabilities across exec as
//     ambient capabilities. Linux credentials and capabilities are per thread;
//     changing them in a running multi-threaded Go process cannot be done
//     reliably when cgo is linked, but a fresh image inherits them whole. As in
//     OVS, this happens in Start before the pidfile is created, so the pidfile
//     and everything the daemon opens afterwards belong to the new user.
//   - A Go crash (panic, fault) normally exits with status 2, which OVS's
//     monitor would treat as a clean exit. Under --monitor the daemon sets
//     GOTRACEBACK=crash semantics, so a crash prints its goroutine dump and
//     then dies of SIGABRT, which the monitor restarts.
//   - Fatal signals (SIGTERM, SIGINT, SIGHUP, SIGALRM) run the AtExit hooks and
//     then re-raise the signal with its default action restored, so the exit
//     status shows the signal as it does for OVS (shells print 143 for TERM).
//   - The monitor shows "PROGRAM: monitoring pid N (healthy)" in ps, as OVS's
//     does, by overwriting its argument area through /proc/self/mem (PR_SET_MM
//     would need CAP_SYS_RESOURCE, which containers drop). Go strings alias
//     that memory, so the monitor first switches os.Args and the names it
//     keeps to copies; nothing else runs in the monitor process.
package daemon
