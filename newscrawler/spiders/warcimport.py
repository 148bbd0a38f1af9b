"""The import spider: the HTML responses of WARC/ARC files go through a crawl's page processing.

``WarcImportSpider`` is a :class:`~newscrawler.spiders.news.NewsSpider` whose start requests are
the HTML responses read from the files (:mod:`archive.warc_read`); the downloader middleware
:class:`~newscrawler.fetch.warcreplay.WarcReplayMiddleware` answers each from its record, so the
same callback, article decision, pipelines (validate, dedupe, store: versions, aliases), URL
states and run record apply as in a crawl. No link is followed: only the records are processed.
A page keeps its capture date as its fetch date.

Counts (crawl stats): ``warc/records``, ``warc/responses``, ``warc/html``, ``warc/non_html``,
``warc/redirects``, ``warc/redirects_unmatched`` (a redirect whose target the files hold earlier or
not at all: its URL is kept as ``not_article:redirect``), ``warc/recaptures`` (a URL captured again in the same import: the first
capture is used), ``warc/revisits_resolved``, ``warc/revisits_unresolved``, ``warc/other``,
``warc/bad/<reason>`` (digest, http, encoding, truncated). A file that cannot be read is in ``file_errors``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from twisted.python.failure import Failure

from archive.errors import ArchiveError
from archive.state import count_all_url_states
from archive.urls import canonicalize_url, site_of
from archive.warc_read import BadRecord, ReadStats, Revisits, WarcFileError, WarcResponse, read_responses
from newscrawler.discover.admission import Admission
from newscrawler.discover.backlog import Backlog
from newscrawler.discover.keytable import KeyTable
from newscrawler.discover.links import Link
from newscrawler.fetch.warcreplay import META_KEY
from newscrawler.config import setting_int
from newscrawler.items import ArticleItem
from newscrawler.pipelines import archive_failed
from newscrawler.process.page import PageResult
from newscrawler.spiders.news import NewsSpider

PLACEHOLDER_URL = "http://warc-import.invalid/"


class RecordsOnly(Admission):
    """An import's admission: the links of a page are not followed."""

    def follow(self, url: str, depth: int, hops: int, links: list[Link], max_depth: int,
               max_pagination: int) -> None:
        return None


class WarcImportSpider(NewsSpider):
    name = "warc-import"
    run_command = "import-warc"

    def __init__(self, files: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.pop("url", None)
        super().__init__(url=PLACEHOLDER_URL, mode="site", **kwargs)
        self.files = list(files or [])
        self.start_urls = []
        self.sites = {}
        self.allowed_domains = []
        self.max_depth = 0
        self.max_pagination = 0
        self.file_errors: dict[str, str] = {}  # path -> one-line reason
        self.first_bad: str | None = None  # where the first bad record was, and why
        self.read_stats = ReadStats()
        self.revisits = Revisits()
        self.seen = KeyTable()  # hash() of the canonical URLs queued in this import
        self.redirects: dict[str, list[str]] = {}  # canonical redirect target -> the URLs that redirected to it
        self.in_flight = 0  # requests yielded whose callback or errback has not run yet
        self.window = 32

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> WarcImportSpider:
        spider: WarcImportSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_depth = spider.max_pagination = 0
        spider.urls = RecordsOnly([], spider.rules, 0, Backlog(None, None))
        spider.window = 2 * setting_int(crawler.settings, "CONCURRENT_REQUESTS")
        crawler.signals.connect(spider.dropped, signal=signals.request_dropped)
        return spider

    def open_url_states(self) -> None:
        super().open_url_states()
        states = self.urls.states
        if states.enabled and states.reader is not None:
            try:  # the sites are met as the files are read: any URL the archive knows may be met
                states.known = count_all_url_states(states.reader)
            except ArchiveError as exc:
                archive_failed(self.crawler, exc)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.open_url_states()
        assert self.crawler.engine is not None
        self.urls.bind(self._request, self.crawler.engine.crawl, self.crawler.stats)
        self.pool.open()
        for path in self.files:
            self.logger.info("Importing %s", path)
            try:
                for item in read_responses(path, self.read_stats, self.revisits):
                    request = self._replay_request(item)
                    self._sync_counts()
                    if request is not None:
                        if not await self._room():
                            return
                        self.in_flight += 1
                        yield request
            except WarcFileError as exc:
                self.file_errors[path] = str(exc)
                self.logger.info("%s", exc)
            self._sync_counts()
        self._unmatched_redirects()  # every file read: the redirects left found no target after them

    async def _room(self) -> bool:
        """Wait until the requests in flight fall below the window and Scrapy takes more (the engine
        would otherwise read whole files into its queue: every record's body with it). False once
        the import is stopping."""
        engine = self.crawler.engine
        assert engine is not None and self.crawler.stats is not None
        while self.in_flight >= self.window or engine.needs_backout():
            if not engine.running or self.crawler.stats.get_value("archive/error"):
                return False
            await sleep(0.01)
        return True

    def _landed(self) -> None:
        self.in_flight = max(0, self.in_flight - 1)

    def dropped(self, request: scrapy.Request) -> None:
        if META_KEY in request.meta:
            self._landed()

    async def parse_page(self, response: Response) -> AsyncIterator[scrapy.Request | ArticleItem]:
        self._landed()
        async for output in super().parse_page(response):
            yield output

    def page_failed(self, failure: Failure) -> None:
        self._landed()
        super().page_failed(failure)

    def _replay_request(self, item: WarcResponse | BadRecord) -> scrapy.Request | None:
        if isinstance(item, BadRecord):
            self.logger.info("Bad record skipped: %s at offset %s: %s", item.path, item.offset, item.message)
            self.first_bad = self.first_bad or f"{item.path} at offset {item.offset}: {item.message}"
            return None
        if item.location:
            self._count("warc/redirects")
            self.redirects.setdefault(canonicalize_url(item.location), []).append(item.url)
            return None
        if not item.is_html():  # counted, and its URL's trace kept (`explain`), as a crawl keeps it
            self._count("warc/non_html")
            self.urls.states.decided([item.url], "not_article:non_html", kind="not_article")
            return None
        key = hash(canonicalize_url(item.url))
        if key in self.seen:
            self._count("warc/recaptures")
            return None
        self.seen.add(key)
        self._count("warc/html")
        self.sites.setdefault(site_of(item.url), item.url)
        meta: dict[str, Any] = {META_KEY: item, "depth": 0, "dont_obey_robotstxt": True}
        sources = self.redirects.pop(canonicalize_url(item.url), None)
        if sources:  # each URL that redirected here is recorded with the page, as a crawl's redirect chain
            meta["redirect_urls"] = sources
        return scrapy.Request(item.url, callback=self.parse_page, errback=self.page_failed, dont_filter=True,
                              meta=meta)

    def _unmatched_redirects(self) -> None:
        """The URLs of redirect records whose target came earlier in the files or not at all: kept
        as ``not_article:redirect`` URL states (``explain`` shows them), not silently left out."""
        for target, sources in self.redirects.items():
            self._count("warc/redirects_unmatched", len(sources))
            self.urls.states.decided(sources, "not_article:redirect", kind="not_article")
            self.logger.info("%s redirect(s) to %s, which the files hold earlier or not at all",
                             ", ".join(sources), target)
        self.redirects.clear()

    def _sync_counts(self) -> None:
        assert self.crawler.stats is not None
        read = self.read_stats
        for name in ("records", "responses", "revisits_resolved", "revisits_unresolved", "other"):
            if value := getattr(read, name):
                self.crawler.stats.set_value(f"warc/{name}", value)
        for reason, value in read.bad.items():
            self.crawler.stats.set_value(f"warc/bad/{reason}", value)

    def build_item(self, response: Response, page: PageResult) -> ArticleItem | None:
        item = super().build_item(response, page)
        record = response.meta.get(META_KEY)
        if item is not None and isinstance(record, WarcResponse) and record.captured_at is not None:
            item.page = dataclasses.replace(item.page, fetched_at=record.captured_at)
        return item
