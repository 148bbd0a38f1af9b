"""Bodies that claim to be HTML: binaries refused before anything decodes them.

:class:`BodyGuardMiddleware` runs on every HTML response after decompression: a body
that starts with the magic bytes of a binary format (PDF, PNG, JPEG, GIF, ZIP, gzip, ...)
or is mostly control bytes is refused as ``not_html``, whatever its Content-Type says.
Wrong charset labels are corrected where the page is decoded, once, in the extraction
worker (:mod:`newscrawler.process.charsets`); NUL bytes are dropped by the extractor
(:func:`newscrawler.extract.htmlparse.prepare_html`).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse, Response
from w3lib.encoding import read_bom

from newscrawler.fetch.failures import Refused

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
