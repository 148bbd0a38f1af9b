"""An article's title, and where it came from (``Article.title_source``).

Order of trust: the JSON-LD article's ``headline`` (read in :mod:`newscrawler.extract.metadata.page`),
``og:title``, ``twitter:title``, other title meta tags, the article's ``<h1>``, the
page's ``<title>`` without the site's suffix, and, for a page with none of these, the
start of the story itself: an article is never dropped for want of a title.

Then :func:`visible_title` prefers what a reader sees: the article's own ``<h1>`` when the
declared title differs (an SEO title written for search results and shares), and on a page
without one (older layouts) the part of ``<title>`` that the page shows as a heading
("Site :: Section :: Headline").
"""

from __future__ import annotations

import re
from typing import Any

from newscrawler.extract.metadata.names import _TITLE_SEPARATORS, clean_space, name_key
from newscrawler.extract.metadata.trees import marked_elements

TITLE_META = (("og:title", "og"), ("twitter:title", "twitter"), ("parsely-title", "meta"),
              ("sailthru.title", "meta"), ("dc.title", "meta"))
# The article's own heading first: a page may have a site-wide <h1> (the logo) before it.
H1_PATHS = ("//article//h1", "//*[@itemprop='headline']", "//main//h1", "//h1")
HEADLINE_WORDS = 20  # a title made from the story: its first sentence, cut at this many words
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_LETTERS = re.compile(r"[^\w]+")
ARTICLE_H1_PATHS = H1_PATHS[:3]  # an <h1> here is the article's own; a page-wide one must agree with the title
HEADLINE_MAX_CHARS = 300
_NOT_STORY = frozenset({"header", "nav", "footer", "aside"})
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]")
_SITE_HEADER = re.compile(r"site|masthead|global|page-header|top-?bar|navbar")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "b", "strong")
_HEADING_CLASS = re.compile(r"head|title|titel|titulo|titre|titolo")


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


def visible_title(tree: Any, title: str | None, source: str | None,
                  avoid: list[str | None]) -> tuple[str | None, str | None]:
    """(title, source) as the page shows it: its own headline when the declared title differs.

    ``avoid``: names that are not a headline (the site's names, the section).
    """
    avoid_keys = {name_key(a) for a in avoid if a}
    heading = own_headline(tree, title, avoid_keys)
    if heading and name_key(heading) != name_key(title or ""):
        return heading, "h1"
    if source == "title" and title and not heading:
        return headline_segment(tree, title) or title, source
    return title, source


def own_headline(tree: Any, title: str | None, avoid_keys: set[str]) -> str | None:
    """The text of the article's ``<h1>`` (see :func:`headline_element`)."""
    node = headline_element(tree, title, avoid_keys)
    return clean_space(node.text_content()) if node is not None else None


def headline_element(tree: Any, title: str | None, avoid_keys: set[str] = frozenset()) -> Any | None:
    """The article's ``<h1>``: one inside the article, or a page's ``<h1>`` sharing words with ``title``."""
    for path in H1_PATHS:
        for node in tree.xpath(path):
            text = clean_space(node.text_content())
            if not _headline_like(text, avoid_keys) or _outside_story(node):
                continue
            if path in ARTICLE_H1_PATHS or _shares_words(text, title or ""):
                return node
    return None


def headline_segment(tree: Any, title: str) -> str | None:
    """The longest run of ``title``'s parts ("Site :: Section :: Headline") that the page shows as a
    heading (``<h2>``, ``<b>``, an element whose class names a headline), or None."""
    parts = title_parts(title)
    if len(parts) < 2:
        return None
    headings = _heading_texts(tree)
    runs = sorted(((i, j) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)),
                  key=lambda run: -sum(len(p) for p in parts[run[0]:run[1]]))
    for i, j in runs:
        start = title.find(parts[i])
        end = title.find(parts[j - 1], start) + len(parts[j - 1])
        if name_key(run := title[start:end]) in headings:
            return run
    return None


def title_parts(title: str | None) -> list[str]:
    """The parts of a title split at every site-name separator (" | ", " - ", " :: "...)."""
    if not title:
        return []
    parts = [title]
    for sep in _TITLE_SEPARATORS:
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def _heading_texts(tree: Any) -> set[str]:
    nodes = [n for n in tree.iter(*_HEADING_TAGS)]
    nodes += [n for n, marks in marked_elements(tree) if _HEADING_CLASS.search(marks)]
    texts = (clean_space(n.text_content()) for n in nodes)
    return {name_key(t) for t in texts if 3 < len(t) <= HEADLINE_MAX_CHARS}


def _headline_like(text: str, avoid_keys: set[str]) -> bool:
    if not text or len(text) > HEADLINE_MAX_CHARS or name_key(text) in avoid_keys:
        return False
    wide = len(_WIDE.findall(text))
    return len(text.split()) >= 2 or wide >= 4


def _outside_story(node: Any) -> bool:
    """In the page's header, navigation, footer or a side column (an article's own header is fine)."""
    for ancestor in node.iterancestors():
        if ancestor.tag in ("article", "main"):
            return False
        if ancestor.tag in _NOT_STORY and ancestor.tag != "header":
            return True
    return any(a.tag == "header" and _site_header(a) for a in node.iterancestors())


def _site_header(header: Any) -> bool:
    """A ``<header>`` of the whole site (with its navigation or masthead), not an article's."""
    return header.find(".//nav") is not None or bool(_SITE_HEADER.search((header.get("class") or "").casefold()))


def _shares_words(text: str, title: str) -> bool:
    ours = {w for w in _LETTERS.split(text.casefold()) if len(w) >= 4}
    theirs = {w for w in _LETTERS.split(title.casefold()) if len(w) >= 4}
    if ours & theirs:
        return True
    wide = set(_WIDE.findall(text)) & set(_WIDE.findall(title))
    return len(wide) >= 4
