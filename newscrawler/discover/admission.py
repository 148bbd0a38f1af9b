"""Which URLs a crawl requests, and when: admission, the evidence listings give, and the backlog's release.

Every URL the spider meets (a sitemap or feed entry, a link, a page due for a revisit) is
*admitted* here or not: a start URL, a URL over ``URLLENGTH_LIMIT``, one that the site's
rules filter out, one already met at a depth no longer than this one, or a known article
that is not due (:class:`~newscrawler.discover.urlstates.UrlStates`) is not requested.
Admitted URLs wait in the :class:`~newscrawler.discover.backlog.Backlog` and are released
as requests a window at a time.

It also remembers how each listed URL was found (a news sitemap, a feed, a sitemap with
``lastmod``...: :data:`VIA_CODES`), the evidence of an article that the page's request
carries to the article decision (:mod:`newscrawler.process.classify`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import scrapy

from archive.urls import canonicalize_url
from newscrawler.discover.backlog import Backlog
from newscrawler.discover.keytable import KeyTable
from newscrawler.discover.links import Link
from newscrawler.discover.urlstates import UrlStates
from newscrawler.extensions.sitestats import site_inc

if TYPE_CHECKING:
    from scrapy.statscollectors import StatsCollector

    from archive.state import UrlState
    from newscrawler.sources import SiteRules

# How a URL was found, weakest first (see newscrawler.process.classify.STRONG_VIA).
VIA_CODES = ("link", "sitemap", "sitemap_lastmod", "feed", "news_sitemap")

Build = Callable[[str, int, int, int], scrapy.Request]  # url, depth, priority, pagination hops


class Admission:
    """The URLs of one crawl: met, admitted, waiting in the backlog, released as requests."""

    def __init__(self, start_urls: Iterable[str], rules: SiteRules, max_url_length: int = 0,
                 backlog: Backlog | None = None) -> None:
        self.rules = rules
        self.stats: StatsCollector | None = None  # the crawl's, once it starts (bind)
        self.max_url_length = max_url_length  # URLLENGTH_LIMIT (0: none), as Scrapy's UrlLengthMiddleware
        self.backlog = backlog if backlog is not None else Backlog(None)
        self.states = UrlStates(None, [], [], enabled=False)  # replaced when the crawl opens the archive
        self.start_keys = frozenset(canonicalize_url(u) for u in start_urls)
        # hash() of a canonical URL -> the fewest link hops at which any page linked to it.
        # Scrapy's dupe filter keeps the first request for a URL, which may have come the long way
        # round (e.g. via a tag page); links are followed from the shortest depth seen. In a
        # KeyTable: 9 bytes per URL (a dict of strings would take ~250).
        self.discovered = KeyTable()
        # hash() of a listed URL -> the strongest evidence of an article its listing gave (VIA_CODES).
        self.listed_via = KeyTable()
        self._build: Build | None = None
        self._schedule: Callable[[scrapy.Request], None] | None = None

    def bind(self, build: Build, schedule: Callable[[scrapy.Request], None], stats: StatsCollector | None) -> None:
        """At the crawl's start: how released entries become requests (``build``) and enter Scrapy's
        scheduler (``schedule``), and where the counts go."""
        self._build, self._schedule, self.stats = build, schedule, stats

    # --- admission ---------------------------------------------------------------------
    def admit(self, url: str, depth: int, lastmod: str | None = None) -> bool:
        """Record a link to ``url`` at ``depth``: True when it is to be requested (not seen, or by a shorter path)."""
        key = canonicalize_url(url)
        if key in self.start_keys:
            return False  # requested at the start of every crawl
        if self.max_url_length and len(url) > self.max_url_length:
            self._count("pages/url_too_long")
            return False
        if not self.rules.allowed(key):
            self._count("pages/filtered")
            return False
        number = hash(key)
        known = self.discovered.get(number)
        if known is None:
            self.discovered[number] = depth
            site_inc(self.stats, url, "discovered")
        else:
            shorter = depth < known
            if shorter:
                self.discovered[number] = depth
            if not shorter and (number not in self.states.skipped or lastmod is None):
                # Requested before (Scrapy's dupe filter would drop it, after building it), or
                # skipped as known before, with no newer sitemap lastmod that would make it due.
                return False
            # Found again by a shorter path: requested again, so that a shared frontier's dupe
            # filter learns the fewest hops for the other workers (a plain crawl drops it).
        if self.states.skip_page(url, lastmod):
            if number not in self.states.skipped:
                self.states.skipped.add(number)
                self._count("incremental/skipped")
                site_inc(self.stats, url, "skipped")
            return False
        return True

    def queue(self, url: str, depth: int, priority: int, lastmod: str | None = None) -> None:
        """A listed page (sitemap, feed, due for a revisit) into the backlog, if it is to be requested."""
        if self.admit(url, depth, lastmod):
            self.backlog.add(url, depth, priority)

    def prefetch(self, urls: Iterable[str]) -> None:
        """Look up at once the archive's states of those ``urls`` new to this crawl (they are
        about to be admitted: :meth:`UrlStates.prefetch`)."""
        if self.states.known:
            self.states.prefetch(key for key in map(canonicalize_url, urls) if hash(key) not in self.discovered)

    def follow(self, url: str, depth: int, hops: int, links: list[Link], max_depth: int,
               max_pagination: int) -> None:
        """Queue the links of the page ``url`` (met at ``depth``, ``hops`` pages along a pagination
        chain) that are to be requested: pagination costs no depth, up to ``max_pagination`` pages."""
        depth = min(depth, self.discovered.get(hash(canonicalize_url(url)), depth))
        self.prefetch(link.url for link in links if depth < max_depth or link.pagination)
        for link in links:
            if link.pagination:
                if hops < max_pagination and self.admit(link.url, depth):
                    self.backlog.add(link.url, depth, -depth, hops + 1)
            elif depth < max_depth and self.admit(link.url, depth + 1):
                self.backlog.add(link.url, depth + 1, -depth - 1)

    # --- evidence of an article ------------------------------------------------------------
    def found_via(self, url: str, via: str) -> None:
        """Remember that a sitemap or feed listed ``url`` (canonical) as ``via`` (see VIA_CODES)."""
        number, code = hash(url), VIA_CODES.index(via)
        if code > (self.listed_via.get(number) or 0):
            self.listed_via[number] = code

    def via_of(self, url: str) -> str | None:
        """The strongest evidence of an article that a listing gave for ``url``, if any."""
        code = self.listed_via.get(hash(canonicalize_url(url)))
        return VIA_CODES[code] if code else None

    def via(self, url: str, carried: str | None, known: UrlState | None, start: bool) -> str:
        """How the page ``url`` (as linked) was found: ``carried`` (its request's), a listing's,
        ``archived`` (an article stored by an earlier crawl), ``start`` or ``link``."""
        via = carried or self.via_of(url)
        if via is None and known is not None and known.kind == "article" and self.states.known_before(known):
            return "archived"
        return via or ("start" if start else "link")

    # --- release ---------------------------------------------------------------------------
    def release(self, force: int = 0) -> None:
        """Schedule backlog entries while the window has room (see :mod:`newscrawler.discover.backlog`)."""
        if self.backlog and self._build is not None and self._schedule is not None:
            if self.backlog.spilled and self.stats is not None:
                self.stats.max_value("backlog/in_file_peak", self.backlog.spilled)
            for request in self.backlog.release(self._build, force):
                self._schedule(request)

    def left(self, request: scrapy.Request) -> None:
        """A request reached the downloader, was dropped, or was answered or refused before it."""
        if self.backlog.left(request):
            self.release()

    def idle(self) -> bool:
        """Scrapy is about to go idle: release a batch regardless of the window. True if any waited."""
        self.backlog.forget_waiting()
        if not self.backlog:
            return False
        self.release(force=self.backlog.window or 1)
        return True

    def close(self) -> None:
        self.backlog.close()

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
