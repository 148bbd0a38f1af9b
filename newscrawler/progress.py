"""A live one-line progress count on a terminal (the CLI enables it only on a TTY)."""

from __future__ import annotations

import sys

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call


class ProgressDisplay:
    """Rewrites one status line on stderr every half second: pages, articles, archived, errors."""

    def __init__(self, crawler: Crawler) -> None:
        if not sys.stderr.isatty():
            raise NotConfigured("stderr is not a terminal")
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.task = create_looping_call(self.show)

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
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    def show(self) -> None:
        s = self.stats.get_stats()
        errors = sum(v for k, v in s.items() if k.startswith("errors/") and isinstance(v, int))
        dropped = sum(v for k, v in s.items() if k.startswith("dropped/") and isinstance(v, int))
        line = (f"pages {s.get('response_received_count', 0)}  articles {s.get('pages/article', 0)}  "
                f"archived {s.get('item_scraped_count', 0)}  dropped {dropped}  errors {errors}")
        sys.stderr.write("\r\033[K" + line)
        sys.stderr.flush()
