"""The client subcommands (`onevalue get`, `set`, `members`, `watch`, `health`,
`metrics`) against a
real three-node cluster: output formats, exit codes, -cas winner and loser, and a watch
that sees a write made on another node."""

import json
import os
import subprocess
import tempfile
import unittest

from cluster import ONEVALUE_BIN, Cluster, ip, wait_until

HTTP_PORT = 28780
CLUSTER_PORT = 28646


def cli(node, *args, env_extra=None, timeout=10):
    env = dict(os.environ)
    env.pop("ONEVALUE_HTTP_ADDR", None)
    env.update(env_extra or {})
    addr = [f"-http-addr={node.ip}:{node.http_port}"] if node is not None else []
    proc = subprocess.run([ONEVALUE_BIN, *args, *addr], capture_output=True, text=True,
                          env=env, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


class TestCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster(3, first_ip=171, http_port=HTTP_PORT, cluster_port=CLUSTER_PORT)
        cls.cluster.__enter__()
        cls.cluster.wait_formed()
        cls.n1, cls.n2, cls.n3 = cls.cluster.nodes

    @classmethod
    def tearDownClass(cls):
        cls.cluster.__exit__(None, None, None)

    def test_set_on_one_node_get_on_another(self):
        rc, out, _ = cli(self.n1, "set", "-41")
        self.assertEqual((rc, out), (0, "-41\n"))
        wait_until(lambda: cli(self.n3, "get")[1] == "-41\n", 10, "n3 to print -41")
        rc, out, _ = cli(self.n3, "get", "-detailed")
        self.assertEqual(rc, 0)
        self.assertIn("value         -41\n", out)
        self.assertIn("writer        n1\n", out)
        self.assertRegex(out, r"version       \d+-n1\n")

    def test_cas_has_one_winner_and_the_loser_exits_1_with_the_current_value(self):
        cli(self.n2, "set", "100")
        wait_until(lambda: cli(self.n2, "get")[1] == "100\n", 10, "100 on n2")
        version = self.n2.value()["version"]
        tag = f'{version["counter"]}-{version["node"]}'
        rc, out, _ = cli(self.n2, "set", "101", "-cas", tag)
        self.assertEqual((rc, out), (0, "101\n"))
        rc, out, err = cli(self.n2, "set", "102", "-cas", tag)
        self.assertEqual((rc, out), (1, "101\n"))
        self.assertIn(f"not {tag}; nothing was written", err)
        self.assertEqual(self.n2.value()["value"], 101)

    def test_members_table_json_and_status_filter(self):
        rc, out, _ = cli(self.n1, "members")
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertEqual(lines[0].split(), ["NAME", "ADDRESS", "STATE", "INCARNATION", "HTTP"])
        self.assertEqual([line.split()[0] for line in lines[1:]], ["n1", "n2", "n3"])
        self.assertTrue(all(line.split()[2] == "alive" for line in lines[1:]))
        self.assertEqual(lines[2].split()[1], f"{ip(172)}:{CLUSTER_PORT}")
        rc, out, _ = cli(self.n1, "members", "-format", "json")
        self.assertEqual(rc, 0)
        self.assertEqual([m["name"] for m in json.loads(out)], ["n1", "n2", "n3"])
        rc, out, _ = cli(self.n1, "members", "-status", "failed", "-format=json")
        self.assertEqual((rc, json.loads(out)), (0, []))

    def test_watch_sees_a_write_made_on_another_node_and_runs_a_handler(self):
        with tempfile.TemporaryDirectory() as tmp:
            seen = os.path.join(tmp, "seen")
            handler = f'echo "$ONEVALUE_VALUE $ONEVALUE_VERSION $(cat)" >> {seen}'
            watcher = subprocess.Popen([ONEVALUE_BIN, "watch", "-handler", handler,
                                        f"-http-addr={self.n3.ip}:{self.n3.http_port}"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       text=True)
            try:
                wait_until(lambda: os.path.exists(seen), 10, "the current value handled")
                rc, _, _ = cli(self.n1, "set", "777")
                self.assertEqual(rc, 0)

                def handled_777():
                    with open(seen) as f:
                        return [ln for ln in f.read().splitlines() if ln.startswith("777 ")]
                lines = wait_until(handled_777, 10, "the handler to get 777")
                value, version, stdin_value = lines[0].split()
                self.assertTrue(version.endswith("-n1"))
                self.assertEqual(stdin_value, "777")
            finally:
                watcher.kill()
                watcher.wait(10)

    def test_health_and_exit_codes(self):
        rc, out, _ = cli(self.n1, "health")
        self.assertEqual(rc, 0)
        self.assertEqual(json.loads(out)["node"], "n1")
        rc, _, err = cli(None, "get", "-http-addr", f"{ip(179)}:{HTTP_PORT}", "-timeout", "1s")
        self.assertEqual(rc, 2)
        self.assertIn("no answer from", err)
        rc, _, err = cli(self.n1, "set", "notanumber")
        self.assertEqual(rc, 2)
        self.assertIn("not a signed 64-bit integer", err)
        rc, _, err = cli(self.n1, "members", "-bogus")
        self.assertEqual(rc, 2)
        self.assertIn("unknown flag -bogus", err)

    def test_metrics_prints_the_scrape(self):
        rc, out, _ = cli(self.n3, "metrics")
        self.assertEqual(rc, 0)
        self.assertIn("# TYPE onevalue_writes_total counter", out)
        self.assertRegex(out, r'onevalue_members\{state="alive"\} 3\n')

    def test_address_from_the_environment(self):
        rc, out, _ = cli(None, "get", env_extra={
            "ONEVALUE_HTTP_ADDR": f"{self.n2.ip}:{self.n2.http_port}"})
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^-?\d+\n$")

    def test_help_lists_commands_and_exit_codes(self):
        proc = subprocess.run([ONEVALUE_BIN, "get", "-help"], capture_output=True, text=True)
        self.assertEqual(proc.returncode, 0)
        self.assertIn("onevalue get [-detailed]", proc.stdout)
        self.assertIn("Exit codes", proc.stdout)


if __name__ == "__main__":
    unittest.main()
