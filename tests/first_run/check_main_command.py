#!/usr/bin/env python3
"""Runs the README's main command as a new user would, on a fresh clone of one commit.

    python3 tests/first_run/check_main_command.py [--commit REV] [--repo DIR] [--keep]
                                                  [--workdir DIR]

Clones REV (default HEAD) of the repository DIR (default: the one holding this script)
into a new directory, starts `app/run_local_cluster.sh` there in the background (it
installs missing packages, builds the node, installs it to /usr/local/bin and runs three
nodes on 127.0.0.1-3, ports 8080 and 7946), and waits until it prints that the cluster
is up. Then, against that cluster: the README's "Using it" transcript verbatim (see
tests/integration/readme_examples.py), every `curl` line the script's banner suggests,
a `/set/N` on one node read back with `/get` on the other two, and `onevalue --help`.
Finally it sends SIGINT to the script's process group, as Ctrl-C in a terminal does,
and checks that the script exits 0, that every node left cleanly and that no node
process remains. Exits 0 if every check passed, 1 otherwise, saying which failed.

Uses the README's fixed addresses, so nothing else may use 127.0.0.1-3 ports 8080 and
7946 meanwhile (it checks first and names what holds them). Needs root (the script
installs packages and the binary).
"""

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import readme_examples  # noqa: E402

NODES = (1, 2, 3)
UP_BANNER = "onevalue: 3 nodes up"
# A fresh clone builds the node from nothing (ccache helps); apt-get may run first.
START_DEADLINE_S = 30 * 60
STOP_DEADLINE_S = 15


class Failed(Exception):
    pass


def log(message):
    print(f"[first-run] {message}", flush=True)


def check_addresses_free():
    """Fails, naming the holder, if any README address is taken on this machine."""
    taken = []
    for n in NODES:
        for kind, port in ((socket.SOCK_STREAM, 8080), (socket.SOCK_STREAM, 7946),
                           (socket.SOCK_DGRAM, 7946)):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind((f"127.0.0.{n}", port))
            except OSError as err:
                proto = "tcp" if kind == socket.SOCK_STREAM else "udp"
                taken.append(f"127.0.0.{n}:{port}/{proto} ({err.strerror})")
            finally:
                s.close()
    if taken:
        holders = subprocess.run(["ss", "-ltunp"], capture_output=True, text=True).stdout
        lines = [l for l in holders.splitlines() if ":8080 " in l or ":7946 " in l]
        raise Failed("the README's addresses are in use: " + ", ".join(taken) + "\n"
                     + "\n".join(lines))


def clone(repo, commit, into):
    sha = subprocess.run(["git", "-C", repo, "rev-parse", "--verify", commit + "^{commit}"],
                         check=True, capture_output=True, text=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", repo, into], check=True)
    subprocess.run(["git", "-C", into, "checkout", "--quiet", "--detach", sha], check=True)
    return sha


class MainCommand:
    """app/run_local_cluster.sh running in the background of a fresh clone."""

    def __init__(self, root):
        self.root = root
        self.log_path = os.path.join(root, "run_local_cluster.out")
        self.output = open(self.log_path, "wb")
        env = dict(os.environ)
        # Cache hits across clones and checkouts: ccache rewrites paths below the base
        # dir, and without hashing the build directory (only debug info names it) an
        # object built in another checkout at the same relative paths is reused.
        env.setdefault("CCACHE_BASEDIR", root)
        env.setdefault("CCACHE_NOHASHDIR", "1")

        def default_sigint():
            # A process started in the background of a non-interactive shell inherits
            # SIGINT ignored, and bash cannot trap a signal ignored at entry: restore
            # the default, so the script's Ctrl-C handling is what runs.
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        self.proc = subprocess.Popen(["app/run_local_cluster.sh"], cwd=root, env=env,
                                     stdin=subprocess.DEVNULL, stdout=self.output,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=default_sigint)

    def text(self):
        with open(self.log_path, errors="replace") as f:
            return f.read()

    def wait_up(self, deadline_s):
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if UP_BANNER in self.text():
                return
            if self.proc.poll() is not None:
                raise Failed(f"the script exited ({self.proc.returncode}) before the "
                             f"cluster was up:\n{self.tail()}")
            time.sleep(0.5)
        raise Failed(f"no '{UP_BANNER}' within {deadline_s} s:\n{self.tail()}")

    def banner_commands(self):
        """The shell commands the banner suggests (`curl ...`, `onevalue --help`)."""
        banner = self.text().split(UP_BANNER, 1)[1]
        commands = []
        for line in banner.splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith(("curl ", "onevalue ")):
                commands.append(command)
        return commands

    def node_pids(self):
        """PIDs of the script's child processes that are onevalue nodes."""
        pids = []
        children = f"/proc/{self.proc.pid}/task/{self.proc.pid}/children"
        with open(children) as f:
            for pid in f.read().split():
                try:
                    with open(f"/proc/{pid}/comm") as comm:
                        if comm.read().strip() == "onevalue":
                            pids.append(int(pid))
                except OSError:
                    pass
        return pids

    def interrupt(self):
        """Ctrl-C: SIGINT to the whole process group (script and nodes)."""
        os.killpg(self.proc.pid, signal.SIGINT)

    def tail(self, lines=40):
        return "\n".join(self.text().splitlines()[-lines:])

    def kill(self):
        """Kills whatever is left of the process group (the script and its nodes)."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # everything exited
        self.proc.wait(10)
        self.output.close()


def run_checks(root, main):
    failures = []
    with open(os.path.join(root, "README.md")) as f:
        examples = readme_examples.parse_examples(f.read())
    log(f"running the README's {len(examples)} 'Using it' commands verbatim")
    failures += readme_examples.run_examples(examples, cwd=root)

    shell = readme_examples.Shell(cwd=root)
    try:
        commands = main.banner_commands()
        if not any(c.startswith("curl ") for c in commands):
            failures.append("the banner suggests no curl command")
        for command in commands:
            status, output, errors = shell.run(command)
            log(f"banner: {command} -> exit {status}, {len(output)} bytes")
            if status != 0 or not output.endswith("\n"):
                failures.append(f"banner command '{command}': exit {status}, printed "
                                f"{output[-200:]!r} {errors.strip()}")
        n = random.randint(1000, 10 ** 9)
        status, output, _ = shell.run(f"curl -sS 127.0.0.1:8080/set/{n}")
        if (status, output) != (0, f"{n}\n"):
            failures.append(f"/set/{n} on node1: exit {status}, printed {output!r}")
        for other in NODES[1:]:
            deadline = time.monotonic() + 5
            while True:
                status, output, _ = shell.run(f"curl -sS 127.0.0.{other}:8080/get")
                if (status, output) == (0, f"{n}\n") or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if (status, output) != (0, f"{n}\n"):
                failures.append(f"/get on node{other}: exit {status}, printed {output!r}, "
                                f"expected {n}")
    finally:
        shell.close()
    return failures


def stop_and_check(root, main):
    failures = []
    pids = main.node_pids()
    if len(pids) != len(NODES):
        failures.append(f"{len(pids)} node processes under the script, not {len(NODES)}")
    log(f"Ctrl-C (SIGINT to the process group; nodes {pids})")
    main.interrupt()
    try:
        code = main.proc.wait(STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        return failures + [f"the script did not exit within {STOP_DEADLINE_S} s of "
                           f"SIGINT:\n{main.tail()}"]
    if code != 0:
        failures.append(f"the script exited {code} after SIGINT:\n{main.tail()}")
    if "all nodes left and exited cleanly" not in main.text():
        failures.append("the script did not report that every node exited cleanly")
    for pid in pids:
        if os.path.exists(f"/proc/{pid}"):
            failures.append(f"node process {pid} is still running")
    for n in NODES:
        path = os.path.join(root, "data", "logs", f"node{n}.log")
        with open(path, errors="replace") as f:
            text = f.read()
        if "left; shutting down" not in text:
            failures.append(f"node{n} did not leave cleanly; its log ends:\n"
                            + "\n".join(text.splitlines()[-10:]))
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", default=os.path.normpath(os.path.join(HERE, "..", "..")))
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--keep", action="store_true", help="keep the clone afterwards")
    parser.add_argument("--workdir", default=None,
                        help="make the clone in this directory (default: the system's "
                             "temporary directory)")
    args = parser.parse_args()

    if args.workdir:
        os.makedirs(args.workdir, exist_ok=True)
    root = tempfile.mkdtemp(prefix="onevalue-first-run-", dir=args.workdir)
    main_command = None
    try:
        check_addresses_free()
        sha = clone(args.repo, args.commit, root)
        log(f"fresh clone of {sha[:12]} in {root}; starting app/run_local_cluster.sh")
        started = time.monotonic()
        main_command = MainCommand(root)
        main_command.wait_up(START_DEADLINE_S)
        log(f"cluster up after {time.monotonic() - started:.0f} s")
        failures = run_checks(root, main_command)
        failures += stop_and_check(root, main_command)
    except Failed as err:
        failures = [str(err)]
    finally:
        if main_command:
            main_command.kill()
    if failures:
        print("\n".join(f"FAILED: {f}" for f in failures), flush=True)
        print(f"(clone kept in {root})")
        return 1
    log("the README's main command works on a fresh clone")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    else:
        log(f"clone kept in {root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
