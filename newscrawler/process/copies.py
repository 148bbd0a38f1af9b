"""Byte-identical copies of a recent article page, recognised before extraction.

A site often serves one article under several URLs that differ only in their query:
``?page=2`` of a one-page story, ``?ref=home``, ``?comments=all``, ``?amp=0`` (tracking
parameters such as ``utm_*`` are removed before a URL is requested). When such a
copy's body is byte for byte the body of an article page this crawl processed a moment ago,
decoding, parsing, extracting and classifying it again would give the same article (its URL
aside), which the dedupe pipeline then keeps as an alias of the first: :class:`RecentArticles`
hands the crawl the first page's result instead, with the copy's URL, and the copy goes through
the same pipelines (validated, deduplicated, kept as an alias: its URL state and ``explain``
say which article it repeats).

A result is reused only where nothing but the body decides it (see :meth:`RecentArticles.copy_of`):
same scheme, host and path (relative URLs in the page resolve alike; the site's profile is the
same), and a copy no shallower in the crawl than the first page, whose links were followed
already (the copy's links are not listed). A body is hashed only where that can pay: a page
kept for its copies, and a page at the path of one. The first page's result is kept without its
compressed body and links, pickled and zstd-compressed: ~4 KB for a news article whose text and
markdown take ~39 KB as strings (0.06 ms to keep it, 0.04 to read it back, on the bench pages).
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter, OrderedDict
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

import zstandard

from newscrawler.process.page import PageResult


@dataclass(frozen=True)
class _Seen:
    url: str
    depth: int
    hops: int
    result: bytes  # the PageResult, pickled and zstd-compressed


_Key = tuple[bytes, str, str, str]  # the body's digest, the URL's scheme, host and path


def body_digest(body: bytes) -> bytes:
    """SHA-256 of a page body (0.2 ms for 375 KB with the CPU's SHA instructions)."""
    return hashlib.sha256(body).digest()


def _place(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower(), parts.path


class RecentArticles:
    """The results of the crawl's latest article pages, by the digest of their body and their place."""

    def __init__(self, size: int) -> None:
        """Keep the last ``size`` article pages (``EXTRACTION_REUSE_RECENT``; ~4 KB each); 0 keeps none."""
        self.size = size
        self._seen: OrderedDict[_Key, _Seen] = OrderedDict()
        self._places: Counter[tuple[str, str, str]] = Counter()  # of the kept pages: no hashing elsewhere
        self._compressor = zstandard.ZstdCompressor(level=1)
        self._decompressor = zstandard.ZstdDecompressor()

    def __len__(self) -> int:
        return len(self._seen)

    def remember(self, body: bytes, url: str, depth: int, hops: int, result: PageResult) -> None:
        """Keep an article page's result (without its compressed body and links) for its copies."""
        if not result.is_article or result.article is None or self.size <= 0:
            return
        # Pickled now, as extracted: the pipelines fill the yielded article's gaps in place.
        kept = replace(result, html_zstd=None, links=[], feeds=[], charset_corrected=False)
        blob = self._compressor.compress(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        place = _place(url)
        key = (body_digest(body), *place)  # the same bytes at another path (a print page) are kept apart
        if key not in self._seen:
            self._places[place] += 1
        self._seen[key] = _Seen(url, depth, hops, blob)
        self._seen.move_to_end(key)
        while len(self._seen) > self.size:
            oldest, _ = self._seen.popitem(last=False)
            self._places[oldest[1:]] -= 1
            if not self._places[oldest[1:]]:
                del self._places[oldest[1:]]

    def copy_of(self, body: bytes, url: str, depth: int, hops: int) -> tuple[str, PageResult] | None:
        """(the first page's URL, its result for ``url``) when ``url`` serves the same bytes as a
        recent article page at the same scheme, host and path, and is no shallower in the crawl
        (depth and pagination hops) than that page; else None."""
        place = _place(url)
        if place not in self._places:  # nothing kept at this path: no need to hash the body
            return None
        seen = self._seen.get((body_digest(body), *place))
        if seen is None or url == seen.url:
            return None
        if depth < seen.depth or hops < seen.hops:
            return None
        result: PageResult = pickle.loads(self._decompressor.decompress(seen.result))
        assert result.article is not None
        result.article.url = url
        return seen.url, result
