#!/bin/sh
# OpenFlow table benchmark: Open vSwitch 3.1 (ovsdb-server, ovs-vswitchd
# with its dummy datapath, ovs-ofctl) against ours, in one run.
#
#   sh bench/ofctl.sh                 (from the repo root, after `make`)
#   FLOWS=20000 sh bench/ofctl.sh
#
# For each implementation, on a fresh database and switch with one bridge:
#   a. ovs-ofctl add-flows br0 FILE with FLOWS (100,000) distinct flows
#                                           goal: <= 1/3 of OVS's time
#   b. ovs-ofctl dump-flows br0 (all of them)   goal: no slower than OVS
#   c. ovs-ofctl replace-flows br0 FILE2, FILE2 = FILE with 10% of the flows
#      changed (new actions)                goal: <= 1/3 of OVS's time
#   d. ovs-vswitchd's resident memory with the flows installed
#                                           goal: no more than OVS's
# It prints seconds (and MiB) for each and our figure as a fraction of OVS's.
# Each side uses its own ovs-ofctl against its own vswitchd.
set -eu

FLOWS=${FLOWS:-100000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OURS=${OURS:-$ROOT/bin}
SCHEMA=${SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

for b in ovsdb-server ovsdb-tool ovs-vswitchd ovs-ofctl ovs-vsctl; do
	command -v "$b" >/dev/null 2>&1 || { echo "ofctl.sh: $b not found" >&2; exit 1; }
done
for b in ovs ovs-ofctl ovs-vswitchd ovsdb-server; do
	[ -x "$OURS/$b" ] || { echo "ofctl.sh: $OURS/$b not found (run make)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/ofctl-bench.XXXXXX)
cleanup() {
	for p in "$TMP"/*/*.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 0.2
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# Flows: priority, L3/L4 matches and actions vary so that the classifier
# sees many masks and the text syntax is exercised. replace.txt changes
# the actions of every tenth flow.
awk -v n="$FLOWS" 'BEGIN {
	for (i = 0; i < n; i++) {
		a = int(i / 65536) % 256; b = int(i / 256) % 256; c = i % 256
		p = 100 + i % 7
		m = i % 4
		if (m == 0) match_ = sprintf("ip,nw_src=10.%d.%d.%d", a, b, c)
		else if (m == 1) match_ = sprintf("tcp,nw_dst=10.%d.%d.%d,tp_dst=%d", a, b, c, 1 + i % 1000)
		else if (m == 2) match_ = sprintf("udp,nw_src=172.16.%d.%d,nw_dst=10.%d.%d.0/24", b, c, a, b)
		else match_ = sprintf("dl_vlan=%d,dl_src=02:00:%02x:%02x:%02x:01", 1 + i % 4000, a, b, c)
		act = sprintf("output:%d", 1 + i % 4)
		printf "table=%d,priority=%d,%s,actions=%s\n", i % 3, p, match_, act > "'"$TMP"'/flows.txt"
		if (i % 10 == 0) act = sprintf("mod_vlan_vid:%d,output:%d", 1 + i % 100, 1 + (i + 1) % 4)
		printf "table=%d,priority=%d,%s,actions=%s\n", i % 3, p, match_, act > "'"$TMP"'/replace.txt"
	}
}'

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# start IMPL DIR: database, server and vswitchd for IMPL (real|ours) in DIR.
start() {
	impl=$1 dir=$2
	mkdir -p "$dir"
	if [ "$impl" = real ]; then
		server=ovsdb-server tool=ovsdb-tool vswitchd=ovs-vswitchd vsctl=ovs-vsctl
		ovsdb-tool create "$dir/conf.db" "$SCHEMA"
	else
		server=$OURS/ovsdb-server tool=$OURS/ovsdb-tool vswitchd=$OURS/ovs-vswitchd vsctl=$OURS/ovs-vsctl
		"$tool" create "$dir/conf.db"
	fi
	OVS_RUNDIR=$dir OVS_LOGDIR=$dir OVS_DBDIR=$dir "$server" "$dir/conf.db" \
		--remote=punix:"$dir/db.sock" --pidfile="$dir/ovsdb-server.pid" \
		--unixctl="$dir/ovsdb-server.ctl" --detach --log-file="$dir/ovsdb-server.log"
	OVS_RUNDIR=$dir "$vsctl" --db=unix:"$dir/db.sock" --no-wait init
	OVS_RUNDIR=$dir OVS_LOGDIR=$dir "$vswitchd" unix:"$dir/db.sock" --enable-dummy=override \
		--pidfile="$dir/ovs-vswitchd.pid" --unixctl="$dir/ovs-vswitchd.ctl" --detach \
		--log-file="$dir/ovs-vswitchd.log" -vconsole:off
	OVS_RUNDIR=$dir "$vsctl" --db=unix:"$dir/db.sock" --timeout=20 add-br br0 \
		-- set bridge br0 datapath_type=dummy
	for i in 1 2 3 4; do
		OVS_RUNDIR=$dir "$vsctl" --db=unix:"$dir/db.sock" --timeout=20 add-port br0 p$i \
			-- set interface p$i type=dummy ofport_request=$i
	done
}

rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$(cat "$1/ovs-vswitchd.pid")/status"; }

# run IMPL: prints "add dump replace rss".
run() {
	impl=$1 dir=$TMP/$1
	start "$impl" "$dir"
	if [ "$impl" = real ]; then ofctl=ovs-ofctl; else ofctl=$OURS/ovs-ofctl; fi
	t0=$(now)
	OVS_RUNDIR=$dir "$ofctl" add-flows br0 "$TMP/flows.txt"
	t1=$(now)
	n=$(OVS_RUNDIR=$dir "$ofctl" dump-flows br0 2>/dev/null | grep -c "actions=" || true)
	t2=$(now)
	mem=$(rss "$dir")
	# OpenFlow 1.3: with flows in several tables, ovs-ofctl finds no
	# 1.0 flow format that can both read and write them.
	OVS_RUNDIR=$dir "$ofctl" -O OpenFlow13 replace-flows br0 "$TMP/replace.txt"
	t3=$(now)
	if [ "$n" -lt "$FLOWS" ]; then
		echo "ofctl.sh: $impl: only $n flows installed, want $FLOWS" >&2
		exit 1
	fi
	echo "$(elapsed "$t0" "$t1") $(elapsed "$t1" "$t2") $(elapsed "$t2" "$t3") $mem"
}

echo "$FLOWS flows; OVS 3.1 vs ours (each its own ovs-ofctl and ovs-vswitchd)"
real=$(run real)
ours=$(run ours)
set -- $real
ra=$1 rd=$2 rr=$3 rm=$4
set -- $ours
oa=$1 od=$2 or=$3 om=$4
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-24s %10s %10s %8s  %s\n' "" "OVS" "ours" "ratio" "goal"
printf '%-24s %10.3f %10.3f %8s  %s\n' "add-flows (s)" "$ra" "$oa" "$(ratio "$oa" "$ra")" "<= 0.33"
printf '%-24s %10.3f %10.3f %8s  %s\n' "dump-flows (s)" "$rd" "$od" "$(ratio "$od" "$rd")" "<= 1"
printf '%-24s %10.3f %10.3f %8s  %s\n' "replace-flows 10% (s)" "$rr" "$or" "$(ratio "$or" "$rr")" "<= 0.33"
printf '%-24s %10.1f %10.1f %8s  %s\n' "vswitchd RSS (MiB)" "$rm" "$om" "$(ratio "$om" "$rm")" "<= 1"
