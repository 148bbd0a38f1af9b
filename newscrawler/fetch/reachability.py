"""Give up on a host that cannot be reached, after a few requests instead of every one.

A site that is down (connection refused, no such host, no answer before ``DOWNLOAD_TIMEOUT``)
would otherwise cost every request of its discovery, each retried: robots.txt, the start page,
the usual sitemap paths and the feeds. :class:`ReachabilityMiddleware` (a downloader middleware,
first in the chain) lets a few *probes* reach a host that has not
answered yet — robots.txt, the start pages, or the first request to a host no probe is out for —
and holds the others until the host answers (any response, an HTTP error included: they all go
on) or is found unreachable: robots.txt and a start page both failed to connect, or
``SITE_UNREACHABLE_AFTER`` requests in a row did with no answer. The requests then held, and every
later one to the host, are not sent: they fail with :class:`newscrawler.fetch.failures.Refused`
(reason ``site_unreachable``), so the spider records each URL (``runs`` and ``explain`` show it)
and the next crawl requests it. The stats count ``reachability/skipped`` and
``reachability/unreachable`` (hosts).

While a host has not answered, a request to it carries ``meta["host_unanswered"]``, and
:class:`newscrawler.fetch.middlewares.RetryAfterMiddleware` retries its connection failures and
timeouts at most ``RETRY_UNREACHABLE_TIMES`` times; refused connections and failed DNS lookups
are retried that often in any case (the other failures: ``RETRY_TIMES``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from newscrawler.config import setting_float, setting_int
from newscrawler.fetch.failures import Refused, describe_failure

logger = logging.getLogger(__name__)

# Failures that say nothing came back from the host (newscrawler.fetch.failures kinds).
NO_ANSWER = frozenset({"dns", "connection_refused", "connect_error", "timeout", "connection_lost"})
# Of those, the ones that are not worth RETRY_TIMES retries even on a host that has answered.
UNREACHABLE = frozenset({"dns", "connection_refused"})
UNANSWERED = "host_unanswered"  # request.meta flag: sent to a host that has not answered yet


def failure_kind(exception: BaseException) -> str:
    """The short kind of a download failure (``connection_refused``, ``timeout``...)."""
    return describe_failure(Failure(exception))[0]


def is_probe(request: Request) -> bool:
    """robots.txt (the spider's or the robots.txt middleware's) or a start page."""
    return bool(request.meta.get("dont_obey_robotstxt") or request.meta.get("start_url"))


@dataclass
class Host:
    answered: bool = False
    down: bool = False
    failures: int = 0  # requests in a row that got no answer
    robots_failed: bool = False
    start_failed: bool = False
    probes: dict[str, float] = field(default_factory=dict)  # URL -> when it went out, while no answer
    changed: asyncio.Event = field(default_factory=asyncio.Event)  # set (and replaced) at each change

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    def forget_probes_before(self, started: float) -> None:
        """Probes out since before ``started`` (one a middleware turned into another request, say)
        stop holding the others: at worst, more requests go out, as without this middleware."""
        for url in [url for url, when in self.probes.items() if when < started]:
            del self.probes[url]


class ReachabilityMiddleware:
    """Drops the requests to a host found unreachable; see the module doc."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.after = max(1, setting_int(crawler.settings, "SITE_UNREACHABLE_AFTER"))
        # The longest a probe and its retries can take, about, before it no longer holds the others.
        tries = 1 + setting_int(crawler.settings, "RETRY_UNREACHABLE_TIMES")
        self.hold = tries * (setting_float(crawler.settings, "DOWNLOAD_TIMEOUT") + 30.0)
        self.hosts: dict[str, Host] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReachabilityMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def _host(self, request: Request) -> tuple[str, Host]:
        netloc = urlparse_cached(request).netloc
        return netloc, self.hosts.setdefault(netloc, Host())

    async def process_request(self, request: Request) -> None:
        netloc, host = self._host(request)
        while not host.answered:
            if host.down:
                self._inc("reachability/skipped")
                raise Refused("site_unreachable", f"not requested: {netloc} could not be reached")
            now = time.monotonic()
            host.forget_probes_before(now - self.hold)
            if is_probe(request) or not host.probes or request.url in host.probes:  # (a retry of a probe)
                host.probes[request.url] = now
                request.meta[UNANSWERED] = True
                return
            try:
                await asyncio.wait_for(host.changed.wait(), self.hold)
            except TimeoutError:
                pass
        request.meta.pop(UNANSWERED, None)

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Any response (a redirect, an HTTP error) says the host is there."""
        self.answered(request)

    def process_response(self, request: Request, response: Response) -> Response:
        """A response a later middleware made (no download) counts too."""
        self.answered(request)
        return response

    def answered(self, request: Request) -> None:
        _, host = self._host(request)
        if not host.answered:
            host.answered, host.failures = True, 0
            host.probes.clear()
            host.wake()

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A request failed for good (after its retries), or a middleware refused it."""
        netloc, host = self._host(request)
        if host.answered or host.down or request.url not in host.probes:
            return
        del host.probes[request.url]
        if failure_kind(exception) in NO_ANSWER:
            host.failures += 1
            host.robots_failed |= bool(request.meta.get("dont_obey_robotstxt"))
            host.start_failed |= bool(request.meta.get("start_url"))
            if (host.robots_failed and host.start_failed) or host.failures >= self.after:
                host.down = True
                self._inc("reachability/unreachable")
                logger.info("%s could not be reached (%s): its other URLs are not requested", netloc,
                            failure_kind(exception))
        if host.down or not host.probes:
            host.wake()  # dropped, or the next one waiting goes out as a probe

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
