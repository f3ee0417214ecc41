"""/health as a load balancer sees it, and forcing a failed member out.

/health answers 200 only while the node takes writes: 503 `syncing` before its first
state exchange, 503 `alone` when every other member it knows is failed; `?live` answers
200 whenever the node serves HTTP. `POST /v1/members/{name}/leave` turns a failed
member into a left one on every node, and refuses live members and the node itself.
"""

import json
import signal
import unittest

from cluster import Cluster, Node, ip, wait_until

HTTP_PORT = 18480
CLUSTER_PORT = 18446


def force_leave(node, name):
    status, _, body = node.request("POST", f"/v1/members/{name}/leave")
    return status, json.loads(body)


class HealthTest(unittest.TestCase):
    def test_a_node_whose_seeds_never_answer_is_syncing_but_live(self):
        with Cluster(1, first_ip=61, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            lonely = Node("n2", ip(62), HTTP_PORT, CLUSTER_PORT, c.workdir,
                          [f"{ip(69)}:{CLUSTER_PORT}"])  # nothing runs there
            c.nodes.append(lonely)
            lonely.start()
            status, body = lonely.health()
            self.assertEqual(status, 503, body)
            self.assertEqual(body["status"], "syncing")
            self.assertFalse(body["synchronized"])
            self.assertIn("writes are refused", body["reason"])
            self.assertEqual(lonely.health("?ready")[0], 503)
            status, body = lonely.health("?live")
            self.assertEqual((status, body["status"]), (200, "syncing"))
            # Alone by configuration (no seeds): ok from the start, without a reason.
            status, body = c.nodes[0].health()
            self.assertEqual((status, body["status"]), (200, "ok"), body)
            self.assertNotIn("reason", body)

    def test_a_node_that_synchronizes_turns_ok(self):
        with Cluster(2, first_ip=61, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            wait_until(lambda: c.nodes[1].health()[0] == 200, 10, "n2 to be ready")
            status, body = c.nodes[1].health()
            self.assertEqual(body["status"], "ok")
            self.assertTrue(body["synchronized"])
            self.assertEqual(c.nodes[1].request("PUT", "/v1/value", body="7")[0], 200)

    def test_alone_when_every_other_member_failed_until_they_are_forced_out(self):
        with Cluster(2, first_ip=61, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            survivor, victim = c.nodes
            victim.kill()
            c.wait_state_among([survivor], victim.name, {"failed"})
            status, body = survivor.health()
            self.assertEqual((status, body["status"]), (503, "alone"), body)
            self.assertIn("/v1/members/{name}/leave", body["reason"])
            self.assertEqual(body["members"]["failed"], 1)
            self.assertEqual(survivor.health("?live")[0], 200)
            # It still takes writes: "alone" is advice to a load balancer.
            self.assertEqual(survivor.request("GET", "/set/9")[0], 200)
            status, member = force_leave(survivor, victim.name)
            self.assertEqual((status, member["state"]), (200, "left"), member)
            status, body = survivor.health()
            self.assertEqual((status, body["status"]), (200, "ok"), body)


class ForceLeaveTest(unittest.TestCase):
    def test_a_failed_member_is_forced_out_everywhere_and_live_ones_are_refused(self):
        with Cluster(3, first_ip=64, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            n1, n2, n3 = c.nodes
            n3.kill()
            c.wait_state_among([n1, n2], "n3", {"failed"})

            status, body = force_leave(n1, "n2")
            self.assertEqual(status, 409, body)
            self.assertTrue(body["error"].startswith("n2 is alive"), body)
            status, body = force_leave(n1, "n1")
            self.assertEqual(status, 409, body)
            self.assertIn("this node", body["error"])
            status, body = force_leave(n1, "nobody")
            self.assertEqual(status, 404, body)
            self.assertIn("nobody", body["error"])
            self.assertEqual(n1.request("GET", "/v1/members/n3/leave")[0], 405)

            status, member = force_leave(n1, "n3")
            self.assertEqual(status, 200, member)
            self.assertEqual((member["name"], member["state"]), ("n3", "left"))
            self.assertEqual(n1.state_of("n3"), "left")
            # The change spreads by gossip: n2 lists it left too.
            c.wait_state_among([n2], "n3", {"left"}, timeout=10)
            # Again: nothing left to do, same answer.
            status, member = force_leave(n2, "n3")
            self.assertEqual((status, member["state"]), (200, "left"))
            for node in (n1, n2):
                self.assertEqual(node.health()[0], 200)

    def test_a_forced_out_member_that_returns_is_alive_again(self):
        with Cluster(3, first_ip=64, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            n1, n2, n3 = c.nodes
            n3.signal(signal.SIGSTOP)
            try:
                c.wait_state_among([n1, n2], "n3", {"failed"}, timeout=30)
                self.assertEqual(force_leave(n1, "n3")[0], 200)
                c.wait_state_among([n2], "n3", {"left"}, timeout=10)
            finally:
                n3.signal(signal.SIGCONT)
            # It hears that it left, refutes with a higher incarnation and rejoins.
            c.wait_formed(timeout=30)


if __name__ == "__main__":
    unittest.main()
