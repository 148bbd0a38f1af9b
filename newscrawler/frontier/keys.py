"""The shared frontier's names and settings, importable without scrapy-redis (an optional extra).

``FrontierAddon`` (listed in ``ADDONS``) switches a crawl to the shared Redis
frontier of :mod:`newscrawler.frontier.scheduler` when the ``FRONTIER_URL`` setting is
set (``newscrawler crawl --frontier redis://HOST:PORT/DB``, or
``scrapy crawl news -s FRONTIER_URL=redis://...``); otherwise it does nothing.
"""

from __future__ import annotations

import hashlib
import os
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newscrawler.config import setting_str

INSTALL_HINT = "pip install 'newscrawler[scale]' (redis, scrapy-redis)"
PIPELINE_SWAPS = {
    "newscrawler.pipelines.DedupePipeline": "newscrawler.frontier.pipelines.FrontierDedupePipeline",
    "newscrawler.pipelines.StorePipeline": "newscrawler.frontier.pipelines.FrontierStorePipeline",
}


def worker_id() -> str:
    """This process's name in the frontier and in the run records: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def describe_frontier(url: str) -> str:
    """``url`` with any password masked, for messages and run records."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def check_frontier_url(url: str) -> str:
    """``url`` if it is a redis:// / rediss:// / unix:// URL; ValueError otherwise."""
    if urlsplit(url).scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"not a Redis URL: {url} (use redis://HOST:PORT/DB)")
    return url


def check_frontier(url: str) -> None:
    """Fail early, with a one-line ValueError naming ``url``, when the frontier cannot be used."""
    check_frontier_url(url)
    try:
        import redis
        import scrapy_redis  # noqa: F401
    except ImportError:
        raise ValueError(f"a frontier needs redis and scrapy-redis: {INSTALL_HINT}") from None
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise ValueError(f"cannot reach frontier {describe_frontier(url)}: {exc}") from exc
    finally:
        client.close()


def crawl_name(spider_name: str, start_urls: list[str], mode: str = "site") -> str:
    """The default frontier name: workers started with the same URLs share one frontier."""
    digest = hashlib.sha1("\n".join([spider_name, mode, *sorted(start_urls)]).encode()).hexdigest()[:12]
    return f"{spider_name}-{digest}"


@dataclass(frozen=True)
class Keys:
    """The Redis keys of one frontier (``newscrawler:<name>:...``)."""

    prefix: str

    @property
    def queue(self) -> str:  # zset: score -priority, member the pickled request
        return f"{self.prefix}:queue"

    @property
    def seen(self) -> str:  # hash: request fingerprint -> fewest link hops it was found at (-1: none)
        return f"{self.prefix}:seen"

    @property
    def bodies(self) -> str:  # hash: article content hash -> canonical URL (duplicate bodies)
        return f"{self.prefix}:bodies"

    @property
    def seed(self) -> str:  # string: the seeding worker's id, then "done"
        return f"{self.prefix}:seed"

    @property
    def workers(self) -> str:  # set of worker ids that may hold leases
        return f"{self.prefix}:workers"

    def heartbeat(self, worker: str) -> str:  # string with a TTL, refreshed while the worker lives
        return f"{self.prefix}:hb:{worker}"

    def inflight(self, worker: str) -> str:  # hash: lease id -> "score:request" taken by the worker
        return f"{self.prefix}:inflight:{worker}"


class FrontierAddon:
    """Switch the scheduler, dupe filter, start seeding and two pipelines to the shared frontier."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FrontierAddon:
        return cls(crawler)

    def update_settings(self, settings: BaseSettings) -> None:
        url = setting_str(settings, "FRONTIER_URL")
        if not url:
            raise NotConfigured
        check_frontier_url(url)
        try:
            import scrapy_redis  # noqa: F401
        except ImportError:
            raise NotConfigured(f"FRONTIER_URL is set but scrapy-redis is not installed: {INSTALL_HINT}") from None
        settings.set("REDIS_URL", url, priority="addon")
        settings.set("SCHEDULER", "newscrawler.frontier.scheduler.FrontierScheduler", priority="addon")
        settings.set("DUPEFILTER_CLASS", "newscrawler.frontier.queue.FrontierDupeFilter", priority="addon")
        settings["SPIDER_MIDDLEWARES"]["newscrawler.frontier.scheduler.FrontierSpiderMiddleware"] = 40
        pipelines = settings["ITEM_PIPELINES"]
        for old, new in PIPELINE_SWAPS.items():
            order: Any = pipelines.get(old)
            if order is not None:
                pipelines[old] = None
                pipelines[new] = order
