"""robots.txt Crawl-delay, honoured per site (newscrawler.fetch.crawldelay), in real crawls of a loopback site.

The site's robots.txt asks for a Crawl-delay; its start page announces a feed and robots.txt
names a sitemap, both listing the same two articles, so a crawl makes five page requests
(home, feed, sitemap, two articles) besides robots.txt. The server records when each arrives.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawler.fetch.crawldelay import honoured_delay
from newscrawler.sources import parse_sources
from tests.support.cli import LOCAL, Result, cli, rows
from tests.support.loopback import QuietHandler, article_page, serving

ARTICLES = ["/2026/05/01/quay-reopens/", "/2026/05/02/ferry-returns/"]


def article(path: str) -> bytes:
    return article_page(path, "the harbour authority said the quay would reopen after repairs to the sea wall, which were delayed by storms in the winter months.")

HOME = (b"<html><head><title>Harbour News</title><link rel='alternate' type='application/rss+xml' "
        b"href='/feed.xml'></head><body><h1>Harbour News</h1></body></html>")


class Handler(QuietHandler):
    crawl_delay = "1"
    hits: list[tuple[float, str]] = []
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802
        with Handler.lock:
            Handler.hits.append((time.monotonic(), self.path))
        base = f"http://{self.headers['Host']}"
        if self.path == "/robots.txt":
            text = f"User-agent: *\nCrawl-delay: {Handler.crawl_delay}\nDisallow: /private/\nSitemap: /sitemap.xml\n"
            self.reply(200, text.encode(), "text/plain")
        elif self.path == "/":
            self.reply(200, HOME)
        elif self.path == "/feed.xml":
            items = "".join(f"<item><link>{base}{path}</link></item>" for path in ARTICLES)
            self.reply(200, f"<rss version='2.0'><channel>{items}</channel></rss>".encode(), "application/rss+xml")
        elif self.path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in ARTICLES)
            self.reply(200, f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>".encode(),
                       "application/xml")
        elif self.path in ARTICLES:
            self.reply(200, article(self.path))
        else:
            self.reply(404, b"<html><body>not found</body></html>")


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits, Handler.crawl_delay = [], "1"
    with serving(Handler) as url:
        yield url


def crawl(url: str, db: Path, *args: str) -> Result:
    result = cli("crawl", url + "/", "--db", str(db), "--log-level", "INFO", *LOCAL, *args)
    assert result.code == 0, result.stderr
    return result


def site_counts(db: Path, url: str) -> dict[str, float]:
    (run,) = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    return run["sites"][url.split("//", 1)[1]]


def page_times() -> list[float]:
    """Arrival times of the requests other than robots.txt (the spider fetches it too, unthrottled)."""
    with Handler.lock:
        return [t for t, path in Handler.hits if path != "/robots.txt"]


@pytest.mark.e2e
def test_crawl_delay_spaces_the_requests_even_under_autothrottle(server: str, tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    # AutoThrottle on and starting at 0 s: it adapts every slot's delay, and must not wear this one down.
    result = crawl(server, db, "-s", "AUTOTHROTTLE_ENABLED=True", "-s", "AUTOTHROTTLE_START_DELAY=0")
    assert "Honouring Crawl-delay 1 s of 127.0.0.1" in result.stderr
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]
    times = page_times()
    assert len(times) == 5, Handler.hits
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.9, gaps  # 1 s, less the jitter of when the server thread notes the time
    assert site_counts(db, server)["robots/crawl_delay"] == 1.0
    shown = cli("runs", "--db", str(db)).stdout
    assert "Crawl-delay 1 s" in shown


@pytest.mark.e2e
def test_crawl_delay_0_in_sources_ignores_robots_txt(server: str, tmp_path: Path) -> None:
    db, sources = tmp_path / "news.sqlite3", tmp_path / "sources.toml"
    sources.write_text(f'[[site]]\nurl = "{server}/"\ncrawl_delay = 0\n', encoding="utf-8")
    result = cli("crawl", "--sources", str(sources), "--db", str(db), "--log-level", "INFO", *LOCAL)
    assert result.code == 0, result.stderr
    assert "Ignoring Crawl-delay 1 s of 127.0.0.1: crawl_delay = 0 in the sources file" in result.stderr
    assert "Honouring Crawl-delay" not in result.stderr
    assert site_counts(db, server)["robots/crawl_delay"] == 0
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]


@pytest.mark.e2e
def test_a_huge_crawl_delay_is_capped(server: str, tmp_path: Path) -> None:
    Handler.crawl_delay = "3600"
    db = tmp_path / "news.sqlite3"
    # A small cap, so the crawl does not wait for the default's 10 s per request.
    result = crawl(server, db, "-s", "ROBOTS_MAX_CRAWL_DELAY=0.2")
    assert ("Honouring Crawl-delay 0.2 s of 127.0.0.1 (robots.txt asks 3600 s; capped by ROBOTS_MAX_CRAWL_DELAY)"
            in result.stderr)
    assert site_counts(db, server)["robots/crawl_delay"] == 0.2
    assert rows(db, "SELECT count(*) FROM articles") == [(2,)]


@pytest.mark.unit
def test_honoured_delay() -> None:
    assert honoured_delay(None, None, 10) is None and honoured_delay(0, None, 10) is None
    assert honoured_delay(3600, None, 10).delay == 10 and honoured_delay(3600, None, 10).capped
    assert honoured_delay(2.5, None, 10).delay == 2.5 and not honoured_delay(2.5, None, 10).capped
    assert honoured_delay(3600, 0, 10).delay == 0  # the sources file's 0: robots.txt's value ignored
    assert honoured_delay(3600, 30, 10).delay == 30  # the operator's own value is not capped
    assert honoured_delay(None, 2, 10).delay == 2
    assert honoured_delay(5, None, 0).delay == 0  # ROBOTS_MAX_CRAWL_DELAY = 0: never honoured


@pytest.mark.unit
def test_sources_check_validates_crawl_delay() -> None:
    text = ('[[site]]\nurl = "https://a.example/"\ncrawl_delay = -1\n\n[[site]]\nurl = "https://b.example/"\n'
            'crawl_delay = "2"\n\n[[site]]\nurl = "https://c.example/"\ncrawl_delay = inf\n\n'
            '[[site]]\nurl = "https://d.example/"\ncrawl_delay = 2.5\n')
    sources, errors = parse_sources(text, "s.toml")
    assert [str(e) for e in errors] == ["s.toml:3: crawl_delay: must be at least 0, got -1",
                                        "s.toml:7: crawl_delay: must be a number, got '2'",
                                        "s.toml:11: crawl_delay: must be a finite number, got inf"]
    assert [s.crawl_delay for s in sources] == [2.5]
