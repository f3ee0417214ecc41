#!/usr/bin/env python3
"""Benchmark (not a test): the linearizable mode (issue 15) against eventual mode and
etcd 3.4, all on loopback in one run.

For 3 and 5 voters (linearizable) and 3 nodes (eventual), with and without a data dir:
  - PUT /v1/value latency p50/p99 with 1 client (wrk -t1 -c1),
  - GET /v1/value?consistent latency p50/p99 with 1 client (linearizable only),
  - PUT throughput with 1, 8 and 32 clients (wrk -t2 -cN; batching folds concurrent
    operations into one proposal).
Then the time to commit again after a voter is killed (kill -9 of the other voter in
n1's first majority, the one of n2 and n3 that saved more acceptor states, while a client
writes through n1 in a loop; the longest gap between two successful writes), and the
anchor: etcd-server (Debian, 3.4) as a 3-member cluster on loopback, PUT through its
HTTP/JSON gateway (/v3/kv/put, base64 key and value) on the raft leader (a follower
would forward each put to it) with the same wrk settings. Before
each cluster starts, the disks settle (benchlib.settle_disks): removing etcd's data dir
keeps the disk busy for a while, which would otherwise slow the next cluster's fsyncs.
Each cluster is measured once, one after the other: for the two durable targets against
etcd, side by side and many times, see consensus_vs_etcd.py.

    python3 tests/bench/consensus_bench.py [SECONDS=5]

Needs wrk and etcd-server (apt-get install wrk etcd-server). Uses ONEVALUE_TEST_NET
(default 127.0.0) for its addresses, like the tests.
"""

import base64
import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from benchlib import (Cluster, settle_disks, table,  # puts tests/integration on the path
                      wait_until)
from cluster import ip
from metrics_scrape import sample
from wrk import PUT_LUA, run_wrk

HTTP_PORT = 29280
CLUSTER_PORT = 29246
FIRST_IP = 221
ETCD_FIRST_IP = 231

ETCD_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- base64 of "1".."4": etcd refuses a value that is not base64 (400)
local values = {"MQ==", "Mg==", "Mw==", "NA=="}
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/v3/kv/put", nil,
    '{"key": "b25ldmFsdWU=", "value": "' .. values[n % 4 + 1] .. '"}')
end
"""


def script(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    f.write(text)
    f.close()
    return f.name


@contextlib.contextmanager
def started_cluster(nodes, extra_args, settle=True):
    """A cluster of `nodes` on this bench's addresses (ports HTTP_PORT and CLUSTER_PORT
    from FIRST_IP on), formed and past a first write through n1, the disks settled
    first unless `settle` is false; yields (cluster, n1)."""
    if settle:
        settle_disks()
    with Cluster(nodes, first_ip=FIRST_IP, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT,
                 extra_args=extra_args) as c:
        c.wait_formed()
        n1 = c.nodes[0]
        wait_until(lambda: n1.request("PUT", "/v1/value", body="1")[0] == 200, 30,
                   "a first write")
        yield c, n1


def wrk(url, seconds, conns, lua=None):
    """(req/s, p50, p99, non-2xx) of one wrk pass; one thread for one connection. Socket
    errors (timeouts, resets) make the pass invalid: the benchmark stops."""
    rps, p50, p99, errors, sock = run_wrk(url, seconds, conns, lua)
    if sock != "-":
        sys.exit(f"wrk against {url}: socket errors ({sock}): not a valid pass")
    return rps, p50, p99, errors


QUIET = "--onevalue.log-level=warning"


def linearizable_args(nodes):
    """Node arguments for the linearizable mode with n1..nN all voters."""
    voters = "[" + ", ".join(f'"n{i + 1}"' for i in range(nodes)) + "]"
    return ["--onevalue.consistency=linearizable", f"--onevalue.voters={voters}"]


def measure_onevalue(label, nodes, linearizable, durable, seconds, put_lua):
    extra = [QUIET]
    if linearizable:
        extra += linearizable_args(nodes)
    if not durable:
        extra.append('--onevalue.data-dir=""')
    rows = []
    with started_cluster(nodes, extra) as (_, n1):
        base = f"http://{n1.ip}:{HTTP_PORT}"
        rps, p50, p99, err = wrk(base + "/", seconds, 1, put_lua)
        rows.append((label, "durable" if durable else "memory", "PUT, 1 client", p50, p99,
                     f"{rps:.0f}", err))
        if linearizable:
            rps, p50, p99, err = wrk(base + "/v1/value?consistent", seconds, 1)
            rows.append((label, "durable" if durable else "memory",
                         "GET ?consistent, 1 client", p50, p99, f"{rps:.0f}", err))
        for conns in (8, 32):
            rps, p50, p99, err = wrk(base + "/", seconds, conns, put_lua)
            rows.append((label, "durable" if durable else "memory",
                         f"PUT, {conns} clients", p50, p99, f"{rps:.0f}", err))
    return rows


def first_majority_follower(c):
    """The one of n2 and n3 that n1's accepts go to first (thrifty accepts): the one
    that saved more acceptor states. Killing it costs the round in flight the widening
    wait; killing the other would cost n1's rounds nothing."""
    def saves(node):
        return sample(node, "onevalue_acceptor_save_duration_seconds_count") or 0
    return max(c.nodes[1:], key=saves)


def recovery_after_voter_kill():
    """(longest gap in ms between two committed writes through n1 around a kill -9 of a
    voter in its first majority, the voter's name)."""
    with started_cluster(3, [QUIET] + linearizable_args(3), settle=False) as (c, n1):
        conn = http.client.HTTPConnection(n1.ip, HTTP_PORT, timeout=5)
        last_ok, gaps, killed_at, victim, i = time.monotonic(), [], None, None, 0
        end = time.monotonic() + 6
        while time.monotonic() < end:
            i += 1
            conn.request("PUT", "/v1/value", body=str(i))
            resp = conn.getresponse()
            resp.read()
            now = time.monotonic()
            if resp.status == 200:
                if killed_at is not None:
                    gaps.append(now - last_ok)
                last_ok = now
            if victim is None and now > end - 4.5:
                victim = first_majority_follower(c)
            elif killed_at is None and now > end - 4:
                victim.kill()
                killed_at = now
        conn.close()
        return (max(gaps) * 1000 if gaps else None), victim.name


def etcd_status(addr):
    """(this member's id, the leader's id) from etcd's maintenance status, or None."""
    try:
        conn = http.client.HTTPConnection(addr, 2379, timeout=2)
        conn.request("POST", "/v3/maintenance/status", body="{}")
        resp = conn.getresponse()
        if resp.status != 200:
            return None
        status = json.loads(resp.read())
        return status["header"]["member_id"], status["leader"]
    except (OSError, ValueError, KeyError):
        return None


def start_etcd(workdir, procs):
    """Starts three members (appended to `procs` as they start, so the caller can stop
    them whatever happens) and returns the address of the raft leader once it takes a
    put. Clients write through the leader: a put sent to a follower is forwarded to the
    leader, one more hop that onevalue's proposers (every node) do not have, so this is
    etcd's best case."""
    names = [f"e{i + 1}" for i in range(3)]
    addrs = [ip(ETCD_FIRST_IP + i) for i in range(3)]
    cluster = ",".join(f"{n}=http://{a}:2380" for n, a in zip(names, addrs))
    for n, a in zip(names, addrs):
        log = open(os.path.join(workdir, n + ".log"), "wb")
        procs.append(subprocess.Popen(
            ["etcd", "--name", n, "--data-dir", os.path.join(workdir, n),
             "--listen-peer-urls", f"http://{a}:2380",
             "--initial-advertise-peer-urls", f"http://{a}:2380",
             "--listen-client-urls", f"http://{a}:2379",
             "--advertise-client-urls", f"http://{a}:2379",
             "--initial-cluster", cluster, "--initial-cluster-state", "new",
             "--log-level", "error"],
            stdout=log, stderr=subprocess.STDOUT))
        log.close()

    def leader():
        for a in addrs:
            status = etcd_status(a)
            if status and status[1] != "0" and status[0] == status[1]:
                return a
        return None

    def ready():
        addr = leader()
        if addr is None:
            return False
        conn = http.client.HTTPConnection(addr, 2379, timeout=2)
        body = json.dumps({"key": base64.b64encode(b"onevalue").decode(),
                           "value": base64.b64encode(b"1").decode()})
        conn.request("POST", "/v3/kv/put", body=body)
        return conn.getresponse().status == 200
    wait_until(ready, 30, "etcd to elect a leader and take a put")
    addr = leader()
    if addr is None:
        raise RuntimeError("etcd lost its leader right after the first put")
    print(f"etcd: writing through the leader, {names[addrs.index(addr)]} ({addr})",
          flush=True)
    return addr


@contextlib.contextmanager
def started_etcd():
    """A 3-member etcd cluster on this bench's addresses, past a first put, the disks
    settled first; yields the leader's address (see start_etcd). Killed and removed at
    the end, also when it fails to start."""
    workdir = tempfile.mkdtemp(prefix="onevalue-etcd-")
    procs = []
    settle_disks()
    try:
        yield start_etcd(workdir, procs)
    finally:
        for p in procs:
            p.send_signal(signal.SIGKILL)
            p.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def measure_etcd(seconds, lua):
    with started_etcd() as addr:
        rows = []
        for conns in (1, 8, 32):
            rps, p50, p99, err = wrk(f"http://{addr}:2379/", seconds, conns, lua)
            rows.append(("etcd 3.4 (3 members)", "durable", f"PUT, {conns} client"
                         + ("s" if conns > 1 else ""), p50, p99, f"{rps:.0f}", err))
        return rows


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    put_lua, etcd_lua = script(PUT_LUA), script(ETCD_LUA)
    rows = []
    try:
        if shutil.which("etcd"):
            rows += measure_etcd(seconds, etcd_lua)
        else:
            print("etcd not installed (apt-get install etcd-server): no anchor rows")
        for durable in (True, False):
            rows += measure_onevalue("linearizable, 3 voters", 3, True, durable, seconds,
                                     put_lua)
            rows += measure_onevalue("linearizable, 5 voters", 5, True, durable, seconds,
                                     put_lua)
            rows += measure_onevalue("eventual, 3 nodes", 3, False, durable, seconds,
                                     put_lua)
        print(table(["cluster", "data", "operation", "p50", "p99", "req/s", "non-2xx"],
                    rows))
        gap, victim = recovery_after_voter_kill()
        print(f"\nlongest gap between committed writes around kill -9 of voter {victim} "
              f"(in n1's first majority): {gap:.1f} ms" if gap is not None
              else "\nno write committed after the kill")
    finally:
        os.unlink(put_lua)
        os.unlink(etcd_lua)


if __name__ == "__main__":
    main()
