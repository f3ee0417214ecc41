#!/usr/bin/env python3
"""Benchmark (not a test): footprint of idle nodes.

- RSS (VmRSS) and thread count of one idle node, and of each node of an idle 3-node cluster;
- CPU (utime+stime from /proc/PID/stat) per node of an idle N-node cluster (default 10) at
  the lan profile over SECONDS (default 30), in % of one core;
- datagrams/s and bytes/s sent per node at steady state, from the `traffic:` line each node
  logs every status-interval (1 s here; a debug line, so the nodes run at log-level debug);
- TCP bytes/s sent per node on the cluster port over the same window (push-pull exchanges
  and the BASP heartbeats of every open link, from `ss -tinp`), and the open links.

    ONEVALUE_BIN=build-rel/onevalue python3 tests/bench/footprint.py [N=10] [SECONDS=30]
"""

import sys
import time

from benchlib import (Cluster, TcpMeter, cpu_seconds, median, rss_kb, settle, table,
                      threads, wait_synchronized)
from failure_detection import steady_rates


def idle_cluster(n, seconds, profile="lan"):
    extra = [f"--onevalue.profile={profile}", "--onevalue.status-interval=1s",
             # The traffic line every second is a debug line (the info log is quiet).
             "--onevalue.log-level=debug",
             '--onevalue.data-dir=""']
    with Cluster(n, first_ip=151, http_port=18780, cluster_port=18746,
                 extra_args=extra) as c:
        c.wait_formed(timeout=120)
        wait_synchronized(c)
        settle(3)
        pids = [x.proc.pid for x in c.nodes]
        t0 = time.monotonic()
        cpu0 = [cpu_seconds(p) for p in pids]
        tcp = TcpMeter(c)
        settle(seconds)
        span = time.monotonic() - t0
        cpu = [(cpu_seconds(p) - c0) / span * 100 for p, c0 in zip(pids, cpu0)]
        tcp_rate, tcp_links = tcp.medians()
        rss = [rss_kb(p) for p in pids]
        thr = [threads(p) for p in pids]
        msgs, octets = steady_rates(c.nodes, seconds - 2)
    return cpu, rss, thr, msgs, octets, tcp_rate, tcp_links


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    rows = []
    with Cluster(1, first_ip=149, http_port=18780, cluster_port=18746,
                 extra_args=['--onevalue.data-dir=""']) as c:
        settle(2)
        pid = c.nodes[0].proc.pid
        rows.append(("1 node, idle", f"{rss_kb(pid) / 1024:.1f}", threads(pid), "-", "-", "-",
                     "-"))
    cpu, rss, thr, msgs, octets, tcp_rate, tcp_links = idle_cluster(n, seconds)
    rows.append((f"{n} nodes, lan, idle {seconds} s (median per node)",
                 f"{median(rss) / 1024:.1f}", median(thr),
                 f"{median(cpu):.2f} (max {max(cpu):.2f})", f"{msgs:.1f}", f"{octets:.0f}",
                 f"{tcp_rate:.0f} ({tcp_links:.0f})"))
    print("\n### Footprint\n")
    print(table(["setup", "RSS (MB)", "threads", "CPU % of a core", "datagrams/s",
                 "UDP bytes/s sent", "TCP bytes/s sent (open links)"], rows))


if __name__ == "__main__":
    main()
