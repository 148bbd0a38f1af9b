"""Scrapy's RobotsTxtMiddleware with a fix: every request waiting for robots.txt gets its rules.

In Scrapy 2.19, the requests that arrive while a site's robots.txt is being
downloaded all await the same Deferred; under the asyncio reactor each await
adds a callback that returns None, so only the first of them receives the
parser and the others are let through unchecked (a page disallowed by
robots.txt is fetched). It shows as soon as several requests reach a site at
once: the start pages and revisits of an incremental crawl, and above all a
worker joining a shared frontier (its first 16 requests). The parser is stored
in ``_parsers`` before the Deferred fires, so we read it from there.

Each site's ``Crawl-delay`` is read from the same parser (robots.txt is fetched once) and
applied to its downloader slot before the first request that waited for it goes on
(:mod:`newscrawler.fetch.crawldelay`).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from newscrawler.fetch.crawldelay import CrawlDelays


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.crawl_delays = CrawlDelays(crawler)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if stored is not None and not isinstance(stored, Deferred):
                parser = stored
        self.crawl_delays.parsed(request, parser, self._robots_agent(request))
        return parser

    def _robots_agent(self, request: Request) -> str | bytes:
        """The user agent robots.txt groups are matched for, as Scrapy's middleware chooses it."""
        return self._robotstxt_useragent or request.headers.get(b"User-Agent") or self._default_useragent
