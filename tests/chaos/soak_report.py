"""The soak's checks after healing and its final report.

`Report` collects violations (thread-safe) from the nemesis, the watcher and the
final checks, prints the results table and decides the exit code.
"""

import glob
import os
import threading
import time

from checker import version_key


def members_whole(nodes):
    """True if every node lists exactly these nodes, all alive."""
    names = {n.name for n in nodes}
    for node in nodes:
        members = node.members()
        if set(members) != names or any(m["state"] != "alive" for m in members.values()):
            return False
    return True


def values_converged(checker, nodes):
    """The final reads if every node holds one version, at least the greatest
    acknowledged one; else None."""
    best = checker.winner()
    target = version_key(best[2]) if best else (0, "")
    reads = {n.name: n.value() for n in nodes}
    versions = {version_key(r["version"]) for r in reads.values()}
    if len(versions) == 1 and min(versions) >= target:
        return reads
    return None


def backward_reads(reads, kills):
    """Reads that returned an older version than a read on the same node that ended
    before they began, split into (within one process, across a kill -9 restart):
    each a list of (node, older version, newer version seen before)."""
    within, across = [], []
    by_node = {}
    for r in reads:
        by_node.setdefault(r[0], []).append(r)
    for node, rs in by_node.items():
        ends = sorted(rs, key=lambda r: r[2])
        best, best_start, j = (-1, ""), 0.0, 0
        for r in sorted(rs, key=lambda r: r[1]):
            while j < len(ends) and ends[j][2] < r[1]:
                if version_key(ends[j][4]) > best:
                    best, best_start = version_key(ends[j][4]), ends[j][1]
                j += 1
            if version_key(r[4]) < best:
                # A kill after the newer read began: that read may have been answered
                # by the old process just before SIGKILL, this one by the new.
                restarted = any(best_start <= k <= r[1] for k in kills.get(node, []))
                (across if restarted else within).append((node, r[4], best))
    return within, across


def poll(condition, timeout):
    """Polls `condition` until truthy or `timeout` s; returns (result, seconds)."""
    start = time.monotonic()
    last = None
    while time.monotonic() - start < timeout:
        try:
            last = condition()
        except (OSError, ValueError) as err:
            last = None
            _ = err
        if last:
            return last, time.monotonic() - start
        time.sleep(0.05)
    return None, time.monotonic() - start


def wait_converged_timed(checker, nodes, timeout):
    return poll(lambda: values_converged(checker, nodes), timeout)


class Report:
    def __init__(self, args, bounds):
        self.args = args
        self.members_bound, self.value_bound = bounds
        self.lock = threading.Lock()
        self.violations = []
        self.rows = []  # (what, figure) for the results table

    def violation(self, text):
        with self.lock:
            self.violations.append(text)
        print(f"VIOLATION: {text}", flush=True)

    def row(self, what, figure):
        self.rows.append((what, figure))

    def wait_members(self, nodes, timeout, what):
        ok, took = poll(lambda: members_whole(nodes), timeout)
        if not ok:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        return took

    def history(self, checker, final, kills):
        """The checker's verdict, with reads that went backwards split by cause."""
        problems = [p for p in checker.problems(final) if "went backwards" not in p]
        for problem in problems[:20]:
            self.violation(problem)
        if len(problems) > 20:
            self.violation(f"... and {len(problems) - 20} more history violations")
        with checker.lock:
            reads = list(checker.reads)
        within, across = backward_reads(reads, kills)
        self.row("reads that went backwards within one process", str(len(within)))
        self.row("reads that went backwards across a kill -9 restart", str(len(across)))
        if within:
            self.violation(f"{len(within)} reads went backwards on a running node, "
                           f"e.g. {within[:3]}")
        if across:
            nodes = sorted({a[0] for a in across})
            self.violation(f"{len(across)} reads went backwards across a kill -9 restart "
                           f"of {nodes}, e.g. {across[:3]}: the node served a remote value "
                           f"it had not yet saved and restarted with an older one")

    def converge(self, checker, nodes, healed_at, kills):
        """Checks the convergence bounds from `healed_at` and the history."""
        print(f"convergence bound: members {self.members_bound:.1f} s, value "
              f"{self.value_bound:.1f} s after healing", flush=True)
        # Measured from the heal; waits on past the bound (to 4x) to say how late.
        ok, _ = poll(lambda: members_whole(nodes),
                     max(0.0, healed_at + 4 * self.members_bound - time.monotonic()))
        members_took = time.monotonic() - healed_at
        if not ok:
            self.violation(f"members not all alive everywhere {members_took:.1f} s after "
                           f"healing: " + "; ".join(f"{n.name}: {self.states(n)}" for n in nodes))
        elif members_took > self.members_bound:
            self.violation(f"members took {members_took:.1f} s to converge, bound "
                           f"{self.members_bound:.1f} s")
        final, _ = poll(lambda: values_converged(checker, nodes),
                        max(0.0, healed_at + 4 * self.value_bound - time.monotonic()))
        value_took = time.monotonic() - healed_at
        self.row("members converged after healing", f"{members_took:.2f} s "
                 f"(bound {self.members_bound:.1f} s)")
        self.row("value converged after healing", f"{value_took:.2f} s "
                 f"(bound {self.value_bound:.1f} s)")
        if final is None:
            reads = {}
            for n in nodes:
                try:
                    reads[n.name] = n.value()
                except (OSError, ValueError) as err:
                    reads[n.name] = repr(err)
            self.violation(f"values did not converge within {value_took:.1f} s; greatest "
                           f"acknowledged {checker.winner()}; nodes hold {reads}")
            return
        if value_took > self.value_bound:
            self.violation(f"value took {value_took:.1f} s to converge, bound "
                           f"{self.value_bound:.1f} s")
        self.history(checker, final, kills)

    @staticmethod
    def states(node):
        try:
            return {k: m["state"] for k, m in node.members().items()}
        except (OSError, ValueError) as err:
            return repr(err)

    def clients(self, clients, checker, nemesis):
        counts = clients.counts
        self.row("acknowledged writes", str(len(checker.acked)))
        self.row("writes with unknown outcome (5xx, timeout)", str(len(checker.attempted)))
        self.row("reads recorded", str(len(checker.reads)))
        for key in sorted(counts):
            self.row(f"client {key}", str(counts[key]))
        total = sum(nemesis.counts.values())
        self.row("faults injected", str(total))
        self.row("faults started over 2 s late (a loaded machine, or a lock of the node)",
                 str(nemesis.late))
        self.row("kill -9 and restart", str(sum(len(k) for k in nemesis.kills.values())))
        for kind in sorted(nemesis.counts):
            self.row(f"faults: {kind}", str(nemesis.counts[kind]))

    def stop_nodes(self, nodes):
        for node in nodes:
            rc = node.proc.poll()
            if rc is not None:
                self.violation(f"{node.name} had exited with {rc} before the end")
                continue
            rc, took = node.stop(timeout=10)
            if rc != 0:
                self.violation(f"{node.name} exited with {rc} on SIGTERM ({took:.1f} s): "
                               f"{node.log_tail(10)}")

    def sanitizer_logs(self, directory, nodes):
        for path in sorted(glob.glob(os.path.join(directory, "*"))):
            with open(path, errors="replace") as f:
                text = f.read()
            if text.strip():
                self.violation(f"sanitizer report {os.path.basename(path)}:\n{text[:3000]}")
        for node in nodes:
            with open(node.log_path, errors="replace") as f:
                for line in f:
                    if "runtime error:" in line or "ERROR: AddressSanitizer" in line:
                        self.violation(f"{node.name} log: {line.strip()}")
                        break

    def finish(self):
        print("\nresults:\n| what | figure |\n|---|---|")
        for what, figure in self.rows:
            print(f"| {what} | {figure} |")
        if self.violations:
            print(f"\nFAILED: {len(self.violations)} violation(s):")
            for v in self.violations:
                print(f"  - {v}")
            return 1
        print("\nPASSED: every invariant held")
        return 0
