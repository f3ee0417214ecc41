"""Carries out the nemesis's plan on the running soak cluster.

Each fault runs in its own thread (inject, wait its duration, heal), so faults
overlap as planned. The plan keeps kill, pause and disk-full of one node apart, but a
loaded machine delays threads, so each node also has two locks that hold them apart at
run time: `process` (kill until the restarted node serves, pause until SIGCONT, and the
watcher's restarts) and `disk` (disk-full until freed; a kill takes it too, so a node is
never restarted on a full disk here). A fault that had to wait for its lock starts late
and still lasts its planned time.

A watcher thread polls every node whose process lock is free and reports any that
exited on its own as a crash (then restarts it, at most 3 times per node, so the soak
goes on). `heal_all` ends every fault and returns the moment the last one was undone.
"""

import collections
import signal
import threading
import time

MAX_WATCHER_RESTARTS = 3


class Nemesis:
    """Owns the fault threads; `nodes` are SoakNodes, `net` the ChaosNetwork."""

    def __init__(self, net, nodes, faults, report):
        self.net = net
        self.nodes = nodes
        self.faults = faults
        self.report = report
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.process_locks = [threading.Lock() for _ in nodes]
        self.disk_locks = [threading.Lock() for _ in nodes]
        self.counts = collections.Counter()
        self.late = 0  # faults that started more than 2 s after their planned time
        self.kills = collections.defaultdict(list)  # node name -> monotonic kill times
        self.restarts = collections.Counter()       # watcher restarts per node
        self.threads = []
        self.watcher = None
        self.t0 = time.monotonic()

    def log(self, text):
        print(f"  [{time.monotonic() - self.t0:7.1f}s] {text}", flush=True)

    def spawn(self, target, *args):
        t = threading.Thread(target=target, args=args, daemon=True)
        t.start()
        return t

    def run(self, duration):
        """Runs the plan for `duration` s (blocking), watching for crashes. Faults
        that last to the end stay in place until `heal_all`."""
        self.t0 = time.monotonic()
        self.watcher = self.spawn(self.watch)
        for f in self.faults:
            if self.stop_event.wait(max(0.0, self.t0 + f.start - time.monotonic())):
                break
            self.threads.append(self.spawn(self.carry_out, f))
        self.stop_event.wait(max(0.0, self.t0 + duration - time.monotonic()))

    def locks_for(self, f):
        i = f.nodes[0]
        if f.kind == "kill":
            return [self.process_locks[i], self.disk_locks[i]]
        if f.kind == "pause":
            return [self.process_locks[i]]
        if f.kind == "disk-full":
            return [self.disk_locks[i]]
        return []

    def carry_out(self, f):
        names = [n.name for n in self.nodes]
        locks = self.locks_for(f)
        for lock in locks:
            lock.acquire()
        rules, undo = [], None
        try:
            if self.stop_event.is_set():
                return  # waited for a lock until the nemesis ended: nothing to do
            started = time.monotonic() - self.t0
            if started > f.start + 2.0:
                with self.lock:
                    self.late += 1
            if f.kind == "kill":
                undo = self.kill(f.nodes[0])
            elif f.kind == "pause":
                undo = self.pause(f.nodes[0])
            elif f.kind == "disk-full":
                disk = self.nodes[f.nodes[0]].disk
                undo = disk.free
                filled = disk.fill()
                self.log(f"disk-full {names[f.nodes[0]]}: {filled} bytes written")
            else:
                rules = self.network_rules(f)
                self.net.add(rules)
            with self.lock:
                self.counts[f.kind] += 1
            self.log("start " + f.describe(names).split("  ", 1)[1])
            self.stop_event.wait(None if f.until_heal else f.duration)
        except Exception as err:  # noqa: BLE001 - reported, and the soak goes on
            self.report.violation(f"fault {f.describe(names)} could not be carried out: {err!r}")
        finally:
            try:
                self.net.remove(rules)
                if undo:
                    undo()
            finally:
                for lock in reversed(locks):
                    lock.release()
            if undo or rules:
                self.log(f"end   {f.kind} {','.join(names[i] for i in f.nodes)}")

    def network_rules(self, f):
        if f.kind == "isolate":
            others = [i for i in range(len(self.nodes)) if i != f.nodes[0]]
            return self.net.cut_between(f.nodes, others)
        if f.kind == "split":
            return self.net.cut_between(f.nodes, f.others)
        if f.kind == "one-way":
            return self.net.one_way(f.nodes[0], f.others[0])
        return self.net.loss(f.nodes, f.probability, f.kind == "loss-one")

    def kill(self, i):
        node = self.nodes[i]
        with self.lock:
            self.kills[node.name].append(time.monotonic())
        node.kill()

        def restart():
            try:
                node.start()
            except AssertionError as err:
                self.report.violation(f"{node.name} did not restart after kill -9: {err}")
        return restart

    def pause(self, i):
        node = self.nodes[i]
        node.signal(signal.SIGSTOP)
        return lambda: node.signal(signal.SIGCONT)

    def watch(self):
        while not self.stop_event.wait(0.5):
            for i, node in enumerate(self.nodes):
                lock = self.process_locks[i]
                if not lock.acquire(blocking=False):
                    continue  # a kill or pause is acting on it
                try:
                    self.check_alive(i, node)
                finally:
                    lock.release()

    def check_alive(self, i, node):
        rc = node.proc.poll()
        if rc is None or self.restarts[node.name] >= MAX_WATCHER_RESTARTS:
            return
        self.report.violation(f"{node.name} exited with {rc} during the soak "
                              f"(not killed by the nemesis): {node.log_tail(15)}")
        self.restarts[node.name] += 1
        try:
            node.start()
        except AssertionError as err:
            self.report.violation(f"{node.name} did not restart after its crash: {err}")

    def heal_all(self):
        """Ends every fault (their threads undo what they did) and returns the
        monotonic time at which the last one was undone."""
        self.stop_event.set()
        for t in self.threads:
            t.join()
        if self.watcher:
            self.watcher.join()
        self.net.remove_all()
        for node in self.nodes:
            node.disk.free()
        healed = time.monotonic()
        self.log("every fault healed")
        return healed
