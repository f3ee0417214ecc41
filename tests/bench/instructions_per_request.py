#!/usr/bin/env python3
"""Benchmark (not a test): user-space instructions a single node spends per HTTP
request, counted by valgrind's callgrind, so the figure is the same on a busy or an idle
machine (for the same binary and requests). For A/B comparisons that wall-clock runs on
a shared machine cannot settle, e.g. what the metrics cost a GET.

For each binary: a node without a data dir under callgrind; LOW then HIGH requests
`GET PATH` over one keep-alive connection; SIGTERM; the per-request figure is
(instructions(HIGH) - instructions(LOW)) / (HIGH - LOW), so start-up and shutdown
cancel out. Kernel time (the syscalls of each request) is not counted.

    python3 tests/bench/instructions_per_request.py BINARIES [PATH=/get] [LOW=500] [HIGH=3500]
    python3 tests/bench/instructions_per_request.py build/onevalue,other/onevalue /v1/value

Needs valgrind. Uses ONEVALUE_TEST_NET (default 127.0.0) for its address.
"""

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from cluster import ip  # noqa: E402

HTTP_PORT = 29680
CLUSTER_PORT = 29681
HOST = 241


def wait_serving(address, proc):
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            sys.exit(f"the node exited with {proc.returncode} under callgrind")
        try:
            conn = http.client.HTTPConnection(address, HTTP_PORT, timeout=5)
            conn.request("GET", "/health?live")
            conn.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("the node did not serve within 120 s under callgrind")
            time.sleep(0.5)


def instructions(binary, path, requests):
    """Total instructions of one node's life serving `requests` GETs of `path`."""
    address = ip(HOST)
    out = tempfile.mktemp(prefix="onevalue-callgrind.")
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary,
         "--onevalue.name=m1", f"--onevalue.bind={address}",
         f"--onevalue.advertise={address}", f"--onevalue.http-port={HTTP_PORT}",
         f"--onevalue.cluster-port={CLUSTER_PORT}", '--onevalue.data-dir=""',
         "--onevalue.log-level=warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_serving(address, proc)
        conn = http.client.HTTPConnection(address, HTTP_PORT, timeout=30)
        for _ in range(requests):
            conn.request("GET", path)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                sys.exit(f"GET {path} answered {resp.status}")
        proc.send_signal(signal.SIGTERM)
        proc.wait(120)
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
        sys.exit("no totals in the callgrind output")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if os.path.exists(out):
            os.unlink(out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    binaries = sys.argv[1].split(",")
    path = sys.argv[2] if len(sys.argv) > 2 else "/get"
    low = int(sys.argv[3]) if len(sys.argv) > 3 else 500
    high = int(sys.argv[4]) if len(sys.argv) > 4 else 3500
    print(f"| binary | GET {path}: instructions per request |\n|---|---|")
    for binary in binaries:
        per = (instructions(binary, path, high) - instructions(binary, path, low)) / (high - low)
        print(f"| {binary} | {per:.0f} |", flush=True)


if __name__ == "__main__":
    main()
