"""Event handlers (the `event-handlers` option): scripts run on member and value events.

A 3-node cluster whose handler script appends what it got (ONEVALUE_* variables and
stdin) to a file per node: every node records the joins, a value written on one node,
a member killed with SIGKILL (member-failed) and one stopped with SIGTERM
(member-leave). A second cluster has a value handler that hangs and ignores SIGTERM:
it is killed at its timeout while members stay alive and writes keep working.
"""

import os
import shutil
import signal
import stat
import tempfile
import time
import unittest

from cluster import Cluster, wait_until

HTTP_PORT = 28880
CLUSTER_PORT = 28846

RECORDER = """#!/bin/sh
# Appends one line per member (or one for the value) to DIR/$ONEVALUE_SELF_NAME.events.
out="{dir}/$ONEVALUE_SELF_NAME.events"
if [ "$ONEVALUE_EVENT" = value ]; then
  line=$(cat)
  printf 'value\\t%s\\t%s\\t%s\\n' "$ONEVALUE_VALUE" "$ONEVALUE_VERSION" "$line" >> "$out"
else
  input=$(cat)
  printf '%s\\n' "$input" | sed "s/^/$ONEVALUE_EVENT\\t$ONEVALUE_MEMBER_COUNT\\t/" >> "$out"
fi
"""

HANGER = """#!/bin/sh
# Ignores SIGTERM and never ends: only SIGKILL stops it.
trap '' TERM
echo "hanging for value $ONEVALUE_VALUE" >&2
while :; do sleep 1; done
"""


def write_script(path, text):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def records(scripts, name):
    """The lines the recorder wrote for node `name`, split at tabs."""
    try:
        with open(os.path.join(scripts, name + ".events")) as f:
            return [line.rstrip("\n").split("\t") for line in f if line.strip()]
    except FileNotFoundError:
        return []


def has_member_event(scripts, node, event, member, state):
    for r in records(scripts, node):
        # event, count, name, address:port, state, incarnation
        if len(r) == 6 and r[0] == event and r[2] == member and r[4] == state:
            return True
    return False


def handler_args(spec_list, *extra):
    specs = ",".join(f'"{s}"' for s in spec_list)
    return [f"--onevalue.event-handlers=[{specs}]",
            "--onevalue.event-coalesce-period=300ms",
            "--onevalue.event-quiescent-period=100ms"] + list(extra)


class EventHandlerTest(unittest.TestCase):
    def setUp(self):
        self.scripts = tempfile.mkdtemp(prefix="onevalue-handlers-")

    def tearDown(self):
        shutil.rmtree(self.scripts, ignore_errors=True)

    def test_join_value_failure_and_leave_reach_every_handler(self):
        recorder = os.path.join(self.scripts, "record.sh")
        write_script(recorder, RECORDER.format(dir=self.scripts))
        args = handler_args(["member-join,member-leave,member-failed,value=" + recorder])
        with Cluster(3, first_ip=201, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT,
                     extra_args=args) as c:
            c.wait_formed()
            n1, n2, n3 = c.nodes
            for node in c.nodes:
                for member in c.nodes:
                    wait_until(lambda: has_member_event(self.scripts, node.name,
                                                        "member-join", member.name, "alive"),
                               10, f"{node.name}'s handler to see {member.name} join")
            # The stdin line: name, address:cluster-port, state, incarnation.
            joined = [r for r in records(self.scripts, "n1") if r[2] == "n2"][0]
            self.assertEqual(joined[3], f"{n2.ip}:{CLUSTER_PORT}")
            self.assertTrue(joined[5].isdigit())

            status, headers, _ = n2.request("PUT", "/v1/value", body="42")
            self.assertEqual(status, 200)
            version = headers["ETag"].strip('"')
            for node in c.nodes:
                # ONEVALUE_VALUE, ONEVALUE_VERSION, then stdin: the value, the version.
                wait_until(lambda: ["value", "42", version, "42", version]
                           in records(self.scripts, node.name),
                           10, f"{node.name}'s handler to see the value 42")

            n3.kill()
            for node in (n1, n2):
                wait_until(lambda: has_member_event(self.scripts, node.name,
                                                    "member-failed", "n3", "failed"),
                           20, f"{node.name}'s handler to see n3 fail")

            rc, _ = n2.stop()
            self.assertEqual(rc, 0)
            wait_until(lambda: has_member_event(self.scripts, "n1", "member-leave", "n2", "left"),
                       10, "n1's handler to see n2 leave")
            # No member-update handler was configured: none ran for it.
            self.assertFalse(any(r[0] == "member-update" for r in records(self.scripts, "n1")))

    def test_a_hanging_handler_is_killed_at_its_timeout_without_hurting_the_cluster(self):
        hanger = os.path.join(self.scripts, "hang.sh")
        write_script(hanger, HANGER)
        recorder = os.path.join(self.scripts, "record.sh")
        write_script(recorder, RECORDER.format(dir=self.scripts))
        args = handler_args(["value=" + hanger, "value=" + recorder],
                            "--onevalue.event-handler-timeout=2s",
                            "--onevalue.event-queue-limit=2")
        with Cluster(3, first_ip=211, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT,
                     extra_args=args) as c:
            c.wait_formed()
            n1 = c.nodes[0]
            self.assertEqual(n1.request("PUT", "/v1/value", body="1")[0], 200)
            killed = "then SIGKILL after the grace period"
            deadline = time.monotonic() + 15
            writes = 0
            # While the handler hangs (2 s, then 1 s of grace), writes are acknowledged
            # and every member stays alive on every node.
            while killed not in n1.log_tail(200):
                self.assertLess(time.monotonic(), deadline, n1.log_tail(40))
                writes += 1
                status, _, body = c.nodes[writes % 3].request("PUT", "/v1/value",
                                                              body=str(100 + writes))
                self.assertEqual(status, 200, body)
                for node in c.nodes:
                    states = {m["state"] for m in node.members().values()}
                    self.assertEqual(states, {"alive"}, node.name)
                time.sleep(0.05)  # pace the writes; the loop waits on the log line
            self.assertGreater(writes, 10)
            log = n1.log_tail(200)
            self.assertIn("timed out after", log)
            self.assertIn("hanging for value", log)  # its stderr, logged
            # The recorder runs after the hanger in the value lane. Runs that queued
            # up behind the hanging one were dropped (queue limit 2) and counted; the
            # latest value's runs are the ones that remain.
            # A last write on n1 itself: the newest version n1 holds.
            self.assertEqual(n1.request("PUT", "/v1/value", body="999")[0], 200)
            last = "999"
            wait_until(lambda: any(r[0] == "value" and r[1] == last
                                   for r in records(self.scripts, "n1")),
                       20, f"n1's recorder to see the latest value {last}")
            self.assertIn("event handlers cannot keep up: dropped", n1.log_tail(400))


if __name__ == "__main__":
    unittest.main()
