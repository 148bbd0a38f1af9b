"""JSON Feeds in a real crawl: two loopback sites, one announcing a JSON Feed whose articles are
linked from nowhere else, one announcing a JSON Feed that is broken JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import LOCAL, cli, rows
from tests.support.loopback import QuietHandler, article_page, serving

pytestmark = pytest.mark.e2e

FEED_ONLY = ["/2026/06/01/lighthouse-keeper-retires/", "/2026/06/02/tide-tables-revised/"]


def article(path: str) -> bytes:
    return article_page(path, "the harbour master said the changes would take effect next month, after the council approved the new budget for the port.")


def home(feed_link: str) -> bytes:
    return f"<html><head><title>Harbour</title>{feed_link}</head><body><h1>Harbour</h1></body></html>".encode()


class GoodSite(QuietHandler):
    """Announces a JSON Feed 1.1 (application/feed+json): a relative url, an id that is a URL, an
    item elsewhere (external_url) and one without any URL."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/":
            self.reply(200, home("<link rel='alternate' type='application/feed+json' href='/feed.json'>"))
        elif self.path == "/feed.json":
            feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Harbour", "items": [
                {"id": "1", "url": FEED_ONLY[0], "date_published": "2026-06-01T08:00:00Z"},
                {"id": f"http://{self.headers['Host']}{FEED_ONLY[1]}", "date_modified": "2026-06-02T09:00:00Z"},
                {"id": "3", "external_url": "http://127.0.0.1:9/elsewhere"},
                {"id": "4", "content_text": "no URL"}]}
            self.reply(200, json.dumps(feed).replace("/", "\\/").encode(), "application/feed+json")
        elif self.path in FEED_ONLY:
            self.reply(200, article(self.path))
        else:
            self.reply(404, b"<html><body>not found</body></html>")


class BrokenSite(QuietHandler):
    """Announces a JSON Feed as version 1 did (application/json, "JSON Feed" title); it is cut short."""

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/":
            self.reply(200, home("<link rel='alternate' type='application/json' title='JSON Feed' href='/feed.json'>"))
        elif self.path == "/feed.json":
            self.reply(200, b'{"version": "https://jsonfeed.org/version/1", "items": [{"url": "/2026/06/03/cut',
                       "application/json")
        else:
            self.reply(404, b"<html><body>not found</body></html>")


@pytest.fixture
def sites() -> Iterator[tuple[str, str]]:
    with serving(GoodSite) as good, serving(BrokenSite) as broken:
        yield good, broken


def test_json_feed_articles_are_archived_and_a_broken_one_is_counted(sites: tuple[str, str], tmp_path: Path) -> None:
    good, broken = sites
    db = tmp_path / "news.sqlite3"
    result = cli("crawl", good + "/", broken + "/", "--db", str(db), "--log-level", "INFO", *LOCAL)
    assert result.code == 0, result.stderr
    archived = {url for (url,) in rows(db, "SELECT canonical_url FROM articles")}
    assert archived == {good + path for path in FEED_ONLY}
    assert f"Discovery document {broken}/feed.json unusable: not JSON: " in result.stderr
    (run,) = json.loads(cli("runs", "--db", str(db), "--json").stdout)
    assert run["sites"][broken.split("//", 1)[1]]["discovery_errors/not_json"] == 1
    assert "discovery_errors/not_json" not in run["sites"][good.split("//", 1)[1]]
    stats = json.loads(rows(db, "SELECT stats FROM runs")[0][0])
    assert stats["discovery/feeds"] == 1 and stats["discovery/errors/not_json"] == 1
