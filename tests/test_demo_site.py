"""The demo news site: content invariants, the committed build, discovery paths, and the server.

A real :class:`DemoServer` on 127.0.0.1; nothing is mocked.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import pytest

from newscrawler.demo.build import SITE_DIR, build_site, file_for_path, render_site
from newscrawler.demo.content import (
    ARTICLES, LEAD_SLUG, SECTIONS, SITE_NAME, UTM_QUERY, DemoArticle, archived_articles, article_by_path,
    article_by_slug,
)
from newscrawler.demo.server import DemoServer

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
BODY_XPATH = {"wp": '//div[contains(@class, "entry-content")]', "paper": '//div[@class="story-body"]',
              "legacy": '//div[@id="story"]'}


def fetch(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def server() -> DemoServer:
    with DemoServer() as srv:
        yield srv


@pytest.fixture(scope="module")
def pages(server: DemoServer) -> dict[str, lxml.html.HtmlElement]:
    """Every HTML page of the site as served, parsed, keyed by URL path."""
    paths = sorted(p for p in render_site() if file_for_path(p).endswith(".html") and p != "/404.html")
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda p: fetch(server.url(p)), paths))
    assert all(status == 200 for status, _, _ in results), [p for p, r in zip(paths, results) if r[0] != 200]
    return {p: lxml.html.fromstring(body) for p, (_, _, body) in zip(paths, results)}


def internal_links(server: DemoServer, page_path: str, tree: lxml.html.HtmlElement) -> list[tuple[str, object]]:
    """(absolute internal URL without fragment, element) of every a/link/img/script reference."""
    out = []
    for el in tree.xpath("//a[@href] | //link[@href] | //img[@src] | //script[@src]"):
        target = urljoin(server.url(page_path), el.get("href") or el.get("src")).split("#")[0]
        if target.startswith(server.base_url + "/"):
            out.append((target, el))
    return out


@pytest.fixture(scope="module")
def linked_from(server: DemoServer, pages: dict) -> dict[str, set[str]]:
    """Article-or-page path (query dropped) -> the pages (other than itself) that link to it with <a>."""
    graph: dict[str, set[str]] = defaultdict(set)
    for page, tree in pages.items():
        for target, el in internal_links(server, page, tree):
            path = urlsplit(target).path
            if el.tag == "a" and path != page:
                graph[path].add(page)
    return graph


# --- content -----------------------------------------------------------------------------------


@pytest.mark.unit
def test_content_invariants() -> None:
    archived = archived_articles()
    assert len(ARTICLES) >= 24 and len(archived) >= 24
    assert len({a.slug for a in ARTICLES}) == len({a.path for a in ARTICLES}) == len(ARTICLES)
    assert all(n >= 7 for n in Counter(a.template for a in archived).values()) and len(Counter(a.template for a in archived)) == 3
    assert len({a.section for a in ARTICLES}) >= 4 and {a.section for a in ARTICLES} <= set(SECTIONS.values())
    dates = sorted(a.published_at for a in ARTICLES)
    assert all(d.tzinfo and (d.year, d.month) == (2026, 3) for d in dates) and (dates[-1] - dates[0]).days >= 18
    assert Counter(a.language for a in ARTICLES)["fr"] == 1 and Counter(a.language for a in ARTICLES)["de"] == 1
    assert [len(a.authors) for a in archived].count(0) == 1 and sum(len(a.authors) == 2 for a in archived) >= 3
    assert len({n for a in ARTICLES for n in a.authors}) >= 6
    assert sum(a.naive_date for a in archived) == 1
    assert next(a for a in ARTICLES if a.naive_date).published.endswith("+00:00")
    for a in ARTICLES:
        assert 4 <= len(a.paragraphs) <= 8, a.slug
        for p in a.paragraphs:
            assert 40 <= len(re.findall(r"\w+", p)) <= 120, (a.slug, p[:40])
            assert p == p.strip() and "\n" not in p
    assert any(all(c in p for c in "“”éü—") for a in ARTICLES for p in a.paragraphs)


@pytest.mark.unit
def test_flags_are_consistent() -> None:
    link_only = [a for a in ARTICLES if a.link_only]
    disallowed = [a for a in ARTICLES if a.disallowed]
    copies = [a for a in ARTICLES if a.duplicate_of]
    assert len(link_only) == 1 and len(disallowed) == 1 and len(copies) >= 1
    for a in link_only + disallowed + copies:
        assert not (a.in_feeds or a.in_sitemap), a.slug
    assert all(not a.listed for a in link_only + disallowed)
    assert disallowed[0].path.startswith("/private/")
    for copy in copies:
        original = article_by_path(copy.duplicate_of)
        assert (copy.title, copy.paragraphs) == (original.title, original.paragraphs)
        assert copy.path.startswith("/syndicated/") and not copy.has_canonical and original in archived_articles()
    kinds = {
        "sitemap only": [a for a in ARTICLES if a.in_sitemap and not a.in_feeds and not a.listed],
        "feeds only": [a for a in ARTICLES if a.in_feeds and not a.in_sitemap and not a.listed],
        "listings only": [a for a in ARTICLES if a.listed and not a.in_feeds and not a.in_sitemap and not a.duplicate_of],
    }
    assert all(kinds.values()), kinds


@pytest.mark.unit
def test_committed_site_equals_a_fresh_build(tmp_path: Path) -> None:
    build_site(tmp_path)
    fresh = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(SITE_DIR).as_posix(): p.read_bytes() for p in SITE_DIR.rglob("*") if p.is_file()}
    assert sorted(committed) == sorted(fresh), "run: python -m newscrawler.demo.build"
    assert [n for n in fresh if fresh[n] != committed[n]] == [], "run: python -m newscrawler.demo.build"


# --- robots, sitemaps, feeds ----------------------------------------------------------------------


def paths_of(urls: list[str]) -> set[str]:
    return {urlsplit(u).path for u in urls}


@pytest.mark.e2e
def test_robots_txt(server: DemoServer) -> None:
    status, headers, body = fetch(server.url("/robots.txt"))
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    lines = body.decode().splitlines()
    assert "User-agent: *" in lines and "Disallow: /private/" in lines
    assert f"Sitemap: {server.base_url}/sitemap_index.xml" in lines


@pytest.mark.e2e
def test_sitemaps_list_exactly_the_flagged_articles(server: DemoServer) -> None:
    status, headers, body = fetch(server.url("/sitemap_index.xml"))
    assert status == 200 and headers["Content-Type"] == "application/xml"
    locs = [e.text for e in lxml.etree.fromstring(body).iter(f"{SM}loc")]
    assert paths_of(locs) == {"/sitemap-posts.xml", "/news-sitemap.xml"}
    posts = lxml.etree.fromstring(fetch(server.url("/sitemap-posts.xml"))[2])
    urls = [u.findtext(f"{SM}loc") for u in posts.iter(f"{SM}url")]
    assert all(u.startswith(server.base_url + "/") for u in urls) and all(u.findtext(f"{SM}lastmod") for u in posts.iter(f"{SM}url"))
    article_paths = {a.path for a in ARTICLES}
    assert paths_of(urls) & article_paths == {a.path for a in ARTICLES if a.in_sitemap}
    assert paths_of(urls) - article_paths == {"/", "/about/", *(f"/section/{s}/" for s in SECTIONS)}
    news = lxml.etree.fromstring(fetch(server.url("/news-sitemap.xml"))[2])
    entries = list(news.iter(f"{SM}url"))
    newest = sorted((a for a in ARTICLES if a.in_sitemap), key=lambda a: a.published_at, reverse=True)[:6]
    assert [urlsplit(e.findtext(f"{SM}loc")).path for e in entries] == [a.path for a in newest]
    for entry, article in zip(entries, newest):
        assert entry.findtext(f"{NEWS}news/{NEWS}title") == article.title
        assert entry.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}name") == SITE_NAME
        assert datetime.fromisoformat(entry.findtext(f"{NEWS}news/{NEWS}publication_date")) == article.published_at


@pytest.mark.e2e
def test_feeds_list_exactly_the_flagged_articles(server: DemoServer) -> None:
    status, headers, rss_body = fetch(server.url("/feed.xml"))
    assert status == 200 and headers["Content-Type"] == "application/rss+xml"
    rss = [i.findtext("link") for i in lxml.etree.fromstring(rss_body).iter("item")]
    status, headers, atom_body = fetch(server.url("/atom.xml"))
    assert status == 200 and headers["Content-Type"] == "application/atom+xml"
    atom = [e.find(f"{ATOM}link[@rel='alternate']").get("href") for e in lxml.etree.fromstring(atom_body).iter(f"{ATOM}entry")]
    assert len(rss) == 10 and set(rss) < set(atom)
    assert paths_of(rss + atom) == {a.path for a in ARTICLES if a.in_feeds}
    assert all(u.startswith(server.base_url + "/") for u in rss + atom)


# --- pages and links --------------------------------------------------------------------------------


@pytest.mark.e2e
def test_every_internal_link_resolves(server: DemoServer, pages: dict) -> None:
    targets = {t for page, tree in pages.items() for t, _ in internal_links(server, page, tree)}
    targets |= {server.url(p) for p in ("/robots.txt", "/feed.xml", "/atom.xml", "/sitemap_index.xml")}
    with ThreadPoolExecutor(8) as pool:
        statuses = dict(zip(targets, pool.map(lambda u: fetch(u, "HEAD")[0], sorted(targets))))
    assert {u: s for u, s in statuses.items() if s != 200} == {}


@pytest.mark.e2e
def test_article_pages(pages: dict) -> None:
    for a in ARTICLES:
        tree = pages[a.path]
        assert tree.findtext(".//title") == f"{a.title} | {SITE_NAME}", a.path
        assert tree.get("lang").split("-")[0] == a.language
        assert tree.xpath('//link[@rel="alternate"][@type="application/rss+xml"]/@href') == ["/feed.xml"]
        body = tree.xpath(BODY_XPATH[a.template])[0]
        texts = [re.sub(r"\s+", " ", p.text_content()).strip() for p in body.iter("p")]
        assert [t for t in texts if t in a.paragraphs] == list(a.paragraphs), a.path
        assert bool(tree.xpath('//script[@type="application/ld+json"]')) == (a.template != "legacy")
        assert bool(tree.xpath('//link[@rel="canonical"]')) == a.has_canonical
    assert Counter(a.template for a in ARTICLES).most_common()[-1][1] >= 7


@pytest.mark.e2e
def test_each_discovery_path(pages: dict, linked_from: dict) -> None:
    for a in ARTICLES:
        sources = linked_from.get(a.path, set())
        if a.link_only:
            (host,) = sources
            assert host in {x.path for x in ARTICLES}
            host_article = article_by_path(host)
            anchors = pages[host].xpath(f'{BODY_XPATH[host_article.template]}//a[@href="{a.path}"]')
            assert len(anchors) == 1 and anchors[0].getparent().tag == "p"
        elif a.disallowed:
            assert sources == {"/"}
        elif a.duplicate_of:
            assert sources and all(s.startswith(f"/section/{a.section_slug}/") for s in sources)
        elif not a.listed:
            assert sources == set(), (a.path, sources)
        else:
            assert any(s.startswith(f"/section/{a.section_slug}/") for s in sources), a.path
            assert any(s.startswith("/author/") for s in sources) or not a.authors


@pytest.mark.e2e
def test_homepage_links_lead_with_tracking_parameters(server: DemoServer, pages: dict) -> None:
    lead = article_by_slug(LEAD_SLUG)
    hrefs = pages["/"].xpath("//a/@href")
    assert f"{lead.path}?{UTM_QUERY}" in hrefs and lead.path not in hrefs
    assert any(h.startswith("/private/") for h in hrefs)
    assert pages["/"].xpath('//link[@type="application/atom+xml"]/@href') == ["/atom.xml"]
    status, _, body = fetch(server.url(f"{lead.path}?{UTM_QUERY}"))
    assert status == 200 and f'<link rel="canonical" href="{server.base_url}{lead.path}">'.encode() in body


@pytest.mark.e2e
def test_sections_paginate(pages: dict) -> None:
    paginated = {p for p in pages if re.fullmatch(r"/section/[a-z]+/page/\d+/", p)}
    assert "/section/local/page/3/" in paginated
    for path in paginated | {f"/section/{s}/" for s in SECTIONS}:
        assert 1 <= len(pages[path].xpath('//article[contains(@class, "post-item")]')) <= 5


@pytest.mark.e2e
def test_a_crawl_of_feeds_sitemaps_and_links_finds_exactly_the_articles(server: DemoServer, linked_from: dict) -> None:
    found = {a.path for a in ARTICLES if a.in_feeds or a.in_sitemap}
    frontier, seen = ["/"], {"/"}
    while frontier:  # follow <a> links from the homepage, obeying robots.txt
        page = frontier.pop()
        for target, sources in linked_from.items():
            if page in sources and target not in seen and not target.startswith("/private/"):
                seen.add(target)
                frontier.append(target)
    found |= seen & {a.path for a in ARTICLES}
    assert found == {a.path for a in ARTICLES if not a.disallowed}


# --- the server -----------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_server_headers_and_conditional_requests(server: DemoServer) -> None:
    status, headers, body = fetch(server.url("/"))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert int(headers["Content-Length"]) == len(body) and b"__BASE_URL__" not in body
    assert server.base_url.encode() in body and re.fullmatch(r"http://127\.0\.0\.1:\d+", server.base_url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert fetch(server.url("/"), headers={"If-None-Match": etag})[0] == 304
    assert fetch(server.url("/"), headers={"If-None-Match": '"other", ' + etag})[0] == 304
    assert fetch(server.url("/"), headers={"If-None-Match": '"other"'})[0] == 200
    assert fetch(server.url("/"), headers={"If-Modified-Since": modified})[0] == 304
    assert fetch(server.url("/"), headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    status, head_headers, head_body = fetch(server.url("/"), "HEAD")
    assert status == 200 and head_body == b"" and head_headers["Content-Length"] == headers["Content-Length"]
    status, headers, body = fetch(server.url("/no/such/page/"))
    assert status == 404 and b"Page not found" in body and headers["Content-Type"].startswith("text/html")
    assert fetch(server.url("/static/img/logo.png"))[1]["Content-Type"] == "image/png"
    assert fetch(server.url("/../../etc/passwd"))[0] == 404


@pytest.mark.e2e
def test_server_substitutes_base_url_everywhere(server: DemoServer) -> None:
    for path in ("/robots.txt", "/sitemap-posts.xml", "/feed.xml", "/atom.xml", ARTICLES[0].path):
        body = fetch(server.url(path))[2]
        assert b"__BASE_URL__" not in body and server.base_url.encode() in body, path


@pytest.mark.e2e
def test_server_handles_concurrency_and_logs_requests(server: DemoServer) -> None:
    paths = [a.path for a in ARTICLES][:32]
    with ThreadPoolExecutor(32) as pool:
        statuses = list(pool.map(lambda p: fetch(server.url(p))[0], paths))
    assert statuses == [200] * len(paths)
    logged = server.requests
    assert all(("GET", p, 200) in logged for p in paths)
    assert ("GET", "/no/such/page/", 404) in logged


@pytest.mark.e2e
def test_server_on_another_root(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<a href='__BASE_URL__/x'>x</a>", encoding="utf-8")
    with DemoServer(tmp_path) as srv:
        status, _, body = fetch(srv.url("/"))
        assert status == 200 and body == f"<a href='{srv.base_url}/x'>x</a>".encode()
    with pytest.raises(FileNotFoundError):
        DemoServer(tmp_path / "missing").start()


@pytest.mark.unit
def test_article_flags_reference_real_pages() -> None:
    for a in ARTICLES:
        assert isinstance(a, DemoArticle)
        for _phrase, slug in a.body_links:
            assert any(x.slug == slug for x in ARTICLES)
