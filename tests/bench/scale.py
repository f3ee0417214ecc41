#!/usr/bin/env python3
"""Benchmark (not a test): growth with cluster size, real nodes on 127.0.0.1..N.

For each N (default 5,10,20,50), at the lan profile: time to form (every node lists every
member alive, including process start), dissemination latency of WRITES writes (blocking
reads on every node, as in dissemination.py), datagrams and bytes sent per node per second
at steady state, TCP bytes sent per node per second on the cluster port from synchronization
to the end of the window (push-pull exchanges and BASP heartbeats; `ss -tinp`) with the
open links per node, median RSS; for the largest N also kill -9 of one node until every other
node lists it failed.

    ONEVALUE_BIN=build-rel/onevalue python3 tests/bench/scale.py [SIZES=5,10,20,50] [WRITES=50]
"""

import sys
import time

from benchlib import (Cluster, TcpMeter, median, percentile, rss_kb, settle, table,
                      wait_synchronized, wait_until)
from dissemination import measure
from failure_detection import steady_rates


def run(n, writes, detect):
    extra = ["--onevalue.profile=lan", "--onevalue.status-interval=1s",
             # The traffic line every second is a debug line (the info log is quiet).
             "--onevalue.log-level=debug",
             '--onevalue.data-dir=""']
    start = time.monotonic()
    with Cluster(n, first_ip=1, http_port=18880, cluster_port=18846,
                 extra_args=extra) as c:
        c.wait_formed(timeout=300)
        formed = time.monotonic() - start
        wait_synchronized(c, timeout=120)
        tcp = TcpMeter(c)
        _, slowest = measure(c, writes)
        settle(8)
        msgs, octets = steady_rates(c.nodes, 6)
        tcp_rate, tcp_links = tcp.medians()
        rss = median([rss_kb(x.proc.pid) for x in c.nodes]) / 1024
        detected = "-"
        if detect:
            victim = c.nodes[-1]
            killed = time.monotonic()
            victim.kill()
            others = c.nodes[:-1]
            wait_until(lambda: all(o.state_of(victim.name) == "failed" for o in others),
                       300, "kill -9 seen everywhere", interval=0.05)
            detected = f"{time.monotonic() - killed:.2f}"
    return (n, f"{formed:.1f}", f"{percentile(slowest, 50):.2f}",
            f"{percentile(slowest, 99):.2f}", f"{msgs:.1f}", f"{octets:.0f}",
            f"{tcp_rate:.0f} ({tcp_links:.0f})",
            f"{rss:.1f}", detected)


def main():
    sizes = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "5,10,20,50").split(",")]
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    rows = []
    for n in sizes:
        rows.append(run(n, writes, n == max(sizes)))
        print(rows[-1], file=sys.stderr, flush=True)
    print(f"\n### Scale (lan profile, {writes} writes per size)\n")
    print(table(["nodes", "form (s, incl. start)", "write → all nodes p50 (ms)",
                 "write → all nodes p99 (ms)", "datagrams/s per node",
                 "UDP bytes/s per node", "TCP bytes/s per node (open links)",
                 "RSS per node (MB)", "kill -9 → all see failed (s)"], rows))


if __name__ == "__main__":
    main()
