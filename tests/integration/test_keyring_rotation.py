"""Keys at run time (issue 10.4): a three-step rotation (install, use, remove) through
POST /v1/keyring on a live 5-node cluster under write load causes no suspicion and no
lost write; GET /v1/keyring lists keys by fingerprint with how many members hold each;
removing the primary is refused; each node's keyring file follows; the CLI's keyring
command prints the same."""

import base64
import json
import os
import subprocess
import threading
import unittest

from checker import Checker
from cluster import ONEVALUE_BIN, Cluster, wait_until
from test_no_lost_writes import wait_converged

OLD = base64.b64encode(os.urandom(32)).decode()
NEW = base64.b64encode(os.urandom(32)).decode()


def fingerprint(key):
    import hashlib
    return hashlib.sha256(base64.b64decode(key)).hexdigest()[:16]


def post(node, body):
    status, _, text = node.request("POST", "/v1/keyring", body=json.dumps(body), timeout=20)
    return status, json.loads(text)


class SuspicionWatch:
    """Polls every node's member list and records any member not alive."""

    def __init__(self, nodes):
        self.nodes = nodes
        self.seen = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        while not self.stop.is_set():
            for node in self.nodes:
                try:
                    for name, m in node.members().items():
                        if m["state"] != "alive":
                            self.seen.append((node.name, name, m["state"]))
                except (OSError, ValueError):
                    pass
            self.stop.wait(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        return False


class KeyringRotationTest(unittest.TestCase):
    def test_rotation_under_write_load_loses_nothing_and_suspects_nobody(self):
        with Cluster(5, first_ip=61, http_port=28580, cluster_port=28546,
                     extra_args=[f"--onevalue.gossip-keys={OLD}"]) as c:
            c.wait_formed()
            n1 = c.nodes[0]
            listed = n1.get_json("/v1/keyring")
            self.assertEqual(listed["members"], 5)
            self.assertEqual(listed["keys"], [{"fingerprint": fingerprint(OLD),
                                               "members": 5, "primary_on": 5}])
            self.assertNotIn(OLD, json.dumps(listed))
            checker = Checker()
            done = threading.Event()

            def writer(i, node):
                k = 0
                while not done.is_set():
                    checker.write(node, 10000 * (i + 1) + k)
                    k += 1

            threads = [threading.Thread(target=writer, args=(i, n))
                       for i, n in enumerate(c.nodes)]
            with SuspicionWatch(c.nodes) as watch:
                for t in threads:
                    t.start()
                def more_writes(count=50):
                    # Each step happens under load: 50 more acknowledged writes first.
                    start = len(checker.acked)
                    wait_until(lambda: len(checker.acked) >= start + count, 30,
                               f"{count} more acknowledged writes")

                try:
                    more_writes()
                    status, body = post(n1, {"install": NEW})
                    self.assertEqual(status, 200, body)
                    self.assertEqual(len(body["nodes"]), 5)
                    self.assertTrue(all(r["result"] == "changed" for r in body["nodes"]),
                                    body)
                    listed = c.nodes[2].get_json("/v1/keyring")
                    holders = {k["fingerprint"]: k["members"] for k in listed["keys"]}
                    self.assertEqual(holders, {fingerprint(OLD): 5, fingerprint(NEW): 5})
                    # The primary cannot be removed.
                    status, body = post(c.nodes[1], {"remove": OLD})
                    self.assertEqual(status, 409, body)
                    more_writes()
                    status, body = post(c.nodes[1], {"use": NEW})
                    self.assertEqual(status, 200, body)
                    more_writes()
                    status, body = post(c.nodes[3], {"remove": OLD})
                    self.assertEqual(status, 200, body)
                    more_writes()
                finally:
                    done.set()
                    for t in threads:
                        t.join()
                final = wait_converged(checker, c.nodes)
            self.assertEqual(watch.seen, [], "a member was suspected during rotation")
            checker.verify(self, final)
            print("\n" + checker.summary())
            listed = n1.get_json("/v1/keyring")
            self.assertEqual(listed["keys"], [{"fingerprint": fingerprint(NEW),
                                               "members": 5, "primary_on": 5}])
            for node in c.nodes:
                with open(os.path.join(node.data_dir, "keyring")) as f:
                    content = f.read()
                self.assertIn(f"key={NEW}", content)
                self.assertNotIn(OLD, content)
            # The CLI prints the listing.
            out = subprocess.run([ONEVALUE_BIN, "keyring", "-list",
                                  f"-http-addr={n1.ip}:{n1.http_port}"],
                                 capture_output=True, text=True, timeout=30)
            self.assertEqual(out.returncode, 0, out.stderr)
            self.assertIn(fingerprint(NEW) + "\t5/5\t5", out.stdout)
            # A node restarted with the old key in its config keeps the rotated file.
            n5 = c.nodes[4]
            n5.stop()
            n5.start()
            c.wait_formed()


if __name__ == "__main__":
    unittest.main()
