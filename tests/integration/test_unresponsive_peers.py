"""A frozen (SIGSTOP) or blackholed peer must not stall the other nodes.

The blackhole test drops every packet to and from one loopback address with iptables
(root only, on an address this test uses and nothing else), so connects to it hang
instead of being refused: the case that would block CAF's middleman for minutes.
"""

import os
import shutil
import signal
import subprocess
import time
import unittest

from cluster import Cluster, wait_until


def assert_responsive(testcase, node, limit=1.0):
    start = time.monotonic()
    status, _, _ = node.request("GET", "/health", timeout=limit)
    testcase.assertEqual(status, 200)
    testcase.assertLess(time.monotonic() - start, limit)


class UnresponsivePeerTest(unittest.TestCase):
    def test_frozen_peer_does_not_stall_the_others(self):
        with Cluster(4, first_ip=21, http_port=18280, cluster_port=18146) as c:
            c.wait_formed()
            frozen = c.nodes[2]
            frozen.signal(signal.SIGSTOP)
            try:
                for i in range(5):
                    for node in (c.nodes[0], c.nodes[1], c.nodes[3]):
                        assert_responsive(self, node)
                    self.assertEqual(c.nodes[0].request("GET", f"/set/{100 + i}")[0], 200)
                    wait_until(lambda: all(n.value()["value"] == 100 + i
                                           for n in (c.nodes[1], c.nodes[3])),
                               5, "a write to reach the live nodes")
                c.wait_state(frozen.name, {"failed"}, timeout=30)
            finally:
                frozen.signal(signal.SIGCONT)
            c.wait_formed(timeout=30)
            c.wait_value(104)

    def test_blackholed_peer_does_not_stall_the_others(self):
        self.assertEqual(os.geteuid(), 0, "this test needs root for iptables")
        iptables = shutil.which("iptables")
        self.assertIsNotNone(iptables, "iptables is not installed")
        with Cluster(4, first_ip=31, http_port=18380, cluster_port=18246) as c:
            c.wait_formed()
            victim = c.nodes[3]
            rules = [["INPUT", "-s", victim.ip, "-j", "DROP"],
                     ["INPUT", "-d", victim.ip, "-j", "DROP"]]
            for rule in rules:
                subprocess.run([iptables, "-I"] + rule, check=True)
            try:
                c.wait_state_among(c.nodes[:3], victim.name, {"failed"}, timeout=30)
                for i in range(5):
                    for node in c.nodes[:3]:
                        assert_responsive(self, node)
                    self.assertEqual(c.nodes[1].request("GET", f"/set/{200 + i}")[0], 200)
                    wait_until(lambda: all(n.value()["value"] == 200 + i for n in c.nodes[:3]),
                               5, "a write to reach the reachable nodes")
            finally:
                for rule in rules:
                    subprocess.run([iptables, "-D"] + rule, check=False)
            c.wait_formed(timeout=60)
            c.wait_value(204, timeout=30)


if __name__ == "__main__":
    unittest.main()
