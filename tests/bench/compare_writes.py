#!/usr/bin/env python3
"""Benchmark (not a test): write throughput of two onevalue binaries, interleaved.

Single wrk passes vary by ±20 % on a shared 2-core VM, which hides a regression. This
starts one 3-node cluster per binary side by side (no data dir; idle clusters cost ~0.2 %
of a core per node), then alternates `wrk -t2 -c32` passes of GET /set/{n} and
PUT /v1/value against node 1 of each, so both binaries see the same machine, and prints
the median of PASSES passes of SECONDS each.

    python3 tests/bench/compare_writes.py OLD_BIN NEW_BIN [PASSES=5] [SECONDS=6]
"""

import statistics
import sys

from benchlib import Cluster, table, wait_synchronized  # puts tests/integration on the path
import cluster as cluster_module  # noqa: E402
from wrk import lua_scripts, remove_scripts, run_wrk


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binaries = {"A: " + sys.argv[1]: sys.argv[1], "B: " + sys.argv[2]: sys.argv[2]}
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    lua = lua_scripts()
    clusters = {}
    try:
        for i, (label, binary) in enumerate(binaries.items()):
            cluster_module.ONEVALUE_BIN = binary  # read when a node starts
            c = Cluster(3, first_ip=211 + 10 * i, http_port=29180, cluster_port=29146,
                        extra_args=['--onevalue.data-dir=""'])
            clusters[label] = c.__enter__()
            c.wait_formed()
            wait_synchronized(c)
        results = {(label, kind): [] for label in binaries for kind in ("set", "put")}
        for _ in range(passes):
            for label, c in clusters.items():
                n1 = c.nodes[0]
                for kind in ("set", "put"):
                    rps = run_wrk(f"http://{n1.ip}:{n1.http_port}/", seconds, 32, lua[kind])[0]
                    results[(label, kind)].append(rps)
        rows = [(label, "GET /set/{n}" if kind == "set" else "PUT /v1/value",
                 f"{statistics.median(v):.0f}", " ".join(f"{x:.0f}" for x in v))
                for (label, kind), v in results.items()]
        print(f"\n### Writes/s, medians of {passes} interleaved {seconds} s passes\n")
        print(table(["binary", "request", "median req/s", "passes"], rows))
    finally:
        for c in clusters.values():
            c.__exit__(None, None, None)
        remove_scripts(lua)


if __name__ == "__main__":
    main()
