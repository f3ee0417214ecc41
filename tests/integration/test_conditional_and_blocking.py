"""If-Match conditional writes, Consul-style blocking reads, the watcher limit, and
writes refused (503) until a node synchronized with the cluster."""

import json
import signal
import threading
import time
import unittest

from cluster import Cluster, Node, ip, wait_until

HTTP_PORT = 28680
CLUSTER_PORT = 28546


class ConditionalAndBlockingTest(unittest.TestCase):
    def test_if_match_writes_on_the_current_etag_and_412s_on_a_stale_one(self):
        with Cluster(1, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            status, headers, _ = node.request("GET", "/v1/value")
            etag = headers["ETag"]
            self.assertEqual(etag, '"0-"')
            status, headers, body = node.request("PUT", "/v1/value", body="5",
                                                 headers={"If-Match": etag})
            self.assertEqual(status, 200, body)
            new_etag = headers["ETag"]
            self.assertEqual(new_etag, '"1-n1"')
            # The old ETag no longer matches: 412 with the current value.
            status, headers, body = node.request("PUT", "/v1/value", body="6",
                                                 headers={"If-Match": etag})
            self.assertEqual(status, 412, body)
            self.assertEqual(json.loads(body)["value"], 5)
            self.assertEqual(headers["ETag"], new_etag)
            self.assertEqual(node.value()["value"], 5)
            status, _, _ = node.request("GET", "/set/7", headers={"If-Match": new_etag})
            self.assertEqual(status, 200)
            self.assertEqual(node.request("PUT", "/v1/value", body="1",
                                          headers={"If-Match": "nope"})[0], 400)

    def test_concurrent_if_match_writes_on_one_etag_let_exactly_one_through(self):
        with Cluster(1, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            etag = node.request("GET", "/v1/value")[1]["ETag"]
            statuses = []
            lock = threading.Lock()

            def attempt(i):
                status = node.request("PUT", "/v1/value", body=str(i),
                                      headers={"If-Match": etag})[0]
                with lock:
                    statuses.append(status)
            threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(statuses), [200] + [412] * 7)

    def test_a_blocking_read_is_woken_by_a_write_on_another_node(self):
        with Cluster(2, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            wait_until(lambda: all(n.value()["synchronized"] for n in c.nodes), 20,
                       "both nodes synchronized")
            watcher, writer = c.nodes
            index = watcher.value()["index"]
            result = {}

            def watch():
                start = time.monotonic()
                result["reply"] = watcher.request(
                    "GET", f"/v1/value?index={index}&wait=30s", timeout=40)
                result["took"] = time.monotonic() - start
            t = threading.Thread(target=watch)
            t.start()
            # Make sure the read is waiting before writing (it returns only on news).
            time.sleep(0.3)
            self.assertTrue(t.is_alive(), "the blocking read returned before any write")
            self.assertEqual(writer.request("PUT", "/v1/value", body="99")[0], 200)
            t.join(10)
            self.assertFalse(t.is_alive())
            status, headers, body = result["reply"]
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body)["value"], 99)
            self.assertGreater(int(headers["X-Onevalue-Index"]), index)
            self.assertLess(result["took"], 10)

    def test_a_blocking_read_times_out_with_the_unchanged_index(self):
        with Cluster(1, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            index = node.value()["index"]
            start = time.monotonic()
            status, headers, body = node.request("GET", f"/v1/value?index={index}&wait=500ms")
            took = time.monotonic() - start
            self.assertEqual(status, 200)
            self.assertEqual(int(headers["X-Onevalue-Index"]), index)
            self.assertGreaterEqual(took, 0.45)
            self.assertLess(took, 3)
            self.assertEqual(node.request("GET", "/v1/value?index=0&wait=10")[0], 400)

    def test_watchers_past_the_limit_get_429_and_ordinary_requests_still_work(self):
        with Cluster(1, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT,
                     extra_args=["--onevalue.max-watchers=4",
                                 "--onevalue.http-threads=2"]) as c:
            node = c.nodes[0]
            index = node.value()["index"]
            statuses = []
            lock = threading.Lock()

            def watch():
                status = node.request("GET", f"/v1/value?index={index}&wait=20s",
                                      timeout=30)[0]
                with lock:
                    statuses.append(status)
            threads = [threading.Thread(target=watch) for _ in range(6)]
            for t in threads:
                t.start()
            # Six watchers, room for four: two are refused at once, four wait.
            wait_until(lambda: statuses.count(429) == 2, 10, "two watchers refused")
            for _ in range(20):
                self.assertEqual(node.request("GET", "/get", timeout=2)[0], 200)
            self.assertEqual(node.request("GET", "/health", timeout=2)[0], 200)
            with lock:
                self.assertEqual(len(statuses), 2, "a watcher returned without news")
            self.assertEqual(node.request("PUT", "/v1/value", body="3", timeout=2)[0], 200)
            for t in threads:
                t.join(10)
            self.assertEqual(sorted(statuses), [200] * 4 + [429] * 2)

    def test_sigterm_wakes_waiting_watchers_and_exits_0_within_2s(self):
        with Cluster(1, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            node = c.nodes[0]
            index = node.value()["index"]
            threads = [threading.Thread(target=lambda: node.request(
                "GET", f"/v1/value?index={index}&wait=1m", timeout=90)) for _ in range(3)]
            for t in threads:
                t.start()
            time.sleep(0.3)
            rc, took = node.stop()
            self.assertEqual(rc, 0)
            self.assertLess(took, 2.0)
            for t in threads:
                t.join(5)
                self.assertFalse(t.is_alive())

    def test_a_node_whose_seeds_never_answer_serves_reads_but_refuses_writes(self):
        with Cluster(1, first_ip=161, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            lonely = Node("n2", ip(162), HTTP_PORT, CLUSTER_PORT, c.workdir,
                          [f"{ip(169)}:{CLUSTER_PORT}"])  # nothing runs there
            c.nodes.append(lonely)
            lonely.start()
            status, headers, body = lonely.request("GET", "/v1/value")
            self.assertEqual(status, 200)
            self.assertFalse(json.loads(body)["synchronized"])
            self.assertEqual(headers["X-Onevalue-Synchronized"], "false")
            self.assertEqual(lonely.request("GET", "/get")[0], 200)
            for method, path, body in [("PUT", "/v1/value", "5"), ("GET", "/set/5", None)]:
                status, headers, reply = lonely.request(method, path, body=body)
                self.assertEqual(status, 503, reply)
                self.assertEqual(headers["Retry-After"], "1")
                self.assertIn("not synchronized", json.loads(reply)["error"])
            # The first node is alone by configuration: synchronized from the start.
            self.assertTrue(c.nodes[0].value()["synchronized"])


if __name__ == "__main__":
    unittest.main()
