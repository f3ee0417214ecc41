#!/usr/bin/env python3
"""Benchmark (not a test): what HTTPS and tokens cost the HTTP layer. Runs
tests/bench/http_bench_server (the node's HTTP server and router on an in-memory
backend, so the store and cluster do not blur the difference) in two setups, plain+HTTPS
without tokens and plain+HTTPS with tokens, and measures GET /get and PUT /v1/value with
`wrk -t2 -cCONNS --latency` (keep-alive) over http:// and https://. Setups and cases
are interleaved over ROUNDS rounds; the table shows the median req/s, p99 and the
server's CPU time per request (user + system from /proc, steadier than req/s on a shared
machine) of the rounds. Certificates (EC P-256) are made with the openssl tool in a temporary directory.

    HTTP_BENCH_SERVER=build-rel/tests/http_bench_server \\
      python3 tests/bench/http_security.py [SECONDS=5] [CONNS=32] [ROUNDS=3]
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import cpu_seconds, table
from wrk import lua_scripts, remove_scripts, run_wrk_detailed

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "integration"))
from cluster import ip  # noqa: E402

WRITE_TOKEN = "bench-write-token-0123456789abcdef"


def make_certificates(directory):
    """A CA and a server certificate for the bench address, signed by it."""
    def run(*args):
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    run("openssl", "req", "-x509", *ec, "-days", "2", "-subj", "/CN=bench-ca",
        "-keyout", f"{directory}/ca.key", "-out", f"{directory}/ca.crt")
    run("openssl", "req", *ec, "-subj", "/CN=bench", "-keyout", f"{directory}/server.key",
        "-out", f"{directory}/server.csr")
    with open(f"{directory}/server.ext", "w") as f:
        f.write(f"subjectAltName=IP:{ip(230)}\n")
    run("openssl", "x509", "-req", "-days", "2", "-in", f"{directory}/server.csr",
        "-CA", f"{directory}/ca.crt", "-CAkey", f"{directory}/ca.key", "-CAcreateserial",
        "-extfile", f"{directory}/server.ext", "-out", f"{directory}/server.crt")


class BenchServer:
    """http_bench_server on NET.230, plain HTTP and HTTPS, optionally with tokens."""

    def __init__(self, binary, certs, tokens):
        args = [binary, "--bind", ip(230), "--port", "0", "--https-port", "0",
                "--cert", f"{certs}/server.crt", "--key", f"{certs}/server.key"]
        if tokens:
            args += ["--write-token", WRITE_TOKEN]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # the server's log goes to stdout as well
        while line and not line.startswith("ready"):
            line = self.proc.stdout.readline()
        ports = dict(re.findall(r"(\w+)=(\d+)", line))
        if "http" not in ports:
            self.stop()
            sys.exit(f"http_bench_server did not start: {line!r}")
        self.http = f"http://{ip(230)}:{ports['http']}"
        self.https = f"https://{ip(230)}:{ports['https']}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def main():
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    binary = os.environ.get("HTTP_BENCH_SERVER", "build-rel/tests/http_bench_server")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    lua = lua_scripts()
    certs = tempfile.mkdtemp()
    results = {}
    try:
        make_certificates(certs)
        for _ in range(rounds):
            for tokens in (False, True):
                server = BenchServer(binary, certs, tokens)
                headers = [f"Authorization: Bearer {WRITE_TOKEN}"] if tokens else []
                try:
                    for scheme in ("http", "https"):
                        base = server.http if scheme == "http" else server.https
                        for name, url, script in (("GET /get", base + "/get", None),
                                                  ("PUT /v1/value", base + "/", lua["put"])):
                            key = (name, scheme, "write token" if tokens else "none")
                            cpu_before = cpu_seconds(server.proc.pid)
                            r = run_wrk_detailed(url, seconds, conns, script, headers)
                            r["cpu_us"] = ((cpu_seconds(server.proc.pid) - cpu_before) * 1e6
                                           / r["requests"])
                            if r["non2xx"]:
                                sys.exit(f"{key}: {r['non2xx']} non-2xx responses")
                            results.setdefault(key, []).append(r)
                            print(key, r, file=sys.stderr, flush=True)
                finally:
                    server.stop()
    finally:
        remove_scripts(lua)
        shutil.rmtree(certs)
    rows = []
    for (name, scheme, token), runs in sorted(results.items()):
        rows.append((name, scheme, token, f"{statistics.median(r['rps'] for r in runs):.0f}",
                     f"{statistics.median(r['p99'] for r in runs):.2f} ms",
                     f"{statistics.median(r['cpu_us'] for r in runs):.1f} µs",
                     " ".join(f"{r['rps']:.0f}" for r in runs)))
    print(f"\n### HTTP layer: plain vs HTTPS vs token (wrk -t2 -c{conns} -d{seconds}s, "
          f"keep-alive, medians of {rounds} interleaved rounds)\n")
    print(table(["request", "scheme", "token", "req/s", "p99", "server CPU per request",
                 "rounds (req/s)"], rows))


if __name__ == "__main__":
    main()
