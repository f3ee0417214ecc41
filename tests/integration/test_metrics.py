"""GET /metrics on a running three-node cluster: the scrape passes `promtool check
metrics` (Debian's prometheus package) without errors or warnings, and its counters move
as the cluster works: a write raises the writes counter on the node that took it and the
applied-delay histogram's count on the others; a kill -9 raises
onevalue_members{state="failed"} on the survivors."""

import shutil
import subprocess
import unittest

from cluster import Cluster, wait_until
from metrics_scrape import sample, samples, scrape

HTTP_PORT = 28880
CLUSTER_PORT = 28846
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"

class MetricsTest(unittest.TestCase):
    def test_scrape_passes_promtool_and_counters_move(self):
        with Cluster(3, first_ip=181, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            n1, n2, n3 = c.nodes
            headers, text = scrape(n1)
            self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
            check = subprocess.run([PROMTOOL, "check", "metrics"], input=text,
                                   capture_output=True, text=True, timeout=30)
            self.assertEqual((check.returncode, check.stdout, check.stderr), (0, "", ""),
                             text)
            got = samples(text)
            self.assertEqual(got[("onevalue_members", '{state="alive"}')], 3)
            self.assertEqual(got[("onevalue_synchronized", "")], 1)
            self.assertEqual(got[("onevalue_scrape_actor_up", '{actor="membership"}')], 1)
            self.assertEqual(got[("onevalue_scrape_actor_up", '{actor="gossip"}')], 1)
            self.assertEqual(len([k for k in got if k[0] == "onevalue_build_info"]), 1)
            self.assertIn(("onevalue_probes_total", ""), got)
            wait_until(lambda: sample(n1, "onevalue_probes_total") > 0
                       and sample(n1, "onevalue_datagrams_sent_total", '{kind="ping"}') > 0,
                       10, "n1 to count its probes and the pings it sent")
            # The route template, never the raw path.
            n1.request("PUT", "/set/5")
            routes = {k[1] for k in samples(scrape(n1)[1]) if k[0] == "onevalue_http_requests_total"}
            self.assertTrue(any('route="/set/{n}"' in r for r in routes), routes)
            self.assertFalse(any("/set/5" in r for r in routes), routes)

            ok = '{result="ok"}'
            writes_before = sample(n2, "onevalue_writes_total", ok)
            applied_before = {n.name: sample(n, "onevalue_value_applied_delay_seconds_count")
                              for n in (n1, n3)}
            status, _, body = n2.request("PUT", "/v1/value", body="4242",
                                         headers={"Content-Type": "text/plain"})
            self.assertEqual(status, 200, body)
            self.assertEqual(sample(n2, "onevalue_writes_total", ok), writes_before + 1)
            self.assertGreater(sample(n2, "onevalue_store_save_duration_seconds_count"), 0)
            c.wait_value(4242)
            for n in (n1, n3):
                wait_until(lambda n=n: sample(n, "onevalue_value_applied_delay_seconds_count")
                           > applied_before[n.name], 10,
                           f"{n.name}'s applied-delay count to rise")
            # A refused conditional write is counted under its own result.
            status, _, _ = n2.request("PUT", "/v1/value", body="1",
                                      headers={"Content-Type": "text/plain",
                                               "If-Match": '"1-nobody"'})
            self.assertEqual(status, 412)
            self.assertEqual(sample(n2, "onevalue_writes_total",
                                    '{result="precondition_failed"}'), 1)

            failed = '{state="failed"}'
            self.assertEqual(sample(n1, "onevalue_members", failed), 0)
            n3.kill()
            for n in (n1, n2):
                wait_until(lambda n=n: sample(n, "onevalue_members", failed) == 1, 30,
                           f"{n.name} to count n3 failed")
            self.assertGreater(sample(n1, "onevalue_members_declared_failed_total")
                               + sample(n2, "onevalue_members_declared_failed_total"), 0)
            # Still valid after all that.
            check = subprocess.run([PROMTOOL, "check", "metrics"], input=scrape(n2)[1],
                                   capture_output=True, text=True, timeout=30)
            self.assertEqual((check.returncode, check.stdout, check.stderr), (0, "", ""))


if __name__ == "__main__":
    unittest.main()
