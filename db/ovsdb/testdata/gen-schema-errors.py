#!/usr/bin/env python3
"""Regenerates schema-errors.jsonl from schema-cases.in (one schema per
line) with real OVS 3.1 tools. Each output line is [schema, ok, output]:
for a bad schema, what `ovsdb-tool create x.db s.ovsschema` prints (without
"ovsdb-tool: "), run in a directory so that the path is "s.ovsschema"; for a
good one, what `ovsdb-client get-schema` returns once ovsdb-server serves it."""
import json, os, shutil, subprocess, tempfile

here = os.path.dirname(os.path.abspath(__file__))
out = []
for line in open(os.path.join(here, "schema-cases.in")):
    line = line.rstrip("\n")
    if not line:
        continue
    d = tempfile.mkdtemp(prefix="ovsdb-oracle-")
    try:
        open(os.path.join(d, "s.ovsschema"), "w").write(line + "\n")
        r = subprocess.run(["ovsdb-tool", "create", "x.db", "s.ovsschema"], cwd=d, capture_output=True)
        if r.returncode != 0:
            msg = r.stderr.decode().rstrip("\n")
            assert msg.startswith("ovsdb-tool: "), msg
            out.append([line, False, msg[len("ovsdb-tool: "):]])
            continue
        sock = os.path.join(d, "sock")
        r = subprocess.run(["ovsdb-server", "--remote=punix:" + sock, "--pidfile=" + d + "/pid",
                            "--unixctl=" + d + "/ctl", "--log-file=" + d + "/log", "--detach", "x.db"],
                           cwd=d, capture_output=True)
        if r.returncode != 0:
            # ovsdb-tool accepts some schemas that ovsdb-server will not
            # serve (a database name starting with "_").
            out.append([line, True, None])
            continue
        try:
            name = json.loads(line)["name"]
            g = subprocess.run(["ovsdb-client", "get-schema", "unix:" + sock, name], capture_output=True, check=True)
            out.append([line, True, g.stdout.decode().rstrip("\n")])
        finally:
            subprocess.run(["kill", open(d + "/pid").read().strip()])
    finally:
        shutil.rmtree(d, ignore_errors=True)
for o in out:
    print(json.dumps(o, ensure_ascii=False))
