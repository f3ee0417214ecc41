"""The cluster page (/ui) in a real browser: Debian's chromium, headless, driven by
playwright-core (tests/ui/ui_test.js; `npm ci` in tests/ui first). A value written with
curl on another node shows within 1 s, a node killed with SIGKILL shows as failed, and
the page's form writes a value another node then serves."""

import json
import os
import subprocess
import unittest

from cluster import Cluster

HTTP_PORT = 28980
CLUSTER_PORT = 28946
UI_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "ui")


class UiBrowserTest(unittest.TestCase):
    def test_page_follows_the_cluster_and_writes(self):
        self.assertTrue(os.path.isdir(os.path.join(UI_DIR, "node_modules", "playwright-core")),
                        "run `npm ci` in tests/ui first (playwright-core)")
        self.assertTrue(os.access("/usr/bin/chromium", os.X_OK),
                        "install Debian's chromium package")
        with Cluster(3, first_ip=191, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT) as c:
            c.wait_formed()
            n1, n2, n3 = c.nodes
            nodes = [{"name": n.name, "url": f"http://{n.ip}:{n.http_port}", "pid": n.proc.pid}
                     for n in (n1, n2, n3)]
            env = dict(os.environ, UI_NODES=json.dumps(nodes))
            proc = subprocess.run(["node", "ui_test.js"], cwd=UI_DIR, env=env,
                                  capture_output=True, text=True, timeout=120)
            print(proc.stdout)
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
