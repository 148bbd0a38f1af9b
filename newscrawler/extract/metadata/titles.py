"""An article's title, and where it came from (``Article.title_source``).

Order of trust: the JSON-LD article's ``headline`` (read in :mod:`newscrawler.extract.metadata.page`),
``og:title``, ``twitter:title``, other title meta tags, the article's ``<h1>``, the
page's ``<title>`` without the site's suffix, and, for a page with none of these, the
start of the story itself: an article is never dropped for want of a title.
"""

from __future__ import annotations

import re
from typing import Any

from newscrawler.extract.metadata.names import _TITLE_SEPARATORS, clean_space

TITLE_META = (("og:title", "og"), ("twitter:title", "twitter"), ("parsely-title", "meta"),
              ("sailthru.title", "meta"), ("dc.title", "meta"))
# The article's own heading first: a page may have a site-wide <h1> (the logo) before it.
H1_PATHS = ("//article//h1", "//*[@itemprop='headline']", "//main//h1", "//h1")
HEADLINE_WORDS = 20  # a title made from the story: its first sentence, cut at this many words
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_LETTERS = re.compile(r"[^\w]+")


def article_h1(tree: Any) -> str | None:
    """The text of the article's ``<h1>`` (inside ``<article>`` or ``<main>`` if there is one)."""
    for path in H1_PATHS:
        for node in tree.xpath(path):
            if text := clean_space(node.text_content()):
                return text
    return None


def markup_title(tree: Any, tags: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """(title, source) from the meta tags, the article's ``<h1>`` and ``<title>``; (None, None) if none."""
    for key, source in TITLE_META:
        if value := next(filter(None, map(clean_space, tags.get(key, []))), None):
            return value, source
    if heading := article_h1(tree):
        return heading, "h1"
    if title := clean_space(tree.findtext(".//title")):
        return title, "title"
    return None, None


def strip_host_suffix(title: str | None, host: str) -> str | None:
    """Drop a " | Site" suffix (or "Site | " prefix) that names the page's host, when the site's name
    is not known ("Harbor bridge reopens | Port Alder Gazette" on portaldergazette.example)."""
    if not title:
        return title
    squashed_host = _LETTERS.sub("", host.casefold().removeprefix("www."))
    for sep in _TITLE_SEPARATORS:
        head, _, tail = title.rpartition(sep)
        if head and _names_host(tail, squashed_host):
            return head.strip()
        first, _, rest = title.partition(sep)
        if rest and _names_host(first, squashed_host):
            return rest.strip()
    return title


def _names_host(name: str, squashed_host: str) -> bool:
    letters = _LETTERS.sub("", name.casefold()).replace("_", "")
    letters = letters.removeprefix("the") if len(letters) > 6 else letters
    return len(letters) >= 3 and letters in squashed_host


def headline_from_text(text: str) -> str:
    """A title for a story that has none: its first sentence, at most ``HEADLINE_WORDS`` words."""
    first = next((line.strip() for line in text.split("\n") if line.strip()), "")
    sentence = _SENTENCE_END.split(first, maxsplit=1)[0]
    words = sentence.split()
    return " ".join(words[:HEADLINE_WORDS]) + ("…" if len(words) > HEADLINE_WORDS else "")
