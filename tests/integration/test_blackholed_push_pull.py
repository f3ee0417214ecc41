"""A member whose cluster TCP port accepts nothing while its UDP works (issue 10: a
blackholed push-pull peer). iptables drops the SYNs to that one member's cluster port
(root only; a rule on an address of this test run and nothing else), so every push-pull
to it hangs in connect until the connector's 5 s deadline instead of being refused.
The member stays alive (it answers probes), so the others keep choosing it for
push-pulls. Checked while that goes on: the hung connects are logged as failed
push-pulls, no member is ever suspected, a write reaches every node (the blackholed one
too, by UDP) within a second, every node answers HTTP within a second, push-pulls keep
being started, and a node that joins meanwhile synchronizes (its push-pull is served)."""

import os
import re
import shutil
import subprocess
import time
import unittest

from cluster import Cluster, Node, ip, wait_until

CLUSTER_PORT = 18446
HTTP_PORT = 18580
FIRST_HOST = 51
TRAFFIC_PUSH_PULLS = re.compile(r"traffic: .* push_pulls=(\d+)")


def log_text(node):
    with open(node.log_path, errors="replace") as f:
        return f.read()


def push_pulls_started(node):
    found = TRAFFIC_PUSH_PULLS.findall(log_text(node))
    return int(found[-1]) if found else 0


def failed_push_pulls_to(victim, nodes):
    """Push-pulls to `victim` that the others logged as failed (connect deadline)."""
    pattern = re.compile(re.escape(f"push-pull with {victim.ip}:{victim.cluster_port} "
                                   "failed: ")
                         + r".*connect (deadline passed|timed out)")
    return sum(len(pattern.findall(log_text(n))) for n in nodes)


class BlackholedPushPullPeer(unittest.TestCase):
    def assert_responsive(self, node, limit=1.0):
        start = time.monotonic()
        status, _, _ = node.request("GET", "/health", timeout=limit)
        self.assertEqual(status, 200, node.name)
        self.assertLess(time.monotonic() - start, limit, node.name)

    def assert_nobody_suspected(self, nodes):
        for node in nodes:
            states = {name: m["state"] for name, m in node.members().items()}
            self.assertTrue(all(s == "alive" for s in states.values()),
                            f"{node.name} sees {states}")

    def test_tcp_blackholed_member_stalls_neither_gossip_nor_other_push_pulls(self):
        self.assertEqual(os.geteuid(), 0, "this test needs root for iptables")
        iptables = shutil.which("iptables")
        self.assertIsNotNone(iptables, "iptables is not installed")
        extra = ["--onevalue.push-pull-interval=1s", "--onevalue.log-level=debug",
                 "--onevalue.status-interval=1s"]
        with Cluster(4, first_ip=FIRST_HOST, http_port=HTTP_PORT,
                     cluster_port=CLUSTER_PORT, extra_args=extra) as c:
            c.wait_formed()
            victim, others = c.nodes[3], c.nodes[:3]
            rule = ["INPUT", "-d", victim.ip, "-p", "tcp", "--dport",
                    str(victim.cluster_port), "--syn", "-j", "DROP"]
            subprocess.run([iptables, "-I"] + rule, check=True)
            try:
                # The rule holds: a connect to the victim's cluster port hangs.
                probe = subprocess.run(["timeout", "2", "bash", "-c",
                                        f"exec 3<>/dev/tcp/{victim.ip}/{victim.cluster_port}"])
                self.assertEqual(probe.returncode, 124, "the SYN was not dropped")
                start = time.monotonic()
                started_before = {n.name: push_pulls_started(n) for n in others}
                value = 300
                worst = 0.0
                # At least 15 s (three connect deadlines) and until the others have
                # logged at least three failed push-pulls to the victim.
                while (time.monotonic() - start < 15
                       or failed_push_pulls_to(victim, others) < 3):
                    self.assertLess(time.monotonic() - start, 60,
                                    "no push-pull to the victim failed within 60 s")
                    value += 1
                    writer = others[value % 3]
                    t0 = time.monotonic()
                    status, _, body = writer.request("PUT", "/v1/value", body=str(value))
                    self.assertEqual(status, 200, body)
                    wait_until(lambda: all(n.value()["value"] == value for n in c.nodes),
                               1.0, f"write {value} to reach every node by UDP")
                    worst = max(worst, time.monotonic() - t0)
                    for node in c.nodes:
                        self.assert_responsive(node)
                    self.assert_nobody_suspected(c.nodes)
                    time.sleep(0.2)  # pace the writes; the checks above wait on conditions
                print(f"\nwrites spread within {worst * 1000:.0f} ms (worst) while "
                      f"{failed_push_pulls_to(victim, others)} push-pulls to the victim "
                      f"hung until their deadline")
                # Push-pulls went on being started on every other node meanwhile
                # (one at a time per node, each waiting at most the connect deadline).
                for node in others:
                    self.assertGreaterEqual(push_pulls_started(node),
                                            started_before[node.name] + 2, node.name)
                # A node joining now synchronizes: its push-pull with n1 is served
                # while n1's own push-pulls to the victim hang.
                late = Node("n5", ip(FIRST_HOST + 4), HTTP_PORT, CLUSTER_PORT, c.workdir,
                            [f"{others[0].ip}:{CLUSTER_PORT}"], extra)
                c.nodes.append(late)
                late.start()
                wait_until(lambda: late.health()[0] == 200, 10,
                           "the late node to synchronize and take writes")
                self.assertEqual(late.value()["value"], value)
            finally:
                subprocess.run([iptables, "-D"] + rule, check=False)
            c.wait_formed(timeout=30)


if __name__ == "__main__":
    unittest.main()
