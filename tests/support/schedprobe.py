"""A test-only Scrapy extension: the largest number of requests Scrapy's scheduler held.

Loaded with ``-s EXTENSIONS={"tests.support.schedprobe.SchedulerProbe": 0}`` and the
repository's root on ``PYTHONPATH``; samples ``len(engine.scheduler)``
every 10 ms and keeps the maximum in the stat ``test/scheduler_peak`` (saved with the run).
"""

from __future__ import annotations

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from twisted.internet import task


class SchedulerProbe:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.loop = task.LoopingCall(self.sample)
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SchedulerProbe:
        return cls(crawler)

    def opened(self, spider: Spider) -> None:
        self.loop.start(0.01)

    def sample(self) -> None:
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        if scheduler is not None and self.crawler.stats is not None:
            self.crawler.stats.max_value("test/scheduler_peak", len(scheduler))

    def closed(self, spider: Spider) -> None:
        if self.loop.running:
            self.loop.stop()
