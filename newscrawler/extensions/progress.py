"""A live progress display on a terminal (the CLI enables it only when stderr is one).

Twice a second, on stderr, with rich's ``Live`` (cleared when the crawl ends, so that only the
summary line stays): pages, articles, archived, duplicates, dropped and errors; the rate and
the time elapsed; a bar of ``--max-articles`` (``ARCHIVE_MAX_ARTICLES``) and a countdown of
``--max-time`` (``CLOSESPIDER_TIMEOUT``) when given; then a line per site. What is shown is
:func:`progress_lines` of a :class:`Snapshot` of the stats, so it can be tested without a terminal.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from newscrawler.config import setting_float, setting_int
from newscrawler.extensions.sitestats import MAIN_COUNTERS, per_site

MAX_SITES = 20  # per-site lines shown
BAR_WIDTH = 24


def _total(stats: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))


@dataclass(frozen=True)
class Snapshot:
    """What the display shows at one moment."""

    pages: int = 0
    articles: int = 0  # pages judged articles
    archived: int = 0  # articles stored (new, updated or unchanged), copies not counted
    duplicates: int = 0
    dropped: int = 0
    errors: int = 0
    elapsed: float = 0.0  # seconds
    max_articles: int = 0  # 0: no limit
    max_time: float = 0.0  # seconds; 0: no limit
    sites: dict[str, dict[str, int | float]] = field(default_factory=dict)

    @classmethod
    def of(cls, stats: dict[str, Any], elapsed: float, max_articles: int = 0, max_time: float = 0.0,
           sites: list[str] | None = None) -> Snapshot:
        """A snapshot of flat Scrapy stats; ``sites`` are listed even before their first count."""
        copies = _total(stats, "duplicates/")
        counts = {site: dict.fromkeys(MAIN_COUNTERS, 0) for site in sites or []}
        counts.update(per_site(stats))
        return cls(pages=int(stats.get("response_received_count", 0)), articles=int(stats.get("pages/article", 0)),
                   archived=int(stats.get("item_scraped_count", 0)) - copies, duplicates=copies,
                   dropped=_total(stats, "dropped/"), errors=_total(stats, "errors/"), elapsed=elapsed,
                   max_articles=max_articles, max_time=max_time, sites=counts)


def clock(seconds: float) -> str:
    """``m:ss``, or ``h:mm:ss`` from an hour."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def bar(done: float, total: float, width: int = BAR_WIDTH) -> str:
    """``[#####.....]``: the part of ``total`` that is ``done``."""
    filled = min(width, int(width * done / total)) if total > 0 else 0
    return "[" + "#" * filled + "." * (width - filled) + "]"


def progress_lines(snap: Snapshot, width: int = 120) -> list[str]:
    """The display's lines, each cut to ``width``."""
    rate = snap.archived / snap.elapsed if snap.elapsed > 0 else 0.0
    page_rate = snap.pages / snap.elapsed if snap.elapsed > 0 else 0.0
    lines = [f"pages {snap.pages}  articles {snap.articles}  archived {snap.archived}  duplicates {snap.duplicates}  "
             f"dropped {snap.dropped}  errors {snap.errors}",
             f"{rate:.1f} articles/s  {page_rate:.1f} pages/s  elapsed {clock(snap.elapsed)}"]
    if snap.max_articles:
        lines.append(f"max-articles {bar(snap.archived, snap.max_articles)} {snap.archived}/{snap.max_articles}")
    if snap.max_time:
        left = max(0.0, snap.max_time - snap.elapsed)
        lines.append(f"max-time     {bar(snap.elapsed, snap.max_time)} {clock(left)} left of {clock(snap.max_time)}")
    for site, c in list(snap.sites.items())[:MAX_SITES]:
        errors = sum(int(v) for k, v in c.items() if k.startswith(("errors/", "blocked/")))
        lines.append(f"  {site}: fetched {c.get('fetched', 0)}  304 {c.get('not_modified', 0)}  "
                     f"skipped {c.get('skipped', 0)}  articles {c.get('articles', 0)}  errors {errors}")
    if len(snap.sites) > MAX_SITES:
        lines.append(f"  ... and {len(snap.sites) - MAX_SITES} more sites")
    return [line[:width] for line in lines]


class ProgressDisplay:
    """The live display, on stderr when it is a terminal (else not configured)."""

    def __init__(self, crawler: Crawler) -> None:
        if not sys.stderr.isatty():
            raise NotConfigured("stderr is not a terminal")
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.crawler = crawler
        self.max_articles = setting_int(crawler.settings, "ARCHIVE_MAX_ARTICLES")
        self.max_time = setting_float(crawler.settings, "CLOSESPIDER_TIMEOUT")
        self.console = Console(file=sys.stderr, highlight=False)
        self.live = Live(console=self.console, auto_refresh=False, transient=True, redirect_stdout=False,
                         redirect_stderr=False)
        self.task = create_looping_call(self.show)
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressDisplay:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.started = time.monotonic()
        self.live.start()
        self.task.start(0.5)

    def closed(self) -> None:
        if self.task.running:
            self.task.stop()
        self.live.stop()  # transient: the display is erased
        sys.stderr.flush()

    def snapshot(self) -> Snapshot:
        return Snapshot.of(self.stats.get_stats(), time.monotonic() - self.started, self.max_articles,
                           self.max_time, list(getattr(self.crawler.spider, "sites", {})))

    def show(self) -> None:
        lines = progress_lines(self.snapshot(), max(20, self.console.width - 1))
        self.live.update(Text("\n".join(lines), no_wrap=True, overflow="crop"), refresh=True)
