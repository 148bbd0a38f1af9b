"""What a crawl remembers per URL, in about 9 bytes instead of about 90.

A crawl remembers every URL it has met: the link depth it was found at (the spider),
the requests made (the dupe filter) and the articles passed on (dedupe). In Python
sets and dicts that costs 80-100 bytes per URL (an int or bytes object plus a slot of a
hash table that is kept a third empty), so memory grows with the site. A
:class:`KeyTable` keeps 64-bit keys (a ``hash()`` of the canonical URL, or the first
8 bytes of a request fingerprint) in a sorted ``array('q')`` with a parallel
``bytearray`` of small values (0-255), plus a small dict of the latest keys that is merged
into the arrays when it fills: 9 bytes per key, a lookup is a binary search (~1 µs), and a
merge copies the arrays once per ``buffer`` new keys.

At 64 bits, two of a million URLs share a key with a chance of about 3 in 100 million.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left

MAX_VALUE = 255


def fingerprint_key(fingerprint: bytes) -> int:
    """The 64-bit key of a request fingerprint (its first 8 bytes)."""
    return int.from_bytes(fingerprint[:8], "big", signed=True)


class KeyTable:
    """A map of 64-bit integer keys to values 0-255, also used as a set (:meth:`add`)."""

    def __init__(self, buffer: int = 4096) -> None:
        self._keys = array("q")  # sorted
        self._values = bytearray()  # _values[i] belongs to _keys[i]
        self._recent: dict[int, int] = {}  # not yet merged
        self.buffer = max(1, buffer)

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)

    def __contains__(self, key: int) -> bool:
        return key in self._recent or self._find(key) is not None

    def get(self, key: int, default: int | None = None) -> int | None:
        value = self._recent.get(key)
        if value is not None:
            return value
        index = self._find(key)
        return default if index is None else self._values[index]

    def __setitem__(self, key: int, value: int) -> None:
        value = min(max(value, 0), MAX_VALUE)
        index = self._find(key)
        if index is not None:
            self._values[index] = value
            return
        self._recent[key] = value
        if len(self._recent) >= self.buffer:
            self._merge()

    def add(self, key: int) -> bool:
        """Add ``key`` (value 0) if absent; True when it was new."""
        if key in self:  # the recent dict, then one binary search
            return False
        self._recent[key] = 0
        if len(self._recent) >= self.buffer:
            self._merge()
        return True

    def nbytes(self) -> int:
        """Bytes held by the arrays (the dict of recent keys not counted)."""
        return self._keys.itemsize * len(self._keys) + len(self._values)

    def _find(self, key: int) -> int | None:
        keys = self._keys
        index = bisect_left(keys, key)
        return index if index < len(keys) and keys[index] == key else None

    def _merge(self) -> None:
        """Merge the recent keys into the sorted arrays (one pass, no int object per old key)."""
        old_keys, old_values = self._keys, self._values
        keys, values = array("q"), bytearray()
        start = 0
        for key in sorted(self._recent):
            index = bisect_left(old_keys, key, start)
            keys.extend(old_keys[start:index])
            values += old_values[start:index]
            keys.append(key)
            values.append(self._recent[key])
            start = index
        keys.extend(old_keys[start:])
        values += old_values[start:]
        self._keys, self._values = keys, values
        self._recent = {}
