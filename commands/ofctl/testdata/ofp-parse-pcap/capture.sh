#!/bin/sh
# Records OpenFlow traffic between Debian's ovs-vswitchd and controllers into
# pcap files for ofp-parse-pcap's tests. Runs everything in a private network
# namespace whose loopback has a small MTU, so that messages cross segment
# boundaries the way they do on real links. Needs root, tcpdump, ethtool and OVS 3.1.
#   usage: capture.sh OUTDIR
set -eu
out=$(cd "$1" && pwd)
ns=ofpcap$$
dir=$(mktemp -d)
export OVS_RUNDIR=$dir OVS_DBDIR=$dir OVS_LOGDIR=$dir OVS_SYSCONFDIR=$dir
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	sleep 0.5
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$ns"
run() { ip netns exec "$ns" "$@"; }
run ip link set lo up mtu 400
# Without segmentation offload the kernel cuts each write at the MSS, as a
# real link would; with it, loopback carries whole writes.
run ethtool -K lo tso off gso off >/dev/null

ovsdb-tool create "$dir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
run ovsdb-server "$dir/conf.db" --remote=punix:"$dir/db.sock" --pidfile="$dir/ovsdb-server.pid" --log-file="$dir/ovsdb-server.log" --detach
pids="$pids $(cat "$dir/ovsdb-server.pid")"
vsctl() { ovs-vsctl --db=unix:"$dir/db.sock" --no-wait "$@"; }
vsctl init
run ovs-vswitchd unix:"$dir/db.sock" --enable-dummy=override --pidfile="$dir/ovs-vswitchd.pid" --log-file="$dir/ovs-vswitchd.log" --detach -vconsole:off
pids="$pids $(cat "$dir/ovs-vswitchd.pid")"
appctl() { ovs-appctl -t "$dir/ovs-vswitchd.$(cat "$dir/ovs-vswitchd.pid").ctl" "$@"; }

vsctl add-br br0 -- set bridge br0 datapath_type=dummy fail-mode=secure \
	-- add-port br0 p1 -- set interface p1 type=dummy ofport_request=1 \
	-- add-port br0 p2 -- set interface p2 type=dummy ofport_request=2 \
	-- add-port br0 p3 -- set interface p3 type=dummy ofport_request=3

# 1. The switch connects to Debian's learning controller (OpenFlow 1.0).
# ip netns exec may fork, so the capture writes its own pid.
record() {
	run sh -c 'echo $$ >"$1"; exec tcpdump -i lo -U -w "$2" tcp port "$3" 2>/dev/null' sh "$dir/tcpdump.pid" "$@" &
	sleep 1
	pids="$pids $(cat "$dir/tcpdump.pid")"
}
record "$out/testcontroller.pcap" 16653
sleep 1
run ovs-testcontroller ptcp:16653:127.0.0.1 --pidfile="$dir/tc.pid" --detach --log-file="$dir/tc.log"
pids="$pids $(cat "$dir/tc.pid")"
vsctl set-controller br0 tcp:127.0.0.1:16653 -- set controller br0 inactivity_probe=1000
sleep 2
for i in 1 2 3; do
	appctl netdev-dummy/receive p1 "in_port(1),eth(src=50:54:00:00:00:01,dst=50:54:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0,ttl=64,frag=no),tcp(src=1000,dst=80)" >/dev/null
	appctl netdev-dummy/receive p2 "in_port(2),eth(src=50:54:00:00:00:02,dst=50:54:00:00:00:01),eth_type(0x0800),ipv4(src=10.0.0.2,dst=10.0.0.1,proto=6,tos=0,ttl=64,frag=no),tcp(src=80,dst=1000)" >/dev/null
	sleep 0.3
done
# Idle long enough for an echo exchange (the shortest probe is 5 s).
sleep 6
vsctl del-controller br0
sleep 1
kill $(cat "$dir/tc.pid")

# 2. ovs-ofctl connects to the switch's passive port (OpenFlow 1.3 and 1.0).
vsctl set bridge br0 protocols=OpenFlow10,OpenFlow13
vsctl set-controller br0 ptcp:16654:127.0.0.1
sleep 1
record "$out/ofctl.pcap" 16654
for i in $(seq 1 10); do
	echo "priority=$i,tcp,nw_src=10.0.0.$i,tp_dst=$((80 + i)),actions=mod_nw_tos:$((i * 4)),output:2"
done >"$dir/flows.txt"
run ovs-ofctl --no-names -O OpenFlow13 add-flows tcp:127.0.0.1:16654 "$dir/flows.txt"
run ovs-ofctl --no-names -O OpenFlow13 dump-flows tcp:127.0.0.1:16654 >/dev/null
run ovs-ofctl --no-names show tcp:127.0.0.1:16654 >/dev/null
run ovs-ofctl --no-names dump-ports tcp:127.0.0.1:16654 >/dev/null
sleep 1
