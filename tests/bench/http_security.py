#!/usr/bin/env python3
"""Benchmark (not a test): what HTTPS and tokens cost, side by side with the blog's Go
server, in one interleaved run on one machine.

Servers, all started at once and kept running:
  - onevalue A: a single-node cluster without tokens (durability off, no data dir),
    serving plain HTTP and HTTPS (certificates from app/make_certs.sh, EC P-256);
  - onevalue B: the same with a write token (acl-write-tokens);
  - the blog's Go server (BLOG_SERVER=path; left out if unset): plain HTTP, the blog's
    gorilla/mux handlers on Go's net/http.
Cases: plain HTTP, HTTPS (A), HTTP + token, HTTPS + token (B), blog (plain); requests
`GET /get` and `GET /set/{n}` (the blog's API: both servers have it; a new value per
request). Each round runs every case and request once, for SECONDS each, with
`wrk -t2 -cCONNS --latency` (keep-alive: a TLS handshake per connection, once); the
table shows per case the median over ROUNDS rounds of req/s, p50 and p99 latency and
the server's CPU time per request (user + system from /proc, which moves far less than
req/s on a shared machine), and every round's req/s.

    ONEVALUE_BIN=build/onevalue BLOG_SERVER=/path/to/blog-server \\
      python3 tests/bench/http_security.py [SECONDS=5] [CONNS=32] [ROUNDS=5]
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import Cluster, cpu_seconds, table, wait_until
import cluster as cluster_module  # noqa: E402  (benchlib put tests/integration on the path)
from cluster import ip  # noqa: E402
from wrk import lua_scripts, remove_scripts, run_wrk_detailed

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
WRITE_TOKEN = os.urandom(16).hex()
HTTP_PORT, HTTPS_PORT, CLUSTER_PORT = 29380, 29443, 29346
BLOG_PORT, BLOG_SERF_PORT = 29390, 29347


def make_certificates(directory, hosts):
    subprocess.run([os.path.join(ROOT, "app", "make_certs.sh"), directory,
                    "bench=" + ",".join(ip(h) for h in hosts)],
                   check=True, stdout=subprocess.DEVNULL)


def start_node(host, certs, token):
    args = ['--onevalue.data-dir=""',
            f"--onevalue.https-port={HTTPS_PORT}",
            f"--onevalue.https-cert={certs}/bench.crt",
            f"--onevalue.https-key={certs}/bench.key"]
    if token:
        args.append(f'--onevalue.acl-write-tokens=["{WRITE_TOKEN}"]')
    c = Cluster(1, first_ip=host, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT,
                extra_args=args)
    c.__enter__()
    # Ready when /health answers 200 (it takes writes); without a token it shows only
    # the status, which is all this needs.
    wait_until(lambda: c.nodes[0].health()[0] == 200, 30, "the node to take writes")
    return c


class BlogServer:
    """The blog's Go program on NET.host (its HTTP port and serf's made configurable)."""

    def __init__(self, binary, host):
        env = dict(os.environ, ADVERTISE_ADDR=ip(host), BIND_PORT=str(BLOG_SERF_PORT),
                   LISTEN_ADDR=f"{ip(host)}:{BLOG_PORT}", CLUSTER_ADDR="")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([binary], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.url = f"http://{ip(host)}:{BLOG_PORT}"

        def answers():
            out = subprocess.run(["curl", "-fsS", "--max-time", "1", self.url + "/get"],
                                 capture_output=True)
            return self.proc.poll() is None and out.returncode == 0
        wait_until(answers, 15, "the blog's server to answer /get")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    if os.environ.get("ONEVALUE_BIN"):
        cluster_module.ONEVALUE_BIN = os.environ["ONEVALUE_BIN"]
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    blog_binary = os.environ.get("BLOG_SERVER")
    lua = lua_scripts()
    certs = os.path.join(tempfile.mkdtemp(), "tls")
    servers = []
    results = {}
    try:
        make_certificates(certs, (230, 231))
        open_node = start_node(230, certs, token=False)
        servers.append(open_node)
        token_node = start_node(231, certs, token=True)
        servers.append(token_node)
        auth = [f"Authorization: Bearer {WRITE_TOKEN}"]
        a, b = open_node.nodes[0], token_node.nodes[0]
        # (case, server process, base URL, extra headers)
        cases = [("onevalue, plain HTTP", a.proc, f"http://{a.ip}:{HTTP_PORT}", []),
                 ("onevalue, HTTPS", a.proc, f"https://{a.ip}:{HTTPS_PORT}", []),
                 ("onevalue, HTTP + token", b.proc, f"http://{b.ip}:{HTTP_PORT}", auth),
                 ("onevalue, HTTPS + token", b.proc, f"https://{b.ip}:{HTTPS_PORT}", auth)]
        if blog_binary:
            blog = BlogServer(blog_binary, 232)
            servers.append(blog)
            cases.append(("blog's Go server, plain HTTP", blog.proc, blog.url, []))
        else:
            print("BLOG_SERVER is not set: the blog's Go server is left out",
                  file=sys.stderr)
        for r in range(rounds):
            for case, proc, base, headers in cases:
                for name, url, script in (("GET /get", base + "/get", None),
                                          ("GET /set/{n}", base + "/", lua["set"])):
                    before = cpu_seconds(proc.pid)
                    res = run_wrk_detailed(url, seconds, conns, script, headers)
                    res["cpu_us"] = (cpu_seconds(proc.pid) - before) * 1e6 / res["requests"]
                    if res["non2xx"]:
                        sys.exit(f"{case} {name}: {res['non2xx']} non-2xx responses")
                    results.setdefault((name, case), []).append(res)
                    print(f"round {r + 1}", case, name, res, file=sys.stderr, flush=True)
    finally:
        for s in servers:
            if isinstance(s, BlogServer):
                s.stop()
            else:
                s.__exit__(None, None, None)
        remove_scripts(lua)
        shutil.rmtree(os.path.dirname(certs), ignore_errors=True)
    order = [c[0] for c in cases]
    rows = []
    for (name, case), runs in sorted(results.items(),
                                     key=lambda kv: (kv[0][0], order.index(kv[0][1]))):
        med = {k: statistics.median(r[k] for r in runs) for k in ("rps", "p50", "p99",
                                                                   "cpu_us")}
        rows.append((name, case, f"{med['rps']:.0f}", f"{med['p50']:.2f} ms",
                     f"{med['p99']:.2f} ms", f"{med['cpu_us']:.1f} µs",
                     " ".join(f"{r['rps']:.0f}" for r in runs)))
    print(f"\n### HTTP, HTTPS and tokens vs the blog's Go server (wrk -t2 -c{conns} "
          f"-d{seconds}s, keep-alive, medians of {rounds} interleaved rounds)\n")
    print(table(["request", "server and setup", "req/s", "p50", "p99",
                 "server CPU per request", "rounds (req/s)"], rows))


if __name__ == "__main__":
    main()
