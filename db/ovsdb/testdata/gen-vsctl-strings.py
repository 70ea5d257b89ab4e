#!/usr/bin/env python3
"""Regenerates vsctl-strings.jsonl: how real ovs-vsctl (OVS 3.1) parses and
prints values in its text syntax. Needs ovsdb-tool, ovsdb-server, ovs-vsctl.
Each output line is [table, column, input, ok, output] where output is the
error message (without "ovs-vsctl: ") or what `ovs-vsctl get` prints."""
import json, os, shutil, subprocess, sys, tempfile

CASES = [l.rstrip("\n") for l in open(os.path.join(os.path.dirname(__file__), "vsctl-strings.in"))]

def main():
    d = tempfile.mkdtemp(prefix="ovsdb-oracle-")
    db, sock = os.path.join(d, "conf.db"), os.path.join(d, "sock")
    subprocess.run(["ovsdb-tool", "create", db, sys.argv[1]], check=True)
    subprocess.run(["ovsdb-server", "--remote=punix:" + sock, "--pidfile=" + d + "/pid",
                    "--unixctl=" + d + "/ctl", "--log-file=" + d + "/log", "--detach", db], check=True)
    v = ["ovs-vsctl", "--db=unix:" + sock, "--no-wait"]
    try:
        subprocess.run(v + ["init", "--", "add-br", "br0"], check=True)
        recs = {"Bridge": "br0", "Port": "br0", "Interface": "br0", "Open_vSwitch": "."}
        out = []
        for line in CASES:
            if not line or line.startswith("#"):
                continue
            table, column, value = line.split("\t", 2)
            r = subprocess.run(v + ["set", table, recs[table], column + "=" + value], capture_output=True)
            if r.returncode == 0:
                g = subprocess.run(v + ["get", table, recs[table], column], capture_output=True, check=True)
                res = [table, column, value, True, g.stdout.decode("utf-8", "surrogateescape").rstrip("\n")]
            else:
                msg = r.stderr.decode("utf-8", "surrogateescape").rstrip("\n")
                assert msg.startswith("ovs-vsctl: "), msg
                res = [table, column, value, False, msg[len("ovs-vsctl: "):]]
            out.append(json.dumps(res, ensure_ascii=False))
        print("\n".join(out))
    finally:
        subprocess.run(["kill", open(d + "/pid").read().strip()])
        shutil.rmtree(d, ignore_errors=True)

main()
