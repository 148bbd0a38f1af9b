"""Metadata from JSON-LD, meta tags and markup, on hand-written pages and snippets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newscrawler.metadata import (
    PageMetadata,
    breadcrumb_section,
    canonical_url,
    clean_authors,
    jsonld_objects,
    language_code,
    page_metadata,
    parse_date,
    strip_site_suffix,
)

DATA = Path(__file__).resolve().parent / "data" / "extraction"
UTC = timezone.utc


def tree_of(name: str):
    return lxml_html.fromstring((DATA / name).read_text(encoding="utf-8"))


def snippet(head: str = "", body: str = "<p>x</p>", lang: str = ""):
    return lxml_html.fromstring(f"<html{lang}><head>{head}</head><body>{body}</body></html>")


def ld(*objects: str) -> str:
    return "".join(f'<script type="application/ld+json">{o}</script>' for o in objects)


# --- JSON-LD -----------------------------------------------------------------------------


def test_jsonld_objects_flattens_graph_lists_and_main_entity():
    types = [o.get("@type") for o in jsonld_objects(tree_of("jsonld_variants.html"))]
    assert types == ["BreadcrumbList", "WebSite", "WebPage", "ReportageNewsArticle"]
    graph = jsonld_objects(tree_of("jsonld_graph.html"))
    assert len(graph) == 6 and graph[0]["@graph"] and graph[-1]["headline"].startswith("Tram")


def test_jsonld_objects_tolerates_broken_json():
    tree = snippet(ld('{"@type": "NewsArticle", "headline": "A",}', "{ nope", "",
                      '<!-- {"@type": "Person", "name": "B"} -->', '{"a": 1}{"b": 2}'))
    assert jsonld_objects(tree) == [
        {"@type": "NewsArticle", "headline": "A"}, {"@type": "Person", "name": "B"}, {"a": 1}, {"b": 2},
    ]
    upper = snippet('<script type="Application/LD+JSON; charset=utf-8">{"x": 1}</script>')
    assert jsonld_objects(upper) == [{"x": 1}]


def test_jsonld_graph_metadata():
    meta = page_metadata(tree_of("jsonld_graph.html"), "https://meridian.example/t")
    assert meta.title == "Tram Line Extension Wins Final Approval"
    assert meta.authors == ["Inès Okonkwo-Laurent", "Tomasz Brandt"]
    assert meta.site_name == "The Daily Meridian"
    assert meta.published_at == datetime(2024, 5, 6, 8, 30, tzinfo=UTC)  # JSON-LD, not the <meta> date
    assert meta.modified_at == datetime(2024, 5, 7, 8, 0, tzinfo=UTC)
    assert meta.section == "Transport"
    assert meta.tags == ["trams", "city budget", "university"]
    assert meta.language == "en"
    assert meta.page_type == "newsarticle"
    assert meta.image_url == "https://meridian.example/images/2024/05/tram.jpg"


@pytest.mark.parametrize("author, expected", [
    ('"Jane Roe"', ["Jane Roe"]),
    ('{"@type": "Person", "name": "Jane Roe"}', ["Jane Roe"]),
    ('[{"@type": "Person", "name": "Jane Roe"}, {"@type": "Person", "name": "John Poe"}]',
     ["Jane Roe", "John Poe"]),
    # no person at all: the organisation, unless it is the publisher
    ('{"@type": "Organization", "name": "Coastal Press Collective"}', ["Coastal Press Collective"]),
    ('[{"@type": "Organization", "name": "Coastal Press Collective"}, "Jane Roe"]', ["Jane Roe"]),
    ('{"@type": "Organization", "name": "The Gazette"}', []),  # the publisher is not an author
    ('"By Jane Roe and John Poe, Staff Writers"', ["Jane Roe", "John Poe"]),
])
def test_jsonld_author_shapes(author, expected):
    article = ('{"@type": "NewsArticle", "headline": "H", "author": %s,'
               ' "publisher": {"@type": "Organization", "name": "The Gazette"}}' % author)
    assert page_metadata(snippet(ld(article)), "https://x.example/", use_htmldate=False).authors == expected


def test_jsonld_article_types():
    for kind in ("AnalysisNewsArticle", "BlogPosting", "ReportageNewsArticle", "https://schema.org/NewsArticle",
                 '["Article", "NewsArticle"]'):
        value = kind if kind.startswith("[") else f'"{kind}"'
        tree = snippet(ld('{"@type": "WebPage", "name": "Page"}', '{"@type": %s, "headline": "Story"}' % value))
        assert page_metadata(tree, "https://x.example/", use_htmldate=False).title == "Story", kind


# --- meta tags and markup ----------------------------------------------------------------


def test_meta_only_page():
    meta = page_metadata(tree_of("meta_only.html"), "https://valleytimes.example/agriculture/x")
    assert meta.title == "Valley Orchard Harvest Falls by a Third After Late Frost"  # " - Valley Times" cut
    assert meta.authors == ["Chris Lee", "Pat Moreau"]
    assert meta.published_at == datetime(2024, 1, 15, 19, 0, tzinfo=UTC)
    assert meta.published_at.utcoffset() == timedelta(hours=-5)
    assert meta.section == "Agriculture"
    assert meta.tags == ["Apples", "Weather", "frost", "orchards"]
    assert meta.description.startswith("Growers in the upper valley")
    assert meta.page_type == "article"


def test_title_falls_back_to_h1_then_title():
    assert page_metadata(snippet("<title>T | Site</title>", "<h1> The  H1 </h1>"), "").title == "The H1"
    tree = snippet('<title>Story - Site</title><meta property="og:site_name" content="Site">', "<p>x</p>")
    assert page_metadata(tree, "", use_htmldate=False).title == "Story"


def test_language_from_markup():
    assert page_metadata(snippet(lang=' lang="fr-CA"'), "", use_htmldate=False).language == "fr"
    tree = snippet('<meta property="og:locale" content="pt_BR">')
    assert page_metadata(tree, "", use_htmldate=False).language == "pt"
    assert page_metadata(snippet('<meta http-equiv="content-language" content="de">'), "",
                         use_htmldate=False).language == "de"
    assert page_metadata(snippet(), "", use_htmldate=False).language is None


def test_canonical_url():
    tree = snippet('<link rel="canonical" href="/a/b?x=1">')
    assert canonical_url(tree, "http://127.0.0.1:8000/z") == "http://127.0.0.1:8000/a/b?x=1"
    tree = snippet('<meta property="og:url" content="https://site.example/og">')
    assert canonical_url(tree, "https://site.example/") == "https://site.example/og"
    assert canonical_url(snippet('<link rel="canonical" href="javascript:void(0)">'), "https://s.example/") is None
    assert canonical_url(snippet(), "https://site.example/") is None


def test_breadcrumb_section():
    body = ('<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/news/">News</a>'
            ' &gt; <a href="/news/local/">Local</a></div>')
    assert breadcrumb_section(snippet(body=body), [], "Story") == "Local"
    crumbs = [{"position": 3, "name": "Story"}, {"position": 1, "name": "Home"},
              {"position": 2, "item": {"name": "Sport"}}]
    objects = [{"@type": "BreadcrumbList", "itemListElement": crumbs}]
    assert breadcrumb_section(snippet(), objects, "Story") == "Sport"


def test_fallback_fills_only_missing_fields():
    fallback = PageMetadata(title="Other", authors=["Fall Back"], published_at=datetime(2020, 1, 1, tzinfo=UTC),
                            site_name="Fallback Site")
    meta = page_metadata(tree_of("meta_only.html"), "https://valleytimes.example/", fallback=fallback)
    assert meta.title.startswith("Valley Orchard") and meta.site_name == "Valley Times"
    assert meta.authors == ["Chris Lee", "Pat Moreau"]
    meta = page_metadata(tree_of("german_no_lang.html"), "https://x.example/", fallback=fallback)
    assert meta.authors == ["Fall Back"] and meta.published_at == datetime(2020, 1, 1, tzinfo=UTC)


# --- values ------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [
    ("2024-02-29T12:00:00Z", datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("2024-02-29T12:00:00.000+0000", datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("2024-02-29T07:00:00-05:00", datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("2024-02-29 12:00:00", datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("2024-02-29", datetime(2024, 2, 29, tzinfo=UTC)),
    ("2024-02-29T12:00:00.123456789+01", datetime(2024, 2, 29, 11, 0, 0, 123456, tzinfo=UTC)),
    ("Thu, 29 Feb 2024 12:00:00 GMT", datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("February 29, 2024", datetime(2024, 2, 29, tzinfo=UTC)),
    (1709208000, datetime(2024, 2, 29, 12, tzinfo=UTC)),
    (1709208000000, datetime(2024, 2, 29, 12, tzinfo=UTC)),
    (["2024-02-29T12:00:00Z"], datetime(2024, 2, 29, 12, tzinfo=UTC)),
    ("yesterday", None), ("", None), (None, None), ("0001-01-01", None), (True, None), (10**30, None),
])
def test_parse_date(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is not None


@pytest.mark.parametrize("raw, expected", [
    (["By Jane Doe and John Smith | Reuters"], ["Jane Doe", "John Smith"]),
    (["Written by Ana Ruiz, Senior Reporter"], ["Ana Ruiz"]),
    (["Mark Lee Updated 3:45 PM", "Mark Lee 12 March 2024", "MARK LEE"], ["Mark Lee"]),
    (["jane@example.com", "https://example.com/jane", "@jane"], []),
    (["The Gazette", "Gazette", "Jane Doe"], ["Jane Doe"]),
    (["Jane Doe; Tom Cary", "Guardian staff reporter"], ["Jane Doe", "Tom Cary"]),
])
def test_clean_authors(raw, expected):
    assert clean_authors(raw, ["The Gazette"]) == expected


@pytest.mark.parametrize("title, expected", [
    ("Story | Site", "Story"), ("Story - The Site", "Story"), ("Site: the story", "Site: the story"),
    ("Site | Story", "Story"), ("A - B | Site", "A - B"), ("Story - Other", "Story - Other"), ("", None),
])
def test_strip_site_suffix(title, expected):
    assert strip_site_suffix(title, "Site") == expected


@pytest.mark.parametrize("value, expected", [
    ("en-US", "en"), ("en_GB", "en"), ("FR", "fr"), ("de-DE-1996", "de"), ("eng", None), ("", None), (None, None),
])
def test_language_code(value, expected):
    assert language_code(value) == expected
