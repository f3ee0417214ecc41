"""Tests of the checker's command-line tool and its Python helper (lincheck.py), as the
multi-process tests will use them. Needs ONEVALUE_LINCHECK (ctest sets it)."""

import json
import os
import random
import tempfile
import threading
import time
import unittest

import lincheck
import random_history


def write_lines(lines):
    f = tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False)
    for line in lines:
        f.write(json.dumps(line) + "\n")
    f.close()
    return f.name


class AtomicRegister:
    """The register's model behind one lock; `stale_reads` makes reads answer from a
    per-node cache, the kind of bug the checker must catch."""

    def __init__(self, stale_reads=False):
        self.lock = threading.Lock()
        self.state = {"value": 0, "version": {"counter": 0, "node": ""}}
        self.stale_reads = stale_reads
        self.cache = {}

    def apply(self, node, type, value=None, delta=None, expected=None):
        with self.lock:
            s = self.state
            if type == "read":
                if self.stale_reads:
                    return "ok", self.cache.setdefault(node, s)
                return "ok", s
            if type == "cas" and s["version"] != expected:
                return "fail", s
            new = value if type != "add" else s["value"] + delta
            self.state = {"value": new,
                          "version": {"counter": s["version"]["counter"] + 1, "node": node}}
            return "ok", self.state


def run_clients(register, clients=10, ops=100, seed=1):
    history = lincheck.History()
    rng = random.Random(seed)

    def client(c):
        node = f"n{c % 3 + 1}"
        seen = {"counter": 0, "node": ""}
        for _ in range(ops):
            kind = rng.choice(("read", "write", "cas", "add"))
            args = {"value": rng.randrange(100)} if kind in ("write", "cas") else {}
            if kind == "cas":
                args["expected"] = seen
            if kind == "add":
                args["delta"] = rng.randrange(-3, 4)
            op = history.invoke(c, node, kind, **args)
            outcome, state = register.apply(node, kind, **args)
            seen = state["version"]
            history.complete(op, outcome, state)
            time.sleep(0)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return history


class LincheckToolTest(unittest.TestCase):
    def test_threads_on_an_atomic_register_check_linearizable(self):
        report = lincheck.check(run_clients(AtomicRegister()))
        self.assertEqual(report["verdict"], "linearizable", report["explanation"])
        total = sum(sum(by_outcome.values()) for by_outcome in report["counts"].values())
        self.assertEqual(total, 1000)

    def test_stale_reads_are_caught(self):
        report = lincheck.check(run_clients(AtomicRegister(stale_reads=True)))
        self.assertEqual(report["verdict"], "not_linearizable")
        self.assertIn("read ok", report["explanation"])

    def test_operations_never_completed_count_as_unknown(self):
        history = lincheck.History(initial_value=5)
        history.invoke(1, "n1", "write", value=9)  # its client gave up
        op = history.invoke(2, "n2", "read")
        history.complete(op, "ok", {"value": 9, "version": {"counter": 1, "node": "n1"}})
        report = lincheck.check(history)
        self.assertEqual(report["verdict"], "linearizable", report["explanation"])
        self.assertEqual(report["counts"]["write"]["unknown"], 1)

    def test_generated_histories_and_planted_defects(self):
        good = write_lines(random_history.generate(10, 200, unknown=0.05, seed=7))
        bad = {d: write_lines(random_history.generate(10, 200, seed=7, defect=d))
               for d in ("stale-read", "lost-write")}
        try:
            report = lincheck.check(good)
            self.assertEqual(report["verdict"], "linearizable", report["explanation"])
            self.assertGreater(report["counts"]["write"]["unknown"], 0)
            for defect, path in bad.items():
                report = lincheck.check(path)
                self.assertEqual(report["verdict"], "not_linearizable", defect)
        finally:
            for path in [good, *bad.values()]:
                os.unlink(path)

    def test_a_malformed_file_is_an_error_naming_the_line(self):
        path = write_lines([{"type": "read", "outcome": "ok", "call": 1}])
        try:
            with self.assertRaisesRegex(RuntimeError, "line 1"):
                lincheck.check(path)
        finally:
            os.unlink(path)

    def test_an_invalid_history_is_reported_as_such(self):
        path = write_lines([{"type": "read", "outcome": "fail", "call": 1, "return": 2}])
        try:
            report = lincheck.check(path)
            self.assertEqual(report["verdict"], "invalid")
            self.assertIn("cannot fail", report["explanation"])
        finally:
            os.unlink(path)


if __name__ == "__main__":
    unittest.main()
