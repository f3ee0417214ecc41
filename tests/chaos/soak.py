#!/usr/bin/env python3
"""Nemesis soak: 5 keyed onevalue nodes in network namespaces, clients writing and
reading on every node, and overlapping faults drawn from a seed; then every fault heals
and the run checks that nothing was lost. Root only. Exits 0 if every invariant held,
1 with a report of each violation, 2 if it could not run.

    sudo tests/chaos/soak.py --seed 7 --duration 120 [--bin build/onevalue]
        [--sanitizer-bin build-asan/onevalue [--sanitizer-nodes all|one]]

After the nemesis stops and every fault healed (clients stopped, killed nodes
restarted, paused nodes continued, rules removed, disks freed), within the bound
printed as "convergence bound" (see `bounds()`):
  * every node lists every other node as alive;
  * every node holds the acknowledged write of greatest version (or a newer write whose
    reply was lost), and all hold the same version;
and over the whole run: no read on a node went backwards, every read returned a value
written with that version, no node exited that the nemesis did not kill, every node
exits 0 on SIGTERM at the end, and no sanitizer report was written.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from chaos_network import ChaosNetwork, TmpfsDisk, tools_missing  # noqa: E402
from checker import Checker  # noqa: E402
from nemesis_runner import Nemesis  # noqa: E402
from nemesis_schedule import plan  # noqa: E402
from soak_clients import SoakClients  # noqa: E402
from soak_report import Report  # noqa: E402
from test_partition_netns import NsNode  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
NODES = 5
HTTP_PORT = 8080
CLUSTER_PORT = 7946

# The protocol timings of the run (the `local` profile's, given explicitly so the
# bound below follows them).
PROBE_INTERVAL = 0.2
SUSPICION_MULT = 4
SUSPICION_MAX_MULT = 6
FAILED_PROBE_INTERVAL = 1.0
PUSH_PULL_INTERVAL = 5.0
AWARENESS_MAX = 8


def bounds():
    """(members, value) convergence bounds in seconds after the last fault healed.

    Members: a member still held failed is probed within failed-probe-interval; its
    ack makes the prober push-pull with it, it refutes with a higher incarnation and
    gossip spreads that in a few gossip rounds. A member suspected at the moment of
    healing may first run out its suspicion (at most suspicion-max-mult x
    suspicion-mult x probe-interval, 4.8 s here) and be failed, then merged as above.
    Both may happen on a node whose Lifeguard score stretched its probes by up to
    awareness-max-multiplier (8 x 200 ms). Twice that chain, for a node that first
    learns a peer failed (refuting makes the others re-probe):
        2 x (4.8 + 1.0 + 1.6) = 14.8 s.
    Value: once members are alive, a node lacking the greatest version gets it at its
    next push-pull (every push-pull-interval, with any member holding it; the
    healing push-pull usually carries it already) or from the node that pushes:
        members bound + 2 x push-pull-interval = 24.8 s.
    """
    suspicion_max = SUSPICION_MAX_MULT * SUSPICION_MULT * PROBE_INTERVAL
    chain = suspicion_max + FAILED_PROBE_INTERVAL + AWARENESS_MAX * PROBE_INTERVAL
    members = 2 * chain
    return members, members + 2 * PUSH_PULL_INTERVAL


class SoakNode(NsNode):
    """A node of the soak: its own binary, sanitizer logs, and a tmpfs data dir."""

    def __init__(self, binary, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.binary = binary
        self.disk = TmpfsDisk(self.data_dir, size_mb=4)

    def args(self):
        a = super().args()
        a[4] = self.binary  # after ip netns exec NS
        return a + [
            f"--onevalue.probe-interval={int(PROBE_INTERVAL * 1000)}ms",
            f"--onevalue.suspicion-mult={SUSPICION_MULT}",
            f"--onevalue.suspicion-max-mult={SUSPICION_MAX_MULT}",
            f"--onevalue.failed-probe-interval={int(FAILED_PROBE_INTERVAL * 1000)}ms",
            f"--onevalue.push-pull-interval={int(PUSH_PULL_INTERVAL * 1000)}ms",
            f"--onevalue.awareness-max-multiplier={AWARENESS_MAX}",
        ]


def make_key():
    out = subprocess.run([os.path.join(ROOT, "app", "make_keyring.sh")], check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout.strip()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=1, help="seed of the fault schedule")
    p.add_argument("--duration", type=float, default=120.0,
                   help="seconds the nemesis runs (default 120)")
    p.add_argument("--bin", default=os.environ.get("ONEVALUE_BIN")
                   or os.path.join(ROOT, "build", "onevalue"), help="the onevalue binary")
    p.add_argument("--sanitizer-bin", help="an ASan+UBSan build of onevalue")
    p.add_argument("--sanitizer-nodes", choices=("one", "all"), default="all",
                   help="with --sanitizer-bin: run n1 only or every node on it")
    p.add_argument("--mean-gap", type=float, default=4.0,
                   help="mean seconds between two fault starts (default 4)")
    p.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    return p.parse_args(argv)


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv):
    args = parse_args(argv)
    # SIGTERM cleans up as Ctrl-C does: every node killed, namespaces and mounts gone.
    signal.signal(signal.SIGTERM, interrupt)
    if os.geteuid() != 0:
        print("soak: needs root (network namespaces, iptables, tmpfs mounts)")
        return 2
    missing = tools_missing()
    if missing:
        print(f"soak: missing tools: {', '.join(missing)} (apt-get install iproute2 iptables)")
        return 2
    for b in [args.bin] + ([args.sanitizer_bin] if args.sanitizer_bin else []):
        if not os.access(b, os.X_OK):
            print(f"soak: no executable at {b}")
            return 2
    workdir = tempfile.mkdtemp(prefix="onevalue-soak-")
    sanitizer_dir = os.path.join(workdir, "sanitizer")
    os.makedirs(sanitizer_dir)
    os.environ["ONEVALUE_GOSSIP_KEYS"] = make_key()
    os.environ["ASAN_OPTIONS"] = f"log_path={sanitizer_dir}/asan:detect_leaks=1"
    os.environ["UBSAN_OPTIONS"] = f"log_path={sanitizer_dir}/ubsan:print_stacktrace=1"
    net = ChaosNetwork(NODES)
    nodes = []
    report = Report(args, bounds())
    clients = nemesis = None
    try:
        net.create()
        seed_addr = f"{net.ip_of(0)}:{CLUSTER_PORT}"
        for i, ns in enumerate(net.namespaces):
            sanitized = args.sanitizer_bin and (args.sanitizer_nodes == "all" or i == 0)
            binary = args.sanitizer_bin if sanitized else args.bin
            node = SoakNode(binary, ns, f"n{i + 1}", net.ip_of(i), HTTP_PORT, CLUSTER_PORT,
                            workdir, [] if i == 0 else [seed_addr])
            node.disk.mount()
            nodes.append(node)
        for node in nodes:
            node.start()
        names = [n.name for n in nodes]
        report.wait_members(nodes, 60, "the cluster to form")
        faults = plan(args.seed, args.duration, NODES, args.mean_gap)
        print(f"soak: seed {args.seed}, {args.duration:.0f} s, {len(faults)} faults, "
              f"work dir {workdir}\ntimeline:", flush=True)
        for f in faults:
            print("  " + f.describe(names), flush=True)
        checker = Checker()
        clients = SoakClients(checker, nodes, args.seed)
        nemesis = Nemesis(net, nodes, faults, report)
        clients.start()
        nemesis.run(args.duration)
        clients.stop()
        healed_at = nemesis.heal_all()
        report.converge(checker, nodes, healed_at, nemesis.kills)
        report.clients(clients, checker, nemesis)
        report.stop_nodes(nodes)
        report.sanitizer_logs(sanitizer_dir, nodes)
    except Exception as err:  # noqa: BLE001 - the report must say what broke
        report.violation(f"the soak itself failed: {err!r}")
    except KeyboardInterrupt:
        report.violation("interrupted (SIGINT or SIGTERM) before the end")
    finally:
        # After a failure mid-run: end every thread (faults undo themselves) first.
        if clients:
            clients.stop()
        if nemesis:
            nemesis.stop_event.set()
            for t in nemesis.threads + ([nemesis.watcher] if nemesis.watcher else []):
                t.join()
        for node in nodes:
            if node.proc and node.proc.poll() is None:
                node.proc.send_signal(signal.SIGCONT)
                node.kill()
        net.remove_all()
        for node in nodes:
            node.disk.unmount()
        net.destroy()
        if report.violations:
            for node in nodes:
                print(f"---- log of {node.name} ----\n{node.log_tail(30)}")
        if args.keep or report.violations:
            print(f"soak: work dir kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
