"""app/make_keyring.sh makes keys and keyring files in the format the node reads.

The file format is checked here independently (zlib's CRC-32, Python's base64); the
node's decoder reads the same bytes in tests/unit/keyring_file_test.cpp.
"""

import base64
import hashlib
import os
import stat
import subprocess
import tempfile
import unittest
import zlib

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "app",
                      "make_keyring.sh")
KEY32 = base64.b64encode(bytes(range(32))).decode()
KEY16 = base64.b64encode(bytes(range(16))).decode()


def run(args, stdin=""):
    return subprocess.run([SCRIPT] + args, capture_output=True, text=True, timeout=30,
                          input=stdin)


def parse_keyring(text):
    """The keys of a keyring file, after checking its layout and checksum."""
    lines = text.split("\n")
    assert lines[-1] == "", "the file ends with a newline"
    assert lines[0] == "onevalue-keyring" and lines[1] == "format=1", lines[:2]
    body = "\n".join(lines[:-2]) + "\n"
    assert lines[-2] == "crc32=%08x" % zlib.crc32(body.encode()), lines[-2]
    keys = [line[len("key="):] for line in lines[2:-2]]
    assert all(line.startswith("key=") for line in lines[2:-2])
    return keys


class MakeKeyringTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))

    def path(self, name="keyring"):
        return os.path.join(self.dir, name)

    def test_prints_a_fresh_key_of_each_size(self):
        for size in (16, 24, 32):
            args = [] if size == 32 else ["--bytes", str(size)]
            first, second = run(args), run(args)
            self.assertEqual(first.returncode, 0, first.stderr)
            key = first.stdout.strip()
            self.assertEqual(len(base64.b64decode(key, validate=True)), size)
            self.assertNotEqual(key, second.stdout.strip())

    def test_writes_a_private_keyring_file_primary_first(self):
        result = run(["--file", self.path(), KEY32, KEY16])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(self.path()).st_mode), 0o600)
        with open(self.path()) as f:
            self.assertEqual(parse_keyring(f.read()), [KEY32, KEY16])
        # Fingerprints are printed, keys never.
        self.assertNotIn(KEY32, result.stdout)
        fp = hashlib.sha256(bytes(range(32))).hexdigest()[:16]
        self.assertIn(fp + "  primary", result.stdout)

    def test_the_file_for_a_known_key_is_the_one_the_node_decodes(self):
        # The same bytes are decoded in keyring_file_test.cpp.
        self.assertEqual(run(["--file", self.path(), KEY32]).returncode, 0)
        with open(self.path()) as f:
            self.assertEqual(f.read(), "onevalue-keyring\nformat=1\nkey=" + KEY32
                             + "\ncrc32=cf172bba\n")

    def test_without_keys_writes_one_new_key(self):
        self.assertEqual(run(["--file", self.path(), "--bytes", "24"]).returncode, 0)
        with open(self.path()) as f:
            keys = parse_keyring(f.read())
        self.assertEqual(len(keys), 1)
        self.assertEqual(len(base64.b64decode(keys[0])), 24)

    def test_reads_keys_from_stdin_to_keep_them_out_of_ps(self):
        result = run(["--file", self.path(), "-"], stdin=f"  {KEY16}\n\n{KEY32}\n")
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.path()) as f:
            self.assertEqual(parse_keyring(f.read()), [KEY16, KEY32])

    def test_keeps_an_existing_file_unless_forced(self):
        self.assertEqual(run(["--file", self.path(), KEY32]).returncode, 0)
        refused = run(["--file", self.path(), KEY16])
        self.assertEqual(refused.returncode, 2)
        self.assertIn("--force", refused.stderr)
        with open(self.path()) as f:
            self.assertEqual(parse_keyring(f.read()), [KEY32])
        self.assertEqual(run(["--file", self.path(), "--force", KEY16]).returncode, 0)
        with open(self.path()) as f:
            self.assertEqual(parse_keyring(f.read()), [KEY16])
        self.assertEqual(os.listdir(self.dir), ["keyring"])

    def test_refuses_bad_keys_without_quoting_them(self):
        cases = {
            "c2VjcmV0c2VjcmV0": "12 bytes",
            KEY32[:-1]: "multiple of 4",
            KEY32.replace("A", "-", 1): "standard base64",
            KEY32[:-2] + "9=": "canonical",
        }
        for key, reason in cases.items():
            with self.subTest(reason=reason):
                result = run(["--file", self.path(), key])
                self.assertEqual(result.returncode, 2)
                self.assertIn(reason, result.stderr)
                self.assertNotIn(key[:12], result.stderr)
                self.assertFalse(os.path.exists(self.path()))
        twice = run(["--file", self.path(), KEY16, KEY16])
        self.assertIn("repeats key 1", twice.stderr)

    def test_fingerprint_is_sha256_prefix_of_the_raw_key(self):
        result = run(["--fingerprint", KEY16])
        self.assertEqual(result.stdout.strip(),
                         hashlib.sha256(bytes(range(16))).hexdigest()[:16])


if __name__ == "__main__":
    unittest.main()
