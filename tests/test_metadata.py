"""Metadata from JSON-LD, meta tags and markup, on hand-written pages and snippets."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newscrawler.extract.metadata.page import (
    PageMetadata,
    breadcrumb_section,
    canonical_url,
    clean_authors,
    jsonld_objects,
    language_code,
    meta_tags,
    page_metadata,
    parse_date,
    strip_site_suffix,
)
from newscrawler.extract.metadata.dates import pick_published, url_date, with_page_zone
from newscrawler.extract.metadata.names import clean_space, clean_tags, copyright_holder, pick_site_name, signoff_authors
from newscrawler.extract.metadata.paywall import has_truncation_notice, is_paywalled, jsonld_free

pytestmark = pytest.mark.unit

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


# --- dates: source, zones -------------------------------------------------------------------



@pytest.mark.parametrize("url, expected", [
    ("https://x.example/2024/03/04/story/", datetime(2024, 3, 4, tzinfo=UTC)),
    ("https://x.example/news/2024-03-04-story", datetime(2024, 3, 4, tzinfo=UTC)),
    ("https://x.example/science/2026/mar/05/tidal", datetime(2026, 3, 5, tzinfo=UTC)),
    ("https://x.example/2024/13/40/bad", None), ("https://x.example/story-2024", None), ("", None),
])
def test_url_date(url, expected):
    assert url_date(url) == expected


def test_zoneless_date_borrows_the_page_zone():
    plus2 = timezone(timedelta(hours=2))
    same_time = datetime(2024, 6, 3, 9, 30, tzinfo=plus2)
    assert with_page_zone(datetime(2024, 6, 3, 9, 30), [same_time]) == same_time
    assert with_page_zone(datetime(2024, 6, 3, 11), [same_time]).utcoffset() == timedelta(hours=2)
    mixed = [same_time, datetime(2024, 6, 3, tzinfo=UTC)]
    assert with_page_zone(datetime(2024, 6, 3, 11), mixed).tzinfo == UTC


def test_pick_published_reports_its_source():
    assert pick_published([("jsonld", None), ("meta", "2024-01-02T03:04:05+01:00")])[1] == "meta"
    assert pick_published([("jsonld", "garbage"), ("url", datetime(2024, 1, 2, tzinfo=UTC))])[1] == "url"
    assert pick_published([("jsonld", None)]) == (None, None)


@pytest.mark.parametrize("head, url, source", [
    (ld('{"@type": "NewsArticle", "datePublished": "2024-01-02"}'), "https://x.example/a", "jsonld"),
    ('<meta property="article:published_time" content="2024-01-02T10:00:00Z">', "https://x.example/a", "meta"),
    ("", "https://x.example/2024/01/02/a", "url"),
    ("", "https://x.example/a", None),
])
def test_date_source(head, url, source):
    meta = page_metadata(snippet(head), url, use_htmldate=False)
    assert meta.date_source == source and (meta.published_at is None) == (source is None)


def test_modified_before_published_is_not_used():
    head = ld('{"@type": "NewsArticle", "datePublished": "2024-01-05T10:00:00Z", "dateModified": "2024-01-01T10:00:00Z"}')
    assert page_metadata(snippet(head), "https://x.example/a", use_htmldate=False).modified_at is None


# --- names, tags, site --------------------------------------------------------------------------


def test_entities_in_jsonld_strings_are_decoded():
    assert clean_space("Biden&#8217;s  &amp; Trump&#x27;s") == "Biden’s & Trump's"


@pytest.mark.parametrize("tags, expected", [
    (["Housing", "cnbc", "Articles", "source:tagname:CNBC", "Mortgages", "housing"], ["Housing", "Mortgages"]),
    (["Day: Friday", "WC: 0-999", "Long"], []),
    (["POL", "CIV", "VOTE", "Pakistan"], ["Pakistan"]),
    (["NATO", "Ukraine", "War"], ["NATO", "Ukraine", "War"]),
    (["s", "splitscreenimagerightinset", "Supreme Court"], ["Supreme Court"]),
])
def test_clean_tags(tags, expected):
    assert clean_tags(tags, ["CNBC"]) == expected


def test_site_name_prefers_a_name_matching_the_host():
    assert pick_site_name(["Where Hope Made a Comeback", "The Gateway Post"], "www.thegatewaypost.example") \
        == "The Gateway Post"
    assert pick_site_name(["iNews", "inews.co.uk"], "inews.co.uk") == "iNews"
    assert pick_site_name(["Harbor Post", None], "example.org") == "Harbor Post"
    assert pick_site_name([None, ""], "example.org") is None


@pytest.mark.parametrize("raw, expected", [
    (["MELISSA GOLDIN"], ["Melissa Goldin"]),
    (["THE ASSOCIATED PRESS"], []),
    (["The Washington Times https://www.washingtontimes.com"], []),
])
def test_clean_authors_people_only(raw, expected):
    assert clean_authors(raw, ["The Washington Times"]) == expected


# --- paywall --------------------------------------------------------------------------------------


@pytest.mark.parametrize("article, expected", [
    ({"isAccessibleForFree": False}, False), ({"isAccessibleForFree": "False"}, False),
    ({"isAccessibleForFree": "true"}, True), ({}, None), (None, None),
    ({"isAccessibleForFree": True, "hasPart": [{"isAccessibleForFree": False, "cssSelector": ".paid"}]}, False),
])
def test_jsonld_free(article, expected):
    assert jsonld_free(article) == expected


@pytest.mark.parametrize("body, expected", [
    ("<p>Subscribe to continue reading.</p>", True),
    ("<div><h3>This article is only available to subscribers.</h3></div>", True),
    ("<p>To continue reading, please log in or subscribe.</p>", True),
    ("<div><a href=/s>Subscribe now</a> <a href=/l>Already a subscriber? Sign in</a></div>", False),
    ("<p>Readers who subscribe to continue reading the print edition said ... " + "word " * 60 + "</p>", False),
])
def test_truncation_notice(body, expected):
    assert has_truncation_notice(snippet(body=body)) is expected


_LONG_STORY = "<p>" + "The council members met again on Tuesday. " * 200 + "</p>"


@pytest.mark.parametrize("body, expected", [
    (_LONG_STORY + "<div>Paying subscribers also get the print edition. Sign in.</div>", False),
    (_LONG_STORY + "<div>This story is only available to paying subscribers.</div>", True),  # 200 x "members"
    ("<p>" + "x" * 5000 + "</p><p>Become a subscriber and get the app to keep reading.</p>", True),
    ("<p>Become a member <b>now</b></p><p>" + "y " * 300 + "</p><p>to keep reading</p>", False),
])
def test_truncation_notice_on_long_pages(body, expected):
    """The page text is searched around the words every notice holds: the same answers as a search
    of the whole text, on a long page and on one that says "members" more often than that is done."""
    assert has_truncation_notice(snippet(body=body)) is expected


@pytest.mark.parametrize("head, body, expected", [
    ('<meta property="article:content_tier" content="locked">', "", True),
    ('<meta property="article:content_tier" content="free">', "<p>Subscribe to continue reading</p>", False),
    ("", "<p>Subscribe to continue reading</p>", True),
    ("", "<p>Nothing said.</p>", None),
])
def test_is_paywalled(head, body, expected):
    tree = snippet(head, body)
    assert is_paywalled(tree, None, meta_tags(tree)) is expected


@pytest.mark.parametrize("lines, expected", [
    (["Story.", "Reporting by Asif Shahzad, Charlotte Greenfield; Editing by YP Rajesh and Toby Chopra"],
     ["Asif Shahzad", "Charlotte Greenfield"]),
    (["[Additional reporting by Luc Cohen in New York; Writing by Susan Heavey; Editing by Doina Chiacu]"],
     ["Susan Heavey"]),
    (["The report was written by staff of the agency and reviewed."], []),
    (["Reporting by Jane Doe", "A long paragraph follows.", "Another one.", "And the last one."], []),
])
def test_signoff_authors(lines, expected):
    assert signoff_authors(lines) == expected


def test_publisher_and_copyright_holder_are_not_people():
    assert copyright_holder("Copyright (c) Example Media 2024") == "Example Media"
    assert copyright_holder("© 2024. All rights reserved.") is None
    head = ('<meta name="author" content="Example Media"><meta name="copyright" content="© 2024 Example Media">'
            + ld('{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "Deconstructed"}]}'))
    assert page_metadata(snippet(head), "https://x.example/a", use_htmldate=False).authors == []


def test_jsonld_and_meta_tags_are_read_once_per_tree_and_never_from_another() -> None:
    def page(kind: str) -> str:
        return (f'<html><head><meta property="og:type" content="{kind}">'
                f'<script type="application/ld+json">{{"@type": "{kind}"}}</script></head><body></body></html>')

    for _ in range(50):  # new trees often reuse a dead tree's memory address
        first, second = lxml_html.fromstring(page("NewsArticle")), lxml_html.fromstring(page("WebSite"))
        assert jsonld_objects(first) is jsonld_objects(first)  # remembered for the same tree
        assert [o["@type"] for o in jsonld_objects(second)] == ["WebSite"]
        assert meta_tags(first)["og:type"] == ["NewsArticle"]
        assert meta_tags(second)["og:type"] == ["WebSite"]
        del first, second
