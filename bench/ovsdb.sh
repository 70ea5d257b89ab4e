#!/bin/sh
# OVSDB server benchmark: the same loads against Open vSwitch 3.1's
# ovsdb-server and ours, in one run, then a Markdown table of the figures
# and their ratios that can be pasted into the README as it is.
#
#   sh bench/ovsdb.sh                      (from the repo root, after make build)
#   OURS=bin/ovsdb-server REAL=/usr/sbin/ovsdb-server sh bench/ovsdb.sh
#
# Every load runs on a fresh server with a fresh database made by the real
# ovsdb-tool from the installed vswitch schema, so both sides start from the
# same bytes; the server listens on a unix socket in its own temp directory
# and is killed when the load is done (or the script is interrupted). The
# load generator is bench/ovsdbload (built into the temp directory); it
# checks the database after each load, so lost commits fail the load.
#
# Loads (sizes can be changed through the environment):
#   1. transact throughput: TPS_CLIENTS clients x TPS_INFLIGHT pipelined
#      transactions (each adds 1 to Open_vSwitch next_cfg), counted for
#      TPS_SECONDS after a 1 s warm-up                      goal: >= 1.5x OVS
#   2. one transaction inserting BULK_ROWS rows (half Port, half Interface,
#      all on bridge br0)
#   3. VSCTL_CALLS sequential `ovs-vsctl --no-wait add-port br0 pN`, with the
#      real ovs-vsctl against both servers. Each call reads every port, so
#      the load grows quadratically, and most of it is ovs-vsctl's own CPU
#      time, so the table also shows the server's CPU time. It is the long
#      one: about a minute per server at 1000 calls on an idle 2-core
#      machine; VSCTL_CALLS=300 makes the whole run a minute or so.
#   4. monitor fan-out: FANOUT_CLIENTS monitor_cond sessions on Bridge, then
#      FANOUT_UPDATES sequential commits to br0 from another client; time
#      until every monitor has seen the last one          goal: no slower
#   5. resident memory (VmRSS) after loading MEM_PORTS ports with their
#      interfaces, 100 per transaction                    goal: <= OVS
#
# Loads 1, 2 and 4 run ROUNDS (3) times, alternating between the servers,
# and report the best run of each; 3 and 5 run once (3 is long, 5 is
# steady).
#
# Set VERBOSE=1 to see the load generator's details for every run, KEEP=1
# to keep the temp directory (server logs, databases). LOADS picks the loads
# to run (default "tps bulk vsctl fanout ports"), e.g.
#   LOADS=fanout ROUNDS=7 VERBOSE=1 sh bench/ovsdb.sh
# to compare the fan-out alone; the table then shows n/a for the others.

set -u

root=$(cd "$(dirname "$0")/.." && pwd)
OURS=${OURS:-$root/bin/ovsdb-server}
REAL=${REAL:-/usr/sbin/ovsdb-server}
OVSDB_TOOL=${OVSDB_TOOL:-/usr/bin/ovsdb-tool}
VSCTL=${VSCTL:-/usr/bin/ovs-vsctl}
SCHEMA=${SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
GO=${GO:-go}
TPS_CLIENTS=${TPS_CLIENTS:-4}
TPS_INFLIGHT=${TPS_INFLIGHT:-32}
TPS_SECONDS=${TPS_SECONDS:-3}
BULK_ROWS=${BULK_ROWS:-5000}
VSCTL_CALLS=${VSCTL_CALLS:-1000}
FANOUT_CLIENTS=${FANOUT_CLIENTS:-50}
FANOUT_UPDATES=${FANOUT_UPDATES:-1000}
MEM_PORTS=${MEM_PORTS:-6000}
ROUNDS=${ROUNDS:-3}
VERBOSE=${VERBOSE:-0}
KEEP=${KEEP:-0}
LOADS=${LOADS:-tps bulk vsctl fanout ports}

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }

# resolve prints the absolute path of an executable without following a
# final symlink: our binary picks the tool by the name it is started under.
resolve() {
	case $1 in
	*/*) [ -f "$1" ] && [ -x "$1" ] && printf '%s/%s\n' "$(cd "$(dirname "$1")" && pwd)" "$(basename "$1")" ;;
	*) command -v "$1" ;;
	esac
}

for need in REAL OVSDB_TOOL VSCTL; do
	eval "path=\$$need"
	if ! resolved=$(resolve "$path") || [ -z "$resolved" ]; then
		say "bench/ovsdb.sh: skipped: $need=$path is not installed (apt-get install openvswitch-switch)"
		exit 0
	fi
	eval "$need=\$resolved"
done
if [ ! -r "$SCHEMA" ]; then
	say "bench/ovsdb.sh: skipped: schema $SCHEMA not found (set SCHEMA=)"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovsdb-bench.XXXXXX") || exit 1
SPID=
LPID=
cleanup() {
	if [ -n "$LPID" ]; then
		kill -9 "$LPID" 2>/dev/null
		wait "$LPID" 2>/dev/null
	fi
	if [ -n "$SPID" ]; then
		kill -9 "$SPID" 2>/dev/null
		wait "$SPID" 2>/dev/null
	fi
	if [ "$KEEP" = 1 ]; then
		warn "bench/ovsdb.sh: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'exit 141' PIPE

LOAD=$tmp/ovsdbload
if ! (cd "$root" && CGO_ENABLED=0 "$GO" build -o "$LOAD" ./bench/ovsdbload); then
	warn "bench/ovsdb.sh: cannot build the load generator bench/ovsdbload"
	exit 1
fi

OURS_OK=1
OURS_WHY=
if ! ours=$(resolve "$OURS") || [ -z "$ours" ]; then
	OURS_OK=0
	OURS_WHY="$OURS not found (run make build)"
else
	OURS=$ours
fi

# start_server IMPL DIR starts IMPL's server (real or ours) on a fresh
# database in DIR and waits until it accepts connections. Sets SPID.
start_server() {
	if [ "$1" = real ]; then bin=$REAL; else bin=$OURS; fi
	mkdir -p "$2"
	if ! "$OVSDB_TOOL" create "$2/conf.db" "$SCHEMA" 2>"$2/ovsdb-tool.err"; then
		SERVER_ERR="$OVSDB_TOOL create failed: $(cat "$2/ovsdb-tool.err")"
		return 1
	fi
	OVS_RUNDIR=$2 OVS_DBDIR=$2 OVS_LOGDIR=$2 OVS_SYSCONFDIR=$2 \
		"$bin" --remote="punix:$2/db.sock" --unixctl="$2/ovsdb-server.ctl" \
		--pidfile="$2/ovsdb-server.pid" "$2/conf.db" >"$2/server.out" 2>&1 &
	SPID=$!
	i=0
	while [ ! -S "$2/db.sock" ]; do
		if ! kill -0 "$SPID" 2>/dev/null; then
			wait "$SPID"
			rc=$?
			SPID=
			out=$(tail -n 5 "$2/server.out")
			SERVER_ERR="$bin exited with status $rc before listening${out:+: $out}"
			return 1
		fi
		i=$((i + 1))
		if [ $i -gt 200 ]; then
			SERVER_ERR="$bin did not create $2/db.sock within 10 s: $(tail -n 5 "$2/server.out")"
			stop_server
			return 1
		fi
		sleep 0.05
	done
	return 0
}

stop_server() {
	[ -n "$SPID" ] || return 0
	kill "$SPID" 2>/dev/null
	i=0
	while kill -0 "$SPID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$SPID" 2>/dev/null
	wait "$SPID" 2>/dev/null
	SPID=
}

# measure IMPL LOAD [ARGS...] runs one load on a fresh IMPL server and
# appends its figure to V_<impl>_<load>; a failure sets F_<impl>_<load>.
measure() {
	impl=$1 load=$2
	shift 2
	if [ "$impl" = real ]; then name="OVS 3.1"; else name="ours"; fi
	if [ "$impl" = ours ] && [ "$OURS_OK" = 0 ]; then
		eval "F_ours_${load}=1"
		return
	fi
	runs=$((runs + 1))
	dir=$tmp/$impl-$load-$runs
	SERVER_ERR=
	if ! start_server "$impl" "$dir"; then
		say "   $name: FAILED to start: $SERVER_ERR"
		eval "F_${impl}_${load}=1"
		if [ "$impl" = ours ]; then
			OURS_OK=0
			OURS_WHY="$OURS failed to start (see above)"
		fi
		return
	fi
	# In the background so that a signal interrupts the wait at once.
	"$LOAD" "$load" -db "unix:$dir/db.sock" "$@" >"$dir/load.out" 2>"$dir/load.err" &
	LPID=$!
	wait "$LPID"
	rc=$?
	LPID=
	val=$(cat "$dir/load.out")
	if [ $rc -ne 0 ] || [ -z "$val" ]; then
		say "   $name: FAILED: $(tail -n 3 "$dir/load.err")"
		kill -0 "$SPID" 2>/dev/null || say "   $name: the server died: $(tail -n 5 "$dir/server.out")"
		eval "F_${impl}_${load}=1"
		stop_server
		return
	fi
	if ! kill -0 "$SPID" 2>/dev/null; then
		say "   $name: FAILED: the server died: $(tail -n 5 "$dir/server.out")"
		eval "F_${impl}_${load}=1"
		wait "$SPID" 2>/dev/null
		SPID=
		return
	fi
	# The server's CPU time (user+system) shows how much of a load's wall
	# time is the server's own work; ovs-vsctl's runs are mostly client.
	cpu=$(sed 's/.*) //' "/proc/$SPID/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($12 + $13) / hz }')
	detail="$(cat "$dir/load.err"); server CPU ${cpu} s"
	if [ "$load" = ports ]; then
		# Let the load's garbage settle as it would on an idle server.
		sleep 1
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SPID/status")
		hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SPID/status")
		val=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
		detail="$detail; VmRSS $val MiB, peak (VmHWM) $(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
	fi
	stop_server
	eval "V_${impl}_${load}=\"\${V_${impl}_${load}:-} \$val\" C_${impl}_${load}=\$cpu"
	[ "$VERBOSE" = 1 ] && printf '%s\n' "$detail" | sed "s/^/   $(printf '%-8s' "$name:") /"
	return 0
}

# both ROUNDS LOAD [ARGS...] alternates the load between the two servers
# ROUNDS times, then prints each side's figures and keeps the best in
# R_<impl>_<load>: other work on the machine can only slow a run down, so
# the best run is the one closest to what the server can do, and one
# disturbed run does not decide the comparison.
both() {
	rounds=$1 load=$2
	shift
	r=0
	while [ $r -lt "$rounds" ]; do
		measure real "$@"
		measure ours "$@"
		r=$((r + 1))
	done
	for impl in real ours; do
		if [ "$impl" = real ]; then name="OVS 3.1"; else name="ours"; fi
		eval "vals=\${V_${impl}_${load}:-} failed=\${F_${impl}_${load}:-}"
		eval "R_${impl}_${load}="
		if [ -n "$failed" ] || [ -z "$vals" ]; then
			[ "$impl" = ours ] && [ "$OURS_OK" = 0 ] && [ -z "$vals" ] && say "   ours:    not run: $OURS_WHY"
			continue
		fi
		if [ "$load" = tps ]; then pick='{ v = $1 } END { print v }'; else pick='NR == 1 { print $1 }'; fi
		best=$(printf '%s\n' $vals | sort -n | awk "$pick")
		eval "R_${impl}_${load}=\$best"
		case $load in
		tps) shown="$best txn/s" ;;
		ports) shown="$best MiB" ;;
		vsctl) eval "cpu=\$C_${impl}_vsctl"
			shown="$best s ($(awk -v t="$best" -v n="$VSCTL_CALLS" 'BEGIN { printf "%.1f", t * 1000 / n }') ms/call; server CPU $cpu s)" ;;
		*) shown="$best s" ;;
		esac
		[ "$rounds" -gt 1 ] && shown="$shown  (best of$vals)"
		say "   $(printf '%-8s %s' "$name:" "$shown")"
	done
}

runs=0
started=$(date +%s)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)
loadavg=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
say "== OVSDB server benchmark: OVS 3.1 ($REAL) vs ours ($OURS)"
[ "$OURS_OK" = 0 ] && say "   ours: NOT RUN: $OURS_WHY; reporting OVS 3.1 figures only"
if [ -n "$loadavg" ] && awk -v l="$loadavg" -v n="$ncpu" 'BEGIN { exit !(l > n / 2) }'; then
	say "   warning: load average $loadavg on $ncpu CPUs: other work will disturb the figures"
fi

# selected LOAD tells whether LOADS asks for LOAD.
selected() {
	case " $LOADS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}
for load in $LOADS; do
	case $load in
	tps | bulk | vsctl | fanout | ports) ;;
	*)
		warn "bench/ovsdb.sh: unknown load $load in LOADS (tps, bulk, vsctl, fanout, ports)"
		exit 2
		;;
	esac
done

if selected tps; then
	say "-- 1. transact throughput: $TPS_CLIENTS clients x $TPS_INFLIGHT in flight, 1 s warm-up + ${TPS_SECONDS} s"
	both "$ROUNDS" tps -clients "$TPS_CLIENTS" -inflight "$TPS_INFLIGHT" -warmup 1s -duration "${TPS_SECONDS}s"
fi
if selected bulk; then
	say "-- 2. one transaction inserting $BULK_ROWS rows"
	both "$ROUNDS" bulk -rows "$BULK_ROWS"
fi
if selected vsctl; then
	say "-- 3. $VSCTL_CALLS x ovs-vsctl --no-wait add-port (the real ovs-vsctl against both)"
	# ovs-vsctl's own work grows with the ports it reads on every call;
	# on a busy machine 1000 calls can take minutes.
	both 1 vsctl -n "$VSCTL_CALLS" -vsctl "$VSCTL" -timeout "$((VSCTL_CALLS * 3 / 5 + 60))s"
fi
if selected fanout; then
	say "-- 4. monitor fan-out: $FANOUT_CLIENTS monitors, $FANOUT_UPDATES sequential updates"
	both "$ROUNDS" fanout -clients "$FANOUT_CLIENTS" -updates "$FANOUT_UPDATES"
fi
if selected ports; then
	say "-- 5. memory with $MEM_PORTS ports and interfaces"
	both 1 ports -n "$MEM_PORTS"
fi

# The table. Each row: label, unit kind, the two figures, which way is
# better, goal (max or min ratio ours/OVS) and its wording.
rows=$tmp/rows
{
	printf 'transact throughput, %s clients x %s in flight (txn/s, higher is better)\t%s\t%s\thigher\tmin 1.5\t>= 1.5x OVS\n' \
		"$TPS_CLIENTS" "$TPS_INFLIGHT" "${R_real_tps:-}" "${R_ours_tps:-}"
	printf 'one transaction inserting %s rows (s, lower is better)\t%s\t%s\tlower\t\t\n' \
		"$BULK_ROWS" "${R_real_bulk:-}" "${R_ours_bulk:-}"
	printf '%s sequential ovs-vsctl --no-wait add-port (s total, lower is better)\t%s\t%s\tlower\tvsctl %s %s %s\t\n' \
		"$VSCTL_CALLS" "${R_real_vsctl:-}" "${R_ours_vsctl:-}" "$VSCTL_CALLS" "${C_real_vsctl:--}" "${C_ours_vsctl:--}"
	printf '%s monitors see %s updates (s, lower is better)\t%s\t%s\tlower\tmax 1\tno slower than OVS\n' \
		"$FANOUT_CLIENTS" "$FANOUT_UPDATES" "${R_real_fanout:-}" "${R_ours_fanout:-}"
	printf 'server RSS with %s ports + interfaces (MiB, lower is better)\t%s\t%s\tlower\tmax 1\t<= OVS\n' \
		"$MEM_PORTS" "${R_real_ports:-}" "${R_ours_ports:-}"
} >"$rows"

cpumodel=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
realver=$("$REAL" --version 2>/dev/null | head -n 1)
oursver=
[ "$OURS_OK" = 1 ] && oursver=$("$OURS" --version 2>/dev/null | head -n 1)
say ""
say "OVSDB server, $(date -u +%Y-%m-%d), ${cpumodel:-unknown CPU} ($ncpu CPUs), Linux $(uname -r):"
say "OVS 3.1 = ${realver:-$REAL}; ours = ${oursver:-$OURS}. Ratio = ours/OVS."
say ""
awk -F'\t' '
function fig(v, kind, calls, cpu) {
	if (v == "") return "n/a"
	if (kind == "vsctl") return sprintf("%.1f (%.1f ms/call, server CPU %s s)", v, v * 1000 / calls, cpu)
	return v
}
{
	n++
	label[n] = $1
	split($5, g, " ")
	real[n] = fig($2, g[1], g[2], g[3])
	ours[n] = fig($3, g[1], g[2], g[4])
	ratio[n] = "n/a"
	goal[n] = $6 == "" ? "-" : $6
	if ($2 != "" && $3 != "" && $2 > 0) {
		r = $3 / $2
		better = ($4 == "higher") ? r > 1 : r < 1
		# Within 5% is within the noise of a shared machine.
		ratio[n] = sprintf("%.2f (%s)", r, r > 0.95 && r < 1.05 ? "same" : better ? "better" : "worse")
		missed = r > 0.95 && r < 1.05 ? "not met (within noise)" : "NOT MET"
		if (g[1] == "min") goal[n] = goal[n] ": " (r >= g[2] ? "met" : missed)
		if (g[1] == "max") goal[n] = goal[n] ": " (r <= g[2] ? "met" : missed)
	}
}
END {
	h[1] = "Load"; h[2] = "OVS 3.1"; h[3] = "ours"; h[4] = "ours/OVS"; h[5] = "goal"
	for (c = 1; c <= 5; c++) w[c] = length(h[c])
	for (i = 1; i <= n; i++) {
		if (length(label[i]) > w[1]) w[1] = length(label[i])
		if (length(real[i]) > w[2]) w[2] = length(real[i])
		if (length(ours[i]) > w[3]) w[3] = length(ours[i])
		if (length(ratio[i]) > w[4]) w[4] = length(ratio[i])
		if (length(goal[i]) > w[5]) w[5] = length(goal[i])
	}
	# printf "%*s" is not in every awk, so the formats are built.
	f = "| %-" w[1] "s | %" w[2] "s | %" w[3] "s | %-" w[4] "s | %-" w[5] "s |\n"
	printf f, h[1], h[2], h[3], h[4], h[5]
	printf "|"
	for (c = 1; c <= 5; c++) {
		s = ""
		for (k = 0; k < w[c]; k++) s = s "-"
		printf "%s", (c == 2 || c == 3) ? "-" s ":|" : "-" s "-|"
	}
	printf "\n"
	for (i = 1; i <= n; i++)
		printf f, label[i], real[i], ours[i], ratio[i], goal[i]
}' "$rows"
say ""
[ "$OURS_OK" = 0 ] && say "ours was not measured: $OURS_WHY."
say "($(($(date +%s) - started)) s; OVS 3.1 was measured at 16.5k txn/s, 1.2 s fan-out and 57 MiB with 6,000 ports when the goals were set)"

# Without a single OVS figure the comparison did not happen.
for load in $LOADS; do
	eval "fig=\${R_real_${load}:-}"
	[ -n "$fig" ] && exit 0
done
exit 1
