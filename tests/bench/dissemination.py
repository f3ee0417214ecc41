#!/usr/bin/env python3
"""Benchmark (not a test): dissemination latency of real nodes on loopback.

For each write, every node except the writer holds a blocking read
`GET /v1/value?index=I&wait=10s` (I = the index before the write) on a kept-alive
connection; the write is a `PUT /v1/value` on n1. Every node stamps the moment it
published a value (`X-Onevalue-Applied-At`, CLOCK_MONOTONIC microseconds, comparable
between processes on one host), so a node's latency is its stamp minus the writer's,
free of this script's own scheduling delays (negative when a member applied the pushed
value before the writer's reply path did, counted as 0). "all" is the slowest node of
each write. Prints p50/p99 over WRITES writes per cluster size and profile.

    ONEVALUE_BIN=build-rel/onevalue python3 tests/bench/dissemination.py \
        [WRITES=200] [SIZES=3,5,10,20] [PROFILES=local,lan]
"""

import http.client
import sys
import threading

from benchlib import Cluster, percentile, table, wait_synchronized, settle, rss_kb


class Watcher(threading.Thread):
    """Holds one blocking read per round on one node; records when it returned."""

    def __init__(self, node):
        super().__init__(daemon=True)
        self.node = node
        self.conn = None
        self.index = 0
        self.go = threading.Event()
        self.done = threading.Event()
        self.returned_at = None
        self.stop = False

    def request(self, path):
        for _ in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.node.ip, self.node.http_port,
                                                           timeout=15)
                self.conn.request("GET", path)
                resp = self.conn.getresponse()
                body = resp.read()
                return resp, body
            except (OSError, http.client.HTTPException):
                self.conn = None
        raise RuntimeError(f"{self.node.name}: {path} failed")

    def run(self):
        while True:
            self.go.wait()
            self.go.clear()
            if self.stop:
                return
            resp, _ = self.request(f"/v1/value?index={self.index}&wait=10s")
            self.applied_us = int(resp.getheader("X-Onevalue-Applied-At"))
            self.new_index = int(resp.getheader("X-Onevalue-Index"))
            self.done.set()


def measure(cluster, writes):
    writer = cluster.nodes[0]
    watchers = [Watcher(n) for n in cluster.nodes[1:]]
    for w in watchers:
        w.start()
    conn = [None]

    def call(method, path, body=None):
        # The server closes idle keep-alive connections eventually: reconnect once.
        for attempt in range(2):
            try:
                if conn[0] is None:
                    conn[0] = http.client.HTTPConnection(writer.ip, writer.http_port,
                                                         timeout=10)
                conn[0].request(method, path, body=body)
                resp = conn[0].getresponse()
                resp.read()
                return resp
            except (OSError, http.client.HTTPException):
                conn[0] = None
                if attempt:
                    raise
    per_node, slowest = [], []
    for i in range(writes):
        resp = call("GET", "/v1/value")
        index = int(resp.getheader("X-Onevalue-Index"))
        for w in watchers:
            w.index = index
            w.done.clear()
            w.go.set()
        settle(0.01)  # let every blocking read reach its node before the write
        resp = call("PUT", "/v1/value", body=str(1000 + i))
        if resp.status != 200:
            raise RuntimeError(f"write failed: {resp.status}")
        written = int(resp.getheader("X-Onevalue-Index"))
        resp = call("GET", "/v1/value")
        if int(resp.getheader("X-Onevalue-Index")) != written:
            raise RuntimeError("another write came in between")
        acked_us = int(resp.getheader("X-Onevalue-Applied-At"))
        lat = []
        for w in watchers:
            if not w.done.wait(15):
                raise RuntimeError(f"{w.node.name} never returned")
            if w.new_index != written:
                raise RuntimeError(f"{w.node.name} answered index {w.new_index}, "
                                   f"expected {written}")
            lat.append(max(0.0, (w.applied_us - acked_us) / 1000))
            if lat[-1] > 1000:
                print(f"write {i}: {w.node.name} answered after {lat[-1]:.0f} ms with index "
                      f"{w.new_index} (waited for > {index})", file=sys.stderr, flush=True)
        per_node += lat
        slowest.append(max(lat))
    for w in watchers:
        w.stop = True
        w.go.set()
    return per_node, slowest


def run(n, profile, writes, first_ip=101):
    extra = [f"--onevalue.profile={profile}", '--onevalue.data-dir=""']
    with Cluster(n, first_ip=first_ip, http_port=18680, cluster_port=18646,
                 extra_args=extra) as c:
        c.wait_formed(timeout=120)
        wait_synchronized(c)
        per_node, slowest = measure(c, writes)
        rss = max(rss_kb(x.proc.pid) for x in c.nodes)
    return per_node, slowest, rss


def main():
    writes = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    sizes = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "3,5,10,20").split(",")]
    profiles = (sys.argv[3] if len(sys.argv) > 3 else "local,lan").split(",")
    rows = []
    for profile in profiles:
        for n in sizes:
            per_node, slowest, _ = run(n, profile, writes)
            rows.append((n, profile, writes,
                         f"{percentile(per_node, 50):.2f}", f"{percentile(per_node, 99):.2f}",
                         f"{percentile(slowest, 50):.2f}", f"{percentile(slowest, 99):.2f}",
                         f"{max(slowest):.2f}"))
            print(rows[-1], file=sys.stderr, flush=True)
    print("\n### Dissemination latency (ms after the write's acknowledgement)\n")
    print(table(["nodes", "profile", "writes", "one node p50", "one node p99",
                 "all nodes p50", "all nodes p99", "all nodes max"], rows))


if __name__ == "__main__":
    main()
