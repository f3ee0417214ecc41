"""Benchmark (not a test): how fast a 3-node cluster forms, spreads a set and detects a
kill -9, for each profile. Prints medians over RUNS runs (default 5).

    ONEVALUE_BIN=build/onevalue python3 tests/bench/cluster_timings.py [RUNS]
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cluster import Cluster, wait_until  # noqa: E402


def one_run(profile):
    extra = [f"--onevalue.profile={profile}"]
    start = time.monotonic()
    with Cluster(3, first_ip=41, http_port=18480, cluster_port=18446, extra_args=extra) as c:
        c.wait_formed(timeout=60)
        formed = time.monotonic() - start
        # Dissemination: write on n1, poll n2 and n3 in a tight loop.
        c.nodes[0].request("GET", "/set/123")
        acked = time.monotonic()
        wait_until(lambda: all(n.value()["value"] == 123 for n in c.nodes[1:]), 10,
                   "the write on n2 and n3", interval=0.001)
        spread = time.monotonic() - acked
        c.nodes[2].kill()
        killed = time.monotonic()
        c.wait_state_among(c.nodes[:2], "n3", {"failed"}, timeout=120)
        detected = time.monotonic() - killed
    return formed, spread, detected


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    print("| profile | form 3 nodes (s, incl. process start) | set -> all nodes (ms) | kill -9 -> failed everywhere (s) |")
    print("|---|---|---|---|")
    for profile in ("local", "lan"):
        results = [one_run(profile) for _ in range(runs)]
        formed, spread, detected = (statistics.median(x) for x in zip(*results))
        print(f"| {profile} | {formed:.2f} | {spread * 1000:.1f} | {detected:.2f} |", flush=True)


if __name__ == "__main__":
    main()
