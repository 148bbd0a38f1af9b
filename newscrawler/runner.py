"""Run one crawl in this process (the CLI's ``crawl``, ``fetch`` and ``demo``).

Twisted's reactor cannot be restarted, so a process runs at most one crawl.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.engine import open_archive, resolve_db_url
from newscrawler.spiders.news import NewsSpider, parse_start_urls

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3


@dataclass
class CrawlOptions:
    urls: list[str]
    db: str | None = None
    mode: str = "site"  # "site": discover articles; "single": archive exactly these pages
    depth: int | None = None
    max_articles: int | None = None
    max_time: float | None = None
    settings: dict[str, str] = field(default_factory=dict)  # -s NAME=VALUE overrides
    log_level: str = "WARNING"
    log_file: str | None = None
    progress: bool = False


@dataclass
class CrawlReport:
    start_urls: list[str]
    stats: dict[str, Any]
    site_errors: dict[str, str]
    elapsed: float

    def count(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)

    def prefixed(self, prefix: str) -> int:
        return sum(int(v) for k, v in self.stats.items() if k.startswith(prefix) and isinstance(v, int))

    @property
    def stored(self) -> int:
        return self.count("archive/inserted") + self.count("archive/updated") + self.count("archive/unchanged")

    @property
    def exit_code(self) -> int:
        if not self.site_errors:
            return EXIT_OK
        if len(self.site_errors) >= len(self.start_urls) and self.stored == 0:
            return EXIT_FAILED
        return EXIT_PARTIAL

    def summary(self, db: str) -> str:
        rate = self.count("archive/inserted") / self.elapsed if self.elapsed else 0.0
        return (
            f"{self.count('archive/inserted')} new, {self.count('archive/updated')} updated, "
            f"{self.count('archive/unchanged')} unchanged articles from "
            f"{self.count('response_received_count')} pages in {self.elapsed:.1f}s ({rate:.1f} new/s); "
            f"{self.prefixed('pages/not_article/')} not articles, {self.prefixed('dropped/')} dropped, "
            f"{self.prefixed('errors/')} errors -> {db}"
        )


def build_settings(options: CrawlOptions) -> Settings:
    settings = Settings()
    settings.setmodule("newscrawler.settings", priority="project")
    settings.set("ARCHIVE_DB", options.db or resolve_db_url(None), priority="cmdline")
    if options.max_articles:
        settings.set("ARCHIVE_MAX_ARTICLES", options.max_articles, priority="cmdline")
    if options.max_time:
        settings.set("CLOSESPIDER_TIMEOUT", options.max_time, priority="cmdline")
    settings.set("LOG_LEVEL", options.log_level, priority="cmdline")
    if options.log_file:
        settings.set("LOG_FILE", options.log_file, priority="cmdline")
    if options.progress:
        settings.set("EXTENSIONS", {"newscrawler.progress.ProgressDisplay": 900}, priority="cmdline")
    for name, value in options.settings.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlReport:
    """Crawl ``options.urls`` into the archive; raises ValueError/ArchiveError before crawling on bad input."""
    parse_start_urls(options.urls)
    settings = build_settings(options)
    open_archive(settings.get("ARCHIVE_DB")).dispose()  # fail fast, with the path, before any request
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    started = time.monotonic()
    process.crawl(crawler, url=options.urls, mode=options.mode, depth=options.depth)
    process.start()
    spider = crawler.spider
    assert crawler.stats is not None
    errors = dict(getattr(spider, "site_errors", {}))
    stats = crawler.stats.get_stats()
    if stats.get("finish_reason") not in (None, "finished", "max_articles", "closespider_timeout"):
        errors.setdefault("crawl", f"crawl ended early: {stats.get('finish_reason')}")
    sys.stderr.flush()
    return CrawlReport(list(options.urls), stats, errors, time.monotonic() - started)
