"""A node cut off the network heals back into one cluster with one value.

The test builds its own network (root only): one network namespace per node, each with
a veth pair whose other end sits on a bridge in the root namespace, all named
`ovt-<pid>-...` so that nothing else is touched. It cuts one node off with iptables
rules inside that node's namespace (cluster port only, so the test can still reach its
HTTP API), waits until both sides see each other failed, writes on both sides, heals,
and waits for one member list and one value. Everything it created is removed in
`finally`, whatever happens.
"""

import os
import shutil
import subprocess
import unittest

import tempfile

from checker import Checker
from cluster import Node, wait_until
from test_no_lost_writes import wait_converged

CLUSTER_PORT = 7946
HTTP_PORT = 8080


def run(*args, check=True):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)


class NsNode(Node):
    """A onevalue process inside network namespace `netns`."""

    def __init__(self, netns, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.netns = netns

    def args(self):
        # `ip netns exec` execs the node, so the PID is the node's own.
        return ["ip", "netns", "exec", self.netns] + super().args()


class TestNetwork:
    """Namespaces, veth pairs and a bridge unique to this process."""

    def __init__(self, count):
        pid = os.getpid()
        self.prefix = f"ovt-{pid % 100000}-"
        self.subnet = f"10.254.{pid % 250}"
        self.bridge = self.prefix + "br"
        self.namespaces = [self.prefix + f"ns{i + 1}" for i in range(count)]
        self.forward_rule = ["FORWARD", "-i", self.bridge, "-o", self.bridge, "-j", "ACCEPT"]
        self.forward_added = False

    def ip_of(self, i):
        return f"{self.subnet}.{i + 1}"

    def create(self):
        run("ip", "link", "add", self.bridge, "type", "bridge")
        run("ip", "addr", "add", f"{self.subnet}.254/24", "dev", self.bridge)
        run("ip", "link", "set", self.bridge, "up")
        # Docker's FORWARD policy may drop bridged frames when br_netfilter is loaded.
        if shutil.which("iptables"):
            self.forward_added = run("iptables", "-I", *self.forward_rule,
                                     check=False).returncode == 0
        for i, ns in enumerate(self.namespaces):
            host_end, ns_end = self.prefix + f"h{i + 1}", self.prefix + f"n{i + 1}"
            run("ip", "netns", "add", ns)
            run("ip", "link", "add", host_end, "type", "veth", "peer", "name", ns_end)
            run("ip", "link", "set", ns_end, "netns", ns)
            run("ip", "link", "set", host_end, "master", self.bridge)
            run("ip", "link", "set", host_end, "up")
            run("ip", "netns", "exec", ns, "ip", "addr", "add", f"{self.ip_of(i)}/24",
                "dev", ns_end)
            run("ip", "netns", "exec", ns, "ip", "link", "set", ns_end, "up")
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")

    def cut_rules(self):
        port = str(CLUSTER_PORT)
        rules = []
        for chain in ("INPUT", "OUTPUT"):
            for proto in ("udp", "tcp"):
                for direction in ("--dport", "--sport"):
                    rules.append([chain, "-p", proto, direction, port, "-j", "DROP"])
        return rules

    def cut(self, i):
        for rule in self.cut_rules():
            run("ip", "netns", "exec", self.namespaces[i], "iptables", "-A", *rule)

    def heal(self, i):
        for rule in self.cut_rules():
            run("ip", "netns", "exec", self.namespaces[i], "iptables", "-D", *rule,
                check=False)

    def destroy(self):
        # Deleting a namespace frees its veth ends asynchronously; delete ours now.
        for i in range(len(self.namespaces)):
            run("ip", "link", "del", self.prefix + f"h{i + 1}", check=False)
        for ns in self.namespaces:
            run("ip", "netns", "del", ns, check=False)
        run("ip", "link", "del", self.bridge, check=False)
        if self.forward_added:
            run("iptables", "-D", *self.forward_rule, check=False)


class PartitionNetnsTest(unittest.TestCase):
    def test_cut_off_node_is_failed_then_heals_to_one_list_and_one_value(self):
        self.assertEqual(os.geteuid(), 0, "this test needs root for ip netns")
        for tool in ("ip", "iptables"):
            self.assertIsNotNone(shutil.which(tool), f"{tool} is not installed")
        net = TestNetwork(3)
        workdir = tempfile.mkdtemp(prefix="onevalue-netns-")
        nodes = []
        try:
            net.create()
            seed = f"{net.ip_of(0)}:{CLUSTER_PORT}"
            for i, ns in enumerate(net.namespaces):
                nodes.append(NsNode(ns, f"n{i + 1}", net.ip_of(i), HTTP_PORT, CLUSTER_PORT,
                                    workdir, [] if i == 0 else [seed]))
            for node in nodes:
                node.start()
            names = {n.name for n in nodes}

            def one_list():
                for node in nodes:
                    members = node.members()
                    if set(members) != names or any(m["state"] != "alive"
                                                    for m in members.values()):
                        return False
                return True

            wait_until(one_list, 30, "the cluster to form across namespaces")
            victim, others = nodes[2], nodes[:2]
            net.cut(2)
            wait_until(lambda: all(n.state_of(victim.name) == "failed" for n in others),
                       30, "the others to see the cut-off node failed")
            wait_until(lambda: all(victim.state_of(n.name) == "failed" for n in others),
                       30, "the cut-off node to see the others failed")
            # Writes on both sides of the cut, every one acknowledged and recorded.
            checker = Checker()
            for i in range(5):
                self.assertIsNotNone(checker.write(others[i % 2], 1000 + i))
                self.assertIsNotNone(checker.write(victim, 2000 + i))
                for node in nodes:
                    checker.read(node)
            wait_until(lambda: others[1].value()["value"] == others[0].value()["value"], 10,
                       "the writes to reach the connected side")
            net.heal(2)
            wait_until(one_list, 60, "one member list after healing")
            # The acknowledged write with the greatest version wins everywhere, whichever
            # side took it, and no read anywhere went backwards.
            final = wait_converged(checker, nodes)
            best = checker.winner()
            self.assertTrue(all(r["value"] == best[1] for r in final.values()), final)
            checker.verify(self, final)
        except BaseException:
            for node in nodes:
                print(f"---- log of {node.name} ----\n{node.log_tail(40)}")
            raise
        finally:
            for node in nodes:
                node.kill()
            net.destroy()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
