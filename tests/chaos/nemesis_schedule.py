"""The nemesis's plan: a deterministic list of overlapping faults drawn from a seed.

Pure: no processes, no network. `plan(seed, duration, nodes)` returns the same faults
for the same arguments on every machine (Python's `random.Random` is specified to be
reproducible for a given seed), so a failing run is replayed with its `--seed`.
"""

import random
from dataclasses import dataclass, field

# Fault kinds and their weights (how often each is drawn).
KINDS = {
    "kill": 3,       # kill -9, restart later with the same data dir
    "pause": 3,      # SIGSTOP, SIGCONT after 1-20 s
    "isolate": 2,    # one node cut off from all others
    "split": 2,      # a 2/3 split of the cluster
    "one-way": 2,    # one node stops hearing another, which still hears it
    "loss-one": 2,   # 5-30 % loss on one node's links
    "loss-all": 2,   # 5-30 % loss on every link
    "disk-full": 2,  # the node's data dir (a tmpfs) filled up, then freed
}

# How long each kind lasts, in seconds (uniform between the bounds).
DURATION = {
    "kill": (1.0, 10.0),
    "pause": (1.0, 20.0),
    "isolate": (4.0, 25.0),
    "split": (4.0, 25.0),
    "one-way": (4.0, 20.0),
    "loss-one": (5.0, 30.0),
    "loss-all": (5.0, 30.0),
    "disk-full": (4.0, 20.0),
}

# Faults that act on a node's process or disk: at most one of them per node at a
# time (a paused process cannot be killed meaningfully, and a node killed while its
# disk is full tests restart-on-full-disk, which is the disk-full work's own test).
NODE_EXCLUSIVE = {"kill", "pause", "disk-full"}


@dataclass
class Fault:
    start: float       # seconds after the nemesis starts
    duration: float
    kind: str
    nodes: list = field(default_factory=list)   # node indices the fault acts on
    others: list = field(default_factory=list)  # the other side (split, one-way)
    probability: float = 0.0                    # loss faults
    until_heal: bool = False  # runs to the end of the nemesis, healed with the rest

    @property
    def end(self):
        return self.start + self.duration

    def describe(self, names):
        who = ",".join(names[i] for i in self.nodes)
        if self.kind == "split":
            what = f"split {who} | {','.join(names[i] for i in self.others)}"
        elif self.kind == "one-way":
            what = f"one-way: {who} stops hearing {names[self.others[0]]}"
        elif self.kind.startswith("loss"):
            what = f"{self.kind} {int(round(self.probability * 100))}% on {who}"
        else:
            what = f"{self.kind} {who}"
        until = " until healed" if self.until_heal else ""
        return f"t={self.start:7.1f}s  {what} for {self.duration:.1f}s{until}"


def plan(seed, duration, nodes, mean_gap=4.0):
    """Faults starting at random gaps (exponential, mean `mean_gap` s) over
    `duration` s, each cut short to end by `duration`; overlapping freely except that
    a node takes one of NODE_EXCLUSIVE at a time (a drawn fault that would break
    that rule is drawn again on another node, or dropped)."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    weights = [KINDS[k] for k in kinds]
    busy_until = [0.0] * nodes
    faults = []
    t = rng.uniform(2.0, 4.0)
    while t < duration - 1.0:
        kind = rng.choices(kinds, weights)[0]
        low, high = DURATION[kind]
        length = min(rng.uniform(low, high), duration - t)
        order = list(range(nodes))
        rng.shuffle(order)
        f = Fault(start=round(t, 2), duration=round(length, 2), kind=kind,
                  until_heal=t + length >= duration)
        if kind in NODE_EXCLUSIVE:
            free = [i for i in order if busy_until[i] <= t]
            if free:
                f.nodes = [free[0]]
                busy_until[free[0]] = t + length
        elif kind in ("isolate", "loss-one"):
            f.nodes = [order[0]]
        elif kind == "split":
            f.nodes, f.others = sorted(order[:2]), sorted(order[2:])
        elif kind == "one-way":
            f.nodes, f.others = [order[0]], [order[1]]
        elif kind == "loss-all":
            f.nodes = list(range(nodes))
        if kind.startswith("loss"):
            f.probability = round(rng.uniform(0.05, 0.30), 2)
        if f.nodes:
            faults.append(f)
        t += rng.expovariate(1.0 / mean_gap)
    # A split over the last stretch, so that the convergence measured after healing
    # starts from two sides that disagree (a lone fault may have ended just before).
    if duration > 20:
        order = list(range(nodes))
        rng.shuffle(order)
        faults.append(Fault(start=round(duration - 15.0, 2), duration=15.0, kind="split",
                            nodes=sorted(order[:2]), others=sorted(order[2:]),
                            until_heal=True))
    faults.sort(key=lambda f: f.start)
    return faults
