"""All five nodes killed at once (kill -9) and restarted come back to one member list
and the greatest acknowledged value (issue 16, item 4): once all restarted together,
once with the seed n1 coming back last, after the others had given up on each other.
"""

import signal
import threading
import unittest

from checker import Checker, version_key
from cluster import Cluster, wait_until
from test_no_lost_writes import run_clients, wait_converged, wait_synchronized

HTTP_PORT = 28580
CLUSTER_PORT = 28446
FIRST_IP = 171


def kill_all_at_once(nodes):
    """SIGKILL to every node before waiting for any, so none sees another go."""
    for node in nodes:
        node.proc.send_signal(signal.SIGKILL)
    for node in nodes:
        node.proc.wait(10)


def start_all_at_once(nodes):
    """Starts every node in its own thread; fails if any did not come up."""
    errors = []

    def start(node):
        try:
            node.start()
        except AssertionError as err:
            errors.append(err)
    threads = [threading.Thread(target=start, args=(n,)) for n in nodes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


class MassRestartTest(unittest.TestCase):
    def write_then_kill_all(self, c):
        c.wait_formed(30)
        wait_synchronized(c.nodes)
        checker = Checker()
        # Two writers per node until the kill; every acknowledged write is recorded.
        run_clients(checker, c.nodes + c.nodes, c.nodes, writes_each=10)
        self.assertGreaterEqual(len(checker.acked), 50, checker.summary())
        kill_all_at_once(c.nodes)
        return checker

    def check_recovered(self, c, checker):
        c.wait_formed(30)
        final = wait_converged(checker, c.nodes, timeout=20)
        best = checker.winner()
        self.assertTrue(all(r["value"] == best[1] for r in final.values()), final)
        self.assertTrue(all(version_key(r["version"]) == version_key(best[2])
                            for r in final.values()), final)
        checker.verify(self, final)

    def test_all_killed_at_once_and_restarted_together(self):
        with Cluster(5, first_ip=FIRST_IP, http_port=HTTP_PORT,
                     cluster_port=CLUSTER_PORT) as c:
            checker = self.write_then_kill_all(c)
            start_all_at_once(c.nodes)
            self.check_recovered(c, checker)

    def test_all_killed_and_the_seed_restarted_last(self):
        with Cluster(5, first_ip=FIRST_IP, http_port=HTTP_PORT,
                     cluster_port=CLUSTER_PORT) as c:
            checker = self.write_then_kill_all(c)
            seed, others = c.nodes[0], c.nodes[1:]
            start_all_at_once(others)
            # Each serves what it had on disk, alone until its seed is back.
            wait_until(lambda: all(o.health()[1].get("status") != "ok" for o in others),
                       10, "the others to wait for their seed")
            seed.start()
            self.check_recovered(c, checker)


if __name__ == "__main__":
    unittest.main()
