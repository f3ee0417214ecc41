"""The soak's clients: a writer and a reader per node, recording into the checker.

A write is acknowledged only by 200; 412 (If-Match lost) and other 4xx mean it was not
applied; any 5xx, timeout or connection error leaves its outcome unknown (a node may
have applied a write it could not confirm), which the checker allows but never counts
as acknowledged. Every value written is unique, so the checker can tell them apart.
"""

import collections
import http.client
import itertools
import json
import random
import threading
import time


def error_text(body):
    """The `error` of a JSON error body, cut short (digits masked, so that the
    counts group by kind of error), or the body's start."""
    try:
        text = str(json.loads(body).get("error", body))
    except (ValueError, AttributeError):
        text = body
    return "".join("N" if c.isdigit() else c for c in text[:60])


class SoakClients:
    """Client threads over `nodes` (objects with .name, .ip, .http_port)."""

    def __init__(self, checker, nodes, seed, if_match_share=0.25, pause=0.02, timeout=3.0):
        self.checker = checker
        self.nodes = nodes
        self.rng_seed = seed
        self.if_match_share = if_match_share
        self.pause = pause
        self.timeout = timeout
        self.stop_event = threading.Event()
        self.threads = []
        self.values = itertools.count(1_000_000)
        self.lock = threading.Lock()
        self.etags = {}  # node name -> last ETag seen there
        self.counts = collections.Counter()

    def count(self, key):
        with self.lock:
            self.counts[key] += 1

    def request(self, node, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(node.ip, node.http_port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.getheader("ETag"), resp.read().decode()
        finally:
            conn.close()

    def write_once(self, node, rng):
        with self.lock:
            value = next(self.values)
            etag = self.etags.get(node.name)
        headers = {}
        if etag and rng.random() < self.if_match_share:
            headers["If-Match"] = etag
        kind = "if-match write" if headers else "write"
        try:
            status, new_etag, body = self.request(node, "PUT", "/v1/value", str(value), headers)
        except (OSError, http.client.HTTPException):
            self.checker.record_unknown(node.name, value)
            self.count(f"{kind}: no answer")
            return
        if status == 200:
            reply = json.loads(body)
            self.checker.record_write(node.name, reply["value"], reply["version"])
            with self.lock:
                self.etags[node.name] = new_etag
        elif status >= 500:
            self.checker.record_unknown(node.name, value)
            self.count(f"{kind}: {status} {error_text(body)}")
            return
        self.count(f"{kind}: {status}")

    def read_once(self, node):
        start = time.monotonic()
        try:
            status, etag, body = self.request(node, "GET", "/v1/value")
        except (OSError, http.client.HTTPException):
            self.count("read: no answer")
            return
        end = time.monotonic()
        self.count(f"read: {status}")
        if status != 200:
            return
        reply = json.loads(body)
        self.checker.record_read(node.name, start, end, reply["value"], reply["version"])
        with self.lock:
            self.etags[node.name] = etag

    def writer(self, index, node):
        rng = random.Random(self.rng_seed * 1000 + index)
        while not self.stop_event.is_set():
            self.write_once(node, rng)
            self.stop_event.wait(self.pause)

    def reader(self, node):
        while not self.stop_event.is_set():
            self.read_once(node)
            self.stop_event.wait(self.pause)

    def start(self):
        for i, node in enumerate(self.nodes):
            self.threads.append(threading.Thread(target=self.writer, args=(i, node), daemon=True))
            self.threads.append(threading.Thread(target=self.reader, args=(node,), daemon=True))
        for t in self.threads:
            t.start()

    def stop(self):
        """Stops every client and waits for its request in flight to end."""
        self.stop_event.set()
        for t in self.threads:
            t.join()
