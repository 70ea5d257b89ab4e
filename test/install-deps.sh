#!/bin/sh
# Installs what the tests need on a fresh Debian machine: the real Open vSwitch
# 3.1 (the oracle of the differential tests) and the network tools the
# end-to-end tests drive. Go modules come with "go test" itself.
set -e
need=""
command -v ovsdb-server >/dev/null 2>&1 || need="$need openvswitch-switch openvswitch-common"
command -v ovs-testcontroller >/dev/null 2>&1 || need="$need openvswitch-testcontroller"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
command -v iperf3 >/dev/null 2>&1 || need="$need iperf3"
command -v tcpdump >/dev/null 2>&1 || need="$need tcpdump"
command -v file >/dev/null 2>&1 || need="$need file"
command -v ping >/dev/null 2>&1 || need="$need iputils-ping"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$need (run as root to install them)" >&2
	exit 0
fi
echo "install-deps: installing$need"
export DEBIAN_FRONTEND=noninteractive
# The packages' maintainer scripts would start the real daemons; keep them off.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends $need >/dev/null
