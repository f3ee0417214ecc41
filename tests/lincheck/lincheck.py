"""Records operations on onevalue's register and checks them with onevalue_lincheck.

A multi-process test shares one `History` between its client threads:

    history = History(initial_value=0)
    op = history.invoke(client=3, node="n2", type="cas", value=7,
                        expected={"counter": 5, "node": "n1"})
    ... send the request ...
    history.complete(op, "ok", {"value": 7, "version": {"counter": 6, "node": "n2"}})
    # or "fail" (cas mismatch, add overflow; response = the current value if known),
    # "unknown" (timed out after it may have left: 504, a dropped connection),
    # "refused" (it certainly never happened: 503, 400)
    report = check(history)          # runs the checker, returns its JSON report
    assert report["verdict"] == "linearizable", report["explanation"]

Operations never completed count as unknown. Times are time.monotonic_ns(). The file
format is JSON Lines, described in lincheck_json.hpp.
"""

import json
import os
import subprocess
import tempfile
import threading
import time

OUTCOMES = ("ok", "fail", "unknown", "refused")
TYPES = ("read", "write", "cas", "add")


class History:
    """A thread-safe record of one test's operations."""

    def __init__(self, initial_value=0, initial_version=None):
        self.initial = {"value": initial_value,
                        "version": initial_version or {"counter": 0, "node": ""}}
        self.lock = threading.Lock()
        self.ops = []

    def invoke(self, client, node, type, value=None, delta=None, expected=None):
        """Records the call of an operation now; returns its handle for complete()."""
        if type not in TYPES:
            raise ValueError(f"unknown operation type {type!r}")
        op = {"client": client, "node": node, "type": type, "outcome": "unknown"}
        if type in ("write", "cas"):
            op["value"] = value
        if type == "cas":
            op["expected"] = expected
        if type == "add":
            op["delta"] = delta
        with self.lock:
            op["call"] = time.monotonic_ns()
            self.ops.append(op)
        return op

    def complete(self, op, outcome, response=None):
        """Records the end of `op` now with `outcome` and the state it reported."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        with self.lock:
            op["return"] = time.monotonic_ns()
            op["outcome"] = outcome
            if response is not None:
                op["response"] = response

    def write_jsonl(self, path):
        """Writes the history in the checker's format."""
        with self.lock, open(path, "w") as f:
            f.write(json.dumps({"initial": self.initial}) + "\n")
            for op in self.ops:
                line = dict(op)
                if line["outcome"] == "unknown":
                    line.pop("return", None)
                f.write(json.dumps(line) + "\n")


def lincheck_binary():
    """The checker: $ONEVALUE_LINCHECK, else the default build's."""
    default = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tests",
                           "lincheck", "onevalue_lincheck")
    return os.environ.get("ONEVALUE_LINCHECK", default)


def check(history, binary=None, max_states=None, timeout=600):
    """Checks a History (or a JSON Lines file) and returns the report as a dict
    (verdict, counts per type and outcome, states_explored, explanation, seconds).
    Raises RuntimeError if the checker could not read the history."""
    with tempfile.TemporaryDirectory() as tmp:
        path = history
        if isinstance(history, History):
            path = os.path.join(tmp, "history.jsonl")
            history.write_jsonl(path)
        cmd = [binary or lincheck_binary(), "--json", path]
        if max_states:
            cmd[1:1] = ["--max-states", str(max_states)]
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if run.returncode == 2 and not run.stdout.strip():
        raise RuntimeError(run.stderr.strip())
    return json.loads(run.stdout)
