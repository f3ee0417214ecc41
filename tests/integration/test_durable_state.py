"""The data dir: a torn state slot costs nothing (the other slot holds the last saved
state), two truncated slots stop the node with an error naming them (and
--onevalue.reset-state starts it anyway), the state file of the layout before slots is
read and replaced by the marker earlier builds refuse, and a second process on the same
data dir is refused, naming the lock."""

import os
import subprocess
import unittest
import zlib

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
    def test_two_truncated_state_slots_stop_the_node_and_reset_state_starts_it(self):
        with Cluster(1, first_ip=151, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            self.assertEqual(node.request("PUT", "/v1/value", body="5")[0], 200)
            node.kill()
            slots = [os.path.join(node.data_dir, f"state.{i}") for i in (0, 1)]
            for slot in slots:
                with open(slot, "r+b") as f:
                    f.truncate(60)
            rc, output = run_to_exit(node)
            self.assertNotEqual(rc, 0, output)
            for slot in slots:
                self.assertIn(slot, output)
            node.extra_args.append("--onevalue.reset-state")
            node.start()
            self.assertEqual(node.value()["value"], 42)
            for slot in slots:
                self.assertTrue(os.path.exists(slot + ".corrupt"))
            self.assertEqual(node.request("PUT", "/v1/value", body="6")[0], 200)

    def test_a_torn_slot_costs_nothing_acknowledged(self):
        with Cluster(1, first_ip=151, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            for n in (5, 6, 7):
                self.assertEqual(node.request("PUT", "/v1/value", body=str(n))[0], 200)
            node.kill()
            # Tear the slot that holds 7 (as a crash during a later save of it would).
            for i in (0, 1):
                path = os.path.join(node.data_dir, f"state.{i}")
                with open(path, "rb") as f:
                    newest = b"value=7\n" in f.read()
                if newest:
                    with open(path, "r+b") as f:
                        f.seek(30)
                        f.write(b"\xff" * 10)
            node.start()
            # The other slot holds 6: what a crash during the save of 7 would leave (7
            # would not have been acknowledged then).
            self.assertEqual(node.value()["value"], 6)
            self.assertEqual(node.request("PUT", "/v1/value", body="8")[0], 200)

    def test_the_state_file_before_slots_is_read_and_retired(self):
        with Cluster(1, first_ip=151, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            node.kill()
            for i in (0, 1):
                os.remove(os.path.join(node.data_dir, f"state.{i}"))
            body = ("onevalue-state\nformat=1\nvalue=31\ncounter=4\nnode=n1\nclock=4\n"
                    "incarnation=9\n")
            legacy = os.path.join(node.data_dir, "state")
            with open(legacy, "w") as f:
                f.write(body + "crc32=%08x\n" % zlib.crc32(body.encode()))
            node.start()
            self.assertEqual(node.value()["value"], 31)
            # The old file became the marker that an earlier build refuses to start on.
            with open(legacy) as f:
                self.assertEqual(f.read(), "onevalue-state\nformat=2\nmoved-to=state.0,state.1\n")
            self.assertEqual(node.request("PUT", "/v1/value", body="32")[0], 200)
            node.kill()
            node.start()
            self.assertEqual(node.value()["value"], 32)

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
