"""Turn download failures into short reasons (for stats) and one-line messages.

The reasons are the ``errors/<reason>`` (pages) and ``discovery_errors/<reason>`` (feeds,
sitemaps) counters of a run record; docs/reliability.md lists them.
"""

from __future__ import annotations

import gzip
import zlib

from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from scrapy import exceptions as scrapy_exc
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError


class Refused(IgnoreRequest):
    """A request or response the crawler refuses, with the reason counted for it."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _scrapy(name: str) -> tuple[type[BaseException], ...]:
    """Scrapy >= 2.14's own download exceptions, where this Scrapy has them."""
    found = getattr(scrapy_exc, name, None)
    return (found,) if isinstance(found, type) else ()


_KINDS: list[tuple[tuple[type[BaseException], ...], str, str]] = [
    ((net.DNSLookupError, *_scrapy("CannotResolveHostError")), "dns", "DNS lookup failed"),
    ((net.ConnectionRefusedError, *_scrapy("DownloadConnectionRefusedError")), "connection_refused",
     "connection refused"),
    ((net.TimeoutError, net.TCPTimedOutError, *_scrapy("DownloadTimeoutError")), "timeout", "timed out"),
    ((*_scrapy("ResponseDataLossError"),), "data_loss", "body shorter than its Content-Length"),
    ((net.ConnectionLost, net.ConnectionDone, ResponseFailed, ResponseNeverReceived),
     "connection_lost", "connection lost"),
    # Scrapy cancels a download only when it outgrows DOWNLOAD_MAXSIZE.
    ((*_scrapy("DownloadCancelledError"),), "too_large", "larger than DOWNLOAD_MAXSIZE"),
    ((zlib.error, gzip.BadGzipFile, EOFError), "corrupt_gzip", "corrupt compressed body"),
    ((*_scrapy("DownloadFailedError"),), "download_failed", "download failed"),
    ((net.ConnectError,), "connect_error", "could not connect"),
]  # fmt: skip


def describe_failure(failure: Failure) -> tuple[str, str]:
    """(stats kind, human message) for a request's failure."""
    exc = failure.value
    if isinstance(exc, Refused):
        return exc.reason, str(exc)
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status}"
    for types, kind, message in _KINDS:
        if isinstance(exc, types):
            if kind == "download_failed" and "ConnectionLost" in str(exc):
                return "connection_lost", "connection lost"
            return kind, message
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request ignored"
        if "robots.txt" in text:
            return "robots_disallowed", "disallowed by robots.txt"
        if "during decompression" in text:  # HttpCompressionMiddleware: inflates beyond DOWNLOAD_MAXSIZE
            return "decompression_bomb", "inflates beyond DOWNLOAD_MAXSIZE"
        if "maxsize" in text.lower() or "size" in text.lower():
            return "too_large", text
        if text.startswith("Filtered offsite request"):
            return "offsite", text
        if "max redirections" in text:
            return "too_many_redirects", "too many redirects (REDIRECT_MAX_TIMES)"
        return "ignored", text
    name = type(exc).__name__
    detail = str(exc).splitlines()[0] if str(exc) else name
    return name.lower(), f"{name}: {detail}"[:200]
