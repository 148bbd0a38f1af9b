"""Every HTTP exchange of a crawl as it went over the wire: headers kept, WARC capture.

:class:`ReceivedHeadersMiddleware` (always on) keeps each response's headers as received,
before decompression drops ``Content-Encoding``: the archive stores them with the article's
raw page. :class:`WarcCaptureMiddleware` (on when ``WARC_DIR`` is set: ``crawl --warc DIR``)
writes each request and its response to WARC files (:mod:`archive.warc_write`): pages,
listings, feeds, sitemaps, robots.txt, redirects (3xx), error pages (4xx, 5xx) and each
retried attempt. Both sit at the downloader's end of the chain (960 and 950): a response
reaches them first, as downloaded, before decompression (590), redirects (600) and retries
(550) see it. A request that got no response (a timeout, a refused connection) has nothing
to capture.

What "as received" means here: Scrapy's HTTP/1.1 handler hands over Twisted's headers, whose
names are in canonical capitalisation (``Content-Type``), values as sent, in the order received
(repeated headers grouped); the status line's reason phrase is the standard one for the code;
the body has its transfer coding (chunked) removed but its content coding (gzip, br) kept, and
``Transfer-Encoding`` is left out of the record. The request record has the headers Scrapy
sent but for the ``Host`` line Twisted adds (written back from the URL).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from socket import gethostname
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.utils.defer import _schedule_coro

from archive.article import WarcLocation
from archive.warc_write import Exchange, WarcWriter
from newscrawler.config import setting_bool, setting_dict, setting_int, setting_str
from newscrawler.fetch.robots import REUSED_FLAG

logger = logging.getLogger(__name__)

HEADERS_KEY = "received_headers"  # request.meta: the response's headers as received
WARC_KEY = "warc_capture"  # request.meta: [path, offset, length] of the record holding the body


def header_pairs(headers: Headers) -> list[list[str]]:
    """Scrapy headers as ``[name, value]`` pairs (latin-1 decoded), one pair per value."""
    return [[name.decode("latin-1"), value.decode("latin-1")]
            for name, values in headers.items() for value in values]


def received_headers(response: Response) -> list[tuple[str, str]] | None:
    """The headers ``response`` came with, as :class:`ReceivedHeadersMiddleware` kept them."""
    pairs = response.meta.get(HEADERS_KEY)
    return [(name, value) for name, value in pairs] if pairs is not None else None


def warc_location(response: Response) -> WarcLocation | None:
    """Where the WARC record holding ``response``'s body is, when the crawl writes WARC files."""
    where = response.meta.get(WARC_KEY)
    return WarcLocation(where[0], int(where[1]), int(where[2])) if where else None


class ReceivedHeadersMiddleware:
    """Keeps each response's headers as received, in ``request.meta`` (see the module doc)."""

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[HEADERS_KEY] = header_pairs(response.headers)
        request.meta.pop(WARC_KEY, None)  # a redirected request's meta is its source's
        return response


def software() -> str:
    try:
        return f"newscrawler/{version('newscrawler')}"
    except PackageNotFoundError:
        return "newscrawler"


class WarcCaptureMiddleware:
    """Writes every exchange to WARC files in ``WARC_DIR`` (see the module doc). Counts
    ``warc/records``, ``warc/revisits``, ``warc/bytes`` and ``warc/files``."""

    def __init__(self, crawler: Crawler, directory: str) -> None:
        self.crawler = crawler
        self.directory = Path(directory)
        self.max_size = setting_int(crawler.settings, "WARC_MAX_SIZE")
        self.level = setting_int(crawler.settings, "WARC_GZIP_LEVEL")
        self.writer: WarcWriter | None = None
        self.failed = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        directory = setting_str(crawler.settings, "WARC_DIR")
        if not directory:
            raise NotConfigured  # no message: Scrapy would log it at WARNING in every crawl (cron mail)
        return cls(crawler, directory)

    def _open(self) -> WarcWriter:
        """The writer, at the first response: the archive's run id (in the file names) is known then."""
        stats = self.crawler.stats
        assert stats is not None
        run_id = stats.get_value("archive/run_id")
        spider = self.crawler.spider
        info: dict[str, Any] = {
            "software": software(), "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": gethostname(), "isPartOf": f"newscrawler run {run_id}" if run_id else None,
            "http-header-user-agent": setting_str(self.crawler.settings, "USER_AGENT"),
            "robots": "obey" if setting_bool(self.crawler.settings, "ROBOTSTXT_OBEY") else "ignore",
            "start-urls": list(getattr(spider, "start_urls", [])),
            "crawl-arguments": _args_text(setting_dict(self.crawler.settings, "CRAWL_RUN_ARGS")),
        }
        prefix = f"newscrawler-run{run_id}" if run_id else "newscrawler"
        return WarcWriter(self.directory, prefix, info, max_size=self.max_size, gzip_level=self.level)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.failed or REUSED_FLAG in response.flags:  # robots.txt answered again: recorded once
            return response
        try:
            if self.writer is None:
                self.writer = self._open()
            captured = self.writer.write(_exchange(request, response))
        except OSError as exc:
            self._failed(exc)
            return response
        if captured.body_at is not None:
            request.meta[WARC_KEY] = [captured.body_at.path, captured.body_at.offset, captured.body_at.length]
        self._count()
        return response

    def _count(self) -> None:
        stats, writer = self.crawler.stats, self.writer
        assert stats is not None and writer is not None
        stats.set_value("warc/records", writer.records)
        stats.set_value("warc/revisits", writer.revisits)
        stats.set_value("warc/bytes", writer.bytes)
        stats.set_value("warc/files", len(writer.files))

    def _failed(self, exc: OSError) -> None:
        """A WARC file cannot be written (full disk...): the crawl stops, with one error line."""
        self.failed = True
        logger.error("Stopping the crawl: cannot write WARC files in %s: %s", self.directory, exc)
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("warc/error", f"cannot write WARC files in {self.directory}: {exc}")
        if self.crawler.engine is not None:
            _schedule_coro(self.crawler.engine.close_spider_async(reason="warc_error"))

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.writer.close()
            logger.info("WARC files written: %s", ", ".join(str(path) for path in self.writer.files))


def _args_text(args: dict[str, Any]) -> str:
    return " ".join(f"{name}={value}" for name, value in args.items() if value not in (None, False, [], ""))


def _exchange(request: Request, response: Response) -> Exchange:
    return Exchange(
        url=response.url, method=request.method,
        request_headers=[(name, value) for name, value in header_pairs(request.headers)],
        # the pairs ReceivedHeadersMiddleware (960, before this one) just made of these headers
        status=response.status, headers=[(name, value) for name, value in
                                         request.meta.get(HEADERS_KEY) or header_pairs(response.headers)],
        body=response.body, date=datetime.now(UTC), request_body=request.body or b"",
        protocol=response.protocol or "HTTP/1.1",
    )
