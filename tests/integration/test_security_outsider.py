"""Attacks from someone on the cluster network without the key (issue 10.7), against a
keyed 3-node cluster: forged datagrams of every kind, extreme counters and
incarnations, CR/LF in a name, a fake-member flood, a ping-req for a foreign target, a
BASP client's bytes, a real CAF client's remote_actor and a 4 GiB length header on the
cluster TCP port, replayed and bit-flipped sealed datagrams. After each: value, members and acknowledged writes unchanged, every
node alive, memory bounded."""

import os
import socket
import subprocess
import unittest

from cluster import ip
from security_attacks import (KEY, LABEL, WRONG_KEY, Baseline, attack, counters,
                              keyed_cluster, rss_kib)
from cluster import wait_until
from metrics_scrape import samples, scrape

U64_MAX = 2**64 - 1

CAF_CLIENT = os.environ.get("ONEVALUE_CAF_CLIENT") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "tests", "caf_attack_client")


def dropped_total(node):
    """All datagrams the node dropped, whatever the reason (from /metrics)."""
    return sum(v for (name, _), v in samples(scrape(node)[1]).items()
               if name == "onevalue_datagrams_dropped_total")


class OutsiderAttacks(unittest.TestCase):
    def test_outsider_attacks_change_nothing(self):
        with keyed_cluster() as c:
            c.wait_formed()
            base = Baseline(c)
            target = c.nodes[0]
            host, port = target.ip, target.cluster_port
            victim = c.nodes[1]
            sender = f"mallory@{ip(99)}:{port}"
            for key, who in ((None, "plaintext"), (WRONG_KEY, "wrong key")):
                attack("value", host, port, 666, 1000, "mallory", key=key, sender=sender)
                attack("value", host, port, 666, U64_MAX, "n1", key=key, sender=sender)
                attack("left", host, port, victim.name, victim.ip, port, U64_MAX, key=key,
                       sender=f"{victim.name}@{victim.ip}:{port}")
                attack("value", host, port, 1, 5, "bad\r\nX-Injected: 1", key=key,
                       sender=sender)
                attack("flood", host, port, 2000, key=key, sender=sender)
                attack("pingreq", host, port, "elsewhere", key=key, sender=sender)
                attack("ping", host, port, key=key, sender=sender)
                base.check(self, f"{who} datagrams")
            # The right key under another cluster's label.
            attack("value", host, port, 666, 1000, "mallory", key=KEY, label="other",
                   sender=sender)
            base.check(self, "another label")
            # Tampered sealed datagrams: every region flipped (format, nonce, body, tag).
            for byte in (0, 5, 40, 60, 90):
                attack("value", host, port, 666, 1000, "mallory", key=KEY, sender=sender,
                       flip=byte)
            base.check(self, "bit-flipped datagrams")
            wait_until(lambda: counters(target)[0] >= 10, 10,
                       "the dropped datagrams to show in the traffic line")

    def test_tcp_port_speaks_no_basp_and_refuses_huge_frames(self):
        with keyed_cluster() as c:
            c.wait_formed()
            base = Baseline(c)
            node = c.nodes[0]
            host, port = node.ip, node.cluster_port
            # A 4 GiB length header: refused before any allocation, connection closed.
            out = attack("frame", host, port, 2**32 - 1)
            self.assertIn("closed", out)
            # A BASP client hello: a 32-byte header claiming a 1 GiB payload; the node
            # sends our hello first and closes on a length above the cap.
            basp = "00" * 20 + "40000000" + "00" * 8
            self.assertIn("closed", attack("raw", host, port, basp))
            # A peer that sends nothing is dropped at the exchange deadline (5 s); the
            # tool waits 3 s and sees it still open, then leaves.
            self.assertIn("open", attack("raw", host, port, ""))
            for _ in range(20):
                attack("frame", host, port, 2**31)
            base.check(self, "TCP attacks")

    def test_caf_client_finds_no_actor(self):
        """A real CAF program's middleman().remote_actor on every node's cluster port,
        with the node's application identifier: nothing is published, so every attempt
        fails, and the nodes go on unchanged."""
        with keyed_cluster() as c:
            c.wait_formed()
            base = Baseline(c)
            for node in c.nodes:
                out = subprocess.run([CAF_CLIENT, node.ip, str(node.cluster_port), "3"],
                                     capture_output=True, text=True, timeout=60)
                self.assertEqual(out.returncode, 0,
                                 f"CAF client on {node.name}: {out.stdout}{out.stderr}")
                lines = out.stdout.splitlines()
                self.assertEqual(len(lines), 3, out.stdout)
                for line in lines:
                    self.assertTrue(line.startswith("refused after"), line)
            base.check(self, "CAF remote_actor")
            # Still a cluster: a write on one node reaches the others.
            status, _, body = c.nodes[2].request("PUT", "/v1/value", body="77")
            self.assertEqual(status, 200, body)
            c.wait_value(77)

    def test_datagrams_from_many_ports_leave_no_trace(self):
        """200,000 junk datagrams, each from its own source address and port: CAF 0.17.6
        kept an endpoint record per sender for good (+56 MB here before the transport
        released them); now memory stays flat and the node goes on."""
        with keyed_cluster() as c:
            c.wait_formed()
            target = c.nodes[0]
            before = rss_kib(target)
            dropped_before = dropped_total(target)
            sent = 0
            for source in range(8):
                for _ in range(25000):
                    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                        s.bind((ip(120 + source), 0))
                        s.sendto(b"\x00junk from a new port", (target.ip, target.cluster_port))
                    sent += 1
            # Every datagram that reached the node was counted as dropped (the kernel may
            # have dropped some on a full socket buffer): wait until the count settles.
            last = [-1]

            def settled():
                now = dropped_total(target)
                done = now == last[0]
                last[0] = now
                return done
            wait_until(settled, 30, "the dropped-datagram count to settle", interval=0.5)
            self.assertGreater(last[0] - dropped_before, sent // 2)
            grown_mib = (rss_kib(target) - before) / 1024
            self.assertLess(grown_mib, 12, f"RSS grew {grown_mib:.1f} MiB")
            status, _, body = target.request("PUT", "/v1/value", body="5")
            self.assertEqual(status, 200, body)
            c.wait_value(5)


if __name__ == "__main__":
    unittest.main()
