"""newscrawler.pipelines.DedupePipeline against a real SQLite archive."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from archive.article import Article, FetchedPage
from archive.engine import open_archive
from archive.store import ArchiveWriter
from newscrawler.items import ArticleItem
from newscrawler.pipelines import DedupePipeline

T0 = datetime(2026, 11, 27, 12, tzinfo=UTC)


def item(n: int, text: str, canonical: str | None = None) -> ArticleItem:
    url = f"https://www.example.com/news/{n}"
    article = Article(url=url, title=f"Story {n}", text=text, canonical_url=canonical)
    page = FetchedPage(url=url, final_url=url, status=200, body=b"<html></html>", fetched_at=T0)
    return ArticleItem(article, page)


def test_copies_are_dropped_after_they_leave_the_recent_window(tmp_path: Path) -> None:
    db = tmp_path / "news.sqlite3"
    engine = open_archive(str(db))
    pipeline = DedupePipeline(get_crawler(settings_dict={"ARCHIVE_DB": str(db)}))
    pipeline.recent = 2  # as if 1000 articles came between
    original = item(1, "The original story, word for word.")
    pipeline.process_item(original)
    writer = ArchiveWriter(engine)  # the store pipeline writes it
    writer.add(original.article, original.page)
    writer.flush()
    for n in (2, 3):
        pipeline.process_item(item(n, f"Another story number {n}."))
    assert len(pipeline.bodies) == 2  # the original's hash has left memory ...
    with pytest.raises(DropItem, match=r"duplicate_body: .*/news/4 repeats https://www.example.com/news/1"):
        pipeline.process_item(item(4, "The  ORIGINAL story, word for word."))  # ... the archive has it
    with pytest.raises(DropItem, match="duplicate_body: .*/news/5 repeats https://www.example.com/news/3"):
        pipeline.process_item(item(5, "Another story number 3."))  # not written yet: found in memory
    with pytest.raises(DropItem, match="duplicate_url"):
        pipeline.process_item(item(6, "A new text.", canonical="https://www.example.com/news/2#top"))
    assert pipeline.process_item(item(7, "A story of its own.")).article.url.endswith("/7")
    pipeline.close_spider()
    engine.dispose()
