"""The Python API: ``newscrawler.crawl()`` (the CLI in a subprocess, articles as they are archived)
and ``newscrawler.open_archive()`` (the CLI's search, export and show calls)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import newscrawler
from archive.errors import ArchiveError, QueryError
from archive.lock import ArchiveLock
from benchmarks.benchsite import Site, load_demo_pages
from newscrawler.api import crawl_arguments
from tests.support.cli import cli, rows
from tests.support.loopback import QuietHandler, serving

FAST = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}


@pytest.mark.e2e
def test_crawl_yields_each_archived_article_and_returns_the_runs_counts(site, tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    job = newscrawler.crawl(site.base_url + "/", db=db, max_articles=6, settings={**FAST, "ARCHIVE_BATCH_SIZE": 2})
    articles = list(job)
    result = job.result
    assert result.status == "ok" and result.exit_code == 0 and result.ok
    assert len(articles) == result.new == 6 and result.updated == 0 and result.pages > 6
    assert all(isinstance(a, newscrawler.StoredArticle) and a.title and a.text for a in articles)
    stored = rows(db, "SELECT id, title FROM articles ORDER BY id")
    assert sorted((a.id, a.title) for a in articles) == stored
    assert rows(db, "SELECT id, status, articles_new FROM runs") == [(result.run_id, "ok", 6)]
    assert result.stats["archive/inserted"] == 6

    # Again, in the same process (Twisted could not restart here): the next articles of the site.
    again = newscrawler.crawl(site.base_url + "/", db=db, max_articles=3, settings=FAST).wait()
    assert again.status == "ok" and again.new == 3 and again.run_id == result.run_id + 1
    assert rows(db, "SELECT count(*) FROM articles") == [(9,)]


@pytest.mark.e2e
def test_a_caller_that_stops_reading_does_not_stall_the_crawl(site, tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    job = newscrawler.crawl(site.base_url + "/", db=db, max_articles=8, settings={**FAST, "ARCHIVE_BATCH_SIZE": 1})
    first = next(iter(job))
    assert first.id == 1
    result = job.wait()  # the other seven ids went on into the pipe, drained while nobody read them
    assert result.new == 8 and rows(db, "SELECT count(*) FROM articles") == [(8,)]


@pytest.mark.e2e
def test_a_failed_crawl_raises_with_its_error_line_and_keeps_its_exit_status(broken_site: str,
                                                                              tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    url = broken_site + "/missing"
    with pytest.raises(newscrawler.CrawlError, match="missing: HTTP 404") as raised:
        list(newscrawler.crawl(url, db=db, settings=FAST))
    result = raised.value.result
    assert result.exit_code == 1 and result.status == "failed" and result.new == 0
    assert rows(db, "SELECT id, status FROM runs") == [(result.run_id, "failed")]
    unchecked = newscrawler.crawl(url, db=db, settings=FAST, check=False).wait()
    assert unchecked.status == "failed" and unchecked.errors == [f"{url}: HTTP 404"]


@pytest.mark.e2e
def test_a_locked_archive_is_a_crawl_error_and_no_run(site, tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    with ArchiveLock(str(db)):
        job = newscrawler.crawl(site.base_url + "/", db=db, settings=FAST, check=False)
        result = job.wait()
    assert result.status == "locked" and result.exit_code == 75 and result.run_id is None
    assert result.errors and "locked" in result.errors[0]
    with pytest.raises(newscrawler.CrawlError):
        job.check = True
        job.wait()


class GatedHandler(QuietHandler):
    """A site whose article pages are not answered before ``gate`` is set; ``asked`` is set by the first."""

    protocol_version = "HTTP/1.1"
    site = Site(load_demo_pages(), 40)
    gate = threading.Event()
    asked = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        path = self.path.split("?", 1)[0]
        status, ctype, body = self.site.get(path, f"http://{self.headers.get('Host')}")
        if path in self.site.paths:
            self.asked.set()
            self.gate.wait(120)
        self.reply(status, body, ctype)


@pytest.fixture
def gated_site() -> Iterator[str]:
    GatedHandler.gate.clear()
    GatedHandler.asked.clear()
    with serving(GatedHandler) as base:
        try:
            yield base
        finally:
            GatedHandler.gate.set()


@pytest.mark.e2e
def test_stop_ends_the_crawl_as_ctrl_c_does(gated_site: str, tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    job = newscrawler.crawl(gated_site + "/", db=db, settings=FAST)
    assert GatedHandler.asked.wait(120), "the crawl never asked for an article page"
    assert job.running()
    assert job.stop(wait=False) is None  # SIGINT: the pages in flight still come back, and are archived
    GatedHandler.gate.set()
    result = job.result
    assert result.run_id is not None and not job.running()
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
    assert result.new < 40 and rows(db, "SELECT count(*) FROM articles") == [(result.new,)]


@pytest.mark.unit
def test_crawl_arguments_are_the_clis() -> None:
    assert crawl_arguments("http://a.test/", db="x.sqlite3", max_articles=5, max_time=60.0, depth=1,
                           settings={"DOWNLOAD_DELAY": 0, "FEEDS": {"a": 1}}) == [
        "crawl", "http://a.test/", "--db", "x.sqlite3", "--max-articles", "5", "--max-time", "60.0",
        "--depth", "1", "-s", "DOWNLOAD_DELAY=0", "-s", 'FEEDS={"a": 1}']
    assert crawl_arguments(sources=Path("s.toml"), revisit=True)[:4] == ["crawl", "--sources", "s.toml", "--revisit"]
    with pytest.raises(ValueError, match="at least one URL"):
        crawl_arguments([])


@pytest.mark.e2e
def test_open_archive_gives_what_search_export_and_show_give(crawled, tmp_path: Path) -> None:
    db = crawled[0]
    archive = newscrawler.open_archive(db)
    found = archive.search("harbor OR ferry", limit=5)
    cli_found = json.loads(cli("search", "harbor OR ferry", "--db", str(db), "--limit", "5", "--format", "json").stdout)
    assert [a.id for a in found] == [hit["id"] for hit in cli_found] and found
    assert archive.search_hits("harbor", limit=1)[0].snippet
    exported = [json.loads(line)["id"] for line in cli("export", "--db", str(db), "--format", "jsonl",
                                                       "--since", "2026-01-01").stdout.splitlines()]
    assert [a.id for a in archive.articles(since="2026-01-01")] == exported
    assert [a.id for a in archive.articles(limit=3)] == [1, 2, 3]
    one = archive.get(1)
    assert one is not None and archive.get(one.url) == one and archive.get(999_999) is None
    assert archive.runs(last=1)[0].status == "ok"
    with pytest.raises(QueryError):
        archive.search('"unbalanced')
    with pytest.raises(ValueError, match="since='last week'"):
        list(archive.articles(since="last week"))
    archive.close()
    with pytest.raises(ArchiveError, match="none.sqlite3"):
        newscrawler.open_archive(tmp_path / "none.sqlite3")
