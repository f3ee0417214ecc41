#!/usr/bin/env python3
"""Write throughput and latency of onevalue with durability on and off, one node and a
three-node cluster, and the fsync rounds (saves) per write under concurrency.

A benchmark, not a test. Runs wrk (PUT /v1/value from a lua script) against node n1 of
a cluster started with tests/integration/cluster.py; durability off means no data dir
(`--onevalue.data-dir=""` on the command line). Saves per write come from the store's
exit log line "N writes acknowledged in M saves" (each save is one fdatasync of a state
slot file rewritten in place; before session 23, a temporary file's fsync, a rename and a
directory fsync).

    python3 tests/bench/write_throughput.py [seconds per run, default 5]
"""

import re
import shutil
import sys

from benchlib import Cluster, table
from wrk import lua_scripts, remove_scripts, run_wrk


def saves_of(node):
    """SIGTERMs `node` and returns (writes acknowledged, saves) from its log."""
    node.stop()
    with open(node.log_path, errors="replace") as f:
        m = re.findall(r"(\d+) writes acknowledged in (\d+) saves", f.read())
    return (int(m[-1][0]), int(m[-1][1])) if m else (None, None)


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed")
    lua = lua_scripts()
    runs = [  # (nodes, durable, connections)
        (1, False, 32), (1, True, 1), (1, True, 32), (1, True, 128),
        (3, False, 32), (3, True, 32),
    ]
    rows = []
    for nodes, durable, conns in runs:
        # wrk is one source address: without this, connections past the per-client
        # limit (64 by default) would be measured as 503s.
        extra = ["--onevalue.max-connections-per-client=0"]
        if not durable:
            extra.append('--onevalue.data-dir=""')
        with Cluster(nodes, first_ip=201, http_port=29080, cluster_port=28946,
                     extra_args=extra) as c:
            if nodes > 1:
                c.wait_formed()
            n1 = c.nodes[0]
            rps, p50, p99, errors, _ = run_wrk(f"http://{n1.ip}:{n1.http_port}/",
                                               seconds, conns, lua["put"])
            writes, saves = saves_of(n1) if durable else (None, None)
        per_write = f"{saves / writes:.3f}" if writes else "-"
        rows.append((nodes, "on" if durable else "off", conns, f"{rps:.0f}", p50, p99,
                     errors, per_write))
        print(rows[-1], flush=True)
    remove_scripts(lua)
    print()
    print(table(["nodes", "durability", "connections", "writes/s", "p50", "p99", "non-2xx",
                 "saves/write"], rows))


if __name__ == "__main__":
    main()
