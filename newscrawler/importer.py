"""Import WARC/ARC files into the archive (the CLI's ``import-warc``), in this process.

The files' HTML responses go through a crawl's page processing, article decision, dedupe and
versions (:mod:`newscrawler.spiders.warcimport`), under the archive's crawl lock, with a run
record (command ``import-warc``). Importing the same files again adds nothing: every article
comes out unchanged. As with a crawl, a process runs at most one import (Twisted's reactor).
"""

from __future__ import annotations

import gc
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess

from newscrawler.config import setting_dict, setting_str
from newscrawler.runner import (EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, CrawlOptions, StatCounts, abort_killed_runs,
                                build_settings, record_outcome, under_lock)
from newscrawler.spiders.warcimport import WarcImportSpider


REPLAY_MIDDLEWARE = "newscrawler.fetch.warcreplay.WarcReplayMiddleware"


@dataclass
class ImportOptions:
    files: list[str]
    db: str | None = None
    settings: dict[str, str] = field(default_factory=dict)  # -s NAME=VALUE overrides
    log_level: str = "WARNING"
    log_file: str | None = None
    progress: bool = False


@dataclass
class ImportReport(StatCounts):
    files: list[str]
    stats: dict[str, Any]
    file_errors: dict[str, str]  # path -> one line naming the path
    elapsed: float
    notes: list[str] = field(default_factory=list)

    @property
    def records(self) -> int:
        return self.count("warc/records")

    @property
    def html(self) -> int:
        return self.count("warc/html")

    @property
    def inserted(self) -> int:
        return self.count("archive/inserted")

    @property
    def updated(self) -> int:
        return self.count("archive/updated")

    @property
    def unchanged(self) -> int:
        return self.count("archive/unchanged")

    @property
    def duplicates(self) -> int:
        return self.prefixed("duplicates/")

    @property
    def non_html(self) -> int:
        return self.count("warc/non_html")

    @property
    def bad(self) -> dict[str, int]:
        return {k.removeprefix("warc/bad/"): int(v) for k, v in self.stats.items() if k.startswith("warc/bad/")}

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def archive_error(self) -> str | None:
        error = self.stats.get("archive/error")
        return str(error) if error else None

    @property
    def exit_code(self) -> int:
        if self.archive_error:
            return EXIT_FAILED
        if not self.file_errors:
            return EXIT_OK
        if len(self.file_errors) >= len(self.files) and self.stored == 0 and self.duplicates == 0:
            return EXIT_FAILED
        return EXIT_PARTIAL

    def summary(self, db: str) -> str:
        rate = self.inserted / self.elapsed if self.elapsed else 0.0
        bad = sum(self.bad.values())
        return (f"{self.inserted} new, {self.updated} updated, {self.unchanged} unchanged articles from "
                f"{self.html} HTML responses ({self.records} records, {len(self.files)} files) in "
                f"{self.elapsed:.1f}s ({rate:.1f} new/s); {self.prefixed('pages/not_article/')} not articles, "
                f"{self.duplicates} duplicates, {self.prefixed('dropped/')} dropped, {self.non_html} not HTML, "
                f"{self.count('warc/redirects')} redirects, {bad} bad records, "
                f"{self.prefixed('errors/')} errors -> {db}")


def import_settings(options: ImportOptions) -> Any:
    """A crawl's settings, with the replaying middleware first and nothing that would fetch."""
    settings = build_settings(CrawlOptions(urls=[], db=options.db, log_level=options.log_level,
                                           log_file=options.log_file, progress=options.progress))
    middlewares = setting_dict(settings, "DOWNLOADER_MIDDLEWARES")
    middlewares[REPLAY_MIDDLEWARE] = 1
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    for name, value in {"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                        "CRAWL_RUN_ARGS": {"files": options.files}}.items():
        settings.set(name, value, priority="cmdline")
    for name, value in options.settings.items():
        settings.set(name, value, priority="cmdline")
    return settings


def run_import(options: ImportOptions) -> ImportReport:
    """Import ``options.files`` into the archive while holding its crawl lock.

    Raises ArchiveError before reading on an archive it cannot open, and
    :class:`archive.lock.ArchiveLocked` when a crawl holds the archive. A file it cannot
    read (not a WARC, truncated) is in the report's ``file_errors``; the others are imported.
    """
    if not options.files:
        raise ValueError("no WARC or ARC file given")
    settings = import_settings(options)
    return under_lock(setting_str(settings, "ARCHIVE_DB"), lambda exclusive: _import(options, settings, exclusive),
                      command="import-warc")


def _import(options: ImportOptions, settings: Any, exclusive: bool) -> ImportReport:
    db = setting_str(settings, "ARCHIVE_DB")
    aborted = abort_killed_runs(db, exclusive)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(WarcImportSpider)
    started = time.monotonic()
    process.crawl(crawler, files=list(options.files))
    gc.freeze()
    process.start()
    spider = crawler.spider
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    sys.stderr.flush()
    errors = dict(getattr(spider, "file_errors", {}))
    reason = stats.get("finish_reason")
    if reason is None:  # the crawler never ran (it logged why)
        errors["import"] = "the import did not start (see the log above)"
    elif reason not in ("finished", "archive_error"):
        errors["import"] = f"the import ended early: {reason}"
    report = ImportReport(list(options.files), stats, errors, time.monotonic() - started, notes=aborted)
    if report.bad:
        details = ", ".join(f"{n} {reason}" for reason, n in sorted(report.bad.items()))
        first = getattr(spider, "first_bad", None)
        report.notes.append(f"{sum(report.bad.values())} bad records skipped ({details}; first: {first}; "
                            "--log-level INFO names them all)")
    if stats.get("warc/revisits_unresolved"):
        report.notes.append(f"{stats['warc/revisits_unresolved']} revisit records refer to captures not in these "
                            "files: skipped")
    record_outcome(db, stats, report.exit_code, {"file_errors": report.file_errors}, command="import-warc")
    return report
