"""The data contract between extraction, the crawler and the archive.

These dataclasses cross package boundaries: ``newscrawler.extract.extractor`` produces
an :class:`Article`, the crawler pairs it with the :class:`FetchedPage` it came
from, and :mod:`archive.store` persists both. Nothing here imports scrapy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

# Scripts written without spaces between words (see docs/archive.md, "Word counts"). Chinese and
# Japanese: Han ideographs (with 々 and 〇), hiragana, katakana (with ー, not the middle dot ・).
# Thai: its letters, vowel and tone marks and digits. Hangul is not here: Korean puts spaces
# between words. ICU's dictionary word breaker, on news texts, finds a word in every 1.5-1.6 Han
# or kana characters and in every 3.6-4.3 Thai code points; these are the divisors.
_CJK = ("\u3005\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
        "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f")
_THAI = "\u0e01-\u0e3a\u0e40-\u0e4e\u0e50-\u0e59"
CJK_CHARS_PER_WORD = 1.6
THAI_CHARS_PER_WORD = 4.0
_WORD = re.compile(r"\w+")
_UNSPACED = re.compile(f"[{_CJK}{_THAI}]")
# A run of Han/kana (group 1), a run of Thai (group 2), or a word of any other script.
_TOKEN = re.compile(f"([{_CJK}]+)|([{_THAI}]+)|[^\\W{_CJK}{_THAI}]+")


@lru_cache(maxsize=64)  # asked of the same article by validation and by the writer
def count_words(text: str) -> int:
    """:func:`words_in` of an article's text, cached."""
    return words_in(text)


def words_in(text: str) -> int:
    """The number of words in ``text``: ``\\w+`` tokens, but Chinese and Japanese (Han, kana) count
    one word per :data:`CJK_CHARS_PER_WORD` characters and Thai one per :data:`THAI_CHARS_PER_WORD`,
    as they put no spaces between words; mixed text counts each part its way. Not cached: for
    the many short lines of a page."""
    if _UNSPACED.search(text) is None:
        return _WORD.subn("", text)[1]  # counts the matches without building them: half findall's time
    return _count_unspaced(text)


def _count_unspaced(text: str) -> int:
    words = cjk = thai = 0
    for match in _TOKEN.finditer(text):
        if match.lastindex == 1:
            cjk += match.end() - match.start()
        elif match.lastindex == 2:
            thai += match.end() - match.start()
        else:
            words += 1
    return words + math.ceil(cjk / CJK_CHARS_PER_WORD) + math.ceil(thai / THAI_CHARS_PER_WORD)


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
        """:func:`words_in` of ``text``, counted once per text: the count is kept on the article
        (not a field) with the text it counts, so an article pickled from an extraction worker
        brings its count along (pickle keeps the one text object), and a new text is counted anew."""
        text = self.text
        counted = self.__dict__.get("_counted")
        if counted is not None and counted[0] is text:
            return counted[1]
        words = count_words(text)
        self.__dict__["_counted"] = (text, words)
        return words


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
    headers: list[tuple[str, str]] | None = None  # the response headers as received (None: not recorded)
    warc: WarcLocation | None = None  # the WARC record holding ``body``, when the crawl wrote WARC files


@dataclass(frozen=True)
class WarcLocation:
    """Where a WARC record is: the file (absolute path), and the offset and length of its gzip member."""

    path: str
    offset: int
    length: int


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
