"""Starts real onevalue processes on loopback addresses (127.0.0.x) for tests.

Every process is started by the test and stopped by its PID. Waits poll a condition
with a deadline; nothing sleeps a fixed time to synchronize.
"""

import http.client
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

# The first three octets of the loopback addresses the tests use (127.0.0 by default).
# Test runs that share a machine (several checkouts at once) set ONEVALUE_TEST_NET to
# e.g. 127.3.0 so their nodes never meet.
NET = os.environ.get("ONEVALUE_TEST_NET", "127.0.0")


def ip(host):
    """The loopback address `host` (1..254) of this test run's /24."""
    return f"{NET}.{host}"


ONEVALUE_BIN = os.environ.get("ONEVALUE_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "onevalue")


def wait_until(condition, timeout, what, interval=0.02):
    """Polls `condition` until it returns a truthy value; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
            if last:
                return last
        except (OSError, http.client.HTTPException, ValueError) as err:
            last = err
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Node:
    """One onevalue process on its own loopback address."""

    def __init__(self, name, ip, http_port, cluster_port, workdir, seeds, extra_args=()):
        self.name = name
        self.ip = ip
        self.http_port = http_port
        self.cluster_port = cluster_port
        self.seeds = seeds
        self.extra_args = list(extra_args)
        self.data_dir = os.path.join(workdir, name, "data")
        self.log_path = os.path.join(workdir, name + ".log")
        self.proc = None
        os.makedirs(self.data_dir, exist_ok=True)

    def args(self):
        seeds = ",".join(f'"{s}"' for s in self.seeds)
        return [ONEVALUE_BIN,
                f"--onevalue.name={self.name}",
                f"--onevalue.bind={self.ip}",
                f"--onevalue.advertise={self.ip}",
                f"--onevalue.http-port={self.http_port}",
                f"--onevalue.cluster-port={self.cluster_port}",
                f"--onevalue.seeds=[{seeds}]",
                f"--onevalue.data-dir={self.data_dir}",
                "--onevalue.profile=local",
                "--onevalue.status-interval=0s",
                ] + self.extra_args

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.args(), stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        log.close()
        # `?live`: the process serves HTTP. Plain /health (ready: takes writes) would
        # never answer 200 on a node whose seeds are down, which some tests start.
        wait_until(lambda: self.alive() and self.request("GET", "/health?live")[0] == 200,
                   15, f"{self.name} to serve /health?live")
        return self

    def alive(self):
        if self.proc is None or self.proc.poll() is not None:
            raise AssertionError(f"{self.name} exited: {self.log_tail()}")
        return True

    def signal(self, sig):
        self.proc.send_signal(sig)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self, timeout=5):
        """SIGTERM and wait; returns (exit code, seconds it took)."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            rc = None
        return rc, time.monotonic() - start

    def request(self, method, path, body=None, headers=None, timeout=5):
        conn = http.client.HTTPConnection(self.ip, self.http_port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read().decode()
        finally:
            conn.close()

    def health(self, probe=""):
        """(HTTP status, parsed body) of /health (`probe`: "", "?live" or "?ready")."""
        status, _, body = self.request("GET", "/health" + probe)
        return status, json.loads(body)

    def get_json(self, path):
        status, _, body = self.request("GET", path)
        if status != 200:
            raise ValueError(f"{path} -> {status} {body}")
        return json.loads(body)

    def value(self):
        return self.get_json("/v1/value")

    def members(self):
        return {m["name"]: m for m in self.get_json("/v1/members")}

    def state_of(self, name):
        m = self.members().get(name)
        return m["state"] if m else None

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"


class Cluster:
    """N nodes on NET.{first}.. with the same ports; node i>0 seeds from node 0."""

    def __init__(self, n, first_ip=1, http_port=18080, cluster_port=17946, extra_args=()):
        self.workdir = tempfile.mkdtemp(prefix="onevalue-it-")
        seed = f"{ip(first_ip)}:{cluster_port}"
        self.nodes = []
        for i in range(n):
            seeds = [] if i == 0 else [seed]
            self.nodes.append(Node(f"n{i + 1}", ip(first_ip + i), http_port, cluster_port, self.workdir,
                                   seeds, extra_args))

    def __enter__(self):
        try:
            for node in self.nodes:
                node.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        for node in self.nodes:
            node.kill()
        if exc_type is not None:
            for node in self.nodes:
                print(f"---- log of {node.name} ----\n{node.log_tail(60)}")
        shutil.rmtree(self.workdir, ignore_errors=True)
        return False

    def running(self):
        return [n for n in self.nodes if n.proc and n.proc.poll() is None]

    def wait_formed(self, timeout=20):
        names = {n.name for n in self.nodes}

        def formed():
            for node in self.running():
                members = node.members()
                if set(members) != names or any(m["state"] != "alive" for m in members.values()):
                    return False
            return True
        wait_until(formed, timeout, "every node to list every member alive")

    def wait_state(self, name, states, timeout=20):
        self.wait_state_among(self.running(), name, states, timeout)

    def wait_state_among(self, nodes, name, states, timeout=20):
        def seen():
            return all(node.state_of(name) in states for node in nodes if node.name != name)
        wait_until(seen, timeout, f"{name} to be {states} on {[n.name for n in nodes]}")

    def wait_value(self, value, timeout=10):
        wait_until(lambda: all(n.value()["value"] == value for n in self.running()),
                   timeout, f"value {value} on every node")
