// Package ovsdbtool is the ovsdb-tool command: it creates, inspects,
// queries, compacts and converts standalone OVSDB database files without a
// server. Its outputs, error texts and exit statuses are those of Open
// vSwitch 3.1's ovsdb-tool, because scripts (ovs-ctl's upgrade_db, OpenStack
// and OVN tooling, test suites) run it and read what it prints.
//
// Behaviour was established by running OVS 3.1's ovsdb-tool, not read from
// its source. The less obvious rules, and why they are kept:
//
//   - Loading a database replays its log. A record that cannot be parsed
//     (a bad value, an unknown table or column) is a fatal error, but a
//     record that parses and then fails as a transaction (referential
//     integrity, an index, maxRows) silently ends the log, as a torn tail
//     would: OVS behaves so, and a later write truncates the file there.
//   - "convert" is a replay of the old log under the new schema, ignoring
//     tables and columns the new schema lacks. That is why values still at
//     their defaults are never converted, and why a conversion can stop
//     part way. OVS 3.1 then silently writes whatever was replayed, which
//     can be an empty database; here a conversion whose transactions fail
//     is refused with their error and the database is left alone instead,
//     because the silent loss helps nobody (ovs-ctl, the main caller,
//     already falls back to an empty database when conversion fails).
//   - show-log prints tables, rows and columns in the order OVS's hash
//     tables iterate them, reproduced exactly (see ovsjson.HashMap), so that its
//     output for a given file is byte for byte OVS's whatever wrote the
//     file. That order depends on the order of members in the file when
//     names collide in a bucket, and the records this tool writes keep
//     db/database's member order, not OVS's, so -mm listings of records
//     written here can list things in another order than OVS's listing
//     of its own file for the same transaction. Dates are UTC and, as in
//     OVS, a "_date" below 2^31-1 is taken as seconds (early OVS wrote
//     seconds).
//   - query and transact run through db/database, with the behaviours of
//     OVS's standalone execution layered on top: a "wait" that would block
//     fails with "triggers not supported"; with --rbac-role on a database
//     that has an RBAC_Role table every write is refused (there is no
//     client identity to authorise), after the operation has been checked
//     for other errors as OVS checks it; and query, which OVS runs against
//     a log opened read-only, reports the failed write of any change it
//     would store ("cannot truncate to length N") in its result.
//   - Commands on clustered databases (create-cluster, join-cluster,
//     db-cid, db-sid, db-local-address, check-cluster,
//     cluster-to-standalone) are not provided: they are unknown commands,
//     and the help does not list them. db-name still reads a clustered
//     file's name, as OVS's does.
package ovsdbtool
