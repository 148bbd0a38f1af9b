"""Listed pages wait as URLs, not as queued requests: memory does not grow with the sitemap."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import scrapy

from newscrawler.discover.backlog import Backlog
from tests.support.cli import LOCAL, ROOT, cli, rows
from tests.support.loopback import QuietHandler, serving

NEWS, PLAIN = 40, 400


def build(url: str, depth: int, priority: int, hops: int = 0) -> scrapy.Request:
    return scrapy.Request(url, priority=priority, meta={"depth": depth, "pagination_hops": hops})


@pytest.mark.unit
def test_release_keeps_a_window_in_priority_order() -> None:
    backlog = Backlog(3)
    for i in range(5):
        backlog.add(f"http://a.example/plain/{i}", 1, 50)
    backlog.add("http://a.example/news/0", 1, 60)
    first = backlog.release(build)
    assert [r.url for r in first] == ["http://a.example/news/0", "http://a.example/plain/0",
                                      "http://a.example/plain/1"]
    assert backlog.release(build) == [] and len(backlog) == 3 and backlog.waiting == 3
    assert backlog.left(first[0]) and backlog.left(first[1])  # two reached the downloader
    assert not backlog.left(first[0]) and not backlog.left(build("http://a.example/other", 1, 0))
    assert [r.url for r in backlog.release(build)] == ["http://a.example/plain/2", "http://a.example/plain/3"]
    assert [r.url for r in backlog.release(build, force=5)] == ["http://a.example/plain/4"]
    assert not backlog and len(backlog) == 0 and backlog.waiting == 4
    backlog.forget_waiting()
    assert backlog.waiting == 0


@pytest.mark.unit
def test_unbounded_backlog_releases_everything() -> None:
    backlog = Backlog(None)
    for i in range(300):
        backlog.add(f"http://a.example/{i}", 2, 50)
    assert len(backlog.release(build)) == 300 and not backlog and backlog.waiting == 0


def drain(backlog: Backlog) -> list[tuple[str, int, int, int]]:
    """Everything in the backlog, in release order, as (url, depth, priority, hops)."""
    out = []
    while backlog:
        for request in backlog.release(build):
            out.append((request.url, request.meta["depth"], request.priority, request.meta["pagination_hops"]))
        backlog.forget_waiting()
    return out


def fill(backlog: Backlog) -> None:
    """Three priorities, added interleaved, some entries added after others were released."""
    for i in range(60):
        backlog.add(f"http://a.example/p{i % 3}/{i}", i % 4, 10 * (i % 3), hops=i % 2)


@pytest.mark.unit
def test_entries_beyond_memory_wait_in_a_file_and_come_back_in_order() -> None:
    in_memory, spilling = Backlog(7), Backlog(7, memory=5)
    for backlog in (in_memory, spilling):
        fill(backlog)
    assert spilling.spilled == 55 and len(spilling) == 60 and in_memory.spilled == 0
    first = [spilling.release(build), in_memory.release(build)]
    assert [r.url for r in first[0]] == [r.url for r in first[1]]
    for backlog in (in_memory, spilling):  # more arrive while entries of the same priority wait
        backlog.forget_waiting()
        for i in range(20):
            backlog.add(f"http://a.example/late/{i}", 1, 10 * (i % 3))
    assert drain(spilling) == drain(in_memory)
    assert not spilling and spilling.spilled == 0 and len(spilling) == 0
    spilling.close()
    spilling.close()  # twice is fine


@pytest.mark.unit
def test_a_failing_file_keeps_entries_in_memory(monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    class FullDisk:
        def put(self, priority: int, entry: tuple[str, int, int]) -> None:
            raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("newscrawler.discover.backlog.Spill", FullDisk)
    backlog, reference = Backlog(4, memory=3), Backlog(4)
    for each in (backlog, reference):
        fill(each)
    assert backlog.spilled == 0 and len(backlog) == 60
    assert drain(backlog) == drain(reference)
    assert caplog.text.count("Backlog file unusable (database or disk is full): waiting pages are kept in memory") == 1


class _SitemapSite(QuietHandler):
    requested: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.requested.append(self.path)
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/robots.txt":
            return self.reply(200, f"Sitemap: {base}/news.xml\nSitemap: {base}/all.xml\n".encode(), "text/plain")
        if self.path in ("/news.xml", "/all.xml"):
            news = self.path == "/news.xml"
            paths = [f"/news/{i}" for i in range(NEWS)] if news else [f"/plain/{i}" for i in range(PLAIN)]
            extra = "<news:news><news:publication_date>2026-11-20</news:publication_date></news:news>" if news else ""
            urls = "".join(f"<url><loc>{base}{p}</loc>{extra}</url>" for p in paths)
            return self.reply(200, ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                                    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                                    f"{urls}</urlset>").encode(), "application/xml")
        if self.path == "/" or re.fullmatch(r"/(news|plain)/\d+", self.path):
            return self.reply(200, f"<html><head><title>{self.path}</title></head><body><p>Short page "
                                   f"{self.path}.</p></body></html>".encode())
        return self.reply(404, b"not found")


@pytest.fixture
def sitemap_site() -> Iterator[str]:
    _SitemapSite.requested = []
    with serving(_SitemapSite) as url:
        yield url


def crawl(base: str, db: Path, *settings: str) -> dict:
    result = cli("crawl", base + "/", "--db", str(db), *LOCAL, "-s", "ROBOTSTXT_OBEY=False",
                 "-s", 'EXTENSIONS={"tests.support.schedprobe.SchedulerProbe": 0, '
                 '"newscrawler.extensions.sitestats.SiteStats": 500}', *settings, env={"PYTHONPATH": str(ROOT)})
    assert result.code == 0, result.stderr[-2000:]
    return json.loads(rows(db, "SELECT stats FROM runs ORDER BY id DESC")[0][0])


@pytest.mark.e2e
def test_sitemap_entries_are_requested_a_window_at_a_time(sitemap_site: str, tmp_path: Path) -> None:
    stats = crawl(sitemap_site, tmp_path / "a.sqlite3", "-s", "CRAWL_BACKLOG_WINDOW=10",
                  "-s", "CONCURRENT_REQUESTS=4")
    pages = [p for p in _SitemapSite.requested if p.startswith(("/news/", "/plain/"))]
    assert sorted(pages) == sorted([f"/news/{i}" for i in range(NEWS)] + [f"/plain/{i}" for i in range(PLAIN)])
    assert stats["discovery/urls"] == NEWS + PLAIN
    # Scheduler: at most the window, plus one batch released when Scrapy went idle, plus discovery.
    assert 0 < stats["test/scheduler_peak"] <= 2 * 10 + 5, stats["test/scheduler_peak"]
    # Google News entries first: none of them after the first few plain pages released before news.xml came.
    last_news = max(pages.index(f"/news/{i}") for i in range(NEWS))
    assert last_news < NEWS + 2 * 10, pages[:80]


@pytest.mark.e2e
def test_without_a_window_the_scheduler_holds_the_whole_sitemap(sitemap_site: str, tmp_path: Path) -> None:
    """The probe can see a full scheduler: the same crawl with a window larger than the sitemap."""
    stats = crawl(sitemap_site, tmp_path / "b.sqlite3", "-s", "CRAWL_BACKLOG_WINDOW=100000",
                  "-s", "CONCURRENT_REQUESTS=4")
    assert stats["test/scheduler_peak"] > PLAIN // 2


class _LinkSite(QuietHandler):
    """No sitemap: the home page links to PLAIN pages, each of which links to a deeper one."""

    requested: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self.requested.append(self.path)
        if self.path == "/":
            links = "".join(f'<a href="/plain/{i}">{i}</a> ' for i in range(PLAIN))
            too_long = f'<a href="/plain/{"x" * 2100}">too long</a>'  # over URLLENGTH_LIMIT (2,083)
            return self.reply(200, f"<html><body>{links}{too_long}</body></html>".encode())
        if match := re.fullmatch(r"/(plain|deep)/(\d+)", self.path):
            deeper = f'<a href="/deep/{match.group(2)}">deeper</a>' if match.group(1) == "plain" else ""
            return self.reply(200, f"<html><body><p>Short page {self.path}.</p>{deeper}</body></html>".encode())
        return self.reply(404, b"not found")


@pytest.mark.e2e
def test_followed_links_wait_in_the_backlog_and_its_file(tmp_path: Path) -> None:
    _LinkSite.requested = []
    with serving(_LinkSite) as base:
        stats = crawl(base, tmp_path / "c.sqlite3", "-s", "CRAWL_BACKLOG_WINDOW=10",
                      "-s", "CRAWL_BACKLOG_MEMORY=50", "-s", "CONCURRENT_REQUESTS=4")
    pages = [p for p in _LinkSite.requested if p.startswith(("/plain/", "/deep/"))]
    assert sorted(pages) == sorted([f"/plain/{i}" for i in range(PLAIN)] + [f"/deep/{i}" for i in range(PLAIN)])
    assert 0 < stats["test/scheduler_peak"] <= 2 * 10 + 5, stats["test/scheduler_peak"]
    assert stats["backlog/in_file_peak"] >= PLAIN - 50 - 10, stats
    assert stats["pages/url_too_long"] == 1  # not requested (Scrapy's UrlLengthMiddleware is bypassed)
    # Breadth first (give or take the concurrent downloads): pages one hop away, then two hops away.
    assert min(pages.index(f"/deep/{i}") for i in range(PLAIN)) >= PLAIN - 4, pages[PLAIN - 20:PLAIN + 5]
