"""Variants of an HTML page: the same content in the other markup real sites use.

The article-decision benchmark (:mod:`benchmarks.classify`) serves each page as published
and as these variants, so that a decision resting on one habit of markup (``<p>`` tags,
``og:type``, a ``<title>``, JSON-LD) shows up as a lost article or an archived listing.
Each function takes the page's HTML text (the ``<br>`` one also the story's reference
paragraphs, when known) and returns the variant's HTML text; only the markup named changes
(the page is parsed and serialized by lxml, which may also normalise whitespace between
tags and attribute quoting).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lxml import etree, html as lxml_html
from lxml.html import HtmlElement

from benchmarks.scoring import shingles

MIN_PARAGRAPH_CHARS = 30  # shorter <p>s (captions, credits, buttons) do not say where the story is
# The story's container holds this share of its paragraphs' text: a standfirst or a pull quote
# elsewhere is left out, a story split into several blocks (one per ad slot) is kept whole.
STORY_SHARE = 0.8


def parse(text: str) -> HtmlElement:
    """The page's document root (an ``<html>`` element, whatever the markup's state)."""
    parser = lxml_html.HTMLParser(encoding="utf-8", huge_tree=True)
    return lxml_html.document_fromstring(text.replace("\x00", "").encode("utf-8") or b"<html/>", parser=parser)


def serialize(root: HtmlElement) -> str:
    """The document as HTML text, with its doctype."""
    return etree.tostring(root.getroottree(), method="html", encoding="unicode")


def _remove(element: HtmlElement) -> None:
    """Remove ``element`` but not the text after it (lxml's ``remove`` would take its tail)."""
    element.drop_tree()


def _head(root: HtmlElement) -> HtmlElement:
    head = root.find("head")
    if head is None:
        head = etree.Element("head")
        root.insert(0, head)
    return head


def _text_chars(element: HtmlElement) -> int:
    return len(" ".join(element.itertext()).strip())


def paragraphs_to_divs(text: str) -> str:
    """Every ``<p>`` of the page becomes a ``<div>`` (attributes and content kept)."""
    root = parse(text)
    for p in root.iter("p"):
        p.tag = "div"
    return serialize(root)


def story_block(root: HtmlElement, paragraphs: Sequence[HtmlElement] | None = None,
                share: float = 0.5) -> HtmlElement | None:
    """The deepest element holding at least ``share`` of the text of ``paragraphs`` (default: the
    page's ``<p>``s of at least :data:`MIN_PARAGRAPH_CHARS` characters), or None without any.

    The walk stops above the paragraphs themselves, so the block is the story's container.
    """
    if paragraphs is None:
        paragraphs = [p for p in root.iter("p") if _text_chars(p) >= MIN_PARAGRAPH_CHARS]
    held: dict[HtmlElement, int] = {}
    for p in paragraphs:
        chars = _text_chars(p)
        for ancestor in p.iterancestors():
            held[ancestor] = held.get(ancestor, 0) + chars
    if not held:
        return None
    node, least = root, held.get(root, 0) * share
    while True:
        inner = [child for child in node if held.get(child, 0) >= least and child.tag != "p"]
        if not inner:
            return node
        node = inner[0]


def story_paragraphs(root: HtmlElement, story: Sequence[str] = ()) -> list[HtmlElement]:
    """The ``<p>``s (with text) that hold the story, in page order: those of its :func:`story_block`.

    With the story's reference paragraphs (``story``), only the ``<p>``s whose text is mostly
    reference text (by 4-token shingles) count, and the block holds :data:`STORY_SHARE` of
    their text (a standfirst in the header, though story text, stays where it is); without,
    every ``<p>`` with text in the block that holds half of the page's paragraph text.
    """
    if not story:
        block = story_block(root)
        return [p for p in block.iter("p") if _text_chars(p)] if block is not None else []
    reference = shingles("\n".join(story))
    found = []
    for p in root.iter("p"):
        own = shingles(p.text_content())
        if own and sum((own & reference).values()) * 2 >= sum(own.values()):
            found.append(p)
    block = story_block(root, found, STORY_SHARE)
    return [p for p in found if block is not None and block in p.iterancestors()]


def paragraphs_to_br_lines(text: str, story: Sequence[str] = ()) -> str:
    """The story's paragraphs become lines of one ``<div>``, separated by ``<br><br>``.

    The paragraphs are those of :func:`story_paragraphs`. The ``<div>`` takes the first one's
    place; the others are removed, and whatever else the page holds between them (figures,
    asides, ads, their emptied wrappers) stays where it was. A page whose story is in no
    ``<p>`` is unchanged.
    """
    root = parse(text)
    paras = story_paragraphs(root, story)
    if not paras:
        return serialize(root)
    lines = etree.Element("div")
    for i, p in enumerate(paras):
        if i:
            _append_text(lines, "\n")
            lines.append(etree.Element("br"))
            lines.append(etree.Element("br"))
        _append_text(lines, p.text or "")
        for child in list(p):
            lines.append(child)  # moves the child, with its tail
    lines.tail = paras[0].tail
    paras[0].addprevious(lines)
    paras[0].getparent().remove(paras[0])  # its tail went to the div
    for p in paras[1:]:
        _remove(p)  # emptied: its text and children are in the div
    return serialize(root)


def _append_text(element: HtmlElement, text: str) -> None:
    """Append ``text`` after the last thing ``element`` holds."""
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text


def _og_type_tags(root: HtmlElement) -> list[HtmlElement]:
    return [meta for meta in root.iter("meta")
            if (meta.get("property") or meta.get("name") or "").strip().lower() == "og:type"]


def set_og_type(text: str, value: str) -> str:
    """``og:type`` set to ``value``: every such tag changed, or one added to ``<head>`` if none."""
    root = parse(text)
    tags = _og_type_tags(root)
    for meta in tags:
        meta.set("content", value)
    if not tags:
        _head(root).append(etree.Element("meta", property="og:type", content=value))
    return serialize(root)


def without_title(text: str) -> str:
    """Every ``<title>`` element removed (``og:title``, headings and JSON-LD ``headline`` stay)."""
    root = parse(text)
    for title in list(root.iter("title")):
        _remove(title)
    return serialize(root)


def without_structured_type(text: str) -> str:
    """Every JSON-LD script and ``og:type`` tag removed: the page no longer says what it is."""
    root = parse(text)
    for script in list(root.iter("script")):
        if "ld+json" in (script.get("type") or "").lower():
            _remove(script)
    for meta in _og_type_tags(root):
        _remove(meta)
    return serialize(root)


# A variant: (page HTML, the story's reference paragraphs, or none) -> the variant's HTML.
Variant = Callable[[str, Sequence[str]], str]

# The variants of an article page: each must still be archived.
ARTICLE_VARIANTS: dict[str, Variant] = {
    "p_to_div": lambda text, story: paragraphs_to_divs(text),
    "br_lines": paragraphs_to_br_lines,
    "og_website": lambda text, story: set_og_type(text, "website"),
    "no_title": lambda text, story: without_title(text),
}
# The variants of a listing or site page: none may be archived.
LISTING_VARIANTS: dict[str, Variant] = {
    "p_to_div": lambda text, story: paragraphs_to_divs(text),
    "no_jsonld_og": lambda text, story: without_structured_type(text),
    "og_article": lambda text, story: set_og_type(text, "article"),
}
