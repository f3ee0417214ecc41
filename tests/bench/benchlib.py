"""Helpers shared by the benchmarks in tests/bench (benchmarks, not tests).

Starts clusters through tests/integration/cluster.py, reads per-process figures from /proc,
and prints Markdown tables.
"""

import os
import re
import statistics
import subprocess
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


def settle_disks(quiet_for=0.5, timeout=60):
    """Flushes dirty pages and waits until no block device has a request in flight for
    `quiet_for` seconds (or `timeout` passes): deleting a large data dir (etcd's WAL
    files, on a file system mounted with `discard`) or its writeback otherwise keeps the
    disk busy into the next measurement, whose fsyncs then wait behind it."""
    os.sync()
    devices = [os.path.join("/sys/block", d, "inflight") for d in os.listdir("/sys/block")]
    deadline = time.monotonic() + timeout
    quiet_since = None
    while time.monotonic() < deadline:
        busy = False
        for path in devices:
            try:
                with open(path) as f:
                    busy = busy or any(int(x) for x in f.read().split())
            except OSError:
                pass
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet_for:
            return True
        time.sleep(0.02)
    return False


def cluster_tcp_sent(cluster_port):
    """Bytes sent so far on every TCP connection of the cluster port (push-pull links over
    CAF's BASP, with their heartbeats), by owning process: {pid: {connection: bytes}}.
    Read from `ss -tinp`; HTTP connections (the benchmark's own requests) are left out."""
    out = subprocess.run(["ss", "-tinpH"], capture_output=True, text=True,
                         check=True).stdout
    result = {}
    for block in re.split(r"\n(?=\S)", out):
        fields = block.split()
        pid = re.search(r"pid=(\d+)", block)
        if len(fields) < 5 or not pid:
            continue
        local, peer = fields[3], fields[4]  # State, Recv-Q, Send-Q, Local, Peer
        if not (local.endswith(f":{cluster_port}") or peer.endswith(f":{cluster_port}")):
            continue
        sent = re.search(r"bytes_sent:(\d+)", block)
        result.setdefault(int(pid.group(1)), {})[f"{local}-{peer}"] = \
            int(sent.group(1)) if sent else 0
    return result


class TcpMeter:
    """TCP bytes each node of `cluster` sends on its cluster port, from the meter's
    creation to `per_node()`. A link opened in between counts from zero."""

    def __init__(self, cluster):
        self.port = cluster.nodes[0].cluster_port
        self.pids = [x.proc.pid for x in cluster.nodes]
        self.start = cluster_tcp_sent(self.port)
        self.started_at = time.monotonic()

    def per_node(self):
        """[(bytes sent per second, open links at the end)] per node."""
        seconds = time.monotonic() - self.started_at
        end = cluster_tcp_sent(self.port)
        rates = []
        for pid in self.pids:
            links = end.get(pid, {})
            sent = sum(v - self.start.get(pid, {}).get(k, 0) for k, v in links.items())
            rates.append((sent / seconds, len(links)))
        return rates

    def medians(self):
        """(median bytes/s, median open links) over the nodes."""
        rates = self.per_node()
        return median([r for r, _ in rates]), median([k for _, k in rates])
