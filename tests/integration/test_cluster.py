"""Multi-process tests: real nodes on NET.1-5 (127.0.0.1-5 by default) forming a cluster."""

import signal
import threading
import time
import unittest

from cluster import Cluster, ip, wait_until


class ClusterTest(unittest.TestCase):
    def test_three_nodes_form_and_a_set_reaches_all(self):
        start = time.monotonic()
        with Cluster(3) as c:
            c.wait_formed()
            print(f"\n3-node cluster formed in {time.monotonic() - start:.2f}s (incl. start)")
            status, _, body = c.nodes[1].request("GET", "/set/5")
            self.assertEqual((status, body.strip()), (200, "5"))
            set_at = time.monotonic()
            c.wait_value(5)
            print(f"set reached all 3 nodes in {1000 * (time.monotonic() - set_at):.1f} ms")
            for node in c.nodes:
                status, _, body = node.request("GET", "/get")
                self.assertEqual((status, body.strip()), (200, "5"))
            versions = {str(n.value()["version"]) for n in c.nodes}
            self.assertEqual(len(versions), 1)

    def test_concurrent_sets_on_two_nodes_converge(self):
        with Cluster(3) as c:
            c.wait_formed()
            results = {}

            def writer(node, base):
                for i in range(20):
                    status, _, _ = node.request("PUT", "/v1/value", body=str(base + i))
                    results.setdefault(node.name, []).append(status)
            threads = [threading.Thread(target=writer, args=(c.nodes[0], 1000)),
                       threading.Thread(target=writer, args=(c.nodes[2], 2000))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertTrue(all(s == 200 for v in results.values() for s in v), results)

            def one_value():
                values = [n.value() for n in c.nodes]
                return all(v == values[0] for v in values) and values[0]
            final = wait_until(one_value, 10, "one value everywhere")
            self.assertIn(final["value"], [1019, 2019])

    def test_killed_node_is_marked_failed(self):
        with Cluster(4) as c:
            c.wait_formed()
            victim = c.nodes[2]
            victim.kill()
            killed_at = time.monotonic()
            c.wait_state(victim.name, {"failed"}, timeout=30)
            print(f"\nkill -9 detected as failed everywhere in "
                  f"{time.monotonic() - killed_at:.2f}s (local profile)")
            # the survivors keep serving writes
            self.assertEqual(c.nodes[0].request("GET", "/set/77")[0], 200)
            c.wait_value(77)

    def test_sigterm_leaves_gracefully(self):
        with Cluster(3) as c:
            c.wait_formed()
            rc, took = c.nodes[1].stop()
            self.assertEqual(rc, 0)
            self.assertLess(took, 2.0)
            c.wait_state("n2", {"left"}, timeout=10)
            print(f"\nSIGTERM: exit 0 in {took:.2f}s, shown as left everywhere")

    def test_lone_nodes_exit_promptly_on_sigterm(self):
        # One without seeds, one whose seed never answers: neither ever hears a peer.
        with Cluster(1, first_ip=51) as c:
            from cluster import Node
            orphan = Node("n2", ip(52), 18080, 17946, c.workdir, [f"{ip(53)}:17946"])
            c.nodes.append(orphan)
            orphan.start()
            for node in c.nodes:
                rc, took = node.stop()
                self.assertEqual(rc, 0, node.log_tail())
                self.assertLess(took, 2.0)

    def test_sigint_also_leaves(self):
        with Cluster(2) as c:
            c.wait_formed()
            c.nodes[1].signal(signal.SIGINT)
            self.assertEqual(c.nodes[1].proc.wait(5), 0)
            c.wait_state("n2", {"left"}, timeout=10)

    def test_restarted_node_rejoins_and_catches_up(self):
        with Cluster(3) as c:
            c.wait_formed()
            c.nodes[2].kill()
            c.wait_state("n3", {"failed"}, timeout=30)
            self.assertEqual(c.nodes[0].request("GET", "/set/31")[0], 200)
            c.nodes[2].start()
            c.wait_formed(timeout=30)
            c.wait_value(31)

    def test_members_learn_each_other_through_the_cluster(self):
        # n3 only knows n2 as its seed; it must still learn n1.
        with Cluster(2) as c:
            c.wait_formed()
            from cluster import Node
            extra = Node("n3", ip(3), 18080, 17946, c.workdir, [f"{ip(2)}:17946"])
            c.nodes.append(extra)
            extra.start()
            c.wait_formed()


if __name__ == "__main__":
    unittest.main()
