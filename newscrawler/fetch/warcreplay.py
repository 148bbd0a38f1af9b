"""Answer an import's requests from WARC records (``import-warc``): nothing goes over the network.

:class:`WarcReplayMiddleware` comes first among the downloader middlewares (order 1). A request
that carries its record (``meta["warc_response"]``, an :class:`archive.warc_read.WarcResponse`)
gets the recorded response: status, headers, decoded body and URL. Any other request (a meta
refresh, a robots.txt) is refused: an import reads its files and nothing else.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response

from archive.warc_read import WarcResponse

logger = logging.getLogger(__name__)

META_KEY = "warc_response"


def replayed(record: WarcResponse, request: Request) -> Response:
    """The recorded response to ``request``, as the downloader would have returned it."""
    headers: dict[str, list[str]] = {}
    for name, value in record.headers:
        headers.setdefault(name, []).append(value)
    return HtmlResponse(url=record.url, status=record.status, headers=headers, body=record.body,
                        request=request, flags=["warc"])


class WarcReplayMiddleware:
    """Downloader middleware: the response recorded in the request's WARC record, or IgnoreRequest."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> Response:
        record = request.meta.get(META_KEY)
        if not isinstance(record, WarcResponse):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("warc/not_captured")
            logger.info("Not in the WARC files, not fetched: %s", request.url)
            raise IgnoreRequest(f"not in the WARC files: {request.url}")
        return replayed(record, request)
