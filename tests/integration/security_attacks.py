"""Shared pieces of the security tests: a keyed cluster, the attack tool, and the check
that an attack changed nothing (value, member list, acknowledged writes, every node
alive, memory bounded)."""

import base64
import os
import re
import subprocess

from cluster import Cluster, ip, wait_until

ATTACK_TOOL = os.environ.get("ONEVALUE_ATTACK_TOOL") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "tests", "attack_tool")

LABEL = "security-test"

# A new key per test run, never one committed to the repository.
KEY = base64.b64encode(os.urandom(32)).decode()
WRONG_KEY = base64.b64encode(os.urandom(32)).decode()

TRAFFIC = re.compile(r"traffic: .* dropped=(\d+) replayed=(\d+) malformed=(\d+)")


def keyed_cluster(n=3, extra=()):
    """N nodes sealing with KEY under LABEL, logging traffic counters every second."""
    return Cluster(n, extra_args=[f"--onevalue.gossip-keys={KEY}",
                                  f"--onevalue.label={LABEL}",
                                  "--onevalue.max-members=64",
                                  "--onevalue.log-level=debug",
                                  "--onevalue.status-interval=1s"] + list(extra))


def attack(*args, key=None, label=LABEL, sender=None, repeat=1, flip=None):
    """Runs the attack tool; returns its output."""
    cmd = [ATTACK_TOOL]
    if key:
        cmd += ["--key", key]
    cmd += ["--label", label]
    if sender:
        cmd += ["--sender", sender]
    if repeat != 1:
        cmd += ["--repeat", str(repeat)]
    if flip is not None:
        cmd += ["--flip", str(flip)]
    out = subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                         timeout=30)
    if out.returncode != 0:
        raise AssertionError(f"attack tool failed: {out.stderr}")
    return out.stdout


def rss_kib(node):
    with open(f"/proc/{node.proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def counters(node):
    """The last (dropped, replayed, malformed) datagram counters in the node's log."""
    with open(node.log_path, errors="replace") as f:
        found = TRAFFIC.findall(f.read())
    return tuple(int(x) for x in found[-1]) if found else (0, 0, 0)


class Baseline:
    """What must survive every attack: the value (and its version) after acknowledged
    writes, the members and their incarnations, and memory within bounds."""

    def __init__(self, cluster):
        self.c = cluster
        self.acked = []
        # A node refuses writes (503) until its first push-pull; formed is not enough.
        wait_until(lambda: all(n.value().get("synchronized") for n in cluster.nodes), 20,
                   "every node to have synchronized")
        # Each write is on every node before the next one, on another node, is taken: in
        # eventual mode a write on a node that has not yet heard of the previous one
        # is concurrent with it, and last-writer-wins may order it first.
        for v in (11, 12, 13):
            status, _, body = cluster.nodes[v % 3].request("PUT", "/v1/value",
                                                            body=str(v))
            assert status == 200, body
            self.acked.append(v)
            cluster.wait_value(v)
        self.value = cluster.nodes[0].value()
        self.members = {n: (m["state"], m["incarnation"], m["address"])
                        for n, m in cluster.nodes[0].members().items()}
        self.rss = {node.name: rss_kib(node) for node in cluster.nodes}

    def check(self, test, what, settle=1.0):
        """Asserts that nothing changed, on every node, after `settle` seconds."""
        import time
        time.sleep(settle)  # let a wrongly accepted datagram spread first
        for node in self.c.nodes:
            node.alive()
            value = node.value()
            test.assertEqual((value["value"], value["version"]),
                             (self.value["value"], self.value["version"]),
                             f"{what}: value changed on {node.name}")
            members = {n: (m["state"], m["incarnation"], m["address"])
                       for n, m in node.members().items()}
            test.assertEqual(members, self.members, f"{what}: members changed on {node.name}")
            test.assertLess(rss_kib(node), self.rss[node.name] + 64 * 1024,
                            f"{what}: {node.name} grew by more than 64 MiB")
