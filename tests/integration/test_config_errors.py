"""The onevalue binary refuses a bad configuration with a message naming key and file."""

import os
import subprocess
import tempfile
import unittest

from cluster import ONEVALUE_BIN


def run(args, timeout=10):
    return subprocess.run([ONEVALUE_BIN] + args, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


class ConfigErrorTest(unittest.TestCase):
    def write_config(self, body):
        fd, path = tempfile.mkstemp(suffix=".ini")
        with os.fdopen(fd, "w") as f:
            f.write("[onevalue]\n" + body + "\n")
        self.addCleanup(os.remove, path)
        return path

    def assert_refused(self, args, *fragments):
        result = run(args)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        for fragment in fragments:
            self.assertIn(fragment, result.stderr)

    def test_wrong_type_names_key_and_file(self):
        path = self.write_config('http-port="abc"')
        self.assert_refused([f"--config-file={path}"], "onevalue.http-port", path)

    def test_port_out_of_range(self):
        path = self.write_config("cluster-port=70000")
        self.assert_refused([f"--config-file={path}"], "onevalue.cluster-port", path)

    def test_unparsable_address(self):
        path = self.write_config('bind="300.1.2.3"')
        self.assert_refused([f"--config-file={path}"], "onevalue.bind", path)

    def test_interval_without_unit(self):
        path = self.write_config("probe-interval=250")
        self.assert_refused([f"--config-file={path}"], "onevalue.probe-interval", path)

    def test_unknown_key(self):
        path = self.write_config('http_port=8080')
        self.assert_refused([f"--config-file={path}"], "http_port", path,
                            "did you mean onevalue.http-port?")

    def test_durations_take_m_for_minutes(self):
        path = self.write_config("reap-after = 10m ; ten minutes\nfailed-probe-interval=1m30s")
        result = run([f"--config-file={path}", "--onevalue.push-pull-interval=2m",
                      "--dump-config"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("reap-after = 10min", result.stdout)
        self.assertIn("failed-probe-interval = 90s", result.stdout)
        self.assertIn("push-pull-interval = ", result.stdout)

    def test_bad_duration_names_key_file_and_syntax(self):
        path = self.write_config("reap-after=10x")
        self.assert_refused([f"--config-file={path}"], f"config error in {path}: "
                            "onevalue.reap-after: expected a duration", "ms, s, m or min, h",
                            "got 10x")

    def test_dump_config_checks_first(self):
        path = self.write_config('http-port="abc"')
        self.assert_refused([f"--config-file={path}", "--dump-config"],
                            "onevalue.http-port", path)

    def test_missing_file(self):
        self.assert_refused(["--config-file=/nonexistent/onevalue.ini"],
                            "/nonexistent/onevalue.ini")

    def test_bad_command_line_value(self):
        self.assert_refused(["--onevalue.http-port=abc"], "http-port")

    def test_help_lists_every_option_of_the_tables(self):
        tables = run(["--options-markdown"])
        self.assertEqual(tables.returncode, 0)
        keys = [line.split("`")[1] for line in tables.stdout.splitlines()
                if line.startswith("| `")]
        self.assertEqual(len(keys), 56)  # 32 + ten HTTP security, six event handler, six keyring and two consistency options
        result = run(["--help"])
        self.assertEqual(result.returncode, 0)
        for key in keys:
            self.assertRegex(result.stdout, rf"--onevalue\.{key}(=|\[=)")
        self.assertNotIn("--middleman.", result.stdout)
        long_help = run(["--long-help"])
        self.assertEqual(long_help.returncode, 0)
        self.assertIn("--scheduler.max-threads", long_help.stdout)
        self.assertIn("  scheduler.max-threads=", long_help.stdout)

    def test_example_configs_are_valid(self):
        root = os.path.join(os.path.dirname(__file__), "..", "..", "config")
        for dirpath, _, files in os.walk(root):
            for name in files:
                if name.endswith(".ini"):
                    path = os.path.join(dirpath, name)
                    result = run([f"--config-file={path}", "--dump-config"])
                    self.assertEqual(result.returncode, 0, f"{path}: {result.stderr}")


if __name__ == "__main__":
    unittest.main()
