"""A live progress display on a terminal (the CLI enables it only on a TTY): totals and per-site counts."""

from __future__ import annotations

import shutil
import sys

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from newscrawler.extensions.sitestats import MAIN_COUNTERS, per_site


class ProgressDisplay:
    """Rewrites the status lines on stderr every half second: totals, then one line per site."""

    def __init__(self, crawler: Crawler) -> None:
        if not sys.stderr.isatty():
            raise NotConfigured("stderr is not a terminal")
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.crawler = crawler
        self.task = create_looping_call(self.show)
        self.lines = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressDisplay:
        ext = cls(crawler)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self) -> None:
        self.task.start(0.5)

    def closed(self) -> None:
        if self.task.running:
            self.task.stop()
        sys.stderr.write(self._clear())
        sys.stderr.flush()

    def _clear(self) -> str:
        """Moves back to the first status line and clears it and the ones below."""
        up = f"\033[{self.lines - 1}A" if self.lines > 1 else ""
        return "\r" + up + "\033[J"

    def show(self) -> None:
        s = self.stats.get_stats()
        errors = sum(v for k, v in s.items() if k.startswith("errors/") and isinstance(v, int))
        dropped = sum(v for k, v in s.items() if k.startswith("dropped/") and isinstance(v, int))
        copies = sum(v for k, v in s.items() if k.startswith("duplicates/") and isinstance(v, int))
        line = (f"pages {s.get('response_received_count', 0)}  articles {s.get('pages/article', 0)}  "
                f"archived {s.get('item_scraped_count', 0) - copies}  duplicates {copies}  dropped {dropped}  "
                f"errors {errors}")
        width = shutil.get_terminal_size((100, 20)).columns - 1
        lines = [line[:width]]
        counts = {site: dict.fromkeys(MAIN_COUNTERS, 0) for site in getattr(self.crawler.spider, "sites", {})}
        counts.update(per_site(s))
        for site, c in list(counts.items())[:20]:
            errors = sum(v for k, v in c.items() if k.startswith(("errors/", "blocked/")))
            lines.append(f"  {site}: fetched {c['fetched']}  304 {c['not_modified']}  skipped {c['skipped']}  "
                         f"articles {c.get('articles', 0)}  errors {errors}"[:width])
        sys.stderr.write(self._clear() + "\n".join(lines))
        self.lines = len(lines)
        sys.stderr.flush()
