"""The soak's own network and disks: one namespace per node on a bridge, iptables
faults inside the namespaces, and a small tmpfs as each node's data dir.

Everything is named `ovc-<pid>-...` (unique per process) and removed by `destroy()`.
Faults add iptables rules only for traffic between node addresses, so the clients,
which reach every node from the root namespace through the bridge address, are never
cut off: the soak sees what a client of a partitioned node sees.
"""

import errno
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))

from test_partition_netns import TestNetwork  # noqa: E402


def run(*args, check=True):
    return subprocess.run(list(args), check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)


class ChaosNetwork(TestNetwork):
    """TestNetwork with rule sets that can be added and removed one fault at a time."""

    def __init__(self, count):
        super().__init__(count)
        pid = os.getpid()
        self.prefix = f"ovc-{pid % 100000}-"
        self.subnet = f"10.253.{pid % 250}"
        self.bridge = self.prefix + "br"
        self.namespaces = [self.prefix + f"ns{i + 1}" for i in range(count)]
        self.forward_rule = ["FORWARD", "-i", self.bridge, "-o", self.bridge, "-j", "ACCEPT"]
        self.active = []  # rules in place: (namespace index, chain, spec)

    # -- rule sets: lists of (namespace index, chain, match+target) ------------------

    def cut_between(self, side_a, side_b):
        """Drops everything between the nodes of side_a and side_b, both ways."""
        rules = []
        for a in side_a:
            for b in side_b:
                rules.append((a, "INPUT", ["-s", self.ip_of(b), "-j", "DROP"]))
                rules.append((a, "OUTPUT", ["-d", self.ip_of(b), "-j", "DROP"]))
        return rules

    def one_way(self, deaf, speaker):
        """`deaf` no longer hears `speaker`; `speaker` still hears `deaf`."""
        return [(deaf, "INPUT", ["-s", self.ip_of(speaker), "-j", "DROP"])]

    def loss(self, nodes, probability, both_ways):
        """Drops `probability` of the datagrams and segments `nodes` receive from
        (and, both_ways, send to) every other node."""
        rules = []
        stat = ["-m", "statistic", "--mode", "random", "--probability", f"{probability:.3f}",
                "-j", "DROP"]
        for i in nodes:
            for j in range(len(self.namespaces)):
                if j == i:
                    continue
                rules.append((i, "INPUT", ["-s", self.ip_of(j)] + stat))
                if both_ways:
                    rules.append((i, "OUTPUT", ["-d", self.ip_of(j)] + stat))
        return rules

    def add(self, rules):
        for i, chain, spec in rules:
            run("ip", "netns", "exec", self.namespaces[i], "iptables", "-A", chain, *spec)
            self.active.append((i, chain, spec))

    def remove(self, rules):
        """Removes one instance of each rule (another fault may hold an identical one)."""
        for rule in rules:
            if rule in self.active:
                self.active.remove(rule)
                i, chain, spec = rule
                run("ip", "netns", "exec", self.namespaces[i], "iptables", "-D", chain, *spec,
                    check=False)

    def remove_all(self):
        self.remove(list(self.active))


class TmpfsDisk:
    """A small tmpfs on one node's data dir, which a fault fills up and frees."""

    FILL_NAME = "chaos-disk-fill"

    def __init__(self, path, size_mb):
        self.path = path
        self.size_mb = size_mb
        self.mounted = False

    def mount(self):
        os.makedirs(self.path, exist_ok=True)
        run("mount", "-t", "tmpfs", "-o", f"size={self.size_mb}m,mode=0700", "tmpfs", self.path)
        self.mounted = True

    def fill(self):
        """Writes a file until the tmpfs reports ENOSPC; returns the bytes written."""
        written = 0
        chunk = b"\0" * (64 * 1024)
        with open(os.path.join(self.path, self.FILL_NAME), "wb", buffering=0) as f:
            while True:
                try:
                    n = f.write(chunk)
                except OSError as err:
                    if err.errno != errno.ENOSPC:
                        raise
                    break
                written += n or 0
                if not n:
                    break
            # Whatever fits of a smaller piece, so not even a small state file fits.
            for size in (4096, 512, 64, 1):
                try:
                    while True:
                        written += f.write(b"\0" * size) or 0
                except OSError:
                    pass
        return written

    def free(self):
        try:
            os.unlink(os.path.join(self.path, self.FILL_NAME))
        except FileNotFoundError:
            pass

    def unmount(self):
        if self.mounted:
            run("umount", "-l", self.path, check=False)
            self.mounted = False


def tools_missing():
    """Names of the commands the soak needs that are not installed."""
    return [t for t in ("ip", "iptables", "mount", "umount") if shutil.which(t) is None]
