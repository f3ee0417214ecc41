#!/usr/bin/env python3
"""Benchmark (not a test): what the metrics cost the read path. Interleaved A/B runs of
`wrk -t2 -cCONNS -dSECONDS` on GET /get and GET /v1/value of a single node (no data dir),
built with the metrics (A) and without them (B, e.g. a build of the commit before them),
ROUNDS times each, alternating, so drifting machine load hits both alike. Prints the
median req/s of each and A's change against B, and the node's CPU time per request
(user + system, from /proc; steadier than req/s on a shared machine).

    python3 tests/bench/metrics_overhead.py A_BIN B_BIN [ROUNDS=5] [SECONDS=5] [CONNS=32]
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from cluster import ip  # noqa: E402  (ONEVALUE_TEST_NET keeps benchmarks apart)
from wrk import run_wrk  # noqa: E402

HTTP_PORT = 29380
CLUSTER_PORT = 29346


def start(binary, workdir):
    host = ip(231)
    log = open(os.path.join(workdir, "node.log"), "ab")
    proc = subprocess.Popen([binary, "--onevalue.name=n1", f"--onevalue.bind={host}",
                             f"--onevalue.advertise={host}",
                             f"--onevalue.http-port={HTTP_PORT}",
                             f"--onevalue.cluster-port={CLUSTER_PORT}",
                             '--onevalue.data-dir=""', "--onevalue.status-interval=0s"],
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    url = f"http://{host}:{HTTP_PORT}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health?live", timeout=1).read()
            return proc, url
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{binary} did not serve HTTP")


def cpu_seconds(pid):
    """User + system CPU time of process `pid` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binaries = {"A (metrics)": sys.argv[1], "B (without)": sys.argv[2]}
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    seconds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    conns = int(sys.argv[5]) if len(sys.argv) > 5 else 32
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    results = {(b, path): [] for b in binaries for path in ("/get", "/v1/value")}
    cpu = {(b, path): [] for b in binaries for path in ("/get", "/v1/value")}
    workdir = tempfile.mkdtemp(prefix="onevalue-bench-")
    try:
        for r in range(rounds):
            order = list(binaries.items()) if r % 2 == 0 else list(binaries.items())[::-1]
            for label, binary in order:
                proc, url = start(binary, workdir)
                try:
                    for path in ("/get", "/v1/value"):
                        before = cpu_seconds(proc.pid)
                        rps = run_wrk(url + path, seconds, conns)[0]
                        used = cpu_seconds(proc.pid) - before
                        results[(label, path)].append(rps)
                        cpu[(label, path)].append(1e6 * used / (rps * seconds))
                finally:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(10)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for path in ("/get", "/v1/value"):
        a = statistics.median(results[("A (metrics)", path)])
        b = statistics.median(results[("B (without)", path)])
        print(f"GET {path}: A {a:.0f} req/s, B {b:.0f} req/s, A/B {100 * (a / b - 1):+.1f} % "
              f"(A runs {[round(x) for x in results[('A (metrics)', path)]]}, "
              f"B runs {[round(x) for x in results[('B (without)', path)]]})")
        ca = statistics.median(cpu[("A (metrics)", path)])
        cb = statistics.median(cpu[("B (without)", path)])
        print(f"GET {path}: node CPU per request A {ca:.2f} us, B {cb:.2f} us, "
              f"A/B {100 * (ca / cb - 1):+.1f} %")


if __name__ == "__main__":
    main()
