"""Discovery callbacks of the news spider: robots.txt, sitemaps (and indexes), feeds.

A base of :class:`newscrawler.spiders.news.NewsSpider`. A sitemap's or feed's entries are
admitted (:class:`newscrawler.discover.admission.Admission`) into the backlog, not sent
straight to Scrapy's scheduler.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from archive.state import READ_CHUNK, chunked
from archive.urls import canonicalize_url, site_of
from newscrawler.config import setting_list
from newscrawler.process.classify import url_shape
from newscrawler.discover.documents import DiscoveryError, inflate, parse_feed, parse_sitemap, robots_sitemaps, sniff
from newscrawler.fetch.failures import describe_failure
from newscrawler.fetch.reachability import NO_ANSWER
from newscrawler.discover.links import same_site
from newscrawler.extensions.sitestats import site_inc

if TYPE_CHECKING:
    from newscrawler.discover.admission import Admission
    from newscrawler.sources import SiteRules

START_PRIORITY = 100
DISCOVERY_PRIORITY = 90
NEWS_PRIORITY = 60
LISTED_PRIORITY = 50
CONDITIONAL = {"handle_httpstatus_list": [304]}


def article_sitemap(url: str, first: list[str]) -> bool:
    """Whether a sitemap lists articles (its entries' lastmod is then evidence of an article): not a
    sitemap of a CMS's pages (WordPress's ``wp-sitemap-posts-page-1.xml``: about, team, donate...),
    and most of its ``first`` entries have an article's URL shape."""
    name = urlsplit(url).path.rsplit("/", 1)[-1].lower()
    if "page" in name:
        return False
    return sum(url_shape(entry) == "article" for entry in first) * 2 >= len(first) > 0


def linked_url(message: scrapy.Request | Response) -> str:
    """The URL a page was linked under: before any redirects."""
    return (message.meta.get("redirect_urls") or [message.url])[0]


class DiscoveryCallbacks(scrapy.Spider):
    """Fetching and reading discovery documents; counting and recording what was fetched."""

    urls: Admission
    rules: SiteRules
    max_sitemap_urls: int
    max_discovery_bytes: int

    def _count(self, key: str, n: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, n)

    def _site_inc(self, url: str, counter: str, n: int = 1) -> None:
        site_inc(self.crawler.stats, url, counter, n)

    def _record(self, response: Response, kind: str, published: datetime | None = None,
                reason: str | None = None) -> None:
        urls = [*(response.meta.get("redirect_urls") or []), response.url]
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        self.urls.states.fetched(urls, kind, response.status, etag.decode("latin-1") if etag else None,
                          modified.decode("latin-1") if modified else None, published, reason)

    def _not_modified(self, response: Response, kind: str) -> bool:
        if response.status != 304:
            return False
        self._count("incremental/not_modified")
        self._record(response, kind)
        return True

    def _discovery(self, url: str, kind: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_discovery, errback=self.discovery_failed,
                              priority=DISCOVERY_PRIORITY,
                              headers={**self.rules.headers(url), **self.urls.states.conditional_headers(url)},
                              meta={"kind": kind, **CONDITIONAL})

    def discovery_failed(self, failure: Failure) -> None:
        kind, message = describe_failure(failure)
        url = failure.request.url
        if kind == "site_unreachable":  # not requested (newscrawler.fetch.reachability)
            self._count("discovery/site_unreachable")
            self._site_inc(url, "site_unreachable")
            self.urls.states.unreached(url)
        else:
            self._count(f"discovery/errors/{kind}")
            self._site_inc(url, f"discovery_errors/{kind}")
            if kind in NO_ANSWER:  # the site's trouble, not a sitemap or feed it does not have (404)
                self.urls.states.failed(url, None, f"error:{kind}")
        self.logger.info("Discovery document %s unavailable: %s", url, message)

    def robots_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.discovery_failed(failure)
        yield from self._guess_sitemaps(failure.request.url)

    def _guess_sitemaps(self, url: str) -> Iterator[scrapy.Request]:
        for path in setting_list(self.settings, "CRAWL_SITEMAP_PATHS"):
            yield self._discovery(urljoin(url, path), "sitemap")

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        text = response.text if isinstance(response, scrapy.http.TextResponse) else response.body.decode(
            "utf-8", "replace")
        sitemaps = robots_sitemaps(text, response.url)
        self._count("discovery/robots_sitemaps", len(sitemaps))
        if not sitemaps:
            yield from self._guess_sitemaps(response.url)
        for url in sitemaps:
            yield self._discovery(url, "sitemap")

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        site = site_of(response.url)
        if self._not_modified(response, "discovery"):
            return
        self._record(response, "discovery")
        try:
            body = inflate(response.body, self.max_discovery_bytes)
            kind = sniff(body)
            if kind == "sitemap":
                doc = parse_sitemap(body, response.url, self.max_sitemap_urls)
                self._count(f"discovery/sitemaps/{doc.kind}")
                if doc.kind == "index":  # always read in full: an unchanged index says nothing of its children
                    self.urls.states.fetched([response.url], "discovery", response.status)
                    for entry in doc.entries:
                        if same_site(entry.url, site):
                            yield self._discovery(entry.url, "sitemap")
                    return
                entries = doc.entries
            elif kind == "feed":
                entries = parse_feed(body, response.url, self.max_sitemap_urls)
                self._count("discovery/feeds")
            else:
                raise DiscoveryError("neither a sitemap nor a feed")
        except DiscoveryError as exc:
            self._count(f"discovery/errors/{exc.reason}")
            self._site_inc(response.url, f"discovery_errors/{exc.reason}")
            self.logger.info("Discovery document %s unusable: %s", response.url, exc)
            return
        articles = kind == "feed" or article_sitemap(response.url, [entry.url for entry in entries[:100]])
        for chunk in chunked(entries, READ_CHUNK):  # the archive is asked 500 URLs at a time
            self.urls.prefetch(entry.url for entry in chunk)
            for entry in chunk:
                url = canonicalize_url(entry.url)
                if same_site(url, site):
                    self._count("discovery/urls")
                    if self.urls.states.too_old(entry.lastmod):
                        self._count("discovery/skipped_old")
                        self._site_inc(url, "skipped_old")
                        continue
                    self.urls.found_via(url, "feed" if kind == "feed" else "news_sitemap" if entry.news
                                    else "sitemap_lastmod" if entry.lastmod and articles else "sitemap")
                    self.urls.queue(url, 1, NEWS_PRIORITY if entry.news else LISTED_PRIORITY, entry.lastmod)
        self.urls.release()
