"""The data contract between extraction, the crawler and the archive.

These dataclasses cross package boundaries: ``newscrawler.extract.extractor`` produces
an :class:`Article`, the crawler pairs it with the :class:`FetchedPage` it came
from, and :mod:`archive.store` persists both. Nothing here imports scrapy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

_WORD = re.compile(r"\w+")


@lru_cache(maxsize=64)  # asked of the same article by validation and by the writer
def count_words(text: str) -> int:
    """Number of ``\\w+`` tokens in ``text``."""
    return _WORD.subn("", text)[1]  # counts the matches without building them: half findall's time


@dataclass
class Article:
    """A clean article as extracted from one HTML page.

    ``text`` is plain text, one paragraph per line, without boilerplate.
    Datetimes are timezone-aware. ``canonical_url`` is what the page declares
    (rel=canonical / og:url), already absolute; None when it declares nothing.
    """

    url: str
    title: str
    text: str
    canonical_url: str | None = None
    authors: list[str] = field(default_factory=list)
    credit: str | None = None  # a byline naming no person ("By Staff Writer"), as written; None with authors
    published_at: datetime | None = None
    modified_at: datetime | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    description: str | None = None
    image_url: str | None = None
    markdown: str = ""  # the body with its structure: headings, lists, quotes, tables
    date_source: str | None = None  # where published_at came from: jsonld, meta, url, text
    title_source: str | None = None  # where title came from: jsonld, og, twitter, h1, title, text
    is_paywalled: bool | None = None  # see docs/archive.md; None when the page says nothing

    @property
    def word_count(self) -> int:
        return count_words(self.text)


@dataclass
class FetchedPage:
    """The raw HTTP response an article was extracted from (kept for re-extraction)."""

    url: str  # the URL as requested
    final_url: str  # after redirects
    status: int
    body: bytes  # raw bytes as received (after transfer decoding)
    fetched_at: datetime  # timezone-aware, UTC
    content_type: str | None = None
    encoding: str | None = None  # the encoding used to decode ``body``
    html_zstd: bytes | None = None  # ``body`` already compressed (archive.store.compress_html), if done


@dataclass
class StoredArticle(Article):
    """An article as read back from the archive."""

    id: int = 0
    fetched_at: datetime | None = None
    content_hash: str = ""
    stored_word_count: int | None = None  # as stored; saves re-counting on export
    site: str | None = None  # the archive's site key (host without www.)

    @property
    def word_count(self) -> int:
        if self.stored_word_count is not None:
            return self.stored_word_count
        return count_words(self.text)
