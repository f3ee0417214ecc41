"""Running wrk for the benchmarks in tests/bench: the lua scripts that write a new value
per request, and one runner that parses wrk's report."""

import os
import re
import subprocess
import tempfile

SET_LUA = """
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/set/" .. n)
end
"""

PUT_LUA = """
wrk.method = "PUT"
wrk.headers["Content-Type"] = "text/plain"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/v1/value", nil, tostring(n))
end
"""


def lua_scripts():
    """Writes the scripts to temporary files: {"set": path, "put": path}."""
    paths = {}
    for name, text in (("set", SET_LUA), ("put", PUT_LUA)):
        f = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        f.write(text)
        f.close()
        paths[name] = f.name
    return paths


def remove_scripts(paths):
    for p in paths.values():
        os.unlink(p)


def run_wrk(url, seconds, conns, script=None):
    """`wrk -t2 -cCONNS -dSECONDS --latency [-s SCRIPT] URL` (fewer threads than 2 only
    for a single connection). Returns (req/s, p50, p99, non-2xx count, socket errors)."""
    cmd = ["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         check=True).stdout.decode()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return (rps, pct.get("50", "?"), pct.get("99", "?"),
            int(errors.group(1)) if errors else 0, sock.group(1) if sock else "-")


def run_wrk_detailed(url, seconds, conns, script=None, headers=()):
    """Like run_wrk, with extra `-H` headers; returns a dict: rps, p50 and p99 (in ms),
    requests (total completed), non2xx."""
    cmd = ["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{seconds}s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         check=True).stdout.decode()
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": to_ms(pct["50"]), "p99": to_ms(pct["99"]),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "non2xx": int(errors.group(1)) if errors else 0}


def to_ms(text):
    """wrk's latency text (`512.00us`, `1.50ms`, `2.00s`) in milliseconds."""
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
