"""No lost writes: concurrent writers on different nodes, a write on a freshly joined
node, and kill -9 of every node followed by a restart, all checked by the checker."""

import threading
import time
import unittest

from checker import Checker, version_key
from cluster import Cluster, Node, ip, wait_until

HTTP_PORT = 28480
CLUSTER_PORT = 28346


def wait_synchronized(nodes, timeout=20):
    wait_until(lambda: all(n.value()["synchronized"] for n in nodes), timeout,
               "every node to be synchronized")


def wait_converged(checker, nodes, timeout=20):
    """Waits until every node holds the winner's version; returns the final reads."""
    best = checker.winner()
    target = version_key(best[2]) if best else (0, "")

    def converged():
        reads = {n.name: n.value() for n in nodes}
        if all(version_key(r["version"]) >= target for r in reads.values()) \
                and len({version_key(r["version"]) for r in reads.values()}) == 1:
            return reads
        return None
    return wait_until(converged, timeout, f"every node to reach version {target}")


def run_clients(checker, writers, readers, writes_each):
    """Writer i writes `writes_each` distinct values on writers[i]; readers read their
    node until the writers are done."""
    done = threading.Event()

    def write_loop(i, node):
        for k in range(writes_each):
            checker.write(node, 1000 * (i + 1) + k)

    def read_loop(node):
        while not done.is_set():
            checker.read(node)

    reader_threads = [threading.Thread(target=read_loop, args=(n,)) for n in readers]
    writer_threads = [threading.Thread(target=write_loop, args=(i, n))
                      for i, n in enumerate(writers)]
    for t in reader_threads + writer_threads:
        t.start()
    for t in writer_threads:
        t.join()
    done.set()
    for t in reader_threads:
        t.join()


class NoLostWritesTest(unittest.TestCase):
    def test_concurrent_writers_on_every_node_lose_nothing(self):
        with Cluster(3, first_ip=141, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            wait_synchronized(c.nodes)
            checker = Checker()
            # Two writers per node, one reader per node.
            run_clients(checker, c.nodes + c.nodes, c.nodes, writes_each=25)
            self.assertGreaterEqual(len(checker.acked), 140, checker.summary())
            checker.verify(self, wait_converged(checker, c.nodes))

    def test_a_write_on_a_node_that_just_joined_wins_over_older_values(self):
        with Cluster(2, first_ip=141, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            wait_synchronized(c.nodes)
            checker = Checker()
            for k in range(50):
                self.assertIsNotNone(checker.write(c.nodes[k % 2], k))
            high = version_key(checker.winner()[2])
            fresh = Node("n3", ip(143), HTTP_PORT, CLUSTER_PORT, c.workdir,
                         [f"{ip(141)}:{CLUSTER_PORT}"])
            c.nodes.append(fresh)
            fresh.start()
            # Writes are refused (503) until n3 synchronized, then acknowledged.
            reply = wait_until(lambda: checker.write(fresh, 777), 20,
                               "n3 to acknowledge a write")
            self.assertGreater(version_key(reply["version"]), high)
            self.assertEqual(reply["version"]["node"], "n3")
            final = wait_converged(checker, c.nodes)
            self.assertTrue(all(r["value"] == 777 for r in final.values()), final)
            checker.verify(self, final)

    def test_kill_9_of_every_node_keeps_the_last_acknowledged_write(self):
        with Cluster(3, first_ip=141, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            wait_synchronized(c.nodes)
            checker = Checker()
            run_clients(checker, c.nodes, [], writes_each=20)
            # What each node itself acknowledged is on its disk.
            own_best = {}
            for node, value, version in checker.acked:
                if node not in own_best or version_key(version) > version_key(own_best[node][1]):
                    own_best[node] = (value, version)
            for node in c.nodes:
                node.kill()
            for node in c.nodes:
                node.start()
            for node in c.nodes:
                held = node.value()
                self.assertGreaterEqual(version_key(held["version"]),
                                        version_key(own_best[node.name][1]),
                                        f"{node.name} lost its own acknowledged write")
            final = wait_converged(checker, c.nodes)
            best = checker.winner()
            self.assertTrue(all(r["value"] == best[1] for r in final.values()), final)
            checker.verify(self, final)


if __name__ == "__main__":
    unittest.main()
