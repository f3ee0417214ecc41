"""Benchmark (not a test): failure detection and steady-state load of real nodes on
loopback, for 5 and 10 nodes and the lan and local profiles. Prints medians over RUNS
runs (default 5) as a Markdown table:

  - kill -9 of one node until every other node lists it `failed`;
  - SIGTERM of one node until every other node lists it `left`;
  - datagrams and bytes sent per node per second at steady state, from the counters
    each node prints once per second in its `traffic:` line (log-level debug);
  - TCP bytes sent per node per second on the cluster port over the same window
    (push-pull exchanges and BASP heartbeats, from `ss -tinp`).

    ONEVALUE_BIN=build/onevalue python3 tests/bench/failure_detection.py [RUNS] [SIZES] [PROFILES]
    e.g. python3 tests/bench/failure_detection.py 5 5,10 lan,local
"""

import datetime
import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cluster import Cluster, wait_until  # noqa: E402
from benchlib import TcpMeter  # noqa: E402

TRAFFIC = re.compile(r"^(\S+) .*traffic: packets_sent=(\d+) bytes_sent=(\d+)")


def traffic_samples(node):
    """(time, packets_sent, bytes_sent) of every traffic line in the node's log."""
    samples = []
    with open(node.log_path, errors="replace") as f:
        for line in f:
            m = TRAFFIC.match(line)
            if m:
                at = datetime.datetime.fromisoformat(m.group(1)).timestamp()
                samples.append((at, int(m.group(2)), int(m.group(3))))
    return samples


def steady_rates(nodes, window):
    """Mean datagrams/s and bytes/s sent per node over the last `window` seconds."""
    packets, octets = [], []
    for node in nodes:
        s = traffic_samples(node)
        if len(s) < 2:
            continue
        last = s[-1]
        first = next((x for x in s if x[0] >= last[0] - window), s[0])
        span = last[0] - first[0]
        if span <= 0:
            continue
        packets.append((last[1] - first[1]) / span)
        octets.append((last[2] - first[2]) / span)
    return statistics.mean(packets), statistics.mean(octets)


def wait_all(nodes, name, state, timeout):
    wait_until(lambda: all(n.state_of(name) == state for n in nodes), timeout,
               f"{name} to be {state} everywhere", interval=0.01)


def one_run(n, profile, first_ip):
    extra = [f"--onevalue.profile={profile}", "--onevalue.status-interval=1s",
             # The traffic line every second is a debug line (the info log is quiet).
             "--onevalue.log-level=debug"]
    with Cluster(n, first_ip=first_ip, http_port=18580, cluster_port=18546,
                 extra_args=extra) as c:
        c.wait_formed(timeout=90)
        window = 10
        tcp = TcpMeter(c)
        time.sleep(window + 1.5)  # a benchmark: let load settle and the counters tick
        msgs, octets = steady_rates(c.nodes, window)
        tcp_octets, _ = tcp.medians()
        victim = c.nodes[-1]
        killed = time.monotonic()
        victim.kill()
        wait_all(c.nodes[:-1], victim.name, "failed", 300)
        kill_s = time.monotonic() - killed
        leaver = c.nodes[-2]
        stopped = time.monotonic()
        leaver.proc.send_signal(15)
        wait_all(c.nodes[:-2], leaver.name, "left", 60)
        left_s = time.monotonic() - stopped
        return kill_s, left_s, msgs, octets, tcp_octets


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    sizes = [int(x) for x in (sys.argv[2] if len(sys.argv) > 2 else "5,10").split(",")]
    profiles = (sys.argv[3] if len(sys.argv) > 3 else "lan,local").split(",")
    rows = []
    for profile in profiles:
        for n in sizes:
            results = [one_run(n, profile, 60) for _ in range(runs)]
            med = [statistics.median(r[i] for r in results) for i in range(5)]
            rows.append((n, profile, *med))
            print(f"{n} nodes, {profile}: kill->failed {med[0]:.2f} s, SIGTERM->left "
                  f"{med[1]:.2f} s, {med[2]:.1f} datagrams/s, {med[3]:.0f} B/s UDP, "
                  f"{med[4]:.0f} B/s TCP per node",
                  file=sys.stderr, flush=True)
    print(f"\nmedians of {runs} runs\n")
    print("| nodes | profile | kill -9 → all see failed | SIGTERM → all see left "
          "| datagrams/s per node | UDP bytes/s per node | TCP bytes/s per node |")
    print("|---|---|---|---|---|---|---|")
    for n, profile, kill_s, left_s, msgs, octets, tcp_octets in rows:
        print(f"| {n} | {profile} | {kill_s:.2f} s | {left_s:.2f} s | {msgs:.1f} "
              f"| {octets:.0f} | {tcp_octets:.0f} |")


if __name__ == "__main__":
    main()
