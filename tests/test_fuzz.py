"""Fuzzing (hypothesis, bounded: a few seconds each): extraction and discovery never crash on hostile input.

- ``extract_article`` on generated HTML-ish text (and bytes decoded as a crawl would)
  never raises and never returns text containing NUL;
- ``parse_feed`` and ``parse_sitemap`` on generated XML raise nothing but
  ``DiscoveryError`` and never expand entities (internal, external file, nested).
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.article import Article
from newscrawler.discover.documents import DiscoveryError, parse_feed, parse_sitemap
from newscrawler.extract.extractor import extract_article

pytestmark = pytest.mark.unit

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                   derandomize=True)
MARKER = "ENTITYEXPANDED"
URL = "https://news.example/2026/03/04/story"

HTML_BITS = [
    "<html>", "</html>", "<head>", "<body>", "<title>", "</title>", "<h1>", "</h1>", "<p>", "</p>", "<div>",
    "</div>", "<article>", "</article>", "<br>", "<a href='/x'>", "</a>", "<script>", "</script>",
    "<style>", "</style>", "<!--", "-->", "<![CDATA[", "]]>", "<table><tr><td>", "<ul><li>", "<meta charset='x'>",
    '<meta property="og:type" content="article">', '<script type="application/ld+json">',
    '{"@type": "NewsArticle", "headline": "H", "datePublished": "2026-13-45T99:99"}', "&amp;", "&#0;",
    "&#xD800;", "&nbsp;", "&bogus;", "\x00", "\ufeff", "\u202e", "<", ">", '"', "'", "=", "<p class='x' ",
    "Word " * 30, "The harbor bridge reopened on Tuesday after months of repairs. ", "\r\n", "\t",
]
html_like = st.lists(st.one_of(st.sampled_from(HTML_BITS), st.text(max_size=20)), max_size=80).map("".join)


def check_article(result: Article | None) -> None:
    if result is None:
        return
    assert isinstance(result, Article)
    for field in dataclasses.fields(result):
        value = getattr(result, field.name)
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            assert not (isinstance(item, str) and "\x00" in item), (field.name, item)


@BOUNDED
@given(html_like)
def test_extract_article_on_html_like_text(html: str) -> None:
    check_article(extract_article(html, URL))


@BOUNDED
@given(st.binary(max_size=2000), st.sampled_from(["utf-8", "latin-1", "cp1252", "shift_jis"]))
def test_extract_article_on_bytes(body: bytes, encoding: str) -> None:
    html = (b"<html><body><h1>Title</h1><p>" + body + b"</p></body></html>").decode(encoding, errors="replace")
    check_article(extract_article(html, URL))


DOCTYPES = [
    "",
    f'<!DOCTYPE r [<!ENTITY e "{MARKER}">]>',
    '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE r [<!ENTITY e SYSTEM "http://127.0.0.1:9/evil.dtd">]>',
    f'<!DOCTYPE r [<!ENTITY a "{MARKER}{MARKER}"><!ENTITY b "&a;&a;&a;&a;"><!ENTITY e "&b;&b;&b;&b;">]>',
    '<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">',
    '<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>',
]
VALUES = ["&e;", "https://news.example/a&e;", "/relative/&e;", "http://[::1", "http://[broken", "javascript:x",
          "", "  ", "\x00", "https://news.example/ü", "//other.example/x", "2026-02-30T25:61:00Z", "&amp;&lt;"]
value = st.one_of(st.sampled_from(VALUES), st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=15))


def _escape(text: str) -> str:
    return text.replace("<", "&lt;") if "&" not in text else text


@st.composite
def sitemaps(draw: st.DrawFn) -> bytes:
    root = draw(st.sampled_from(["urlset", "sitemapindex", "other"]))
    child = "url" if root == "urlset" else "sitemap"
    entries = "".join(
        f"<{child}><loc>{_escape(draw(value))}</loc><lastmod>{_escape(draw(value))}</lastmod>"
        f"<news:news><news:publication_date>{_escape(draw(value))}</news:publication_date></news:news></{child}>"
        for _ in range(draw(st.integers(0, 5))))
    doc = (f'<?xml version="1.0"?>{draw(st.sampled_from(DOCTYPES))}<{root} '
           f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</{root}>')
    return _mangle(draw, doc)


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    items = []
    for _ in range(draw(st.integers(0, 5))):
        link, date = _escape(draw(value)), _escape(draw(value))
        if kind == "atom":
            items.append(f'<entry><link rel="alternate" href="{link.replace(chr(34), "")}"/><updated>{date}'
                         f"</updated><title>{link}</title></entry>")
        else:
            items.append(f"<item><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate></item>")
    body = "".join(items)
    if kind == "atom":
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'
    elif kind == "rss":
        doc = f'<rss version="2.0"><channel><title>&e;</title>{body}</channel></rss>'
    else:
        doc = f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}</rdf:RDF>'
    return _mangle(draw, f'<?xml version="1.0"?>{draw(st.sampled_from(DOCTYPES))}{doc}')


def _mangle(draw: st.DrawFn, doc: str) -> bytes:
    """Sometimes cut the document short or splice random bytes into it."""
    data = doc.encode("utf-8")
    how = draw(st.sampled_from(["whole", "truncate", "splice"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "splice":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=20)) + data[at:]
    return data


def check_entries(urls: list[str]) -> None:
    for url in urls:
        assert MARKER not in url and "root:" not in url, url


@BOUNDED
@given(sitemaps())
def test_parse_sitemap_raises_only_discovery_error_and_expands_no_entity(body: bytes) -> None:
    try:
        doc = parse_sitemap(body, "https://news.example/sitemap.xml", max_urls=3)
    except DiscoveryError:
        return
    assert len(doc.entries) <= 3
    check_entries([e.url for e in doc.entries] + [e.lastmod or "" for e in doc.entries])


@BOUNDED
@given(feeds())
def test_parse_feed_raises_only_discovery_error_and_expands_no_entity(body: bytes) -> None:
    try:
        entries = parse_feed(body, "https://news.example/feed.xml", max_urls=3)
    except DiscoveryError:
        return
    assert len(entries) <= 3
    check_entries([e.url for e in entries] + [e.lastmod or "" for e in entries])


JSON_VALUES = st.one_of(value, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                               max_size=2))


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    keys = ["url", "id", "external_url", "date_published", "date_modified", "title"]
    items = [{key: draw(JSON_VALUES) for key in draw(st.lists(st.sampled_from(keys), max_size=6, unique=True))}
             for _ in range(draw(st.integers(0, 5)))]
    version = draw(st.sampled_from(["https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1", "1.1"]))
    feed = {"version": version, "title": draw(value),
            "items": draw(st.sampled_from([items, {"0": items}, None, "items"]))}
    return _mangle(draw, json.dumps(feed, ensure_ascii=draw(st.booleans())))


@BOUNDED
@given(json_feeds())
def test_parse_feed_on_json_feeds_raises_only_discovery_error(body: bytes) -> None:
    try:
        entries = parse_feed(body, "https://news.example/feed.json", max_urls=3)
    except DiscoveryError:
        return
    assert len(entries) <= 3
    assert all(isinstance(e.url, str) and (e.lastmod is None or isinstance(e.lastmod, str)) for e in entries)
