"""Runs the shell examples of the README's "Using it" section and checks their output.

The section's ```sh blocks are a transcript: each line that does not start with `#` is
a command, and the `# ` lines right after it are what the command prints, one output
line each (a command followed by no such line prints nothing). A `#` remark at the end
of a command line is the shell's comment, not output. The commands run in order in one
bash process, so shell variables set by one (`etag=$(...)`) reach the next.

A printed line is compared with its documented one exactly, except JSON: objects must
have exactly the documented keys and values, but the numbers that depend on history
or the clock (`index`, `counter`, `incarnation`, `state_since_ms`, `state_age_ms`) only
need to be integers, and an array written as `[first, ...]` may hold more elements of the same shape. Every reply must end with a
newline (as the node's do), so nothing sticks to the shell prompt.

Used by test_readme_examples.py (a cluster of its own, addresses rewritten) and by
tests/first_run/check_main_command.py (the README's own cluster, verbatim).
"""

import json
import os
import re
import select
import subprocess
import tempfile
import time

VOLATILE_KEYS = {"index", "counter", "incarnation", "state_since_ms", "state_age_ms"}
SECTION = "## Using it"


class Example:
    """One command of the transcript and the lines it is documented to print."""

    def __init__(self, command, expected, line):
        self.command = command
        self.expected = expected
        self.line = line  # 1-based line number in the README

    def is_read(self):
        """A read that may be repeated: a plain GET that writes nothing."""
        c = self.command
        return (c.startswith("curl ") and " -X " not in c and "/set/" not in c
                and " -d " not in c)

    def __repr__(self):
        return f"README line {self.line}: {self.command}"


def section_lines(readme_text):
    """(line number, text) of the "Using it" section, up to the next `## ` heading."""
    lines = readme_text.split("\n")
    start = next((i for i, l in enumerate(lines) if l.strip() == SECTION), None)
    if start is None:
        raise ValueError(f"the README has no '{SECTION}' section")
    out = []
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("## "):
            break
        out.append((i + 1, lines[i]))
    return out


def parse_examples(readme_text):
    """Every command of the section's ```sh blocks, in order, with its output lines."""
    examples = []
    in_sh = False
    for number, text in section_lines(readme_text):
        if text.startswith("```"):
            in_sh = (not in_sh) and text.strip() == "```sh"
            continue
        if not in_sh or not text.strip():
            continue
        if text.startswith("#"):
            if not examples:
                raise ValueError(f"README line {number}: output before any command")
            if not text.startswith("# "):
                raise ValueError(f"README line {number}: output lines start with '# '")
            examples[-1].expected.append(text[2:])
        else:
            examples.append(Example(text, [], number))
    if not examples:
        raise ValueError(f"no ```sh examples in '{SECTION}'")
    return examples


def _json_or_none(text):
    if not text.startswith(("{", "[")):
        return None
    return json.loads(text)


def _shape_diff(expected, actual, path):
    """Why `actual` does not have `expected`'s shape (keys and types), or None."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {actual!r}"
        if set(expected) != set(actual):
            return f"{path}: keys {sorted(actual)} instead of {sorted(expected)}"
        for key in expected:
            why = _shape_diff(expected[key], actual[key], f"{path}.{key}")
            if why:
                return why
        return None
    if isinstance(expected, bool) or isinstance(actual, bool):
        ok = isinstance(expected, bool) and isinstance(actual, bool)
    else:
        ok = type(expected) is type(actual)
    return None if ok else f"{path}: {actual!r} is not of the type of {expected!r}"


def json_diff(expected, actual, path="$", ellipsis_rest=False):
    """Why `actual` differs from the documented `expected` JSON, or None."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected an object, got {actual!r}"
        if set(expected) != set(actual):
            return f"{path}: keys {sorted(actual)} instead of {sorted(expected)}"
        for key in expected:
            if key in VOLATILE_KEYS:
                if not isinstance(actual[key], int) or isinstance(actual[key], bool):
                    return f"{path}.{key}: {actual[key]!r} is not an integer"
                continue
            why = json_diff(expected[key], actual[key], f"{path}.{key}")
            if why:
                return why
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected an array, got {actual!r}"
        if ellipsis_rest:
            if len(actual) < len(expected):
                return f"{path}: {len(actual)} elements, at least {len(expected)} shown"
        elif len(actual) != len(expected):
            return f"{path}: {len(actual)} elements instead of {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            why = json_diff(e, a, f"{path}[{i}]")
            if why:
                return why
        for i in range(len(expected), len(actual)):
            why = _shape_diff(expected[-1], actual[i], f"{path}[{i}]")
            if why:
                return why
        return None
    if expected != actual or type(expected) is not type(actual):
        return f"{path}: {actual!r} instead of {expected!r}"
    return None


def line_diff(expected, actual, map_expected):
    """Why the printed line `actual` differs from the documented `expected`, or None."""
    ellipsis = re.search(r",\s*\.\.\.\s*\]$", expected)
    documented = expected[:ellipsis.start()] + "]" if ellipsis else expected
    try:
        want = _json_or_none(documented)
    except ValueError as err:
        return f"the README's JSON does not parse ({err}): {expected}"
    if want is None:
        return None if actual == expected else f"{actual!r} instead of {expected!r}"
    try:
        got = json.loads(actual)
    except ValueError:
        return f"not JSON: {actual!r}"
    return json_diff(map_expected(want), got, ellipsis_rest=bool(ellipsis))


def output_diff(example, output, map_expected):
    """Why `output` (bytes printed) is not what `example` documents, or None."""
    if not example.expected:
        return None if output == "" else f"printed {output!r}, documented nothing"
    if not output.endswith("\n"):
        return f"the output does not end with a newline: {output!r}"
    lines = output[:-1].split("\n")
    if len(lines) != len(example.expected):
        return f"{len(lines)} lines instead of {len(example.expected)}: {output!r}"
    for want, got in zip(example.expected, lines):
        why = line_diff(want, got, map_expected)
        if why:
            return why
    return None


class Shell:
    """One bash process that runs commands in turn and keeps their variables."""

    def __init__(self, cwd=None):
        self.dir = tempfile.mkdtemp(prefix="onevalue-readme-")
        self.proc = subprocess.Popen(["bash", "--noprofile", "--norc"], cwd=cwd,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.count = 0

    def run(self, command, timeout=15):
        """Runs `command`; returns (exit status, stdout, stderr) as text."""
        self.count += 1
        out = os.path.join(self.dir, f"{self.count}.out")
        err = os.path.join(self.dir, f"{self.count}.err")
        marker = f"__onevalue_done_{self.count}__"
        # The newline before '}' ends a trailing '# remark' on the command line.
        script = f"{{ {command}\n}} >{out} 2>{err}; echo {marker} $?\n"
        self.proc.stdin.write(script.encode())
        self.proc.stdin.flush()
        deadline = time.monotonic() + timeout
        buffer = b""
        while marker.encode() not in buffer or not buffer.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"'{command}' did not finish within {timeout} s")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                if not chunk:
                    raise RuntimeError("the shell exited")
                buffer += chunk
        status = int(buffer.split(marker.encode())[1].split()[0])
        with open(out, errors="replace") as f_out, open(err, errors="replace") as f_err:
            return status, f_out.read(), f_err.read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


def run_examples(examples, rewrite=lambda c: c, map_expected=lambda j: j, cwd=None,
                 settle=3.0):
    """Runs `examples` in one shell; returns a list of failures (empty if all match).

    `rewrite` maps each command before it runs (e.g. to other addresses), and
    `map_expected` each documented JSON value before comparison. A read whose output
    differs is repeated for up to `settle` seconds: a value written on one node reaches
    the others within milliseconds, but not necessarily before the next command.
    """
    failures = []
    shell = Shell(cwd)
    try:
        for example in examples:
            command = rewrite(example.command)
            deadline = time.monotonic() + settle
            while True:
                status, output, errors = shell.run(command)
                why = (f"exit status {status}: {errors.strip()}" if status != 0
                       else output_diff(example, output, map_expected))
                if not why or not example.is_read() or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if why:
                failures.append(f"{example!r}\n  ran: {command}\n  {why}")
    finally:
        shell.close()
    return failures
