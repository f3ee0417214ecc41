#!/usr/bin/env python3
"""Benchmark (not a test): issue 15's two durable targets, onevalue's linearizable mode
against etcd 3.4, interleaved in one run (A/B).

Both clusters run at once on loopback: onevalue with 3 voters and data dirs (writes
through n1), etcd with 3 members (writes through its raft leader, etcd's best case: a
follower forwards each put to the leader). Each round runs wrk against one, then the
other (the order alternates from round to round, so a drift of the host's speed favours
neither; an even ROUNDS gives each side the first slot equally often), with 1 client
(PUT latency) and with 32 clients (PUT throughput), SECONDS each, after the disks have
settled from the other side's writes. The idle cluster only sends its heartbeats
meanwhile (0.01-0.02 s of CPU per onevalue node in 5 s; etcd's writes/s the same with
onevalue's cluster up or not, measured). The end prints every round, the medians, and
the ratio of the 32-client throughputs per round (the figure the target is about: at
least 5x etcd's writes/s) and the 1-client p50s (target: lower than etcd's). A pass
with a non-2xx answer or a socket error stops the run.

consensus_bench.py measures each cluster once, one after the other, for the whole
table; this one measures only the two targets, many times, side by side, because one
pass of a few seconds moves with the host's disk (a stall during one side's pass and not
the other's changes a single ratio by 20 %).

    python3 tests/bench/consensus_vs_etcd.py [ROUNDS=6] [SECONDS=5]

Needs wrk and etcd-server. Uses ONEVALUE_TEST_NET (default 127.0.0) for its addresses,
like the tests; ONEVALUE_BIN picks the binary.
"""

import os
import sys

from benchlib import median, settle_disks  # puts tests/integration on the path
from consensus_bench import (ETCD_LUA, HTTP_PORT, QUIET, linearizable_args, script,
                             started_cluster, started_etcd, wrk)
from wrk import PUT_LUA, run_wrk, to_ms

VOTERS = [QUIET] + linearizable_args(3)


def one_side(name, url, lua, seconds, results):
    """One client, then 32, against `url`, once the disks are quiet (the other side's
    writeback would slow this side's fsyncs); appends (p50 ms, writes/s) to
    `results`."""
    settle_disks()
    _, p50, _, errors_1 = wrk(url, seconds, 1, lua)
    rps, _, p99, errors_32 = wrk(url, seconds, 32, lua)
    if errors_1 or errors_32:
        sys.exit(f"{name}: non-2xx answers ({errors_1}, {errors_32}): not a valid run")
    results.append((to_ms(p50), rps))
    print(f"  {name:9s} 1 client p50 {p50:>8s}   32 clients {rps:8.0f} writes/s"
          f" (p99 {p99})", flush=True)


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if rounds < 1 or seconds < 1:
        sys.exit(__doc__)
    put_lua, etcd_lua = script(PUT_LUA), script(ETCD_LUA)
    ours, theirs = [], []
    try:
        with started_etcd() as etcd_addr, started_cluster(3, VOTERS) as (_, n1):
            sides = [("onevalue", f"http://{n1.ip}:{HTTP_PORT}/", put_lua, ours),
                     ("etcd", f"http://{etcd_addr}:2379/", etcd_lua, theirs)]
            for name, url, lua, _ in sides:  # warm both up (connections, page cache)
                run_wrk(url, 1, 32, lua)
            for r in range(rounds):
                print(f"round {r + 1}", flush=True)
                for name, url, lua, results in (sides if r % 2 == 0 else sides[::-1]):
                    one_side(name, url, lua, seconds, results)
    finally:
        os.unlink(put_lua)
        os.unlink(etcd_lua)
    report(ours, theirs)


def report(ours, theirs):
    rounds = len(ours)
    ratios = [o[1] / e[1] for o, e in zip(ours, theirs)]
    print("\n| round | onevalue p50 (1 client) | etcd p50 | onevalue writes/s "
          "(32 clients) | etcd writes/s | ratio |\n|---|---|---|---|---|---|")
    for r, (o, e, ratio) in enumerate(zip(ours, theirs, ratios)):
        print(f"| {r + 1} | {o[0]:.2f} ms | {e[0]:.2f} ms | {o[1]:,.0f} | {e[1]:,.0f} "
              f"| {ratio:.1f}x |")
    print(f"| median | {median([o[0] for o in ours]):.2f} ms "
          f"| {median([e[0] for e in theirs]):.2f} ms "
          f"| {median([o[1] for o in ours]):,.0f} | {median([e[1] for e in theirs]):,.0f} "
          f"| {median(ratios):.1f}x |")
    print(f"\n32 clients: onevalue at or above 5x etcd in {sum(x >= 5 for x in ratios)} "
          f"of {rounds} rounds (lowest {min(ratios):.1f}x); 1 client: onevalue's p50 "
          f"lower in {sum(o[0] < e[0] for o, e in zip(ours, theirs))} of {rounds}")


if __name__ == "__main__":
    main()
