"""A partition held longer than `reap-after` merges back after healing.

Five nodes in their own network namespaces (as test_partition_netns.py builds them),
with reap-after = 3 s. A 2/3 split is held until each side has forgotten the other
(reaped: no longer listed at all), writes are made on both sides, the split heals, and
the cluster must come back to one member list, all alive, and the acknowledged write of
greatest version on every node. With the other side forgotten, nothing but the seeds
can bring the sides together again: the nodes of a side that lost its seeds keep
pinging them (issue 16, item 4). Root only (skipped with the reason otherwise).
"""

import os
import shutil
import subprocess
import tempfile
import unittest

from checker import Checker
from cluster import wait_until
from test_no_lost_writes import wait_converged
from test_partition_netns import CLUSTER_PORT, HTTP_PORT, NsNode, TestNetwork

REAP_AFTER = "3s"


def run(*args):
    return subprocess.run(list(args), check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)


def split(net, side_a, side_b, add=True):
    """Cuts (or, add=False, heals) all traffic between the two sides' nodes."""
    for a in side_a:
        for b in side_b:
            for chain, flag in (("INPUT", "-s"), ("OUTPUT", "-d")):
                args = ["ip", "netns", "exec", net.namespaces[a], "iptables",
                        "-A" if add else "-D", chain, flag, net.ip_of(b), "-j", "DROP"]
                run(*args)


def listed(node):
    return set(node.members())


@unittest.skipUnless(hasattr(os, "geteuid") and os.geteuid() == 0,
                     "needs root: network namespaces and iptables")
class LongPartitionTest(unittest.TestCase):
    def test_split_held_past_reap_after_merges_back_after_healing(self):
        for tool in ("ip", "iptables"):
            self.assertIsNotNone(shutil.which(tool), f"{tool} is not installed")
        net = TestNetwork(5)
        workdir = tempfile.mkdtemp(prefix="onevalue-longpart-")
        nodes = []
        try:
            net.create()
            seed = f"{net.ip_of(0)}:{CLUSTER_PORT}"
            for i, ns in enumerate(net.namespaces):
                nodes.append(NsNode(ns, f"n{i + 1}", net.ip_of(i), HTTP_PORT, CLUSTER_PORT,
                                    workdir, [] if i == 0 else [seed],
                                    [f"--onevalue.reap-after={REAP_AFTER}"]))
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

            wait_until(one_list, 30, "the cluster to form")
            checker = Checker()
            self.assertIsNotNone(checker.write(nodes[0], 100))
            # The majority holds the seed n1; the minority's nodes seed only from n1.
            majority, minority = [0, 1, 2], [3, 4]
            split(net, majority, minority)
            side_names = ({nodes[i].name for i in majority}, {nodes[i].name for i in minority})
            wait_until(lambda: all(listed(nodes[i]) == side_names[0] for i in majority)
                       and all(listed(nodes[i]) == side_names[1] for i in minority),
                       40, "each side to reap the other (reap-after 3s)")
            for k in range(3):
                self.assertIsNotNone(checker.write(nodes[majority[k % 3]], 200 + k))
                self.assertIsNotNone(checker.write(nodes[minority[k % 2]], 300 + k))
            split(net, majority, minority, add=False)
            wait_until(one_list, 30, "one member list after healing")
            final = wait_converged(checker, nodes, timeout=20)
            best = checker.winner()
            self.assertTrue(all(r["value"] == best[1] for r in final.values()), final)
            checker.verify(self, final)
        except BaseException:
            for node in nodes:
                print(f"---- log of {node.name} ----\n{node.log_tail(25)}")
            raise
        finally:
            for node in nodes:
                node.kill()
            net.destroy()
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
