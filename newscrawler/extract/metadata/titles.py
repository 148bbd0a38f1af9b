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
from urllib.parse import urlsplit

from newscrawler.extract.metadata.names import _TITLE_SEPARATORS, clean_space, name_key
from newscrawler.extract.metadata.trees import marked_matching, per_tree

TITLE_META = (("og:title", "og"), ("twitter:title", "twitter"), ("parsely-title", "meta"),
              ("sailthru.title", "meta"), ("dc.title", "meta"))
# The article's own heading first: a page may have a site-wide <h1> (the logo) before it.
H1_PATHS = ("//article//h1", "//*[@itemprop='headline']", "//main//h1", "//h1")  # (as _h1_candidates finds them)
_HEADLINE_MARK = re.compile("headline")
HEADLINE_WORDS = 20  # a title made from the story: its first sentence, cut at this many words
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
_LETTERS = re.compile(r"[^\w]+")
ARTICLE_H1_PATHS = H1_PATHS[:3]  # an <h1> here is the article's own; a page-wide one must agree with the title
HEADLINE_MAX_CHARS = 300
_NOT_STORY = frozenset({"header", "nav", "footer", "aside"})
_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u0e00-\u0e7f]")
# id/class words (whole) of a site's masthead
_MASTHEAD = frozenset({"header", "masthead", "banner", "branding", "logo", "site-header", "site-title", "blog-title",
                       "siteheader", "page-header", "headerimg", "top"})
_SITE_HEADER = re.compile(r"site|masthead|global|page-header|top-?bar|navbar")
_HEADLINE_CLASS = re.compile(r"headline|post-title|entry-title|article-title|story-title|titulo|titel\b|titre")
_ASIDE_CLASS = re.compile(r"nav|menu|sidebar|side-bar|rail|related|comment|footer|teaser|promo|widget")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "b", "strong")
_HEADING_CLASS = re.compile(r"head|title|titel|titulo|titre|titolo|rubrik|overskrift|otsikko|kop\b")


def markup_title(tree: Any, tags: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """(title, source) from the meta tags, the article's ``<h1>`` and ``<title>``; (None, None) if none."""
    for key, source in TITLE_META:
        if value := next(filter(None, map(clean_space, tags.get(key, []))), None):
            return value, source
    if heading := own_headline(tree, tree.findtext(".//title"), set(), any_h1=True):
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
        if part := headline_segment(tree, title):
            return part, source
        if shown := prominent_heading(tree, avoid_keys):
            return shown, "heading"
    return title, source


def prominent_heading(tree: Any, avoid_keys: set[str] = frozenset()) -> str | None:
    """The first heading set large (``<h2>``/``<h3>``, bold text in ``<font size=4>`` or larger, an
    element whose class names a headline) outside navigation and side columns: the headline of
    an older page whose ``<title>`` names only the site ("Daily Star - Printer friendly version")."""
    for node in tree.iter("h2", "h3", "font", "b", "strong", "div", "span", "td", "p"):
        if not _looks_prominent(node):
            continue
        text = clean_space(node.text_content())
        if _headline_like(text, avoid_keys) and len(text.split()) >= 3 and not _aside(node):
            return text
    return None


def _looks_prominent(node: Any) -> bool:
    if node.tag in ("h2", "h3"):
        return True
    if node.tag == "font":
        return _large_font(node.get("size")) and (node.find(".//b") is not None or node.getparent().tag in ("b", "strong"))
    if node.tag in ("b", "strong"):
        return node.find("font") is not None and _large_font(node.find("font").get("size"))
    return bool(_HEADLINE_CLASS.search((node.get("class") or "").casefold()))


def _large_font(size: str | None) -> bool:
    size = (size or "").strip()
    return size.startswith("+") and size[1:].isdigit() and int(size[1:]) >= 1 or size.isdigit() and int(size) >= 4


def _aside(node: Any) -> bool:
    """In navigation, a header, footer or side column, a comment or a related-story list."""
    for ancestor in node.iterancestors():
        marks = f"{ancestor.get('class') or ''} {ancestor.get('id') or ''}".casefold()
        if ancestor.tag in ("nav", "aside", "footer", "header") or _ASIDE_CLASS.search(marks):
            return True
    return False


def own_headline(tree: Any, title: str | None, avoid_keys: set[str], any_h1: bool = False) -> str | None:
    """The text of the article's ``<h1>`` (see :func:`headline_element`; ``any_h1``: a page-wide
    ``<h1>`` need not share words with ``title``, for a page that declares no title)."""
    node = headline_element(tree, title, avoid_keys, any_h1)
    return clean_space(node.text_content()) if node is not None else None


def headline_element(tree: Any, title: str | None, avoid_keys: set[str] = frozenset(),
                     any_h1: bool = False) -> Any | None:
    """The article's ``<h1>``: one inside the article, or a page's ``<h1>`` sharing words with ``title``."""
    for path, nodes in zip(H1_PATHS, per_tree("h1-candidates", tree, _h1_candidates)):
        for node in nodes:
            text = clean_space(node.text_content())
            if not _headline_like(text, avoid_keys) or _outside_story(node):
                continue
            if path in ARTICLE_H1_PATHS or any_h1 or _shares_words(text, title or ""):
                return node
    return None


def _h1_candidates(tree: Any) -> tuple[list[Any], ...]:
    """The elements each of :data:`H1_PATHS` selects, in page order (from one pass over the ``<h1>``s)."""
    h1s = list(tree.iter("h1"))
    within = [(next(h.iterancestors("article"), None) is not None, next(h.iterancestors("main"), None) is not None)
              for h in h1s]
    headlines = [node for node, _marks in marked_matching(tree, _HEADLINE_MARK) if node.get("itemprop") == "headline"]
    return ([h for h, (article, _main) in zip(h1s, within) if article], headlines,
            [h for h, (_article, main) in zip(h1s, within) if main], h1s)


def headline_segment(tree: Any, title: str) -> str | None:
    """The longest run of ``title``'s parts ("Site :: Section :: Headline") that the page shows as a
    heading (``<h2>``, ``<b>``, an element whose class names a headline), or None."""
    parts = title_parts(title)
    if len(parts) < 2:
        return None
    headings = per_tree("headings", tree, _headings)
    runs = sorted(((i, j) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)),
                  key=lambda run: -sum(len(p) for p in parts[run[0]:run[1]]))
    for i, j in runs:
        start = title.find(parts[i])
        end = title.find(parts[j - 1], start) + len(parts[j - 1])
        node = headings.get(name_key(run := title[start:end]))
        if node is not None and not _outside_story(node):
            return run
    return None


def title_parts(title: str | None) -> list[str]:
    """The parts of a title split at every site-name separator (" | ", " - ", " :: "...)."""
    if not title:
        return []
    parts = [title]
    for sep in (*_TITLE_SEPARATORS, ": ", "："):
        parts = [p for part in parts for p in part.split(sep)]
    return [p.strip() for p in parts if p.strip()]


def _headings(tree: Any) -> dict[str, Any]:
    """name_key(text) -> the first heading-like element with that text."""
    nodes = [n for n in tree.iter(*_HEADING_TAGS)]
    nodes += [n for n, _marks in marked_matching(tree, _HEADING_CLASS)]
    out: dict[str, Any] = {}
    for node in nodes:
        text = clean_space(node.text_content())
        if 3 < len(text) <= HEADLINE_MAX_CHARS:
            out.setdefault(name_key(text), node)
    return out


def heading_element(tree: Any, title: str | None) -> Any | None:
    """The article's ``<h1>``, else the heading-like element that shows ``title`` (older layouts)."""
    node = headline_element(tree, title)
    if node is None and title:
        node = per_tree("headings", tree, _headings).get(name_key(title))
    return node


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
    # no <article> or <main> around it: a site's header, masthead or logo link is no headline
    return any(a.tag == "header" and _site_header(a) or _masthead(a) for a in node.iterancestors()) or _home_link(node)


def _masthead(node: Any) -> bool:
    return not _MASTHEAD.isdisjoint(f"{node.get('id') or ''} {node.get('class') or ''}".casefold().split())


def _home_link(node: Any) -> bool:
    """An ``<h1>`` that is only a link to the site's front page (the logo of a blog or an older site)."""
    links = node.findall(".//a")
    if len(links) != 1 or clean_space(links[0].text_content()) != clean_space(node.text_content()):
        return False
    path = urlsplit(links[0].get("href") or "").path
    return path in ("", "/", "/index.html", "/index.php", "/index.htm")


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
