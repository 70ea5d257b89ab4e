#!/bin/bash
# Regenerates the golden files in this directory from the real Open vSwitch
# tools (Debian's OVS 3.1: ovsdb-tool, ovsdb-server, ovs-vsctl, ovsdb-client).
# See README. Run from anywhere; it works in a private temporary directory and
# stops the ovsdb-server it starts.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/table-golden.XXXXXX)
SOCK=$TMP/db.sock
cleanup() {
	if [ -f "$TMP/ovsdb-server.pid" ]; then kill "$(cat "$TMP/ovsdb-server.pid")" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT

export OVS_RUNDIR=$TMP OVS_DBDIR=$TMP OVS_LOGDIR=$TMP OVS_SYSCONFDIR=$TMP

ovsdb-tool create "$TMP/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-tool create "$TMP/test.db" "$HERE/test.ovsschema"
ovsdb-server "$TMP/conf.db" "$TMP/test.db" --remote=punix:"$SOCK" \
	--pidfile="$TMP/ovsdb-server.pid" --unixctl="$TMP/ctl" \
	--log-file="$TMP/ovsdb-server.log" --detach --no-chdir

vsctl() { ovs-vsctl --db=unix:"$SOCK" --no-wait "$@"; }

# Open_vSwitch content: values with spaces, quotes, backslashes, control
# characters, non-ASCII text, empty strings, UUID-looking strings (the HTML
# format links them), trailing spaces (the table format trims them), empty
# sets and maps.
vsctl init -- add-br br0 -- add-port br0 p1 -- add-port br0 p2 \
	-- set bridge br0 external_ids:a=b other_config:x="y z" \
	'external_ids:trail="x "' 'external_ids:lead=" y"' "external_ids:apos=\"it's\"" \
	'external_ids:cr="a\rb"' 'external_ids:q="\""' 'external_ids:semi=a;b' \
	'external_ids:u1="see 7b382638-0c08-41df-b947-f45b6be17064 here"' \
	'external_ids:u2=ABCDEF01-0c08-41df-b947-f45b6be17064x' \
	'external_ids:u3=7b382638-0c08-41df-b947-f45b6be1706'
vsctl add-br 'br 1' -- set bridge 'br 1' external_ids:quote='say "hi"' \
	external_ids:uni='héllo wörld ✓' external_ids:empty='""' 'external_ids:nl="a\nb"' \
	'external_ids:bs="back\\slash"' 'external_ids:tab="x\ty"' external_ids:html='<a&b>' \
	external_ids:comma='a,b' fail_mode=secure datapath_type=netdev flood_vlans=1,2,3 \
	protocols=OpenFlow10,OpenFlow13
vsctl add-br brüüü -- set bridge brüüü 'external_ids:last="ends in space "'
vsctl add-br brq -- set bridge brq 'external_ids={k="\r\t\u0001\u007f'"'"'`é;&#<>"}' \
	'other_config:nl-end="x\n "'

# Test database content.
ovsdb-client transact unix:"$SOCK" '["Test",
 {"op":"insert","table":"Simple","uuid-name":"plain","row":{"name":"plain","n":42,"r":2.5,"b":true,"s":["set",["a","b c","ü"]],"m":["map",[["k","v"],["sp ace","x\"y"]]],"opt":7}},
 {"op":"insert","table":"Simple","row":{"name":"","n":-1,"r":1e100,"b":false,"s":"single"}},
 {"op":"insert","table":"Simple","row":{"name":"line1\nline2\ttab","r":0.1,"u":["uuid","01234567-89ab-cdef-0123-456789abcdef"]}},
 {"op":"insert","table":"Simple","row":{"name":"<html> & \"q\" '"'"'a'"'"' ,;","n":123456789012}},
 {"op":"insert","table":"Long","row":{"a_column_name_longer_than_twenty":"日本語テキスト","exactly_twenty_chars":["set",[1,2]],"ref":["named-uuid","plain"]}},
 {"op":"insert","table":"Long","row":{"a_column_name_longer_than_twenty":"é"}}
]' >/dev/null

: >"$HERE/cases"
PRE=()
POST=()
SCEN=
scenario() {
	SCEN=$1
	rm -rf "${HERE:?}/$SCEN"
	mkdir -p "$HERE/$SCEN"
}
# golden NAME OPTIONS...: runs PRE OPTIONS POST into SCEN/NAME and records the
# table options in "cases" so the tests can parse them the same way.
golden() {
	local name=$1
	shift
	"${PRE[@]}" "$@" "${POST[@]}" >"$HERE/$SCEN/$name"
	printf '%s/%s\t%s\n' "$SCEN" "$name" "$*" >>"$HERE/cases"
}
standard() {
	for f in table list csv html json; do
		for d in string bare json; do
			golden "$f-$d" --format=$f --data=$d
		done
	done
	for f in table list csv html; do
		golden "$f-noheadings" --format=$f --no-headings
	done
	golden json-pretty --format=json --pretty
	golden table-json-pretty --format=table --data=json --pretty
	golden bare --bare
	golden short-options -f table -d bare
}

PRE=(ovs-vsctl --db=unix:"$SOCK" --no-wait)
POST=(list bridge)
scenario vsctl-all
standard
golden default
golden table-width10 --format=table --max-column-width=10
golden table-width4-noheadings --format=table --no-headings --max-column-width=4

POST=(--columns=name,_uuid,external_ids,fail_mode,flood_vlans,ports list bridge)
scenario vsctl-cols
standard
golden default
golden table-width7 --format=table --max-column-width=7
golden table-width5-bare-noheadings --format=table --data=bare --no-headings --max-column-width=5

POST=(--columns=name list bridge br0 -- find bridge name=none -- --columns=name,interfaces list port p1)
scenario vsctl-multi
standard
golden default

PRE=(ovsdb-client)
POST=(dump unix:"$SOCK" Test)
scenario client-dump
standard
golden table-width6 --max-column-width=6

POST=(list-tables unix:"$SOCK" Test)
scenario client-list-tables
standard

POST=(list-columns unix:"$SOCK" Test)
scenario client-list-columns
standard

# Monitors must all see the same updates, so they run side by side and the
# database changes once they are all connected. (--timestamp with
# --format=json crashes ovsdb-client 3.1, so there is no golden for it.)
scenario client-monitor
pids=()
monitor() {
	local name=$1
	shift
	"${PRE[@]}" "$@" monitor unix:"$SOCK" Test ALL >"$HERE/$SCEN/$name" 2>/dev/null &
	pids+=($!)
	printf '%s/%s\t%s\n' "$SCEN" "$name" "$*" >>"$HERE/cases"
}
for f in table list csv html json; do
	for d in string bare json; do
		monitor "$f-$d" --format=$f --data=$d
	done
done
for f in table list csv html; do
	monitor "$f-noheadings" --format=$f --no-headings
	monitor "$f-timestamp" --format=$f --timestamp
	monitor "$f-bare-timestamp-noheadings" --format=$f --data=bare --timestamp --no-headings
done
monitor json-pretty --format=json --pretty
sleep 2
ovsdb-client transact unix:"$SOCK" '["Test",
 {"op":"insert","table":"Empty","row":{"x":"new"}},
 {"op":"update","table":"Simple","where":[["name","==","plain"]],"row":{"n":43,"s":["set",[]]}}]' >/dev/null
sleep 0.5
ovsdb-client transact unix:"$SOCK" '["Test",
 {"op":"delete","table":"Simple","where":[["name","==",""]]}]' >/dev/null
sleep 1
kill "${pids[@]}"
wait 2>/dev/null || true
