"""A second node started with a copied config (same name, its own address) stops with a
clear error and a non-zero exit; the node that holds the name keeps it; no refutation
loop (issue 17: two nodes with one name once reached incarnation 15,305 in 8 s)."""

import os
import subprocess
import time
import unittest

from cluster import ONEVALUE_BIN, Cluster, ip, wait_until


def config_text(name, address, http_port, cluster_port, seed, data_dir):
    return (f'[onevalue]\nname="{name}"\nbind="{address}"\nadvertise="{address}"\n'
            f'cluster-port={cluster_port}\nhttp-port={http_port}\nseeds=["{seed}"]\n'
            f'data-dir="{data_dir}"\nprofile="local"\nstatus-interval=0s\n')


class NameConflictTest(unittest.TestCase):
    def test_a_copied_config_on_another_host_stops_and_the_holder_keeps_its_name(self):
        with Cluster(3) as c:
            c.wait_formed()
            holder = c.nodes[1]
            port = holder.cluster_port
            seed = f"{ip(1)}:{port}"
            before = c.nodes[0].members()[holder.name]
            # n2's config, copied to a machine whose address is NET.9 (the copy keeps the
            # name; the data dir is the new machine's own).
            original = config_text(holder.name, holder.ip, holder.http_port, port, seed,
                                   holder.data_dir)
            other_dir = os.path.join(c.workdir, "copy", "data")
            copied = original.replace(holder.ip, ip(9)).replace(holder.data_dir, other_dir)
            path = os.path.join(c.workdir, "copied.ini")
            with open(path, "w") as f:
                f.write(copied)
            log_path = os.path.join(c.workdir, "copy.log")
            with open(log_path, "wb") as log:
                proc = subprocess.Popen([ONEVALUE_BIN, f"--config-file={path}"], stdout=log,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
            try:
                started = time.monotonic()
                rc = proc.wait(timeout=20)
                took = time.monotonic() - started
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(10)
            with open(log_path, errors="replace") as f:
                log = f.read()
            print(f"\nthe copy exited with {rc} after {took:.2f}s")
            self.assertNotEqual(rc, 0, log)
            self.assertIn(f"node name {holder.name} is already in use by a live member at "
                          f"{holder.ip}:{port}", log)
            self.assertIn(f"(this node: {ip(9)}:{port}", log)
            self.assertNotIn("leaving the cluster", log)

            # The holder keeps its name and address, never refuted, and is alive everywhere.
            for node in c.nodes:
                member = node.members()[holder.name]
                self.assertEqual(member["address"], holder.ip)
                self.assertEqual(member["state"], "alive")
                self.assertEqual(member["incarnation"], before["incarnation"])
            self.assertNotIn("refuting", holder.log_tail(1000))
            self.assertTrue(holder.alive())
            # Nothing got stuck: a write still reaches every node.
            status, _, _ = holder.request("GET", "/set/17")
            self.assertEqual(status, 200)
            c.wait_value(17)
            wait_until(lambda: all(set(n.members()) == {"n1", "n2", "n3"} for n in c.nodes),
                       5, "the member list to stay n1, n2, n3")


if __name__ == "__main__":
    unittest.main()
