#!/usr/bin/env python3
"""Write throughput and latency of onevalue with durability on and off, one node and a
three-node cluster, and the fsync rounds (saves) per write under concurrency.

A benchmark, not a test. Runs wrk (PUT /v1/value from a lua script) against node n1 of
a cluster started with tests/integration/cluster.py; durability off means no data dir
(`--onevalue.data-dir=""` on the command line). Saves per write come from the store's
exit log line "N writes acknowledged in M saves" (each save is one fsync of the state
file plus one of the directory).

    python3 tests/bench/write_throughput.py [seconds per run, default 5]
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cluster import Cluster  # noqa: E402

LUA = """
wrk.method = "PUT"
wrk.headers["Content-Type"] = "text/plain"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, tostring(n))
end
"""


def run_wrk(url, connections, seconds, script):
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                          "--latency", "-s", script, url],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=True
                         ).stdout.decode()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct.get("50", "?"), pct.get("99", "?"), int(errors.group(1)) if errors else 0


def saves_of(node):
    """SIGTERMs `node` and returns (writes acknowledged, saves) from its log."""
    node.stop()
    with open(node.log_path, errors="replace") as f:
        m = re.findall(r"(\d+) writes acknowledged in (\d+) saves", f.read())
    return (int(m[-1][0]), int(m[-1][1])) if m else (None, None)


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed")
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(LUA)
    script.close()
    runs = [  # (nodes, durable, connections)
        (1, False, 32), (1, True, 1), (1, True, 32), (1, True, 128),
        (3, False, 32), (3, True, 32),
    ]
    rows = []
    for nodes, durable, conns in runs:
        extra = [] if durable else ['--onevalue.data-dir=""']
        with Cluster(nodes, first_ip=201, http_port=29080, cluster_port=28946,
                     extra_args=extra + ["--onevalue.http-threads=64"]) as c:
            if nodes > 1:
                c.wait_formed()
            n1 = c.nodes[0]
            rps, p50, p99, errors = run_wrk(f"http://{n1.ip}:{n1.http_port}/v1/value",
                                            conns, seconds, script.name)
            writes, saves = saves_of(n1) if durable else (None, None)
        per_write = f"{saves / writes:.3f}" if writes else "-"
        rows.append((nodes, "on" if durable else "off", conns, f"{rps:.0f}", p50, p99,
                     errors, per_write))
        print(rows[-1], flush=True)
    os.unlink(script.name)
    print()
    print("| nodes | durability | connections | writes/s | p50 | p99 | non-2xx | saves/write |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(str(x) for x in r) + " |")


if __name__ == "__main__":
    main()
