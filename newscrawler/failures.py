"""Turn download failures into short reasons (for stats) and one-line messages."""

from __future__ import annotations

from twisted.internet import error as net
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from scrapy import exceptions as scrapy_exc
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError


def _scrapy(name: str) -> tuple[type[BaseException], ...]:
    """Scrapy >= 2.14's own download exceptions, where this Scrapy has them."""
    found = getattr(scrapy_exc, name, None)
    return (found,) if isinstance(found, type) else ()


_KINDS: list[tuple[tuple[type[BaseException], ...], str, str]] = [
    ((net.DNSLookupError, *_scrapy("CannotResolveHostError")), "dns", "DNS lookup failed"),
    ((net.ConnectionRefusedError, *_scrapy("DownloadConnectionRefusedError")), "connection_refused",
     "connection refused"),
    ((net.TimeoutError, net.TCPTimedOutError, *_scrapy("DownloadTimeoutError")), "timeout", "timed out"),
    ((net.ConnectionLost, net.ConnectionDone, ResponseFailed, ResponseNeverReceived,
      *_scrapy("ResponseDataLossError")), "connection_lost", "connection lost"),
    ((*_scrapy("DownloadFailedError"),), "download_failed", "download failed"),
    ((net.ConnectError,), "connect_error", "could not connect"),
]  # fmt: skip


def describe_failure(failure: Failure) -> tuple[str, str]:
    """(stats kind, human message) for a request's failure."""
    exc = failure.value
    if isinstance(exc, HttpError):
        status = exc.response.status
        return f"http_{status}", f"HTTP {status}"
    for types, kind, message in _KINDS:
        if isinstance(exc, types):
            return kind, message
    if isinstance(exc, IgnoreRequest):
        text = str(exc) or "request ignored"
        if "robots.txt" in text:
            return "robots_disallowed", "disallowed by robots.txt"
        if "maxsize" in text.lower() or "size" in text.lower():
            return "too_large", text
        return "ignored", text
    name = type(exc).__name__
    detail = str(exc).splitlines()[0] if str(exc) else name
    return name.lower(), f"{name}: {detail}"[:200]
