#!/bin/bash
# Regenerates the fixture databases and golden.txt in this directory from
# the real Open vSwitch 3.1 ovsdb-tool (see README). Run from anywhere; the
# real tool is run with this directory as its working directory, so error
# messages carry the same relative file names as the tests use.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
TMP=$(mktemp -d /tmp/ovsdbtool-golden.XXXXXX)
cleanup() {
	if [ -f "$TMP/s.pid" ]; then kill "$(cat "$TMP/s.pid")" 2>/dev/null || true; fi
	rm -rf "$TMP"
}
trap cleanup EXIT
# Fixed defaults, so that the help text and default-path errors are the
# same wherever this runs; the tests set the same variables.
export OVS_DBDIR=/nonexistent/db OVS_PKGDATADIR=/nonexistent/pkg OVS_RUNDIR=$TMP OVS_LOGDIR=/nonexistent/log

rm -f ./*.db ./.*.~lock~
# record FILE JSON: appends one record to a standalone database file.
record() {
	local len sum
	len=$(printf '%s\n' "$2" | wc -c)
	sum=$(printf '%s\n' "$2" | sha1sum | cut -c1-40)
	printf 'OVSDB JSON %d %s\n%s\n' "$len" "$sum" "$2" >>"$1"
}
schema=$(ovsdb-tool create "$TMP/s.db" test.ovsschema && sed -n 2p "$TMP/s.db")
U1=11111111-1111-1111-1111-111111111111
U2=22222222-2222-2222-2222-222222222222
U3=33333333-3333-3333-3333-333333333333
K1=44444444-4444-4444-4444-444444444444

# natural.db: what the real tool writes for a series of transactions.
ovsdb-tool create natural.db test.ovsschema
tx() { ovsdb-tool transact natural.db "$1" >/dev/null; }
tx '["Test",{"op":"insert","table":"Kid","row":{"n":1,"tags":["set",["a","b"]]},"uuid-name":"k1"},{"op":"insert","table":"Kid","row":{"n":2},"uuid-name":"k2"},{"op":"insert","table":"Root","row":{"name":"r1","i":5,"r":1.5,"b":true,"opt":"x","iset":["set",[1,2,3]],"smap":["map",[["a","b"],["c","d"]]],"kids":["set",[["named-uuid","k1"]]],"weak":["named-uuid","k2"],"color":"red","eph":7}},{"op":"insert","table":"Root","row":{"name":"r2","r":2.0,"i":3}},{"op":"comment","comment":"first txn"}]'
tx '["Test",{"op":"update","table":"Root","where":[["name","==","r1"]],"row":{"i":6,"iset":["set",[2,3,4]],"smap":["map",[["a","z"],["e","f"]]]}}]'
tx '["Test",{"op":"update","table":"Root","where":[],"row":{"eph":9}}]'
tx '["Test",{"op":"mutate","table":"Root","where":[["name","==","r1"]],"mutations":[["iset","insert",["set",[7,8]]],["i","+=",10]]}]'
tx '["Test",{"op":"insert","table":"Kid","row":{"n":3,"tags":"z"},"uuid-name":"k3"},{"op":"update","table":"Root","where":[["name","==","r2"]],"row":{"kids":["named-uuid","k3"],"weak":["named-uuid","k3"],"name":"r2b"}}]'
tx '["Test",{"op":"update","table":"Root","where":[["name","==","r1"]],"row":{"kids":["set",[]]}}]'
tx '["Test",{"op":"delete","table":"Root","where":[["name","==","r1"]]},{"op":"comment","comment":"with \"quote\" and\nnewline"},{"op":"comment","comment":"second"}]'

cp natural.db compacted.db
ovsdb-tool compact compacted.db
cp natural.db torn.db
printf 'OVSDB JSON 100 0000000000000000000000000000000000000000\n{"_da' >>torn.db

# crafted.db: names, renames, records without "_is_diff", values that do
# not fit their columns, unknown tables and columns, odd members.
record crafted.db "$schema"
record crafted.db '{"_date":0,"Root":{"'$U1'":{"name":"r1","i":1}},"_is_diff":true}'
record crafted.db '{"_date":1000,"Root":{"'$U1'":{"name":"r2"}},"_is_diff":true}'
record crafted.db '{"_date":1001,"Root":{"'$U1'":{"i":3}}}'
record crafted.db '{"_date":1002,"Root":{"'$U1'":{"name":"r2"}},"_is_diff":true}'
record crafted.db '{"_date":1002.5,"Kid":{"'$U2'":{"n":4}},"_is_diff":true}'
record crafted.db '{"Kid":{"'$U2'":{"n":5}},"_is_diff":true}'
record crafted.db '{"_date":"x","_comment":5,"Kid":{"'$U2'":{"tags":["set",[1,2]],"bogus":7,"n":"str"}},"_is_diff":true}'
record crafted.db '{"_date":1003,"Kid":{"'$U2'":null},"Root":{"'$U1'":null},"Nope":{"'$U2'":{"a":1}},"_is_diff":true}'
record crafted.db '{"_date":1004,"_comment":"c"}'
record crafted.db '{"_date":1005,"Root":5,"Kid":{"'$U2'":7,"zz":{"n":1}},"_is_diff":true}'
record crafted.db '{}'
record crafted.db '{"_date":5,"_is_diff":false,"T":{"'$U1'":{"a":1}}}'
record crafted.db '{"_date":5,"_is_diff":1,"T":{"'$U1'":{"a":1}}}'
record crafted.db '{"_date":5,"_is_diff":true,"_x":{"'$U1'":{"a":1}}}'
record crafted.db '{"_date":5,"_comment":"é\u0001\t","Root":{"'$U3'":{"name":"a\"b","color":"purple","tags":1,"iset":["set",[1,2,3,4]],"u":["uuid","'$K1'"],"_uuid":["uuid","'$U3'"]}}}'
record crafted.db '{"_date":6,"Root":{"'$U3'":{"name":7,"opt":["set",[]],"smap":["map",[["k","v"]]],"weak":["named-uuid","x"]}},"_is_diff":true}'
record crafted.db '{"_date":7,"Root":{"'$U3'":{"name":["set",["x","y"]]}},"_is_diff":true}'

# dates.db: "_date" values at the edges of OVS's seconds/milliseconds rule.
record dates.db '{"name":"N","version":"1.0.0","cksum":"a\"b\\c","tables":{}}'
for d in -1 -999 -1000 -1001 -1500 1 999 1999 -86400000 1000000000000000 \
	9223372036854775807 -9223372036854775808 253402300799999 -62135596800000 \
	-62135596800001 67767976233532799999 2147483646 2147483647 2147483648 \
	-62135596800 -62104060800 -30610224000 -59011459200 -62167219200 \
	-62198755200 -9223372036854775 -9223372036854776 -92233720368547758 \
	1000.0 1e3 1795431009309; do
	record dates.db '{"_date":'$d',"_comment":"'$d'"}'
done

# hash.db: rows with many random column subsets, to pin show-log's order.
cols=(c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 c10 c11 c12 c13 c14 c15 c16 c17 c18 c19 c20
	c21 c22 c23 c24 c25 c26 c27 c28 c29 name opt iset color r kids b smap i weak
	external_ids other_config x yy zzz wwww vvvvv)
hs='{"name":"H","tables":{"T":{"columns":{'
for c in "${cols[@]}"; do hs+='"'$c'":{"type":"integer"},'; done
record hash.db "${hs%,}}}}}"
RANDOM=42
for n in $(seq 1 60); do
	k=$((RANDOM % ${#cols[@]} + 1))
	row=$(for i in $(seq 0 $((${#cols[@]} - 1))); do echo "$RANDOM ${cols[$i]}"; done | sort -n | head -$k |
		awk '{printf "%s\"%s\":%d", (NR>1?",":""), $2, NR}')
	tabs=$(printf '"T":{"%08x-1111-1111-1111-111111111111":{%s}},"Tab%d":{}' "$n" "$row" "$((RANDOM % 9))")
	record hash.db '{"_date":'$n','"$tabs"',"_is_diff":true}'
done

# Damaged and odd files.
record badsha.db "$schema"
printf 'OVSDB JSON 3 0000000000000000000000000000000000000000\n{}\n' >>badsha.db
record notobject.db "$schema"
record notobject.db '[1]'
record scalar.db "$schema"
record scalar.db '"x"'
record emptyobj.db '{}'
record badschema.db '{"name":"N","version":"x.y","tables":{}}'
record badschema2.db '{"name":5,"version":"x","cksum":7,"tables":{}}'
record noversion.db '{"name":"N","tables":{"T":{"columns":{"a":{"type":"integer"}}}}}'
printf 'OVSDB JSON 100 0000000000000000000000000000000000000000\n{"name"' >torn0.db
: >empty.db
printf '{bad' >garbage.db
record refint.db "$schema"
record refint.db '{"_date":0,"Root":{"'$U1'":{"name":"r1","i":1}}}'
record refint.db '{"_date":1,"Root":{"'$U2'":{"name":"r2","kids":["uuid","'$U3'"]}}}'
record refint.db '{"_date":2,"Root":{"'$U3'":{"name":"r3"}}}'
record badvalue.db "$schema"
record badvalue.db '{"_date":0,"Root":{"'$U1'":{"name":"r1","i":1}}}'
record badvalue.db '{"_date":1,"Root":{"'$U2'":{"name":"r2","i":"str"}}}'
record nodelete.db "$schema"
record nodelete.db '{"_date":1,"Root":{"'$U2'":null}}'
record unknowntable.db "$schema"
record unknowntable.db '{"_date":1,"Nope":{"'$U2'":{"name":"r1"}}}'
ovsdb-tool create-cluster cluster.db test.ovsschema tcp:127.0.0.1:6641 2>/dev/null
ovsdb-tool create rbac.db rbac.ovsschema
ovsdb-tool transact rbac.db '["R",{"op":"insert","table":"RBAC_Permission","row":{"table":"T","authorization":"name","insert_delete":true,"update":"v"},"uuid-name":"p"},{"op":"insert","table":"RBAC_Role","row":{"name":"foo","permissions":["map",[["T",["named-uuid","p"]]]]}},{"op":"insert","table":"T","row":{"name":"a"}}]' >/dev/null
printf '5\n' >scalar.ovsschema
printf '[1,2]\n' >array.ovsschema
printf '{"name":"x"}\n' >notables.ovsschema
printf '{"name":"N","version":"1.2","tables":{}}\n' >badversion.ovsschema
rm -f ./.*.~lock~

# The cases: one command line per line. Every one is read-only.
{
	for f in natural compacted crafted dates hash torn badsha notobject scalar emptyobj \
		badschema badschema2 noversion torn0 empty garbage refint badvalue nodelete unknowntable cluster rbac missing; do
		for m in "" -m -mm; do echo "show-log$m-$f	$m show-log $f.db"; done
		for c in db-name db-version db-cksum db-is-standalone db-is-clustered; do
			echo "$c-$f	$c $f.db"
		done
		echo "query-$f	query $f.db [\"Test\",{\"op\":\"select\",\"table\":\"Kid\",\"where\":[[\"n\",\"==\",1]],\"columns\":[\"n\",\"tags\"]}]"
		echo "needs-conversion-$f	needs-conversion $f.db test.ovsschema"
	done
	for s in test rbac scalar array notables badversion missing; do
		for c in schema-name schema-version schema-cksum; do echo "$c-$s	$c $s.ovsschema"; done
	done
	for v in 1.2.3 01.2.3 1.2.3.4 +1.2.3 1.2 4294967296.0.0 99999999999999999999999.0.0 1..3 a.b.c; do
		for op in '<' '<=' '==' '>=' '>' '!=' '=<'; do echo "compare-versions-$v$op	compare-versions $v $op 1.2.3"; done
	done
	n=0
	for tr in 'bad' '{}' '[]' '["Nope"]' '["Test"]' '[5]' '"str"' 'true' '{"b":1,"a":[2,{"z":1,"y":2}]}' \
		'["Test",5]' '["Test",{"op":"bogus"}]' '["Test",{"op":"select","table":"Kid","where":[],"columns":["n"],"b":1}]' \
		'["Test",{"op":"insert","table":"Kid","row":{"n":9}}]' '["Test",{"op":"insert","table":"Root","row":{"name":"q"}}]' \
		'["Test",{"op":"insert","table":"Kid","row":{"tags":["set",["a","b","c","d"]]}}]' \
		'["Test",{"op":"select","table":"Kid","where":[["n","==",1]]},{"op":"abort"}]' \
		'["Test",{"op":"wait","table":"Root","where":[],"columns":["i"],"until":"==","rows":[{"i":5}],"timeout":1000}]' \
		'["Test",{"op":"wait","table":"Root","where":[],"columns":["i"],"until":"==","rows":[{"i":5}]}]' \
		'["Test",{"op":"wait","table":"Root","where":[],"columns":["i"],"until":"==","rows":[{"i":5}],"timeout":0}]' \
		'["Test",{"op":"comment","comment":"x"},{"op":"wait","table":"Kid","where":[],"columns":["n"],"until":"!=","rows":[],"timeout":10},{"op":"comment","comment":"y"}]' \
		'["Test",{"op":"assert","lock":"foo"}]' '["Test",{"op":"commit","durable":true}]'; do
		n=$((n + 1))
		echo "query-natural-$n	query natural.db $tr"
		echo "query-refint-$n	query refint.db $tr"
	done
	for role in --rbac-role=foo --rbac-role= ""; do
		n=0
		for tr in '{"op":"insert","table":"T","row":{"name":"a"}},{"op":"select","table":"T","where":[],"columns":["name"]}' \
			'{"op":"select","table":"T","where":[],"columns":["name"]},{"op":"delete","table":"T","where":[["name","==","zz"]]}' \
			'{"op":"mutate","table":"T","where":[],"mutations":[["v","+=",1]]}' '{"op":"insert","table":"T","row":{"bogus":"a"}}' \
			'{"op":"insert","table":"Nope","row":{}}' '{"op":"update","table":"T","where":[["bogus","==",1]],"row":{}}' \
			'{"op":"update","table":"T","where":[],"row":{"bogus":1}}' '{"op":"update","table":"T","where":[],"row":{"v":2}}' \
			'{"op":"mutate","table":"T","where":[],"mutations":[["v","bogus",1]]}' '{"op":"mutate","table":"T","where":[],"mutations":[["v","/=",0]]}' \
			'{"op":"delete","table":"T","where":[["v","==","x"]]}' '{"op":"insert","table":"T","row":{},"uuid-name":"x"},{"op":"insert","table":"T","row":{},"uuid-name":"x"}' \
			'{"op":"insert","table":"T","row":{},"uuid":"bogus"}' '{"op":"update","table":"T","where":[],"row":{"_uuid":["uuid","'$U1'"]}}' \
			'{"op":"insert","table":"RBAC_Role","row":{}}'; do
			n=$((n + 1))
			echo "rbac$role-$n	$role query rbac.db [\"R\",$tr]"
		done
	done
	n=0
	for a in '' foo help 'list-commands x' '--bogus' '-x' '--more=3 show-log' '--rbac-role' '--ver' '--he' \
		'-vbogus db-name natural.db' '--log-file db-name natural.db' '--election-timer=5 db-name natural.db' \
		'--election-timer=100x db-name natural.db' '--election-timer=600001 db-name natural.db' \
		'--cid=x db-name natural.db' '--cid=00000000-0000-0000-0000-000000000000 db-name natural.db' \
		'--cid=4a3e1d9d-7d7b-4e4c-9bcb-0a1e6e3f1a11 db-name natural.db' '-o' '-V' '-h' \
		'db-name a b' 'create a b c' 'compact a b c' 'convert a b c d' 'needs-conversion a b c' \
		'query' 'transact' 'query a b c' 'show-log a b' 'compare-versions 1' 'compare-versions 1 2 3 4' \
		'db-is-clustered' 'db-is-standalone a b' 'schema-name a b' 'db-name' 'schema-name' \
		'create-cluster a b c' 'db-cid a' 'check-cluster a' 'cluster-to-standalone a b' \
		'db-name -m natural.db' '-m -m -m show-log natural.db' '--more --mo show-log natural.db'; do
		echo "args-$(printf '%s' "$a" | tr -c 'A-Za-z0-9=.-' '_')	$a"
	done
} >cases

# Run every case with the real tool.
: >golden.txt
while IFS=$'\t' read -r name args; do
	IFS=' ' read -ra words <<<"$args"
	set -- "${words[@]}"
	set +e
	ovsdb-tool "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	set -e
	printf '#### %s exit=%d stdout=%d stderr=%d\n' "$name" "$rc" "$(wc -c <"$TMP/out")" "$(wc -c <"$TMP/err")" >>golden.txt
	cat "$TMP/out" "$TMP/err" >>golden.txt
	printf '\n' >>golden.txt
done <cases
rm -f ./.*.~lock~
