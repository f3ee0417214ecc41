"""The README's "Using it" examples, run against a 3-node cluster, print what it shows.

The cluster is the README's (node1-3, each seeding the other two), on this test run's
addresses: the commands' 127.0.0.1-3:8080 and the documented member addresses and ports
are rewritten to them. See readme_examples.py for how outputs are compared.
"""

import base64
import os
import re
import shutil
import tempfile
import unittest

import readme_examples
from cluster import Node, ip, wait_until

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
FIRST_IP = 71
HTTP_PORT = 18680
CLUSTER_PORT = 18646


def readme_text():
    with open(README) as f:
        return f.read()


def rewrite_command(command):
    """127.0.0.N:8080 (N = 1..3) -> this run's address of node N and HTTP port."""
    return re.sub(r"127\.0\.0\.([1-3]):8080",
                  lambda m: f"{ip(FIRST_IP - 1 + int(m.group(1)))}:{HTTP_PORT}", command)


def map_expected(value):
    """The documented member addresses and ports -> this run's."""
    if isinstance(value, list):
        return [map_expected(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: map_expected(v) for k, v in value.items()}
    address = re.fullmatch(r"127\.0\.0\.([1-3])", str(out.get("address", "")))
    if address:
        out["address"] = ip(FIRST_IP - 1 + int(address.group(1)))
    if out.get("http_port") == 8080:
        out["http_port"] = HTTP_PORT
    if out.get("cluster_port") == 7946:
        out["cluster_port"] = CLUSTER_PORT
    return out


class ReadmeExamplesTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="onevalue-readme-it-")
        self.nodes = []
        key = base64.b64encode(os.urandom(32)).decode()
        addresses = [f"{ip(FIRST_IP + i)}:{CLUSTER_PORT}" for i in range(3)]
        for i in range(3):
            seeds = [a for j, a in enumerate(addresses) if j != i]
            # Keyed, as app/run_local_cluster.sh's nodes are (a key made for this run).
            self.nodes.append(Node(f"node{i + 1}", ip(FIRST_IP + i), HTTP_PORT,
                                   CLUSTER_PORT, self.workdir, seeds,
                                   [f"--onevalue.gossip-keys={key}"]))

    def tearDown(self):
        for node in self.nodes:
            node.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def test_using_it_examples_print_what_the_readme_shows(self):
        examples = readme_examples.parse_examples(readme_text())
        try:
            for node in self.nodes:
                node.start()
            # As after app/run_local_cluster.sh: every node takes writes and lists the
            # other two as alive.
            wait_until(lambda: all(n.health()[0] == 200 for n in self.nodes), 20,
                       "every node to be ready")
            wait_until(lambda: all(list(n.members()) == ["node1", "node2", "node3"]
                                   and all(m["state"] == "alive"
                                           for m in n.members().values())
                                   for n in self.nodes), 20, "every node to list all three")
            failures = readme_examples.run_examples(examples, rewrite_command, map_expected)
            self.assertEqual(failures, [], "\n" + "\n".join(failures))
        except BaseException:
            for node in self.nodes:
                print(f"---- log of {node.name} ----\n{node.log_tail(40)}")
            raise


class ReadmeCheckerTest(unittest.TestCase):
    """The comparison itself: a drifted sample must be caught."""

    def example(self, *expected):
        return readme_examples.Example("curl x", list(expected), 1)

    def diff(self, expected, output):
        return readme_examples.output_diff(self.example(*expected), output, lambda j: j)

    def test_values_keys_and_status_codes_must_match(self):
        shown = '{"index":7,"value":5,"version":{"counter":7,"node":"node1"}}'
        self.assertIsNone(self.diff([shown, "200"],
                                    '{"index":9,"value":5,"version":{"counter":9,'
                                    '"node":"node1"}}\n200\n'))
        self.assertIn("node2", self.diff([shown], shown.replace("node1", "node2") + "\n"))
        self.assertIn("6", self.diff([shown], shown.replace(":5,", ":6,") + "\n"))
        self.assertIn("keys", self.diff([shown], shown.replace('"index":7,', "") + "\n"))
        self.assertIn("not an integer", self.diff([shown], shown.replace(":7,", ':"7",', 1)
                                                  + "\n"))
        self.assertIsNotNone(self.diff([shown, "200"], shown + "\n412\n"))
        self.assertIsNotNone(self.diff([shown, "200"], shown + "\n"))

    def test_plain_text_must_match_and_end_with_a_newline(self):
        self.assertIsNone(self.diff(["5"], "5\n"))
        self.assertIn("newline", self.diff(["5"], "5"))
        self.assertIsNotNone(self.diff(["5"], "6\n"))
        self.assertIsNotNone(self.diff([], "5\n"))
        self.assertIsNone(self.diff([], ""))

    def test_an_ellipsis_allows_more_elements_of_the_same_shape(self):
        shown = '[{"name":"node1","incarnation":0}, ...]'
        self.assertIsNone(self.diff([shown], '[{"name":"node1","incarnation":3},'
                                             '{"name":"node2","incarnation":1}]\n'))
        self.assertIsNotNone(self.diff([shown], '[{"name":"node1","incarnation":3},'
                                                '{"name":"node2"}]\n'))
        self.assertIsNotNone(self.diff(['[{"name":"node1"}]'],
                                       '[{"name":"node1"},{"name":"node2"}]\n'))

    def test_the_transcript_parses_commands_and_outputs(self):
        text = ("# t\n\n## Using it\n\n```sh\ncurl a   # remark\n# 5\nx=$(curl b)\n```\n\n"
                "```json\n{}\n```\n\n## Next\n```sh\ncurl c\n```\n")
        examples = readme_examples.parse_examples(text)
        self.assertEqual([(e.command, e.expected) for e in examples],
                         [("curl a   # remark", ["5"]), ("x=$(curl b)", [])])
        self.assertTrue(examples[0].is_read())
        self.assertFalse(readme_examples.Example("curl -X PUT -d 1 a", [], 1).is_read())


if __name__ == "__main__":
    unittest.main()
