"""KeyTable: a map of 64-bit keys to small values in 9 bytes per key, checked against a dict."""

from __future__ import annotations

import random

import pytest

from newscrawler.discover.keytable import KeyTable, fingerprint_key

pytestmark = pytest.mark.unit


def test_matches_a_dict_across_merges() -> None:
    rng = random.Random(7)
    table, reference = KeyTable(buffer=64), {}
    for step in range(5000):
        key = rng.getrandbits(64) - 2**63 if step % 3 else rng.choice([-(2**63), 2**63 - 1, 0, 1, -1])
        if reference and step % 5 == 0:
            key = rng.choice(list(reference))  # overwrite a key already merged (or still recent)
        value = rng.randrange(256)
        table[key] = value
        reference[key] = value
    assert len(table) == len(reference)
    assert all(table.get(key) == value for key, value in reference.items())
    assert all(key in table for key in reference)
    absent = [k for k in (rng.getrandbits(64) - 2**63 for _ in range(1000)) if k not in reference]
    assert not any(key in table for key in absent) and table.get(absent[0]) is None
    assert table.get(absent[0], 5) == 5
    assert table.nbytes() == 9 * (len(table) - len(table._recent))


def test_add_reports_new_keys_and_values_are_clamped() -> None:
    table = KeyTable(buffer=2)
    assert table.add(10) and table.add(-10) and not table.add(10)  # the second add merged both
    assert not table.add(-10) and len(table) == 2
    table[10] = 300
    table[-10] = -4
    assert table.get(10) == 255 and table.get(-10) == 0


def test_fingerprint_key_is_the_first_eight_bytes_signed() -> None:
    assert fingerprint_key(b"\x00" * 7 + b"\x01" + b"rest") == 1
    assert fingerprint_key(b"\xff" * 20) == -1
