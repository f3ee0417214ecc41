"""A node whose data dir's file system fills up (issue 16, item 2; issue 15).

The data dir is a small tmpfs (root only: mount) that the test fills with a filler
file. The state lives in two slot files rewritten in place (actors/core/state_slots.hpp),
which need no new space: writes keep being acknowledged and made durable on a full
disk, a node killed and restarted while the disk is full serves the last acknowledged
value and keeps taking writes, and nothing logs a full disk. (When a save does find no
space, as on a copy-on-write file system, the store refuses writes with 507 until space
returns: store_disk_full_test.cpp covers that with an injected ENOSPC.)
"""

import errno
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

    def assert_value(self, n):
        self.assertEqual(self.node.value()["value"], n)
        status, _, body = self.node.request("GET", "/get")
        self.assertEqual((status, body.strip()), (200, str(n)))

    def slots(self):
        """The text in each state slot file (what `cat` shows), zeros stripped."""
        texts = []
        for i in (0, 1):
            with open(os.path.join(self.node.data_dir, f"state.{i}"), "rb") as f:
                data = f.read()
            self.assertEqual(len(data), 4096)
            texts.append(data.rstrip(b"\0").decode())
        return texts

    def log_count(self, text):
        with open(self.node.log_path, errors="replace") as f:
            return sum(1 for line in f if text in line)

    def test_a_full_disk_does_not_stop_durable_writes(self):
        self.assertEqual(self.put(5)[0], 200)
        filler = fill(self.node.data_dir)
        for n in range(10, 20):
            status, body = self.put(n)
            self.assertEqual(status, 200, body)
            self.assertTrue(any(f"value={n}\n" in text for text in self.slots()))
        status, _, body = self.node.request("POST", "/set/20")
        self.assertEqual(status, 200, body)
        self.assert_value(20)
        self.assertEqual(self.log_count("disk full"), 0, self.node.log_tail())
        self.assertEqual(sorted(f for f in os.listdir(self.node.data_dir)
                                if f.startswith("state")), ["state", "state.0", "state.1"])
        os.remove(filler)

    def test_restart_on_a_full_disk_serves_the_value_it_held_and_takes_writes(self):
        self.assertEqual(self.put(7)[0], 200)
        filler = fill(self.node.data_dir)
        self.node.kill()
        self.node.start()
        self.assert_value(7)
        self.assertEqual(self.put(9)[0], 200)
        self.node.kill()
        self.node.start()
        self.assert_value(9)
        self.assertEqual(self.log_count("disk full"), 0, self.node.log_tail())
        os.remove(filler)
        self.assertEqual(self.put(10)[0], 200)
        self.assert_value(10)


if __name__ == "__main__":
    unittest.main()
