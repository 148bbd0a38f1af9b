"""robots.txt ``Crawl-delay``: the pause between requests that a site asks for, honoured per host.

The robots.txt middleware (:mod:`newscrawler.fetch.robots`) parses each site's robots.txt once and
hands the parser to :meth:`CrawlDelays.parsed` before the first request waiting for it goes on.
The Crawl-delay of our robots.txt user agent, capped at ``ROBOTS_MAX_CRAWL_DELAY`` (a site's
``crawl_delay`` in sources.toml replaces it, uncapped; 0 ignores it), becomes the least delay
of the host's downloader slot: the slot's delay is max(configured delay, Crawl-delay), without
Scrapy's random jitter (which would halve some pauses). The floor is also written into the
downloader's per-slot settings (``DOWNLOAD_SLOTS``), so that a slot Scrapy drops after a
minute idle comes back with it, and :class:`FlooredAutoThrottle` never adapts below it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached

from newscrawler.config import setting_float
from newscrawler.extensions.sitestats import site_set

logger = logging.getLogger(__name__)
STAT = "robots/crawl_delay"  # per site: site/<site>/robots/crawl_delay, seconds


@dataclass(frozen=True)
class Honoured:
    """The Crawl-delay a site gets (seconds) and what it was asked for."""

    delay: float
    asked: float | None  # robots.txt's value, if any
    override: float | None  # the site's crawl_delay in sources.toml, if any

    @property
    def capped(self) -> bool:
        return self.override is None and self.asked is not None and self.delay < self.asked


def honoured_delay(asked: float | None, override: float | None, cap: float) -> Honoured | None:
    """The Crawl-delay to honour, or None when there is nothing to say (no value, no override).

    The sources file's value wins over robots.txt's and is not capped: the operator chose it."""
    if override is not None:
        return Honoured(max(0.0, override), asked, override)
    if asked is None or asked <= 0:
        return None
    return Honoured(min(asked, max(0.0, cap)), asked, None)


def _robots_value(parser: RobotParser | None, agent: str | bytes) -> float | None:
    if parser is None:
        return None
    try:
        value = parser.crawl_delay(agent)
    except (TypeError, ValueError):  # a parser other than Protego, on a bad value
        return None
    if value is None or math.isnan(float(value)):
        return None
    return float(value)  # "inf" is capped like any long delay


class CrawlDelays:
    """Applies each host's Crawl-delay to its downloader slot, once per robots.txt."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cap = setting_float(crawler.settings, "ROBOTS_MAX_CRAWL_DELAY")
        self.seen: set[str] = set()  # netlocs whose robots.txt was dealt with

    def parsed(self, request: Request, parser: RobotParser | None, agent: str | bytes) -> None:
        """The robots.txt of ``request``'s site is known (``parser`` None: unavailable)."""
        netloc = urlparse_cached(request).netloc
        if netloc in self.seen:
            return
        self.seen.add(netloc)
        rules = getattr(self.crawler.spider, "rules", None)
        override = rules.get(request.url, "crawl_delay") if rules is not None else None
        honoured = honoured_delay(_robots_value(parser, agent), override, self.cap)
        if honoured is None:
            return
        host = urlparse_cached(request).hostname or netloc
        self._log(honoured, host)
        site_set(self.crawler.stats, request.url, STAT, honoured.delay)
        if honoured.delay > 0:
            self._apply(request, honoured.delay)

    @staticmethod
    def _log(honoured: Honoured, host: str) -> None:
        if honoured.override is not None:
            if honoured.override <= 0 and honoured.asked is not None:
                logger.info("Ignoring Crawl-delay %s s of %s: crawl_delay = 0 in the sources file",
                            _seconds(honoured.asked), host)
            elif honoured.override > 0:
                logger.info("Honouring Crawl-delay %s s of %s (crawl_delay in the sources file; robots.txt: %s)",
                            _seconds(honoured.delay), host, _seconds(honoured.asked))
        elif honoured.capped:
            logger.info("Honouring Crawl-delay %s s of %s (robots.txt asks %s s; capped by ROBOTS_MAX_CRAWL_DELAY)",
                        _seconds(honoured.delay), host, _seconds(honoured.asked))
        else:
            logger.info("Honouring Crawl-delay %s s of %s", _seconds(honoured.delay), host)

    def _apply(self, request: Request, delay: float) -> None:
        """The slot of ``request`` waits at least ``delay`` seconds between requests, from now on."""
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        configured = downloader.per_slot_settings.get(key, {})
        if delay <= float(configured.get("delay", setting_float(self.crawler.settings, "DOWNLOAD_DELAY"))):
            return
        # A new dict: the per-slot dicts are shared with the crawl's settings.
        downloader.per_slot_settings[key] = {**configured, "delay": delay, "jitter": 0.0}
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0


def _seconds(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


class FlooredAutoThrottle(AutoThrottle):
    """Scrapy's AutoThrottle that never brings a slot's delay below its ``DOWNLOAD_SLOTS`` delay.

    AutoThrottle adapts every slot's delay between DOWNLOAD_DELAY and AUTOTHROTTLE_MAX_DELAY,
    so it would wear a site's ``delay`` (sources.toml) or its Crawl-delay down to DOWNLOAD_DELAY
    within a few responses."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = request.meta.get(downloader.DOWNLOAD_SLOT)
        slot = downloader.slots.get(key) if key is not None else None
        floor = downloader.per_slot_settings.get(key, {}).get("delay") if key is not None else None
        if slot is not None and floor is not None and slot.delay < float(floor):
            slot.delay = float(floor)
