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
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
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
        self.assert_refused([f"--config-file={path}"], "http_port", path)

    def test_missing_file(self):
        self.assert_refused(["--config-file=/nonexistent/onevalue.ini"],
                            "/nonexistent/onevalue.ini")

    def test_bad_command_line_value(self):
        self.assert_refused(["--onevalue.http-port=abc"], "http-port")

    def test_help_lists_every_option(self):
        result = run(["--help"])
        self.assertEqual(result.returncode, 0)
        for key in ("name", "bind", "advertise", "cluster-port", "http-port", "seeds",
                    "data-dir", "probe-interval", "gossip-interval", "log-level"):
            self.assertIn(f"--onevalue.{key}=", result.stdout)

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
