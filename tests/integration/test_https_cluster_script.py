"""app/run_local_cluster.sh with ONEVALUE_HTTPS=1 (and =mtls, and the plain default),
as the README runs it,
in a network namespace of its own (the script's fixed addresses 127.0.0.1-3 and ports
8443/7946 then meet nobody else's). The script makes the CA, the node certificates
(app/make_certs.sh) and the tokens at run time; the test then uses what it printed:
curl --cacert with the write and read tokens, and the onevalue client configured by
data/tls/client.env. Ctrl-C (SIGINT) must stop every node cleanly (exit 0)."""

import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from cluster import ONEVALUE_BIN, wait_until

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLIENT = os.path.abspath(ONEVALUE_BIN)  # the same binary is the client


def read_env_file(path):
    """The exported variables of data/tls/client.env (values without expansion)."""
    values = {}
    with open(path) as f:
        for line in f:
            if line.startswith("export "):
                key, _, value = line[len("export "):].strip().partition("=")
                values[key] = value.strip('"')
    return values


class LocalClusterScript(unittest.TestCase):
    def setUp(self):
        self.assertEqual(os.geteuid(), 0, "this test needs root for a network namespace")
        self.assertIsNotNone(shutil.which("unshare"), "unshare (util-linux) is needed")
        self.assertIsNotNone(shutil.which("nsenter"), "nsenter (util-linux) is needed")
        # A copy of what the script uses, so its data/ is not the checkout's.
        self.root = tempfile.mkdtemp(prefix="onevalue-local-cluster-")
        os.makedirs(os.path.join(self.root, "app"))
        for script in ("run_local_cluster.sh", "make_certs.sh", "make_keyring.sh"):
            shutil.copy2(os.path.join(ROOT, "app", script), os.path.join(self.root, "app"))
        shutil.copytree(os.path.join(ROOT, "config", "local-cluster"),
                        os.path.join(self.root, "config", "local-cluster"))
        self.proc = None
        self.out = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # the namespace goes with its last process
            self.proc.wait(10)
        if self.out:
            self.out.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def start(self, mode):
        env = dict(os.environ, ONEVALUE_HTTPS=mode, ONEVALUE_SKIP_BUILD="1",
                   PATH=os.path.dirname(CLIENT) + ":"
                   + os.environ["PATH"])
        self.out = open(os.path.join(self.root, "script.out"), "w+")
        self.proc = subprocess.Popen(
            ["unshare", "--net", "bash", "-c",
             "ip link set lo up && exec app/run_local_cluster.sh"],
            cwd=self.root, env=env, stdout=self.out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)

        def banner():
            if self.proc.poll() is not None:
                raise AssertionError(f"the script exited: {self.output()}")
            return "3 nodes up" in self.output()
        wait_until(banner, 60, "the script to print that the cluster is up")

    def output(self):
        with open(self.out.name) as f:
            return f.read()

    def inside(self, *cmd, env=None):
        """Runs `cmd` in the script's network namespace; (exit code, stdout, stderr)."""
        proc = subprocess.run(["nsenter", "-t", str(self.proc.pid), "-n", *cmd],
                              capture_output=True, text=True, timeout=30, cwd=self.root,
                              env=env)
        return proc.returncode, proc.stdout.strip(), proc.stderr

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.assertEqual(self.proc.wait(30), 0, self.output())
        self.assertIn("all nodes left and exited cleanly", self.output())

    def client_env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ONEVALUE_")}
        env.update(read_env_file(os.path.join(self.root, "data", "tls", "client.env")))
        env["ONEVALUE_HTTP_TOKEN"] = env["WRITE_TOKEN"]  # what the file's $WRITE_TOKEN is
        env.update(extra)
        return env

    def test_https_and_tokens(self):
        self.start("1")
        tls = os.path.join(self.root, "data", "tls")
        for name in ("ca.crt", "node1.crt", "node2.crt", "node3.crt", "client.env"):
            self.assertTrue(os.path.exists(os.path.join(tls, name)), name)
        self.assertEqual(os.stat(os.path.join(tls, "client.env")).st_mode & 0o777, 0o600)
        env = self.client_env()
        ca = ["--cacert", os.path.join(tls, "ca.crt")]
        write = ["-H", f"Authorization: Bearer {env['WRITE_TOKEN']}"]
        read = ["-H", f"Authorization: Bearer {env['READ_TOKEN']}"]
        self.assertEqual(self.inside("curl", "-fsS", *ca, *write, "-X", "POST",
                                     "https://127.0.0.1:8443/set/5")[:2], (0, "5"))
        wait_until(lambda: self.inside("curl", "-fsS", *ca, *read,
                                       "https://127.0.0.3:8443/get")[1] == "5",
                   10, "the write to reach node3")
        code = self.inside("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", *ca,
                           "https://127.0.0.2:8443/get")[1]
        self.assertEqual(code, "401")
        # Plain HTTP is off.
        self.assertNotEqual(self.inside("curl", "-fsS", "--max-time", "2",
                                        "http://127.0.0.1:8080/get")[0], 0)
        # The client, configured by client.env alone.
        self.assertEqual(self.inside(CLIENT, "set", "6", env=env)[:2], (0, "6"))
        wait_until(lambda: self.inside(CLIENT, "get", "-token", env["READ_TOKEN"],
                                       env=env)[1] == "6", 10, "the client to read 6")
        self.stop()

    def test_plain_blog_setup_by_default(self):
        self.start("0")
        self.assertFalse(os.path.exists(os.path.join(self.root, "data", "tls")))
        self.assertEqual(self.inside("curl", "-fsS", "http://127.0.0.1:8080/set/5")[:2],
                         (0, "5"))
        wait_until(lambda: self.inside("curl", "-fsS", "http://127.0.0.3:8080/get")[1] == "5",
                   10, "the write to reach node3")
        self.stop()

    def test_client_certificates(self):
        self.start("mtls")
        tls = os.path.join(self.root, "data", "tls")
        env = self.client_env()
        ca = ["--cacert", os.path.join(tls, "ca.crt")]
        cert = ["--cert", os.path.join(tls, "client.crt"), "--key",
                os.path.join(tls, "client.key")]
        write = ["-H", f"Authorization: Bearer {env['WRITE_TOKEN']}"]
        self.assertNotEqual(self.inside("curl", "-fsS", *ca, *write,
                                        "https://127.0.0.1:8443/get")[0], 0)
        self.assertEqual(self.inside("curl", "-fsS", *ca, *cert, *write, "-X", "POST",
                                     "https://127.0.0.2:8443/set/7")[:2], (0, "7"))
        flags = ["-client-cert", os.path.join(tls, "client.crt"), "-client-key",
                 os.path.join(tls, "client.key")]
        wait_until(lambda: self.inside(CLIENT, "get", *flags, env=env)[1] == "7", 10,
                   "the client with a certificate to read 7")
        self.stop()


if __name__ == "__main__":
    unittest.main()
