#!/usr/bin/env python3
"""Benchmark (not a test): how the linearizable mode spends a round, 3 voters on loopback.

For each client count, a fresh 3-voter cluster (with data dirs unless `memory`), wrk
PUT /v1/value through n1 for SECONDS, then: writes/s and latency, the machine's busy
share (/proc/stat) and each node's CPU in cores. From n1's /metrics (scraped before and
after wrk): its committed rounds and the operations per round
(onevalue_consensus_batch_operations), the mean commit time of its rounds
(onevalue_consensus_commit_duration_seconds: first accept to a majority) and the mean
time between rounds: a round's share of the run (its operations over wrk's writes/s)
less the commit (answering the batch, and gathering the clients' next operations). Two
client counts give the cost of a round and of an operation by a straight line through
(ops per round, CPU per round).

    python3 tests/bench/consensus_rounds.py [CLIENTS=32,64] [SECONDS=8] [durable|memory]

Needs wrk. Uses ONEVALUE_TEST_NET (default 127.0.0) for its addresses, like the tests.
"""

import sys
import time

from benchlib import cpu_seconds, table
from consensus_bench import HTTP_PORT, linearizable_args, script, started_cluster
from metrics_scrape import samples, scrape
from wrk import PUT_LUA, run_wrk

VOTERS = linearizable_args(3)


def machine_times():
    """(all jiffies, idle + iowait jiffies) from /proc/stat."""
    with open("/proc/stat") as f:
        fields = list(map(int, f.readline().split()[1:]))
    return sum(fields), fields[3] + fields[4]


def commit_totals(node):
    """(rounds committed, seconds they took, operations they answered) from the node's
    /metrics."""
    found = samples(scrape(node)[1])
    return (found[("onevalue_consensus_commit_duration_seconds_count", "")],
            found[("onevalue_consensus_commit_duration_seconds_sum", "")],
            found[("onevalue_consensus_batch_operations_sum", "")])


def measure(clients, seconds, durable, lua):
    extra = list(VOTERS)
    if not durable:
        extra.append('--onevalue.data-dir=""')
    with started_cluster(3, extra) as (c, n1):
        pids = [n.proc.pid for n in c.nodes]
        cpu0 = [cpu_seconds(p) for p in pids]
        all0, idle0 = machine_times()
        commits0 = commit_totals(n1)
        start = time.monotonic()
        rps, p50, p99, errors, _ = run_wrk(f"http://{n1.ip}:{HTTP_PORT}/", seconds,
                                           clients, lua)
        elapsed = time.monotonic() - start
        all1, idle1 = machine_times()
        commits1 = commit_totals(n1)
        n1_rounds = commits1[0] - commits0[0]
        commit_ms = (commits1[1] - commits0[1]) / n1_rounds * 1000 if n1_rounds else 0.0
        n1_ops_per_round = (commits1[2] - commits0[2]) / n1_rounds if n1_rounds else 0.0
        between_ms = n1_ops_per_round / rps * 1000 - commit_ms if rps else 0.0
        cores = [(cpu_seconds(p) - b) / elapsed for p, b in zip(pids, cpu0)]
        busy = 1 - (idle1 - idle0) / (all1 - all0)
        return {"clients": clients, "rps": rps, "p50": p50, "p99": p99, "errors": errors,
                "per_round": n1_ops_per_round, "busy": busy, "cores": cores,
                "rounds_per_s": n1_rounds / elapsed, "commit_ms": commit_ms,
                "between_ms": between_ms}


def main():
    counts = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "32,64").split(",")]
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    durable = (sys.argv[3] if len(sys.argv) > 3 else "durable") != "memory"
    lua = script(PUT_LUA)
    rows, results = [], []
    for clients in counts:
        r = measure(clients, seconds, durable, lua)
        results.append(r)
        rows.append((r["clients"], f"{r['rps']:.0f}", r["p50"], r["p99"], r["errors"],
                     f"{r['per_round']:.1f}", f"{r['commit_ms']:.2f}",
                     f"{r['between_ms']:.2f}", f"{r['busy'] * 100:.0f} %",
                     ", ".join(f"{x:.2f}" for x in r["cores"])))
    print(table(["clients", "writes/s", "p50", "p99", "non-2xx", "ops per round",
                 "commit ms", "between rounds ms", "machine busy", "node CPU (cores)"],
                rows))
    if len(results) >= 2:
        # CPU per round = fixed + per_op * ops_per_round, through the first and last.
        a, b = results[0], results[-1]
        cpu_a = sum(a["cores"]) / a["rounds_per_s"]
        cpu_b = sum(b["cores"]) / b["rounds_per_s"]
        if b["per_round"] != a["per_round"]:
            per_op = (cpu_b - cpu_a) / (b["per_round"] - a["per_round"])
            fixed = cpu_a - per_op * a["per_round"]
            print(f"\nCPU of the three nodes per round: {fixed * 1000:.2f} ms + "
                  f"{per_op * 1e6:.1f} us per operation")


if __name__ == "__main__":
    main()
