"""newscrawler.pipelines.DedupePipeline and the archive's aliases against a real SQLite archive."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine

from archive.aliases import Duplicate, find_article, with_aliases
from archive.article import Article, FetchedPage
from archive.engine import open_archive
from archive.query import Filters, iter_articles
from archive.store import ArchiveWriter
from newscrawler.items import ArticleItem
from newscrawler.pipelines import DedupePipeline

pytestmark = pytest.mark.unit

T0 = datetime(2026, 11, 27, 12, tzinfo=UTC)
NEWS = "https://www.example.com/news/"


def item(n: int, text: str, canonical: str | None = None) -> ArticleItem:
    url = f"{NEWS}{n}"
    article = Article(url=url, title=f"Story {n}", text=text, canonical_url=canonical)
    page = FetchedPage(url=url, final_url=url, status=200, body=b"<html></html>", fetched_at=T0)
    return ArticleItem(article, page)


def marked(pipeline: DedupePipeline, it: ArticleItem) -> tuple[str, str, str] | None:
    """(alias URL, article it repeats, reason) of a processed item, or None for an article."""
    duplicate = pipeline.process_item(it).duplicate
    return None if duplicate is None else (duplicate.url, duplicate.owner, duplicate.reason)


def test_copies_are_marked_after_they_leave_the_recent_window(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    engine = open_archive(str(db))
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(db)})
    crawler.stats.open_spider()
    pipeline = DedupePipeline(crawler)
    pipeline.recent = 2  # as if 1000 articles came between
    original = item(1, "The original story, word for word.")
    assert marked(pipeline, original) is None
    writer = ArchiveWriter(engine)  # the store pipeline writes it
    writer.add(original.article, original.page)
    writer.flush()
    for n in (2, 3):
        assert marked(pipeline, item(n, f"Another story number {n}.")) is None
    assert len(pipeline.bodies) == 2  # the original's hash has left memory ...
    # ... the archive has it
    assert marked(pipeline, item(4, "The  ORIGINAL story, word for word.")) == (
        f"{NEWS}4", f"{NEWS}1", "duplicate_body")
    # not written yet: found in memory
    assert marked(pipeline, item(5, "Another story number 3.")) == (f"{NEWS}5", f"{NEWS}3", "duplicate_body")
    # another URL declaring an article's canonical URL: the page's own URL is the alias
    assert marked(pipeline, item(6, "A new text.", canonical=f"{NEWS}2#top")) == (
        f"{NEWS}6", f"{NEWS}2", "same_canonical")
    assert marked(pipeline, item(7, "A story of its own.")) is None
    stats = crawler.stats.get_stats()
    assert stats["duplicates/duplicate_body"] == 2 and stats["duplicates/same_canonical"] == 1
    assert stats["site/example.com/duplicates"] == 3
    assert not [key for key in stats if key.startswith("dropped/")]  # copies are not drops
    pipeline.close_spider()
    engine.dispose()


def duplicate(n: int, owner: int, reason: str = "duplicate_body", seen: datetime = T0) -> Duplicate:
    return Duplicate(f"https://copies.example/{n}", f"{NEWS}{owner}", reason, seen, (f"https://copies.example/{n}",))


def aliases(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, site, article_id, reason, first_seen, last_seen FROM aliases "
                            "ORDER BY url").fetchall()


def test_writer_keeps_an_alias_of_an_article_in_the_same_batch(engine: Engine, db_path: Path) -> None:
    writer = ArchiveWriter(engine, batch_size=3)
    first = item(1, "The story.")
    writer.add(first.article, first.page)
    assert writer.add_alias(duplicate(1, owner=1)).total == 0  # buffered with its article
    assert writer.pending == 2
    result = writer.add_alias(duplicate(2, owner=1, reason="same_canonical"))  # the batch is full: written
    assert (result.inserted, result.aliases, result.orphans) == (1, 2, [])
    article_id = result.outcomes[f"{NEWS}1"][1]
    assert [(d.url, found) for d, found in result.resolved] == [
        ("https://copies.example/1", article_id), ("https://copies.example/2", article_id)]
    assert writer.pending == 0
    stored = "2026-11-27T12:00:00+00:00"
    assert aliases(db_path) == [
        ("https://copies.example/1", "copies.example", article_id, "duplicate_body", stored, stored),
        ("https://copies.example/2", "copies.example", article_id, "same_canonical", stored, stored)]

    # A later crawl meets the copy again: the row is refreshed, not added.
    later = T0 + timedelta(days=1)
    again = writer.add_alias(duplicate(1, owner=1, seen=later))
    assert again.total == 0 and writer.close().aliases == 0
    assert aliases(db_path)[0][4:] == (stored, "2026-11-28T12:00:00+00:00")

    # Reading: the alias URL finds its article, export lists it after the article.
    article, alias = find_article(engine, "https://COPIES.example/1?utm_source=x")
    assert article is not None and article.id == article_id
    assert alias is not None and (alias.owner, alias.reason) == (f"{NEWS}1", "duplicate_body")
    assert find_article(engine, f"{NEWS}1")[1] is None
    rows = list(with_aliases(engine, iter_articles(engine, Filters())))
    assert [(r["url"], r["duplicate_of"], r["duplicate_of_id"]) for r in rows] == [
        (f"{NEWS}1", None, None), ("https://copies.example/1", f"{NEWS}1", article_id),
        ("https://copies.example/2", f"{NEWS}1", article_id)]
    assert rows[1]["site"] == "copies.example" and rows[1]["text"] == "The story."


def test_an_alias_waits_for_its_article_and_is_an_orphan_without_it(engine: Engine, db_path: Path) -> None:
    """On a shared frontier another worker may commit the article later; an article that never
    comes (left out by a limit) leaves an orphan at the end, reported, never an error."""
    writer = ArchiveWriter(engine, batch_size=1)
    waiting = writer.add_alias(duplicate(1, owner=1))
    assert (waiting.aliases, waiting.resolved, waiting.orphans) == (0, [], [])
    assert writer.pending == 0  # waiting aliases do not hold the frontier's acknowledgements
    other = ArchiveWriter(engine)  # "another worker" commits the article
    first = item(1, "The story.")
    other.add(first.article, first.page)
    other.close()
    orphan = writer.add_alias(duplicate(2, owner=9))
    assert [d.url for d, _ in orphan.resolved] == ["https://copies.example/1"] and orphan.aliases == 1
    assert orphan.orphans == []  # not yet: owner 9 may still come
    end = writer.close()
    assert [d.url for d in end.orphans] == ["https://copies.example/2"] and end.resolved == []
    assert [row[0] for row in aliases(db_path)] == ["https://copies.example/1"]
    assert writer.close().orphans == []  # given up once


def test_an_alias_url_that_becomes_an_article_is_no_longer_an_alias(engine: Engine, db_path: Path) -> None:
    writer = ArchiveWriter(engine, batch_size=1)
    first = item(1, "The story.")
    writer.add(first.article, first.page)
    writer.add_alias(Duplicate(f"{NEWS}2", f"{NEWS}1", "duplicate_body", T0))
    assert len(aliases(db_path)) == 1
    second = item(2, "The story, now rewritten as a story of its own.")
    writer.add(second.article, second.page)
    assert aliases(db_path) == []
    assert find_article(engine, f"{NEWS}2")[0].title == "Story 2"
