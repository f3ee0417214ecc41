#!/usr/bin/env python3
"""Writes the seed corpora of the envelope_open and keyring_file fuzz targets.

The keys and label are the fuzz targets' fixed ones (key A: bytes 0..31, primary; key
B: sixteen bytes 0xa0; label "fuzz"). Needs python3-cryptography. Re-running it makes
new random nonces, so only run it to change the seeds:
    tests/fuzz/make_envelope_seeds.py
"""
import base64
import os
import zlib
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = Path(__file__).resolve().parent
KEY_A = bytes(range(32))
KEY_B = bytes([0xA0] * 16)
LABEL = b"fuzz"


def sealed(key, payload, label=LABEL):
    nonce = os.urandom(12)
    aad = b"\x02" + bytes([len(label)]) + label
    return b"\x02" + nonce + AESGCM(key).encrypt(nonce, payload, aad)


def keyring_file(keys):
    body = "onevalue-keyring\nformat=1\n"
    body += "".join("key=" + base64.b64encode(k).decode() + "\n" for k in keys)
    return (body + "crc32=%08x\n" % zlib.crc32(body.encode())).encode()


def write(target, name, data):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


write("envelope_open", "sealed_key_a", sealed(KEY_A, b"a datagram from the codec"))
write("envelope_open", "sealed_key_b", sealed(KEY_B, b"sealed under the second key"))
write("envelope_open", "sealed_empty", sealed(KEY_A, b""))
write("envelope_open", "sealed_1400", sealed(KEY_A, bytes(range(256)) * 5 + bytes(120)))
write("envelope_open", "sealed_other_label", sealed(KEY_A, b"other cluster", b"prod"))
write("envelope_open", "plaintext", b"\x01plain codec bytes")
write("envelope_open", "bad_format", b"\x03????")
write("envelope_open", "short_sealed", b"\x02" + bytes(20))

write("keyring_file", "one_key", keyring_file([KEY_A]))
write("keyring_file", "three_sizes", keyring_file([KEY_A, KEY_B, bytes(range(24))]))
bad_crc = bytearray(keyring_file([KEY_B]))
bad_crc[-2] ^= 1
write("keyring_file", "bad_checksum", bytes(bad_crc))
write("keyring_file", "truncated", keyring_file([KEY_A])[:40])
