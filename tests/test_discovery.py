"""Discovery parsers and page classification on hand-written documents."""

from __future__ import annotations

import gzip
import json

import pytest
from lxml import html as lxml_html

from archive.article import Article
from newscrawler.process.classify import classify_page, pre_decision, url_shape
from newscrawler.discover.documents import DiscoveryError, inflate, parse_feed, parse_sitemap, robots_sitemaps, sniff
from newscrawler.discover.links import feed_links, page_links

pytestmark = pytest.mark.unit

BASE = "https://news.example/"


def test_robots_sitemaps() -> None:
    text = "User-agent: *\nDisallow: /private/\nSitemap: https://news.example/a.xml\nsitemap:/b.xml\n" \
           "SITEMAP: https://news.example/a.xml\n"
    assert robots_sitemaps(text, BASE) == ["https://news.example/a.xml", "https://news.example/b.xml"]


def test_sitemap_index_urlset_and_google_news() -> None:
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://news.example/s1.xml</loc></sitemap><sitemap><loc> /s2.xml </loc></sitemap></sitemapindex>"""
    doc = parse_sitemap(index, BASE, 100)
    assert doc.kind == "index" and [e.url for e in doc.entries] == ["https://news.example/s1.xml",
                                                                    "https://news.example/s2.xml"]
    news = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
      <url><loc>https://news.example/a</loc><news:news><news:publication><news:name>N</news:name>
      </news:publication><news:publication_date>2026-03-01T10:00:00Z</news:publication_date>
      <news:title>A</news:title></news:news></url>
      <url><loc>https://news.example/b</loc><lastmod>2026-02-01</lastmod></url><url><nope/></url></urlset>"""
    doc = parse_sitemap(news, BASE, 100)
    assert [(e.url, e.lastmod, e.news) for e in doc.entries] == [
        ("https://news.example/a", "2026-03-01T10:00:00Z", True), ("https://news.example/b", "2026-02-01", False)]
    assert len(parse_sitemap(news, BASE, 1).entries) == 1


def test_rss_rdf_and_atom_feeds() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>x</title><link>https://news.example/1</link></item>
      <item><guid>https://news.example/2</guid><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item>
      <item><guid isPermaLink="false">tag:1</guid></item></channel></rss>"""
    assert [e.url for e in parse_feed(rss, BASE, 10)] == ["https://news.example/1", "https://news.example/2"]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="self" href="/self"/>
      <link rel="alternate" href="/3"/></entry><entry><link href="https://news.example/4"/></entry></feed>"""
    assert [e.url for e in parse_feed(atom, BASE, 10)] == ["https://news.example/3", "https://news.example/4"]
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
      <item><link>https://news.example/5</link></item></rdf:RDF>"""
    assert [e.url for e in parse_feed(rdf, BASE, 10)] == ["https://news.example/5"]


def test_json_feed_items() -> None:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "N", "items": [
        {"id": "1", "url": "/2026/03/01/a/", "date_published": "2026-03-01T10:00:00Z",
         "date_modified": "2026-03-02T10:00:00Z"},
        {"id": "https://news.example/b", "date_published": "2026-03-01T11:00:00Z"},  # id as the URL
        {"id": "tag:news.example,2026:c", "external_url": "https://other.example/c"},  # dropped by the crawl
        {"id": "tag:news.example,2026:d"},  # no URL at all
        "not an item", {"url": 42}, {"url": "  "}]}
    body = json.dumps(feed).replace("/", "\\/").encode()  # as PHP's json_encode writes it
    assert sniff(body) == "feed"
    entries = parse_feed(body, "https://news.example/feed.json", 10)
    assert [(e.url, e.lastmod) for e in entries] == [
        ("https://news.example/2026/03/01/a/", "2026-03-02T10:00:00Z"),
        ("https://news.example/b", "2026-03-01T11:00:00Z"), ("https://other.example/c", None)]
    assert len(parse_feed(body, BASE, 2)) == 2
    version1 = b'\xef\xbb\xbf {"version": "https://jsonfeed.org/version/1", "items": [{"url": "https://news.example/e"}]}'
    assert sniff(version1) == "feed" and [e.url for e in parse_feed(version1, BASE, 10)] == ["https://news.example/e"]


@pytest.mark.parametrize("body, reason, message", [
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"url": "/a"', "not_json", "not JSON"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": ' + b"[" * 100_000, "not_json", "not JSON"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": {"url": "/a"}}', "unusable", "no items list"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [], "x": "\xff"}', "not_json", "not JSON"),
    (b'{"version": 1, "items": []}', "unusable", "no jsonfeed.org version"),
])
def test_broken_json_feeds(body: bytes, reason: str, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message) as caught:
        parse_feed(body, BASE, 10)
    assert caught.value.reason == reason


def test_sniff_json() -> None:
    assert sniff(b'{"version": "https://jsonfeed.org/version/1.1", "items": [') == "feed"  # broken, still a feed
    assert sniff(b'{"id": 5, "title": {"rendered": "A WordPress REST answer"}}') is None
    assert sniff(b'[{"version": "https://jsonfeed.org/version/1"}]') is None


def test_hostile_xml_is_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
      <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
      <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
      <urlset><url><loc>https://news.example/&lol3;</loc></url></urlset>"""
    doc = parse_sitemap(laughs, BASE, 10)  # the DTD is dropped: nothing to expand
    assert all("lollol" not in e.url for e in doc.entries)
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
      <rss><channel><item><link>https://news.example/&x;</link></item></channel></rss>"""
    assert all("root:" not in e.url for e in parse_feed(xxe, BASE, 10))
    attribute = b"""<!DOCTYPE r [<!ENTITY e "expanded">]><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><link href="https://news.example/&e;"/></entry></feed>"""  # libxml2 would expand these
    assert all("expanded" not in e.url for e in parse_feed(attribute, BASE, 10))


def test_broken_documents() -> None:
    with pytest.raises(DiscoveryError):
        parse_sitemap(b"<html><body>not a sitemap</body></html>", BASE, 10)
    with pytest.raises(DiscoveryError):
        parse_feed(b"", BASE, 10)
    with pytest.raises(DiscoveryError):
        inflate(b"\x1f\x8b\x08\x00garbage", 1000)
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(DiscoveryError, match="inflates beyond"):
        inflate(bomb, 1_000_000)
    assert inflate(gzip.compress(b"<urlset/>"), 1000) == b"<urlset/>"
    assert sniff(b"<?xml version='1.0'?>\n<urlset>") == "sitemap" and sniff(b"<feed xmlns=...>") == "feed"
    assert sniff(b"<html>") is None


@pytest.mark.parametrize("url, shape", [
    ("https://news.example/", "listing"),
    ("https://news.example/section/world/", "listing"),
    ("https://news.example/section/world/page/3/", "listing"),
    ("https://news.example/tag/elections/", "listing"),
    ("https://news.example/author/jane-doe/", "listing"),
    ("https://news.example/about/", "site"),
    ("https://news.example/contact-us", "site"),
    ("https://news.example/login/", "site"),
    ("https://news.example/2026/03/", "listing"),
    ("https://news.example/news?page=2", "listing"),
    ("https://news.example/archives/2026/", "listing"),
    ("https://news.example/archives/48213", "article"),
    ("https://news.example/2026/03/04/harbor-bridge-reopens/", "article"),
    ("https://news.example/category/tech/a-long-story-slug-here/", "article"),
    ("https://news.example/world/europe-68423512", "article"),
    ("https://news.example/news/local/night-bus.html", "article"),
    ("https://news.example/weather", "neutral"),
])
def test_url_shape(url: str, shape: str) -> None:
    assert url_shape(url) == shape


PARAGRAPHS = "".join(f"<p>Paragraph {i} of a story with enough words to read like prose, and then some more.</p>"
                     for i in range(12))
STORY = "\n".join(f"Paragraph {i} of a story with enough words to read like prose, and then some more."
                   for i in range(12))
ARTICLE_LD = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "x"}</script>'


def page(head: str = "", body: str = PARAGRAPHS) -> object:
    return lxml_html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def story(text: str = STORY) -> Article:
    return Article(url=BASE, title="A story", text=text)


def test_classify_page_on_the_story() -> None:
    """The decision weighs the extracted story with structured data, the URL and how it was found."""
    assert classify_page("https://news.example/weather", page(ARTICLE_LD), story()).reason == "structured_data"
    assert classify_page("https://news.example/2026/03/04/a-b-c/", page(), story()).reason == "url+text"
    assert classify_page("https://news.example/weather", page(), story()).reason == "text"
    assert classify_page("https://news.example/p?id=3", page(), story(), via="news_sitemap").reason == "news_sitemap"
    assert classify_page("https://news.example/p?id=3", page(), story(), via="feed").reason == "feed"
    # og:type=website says nothing: the story decides.
    website = '<meta property="og:type" content="website">'
    assert classify_page("https://news.example/weather", page(website), story()).is_article
    short = story("A short note of a few words.")
    assert classify_page("https://news.example/2026/03/04/a-b-c/", page(), short).reason == "short_text"
    assert classify_page("https://news.example/2026/03/04/a-b-c/", page(), None).reason == "no_text"


def test_classify_page_never_takes_listings() -> None:
    assert classify_page("https://news.example/tag/x/", page(), story()).reason == "listing_url"
    assert classify_page("https://news.example/about/", page(ARTICLE_LD), story(), via="feed").reason == "site_page"
    collection = '<script type="application/ld+json">{"@type": "CollectionPage"}</script>'
    assert classify_page("https://news.example/weather", page(collection), story()).reason == "listing_structured_data"
    profile = '<meta property="og:type" content="profile">'
    assert not classify_page("https://news.example/weather", page(profile), story()).is_article
    # A body of teaser headlines, each a link of the page, is a listing whatever the URL says.
    teasers = [f"Headline number {i} of a listing page that links elsewhere" for i in range(20)]
    links = "".join(f'<h2><a href="/{i}">{t}</a></h2>' for i, t in enumerate(teasers))
    decision = classify_page("https://news.example/2026/03/04/a-b-c/", page(body=links), story("\n".join(teasers)))
    assert decision.reason == "link_dense" and "98% of it link text" in decision.evidence[-1]
    # A listing whose extraction kept only the teasers' summaries, each in a card beside its headline link.
    summaries = [f"Summary {i} of another story, told in one sentence of a dozen words or so." for i in range(8)]
    cards = "".join(f'<div class="card"><h2><a href="/{i}">Headline of story {i} here</a></h2><p>{t}</p></div>'
                    for i, t in enumerate(summaries))
    decision = classify_page("https://news.example/weather", page(body=cards), story("\n".join(summaries)))
    assert decision.reason == "teasers", decision
    # With no evidence at all, a few short lines are not a story.
    lines = story("\n".join(["Weather today: sunny spells, a light breeze from the west."] * 6))
    assert classify_page("https://news.example/weather", page(), lines).reason == "not_prose"


def test_pre_decision_spares_extraction_of_listings_only() -> None:
    assert pre_decision("https://news.example/tag/x/", page()).reason == "listing_url"
    assert pre_decision("https://news.example/tag/x/", page(ARTICLE_LD)) is None
    # Whatever lists it: a news sitemap listing a tag page is a publisher's slip.
    assert pre_decision("https://news.example/tag/x/", page(), via="news_sitemap").reason == "listing_url"
    assert pre_decision("https://news.example/weather", page()) is None


def test_page_links_and_feeds() -> None:
    tree = page('<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
                '<link rel="alternate" type="application/atom+xml" href="https://news.example/atom.xml">',
                '<a href="/a-b-c/?utm_source=x#top">1</a><a href="https://other.example/x">2</a>'
                '<a href="mailto:x@news.example">3</a><a href="/file.pdf">4</a><a href="/page/2/">5</a>'
                '<a rel="next" href="/list?p=9">6</a><a href="ftp://news.example/x">7</a>'
                '<a href="//www.news.example/www-too">8</a><a href="{{link}}">9</a>'
                '<a href="/tag/{% slug %}/">10</a><a href="/search?q=${term}">11</a>')
    links = page_links(tree, BASE, "news.example")
    assert [(link.url, link.pagination) for link in links] == [
        ("https://news.example/a-b-c/", False), ("https://news.example/page/2/", True),
        ("https://news.example/list?p=9", True), ("https://www.news.example/www-too", False),
        ("https://news.example/search?q=${term}", False)]  # templates ({{ }}, {% %}) are no addresses
    assert feed_links(tree, BASE) == ["https://news.example/feed.xml", "https://news.example/atom.xml"]
    json_feeds = page('<link rel="alternate" type="application/feed+json" href="/feed.json">'
                      '<link rel="alternate" type="application/json" title="JSON Feed" href="/v1.json">'
                      '<link rel="alternate" type="application/json" title="JSON" href="/wp-json/wp/v2/pages/2">'
                      '<link rel="alternate" type="application/json" href="/data.json">')
    assert feed_links(json_feeds, BASE) == ["https://news.example/feed.json", "https://news.example/v1.json"]


def test_rel_next_marks_pagination_wherever_it_is() -> None:
    tree = page('<link rel="next" href="/archive/3/">',
                '<a href="/more">older</a><a href="/x-y-z/">story</a><a rel="nofollow next" href="/more">next</a>'
                '<a rel="nextpage" href="/not-next/">?</a>')
    links = page_links(tree, BASE, "news.example")
    assert [(link.url, link.pagination) for link in links] == [
        ("https://news.example/archive/3/", True), ("https://news.example/more", True),
        ("https://news.example/x-y-z/", False), ("https://news.example/not-next/", False)]


def test_only_a_sitemap_of_articles_vouches_for_its_entries() -> None:
    """An entry's lastmod is evidence of an article only in a sitemap of articles: not in a CMS's
    sitemap of pages (about, team, donate...), nor in one of mostly non-article URLs."""
    from newscrawler.spiders.discovering import article_sitemap

    stories = [f"{BASE}2026/03/0{i}/a-story-of-the-day/" for i in range(1, 5)]
    assert article_sitemap(f"{BASE}sitemap-posts.xml", stories + [f"{BASE}weather"])
    assert not article_sitemap(f"{BASE}wp-sitemap-posts-page-1.xml", stories)
    assert not article_sitemap(f"{BASE}sitemap.xml", [f"{BASE}donate", f"{BASE}team", stories[0]])
    assert not article_sitemap(f"{BASE}sitemap.xml", [])
