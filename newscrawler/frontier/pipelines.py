"""The dedupe and store pipelines of a crawl on the shared frontier (see :mod:`newscrawler.frontier.scheduler`).

``FrontierDedupePipeline`` also marks as a duplicate (kept as an alias) a body
another worker took under another canonical URL in this round (a Redis hash of
content hashes); the alias waits for that worker to commit the article (see
:class:`archive.aliases.AliasBuffer`).
``FrontierStorePipeline`` tells the frontier when the archive writer's buffer
is empty, i.e. every article scraped so far is committed, so that the leases
of their requests can be acknowledged; and it records the worker in the run.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Spider

from archive.store import content_hash
from newscrawler.frontier.scheduler import FrontierScheduler, scheduler_of
from newscrawler.items import ArticleItem
from newscrawler.pipelines import DedupePipeline, StorePipeline, article_key, mark_duplicate


class FrontierDedupePipeline(DedupePipeline):
    """One article per body across all workers of the round (first come, first stored)."""

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item = super().process_item(item)
        scheduler = scheduler_of(self.crawler)
        if scheduler is None or item.duplicate is not None:
            return item
        key = article_key(item)
        body = content_hash(item.article.text)
        server = scheduler.server
        if not server.hsetnx(scheduler.keys.bodies, body, key):
            owner = server.hget(scheduler.keys.bodies, body)
            owner_url = owner.decode() if isinstance(owner, bytes) else str(owner)
            if owner_url != key:
                return mark_duplicate(item, self.stats, owner_url, "duplicate_body")
        return item


class FrontierStorePipeline(StorePipeline):
    """The store pipeline, telling the frontier what is committed; run records name the worker."""

    scheduler: FrontierScheduler | None = None

    def open_spider(self, spider: Spider | None = None) -> None:
        self.scheduler = scheduler_of(self.crawler)
        super().open_spider(spider)
        if self.scheduler is not None:
            self.scheduler.store = self

    def run_args(self, spider: Spider | None) -> dict[str, Any]:
        args = super().run_args(spider)
        if self.scheduler is not None:
            args.update(worker=self.scheduler.worker, frontier=self.scheduler.url,
                        frontier_name=self.scheduler.keys.prefix, seeder=self.scheduler.seeder)
        return args

    @property
    def pending(self) -> int:
        return self.writer.pending if self.writer is not None else 0

    def process_item(self, item: ArticleItem) -> ArticleItem:
        item = super().process_item(item)
        self._notify()
        return item

    def flush_now(self) -> None:
        """Write the buffered articles now (the frontier waits for them to acknowledge requests)."""
        if self.writer is None:
            return
        started = time.perf_counter()
        result = self.writer.flush()
        self._timed(started)
        self._count(result)
        self._notify()

    def close_spider(self, spider: Spider | None = None) -> None:
        try:
            super().close_spider(spider)
        finally:
            self._notify()

    def _notify(self) -> None:
        if self.scheduler is not None and self.pending == 0:
            self.scheduler.committed()
