"""Item pipelines: validate -> dedupe -> store.

Every drop is counted in the crawl stats as ``dropped/<reason>``. A copy of an
article is not dropped but kept as an alias of it (see :mod:`archive.aliases`),
counted as ``duplicates/<reason>`` and per site as ``duplicates``. The store
counts ``archive/inserted``, ``archive/updated``, ``archive/unchanged``,
``archive/aliases`` (new alias rows), ``archive/alias_orphans`` (aliases whose
article was not stored) and ``archive/write_seconds``: the time spent in the
archive writer (buffering and batch transactions).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import _schedule_coro
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from archive.aliases import Duplicate
from archive.engine import describe_db, open_archive
from archive.errors import ArchiveError
from archive.store import ArchiveWriter, BatchResult, content_hash, finish_run, start_run, stored_owner
from archive.urls import canonicalize_url, site_of
from newscrawler.config import setting_dict, setting_int, setting_str
from newscrawler.discover.admission import Admission
from newscrawler.discover.urlstates import UrlStates
from newscrawler.items import ArticleItem
from newscrawler.notify import ArchivedFeed
from newscrawler.discover.keytable import KeyTable
from newscrawler.extract.metadata.titles import headline_from_text
from newscrawler.extensions.sitestats import per_site, site_inc

logger = logging.getLogger(__name__)


def _stats(crawler: Crawler) -> StatsCollector:
    assert crawler.stats is not None
    return crawler.stats


def url_states(crawler: Crawler) -> UrlStates | None:
    """The URL states of the crawl's spider (a NewsSpider's), where pipelines record their decisions."""
    admission = getattr(crawler.spider, "urls", None)
    return admission.states if isinstance(admission, Admission) else None


def archive_failed(crawler: Crawler, exc: ArchiveError) -> None:
    """The archive cannot be read or written (corrupt, full disk...): stop the crawl.

    The runner reports the ``archive/error`` stat as the crawl's one error line.
    """
    stats = _stats(crawler)
    if stats.get_value("archive/error"):
        return
    stats.set_value("archive/error", str(exc))
    states = url_states(crawler)
    if states is not None:
        states.store_ok = False
    logger.info("Stopping the crawl: %s", exc)
    if crawler.engine is not None:
        _schedule_coro(crawler.engine.close_spider_async(reason="archive_error"))


def article_key(item: ArticleItem) -> str:
    """The canonical URL an article is stored under."""
    return canonicalize_url(item.article.canonical_url or item.page.final_url)


class ValidatePipeline:
    """Drop articles with too little text (the URL's state keeps the reason); give a title to those
    without one (extraction already does: a last line of defence)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = _stats(crawler)
        self.min_words = setting_int(crawler.settings, "ARTICLE_MIN_WORDS")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: ArticleItem) -> ArticleItem:
        article = item.article
        rules = getattr(self.crawler.spider, "rules", None)
        if not article.language and rules is not None:
            article.language = rules.get(item.page.final_url, "language")
        if not article.title.strip():
            article.title, article.title_source = headline_from_text(article.text), "text"
        if article.word_count < self.min_words:
            self._drop("too_short", item)
        return item

    def _drop(self, reason: str, item: ArticleItem) -> None:
        self.stats.inc_value(f"dropped/{reason}")
        site_inc(self.stats, item.page.final_url, f"dropped/{reason}")
        states = url_states(self.crawler)
        if states is not None:
            states.decided([item.page.url, item.page.final_url], f"dropped:{reason}")
        raise DropItem(f"{reason}: {item.page.final_url}")


RECENT_BODIES = 1000


def mark_duplicate(item: ArticleItem, stats: StatsCollector, owner: str, reason: str) -> ArticleItem:
    """Mark ``item`` as a copy of the article stored under canonical URL ``owner``: the store
    keeps its URL as an alias of that article. ``same_canonical``: the page's own URL is the
    alias (its declared canonical URL is the owner's); ``duplicate_body``: its canonical URL."""
    page = item.page
    url = canonicalize_url(page.final_url) if reason == "same_canonical" else article_key(item)
    item.duplicate = Duplicate(url, owner, reason, page.fetched_at, tuple(dict.fromkeys([page.url, page.final_url])))
    stats.inc_value(f"duplicates/{reason}")
    site_inc(stats, url, "duplicates")
    logger.debug("%s: %s repeats %s", reason, page.final_url, owner)
    return item


class DedupePipeline:
    """Mark a second copy of an article: same canonical URL, or same body under another URL.

    A body is compared with the archive's articles, by one indexed query per article on a
    read-only connection (a syndicated copy is recognised even when the original came in an
    earlier run, and the archive is not loaded into memory), and with this crawl's latest
    articles, which may not be written yet: the content hashes of the last ``recent`` articles
    (more than a write batch holds), as integers. The canonical URLs of this crawl's articles
    are kept as their hashes (64-bit ``hash()``) in a :class:`~newscrawler.discover.keytable.KeyTable`.
    A copy is not dropped: :func:`mark_duplicate` marks it for the store, which keeps its URL
    as an alias of the article.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = _stats(crawler)
        self.db = setting_str(crawler.settings, "ARCHIVE_DB")
        self.seen_urls = KeyTable()  # hash() of the canonical URLs of this crawl's articles
        self.bodies: dict[int, str] = {}  # content hashes of the latest articles -> canonical URL
        self.recent = max(RECENT_BODIES, 4 * setting_int(crawler.settings, "ARCHIVE_BATCH_SIZE"))
        self._reader: Engine | None = None
        self._conn: Connection | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler)

    def close_spider(self, spider: Spider | None = None) -> None:
        conn, reader, self._conn, self._reader = self._conn, self._reader, None, None
        if conn is not None:
            conn.close()
        if reader is not None:
            reader.dispose()

    def process_item(self, item: ArticleItem) -> ArticleItem:
        key = article_key(item)
        if hash(key) in self.seen_urls:
            return mark_duplicate(item, self.stats, key, "same_canonical")
        body = content_hash(item.article.text)
        number = int(body, 16)
        owner = self.bodies.get(number) or self._stored_owner(body)
        if owner is not None and owner != key:
            return mark_duplicate(item, self.stats, owner, "duplicate_body")
        self.seen_urls.add(hash(key))
        self.bodies[number] = key
        if len(self.bodies) > self.recent:  # the oldest is written by now: the archive knows it
            del self.bodies[next(iter(self.bodies))]
        return item

    def _stored_owner(self, body: str) -> str | None:
        """The canonical URL of the archive's oldest article with this content hash, if any.
        The read-only connection is opened at the first article: by then the store has
        created the archive."""
        if not self.db or self.stats.get_value("archive/error"):
            return None
        try:
            if self._conn is None:
                self._reader = open_archive(self.db, readonly=True)
                self._conn = self._reader.connect()
            return stored_owner(self._conn, body)
        except ArchiveError as exc:
            archive_failed(self.crawler, exc)
        except SQLAlchemyError as exc:  # any other database error (storage faults arrive as ArchiveError)
            archive_failed(self.crawler, ArchiveError(f"cannot read archive {describe_db(self.db)}: {exc}"))
        return None


class StorePipeline:
    """Write articles and their raw HTML to the archive in batched transactions."""

    def __init__(self, crawler: Crawler) -> None:
        db = setting_str(crawler.settings, "ARCHIVE_DB")
        if not db:
            raise NotConfigured("ARCHIVE_DB is not set")
        self.crawler = crawler
        self.db = db
        self.stats = _stats(crawler)
        self.batch_size = setting_int(crawler.settings, "ARCHIVE_BATCH_SIZE")
        self.max_articles = setting_int(crawler.settings, "ARCHIVE_MAX_ARTICLES")
        self.accepted = 0
        self.accepted_per_site: dict[str, int] = {}
        self.writer: ArchiveWriter | None = None
        self.run_id: int | None = None
        self.error: str | None = None  # the archive write that failed (a full disk...): the crawl stops
        self.feed = ArchivedFeed(setting_int(crawler.settings, "ARCHIVE_NOTIFY_FD"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        try:
            engine = open_archive(self.db)
            self.run_id = start_run(engine, "crawl", self.run_args(spider or self.crawler.spider))
        except ArchiveError as exc:
            self.error = str(exc)
            archive_failed(self.crawler, exc)
            return
        self.writer = ArchiveWriter(engine, batch_size=self.batch_size)
        self.stats.set_value("archive/run_id", self.run_id)
        self.feed.run(self.run_id)
        logger.info("Archiving into %s (run %s)", describe_db(self.db), self.run_id)

    def run_args(self, spider: Spider | None) -> dict[str, Any]:
        """What the run record keeps about this crawl (``newscrawler runs --json`` shows it)."""
        return {"spider": getattr(spider, "name", None), "start_urls": getattr(spider, "start_urls", []),
                "mode": getattr(spider, "mode", None), "db": describe_db(self.db),
                **setting_dict(self.crawler.settings, "CRAWL_RUN_ARGS")}

    def process_item(self, item: ArticleItem) -> ArticleItem:
        if self.error is not None or self.writer is None:
            self.stats.inc_value("dropped/archive_error")
            raise DropItem(f"archive_error: {item.page.final_url}")
        if item.duplicate is not None:  # an alias: no article of its own, so no limit counts it
            return self._write(item, self.writer.add_alias, item.duplicate)
        if self.max_articles and self.accepted >= self.max_articles:
            self.stats.inc_value("dropped/max_articles")
            site_inc(self.stats, item.page.final_url, "dropped/max_articles")
            self._defer(item)
            raise DropItem(f"max_articles: {item.page.final_url}")
        site = site_of(article_key(item))
        rules = getattr(self.crawler.spider, "rules", None)
        limit = rules.get(site, "max_articles") if rules is not None else None
        if limit and self.accepted_per_site.get(site, 0) >= limit:
            self.stats.inc_value("dropped/site_max_articles")
            site_inc(self.stats, site, "dropped/site_max_articles")
            self._defer(item)
            raise DropItem(f"site_max_articles: {item.page.final_url}")
        self._write(item, self.writer.add, item.article, item.page)
        self.accepted += 1
        self.accepted_per_site[site] = self.accepted_per_site.get(site, 0) + 1
        if self.max_articles and self.accepted >= self.max_articles:
            self._close("max_articles")
        return item

    def _write(self, item: ArticleItem, add: Callable[..., BatchResult], *args: Any) -> ArticleItem:
        """Hand an article or alias to the writer (a full batch is written), timed and counted."""
        started = time.perf_counter()
        try:
            result = add(*args)
        except ArchiveError as exc:
            self._failed(exc)
            raise DropItem(f"archive_error: {item.page.final_url}") from exc
        self._timed(started)
        self._count(result)
        return item

    def _failed(self, exc: ArchiveError) -> None:
        """An article batch could not be written (full disk, I/O error...): stop the crawl.

        What earlier batches stored stays; the URL states of unstored pages stay due.
        The runner reports ``archive/error`` as the crawl's one error line.
        """
        self.error = str(exc)
        archive_failed(self.crawler, exc)

    def _defer(self, item: ArticleItem) -> None:
        """An article left out by a limit is fetched again by the next crawl."""
        states = url_states(self.crawler)
        if states is not None:
            for url in dict.fromkeys([item.page.url, item.page.final_url]):
                states.defer(url)

    def _timed(self, started: float) -> None:
        self.stats.inc_value("archive/write_seconds", time.perf_counter() - started, start=0.0)

    def _close(self, reason: str) -> None:
        if self.crawler.engine is not None:
            _schedule_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _count(self, result: BatchResult) -> None:
        for name in ("inserted", "updated", "unchanged", "aliases"):
            if value := getattr(result, name):
                self.stats.inc_value(f"archive/{name}", value)
        states = url_states(self.crawler)
        self.feed.archived(result.outcomes)
        for url, (outcome, article_id) in result.outcomes.items():
            site_inc(self.stats, url, {"inserted": "new"}.get(outcome, outcome))
            if states is not None:
                states.link_article(url, article_id)
        for duplicate, article_id in result.resolved:
            if states is not None:  # the URL's trace: why it is no article of its own, and which it repeats
                states.decided(_own_urls(duplicate), duplicate.reason, article_id)
        for duplicate in result.orphans:
            self._orphan(duplicate)

    def _orphan(self, duplicate: Duplicate) -> None:
        """An alias whose article is not in the archive (left out by a limit, or its write failed):
        logged, counted, and its page is fetched again by the next crawl."""
        self.stats.inc_value("archive/alias_orphans")
        logger.warning("%s repeats %s, which is not in the archive: not kept as its alias (fetched again next "
                       "crawl)", duplicate.url, duplicate.owner)
        states = url_states(self.crawler)
        if states is not None:
            for url in _own_urls(duplicate):
                states.defer(url)

    def close_spider(self, spider: Spider | None = None) -> None:
        if self.writer is None:
            self.feed.close()
            return
        started = time.perf_counter()
        try:
            if self.error is None:
                result = self.writer.close()
                self._timed(started)
                self._count(result)
        except ArchiveError as exc:
            self._failed(exc)
        finally:
            self._finish_run()
            self.feed.close()

    def _finish_run(self) -> None:
        assert self.writer is not None and self.run_id is not None
        stats: dict[str, Any] = self.stats.get_stats()
        reason = str(stats.get("finish_reason") or "finished")
        status = "finished" if reason in ("finished", "max_articles", "closespider_timeout") else reason
        try:
            finish_run(self.writer.engine, self.run_id, status, stats,
                       new=int(stats.get("archive/inserted", 0)), updated=int(stats.get("archive/updated", 0)),
                       sites=per_site(stats))
        except ArchiveError as exc:  # after a failed write (full disk) already reported: the next crawl
            level = logging.INFO if self.error else logging.ERROR  # marks this run aborted
            logger.log(level, "Could not record the run in %s: %s", describe_db(self.db), exc)


def _own_urls(duplicate: Duplicate) -> list[str]:
    """The URLs fetched for a duplicate, but for its article's own canonical URL (whose state is the article's)."""
    return [url for url in duplicate.fetched if canonicalize_url(url) != duplicate.owner]
