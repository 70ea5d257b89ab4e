// Package server is the OVSDB server core: everything ovsdb-server does on
// a client connection. It speaks RFC 7047 plus OVS's extensions
// (ovsdb-server(7)): list_dbs, get_schema, transact (with "wait" retries and
// "cancel"), monitor, monitor_cond, monitor_cond_change, monitor_cond_since,
// monitor_cancel, lock/steal/unlock with "locked"/"stolen" notifications,
// echo, set_db_change_aware (with monitor_canceled), get_server_id,
// convert, and the built-in read-only _Server database. Replies and errors are OVS 3.1's, byte for byte as far
// as JSON equality goes (OVS's own member order is hash order).
//
// The command layer (commands/ovsdbserver) owns files, remotes and
// unixctl; it builds a Server, adds databases, and hands it connections:
//
//	srv := server.New(server.Options{Commit: writeToLog, Convert: rewriteFile})
//	srv.AddDatabase(db)
//	memory.Report(srv.MemoryUsage)
//	go srv.Serve(listener, server.SessionOptions{ProbeInterval: 5 * time.Second})
//
// Hard choices, and why:
//
//   - One goroutine per session handles that client's messages strictly in
//     order, as OVS does, so that a client may use any reply (even an echo)
//     as a barrier. Transactions are serialised per database (a writer
//     mutex held across execution, the commit hook and publication), so
//     the database file, the monitor updates and the commit history all
//     see commits in one order; read-only transactions skip that mutex and
//     run in parallel with writers.
//   - Every commit is persisted through Options.Commit before anyone hears
//     of it. The database applies commits in memory as part of Transact;
//     if the hook fails, the server replays an inverse record so that
//     memory matches the file again, and the client gets the error.
//   - Monitor updates are built once per commit per "shape" (same tables,
//     columns, selects, conditions and update version): the committing
//     goroutine encodes the <table-updates> once into an ovsjson.Raw and
//     every client of that shape gets the same bytes, wrapped with its own
//     monitor id. A monitor therefore costs nothing per commit beyond a
//     memcpy unless its client falls behind.
//   - A commit's updates are written to the monitoring clients by the
//     committing goroutine itself, with non-blocking writes
//     (jsonrpc.Conn.SendNotifyHeld, then Release), not by each
//     connection's writer goroutine: waking 50 writers per commit cost 50
//     goroutine handoffs and the kernel context switches that come with
//     them, for writes that almost always complete at once. The updates
//     are held back until the committing client has its reply (sent at
//     once, after its own monitors' updates, in one write), since that
//     client's next transaction waits for it, as it does in OVS. A client
//     whose socket is full falls back to its writer goroutine, and the
//     rule below applies as before. Other replies still go through the
//     writer goroutine, which batches them for clients with many
//     requests in flight.
//   - A slow client never stalls anyone. Sends are queued (jsonrpc.Conn
//     never blocks the sender); when a client's queue passes a threshold
//     the server stops reading its requests and stops sending it updates,
//     merging what its monitors would have sent per row (first old
//     version, last new version) as OVS does, and sends one combined update
//     when the client has caught up. Memory for a stalled client is thus
//     bounded by the rows that changed, not by the number of commits. A
//     client whose queue still grows past Options.MaxBacklog (say from a
//     huge reply it will not read) is disconnected with a log line.
//   - Monitor conditions are disjunctions: a row is reported if any clause
//     holds (an empty condition, or a literal true, matches all), which is
//     how OVS evaluates them and how its IDL builds them. When a table has
//     several monitor requests, the first one's condition is used, as in
//     OVS; monitor_cond_change uses the last.
//   - monitor_cond_since keeps a bounded history of recent commits per
//     database (Options.TxnHistory) with a fresh transaction id each, so a
//     client that reconnects gets only what changed since its last id and
//     "found": true. OVS 3.1 keeps no history for standalone databases
//     (ids all zeros, found always false); TxnHistory < 0 reproduces that.
//   - Where OVS 3.1 crashes (monitor with fewer than three params,
//     monitor_cond_change requests without "where"), the server answers
//     "invalid parameters" or treats the request as an empty condition.
//   - "cancel" answers the canceled transaction with {"error":"canceled"}
//     as RFC 7047 specifies; OVS 3.1 drops it silently.
//   - After "convert", _Server's schema column is updated at once, as
//     ovsdb-server(5) says it is; OVS 3.1 leaves it stale. Converting
//     _Server itself is refused (OVS 3.1 accepts it and breaks).
//   - Writes to _Server and writes from read-only sessions are refused
//     with OVS's "not allowed" errors after the operation has been parsed,
//     as OVS does, by running the transaction up to that operation
//     followed by an "abort".
//   - list_dbs lists databases sorted by name; OVS lists them in its hash
//     table's order.
package server
