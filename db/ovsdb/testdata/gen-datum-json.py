#!/usr/bin/env python3
"""Regenerates datum-json.jsonl from datum-cases.in ("column<TAB>json" per
line) with real OVS 3.1: each value is inserted into table T of
datum-test.ovsschema through ovsdb-server. Each output line is
[column, json, ok, output]: the error object of a failed insert, or the
column as a select returns it."""
import json, os, shutil, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
d = tempfile.mkdtemp(prefix="ovsdb-oracle-")
db, sock = os.path.join(d, "t.db"), os.path.join(d, "sock")
subprocess.run(["ovsdb-tool", "create", db, os.path.join(here, "datum-test.ovsschema")], check=True)
subprocess.run(["ovsdb-server", "--remote=punix:" + sock, "--pidfile=" + d + "/pid",
                "--unixctl=" + d + "/ctl", "--log-file=" + d + "/log", "--detach", db], check=True)
def tx(ops):
    r = subprocess.run(["ovsdb-client", "transact", "unix:" + sock, json.dumps(["D"] + ops)],
                       capture_output=True, check=True)
    return r.stdout.decode().rstrip("\n")
def end_of_value(text, i):
    depth, in_str, j = 0, False, i
    while True:
        c = text[j]
        if in_str:
            if c == "\\":
                j += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
try:
    for line in open(os.path.join(here, "datum-cases.in")):
        line = line.rstrip("\n")
        if not line:
            continue
        col, val = line.split("\t", 1)
        res = tx([{"op": "insert", "table": "T", "row": {col: json.loads(val)}}])
        # Keep OVS's own text for error objects: cut out the first element.
        first = res[1:end_of_value(res, 1)]
        if '"error"' in first:
            print(json.dumps([col, val, False, first], ensure_ascii=False))
            continue
        uuid = json.loads(res)[0]["uuid"]
        sel = tx([{"op": "select", "table": "T", "where": [["_uuid", "==", uuid]], "columns": [col]}])
        row = sel[len('[{"rows":[{"' + col + '":'):-len('}]}]')]
        print(json.dumps([col, val, True, row], ensure_ascii=False))
finally:
    subprocess.run(["kill", open(d + "/pid").read().strip()])
    shutil.rmtree(d, ignore_errors=True)
