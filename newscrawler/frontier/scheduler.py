"""A frontier shared by several crawler processes: scrapy-redis with leases.

scrapy-redis keeps the request queue (a sorted set, by priority) and the seen
set in Redis, so any number of ``newscrawler crawl --frontier redis://...``
processes, on any machines, share them. Its queue pops destructively: a worker
killed with its requests would lose them. So a pop here *leases* the request
(one Lua script moves it from the queue to the worker's in-flight hash), the
worker keeps a heartbeat key with a TTL, and the lease is acknowledged (deleted)
only once the request is done with: its callback or errback has run, what it
yielded is in the queue, and the articles it produced are committed to the
archive. Any live worker puts the leases of a worker whose heartbeat expired
back into the queue. Delivery is at least once; the archive's upserts on the
canonical URL make a repeat harmless.

A crawl round: the first worker to start seeds it (its ``start()`` requests:
start pages, robots.txt, listed feeds and sitemaps, due revisits), later
joiners only consume. A worker whose queue is empty waits while other live
workers hold leases (they may yield more requests), and closes as ``finished``
once the queue is empty, seeding is done and no live worker holds a lease. The
next worker to start after that begins a new round (a new seen set).

The narrow adaptations of scrapy-redis 0.9.1 to Scrapy 2.19 and to us:
``FrontierScheduler.open`` builds its queue and dupe filter itself (per-crawl
keys), ``FrontierDupeFilter`` (in :mod:`newscrawler.frontier.queue`, with the queue and
the Lua scripts) fingerprints with ``crawler.request_fingerprinter``
(scrapy-redis hashes its own JSON) and keeps, per fingerprint, the fewest link
hops the URL was found at, which the spider middleware copies into
``response.meta["depth"]`` (a shorter path found by another worker counts).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from newscrawler.config import setting, setting_bool, setting_float, setting_str
from newscrawler.frontier.keys import Keys, describe_frontier, worker_id
from newscrawler.frontier.queue import (
    CLAIM_LUA, REQUEUE_OWN_LUA, SEEDED_LUA, SWEEP_LUA, LEASE, FrontierDupeFilter, LeasingQueue, frontier_keys,
)

logger = logging.getLogger(__name__)

class FrontierScheduler(Scheduler):
    """scrapy-redis's scheduler with leases, heartbeats, one-time seeding and drain detection."""

    def __init__(self, server: Redis, crawler: Crawler, **kwargs: Any) -> None:
        kwargs["persist"] = True  # a worker leaving must not wipe the shared queue
        super().__init__(server, **kwargs)
        self.crawler = crawler
        settings = crawler.settings
        self.worker = setting_str(settings, "FRONTIER_WORKER_ID") or worker_id()
        self.url = describe_frontier(setting_str(settings, "FRONTIER_URL") or "")
        self.ttl = setting_float(settings, "FRONTIER_HEARTBEAT_TTL")
        self.flush_after = setting_float(settings, "FRONTIER_FLUSH_SECONDS")
        self.grace = setting_float(settings, "FRONTIER_ROUND_GRACE")
        self.keys = Keys("")
        self.seeder = False
        self.store: Any = None  # the FrontierStorePipeline, when articles are archived
        self.leased: dict[str, Request] = {}  # lease -> request not yet done with
        self.with_items: set[str] = set()  # leases whose response produced stored articles
        self.uncommitted: dict[str, float] = {}  # done, but their articles may still be in the batch
        self.to_ack: list[str] = []
        self.takeover: Any = None  # set by FrontierSpiderMiddleware: seed again if the seeder died
        scripts = {"sweep": SWEEP_LUA, "claim": CLAIM_LUA, "seeded": SEEDED_LUA, "requeue": REQUEUE_OWN_LUA}
        self._scripts = {name: server.register_script(lua) for name, lua in scripts.items()}
        self._beat: task.LoopingCall | None = None
        self._last_beat = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierScheduler:
        settings = crawler.settings
        server = get_redis_from_settings(settings)
        server.ping()
        scheduler = cls(server, crawler, queue_cls="newscrawler.frontier.queue.LeasingQueue",
                        dupefilter_cls=setting(settings, "DUPEFILTER_CLASS"),
                        serializer=None, idle_before_close=0)
        scheduler.stats = crawler.stats
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(scheduler.item_scraped, signal=signals.item_scraped)
        return scheduler

    # --- Scrapy's scheduler interface ------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        self.keys = frontier_keys(self.crawler, spider)
        self.queue = LeasingQueue(self.server, spider, self.keys.queue, self.keys.inflight(self.worker))
        debug = setting_bool(self.crawler.settings, "DUPEFILTER_DEBUG")
        self.df = FrontierDupeFilter(self.server, self.keys.seen, debug, self.crawler)
        claim = self._scripts["claim"](args=[self.keys.prefix, self.worker, int(self.ttl * 1000)])
        self.seeder = claim == b"seed"
        self._last_beat = time.monotonic()
        self._inc("frontier/seeded" if self.seeder else "frontier/joined")
        if claim == b"late":
            self._inc("frontier/late")
            logger.warning("Frontier %s: its crawl round ended less than %ss ago (FRONTIER_ROUND_GRACE); "
                           "nothing to do", self.keys.prefix, self.grace)
        logger.info("Frontier %s (%s) on %s: worker %s %s", self.keys.prefix, "seeding" if self.seeder else "joining",
                    self.url, self.worker, f"with {len(self.queue)} requests queued" if len(self.queue) else "")
        self._beat = task.LoopingCall(self._tick)
        self._beat.start(1.0, now=False)

    # enqueue_request/next_request as scrapy-redis's, without its stats(spider=...) (deprecated in Scrapy 2.19)
    def enqueue_request(self, request: Request) -> bool:
        request.meta.pop(LEASE, None)  # a redirect or retry of a leased request: it gets its own lease
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        self._inc("scheduler/enqueued/redis")
        self.queue.push(request)
        return True

    def next_request(self) -> Request | None:
        request: Request | None = self.queue.pop()
        if request is not None:
            self.leased[request.meta[LEASE]] = request
            self._inc("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return len(self) > 0

    def close(self, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        try:
            self._settle()
            for lease in list(self.uncommitted):  # the pipelines have flushed (or failed: then requeued)
                if self.store is None or self.store.pending == 0:
                    self.to_ack.append(lease)
                    del self.uncommitted[lease]
            self._ack()
            requeued = self._scripts["requeue"](keys=[self.keys.queue, self.keys.inflight(self.worker)])
            if requeued:
                self._inc("frontier/returned", int(requeued))
                logger.info("Frontier: returned %s unfinished requests to the queue", requeued)
            pipe = self.server.pipeline()
            pipe.delete(self.keys.heartbeat(self.worker))
            pipe.srem(self.keys.workers, self.worker)
            pipe.execute()
        except RedisError as exc:
            logger.error("Frontier %s: could not leave cleanly (%s); other workers requeue this worker's "
                         "requests when its heartbeat expires", self.url, exc)

    # --- seeding ---------------------------------------------------------------------------
    def seeding_done(self) -> None:
        self._scripts["seeded"](args=[self.keys.prefix, self.worker])

    # --- leases ----------------------------------------------------------------------------
    def item_scraped(self, item: Any, response: Response | None = None, spider: Spider | None = None) -> None:
        lease = response.meta.get(LEASE) if isinstance(response, Response) else None
        if lease:
            self.with_items.add(lease)

    def committed(self) -> None:
        """The archive writer's buffer is empty: every article scraped so far is in the database."""
        self.to_ack.extend(self.uncommitted)
        self.uncommitted.clear()

    def _settle(self) -> None:
        """Leases whose request the engine is done with: acknowledge them, or wait for their articles' commit."""
        slot = getattr(self.crawler.engine, "_slot", None)
        inprogress = slot.inprogress if slot is not None else set()
        for lease, request in list(self.leased.items()):
            if request in inprogress:
                continue
            del self.leased[lease]
            if lease in self.with_items and self.store is not None and self.store.pending:
                self.uncommitted[lease] = time.monotonic()
            else:
                self.to_ack.append(lease)
            self.with_items.discard(lease)

    def _ack(self) -> None:
        if self.to_ack:
            self.server.hdel(self.keys.inflight(self.worker), *self.to_ack)
            self._inc("frontier/acked", len(self.to_ack))
            self.to_ack.clear()

    def _tick(self) -> None:
        """Every second: settle and acknowledge leases, flush old uncommitted articles, beat the heart,
        and have the engine take requests from the queue."""
        try:
            self._settle()
            oldest = min(self.uncommitted.values(), default=None)
            if oldest is not None and self.store is not None and time.monotonic() - oldest > self.flush_after:
                self.store.flush_now()
            self._ack()
            if time.monotonic() - self._last_beat >= self.ttl / 3:
                self._heartbeat()
        except RedisError as exc:
            logger.warning("Frontier %s unreachable: %s", self.url, exc)
        self._wake_engine()

    def _wake_engine(self) -> None:
        """Look at the shared queue now: an idle engine looks only every 5 s (Scrapy's heartbeat),
        and other workers' pages may have queued requests since (a short round could end unseen)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def _heartbeat(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.keys.heartbeat(self.worker), "1", px=int(self.ttl * 1000))
        pipe.sadd(self.keys.workers, self.worker)
        pipe.execute()
        self._last_beat = time.monotonic()

    # --- the end of a crawl ----------------------------------------------------------------
    def spider_idle(self, spider: Spider) -> None:
        """Close only when the whole frontier is drained; meanwhile requeue dead workers' leases."""
        try:
            self._idle()
        except RedisError as exc:
            logger.error("Frontier %s unreachable: %s", self.url, exc)
            raise CloseSpider("frontier_unreachable") from exc

    def _idle(self) -> None:
        self._settle()
        if self.uncommitted and self.store is not None:
            self.store.flush_now()
        self._ack()
        requeued, busy, queued, seed = self._scripts["sweep"](args=[self.keys.prefix])
        if requeued:
            self._inc("frontier/requeued", int(requeued))
            logger.warning("Frontier: requeued %s requests of workers whose heartbeat expired", requeued)
        if seed != b"done" and self._scripts["claim"](
                args=[self.keys.prefix, self.worker, int(self.ttl * 1000)]) == b"seed":
            logger.warning("Frontier: the seeding worker %s is gone; seeding again", seed.decode() or "?")
            if self.takeover is not None:
                self.takeover()
            raise DontCloseSpider
        if busy or queued or self.uncommitted or seed != b"done":
            self._inc("frontier/idle_waits")
            raise DontCloseSpider
        if self.grace > 0:  # workers started just after the end of the round do not start another
            self.server.set(f"{self.keys.prefix}:drained", "1", px=int(self.grace * 1000), nx=True)

    def _inc(self, key: str, n: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(key, n)


def scheduler_of(crawler: Crawler) -> FrontierScheduler | None:
    """The crawl's frontier scheduler (None when the crawl does not use one)."""
    slot = getattr(crawler.engine, "_slot", None)  # engine.scheduler is Scrapy >= 2.19 only
    scheduler = slot.scheduler if slot is not None else None
    return scheduler if isinstance(scheduler, FrontierScheduler) else None


class FrontierSpiderMiddleware:
    """Only the seeding worker's start requests enter the frontier; link depths found by any worker count."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.held: list[Request] = []  # a joiner's start requests, in case the seeder dies while seeding

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierSpiderMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        scheduler = scheduler_of(self.crawler)
        async for item_or_request in start:
            if scheduler is None or scheduler.seeder:
                yield item_or_request
            elif isinstance(item_or_request, Request):
                self.held.append(item_or_request)
        if scheduler is not None and scheduler.seeder:
            scheduler.seeding_done()
        if scheduler is not None:
            scheduler.takeover = self.takeover

    def takeover(self) -> None:
        """This worker became the seeder after the first one died: schedule the start requests now."""
        scheduler = scheduler_of(self.crawler)
        engine = self.crawler.engine
        if scheduler is None or engine is None:
            return
        for request in self.held:
            engine.crawl(request)
        self.held.clear()
        scheduler.seeding_done()

    def process_spider_input(self, response: Response) -> None:
        scheduler = scheduler_of(self.crawler)
        depth = response.meta.get("depth")
        if scheduler is None or not isinstance(depth, int) or response.request is None:
            return
        if response.request.dont_filter or not isinstance(scheduler.df, FrontierDupeFilter):
            return
        shortest = scheduler.df.link_depth(response.request)
        if shortest is not None and shortest < depth:
            response.meta["depth"] = shortest
