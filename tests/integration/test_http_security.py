"""The HTTP security settings through real nodes (issue 11): HTTPS with certificates
made at test time by the `openssl` tool, a required client certificate, read and write
tokens (also from the environment), allow-get-writes=false, http-port=0, and the
client subcommands over HTTPS with a CA file, a client certificate and a token."""

import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import unittest

from cluster import ONEVALUE_BIN, Node, ip, wait_until

HTTP_PORT = 28980
HTTPS_PORT = 28943
CLUSTER_PORT = 28846
TOKENS_HOST = 191  # HTTP and HTTPS, tokens from the file
STRICT_HOST = 192  # HTTPS only, client certificates, env tokens, no GET writes
READ = "read-token-" + "r" * 16
WRITE = "write-token-" + "w" * 16
ENV_WRITE = ["env-write-" + "a" * 16, "env-write-" + "b" * 16]


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certificates(directory):
    """A CA, a server certificate for this run's node addresses and a client
    certificate, all EC P-256, as the README tells a user to make them."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    openssl("req", "-x509", *ec, "-days", "2", "-subj", "/CN=test-ca", "-keyout", "ca.key",
            "-out", "ca.crt", cwd=directory)
    sans = ",".join(f"IP:{ip(h)}" for h in (TOKENS_HOST, STRICT_HOST))
    for name, ext in (("node", f"subjectAltName={sans}\n"),
                      ("client", "extendedKeyUsage=clientAuth\n")):
        openssl("req", *ec, "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out",
                f"{name}.csr", cwd=directory)
        with open(os.path.join(directory, f"{name}.ext"), "w") as f:
            f.write(ext)
        openssl("x509", "-req", "-days", "2", "-in", f"{name}.csr", "-CA", "ca.crt",
                "-CAkey", "ca.key", "-CAcreateserial", "-extfile", f"{name}.ext", "-out",
                f"{name}.crt", cwd=directory)
    return {n: os.path.join(directory, n) for n in
            ("ca.crt", "node.crt", "node.key", "client.crt", "client.key")}


class SecureNode(Node):
    """A node whose test requests go over HTTPS (verified against the test CA), with
    a client certificate and a token when given."""

    def __init__(self, name, host, workdir, files, extra_args, env=None,
                 client_cert=False, token=None, http_port=HTTP_PORT):
        super().__init__(name, ip(host), http_port, CLUSTER_PORT, workdir, [], [
            f"--onevalue.https-port={HTTPS_PORT}",
            f"--onevalue.https-cert={files['node.crt']}",
            f"--onevalue.https-key={files['node.key']}",
            *extra_args])
        self.files = files
        self.env = env or {}
        self.client_cert = client_cert
        self.token = token

    def start(self):
        saved = dict(os.environ)
        os.environ.update(self.env)  # the child inherits it; restored at once
        try:
            return super().start()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def tls_context(self, client_cert=None):
        ctx = ssl.create_default_context(cafile=self.files["ca.crt"])
        if self.client_cert if client_cert is None else client_cert:
            ctx.load_cert_chain(self.files["client.crt"], self.files["client.key"])
        return ctx

    def request(self, method, path, body=None, headers=None, timeout=5, token=None,
                client_cert=None):
        headers = dict(headers or {})
        token = self.token if token is None else token
        if token:
            headers.setdefault("Authorization", f"Bearer {token}")
        conn = http.client.HTTPSConnection(self.ip, HTTPS_PORT, timeout=timeout,
                                           context=self.tls_context(client_cert))
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read().decode()
        finally:
            conn.close()

    def plain(self, method, path, headers=None):
        conn = http.client.HTTPConnection(self.ip, self.http_port, timeout=5)
        try:
            conn.request(method, path, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read().decode()
        finally:
            conn.close()


def cli(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEVALUE_HTTP_")}
    env.update(env_extra or {})
    proc = subprocess.run([ONEVALUE_BIN, *args], capture_output=True, text=True, env=env,
                          timeout=20)
    return proc.returncode, proc.stdout, proc.stderr


class TestHttpSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="onevalue-http-security-")
        cls.files = make_certificates(cls.workdir)
        cls.nodes = []
        try:
            cls.open = cls.start(SecureNode(
                "tokens", TOKENS_HOST, cls.workdir, cls.files,
                [f'--onevalue.acl-read-tokens=["{READ}"]',
                 f'--onevalue.acl-write-tokens=["{WRITE}"]'], token=WRITE))
            cls.strict = cls.start(SecureNode(
                "strict", STRICT_HOST, cls.workdir, cls.files,
                [f"--onevalue.https-client-ca={cls.files['ca.crt']}",
                 "--onevalue.allow-get-writes=false"],
                env={"ONEVALUE_ACL_WRITE_TOKENS": ",".join(ENV_WRITE)},
                client_cert=True, token=ENV_WRITE[1], http_port=0))
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def start(cls, node):
        cls.nodes.append(node)
        return node.start()

    @classmethod
    def tearDownClass(cls):
        for node in cls.nodes:
            node.kill()
        shutil.rmtree(cls.workdir, ignore_errors=True)

    # --- HTTPS and tokens ---------------------------------------------------------

    def test_https_set_and_get_with_a_write_token(self):
        status, _, body = self.open.request("POST", "/set/21")
        self.assertEqual((status, body), (200, "21\n"))
        status, _, body = self.open.request("GET", "/get", token=READ)
        self.assertEqual((status, body), (200, "21\n"))

    def test_plain_http_needs_the_same_tokens(self):
        status, headers, body = self.open.plain("GET", "/get")
        self.assertEqual(status, 401)
        self.assertIn("error", json.loads(body))
        status, _, _ = self.open.plain("GET", "/get", {"X-Onevalue-Token": READ})
        self.assertEqual(status, 200)

    def test_missing_or_unknown_token_is_401_with_www_authenticate(self):
        status, headers, body = self.open.request("GET", "/v1/value", token="")
        self.assertEqual(status, 401)
        self.assertEqual(headers["WWW-Authenticate"], 'Bearer realm="onevalue"')
        self.assertIn("token", json.loads(body)["error"])
        status, headers, body = self.open.request("GET", "/v1/value",
                                                  token="not-a-configured-token-123")
        self.assertEqual(status, 401)
        self.assertIn('error="invalid_token"', headers["WWW-Authenticate"])
        self.assertNotIn("not-a-configured-token-123", body)

    def test_a_read_token_cannot_write(self):
        before = self.open.request("GET", "/get")[2]
        status, _, body = self.open.request("POST", "/set/7", token=READ)
        self.assertEqual(status, 403)
        self.assertIn("write token", json.loads(body)["error"])
        status, _, _ = self.open.request("PUT", "/v1/value", body='{"value": 8}',
                                         headers={"Content-Type": "application/json"},
                                         token=READ)
        self.assertEqual(status, 403)
        self.assertEqual(self.open.request("GET", "/get")[2], before)

    def test_health_without_a_token_shows_only_the_status(self):
        status, _, body = self.open.request("GET", "/health", token="")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"status": "ok"})
        status, _, body = self.open.request("GET", "/health", token=READ)
        self.assertEqual(status, 200)
        self.assertGreater(set(json.loads(body)), {"status"})

    def test_tokens_never_reach_the_log(self):
        self.open.request("GET", "/get", token="an-unknown-token-in-the-log")
        with open(self.open.log_path, errors="replace") as f:
            log = f.read()
        for token in (READ, WRITE, "an-unknown-token-in-the-log"):
            self.assertNotIn(token, log)

    # --- client certificates, environment tokens, GET writes, http-port = 0 ------

    def test_without_a_client_certificate_the_handshake_fails(self):
        with self.assertRaises((ssl.SSLError, ConnectionResetError, BrokenPipeError,
                                http.client.RemoteDisconnected)):
            self.strict.request("GET", "/get", client_cert=False)
        status, _, _ = self.strict.request("GET", "/get")
        self.assertEqual(status, 200)

    def test_get_writes_off_gives_405_while_post_writes(self):
        status, headers, body = self.strict.request("GET", "/set/5")
        self.assertEqual(status, 405)
        self.assertIn("POST", headers["Allow"])
        self.assertIn("error", json.loads(body))
        status, _, body = self.strict.request("POST", "/set/5")
        self.assertEqual((status, body), (200, "5\n"))
        self.assertEqual(self.strict.request("GET", "/get")[2], "5\n")

    def test_every_token_of_the_environment_variable_works(self):
        for i, token in enumerate(ENV_WRITE):
            status, _, body = self.strict.request("POST", f"/set/{60 + i}", token=token)
            self.assertEqual((status, body), (200, f"{60 + i}\n"))
        status, _, _ = self.strict.request("GET", "/get", token=READ)
        self.assertEqual(status, 401)  # this node was given no read tokens

    def test_http_port_zero_serves_only_https(self):
        with self.assertRaises(ConnectionRefusedError):
            socket.create_connection((self.strict.ip, HTTP_PORT), timeout=5).close()
        members = json.loads(self.strict.request("GET", "/v1/members")[2])
        self.assertEqual([m["http_port"] for m in members], [HTTPS_PORT])

    # --- the client subcommands --------------------------------------------------

    def test_cli_over_https_with_ca_file_and_token(self):
        addr = f"-http-addr=https://{self.open.ip}:{HTTPS_PORT}"
        ca = f"-ca-file={self.files['ca.crt']}"
        rc, out, _ = cli("set", "31", addr, ca, f"-token={WRITE}")
        self.assertEqual((rc, out), (0, "31\n"))
        rc, out, _ = cli("get", addr, ca, f"-token={READ}")
        self.assertEqual((rc, out), (0, "31\n"))
        # The token is what lets it through: none is 401, a read token cannot write.
        rc, _, err = cli("get", addr, ca)
        self.assertNotEqual(rc, 0)
        self.assertIn("401", err)
        rc, _, err = cli("set", "32", addr, ca, f"-token={READ}")
        self.assertNotEqual(rc, 0)
        self.assertIn("403", err)
        # Without the CA the node's certificate is not trusted.
        rc, _, _ = cli("get", addr, f"-token={READ}")
        self.assertNotEqual(rc, 0)

    def test_cli_takes_address_ca_and_token_from_the_environment(self):
        env = {"ONEVALUE_HTTP_ADDR": f"https://{self.open.ip}:{HTTPS_PORT}",
               "ONEVALUE_HTTP_CA_FILE": self.files["ca.crt"],
               "ONEVALUE_HTTP_TOKEN": WRITE}
        rc, out, _ = cli("set", "33", env_extra=env)
        self.assertEqual((rc, out), (0, "33\n"))
        rc, out, _ = cli("get", env_extra=env)
        self.assertEqual((rc, out), (0, "33\n"))

    def test_cli_with_a_client_certificate(self):
        args = [f"-http-addr=https://{self.strict.ip}:{HTTPS_PORT}",
                f"-ca-file={self.files['ca.crt']}", f"-token={ENV_WRITE[0]}"]
        rc, out, _ = cli("set", "41", *args, f"-client-cert={self.files['client.crt']}",
                         f"-client-key={self.files['client.key']}")
        self.assertEqual((rc, out), (0, "41\n"))
        rc, _, _ = cli("get", *args)
        self.assertNotEqual(rc, 0)

    # --- settings that cannot work stop the node ---------------------------------

    def run_node(self, host, *extra):
        node = Node("bad", ip(host), HTTP_PORT, CLUSTER_PORT, self.workdir, [], list(extra))
        return subprocess.run(node.args(), capture_output=True, text=True, timeout=20)

    def test_a_certificate_that_does_not_load_stops_the_node_naming_the_file(self):
        garbage = os.path.join(self.workdir, "garbage.crt")
        with open(garbage, "w") as f:
            f.write("not a certificate\n")
        proc = self.run_node(193, f"--onevalue.https-port={HTTPS_PORT}",
                             f"--onevalue.https-cert={garbage}",
                             f"--onevalue.https-key={self.files['node.key']}")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(garbage, proc.stdout + proc.stderr)

    def test_a_key_of_another_certificate_stops_the_node(self):
        proc = self.run_node(193, f"--onevalue.https-port={HTTPS_PORT}",
                             f"--onevalue.https-cert={self.files['node.crt']}",
                             f"--onevalue.https-key={self.files['client.key']}")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(self.files["client.key"], proc.stdout + proc.stderr)

    def test_no_api_at_all_is_a_config_error_naming_the_keys(self):
        proc = self.run_node(193, "--onevalue.http-port=0")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("config error in command line: onevalue.http-port:", proc.stderr)
        self.assertIn("https-port", proc.stderr)


if __name__ == "__main__":
    unittest.main()
