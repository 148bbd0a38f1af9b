"""Parsers for discovery documents: robots.txt, sitemaps, RSS/Atom feeds and JSON Feeds.

Pure functions over bytes, safe against hostile XML: no entity expansion, no
network or file access, bounded sizes and entry counts.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree

logger = logging.getLogger(__name__)

_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*\[.*?\]\s*>|[^>]*>)", re.DOTALL | re.IGNORECASE)
SNIFF_DOCTYPE = 64 * 1024  # a DOCTYPE comes before the root element (and a JSON Feed's version)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
# A JSON Feed (https://www.jsonfeed.org/version/1.1/) names its version first; PHP writes "\/".
_JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version(?:\\?/)')
JSON_FEED_PREFIX = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")


class DiscoveryError(ValueError):
    """A discovery document that cannot be used; ``reason`` is counted (too_large, corrupt_gzip, ...)."""

    def __init__(self, message: str, reason: str = "unusable") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Entry:
    """One URL found in a sitemap or feed."""

    url: str
    lastmod: str | None = None
    news: bool = False  # from a Google News sitemap


@dataclass(frozen=True)
class SitemapDoc:
    kind: str  # "index" or "urlset"
    entries: list[Entry]


def robots_sitemaps(text: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, absolute, in order, without repeats."""
    seen: dict[str, None] = {}
    for match in _SITEMAP_LINE.finditer(text):
        seen.setdefault(urljoin(base_url, match.group(1)), None)
    return list(seen)


def inflate(body: bytes, max_size: int) -> bytes:
    """Gunzip ``body`` if it is gzip data, refusing to inflate beyond ``max_size`` bytes."""
    if body[:2] != b"\x1f\x8b":
        if len(body) > max_size:
            raise DiscoveryError(f"document larger than {max_size} bytes", "too_large")
        return body
    out = io.BytesIO()
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            while chunk := stream.read(64 * 1024):
                out.write(chunk)
                if out.tell() > max_size:
                    raise DiscoveryError(f"gzip body inflates beyond {max_size} bytes", "too_large")
    except (OSError, EOFError, zlib.error) as exc:
        raise DiscoveryError(f"corrupt gzip body: {exc}", "corrupt_gzip") from exc
    return out.getvalue()


def absolute(base_url: str, href: str) -> str | None:
    """``href`` resolved against ``base_url``; None when it is not a URL (e.g. ``http://[::1``).

    urljoin is slow, and sitemap URLs are absolute: those are taken as they are."""
    href = href.strip()
    if href.startswith(("http://", "https://")) and not any(s in href for s in ("/./", "/../", "[")):
        return href
    try:
        return urljoin(base_url, href)
    except ValueError:
        return None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )


def strip_doctype(body: bytes) -> bytes:
    """``body`` without its DOCTYPE (and internal DTD subset), where entities are declared.

    Entities are never expanded anyway (see :func:`_parser`), but libxml2 stops at the first
    reference to a declared one ("billion laughs"), losing the rest of the document. Feeds and
    sitemaps need no DTD; undeclared references are dropped instead.
    """
    head = body[:SNIFF_DOCTYPE]
    start = head.upper().find(b"<!DOCTYPE")
    if start == -1:
        return body
    match = _DOCTYPE.match(body, start)
    return body[:start] + body[match.end():] if match else body


def parse_xml(body: bytes) -> etree._Element:
    """Parse untrusted XML; raises DiscoveryError if there is no usable root."""
    try:
        root = etree.fromstring(strip_doctype(body.lstrip()), _parser())
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"not XML: {exc}", "not_xml") from exc
    if root is None:
        raise DiscoveryError("not XML: empty document", "not_xml")
    return root


def local_name(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _json_object(body: bytes) -> bool:
    """True when ``body`` starts like a JSON object (after a BOM and whitespace)."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def sniff(body: bytes) -> str | None:
    """'sitemap', 'feed' or None for a discovery document's bytes.

    A JSON object naming a jsonfeed.org version in its first 64 KB is a feed: the version is
    looked for, not parsed, so a broken JSON Feed is still one (and :func:`parse_feed` says why)."""
    if _json_object(body):
        return "feed" if _JSON_FEED_VERSION.search(body, 0, SNIFF_DOCTYPE) else None
    head = body[:2048].lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    return None


def parse_sitemap(body: bytes, base_url: str, max_urls: int) -> SitemapDoc:
    """Entries of a sitemap or sitemap index (Google News extensions flagged)."""
    root = parse_xml(body)
    name = local_name(root)
    if name not in ("urlset", "sitemapindex"):
        raise DiscoveryError(f"not a sitemap (root element <{name}>)")
    entries: list[Entry] = []
    for node in root:
        if local_name(node) not in ("url", "sitemap"):
            continue
        fields = {local_name(child): child for child in node}
        loc = fields.get("loc")
        if loc is None or not (loc.text or "").strip():
            continue
        lastmod = fields.get("lastmod")
        news = fields.get("news")
        news_date = None
        if news is not None:
            for child in news.iter():
                if local_name(child) == "publication_date" and child.text:
                    news_date = child.text.strip()
        url = absolute(base_url, loc.text.strip())
        if url is None:
            continue
        entries.append(
            Entry(
                url=url,
                lastmod=news_date or (lastmod.text.strip() if lastmod is not None and lastmod.text else None),
                news=news is not None,
            )
        )
        if len(entries) >= max_urls:
            logger.info("Sitemap %s: stopped at %d URLs", base_url, max_urls)
            break
    return SitemapDoc("index" if name == "sitemapindex" else "urlset", entries)


def _atom_link(entry: etree._Element) -> str | None:
    fallback = None
    for child in entry:
        if local_name(child) != "link":
            continue
        rel = (child.get("rel") or "alternate").lower()
        href = child.get("href")
        if href and rel == "alternate":
            return href
        fallback = fallback or href
    return fallback


def _rss_link(item: etree._Element) -> str | None:
    guid = None
    for child in item:
        name = local_name(child)
        text = (child.text or "").strip()
        if name == "link" and text:
            return text
        if name == "link" and child.get("href"):
            return child.get("href")
        if name == "guid" and text and child.get("isPermaLink", "true").lower() != "false":
            guid = text
    return guid if guid and guid.startswith(("http://", "https://")) else None


def _dated(node: etree._Element) -> str | None:
    for child in node:
        if local_name(child) in ("pubdate", "published", "updated", "date"):
            return (child.text or "").strip() or None
    return None


def parse_feed(body: bytes, base_url: str, max_urls: int) -> list[Entry]:
    """Article links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, or of a JSON Feed."""
    if _json_object(body):
        return parse_json_feed(body, base_url, max_urls)
    root = parse_xml(body)
    name = local_name(root)
    if name not in ("rss", "feed", "rdf"):
        raise DiscoveryError(f"not a feed (root element <{name}>)")
    entries: list[Entry] = []
    for node in root.iter():
        kind = local_name(node)
        if kind == "item":
            href = _rss_link(node)
        elif kind == "entry":
            href = _atom_link(node)
        else:
            continue
        url = absolute(base_url, href.strip()) if href else None
        if url:
            entries.append(Entry(url=url, lastmod=_dated(node)))
        if len(entries) >= max_urls:
            break
    return entries


def parse_json_feed(body: bytes, base_url: str, max_urls: int) -> list[Entry]:
    """Article links of a JSON Feed (versions 1 and 1.1), relative ones resolved against ``base_url``.

    An item's URL is its ``url``, else its ``id`` when that is an http(s) URL, else its
    ``external_url`` (a page elsewhere, which the crawl drops unless it is on the feed's site);
    its date is ``date_modified``, else ``date_published``."""
    try:
        feed = json.loads(body)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise DiscoveryError(f"not JSON: {str(exc)[:200]}", "not_json") from exc
    version = feed.get("version") if isinstance(feed, dict) else None
    if not isinstance(version, str) or not version.startswith(JSON_FEED_PREFIX):
        raise DiscoveryError("not a JSON Feed (no jsonfeed.org version)")
    items = feed.get("items")
    if not isinstance(items, list):
        raise DiscoveryError("not a JSON Feed (no items list)")
    entries: list[Entry] = []
    for item in items:
        href = _json_item_link(item) if isinstance(item, dict) else None
        url = absolute(base_url, href) if href else None
        if url:
            entries.append(Entry(url=url, lastmod=_json_item_date(item)))
            if len(entries) >= max_urls:
                logger.info("Feed %s: stopped at %d URLs", base_url, max_urls)
                break
    return entries


def _json_item_link(item: dict[str, Any]) -> str | None:
    url, item_id, external = (item.get(k) for k in ("url", "id", "external_url"))
    if isinstance(url, str) and url.strip():
        return url
    if isinstance(item_id, str) and item_id.strip().lower().startswith(("http://", "https://")):
        return item_id
    return external if isinstance(external, str) and external.strip() else None


def _json_item_date(item: dict[str, Any]) -> str | None:
    for key in ("date_modified", "date_published"):
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
