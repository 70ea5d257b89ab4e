// Package database is OVSDB's in-memory database and transaction engine:
// it executes RFC 7047 "transact" operations against the tables, enforces
// every rule checked at commit time, and produces what the server's
// monitors and the storage log need from each commit.
//
// Behaviour follows OVS 3.1 as observed by running ovsdb-tool and
// ovsdb-server: result shapes, error tags and texts, the order in which
// rules are checked (so that a transaction breaking several rules gets
// OVS's error), and the log record format. Hard choices, and why:
//
//   - Committed rows are immutable values. A transaction writes to copies
//     that share unchanged datums with the committed rows, and a commit
//     swaps row pointers. Monitors and readers may therefore keep rows
//     without copying, and a commit costs what it changed, not what the
//     database holds. New rows share one set of default datums per table
//     (ovsdb.NewRowFrom), which the same rule keeps intact.
//   - A transaction is sized before it runs: from reserveMin operations
//     on, Transact counts the inserts per table and makes its maps, lists
//     and bookkeeping records that size at once, and an insert's result is
//     its compact text (ovsjson.Raw), not a tree of values. One call of
//     ovs-vsctl adding 5,000 ports is a transaction of 10,000 inserts,
//     where growing copies and small allocations were most of the cost,
//     page faults on fresh memory included.
//   - One writer at a time, readers in parallel: writers are serialised
//     by one mutex, and a second (RW) mutex is held exclusively only
//     while a checked commit is installed. Read-only transactions and
//     View run under the read lock, so they never wait for a writer's
//     execution phase.
//   - Reference counts, weak-reference back pointers and unique indexes
//     are maintained incrementally, so checking referential integrity,
//     collecting garbage and cleaning weak references costs time
//     proportional to the transaction, not to the database.
//   - Garbage collection counts references as OVS does (an unreferenced
//     cycle survives, a row referring only to itself does not), but weak
//     references to rows that garbage collection deletes are removed in
//     the same commit. OVS 3.1 leaves them dangling until the database is
//     reloaded, which is a bug nobody can depend on.
//   - Where OVS's choice depends on its hash tables' iteration order
//     (which of several violating rows is reported, row order in "select"
//     results, member order in log records) this package uses a stable
//     order instead: schema order for tables and columns, insertion
//     order for rows. Clients and OVS's own readers do not depend on it.
//   - A "wait" that is not yet satisfied makes Transact return a retry
//     time instead of blocking: the server owns connections and timers,
//     and retries the whole transaction as OVS does.
package database
