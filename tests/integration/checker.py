"""Records what clients saw of a onevalue cluster and checks it for lost writes.

A `Checker` is shared by the client threads of a multi-process test. It records every
acknowledged write (value, version, node), every write that was attempted but not
acknowledged (it may still have happened: a timeout is not a refusal), and every read
with its start and end time. `verify(final_reads)` then checks:

* the final value on every node equals the acknowledged write with the greatest
  version (or, if writes whose outcome is unknown have a greater version, one of
  those), and every node holds the same version;
* every read returned a value that was written with exactly that version, or the
  initial value 42 at counter 0;
* reads from one node never go backwards: a read that started after another read on
  the same node had finished never returns a smaller version.

Versions are compared as (counter, node), the order the database uses.
"""

import json
import threading
import time

INITIAL_VALUE = 42


def version_key(version):
    """The total order of versions: counter first, then node name."""
    return (version["counter"], version["node"])


class Checker:
    """Thread-safe history of one test's writes and reads."""

    def __init__(self, initial=INITIAL_VALUE):
        self.initial = initial
        self.lock = threading.Lock()
        self.acked = []        # (node, value, version)
        self.attempted = []    # (node, value) whose outcome is unknown
        self.reads = []        # (node, start, end, value, version)

    # -- client operations that record themselves ---------------------------------

    def write(self, node, value, timeout=5):
        """PUT `value` on `node`; records and returns the reply, None if refused."""
        try:
            status, _, body = node.request("PUT", "/v1/value", body=str(value),
                                           timeout=timeout)
        except OSError:
            self.record_unknown(node.name, value)
            return None
        if status == 200:
            reply = json.loads(body)
            self.record_write(node.name, reply["value"], reply["version"])
            return reply
        if status in (500, 503) and "timed out" in body:
            self.record_unknown(node.name, value)
        return None

    def read(self, node, timeout=5):
        """GET /v1/value on `node`; records and returns the reply (None on failure)."""
        start = time.monotonic()
        try:
            status, _, body = node.request("GET", "/v1/value", timeout=timeout)
        except OSError:
            return None
        end = time.monotonic()
        if status != 200:
            return None
        reply = json.loads(body)
        self.record_read(node.name, start, end, reply["value"], reply["version"])
        return reply

    # -- raw recording -----------------------------------------------------------

    def record_write(self, node, value, version):
        with self.lock:
            self.acked.append((node, value, dict(version)))

    def record_unknown(self, node, value):
        with self.lock:
            self.attempted.append((node, value))

    def record_read(self, node, start, end, value, version):
        with self.lock:
            self.reads.append((node, start, end, value, dict(version)))

    # -- verification --------------------------------------------------------------

    def winner(self):
        """The acknowledged write with the greatest version, or None."""
        with self.lock:
            if not self.acked:
                return None
            return max(self.acked, key=lambda w: version_key(w[2]))

    def problems(self, final_reads):
        """Every violation as a sentence; `final_reads` maps node name to its
        /v1/value reply after the cluster converged. Empty means all is well."""
        out = []
        with self.lock:
            acked = list(self.acked)
            unknown_values = {v for _, v in self.attempted}
            reads = list(self.reads)
        written = {version_key(v): value for _, value, v in acked}
        acked_values = {value for _, value, _ in acked}

        def plausible(value, version):
            key = version_key(version)
            if key == (0, ""):
                return value == self.initial
            if key in written:
                return written[key] == value
            # Not acknowledged to us: a write whose reply we never got.
            return value in unknown_values

        best = max(acked, key=lambda w: version_key(w[2])) if acked else None
        versions = {version_key(r["version"]) for r in final_reads.values()}
        if len(versions) > 1:
            out.append(f"nodes disagree on the final version: {final_reads}")
        for node, reply in final_reads.items():
            key = version_key(reply["version"])
            if best is None:
                if key != (0, "") and not plausible(reply["value"], reply["version"]):
                    out.append(f"{node} holds {reply} though nothing was acknowledged")
                continue
            if key < version_key(best[2]):
                out.append(f"{node} lost the acknowledged write {best}: it holds {reply}")
            elif key == version_key(best[2]) and reply["value"] != best[1]:
                out.append(f"{node} holds {reply} but version {best[2]} was written "
                           f"with value {best[1]}")
            elif key > version_key(best[2]) and not plausible(reply["value"],
                                                              reply["version"]):
                out.append(f"{node} holds {reply}, newer than any write we made")
        for node, _, _, value, version in reads:
            if not plausible(value, version):
                out.append(f"read on {node} returned {value} at {version}, never written "
                           f"(acknowledged values: {sorted(acked_values)[:10]}...)")
        by_node = {}
        for r in reads:
            by_node.setdefault(r[0], []).append(r)
        for node, rs in by_node.items():
            rs.sort(key=lambda r: r[2])  # by end time
            # For each read, the greatest version among reads that ended before it began.
            best_before = (-1, "")
            j = 0
            for r in sorted(rs, key=lambda r: r[1]):
                while j < len(rs) and rs[j][2] < r[1]:
                    best_before = max(best_before, version_key(rs[j][4]))
                    j += 1
                if version_key(r[4]) < best_before:
                    out.append(f"reads on {node} went backwards: {r[4]} after "
                               f"{best_before}")
        return out

    def verify(self, testcase, final_reads):
        """Fails `testcase` with every problem found."""
        problems = self.problems(final_reads)
        testcase.assertEqual(problems, [], "\n".join(problems[:20]))

    def summary(self):
        with self.lock:
            return (f"{len(self.acked)} acknowledged writes, {len(self.attempted)} "
                    f"unknown, {len(self.reads)} reads")
