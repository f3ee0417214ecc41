#!/usr/bin/env python3
"""Benchmark (not a test): plain HTTP reads and writes of two onevalue binaries,
interleaved, to show that a change did not make plain HTTP slower. One single-node
cluster per binary side by side (no data dir); alternating `wrk -t2 -cCONNS --latency`
passes of GET /get and PUT /v1/value against each. Prints per binary and request the
median req/s, p99 and the node's CPU time per request (user + system, from /proc: on a
shared machine this moves far less than req/s, which follows whatever else runs) over
PASSES passes of SECONDS each.

    python3 tests/bench/compare_http.py OLD_BIN NEW_BIN [PASSES=5] [SECONDS=5] [CONNS=32]
"""

import statistics
import sys

from benchlib import Cluster, cpu_seconds, table
import cluster as cluster_module  # noqa: E402  (benchlib put tests/integration on the path)
from wrk import lua_scripts, remove_scripts, run_wrk_detailed


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binaries = {"A: " + sys.argv[1]: sys.argv[1], "B: " + sys.argv[2]: sys.argv[2]}
    passes = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    conns = int(sys.argv[5]) if len(sys.argv) > 5 else 32
    lua = lua_scripts()
    clusters = {}
    try:
        for i, (label, binary) in enumerate(binaries.items()):
            cluster_module.ONEVALUE_BIN = binary  # read when a node starts
            c = Cluster(1, first_ip=221 + i, http_port=29280, cluster_port=29246,
                        extra_args=['--onevalue.data-dir=""'])
            clusters[label] = c.__enter__()
            c.wait_formed()
        results = {}
        for _ in range(passes):
            for label, c in clusters.items():
                n1 = c.nodes[0]
                base = f"http://{n1.ip}:{n1.http_port}"
                for name, url, script in (("GET /get", base + "/get", None),
                                          ("PUT /v1/value", base + "/", lua["put"])):
                    cpu_before = cpu_seconds(n1.proc.pid)
                    r = run_wrk_detailed(url, seconds, conns, script)
                    r["cpu_us"] = (cpu_seconds(n1.proc.pid) - cpu_before) * 1e6 / r["requests"]
                    if r["non2xx"]:
                        sys.exit(f"{label} {name}: {r['non2xx']} non-2xx responses")
                    results.setdefault((name, label), []).append(r)
                    print(name, label, r, file=sys.stderr, flush=True)
        rows = [(name, label, f"{statistics.median(r['rps'] for r in v):.0f}",
                 f"{statistics.median(r['p99'] for r in v):.2f} ms",
                 f"{statistics.median(r['cpu_us'] for r in v):.1f} µs",
                 " ".join(f"{r['rps']:.0f}" for r in v))
                for (name, label), v in sorted(results.items())]
        print(f"\n### Plain HTTP, medians of {passes} interleaved {seconds} s passes "
              f"(wrk -t2 -c{conns}, keep-alive)\n")
        print(table(["request", "binary", "req/s", "p99", "node CPU per request",
                     "passes (req/s)"], rows))
    finally:
        for c in clusters.values():
            c.__exit__(None, None, None)
        remove_scripts(lua)


if __name__ == "__main__":
    main()
