"""Scrapy's MetaRefreshMiddleware without decoding every page in the crawling process.

Scrapy looks for ``<meta http-equiv="refresh">`` in ``response.text[:4096]``, which
decodes (and caches on the response) the whole body of every HTML page: the
crawling process's largest per-page cost after the move of parsing to the
extraction workers, and a decoded copy of each page held while it waits for the
pool. This subclass first checks the raw bytes: in an encoding that writes ASCII
as itself (UTF-8 and the single-byte ones), a page whose first 16 KB (at least
its first 4,096 characters) do not contain ``refresh`` in any case has no refresh
tag there, and is passed on untouched. Any other page goes to Scrapy's own code.
"""

from __future__ import annotations

import codecs
import importlib
from functools import lru_cache

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response

from newscrawler.process.page import declared_encoding

SCAN_BYTES = 4 * 4096 + 4  # 4,096 characters of at most 4 bytes, and a BOM


@lru_cache(maxsize=64)
def writes_ascii_as_itself(encoding: str) -> bool:
    """True for UTF-8 and the single-byte (charmap) encodings that decode each ASCII byte to itself.

    Stateful encodings (ISO-2022-*, UTF-7) are not: they can drop bytes between two letters.
    """
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    if name in ("utf-8", "ascii", "latin-1", "iso8859-1"):
        return True
    try:
        module = importlib.import_module("encodings." + name.replace("-", "_"))
    except ImportError:
        return False
    table = getattr(module, "decoding_table", None)
    return isinstance(table, str) and len(table) == 256 and table[:128] == "".join(map(chr, range(128)))


def cannot_refresh(response: HtmlResponse) -> bool:
    """True when the page's first 4,096 characters certainly hold no meta refresh."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    encoding = declared_encoding(response.body, content_type)
    if encoding is None or not writes_ascii_as_itself(encoding):
        return False
    return b"refresh" not in response.body[:SCAN_BYTES].lower()


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and cannot_refresh(response):
            return response
        return super().process_response(request, response)
