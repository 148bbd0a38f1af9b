"""Per-site counts of a crawl, kept in the Scrapy stats as ``site/<site>/<counter>``.

Counters: ``discovered``, ``fetched``, ``not_modified``, ``skipped`` (known, not
requested), ``new``, ``updated``, ``unchanged``, ``duplicates`` (copies of an
article, kept as its aliases), ``not_article/<reason>``, ``dropped/<reason>``,
``errors/<kind>``, ``robots_disallowed``, ``blocked/<why>``; and one value,
``robots/crawl_delay`` (seconds, see :mod:`newscrawler.fetch.crawldelay`). The
:class:`SiteStats` extension counts responses (and recognises block pages);
the spider and the pipelines count the rest through :func:`site_inc`.
"""

from __future__ import annotations

import re
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from archive.urls import site_of

PREFIX = "site/"
# Always present in a run record (0 when nothing happened).
MAIN_COUNTERS = ("discovered", "fetched", "not_modified", "skipped", "new", "updated", "unchanged", "duplicates")
BLOCK_STATUSES = (401, 403, 429, 451)
# Challenge/captcha pages; only looked for in short pages, where they are the whole content.
BLOCK_PAGE = re.compile(
    rb"captcha|are you a (?:human|robot)|verify you are (?:a )?human|access denied|"
    rb"unusual traffic|cf-challenge|checking your browser|request blocked",
    re.IGNORECASE,
)
BLOCK_PAGE_MAX_BYTES = 20_000
# A challenge page is little more than its message; a page with this much text is a story that
# mentions "access denied" or a captcha (a short article about one, say), not a block.
BLOCK_PAGE_MAX_TEXT = 1500
_CODE = re.compile(rb"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(rb"<[^>]*>")


def site_inc(stats: StatsCollector | None, url_or_site: str, counter: str, n: int = 1) -> None:
    if stats is not None:
        stats.inc_value(f"{PREFIX}{site_of(url_or_site)}/{counter}", n)


def site_set(stats: StatsCollector | None, url_or_site: str, name: str, value: float) -> None:
    """A per-site value that is not a count (e.g. ``robots/crawl_delay``, seconds)."""
    if stats is not None:
        stats.set_value(f"{PREFIX}{site_of(url_or_site)}/{name}", value)


def per_site(stats: dict[str, Any]) -> dict[str, dict[str, int | float]]:
    """``{site: {counter: n}}`` from flat Scrapy stats."""
    sites: dict[str, dict[str, int | float]] = {}
    for key, value in stats.items():
        if key.startswith(PREFIX) and isinstance(value, (int, float)):
            site, _, counter = key[len(PREFIX):].partition("/")
            sites.setdefault(site, dict.fromkeys(MAIN_COUNTERS, 0))[counter] = value
    return {site: dict(sorted(counts.items())) for site, counts in sorted(sites.items())}


def block_reason(response: Response) -> str | None:
    """Why ``response`` looks like the site refusing us (status or a challenge page), else None."""
    if response.status in BLOCK_STATUSES:
        return f"http_{response.status}"
    if response.status == 200 and len(response.body) <= BLOCK_PAGE_MAX_BYTES:
        ctype = response.headers.get("Content-Type", b"") or b""
        if b"html" in ctype.lower() and BLOCK_PAGE.search(response.body) and not _has_story(response.body):
            return "captcha"
    return None


def _has_story(body: bytes) -> bool:
    """Whether a (small) page shows more text than a challenge page would."""
    text = _TAG.sub(b" ", _CODE.sub(b" ", body))
    return len(b" ".join(text.split())) > BLOCK_PAGE_MAX_TEXT


class SiteStats:
    """Counts every response per site: fetched, not modified, blocked."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteStats:
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        return ext

    def response_received(self, response: Response, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
            site_inc(self.stats, request.url, "fetched/robots")
            return
        site_inc(self.stats, request.url, "fetched")
        if response.status == 304:
            site_inc(self.stats, request.url, "not_modified")
        reason = block_reason(response)
        if reason:
            site_inc(self.stats, request.url, f"blocked/{reason}")
