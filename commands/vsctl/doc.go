// Package vsctl is ovs-vsctl: it configures Open vSwitch by editing the
// Open_vSwitch database, one optimistic transaction per invocation.
//
// Scripts drive ovs-vsctl and parse what it prints, so its command line,
// its output and its error texts and exit statuses follow OVS 3.1 byte for
// byte; the differential test runs every scenario against the real tool.
//
// How a run goes, and why:
//
//   - Global options stop at the first command word (getopt's "+" mode);
//     "--" separates commands, and the options of a command (--may-exist,
//     --if-exists, --id=@name, ...) come right before its name. Options
//     of the first command may also be given among the global ones.
//   - Every command is parsed and its prerequisites registered before
//     connecting, so a misspelt table or command fails without a server,
//     and the replica holds only the tables and columns the commands read
//     (5,000 ports must not mean fetching every Interface column).
//   - A --no-wait command list of nothing but plain "add-port BRIDGE
//     PORT" is first sent as one blind transaction whose "wait"
//     operations and the name indexes make it commit exactly when the
//     ordinary run would, with the same rows (direct.go); if it fails,
//     nothing was written and the run goes on the ordinary way, which
//     finds and reports the reason. No replica, no schema: a call costs
//     process start-up and one round trip.
//   - A command list of add-br, add-port and add-bond goes further and
//     replicates only the ports and interfaces bearing the names it
//     mentions (monitor conditions), guarding its decisions with "wait"
//     operations on those names instead of verifying every port of every
//     bridge; if that replica cannot answer as a full one would, the run
//     starts over with a full one. target.go says why this is exact.
//   - The schema is not fetched: the monitor request is built from the
//     embedded one, and only if the server refuses it is its schema asked
//     for (idl.Options.AssumeSchema). Nor is the embedded one parsed: it
//     is built by generated code (schema_gen.go, checked against the
//     text by TestSchemaGenerated).
//   - The commands run in order against one idl.Txn, reading the replica
//     as the transaction leaves it, so a later command sees what an earlier
//     one did. Decisions are guarded with Verify; if the server answers
//     "try again" the whole command list is run again on the refreshed
//     replica, which is how two concurrent add-port calls both land.
//   - The bridge/port/interface view ("cache") is built once per attempt
//     with maps keyed by name and kept up to date by the bridge and port
//     commands themselves, so each command costs a few map operations and a
//     long command list stays linear.
//   - Fatal errors unwind with a panic carrying the message and exit status
//     (OVS's ctl_fatal), recovered in one place that prints them.
//   - Unless --no-wait, a transaction that changed something also
//     increments next_cfg, and ovs-vsctl then waits until ovs-vswitchd
//     reports cur_cfg >= that value. When no ovs-vswitchd is running (its
//     pidfile is not locked by a live process) we say so once on stderr,
//     which OVS does not, and keep waiting as OVS does.
//
// Session is the same command runner for a long-lived shell: it keeps one
// connection whose replica holds every table (later command lines may read
// anything), so a command costs a transaction round trip instead of a
// connection, a schema exchange and a full load. Nothing in the runner may
// exit the process: fatal errors are panics recovered per run, and
// --timeout becomes a deadline on the run's context, reported with the
// words and status (142) of OVS's SIGALRM death.
//
// Where a run's time goes (measured with perf and pprof against the real
// ovsdb-server; there are no sleeps, poll intervals or backoffs on the
// path): a direct add-port is almost all process start-up: the Go
// runtime, and the page faults and package initialisation of a binary
// that carries every tool (about twice a "hello world"); the transaction
// is one small round trip whatever the bridge holds. Other small calls
// add two round trips (monitor_cond_since, transact); an add-port that is
// not direct on a bridge with a thousand ports costs little more than on
// an empty one: what grows is the bridge's ports column in the initial
// load, the one large thing a targeted run still fetches. A call adding
// thousands of ports spends most of its time in ovsdb-server executing
// the transaction; our side writes it in linear time.
package vsctl
