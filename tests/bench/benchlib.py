"""Helpers shared by the benchmarks in tests/bench (benchmarks, not tests).

Starts clusters through tests/integration/cluster.py, reads per-process figures from /proc,
and prints Markdown tables.
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cluster import Cluster, wait_until  # noqa: E402,F401

CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_kb(pid):
    """VmRSS of a process in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def threads(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid):
    """utime + stime of a process in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def wait_synchronized(cluster, timeout=60):
    wait_until(lambda: all(n.value().get("synchronized") for n in cluster.running()),
               timeout, "every node synchronized")


def percentile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = min(len(s) - 1, max(0, int(round(p / 100.0 * (len(s) - 1)))))
    return s[k]


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def median(values):
    return statistics.median(values) if values else float("nan")


def settle(seconds):
    """A benchmark waits for load to settle; never used to synchronize tests."""
    time.sleep(seconds)
