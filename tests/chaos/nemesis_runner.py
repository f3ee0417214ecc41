"""Carries out the nemesis's plan on the running soak cluster.

Each fault runs in its own thread (inject, wait its duration, heal), so faults
overlap as planned. A watcher thread polls every node the nemesis did not kill and
reports any that exited on its own as a crash (then restarts it, so the soak goes on).
`heal_all` ends every fault at once and returns the moment the cluster was whole again.
"""

import collections
import signal
import threading
import time


class Nemesis:
    """Owns the fault threads; `nodes` are SoakNodes, `net` the ChaosNetwork."""

    def __init__(self, net, nodes, faults, report):
        self.net = net
        self.nodes = nodes
        self.faults = faults
        self.report = report
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.down = set()      # indices of nodes the nemesis killed, not yet restarted
        self.paused = set()
        self.counts = collections.Counter()
        self.kills = collections.defaultdict(list)  # node name -> monotonic kill times
        self.threads = []
        self.t0 = None

    def log(self, text):
        print(f"  [{time.monotonic() - self.t0:7.1f}s] {text}", flush=True)

    def run(self, duration):
        """Runs the plan for `duration` s (blocking), watching for crashes."""
        self.t0 = time.monotonic()
        watcher = threading.Thread(target=self.watch)
        watcher.start()
        for f in self.faults:
            if self.stop_event.wait(max(0.0, self.t0 + f.start - time.monotonic())):
                break
            t = threading.Thread(target=self.carry_out, args=(f,))
            t.start()
            self.threads.append(t)
        self.stop_event.wait(max(0.0, self.t0 + duration - time.monotonic()))
        self.stop_event.set()
        watcher.join()

    def carry_out(self, f):
        names = [n.name for n in self.nodes]
        rules, undo = [], None
        try:
            if f.kind == "kill":
                undo = self.kill(f.nodes[0])
            elif f.kind == "pause":
                undo = self.pause(f.nodes[0])
            elif f.kind == "disk-full":
                disk = self.nodes[f.nodes[0]].disk
                filled = disk.fill()
                self.log(f"disk-full {names[f.nodes[0]]}: {filled} bytes written")
                undo = disk.free
            else:
                if f.kind == "isolate":
                    others = [i for i in range(len(self.nodes)) if i != f.nodes[0]]
                    rules = self.net.cut_between(f.nodes, others)
                elif f.kind == "split":
                    rules = self.net.cut_between(f.nodes, f.others)
                elif f.kind == "one-way":
                    rules = self.net.one_way(f.nodes[0], f.others[0])
                else:
                    rules = self.net.loss(f.nodes, f.probability, f.kind == "loss-one")
                self.net.add(rules)
            with self.lock:
                self.counts[f.kind] += 1
            self.log("start " + f.describe(names).split("  ", 1)[1])
            self.stop_event.wait(f.duration)
        except Exception as err:  # noqa: BLE001
            self.report.violation(f"fault {f.describe(names)} could not be carried out: {err!r}")
        finally:
            self.net.remove(rules)
            if undo:
                undo()
            self.log(f"end   {f.kind} {','.join(names[i] for i in f.nodes)}")

    def kill(self, i):
        node = self.nodes[i]
        with self.lock:
            self.down.add(i)
            self.kills[node.name].append(time.monotonic())
        node.kill()

        def restart():
            try:
                node.start()
            except AssertionError as err:
                self.report.violation(f"{node.name} did not restart after kill -9: {err}")
            with self.lock:
                self.down.discard(i)
        return restart

    def pause(self, i):
        node = self.nodes[i]
        with self.lock:
            self.paused.add(i)
        node.signal(signal.SIGSTOP)

        def resume():
            node.signal(signal.SIGCONT)
            with self.lock:
                self.paused.discard(i)
        return resume

    def watch(self):
        while not self.stop_event.wait(0.5):
            for i, node in enumerate(self.nodes):
                with self.lock:  # kill() marks a node down before it kills it
                    if i in self.down:
                        continue
                    rc = node.proc.poll()
                    if rc is None:
                        continue
                self.report.violation(f"{node.name} exited with {rc} during the soak "
                                      f"(not killed by the nemesis): {node.log_tail(15)}")
                with self.lock:
                    self.down.add(i)
                try:
                    node.start()
                finally:
                    with self.lock:
                        self.down.discard(i)

    def heal_all(self):
        """Ends every fault (their threads undo what they did) and returns the
        monotonic time at which the last one was undone."""
        self.stop_event.set()
        for t in self.threads:
            t.join()
        self.net.remove_all()
        for node in self.nodes:
            node.disk.free()
        healed = time.monotonic()
        self.log("every fault healed")
        return healed
