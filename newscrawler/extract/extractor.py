"""Article extraction: HTML page -> :class:`archive.article.Article`.

The only module of the project that imports trafilatura. The page is parsed once;
the tree feeds our metadata reader (:mod:`newscrawler.extract.metadata.page`) and trafilatura.
trafilatura's body tree is walked once into blocks, each a plain line paired with its
Markdown (:mod:`newscrawler.extract.markdown`); general boilerplate rules
(:mod:`newscrawler.extract.boilerplate`, :mod:`newscrawler.extract.embeds`) decide per
block, so ``Article.text`` and ``Article.markdown`` hold the same paragraphs in the
same order.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import trafilatura
from lxml import etree

from archive.article import Article
from newscrawler.extract.boilerplate import (
    PageHints,
    furniture_texts,
    is_detached_standfirst,
    kept_indices,
    locate_block,
    has_words,
    text_key,
)
from newscrawler.extract.embeds import TAIL_LINK_MAX_WORDS, TAIL_LINK_SHARE, embedded_texts, link_share
from newscrawler.extract.htmlparse import MAX_HTML_BYTES, parse_html, parse_prepared, prepare_html, strip_bulky_blocks
from newscrawler.extract.markdown import Block, body_blocks, render_markdown
from newscrawler.extract.metadata.page import PageMetadata, is_incomplete, language_code, page_metadata, parse_date
from newscrawler.extract.metadata.names import signoff_authors
from newscrawler.extract.metadata.titles import headline_from_text
from newscrawler.extract.oldlayout import Reshaped, reshaped
from newscrawler.extract.profile import (
    CompiledProfile,
    Profile,
    SelectorError,
    author_names,
    body_elements,
    compile_profile,
    date_value,
    first_text,
    pruned,
    restricted,
)

LOGGER = logging.getLogger(__name__)

# Size guards (bytes of UTF-8; scripts, styles and SVGs are stripped first, then the rest of
# MAX_HTML_BYTES is kept). Extraction time grows with the markup, so bigger pages (or pages with
# more elements than FAST_ABOVE_ELEMENTS) skip trafilatura's fallback extractors and metadata.
FAST_ABOVE_BYTES = 1_000_000
FAST_ABOVE_ELEMENTS = 20_000  # news pages have < 5000
FALLBACK_BELOW_SHARE = 0.15  # trafilatura's fallbacks run when its main pass keeps less of the paragraph text
# Chosen on news-dev (shingle F1 after our post-filters): the default focus 0.962 beats
# favor_precision 0.959 and favor_recall 0.956 (both lose a live blog), and fast=True 0.956.
# include_tables=False would score 0.966, all of it on one page whose reference omits a
# data table; tables are article content, so they stay.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": False,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
}

__all__ = ["MAX_HTML_BYTES", "extract_article", "extract_parsed", "parse_html", "parse_prepared",
           "prepare_html", "strip_bulky_blocks"]

_WORD = re.compile(r"\w+")
_ELEMENT_COUNT = etree.XPath("count(/descendant::*)")
PROFILE_SOURCE = "profile"  # title_source/date_source of a value a publisher profile selected


def extract_article(html: str, url: str, profile: Profile | None = None) -> Article | None:
    """The article on ``html`` (fetched from ``url``), or None when there is no article text.

    ``profile``: the site's publisher profile (:mod:`newscrawler.extract.profile`), applied
    over the general rules. Never raises: unparseable or empty input gives None.
    """
    try:
        data = prepare_html(html)
        tree = parse_prepared(data)
    except Exception as err:  # last line of defence: one bad page must not stop a crawl
        LOGGER.warning("extraction failed for %s: %s", url, err)
        return None
    return None if tree is None else extract_parsed(tree, len(data), url, profile)


def extract_parsed(tree: Any, size: int, url: str, profile: Profile | None = None) -> Article | None:
    """:func:`extract_article` of a tree that :func:`parse_prepared` made of ``size`` bytes.

    For callers that read the same tree first (the crawl classifies the page and lists
    its links on it); they must not modify it (a profile works on a copy). Never raises.
    """
    try:
        fast = size > FAST_ABOVE_BYTES or _ELEMENT_COUNT(tree) > FAST_ABOVE_ELEMENTS
        compiled = _compiled(profile, url)
        if compiled is not None:
            return _extract_with_profile(tree, url, fast, compiled)
        body = reshaped(tree)  # older layouts: layout tables and <br> runs as paragraphs
        document = _main_content(body.tree, url, fast)
        if document is None:
            return None
        return _build_article(tree, document, url, fast, body)
    except Exception as err:  # last line of defence: one bad page must not stop a crawl
        LOGGER.warning("extraction failed for %s: %s", url, err)
        return None


def _compiled(profile: Profile | None, url: str) -> CompiledProfile | None:
    """``profile`` compiled; None (the general rules alone) without one or when a selector is bad."""
    if profile is None:
        return None
    try:
        return compile_profile(profile)
    except SelectorError as err:  # sources files are checked when read: only a hand-made profile gets here
        LOGGER.warning("publisher profile not applied to %s: %s", url, err)
        return None


def _extract_with_profile(tree: Any, url: str, fast: bool, compiled: CompiledProfile) -> Article | None:
    """The general extraction on the page without the drop selectors' elements (and, with a body
    selector, trafilatura on the elements it matches only), then the profile's fields over the metadata."""
    page = pruned(tree, compiled)
    shaped = reshaped(page)
    body = body_elements(shaped.tree, compiled)
    document = _main_content(restricted(shaped.tree, body) if body else shaped.tree, url, fast)
    if document is None:
        return None
    meta = profile_metadata(_metadata(page, url, fast), page, compiled)
    return _article(page, document, url, meta, shaped)


def profile_metadata(meta: PageMetadata, tree: Any, compiled: CompiledProfile) -> PageMetadata:
    """``meta`` with the fields the profile's selectors find on ``tree`` (the others as they were)."""
    if title := first_text(tree, compiled.get("title")):
        meta.title, meta.title_source = title, PROFILE_SOURCE
    if authors := author_names(tree, compiled.get("authors")):
        meta.authors = authors
    others = [meta.published_at, meta.modified_at]
    if published := date_value(tree, compiled.get("date"), others, meta.language):
        meta.published_at, meta.date_source = published, PROFILE_SOURCE
    if section := first_text(tree, compiled.get("section")):
        meta.section = section
    return meta


def _main_content(tree: Any, url: str, fast: bool = False) -> Any | None:
    """trafilatura's main pass alone when it clearly found the story; with its fallback extractors
    (readability, jusText) only when it did not.

    On news-dev the fallbacks change one page in 80 (a live blog whose main pass keeps 2% of
    the page's paragraph text) and cost about 4 ms on every page.
    """
    document = _run_trafilatura(tree, url, fast=True)
    if fast or _sufficient(document, tree):
        return document
    return _run_trafilatura(tree, url, fast=False)


def _sufficient(document: Any | None, tree: Any) -> bool:
    """The main pass kept at least ``FALLBACK_BELOW_SHARE`` of the text the page has in paragraphs."""
    text = getattr(document, "text", None) or ""
    if not text.strip():
        return False
    paragraphs = sum(len(etree.tostring(node, method="text", encoding=str, with_tail=False))
                     for node in tree.iter("p"))  # (text_content(), at half its cost)
    return len(text) >= FALLBACK_BELOW_SHARE * paragraphs


def _run_trafilatura(tree: Any, url: str, fast: bool = False) -> Any | None:
    """trafilatura's main-content extraction (it works on its own copy of ``tree``).

    The page URL is deliberately not passed: trafilatura's URL checks reject loopback
    hosts and explicit ports, and ``Article.url`` is set by us anyway.
    """
    head = _detached_head(tree) if fast else None
    try:
        return trafilatura.bare_extraction(tree, url=None, with_metadata=False, fast=fast, **TRAFILATURA_OPTIONS)
    except Exception as err:
        LOGGER.warning("trafilatura failed on %s: %s", url, err)
        return None
    finally:
        if head is not None:
            tree.insert(0, head)


_HEAD_JSON_NEEDED = ("articleBody", "DiscussionForumPosting")  # what trafilatura's main pass reads in a <head>


def _detached_head(tree: Any) -> Any | None:
    """The page's ``<head>``, taken out of ``tree`` while trafilatura copies and prunes the page
    (the caller puts it back): its main pass without metadata reads nothing there but JSON-LD,
    for an ``articleBody`` rescue and to tell a forum thread. None when the head has either."""
    head = tree.find("head")
    if head is None or any(needed in (script.text or "") for script in head.iter("script")
                           for needed in _HEAD_JSON_NEEDED):
        return None
    tree.remove(head)
    return head


def _metadata(tree: Any, url: str, fast: bool = False) -> PageMetadata:
    """Page metadata; htmldate guesses a missing date, and trafilatura's own metadata fills in
    only when the page names no site.

    Asking trafilatura for metadata costs about a third of its extraction time (24 ms on a page
    with a large JSON-LD graph). On the 134 hand-labelled pages it changed nothing but site
    names: our readers find the title, authors and dates it finds, and more.
    """
    meta = page_metadata(tree, url, use_htmldate=False)
    if not is_incomplete(meta) or (meta.site_name and meta.published_at):  # (htmldate is asked only for a date)
        return meta
    if fast:
        return page_metadata(tree, url)
    if meta.site_name:  # htmldate's extensive search, as trafilatura's metadata would run it
        return page_metadata(tree, url, extensive_dates=True)
    try:
        found = trafilatura.extract_metadata(tree)
    except Exception as err:
        LOGGER.info("trafilatura metadata failed on %s: %s", url, err)
        return page_metadata(tree, url)
    return page_metadata(tree, url, fallback=_as_page_metadata(found))


def _as_page_metadata(document: Any) -> PageMetadata:
    """trafilatura's metadata document as a :class:`PageMetadata`."""
    author = getattr(document, "author", None) or ""
    return PageMetadata(
        title=getattr(document, "title", None),
        authors=[a for a in author.split(";") if a.strip()],
        published_at=parse_date(getattr(document, "date", None)),
        site_name=getattr(document, "sitename", None),
        section=next(iter(getattr(document, "categories", None) or []), None),
        tags=list(getattr(document, "tags", None) or []),
        description=getattr(document, "description", None),
        image_url=getattr(document, "image", None),
    )


def page_hints(tree: Any, meta: PageMetadata, lines: list[str], layout_tables: bool = False,
               footers: bool = True) -> PageHints:
    """What the page tells about which of the extracted ``lines`` are not story text
    (``footers=False``: without :func:`link_footers`, for a caller that asks it of fewer lines)."""
    titles = {meta.title, *(h.text_content() for h in tree.iter("h1"))}
    labels = {meta.section, meta.site_name, *meta.tags}
    return PageHints(
        titles={k for t in titles if (k := text_key(t))},
        labels={k for t in labels if (k := text_key(t))},
        furniture=furniture_texts(tree, {text_key(line) for line in lines}),
        authors=list(meta.authors),
        embedded=embedded_texts(tree),
        link_footers=link_footers(tree, lines) if footers else set(),
        layout_tables=layout_tables,
    )


def link_footers(tree: Any, lines: list[str]) -> set[str]:
    """Keys of the last few ``lines`` that are short and mostly link text in the page."""
    found: set[str] = set()
    for line in lines[-4:]:
        if len(line.split()) > TAIL_LINK_MAX_WORDS:
            continue
        block = locate_block(tree, line, exact=False)
        if block is not None and link_share(block) >= TAIL_LINK_SHARE:
            found.add(text_key(line))
    return found


def story_blocks(tree: Any, document: Any, meta: PageMetadata, layout_tables: bool = False) -> list[Block]:
    """The body blocks of trafilatura's ``document`` (read from ``tree``) that pass the boilerplate rules."""
    blocks = body_blocks(getattr(document, "body", None))
    lines = [b.plain for b in blocks]
    hints = page_hints(tree, meta, lines, layout_tables, footers=False)
    indices = kept_indices(lines, hints)
    # Link footers (the last step of kept_indices) are looked for only where they would be cut:
    # among the last four lines, those with the text of one of the last two kept.
    tail = {text_key(lines[i]) for i in indices[-2:]}
    footers = link_footers(tree, [line for line in lines[-4:] if text_key(line) in tail])
    indices = indices[:-2] + [i for i in indices[-2:] if text_key(lines[i]) not in footers]
    kept = [blocks[i] for i in indices]
    if is_detached_standfirst(tree, [b.plain for b in kept], meta.description):
        kept = kept[1:]  # the dek is kept as Article.description
    return kept


def _build_article(tree: Any, document: Any, url: str, fast: bool = False,
                   body: Reshaped | None = None) -> Article | None:
    return _article(tree, document, url, _metadata(tree, url, fast), body)


def _article(tree: Any, document: Any, url: str, meta: PageMetadata, body: Reshaped | None = None) -> Article | None:
    """The article of ``document``: metadata ``meta`` of ``tree``, body rules on what trafilatura read (``body``)."""
    body = body or Reshaped(tree)
    blocks = story_blocks(body.tree, document, meta, body.layout_tables > 0)
    text = "\n".join(b.plain for b in blocks)
    if not has_words(text):
        return None
    authors = meta.authors or signoff_authors(text.split("\n"), [meta.site_name])
    return Article(
        url=url,
        title=meta.title or headline_from_text(text),
        title_source=meta.title_source if meta.title else "text",
        text=text,
        canonical_url=meta.canonical_url,
        authors=authors,
        credit=None if authors else meta.credit,
        published_at=meta.published_at,
        modified_at=meta.modified_at,
        site_name=meta.site_name,
        section=meta.section,
        tags=meta.tags,
        language=meta.language or detect_language(text),
        description=meta.description,
        image_url=meta.image_url,
        markdown=render_markdown(blocks),
        date_source=meta.date_source,
        is_paywalled=meta.is_paywalled,
    )


_LANGUAGE_IDENTIFIER: Any = None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` by py3langid (its model is loaded once), None if unsure."""
    global _LANGUAGE_IDENTIFIER
    sample = text[:5000]
    if len(_WORD.findall(sample)) < 5:
        return None
    try:
        if _LANGUAGE_IDENTIFIER is None:
            import py3langid

            _LANGUAGE_IDENTIFIER = py3langid
        code, _score = _LANGUAGE_IDENTIFIER.classify(sample)
    except Exception as err:  # a language guess must never break extraction
        LOGGER.debug("language detection failed: %s", err)
        return None
    return language_code(code)
