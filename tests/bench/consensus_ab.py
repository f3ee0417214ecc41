#!/usr/bin/env python3
"""Benchmark (not a test): linearizable write throughput of two or more onevalue
binaries, interleaved in one run (A/B), on 3 voters with data dirs on loopback.

Each round starts a fresh 3-voter cluster per binary (the order alternates from round
to round) and runs wrk with 1, 8 and 32 clients, PUT /v1/value through n1, SECONDS each;
the end prints the median writes/s per binary and client count, with every round's.

    python3 tests/bench/consensus_ab.py NAMES BINARIES [ROUNDS=3] [SECONDS=4]
    python3 tests/bench/consensus_ab.py before,after old/onevalue,build/onevalue 3 4

Needs wrk. Uses ONEVALUE_TEST_NET (default 127.0.0) for its addresses, like the tests.
"""

import sys

import benchlib  # noqa: F401 (puts tests/integration on the path)
import cluster as cluster_module  # noqa: E402 (found through benchlib's path)
from consensus_bench import HTTP_PORT, QUIET, linearizable_args, script, started_cluster
from wrk import PUT_LUA, run_wrk

CLIENTS = (1, 8, 32)
VOTERS = [QUIET] + linearizable_args(3)


def one_cluster(binary, seconds, lua, results):
    """Runs every client count against a fresh cluster of `binary`."""
    cluster_module.ONEVALUE_BIN = binary
    with started_cluster(3, VOTERS) as (_, n1):
        for conns in CLIENTS:
            rps, p50, p99, errors, _ = run_wrk(f"http://{n1.ip}:{HTTP_PORT}/", seconds,
                                               conns, lua)
            results.setdefault(conns, []).append(rps)
            print(f"  {conns:2d} clients: {rps:8.0f} writes/s  p50 {p50}  p99 {p99}"
                  f"  non-2xx {errors}", flush=True)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    names = sys.argv[1].split(",")
    binaries = sys.argv[2].split(",")
    if len(names) != len(binaries):
        sys.exit("as many names as binaries, please")
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    lua = script(PUT_LUA)
    results = {name: {} for name in names}
    for r in range(rounds):
        order = list(zip(names, binaries))
        if r % 2:
            order.reverse()
        for name, binary in order:
            print(f"round {r + 1}: {name}", flush=True)
            one_cluster(binary, seconds, lua, results[name])
    print("\n| binary | clients | median writes/s | every round |\n|---|---|---|---|")
    for conns in CLIENTS:
        for name in names:
            runs = results[name][conns]
            median = sorted(runs)[len(runs) // 2]
            print(f"| {name} | {conns} | {median:.0f} | "
                  f"{', '.join(f'{x:.0f}' for x in runs)} |")


if __name__ == "__main__":
    main()
