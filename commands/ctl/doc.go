// Package ctl is ovs-ctl: it starts, stops, restarts and reports on the two
// Open vSwitch daemons (ovsdb-server and ovs-vswitchd) the way OVS 3.1's
// ovs-ctl script does on Debian, which is what init systems and
// administrators run.
//
// What users and scripts see follows that script, checked by running it
// side by side with this package: the progress lines ("Starting
// ovsdb-server.", "... failed!", "... (warning)." in Debian's LSB style,
// coloured only on a terminal), the daemons' command lines as ps shows
// them, the database set-up (creation, backup/compact/convert on a schema
// change, init, system IDs, hostname), the stop sequence (ovs-appctl exit,
// then SIGTERM, then SIGKILL, with the script's waiting times), status
// texts, exit codes, and the quirky option syntax (any --NAME=VALUE names
// a setting; an unknown one is reported and skipped, not fatal).
//
// Hard choices:
//
//   - Every program ovs-ctl runs (ovsdb-tool, ovsdb-server, ovs-vsctl,
//     ovs-appctl, ovs-vswitchd, ovs-save) is this same binary re-executed
//     with argv[0] set to the tool's name, so ps shows the real names and a
//     fresh build needs nothing installed. Running the tools as processes
//     rather than calling into their packages keeps the house rule (a tool
//     never reaches into another tool's package) and gives byte-identical
//     error output, since each tool reports its own failures exactly as the
//     script's subprocesses do.
//   - The Open_vSwitch schema is built in: when --db-schema is the default
//     and no schema file is installed there, the schema operand is left out
//     so ovsdb-tool uses the embedded copy.
//   - The script starts ovsdb-server without the manager_options remote and
//     adds it at the end with ovsdb-server/add-remote, so that managers do
//     not see a half-configured switch; we do the same.
//   - Niceness (--ovsdb-server-priority) is applied by lowering the priority
//     of a locked OS thread and starting the daemon from it (Linux niceness
//     is per thread and inherited on fork); the thread is then discarded.
//   - The script records the hostname in the background; we do it in line
//     with a time limit, so that "start" has finished its work when it
//     returns.
//   - Commands that need the kernel module or other programs (load-kmod,
//     force-reload-kmod, enable-protocol, start-ovs-ipsec, stop-ovs-ipsec)
//     and the valgrind/strace wrappers are not part of this package.
package ctl
