#!/usr/bin/env python3
"""Mutation testing (not part of CI): do the unit tests catch plausible one-line bugs?

Each mutation below breaks one rule the README promises (SWIM merge rules, suspicion,
reaping, the broadcast queue, the value register and its Lamport clock, group commit,
HTTP parsing, the push rules, the gossip core) with a one-line change. For each, the
script applies the change to a scratch copy of the tree, rebuilds the unit tests there and
runs them, then restores the file. A mutant is *killed* when some test fails (or the run
exceeds its time limit), and *survives* when every test passes: then a rule has no test.

    python3 tests/mutation/run_mutations.py [--only ID,ID] [--list] [--keep-going]
        [--scratch DIR] [--timeout SECONDS] [--markdown FILE]

The scratch copy (default /tmp/onevalue-mutation) and its build directory persist
between runs, and the build uses ccache when installed, so each mutant recompiles only
the file it changed (and relinks). A full run of every mutation takes about 30-60
minutes on 2 cores. Exit status: 0 if every mutant was killed, 1 if one survived or no
longer applies (its text was not found: update the list), 2 on a setup error.

To add a mutation: append to MUTATIONS a file, the exact text of one line (or part of
one) that occurs exactly once in that file, its replacement, and the rule it breaks.
A mutation that cannot change behaviour (an equivalent mutant) goes to EQUIVALENT with
the reason, not to MUTATIONS.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Mutation:
    id: str
    rule: str
    file: str
    find: str
    replace: str


MUTATIONS = [
    # -- SWIM merge rules (actors/core/membership_merge.cpp) --
    Mutation("merge-alive-equal", "alive at an equal incarnation does not clear a suspicion",
             "actors/core/membership_merge.cpp",
             "  if (m.incarnation <= e.info.incarnation\n      || !plausible(m.incarnation, "
             "e.info.incarnation))\n    return;\n  // A higher",
             "  if (m.incarnation < e.info.incarnation\n      || !plausible(m.incarnation, "
             "e.info.incarnation))\n    return;\n  // A higher"),
    Mutation("merge-dead-stale", "a failed/left report about an older incarnation is ignored",
             "actors/core/membership_merge.cpp",
             "      || m.incarnation < known->info.incarnation\n"
             "      || !plausible(m.incarnation, known->info.incarnation))\n    return;\n"
             "  auto& e = *known;\n  if (e.info.state == member_state::left)",
             "      || !plausible(m.incarnation, known->info.incarnation))\n    return;\n"
             "  auto& e = *known;\n  if (e.info.state == member_state::left)"),
    Mutation("merge-suspect-stale", "a suspicion about an older incarnation is ignored",
             "actors/core/membership_merge.cpp",
             "      || m.incarnation < known->info.incarnation\n"
             "      || !plausible(m.incarnation, known->info.incarnation))\n    return;\n"
             "  auto& e = *known;\n  if (e.info.state == member_state::failed",
             "      || !plausible(m.incarnation, known->info.incarnation))\n    return;\n"
             "  auto& e = *known;\n  if (e.info.state == member_state::failed"),
    Mutation("merge-left-final", "left is final for its incarnation (beats failed)",
             "actors/core/membership_merge.cpp",
             "  if (e.info.state == member_state::left)\n    return;\n"
             "  if (m.state == member_state::left && reporter == m.name)",
             "  if (false)\n    return;\n"
             "  if (m.state == member_state::left && reporter == m.name)"),
    Mutation("refute-raise", "a refutation raises the incarnation above what was seen",
             "actors/core/membership_merge.cpp",
             "me.incarnation = base + 1;",
             "me.incarnation = base;"),
    Mutation("refute-suspect-equal", "a node refutes a suspicion at its own incarnation",
             "actors/core/membership_merge.cpp",
             "if (!leaving_ && m.incarnation >= self().incarnation\n"
             "        && plausible(m.incarnation, self().incarnation))\n"
             "      refute(m.incarnation, reporter + \" suspects",
             "if (!leaving_ && m.incarnation > self().incarnation\n"
             "        && plausible(m.incarnation, self().incarnation))\n"
             "      refute(m.incarnation, reporter + \" suspects"),
    # -- suspicion (Lifeguard) --
    Mutation("confirm-accuser", "the accuser's own word never confirms its suspicion",
             "actors/core/membership_merge.cpp",
             "if (reporter == s.accuser || reporter == m.name",
             "if (reporter == m.name"),
    Mutation("confirm-cap", "confirmations beyond the expected number are not re-broadcast",
             "actors/core/membership_merge.cpp",
             "|| s.confirmations.size() >= expected_confirmations()",
             "|| s.confirmations.size() > expected_confirmations()"),
    Mutation("suspicion-log-floor", "the suspicion timeout is at least mult probe intervals",
             "actors/core/swim_formulas.cpp",
             "auto node_scale = std::max(1.0, std::log10(",
             "auto node_scale = std::max(0.0, std::log10("),
    Mutation("suspicion-buddy", "a ping to a suspect carries the suspicion (buddy system)",
             "actors/core/membership_timers.cpp",
             "      if (target.state == member_state::suspect)\n        probe.attached",
             "      if (false)\n        probe.attached"),
    Mutation("helpers-alive-only", "indirect probes ask alive members only",
             "actors/core/membership_timers.cpp",
             "target_slot, sample_pool::alive, rng_);",
             "target_slot, sample_pool::live, rng_);"),
    Mutation("nack-once", "a nack counts once per helper asked",
             "actors/core/membership_core.cpp",
             "  if (it != awaiting.end())\n    awaiting.erase(it);",
             "  if (!awaiting.empty())\n    awaiting.pop_back();"),
    # -- reaping (actors/core/membership_timers.cpp) --
    Mutation("reap-per-member", "each member is reaped reap-after after its own failure",
             "actors/core/membership_timers.cpp",
             "if (now >= e.state_since + settings_.reap_after)",
             "if (now >= e.state_since)"),
    Mutation("reap-left", "left members are reaped too",
             "actors/core/membership_timers.cpp",
             "bool gone = e.info.state == member_state::failed || e.info.state == "
             "member_state::left;",
             "bool gone = e.info.state == member_state::failed;"),
    # -- broadcast queue (actors/core/broadcast_queue.cpp) --
    Mutation("queue-newest-first", "among items sent equally often the newest goes first",
             "actors/core/broadcast_queue.cpp",
             "a.transmits < b.transmits : a.id > b.id;",
             "a.transmits < b.transmits : a.id < b.id;"),
    Mutation("queue-fewest-first", "items sent fewest times go first",
             "actors/core/broadcast_queue.cpp",
             "a.transmits != b.transmits ? a.transmits < b.transmits",
             "a.transmits != b.transmits ? a.transmits > b.transmits"),
    Mutation("queue-limit", "each item is sent at most limit times",
             "actors/core/broadcast_queue.cpp",
             "return x.transmits >= limit;", "return x.transmits > limit;"),
    Mutation("queue-budget", "a packet stays within max-packet-bytes",
             "actors/core/broadcast_queue.cpp",
             "if (used + cost > budget)", "if (used > budget)"),
    Mutation("queue-older-value", "an older value never replaces a newer queued one",
             "actors/core/broadcast_queue.cpp",
             "if (x.is_value && !(x.value.ver < value.ver))",
             "if (x.is_value && x.value.ver < value.ver)"),
    # -- value register and Lamport clock --
    Mutation("lamport-increment", "a local write is ordered after everything seen",
             "actors/core/value_register.cpp",
             "version{highest + 1, node}",
             "version{highest, node}"),
    Mutation("lamport-observe", "merging advances the clock even for a stale value",
             "actors/core/value_register.cpp",
             "  observe(incoming.ver.counter);\n  if (!(current_.ver",
             "  if (!(current_.ver"),
    Mutation("lww-node-tiebreak", "equal counters are ordered by node name",
             "actors/core/version.hpp",
             "return std::tie(a.counter, a.node) < std::tie(b.counter, b.node);",
             "return a.counter < b.counter;"),
    # -- group commit (actors/core/group_commit.cpp) --
    Mutation("commit-reserve-counter", "a staged write reserves its counter",
             "actors/core/group_commit.cpp",
             "  visible_.observe(stamped->ver.counter);\n  pending_.push_back",
             "  pending_.push_back"),
    Mutation("commit-one-batch", "one batch is saved at a time",
             "actors/core/group_commit.cpp",
             "  if (in_flight_)\n    return std::nullopt;\n  value_register staged",
             "  value_register staged"),
    Mutation("commit-visible-after-save", "a write becomes visible once saved",
             "actors/core/group_commit.cpp",
             "      visible_.merge(ticket.stamped);\n  durable_ = in_flight_->state;",
             "      (void)ticket;\n  durable_ = in_flight_->state;"),
    # -- HTTP parsing (http/server/http_parser.cpp) --
    Mutation("http-conflicting-length", "conflicting Content-Length fields are refused",
             "http/server/http_parser.cpp",
             "if (content_length && *content_length != n)",
             "if (false && content_length && *content_length != n)"),
    Mutation("http-length-and-chunked", "Content-Length with Transfer-Encoding is refused",
             "http/server/http_parser.cpp",
             "    if (content_length)\n      return bad(400, \"both",
             "    if (false)\n      return bad(400, \"both"),
    Mutation("http-body-limit", "a body above the limit is refused with 413",
             "http/server/http_parser.cpp",
             "if (frame.content_length > limits.max_body_bytes)",
             "if (frame.content_length > 2 * limits.max_body_bytes)"),
    Mutation("http-chunked-limit", "a chunked body above the limit is refused",
             "http/server/http_parser.cpp",
             "if (body.size() + size > limits.max_body_bytes)",
             "if (size > limits.max_body_bytes)"),
    # -- push rules (actors/core/value_push.cpp) --
    Mutation("push-all-limit", "a writer pushes to every live member up to 64",
             "actors/core/value_push.cpp",
             "if (live_peers > push_to_all_limit)", "if (live_peers >= push_to_all_limit)"),
    Mutation("push-own-leave", "a node's own leave goes to every live member",
             "actors/core/value_push.cpp",
             "return own_leave ? push_scope::all : push_scope::random;",
             "return push_scope::random;"),
    Mutation("push-random-count", "a random push goes to gossip-nodes members",
             "actors/core/value_push.cpp",
             "return std::min(live_peers, static_cast<std::size_t>(std::max(gossip_nodes, 0)));",
             "return live_peers;"),
    # -- gossip core (actors/core/gossip_core.cpp) --
    Mutation("gossip-burst", "a burst of accepted values becomes one push",
             "actors/core/gossip_core.cpp",
             "    flush_pending_ = true;\n    out.flush = true;",
             "    out.flush = true;"),
    Mutation("gossip-receive-newer", "only values newer than the latest go to the store",
             "actors/core/gossip_core.cpp",
             "    if (latest_.ver < v.ver)\n      out.values",
             "    if (true)\n      out.values"),
    Mutation("gossip-tick-empty", "an empty queue sends nothing on a gossip tick",
             "actors/core/gossip_core.cpp",
             "  if (!queue_.empty())\n    push_queue(", "  if (true)\n    push_queue("),
    Mutation("gossip-retransmit-n", "the retransmit limit grows with the member table",
             "actors/core/gossip_core.cpp",
             "retransmit_limit(settings_.retransmit_mult, table().size())",
             "retransmit_limit(settings_.retransmit_mult, live_peer_count())"),
    Mutation("gossip-suspect-target", "a suspect member still gets gossip",
             "actors/core/gossip_core.cpp",
             "self_slot(), member_table::npos, sample_pool::live, *rng_)",
             "self_slot(), member_table::npos, sample_pool::alive, *rng_)"),
    Mutation("gossip-push-pull-one", "push-pulls start one at a time",
             "actors/core/gossip_core.cpp",
             "  if (push_pull_connecting_ || push_pull_waiting_.empty())",
             "  if (push_pull_waiting_.empty())"),
    Mutation("replica-apply-order", "a replica holds the members at the owner's slots",
             "actors/core/member_table.cpp",
             "  auto& e = entries_[slot];\n  set_state(e, d.member.state);\n  e.info = d.member;",
             "  erase(slot);\n  insert(entry{d.member, time_point{}, time_point::min()});"),
]

# Mutations that cannot change what the code does, so no test can kill them.
EQUIVALENT = [
    ("gossip_core::tick: `std::max(settings_.gossip_nodes, 0)` -> `settings_.gossip_nodes`",
     "gossip-nodes is validated to be at least 1 before a core exists, so the clamp never "
     "applies"),
    ("member_table::sample: `draws < 64 * k` -> `draws < 128 * k`",
     "the bound only stops a draw loop whose pool count is wrong; with the counts kept "
     "by insert, erase and set_state (checked by check()) k distinct slots come up first"),
    ("value_register::merge: `!(current_.ver < incoming.ver)` -> "
     "`incoming.ver < current_.ver || incoming.ver == current_.ver`",
     "the same condition for a total order"),
    ("broadcast_queue::fill: sorting with `std::stable_sort` instead of `std::sort`",
     "ids are unique, so the comparison has no ties to keep stable"),
]


def run(cmd, cwd, timeout=None, log=None):
    """Runs `cmd`; returns (exit code or None on timeout, output)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, timeout=timeout, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, errors="replace")
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, out


def tracked_files(root):
    """The working tree's files, relative to `root`, without .git, build dirs and caches."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == ".":
            dirnames[:] = [d for d in dirnames if d != ".git" and not d.startswith("build")]
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            yield os.path.normpath(os.path.join(rel, name))


def sync_tree(root, src):
    """Makes `src` a copy of the working tree, rewriting only files whose content differs
    (unchanged files keep their timestamps, so the scratch build recompiles only what
    changed) and deleting files the tree no longer has."""
    wanted = set(tracked_files(root))
    for rel in wanted:
        a, b = os.path.join(root, rel), os.path.join(src, rel)
        with open(a, "rb") as f:
            data = f.read()
        if os.path.exists(b):
            with open(b, "rb") as f:
                if f.read() == data:
                    continue
        os.makedirs(os.path.dirname(b), exist_ok=True)
        shutil.copy2(a, b)
    if os.path.isdir(src):
        for rel in set(tracked_files(src)) - wanted:
            os.remove(os.path.join(src, rel))


def build(src, build_dir, timeout):
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        cmd = ["cmake", "-S", src, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release"]
        if shutil.which("ccache"):
            cmd.append("-DCMAKE_CXX_COMPILER_LAUNCHER=ccache")
        code, out = run(cmd, cwd=src)
        if code != 0:
            return False, out
    code, out = run(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2), "--target",
                     "unit_tests"], cwd=src, timeout=timeout)
    return code == 0, out


FAILED_CASE = re.compile(r"^TEST CASE:\s+(.*)$", re.M)
FAILURE = re.compile(r": (ERROR|FATAL ERROR): ")


def failing_cases(output):
    """Names of the test cases whose report block holds a failure (doctest also reports
    passing cases that print a MESSAGE)."""
    names = set()
    for block in re.split(r"^=+$", output, flags=re.M):
        name = FAILED_CASE.search(block)
        if name and FAILURE.search(block):
            names.add(name.group(1).strip())
    return sorted(names)


def run_tests(build_dir, timeout):
    """Returns (passed, timed_out, failing test names, seconds)."""
    start = time.monotonic()
    # From the tests' build dir, like ctest: some tests read files by relative path.
    tests_dir = os.path.join(build_dir, "tests")
    code, out = run([os.path.join(tests_dir, "unit_tests"), "--no-colors", "--abort-after=1"],
                    cwd=tests_dir, timeout=timeout)
    seconds = time.monotonic() - start
    if code is None:
        return False, True, ["(time limit)"], seconds
    names = failing_cases(out)
    return code == 0, False, names, seconds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", help="comma-separated mutation ids")
    ap.add_argument("--list", action="store_true", help="list the mutations and exit")
    ap.add_argument("--scratch", default=os.environ.get("ONEVALUE_MUTATION_DIR",
                                                        "/tmp/onevalue-mutation"))
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds a mutant's unit tests may run before it counts as killed")
    ap.add_argument("--markdown", help="also write the result table to this file")
    args = ap.parse_args()

    mutations = MUTATIONS
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {m.id for m in MUTATIONS}
        if unknown:
            sys.exit(f"unknown mutation ids: {', '.join(sorted(unknown))}")
        mutations = [m for m in MUTATIONS if m.id in wanted]
    if args.list:
        for m in mutations:
            print(f"{m.id:26} {m.file:38} {m.rule}")
        return 0

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src = os.path.join(args.scratch, "src")
    build_dir = os.path.join(args.scratch, "build")
    sync_tree(root, src)

    print(f"baseline: building the unmutated tree in {build_dir} ...", flush=True)
    ok, out = build(src, build_dir, timeout=3600)
    if not ok:
        print(out[-4000:])
        print("the unmutated tree does not build", file=sys.stderr)
        return 2
    passed, _, names, seconds = run_tests(build_dir, args.timeout)
    if not passed:
        print(f"the unmutated tree fails its unit tests: {names}", file=sys.stderr)
        return 2
    print(f"baseline: unit tests pass in {seconds:.0f} s", flush=True)

    rows = []
    for m in mutations:
        path = os.path.join(src, m.file)
        with open(path, encoding="utf-8") as f:
            original = f.read()
        count = original.count(m.find)
        if count != 1:
            rows.append((m, "NOT APPLIED", f"text found {count} times", 0.0))
            print(f"{m.id}: text found {count} times in {m.file}", flush=True)
            continue
        start = time.monotonic()
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(m.find, m.replace))
            ok, out = build(src, build_dir, timeout=1800)
            if not ok:
                result, detail = "BUILD FAILED", out.strip().splitlines()[-1][:120]
            else:
                passed, timed_out, names, _ = run_tests(build_dir, args.timeout)
                if passed:
                    result, detail = "SURVIVED", ""
                else:
                    result = "killed (time limit)" if timed_out else "killed"
                    detail = "; ".join(names) if names else "(a test crashed)"
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        seconds = time.monotonic() - start
        rows.append((m, result, detail, seconds))
        print(f"{m.id}: {result} {detail} ({seconds:.0f} s)", flush=True)

    lines = ["| mutation | rule it breaks | file | result | first failing test |",
             "|---|---|---|---|---|"]
    for m, result, detail, _ in rows:
        lines.append(f"| `{m.id}` | {m.rule} | `{m.file}` | {result} | {detail} |")
    killed = sum(1 for _, r, _, _ in rows if r.startswith("killed"))
    lines.append("")
    lines.append(f"{killed} of {len(rows)} mutants killed. Equivalent mutants, not run:")
    lines.append("")
    for mutation, reason in EQUIVALENT:
        lines.append(f"- {mutation}: {reason}.")
    table = "\n".join(lines)
    print()
    print(table)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(table + "\n")
    return 0 if killed == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
