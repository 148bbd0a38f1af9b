"""Run one crawl in this process (the CLI's ``crawl``, ``fetch`` and ``demo``).

Twisted's reactor cannot be restarted, so a process runs at most one crawl.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.engine import open_archive, resolve_db_url
from archive.errors import ArchiveError
from archive.pglock import crawl_lock
from archive.runs import RunRecord, abort_unfinished_runs, list_runs
from archive.store import set_run_status
from newscrawler.config import setting_dict, setting_str
from newscrawler.frontier.keys import check_frontier
from newscrawler.sources import SiteRules
from newscrawler.spiders.news import NewsSpider, parse_start_urls

logger = logging.getLogger(__name__)

# The exit codes of the crawl commands (documented in docs/cli.md, "Running from cron").
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 75
RUN_STATUS = {EXIT_OK: "ok", EXIT_FAILED: "failed", EXIT_PARTIAL: "partial"}
# A run killed (still "running", or "aborted" once a later crawl noticed) or stopped by a signal.
UNFINISHED = ("running", "aborted", "interrupted")


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
    revisit: bool = False
    since: str | None = None  # skip sitemap/feed entries older than this date
    sources: list[dict[str, Any]] | None = None  # per-site options (newscrawler.sources)
    resumed_from: int | None = None  # the interrupted run this one continues
    frontier: str | None = None  # redis://HOST:PORT/DB: a worker on a shared frontier (newscrawler.frontier.scheduler)

    def run_args(self) -> dict[str, Any]:
        """What a later ``--resume`` needs to crawl the same sites again (stored with the run)."""
        return {"urls": self.urls, "sources": self.sources, "depth": self.depth, "since": self.since,
                "revisit": self.revisit, "resumed_from": self.resumed_from}


class StatCounts:
    """Reading a run's Scrapy ``stats``: a counter, and the sum of the counters under a prefix."""

    stats: dict[str, Any]

    def count(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)

    def prefixed(self, prefix: str) -> int:
        return sum(int(v) for k, v in self.stats.items() if k.startswith(prefix) and isinstance(v, int))


@dataclass
class CrawlReport(StatCounts):
    start_urls: list[str]
    stats: dict[str, Any]
    site_errors: dict[str, str]
    elapsed: float
    notes: list[str] = field(default_factory=list)  # warnings for the user: stale lock, blocked sites...

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
            f"{self.prefixed('pages/not_article/')} not articles, {self.prefixed('duplicates/')} duplicates, "
            f"{self.prefixed('dropped/')} dropped, "
            f"{self.prefixed('errors/')} errors; {self.count('incremental/not_modified')} not modified, "
            f"{self.count('incremental/skipped')} known and skipped -> {db}"
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
    settings.set("CRAWL_RUN_ARGS", options.run_args(), priority="cmdline")
    if options.log_file:
        settings.set("LOG_FILE", options.log_file, priority="cmdline")
    if options.frontier:
        settings.set("FRONTIER_URL", options.frontier, priority="cmdline")
    if options.progress:
        extensions = setting_dict(settings, "EXTENSIONS")
        extensions["newscrawler.extensions.progress.ProgressDisplay"] = 900
        settings.set("EXTENSIONS", extensions, priority="cmdline")
    if options.sources:
        slots = SiteRules(options.sources).download_slots()
        if slots:
            settings.set("DOWNLOAD_SLOTS", slots, priority="cmdline")
    for name, value in options.settings.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_crawl(options: CrawlOptions) -> CrawlReport:
    """Crawl ``options.urls`` into the archive while holding its lock.

    Raises ValueError/ArchiveError before crawling on bad input, and
    :class:`archive.lock.ArchiveLocked` when another crawl holds the archive.
    """
    parse_start_urls(options.urls)
    settings = build_settings(options)
    frontier = setting_str(settings, "FRONTIER_URL")
    if frontier:
        check_frontier(frontier)
    # Workers of a frontier share the crawl lock (they run together); a plain crawl excludes them.
    return under_lock(setting_str(settings, "ARCHIVE_DB"), lambda exclusive: _crawl(options, settings, exclusive),
                      shared=bool(frontier))


class HasNotes(Protocol):
    notes: list[str]


ReportT = TypeVar("ReportT", bound=HasNotes)


def under_lock(db: str, work: Callable[[bool], ReportT], *, command: str = "crawl",
               shared: bool = False) -> ReportT:
    """``work(exclusive)`` while holding the archive's crawl lock (``shared`` for frontier workers);
    a stale lock taken over becomes the report's first note. Raises
    :class:`archive.lock.ArchiveLocked` when another crawl holds it."""
    lock = crawl_lock(db, command=command, shared=shared)
    if lock is not None:
        lock.acquire()
    try:
        # Only an exclusive holder knows no other crawl runs: a frontier worker holds the lock shared,
        # and the "running" run of another worker that started a moment before is alive.
        report = work(lock is not None and not lock.shared)
    finally:
        if lock is not None:
            lock.release()
    if lock is not None and lock.stale:
        report.notes.insert(0, f"took over a stale lock left by PID {lock.stale.get('pid', '?')} "
                               f"(started {lock.stale.get('started', '?')})")
    return report


def abort_killed_runs(db: str, exclusive: bool) -> list[str]:
    """Open the archive ``db`` (failing fast, with the path, before any request) and, when this
    process holds its lock ``exclusive``ly, mark the runs left ``running`` aborted: no other crawl
    runs, so they were killed. The note for the user, if any."""
    engine = open_archive(db)
    try:
        aborted = abort_unfinished_runs(engine) if exclusive else []
    finally:
        engine.dispose()
    if not aborted:
        return []
    return [f"run{'s' if len(aborted) > 1 else ''} {', '.join(map(str, aborted))} never finished (killed?): "
            "marked aborted"]


def record_outcome(db: str | None, stats: dict[str, Any], exit_code: int, details: dict[str, Any],
                   command: str = "crawl") -> list[str]:
    """Store the run's final status (ok/partial/failed/interrupted) with ``details`` (its errors);
    returns the run's warnings (a site that yielded nothing...) for the user."""
    run_id = stats.get("archive/run_id")
    if not run_id:
        return []
    status = "interrupted" if stats.get("finish_reason") == "shutdown" else RUN_STATUS[exit_code]
    try:
        engine = open_archive(db)
        try:
            set_run_status(engine, int(run_id), status, details)
            runs = list_runs(engine, last=1, command=command)
        finally:
            engine.dispose()
    except ArchiveError as exc:
        level = logging.INFO if stats.get("archive/error") else logging.ERROR  # reported already
        logger.log(level, "Could not record the run's outcome: %s", exc)
        return []
    return runs[0].warnings if runs and runs[0].id == int(run_id) else []


def _crawl(options: CrawlOptions, settings: Settings, exclusive: bool) -> CrawlReport:
    db = setting_str(settings, "ARCHIVE_DB")
    aborted = abort_killed_runs(db, exclusive)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    started = time.monotonic()
    process.crawl(crawler, url=options.urls, mode=options.mode, depth=options.depth, revisit=options.revisit,
                  since=options.since, sources=options.sources)
    # What is alive now (modules, classes, settings: ~700k objects) lives as long as the crawl:
    # out of the collector's sight, its full collections stop re-scanning it (~6% of this process's CPU).
    gc.freeze()
    process.start()
    spider = crawler.spider
    assert crawler.stats is not None
    errors = dict(getattr(spider, "site_errors", {}))
    stats = crawler.stats.get_stats()
    if stats.get("archive/error"):  # a write failed (full disk...): what was saved before stays
        errors["archive"] = str(stats["archive/error"])
    elif stats.get("finish_reason") not in (None, "finished", "max_articles", "closespider_timeout"):
        errors.setdefault("crawl", f"crawl ended early: {stats.get('finish_reason')}")
    sys.stderr.flush()
    report = CrawlReport(list(options.urls), stats, errors, time.monotonic() - started, notes=aborted)
    report.notes.extend(record_outcome(db, stats, report.exit_code, {"site_errors": report.site_errors}))
    return report


def interrupted_run(db: str | None) -> RunRecord | None:
    """The last crawl run of the archive ``db`` when it did not finish (killed or stopped by a signal)."""
    engine = open_archive(db)
    try:
        runs = list_runs(engine, last=1, command="crawl")
    finally:
        engine.dispose()
    if runs and runs[0].status in UNFINISHED and runs[0].args.get("urls") and runs[0].args.get("mode") == "site":
        return runs[0]
    return None


def resume_options(run: RunRecord, options: CrawlOptions) -> CrawlOptions:
    """``options`` with the sites and discovery settings of the interrupted ``run`` (limits stay as given)."""
    args = run.args
    return replace(options, urls=list(args["urls"]), sources=args.get("sources"), depth=args.get("depth"),
                   since=args.get("since"), revisit=bool(args.get("revisit")), resumed_from=run.id)
