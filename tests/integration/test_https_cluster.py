"""The secure setup of the README (issue 11.8) as a cluster: app/make_certs.sh makes a
CA and one certificate per node (its address as subjectAltName) at test time, three
nodes serve HTTPS only with read and write tokens from the environment (and, in the
second test, require a client certificate), and curl --cacert and the onevalue client
with a token write and read through them."""

import http.client
import os
import shutil
import ssl
import subprocess
import tempfile
import unittest

from cluster import ONEVALUE_BIN, Cluster, Node

MAKE_CERTS = os.path.join(os.path.dirname(__file__), "..", "..", "app", "make_certs.sh")
HTTPS_PORT = 18443
CLUSTER_PORT = 17946
FIRST_HOST = 61
# Fresh tokens per run, never committed.
READ = os.urandom(16).hex()
WRITE = os.urandom(16).hex()
ADMIN = os.urandom(16).hex()


class HttpsNode(Node):
    """A node with plain HTTP off, HTTPS on HTTPS_PORT with its own certificate from
    make_certs.sh, tokens from the environment; test requests go over HTTPS, verified
    against the CA, with the write token (and the client certificate when `mtls`)."""

    def __init__(self, node, certs, mtls):
        super().__init__(node.name, node.ip, 0, node.cluster_port,
                         os.path.dirname(os.path.dirname(node.data_dir)), node.seeds,
                         [f"--onevalue.https-port={HTTPS_PORT}",
                          f"--onevalue.https-cert={certs}/{node.name}.crt",
                          f"--onevalue.https-key={certs}/{node.name}.key"]
                         + ([f"--onevalue.https-client-ca={certs}/ca.crt"] if mtls else []))
        self.certs = certs
        self.mtls = mtls

    def start(self):
        saved = dict(os.environ)
        # The containers' way: tokens in the environment, not on the command line.
        os.environ.update({"ONEVALUE_ACL_READ_TOKENS": READ,
                           "ONEVALUE_ACL_WRITE_TOKENS": WRITE,
                           "ONEVALUE_ACL_ADMIN_TOKENS": ADMIN})
        try:
            return super().start()
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def request(self, method, path, body=None, headers=None, timeout=5):
        ctx = ssl.create_default_context(cafile=f"{self.certs}/ca.crt")
        if self.mtls:
            ctx.load_cert_chain(f"{self.certs}/client.crt", f"{self.certs}/client.key")
        headers = dict(headers or {})
        headers.setdefault("Authorization", f"Bearer {WRITE}")
        conn = http.client.HTTPSConnection(self.ip, HTTPS_PORT, timeout=timeout, context=ctx)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read().decode()
        finally:
            conn.close()


def https_cluster(certs, mtls):
    c = Cluster(3, first_ip=FIRST_HOST, cluster_port=CLUSTER_PORT)
    c.nodes = [HttpsNode(n, certs, mtls) for n in c.nodes]
    return c


def make_certs(directory, cluster):
    """Runs app/make_certs.sh as the README does: one certificate per node."""
    specs = [f"{n.name}={n.ip}" for n in cluster.nodes]
    out = subprocess.run([MAKE_CERTS, directory, *specs], capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        raise AssertionError(f"make_certs.sh failed: {out.stderr}")
    return out.stdout


def curl(*args):
    """(exit code, HTTP status or 0, body) of a curl call."""
    out = subprocess.run(["curl", "-sS", "--max-time", "5", "-w", "\n%{http_code}", *args],
                         capture_output=True, text=True, timeout=20)
    body, _, code = out.stdout.rpartition("\n")
    return out.returncode, int(code or 0), body.strip()


def client(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEVALUE_")}
    env.update(env_extra or {})
    proc = subprocess.run([ONEVALUE_BIN, *args], capture_output=True, text=True, env=env,
                          timeout=20)
    return proc.returncode, proc.stdout.strip(), proc.stderr


class HttpsCluster(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="onevalue-https-cluster-")
        self.certs = os.path.join(self.dir, "tls")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_https_and_tokens_with_curl_and_the_client(self):
        c = https_cluster(self.certs, mtls=False)
        made = make_certs(self.certs, c)
        for n in c.nodes:
            self.assertIn(f"IP:{n.ip}", made)
        self.assertEqual(os.stat(f"{self.certs}/n1.key").st_mode & 0o777, 0o600)
        with c:
            c.wait_formed()
            ca = ["--cacert", f"{self.certs}/ca.crt"]
            url = [f"https://{n.ip}:{HTTPS_PORT}" for n in c.nodes]
            rc, code, body = curl(*ca, "-H", f"Authorization: Bearer {WRITE}", "-X", "POST",
                                  f"{url[0]}/set/5")
            self.assertEqual((rc, code, body), (0, 200, "5"))
            c.wait_value(5)
            for u in url:
                self.assertEqual(curl(*ca, "-H", f"Authorization: Bearer {READ}",
                                      f"{u}/get"), (0, 200, "5"))
            # No token 401; a read token's write 403; /health without one: status only.
            self.assertEqual(curl(*ca, f"{url[1]}/get")[1], 401)
            self.assertEqual(curl(*ca, "-H", f"X-Onevalue-Token: {READ}", "-X", "POST",
                                  f"{url[1]}/set/6")[1], 403)
            # Changing keys needs the admin token; this cluster has none, so the node
            # refuses the change itself (409), after access control let it through.
            key = '{"install": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}'
            rc, code, body = curl(*ca, "-H", f"Authorization: Bearer {WRITE}", "-d", key,
                                  f"{url[0]}/v1/keyring")
            self.assertEqual(code, 403, body)
            self.assertIn("admin token", body)
            rc, code, body = curl(*ca, "-H", f"Authorization: Bearer {ADMIN}", "-d", key,
                                  f"{url[0]}/v1/keyring")
            self.assertEqual(code, 409, body)
            rc, code, body = curl(*ca, f"{url[2]}/health")
            self.assertEqual(code, 200, body)
            self.assertNotIn("members", body)
            # A client that does not trust the CA stops at the handshake (curl exit 60).
            self.assertEqual(curl(f"{url[0]}/get")[0], 60)
            # Plain HTTP gets no answer: the port speaks only TLS.
            self.assertNotEqual(curl(f"http://{c.nodes[0].ip}:{HTTPS_PORT}/get")[0], 0)
            # The onevalue client: address, CA and token from the environment...
            env = {"ONEVALUE_HTTP_ADDR": url[1],
                   "ONEVALUE_HTTP_CA_FILE": f"{self.certs}/ca.crt",
                   "ONEVALUE_HTTP_TOKEN": WRITE}
            self.assertEqual(client("set", "7", env_extra=env)[:2], (0, "7"))
            c.wait_value(7)
            # ... or from flags; a read token reads, and cannot write.
            flags = [f"-http-addr={url[2]}", "-ca-file", f"{self.certs}/ca.crt",
                     "-token", READ]
            self.assertEqual(client("get", *flags)[:2], (0, "7"))
            rc, _, err = client("set", "8", *flags)
            self.assertNotEqual(rc, 0)
            self.assertIn("403", err)

    def test_client_certificates_required(self):
        c = https_cluster(self.certs, mtls=True)
        make_certs(self.certs, c)
        with c:
            c.wait_formed()
            ca = ["--cacert", f"{self.certs}/ca.crt"]
            cert = ["--cert", f"{self.certs}/client.crt", "--key", f"{self.certs}/client.key"]
            url = f"https://{c.nodes[0].ip}:{HTTPS_PORT}"
            # Without a client certificate the handshake fails: no HTTP status at all.
            rc, code, _ = curl(*ca, "-H", f"Authorization: Bearer {WRITE}", f"{url}/get")
            self.assertNotEqual(rc, 0)
            self.assertEqual(code, 0)
            rc, code, body = curl(*ca, *cert, "-H", f"Authorization: Bearer {WRITE}",
                                  "-X", "POST", f"{url}/set/9")
            self.assertEqual((rc, code, body), (0, 200, "9"))
            c.wait_value(9)
            # The certificate alone is not enough: the token is still required.
            self.assertEqual(curl(*ca, *cert, f"{url}/get")[1], 401)
            flags = [f"-http-addr=https://{c.nodes[2].ip}:{HTTPS_PORT}", "-ca-file",
                     f"{self.certs}/ca.crt", "-token", READ]
            self.assertNotEqual(client("get", *flags)[0], 0)
            self.assertEqual(client("get", *flags, "-client-cert", f"{self.certs}/client.crt",
                                    "-client-key", f"{self.certs}/client.key")[:2], (0, "9"))


if __name__ == "__main__":
    unittest.main()
