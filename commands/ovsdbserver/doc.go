// Package ovsdbserver is the ovsdb-server command: it opens standalone
// database files, serves them over JSON-RPC on the configured remotes
// (db/server speaks the protocol), persists every commit before its client
// hears of it, compacts the files as they grow, keeps "db:" remotes in step
// with the rows that configure them and writes their status back, and
// answers ovs-appctl.
//
// Behaviour follows Debian's ovsdb-server 3.1 as observed by running it:
// option names and table order (getopt's ambiguity messages list them),
// help text, fatal messages and exit codes, unixctl command names, usages,
// outputs and errors, log lines (including the hash order of the columns
// in transaction logging), the status map written to Manager-like rows,
// and the "_comment" of compacted and converted files.
//
// Hard choices, and why:
//
//   - Three kinds of work share one process state, guarded by one mutex
//     (mu): unixctl commands (run under it through unixctl.SetLocker), the
//     main loop's periodic work (every 2.5 seconds, as OVS: reconfigure
//     remotes, write remote status back, retry failed listeners, check for
//     automatic compaction) and shutdown. The commit hook, which db/server
//     calls with the database's writer lock held, never takes mu: it only
//     touches its own file under the file's lock, so a command that waits
//     for a database's writers (compact, remove-db) cannot deadlock with a
//     commit in flight.
//   - A commit is written to the file (and fdatasync'd when the transaction
//     asked for durability) inside the commit hook, before the server sends
//     any reply or monitor update, so a client that saw its reply can rely
//     on the commit being in the file even if the server is killed at once.
//   - Compaction snapshots the database under its writer lock (in the commit
//     hook, or through server.Exclusive for ovsdb-server/compact and the
//     periodic check), so no commit can fall between snapshot and rewrite.
//     OVS 3.1 decides on automatic compaction in its main loop, not only
//     when a transaction is logged, and logs it only at DBG; so do we.
//   - Active remotes are driven by a stream.Reconnect machine of their own
//     (connect, backoff, status), while db/server's session probes the live
//     connection. The machine learns how the connection ended from a
//     wrapper around the socket, so that each event is logged once, in
//     OVS's words.
//   - The process's memory policy is deliberate (gcpolicy.go): the Go heap
//     gets a fixed headroom of 32 MiB over the live data (GOGC raised while
//     the database is small), because at GOGC=100 a few-MiB database made
//     the collector a third of the CPU time of small transactions; and
//     after a burst of work, once the process has gone quiet, freed memory
//     is collected and returned to the kernel once, so that an idle server
//     is as small as OVS's. GOGC or GOMEMLIMIT in the environment turn the
//     headroom off.
//   - Commit records are encoded straight into bytes
//     (database.Commit.AppendFileRecord) and written with one write per
//     commit, fdatasync'd only for durable commits, as OVS does.
//   - A torn or corrupt file tail is logged once, at startup. OVS logs it
//     again at every wakeup of its main loop for the life of the process,
//     which says nothing new.
//   - ssl: and pssl: remotes are accepted, listed, and shown in status as
//     disabled (VOID), with one error logged, since there is no SSL stream
//     yet; the rest keeps working. The SSL options are accepted and their
//     db: forms checked as OVS checks them, because ovs-ctl passes them by
//     default.
//   - Active-backup replication (--sync-from and its commands) and
//     record/replay are not offered: they are not part of a standalone
//     server, and accepting them without doing them would mislead.
//     ovsdb-server/sync-status reports "state: active", which is true.
package ovsdbserver
