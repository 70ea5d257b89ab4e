// Package ovsdbclient is the ovsdb-client tool: a command-line client of
// OVSDB servers (ours or OVS's) that lists databases and schemas, runs
// transactions, dumps, backs up and restores databases, converts them to a
// new schema, monitors tables, exercises locks and waits for databases to
// appear or go. Entry point: Main.
//
// Scripts and OVS's own test suite parse what ovsdb-client prints, so the
// aim is OVS 3.1's output byte for byte, error texts and exit statuses
// included; the tests run the real ovsdb-client beside this one against a
// real ovsdb-server and compare. The choices that follow from that aim:
//
//   - Hash-map order. OVS keeps JSON objects, a schema's tables and
//     columns, and a database's rows in hash maps, and in several places
//     prints them in the order it walks those maps: list-tables,
//     list-columns, the rows of a monitor update, the members of a backup
//     file, JSON relayed from the server in error messages, the operations
//     a restore sends. ovsjson.HashMap replays OVS's string hash and its hash
//     map's bucket growth and chain order, and the callers replay how many
//     maps a value passes through on its way (the JSON object of a reply,
//     then the schema's map, then a database's map...). The order depends
//     only on the keys and the order they were added, so it is
//     reproducible; where OVS instead sorts (dump, monitor ALL, list-dbs)
//     we sort the same way.
//   - Output goes through commands/internal/table, which owns the formats;
//     this package decides what the cells are: datums (printed by their
//     column type), plain text (row UUIDs, actions, names) or JSON (column
//     types), and empty cells for the columns an update did not carry.
//   - Arguments are parsed in OVS's two steps: options with getopt_long
//     semantics (option table in OVS's order, since an ambiguous
//     abbreviation lists candidates in that order), then per command an
//     optional SERVER (a word starting with a letter and holding a colon)
//     and an optional DATABASE (a name the server lists; otherwise
//     Open_vSwitch, or the only database besides _Server).
//   - OVS quirks that users can observe are kept: restore reads standard
//     input like a database file and so fails on a pipe; the monitor
//     commands print "last_id" lines without a newline of their own; lock
//     ignores error replies; the process dies of SIGALRM on --timeout and
//     of the signal it received after logging it, so shells see the same
//     statuses. Where OVS 3.1 crashes (convert or needs-conversion for a
//     database the server lacks, a monitor-cond condition that is not an
//     array, --timestamp with --format=json) we print an error, or follow
//     the manual.
//   - Daemon options (--detach, --monitor, --pidfile...) apply to the
//     monitor and lock commands, through internal/daemon (which re-executes
//     the program, since Go cannot fork). The daemon reports readiness once
//     it has printed its initial output, keeps its standard output and
//     error (OVS saves them; "--detach monitor ... > file" relies on it),
//     and serves the control commands exit, ovsdb-client/block, unblock
//     and cond_change, or lock, steal and unlock, on its unixctl socket.
//   - The long-running commands read the connection on one goroutine and
//     handle messages and control commands on another (loop.go), so that
//     handlers never race and ovsdb-client/block can hold updates back.
//   - Not supported: SSL (internal/stream has no ssl: or pssl:; the PKI
//     options are accepted and have nothing to configure) and
//     --record/--replay, which are refused with an error.
package ovsdbclient
