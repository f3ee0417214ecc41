"""The data dir: a truncated state file stops the node with an error naming it (and
--onevalue.reset-state starts it anyway), and a second process on the same data dir
is refused, naming the lock."""

import os
import subprocess
import unittest

from cluster import Cluster, Node, ip

HTTP_PORT = 28580
CLUSTER_PORT = 28446


def run_to_exit(node, extra=(), timeout=15):
    """Runs `node`'s command line to completion; returns (exit code, output)."""
    proc = subprocess.run(node.args() + list(extra), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          timeout=timeout)
    return proc.returncode, proc.stdout.decode(errors="replace")


class DurableStateTest(unittest.TestCase):
    def test_a_truncated_state_file_stops_the_node_and_reset_state_starts_it(self):
        with Cluster(1, first_ip=151, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            self.assertEqual(node.request("PUT", "/v1/value", body="5")[0], 200)
            node.kill()
            state = os.path.join(node.data_dir, "state")
            size = os.path.getsize(state)
            with open(state, "r+b") as f:
                f.truncate(size // 2)
            rc, output = run_to_exit(node)
            self.assertNotEqual(rc, 0, output)
            self.assertIn(state, output)
            node.extra_args.append("--onevalue.reset-state")
            node.start()
            self.assertEqual(node.value()["value"], 42)
            self.assertTrue(os.path.exists(state + ".corrupt"))
            self.assertEqual(node.request("PUT", "/v1/value", body="6")[0], 200)

    def test_a_second_process_on_the_same_data_dir_is_refused_naming_the_lock(self):
        with Cluster(1, first_ip=151, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            first = c.nodes[0]
            self.assertEqual(first.request("PUT", "/v1/value", body="8")[0], 200)
            second = Node("n1b", ip(152), HTTP_PORT, CLUSTER_PORT, c.workdir, [])
            second.data_dir = first.data_dir
            rc, output = run_to_exit(second)
            self.assertNotEqual(rc, 0, output)
            self.assertIn(os.path.join(first.data_dir, "LOCK"), output)
            self.assertIn("in use", output)
            # The first process is unharmed.
            self.assertEqual(first.value()["value"], 8)


if __name__ == "__main__":
    unittest.main()
