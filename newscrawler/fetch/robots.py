"""Scrapy's RobotsTxtMiddleware with two fixes: every request waiting for robots.txt gets its rules,
and a robots.txt that cannot be downloaded is one log line, not a traceback.

In Scrapy 2.19, the requests that arrive while a site's robots.txt is being
downloaded all await the same Deferred; under the asyncio reactor each await
adds a callback that returns None, so only the first of them receives the
parser and the others are let through unchecked (a page disallowed by
robots.txt is fetched). It shows as soon as several requests reach a site at
once: the start pages and revisits of an incremental crawl, and above all a
worker joining a shared frontier (its first 16 requests). The parser is stored
in ``_parsers`` before the Deferred fires, so we read it from there.

Scrapy logs a robots.txt download error at ERROR with its traceback (60 lines in a cron mail
for a site that is down, which the crawl reports anyway as one ``error:`` line). We download
robots.txt as Scrapy does and log the error on one line at INFO; the site is crawled as if
robots.txt allowed everything, as Scrapy does.

Each site's ``Crawl-delay`` is read from the same parser (robots.txt is fetched once) and
applied to its downloader slot before the first request that waited for it goes on
(:mod:`newscrawler.fetch.crawldelay`).

The spider reads robots.txt too, for its ``Sitemap:`` lines. Its request (meta
:data:`REUSE_KEY`) is answered with this middleware's download of the same URL, or fails with
its error, instead of fetching the file a second time: one request per site. The answer
carries the flag :data:`REUSED_FLAG`, so the WARC capture does not record the exchange twice.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from newscrawler.fetch.crawldelay import CrawlDelays
from newscrawler.fetch.failures import describe_failure

logger = logging.getLogger(__name__)

REUSE_KEY = "robots_reuse"  # request meta: answer this robots.txt request with the middleware's download
REUSED_FLAG = "robots_reused"  # response flag of such an answer
KEPT_DOWNLOADS = 256  # robots.txt outcomes kept for the spider's request (the latest hosts')


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawl_delays = CrawlDelays(crawler)
        # robots.txt URL -> its response or the error of its download, until the spider asks for it
        self._downloaded: OrderedDict[str, Response | Exception] = OrderedDict()

    async def process_request(self, request: Request, spider: object = None) -> Response | None:
        if request.meta.get(REUSE_KEY):
            return await self._reuse(request)
        await super().process_request(request)
        return None

    async def _reuse(self, request: Request) -> Response | None:
        """The middleware's own download of robots.txt for the spider's request of the same URL
        (downloaded now if no request of that site needed it yet); None: it is fetched."""
        await self.robot_parser(request)  # its site's robots.txt downloaded (now, or by an earlier request)
        outcome = self._downloaded.pop(request.url, None)
        if outcome is None:
            return None
        request.meta["dont_retry"] = True  # what the download was retried for, it has been
        self._stats.inc_value("robotstxt/reused")
        if isinstance(outcome, Exception):
            raise outcome
        return outcome.replace(request=request, flags=[*outcome.flags, REUSED_FLAG])

    def _keep(self, url: str, outcome: Response | Exception) -> None:
        self._downloaded[url] = outcome
        while len(self._downloaded) > KEPT_DOWNLOADS:
            self._downloaded.popitem(last=False)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            await self._download_robots(request, netloc)
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            parser = await maybe_deferred_to_future(parser)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if stored is not None and not isinstance(stored, Deferred):
                parser = stored
        self.crawl_delays.parsed(request, parser, self._robots_agent(request))
        return parser

    async def _download_robots(self, request: Request, netloc: str) -> None:
        """Scrapy 2.19's download of robots.txt, with its error on one line."""
        self._parsers[netloc] = Deferred()
        url = urlparse_cached(request)
        robots = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                         meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        try:
            assert self.crawler.engine is not None
            response = await self.crawler.engine.download_async(robots)
            self._keep(robots.url, response)
            await self._parse_robots(response, netloc, request)
        except Exception as exc:  # noqa: BLE001 - as Scrapy: any failure means no rules
            if robots.url not in self._downloaded:
                self._keep(robots.url, exc)
            if not isinstance(exc, IgnoreRequest):
                logger.info("robots.txt of %s unavailable (%s): no rules applied", netloc,
                            describe_failure(Failure(exc))[1])
            self._robots_error(exc, netloc)
        self._stats.inc_value("robotstxt/request_count")

    def _robots_agent(self, request: Request) -> str | bytes:
        """The user agent robots.txt groups are matched for, as Scrapy's middleware chooses it."""
        return self._robotstxt_useragent or request.headers.get(b"User-Agent") or self._default_useragent
