"""Bodies that claim to be HTML: binaries refused, wrong charset labels corrected.

:class:`BodyGuardMiddleware` runs on every HTML response after decompression:

* a body that starts with the magic bytes of a binary format (PDF, PNG, JPEG, GIF, ZIP,
  gzip, ...) or is mostly control bytes is refused as ``not_html``, whatever its
  Content-Type says;
* the charset is checked against the bytes where the page is decoded, once, in the
  extraction worker (:func:`newscrawler.charsets.decode_checked`, re-exported here as
  :func:`best_encoding`): a label the body does not decode with (cp1252 bytes labelled
  utf-8) falls back to the page's ``<meta>`` charset, then utf-8, then cp1252; a Western
  single-byte label (latin-1, cp1252, ascii) on a body that is valid non-ASCII UTF-8
  means UTF-8. Links, classification and extraction all see the corrected text, and the
  corrected encoding is stored with the raw page. (NUL bytes are dropped by the
  extractor, :func:`newscrawler.extraction.prepare_html`.)
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from w3lib.encoding import read_bom

from newscrawler.charsets import best_encoding
from newscrawler.failures import Refused

__all__ = ["BodyGuardMiddleware", "best_encoding", "binary_kind"]

MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "a PDF document"), (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"), (b"\xff\xd8\xff", "a JPEG image"), (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip data"), (b"BZh", "bzip2 data"), (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"), (b"Rar!\x1a\x07", "a RAR archive"), (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"RIFF", "RIFF media (WebP, WAV, AVI)"), (b"OggS", "Ogg media"), (b"ID3", "MP3 audio"),
    (b"\x1a\x45\xdf\xa3", "Matroska/WebM video"), (b"wOFF", "a web font"), (b"wOF2", "a web font"),
    (b"\x00\x00\x01\x00", "an icon"), (b"\x7fELF", "an executable"), (b"\xd0\xcf\x11\xe0", "an Office document"),
]  # fmt: skip
TEXT_CONTROLS = frozenset(b"\t\n\r\f\x1b")
_NOT_CONTROL = bytes(b for b in range(256) if b >= 0x20 or b in TEXT_CONTROLS)  # deleted to count the rest
SNIFF_BYTES = 4096
MAX_CONTROL_SHARE = 0.1


def binary_kind(body: bytes) -> str | None:
    """What binary format ``body`` is ("a PDF document", "binary data"), or None for text."""
    head = body[:SNIFF_BYTES].lstrip(b" \t\r\n")
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if not head or read_bom(head)[0]:  # UTF-16/32 text has NULs aplenty
        return None
    controls = len(head.translate(None, _NOT_CONTROL))  # the control bytes that are left
    return "binary data" if controls > MAX_CONTROL_SHARE * len(head) else None


class BodyGuardMiddleware:
    """Refuses binaries labelled HTML (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodyGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, HtmlResponse) or not 200 <= response.status < 300:
            return response
        stats = self.crawler.stats
        assert stats is not None
        kind = binary_kind(response.body)
        if kind is not None:
            stats.inc_value("bodies/not_html")
            ctype = (response.headers.get("Content-Type") or b"").decode("latin-1")
            raise Refused("not_html", f"not an HTML page ({kind} labelled {ctype or 'HTML'})")
        return response
