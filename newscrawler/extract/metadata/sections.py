"""The section a page shows its readers: the label above the headline ("eyebrow", "kicker",
"Rubrik"), else what the page declares, else its breadcrumb, else the URL's first path segment.

The visible label is an element whose class names a section, category or kicker, close to the
article's headline (in the same header block: their common ancestor is at most
``SECTION_LEVELS`` levels above the headline), with a short text that is not the headline.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from newscrawler.extract.metadata.names import GENERIC_LABELS, clean_space, name_key
from newscrawler.extract.metadata.titles import title_parts
from newscrawler.extract.metadata.trees import element_marks, marked_matching

SECTION_LEVELS = 3  # how far above the headline the label's block may start
SECTION_MAX_WORDS = 4
SECTION_MAX_CHARS = 40
_SECTION_MARK = re.compile(r"eyebrow|kicker|overline|rubri|ressort|dachzeile|section|categor|cat-links|"
                           r"column-name|topic|label|rubrique|seccion|sezione|rubriek")
_NOT_SECTION_MARK = re.compile(r"nav|menu|footer|share|social|tags\b|tag-list|related|teaser|promo|byline|"
                               r"author|date|time|caption|comment|newsletter|title__container|headline|advert|sponsor|stories|"
                               r"image|body|ticker|marquee|flag|badge-live|alert")
# Labels that flag a kind of story, not a section ("Breaking", "Live", "Exclusive").
_FLAGS = frozenset({"breaking", "breaking news", "live", "live updates", "exclusive", "updated", "update", "new",
                    "developing", "just in", "sponsored", "advertisement", "watch", "listen", "video", "podcast",
                    "eilmeldung", "exklusiv", "liveblog", "en direct", "direct", "urgente", "última hora",
                    "ultima ora", "en vivo", "en directo", "siste nytt", "nyhet", "速報", "속보", "突发"})
_LAYOUT_WORDS = frozenset({"section", "label", "sections", "labels", "topic", "topics"})
_SEGMENT = re.compile(r"^[^\W\d_][\w-]{1,29}$")
# First path segments that name a kind of page, a language or an edition rather than a section.
_NOT_SECTIONS = GENERIC_LABELS | {"a", "p", "s", "amp", "index", "html", "en", "de", "fr", "es", "it", "nl", "pt",
                                  "sv", "no", "da", "fi", "pl", "ru", "ja", "zh", "ko", "www", "m", "mobile",
                                  "print", "articles", "nachrichten", "noticias", "notizie", "nieuws", "uutiset",
                                  "nyheter", "nyheder", "wiadomosci", "novosti", "id", "item", "detail", "view",
                                  "read", "doc", "cms", "node", "content", "post"}


def visible_section(tree: Any, headline: Any | None) -> str | None:
    """The section label shown beside the article's ``headline`` element, or None."""
    if headline is None:
        return None
    above = list(headline.iterancestors())
    if not above:
        return None
    near = {node: level for level, node in enumerate(above) if level < SECTION_LEVELS}
    containers = set(above)
    title_key = name_key(clean_space(headline.text_content()))
    marked = {node for node, _marks in marked_matching(tree, _SECTION_MARK)}  # (the others are no label)
    for node in above[min(SECTION_LEVELS, len(above)) - 1].iter():  # the headline's block, up to the headline
        if node is headline:
            return None  # a kicker stands above the headline
        if node not in marked:
            continue
        marks = element_marks(node)
        if not marks or node in containers or node.tag == "nav" or _NOT_SECTION_MARK.search(marks):
            continue
        if not _section_marked(marks):
            continue
        if not _beside(node, near):
            continue
        text = _label_text(node)
        if text and name_key(text) != title_key:
            return text
    return None


def _section_marked(marks: str) -> bool:
    """A class/id word naming a section label; a bare "section" or "label" is a layout block."""
    return any(_SECTION_MARK.search(word) and word not in _LAYOUT_WORDS for word in marks.split())


def _beside(node: Any, near: dict[Any, int]) -> bool:
    for depth, ancestor in enumerate(node.iterancestors()):
        if ancestor in near:
            return depth <= SECTION_LEVELS + 1
        if depth > SECTION_LEVELS + 1:
            return False
    return False


def _label_text(node: Any) -> str | None:
    link = next(node.iter("a"), None)
    text = clean_space((link if link is not None else node).text_content())
    if not text or len(text) > SECTION_MAX_CHARS or len(text.split()) > SECTION_MAX_WORDS:
        return None
    if any(ch.isdigit() for ch in text) or text.casefold() in GENERIC_LABELS | _FLAGS:
        return None
    return text


def url_section(url: str | None) -> str | None:
    """The URL's first path segment when it reads as a section name ("/region/2024/..." -> "Region")."""
    try:
        segments = [s for s in unquote(urlsplit(url or "").path).split("/") if s]
    except ValueError:
        return None
    if len(segments) < 2 or not _SEGMENT.match(segments[0]) or segments[0].casefold() in _NOT_SECTIONS:
        return None
    return segments[0].replace("-", " ").replace("_", " ").capitalize()


def title_section(declared: str | None, headline: str | None, sites: list[str | None]) -> str | None:
    """The part of a "Site :: Section :: Headline" ``<title>`` between the site's name and the headline."""
    if not declared or not headline or name_key(headline) == name_key(declared):
        return None
    parts = title_parts(declared)
    keys = [name_key(p) for p in parts]
    if len(parts) < 3 or name_key(headline) not in keys:
        return None
    at = keys.index(name_key(headline))
    site_keys = {name_key(s) for s in sites if s}
    beside = [parts[i] for i in (at - 1, at + 1) if 0 <= i < len(parts)]
    beside = [p for p in beside if name_key(p) not in site_keys and 0 < len(p.split()) <= SECTION_MAX_WORDS]
    return beside[0] if len(beside) == 1 or (beside and at == len(parts) - 1) else None
