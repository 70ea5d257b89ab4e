#!/bin/sh
# ovs-vsctl benchmark: Open vSwitch 3.1's ovs-vsctl against ours, both
# talking to the REAL ovsdb-server, so that only the client differs.
#
#   sh bench/vsctl.sh                  (from the repo root)
#   CALLS=300 PORTS=2000 sh bench/vsctl.sh
#   OURS=bin/ovs-vsctl REAL=/usr/bin/ovs-vsctl sh bench/vsctl.sh
#
# Loads, each on a fresh database made by the real ovsdb-tool from the
# installed vswitch schema, served by a fresh real ovsdb-server:
#   a. CALLS (1000) sequential `ovs-vsctl --no-wait add-port br0 pN`
#      (each call reads every port of br0, so later calls cost more)
#                                                  goal: <= 1/5 of OVS
#      OVS's client, ours, and ours on our own server take turns, BLOCK
#      (100) calls at a time, each on its own database (see load_a)
#   b. one `ovs-vsctl --no-wait add-port br0 p1 -- add-port br0 p2 -- ...`
#      adding PORTS (5000) ports                   goal: <= 1/10 of OVS
# It prints seconds for each and our time as a fraction of OVS's. With the
# defaults it takes one to two minutes on an idle 2-core machine.
#
# Our binary: $OURS if set, else bin/ovs-vsctl if it runs as ovs-vsctl,
# else a small main around commands/vsctl built into the temp directory.
set -eu

CALLS=${CALLS:-1000}
PORTS=${PORTS:-5000}
REAL=${REAL:-/usr/bin/ovs-vsctl}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCHEMA=${SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

for b in ovsdb-server ovsdb-tool "$REAL"; do
	command -v "$b" >/dev/null 2>&1 || { echo "vsctl.sh: $b not found" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/vsctl-bench.XXXXXX)
SERVER_PID=
PIDS=
cleanup() {
	for pid in $SERVER_PID $PIDS; do kill "$pid" 2>/dev/null || true; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

if [ -z "${OURS:-}" ]; then
	if [ -x "$ROOT/bin/ovs-vsctl" ] && "$ROOT/bin/ovs-vsctl" --version 2>/dev/null | grep -q '^ovs-vsctl '; then
		OURS=$ROOT/bin/ovs-vsctl
	else
		mkdir "$TMP/build"
		cat >"$TMP/build/main.go" <<'EOF'
package main

import (
	"os"

	"github.com/govs/ovs/commands/vsctl"
)

func main() { os.Exit(vsctl.Main(os.Args)) }
EOF
		cat >"$TMP/build/go.mod" <<EOF
module vsctlbench

go 1.26

require github.com/govs/ovs v0.0.0

replace github.com/govs/ovs => $ROOT
EOF
		cp "$ROOT/go.sum" "$TMP/build/go.sum"
		(cd "$TMP/build" && CGO_ENABLED=0 GOFLAGS=-mod=mod GOPROXY=off \
			go build -trimpath -ldflags '-s -w' -o "$TMP/ovs-vsctl" .)
		OURS=$TMP/ovs-vsctl
	fi
fi

# Our binary's code in 2 MB pages, as make, make install and ovs-ctl start
# leave it (internal/hugetext): made again here, since the page cache may
# have dropped those pages since the build (this VM reclaims page cache
# left idle for a minute). The interleaved lanes below keep it in use.
ovsbin=$(readlink -f "$OURS")
if [ "$(basename "$ovsbin")" = ovs ]; then
	"$ovsbin" --text-hugepages "$ovsbin" || true
fi

# The server: the real one, or ours for the whole-stack comparison.
SERVER=ovsdb-server
OURS_SERVER=${OURS_SERVER:-$ROOT/bin/ovsdb-server}
BLOCK=${BLOCK:-100}

# start_server DIR [SERVER]: a fresh database and a server on DIR/db.sock;
# its pid goes to SERVER_PID and onto PIDS for the cleanup.
start_server() {
	rm -rf "$1"
	mkdir -p "$1"
	ovsdb-tool create "$1/conf.db" "$SCHEMA"
	"${2:-$SERVER}" "$1/conf.db" --remote="punix:$1/db.sock" --unixctl="$1/ctl" \
		--no-chdir -vconsole:off -vfile:off -vsyslog:off &
	SERVER_PID=$!
	PIDS="$PIDS $SERVER_PID"
	i=0
	while [ ! -S "$1/db.sock" ]; do
		i=$((i + 1))
		[ $i -lt 500 ] || { echo "vsctl.sh: ovsdb-server did not start" >&2; exit 1; }
		sleep 0.01
	done
}

stop_server() {
	kill "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	SERVER_PID=
}

now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }
add() { echo "$1 $2" | awk '{printf "%.6f", $1 + $2}'; }

# block DB CLIENT FROM TO: add-port pFROM..pTO one call each; prints seconds.
block() {
	t0=$(now)
	i=$3
	while [ "$i" -le "$4" ]; do
		"$2" "$1" --no-wait add-port br0 "p$i"
		i=$((i + 1))
	done
	t1=$(now)
	echo "$t0 $t1" | awk '{printf "%.6f", $2 - $1}'
}

# load_a: CALLS sequential add-port calls for each lane (OVS's client on
# the real server, ours on the real server, ours on ours), each lane on
# its own fresh server. The lanes take turns, BLOCK calls at a time, in a
# rotating order: on a shared VM the speed drifts by tens of percent from
# one minute to the next, and a binary left idle for a minute may have its
# page cache reclaimed (this VM runs DAMON pageout), so running one lane's
# thousand calls after another's would measure the machine, not the tools.
# Sets LOAD_A to "ovs ours own" seconds (own: n/a without our server).
load_a() {
	start_server "$TMP/a1"
	start_server "$TMP/a2"
	nl=2
	if [ -x "$OURS_SERVER" ]; then
		start_server "$TMP/a3" "$OURS_SERVER"
		nl=3
	fi
	"$REAL" --db="unix:$TMP/a1/db.sock" --no-wait add-br br0
	for lane in $(seq 2 $nl); do "$OURS" --db="unix:$TMP/a$lane/db.sock" --no-wait add-br br0; done
	s1=0 s2=0 s3=0 from=1 turn=0
	while [ $from -le "$CALLS" ]; do
		to=$((from + BLOCK - 1))
		[ $to -le "$CALLS" ] || to=$CALLS
		for k in $(seq 0 $((nl - 1))); do
			lane=$(( (turn + k) % nl + 1 ))
			client=$OURS
			[ $lane -ne 1 ] || client=$REAL
			t=$(block "--db=unix:$TMP/a$lane/db.sock" "$client" $from $to)
			case $lane in
			1) s1=$(add "$s1" "$t") ;;
			2) s2=$(add "$s2" "$t") ;;
			3) s3=$(add "$s3" "$t") ;;
			esac
		done
		turn=$((turn + 1))
		from=$((to + 1))
	done
	for lane in $(seq $nl); do
		n=$("$REAL" --db="unix:$TMP/a$lane/db.sock" list-ports br0 | wc -l)
		[ "$n" -eq "$CALLS" ] || { echo "vsctl.sh: lane $lane left $n ports, want $CALLS" >&2; exit 1; }
	done
	for pid in $PIDS; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
	PIDS=
	own=n/a
	[ $nl -eq 2 ] || own=$(printf '%.2f' "$s3")
	LOAD_A=$(printf '%.2f %.2f %s' "$s1" "$s2" "$own")
}

# load_b CLIENT: one call adding PORTS ports.
load_b() {
	start_server "$TMP/b"
	db=--db=unix:$TMP/b/db.sock
	"$1" "$db" --no-wait add-br br0
	args=$(awk -v n="$PORTS" 'BEGIN { for (i = 1; i <= n; i++) { if (i > 1) printf " -- "; printf "add-port br0 p%d", i } }')
	t0=$(now)
	# shellcheck disable=SC2086
	"$1" "$db" --no-wait $args
	t1=$(now)
	n=$("$REAL" "$db" list-ports br0 | wc -l)
	stop_server
	[ "$n" -eq "$PORTS" ] || { echo "vsctl.sh: $1 left $n ports, want $PORTS" >&2; exit 1; }
	secs "$t0" "$t1"
}

echo "ovs-vsctl: OVS $REAL vs ours $OURS (real ovsdb-server for both), and ours on $OURS_SERVER"
load_a
# shellcheck disable=SC2086
set -- $LOAD_A
ra=$1 oa=$2 sa=$3
rb=$(load_b "$REAL")
ob=$(load_b "$OURS")
sb=n/a
if [ -x "$OURS_SERVER" ]; then
	SERVER=$OURS_SERVER
	sb=$(load_b "$OURS")
fi
ratio() { echo "$1 $2" | awk '{ if ($1 > 0 && $2 != "n/a") printf "%.3f", $2 / $1; else print "n/a" }'; }
printf '\n| load | OVS s | ours s (real server) | ours/OVS | ours s (our server) | ours/OVS | goal |\n|---|---:|---:|---:|---:|---:|---:|\n'
printf '| a. %d sequential add-port | %s | %s | %s | %s | %s | <= 0.2 |\n' "$CALLS" "$ra" "$oa" "$(ratio "$ra" "$oa")" "$sa" "$(ratio "$ra" "$sa")"
printf '| b. one call adding %d ports | %s | %s | %s | %s | %s | <= 0.1 |\n' "$PORTS" "$rb" "$ob" "$(ratio "$rb" "$ob")" "$sb" "$(ratio "$rb" "$sb")"
