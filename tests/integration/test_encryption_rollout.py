"""Turning encryption on in a running cluster (issue 10.5), Consul's procedure: a
plaintext 3-node cluster is restarted one node at a time, (1) with the key and both
verify options false, (2) with gossip-verify-outgoing=true, (3) with
gossip-verify-incoming=true; no member is ever declared failed and every acknowledged
write survives. /health says whether node-to-node traffic is encrypted."""

import base64
import os
import unittest

from checker import Checker
from cluster import Cluster
from test_keyring_rotation import SuspicionWatch
from test_no_lost_writes import wait_converged

KEY = base64.b64encode(os.urandom(32)).decode()


class EncryptionRolloutTest(unittest.TestCase):
    def test_rolling_a_plaintext_cluster_to_encrypted_fails_nobody(self):
        with Cluster(3, first_ip=71, http_port=28680, cluster_port=28646) as c:
            c.wait_formed()
            for node in c.nodes:
                self.assertFalse(node.health()[1]["encrypted"])
            with open(c.nodes[0].log_path) as f:
                self.assertIn("node-to-node traffic is unauthenticated", f.read())
            checker = Checker()
            value = 500
            steps = [("false", "false"), ("false", "true"), ("true", "true")]
            failed = []
            for incoming, outgoing in steps:
                for node in c.nodes:
                    with SuspicionWatch([n for n in c.nodes if n is not node]) as watch:
                        node.stop()
                        # Rejoin through the others (n1 started a cluster of its own).
                        node.seeds = [f"{n.ip}:{n.cluster_port}" for n in c.nodes
                                      if n is not node]
                        node.extra_args = [f"--onevalue.gossip-keys={KEY}",
                                           f"--onevalue.gossip-verify-incoming={incoming}",
                                           f"--onevalue.gossip-verify-outgoing={outgoing}"]
                        node.start()
                        c.wait_formed(30)
                        value += 1
                        other = c.nodes[(c.nodes.index(node) + 1) % 3]
                        checker.write(other, value)
                    # The restarted node leaves gracefully (`left`) and rejoins; nobody
                    # may be `failed` (or suspect) on the way.
                    failed += [s for s in watch.seen if s[2] in ("failed", "suspect")]
            self.assertEqual(failed, [])
            for node in c.nodes:
                self.assertTrue(node.health()[1]["encrypted"])
            checker.verify(self, wait_converged(checker, c.nodes))


if __name__ == "__main__":
    unittest.main()
