"""Everything the crawl does with an HTML page's body, done once, in an extraction worker.

The crawling process hands a :class:`PageJob` (the raw bytes, URL and Content-Type)
to :func:`process_page` (in the pool of :mod:`newscrawler.process.pool`, or inline when
``EXTRACTION_WORKERS=0``) and gets a small :class:`PageResult` back: the page's
classification, its followable links (and, for a start page, its announced feeds),
the extracted article and the zstd-compressed body. The page is decoded and parsed
once: classification, link extraction and trafilatura share one lxml tree, so the
reactor never decodes or parses an article page.

Decoding follows Scrapy's ``TextResponse`` (BOM, Content-Type charset, ``<meta>``
charset, then detection), so ``response.text`` and this agree, except where the labels
are wrong: :func:`newscrawler.process.charsets.decode_checked` corrects them while it decodes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from lxml import etree, html as lxml_html
from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom
from w3lib.encoding import resolve_encoding
from w3lib.html import get_base_url

from archive.article import Article
from archive.rawhtml import compress_html
from archive.urls import site_of
from newscrawler.process.charsets import decode_checked, labels
from newscrawler.process.classify import PageDecision, classify_page, declared_types, pre_decision
from newscrawler.discover.links import Link, feed_links, page_links
from newscrawler.extract.profile import Profile

DEFAULT_ENCODING = "ascii"  # Scrapy's TextResponse default when nothing declares or reveals one


@dataclass(frozen=True)
class PageJob:
    """One fetched HTML page, as the crawling process sends it (bytes, not text)."""

    url: str
    body: bytes
    content_type: str = ""  # the Content-Type header (latin-1 decoded)
    feeds: bool = False  # a start page: also list the feeds it announces
    single: bool = False  # extract without classifying or following (``mode=single``)
    via: str | None = None  # how the URL was found: news_sitemap, feed, sitemap_lastmod... (see classify)
    profile: Profile | None = None  # the site's publisher profile (sources.toml), applied by extraction


@dataclass
class PageResult:
    """What the crawling process needs of a page; small to send back from a worker."""

    encoding: str
    is_article: bool
    reason: str  # the classification reason (``pages/not_article/<reason>``)
    article: Article | None = None  # extracted, for a page classified as an article
    html_zstd: bytes | None = None  # the raw body compressed, when there is an article
    links: list[Link] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    charset_corrected: bool = False  # the labels were wrong: decoded as ``encoding`` instead
    evidence: tuple[str, ...] = ()  # the facts the classification weighed (``newscrawler explain``)


def declared_encoding(body: bytes, content_type: str) -> str | None:
    """The encoding a page declares (BOM, Content-Type charset, ``<meta>`` charset), as Scrapy reads it."""
    return read_bom(body)[0] or http_content_type_encoding(content_type) or html_body_declared_encoding(body)


def decode_page(body: bytes, content_type: str) -> tuple[str, str, bool]:
    """(encoding, text, corrected) of a page body: :func:`decode_body`, with wrong charset labels
    corrected by :func:`newscrawler.process.charsets.decode_checked` (which decodes while it checks)."""
    checked = decode_checked(body, *labels(body, content_type))
    return checked if checked is not None else (*decode_body(body, content_type), False)


def decode_body(body: bytes, content_type: str) -> tuple[str, str]:
    """(encoding, text) of a page body, as Scrapy's ``response.encoding``/``response.text`` give them."""
    declared = declared_encoding(body, content_type)
    if declared:
        return declared, html_to_unicode(f"charset={declared}", body)[1]
    return html_to_unicode(content_type, body, auto_detect_fun=_auto_detect, default_encoding=DEFAULT_ENCODING)


def _auto_detect(body: bytes) -> str | None:
    """Scrapy's ``TextResponse._auto_detect_fun``: ascii, else utf-8, else charset_normalizer."""
    for encoding in (DEFAULT_ENCODING, "utf-8"):
        try:
            body.decode(encoding)
        except UnicodeError:
            continue
        return resolve_encoding(encoding)
    from charset_normalizer import from_bytes

    match = from_bytes(body).best()
    return resolve_encoding(match.encoding) if match else None


def selector_root(text: str, base_url: str) -> Any:
    """The tree Scrapy's ``Selector(response=...)`` builds (parsel's HTML root node)."""
    body = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = lxml_html.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(body, parser=parser, base_url=base_url)
    return root if root is not None else etree.fromstring(b"<html/>", parser=parser)


def process_page(job: PageJob) -> PageResult:
    """Decode, parse once, list links, extract, classify on the story and compress one page."""
    # Imported here: the crawling process imports this module but, with a pool, never
    # calls this function, and trafilatura costs ~25 MB.
    from newscrawler.extract.extractor import MAX_HTML_BYTES, extract_parsed, parse_prepared, prepare_html

    encoding, text, corrected = decode_page(job.body, job.content_type)
    base = get_base_url(text[:4096], job.url, encoding)
    prepared = prepare_html(text)
    tree = parse_prepared(prepared)
    # The extraction tree serves classification and links too, unless extraction had to
    # truncate the page or could not parse it at all. (It lacks the bodies of inline
    # scripts, styles and SVGs: no links or paragraphs are in those.)
    if tree is not None and len(prepared) < MAX_HTML_BYTES:
        view = tree.getroottree().getroot()
    else:
        view = selector_root(text, base)
    del text
    links = [] if job.single else page_links(view, base, site_of(job.url))
    feeds = feed_links(view, base) if job.feeds else []
    # Listing and site pages that nothing speaks for are decided before extraction (no story needed).
    declared = None if job.single else declared_types(view)  # JSON-LD and og:type, read once
    early = None if job.single else pre_decision(job.url, view, job.via, declared)
    article = None
    if early is None and tree is not None:
        article = extract_parsed(tree, len(prepared), job.url, job.profile)
    if job.single:
        decision = PageDecision(True, "single")
    else:
        decision = early or classify_page(job.url, view, article, job.via, declared)
    del view
    result = PageResult(encoding, decision.is_article, decision.reason, links=links, feeds=feeds,
                        charset_corrected=corrected, evidence=decision.evidence)
    if decision.is_article and article is not None:
        result.article = article
        result.html_zstd = compress_html(job.body)
    return result


def cpu_count() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
