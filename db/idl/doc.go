// Package idl is the client-side replica of an OVSDB database ("Interface
// Definition Language" in OVS's vocabulary): it connects to a server,
// replicates the tables and columns its user registered, keeps them in sync
// with monitor_cond_since / monitor_cond / monitor (newest the server
// supports), records what changed, and commits optimistic transactions
// whose "wait" operations make them fail with "try again" when something
// they depended on changed underneath. ovs-vsctl, ovs-vswitchd, ovs-ctl and
// the interactive shell are built on it.
//
// # Using it
//
//	db := idl.New("unix:/run/openvswitch/db.sock", schema, idl.Options{Retry: true})
//	db.Register("Bridge", "name", "ports")   // or nothing: everything
//	db.Start()
//	defer db.Close()
//	for {
//		db.Run()                  // apply what arrived
//		... read db.Table("Bridge").Rows() ...
//		select { case <-db.Wait(): case <-ctx.Done(): return }
//	}
//
// A transaction reads the replica, records the columns its decision
// depended on with Verify, writes, and commits; "try again" means the
// replica has meanwhile been updated, so the caller recomputes and retries:
//
//	ports := db.Column("Bridge", "ports")
//	for {
//		seqno := db.Seqno()
//		txn := db.NewTxn()
//		br := findBridge(db, "br0")          // a *idl.Row of the replica
//		txn.Verify(br, ports)                // br's ports as read here
//		txn.AddToSet(br, ports, newPort)     // or Set, Insert, Delete...
//		st, err := txn.Commit(ctx)           // Success, TryAgain, Error...
//		if st != idl.TryAgain {
//			return err
//		}
//		db.WaitForChange(ctx, seqno)         // e.g. until reconnected
//	}
//
// ovs-vsctl's wait for ovs-vswitchd is Increment on next_cfg, then
// WaitUntil(ctx, func() bool { return curCfg() >= txn.IncrementValue() }).
//
// # Why it is shaped this way
//
// Threading follows OVS's single-threaded IDL model, deliberately. The
// replica changes only inside Run (and Commit, which runs Run while it
// waits), in the goroutine that owns the IDL. That owner reads rows with no
// locks and sees a database that holds still between Runs, which is what
// the reconcile loop of ovs-vswitchd and the command execution of ovs-vsctl
// need: a consistent view to compute a transaction from. Because the update
// notifications a server sends before a transaction's reply are applied
// before that reply, a Commit that returns Success leaves the replica
// showing the committed changes (read-your-writes); ovs-vsctl relies on it
// when it waits for cur_cfg. Other goroutines may read under RLock/RUnlock
// and learn of changes from Changed.
// A lock-free scheme that publishes immutable whole-table snapshots would
// cost either a map copy per update or a persistent map on every lookup,
// and would still leave the caller needing one consistent view across
// tables, which is what "between Runs" gives for free.
//
// The expensive work is not on the owner's goroutine, though. A
// background goroutine owns the connection (jsonrpc.Session: reconnect
// with backoff, inactivity probes), runs the protocol state machine
// (get_schema, the monitor request with its fallbacks, monitor_cond_change,
// locks) and converts every cell of every update to ovsdb.Datum as it
// arrives. Run only swaps prepared rows into maps, so loading thousands of
// ports happens while the owner is busy elsewhere and Run's critical
// section stays short. Nothing of the JSON is retained: rows hold datums
// only, carved from one allocation per row; columns that were not
// registered take no space, and cells left at their default cost a nil
// pointer.
//
// Rows are immutable. An update builds a new Row and replaces the old one,
// so a *Row a caller holds stays a consistent snapshot of that row forever,
// change tracking can hand out both the old and the new version, and
// Verify can capture exactly the value the caller looked at.
//
// Registration is by name before Start, as in OVS: nothing registered
// means everything; Register narrows replication to what a tool needs
// (ovs-vsctl with 5,000 ports must not fetch every column of every
// Interface), Omit makes a column write-only (ovs-vswitchd's statistics),
// and OmitAlert replicates a column without waking the owner when only it
// changes (ovs-vswitchd's own status writes). Columns the server's schema
// lacks are left out of the monitor request with OVS's warning, so a newer
// client works against an older server.
//
// Connecting costs one round trip with Options.AssumeSchema: the monitor
// request is built from the client schema instead of the server's, which
// is fetched (with OVS's warnings about what it lacks) only if the server
// refuses the request. Short-lived tools use it; the vswitch schema is
// about 100 kB on the wire.
//
// A replica narrowed by monitor conditions cannot verify what it does not
// hold, so Txn.WaitRows guards a decision about which rows match a
// condition ("no port is named p1") with a "wait" on exactly that.
//
// Reconnection is transparent: the replica is kept while disconnected; on
// reconnection monitor_cond_since asks for what changed after the last
// transaction id seen (clustered servers keep a history; standalone ones
// answer with a full copy), and a full copy is merged into the replica as
// a diff, so trackers see only what really changed. Transactions pending
// on a lost connection fail with "try again", as in OVS.
package idl
