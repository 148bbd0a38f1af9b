"""The news spider: discovers a site's articles and yields them extracted.

Discovery, from each start URL: robots.txt and its ``Sitemap:`` lines (else the
usual sitemap paths), sitemap indexes, ordinary and Google News sitemaps,
RSS/Atom feeds and JSON Feeds announced by the start page (else the usual feed paths), and
link following within the site up to ``depth`` hops (pagination is free, up to
CRAWL_MAX_PAGINATION pages). Only pages classified as articles are extracted.
Every page to request waits in a backlog as a URL (see :mod:`newscrawler.discover.backlog`).

Scrapy-native use: ``scrapy crawl news -a url=URL -s ARCHIVE_DB=PATH``
(``-a url=`` may hold several URLs separated by commas or spaces;
``-a depth=N``; ``-a mode=single`` archives exactly the given pages;
``-a sources=sources.toml`` crawls the sites of a sources file;
``-a revisit=true``, ``-a since=YYYY-MM-DD``, ``-a incremental=false``).

Incremental (see :mod:`newscrawler.discover.urlstates`): the state of each URL is looked
up in the archive when the crawl meets it, known article pages that are not due
are not requested, and everything else is requested conditionally.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import HtmlResponse, Response
from scrapy.utils.response import get_base_url
from twisted.python.failure import Failure

from archive.article import FetchedPage
from archive.engine import open_archive
from archive.errors import ArchiveError
from archive.state import READ_CHUNK, chunked
from archive.urls import site_of
from archive.when import parse_when
from newscrawler.config import setting, setting_bool, setting_default, setting_int, setting_list, setting_str
from newscrawler.discover.admission import Admission
from newscrawler.discover.backlog import Backlog
from newscrawler.fetch.failures import describe_failure
from newscrawler.fetch.robots import REUSE_KEY
from newscrawler.fetch.warc import received_headers, warc_location
from newscrawler.discover.urlstates import UrlStates
from newscrawler.items import ArticleItem
from newscrawler.discover.links import same_site
from newscrawler.process.copies import RecentArticles
from newscrawler.process.page import PageJob, PageResult
from newscrawler.pipelines import archive_failed
from newscrawler.process.pool import ExtractionPool, PoolError, WorkerLost, default_workers
from newscrawler.sources import SiteRules, load_sources
from newscrawler.spiders.discovering import (CONDITIONAL, DISCOVERY_PRIORITY, LISTED_PRIORITY, START_PRIORITY,
                                             DiscoveryCallbacks, linked_url)


def truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "yes", "on")


def parse_start_urls(value: str | list[str] | None) -> list[str]:
    """Start URLs from a spider argument; raises ValueError for anything but http(s) URLs."""
    items = value if isinstance(value, list) else re.split(r"[\s,]+", value or "")
    urls = [u.strip() for u in items if u and u.strip()]
    if not urls:
        raise ValueError("no start URL given: use -a url=https://example.com/")
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url}")
    return urls


def extraction_pool(crawler: Crawler, workers: int | None = None) -> ExtractionPool:
    """The crawl's pool of extraction workers (``EXTRACTION_*`` settings), closed with the crawl."""
    settings = crawler.settings
    if workers is None:
        configured = setting(settings, "EXTRACTION_WORKERS")
        workers = default_workers() if configured in (None, "", "auto") else int(configured)
    pool = ExtractionPool(workers, setting_int(settings, "EXTRACTION_MAX_PENDING"),
                          setting_int(settings, "EXTRACTION_MAX_TASKS_PER_CHILD"),
                          gc_threshold=setting_int(settings, "GC_THRESHOLD"))
    crawler.signals.connect(pool.close, signal=signals.spider_closed)
    crawler.signals.connect(pool.close, signal=signals.engine_stopped)
    return pool


class NewsSpider(DiscoveryCallbacks):
    name = "news"

    def __init__(self, url: str | list[str] | None = None, mode: str = "site", depth: Any = None,
                 revisit: Any = False, since: Any = None, incremental: Any = True,
                 sources: str | list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if mode not in ("site", "single"):
            raise ValueError(f"unknown mode {mode!r}: use 'site' or 'single'")
        self.mode = mode
        if isinstance(sources, str):  # scrapy crawl news -a sources=sources.toml
            sources = [s.to_dict() for s in load_sources(sources)]
        self.rules = SiteRules(sources)
        from_sources = [u for s in sources or [] for u in s.get("urls", [])]
        self.start_urls = parse_start_urls(url or kwargs.get("urls") or from_sources)
        self.sites = {site_of(u): u for u in self.start_urls}
        self.allowed_domains = sorted({urlsplit(u).hostname or "" for u in self.start_urls})
        self.depth_arg = depth
        # The defaults until from_crawler reads the crawl's settings.
        self.max_depth: int = setting_default("CRAWL_DEPTH")
        self.max_pagination: int = setting_default("CRAWL_MAX_PAGINATION")
        self.max_sitemap_urls: int = setting_default("CRAWL_MAX_SITEMAP_URLS")
        self.max_discovery_bytes: int = setting_default("CRAWL_MAX_DISCOVERY_BYTES")
        self.site_errors: dict[str, str] = {}  # start URL -> one-line reason
        self.site_reached: set[str] = set()
        self.revisit = truthy(revisit)
        self.since = since if isinstance(since, datetime) or since is None else parse_when(str(since))
        if since is not None and self.since is None:
            raise ValueError(f"bad since date {since!r}: use YYYY-MM-DD")
        self.incremental = truthy(incremental) and mode == "site"
        self.urls = Admission(self.start_urls, self.rules)  # replaced in from_crawler
        self.pool = ExtractionPool(0)  # replaced in from_crawler
        self.recent = RecentArticles(0)  # replaced in from_crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        depth = spider.depth_arg
        spider.max_depth = int(depth) if depth is not None else setting_int(settings, "CRAWL_DEPTH")
        spider.max_pagination = setting_int(settings, "CRAWL_MAX_PAGINATION")
        spider.max_sitemap_urls = setting_int(settings, "CRAWL_MAX_SITEMAP_URLS")
        spider.max_discovery_bytes = setting_int(settings, "CRAWL_MAX_DISCOVERY_BYTES")
        spider.incremental = spider.incremental and setting_bool(settings, "CRAWL_INCREMENTAL")
        # One page or a few: extracting in-process beats starting worker processes.
        spider.pool = extraction_pool(crawler, workers=0 if spider.mode == "single" else None)
        spider.recent = RecentArticles(setting_int(settings, "EXTRACTION_REUSE_RECENT"))
        # A shared frontier queues in Redis: everything goes there at once (see newscrawler.discover.backlog).
        window = setting_int(settings, "CRAWL_BACKLOG_WINDOW") or 4 * setting_int(settings, "CONCURRENT_REQUESTS") + 64
        memory = setting_int(settings, "CRAWL_BACKLOG_MEMORY") or None
        backlog = Backlog(None, None) if setting_str(settings, "FRONTIER_URL") else Backlog(window, memory)
        spider.urls = Admission(spider.start_urls, spider.rules, setting_int(settings, "URLLENGTH_LIMIT"), backlog)
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        for signal in (signals.request_reached_downloader, signals.request_dropped):
            crawler.signals.connect(spider.left_scheduler, signal=signal)
        return spider

    def open_url_states(self) -> None:
        """Open the URL states of this crawl's sites: a writer, and a read-only engine for lookups."""
        db = setting_str(self.settings, "ARCHIVE_DB")
        engine = open_archive(db) if db and self.incremental else None
        try:
            reader = open_archive(db, readonly=True) if engine is not None else None
            schedule = setting_list(self.settings, "CRAWL_REVISIT_SCHEDULE")
            self.urls.states = UrlStates(engine, sorted(self.sites), schedule, revisit=self.revisit, since=self.since,
                                         enabled=engine is not None, reader=reader,
                                         flush_every=setting_int(self.settings, "CRAWL_STATE_FLUSH_EVERY"))
        except ArchiveError as exc:  # unreadable (corrupt) archive: stop with one error line
            archive_failed(self.crawler, exc)

    def closed(self, reason: str) -> None:
        if reason != "finished":
            self.logger.info("Crawl stopped early (%s): its listing and discovery documents will be read "
                             "in full next time", reason)
        self.urls.close()
        self.urls.states.flush(complete=reason == "finished", final=True)
        self.urls.states.close()

    # --- requests ------------------------------------------------------------------
    def _request(self, url: str, depth: int, priority: int, hops: int = 0) -> scrapy.Request:
        via = self.urls.via_of(url)  # in the request, so that a shared frontier's other workers know it
        return scrapy.Request(url, callback=self.parse_page, errback=self.page_failed, priority=priority,
                              headers={**self.rules.headers(url), **self.urls.states.conditional_headers(url)},
                              meta={"depth": depth, "pagination_hops": hops, **CONDITIONAL,
                                    **({"via": via} if via else {})})

    def left_scheduler(self, request: scrapy.Request) -> None:
        """A request reached the downloader, was dropped, or was answered or refused before it."""
        self.urls.left(request)

    def idle(self) -> None:
        """Scrapy is about to go idle: release a batch of the backlog regardless of the window."""
        if self.urls.idle():
            raise DontCloseSpider

    # --- start ---------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.open_url_states()
        assert self.crawler.engine is not None
        self.urls.bind(self._request, self.crawler.engine.crawl, self.crawler.stats)
        self.pool.open()
        try:
            # Due for a revisit (or --revisit), linked or not; looked up 500 at a time.
            for chunk in chunked(self.urls.states.to_recheck(), READ_CHUNK):
                self.urls.prefetch(chunk)
                for url in chunk:
                    self.urls.queue(url, self.max_depth, LISTED_PRIORITY)
        except ArchiveError as exc:  # unreadable (corrupt) archive: stop with one error line
            archive_failed(self.crawler, exc)
            return
        # Yielded, not scheduled directly: with a frontier, only the seeding worker's start
        # requests may enter it (FrontierSpiderMiddleware.process_start).
        for request in self.urls.backlog.release(self._request):
            yield request
        for url in self.start_urls:
            callback = self.parse_single if self.mode == "single" else self.parse_page
            yield scrapy.Request(url, callback=callback, errback=self.start_failed, dont_filter=True,
                                 priority=START_PRIORITY, meta={"depth": 0, "start_url": url},
                                 headers=self.rules.headers(url))
            if self.mode == "site":
                for kind in ("feeds", "sitemaps"):
                    for extra in self.rules.get(url, kind) or []:
                        yield self._discovery(extra, kind[:-1])
                # Answered with the robots.txt middleware's download of it, when it obeys robots.txt
                robots = urljoin(url, "/robots.txt")
                yield scrapy.Request(robots, callback=self.parse_robots, errback=self.robots_failed,
                                     priority=DISCOVERY_PRIORITY, meta={"dont_obey_robotstxt": True, REUSE_KEY: True})

    def start_failed(self, failure: Failure) -> None:
        kind, message = describe_failure(failure)
        url = failure.request.meta.get("start_url", failure.request.url)
        self._count(f"errors/{kind}")
        self._site_inc(url, f"errors/{kind}")
        self.site_errors[url] = message
        response = getattr(failure.value, "response", None)
        self.urls.states.failed(url, getattr(response, "status", None), f"error:{kind}")  # its trace
        self.logger.info("Start URL %s failed: %s", url, message)  # the CLI prints it as an error: line

    def page_failed(self, failure: Failure) -> None:
        self.left_scheduler(failure.request)  # refused by a downloader middleware, perhaps
        kind, message = describe_failure(failure)
        url = linked_url(failure.request)
        if kind == "robots_disallowed":
            self._count("pages/robots_disallowed")
            self._site_inc(url, "robots_disallowed")
            self.urls.states.decided([url], "robots_disallowed", kind="not_article")
        elif kind == "site_unreachable":  # not requested (newscrawler.fetch.reachability)
            self._count("pages/site_unreachable")
            self._site_inc(url, "site_unreachable")
            self.urls.states.unreached(url)
        else:
            response = getattr(failure.value, "response", None)
            self._page_error(url, kind, getattr(response, "status", None))
        self.logger.info("Page %s failed: %s", failure.request.url, message)

    def _page_error(self, url: str, kind: str, status: int | None) -> None:
        """A page that failed: counted as ``errors/<kind>`` and due again (with backoff)."""
        self._count(f"errors/{kind}")
        self._site_inc(url, f"errors/{kind}")
        self.urls.states.failed(url, status, f"error:{kind}")

    # --- pages -----------------------------------------------------------------------
    async def parse_page(self, response: Response) -> AsyncIterator[scrapy.Request | ArticleItem]:
        self.left_scheduler(response.request)  # answered by a downloader middleware, perhaps
        start_url = response.meta.get("start_url")
        known = self.urls.states.get(response.url)
        if self._not_modified(response, known.kind if known else "listing"):
            return
        if not isinstance(response, HtmlResponse):
            self._record(response, "not_article", reason="not_article:non_html")
            self._count("pages/non_html")
            self._site_inc(response.url, "not_article/non_html")
            if start_url:
                kind = response.headers.get("Content-Type", b"unknown").decode("latin-1")
                self.site_errors[start_url] = f"not an HTML page ({kind})"
            return
        if start_url:
            self.site_reached.add(start_url)
        # Decoded, parsed, classified, its links listed and its article extracted in the pool:
        # a waiting page holds its bytes, and this process never parses it.
        via = self.urls.via(linked_url(response), response.meta.get("via"), known, bool(start_url))
        page = self._copy(response) if self.recent.size and not start_url else None
        if page is None:
            page = await self._process(response, feeds=bool(start_url), via=via)
            if page is None:
                self.urls.release()
                return
            if not start_url:
                self.recent.remember(response.body, response.url, *self._depth(response), page)
        site = site_of(response.url)
        if start_url:
            feeds = page.feeds or [urljoin(get_base_url(response), path)
                                   for path in setting_list(self.settings, "CRAWL_FEED_PATHS")]
            for feed in feeds:
                if same_site(feed, site):
                    yield self._discovery(feed, "feed")
        if page.is_article:
            self._count("pages/article")
            self._site_inc(response.url, "articles")
            item = self.build_item(response, page)
            self._record(response, "article", item.article.published_at if item is not None else None)
            if item is not None:
                yield item
        else:
            self._record(response, "listing", reason=f"not_article:{page.reason}")
            self._count(f"pages/not_article/{page.reason}")
            self._site_inc(response.url, f"not_article/{page.reason}")
        site_depth = self.rules.get(site, "depth")
        self.urls.follow(response.url, *self._depth(response), page.links,
                         self.max_depth if site_depth is None else int(site_depth), self.max_pagination)
        self.urls.release()

    @staticmethod
    def _depth(response: Response) -> tuple[int, int]:
        """(link hops, pagination hops) of a page from its start page."""
        return int(response.meta.get("depth", 0)), int(response.meta.get("pagination_hops", 0))

    def _copy(self, response: Response) -> PageResult | None:
        """The result of a recent article page whose body this page's repeats (see
        :mod:`newscrawler.process.copies`), or None: the page is processed."""
        found = self.recent.copy_of(response.body, response.url, *self._depth(response))
        if found is None:
            return None
        self._count("pages/identical_body")
        self.logger.debug("%s: the same body as %s, not extracted again", response.url, found[0])
        return found[1]

    async def parse_single(self, response: Response) -> AsyncIterator[ArticleItem]:
        start_url = response.meta["start_url"]
        if not isinstance(response, HtmlResponse):
            kind = response.headers.get("Content-Type", b"unknown").decode("latin-1")
            self.site_errors[start_url] = f"not an HTML page ({kind})"
            return
        self.site_reached.add(start_url)
        page = await self._process(response, single=True)
        if page is None:
            self.site_errors[start_url] = "the extraction worker failed on this page"
            return
        item = self.build_item(response, page)
        if item is None:
            self.site_errors[start_url] = "no article text found"
            return
        yield item

    async def _process(self, response: Response, feeds: bool = False, single: bool = False,
                       via: str | None = None) -> PageResult | None:
        """The page's work, done in the extraction pool (see :mod:`newscrawler.process.page`).

        None when the pool could not do it (its worker died on it: the pool logged the URL);
        the page counts as an error and is fetched again by a later crawl."""
        try:
            page = await self.pool.process(self._job(response, feeds, single, via))
        except PoolError as exc:
            if not isinstance(exc, WorkerLost):
                self.logger.error("%s", exc)
            self._page_error(linked_url(response), "extraction_worker", response.status)
            return None
        if page.charset_corrected:
            self._count("bodies/charset_corrected")
            self.logger.info("Charset of %s corrected: %s, not as labelled", response.url, page.encoding)
        return page

    def _job(self, response: Response, feeds: bool = False, single: bool = False, via: str | None = None) -> PageJob:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        return PageJob(response.url, response.body, content_type, feeds=feeds, single=single, via=via,
                       profile=self.rules.profile(response.url))

    def build_item(self, response: Response, page: PageResult) -> ArticleItem | None:
        if page.article is None:
            self._count("pages/extract_failed")
            self.urls.states.decided([linked_url(response), response.url], "not_article:extract_failed")
            return None
        fetched = FetchedPage(
            url=linked_url(response),
            final_url=response.url,
            status=response.status,
            body=response.body,
            fetched_at=datetime.now(timezone.utc),
            content_type=response.headers.get("Content-Type", b"").decode("latin-1") or None,
            encoding=page.encoding,
            html_zstd=page.html_zstd,
            headers=received_headers(response),
            warc=warc_location(response),
        )
        return ArticleItem(article=page.article, page=fetched)
