#!/usr/bin/env python3
"""Benchmark (not a test): HTTP throughput of one node of a 3-node cluster under
`wrk -t2 -c32 -d10s --latency` for GET /get, GET /v1/value, GET /set/{n} and
PUT /v1/value, with durability off (no data dir) and on (a data dir: each acknowledged
write fsync'd, concurrent writes share one fsync). wrk shares the 2 cores with the nodes.

    ONEVALUE_BIN=build-rel/onevalue python3 tests/bench/http_throughput.py [SECONDS=10] [CONNS=32]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from benchlib import Cluster, table, wait_synchronized

SET_LUA = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/set/" .. n)
end
"""

PUT_LUA = """
wrk.method = "PUT"
wrk.headers["Content-Type"] = "text/plain"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/value", nil, tostring(n))
end
"""


def run_wrk(url, seconds, conns, script=None):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         check=True).stdout.decode()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return (f"{rps:.0f}", pct.get("50", "?"), pct.get("99", "?"),
            int(errors.group(1)) if errors else 0, sock.group(1) if sock else "-")


def scripts():
    paths = {}
    for name, text in (("set", SET_LUA), ("put", PUT_LUA)):
        f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        f.write(text)
        f.close()
        paths[name] = f.name
    return paths


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    lua = scripts()
    rows = []
    for durable in (False, True):
        extra = [] if durable else ['--onevalue.data-dir=""']
        with Cluster(3, first_ip=211, http_port=29180, cluster_port=29146,
                     extra_args=extra) as c:
            c.wait_formed()
            wait_synchronized(c)
            n1 = c.nodes[0]
            base = f"http://{n1.ip}:{n1.http_port}"
            cases = [("GET /set/{n}", base + "/", lua["set"]),
                     ("PUT /v1/value", base + "/", lua["put"])]
            if not durable:
                cases = [("GET /get", base + "/get", None),
                         ("GET /v1/value", base + "/v1/value", None)] + cases
            for name, url, script in cases:
                r = run_wrk(url, seconds, conns, script)
                rows.append((name, "on" if durable else "off") + r)
                print(rows[-1], file=sys.stderr, flush=True)
    for p in lua.values():
        os.unlink(p)
    print(f"\n### HTTP throughput (wrk -t2 -c{conns} -d{seconds}s, node 1 of 3)\n")
    print(table(["request", "durability", "req/s", "p50", "p99", "non-2xx", "socket errors"],
                rows))


if __name__ == "__main__":
    main()
