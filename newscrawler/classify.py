"""Decide whether a fetched HTML page is a news article.

Home, section, pagination, tag, author, about, contact and login pages must
never be archived as articles. The decision combines, in order of strength:
structured data (JSON-LD ``@type``, ``og:type``), the URL's shape, and the
page's text (paragraph text length and link density). Each decision carries a
short reason that the crawl stats count (``pages/not_article/<reason>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from newscrawler.metadata import jsonld_objects, meta_tags

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
    "askpublicnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "report", "scholarlyarticle", "techarticle", "satiricalarticle",
}  # fmt: skip
# Page types that only listing or site pages declare (WebSite and WebPage appear
# on article pages too, e.g. in Yoast's @graph, so they say nothing).
LISTING_TYPES = {"collectionpage", "searchresultspage", "profilepage", "aboutpage", "contactpage", "checkoutpage"}
LISTING_PATH = re.compile(
    # /tag/x/, /section/world/page/2/, /author/jane-doe/, /category/tech/, /search
    r"/(tags?|topics?|categor(y|ies)|sections?|authors?|contributors?|writers?|archives?|labels?"
    r"|search|people|profiles?)(/[^/]+)?/?(page/\d+/?)?$"
    # /page/3/, /2026/03/, /2026/03/04/ (date archives without a slug)
    r"|/page/\d+/?$|^/(19|20)\d\d(/\d\d?){0,2}/?$",
    re.IGNORECASE,
)
SITE_PAGE = re.compile(
    r"^(about(-us)?|contact(-us)?|login|log-in|signin|sign-in|signup|sign-up|register|account"
    r"|subscribe|subscriptions?|newsletters?|privacy(-policy)?|terms(-of-(use|service))?"
    r"|cookies?(-policy)?|imprint|impressum|legal|faq|help|jobs|careers|advertise|feed|rss"
    r"|wp-login|wp-admin|cart|checkout|shop|index|home|default)$",
    re.IGNORECASE,
)
DATE_IN_PATH = re.compile(r"/(19|20)\d\d[/-](0?[1-9]|1[0-2])([/-](0?[1-9]|[12]\d|3[01]))?(/|-)")
SLUG = re.compile(r"/[^/]*[a-z0-9]+(-[a-z0-9]+){2,}[^/]*/?$", re.IGNORECASE)
ARTICLE_ID = re.compile(r"/[^/]*\d{5,}[^/]*/?$|\.html?$|/(article|story|news|post)s?/[^/]+", re.IGNORECASE)
MIN_ARTICLE_CHARS = 400  # paragraph text of an article page
MAX_LINK_DENSITY = 0.35  # share of paragraph text that is link text


@dataclass(frozen=True)
class PageDecision:
    is_article: bool
    reason: str  # e.g. "jsonld", "og_type", "url+text"; for non-articles "listing_path", "short_text", ...


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    values = kind if isinstance(kind, list) else [kind]
    return {v.lower() for v in values if isinstance(v, str)}


def structured_type(tree: etree._Element) -> str | None:
    """'article' or 'listing' from JSON-LD and og:type, or None when silent."""
    types: set[str] = set()
    for obj in jsonld_objects(tree):
        types |= _types(obj)
    if types & ARTICLE_TYPES:
        return "article"
    og = (meta_tags(tree).get("og:type") or [""])[0].strip().lower()
    if og == "article":
        return "article"
    if types & LISTING_TYPES:
        return "listing"
    if og in ("website", "profile", "webpage"):
        return "listing"
    return None


def url_shape(url: str) -> str:
    """'listing' (home, section, tag, ...), 'article' (dated path, long slug, id) or 'neutral'."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("/", "") or re.fullmatch(r"/(index\.\w+|home)?/?", path):
        return "listing"
    query = parts.query.lower()
    if re.search(r"(^|&)(page|p|paged|offset|start)=\d+", query) or re.search(r"(^|&)(s|q|query|search)=", query):
        return "listing"
    last = path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    if LISTING_PATH.search(path) or SITE_PAGE.match(last):
        return "listing"
    if DATE_IN_PATH.search(path + "/") or SLUG.search(path) or ARTICLE_ID.search(path):
        return "article"
    return "neutral"


def text_profile(tree: etree._Element) -> tuple[int, float]:
    """(characters of paragraph text, link density within those paragraphs)."""
    total = 0
    linked = 0
    for p in tree.iter("p"):
        text = " ".join(p.itertext()).strip()
        if len(text) < 30:
            continue
        total += len(text)
        linked += sum(len(" ".join(a.itertext()).strip()) for a in p.iter("a"))
    return total, (linked / total if total else 1.0)


def classify_page(url: str, tree: etree._Element) -> PageDecision:
    """Is this page an article? ``tree`` is the page's parsed lxml HTML tree."""
    shape = url_shape(url)
    chars, density = text_profile(tree)
    if chars < MIN_ARTICLE_CHARS:
        return PageDecision(False, "short_text")
    if density > MAX_LINK_DENSITY:
        return PageDecision(False, "link_dense")
    declared = structured_type(tree)
    if shape == "listing":
        return PageDecision(False, "listing_url")
    if declared == "article":
        return PageDecision(True, "structured_data")
    if declared == "listing":
        return PageDecision(False, "listing_structured_data")
    if shape == "article":
        return PageDecision(True, "url+text")
    return PageDecision(chars >= 3 * MIN_ARTICLE_CHARS and density < 0.15, "text")
