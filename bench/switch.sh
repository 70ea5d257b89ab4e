#!/bin/sh
# Switch benchmark: our ovs-vswitchd against Open vSwitch 3.1 on its
# userspace (netdev) datapath and against a Linux bridge, in one run, then a
# Markdown table of the figures and our ratios to OVS.
#
#   sh bench/switch.sh                     (as root, from the repo root, after make)
#   DURATION=3 IMPLS="ours linux" sh bench/switch.sh
#
# Each implementation gets the same topology, made afresh and removed
# before the next one starts so that only one switch uses the CPU at a
# time: a switch namespace whose daemons (ovs-vswitchd; ovsdb-server runs
# outside, each implementation with its own rundir, database and logs in
# a temp directory) or Linux bridge forward between two veths, and two host
# namespaces h1 (10.201.0.1) and h2 (10.201.0.2) whose eth0 is the other end
# of those veths. Names carry the script's pid, so runs never collide.
#
# Implementations (IMPLS, default all four; one is skipped with a note when
# its binaries are missing):
#   ours   bin/ovsdb-server, ovs-vsctl, ovs-vswitchd; our vswitchd runs
#          every bridge on its userspace datapath, offloads at the veth
#          defaults (checksum offload and TSO on)
#   txoff  OVS 3.1, datapath_type=netdev, `ethtool -K eth0 tx off` on both
#          hosts (flowgen txoff does the same where ethtool is missing):
#          without it TCP does not get through OVS's netdev datapath, as
#          the hosts leave checksums and segmentation to offloads that it
#          does not carry out
#   tso    OVS 3.1, datapath_type=netdev, other_config:userspace-tso-enable
#          =true (read at start-up, so it is set before vswitchd starts),
#          offloads at defaults
#   linux  a Linux bridge (ip link add br0 type bridge), the kernel's own
#          forwarding, for scale
#
# Measurements, each DURATION (5) seconds where it has a duration:
#   TCP      iperf3 -c h2 from h1, the receiver's Gbit/s
#   64 B     iperf3 -u -l 22 -b 0 (22 B of payload make 64 B frames): UDP
#            datagrams delivered per second (sent minus lost)
#   RTT      ping -c PINGS (100) -i 0.01 from h1 to h2 after a warm-up ping,
#            the average in ms
#   flows/s  bench/flowgen sends frames from h1 for DURATION seconds as fast
#            as it can, each from a different source MAC, to the broadcast
#            address; a receiver in h2 counts the distinct source MACs that
#            arrive. Every new source MAC is a datapath miss (NORMAL learns
#            it, so the megaflow matches it), so this is the rate at which
#            the switch handles upcalls and installs flows.
# Goals (ours/OVS): TCP >= 1.5x OVS with userspace TSO; 64 B pps >= 2.5x OVS
# netdev; new flows/s >= 2x OVS; RTT <= OVS. "OVS" in a goal is the better of
# its two configurations, except for TCP, which is against userspace TSO.
# The whole run takes about two minutes.
#
# Set PERF=1 to count, with perf stat, the system calls and context switches
# of the switch's process (ovs-vswitchd; not for the Linux bridge) during the
# TCP and 64 B loads: per second for TCP, per delivered datagram for 64 B.
# These counts are steadier than the rates on a busy machine. vswitchd then
# runs under `perf stat -I`, whose 100 ms intervals that fall in a load are
# summed (attaching perf to a running process counts nothing in some VMs).
#
# Set VERBOSE=1 for each run's details, KEEP=1 to keep the temp directory
# (daemon logs, iperf3 JSON); OURS_BIN (bin/) and REAL_* point at other
# builds. Everything the script starts or creates is removed on exit,
# interrupt or failure. It exits non-zero when an implementation that was
# not skipped could not be measured.

# shellcheck disable=SC2034 # SKIP_* and R_* are read through eval
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
OURS_BIN=${OURS_BIN:-$root/bin}
REAL_SERVER=${REAL_SERVER:-/usr/sbin/ovsdb-server}
REAL_TOOL=${REAL_TOOL:-/usr/bin/ovsdb-tool}
REAL_VSCTL=${REAL_VSCTL:-/usr/bin/ovs-vsctl}
REAL_VSWITCHD=${REAL_VSWITCHD:-/usr/sbin/ovs-vswitchd}
SCHEMA=${SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}
IMPLS=${IMPLS:-ours txoff tso linux}
DURATION=${DURATION:-5}
PINGS=${PINGS:-100}
GO=${GO:-go}
VERBOSE=${VERBOSE:-0}
KEEP=${KEEP:-0}
PERF=${PERF:-0}

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
detail() { [ "$VERBOSE" = 1 ] && say "     $*"; return 0; }

if [ "$(id -u)" != 0 ]; then
	say "bench/switch.sh: skipped: needs root (network namespaces)"
	exit 0
fi
for t in ip ping iperf3 timeout; do
	if ! command -v "$t" >/dev/null 2>&1; then
		say "bench/switch.sh: skipped: $t is not installed (apt-get install iproute2 iputils-ping iperf3 coreutils)"
		exit 0
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/switch-bench.XXXXXX") || exit 1
PIDS=     # background processes still running
NSES=     # namespaces still present
CHILD=    # the foreground command being waited for

# stop_pid PID: TERM, a moment's grace, then KILL; forgets PID.
stop_pid() {
	kill "$1" 2>/dev/null
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	rest=
	for p in $PIDS; do [ "$p" = "$1" ] || rest="$rest $p"; done
	PIDS=$rest
}

# ns_del NS: ends whatever still runs in NS (only ever a namespace this
# script made), then deletes it, and with it the veth ends inside it.
ns_del() {
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	ip netns del "$1" 2>/dev/null
	rest=
	for n in $NSES; do [ "$n" = "$1" ] || rest="$rest $n"; done
	NSES=$rest
}

# teardown stops the processes newest first (vswitchd before its
# database), then removes the namespaces.
teardown() {
	rev=
	for p in $PIDS; do rev="$p $rev"; done
	for p in $rev; do stop_pid "$p"; done
	for n in $NSES; do ns_del "$n"; done
}

cleanup() {
	if [ -n "$CHILD" ]; then
		kill "$CHILD" 2>/dev/null
		wait "$CHILD" 2>/dev/null
	fi
	teardown
	if [ "$KEEP" = 1 ]; then
		warn "bench/switch.sh: kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap 'exit 141' PIPE

# lastlines FILE...: the last lines of the files that exist, on one line.
lastlines() {
	for f in "$@"; do [ -s "$f" ] && tail -n 3 "$f"; done | tr '\n' ' '
}

# bg OUT CMD...: CMD in the background, output to OUT; sets LAST.
bg() {
	out=$1
	shift
	"$@" >"$out" 2>&1 &
	LAST=$!
	PIDS="$PIDS $LAST"
}

# fg CMD...: CMD in the background and wait for it, so that a signal ends
# the script at once instead of after CMD.
fg() {
	"$@" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=
	return $rc
}

FLOWGEN=$tmp/flowgen
if ! (cd "$root" && CGO_ENABLED=0 "$GO" build -o "$FLOWGEN" ./bench/flowgen); then
	warn "bench/switch.sh: cannot build bench/flowgen"
	exit 1
fi

# Which implementations can run.
SKIP_ours='' SKIP_txoff='' SKIP_tso='' SKIP_linux=''
if [ ! -x "$OURS_BIN/ovs" ] || ! "$OURS_BIN/ovs" --list-tools 2>/dev/null | grep -qx ovs-vswitchd; then
	SKIP_ours="$OURS_BIN/ovs has no ovs-vswitchd (run make)"
else
	for t in ovsdb-server ovsdb-tool ovs-vsctl ovs-vswitchd; do
		[ -x "$OURS_BIN/$t" ] || SKIP_ours="$OURS_BIN/$t is missing (run make)"
	done
fi
# Our binary's code in 2 MB pages, as ovs-ctl start leaves it (see
# bench/vsctl.sh and internal/hugetext); the page cache may have dropped
# them since the build.
[ -n "$SKIP_ours" ] || "$OURS_BIN/ovs" --text-hugepages "$(readlink -f "$OURS_BIN/ovs")" >/dev/null 2>&1 || true
for b in "$REAL_SERVER" "$REAL_TOOL" "$REAL_VSCTL" "$REAL_VSWITCHD" "$SCHEMA"; do
	if [ ! -e "$b" ]; then
		SKIP_txoff="$b is not installed (apt-get install openvswitch-switch)"
		SKIP_tso=$SKIP_txoff
	fi
done

name_of() {
	case $1 in
	ours) say "ours" ;;
	txoff) say "OVS netdev (tx off)" ;;
	tso) say "OVS netdev (userspace TSO)" ;;
	linux) say "Linux bridge" ;;
	esac
}

# topo KEY: the switch namespace SW with ports P1 P2, hosts H1 H2. A
# letter per implementation keeps the port names within 15 characters.
topo() {
	case $1 in ours) l=o ;; txoff) l=x ;; tso) l=t ;; *) l=l ;; esac
	SW=bs$l$$ H1=bh1$l$$ H2=bh2$l$$ P1=b${l}1p$$ P2=b${l}2p$$
	for n in "$SW" "$H1" "$H2"; do
		ip netns add "$n" || return 1
		NSES="$NSES $n"
		# No IPv6: router solicitations and MLD reports would only add
		# noise to the flow counts.
		ip netns exec "$n" sh -c 'sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1' 2>/dev/null
		ip -n "$n" link set lo up || return 1
	done
	ip link add "$P1" netns "$SW" type veth peer name eth0 netns "$H1" || return 1
	ip link add "$P2" netns "$SW" type veth peer name eth0 netns "$H2" || return 1
	ip -n "$H1" addr add 10.201.0.1/24 dev eth0 && ip -n "$H1" link set eth0 up &&
		ip -n "$H2" addr add 10.201.0.2/24 dev eth0 && ip -n "$H2" link set eth0 up &&
		ip -n "$SW" link set "$P1" up && ip -n "$SW" link set "$P2" up
}

# ovs_switch KEY DIR: ovsdb-server and ovs-vswitchd (ours or OVS's) with
# br0 on P1 and P2. Sets WHY on failure.
ovs_switch() {
	key=$1 d=$2
	if [ "$key" = ours ]; then
		server=$OURS_BIN/ovsdb-server tool=$OURS_BIN/ovsdb-tool
		vsctlb=$OURS_BIN/ovs-vsctl vswitchd=$OURS_BIN/ovs-vswitchd
		dp=
	else
		server=$REAL_SERVER tool=$REAL_TOOL vsctlb=$REAL_VSCTL vswitchd=$REAL_VSWITCHD
		dp="-- set bridge br0 datapath_type=netdev"
	fi
	if ! "$tool" create "$d/conf.db" "$SCHEMA" >"$d/ovsdb-tool.out" 2>&1; then
		WHY="$tool create failed: $(tail -n 3 "$d/ovsdb-tool.out")"
		return 1
	fi
	bg "$d/ovsdb-server.out" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" OVS_SYSCONFDIR="$d" \
		"$server" "$d/conf.db" --remote="punix:$d/db.sock" --unixctl="$d/ovsdb-server.ctl" \
		--pidfile="$d/ovsdb-server.pid" --log-file="$d/ovsdb-server.log" -vconsole:off
	spid=$LAST
	i=0
	while [ ! -S "$d/db.sock" ]; do
		i=$((i + 1))
		if ! kill -0 "$spid" 2>/dev/null || [ $i -gt 200 ]; then
			WHY="$server did not start: $(lastlines "$d/ovsdb-server.out" "$d/ovsdb-server.log")"
			return 1
		fi
		sleep 0.05
	done
	vsctl() {
		OVS_RUNDIR=$d "$vsctlb" --db="unix:$d/db.sock" --timeout=30 "$@" >>"$d/vsctl.out" 2>&1
	}
	if ! vsctl --no-wait init; then
		WHY="ovs-vsctl init failed: $(tail -n 3 "$d/vsctl.out")"
		return 1
	fi
	if [ "$key" = tso ] && ! vsctl --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true; then
		WHY="ovs-vsctl set userspace-tso-enable failed: $(tail -n 3 "$d/vsctl.out")"
		return 1
	fi
	perfcmd=
	if [ "$PERF" = 1 ] && command -v perf >/dev/null 2>&1; then
		perfcmd="perf stat -I 100 -x, -o $d/perf.csv -e raw_syscalls:sys_enter,context-switches --"
	fi
	# shellcheck disable=SC2086
	bg "$d/ovs-vswitchd.out" ip netns exec "$SW" $perfcmd env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" OVS_SYSCONFDIR="$d" \
		"$vswitchd" "unix:$d/db.sock" --pidfile="$d/ovs-vswitchd.pid" --unixctl="$d/ovs-vswitchd.ctl" \
		--log-file="$d/ovs-vswitchd.log" -vconsole:off
	VPID=$LAST
	# Up once it listens for ovs-appctl; a vswitchd that dies at start-up
	# fails the run now rather than at ovs-vsctl's timeout.
	i=0
	while [ ! -S "$d/ovs-vswitchd.ctl" ]; do
		i=$((i + 1))
		if ! kill -0 "$VPID" 2>/dev/null || [ $i -gt 200 ]; then
			WHY="$vswitchd did not start: $(lastlines "$d/ovs-vswitchd.out" "$d/ovs-vswitchd.log")"
			return 1
		fi
		sleep 0.05
	done
	# Without --no-wait ovs-vsctl returns once vswitchd has applied it.
	# shellcheck disable=SC2086
	if ! fg vsctl add-br br0 $dp -- add-port br0 "$P1" -- add-port br0 "$P2"; then
		WHY="ovs-vsctl add-br failed: $(lastlines "$d/vsctl.out")"
		kill -0 "$VPID" 2>/dev/null || WHY="$WHY; ovs-vswitchd died: $(lastlines "$d/ovs-vswitchd.out" "$d/ovs-vswitchd.log")"
		return 1
	fi
	return 0
}

linux_switch() {
	if ! ip -n "$SW" link add br0 type bridge 2>"$1/bridge.err"; then
		WHY="no Linux bridge: $(cat "$1/bridge.err")"
		return 1
	fi
	ip -n "$SW" link set "$P1" master br0 && ip -n "$SW" link set "$P2" master br0 &&
		ip -n "$SW" link set br0 up
}

# perf_counts LINE: sums into sc and cs the system calls and context
# switches perf stat reported after line LINE of its output.
perf_counts() {
	l1=$(wc -l <"$d/perf.csv")
	sc=$(awk -F, -v a="$1" -v b="$l1" 'NR > a && NR <= b && $4 ~ /raw_syscalls:sys_enter/ { n += $2; ok = 1 } END { if (ok) print n }' "$d/perf.csv")
	cs=$(awk -F, -v a="$1" -v b="$l1" 'NR > a && NR <= b && $4 ~ /context-switches/ { n += $2; ok = 1 } END { if (ok) print n }' "$d/perf.csv")
	if [ -z "$sc" ] || [ -z "$cs" ]; then
		say "   perf stat FAILED: $(tail -n 2 "$d/perf.csv" 2>/dev/null | tr '\n' ' ')"
		return 1
	fi
}

# measure KEY: builds the topology and the switch, takes the four figures
# into R_<KEY>_{rtt,tcp,pps,flows}, and removes everything again.
FAILED=
measure() {
	key=$1
	label=$(name_of "$key")
	d=$tmp/$key
	mkdir -p "$d"
	WHY=
	VPID=
	say "-- $label"
	if ! topo "$key"; then
		WHY="cannot build the namespaces and veths"
	elif [ "$key" = linux ]; then
		linux_switch "$d" || WHY=${WHY:-cannot set up the bridge}
	else
		ovs_switch "$key" "$d" || WHY=${WHY:-cannot start the switch}
	fi
	if [ -z "$WHY" ] && [ "$key" = txoff ]; then
		for h in "$H1" "$H2"; do
			if command -v ethtool >/dev/null 2>&1; then
				ip netns exec "$h" ethtool -K eth0 tx off >/dev/null 2>&1
			else
				ip netns exec "$h" "$FLOWGEN" txoff eth0
			fi || WHY="cannot turn tx offload off in $h"
		done
	fi
	if [ -z "$WHY" ]; then
		i=0
		until ip netns exec "$H1" ping -c 1 -W 1 10.201.0.2 >/dev/null 2>&1; do
			i=$((i + 1))
			if [ $i -ge 10 ]; then
				WHY="h1 cannot ping h2"
				break
			fi
		done
	fi
	if [ -n "$WHY" ]; then
		say "   FAILED: $WHY"
		if [ "$WHY" = "h1 cannot ping h2" ] && [ -f "$d/ovs-vswitchd.log" ]; then
			tail -n 5 "$d/ovs-vswitchd.log" | sed 's/^/   | /'
		fi
		FAILED="$FAILED $key"
		teardown
		return
	fi

	# RTT
	l0=
	[ -f "$d/perf.csv" ] && l0=$(wc -l <"$d/perf.csv")
	if fg ip netns exec "$H1" ping -q -c "$PINGS" -i 0.01 -W 1 10.201.0.2 >"$d/ping.out" 2>&1; then
		v=$(awk -F'/' '/^(rtt|round-trip)/ { print $5 }' "$d/ping.out")
		eval "R_${key}_rtt=\$v"
		detail "ping: $(tail -n 2 "$d/ping.out" | tr '\n' ' ')"
		# Pings are paced, so every frame is a batch of one: the
		# switch's cost per frame when nothing amortises it.
		[ -n "$l0" ] && perf_counts "$l0" && say "   perf ping: $(awk -v s="$sc" -v c="$cs" -v n="$PINGS" 'BEGIN { printf "%.2f syscalls, %.2f context switches per forwarded frame", s / (2 * n), c / (2 * n) }')"
	else
		say "   ping FAILED: $(tail -n 2 "$d/ping.out" | tr '\n' ' ')"
	fi

	# TCP and 64 B UDP
	bg "$d/iperf3-s.out" ip netns exec "$H2" iperf3 -s -B 10.201.0.2
	ipid=$LAST
	i=0
	until ip netns exec "$H2" ss -Hltn 'sport = :5201' 2>/dev/null | grep -q .; do
		i=$((i + 1))
		[ $i -lt 100 ] || break
		sleep 0.05
	done
	for m in tcp pps; do
		if [ $m = tcp ]; then args='' kind=tcp; else args="-u -l 22 -b 0" kind=udp; fi
		l0=
		[ -f "$d/perf.csv" ] && l0=$(wc -l <"$d/perf.csv")
		# shellcheck disable=SC2086
		fg timeout $((DURATION + 20)) ip netns exec "$H1" iperf3 -c 10.201.0.2 -t "$DURATION" \
			--connect-timeout 3000 -J $args >"$d/$m.json" 2>"$d/$m.err"
		v=
		if v=$("$FLOWGEN" iperf3 $kind "$d/$m.json" 2>"$d/$m.parse"); then
			eval "R_${key}_${m}=\$v"
			detail "iperf3 $kind: $v"
		else
			say "   iperf3 $kind FAILED: $(cat "$d/$m.parse" "$d/$m.err" | tail -n 3)"
		fi
		if [ -n "$l0" ] && perf_counts "$l0"; then
			if [ $m = tcp ]; then
				say "   perf TCP: $(awk -v s="$sc" -v c="$cs" -v t="$DURATION" 'BEGIN { printf "%.0f syscalls/s, %.0f context switches/s", s / t, c / t }')"
			elif [ -n "$v" ]; then
				say "   perf 64 B: $(awk -v s="$sc" -v c="$cs" -v n="$v" -v t="$DURATION" 'BEGIN { printf "%.2f syscalls, %.2f context switches per delivered datagram", s / (n * t), c / (n * t) }')"
			fi
		fi
	done
	stop_pid "$ipid"

	# New flows per second; the tag keeps stray frames of other runs out.
	tag=$(($$ % 200 + 1))
	case $key in ours) ;; txoff) tag=$((tag + 1)) ;; tso) tag=$((tag + 2)) ;; linux) tag=$((tag + 3)) ;; esac
	bg "$d/recv.out" ip netns exec "$H2" "$FLOWGEN" recv -i eth0 -tag "$tag" -max "$((DURATION + 30))s" -ready "$d/ready"
	rpid=$LAST
	i=0
	while [ ! -e "$d/ready" ] && kill -0 "$rpid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if fg ip netns exec "$H1" "$FLOWGEN" send -i eth0 -tag "$tag" -t "${DURATION}s" >"$d/send.out" 2>&1; then
		# Let what is queued in the switch drain.
		sleep 1
		kill -TERM "$rpid" 2>/dev/null
		wait "$rpid" 2>/dev/null
		PIDS=$(for p in $PIDS; do [ "$p" = "$rpid" ] || printf ' %s' "$p"; done)
		got=$(sed -n 's/^distinct=\([0-9]*\) .*/\1/p' "$d/recv.out")
		sent=$(sed -n 's/^sent=\([0-9]*\) .*/\1/p' "$d/send.out")
		secs=$(sed -n 's/^sent=.* seconds=\([0-9.]*\)$/\1/p' "$d/send.out")
		if [ -n "$got" ] && [ -n "$secs" ]; then
			v=$(awk -v n="$got" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
			eval "R_${key}_flows=\$v"
			detail "flowgen: sent $sent frames in $secs s, $got distinct source MACs arrived"
		else
			say "   flowgen FAILED: $(cat "$d/recv.out" "$d/send.out" | tail -n 3)"
		fi
	else
		say "   flowgen send FAILED: $(tail -n 3 "$d/send.out")"
		stop_pid "$rpid"
	fi

	if [ -n "${VPID:-}" ] && ! kill -0 "$VPID" 2>/dev/null; then
		say "   ovs-vswitchd died during the run: $(lastlines "$d/ovs-vswitchd.out" "$d/ovs-vswitchd.log")"
		FAILED="$FAILED $key"
	fi
	VPID=
	eval "say \"   RTT \${R_${key}_rtt:-n/a} ms, TCP \${R_${key}_tcp:-n/a} Gbit/s, 64 B \${R_${key}_pps:-n/a} pps, \${R_${key}_flows:-n/a} new flows/s\""
	teardown
}

started=$(date +%s)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)
loadavg=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
say "== switch benchmark: ours ($OURS_BIN/ovs-vswitchd) vs OVS 3.1 netdev ($REAL_VSWITCHD) vs Linux bridge"
if [ -n "$loadavg" ] && awk -v l="$loadavg" -v n="$ncpu" 'BEGIN { exit !(l > n / 2) }'; then
	say "   warning: load average $loadavg on $ncpu CPUs: other work will disturb the figures"
fi
for key in $IMPLS; do
	case $key in
	ours | txoff | tso | linux) ;;
	*)
		warn "bench/switch.sh: unknown implementation $key (want ours, txoff, tso, linux)"
		exit 2
		;;
	esac
	eval "why=\$SKIP_$key"
	if [ -n "$why" ]; then
		say "-- $(name_of "$key"): skipped: $why"
		continue
	fi
	measure "$key"
done

rows=$tmp/rows
{
	printf 'TCP throughput (Gbit/s, higher is better)\t%s\t%s\t%s\t%s\thigher\tmin 1.5 tso\t>= 1.5x OVS TSO\n' \
		"${R_ours_tcp:-}" "${R_txoff_tcp:-}" "${R_tso_tcp:-}" "${R_linux_tcp:-}"
	printf 'UDP 64 B frames delivered (pps, higher is better)\t%s\t%s\t%s\t%s\thigher\tmin 2.5 best\t>= 2.5x OVS\n' \
		"${R_ours_pps:-}" "${R_txoff_pps:-}" "${R_tso_pps:-}" "${R_linux_pps:-}"
	printf 'ping RTT avg (ms, lower is better)\t%s\t%s\t%s\t%s\tlower\tmax 1 best\t<= OVS\n' \
		"${R_ours_rtt:-}" "${R_txoff_rtt:-}" "${R_tso_rtt:-}" "${R_linux_rtt:-}"
	printf 'new flows/s (higher is better)\t%s\t%s\t%s\t%s\thigher\tmin 2 best\t>= 2x OVS\n' \
		"${R_ours_flows:-}" "${R_txoff_flows:-}" "${R_tso_flows:-}" "${R_linux_flows:-}"
} >"$rows"

cpumodel=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
realver=$("$REAL_VSWITCHD" --version 2>/dev/null | head -n 1)
oursver=
[ -z "$SKIP_ours" ] && oursver=$("$OURS_BIN/ovs-vswitchd" --version 2>/dev/null | head -n 1)
say ""
say "Switch, $(date -u +%Y-%m-%d), ${cpumodel:-unknown CPU} ($ncpu CPUs), Linux $(uname -r), ${DURATION} s per load:"
say "OVS = ${realver:-$REAL_VSWITCHD}; ours = ${oursver:-$OURS_BIN/ovs-vswitchd}."
say "Ratios are ours/OVS; a goal's OVS is the better OVS column (TCP: userspace TSO)."
say ""
awk -F'\t' '
function show(v) { return v == "" ? "n/a" : v }
function ratio(o, r) { return (o == "" || r == "" || r + 0 == 0) ? "n/a" : sprintf("%.2f", o / r) }
{
	n++
	label[n] = $1; ours[n] = show($2); txoff[n] = show($3); tso[n] = show($4); lin[n] = show($5)
	r1[n] = ratio($2, $3); r2[n] = ratio($2, $4)
	split($7, g, " ")
	ref = ""
	if (g[3] == "tso") ref = $4
	else if ($3 == "") ref = $4
	else if ($4 == "") ref = $3
	else if ($6 == "higher") ref = ($3 + 0 > $4 + 0) ? $3 : $4
	else ref = ($3 + 0 < $4 + 0) ? $3 : $4
	goal[n] = $8
	if ($2 != "" && ref != "" && ref + 0 > 0) {
		r = $2 / ref
		met = (g[1] == "min") ? r >= g[2] : r <= g[2]
		goal[n] = sprintf("%s: %s (%.2fx)", $8, met ? "met" : "NOT MET", r)
	} else
		goal[n] = $8 ": n/a"
}
END {
	h[1] = "metric"; h[2] = "ours"; h[3] = "OVS netdev (tx off)"; h[4] = "OVS netdev (userspace TSO)"
	h[5] = "Linux bridge"; h[6] = "ours/OVS tx off"; h[7] = "ours/OVS TSO"; h[8] = "goal"
	for (c = 1; c <= 8; c++) w[c] = length(h[c])
	for (i = 1; i <= n; i++) {
		cell[i, 1] = label[i]; cell[i, 2] = ours[i]; cell[i, 3] = txoff[i]; cell[i, 4] = tso[i]
		cell[i, 5] = lin[i]; cell[i, 6] = r1[i]; cell[i, 7] = r2[i]; cell[i, 8] = goal[i]
		for (c = 1; c <= 8; c++) if (length(cell[i, c]) > w[c]) w[c] = length(cell[i, c])
	}
	# printf "%*s" is not in every awk, so the formats are built.
	f = "|"
	for (c = 1; c <= 8; c++) f = f " %" (c == 1 || c == 8 ? "-" : "") w[c] "s |"
	f = f "\n"
	printf f, h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	printf "|"
	for (c = 1; c <= 8; c++) {
		s = ""
		for (k = 0; k < w[c]; k++) s = s "-"
		printf "%s", (c == 1 || c == 8) ? "-" s "-|" : "-" s ":|"
	}
	printf "\n"
	for (i = 1; i <= n; i++)
		printf f, cell[i, 1], cell[i, 2], cell[i, 3], cell[i, 4], cell[i, 5], cell[i, 6], cell[i, 7], cell[i, 8]
}' "$rows"
say ""
for key in $IMPLS; do
	eval "why=\$SKIP_$key"
	[ -n "$why" ] && say "$(name_of "$key") was not measured: $why."
done
[ -n "$FAILED" ] && say "FAILED:$FAILED (see above)."
say "($(($(date +%s) - started)) s)"
[ -z "$FAILED" ]
