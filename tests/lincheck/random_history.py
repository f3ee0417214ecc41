#!/usr/bin/env python3
"""Generates a history of an atomic register for the checker: linearizable by
construction, or with one defect planted. For measuring the checker and testing the
tools around it.

    tests/lincheck/random_history.py --clients 10 --ops 500 --unknown 0.05 > h.jsonl
    tests/lincheck/random_history.py --clients 10 --ops 500 --defect stale-read > bad.jsonl

Each of `clients` clients runs `ops` operations one after the other (reads, writes,
cas on the version it saw last or a stale one, adds); each takes effect at a random
instant inside its interval, against one register that follows the model of
linearizable mode. An operation turned unknown (probability --unknown) takes effect
with probability one half, possibly after the client gave up on it.
"""

import argparse
import json
import random
import sys


def generate(clients, ops, unknown=0.05, seed=1, defect=None):
    """Returns the history's lines (dicts), the first one the initial state."""
    rng = random.Random(seed)
    planned = []  # (effect time, op)
    for c in range(clients):
        t = rng.randrange(0, 50)
        for _ in range(ops):
            kind = rng.choice(("read", "read", "write", "cas", "add"))
            op = {"client": c, "node": f"n{c % 5 + 1}", "type": kind,
                  "call": t, "return": t + rng.randrange(5, 300)}
            if kind in ("write", "cas"):
                op["value"] = rng.randrange(1000)
            if kind == "add":
                op["delta"] = rng.randrange(-5, 6)
            lost = rng.random() < unknown
            effect = rng.randrange(op["call"], op["return"] + 1)
            if lost:
                op["outcome"] = "unknown"
                effect += rng.randrange(0, 2000)  # may land after the client gave up
                op["skip"] = rng.random() < 0.5
            planned.append((effect, op))
            t = op["return"] + rng.randrange(0, 40)
    planned.sort(key=lambda p: p[0])
    value, counter, writer = 0, 0, ""
    seen = {}  # client -> last version it saw
    for _, op in planned:
        c = op["client"]
        if op["type"] == "cas":
            last = seen.get(c, {"counter": 0, "node": ""})
            stale = rng.random() < 0.3
            op["expected"] = ({"counter": max(0, last["counter"] - 1), "node": last["node"]}
                              if stale else {"counter": counter, "node": writer})
        changes = op["type"] in ("write", "add") or (
            op["type"] == "cas"
            and op["expected"] == {"counter": counter, "node": writer})
        if changes and not op.pop("skip", False):
            value = op["value"] if op["type"] != "add" else value + op["delta"]
            counter, writer = counter + 1, op["node"]
        op.pop("skip", None)
        state = {"value": value, "version": {"counter": counter, "node": writer}}
        if op.get("outcome") != "unknown":
            op["outcome"] = "fail" if op["type"] == "cas" and not changes else "ok"
            op["response"] = state
            seen[c] = state["version"]
        else:
            del op["return"]
    ops_out = [op for _, op in sorted(planned, key=lambda p: p[1]["call"])]
    if defect == "stale-read":
        # A read that returns the initial state long after the first acknowledged write.
        first = min((o for o in ops_out if o["type"] == "write" and o["outcome"] == "ok"),
                    key=lambda o: o["return"])
        ops_out.append({"client": clients, "node": "n1", "type": "read", "outcome": "ok",
                        "call": first["return"] + 1, "return": first["return"] + 2,
                        "response": {"value": 0, "version": {"counter": 0, "node": ""}}})
    elif defect == "lost-write":
        # An acknowledged change whose version a later change reuses.
        later = [o for o in ops_out if o["outcome"] == "ok" and o["type"] != "read"]
        victim = later[len(later) // 2]
        clone = dict(victim, client=clients, value=victim["response"]["value"] + 1,
                     type="write", call=victim["return"] + 1, **{"return": victim["return"] + 2})
        clone.pop("delta", None)
        clone.pop("expected", None)
        clone["response"] = {"value": clone["value"], "version": dict(victim["response"]["version"])}
        ops_out.append(clone)
    elif defect == "phantom-change":
        # Every version from the middle on is one higher, as if a change nobody made
        # (and no unknown operation can explain) had happened there.
        adds = sorted((o for o in ops_out if o["outcome"] == "ok" and o["type"] == "add"),
                      key=lambda o: o["response"]["version"]["counter"])
        gap = adds[len(adds) // 2]["response"]["version"]["counter"] - 1
        for o in ops_out:
            for key in ("response", "expected"):
                version = o.get(key, {}).get("version") if key == "response" else o.get(key)
                if version and version["counter"] > gap:
                    version["counter"] += 1
    return [{"initial": {"value": 0, "version": {"counter": 0, "node": ""}}}] + ops_out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--ops", type=int, default=100, help="operations per client")
    parser.add_argument("--unknown", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--defect", choices=("stale-read", "lost-write", "phantom-change"))
    args = parser.parse_args()
    for line in generate(args.clients, args.ops, args.unknown, args.seed, args.defect):
        sys.stdout.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
