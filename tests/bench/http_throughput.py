#!/usr/bin/env python3
"""Benchmark (not a test): HTTP throughput of one node of a 3-node cluster under
`wrk -t2 -c32 -d10s --latency` for GET /get, GET /v1/value, GET /set/{n} and
PUT /v1/value, with durability off (no data dir) and on (a data dir: each acknowledged
write fsync'd, concurrent writes share one fsync). wrk shares the 2 cores with the nodes.

    ONEVALUE_BIN=build-rel/onevalue python3 tests/bench/http_throughput.py [SECONDS=10] [CONNS=32]
"""

import shutil
import sys

from benchlib import Cluster, table, wait_synchronized
from wrk import lua_scripts, remove_scripts, run_wrk


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    lua = lua_scripts()
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
                rps, *rest = run_wrk(url, seconds, conns, script)
                rows.append((name, "on" if durable else "off", f"{rps:.0f}", *rest))
                print(rows[-1], file=sys.stderr, flush=True)
    remove_scripts(lua)
    print(f"\n### HTTP throughput (wrk -t2 -c{conns} -d{seconds}s, node 1 of 3)\n")
    print(table(["request", "durability", "req/s", "p50", "p99", "non-2xx", "socket errors"],
                rows))


if __name__ == "__main__":
    main()
