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
cleanup() {
	if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
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

# The server: the real one, or ours for the whole-stack comparison.
SERVER=ovsdb-server
OURS_SERVER=${OURS_SERVER:-$ROOT/bin/ovsdb-server}

# start_server DIR: a fresh database and $SERVER on DIR/db.sock.
start_server() {
	rm -rf "$1"
	mkdir -p "$1"
	ovsdb-tool create "$1/conf.db" "$SCHEMA"
	"$SERVER" "$1/conf.db" --remote="punix:$1/db.sock" --unixctl="$1/ctl" \
		--no-chdir -vconsole:off -vfile:off -vsyslog:off &
	SERVER_PID=$!
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

# load_a CLIENT: CALLS sequential add-port calls.
load_a() {
	start_server "$TMP/a"
	db=--db=unix:$TMP/a/db.sock
	"$1" "$db" --no-wait add-br br0
	t0=$(now)
	i=1
	while [ $i -le "$CALLS" ]; do
		"$1" "$db" --no-wait add-port br0 "p$i"
		i=$((i + 1))
	done
	t1=$(now)
	n=$("$REAL" "$db" list-ports br0 | wc -l)
	stop_server
	[ "$n" -eq "$CALLS" ] || { echo "vsctl.sh: $1 left $n ports, want $CALLS" >&2; exit 1; }
	secs "$t0" "$t1"
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
ra=$(load_a "$REAL")
oa=$(load_a "$OURS")
rb=$(load_b "$REAL")
ob=$(load_b "$OURS")
sa=n/a
sb=n/a
if [ -x "$OURS_SERVER" ]; then
	SERVER=$OURS_SERVER
	sa=$(load_a "$OURS")
	sb=$(load_b "$OURS")
fi
ratio() { echo "$1 $2" | awk '{ if ($1 > 0 && $2 != "n/a") printf "%.3f", $2 / $1; else print "n/a" }'; }
printf '\n| load | OVS s | ours s (real server) | ours/OVS | ours s (our server) | ours/OVS | goal |\n|---|---:|---:|---:|---:|---:|---:|\n'
printf '| a. %d sequential add-port | %s | %s | %s | %s | %s | <= 0.2 |\n' "$CALLS" "$ra" "$oa" "$(ratio "$ra" "$oa")" "$sa" "$(ratio "$ra" "$sa")"
printf '| b. one call adding %d ports | %s | %s | %s | %s | %s | <= 0.1 |\n' "$PORTS" "$rb" "$ob" "$(ratio "$rb" "$ob")" "$sb" "$(ratio "$rb" "$sb")"
