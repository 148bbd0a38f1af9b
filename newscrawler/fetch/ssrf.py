"""Fetch only http(s) URLs, and never an internal address the user did not ask for.

A page, a sitemap, a feed, robots.txt or a redirect of a hostile site could point the
crawler at ``http://169.254.169.254/`` (cloud metadata), ``http://10.0.0.1/admin``,
``http://localhost:6379/`` or ``file:///etc/passwd`` (server-side request forgery).
Two downloader middlewares refuse that, before any connection is made:

* :class:`AddressGuardMiddleware` (before the robots.txt and offsite middlewares) checks
  every request, including those a redirect or a meta refresh creates: schemes other than
  http and https are refused (``scheme_refused``), and so are hosts that are or resolve to
  a private, loopback, link-local, multicast, reserved or unspecified address, IPv4 or
  IPv6, however spelled (``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) — unless that
  host and port is one the user gave (a start URL, a source's feed or sitemap, or
  ``FETCH_ALLOWED_HOSTS``). Host names are resolved with the crawl's own resolver (Scrapy's
  cached ``DNS_RESOLVER``), so the address checked is the address connected to.
* :class:`RedirectGuardMiddleware` (before Scrapy's RedirectMiddleware) checks a redirect's
  target the same way, and refuses redirects back to a URL of the same chain
  (``redirect_loop``) — Scrapy's dupe filter would otherwise drop them without a word.

Refusals raise :class:`newscrawler.fetch.failures.Refused`, so the request's errback counts
``errors/<reason>`` for its site; the stats count ``ssrf/refused`` and ``ssrf/refused_scheme``.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IResolutionReceiver
from w3lib.url import safe_url_string
from zope.interface import implementer

from archive.urls import canonicalize_url
from newscrawler.config import setting_list
from newscrawler.fetch.failures import Refused

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_NUMERIC_HOST = re.compile(r"[0-9a-fA-FxX.]+")


def ip_literal(host: str) -> IPAddress | None:
    """The address ``host`` spells in any form a resolver accepts (``2130706433``, ``0x7f.1``, ``::1``)."""
    host = host.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.fullmatch(host) and any(c.isdigit() for c in host):
        try:  # inet_aton takes the BSD forms: 127.1, 0x7f.1, 017700000001, 2130706433
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_internal(ip: IPAddress) -> bool:
    """True for an address that is not on the public internet (or is multicast)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d
            return is_internal(ip.ipv4_mapped)
        if ip.sixtofour is not None and is_internal(ip.sixtofour):
            return True
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def host_port(url: str) -> tuple[str, int | None]:
    """(lower-case host without brackets or trailing dot, port or the scheme's default)."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").rstrip("."), port or DEFAULT_PORTS.get(parts.scheme.lower())


def allowed_entry(entry: str) -> tuple[str, int | None]:
    """A FETCH_ALLOWED_HOSTS entry: "host" (any port), "host:port", "[v6]" or "[v6]:port"."""
    parts = urlsplit(f"//{entry.strip()}")
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").rstrip("."), port


@implementer(IResolutionReceiver)
class _Addresses:
    """Collects what the reactor's name resolver (Scrapy's DNS_RESOLVER) answers for a host."""

    def __init__(self) -> None:
        self.found: list[IPAddress] = []
        self.done: Deferred[list[IPAddress]] = Deferred()

    def resolutionBegan(self, resolution: Any) -> None:  # noqa: N802 - Twisted API
        return

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        ip = ip_literal(str(getattr(address, "host", "")))
        if ip is not None:
            self.found.append(ip)

    def resolutionComplete(self) -> None:  # noqa: N802
        self.done.callback(self.found)


class AddressPolicy:
    """Which hosts may be fetched: public ones, and internal ones only where the user pointed."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.extra = setting_list(crawler.settings, "FETCH_ALLOWED_HOSTS")
        self._allowed: set[tuple[str, int | None]] | None = None
        self._allowed_ips: set[tuple[IPAddress, int | None]] = set()

    def user_urls(self) -> list[str]:
        """The start URLs and the feeds and sitemaps of the sources (the user's own choices)."""
        spider = self.crawler.spider
        urls = list(getattr(spider, "start_urls", None) or [])
        rules = getattr(spider, "rules", None)
        for source in (getattr(rules, "by_site", None) or {}).values():
            urls += [*(source.get("feeds") or []), *(source.get("sitemaps") or [])]
        return urls

    async def allowed(self) -> set[tuple[str, int | None]]:
        if self._allowed is None:
            allowed = {host_port(u) for u in self.user_urls()}
            # http://host/ may redirect to https://host/: the default ports go together
            allowed |= {(host, other) for host, port in allowed if port in (80, 443) for other in (80, 443)}
            allowed |= {allowed_entry(entry) for entry in self.extra}
            for host, port in allowed:
                for ip in await self.addresses(host):
                    self._allowed_ips.add((ip, port))
            self._allowed = allowed
        return self._allowed

    async def addresses(self, host: str) -> list[IPAddress]:
        literal = ip_literal(host)
        if literal is not None:
            return [literal]
        if not host:
            return []
        from twisted.internet import reactor

        receiver = _Addresses()
        reactor.nameResolver.resolveHostName(receiver, host)  # type: ignore[attr-defined]
        return await maybe_deferred_to_future(receiver.done)

    async def refusal(self, url: str) -> tuple[str, str] | None:
        """(reason, message) when ``url`` must not be fetched, else None."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in SCHEMES:
            return "scheme_refused", f"not fetched: {scheme or 'no'} scheme, only http and https"
        host, port = host_port(url)
        allowed = await self.allowed()
        if (host, port) in allowed or (host, None) in allowed:
            return None
        for ip in await self.addresses(host):
            if is_internal(ip) and (ip, port) not in self._allowed_ips and (ip, None) not in self._allowed_ips:
                return "ssrf_refused", f"not fetched: {host} is an internal address ({ip})"
        return None


def _refuse(crawler: Crawler, url: str, reason: str, message: str) -> Refused:
    assert crawler.stats is not None
    crawler.stats.inc_value("ssrf/refused_scheme" if reason == "scheme_refused" else "ssrf/refused")
    url = url if len(url) < 200 else url[:200] + "..."  # data: URLs
    logger.info("Refused %s: %s", url, message)
    return Refused(reason, f"{message} ({url})")


class AddressGuardMiddleware:
    """Refuses requests for non-http(s) URLs and internal addresses (see the module doc)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = AddressPolicy(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuardMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        refusal = await self.policy.refusal(request.url)
        if refusal is not None:
            raise _refuse(self.crawler, request.url, *refusal)


class RedirectGuardMiddleware:
    """Checks a redirect's target before Scrapy's RedirectMiddleware follows it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.policy = AddressPolicy(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Response:
        if (response.status not in REDIRECT_STATUSES or b"Location" not in response.headers
                or request.meta.get("dont_redirect")
                or response.status in request.meta.get("handle_httpstatus_list", ())):
            return response
        location = safe_url_string(response.headers[b"Location"] or b"")
        if location.startswith("//"):
            location = f"{urlparse_cached(request).scheme}:{location}"
        target = urljoin(request.url, location)
        refusal = await self.policy.refusal(target)
        if refusal is not None:
            raise _refuse(self.crawler, target, *refusal)
        chain = {canonicalize_url(u) for u in [*request.meta.get("redirect_urls", []), request.url]}
        if canonicalize_url(target) in chain:
            raise Refused("redirect_loop", f"redirect loop: {request.url} -> {target}")
        return response
