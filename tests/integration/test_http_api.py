"""The REST API of a real node: every endpoint, and every bad input gets its status."""

import json
import unittest

from cluster import Cluster, ip


class HttpApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(2, first_ip=11, http_port=18180, cluster_port=18046)
        cls.cluster.__enter__()
        cls.cluster.wait_formed()
        cls.node = cls.cluster.nodes[0]

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def assert_json_error(self, response, status):
        got_status, headers, body = response
        self.assertEqual(got_status, status, body)
        self.assertIn("application/json", headers.get("Content-Type", ""))
        self.assertIsInstance(json.loads(body)["error"], str)

    def test_blog_paths(self):
        for method in ("GET", "POST", "PUT"):
            status, _, body = self.node.request(method, "/set/-17")
            self.assertEqual((status, body.strip()), (200, "-17"), method)
        status, headers, body = self.node.request("GET", "/get")
        self.assertEqual((status, body.strip()), (200, "-17"))
        self.assertIn("text/plain", headers["Content-Type"])

    def test_replies_end_with_a_newline(self):
        status, _, body = self.node.request("GET", "/set/12")
        self.assertEqual((status, body), (200, "12\n"))
        status, _, body = self.node.request("GET", "/get")
        self.assertEqual((status, body), (200, "12\n"))
        for path in ("/v1/value", "/v1/members", "/health", "/nope"):
            body = self.node.request("GET", path)[2]
            self.assertTrue(body.endswith("}\n") or body.endswith("]\n"), (path, body))

    def test_a_bare_integer_with_a_json_content_type_is_a_value(self):
        status, _, body = self.node.request("PUT", "/v1/value", body="13",
                                            headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["value"], 13)

    def test_unknown_json_fields_are_refused_by_name(self):
        status, _, body = self.node.request("PUT", "/v1/value", body='{"value": 1, "ttl": 5}',
                                            headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400, body)
        self.assertIn("'ttl'", json.loads(body)["error"])

    def test_v1_value_round_trip(self):
        status, _, body = self.node.request("PUT", "/v1/value", body='{"value": 5}',
                                            headers={"Content-Type": "application/json"})
        self.assertEqual(status, 200, body)
        written = json.loads(body)
        self.assertEqual(written["value"], 5)
        self.assertEqual(written["version"]["node"], "n1")
        self.assertGreater(written["version"]["counter"], 0)
        status, _, body = self.node.request("PUT", "/v1/value", body="6\n")
        self.assertEqual(status, 200, body)
        got = self.node.value()
        self.assertEqual(got["value"], 6)
        self.assertGreater(got["version"]["counter"], written["version"]["counter"])

    def test_members_and_health(self):
        members = self.node.get_json("/v1/members")
        self.assertEqual([m["name"] for m in members], ["n1", "n2"])
        for m in members:
            self.assertEqual(set(m), {"name", "address", "cluster_port", "http_port", "state",
                                      "incarnation"} | set(m))
            self.assertEqual(m["state"], "alive")
        self.assertEqual(members[1]["address"], ip(12))
        self.assertEqual(members[1]["cluster_port"], 18046)
        self.assertEqual(members[1]["http_port"], 18180)
        status, health = self.node.health()
        self.assertEqual((status, health["status"]), (200, "ok"), health)
        self.assertTrue(health["synchronized"])

    def test_bad_set_values(self):
        for bad in ("abc", "1.5", "9223372036854775808", "-9223372036854775809", "0x10",
                    "%20", "1e3"):
            status, _, body = self.node.request("GET", "/set/" + bad)
            self.assertEqual(status, 400, f"{bad}: {body}")
        status, _, body = self.node.request("GET", "/set/9223372036854775807")
        self.assertEqual((status, body.strip()), (200, "9223372036854775807"))

    def test_bad_bodies(self):
        for bad in ('{"value": "5"}', '{"value": 1.5}', '{"value": true}', '{"value":',
                    '[5]', '{}', '{"value": 9223372036854775808}', 'five', '',
                    '{"value": 5, "extra": 1}'):
            self.assert_json_error(self.node.request("PUT", "/v1/value", body=bad), 400)

    def test_oversized_body(self):
        big = '{"value": 1, "pad": "' + "x" * 100000 + '"}'
        status, _, _ = self.node.request("PUT", "/v1/value", body=big)
        self.assertEqual(status, 413)

    def test_wrong_method_and_unknown_path(self):
        status, headers, body = self.node.request("DELETE", "/v1/value")
        self.assertEqual(status, 405, body)
        self.assertIn("PUT", headers.get("Allow", ""))
        self.assertIn("GET", headers.get("Allow", ""))
        status, headers, _ = self.node.request("POST", "/get")
        self.assertEqual(status, 405)
        self.assertIn("GET", headers.get("Allow", ""))
        self.assert_json_error(self.node.request("GET", "/nope"), 404)

    def test_node_keeps_serving_after_bad_input(self):
        for _ in range(3):
            self.node.request("PUT", "/v1/value", body="{{{{")
            self.node.request("GET", "/set/zzz")
            self.node.request("PATCH", "/get")
        self.assertEqual(self.node.request("GET", "/set/8")[0], 200)
        self.cluster.wait_value(8)


if __name__ == "__main__":
    unittest.main()
