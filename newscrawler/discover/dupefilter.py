"""Scrapy's dupe filter, with the fingerprints seen kept in 9 bytes each instead of ~90.

:class:`scrapy.dupefilters.RFPDupeFilter` keeps every request fingerprint (a 20-byte
``bytes``) in a set; this subclass keeps their first 8 bytes in a
:class:`newscrawler.discover.keytable.KeyTable`. Everything else is Scrapy's: the fingerprinter
(``REQUEST_FINGERPRINTER_CLASS``), ``DUPEFILTER_DEBUG`` logging, the ``dupefilter/filtered``
count and, with ``JOBDIR``, the ``requests.seen`` file (read at start, appended to, in the
installed Scrapy's format).
"""

from __future__ import annotations

from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request
from scrapy.utils.request import RequestFingerprinterProtocol

from newscrawler.discover.keytable import KeyTable, fingerprint_key

_SIZE_BYTES = 2  # requests.seen: each fingerprint is preceded by its length, as Scrapy writes it


class CompactDupeFilter(RFPDupeFilter):
    """``DUPEFILTER_CLASS``: Scrapy's request dupe filter in constant bytes per request."""

    def __init__(self, path: str | None = None, debug: bool = False, *,
                 fingerprinter: RequestFingerprinterProtocol | None = None) -> None:
        super().__init__(path, debug, fingerprinter=fingerprinter)
        self.seen = KeyTable()
        # What Scrapy read from JOBDIR's requests.seen: bytes since Scrapy 2.19, hex lines before.
        read: set[bytes] | None = getattr(self, "_fingerprints", None)
        self._binary = read is not None
        if read is None:
            read = {bytes.fromhex(line) for line in self.__dict__.get("fingerprints", ())}
            self.__dict__.get("fingerprints", set()).clear()
        for fingerprint in read:
            self.seen.add(fingerprint_key(fingerprint))
        read.clear()

    def __len__(self) -> int:
        return len(self.seen)

    def request_seen(self, request: Request) -> bool:
        fingerprint = self.fingerprinter.fingerprint(request)
        if not self.seen.add(fingerprint_key(fingerprint)):
            return True
        if self.file:  # in the format of the installed Scrapy
            self.file.write(len(fingerprint).to_bytes(_SIZE_BYTES, "big") + fingerprint if self._binary
                            else fingerprint.hex() + "\n")
        return False
