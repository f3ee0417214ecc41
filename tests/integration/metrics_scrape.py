"""Reading a node's /metrics (Prometheus text) in tests and benches."""

import re

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$')


def scrape(node):
    """(headers, body) of GET /metrics on `node`; raises unless it answers 200."""
    status, headers, body = node.request("GET", "/metrics")
    if status != 200:
        raise AssertionError(f"/metrics on {node.name}: {status} {body}")
    return headers, body


def samples(text):
    """{(name, labels text): value} of every sample in a scrape."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        if not m:
            raise AssertionError(f"unparsable sample line: {line!r}")
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def sample(node, name, labels=""):
    """One sample of the node's scrape now, or None if it has none of that name."""
    return samples(scrape(node)[1]).get((name, labels))
