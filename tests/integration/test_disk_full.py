"""A node whose data dir's file system fills up (issue 16, item 2).

The data dir is a small tmpfs (root only: mount) that the test fills with a filler
file. Writes must get 507 with a JSON error (never 200, never a hang), reads keep the
last acknowledged value, the state file stays the acknowledged one, the full disk is
logged once however many writes it refuses, writes come back once the filler is
removed (no restart), and a node restarted while the disk is full starts and serves
the value it held.
"""

import errno
import json
import os
import shutil
import subprocess
import unittest

from cluster import Cluster

TMPFS_SIZE = "256k"


def fill(directory):
    """Writes a filler file until the file system is full; returns its path."""
    path = os.path.join(directory, "filler")
    chunk = b"\0" * 4096
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as e:
            if e.errno != errno.ENOSPC:
                raise
    return path


@unittest.skipUnless(os.geteuid() == 0, "needs root to mount a tmpfs as the data dir")
class DiskFullTest(unittest.TestCase):
    def setUp(self):
        self.cluster = Cluster(1, first_ip=110, http_port=18780, cluster_port=18746)
        self.node = self.cluster.nodes[0]
        # Cleanups run last first: stop the node, unmount, then remove the work dir
        # (Cluster's own removal cannot take the mount point while it is mounted).
        self.addCleanup(shutil.rmtree, self.cluster.workdir, True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs",
                        self.node.data_dir], check=True)
        self.addCleanup(subprocess.run, ["umount", "-l", self.node.data_dir])
        self.cluster.__enter__()
        self.addCleanup(self.cluster.__exit__, None, None, None)

    def put(self, n):
        status, _, body = self.node.request("PUT", "/v1/value", body=str(n))
        return status, body

    def assert_refused(self, n):
        status, body = self.put(n)
        self.assertEqual(status, 507, body)
        self.assertIn("disk full", json.loads(body)["error"])
        status, _, body = self.node.request("POST", f"/set/{n}")
        self.assertEqual(status, 507, body)
        self.assertIn("error", json.loads(body))

    def assert_value(self, n):
        self.assertEqual(self.node.value()["value"], n)
        status, _, body = self.node.request("GET", "/get")
        self.assertEqual((status, body.strip()), (200, str(n)))

    def state_file(self):
        with open(os.path.join(self.node.data_dir, "state")) as f:
            return f.read()

    def log_count(self, text):
        with open(self.node.log_path, errors="replace") as f:
            return sum(1 for line in f if text in line)

    def test_full_disk_refuses_writes_keeps_reads_and_recovers(self):
        self.assertEqual(self.put(5)[0], 200)
        acknowledged = self.state_file()
        filler = fill(self.node.data_dir)
        for n in range(10, 20):
            self.assert_refused(n)
        self.assert_value(5)
        self.assertEqual(self.state_file(), acknowledged)
        self.assertFalse(os.path.exists(os.path.join(self.node.data_dir, "state.tmp")))
        self.assertEqual(self.log_count("disk full:"), 1, self.node.log_tail())
        # Space returns: writes work again without a restart.
        os.remove(filler)
        self.assertEqual(self.put(8)[0], 200)
        self.assert_value(8)
        self.assertIn("value=8\n", self.state_file())
        self.assertEqual(self.log_count("saves succeed again"), 1, self.node.log_tail())

    def test_restart_on_a_full_disk_serves_the_value_it_held(self):
        self.assertEqual(self.put(7)[0], 200)
        acknowledged = self.state_file()
        filler = fill(self.node.data_dir)
        self.node.kill()
        self.node.start()
        self.assert_value(7)
        self.assert_refused(9)
        self.assertEqual(self.state_file(), acknowledged)
        self.assertEqual(self.log_count("disk full at start"), 1, self.node.log_tail())
        os.remove(filler)
        self.assertEqual(self.put(10)[0], 200)
        self.assert_value(10)
        self.assertIn("value=10\n", self.state_file())


if __name__ == "__main__":
    unittest.main()
