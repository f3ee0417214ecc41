"""Benchmark (not a test): false failure detections under CPU starvation, onevalue with
Lifeguard on and off, against real Serf agents (issue 16, item 3).

A 10-node cluster on loopback (NET.140-149, NET from ONEVALUE_TEST_NET); after it
formed, one node (n3) is starved of CPU: it is moved into its own cgroup (v1 `cpu`
controller, or v2 `cpu.max`) with a quota of QUOTA % of one CPU per PERIOD (at most
1 s), reniced (every thread) to NODE_NICE and pinned to CPU with HOGS busy loops at
HOG_NICE in the same cgroup. The loops eat the quota, so the node runs only in the
short unthrottled part of every period and even then yields to them; the cgroup as a
whole never takes more than QUOTA % of one CPU from the rest of the machine. For
MINUTES the run counts `failed` declarations of live members on every node (false
positives; onevalue's `member X: ... -> failed` log lines, Serf's `EventMemberFailed`),
then kills the last node (n10) with SIGKILL and measures until the others declare it
failed. Configurations, run interleaved round by round:

  A  onevalue, Lifeguard on (profile lan defaults)
  B  onevalue, Lifeguard off: awareness-max-multiplier = 1 (no local health, so the
     nacks, still sent, change nothing) and suspicion-max-mult = 1 (a fixed suspicion
     timeout, no shrinking with confirmations)
  C  Serf agents (`serf agent -profile=lan`: memberlist's LAN defaults, Lifeguard on);
     each output line is stamped on arrival (Serf's log has whole seconds)

    ONEVALUE_BIN=build/onevalue nice python3 tests/bench/lifeguard_starvation.py \\
        [--minutes 10] [--rounds 1] [--configs A,B,C] [--quota 10] [--period-ms 1000] \\
        [--hogs 2] [--hog-nice 0] [--node-nice 19] [--cpu 1]

Needs root (cgroups) and `serf` (Debian package `serf`) for C. Prints a Markdown table.
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cluster import NET, Node, wait_until  # noqa: E402
from benchlib import cpu_seconds  # noqa: E402

NODES = 10
STARVED = 2  # n3: neither the seed (n1) nor the node killed at the end (n10)
FIRST_IP = 140
OV_FAILED = re.compile(r"^(\S+) .*member (\S+): \S+ -> failed ")
OV_SUSPECT = re.compile(r"^(\S+) .*member (\S+): \S+ -> suspect ")
SERF_FAILED = re.compile(r"serf: EventMemberFailed: (\S+) ")
SERF_SUSPECT = re.compile(r"memberlist: Suspect (\S+) has failed")

LIFEGUARD_OFF = ["--onevalue.awareness-max-multiplier=1",
                 "--onevalue.suspicion-max-mult=1"]


class Starver:
    """A cgroup with a CPU quota holding the starved process and a busy loop."""

    def __init__(self, quota_pct, period_ms, hogs, node_nice, cpu, hog_nice):
        self.hog_nice = hog_nice
        self.quota_pct = quota_pct
        self.hogs_wanted = hogs
        self.node_nice = node_nice
        self.cpu = cpu
        self.period_us = period_ms * 1000
        name = f"ov-lifeguard-{os.getpid()}-{time.monotonic_ns()}"
        self.v1 = os.path.isdir("/sys/fs/cgroup/cpu") and not os.path.exists(
            "/sys/fs/cgroup/cgroup.controllers")
        root = "/sys/fs/cgroup/cpu" if self.v1 else "/sys/fs/cgroup"
        self.path = os.path.join(root, name)
        os.mkdir(self.path)
        quota_us = self.period_us * quota_pct // 100
        if self.v1:
            self._write("cpu.cfs_period_us", self.period_us)
            self._write("cpu.cfs_quota_us", quota_us)
        else:
            self._write("cpu.max", f"{quota_us} {self.period_us}")
        self.hogs = []

    def _write(self, name, value):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(f"{value}\n")

    def starve(self, pid):
        self._write("cgroup.procs", pid)
        # Low priority on one CPU, every thread (nice is per thread on Linux).
        for tid in os.listdir(f"/proc/{pid}/task"):
            os.setpriority(os.PRIO_PROCESS, int(tid), self.node_nice)
        subprocess.run(["taskset", "-a", "-cp", str(self.cpu), str(pid)], check=True,
                       stdout=subprocess.DEVNULL)
        # The competitors: busy loops on the same CPU inside the same quota.
        for _ in range(self.hogs_wanted):
            # The loops' nice only weighs against the node inside the quota: the
            # cgroup as a whole competes with the rest of the machine as one entity.
            hog = subprocess.Popen(["nice", "-n", str(self.hog_nice - os.nice(0)),
                                    "taskset", "-c", str(self.cpu), "sh", "-c",
                                    "while :; do :; done"])
            self.hogs.append(hog)
            self._write("cgroup.procs", hog.pid)

    def throttled(self):
        """(periods throttled, seconds throttled) from cpu.stat."""
        stat = {}
        with open(os.path.join(self.path, "cpu.stat")) as f:
            for line in f:
                k, v = line.split()
                stat[k] = int(v)
        if self.v1:
            return stat.get("nr_throttled", 0), stat.get("throttled_time", 0) / 1e9
        return stat.get("nr_throttled", 0), stat.get("throttled_usec", 0) / 1e6

    def close(self):
        """Stops the loops and moves everything left back to the root group, so a
        starved process dies at once when killed."""
        for hog in self.hogs:
            hog.kill()
            hog.wait()
        self.hogs = []
        root = os.path.dirname(self.path)
        try:
            with open(os.path.join(self.path, "cgroup.procs")) as f:
                pids = f.read().split()
            for pid in pids:
                with open(os.path.join(root, "cgroup.procs"), "w") as f:
                    f.write(pid + "\n")
        except OSError:
            pass

    def remove(self):
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except OSError:
                time.sleep(0.1)


def stamp(ts):
    return datetime.datetime.fromisoformat(ts).timestamp()


class OnevalueCluster:
    def __init__(self, workdir, extra):
        port = 18946
        seed = f"{NET}.{FIRST_IP}:{port}"
        self.nodes = [Node(f"n{i + 1}", f"{NET}.{FIRST_IP + i}", 18980, port, workdir,
                           [] if i == 0 else [seed],
                           ["--onevalue.profile=lan", "--onevalue.log-level=info"] + extra)
                      for i in range(NODES)]

    def start(self):
        for n in self.nodes:
            n.start()
        names = {n.name for n in self.nodes}

        def formed():
            for n in self.nodes:
                m = n.members()
                if set(m) != names or any(x["state"] != "alive" for x in m.values()):
                    return False
            return True
        wait_until(formed, 120, "every node to list every member alive", interval=0.5)

    def pid(self, i):
        return self.nodes[i].proc.pid

    def kill(self, i):
        self.nodes[i].kill()

    def events(self, pattern):
        """(time, observer, member) of every log line matching `pattern`."""
        out = []
        for n in self.nodes:
            with open(n.log_path, errors="replace") as f:
                for line in f:
                    m = pattern.match(line)
                    if m:
                        out.append((stamp(m.group(1)), n.name, m.group(2)))
        return out

    def failed(self):
        return self.events(OV_FAILED)

    def suspected(self):
        return self.events(OV_SUSPECT)

    def stop(self):
        for n in self.nodes:
            try:
                n.kill()
            except subprocess.TimeoutExpired:
                n.proc.kill()


class SerfCluster:
    """Serf agents; each line of their output is stamped on arrival (Serf's own log
    has whole seconds only)."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []
        self.lines = []  # (time, observer, line)
        self.lock = threading.Lock()
        self.threads = []

    def _reader(self, name, proc):
        with open(os.path.join(self.workdir, name + ".log"), "w") as log:
            for raw in proc.stdout:
                now = time.time()
                line = raw.decode(errors="replace")
                log.write(f"{now:.3f} {line}")
                with self.lock:
                    self.lines.append((now, name, line))

    def start(self):
        seed = f"{NET}.{FIRST_IP}:17946"
        for i in range(NODES):
            ip = f"{NET}.{FIRST_IP + i}"
            args = ["serf", "agent", f"-node=n{i + 1}", f"-bind={ip}:17946",
                    f"-rpc-addr={ip}:17373", "-profile=lan", "-log-level=info"]
            if i > 0:
                args.append(f"-join={seed}")
            p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
            self.procs.append(p)
            t = threading.Thread(target=self._reader, args=(f"n{i + 1}", p), daemon=True)
            t.start()
            self.threads.append(t)
            if i == 0:
                time.sleep(1)

        def formed():
            for i in range(NODES):
                out = subprocess.run(["serf", "members", f"-rpc-addr={NET}.{FIRST_IP + i}:17373",
                                      "-status=alive"], capture_output=True, text=True)
                if out.returncode != 0 or len(out.stdout.strip().splitlines()) != NODES:
                    return False
            return True
        wait_until(formed, 120, "every agent to list every member alive", interval=0.5)

    def pid(self, i):
        return self.procs[i].pid

    def kill(self, i):
        self.procs[i].kill()
        self.procs[i].wait()

    def _matches(self, pattern):
        with self.lock:
            lines = list(self.lines)
        out = []
        for at, name, line in lines:
            m = pattern.search(line)
            if m:
                out.append((at, name, m.group(1)))
        return out

    def failed(self):
        return self._matches(SERF_FAILED)

    def suspected(self):
        return self._matches(SERF_SUSPECT)

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for t in self.threads:
            t.join(5)


def one_run(config, minutes, quota, period_ms, hogs, node_nice, cpu, hog_nice):
    workdir = tempfile.mkdtemp(prefix="ov-lifeguard-")
    if config == "C":
        cluster = SerfCluster(workdir)
    else:
        cluster = OnevalueCluster(workdir, LIFEGUARD_OFF if config == "B" else [])
    starver = Starver(quota, period_ms, hogs, node_nice, cpu, hog_nice)
    names = [f"n{i + 1}" for i in range(NODES)]
    victim = names[-1]
    try:
        cluster.start()
        starver.starve(cluster.pid(STARVED))
        started = time.time()
        cpu_before = cpu_seconds(cluster.pid(STARVED))
        time.sleep(minutes * 60)  # a benchmark: the run length is the measurement
        starved_cpu = (cpu_seconds(cluster.pid(STARVED)) - cpu_before) / (minutes * 60)
        killed = time.time()
        cluster.kill(NODES - 1)
        observers = set(names[:-1])

        def everyone_saw():
            seen = {o for at, o, m in cluster.failed() if m == victim and at >= killed}
            return seen >= observers
        try:
            wait_until(everyone_saw, 180, f"{victim} failed everywhere", interval=0.2)
        except AssertionError:
            pass
        throttled = starver.throttled()
        failed = cluster.failed()
        false_pos = [(at, o, m) for at, o, m in failed
                     if started <= at < killed and m != victim]
        suspects = [e for e in cluster.suspected() if started <= e[0] < killed]
        seen = {}
        for at, o, m in failed:
            if m == victim and at >= killed and o not in seen:
                seen[o] = at - killed
        healthy = [seen[o] for o in observers if o in seen and o != names[STARVED]]
        return {
            "config": config,
            "false_positives": len(false_pos),
            "fp_about_starved": sum(1 for e in false_pos if e[2] == names[STARVED]),
            "fp_by_starved": sum(1 for e in false_pos if e[1] == names[STARVED]),
            "members_hit": len({e[2] for e in false_pos}),
            "suspicions": len(suspects),
            "detect_first": min(seen.values()) if seen else None,
            "detect_healthy_all": max(healthy) if len(healthy) == NODES - 2 else None,
            "detect_starved": seen.get(names[STARVED]),
            "throttled_periods": throttled[0],
            "throttled_s": throttled[1],
            "minutes": minutes,
            "starved_cpu_pct": 100 * starved_cpu,
        }
    finally:
        starver.close()
        cluster.stop()
        starver.remove()
        shutil.rmtree(workdir, ignore_errors=True)


def fmt(x):
    return "-" if x is None else f"{x:.1f} s"


LABELS = {"A": "onevalue, Lifeguard on", "B": "onevalue, Lifeguard off",
          "C": "Serf 0.8 (memberlist, Lifeguard on)"}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--configs", default="A,B,C")
    p.add_argument("--quota", type=int, default=10, help="percent of one CPU")
    p.add_argument("--period-ms", type=int, default=1000)
    p.add_argument("--hogs", type=int, default=2, help="busy loops sharing the quota")
    p.add_argument("--node-nice", type=int, default=19, help="nice of the starved node")
    p.add_argument("--cpu", type=int, default=1, help="CPU the node and loops share")
    p.add_argument("--hog-nice", type=int, default=0, help="nice of the busy loops")
    a = p.parse_args()
    if os.geteuid() != 0:
        sys.exit("needs root (cgroups)")
    results = []
    for r in range(a.rounds):
        for config in a.configs.split(","):
            begun = datetime.datetime.now(datetime.timezone.utc)
            res = one_run(config, a.minutes, a.quota, a.period_ms, a.hogs, a.node_nice, a.cpu,
                          a.hog_nice)
            res["round"] = r + 1
            res["begun"] = begun.strftime("%H:%M:%S")
            results.append(res)
            print(res, file=sys.stderr, flush=True)
    print(f"\n{NODES} nodes on loopback, n3 in a cgroup with {a.quota} % of one CPU per "
          f"{a.period_ms} ms, at nice {a.node_nice}, pinned to CPU {a.cpu} with {a.hogs} busy loop(s) (nice {a.hog_nice}) in the same quota, {a.minutes:g} min per run\n")
    print("| run | configuration | false `failed` declarations (about n3 / by n3) "
          "| members wrongly failed | suspicions | kill -9 → first / all healthy / n3 "
          "| n3 throttled, n3's CPU |")
    print("|---|---|---|---|---|---|---|")
    for res in results:
        print(f"| {res['round']}{res['config']} ({res['begun']} UTC) | {LABELS[res['config']]} "
              f"| {res['false_positives']} ({res['fp_about_starved']} / "
              f"{res['fp_by_starved']}) | {res['members_hit']} | {res['suspicions']} "
              f"| {fmt(res['detect_first'])} / {fmt(res['detect_healthy_all'])} / "
              f"{fmt(res['detect_starved'])} | {res['throttled_periods']} periods, "
              f"{res['throttled_s']:.0f} s, {res['starved_cpu_pct']:.1f} % CPU |")
    if a.rounds > 1:
        for c in a.configs.split(","):
            fp = [r["false_positives"] for r in results if r["config"] == c]
            print(f"\n{LABELS[c]}: median false positives {statistics.median(fp)}")


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    main()
