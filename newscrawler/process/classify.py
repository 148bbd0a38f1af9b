"""Decide whether a fetched HTML page is a news article, from all the evidence.

Home, section, pagination, tag, author, about, contact and login pages must never
be archived as articles; no real article may be lost. The decision is taken after
extraction, on the story itself, and weighs:

- **how the URL was found** (``via``): an entry of a Google News sitemap, a sitemap
  entry with ``lastmod``, or a feed item is strong evidence of an article;
- **structured data**: a JSON-LD article type is strong evidence; ``og:type=article``
  weaker; listing types (``CollectionPage``...) and ``og:type=profile`` count against;
  ``og:type=website`` says nothing (many article pages declare it);
- **the URL's shape**: tag, author, section, pagination and site pages (about,
  login...) count against, a dated path, long slug or numeric id for;
- **the extracted body**: its words, its paragraphs, and the share of it that is link
  text (a listing's body is mostly teaser headlines that link elsewhere).

Pages whose URL or structured data already marks them as listings, with no evidence
for an article, are decided before extraction (:func:`pre_decision`), which spares
the extraction of listings. Each decision carries a short reason (counted as
``pages/not_article/<reason>`` and kept on the URL's state) and the evidence behind
it, which ``newscrawler explain`` prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from archive.article import Article, words_in
from newscrawler.extract.metadata.jsonld import ARTICLE_TYPES, jsonld_objects
from newscrawler.extract.metadata.page import meta_tags

# Page types that only listing or site pages declare (WebSite and WebPage appear
# on article pages too, e.g. in Yoast's @graph, so they say nothing).
LISTING_TYPES = {"collectionpage", "searchresultspage", "profilepage", "aboutpage", "contactpage", "checkoutpage",
                 "itempage", "qapage", "faqpage"}
LISTING_PATH = re.compile(
    # /tag/x/, /section/world/page/2/, /author/jane-doe/, /category/tech/, /search
    # (but /archives/12345, a common WordPress permalink, is an article)
    r"/(tags?|topics?|categor(y|ies)|sections?|authors?|contributors?|writers?|archives?(?!/(?!(19|20)\d\d/?$)\d{3,}/?$)|labels?"
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

# How a URL was found, strongest first. A publisher lists its articles in news sitemaps
# and feeds, and gives a sitemap entry a lastmod when it is a dated document.
STRONG_VIA = {"news_sitemap": "an entry of a Google News sitemap", "feed": "an item of a feed",
              "sitemap_lastmod": "a sitemap entry with lastmod", "archived": "archived as an article before"}
WEAK_VIA = {"sitemap": "a sitemap entry", "link": "a link", "start": "a start URL"}

MIN_WORDS = 40  # below this a body is too short to be anyone's article (ARTICLE_MIN_WORDS drops it anyway)
PROSE_WORDS = 120  # with no evidence at all, a body must read like a story: this many words...
PROSE_PARAGRAPHS = 3  # ...in this many paragraphs of PARAGRAPH_WORDS or more
PARAGRAPH_WORDS = 12
DECLARED_WORDS = 80  # og:type article alone (many CMSs declare it on every page): a body of this many words...
DECLARED_PARAGRAPHS = 2  # ...in this many paragraphs
MAX_LINKED = 0.5  # share of the body's text that is link text of the page (teaser headlines, link lists)
MAX_LINKED_STRONG = 0.7  # the same, for a page with strong evidence of an article
MAX_LINKED_PROSE = 0.35  # the same, with no evidence at all
TEASER_SAMPLE = 6  # body paragraphs looked up in the page for teasers...
TEASER_MIN_WORDS = 6  # ...of at least this many words
TEASER_MIN_LOCATED = 3  # fewer found in the page: too few to call it a listing
MAX_TEASERS = 0.5  # share of them in cards (a headline link beside them): a listing
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class PageDecision:
    is_article: bool
    reason: str  # e.g. "structured_data", "news_sitemap", "url+text"; for non-articles "listing_url", "short_text"
    evidence: tuple[str, ...] = field(default=(), compare=False)  # one line per fact weighed (explain shows them)


@dataclass(frozen=True)
class BodyProfile:
    """What the extracted story looks like."""

    words: int
    paragraphs: int  # lines of PARAGRAPH_WORDS words or more
    linked: float  # share of the body's characters that are the text of a link of the page

    def describe(self) -> str:
        return f"body: {self.words} words, {self.paragraphs} paragraphs, {self.linked:.0%} of it link text"


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    values = kind if isinstance(kind, list) else [kind]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def declared_types(tree: etree._Element) -> tuple[str | None, str]:
    """('article' | 'listing' | None, what declared it) from JSON-LD types and og:type.

    A JSON-LD article type is 'article' whatever else the page declares; og:type
    ``article`` is 'article' unless JSON-LD declares a listing type; ``website`` and
    ``webpage`` say nothing."""
    types: set[str] = set()
    for obj in jsonld_objects(tree):
        types |= _types(obj)
    if found := sorted(types & ARTICLE_TYPES):
        return "article", f"JSON-LD @type {found[0]}"
    listing = sorted(types & LISTING_TYPES)
    og = (meta_tags(tree).get("og:type") or [""])[0].strip().lower()
    if listing:
        return "listing", f"JSON-LD @type {listing[0]}"
    if og == "article":
        return "article", "og:type article"
    if og == "profile":
        return "listing", "og:type profile"
    return None, f"og:type {og}" if og else "no structured page type"


def structured_type(tree: etree._Element) -> str | None:
    """'article' or 'listing' from JSON-LD and og:type, or None when silent."""
    return declared_types(tree)[0]


def url_shape(url: str) -> str:
    """'listing' (home, section, tag, ...), 'site' (about, login, ...), 'article' (dated path, long slug,
    id) or 'neutral'."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if path in ("/", "") or re.fullmatch(r"/(index\.\w+|home)?/?", path):
        return "listing"
    query = parts.query.lower()
    if re.search(r"(^|&)(page|p|paged|offset|start)=\d+", query) or re.search(r"(^|&)(s|q|query|search)=", query):
        return "listing"
    last = path.rstrip("/").rsplit("/", 1)[-1].split(".", 1)[0]
    if SITE_PAGE.match(last):
        return "site"
    if LISTING_PATH.search(path):
        return "listing"
    if DATE_IN_PATH.search(path + "/") or SLUG.search(path) or ARTICLE_ID.search(path):
        return "article"
    return "neutral"


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def body_profile(tree: etree._Element, article: Article) -> BodyProfile:
    """Words, paragraphs and link share of ``article``'s body (extracted from ``tree``).

    The link share counts the body's text that is the text of one of the page's links
    (of two words or more: a one-word link such as "Home" would match ordinary words):
    teaser headlines and link lists, not a story's few inline links."""
    text = article.text
    # The lines' keys joined: no word spans a line, and case folding works letter by letter.
    body = " ".join(_WORD.findall(text.casefold()))
    tokens = body.split()
    pairs = set(zip(tokens, tokens[1:]))  # an anchor's first two words must stand together in the body
    anchors = {key for anchor in anchor_texts(tree) if " " in (key := _key(anchor))}
    linked = sum(body.count(key) * len(key) for key in anchors if tuple(key.split(" ", 2)[:2]) in pairs)
    # Lines of PARAGRAPH_WORDS words (Chinese, Japanese, Thai too) with a key, as the lines of ``body``.
    paragraphs = sum(1 for line in text.split("\n") if words_in(line) >= PARAGRAPH_WORDS
                     and _WORD.search(line.casefold()))
    return BodyProfile(article.word_count, paragraphs, min(1.0, linked / len(body)) if body else 0.0)


def anchor_texts(tree: etree._Element) -> set[str]:
    """The distinct texts (their pieces joined by spaces) of the page's links, of more than 4 characters.

    A link without child elements, nearly all of them, is its ``.text``: no ``itertext()``
    iterator per link (a page has ~200; this halves the time)."""
    texts = set()
    for a in tree.iter("a"):
        text = (a.text or "") if not len(a) else " ".join(a.itertext())
        if len(text) > 4:  # (menus repeat theirs)
            texts.add(text)
    return texts


def teaser_share(tree: etree._Element, article: Article) -> float:
    """The share of the body's first paragraphs that are teasers: each in a small block of the page
    (a card) that also holds a link of three words or more to elsewhere, its headline. A listing
    whose extraction kept only the teasers' summaries reads like short prose otherwise."""
    from newscrawler.extract.boilerplate import locate_block  # (no trafilatura there)

    sample = [line for line in article.text.split("\n") if words_in(line) >= TEASER_MIN_WORDS][:TEASER_SAMPLE]
    located = teasers = 0
    for line in sample:
        block = locate_block(tree, line)
        if block is None:
            continue
        located += 1
        teasers += _in_card(block, len(_key(line)))
    return teasers / located if located >= TEASER_MIN_LOCATED else 0.0


def _in_card(block: etree._Element, size: int) -> bool:
    holder = block.getparent()
    for _level in range(3):
        if holder is None or len(_key(" ".join(holder.itertext()))) > 2 * size + 150:
            return False
        for link in holder.iter("a"):
            if link.get("href") and not _inside(link, block) and len(_key(" ".join(link.itertext())).split()) >= 3:
                return True
        holder = holder.getparent()
    return False


def _inside(node: etree._Element, ancestor: etree._Element) -> bool:
    return any(parent is ancestor for parent in node.iterancestors())


def _via_line(via: str | None) -> str:
    if via in STRONG_VIA:
        return f"found as {STRONG_VIA[via]} (strong evidence)"
    return f"found as {WEAK_VIA.get(via or '', 'a page')}"


def strong_evidence(via: str | None, declared: str | None, declared_by: str) -> str | None:
    """The strongest evidence of an article (a decision's reason), or None."""
    if declared == "article" and declared_by.startswith("JSON-LD"):
        return "structured_data"
    return via if via in STRONG_VIA else None


def pre_decision(url: str, tree: etree._Element, via: str | None = None,
                 declared: tuple[str | None, str] | None = None) -> PageDecision | None:
    """The decision when the URL or structured data marks a listing or site page and nothing strong
    speaks for an article; None when the page is to be extracted and decided on its story.
    ``declared``: the page's :func:`declared_types`, if already read."""
    return _early(url_shape(url), *(declared or declared_types(tree)), via)


def _early(shape: str, declared: str | None, declared_by: str, via: str | None) -> PageDecision | None:
    evidence = (f"URL shape: {shape}", f"structured data: {declared_by}", _via_line(via))
    if shape == "site":
        return PageDecision(False, "site_page", evidence)
    if declared == "article" and declared_by.startswith("JSON-LD"):
        return None  # even at a listing's URL (WordPress's /archives/slug/ ...): the story decides
    if shape == "listing":
        return PageDecision(False, "listing_url", evidence)
    if declared == "listing":
        return PageDecision(False, "listing_structured_data", evidence)
    return None


def classify_page(url: str, tree: etree._Element, article: Article | None, via: str | None = None,
                  declared_types_: tuple[str | None, str] | None = None) -> PageDecision:
    """Is this page an article? ``tree`` is the page's parsed lxml HTML tree, ``article`` what extraction
    found on it (None: nothing), ``via`` how its URL was found (see :data:`STRONG_VIA`);
    ``declared_types_``: the page's :func:`declared_types`, if already read (they are read once)."""
    shape = url_shape(url)
    declared, declared_by = declared_types_ or declared_types(tree)
    early = _early(shape, declared, declared_by, via)
    if early is not None:
        return early
    evidence = [f"URL shape: {shape}", f"structured data: {declared_by}", _via_line(via)]
    if article is None:
        return PageDecision(False, "no_text", (*evidence, "body: no text extracted"))
    body = body_profile(tree, article)
    evidence.append(body.describe())
    strong = strong_evidence(via, declared, declared_by)
    if body.linked > (MAX_LINKED_STRONG if strong else MAX_LINKED):
        return PageDecision(False, "link_dense", tuple(evidence))
    if strong == "structured_data":  # (a live blog's entries look like teasers: not asked)
        return PageDecision(True, strong, tuple(evidence))
    if body.words < MIN_WORDS and not strong:
        return PageDecision(False, "short_text", tuple(evidence))
    teasers = teaser_share(tree, article)
    evidence.append(f"teasers: {teasers:.0%} of the first paragraphs sit beside a headline link")
    if teasers >= MAX_TEASERS:
        return PageDecision(False, "teasers", tuple(evidence))
    if strong:
        return PageDecision(True, strong, tuple(evidence))
    if declared == "article" and body.words >= DECLARED_WORDS and body.paragraphs >= DECLARED_PARAGRAPHS:
        return PageDecision(True, "og_type+text", tuple(evidence))  # og:type article
    if shape == "article":
        return PageDecision(True, "url+text", tuple(evidence))
    prose = body.linked <= MAX_LINKED_PROSE and (body.words >= PROSE_WORDS and body.paragraphs >= PROSE_PARAGRAPHS
                                                 or body.words >= 2 * PROSE_WORDS and body.paragraphs >= 2)
    return PageDecision(prose, "text" if prose else "not_prose", tuple(evidence))
