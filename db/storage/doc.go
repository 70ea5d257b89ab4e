// Package storage is OVSDB's on-disk standalone database log: the file
// format that "ovsdb-tool create" writes and ovsdb-server appends to. It
// stores and returns records as JSON objects; what the records mean (a
// schema, then transactions) is the database engine's business.
//
// # File format
//
// A file is a sequence of records, each a header line and a body:
//
//	OVSDB JSON <length> <sha1>\n
//	<body>
//
// where the body is compact JSON of an object followed by "\n", length is
// the body's size in bytes including that newline, and sha1 is the
// lowercase hex SHA-1 of the body, newline included. The first record is
// the schema; each later one is a transaction:
//
//	{"_date":<ms since the epoch>,"_comment":"...","_is_diff":true,
//	 "<table>":{"<row uuid>":<row object, or null for a deletion>},...}
//
// Compaction rewrites the file as the schema plus one record inserting every
// row. OVS writes object members in its hash-table order; readers never
// depend on member order, so this package writes them in the order they
// were built. Clustered (Raft) files share the record framing under the
// magic "OVSDB CLUSTER" and are refused here.
//
// # Torn tails
//
// A crash can leave the last record incomplete, and a disk can corrupt one.
// Reading stops at the first record whose header, length, SHA-1 or JSON is
// wrong; the error describing it is kept (TornTail) and worded as OVS words
// it, because ovsdb-server logs it and ovsdb-tool prints it. The file is not
// touched on open: the first write truncates it to the end of the last good
// record, which is also what OVS does, so a committed record is never lost
// and a torn one never reappears in the middle of the file. The header
// parser reproduces OVS's own leniencies (a length is read like C's
// strtoull) so that a file one implementation accepts, the other does too.
//
// # Locking and durability
//
// Writers take OVS's lock file, ".<name>.~lock~" beside the (symlink
// resolved) database file, with an fcntl write lock over the whole file,
// exactly as OVS does, so that our tools and server and the real ones
// exclude each other. POSIX locks belong to a process, so the process also
// keeps a table of its held locks to refuse a second Open of the same file.
// Readers do not lock, which lets ovsdb-tool show-log and query run beside a
// server.
//
// Commits are buffered into one write. A durable commit fdatasyncs the file,
// as OVS does for transactions that ask for durability; creating a file
// syncs its directory; Replace (compaction, conversion) writes
// "<name>.tmp", syncs it, renames it over the file and syncs the directory,
// so a crash leaves either the old or the new file whole.
package storage
