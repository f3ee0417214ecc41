"""Linearizable mode under faults (issue 15): 5 nodes in network namespaces made by the
test (n1..n3 voters, n4 and n5 proposers only), concurrent clients on every node doing
consistent reads, writes, compare-and-sets and adds while a seeded nemesis cuts off a
minority voter, splits the cluster into a majority and a minority, kills a voter with
SIGKILL and restarts it, stops a node with SIGSTOP/SIGCONT and drops 10 % of the cluster
datagrams (iptables statistic match). Every history must check linearizable with
tests/lincheck; the report counts ok/fail/unknown/refused per operation.

Deterministic schedule: ONEVALUE_NEMESIS_SEED (default 1) drives the faults and every
client's choices. Bounded: about 2 minutes by default; ONEVALUE_NEMESIS_LONG=1 runs ten
times as many fault rounds (opt-in, not for CI). Needs root (ip netns, iptables).
"""

import http.client
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lincheck"))

from lincheck import History, check  # noqa: E402
from cluster import wait_until  # noqa: E402
from test_partition_netns import NsNode, TestNetwork, run  # noqa: E402

CLUSTER_PORT = 7946
HTTP_PORT = 8080
NODES = 5
VOTERS = ["n1", "n2", "n3"]
CLIENTS_PER_NODE = 2
SEED = int(os.environ.get("ONEVALUE_NEMESIS_SEED", "1"))
ROUNDS = 10 * (10 if os.environ.get("ONEVALUE_NEMESIS_LONG") == "1" else 1)
INITIAL = 42


class FaultNetwork(TestNetwork):
    """TestNetwork plus the nemesis's rules, all inside the test's own namespaces."""

    def drop_between(self, group_a, group_b):
        for a in group_a:
            for b in group_b:
                for i, j in ((a, b), (b, a)):
                    ns = self.namespaces[i]
                    run("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-s",
                        self.ip_of(j), "-j", "DROP")
                    run("ip", "netns", "exec", ns, "iptables", "-A", "OUTPUT", "-d",
                        self.ip_of(j), "-j", "DROP")

    def lose(self, probability):
        for ns in self.namespaces:
            run("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-p", "udp",
                "--dport", str(CLUSTER_PORT), "-m", "statistic", "--mode", "random",
                "--probability", str(probability), "-j", "DROP")

    def heal_all(self):
        for ns in self.namespaces:
            run("ip", "netns", "exec", ns, "iptables", "-F", "INPUT", check=False)
            run("ip", "netns", "exec", ns, "iptables", "-F", "OUTPUT", check=False)


class Client(threading.Thread):
    """One client bound to one node: a seeded mix of the four operations, recorded."""

    def __init__(self, number, node, history, stop, seed):
        super().__init__(daemon=True)
        self.number = number
        self.node = node
        self.history = history
        self.stop = stop
        self.rng = random.Random(seed)
        self.last_version = {"counter": 0, "node": ""}
        self.sequence = 0

    def request(self, method, path, body, headers):
        conn = http.client.HTTPConnection(self.node.ip, HTTP_PORT, timeout=4)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()

    def one(self, kind):
        self.sequence += 1
        headers = {"Content-Type": "application/json"}
        if kind == "read":
            op = self.history.invoke(self.number, self.node.name, "read")
            call = ("GET", "/v1/value?consistent", None)
        elif kind == "write":
            value = self.number * 1_000_000 + self.sequence
            op = self.history.invoke(self.number, self.node.name, "write", value=value)
            call = ("PUT", "/v1/value", json.dumps({"value": value}))
        elif kind == "cas":
            value = self.number * 1_000_000 + self.sequence
            expected = dict(self.last_version)
            op = self.history.invoke(self.number, self.node.name, "cas", value=value,
                                     expected=expected)
            headers["If-Match"] = f'"{expected["counter"]}-{expected["node"]}"'
            call = ("PUT", "/v1/value", json.dumps({"value": value}))
        else:
            delta = self.rng.randint(1, 5)
            op = self.history.invoke(self.number, self.node.name, "add", delta=delta)
            call = ("POST", "/v1/value/add", json.dumps({"delta": delta}))
        try:
            status, body = self.request(call[0], call[1], call[2], headers)
        except ConnectionRefusedError:
            self.history.complete(op, "refused")  # never reached the node
            return
        except (OSError, http.client.HTTPException):
            self.history.complete(op, "unknown")  # it may have left before the cut
            return
        if status in (200, 409, 412):
            state = json.loads(body)
            response = {"value": state["value"], "version": state["version"]}
            self.last_version = state["version"]
            self.history.complete(op, "ok" if status == 200 else "fail", response)
        elif status in (503, 400):
            self.history.complete(op, "refused")
        else:
            self.history.complete(op, "unknown")  # 504 and anything unexpected

    def run(self):
        kinds = ["read"] * 3 + ["write"] * 2 + ["cas"] * 2 + ["add"] * 3
        while not self.stop.is_set():
            self.one(self.rng.choice(kinds))
            time.sleep(self.rng.uniform(0.01, 0.04))


class Nemesis:
    """Seeded faults, one at a time, each healed before the next."""

    def __init__(self, net, nodes, rng, log):
        self.net, self.nodes, self.rng, self.log = net, nodes, rng, log

    def round(self):
        fault = self.rng.choice(["minority_voter", "split", "kill_voter", "pause", "loss"])
        hold = self.rng.uniform(2.0, 5.0)
        if fault == "minority_voter":
            victim = self.rng.randrange(len(VOTERS))
            others = [i for i in range(NODES) if i != victim]
            self.log(f"cut off voter n{victim + 1} for {hold:.1f}s")
            self.net.drop_between([victim], others)
            time.sleep(hold)
            self.net.heal_all()
        elif fault == "split":
            # A majority of voters on one side, a minority on the other; the proposers
            # land on either side.
            voters = list(range(len(VOTERS)))
            self.rng.shuffle(voters)
            minority = [voters[0]] + [p for p in (3, 4) if self.rng.random() < 0.5]
            majority = [i for i in range(NODES) if i not in minority]
            self.log(f"split {[f'n{i + 1}' for i in majority]} | "
                     f"{[f'n{i + 1}' for i in minority]} for {hold:.1f}s")
            self.net.drop_between(majority, minority)
            time.sleep(hold)
            self.net.heal_all()
        elif fault == "kill_voter":
            victim = self.nodes[self.rng.randrange(len(VOTERS))]
            self.log(f"kill -9 {victim.name}, restart after {hold:.1f}s")
            victim.kill()
            time.sleep(hold)
            victim.start()
        elif fault == "pause":
            victim = self.nodes[self.rng.randrange(NODES)]
            self.log(f"SIGSTOP {victim.name} for {hold:.1f}s")
            victim.signal(19)
            time.sleep(hold)
            victim.signal(18)
        else:
            self.log(f"10 % datagram loss for {hold:.1f}s")
            self.net.lose(0.1)
            time.sleep(hold)
            self.net.heal_all()
        time.sleep(self.rng.uniform(0.5, 1.5))


class LinearizableNemesisTest(unittest.TestCase):
    def test_every_history_under_faults_is_linearizable(self):
        self.assertEqual(os.geteuid(), 0, "this test needs root for ip netns")
        for tool in ("ip", "iptables"):
            self.assertIsNotNone(shutil.which(tool), f"{tool} is not installed")
        rng = random.Random(SEED)
        net = FaultNetwork(NODES)
        # Unique per process, distinct from test_partition_netns's names.
        net.prefix = f"ovl-{os.getpid() % 100000}-"
        net.bridge = net.prefix + "br"
        net.namespaces = [net.prefix + f"ns{i + 1}" for i in range(NODES)]
        net.forward_rule = ["FORWARD", "-i", net.bridge, "-o", net.bridge, "-j", "ACCEPT"]
        net.subnet = f"10.253.{os.getpid() % 250}"
        workdir = tempfile.mkdtemp(prefix="onevalue-nemesis-")
        nodes, clients = [], []
        stop = threading.Event()
        events = []

        def log(text):
            events.append(f"{time.monotonic():.1f} {text}")
        try:
            net.create()
            seed = f"{net.ip_of(0)}:{CLUSTER_PORT}"
            voters = "[" + ", ".join(f'"{v}"' for v in VOTERS) + "]"
            for i, ns in enumerate(net.namespaces):
                nodes.append(NsNode(ns, f"n{i + 1}", net.ip_of(i), HTTP_PORT, CLUSTER_PORT,
                                    workdir, [] if i == 0 else [seed],
                                    ("--onevalue.consistency=linearizable",
                                     f"--onevalue.voters={voters}",
                                     "--onevalue.log-level=warning")))
            for node in nodes:
                node.start()

            def committed_everywhere():
                for node in nodes:
                    status, _, _ = node.request("GET", "/v1/value?consistent")
                    if status != 200:
                        return False
                return True
            wait_until(committed_everywhere, 60, "consistent reads on every node")
            history = History(initial_value=INITIAL)
            for i, node in enumerate(nodes):
                for k in range(CLIENTS_PER_NODE):
                    number = i * CLIENTS_PER_NODE + k
                    clients.append(Client(number, node, history, stop, SEED * 1000 + number))
            for c in clients:
                c.start()
            nemesis = Nemesis(net, nodes, rng, log)
            time.sleep(1.0)
            for _ in range(ROUNDS):
                nemesis.round()
            net.heal_all()
            # Quiet time after the last fault: operations must succeed again.
            time.sleep(2.0)
            stop.set()
            for c in clients:
                c.join(10)
            wait_until(committed_everywhere, 30, "consistent reads after healing")
            for node in nodes:  # a final read through each node, in the history too
                c = Client(len(clients), node, history, threading.Event(), 0)
                c.one("read")
            report = check(history)
            print("nemesis schedule (seed %d):\n  %s" % (SEED, "\n  ".join(events)))
            print("operations by type and outcome:", json.dumps(report.get("counts"),
                                                                 sort_keys=True))
            self.assertEqual(report["verdict"], "linearizable", report.get("explanation"))
            counts = report.get("counts", {})
            for kind in ("read", "write", "cas", "add"):
                self.assertGreater(counts.get(kind, {}).get("ok", 0), 0,
                                   f"no {kind} succeeded: {counts}")
        except BaseException:
            stop.set()
            print("nemesis schedule so far:\n  " + "\n  ".join(events))
            for node in nodes:
                print(f"---- log of {node.name} ----\n{node.log_tail(40)}")
            raise
        finally:
            stop.set()
            for node in nodes:
                try:
                    node.signal(18)
                except (OSError, AttributeError):
                    pass
                node.kill()
            net.destroy()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
