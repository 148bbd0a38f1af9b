"""Downloader middlewares: an identifying User-Agent, retries that honour ``Retry-After``."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
from scrapy.http import Response
from scrapy.utils.response import response_status_message

from newscrawler.config import setting_float, setting_int, setting_str
from newscrawler.fetch.reachability import NO_ANSWER, UNANSWERED, UNREACHABLE, failure_kind

logger = logging.getLogger(__name__)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def user_agent(template: str, contact: str) -> str:
    """USER_AGENT with ``{contact}`` replaced by the operator's contact URL."""
    return template.replace("{contact}", contact)


class ContactUserAgentMiddleware(UserAgentMiddleware):
    """Scrapy's User-Agent middleware; ``{contact}`` in USER_AGENT becomes NEWSCRAWLER_CONTACT_URL."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContactUserAgentMiddleware:
        settings = crawler.settings
        middleware = cls(user_agent(setting_str(settings, "USER_AGENT") or "",
                                    setting_str(settings, "NEWSCRAWLER_CONTACT_URL") or ""))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (429 and 5xx) that waits as long as Retry-After says.

    A Retry-After longer than ``RETRY_AFTER_MAX`` seconds is not waited for:
    the response is given up on and counted under ``retry/retry_after_too_long``.
    A refused connection or a failed DNS lookup, and any failure with no answer from a host
    that has not answered yet (:mod:`newscrawler.fetch.reachability`), is retried at most
    ``RETRY_UNREACHABLE_TIMES`` times.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.max_wait = setting_float(crawler.settings, "RETRY_AFTER_MAX")
        self.unreachable_times = setting_int(crawler.settings, "RETRY_UNREACHABLE_TIMES")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and wait > self.max_wait:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            logger.info("Not retrying %s: Retry-After %.0fs exceeds %.0fs", request.url, wait, self.max_wait)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait:
            logger.debug("Waiting %.1fs (Retry-After) before retrying %s", wait, request.url)
            await asyncio.sleep(wait)
        return retry

    def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        kind = failure_kind(exception)
        if kind in UNREACHABLE or (kind in NO_ANSWER and request.meta.get(UNANSWERED)):
            limit = min(request.meta.get("max_retry_times", self.max_retry_times), self.unreachable_times)
            request.meta["max_retry_times"] = limit
        return super().process_exception(request, exception)
