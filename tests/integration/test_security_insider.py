"""An authenticated insider (holds the cluster key) sends well-formed but hostile
messages (issue 10.3 and 10.7): the validation rules still hold. Counters and
incarnations at 2^64-1, a `left` about another member, CR/LF in a writer name, a
ping-req from a stranger, replays of a sealed datagram, and a flood of made-up members
against max-members=64."""

import time
import unittest

from cluster import ip, wait_until
from security_attacks import KEY, Baseline, attack, counters, keyed_cluster, rss_kib

U64_MAX = 2**64 - 1


class InsiderAttacks(unittest.TestCase):
    def test_validation_holds_against_a_keyholder(self):
        with keyed_cluster() as c:
            c.wait_formed()
            base = Baseline(c)
            target = c.nodes[0]
            host, port = target.ip, target.cluster_port
            victim = c.nodes[1]
            sender = f"mallory@{ip(99)}:{port}"
            # A value at counter 2^64-1: refused (too far ahead), never the value.
            attack("value", host, port, 666, U64_MAX, "n3", key=KEY, sender=sender)
            # The victim "left", at incarnation 2^64-1 and at its own one + 1, claimed by
            # someone else: not believed (at most a suspicion the victim refutes).
            attack("left", host, port, victim.name, victim.ip, port, U64_MAX, key=KEY,
                   sender=sender)
            # CR/LF in a writer name: refused by the codec, counted as malformed.
            attack("value", host, port, 7, 99, "bad\r\nX-Injected: 1", key=KEY,
                   sender=sender)
            # A ping-req from a stranger for a name nobody knows.
            attack("pingreq", host, port, "elsewhere", key=KEY, sender=sender)
            time.sleep(1.5)
            for node in c.nodes:
                node.alive()
                v = node.value()
                self.assertEqual((v["value"], v["version"]),
                                 (base.value["value"], base.value["version"]))
                members = node.members()
                self.assertEqual(set(members), set(base.members))
                for name, m in members.items():
                    self.assertEqual(m["address"], base.members[name][2])
            c.wait_formed(10)  # the victim is alive everywhere (refuted if suspected)
            wait_until(lambda: counters(target)[2] >= 1, 10,
                       "the CR/LF name to be counted as malformed")
            # Every acknowledged write is still readable as acknowledged, and new
            # writes work and win.
            status, _, body = c.nodes[2].request("PUT", "/v1/value", body="14")
            self.assertEqual(status, 200, body)
            c.wait_value(14)

    def test_replays_are_dropped_and_a_member_flood_is_bounded(self):
        with keyed_cluster() as c:
            c.wait_formed()
            base = Baseline(c)
            target = c.nodes[0]
            host, port = target.ip, target.cluster_port
            sender = f"mallory@{ip(99)}:{port}"
            # One sealed (stale) value datagram sent 50 times: 49 replays dropped.
            attack("value", host, port, 1, 1, "n1", key=KEY, sender=sender, repeat=50)
            wait_until(lambda: counters(target)[1] >= 49, 10, "49 replays to be dropped")
            base.check(self, "replayed datagrams")
            # 2,000 made-up members: the table stays within max-members (64).
            attack("flood", host, port, 2000, key=KEY, sender=sender)
            time.sleep(1)
            for node in c.nodes:
                node.alive()
                members = node.members()
                self.assertLessEqual(len(members), 64)
                for real in c.nodes:
                    self.assertEqual(members[real.name]["state"], "alive")
                self.assertLess(rss_kib(node), base.rss[node.name] + 64 * 1024)
                v = node.value()
                self.assertEqual(v["value"], base.value["value"])


if __name__ == "__main__":
    unittest.main()
