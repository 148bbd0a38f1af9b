"""Which links the crawler follows: same site, http(s), not binary, tracking stripped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml import etree

from archive.urls import canonicalize_url, site_of

# scrapy.linkextractors.IGNORED_EXTENSIONS (Scrapy 2.19), copied: this module runs in the
# extraction workers, which need not import Scrapy (~20 MB each).
IGNORED_EXTENSIONS = (
    "7z 7zip bz2 rar tar tar.gz xz zip mng pct bmp gif jpg jpeg png pst psp tif tiff ai drw dxf eps ps svg"
    " cdr ico webp mp3 wma ogg wav ra aac mid au aiff 3gp asf asx avi mov mp4 mpg qt rm swf wmv m4a m4v flv"
    " webm xls xlsm xlsx xltm xltx potm potx ppt pptm pptx pps doc docb docm docx dotm dotx odt ods odg odp"
    " css pdf exe bin rss dmg iso apk jar sh rb js hta bat cpl msi msp py"
).split()
_SKIP_EXT = {"." + ext for ext in IGNORED_EXTENSIONS} | {".xml", ".json", ".txt", ".rss", ".atom", ".gz"}
PAGINATION = re.compile(r"/page/\d+/?$|[?&](page|paged|p|pg)=\d+(&|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    url: str
    pagination: bool


def same_site(url: str, site: str) -> bool:
    """True when ``url`` is http(s) on ``site`` (a :func:`archive.urls.site_of` key)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and site_of(url) == site


def followable(url: str) -> bool:
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return dot == -1 or path[dot:] not in _SKIP_EXT


def _hrefs(tree: etree._Element) -> Iterator[tuple[str, bool]]:
    """(href, rel=next) of every ``<a href>`` and ``<link rel="next" href>``, in document order.

    One pass over the tree (two XPath queries, one of them for ``rel~=next``, cost 3x more).
    """
    for el in tree.iter("a", "link"):
        href = el.get("href")
        if href is None:
            continue
        rel = el.get("rel")
        if el.tag == "a":
            yield href, rel is not None and "next" in rel.split()
        elif rel == "next":
            yield href, True


def page_links(tree: etree._Element, base_url: str, site: str) -> list[Link]:
    """Links of a page worth following, canonicalized, in document order, no repeats."""
    origin = _origin(base_url)
    https_base = base_url.startswith("https:")
    seen: dict[str, Link] = {}
    for raw, rel_next in _hrefs(tree):
        href = raw.strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:", "data:")) or _templated(href):
            continue
        if _has_host(href):
            url = _absolute_link(href, https_base, site)
        elif href.startswith("/") and not href.startswith("//") and origin:
            url = _rooted_link(href, origin, site)  # "/path": depends on the base's origin only
        else:
            url = _followable_url(urljoin(base_url, href), site)
        if url is None:
            continue
        link = seen.get(url)
        if link is None:
            seen[url] = Link(url, rel_next or bool(PAGINATION.search(url)))
        elif rel_next and not link.pagination:
            seen[url] = Link(url, True)  # the same URL under rel=next further down
    return list(seen.values())


def _templated(href: str) -> bool:
    """An href left as a client-side template (``{{link}}``, ``{% url %}``) is no address:
    following it costs a request and gives a 404 (one news-dev publisher has one on every page)."""
    return "{{" in href or "{%" in href


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, else None."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("http", "https"):
        return None
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return f"{scheme}://{host}" if host and "@" not in host and "\\" not in host else None


@lru_cache(maxsize=8192)
def _rooted_link(href: str, origin: str, site: str) -> str | None:
    """:func:`_followable_url` of a root-relative href, cached: navigation links recur on every page."""
    return _followable_url(urljoin(origin + "/", href), site)


def _has_host(href: str) -> bool:
    """True for ``http(s)://host...``: urljoin then depends on the base's scheme only."""
    for prefix in ("http://", "https://"):
        if href.startswith(prefix):
            return len(href) > len(prefix) and href[len(prefix)] not in "/?#\\"
    return False


@lru_cache(maxsize=8192)
def _absolute_link(href: str, https_base: bool, site: str) -> str | None:
    """:func:`_followable_url` of an absolute href, cached: navigation links recur on every page."""
    return _followable_url(urljoin("https://base.invalid/" if https_base else "http://base.invalid/", href), site)


def _followable_url(url: str, site: str) -> str | None:
    """The canonical form of an absolute ``url`` worth following on ``site``, else None.

    Cheap tests first: most links of a news page lead off-site, and the same
    navigation links recur on every page (hence the cache). Canonicalization
    keeps scheme, host and path as ``same_site`` and ``followable`` see them.
    """
    try:
        if not same_site(url, site) or not followable(url):
            return None
        return canonicalize_url(url)
    except ValueError:
        return None


def feed_links(tree: etree._Element, base_url: str) -> list[str]:
    """RSS/Atom feeds and JSON Feeds a page announces with ``<link rel="alternate" type=...>``.

    JSON Feed 1.0 was announced as ``application/json``, which WordPress also uses for its
    REST API (``title="JSON"``): such a link counts only when its title says "feed"."""
    hrefs = tree.xpath(
        "//link[contains(@rel, 'alternate')][contains(@type, 'rss') or contains(@type, 'atom')"
        " or contains(@type, 'feed+json') or (@type = 'application/json'"
        " and contains(translate(@title, 'FEED', 'feed'), 'feed'))]/@href"
    )
    return list(dict.fromkeys(urljoin(base_url, str(h).strip()) for h in hrefs if str(h).strip()))
